"""Report overhead and scenario sweep against floors measured in the same run.

* **floor** — one fresh process: papermill with the same Jupyter kernel (``capacity``) on a
  notebook that only imports the scientific stack (pandas, numpy, matplotlib, statsmodels,
  scipy), then WeasyPrint on a one-page HTML.
* **report** — the default committee report, exactly as a user runs it:
  ``capacity report -f params/stockholm.yaml`` (execute + HTML + PDF + tables), written into
  ``benchmarks/_work/reports/``.
* **sweep** — ``capacity sweep`` over 16 scenarios with ``--jobs 2`` against one report.

Repetitions alternate floor and report so that load on the machine hits both alike.
"""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

import yaml

from benchmarks import _measure as m
from benchmarks._config import (
    SWEEP_JOBS,
    SWEEP_SCENARIOS,
    TARGET_REPORT_RATIO,
    TARGET_SWEEP_RATIO,
    BenchConfig,
)
from benchmarks._report_md import Section, Target, fmt_mb, fmt_s, fmt_x, last_error, table

FLOOR_IMPORTS = (
    "import numpy as np\n"
    "import pandas as pd\n"
    "import matplotlib\n"
    "import matplotlib.pyplot as plt\n"
    "import scipy.stats\n"
    "import statsmodels.api as sm\n"
    "print(pd.__version__, np.__version__)"
)
CAPACITY = str(Path(sys.executable).with_name("capacity"))


def floor_notebook(work: Path) -> Path:
    """Write the imports-only notebook (nbformat 4) used as the floor."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "capacity", "display_name": "Python (capacity)"}
    nb.metadata["language_info"] = {"name": "python"}
    path = work / "floor.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _params_args(cfg: BenchConfig, run_id: str, extra: dict | None = None) -> list[str]:
    args = ["-f", str(cfg.params_file), "-p", "output_dir", str(cfg.work / "reports")]
    args += ["-p", "run_id", run_id]
    for k, v in (extra or {}).items():
        args += ["-p", k, str(v)]
    return args


def run_floor(cfg: BenchConfig) -> m.Measurement:
    nb = floor_notebook(cfg.work)
    return m.run_task("floor", notebook=str(nb), out_dir=str(cfg.work / "floor"))


def run_report_once(cfg: BenchConfig, extra: dict | None = None) -> m.Measurement:
    """One ``capacity report`` in a fresh process; adds notebook timings from papermill."""
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    cmd = [CAPACITY, "report", *_params_args(cfg, run_id, extra)]
    meas = m.run_command(cmd, timeout=cfg.timeout)
    folder = cfg.work / "reports" / run_id
    meas.stages.update(_notebook_timings(folder))
    meas.info["folder"] = str(folder)
    meas.info["files"] = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    return meas


def _notebook_timings(folder: Path) -> dict:
    """Execution time papermill recorded in the executed notebook (whole and slowest cell)."""
    out: dict = {}
    for nb_path in folder.glob("*.ipynb"):
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pm = nb.get("metadata", {}).get("papermill", {})
        if pm.get("duration") is not None:
            out["notebook_execute"] = float(pm["duration"])
        cells = [
            (float(c["metadata"]["papermill"]["duration"] or 0.0), i)
            for i, c in enumerate(nb.get("cells", []))
            if c.get("metadata", {}).get("papermill", {}).get("duration") is not None
        ]
        if cells:
            d, i = max(cells)
            out["slowest_cell"] = d
            out["slowest_cell_index"] = i
    return out


def bench_report(cfg: BenchConfig) -> Section:
    """Median wall time of the committee report against the floor."""
    sec = Section("Report overhead: committee report against the floor")
    n = 1 if cfg.quick else cfg.repeats
    floors, reports, failure = [], [], None
    for _ in range(n):  # alternate, so that machine load hits both alike
        floors.append(run_floor(cfg))
        if failure is None:
            try:
                reports.append(run_report_once(cfg, _quick_overrides(cfg)))
            except m.MeasurementError as exc:
                failure = last_error(exc)
    fl = m.summarise(floors)
    fl_exec = fl["stages"].get("papermill_execute", float("nan"))
    fl_pdf = fl["stages"].get("weasyprint_pdf", float("nan"))
    rows = [
        ("floor (imports-only notebook + one-page PDF)", n, fmt_s(fl["wall"]),
         f"{fmt_s(fl['wall_min'])} – {fmt_s(fl['wall_max'])}", fmt_mb(fl["peak_rss_mb"])),
    ]  # fmt: skip
    breakdown = (
        f"Floor (medians) = papermill execute {fmt_s(fl_exec)} + WeasyPrint one page "
        f"{fmt_s(fl_pdf)} + process start-up and imports {fmt_s(fl['wall'] - fl_exec - fl_pdf)}."
    )
    if failure is not None or not reports:
        sec.add(
            *table(("run", "runs", "median wall", "range", "peak RSS (largest process)"), rows),
            "",
            breakdown,
            "",
            f"**The committee report could not be measured**: {failure}.",
        )
        sec.targets.append(
            Target("committee report / floor", f"≤ {TARGET_REPORT_RATIO:g}×", "–", None, failure)
        )
        _cleanup(cfg)
        return sec
    rp = m.summarise(reports)
    ratio = rp["wall"] / fl["wall"]
    nb_exec = rp["stages"].get("notebook_execute", float("nan"))
    rows.append(
        ("`capacity report -f params/stockholm.yaml`", n, fmt_s(rp["wall"]),
         f"{fmt_s(rp['wall_min'])} – {fmt_s(rp['wall_max'])}", fmt_mb(rp["peak_rss_mb"])),
    )  # fmt: skip
    sec.add(
        *table(("run", "runs", "median wall", "range", "peak RSS (largest process)"), rows),
        "",
        breakdown,
        f"Report = notebook execution (papermill's own record) {fmt_s(nb_exec)}, of which the "
        f"slowest cell {fmt_s(rp['stages'].get('slowest_cell', float('nan')))} (cell "
        f"{int(rp['stages'].get('slowest_cell_index', -1))}); everything else (start-up, "
        f"kernel, HTML, PDF, tables) {fmt_s(rp['wall'] - nb_exec)}.",
        "",
        f"Files of the last report: {', '.join(reports[-1].info.get('files', [])) or '–'}.",
    )
    sec.targets.append(
        Target(
            "committee report / floor",
            f"≤ {TARGET_REPORT_RATIO:g}×",
            f"{fmt_x(ratio)} ({fmt_s(rp['wall'])} / {fmt_s(fl['wall'])})",
            None if cfg.quick else ratio <= TARGET_REPORT_RATIO,
            f"notebook execution {fmt_s(nb_exec)}, rest {fmt_s(rp['wall'] - nb_exec)}",
        )
    )
    _cleanup(cfg)
    return sec


def _quick_overrides(cfg: BenchConfig) -> dict:
    return {"n_boot": 20} if cfg.quick else {}


def sweep_grid(cfg: BenchConfig, n: int = SWEEP_SCENARIOS) -> Path:
    """A grid of ``n`` scenarios: 4 staffing levels × 4 mobility levels."""
    grid = {
        "extra_fte": [0.0, 1.0, 2.0, 4.0],
        "stay_multiplier": [0.5, 0.75, 1.0, 1.5],
    }
    assert len(grid["extra_fte"]) * len(grid["stay_multiplier"]) == n
    path = cfg.work / f"sweep-grid-{n}.yaml"
    path.write_text(yaml.safe_dump(grid, sort_keys=False), encoding="utf-8")
    return path


def bench_sweep(cfg: BenchConfig) -> Section:
    """16 scenarios with ``--jobs 2`` against one report, measured in the same run."""
    sec = Section(f"Sweep: {SWEEP_SCENARIOS} scenarios on {SWEEP_JOBS} cores against one report")
    grid = sweep_grid(cfg)
    n = 1 if cfg.quick else max(1, cfg.repeats - 1)
    sweeps, reports = [], []
    for _ in range(n):
        reports.append(run_report_once(cfg, _quick_overrides(cfg)))
        run_id = f"bench-sweep-{uuid.uuid4().hex[:8]}"
        cmd = [CAPACITY, "sweep", *_params_args(cfg, run_id, _quick_overrides(cfg))]
        cmd += ["--grid", str(grid), "--jobs", str(SWEEP_JOBS)]
        sweeps.append(m.run_command(cmd, timeout=cfg.timeout))
    sw, rp = m.summarise(sweeps), m.summarise(reports)
    ratio = sw["wall"] / rp["wall"]
    sec.add(
        *table(
            ("run", "runs", "median wall", "peak RSS (largest process)"),
            [
                ("one report", n, fmt_s(rp["wall"]), fmt_mb(rp["peak_rss_mb"])),
                (
                    f"sweep, {SWEEP_SCENARIOS} scenarios, --jobs {SWEEP_JOBS}",
                    n,
                    fmt_s(sw["wall"]),
                    fmt_mb(sw["peak_rss_mb"]),
                ),
            ],  # fmt: skip
        ),
        "",
        f"Grid: `{grid.name}` (extra_fte × stay_multiplier, 4 × 4). Per scenario: "
        f"{fmt_s(sw['wall'] / SWEEP_SCENARIOS)} of wall time on {SWEEP_JOBS} cores.",
    )
    sec.targets.append(
        Target(
            f"sweep of {SWEEP_SCENARIOS} / one report",
            f"≤ {TARGET_SWEEP_RATIO:g}×",
            f"{fmt_x(ratio)} ({fmt_s(sw['wall'])} / {fmt_s(rp['wall'])})",
            None if cfg.quick else ratio <= TARGET_SWEEP_RATIO,
            f"{fmt_s(sw['wall'] / SWEEP_SCENARIOS)} per scenario",
        )
    )
    _cleanup(cfg)
    return sec


def _cleanup(cfg: BenchConfig) -> None:
    """Rendered benchmark reports are not kept (they are large and regenerated each run)."""
    shutil.rmtree(cfg.work / "reports", ignore_errors=True)
