"""One report run: papermill → executed notebook → HTML → PDF/UA → tables.xlsx → provenance.

The run folder appears all at once: everything is rendered into
``<output_dir>/.<run-id>.partial/`` and renamed to ``<output_dir>/<run-id>/`` only when every
output exists. When a cell fails, the partly executed notebook is moved to
``<output_dir>/failed/<run-id>.ipynb`` for debugging, the partial folder is removed and a
:class:`~capacity.exceptions.ReportError` names the notebook, the cell and the error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capacity import i18n
from capacity.config import NOTEBOOKS_DIR, Params
from capacity.exceptions import ReportError
from capacity.report import runfolder
from capacity.report.progress import ReportProgress
from capacity.report.reproducible import build_time

# pandas (provenance, the scope check, the tables) and nbformat (→ jsonschema, about 1 s)
# are imported inside the functions: run_report starts the kernel first, so that it boots
# while this process imports them.

FORMATS = ("pdf", "html", "xlsx")
#: Notebooks about every city of the data (``params.city`` is not theirs).
NATIONAL = frozenset({"national"})
TITLE_KEYS = {
    "committee_report": "report_title",
    "data_quality": "dq_title",
    "scenarios": "scenarios_title",
    "mobility": "mobility_title",
    "national": "national_title",
    "population_size": "population_title",
    "capacity_staffing": "staffing_title",
    "template_estimator": "template_title",
}


@dataclass(frozen=True)
class ReportRun:
    """Where a finished run's outputs are and how long it took."""

    run_id: str
    folder: Path
    notebook: str
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The run in a few lines: notebook, time, folder and output files."""
        lines = [f"Report '{self.notebook}' rendered in {self.seconds:.1f} s into {self.folder}"]
        lines += [f"  {name:<11} {path}" for name, path in self.outputs.items()]
        return "\n".join(lines)


def parse_formats(formats: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"pdf,html"`` → ``("pdf", "html")``, refusing unknown formats."""
    if formats is None:
        return FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    items = [f.strip().lower() for f in items if f.strip()]
    unknown = sorted(set(items) - set(FORMATS))
    if unknown:
        raise ReportError(
            f"unknown output format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}."
        )
    return tuple(f for f in FORMATS if f in items)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "report"


def make_run_id(params: Params, notebook: str) -> str:
    """``params.run_id`` or ``<city>-<period end>-<notebook>-<UTC timestamp>``."""
    if params.run_id:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}", params.run_id):
            raise ReportError(
                f"run_id {params.run_id!r} cannot name a folder; use letters, digits, '.', '_' or '-'."
            )
        return params.run_id
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    # a long city name must not make the folder name too long for the file system
    return (
        f"{_slug(params.city)[:40]}-{params.period_end.isoformat()}-{_slug(notebook)[:40]}-{stamp}"
    )


def notebook_path(notebook: str | Path) -> Path:
    """The notebook file: a path, or a name in ``notebooks/`` (``.ipynb`` optional)."""
    p = Path(notebook)
    if p.suffix == ".ipynb" and p.exists():
        return p.resolve()
    candidate = NOTEBOOKS_DIR / (p.name if p.suffix == ".ipynb" else f"{p.name}.ipynb")
    if not candidate.exists():
        names = ", ".join(sorted(q.stem for q in NOTEBOOKS_DIR.glob("*.ipynb")))
        raise ReportError(f"no notebook named {notebook!r}; available: {names}.")
    return candidate


def dataset_meta(params: Params) -> dict[str, Any]:
    """``datapackage.json`` of the run's dataset (empty when there is none)."""
    path = params.data_path / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _banner(params: Params, synthetic: bool) -> str:
    """Text on every page: synthetic data, and a disclosure threshold below the default."""
    parts = [i18n.t("synthetic_banner", params.language)] if synthetic else []
    default = Params().suppression_threshold
    if params.suppression_threshold < default:
        parts.append(
            i18n.t(
                "disclosure_banner",
                params.language,
                threshold=params.suppression_threshold,
                default=default,
            )
        )
    return " · ".join(parts)


def page_metadata(params: Params, notebook: str, title: str | None, synthetic: bool) -> dict:
    """Metadata the HTML template turns into title, language and page furniture."""
    from capacity.report import provenance

    lang = params.language
    key = TITLE_KEYS.get(notebook)
    title = title or (i18n.t(key, lang, city=params.city) if key else notebook.replace("_", " "))
    period = i18n.t(
        "period",
        lang,
        start=i18n.format_date(params.period_start, lang),
        end=i18n.format_date(params.period_end, lang),
    )
    return {
        "lang": lang,
        "title": title,
        # the national report covers every city: its header names no city
        "header_left": period if notebook in NATIONAL else f"{params.city} · {period}",
        "banner": _banner(params, synthetic),
        "page_word": i18n.t("page", lang),
        "of_word": i18n.t("of", lang),
        "author": "capacity",
        "description": title,
        "created": build_time(params.period_end).date().isoformat(),
        "version": provenance.package_versions(("capacity",))["capacity"],
    }


def _execute(
    nb_file: Path, executed: Path, nb_params: dict, kernel_name: str | None, bar=None, kernel=None
) -> None:
    """Run the notebook with papermill over an IPC kernel (see :mod:`capacity.report.kernel`)."""
    from capacity.report.kernel import execute

    hooks = {"on_kernel": bar.kernel, "on_cell": bar.cell} if bar is not None else {}
    if kernel is not None:  # a warm kernel (capacity.report.warm), kept for the next report
        kernel.execute(nb_file, executed, nb_params, **hooks)
        return
    execute(nb_file, executed, nb_params, kernel_name, **hooks)


def _cell_error(exc: Exception, notebook: str, kept: Path | None) -> ReportError:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    where = f" The partly executed notebook is kept at {kept}." if kept else ""
    if isinstance(exc, PapermillExecutionError):
        first_line = (exc.source or "").strip().splitlines()[:1]
        snippet = f" ({first_line[0][:80]!r})" if first_line else ""
        return ReportError(
            f"notebook '{notebook}', cell {exc.cell_index + 1} (In [{exc.exec_count}])"
            f"{snippet} failed: {exc.ename}: {str(exc.evalue).rstrip('.')}.{where}"
        )
    if isinstance(exc, ReportError):
        return ReportError(f"notebook '{notebook}': {exc}{where}")
    if isinstance(exc, DeadKernelError):
        return ReportError(
            f"notebook '{notebook}': the Jupyter kernel died while running a cell (often out "
            f"of memory: try fewer n_boot or close other work, then run again).{where}"
        )
    return ReportError(f"notebook '{notebook}' failed: {type(exc).__name__}: {exc}.{where}")


def run_report(
    params: Params,
    notebook: str = "committee_report",
    formats: str | list[str] | tuple[str, ...] | None = "pdf,html,xlsx",
    *,
    kernel_name: str | None = None,
    extra_parameters: dict[str, Any] | None = None,
    progress: bool = False,
    kernel=None,
    svg: bool = True,
) -> ReportRun:
    """Render one report into ``<output_dir>/<run-id>/`` and return where it is.

    Parameters
    ----------
    params : Params
        Validated parameters (build with ``Params.from_yaml`` / ``from_mapping``, which refuse
        unknown names and out-of-range values before anything runs).
    notebook : str
        Name of a notebook in ``notebooks/`` or a path to one.
    formats : str or sequence
        Outputs besides the executed notebook: any of ``pdf``, ``html``, ``xlsx``.
    kernel_name : str, optional
        Jupyter kernel; default the notebook's own (``capacity``).
    extra_parameters : dict, optional
        Notebook-only parameters (e.g. a sweep's ``scenarios_file``).
    progress : bool
        Show a progress bar (kernel, each cell, HTML, PDF, tables) on standard error.
    kernel : capacity.report.warm.WarmKernel, optional
        Run the notebook on this already running kernel (from a clean namespace) instead of
        starting one; sweeps render many reports this way.
    svg : bool
        Write an SVG beside each figure's PNG in ``figures/`` (False: the PNG alone, which
        is what the HTML and the PDF show; a sweep's scenario reports).

    Raises
    ------
    DataError
        The city or period is not in the data (checked before any cell runs).
    ReportError
        A cell failed (the partly executed notebook is kept under ``failed/``), the kernel
        is not installed or died, or rendering failed.

    Returns
    -------
    ReportRun
        ``str()`` says where the outputs are and how long it took.
    """
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    fmts = parse_formats(formats)
    nb_file = notebook_path(notebook)
    name = nb_file.stem
    own_kernel = None
    if kernel is None:
        # started first, so that it boots and imports the notebook's modules on the other
        # core while this process checks the scope and imports papermill and the renderers
        kernel = own_kernel = _early_kernel(nb_file, kernel_name)
    try:
        return _run(params, nb_file, name, fmts, started, t0, kernel_name, extra_parameters,
                    progress, kernel, svg)  # fmt: skip
    finally:
        if own_kernel is not None:
            own_kernel.close()


def _early_kernel(nb_file: Path, kernel_name: str | None):
    """A kernel started now, importing the notebook's modules (:mod:`capacity.report.warm`).

    None when switched off (``CAPACITY_EARLY_KERNEL=0``) or when it cannot start: the
    run then starts its kernel through papermill, which reports a missing kernel clearly.
    """
    import os

    if os.environ.get("CAPACITY_EARLY_KERNEL", "1") == "0":
        return None
    try:
        from capacity.report.warm import WarmKernel

        name = (
            kernel_name
            or (json.loads(nb_file.read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"])
        )
        return WarmKernel(name, cwd=nb_file.parent, preload=nb_file)
    except Exception:  # papermill's own start then gives the clear error
        return None


def _run(params, nb_file, name, fmts, started, t0, kernel_name, extra_parameters, progress, kernel,
         svg=True):  # fmt: skip
    """:func:`run_report` after its kernel is started."""
    from capacity.report import provenance
    from capacity.report.preflight import check_scope
    from capacity.tables import read_tables

    check_scope(params)  # a city or period the data do not hold: refused before any cell runs
    run_id = make_run_id(params, name)
    root = params.output_path
    final = root / run_id
    bar = _progress(nb_file, name, fmts, progress)
    _prefetch_renderers(fmts)
    try:
        partial = runfolder.claim(root, run_id)  # exclusive; cleans killed runs' folders
    except ReportError:
        bar.close()
        raise
    artifacts = partial / "artifacts"
    executed = partial / f"{name}.ipynb"
    nb_params = {**params.to_dict(), "artifacts_dir": str(artifacts), **(extra_parameters or {})}
    try:
        artifacts.mkdir()
        if not svg:
            from capacity.report.figsave import request_png_only

            request_png_only(artifacts)
        try:
            _execute(nb_file, executed, nb_params, kernel_name, bar, kernel)
        except Exception as exc:
            kept = None
            if executed.exists():
                kept = _keep_failed(executed, root / "failed" / f"{run_id}.ipynb")
            raise _cell_error(exc, name, kept) from exc
        outputs, warnings = _render(executed, artifacts, partial, params, name, fmts, bar)
        meta = _read_json(artifacts / "meta.json")
        files = meta.get("files") or provenance.input_files(params.data_path)
        tables = read_tables(artifacts / "tables")
        suppressed = [
            {"table": tb.number, "name": tb.name, "row": str(r), "column": c}
            for tb in tables
            for r, c in tb.suppressed
        ]
        shutil.rmtree(artifacts)
        finished = dt.datetime.now(dt.UTC)
        outputs["provenance"] = partial / "provenance.json"
        record = provenance.build(
            params=params,
            run_id=run_id,
            notebook=name,
            started=started,
            finished=finished,
            files=files,
            outputs={k: v.name for k, v in outputs.items()},
            warnings=warnings,
            suppressed=suppressed,
        )
        provenance.write(record, outputs["provenance"])
        runfolder.release(partial)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        bar.close()
    outputs = {k: final / v.relative_to(partial) for k, v in outputs.items()}
    return ReportRun(run_id, final, name, outputs, time.perf_counter() - t0, tuple(warnings))


def _keep_failed(executed: Path, kept: Path, *, move: bool = True) -> Path | None:
    """Keep a failed run's notebook for debugging, with identifiers in its outputs masked.

    An error message may quote a cell of the input; every output text goes through
    :func:`capacity.privacy.detect.redact` first, so the kept notebook never holds a
    refused identifier in full. Returns where it is, or None if it could not be kept.
    """
    import nbformat

    from capacity.privacy.detect import redact

    try:
        nb = nbformat.read(executed, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if "text" in out:
                    out["text"] = redact(str(out["text"]))
                if "evalue" in out:
                    out["evalue"] = redact(str(out["evalue"]))
                if "traceback" in out:
                    out["traceback"] = [redact(str(t)) for t in out["traceback"]]
                for mime, value in dict(out.get("data", {})).items():
                    if mime.startswith("text/") and isinstance(value, str):
                        out["data"][mime] = redact(value)
        kept.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, kept)
        if move:
            executed.unlink(missing_ok=True)
        return kept
    except (OSError, ValueError):
        return None


def import_nbformat():
    """``nbformat``, imported without jsonschema's optional IRI format checker.

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` when it is installed (it
    is, through jupyterlab); that module builds about 40 Lark parsers at import, about 1 s
    of CPU (python-jsonschema/jsonschema#1428). It only serves the ``iri`` and
    ``iri-reference`` formats of a ``FormatChecker``: nbformat, nbconvert, nbclient and
    papermill validate without format checking, and their schemas use no such format. So
    the first import here hides it; jsonschema then has no checker for those two formats
    in this process. Nothing changes when jsonschema was imported already.
    """
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # → ImportError
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbformat

    return nbformat


def _progress(nb_file: Path, name: str, fmts: tuple[str, ...], enabled: bool) -> ReportProgress:
    nbformat = import_nbformat()  # here, not at the top: the kernel boots meanwhile

    cells = sum(
        c.cell_type == "code" and bool(c.source.strip())
        for c in nbformat.read(nb_file, as_version=4).cells
    )
    stages = [
        s for s, on in (("HTML", "html" in fmts or "pdf" in fmts), ("PDF", "pdf" in fmts)) if on
    ]
    return ReportProgress(name, cells + 1, [*stages, "tables"], enabled=enabled)


def _prefetch_renderers(fmts: tuple[str, ...]) -> None:
    """Import nbconvert and WeasyPrint in a background thread while the kernel works.

    The parent mostly waits for the kernel during execution; importing the renderers then
    (≈ 2 s of CPU) uses the second core instead of adding to the run's wall time.
    """
    import threading

    def load() -> None:
        try:
            if "html" in fmts or "pdf" in fmts:
                import nbconvert  # noqa: F401
            if "pdf" in fmts:
                import weasyprint  # noqa: F401
        except Exception:  # the real import in _render reports any error
            pass

    threading.Thread(target=load, name="capacity-prefetch", daemon=True).start()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _render(
    executed: Path,
    artifacts: Path,
    partial: Path,
    params: Params,
    name: str,
    fmts: tuple[str, ...],
    bar: ReportProgress | None = None,
) -> tuple[dict[str, Path], list[str]]:
    """HTML, PDF, tables.xlsx and figures from an executed notebook."""
    import nbformat

    from capacity.report.figsave import wait_for_figures
    from capacity.report.render import html_to_pdf, notebook_to_html
    from capacity.tables import read_tables
    from capacity.tables_xlsx import write_xlsx

    outputs: dict[str, Path] = {"notebook": executed}
    warnings: list[str] = []
    meta = _read_json(artifacts / "meta.json")
    synthetic = bool(meta.get("synthetic", dataset_meta(params).get("synthetic", False)))
    try:
        nb = nbformat.read(executed, as_version=4)
        nb.metadata["capacity"] = page_metadata(params, name, meta.get("title"), synthetic)
        nbformat.write(nb, executed)
        stage = bar.stage if bar is not None else (lambda _: None)
        if "html" in fmts or "pdf" in fmts:
            stage("HTML")
            html = notebook_to_html(nb)
            if "html" in fmts:
                outputs["html"] = partial / "report.html"
                outputs["html"].write_text(html, encoding="utf-8")
            if "pdf" in fmts:
                stage("PDF")
                outputs["pdf"] = partial / "report.pdf"
                warnings += html_to_pdf(html, outputs["pdf"], base_url=partial, identifier=name)
        stage("tables")
        tables = read_tables(artifacts / "tables")
        if "xlsx" in fmts and tables:
            outputs["xlsx"] = write_xlsx(
                tables, partial / "tables.xlsx", params.language, when=build_time(params.period_end)
            )
        figures = artifacts / "figures"
        wait_for_figures(figures)  # the kernel's forked processes write them
        if figures.exists() and any(figures.iterdir()):
            shutil.move(str(figures), partial / "figures")
            outputs["figures"] = partial / "figures"
    except ReportError as exc:
        _keep_failed(executed, params.output_path / "failed" / executed.name, move=False)
        raise ReportError(f"notebook '{name}': rendering failed: {exc}") from exc
    return outputs, warnings
