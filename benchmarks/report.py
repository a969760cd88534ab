"""Report overhead: the committee report against a floor measured in the same run.

* **floor** — one fresh process: papermill with the same Jupyter kernel (``capacity``) on a
  notebook that only imports the scientific stack (pandas, numpy, matplotlib, statsmodels,
  scipy), then WeasyPrint on a one-page HTML.
* **report** — the default committee report, exactly as a user runs it:
  ``capacity report -f params/stockholm.yaml`` (execute + HTML + PDF + tables), written into
  ``benchmarks/_work/reports/``.

Repetitions alternate floor and report so that load on the machine hits both alike. The
sweep benchmark (:mod:`benchmarks.sweep`) reuses these helpers.
"""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

from benchmarks import _measure as m
from benchmarks._config import TARGET_REPORT_RATIO, TARGET_REPORT_RATIO_COLD, BenchConfig
from benchmarks._report_md import Section, Target, fmt_mb, fmt_s, fmt_x, last_error, table
from capacity.workers import usable_cores

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


def params_args(cfg: BenchConfig, run_id: str, extra: dict | None = None) -> list[str]:
    args = ["-f", str(cfg.params_file), "-p", "output_dir", str(cfg.work / "reports")]
    args += ["-p", "run_id", run_id]
    for k, v in (extra or {}).items():
        args += ["-p", k, str(v)]
    return args


def run_floor(cfg: BenchConfig) -> m.Measurement:
    nb = floor_notebook(cfg.work)
    return m.run_task("floor", notebook=str(nb), out_dir=str(cfg.work / "floor"))


def fresh_cache(cfg: BenchConfig) -> Path:
    """An empty fit cache (``$CAPACITY_CACHE``) so that a run fits its models itself.

    Its ``datasets/`` subfolder is the (equally empty) validated-dataset cache: see
    :func:`cache_env`.
    """
    path = cfg.work / "cache" / uuid.uuid4().hex[:8]
    path.mkdir(parents=True)
    return path


def cache_env(cache: Path) -> dict[str, str]:
    """Environment that points both caches (fit, validated dataset) into ``cache``."""
    return {"CAPACITY_CACHE": str(cache), "CAPACITY_DATA_CACHE": str(cache / "datasets")}


def run_report_once(
    cfg: BenchConfig, extra: dict | None = None, cache: Path | None = None, sample: bool = False
) -> m.Measurement:
    """One ``capacity report`` in a fresh process; adds notebook timings from papermill.

    ``cache`` is the cache folder to use (fit, and validated dataset in ``datasets/``); by
    default a new empty one (a cold run that validates the data and fits the models). Give
    the cache of an earlier run to measure a warm re-run. ``sample``: also sample the
    process tree's CPU over the run and split it at the notebook's load cell and its end
    (:func:`phases`).
    """
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    cache = cache or fresh_cache(cfg)
    cmd = [CAPACITY, "report", *params_args(cfg, run_id, extra)]
    meas = m.run_command(cmd, timeout=cfg.timeout, env=cache_env(cache), sample_tree=sample)
    folder = cfg.work / "reports" / run_id
    timings, labels = _notebook_timings(folder)
    if sample:
        wall, cpu = phases(meas, _cell_times(folder), usable_cores())
        meas.stages.update(wall)
        meas.stages_cpu.update(cpu)
    meas.info.pop("tree_cpu", None)  # used up: not carried into the summary
    meas.stages.update(timings)
    meas.info["cells"] = labels
    meas.info["folder"] = str(folder)
    meas.info["cache"] = str(cache)
    meas.info["files"] = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    return meas


#: The committee notebook's cell that loads the data (and forks the refits, then fits):
#: no model can be fitted before it starts.
LOAD_CELL = "load_dataset("


def _cell_times(folder: Path) -> list[tuple[float, float, str]]:
    """Each executed code cell's (start, end) as Unix times (papermill's record), and its code."""
    import datetime as dt

    def unix(text: str) -> float:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    out = []
    for nb_path in folder.glob("*.ipynb"):
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for c in nb.get("cells", []):
            pm = c.get("metadata", {}).get("papermill", {})
            if c.get("cell_type") == "code" and pm.get("start_time") and pm.get("end_time"):
                out.append((unix(pm["start_time"]), unix(pm["end_time"]), "".join(c["source"])))
    return out


def phases(meas: m.Measurement, cells, cores: int) -> tuple[dict, dict]:
    """A report run cut where its models can start and where its last cell ends.

    ``before_models``: from the command's start to the start of the notebook's cell that
    loads the data (process start, kernel start, imports: no model can be fitted before
    the data are loaded); ``after_notebook``: from the end of the last cell to the end of
    the command (HTML, PDF: they need every cell's output); ``between`` (CPU): what the
    whole process tree computed between the two (:func:`benchmarks._measure.cpu_between`,
    at least). ``order_bound``: the least time a run in this order of work can take on
    ``cores`` cores, ``before_models + between / cores + after_notebook``.

    Returns (wall stages, CPU stages); empty when the samples or the cells are missing.
    """
    samples, epoch = meas.info.get("tree_cpu"), meas.info.get("epoch_start")
    load = [c for c in cells if LOAD_CELL in c[2]]
    if not samples or epoch is None or not load or cores < 1:
        return {}, {}
    start = min(c[0] for c in load) - epoch
    end = max(c[1] for c in cells) - epoch
    if not 0 <= start <= end <= meas.wall:
        return {}, {}
    between = m.cpu_between(samples, start, end)
    if between != between:  # NaN: no sample in the span
        return {}, {}
    after = meas.wall - end
    wall = {
        "before_models": start,
        "after_notebook": after,
        "order_bound": start + between / cores + after,
    }
    return wall, {"between": between}


def _notebook_timings(folder: Path) -> tuple[dict, dict]:
    """Durations papermill recorded in the executed notebook: the whole run and each cell.

    Returns the stage times (``notebook_execute``, ``slowest_cell``, ``cell NN``) and the
    first code line of each cell, for the breakdown table.
    """
    stages: dict = {}
    labels: dict = {}
    for nb_path in folder.glob("*.ipynb"):
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pm = nb.get("metadata", {}).get("papermill", {})
        if pm.get("duration") is not None:
            stages["notebook_execute"] = float(pm["duration"])
        for i, c in enumerate(nb.get("cells", [])):
            d = c.get("metadata", {}).get("papermill", {}).get("duration")
            if c.get("cell_type") != "code" or d is None:
                continue
            key = f"cell {i:02d}"
            stages[key] = float(d)
            labels[key] = cell_label("".join(c.get("source", "")))
        cells = [v for k, v in stages.items() if k.startswith("cell ")]
        if cells:
            stages["slowest_cell"] = max(cells)
    return stages, labels


def cell_label(src: str, width: int = 90) -> str:
    """A cell's statements with their calls' arguments elided: what the cell does.

    The first line alone (``data = load_dataset(params.data_path)``) hid that the same cell
    fits the models and evaluates them.
    """
    import ast

    class _Elide(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            return ast.Call(node.func, [ast.Name("…")] if node.args or node.keywords else [], [])

    try:
        tree = _Elide().visit(ast.parse(src))
        names = [a.asname or a.name for st in tree.body if isinstance(st, (ast.Import, ast.ImportFrom)) for a in st.names]  # fmt: skip
        parts = [f"import {', '.join(names)}"] if names else []
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Tuple):
                stmt.targets = [ast.Name("…")]  # many names: the call is what matters
            parts.append(ast.unparse(stmt).splitlines()[0])
        text = "; ".join(parts)
    except SyntaxError:
        text = next((ln for ln in src.splitlines() if ln.strip()), "")
    return text if len(text) <= width else text[: width - 1] + "…"


def _top_cells(summary: dict, labels: dict, n: int = 3) -> str:
    cells = sorted(
        ((v, k) for k, v in summary["stages"].items() if k.startswith("cell ")), reverse=True
    )[:n]
    return ", ".join(f"`{labels.get(k, k)[:40]}` {fmt_s(v)}" for v, k in cells)


def cell_table(runs: dict[str, dict], labels: dict, top: int = 8) -> list[str]:
    """The slowest notebook cells (median seconds per kind of run)."""
    keys = sorted(
        {k for r in runs.values() for k in r["stages"] if k.startswith("cell ")},
        key=lambda k: -max(r["stages"].get(k, 0.0) for r in runs.values()),
    )[:top]
    rows = [
        (k, f"`{labels.get(k, '').replace('|', '/')}`",
         *(fmt_s(r["stages"].get(k, float("nan"))) for r in runs.values()))
        for k in sorted(keys)
    ]  # fmt: skip
    return table(("cell", "first line", *runs), rows)


def row(label: str, summary: dict) -> tuple:
    rng = f"{fmt_s(summary['wall_min'])} – {fmt_s(summary['wall_max'])}"
    return (label, summary["n"], fmt_s(summary["wall"]), rng, fmt_mb(summary["peak_rss_mb"]))


HEADER = ("run", "runs", "median wall", "range", "peak RSS (largest process)")


def bench_report(cfg: BenchConfig) -> Section:
    """Median wall time of the committee report against the floor.

    Each repetition runs the floor, a cold report (empty fit and dataset caches, so the
    data are validated and the models fitted) and a warm re-run that finds the fit in the cache, in that order.
    """
    sec = Section("Report overhead: committee report against the floor")
    n = 1 if cfg.quick else cfg.repeats
    floors, cold, warm, failure = [], [], [], None
    for _ in range(n):  # interleaved, so that machine load hits all alike
        floors.append(run_floor(cfg))
        if failure is None:
            try:
                cold.append(run_report_once(cfg, quick_overrides(cfg), sample=True))
                cache = Path(cold[-1].info["cache"])
                warm.append(run_report_once(cfg, quick_overrides(cfg), cache=cache))
            except m.MeasurementError as exc:
                failure = last_error(exc)
    fl = m.summarise(floors)
    fl_exec = fl["stages"].get("papermill_execute", float("nan"))
    fl_pdf = fl["stages"].get("weasyprint_pdf", float("nan"))
    rows = [row("floor: imports-only notebook + one-page PDF", fl)]
    breakdown = (
        f"Floor (medians) = papermill execute {fmt_s(fl_exec)} + WeasyPrint one page "
        f"{fmt_s(fl_pdf)} + process start-up and imports {fmt_s(fl['wall'] - fl_exec - fl_pdf)}."
    )
    if failure is not None or not cold:
        sec.add(*table(HEADER, rows), "", breakdown, "")
        sec.add(f"**The committee report could not be measured**: {failure}.")
        sec.targets.append(
            Target("committee report / floor", f"≤ {TARGET_REPORT_RATIO:g}×", "–", None, failure)
        )
        cleanup(cfg)
        return sec
    rc, rw = m.summarise(cold), m.summarise(warm)
    from benchmarks.commands import TYPICAL

    cmd = f"`capacity report -f {rel(cfg.params_file)}`"
    TYPICAL.append((cmd, rc["wall"], "committee report, first run (validates, fits)"))
    TYPICAL.append((cmd, rw["wall"], "committee report, re-run (data and fit from the caches)"))
    label = f"`capacity report -f {rel(cfg.params_file)}`"
    rows += [
        row(f"{label}, cold (empty caches: validates the data, fits the models)", rc),
        row(f"{label}, warm (validated data and fit from the caches)", rw),
    ]
    sec.add(*table(HEADER, rows), "", breakdown)
    for name, r in (("Cold report", rc), ("Warm report", rw)):
        nb_exec = r["stages"].get("notebook_execute", float("nan"))
        sec.add(
            f"{name} = notebook execution (papermill's record) {fmt_s(nb_exec)}, slowest cell "
            f"{fmt_s(r['stages'].get('slowest_cell', float('nan')))}; the rest (process "
            f"start-up, kernel start, HTML, PDF, tables) {fmt_s(r['wall'] - nb_exec)}; CPU "
            f"time of the whole process tree {fmt_s(r['cpu'])}."
        )
    sec.add(
        "",
        "Slowest cells of the committee notebook (median seconds, papermill's record):",
        "",
        *cell_table({"cold": rc, "warm": rw}, cold[-1].info.get("cells", {})),
        "",
        f"Files of a report: {', '.join(cold[-1].info.get('files', [])) or '–'}.",
    )
    sec.add("", *_parts_lines(cfg))
    compute, compute_lines = _compute_parts(cfg)
    sec.add("", *compute_lines)
    steps, steps_lines = _warm_steps(cfg, Path(cold[-1].info["cache"]))
    sec.add("", *steps_lines)
    labels = cold[-1].info.get("cells", {})
    for name, r, goal in (
        ("cold", rc, TARGET_REPORT_RATIO_COLD),
        ("warm", rw, TARGET_REPORT_RATIO),
    ):
        ratio = r["wall"] / fl["wall"]
        nb_exec = r["stages"].get("notebook_execute", float("nan"))
        sec.targets.append(
            Target(
                f"committee report ({name}) / floor",
                f"≤ {goal:g}×",
                f"{fmt_x(ratio)} ({fmt_s(r['wall'])} / {fmt_s(fl['wall'])})",
                None if cfg.quick else ratio <= goal,
                f"{name} report: notebook execution {fmt_s(nb_exec)} (floor's imports-only "
                f"execution {fmt_s(fl_exec)}; slowest cells {_top_cells(r, labels)}), the rest "
                f"{fmt_s(r['wall'] - nb_exec)} (floor's rest {fmt_s(fl['wall'] - fl_exec)})"
                + (
                    cold_bound(
                        compute,
                        rw["wall"],
                        fl["wall"],
                        goal,
                        rc["cpu"],
                        usable_cores(),
                        order=order_phases(rc),
                    )
                    if name == "cold"
                    else ""
                )
                + (warm_rest(steps) if name == "warm" else ""),
            )
        )
    cleanup(cfg)
    return sec


#: Stages of ``report_compute`` a warm report reads from its caches instead.
COLD_ONLY = ("fit", "evaluate", "scenarios", "options", "reach_frontier", "coordination")


def order_phases(summary: dict) -> dict | None:
    """The medians of :func:`phases` in a summary of cold runs, or None when not measured."""
    st, cpu = summary["stages"], summary["stages_cpu"]
    keys = ("before_models", "after_notebook", "order_bound")
    if not all(k in st for k in keys) or "between" not in cpu:
        return None
    return {**{k: st[k] for k in keys}, "between": cpu["between"]}


def cold_bound(
    compute: dict | None,
    warm: float,
    floor: float,
    goal: float,
    tree_cpu: float = float("nan"),
    cores: int = 2,
    order: dict | None = None,
) -> str:
    """What a cold run computes beyond a warm one and the best the 2 cores can make of it.

    ``compute`` is the ``report_compute`` measurement (CPU seconds per piece). The cold
    report runs the tornado's refits in a second process beside its own fit, so at best
    the extra computing takes the longer of the two processes' CPU time (the refits; the
    fit and everything else) of wall time beside the warm report — half of it only when
    the two are equal. That is an estimate of one schedule, not a bound: the kernel's
    start and the fit could overlap, and the fit spreads its bootstrap over both cores.

    ``tree_cpu`` (user + system time of the cold run's whole process tree: the command,
    its kernel and their forked processes) gives a bound that holds for any schedule: on
    ``cores`` cores the run cannot end in under ``tree_cpu / cores``. When it is measured,
    the verdict rests on it.

    ``order`` (:func:`order_phases`: medians over the cold runs) holds the run cut where its
    models can start (the load cell) and where its notebook ends: a run in this order of
    work (kernel start, imports and load before any model; HTML and PDF after the last
    cell) cannot end in under ``before + between / cores + after``, however its computing
    is spread over the cores in between. That bound is higher than the tree's (the
    phases before and after keep a core idle) and, when it is above the goal, says the
    target needs less computing between the load and the notebook's end, not a better
    schedule of it.
    """
    if not compute:
        return ""
    cpu = compute["stages_cpu"]
    refits = {k: v for k, v in cpu.items() if k.startswith("refit ")}
    fit = cpu.get("fit", 0.0)
    options = cpu.get("options", 0.0) + cpu.get("reach_frontier", 0.0)
    other = sum(
        cpu.get(k, 0.0) for k in ("evaluate", "scenarios", "coordination", "tornado_points")
    )
    extra = fit + options + other + sum(refits.values())
    if not refits or extra <= 0:
        return ""
    big = max(refits, key=refits.get)
    longer = max(sum(refits.values()), extra - sum(refits.values()))
    best = warm + longer
    pieces = (
        f"; what a cold run computes beyond a warm one (`report_compute`, CPU, one piece "
        f"after another): the fit {fmt_s(fit)}, the tornado's {len(refits)} refits "
        f"{fmt_s(sum(refits.values()))} (`{big[6:]}` alone {fmt_s(refits[big])}), options, "
        f"reach curve and frontier {fmt_s(options)}, evaluation, scenarios, cooperation and "
        f"the tornado's points {fmt_s(other)} — {fmt_s(extra)} in all; spread over 2 cores "
        f"(the refits in a second process, the rest in the first) that is "
        f"{fmt_s(longer)} beside the "
        f"warm report's {fmt_s(warm)}: {fmt_x(best / floor)} the floor"
    )
    if tree_cpu == tree_cpu and cores > 0:  # measured (not NaN): a bound for any schedule
        least = tree_cpu / cores
        above = least / floor > goal
        text = pieces + (
            f". Whatever the schedule, the cold run's whole process tree used "
            f"{fmt_s(tree_cpu)} of CPU, so on {cores} cores it cannot end in under "
            f"{fmt_s(least)}: {fmt_x(least / floor)} the floor, "
            + (
                f"above {goal:g}×: the target cannot be met on this machine unless the "
                "models spend less CPU (the fit and the refits are the model code's), "
                "whatever the report overlaps"
                if above
                else f"within {goal:g}×: this bound does not rule the target out"
            )
        )
        if order is None or above:
            return text
        bound = order["order_bound"]
        return text + (
            f". In the report's order of work the bound is higher: "
            f"{fmt_s(order['before_models'])} from the command's start to the cell that "
            "loads the data (process and kernel start, imports: no model before it), then "
            f"{fmt_s(order['between'])} of CPU up to the notebook's last cell (the fit, the "
            f"refits, the analyses, the pages' tables and figures), at least "
            f"{fmt_s(order['between'] / cores)} on {cores} cores, then "
            f"{fmt_s(order['after_notebook'])} for the HTML and the PDF (they need every "
            f"cell): at least {fmt_s(bound)}, {fmt_x(bound / floor)} the floor, "
            + (
                f"above {goal:g}×: in this order of work the target cannot be met on this "
                "machine, whatever the schedule on the two cores, unless the computing "
                f"between the load and the notebook's end ({fmt_s(order['between'])} of "
                "CPU) gets smaller"
                if bound / floor > goal
                else f"within {goal:g}×: a better schedule could still meet it"
            )
        )
    verdict = (
        f"above {goal:g}×: the target needs the models themselves faster (the fit and the "
        "refits are the model code's), not the report"
        if best / floor > goal
        else f"within {goal:g}× if the two cores do nothing else"
    )
    return pieces + f", {verdict}"


def _warm_steps(cfg: BenchConfig, cache: Path) -> tuple[dict | None, list[str]]:
    """One warm ``run_report`` in a fresh process, each step timed in place (``report_stages``).

    ``cache`` holds the fit, results and validated dataset of an earlier (cold) run.
    """
    overrides = {"output_dir": str(cfg.work / "reports"), "run_id": f"bench-steps-{uuid.uuid4().hex[:8]}"}  # fmt: skip
    overrides.update(quick_overrides(cfg))
    cmd = [m.PYTHON, "-m", "benchmarks._tasks", "report_stages"]
    cmd.append(json.dumps({"params_file": str(cfg.params_file), "overrides": overrides}))
    try:
        meas = m.run_command(cmd, timeout=cfg.timeout, env=cache_env(cache))
    except m.MeasurementError as exc:
        return None, [f"The warm report's steps could not be timed: {last_error(exc)}."]
    steps = {"process": meas.wall, **meas.stages}
    cpu = meas.stages_cpu
    order = ["import", *meas.info.get("steps", [])]
    rows = [
        (k, fmt_s(meas.stages[k]), fmt_s(cpu.get(k, float("nan"))))
        for k in order
        if k in meas.stages
    ]
    inside = sum(meas.stages.get(k, 0.0) for k in order)
    rows.append(
        ("interpreter start, imports of the command, the rest", fmt_s(meas.wall - inside), "–")
    )
    rows.append(("**the whole process**", fmt_s(meas.wall), fmt_s(meas.cpu)))
    lines = [
        "Where a warm report's time goes: one warm `run_report` (caches of a cold run) in a "
        "fresh process, each step timed where it runs (`python -m benchmarks._tasks "
        "report_stages`; no profiler). The kernel is started first and boots and imports "
        "the notebook's modules on the other core during the scope check and the reading of "
        "the notebook; the notebook's execution includes any wait for it. CPU is this "
        "process's only (the kernel and the figure processes are others):",
        "",
        *table(("step", "wall", "CPU"), rows),
    ]
    return steps, lines


#: Steps of ``report_stages`` that make a report's time beyond its notebook (the "rest").
REST_STEPS = (
    "HTML (nbconvert)",
    "PDF (WeasyPrint)",
    "tables.xlsx",
    "scope check (city and period in the sightings)",
    "reading the notebook (imports nbformat)",
    "waiting for the figure files",
)


def warm_rest(steps: dict | None) -> str:
    """The warm report's time beyond its notebook, step by step (from ``_warm_steps``)."""
    if not steps:
        return ""
    parts = [f"{k.split(' (')[0]} {fmt_s(steps[k])}" for k in REST_STEPS if k in steps]
    return "; beyond the notebook (one warm run, steps timed in place): " + ", ".join(parts)


def _compute_parts(cfg: BenchConfig) -> tuple[dict | None, list[str]]:
    """What the cold notebook computes, piece by piece (``report_compute``, empty caches)."""
    cmd = [m.PYTHON, "-m", "benchmarks._tasks", "report_compute"]
    cmd.append(json.dumps({"params_file": str(cfg.params_file), "overrides": quick_overrides(cfg)}))
    # CAPACITY_JOBS=1: the fit in one process, as the report's fit runs beside its refit
    # process (capacity.workers.jobs), so that its CPU is counted whole (a fork_map worker's
    # CPU is its own process's, not this one's process_time)
    env = {**cache_env(fresh_cache(cfg)), "CAPACITY_JOBS": "1"}
    try:
        meas = m.run_command(cmd, timeout=cfg.timeout, env=env)
    except m.MeasurementError as exc:
        return None, [f"The cold report's computing could not be measured: {last_error(exc)}."]
    rows = [
        (f"`{k}`", fmt_s(meas.stages.get(k, float("nan"))), fmt_s(v))
        for k, v in meas.stages_cpu.items()
        if k not in ("task_total",)
    ]
    lines = [
        "What the cold notebook computes, one piece after another in one process with empty "
        "caches (`python -m benchmarks._tasks report_compute`; in the report the tornado's "
        "refits run in a second process beside the fit, `capacity.report.refits`):",
        "",
        *table(("piece", "wall", "CPU"), rows),
    ]
    return {"stages": meas.stages, "stages_cpu": meas.stages_cpu}, lines


def _parts_lines(cfg: BenchConfig) -> list[str]:
    """One cold ``run_report`` profiled in its own process: waiting for the kernel vs rendering."""
    overrides = {
        "output_dir": str(cfg.work / "reports"),
        "run_id": f"bench-parts-{uuid.uuid4().hex[:8]}",
    }
    overrides.update(quick_overrides(cfg))
    cmd = [m.PYTHON, "-m", "benchmarks._tasks", "report_parts"]
    cmd.append(json.dumps({"params_file": str(cfg.params_file), "overrides": overrides}))
    try:
        meas = m.run_command(cmd, timeout=cfg.timeout, env=cache_env(fresh_cache(cfg)))
    except m.MeasurementError as exc:
        return [f"The profiled report run failed: {last_error(exc)}."]
    rows = [
        (f"`{r['function']}`", r["calls"], fmt_s(r["cumulative_s"]))
        for r in meas.info.get("parts", [])
    ]
    return [
        f"Where the report process spends its time (one cold `run_report` under cProfile, "
        f"{fmt_s(meas.wall)} in all, of which imports {fmt_s(meas.stages.get('import', float('nan')))}; "
        "the kernel's work shows as time inside `execute_notebook`):",
        "",
        *table(("function", "calls", "cumulative"), rows),
    ]


def rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(m.ROOT))
    except ValueError:
        return str(path)


def quick_overrides(cfg: BenchConfig) -> dict:
    return {"n_boot": 20} if cfg.quick else {}


def cleanup(cfg: BenchConfig) -> None:
    """Rendered benchmark reports are not kept (they are large and regenerated each run)."""
    shutil.rmtree(cfg.work / "reports", ignore_errors=True)
    shutil.rmtree(cfg.work / "cache", ignore_errors=True)
