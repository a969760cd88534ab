"""Scale: the analysis chain on national synthetic data against a plain pandas read.

For each size (about 0.25 M, 1 M and 4 M sightings, 20 cities, 5 years) the data are
generated once into ``benchmarks/_work/national-n<size>-s<seed>/`` and reused by later runs.
Each repetition is a fresh interpreter:

* **read** — ``pandas.read_csv`` / ``read_parquet`` of the same sightings file, nothing else;
* **pipeline** — ``load_dataset`` (read + validate all four tables), then
  ``answer.fit_models`` (stays, population, productivity, forecast, ``n_boot`` bootstrap
  replicates) and ``answer.evaluate``;
* **stages** (once per size) — each public model step timed alone, and a cProfile of
  ``fit_models`` naming the functions that take the time.

Ratios use in-process times (after interpreter start-up and imports), so both sides count
only work on the data; wall times including start-up are listed too.
"""

from __future__ import annotations

import json
import shutil
import time

from benchmarks import _measure as m
from benchmarks._config import (
    TARGET_PEAK_GB,
    TARGET_SCALE_GROWTH,
    TARGET_SCALE_RATIO,
    BenchConfig,
)
from benchmarks._report_md import Section, Target, fmt_mb, fmt_s, fmt_x, last_error, table

WORK_STAGES = ("load_validate", "fit_models", "evaluate")


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


def _work_time(summary: dict) -> float:
    return sum(summary["stages"].get(k, 0.0) for k in WORK_STAGES)


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
        n = cfg.repeats_for(size)
        reads = m.repeat(lambda f=folder: m.run_task("read", folder=str(f)), n)
        read = m.summarise(reads)
        pipe, stages = None, None
        try:
            pipe = m.summarise(
                m.repeat(
                    lambda f=folder: m.run_task(
                        "pipeline",
                        folder=str(f),
                        n_boot=cfg.n_boot,
                        seed=cfg.seed,
                        timeout=cfg.timeout,
                    ),  # fmt: skip
                    n,
                )
            )
        except m.MeasurementError as exc:
            failures.append(f"pipeline at {size:,}: {last_error(exc)}")
        try:
            stages = m.run_task(
                "stages", folder=str(folder), n_boot=cfg.n_boot, seed=cfg.seed,
                timeout=cfg.timeout,
            )  # fmt: skip
        except m.MeasurementError as exc:
            failures.append(f"stage breakdown at {size:,}: {last_error(exc)}")
        results[size] = {"read": read, "pipe": pipe, "stages": stages, "generate_s": gen_s}
        read_s = read["stages"].get("read", float("nan"))
        work_s = _work_time(pipe) if pipe else float("nan")
        pipe = pipe or {"wall": float("nan"), "peak_rss_mb": float("nan")}
        rows.append(
            (
                f"{read['info'].get('rows', size):,}",
                read["info"].get("file", "?"),
                n,
                fmt_s(read_s),
                fmt_s(work_s),
                fmt_x(work_s / read_s),
                fmt_s(pipe["wall"]),
                fmt_mb(read["peak_rss_mb"]),
                fmt_mb(pipe["peak_rss_mb"]),
            )
        )
    if not rows:
        sec.add("**Nothing could be measured:**", "", *(f"- {f}" for f in failures))
        return sec
    sec.add(
        f"{len(cfg.sizes)} sizes, {cfg.n_cities} cities, seed {cfg.seed}, "
        f"`n_boot` = {cfg.n_boot}. Medians of the repetitions shown; every repetition is a "
        "fresh interpreter. *work* = load + validate + `fit_models` + `evaluate` inside the "
        "process (imports excluded); *wall* includes interpreter start-up and imports. Peak "
        "memory is the peak resident set size (RSS) of the process.",
        "",
        *table(
            (
                "sightings",
                "file",
                "runs",
                "read (pandas)",
                "pipeline work",
                "work / read",
                "pipeline wall",
                "peak RSS read",
                "peak RSS pipeline",
            ),
            rows,
        ),
        "",
    )
    if failures:
        sec.add("**Failed or missing** (no numbers are shown for these):", "")
        sec.add(*(f"- {f}" for f in failures), "")
    sec.add(*_stage_table(cfg, results), "")
    sec.add(*_profile_lines(cfg, results))
    sec.targets.extend(_targets(cfg, results))
    return sec


def _stage_table(cfg: BenchConfig, results: dict) -> list[str]:
    names: list[str] = []
    for r in results.values():
        for k in (r["pipe"] or {"stages": {}})["stages"]:
            if k not in names and k != "task_total":
                names.append(k)
    rows = [
        (f"{size:,}", *(fmt_s(r["pipe"]["stages"].get(k, float("nan"))) for k in names))
        for size, r in results.items()
        if r["pipe"]
    ]
    out = ["Time per stage of the pipeline (median):", "", *table(("sightings", *names), rows)]
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
    return [
        *out,
        "",
        "Each public step on its own (one run; `fit_models_profiled` runs under cProfile, "
        "so it is slower than in the table above):",
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
        ratio = _work_time(r["pipe"]) / r["read"]["stages"]["read"]
        out.append(
            Target(
                f"pipeline / read at {ref:,}",
                f"≤ {TARGET_SCALE_RATIO:g}×",
                fmt_x(ratio),
                (ratio <= TARGET_SCALE_RATIO) if assess else None,
                _limits(r["pipe"]),
            )
        )
    if ref in results and big in results and big != ref:
        growth = _work_time(results[big]["pipe"]) / _work_time(results[ref]["pipe"])
        out.append(
            Target(
                f"time at {big:,} / time at {ref:,}",
                f"≤ {TARGET_SCALE_GROWTH:g}×",
                fmt_x(growth),
                (growth <= TARGET_SCALE_GROWTH) if assess else None,
                _limits(results[big]["pipe"]),
            )
        )
    if big in results:
        peak = results[big]["pipe"]["peak_rss_mb"]
        out.append(
            Target(
                f"peak memory at {big:,}",
                f"≤ {TARGET_PEAK_GB:g} GB",
                fmt_mb(peak),
                (peak / 1024 <= TARGET_PEAK_GB) if assess else None,
            )
        )
    return out


def _limits(pipe: dict) -> str:
    st = {k: v for k, v in pipe["stages"].items() if k in WORK_STAGES}
    total = sum(st.values()) or float("nan")
    return "; ".join(f"{k} {fmt_s(v)} ({v / total:.0%})" for k, v in st.items())
