"""Sweeps: a grid of scenarios evaluated on one fit, compared in one table, figure and report.

The expensive step, :func:`capacity.question4.fit_models`, depends only on the data and the
fitting parameters, so it runs once (through the disk cache of
:mod:`capacity.report.cache`). Every scenario — a combination of the grid's values of
scenario parameters such as ``extra_fte``, ``stay_multiplier``, ``target_reach`` — is then
only :func:`capacity.question4.evaluate`, run in ``jobs`` worker processes with a progress
bar. The comparison is written as ``comparison.csv`` and ``comparison.xlsx`` with a figure,
and rendered as one report from ``notebooks/scenarios.ipynb``. With ``each=True`` every
scenario's committee report is rendered as well, in parallel on a pool of warm kernels
(:mod:`capacity.report.warm`: one kernel per worker, reused from a clean namespace): they
start as soon as the fit is made, while this process evaluates the comparison's rows beside
them, and the comparison report follows them on the same pool. A scenario report's
``figures/`` holds PNGs only (its PDF shows them) unless ``svg=True``.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from capacity.config import PARAMS_DIR, Params, did_you_mean, read_yaml_mapping, resolve
from capacity.exceptions import ParameterError, ReportError
from capacity.question4.scenario import SCENARIO_PARAMS

DEFAULT_GRID = PARAMS_DIR / "sweep-grid.yaml"
#: Scenario parameters a grid may vary (those that do not need a refit).
GRID_PARAMS = SCENARIO_PARAMS - {"p_sufficient", "p_insufficient"}


@dataclass(frozen=True)
class SweepResult:
    """Where a sweep's comparison is, how many scenarios, and how long it took."""

    folder: Path
    comparison: pd.DataFrame
    seconds: float
    outputs: dict[str, Path] = field(default_factory=dict)
    reports: tuple = ()

    def __str__(self) -> str:
        """The sweep in a few lines: scenarios, time, folder and output files."""
        lines = [
            f"Sweep of {len(self.comparison)} scenarios done in {self.seconds:.1f} s into {self.folder}"
        ]
        lines += [f"  {name:<15} {path}" for name, path in self.outputs.items()]
        if self.reports:
            lines.append(f"  {len(self.reports)} scenario reports under {self.folder}")
        return "\n".join(lines)


def load_grid(path: str | Path | None = None) -> dict[str, list[Any]]:
    """Read a grid YAML ``{name: [values, ...]}``; only scenario parameters may vary."""
    p = resolve(path) if path else DEFAULT_GRID
    grid = read_yaml_mapping(p, "grid file")
    if not grid:
        raise ParameterError(f"{p} must hold 'name: [value, ...]' lines.")
    known = {f.name for f in dataclasses.fields(Params)}
    unknown = sorted(set(grid) - known)
    if unknown:
        raise ParameterError(
            f"{p}: unknown parameter(s) {did_you_mean(unknown, GRID_PARAMS)}; a grid may vary "
            f"{', '.join(sorted(GRID_PARAMS))}."
        )
    bad = sorted(set(grid) - GRID_PARAMS)
    if bad:
        raise ParameterError(
            f"{p}: {', '.join(bad)} cannot vary in a sweep (it would need a refit); "
            f"vary only {', '.join(sorted(GRID_PARAMS))}."
        )
    return {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in grid.items()}


def scenarios(params: Params, grid: dict[str, list[Any]]) -> list[Params]:
    """Every combination of the grid's values applied to ``params`` (each validated)."""
    names = list(grid)
    out = []
    for values in itertools.product(*(grid[n] for n in names)):
        out.append(params.replace(**dict(zip(names, values, strict=True))))
    return out


def _row(fitted, params: Params, names: list[str], files: dict | None = None) -> dict[str, Any]:
    """One scenario's row of the comparison.

    With ``files`` (the data's, when every scenario's report follows) the full evaluation
    is kept in the results cache, where the scenario's report reads it
    (:func:`capacity.report.cache.evaluated`) instead of evaluating again; the key figures
    are the same either way (the forecast changes none).
    """
    from capacity.question4 import evaluate

    if files is None:
        res = evaluate(fitted, params, forecast=False)  # the comparison reads key figures only
    else:
        from types import SimpleNamespace

        from capacity.report.cache import evaluated

        res = evaluated(fitted, SimpleNamespace(files=files), params)
    kf = res.key_figures
    row = {n: getattr(params, n) for n in names}
    for key in ("reach_effective", "fte_needed", "fte_gap"):
        row[key] = kf.loc[key, "estimate"]
    row["reach_lower"] = kf.loc["reach_effective", "ci_lower"]
    row["reach_upper"] = kf.loc["reach_effective", "ci_upper"]
    row["fte_needed_lower"] = kf.loc["fte_needed", "ci_lower"]
    row["fte_needed_upper"] = kf.loc["fte_needed", "ci_upper"]
    row["p_target"] = res.p_target
    row["verdict"] = res.verdict
    return row


_FITTED = None


def _init_worker(fitted) -> None:
    # the fit comes from the parent (inherited or sent once per worker), never read back
    # from a file that someone else could have planted: see capacity.report.cache
    global _FITTED
    _FITTED = fitted


def _evaluate_in_worker(args: tuple[Params, list[str], dict | None]) -> dict[str, Any]:
    params, names, files = args
    return _row(_FITTED, params, names, files)


def compare(
    data,
    params: Params,
    grid: dict[str, list[Any]],
    *,
    jobs: int = 2,
    progress: bool = True,
    keep: bool = False,
    order: list[int] | None = None,
) -> pd.DataFrame:
    """Evaluate every scenario of ``grid`` on one fit; one row per scenario.

    Workers receive the fit once each (not once per scenario). ``keep``: store each
    scenario's full evaluation in the results cache for its report (``run_sweep(each=True)``).
    ``order``: with one job, the order to evaluate the scenarios in (indices into the
    grid's order); the rows are in the grid's order either way.
    """
    from tqdm.auto import tqdm

    from capacity.report.cache import fitted_models

    fitted = fitted_models(data, params)
    todo = scenarios(params, grid)
    names = list(grid)
    bar = tqdm(total=len(todo), desc="scenarios", unit="scenario", disable=not progress)
    rows: list[dict[str, Any]] = []
    files = dict(data.files) if keep else None
    if jobs <= 1 or len(todo) < 4:
        done: dict[int, dict[str, Any]] = {}
        for i in order if order is not None else range(len(todo)):
            done[i] = _row(fitted, todo[i], names, files)
            bar.update()
        rows = [done[i] for i in range(len(todo))]
    else:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_worker, initargs=(fitted,)
        ) as pool:
            for row in pool.map(_evaluate_in_worker, [(sc, names, files) for sc in todo]):
                rows.append(row)
                bar.update()
    bar.close()
    frame = pd.DataFrame(rows)
    frame.index = [f"s{i + 1:02d}" for i in range(len(frame))]
    frame.index.name = "scenario"
    return frame


def sharing_order(todo: list[Params]) -> list[int]:
    """The order to render scenario reports in: those that share results far apart.

    Scenarios that differ only in what the reach curve and the budget frontier do not
    depend on (:data:`capacity.report.committee.options.NOT_IN_REACH`, e.g. the target)
    share those in the results cache (:func:`capacity.report.committee.analyses.analyses`).
    In grid order they sit next to each other, so the two workers render them at the same
    time and both compute them. Here the first scenario of every such group comes first,
    then the second of every group, and so on: a later one finds the entry in the cache.
    Where the output goes (:data:`capacity.report.cache.OUTPUT_PARAMS`) does not count.
    Returns indices into ``todo``.
    """
    from capacity.report.cache import OUTPUT_PARAMS
    from capacity.report.committee.options import NOT_IN_REACH

    groups: dict[str, list[int]] = {}
    for i, sc in enumerate(todo):
        items = sc.to_dict().items()
        shared = {k: v for k, v in items if k not in NOT_IN_REACH | OUTPUT_PARAMS}
        groups.setdefault(repr(sorted(shared.items())), []).append(i)
    rounds = max((len(g) for g in groups.values()), default=0)
    return [g[r] for r in range(rounds) for g in groups.values() if r < len(g)]


def _render_comparison(params: Params, formats: str, scenarios_file: str, *, kernel=None,
                       progress: bool = False):  # fmt: skip
    """The comparison report (``notebooks/scenarios.ipynb``) of the table in ``scenarios_file``."""
    from capacity.report.run import run_report

    return run_report(
        params,
        notebook="scenarios",
        formats=formats,
        extra_parameters={"scenarios_file": scenarios_file},
        progress=progress,
        kernel=kernel,
    )


def _render_one(params: Params, formats: str, *, kernel=None, svg: bool = True):
    from capacity.report.run import run_report

    return run_report(params, notebook="committee_report", formats=formats, kernel=kernel, svg=svg)


def run_sweep(
    params: Params,
    grid_file: str | Path | None = None,
    jobs: int = 2,
    *,
    each: bool = False,
    formats: str = "pdf,html,xlsx",
    progress: bool = True,
    svg: bool = False,
) -> SweepResult:
    """Evaluate a scenario grid on one fit and render the comparison report.

    Parameters
    ----------
    params : Params
        Base parameters; the grid's values replace its scenario parameters.
    grid_file : path, optional
        YAML grid (default ``params/sweep-grid.yaml``).
    jobs : int
        Worker processes for evaluating (and, with ``each``, rendering) scenarios.
    each : bool
        Also render every scenario's committee report (PDF only) in parallel.
    svg : bool
        With ``each``: also write each scenario report's figures as SVG. By default a
        scenario report's ``figures/`` holds the PNGs alone, which its PDF shows: drawing
        the SVGs was about 40 % of drawing the figures. The comparison report always has
        both.
    """
    import os

    from capacity.report.cache import cache_dir

    t0 = time.perf_counter()
    # Scenario reports render into the sweep folder but must share the base run's fit cache.
    previous = os.environ.get("CAPACITY_CACHE")
    os.environ["CAPACITY_CACHE"] = str(cache_dir(params))
    try:
        return _sweep(params, grid_file, jobs, each, formats, progress, t0, svg)
    finally:
        if previous is None:
            os.environ.pop("CAPACITY_CACHE", None)
        else:
            os.environ["CAPACITY_CACHE"] = previous


def _sweep(params, grid_file, jobs, each, formats, progress, t0, svg=False) -> SweepResult:
    grid = load_grid(grid_file)
    todo = scenarios(params, grid)  # validates every combination before any work
    if not each:
        return _compare_and_render(params, grid, todo, jobs, None, formats, progress, t0)
    from capacity.report import refits
    from capacity.report.run import notebook_path
    from capacity.report.warm import WarmPool

    # Work every scenario report needs but none of them depends on is started now, to run
    # while the comparison is fitted, evaluated and rendered (which keeps one core busy
    # most of the time): the warm kernels' start and imports, and the tornado's refits.
    pool = WarmPool(max(1, min(jobs, len(todo))), preload=notebook_path("committee_report"))
    try:
        return _compare_and_render(params, grid, todo, jobs, pool, formats, progress, t0, svg)
    finally:
        pool.close()
        refits.wait_for_refits(timeout=5)  # collect the forked process (done by now)


def _compare_and_render(params, grid, todo, jobs, pool, formats, progress, t0,
                        svg=False) -> SweepResult:  # fmt: skip
    """The comparison and its report; with a pool (``each``) every scenario's report too."""
    from capacity.dataset import load_dataset
    from capacity.report.run import make_run_id

    each = pool is not None
    data = load_dataset(params.data_path)
    if each:
        from capacity.report.refits import start_refits

        # the tornado's refits depend on the data and the fit's parameters only, the same
        # for every scenario: one forked process fits them into the fit cache now (the
        # scenario reports' kernels wait for an entry being fitted and read it)
        start_refits(data, params)
    sweep_id = make_run_id(params, "sweep")
    folder = params.output_path / sweep_id
    partial = params.output_path / f".{sweep_id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    report_params = params.replace(run_id=f"{sweep_id}-report", output_dir=str(partial))
    futures: list = []
    try:
        if each:
            comparison, report, reports = _each(data, params, grid, todo, pool, partial,
                                                report_params, formats, progress, futures,
                                                svg)  # fmt: skip
        else:
            comparison = compare(data, params, grid, jobs=jobs, progress=progress)
            csv = partial / "comparison.csv"
            comparison.to_csv(csv)
            report = _render_comparison(report_params, formats, str(csv), progress=progress)
            reports = ()
        outputs = {"comparison.csv": partial / "comparison.csv"}
        for item in report.folder.iterdir():
            shutil.move(str(item), partial / item.name)
        report.folder.rmdir()
        shutil.rmtree(partial / ".cache", ignore_errors=True)
        if (partial / "tables.xlsx").exists():
            (partial / "tables.xlsx").rename(partial / "comparison.xlsx")
        for name in ("comparison.xlsx", "report.pdf", "report.html", "provenance.json"):
            if (partial / name).exists():
                outputs[name] = partial / name
        partial.rename(folder)
    except BaseException as exc:
        if pool is not None:  # no report may still write into the folder removed here
            pool.abort(futures, timeout=0 if isinstance(exc, KeyboardInterrupt) else STOP_WAIT)
        moved = _move_failed_notebooks(partial, params.output_path, sweep_id)
        failed = _failed_reports(futures, moved)
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, _ReportsFailed) and failed:
            message = _stopped_message(sweep_id, params.output_path, futures, failed)
            raise ReportError(message) from exc.first
        if isinstance(exc, ReportError) and moved:  # e.g. the comparison report failed
            raise ReportError(_moved(str(exc), moved)) from exc
        raise
    outputs = {k: folder / v.name for k, v in outputs.items()}
    reports = tuple(
        dataclasses.replace(
            r,
            folder=folder / r.folder.relative_to(partial),
            outputs={k: folder / v.relative_to(partial) for k, v in r.outputs.items()},
        )
        for r in reports
    )
    return SweepResult(folder, comparison, time.perf_counter() - t0, outputs, reports)


#: Seconds the reports still running get to finish when a sweep stops on an error; the
#: workers of those that do not are terminated (:meth:`capacity.report.warm.WarmPool.abort`).
STOP_WAIT = 10.0


class _ReportsFailed(Exception):
    """A report of the sweep failed (``first``: its exception); the sweep stops."""

    def __init__(self, first: BaseException):
        super().__init__(str(first))
        self.first = first


def _move_failed_notebooks(partial: Path, root: Path, sweep_id: str) -> dict[str, str]:
    """Move the failed reports' notebooks out of the partial folder; ``{old: new}`` paths.

    A report that fails keeps its partly executed notebook under its output folder's
    ``failed/`` (:func:`capacity.report.run.run_report`), which for a sweep is inside the
    partial folder about to be removed: each goes to ``<root>/failed/<sweep id>-<name>``.
    """
    moved = {}
    for kept in sorted(partial.rglob("failed/*.ipynb")):
        name = kept.name if kept.name.startswith(sweep_id) else f"{sweep_id}-{kept.name}"
        target = root / "failed" / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(kept), target)
            moved[str(kept)] = str(target)
        except OSError:
            pass
    return moved


def _moved(text: str, moved: dict[str, str]) -> str:
    for old, new in moved.items():
        text = text.replace(old, new)
    return text


def _failed_reports(futures, moved: dict[str, str]) -> list[str]:
    """One line per report of ``futures`` that failed: its label and its error.

    An error that names a kept notebook names its new place (``moved``).
    """
    lines = []
    for future in futures:
        if not future.done() or future.cancelled() or future.exception() is None:
            continue
        exc = future.exception()
        if isinstance(exc, BrokenProcessPool):  # terminated by the abort (or it died)
            continue
        text = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
        lines.append(f"{getattr(future, 'sweep_label', 'a report')}: {_moved(text, moved)}")
    return lines


def _stopped_message(sweep_id: str, root: Path, futures, failed: list[str]) -> str:
    """Why the sweep stopped: the reports that failed, and what became of the others."""
    cancelled = sum(f.cancelled() for f in futures)
    unfinished = [
        getattr(f, "sweep_label", "a report")
        for f in futures
        if f.done() and not f.cancelled() and isinstance(f.exception(), BrokenProcessPool)
    ]
    finished = [
        getattr(f, "sweep_label", "a report")
        for f in futures
        if f.done() and not f.cancelled() and f.exception() is None
    ]
    others = [f"{cancelled} not started were cancelled"]
    if unfinished:
        others.append(
            f"{len(unfinished)} still running {STOP_WAIT:g} s later were stopped "
            f"({', '.join(unfinished)})"
        )
    if finished:  # (made before or while the sweep stopped; a sweep keeps all or nothing)
        others.append(f"{len(finished)} finished but were not kept ({', '.join(finished)})")
    return (
        f"sweep {sweep_id} stopped: {len(failed)} of its {len(futures)} reports failed "
        f"({'; '.join(others)}); it wrote nothing into {root} but the failed notebooks under "
        "'failed/'. " + "; ".join(failed)
    )


def _each(data, params, grid, todo, pool, partial, report_params, formats, progress, futures,
          svg=False):  # fmt: skip
    """The comparison, its report and every scenario's report, on the warm ``pool``.

    The scenario reports start as soon as the fit is made: each needs the fit and its own
    evaluation only. Meanwhile this process evaluates the comparison's rows (keeping each
    evaluation for its report), the last report's first: a report whose evaluation is not
    made yet makes it itself, and the results cache's lock keeps each one made once
    (:func:`capacity.report.cache.cached_results`). The comparison report follows them on
    the pool. ``futures`` collects the jobs submitted (the caller cancels them on an
    error). Returns the comparison, its report and the scenario reports in the grid's order.
    """
    from tqdm.auto import tqdm

    from capacity.report.cache import fitted_models

    fitted_models(data, params)  # here, once, before any report asks for it
    jobs_list = [
        (sc.replace(run_id=f"s{i + 1:02d}", output_dir=str(partial / "scenarios")), "pdf")
        for i, sc in enumerate(todo)
    ]
    # one warm kernel per worker renders its share of the reports (a kernel start and the
    # imports once per worker, not once per scenario); in an order where reports that
    # share cached results are not rendered at the same time
    order = sharing_order(todo)
    names = list(grid)
    for i in order:
        future = pool.submit((_render_one, jobs_list[i], {"svg": svg}))
        setting = ", ".join(f"{n}={getattr(todo[i], n)!r}" for n in names)
        future.sweep_label = f"{jobs_list[i][0].run_id} ({setting})"
        futures.append(future)
    comparison = compare(
        data, params, grid, jobs=1, progress=progress, keep=True, order=order[::-1]
    )
    failed = [f.exception() for f in futures if f.done() and not f.cancelled() and f.exception()]
    if failed:  # not worth a comparison report
        raise _ReportsFailed(failed[0])
    csv = partial / "comparison.csv"
    comparison.to_csv(csv)
    future = pool.submit((_render_comparison, (report_params, formats, str(csv)), {}))
    future.sweep_label = "the comparison report"
    futures.append(future)
    bar = tqdm(total=len(futures), desc="reports", disable=not progress)
    pending = set(futures)
    while pending:  # the first report that fails stops the sweep (see _compare_and_render)
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        bar.update(len(finished))
        errors = [f.exception() for f in finished if not f.cancelled() and f.exception()]
        if errors:
            bar.close()
            raise _ReportsFailed(errors[0])
    bar.close()
    done = [future.result() for future in futures]
    report, done = done[-1], done[:-1]
    reports = tuple(r for _, r in sorted(zip(order, done, strict=True)))
    return comparison, report, reports


def read_or_compare(params: Params, scenarios_file: str = "") -> pd.DataFrame:
    """The comparison a sweep wrote, or (run by hand) the default grid evaluated here."""
    if scenarios_file:
        return pd.read_csv(scenarios_file, index_col="scenario")
    from capacity.dataset import load_dataset

    return compare(load_dataset(params.data_path), params, load_grid(), jobs=1, progress=False)


def show(book, comparison: pd.DataFrame, params: Params) -> None:
    """The comparison table, the reach-by-staffing figure and a sentence on the best case."""
    from capacity import figures
    from capacity.i18n import format_percent, t

    lang = book.lang
    cols = [
        c
        for c in ("extra_fte", "stay_multiplier", "arrivals_multiplier", "target_reach", "strategy")
        if c in comparison
    ]
    shown = comparison[
        cols
        + ["reach_effective", "reach_lower", "reach_upper", "p_target", "fte_needed", "verdict"]
    ]
    headers = {
        "extra_fte": t("col_extra_fte", lang),
        "stay_multiplier": t("col_stay_multiplier", lang),
        "arrivals_multiplier": t("sweep_col_arrivals_multiplier", lang),
        "target_reach": t("sweep_col_target_reach", lang),
        "strategy": t("sweep_col_strategy", lang),
        "reach_effective": t("sweep_col_reach_effective", lang),
        "p_target": t("sweep_col_p_target_met", lang),
        "fte_needed": t("sweep_col_fte_needed_short", lang),
        "verdict": t("sweep_col_verdict", lang),
    }
    words = ("sufficient", "insufficient", "uncertain")
    shown = shown.assign(
        verdict=shown["verdict"].map(lambda v: t(f"verdict_word_{v}", lang) if v in words else v)
    )
    level = format_percent(1 - params.alpha, lang, 0)
    book.text(
        t(
            "sweep_summary",
            lang,
            n=len(comparison),
            best=comparison["reach_effective"].idxmax(),
            reach=format_percent(comparison["reach_effective"].max(), lang),
        )
    )
    book.table(
        shown,
        name="comparison",
        caption=t("sweep_caption", lang),
        headers=headers,
        kinds={
            "extra_fte": "number1",
            "stay_multiplier": "number2",
            "arrivals_multiplier": "number2",
            "target_reach": "percent",
            "strategy": "text",
            "reach_effective": "percent",
            "reach_lower": "percent",
            "reach_upper": "percent",
            "p_target": "probability",
            "fte_needed": "number1",
            "verdict": "text",
        },
        count_columns=[],
        index_header=t("scenario", lang),
        interval=("reach_lower", "reach_upper"),
        interval_after="reach_effective",
        interval_header=t("sweep_interval", lang, level=level),
    )
    if {"extra_fte", "stay_multiplier"} <= set(comparison):
        first = comparison
        if "target_reach" in comparison:
            first = comparison[comparison["target_reach"] == comparison["target_reach"].iloc[0]]
        targets = (
            sorted(comparison["target_reach"].unique())
            if "target_reach" in comparison
            else [params.target_reach]
        )
        book.figure(figures.scenario_comparison(first, targets, lang))
