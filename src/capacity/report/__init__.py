"""Committee and analyst reports: papermill runs rendered to HTML, PDF/UA-1 and Excel; sweeps.

Public API
----------
run_report(params, notebook="committee_report", formats="pdf,html,xlsx") -> ReportRun
    Render one notebook into ``<output_dir>/<run-id>/`` (see :mod:`capacity.report.run`).
run_sweep(params, grid_file=None, jobs=2) -> SweepResult
    Evaluate a grid of scenarios on one fit and render their comparison
    (see :mod:`capacity.report.sweep`).
ReportBook
    The notebook-side helper that numbers, suppresses, saves and shows tables and figures.
fitted_models(data, params)
    ``capacity.question4.fit_models`` through the on-disk cache.
evaluated(fitted, data, params)
    ``capacity.question4.evaluate`` through the on-disk results cache.
"""

from __future__ import annotations

# Every name loads on first use. A report process (`capacity report`) needs the runner only:
# importing the book and the caches would pull in the whole model stack (statsmodels,
# scipy.stats, matplotlib; about 1.5 s) before its kernel can start. Notebook kernels need
# the book and the caches, not the runner's papermill and nbformat (→ jsonschema, ~1 s).
_LAZY = {
    "run_report": "capacity.report.run",
    "ReportRun": "capacity.report.run",
    "ReportBook": "capacity.report.book",
    "evaluated": "capacity.report.cache",
    "fitted_models": "capacity.report.cache",
}


def run_sweep(*args, **kwargs):
    """See :func:`capacity.report.sweep.run_sweep`."""
    from capacity.report.sweep import run_sweep as _run_sweep

    return _run_sweep(*args, **kwargs)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'capacity.report' has no attribute {name!r}")


__all__ = ["ReportBook", "ReportRun", "evaluated", "fitted_models", "run_report", "run_sweep"]
