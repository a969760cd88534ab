"""Scale: the analysis chain on national synthetic data against a plain pandas read.

For each size (about 0.25 M, 1 M and 4 M sightings, 20 cities, 5 years) the data are
generated once into ``benchmarks/_work/national-n<size>-s<seed>/`` and reused by later runs.
Each repetition is a fresh interpreter:

* **read** — ``pandas.read_csv`` / ``read_parquet`` of the same sightings file, nothing else;
* **pipeline** — ``load_dataset`` (read + validate all four tables), then
  ``answer.fit_models`` (stays, population, productivity, forecast, ``n_boot`` bootstrap
  replicates) and ``answer.evaluate``;
* **stages** (once per size) — each public model step timed alone, and a cProfile of
  ``fit_models`` naming the functions that take the time;
* **national** (once, at the reference size) — ``load_dataset`` and
  ``capacity.national.national_view``: every city's question-4 chain joined through the
  tours (issue 10), with the time per city.

Ratios use in-process times (after interpreter start-up and imports), so both sides count
only work on the data; wall times including start-up are listed too.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import uuid

from benchmarks import _measure as m
from benchmarks._config import (
    TARGET_LOAD_RATIO,
    TARGET_PEAK_GB,
    TARGET_SCALE_GROWTH,
    TARGET_SCALE_RATIO,
    BenchConfig,
)
from benchmarks._report_md import Section, Target, fmt_mb, fmt_s, fmt_x, last_error, table
from capacity.workers import usable_cores

WORK_STAGES = ("load_validate", "fit_models", "evaluate")
NAN = float("nan")


def dataset_folder(cfg: BenchConfig, size: int):
    return cfg.work / f"national-n{size}-s{cfg.seed}-c{cfg.n_cities}"


def ensure_dataset(cfg: BenchConfig, size: int) -> tuple[object, float | None]:
    """Generate the dataset unless a complete copy exists; return (folder, seconds or None)."""
    folder = dataset_folder(cfg, size)
    done = folder / ".complete"
    if done.exists():
        return folder, None
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    m.run_task(
        "generate",
        folder=str(folder),
        target_sightings=size,
        seed=cfg.seed,
        n_cities=cfg.n_cities,
        timeout=cfg.timeout,
    )
    done.write_text(json.dumps({"size": size, "seed": cfg.seed, "n_cities": cfg.n_cities}))
    return folder, time.perf_counter() - t0


def _read_all(summary: dict, key: str = "stages") -> float:
    """Plain read of all four tables (the sightings file alone for older task output)."""
    st = summary.get(key, {})
    return st.get("read_all", st.get("read", NAN))


def _work_time(summary: dict, key: str = "stages") -> float:
    """Load + validate + fit + evaluate inside the process (``key='stages_cpu'``: CPU time)."""
    st = summary.get(key, {})
    return sum(st.get(k, 0.0) for k in WORK_STAGES) if st else float("nan")


#: The three ways the chain runs, as a user meets them.
VARIANTS = {
    "first": "first run: validates (and stores the validated dataset), fits",
    "validated": "validated data from the cache, fits again (e.g. other fitting parameters)",
    "rerun": "rerun: validated data and fit both from the caches",
}


def _cache_dirs(cfg: BenchConfig, size: int) -> tuple[str, str]:
    """Folders of the warm validated-dataset and fit caches of one size (emptied first)."""
    base = cfg.work / "cache" / f"scale-{size}"
    shutil.rmtree(base, ignore_errors=True)
    (base / "data").mkdir(parents=True)
    (base / "fit").mkdir(parents=True)
    return str(base / "data"), str(base / "fit")


def _fresh_dir(cfg: BenchConfig) -> str:
    path = cfg.work / "cache" / f"cold-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return str(path)


def _measure_size(cfg: BenchConfig, size: int, folder, failures: list[str]) -> dict:
    """Alternate read and the three pipeline variants (so machine load hits all), then stages.

    *first* starts from an empty validated-dataset cache and fits; *validated* finds the
    dataset in a primed cache and fits; *rerun* finds the dataset and the fit in primed
    caches (the fit through :func:`capacity.report.fitted_models`).
    """
    data_warm, fit_warm = _cache_dirs(cfg, size)
    kw = {"folder": str(folder), "n_boot": cfg.n_boot, "seed": cfg.seed, "timeout": cfg.timeout}
    reads: list = []
    pipes: dict[str, list] = {v: [] for v in VARIANTS}
    try:  # prime both warm caches (not measured)
        m.run_task("pipeline", data_cache=data_warm, fit_cache=fit_warm, report_stages=False, **kw)
    except m.MeasurementError as exc:
        failures.append(f"pipeline at {size:,}: {last_error(exc)}")
        pipes = {}
    for _ in range(cfg.repeats_for(size)):
        reads.append(m.run_task("read", folder=str(folder)))
        for variant in list(pipes):
            caches = {
                "first": {"data_cache": _fresh_dir(cfg)},
                "validated": {"data_cache": data_warm},
                "rerun": {"data_cache": data_warm, "fit_cache": fit_warm},
            }[variant]
            try:
                pipes[variant].append(
                    m.run_task("pipeline", **caches, report_stages=variant == "first", **kw)
                )
            except m.MeasurementError as exc:
                failures.append(f"pipeline ({variant}) at {size:,}: {last_error(exc)}")
                del pipes[variant]
            if variant == "first":
                shutil.rmtree(caches["data_cache"], ignore_errors=True)
    stages = None
    try:
        stages = m.run_task(
            "stages",
            folder=str(folder),
            n_boot=cfg.n_boot,
            seed=cfg.seed,
            profile=size in (cfg.reference_size, cfg.largest_size),
            timeout=cfg.timeout,
        )
    except m.MeasurementError as exc:
        failures.append(f"stage breakdown at {size:,}: {last_error(exc)}")
    summaries = {v: m.summarise(runs) for v, runs in pipes.items() if runs}
    return {
        "read": m.summarise(reads),
        "pipe": summaries.get("first"),
        "variants": summaries,
        "stages": stages,
    }


def bench_scale(cfg: BenchConfig) -> Section:
    """Run the scale benchmark and describe it, with targets."""
    sec = Section("Scale: national synthetic data")
    rows, results, failures = [], {}, []
    for size in cfg.sizes:
        try:
            folder, gen_s = ensure_dataset(cfg, size)
        except m.MeasurementError as exc:
            failures.append(f"generating {size:,} sightings: {last_error(exc)}")
            continue
        r = results[size] = _measure_size(cfg, size, folder, failures)
        r["generate_s"] = gen_s
        read = r["read"]
        read_s, read_c = _read_all(read), _read_all(read, "stages_cpu")
        for variant, pipe in r["variants"].items():
            work_s, work_c = _work_time(pipe), _work_time(pipe, "stages_cpu")
            load_s = pipe["stages"].get("load_validate", NAN)
            rows.append(
                (
                    f"{read['info'].get('rows', size):,}",
                    variant,
                    pipe["n"],
                    fmt_s(read["stages"].get("read", NAN)),
                    fmt_s(read_s),
                    fmt_s(load_s),
                    fmt_x(load_s / read_s),
                    fmt_s(work_s),
                    f"**{fmt_x(work_s / read_s)}**",
                    fmt_x(work_c / read_c),
                    fmt_s(pipe.get("wall", NAN)),
                    fmt_mb(pipe.get("peak_rss_mb", NAN)),
                )
            )
            print(
                f"[bench] scale {size:,} {variant}: read {read_s:.2f} s, work {work_s:.2f} s",
                file=sys.stderr,
            )
    from benchmarks.commands import TYPICAL

    for size, r in results.items():
        if r["pipe"]:
            TYPICAL.append(
                (f"question-4 chain, {r['read']['info'].get('rows', size):,} sightings "
                 f"({cfg.n_cities} cities)", r["pipe"]["wall"],
                 f"`load_dataset` + `fit_models` + `evaluate`, n_boot {cfg.n_boot}, both "
                 "cores (bootstrap chunks in a forked worker), first run (validates)")
            )  # fmt: skip
            rerun = r["variants"].get("rerun")
            if rerun:
                TYPICAL.append(
                    (f"question-4 chain, {r['read']['info'].get('rows', size):,} sightings, "
                     "rerun", rerun["wall"],
                     "validated dataset and fit from their caches, then `evaluate`")
                )  # fmt: skip
    if not rows:
        sec.add("**Nothing could be measured:**", "", *(f"- {f}" for f in failures))
        sec.missing.extend(failures or ["nothing could be measured"])
        return sec
    sec.add(
        f"Sizes {', '.join(f'{s:,}' for s in cfg.sizes)} (target sightings), {cfg.n_cities} "
        f"cities, 5 years, seed {cfg.seed}, `n_boot` = {cfg.n_boot}, file "
        f"`{rows and results[next(iter(results))]['read']['info'].get('file', '?')}`. "
        "Medians of the repetitions; every repetition is a fresh interpreter, and the read "
        "and the pipeline variants alternate. *read* = `pandas.read_csv` of the sightings file "
        "alone; *read 4* = of all four tables (the denominator of the ratios). *load* = "
        "`load_dataset` (read + validate + type all four tables, or the validated dataset "
        "from its cache). *work* = load + `fit_models` + `evaluate` inside the process, "
        "imports excluded; *wall* = the whole process including start-up and imports. "
        "Variants: "
        + "; ".join(f"*{k}* = {v}" for k, v in VARIANTS.items())
        + ". Ratios are given on wall time (the target) and on CPU time (user + system, less "
        "sensitive to other load on the machine). Peak memory is the peak resident set size "
        "(RSS) of the process."
        + (
            f" The largest size runs {cfg.repeats_for(cfg.largest_size)} time(s) only "
            f"(the others {cfg.repeats_for(min(cfg.sizes))}), to keep `make bench` short."
            if cfg.repeats_for(cfg.largest_size) != cfg.repeats_for(min(cfg.sizes))
            else ""
        ),
        "",
        *table(
            (
                "sightings",
                "variant",
                "runs",
                "read",
                "read 4",
                "load",
                "load / read 4",
                "work",
                "work / read 4 (wall)",
                "work / read 4 (CPU)",
                "process wall",
                "peak RSS",
            ),
            rows,
        ),
        "",
    )
    made = [f"{s:,} in {fmt_s(r['generate_s'])}" for s, r in results.items() if r["generate_s"]]
    sec.add(
        "Synthetic data: "
        + (f"generated in this run ({'; '.join(made)})." if made else "")
        + (
            " Reused from `benchmarks/_work/` for the other sizes."
            if len(made) < len(results)
            else ""
        ),
        "",
    )
    for size, r in results.items():
        first = r["variants"].get("first")
        if first is None:
            continue
        absent = [k for k in REQUIRED_STAGES if k not in first["stages"]]
        absent += first["info"].get("fit_parts_missing", [])
        if absent:
            failures.append(f"stages not measured at {size:,}: {', '.join(absent)}")
    if failures:
        sec.add("**Failed or missing** (no numbers are shown for these):", "")
        sec.add(*(f"- {f}" for f in failures), "")
        sec.missing.extend(failures)
    sec.add(*_stage_table(cfg, results), "")
    if cfg.reference_size in results:
        sec.add(*_national_lines(cfg, cfg.reference_size, sec.missing), "")
        sec.add(*_parquet_lines(cfg, cfg.reference_size), "")
    sec.add(*_profile_lines(cfg, results))
    sec.targets.extend(_targets(cfg, results))
    return sec


def _national_lines(cfg: BenchConfig, size: int, failures: list[str]) -> list[str]:
    """The national run (every city's question-4 chain and the tour chain) at ``size``.

    One run, a fresh interpreter, validating (no dataset cache): ``load_dataset`` +
    :func:`capacity.national.national_view` with the benchmark's ``n_boot``.
    """
    from benchmarks.commands import TYPICAL

    folder = dataset_folder(cfg, size)
    head = f"National run at {size:,} sightings ({cfg.n_cities} cities, `n_boot` = {cfg.n_boot}):"
    try:
        r = m.run_task("national", folder=str(folder), n_boot=cfg.n_boot, seed=cfg.seed,
                       timeout=cfg.timeout)  # fmt: skip
    except m.MeasurementError as exc:
        failures.append(f"national run at {size:,}: {last_error(exc)}")
        return [head, "", f"- failed: {last_error(exc)}"]
    st, info = r.stages, r.info
    per_city = info.get("per_city_s", {})
    slowest = sorted(per_city.items(), key=lambda kv: -kv[1])[:3]
    est, lo, hi = info.get("national_tour_reach", [NAN] * 3)
    TYPICAL.append(
        (f"national run, {info.get('rows', size):,} sightings ({info.get('cities', '?')} cities)",
         r.wall, f"`load_dataset` + `national_view`, n_boot {cfg.n_boot}, cities on two cores")
    )  # fmt: skip
    return [
        head,
        "",
        f"- wall {fmt_s(r.wall)} (process), load + validate {fmt_s(st.get('load_validate', NAN))}, "
        f"`national_view` {fmt_s(st.get('national_view', NAN))} (CPU "
        f"{fmt_s(r.stages_cpu.get('national_view', NAN))}, workers "
        f"{fmt_s(info.get('national_view_cpu_children', NAN))}); peak RSS {fmt_mb(r.peak_rss_mb)}",
        f"- {info.get('cities', '?')} cities fitted ({info.get('not_fitted', 0)} not); per city "
        f"median {fmt_s(_median(list(per_city.values())))}, slowest "
        + ", ".join(f"{c} {fmt_s(t)}" for c, t in slowest),
        f"- national share of tours reached: {est:.3f} ({lo:.3f}–{hi:.3f})",
    ]


def _median(values: list[float]) -> float:
    import statistics

    return statistics.median(values) if values else NAN


def _parquet_lines(cfg: BenchConfig, size: int) -> list[str]:
    """CSV against a Parquet copy of the same dataset: plain read and ``load_dataset``."""
    csv = dataset_folder(cfg, size)
    pq = csv.with_name(csv.name + "-parquet")
    head = [f"CSV against Parquet at {size:,} sightings (the same tables written as Parquet):", ""]
    try:
        if not (pq / "datapackage.json").exists():
            m.run_task("to_parquet", src=str(csv), dst=str(pq), timeout=cfg.timeout)
    except m.MeasurementError as exc:
        return [*head, f"- the Parquet copy could not be written: {last_error(exc)}"]
    n = cfg.repeats_for(size)
    rows = []
    for label, folder, fmt in (("CSV", csv, "csv"), ("Parquet", pq, "parquet")):
        read = m.summarise(
            m.repeat(lambda f=folder, x=fmt: m.run_task("read", folder=str(f), fmt=x), n)
        )
        try:
            load = m.summarise(m.repeat(lambda f=folder: m.run_task("load", folder=str(f)), n))
            load_s, load_c = load["stages"]["load_validate"], load["stages_cpu"]["load_validate"]
            note = ""
        except m.MeasurementError as exc:
            load_s = load_c = NAN
            note = f"`load_dataset` fails: {last_error(exc)}"
        size_mb = read["info"].get("bytes", 0) / 2**20
        rows.append(
            (label, f"{size_mb:.1f} MiB", fmt_s(read["stages"]["read"]),
             fmt_s(read["stages_cpu"]["read"]), fmt_s(load_s), fmt_s(load_c), note)
        )  # fmt: skip
    return [
        *head,
        *table(
            (
                "format",
                "sightings file",
                "pandas read (wall)",
                "(CPU)",
                "load_dataset (wall)",
                "(CPU)",
                "note",
            ),
            rows,
        ),  # fmt: skip
    ]


#: Stages of the first run, in the chain's order: (stage, label, part of fit_models?).
CHAIN_STAGES = (
    ("load_validate", "load + validate", False),
    ("fit.stays", "stays (build, fit)", True),
    ("fit.population", "population (MSE per quarter)", True),
    ("fit.bootstrap", "bootstrap repeating the chain", True),
    ("fit.mobility", "tour reach + strategy mix", True),
    ("fit.rest", "rest of fit_models", True),
    ("fit_models", "fit_models in all", False),
    ("evaluate", "evaluate", False),
    ("options", "options (report)", False),
    ("optimiser", "budget optimiser (report)", False),
)
#: Stages a first run must report (the new models included): else the run is incomplete.
REQUIRED_STAGES = ("load_validate", "fit_models", "evaluate", "fit.bootstrap", "fit.mobility",
                   "options", "optimiser")  # fmt: skip


def _chain_stages(pipe: dict) -> dict:
    """The first run's stages; ``fit.rest``: ``fit_models`` less the parts timed in its process.

    A part that ran in a forked worker (``<part>@worker``: the quarterly population chain
    beside the stays, ``capacity.workers``) ran beside the caller's parts, so it is not
    taken from ``fit_models``' wall time.
    """
    st = dict(pipe["stages"])
    parts = [k for k, _, inside in CHAIN_STAGES if inside and k != "fit.rest"]
    if "fit_models" in st and all(k in st or f"{k}@worker" in st for k in parts):
        st["fit.rest"] = st["fit_models"] - sum(st[k] for k in parts if k in st)
    return st


def _stage_cell(st: dict, k: str, read: float) -> str:
    """One cell of the stage table: the part's wall time and its multiple of the read."""
    if k not in st and f"{k}@worker" in st:
        w = st[f"{k}@worker"]
        return f"{fmt_s(w)} ({fmt_x(w / read)}) in a worker, beside the stays"
    return f"{fmt_s(st.get(k, NAN))} ({fmt_x(st.get(k, NAN) / read)})"


def _stage_table(cfg: BenchConfig, results: dict) -> list[str]:
    rows = []
    for size, r in results.items():
        if not r["pipe"]:
            continue
        st = _chain_stages(r["pipe"])
        read = _read_all(r["read"])
        rows.append(
            (f"{r['read']['info'].get('rows', size):,}", fmt_s(read),
             *(_stage_cell(st, k, read) for k, _, _ in CHAIN_STAGES))
        )  # fmt: skip
    out = [
        "Cost of each stage of the chain, first run (median wall seconds in the process, and "
        "the multiple of the plain read of the four tables). The parts of `fit_models` are "
        "timed inside the real call (`benchmarks/_tasks.py`, `FIT_PARTS`): the stays, the "
        "population per quarter, the bootstrap that repeats the chain (issue 9: stays, "
        "starts, MSE with model selection and languages per replicate), tour reach and the "
        "strategy mix (issue 10); a part marked *in a worker* ran in a forked process beside "
        "the caller's parts (`capacity.workers`), so the parts may add up to more than "
        "`fit_models`, and the rest is the caller's. *options* and *budget optimiser* are what the committee "
        "report computes on top of the chain (`committee.options.compute`: every option "
        "evaluated with its intervals, the reach curve; the frontier of the best mix per "
        "budget, issue 11); they are not part of the chain's target ratio.",
        "",
        *table(("sightings", "read 4", *(label for _, label, _ in CHAIN_STAGES)), rows),
    ]
    detail = []
    for size, r in results.items():
        st = r["stages"]
        if st is None:
            continue
        parts = ", ".join(
            f"{k} {fmt_s(v)}" for k, v in st.stages.items() if k not in ("task_total", "import")
        )
        detail.append(f"- {size:,}: {parts}; peak RSS {fmt_mb(st.peak_rss_mb)}")
        if st.info.get("missing"):
            detail.append(f"  - not available yet: {', '.join(st.info['missing'])}")
        if st.info.get("not_on_main"):
            detail.append(f"  - not on main at this commit: {', '.join(st.info['not_on_main'])}")
        if st.info.get("failed"):
            detail.append(f"  - failed (no number): {'; '.join(st.info['failed'])}")
    return [
        *out,
        "",
        "Each public step on its own (one run per size; at the reference and largest sizes "
        "`fit_models_profiled` runs under cProfile, so it is slower than in the table above):",
        "",
        *detail,
    ]


def _profile_lines(cfg: BenchConfig, results: dict) -> list[str]:
    profiled = [s for s, r in results.items() if r["stages"] and r["stages"].info.get("profile")]
    if not profiled:
        return []
    size = max(profiled)
    prof = results[size]["stages"].info["profile"]
    rows = [
        (f"`{r['function']}`", f"{r['calls']:,}", fmt_s(r["cumulative_s"]), fmt_s(r["own_s"]))
        for r in prof["capacity_by_cumulative"][:12]
    ]
    rows_own = [
        (f"`{r['function']}`", f"{r['calls']:,}", fmt_s(r["own_s"]))
        for r in prof["by_own_time"][:10]
    ]
    return [
        "",
        f"Where `fit_models` spends its time at {size:,} sightings (cProfile; project functions "
        "by cumulative time):",
        "",
        *table(("function", "calls", "cumulative", "own"), rows),
        "",
        "Functions with the most own time (any package):",
        "",
        *table(("function", "calls", "own"), rows_own),
        "",
    ]


def _targets(cfg: BenchConfig, results: dict) -> list[Target]:
    out = []
    ref, big = cfg.reference_size, cfg.largest_size
    assess = not cfg.quick
    results = {s: r for s, r in results.items() if r["pipe"]}
    if ref in results:
        r = results[ref]
        read_s, read_c = _read_all(r["read"]), _read_all(r["read"], "stages_cpu")
        for variant in ("first", "rerun"):
            pipe = r["variants"].get(variant)
            if not pipe:
                continue
            load_s = pipe["stages"].get("load_validate", NAN)
            load_c = pipe["stages_cpu"].get("load_validate", NAN)
            out.append(
                Target(
                    f"load + validate / read of the 4 tables at {ref:,} ({variant})",
                    f"≤ {TARGET_LOAD_RATIO:g}×",
                    f"{fmt_x(load_s / read_s)} wall ({fmt_x(load_c / read_c)} CPU)",
                    (load_s / read_s <= TARGET_LOAD_RATIO) if assess else None,
                    f"{VARIANTS[variant]}: load {fmt_s(load_s)} against a read of {fmt_s(read_s)}"
                    + _load_parts(pipe, read_s, read_c),
                )
            )
        for variant, pipe in r["variants"].items():
            ratio = _work_time(pipe) / read_s
            ratio_cpu = _work_time(pipe, "stages_cpu") / read_c
            out.append(
                Target(
                    f"chain / read of the 4 tables at {ref:,} ({variant})",
                    f"≤ {TARGET_SCALE_RATIO:g}×",
                    f"{fmt_x(ratio)} wall ({fmt_x(ratio_cpu)} CPU)",
                    (ratio <= TARGET_SCALE_RATIO) if assess else None,
                    f"{VARIANTS[variant]}: "
                    + _limits(pipe, read_s)
                    + _required(pipe, read_s, cfg)
                    + _cpu_bound(pipe, read_s, usable_cores()),
                )
            )
    if ref in results and big in results and big != ref:
        growth = _work_time(results[big]["pipe"]) / _work_time(results[ref]["pipe"])
        growth_cpu = _work_time(results[big]["pipe"], "stages_cpu") / _work_time(
            results[ref]["pipe"], "stages_cpu"
        )
        rows_big = results[big]["read"]["info"].get("rows", big)
        rows_ref = results[ref]["read"]["info"].get("rows", ref)
        out.append(
            Target(
                f"time at {big:,} / time at {ref:,} (first run)",
                f"≤ {TARGET_SCALE_GROWTH:g}×",
                f"{fmt_x(growth)} wall ({fmt_x(growth_cpu)} CPU; rows ×{rows_big / rows_ref:.2f})",
                (growth <= TARGET_SCALE_GROWTH) if assess else None,
                _limits(results[big]["pipe"], _read_all(results[big]["read"])),
            )
        )
    if big in results:
        peak = max(p["peak_rss_mb"] for p in results[big]["variants"].values())
        gb = peak * 2**20 / 1e9
        out.append(
            Target(
                f"peak memory at {big:,} (any variant)",
                f"≤ {TARGET_PEAK_GB:g} GB",
                f"{gb:.2f} GB ({fmt_mb(peak)})",
                (gb <= TARGET_PEAK_GB) if assess else None,
            )
        )
    return out


#: Parts of the first load timed inside the real call (``benchmarks/_tasks.py``, ``LOAD_PARTS``).
LOAD_PARTS = (
    ("load.hash", "hashing the files for the cache key"),
    ("load.read", "reading them into Arrow"),
    ("load.distinct", "listing each column's distinct cells"),
    ("load.typing", "parsing those"),
    ("load.tables", "contract rules, repeated keys and typed columns"),
    (
        "load.privacy",
        "the privacy scan (beside the parsing on a second thread when a core is"
        " idle, else after it)",
    ),
    (
        "load.sha256",
        "the files' SHA-256 (on a thread of its own, beside the read into Arrow and what follows)",
    ),
    ("load.cross", "checks across tables"),
    (
        "load.cache_write",
        "storing the validated dataset (on a background thread, after"
        " the load returns: outside the load's time)",
    ),
    ("load.imports", "importing the check"),
)


#: Load parts on a second thread (their wall time overlaps the others' or follows the load).
CONCURRENT_LOAD_PARTS = frozenset({"load.privacy", "load.sha256", "load.cache_write"})


def _load_parts(pipe: dict, read_s: float, read_c: float) -> str:
    """What each part of a first load costs: wall and CPU seconds, and multiples of the read.

    Empty when the parts were not timed (a rerun, or an older task).
    """
    st, cpu = pipe["stages"], pipe.get("stages_cpu", {})
    if "load.read" not in st:
        return ""
    parts = [(k, label) for k, label in LOAD_PARTS if k in st]
    serial = [k for k, _ in parts if k not in CONCURRENT_LOAD_PARTS]
    rest = st["load_validate"] - sum(st[k] for k in serial)
    # (a serial part's CPU is the process's, so it holds what a concurrent part spent meanwhile)
    rest_c = cpu.get("load_validate", NAN) - sum(cpu.get(k, NAN) for k in serial)
    shown = [
        f"{label} {fmt_s(st[k])} ({fmt_x(st[k] / read_s)}; CPU {fmt_s(cpu.get(k, NAN))})"
        for k, label in parts
    ]
    floor = st["load.hash"] + st["load.read"] if "load.hash" in st else st["load.read"]
    floor_c = cpu.get("load.hash", 0.0) + cpu.get("load.read", NAN)
    text = (
        f"; of which {'; '.join(shown)}; the rest (datapackage.json, the final types, "
        f"importing the contract; the privacy scan when it ran after the parsing; waiting "
        f"for the SHA-256) "
        f"{fmt_s(rest)} (CPU {fmt_s(rest_c)}). Hashing the files "
        f"and reading them into Arrow alone take {fmt_x(floor / read_s)} the read "
        f"(CPU {fmt_x(floor_c / read_c)})"
    )
    if "load.distinct" in st:  # what every cell needs before any rule: the floor of a check
        floor += st["load.distinct"]
        floor_c += cpu.get("load.distinct", NAN)
        text += (
            f"; with listing each column's distinct cells (every cell looked at once) "
            f"{fmt_x(floor / read_s)} (CPU {fmt_x(floor_c / read_c)})"
        )
    left = TARGET_LOAD_RATIO - floor / read_s
    text += (
        f". The target ({fmt_x(TARGET_LOAD_RATIO)}) leaves {fmt_x(max(left, 0.0))} the read "
        f"for everything after that; it took {fmt_x((st['load_validate'] - floor) / read_s)}"
    )
    return text


def _required(pipe: dict, read_s: float, cfg: BenchConfig) -> str:
    """What the models issues 9 and 10 require cost on their own, against the target.

    Empty when the run fitted nothing (a rerun from the caches) or the parts were not timed.
    """
    st = pipe["stages"]
    if "fit.bootstrap" not in st or "fit.mobility" not in st:
        return ""
    need = st["fit.bootstrap"] + st["fit.mobility"]
    rest = _work_time(pipe) - need
    verdict = (
        "on their own above the target: it cannot be met with these models on this machine"
        if need / read_s > TARGET_SCALE_RATIO
        else "within the target on their own"
    )
    return (
        f". The bootstrap that repeats the chain ({cfg.n_boot} replicates, issue 9) and tour "
        f"reach + strategy mix (issue 10) take {fmt_s(need)}, {fmt_x(need / read_s)} the read "
        f"— {verdict}; the rest of the chain is {fmt_x(rest / read_s)} the read"
    )


def _cpu_bound(pipe: dict, read_s: float, cores: int) -> str:
    """The least wall time any schedule of the chain's work needs on ``cores`` cores.

    The work's CPU time is the task process's own (every thread; the forked workers'
    CPU is not in it), so ``cpu / cores`` is a lower bound on the wall time of the work
    however it is spread over the cores. Empty when the CPU was not measured.
    """
    cpu = _work_time(pipe, "stages_cpu")
    if not cpu == cpu or cpu <= 0 or cores <= 0 or read_s <= 0:  # NaN: not measured
        return ""
    least = cpu / cores
    above = least / read_s > TARGET_SCALE_RATIO
    return (
        f". Whatever the schedule: the work used {fmt_s(cpu)} of CPU in the task's own "
        f"process (its forked workers' CPU not counted), so on {cores} cores it cannot end in "
        f"under {fmt_s(least)}, {fmt_x(least / read_s)} the read — "
        + (
            f"above {fmt_x(TARGET_SCALE_RATIO)}: this target cannot be met on this machine "
            "unless the models spend less CPU"
            if above
            else f"within {fmt_x(TARGET_SCALE_RATIO)}: this bound does not rule the target out"
        )
    )


def _limits(pipe: dict, read_s: float) -> str:
    """Each stage's time, its share of the work and its multiple of the plain read."""
    st = {k: v for k, v in pipe["stages"].items() if k in WORK_STAGES}
    total = sum(st.values()) or float("nan")
    return "; ".join(
        f"{k} {fmt_s(v)} ({v / total:.0%} of the work, {fmt_x(v / read_s)} the read of 4 tables)"
        for k, v in st.items()
    )
