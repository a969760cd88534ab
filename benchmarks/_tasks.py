"""Child side of the benchmarks: ``python -m benchmarks._tasks <task> '<json kwargs>'``.

Each task runs in a fresh interpreter started by :func:`benchmarks._measure.run_task`,
times its own stages with :func:`time.perf_counter` and prints one ``BENCH_JSON`` line.
Pieces of the pipeline that are not importable yet are skipped and named in ``info``;
nothing is ever filled in for them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

MARK = "BENCH_JSON "
STAGES: dict[str, float] = {}
STAGES_CPU: dict[str, float] = {}
INFO: dict = {}


@contextmanager
def stage(name: str, cpu_clock=time.process_time):
    """Add the wall and CPU time of the block to ``STAGES[name]`` and ``STAGES_CPU[name]``.

    ``cpu_clock``: the process's CPU time (default) or :func:`time.thread_time`
    (:func:`thread_stage`).
    """
    t0, c0 = time.perf_counter(), cpu_clock()
    try:
        yield
    finally:
        STAGES[name] = STAGES.get(name, 0.0) + time.perf_counter() - t0
        STAGES_CPU[name] = STAGES_CPU.get(name, 0.0) + cpu_clock() - c0


def _sightings_file(folder: Path) -> Path:
    for ext in ("parquet", "csv", "xlsx"):
        p = folder / f"sightings.{ext}"
        if p.exists():
            return p
    raise FileNotFoundError(f"no sightings table in {folder}")


TABLE_NAMES = ("sightings", "outreach", "staff", "operations")


def task_read(folder: str, fmt: str | None = None) -> None:
    """The floor of the scale benchmark: read the files into pandas, nothing else.

    ``read`` is the sightings file alone; ``read_all`` all four tables (sightings included).
    """
    with stage("import"):
        import pandas as pd
    path = Path(folder) / f"sightings.{fmt}" if fmt else _sightings_file(Path(folder))
    suffix = path.suffix

    def read(p: Path):
        return pd.read_parquet(p) if suffix == ".parquet" else pd.read_csv(p)

    with stage("read_all"):
        with stage("read"):
            frame = read(path)
        for name in TABLE_NAMES[1:]:
            read(path.with_name(f"{name}{suffix}"))
    INFO.update(rows=len(frame), file=path.name, bytes=path.stat().st_size)


def _use_caches(data_cache: str | None, fit_cache: str | None = None) -> None:
    """Point capacity's caches at the folders given (before capacity is imported).

    ``data_cache``: the validated-dataset cache (``"off"``: validate every time).
    ``fit_cache``: the fit cache of :func:`capacity.report.fitted_models`.
    """
    import os

    if data_cache is not None:
        os.environ["CAPACITY_DATA_CACHE"] = data_cache
    if fit_cache is not None:
        os.environ["CAPACITY_CACHE"] = fit_cache


def _pick_city(ds) -> str:
    cities = ds.sightings["city"].value_counts()
    return "Stockholm" if "Stockholm" in cities.index else str(cities.index[0])


def _params(ds, folder: str, n_boot: int, seed: int):
    from capacity.config import Params

    period = ds.meta.get("period", {})
    values = {"data_dir": str(folder), "city": _pick_city(ds), "n_boot": n_boot, "seed": seed}
    if period.get("start") and period.get("end"):
        values.update(period_start=period["start"], period_end=period["end"])
    return Params.from_mapping(values)


def task_pipeline(
    folder: str,
    n_boot: int = 200,
    seed: int = 1,
    data_cache: str | None = "off",
    fit_cache: str | None = None,
    report_stages: bool = True,
) -> None:
    """Load + validate, then the whole question-4 chain with ``n_boot`` replicates.

    ``report_stages``: then also the options and the budget optimiser the committee report
    computes (stages ``options`` and ``optimiser``; the scale benchmark times them in the
    first run only, to keep ``make bench`` short).

    ``data_cache``: folder of the validated-dataset cache (empty: a first run that validates
    and stores; primed: a rerun) or ``"off"``. ``fit_cache``: with a folder, the fit goes
    through :func:`capacity.report.fitted_models` (the report's disk cache); without, it
    is :func:`capacity.question4.fit_models` itself.
    """
    import sys

    _use_caches(data_cache, fit_cache)
    with stage("import"):
        import capacity.question4 as answer
        from capacity.dataset import load_dataset

        if fit_cache is not None:
            from capacity.report.cache import fitted_models
        if report_stages:
            from capacity.question4.optimise import frontier
            from capacity.question4.options import options_frame, reach_curve
            from capacity.report.committee.options import FRONTIER
    missing = _time_fit_parts()
    with stage("load_validate"):
        if report_stages:  # inside the load: the check's modules are imported as in a first run
            with stage("load.imports"):
                missing += _time_load_parts()
        ds = load_dataset(folder)
    validated = "capacity.contract" in sys.modules  # a cache hit never imports the contract
    params = _params(ds, folder, n_boot, seed)
    with stage("fit_models"):
        if fit_cache is not None:
            fitted = fitted_models(ds, params)
        else:
            fitted = answer.fit_models(ds, params)
    with stage("evaluate"):
        result = answer.evaluate(fitted, params)
    # what the report computes on top of the chain: the options and the budget optimiser
    if report_stages:
        with stage("options"):
            options_frame(fitted, params)
            reach_curve(fitted, params)
        with stage("optimiser"):
            frontier(fitted, FRONTIER, params)
    INFO["fit_parts_missing"] = missing
    INFO.update(
        rows=len(ds.sightings),
        city=params.city,
        period=[str(params.period_start), str(params.period_end)],
        verdict=str(result.verdict),
        p_target=float(result.p_target),
        validated=validated,
    )


#: Parts of ``fit_models`` timed inside the real call (stage name, module, attribute,
#: what it is). ``fit_models`` looks each up in its module at call time, so a timing
#: wrapper set on the module attribute sees every call; nested times are part of
#: ``fit_models``, never added to the work a second time.
FIT_PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("fit.stays", "capacity.models.stays", "build_stays", "stays built from sightings"),
    ("fit.stays", "capacity.models.stays", "fit_stays", "stay distribution (margins, KM)"),
    ("fit.population", "capacity.question4.fit", "population_chain", "MSE per quarter"),
    ("fit.bootstrap", "capacity.question4.fit", "chain_bootstrap",
     "the bootstrap that repeats the chain (issue 9)"),
    ("fit.bootstrap", "capacity.question4.fit", "outreach_bootstrap",
     "its block bootstrap of outreach days (contact rates, interpreter share)"),
    ("fit.mobility", "capacity.question4.fit", "_mobility",
     "tour reach and strategy mix (issue 10)"),
)  # fmt: skip


#: Parts of ``load_dataset``'s first run (the fast check of a clean dataset), timed inside
#: the real call like :data:`FIT_PARTS`: (stage name, module, attribute, what it is).
#: Each runs in the calling thread (the column encoding waits for its two threads).
LOAD_PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("load.hash", "capacity.dataset", "_cache_key",
     "hashing the files for the cache key (XXH3-128)"),
    ("load.read", "capacity.fast_validate", "_csv", "reading the files into Arrow"),
    ("load.read", "capacity.fast_validate", "_parquet", "reading the files into Arrow"),
    ("load.distinct", "capacity.fast_validate", "_encode_columns",
     "listing each column's distinct cells"),
    ("load.typing", "capacity.fast_validate", "_typed_by_kind",
     "parsing the distinct cells, date and decimal guards"),
    ("load.tables", "capacity.fast_validate", "_table",
     "contract rules, repeated keys, typed columns"),
    ("load.privacy", "capacity.fast_validate", "_identifiers",
     "the privacy scan (on a second thread while the cells are parsed: its own thread's CPU)"),
    ("load.sha256", "capacity.dataset", "content_digests",
     "the files' SHA-256 (on a thread of its own beside the read: its thread's CPU)"),
    ("load.cross", "capacity.dataset", "cross_check", "checks across tables"),
    ("load.cache_write", "capacity.dataset_cache", "write",
     "storing the validated dataset (on a background thread, after the load returns)"),
)  # fmt: skip


def _wrap_parts(parts, timer) -> list[str]:
    """Replace each ``(name, module, attr, what)`` of ``parts`` by ``timer(name, fn)``.

    Returns the parts that do not exist (``module.attr``), so the table can say so.
    """
    import importlib

    missing = []
    for name, module, attr, _what in parts:
        try:
            mod = importlib.import_module(module)
            fn = getattr(mod, attr)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{attr}")
            continue
        setattr(mod, attr, timer(name, fn))
    return missing


def _load_timer(name: str, fn):
    """``fn`` timed as the load part ``name`` (its own thread's CPU when it runs beside others)."""
    import functools

    @functools.wraps(fn)
    def timed(*a, **kw):
        with thread_stage(name) if name in CONCURRENT_PARTS else stage(name):
            return fn(*a, **kw)

    return timed


def _time_load_parts() -> list[str]:
    """Wrap each of :data:`LOAD_PARTS` in a stage timer; return those that do not exist."""
    return _wrap_parts(LOAD_PARTS, _load_timer)


#: Load parts that run beside others on a second thread: timed with that thread's CPU.
CONCURRENT_PARTS = frozenset({"load.privacy", "load.sha256", "load.cache_write"})


def thread_stage(name: str):
    """Like :func:`stage`, with the CPU time of the calling thread alone."""
    return stage(name, time.thread_time)


_INSIDE: list[str] = []

#: This task's process: a part timed in another (a ``capacity.workers.fork_map`` worker)
#: is written to :data:`_WORKER_FILE` and added as ``<part>@worker`` when the task ends.
_MAIN_PID = os.getpid()
_WORKER_FILE: list[Path] = []


def _fit_timer(name: str, fn):
    """``fn`` timed as the fit part ``name``; a part called from another counts in the outer.

    A part that runs in a forked worker (``capacity.workers``: the quarterly population
    chain beside the stays) is timed there and sent back through :data:`_WORKER_FILE`:
    its wall time ran beside the caller's parts, not after them.
    """
    import functools

    @functools.wraps(fn)
    def timed(*a, **kw):
        if _INSIDE:  # a part called from another part counts once, in the outer one
            return fn(*a, **kw)
        if os.getpid() != _MAIN_PID and _WORKER_FILE:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                _record(_WORKER_FILE[0], [name, time.perf_counter() - t0, time.process_time() - c0])
        _INSIDE.append(name)
        try:
            with stage(name):
                return fn(*a, **kw)
        finally:
            _INSIDE.pop()

    return timed


def _worker_stages() -> None:
    """Add the parts timed in forked workers as ``<part>@worker`` (wall and CPU)."""
    if not _WORKER_FILE or not _WORKER_FILE[0].exists():
        return
    for name, wall, cpu in _records(_WORKER_FILE[0]):
        STAGES[f"{name}@worker"] = STAGES.get(f"{name}@worker", 0.0) + wall
        STAGES_CPU[f"{name}@worker"] = STAGES_CPU.get(f"{name}@worker", 0.0) + cpu
    _WORKER_FILE[0].unlink()


def _record(path: Path, row: list) -> None:
    """Append ``row`` to ``path`` as one JSON line, from whichever process (a forked worker's
    memory is lost when it ends; one short line is one write)."""
    with open(path, "a") as fh:
        fh.write(json.dumps(row) + "\n")


def _records(path: Path) -> list:
    """The rows :func:`_record` appended to ``path``, in order."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def _time_fit_parts() -> list[str]:
    """Wrap each of :data:`FIT_PARTS` in a stage timer; return those that do not exist."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="bench-worker-stages-", suffix=".jsonl")
    os.close(fd)
    _WORKER_FILE[:] = [Path(path)]
    return _wrap_parts(FIT_PARTS, _fit_timer)


def task_stages(folder: str, n_boot: int = 200, seed: int = 1, profile: bool = True) -> None:
    """Breakdown: each public model step on its own, then a profile of ``fit_models``.

    Steps that are not importable are listed in ``INFO['missing']``.
    """
    import importlib

    _use_caches("off")
    missing = []
    with stage("import"):
        from capacity.dataset import load_dataset
    with stage("load_validate"):
        ds = load_dataset(folder)
    try:
        params = _params(ds, folder, n_boot, seed)
    except ImportError as exc:
        missing.append(f"capacity.config.Params: {exc}")
        params = None
    start = params.period_start if params else None
    end = params.period_end if params else None
    city = params.city if params else _pick_city(ds)

    def get(mod: str, name: str):
        try:
            return getattr(importlib.import_module(mod), name)
        except (ImportError, AttributeError) as exc:
            missing.append(f"{mod}.{name} ({type(exc).__name__})")
            return None

    build_stays = get("capacity.models.stays", "build_stays")
    stays = None
    if build_stays is not None:
        with stage("build_stays"):
            stays = build_stays(
                ds.sightings, gap_days=params.gap_days if params else 14,
                period_start=start, period_end=end,
            )  # fmt: skip
        INFO["stays"] = len(stays)
        fit_stays = get("capacity.models.stays", "fit_stays")
        if fit_stays is not None:
            with stage("fit_stays"):
                fit_stays(stays, city=city)
        touring = get("capacity.models.touring", "touring")
        if touring is not None:
            with stage("touring"):
                touring(stays)
    capture_histories = get("capacity.models.population", "capture_histories")
    if capture_histories is not None:
        with stage("capture_histories"):
            sg = ds.sightings
            keep = sg["city"] == city
            if start is not None:
                keep &= sg["date"].between(str(start), str(end))
            hist = capture_histories(sg.loc[keep])
        mse = get("capacity.models.population", "mse")
        if mse is not None:
            with stage("mse"):
                mse(hist, lists=[c for c in hist.columns if c != "count"])
    if stays is not None:
        _new_model_stages(ds, stays, params, city, get)
    fit_productivity = get("capacity.models.productivity", "fit_productivity")
    if fit_productivity is not None:
        with stage("fit_productivity"):
            fit_productivity(ds.outreach, city=city)
    fit_models = get("capacity.question4", "fit_models")
    if fit_models is not None and params is not None:
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            with stage("fit_models_profiled"):
                prof.runcall(fit_models, ds, params)
            INFO["profile"] = _profile_rows(pstats.Stats(prof))
        else:
            with stage("fit_models"):
                fit_models(ds, params)
    INFO["missing"] = missing
    INFO["rows"] = len(ds.sightings)


def _new_model_stages(ds, stays, params, city: str, get) -> None:
    """Tour flows and the strategy mix (issue 10), each timed on its own.

    The bootstrap that repeats the chain (issue 9) and the optimiser (issue 11) are timed
    inside the pipeline task (``FIT_PARTS``, stages ``options`` and ``optimiser``).
    """
    tour_flows = get("capacity.models.tours", "tour_flows")
    if tour_flows is not None:
        with stage("tour_flows"):
            tour_flows(stays)
    first_contact_times = get("capacity.models.strategy", "first_contact_times")
    fit_strategy = get("capacity.models.strategy", "fit_strategy")
    if first_contact_times is not None and fit_strategy is not None:
        with stage("strategy_mix"):
            times = first_contact_times(ds.sightings, stays, city)
            mine = stays[stays["city"] == city]
            fit_strategy(times, float(mine["duration_days"].mean()))


def _profile_rows(stats, top: int = 15) -> list[dict]:
    """The functions with the most cumulative and own time, trimmed to the project and pandas."""
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "in_capacity": "/capacity/" in file,
                "calls": nc,
                "own_s": round(tt, 4),
                "cumulative_s": round(ct, 4),
            }
        )
    own = sorted(rows, key=lambda r: r["own_s"], reverse=True)[:top]
    cum = sorted(
        (r for r in rows if r["in_capacity"]), key=lambda r: r["cumulative_s"], reverse=True
    )[:top]
    return {"by_own_time": own, "capacity_by_cumulative": cum}


def task_floor(notebook: str, out_dir: str, kernel: str = "capacity") -> None:
    """The report floor: papermill on an imports-only notebook, then WeasyPrint one page."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with stage("import_papermill"):
        import papermill
    with stage("papermill_execute"):
        papermill.execute_notebook(
            notebook, str(out / "floor-out.ipynb"), kernel_name=kernel, progress_bar=False
        )
    with stage("import_weasyprint"):
        from weasyprint import HTML
    html = (
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Golv</title>"
        "<style>body{font-family:DejaVu Sans,sans-serif}</style></head><body>"
        "<h1>Golvmätning</h1><p>En sida HTML till PDF, för att mäta WeasyPrints fasta kostnad."
        "</p><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "</body></html>"
    )
    with stage("weasyprint_pdf"):
        HTML(string=html).write_pdf(str(out / "floor.pdf"))


def task_generate(folder: str, target_sightings: int, seed: int, n_cities: int = 20) -> None:
    """Write a national synthetic dataset (done once per size and seed, then reused)."""
    from capacity import synth
    from capacity.synth.write import write_folder

    with stage("generate"):
        syn = synth.national(seed=seed, target_sightings=target_sightings, n_cities=n_cities)
    with stage("write"):
        written = write_folder(syn, Path(folder))
    INFO["written"] = [str(p) for p in written]
    INFO["rows"] = {name: len(t) for name, t in syn.tables.items()}


def task_sweep_each(
    params_file: str, grid: str, jobs: int, overrides: dict, data_cache: str | None = None
) -> None:
    """``run_sweep(..., each=True)``: the comparison plus every scenario's own report."""
    _use_caches(data_cache)
    with stage("import"):
        from capacity.config import Params
        from capacity.report import run_sweep
    params = Params.from_yaml(params_file, **overrides)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _time_scenario_reports(Path(tmp))
        INFO["sweep_started"] = time.time()  # wall clock: the reports' rows use it too
        with stage("sweep"):
            result = run_sweep(params, grid, jobs=jobs, each=True, progress=False)
        INFO["per_report"] = [json.loads(p.read_text()) for p in sorted(Path(tmp).glob("*.json"))]
    INFO["scenarios"] = len(result.comparison)
    INFO["reports"] = len(result.reports)


#: Set by ``_time_scenario_reports``: where each timed report leaves its row, and the
#: sweep's own report function (the workers are forked, so they see both).
_TIMED: dict = {}


def _time_scenario_reports(out: Path) -> None:
    """Time each scenario report of a sweep in its worker: CPU of the worker, of its warm
    kernel and of the kernel's children (the figure processes), and the notebook's cells.

    The workers are forked from this process and get each job's function by reference
    (pickled): :func:`_timed_render_one` stands in for the sweep's own. Each report leaves
    one JSON file in ``out``.
    """
    import capacity.report.sweep as sweep

    _TIMED.update(out=out, render=sweep._render_one)
    sweep._render_one = _timed_render_one


#: Run (silently) once in each warm kernel before its first report: the CPU time of every
#: cell the notebook runs, and of the cell's ``savefig`` calls (drawing the figures), one
#: JSON line per cell in the file given. Silent requests (the preload, the reset between
#: reports) fire no cell events, so the lines are the notebook's code cells, in order.
KERNEL_TIMER = """
def _capacity_bench_timer(path):
    import json, time
    import matplotlib.figure as mf

    state = {"savefig": 0.0, "cpu": 0.0, "drawn": 0.0}
    draw = mf.Figure.savefig

    def savefig(self, *a, **k):
        t = time.process_time()
        try:
            return draw(self, *a, **k)
        finally:
            state["savefig"] += time.process_time() - t

    def pre(*_):
        state["cpu"], state["drawn"] = time.process_time(), state["savefig"]

    def post(*_):
        row = {"cpu": time.process_time() - state["cpu"], "savefig": state["savefig"] - state["drawn"]}
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\\n")

    mf.Figure.savefig = savefig
    get_ipython().events.register("pre_run_cell", pre)
    get_ipython().events.register("post_run_cell", post)
_capacity_bench_timer(%r)
del _capacity_bench_timer
"""


def _time_kernel_cells(kernel) -> Path:
    """Install :data:`KERNEL_TIMER` in ``kernel`` (once); return the file it writes to.

    Sent without waiting, like the kernel's preload: the kernel runs it before the
    notebook's first cell. The client stays open until the report has run.
    """
    import os

    path = _TIMED["out"] / f"kernel-{os.getpid()}.jsonl"
    if not getattr(kernel, "_bench_timed", False):
        from jupyter_client import BlockingKernelClient

        code = KERNEL_TIMER % str(path)  # before any socket is opened
        kc = BlockingKernelClient()
        kc.load_connection_info(kernel.km.get_connection_info())
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            kc.execute(code, silent=True, store_history=False)
        except BaseException:
            # a client left open is collected later in the middle of another report, and
            # its zmq context's term() then blocks that worker for good (a sweep hung so)
            kc.stop_channels()
            raise
        kernel._bench_timed = kc
    return path


def _timed_render_one(*args, kernel=None, **kwargs):
    import os

    import psutil

    import capacity.report.render as render

    cells_file = _time_kernel_cells(kernel)
    pdf = [0.0]
    to_pdf = render.html_to_pdf

    def timed_pdf(*a, **kw):
        t = time.process_time()
        try:
            return to_pdf(*a, **kw)
        finally:
            pdf[0] += time.process_time() - t

    render.html_to_pdf = timed_pdf  # looked up by the report runner at each call
    proc = psutil.Process(kernel.km.provisioner.process.pid)
    started = time.time()
    c0, k0 = time.process_time(), proc.cpu_times()
    try:
        report = _TIMED["render"](*args, kernel=kernel, **kwargs)
    finally:
        render.html_to_pdf = to_pdf
        if kernel._bench_timed is not True:  # the client that installed the timer
            kernel._bench_timed.stop_channels()
            kernel._bench_timed = True
    worker, k1 = time.process_time() - c0, proc.cpu_times()
    nb = json.loads((report.folder / "committee_report.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    timed = []
    if cells_file.exists():
        timed = [json.loads(line) for line in cells_file.read_text(encoding="utf-8").splitlines()]
        cells_file.unlink()
    row = {
        "started": started,
        "finished": time.time(),
        "worker": worker,
        "pdf": pdf[0],
        "kernel": k1.user + k1.system - k0.user - k0.system,
        # figure files are written by processes forked from the kernel, which reaps them
        "figures": k1.children_user + k1.children_system - k0.children_user - k0.children_system,
        "cells": [c["metadata"].get("papermill", {}).get("duration") or 0.0 for c in code],
        "sources": ["".join(c["source"])[:2000] for c in code],
    }
    if len(timed) == len(code):  # CPU per cell, and of its savefig calls
        row["cells_cpu"] = [t["cpu"] for t in timed]
        row["cells_savefig"] = [t["savefig"] for t in timed]
    (_TIMED["out"] / f"{report.run_id}-{os.getpid()}.json").write_text(json.dumps(row))
    return report


def task_national(folder: str, n_boot: int = 200, seed: int = 1, data_cache: str | None = "off"):
    """The national run (issue 10): ``load_dataset``, then ``national_view`` over every city.

    ``national_view`` fits the question-4 chain of each city and joins the cities through
    the tour chain; per-city fit times go to ``INFO['per_city_s']``. The cities are fitted
    in two processes (``capacity.national._fit_cities``): each city's time is written to a
    file by the process that fits it, and the CPU of the collected workers goes to
    ``INFO['national_view_cpu_children']``.
    """
    import resource
    import tempfile

    _use_caches(data_cache)
    with stage("import"):
        import capacity.national as national
        from capacity.dataset import load_dataset
    with stage("load_validate"):
        ds = load_dataset(folder)
    params = _params(ds, folder, n_boot, seed)
    fit_city = national._fit_city
    times = Path(tempfile.mkdtemp(prefix="bench-national-")) / "per_city.jsonl"

    def timed(data, p, stays, shared=None):
        t0 = time.perf_counter()
        try:
            return fit_city(data, p, stays, shared)
        finally:  # in whichever process fits the city (a forked worker's memory is lost)
            _record(times, [p.city, round(time.perf_counter() - t0, 2)])

    national._fit_city = timed
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    with stage("national_view"):
        result = national.national_view(ds, params)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_city = dict(_records(times))
    times.unlink()
    times.parent.rmdir()
    est, _, lo, hi = result.national
    INFO.update(
        rows=len(ds.sightings),
        cities=len(result.cities),
        not_fitted=len(per_city) - len(result.cities),
        national_tour_reach=[round(est, 4), round(lo, 4), round(hi, 4)],
        per_city_s=per_city,
        national_view_cpu_children=round(
            after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime, 2
        ),
    )


def task_to_parquet(src: str, dst: str) -> None:
    """Write a Parquet copy of a dataset folder (typed tables as loaded, same description)."""
    import shutil

    from capacity.dataset import load_dataset

    ds = load_dataset(src)
    out = Path(dst)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    meta = dict(ds.meta)
    meta["resources"] = [{"name": t, "path": f"{t}.parquet"} for t in ds.files]
    for name in ds.files:
        getattr(ds, name).to_parquet(tmp / f"{name}.parquet", index=False)
    (tmp / "datapackage.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)


def task_load(folder: str, data_cache: str | None = "off") -> None:
    """``load_dataset`` alone (read + validate + type the four tables)."""
    _use_caches(data_cache)
    with stage("import"):
        from capacity.dataset import load_dataset
    with stage("load_validate"):
        ds = load_dataset(folder)
    INFO["rows"] = len(ds.sightings)


def task_report_parts(params_file: str, overrides: dict) -> None:
    """``run_report`` under cProfile in this process: papermill's wait vs HTML, PDF, tables.

    The kernel runs in its own process, so its work shows as time inside
    ``execute_notebook``; everything after it (rendering) is profiled here.
    """
    import cProfile
    import pstats

    with stage("import"):
        from capacity.config import Params
        from capacity.report import run_report
    params = Params.from_yaml(params_file, **overrides)
    prof = cProfile.Profile()
    with stage("run_report"):
        prof.runcall(run_report, params)
    rows = []
    for (file, line, func), (_cc, nc, _tt, ct, _callers) in pstats.Stats(prof).stats.items():
        if "/capacity/report/" in file or func in ("execute_notebook", "write_pdf"):
            rows.append({"function": f"{Path(file).name}:{line}({func})", "calls": nc,
                         "cumulative_s": round(ct, 3)})  # fmt: skip
    INFO["parts"] = sorted(rows, key=lambda r: -r["cumulative_s"])[:14]


#: Steps of a report run timed in place by ``report_stages``: (module[:class], function, label).
REPORT_STEPS = (
    ("capacity.report.run", "_early_kernel", "kernel process started (it boots beside the next steps)"),
    ("capacity.report.preflight", "check_scope", "scope check (city and period in the sightings)"),
    ("capacity.report.run", "_progress", "reading the notebook (imports nbformat)"),
    ("capacity.report.run", "_execute", "notebook execution (papermill; waits for the kernel)"),
    ("capacity.report.render", "notebook_to_html", "HTML (nbconvert)"),
    ("capacity.report.render", "html_to_pdf", "PDF (WeasyPrint)"),
    ("capacity.tables_xlsx", "write_xlsx", "tables.xlsx"),
    ("capacity.report.figsave", "wait_for_figures", "waiting for the figure files"),
    ("capacity.report.provenance", "build", "provenance"),
    ("capacity.report.warm:WarmKernel", "close", "kernel stopped"),
)  # fmt: skip


def task_report_stages(params_file: str, overrides: dict) -> None:
    """One ``run_report`` in this fresh process with each step timed in place (no profiler).

    Run it with the caches of an earlier run to see where a warm report's wall time goes
    beyond the notebook: imports, the scope check, HTML, PDF, tables, figures, provenance.
    """
    import importlib

    with stage("import"):
        from capacity.config import Params
        from capacity.report.run import run_report
    for module, func, label in REPORT_STEPS:
        mod_name, _, cls = module.partition(":")
        owner = importlib.import_module(mod_name)
        owner = getattr(owner, cls) if cls else owner
        original = getattr(owner, func)

        def timed(*a, _f=original, _label=label, **kw):
            with stage(_label):
                return _f(*a, **kw)

        setattr(owner, func, timed)
    params = Params.from_yaml(params_file, **overrides)
    with stage("run_report"):
        run_report(params)
    INFO["steps"] = [label for _, _, label in REPORT_STEPS]


def task_report_compute(params_file: str, overrides: dict) -> None:
    """What a cold committee report computes in its kernel, one piece after another.

    Run with empty caches (the caller's environment): the same calls the notebook makes,
    each in its own stage, so that the benchmark can say what a cold run adds to a warm
    one. The tornado's refits are fitted here one by one (``refit <what changes>``) and
    then read from the cache by the tornado's points, as in the report. They are the
    refits the report forks (:func:`capacity.report.refits.missing_refits`): those of the
    settings the fit resolves from the data (``capture_model`` auto), which the tornado
    reads; the refits of the unresolved parameters are other fits that the tornado would
    then make a second time.
    """
    with stage("import"):
        from capacity.config import Params
        from capacity.dataset import load_dataset
        from capacity.exceptions import CapacityError
        from capacity.question4.options import options_frame
        from capacity.report import evaluated, fitted_models
        from capacity.report.committee import options as opts
        from capacity.report.committee.scenarios import standard_scenarios
        from capacity.report.committee.sensitivity import sensitivity_frame
        from capacity.report.refits import missing_refits
    params = Params.from_yaml(params_file, **overrides)
    with stage("load_validate"):
        data = load_dataset(params.data_path)
    with stage("refit_params"):  # (empty caches: all of the tornado's refits)
        refits = missing_refits(data, params)
    with stage("fit"):
        fitted = fitted_models(data, params)
    with stage("evaluate"):
        result = evaluated(fitted, data, params)
    with stage("scenarios"):
        standard_scenarios(fitted, params, today=result)
    with stage("options"):
        options_frame(fitted, params)
    with stage("reach_frontier"):
        opts.compute_reach(fitted, params)
    with stage("coordination"):
        opts.coordination_options(result, params)
    base = params.to_dict()
    INFO["refits"] = len(refits)
    for p in refits:
        what = ", ".join(
            f"{k}={v}" for k, v in p.to_dict().items() if k != "n_boot" and base[k] != v
        )
        with stage(f"refit {what}"):
            try:
                fitted_models(data, p)
            except CapacityError:
                pass  # the tornado leaves that side out
    with stage("tornado_points"):
        sensitivity_frame(fitted, data, params)


TASKS = {
    "read": task_read,
    "pipeline": task_pipeline,
    "stages": task_stages,
    "floor": task_floor,
    "generate": task_generate,
    "sweep_each": task_sweep_each,
    "to_parquet": task_to_parquet,
    "national": task_national,
    "load": task_load,
    "report_parts": task_report_parts,
    "report_compute": task_report_compute,
    "report_stages": task_report_stages,
}


def main(argv: list[str]) -> int:
    task, kwargs = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    with stage("task_total"):
        TASKS[task](**kwargs)
    _worker_stages()
    if "capacity.dataset_cache" in sys.modules:  # its background write, timed as it ends
        sys.modules["capacity.dataset_cache"].wait()
    print(
        MARK + json.dumps({"stages": STAGES, "stages_cpu": STAGES_CPU, "info": INFO}, default=str),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
