"""Entry point of ``make bench``: measure everything in one run, write benchmarks/RESULTS.md.

Usage::

    python -m benchmarks.run                      # full run (sizes 0.25 M, 1 M, 4 M)
    python -m benchmarks.run --quick              # tiny sizes, one repetition (smoke test)
    python -m benchmarks.run --only scale,report  # a subset
    python -m benchmarks.run --sizes 250000 --repeats 5 --out /tmp/R.md

Every measurement runs in a fresh subprocess (see :mod:`benchmarks._measure`); targets are
judged from ratios measured in the same run, so a busy machine slows both sides alike.
A benchmark whose pipeline piece is missing or fails is reported as such, with the error,
and never given a number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks._config import FULL_SIZES, QUICK_SIZES, ROOT, WORK, BenchConfig
from benchmarks._history import (
    BENCHMARK_OF,
    REQUIRED,
    before_after,
    earlier_runs,
    key_of,
    update_readme,
)
from benchmarks._machine import compile_bytecode, machine_facts
from benchmarks._report_md import Section, fmt_s, table, targets_table

BENCHMARKS = ("scale", "report", "sweep", "commands")
#: Expected duration of a full ``make bench`` on a quiet 2-core machine (see
#: docs/performance.md); RESULTS.md states how long each run took.
EXPECTED_MINUTES = "about 20"


def parse_args(argv: list[str] | None = None) -> BenchConfig:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    p.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    p.add_argument("--sizes", help="comma-separated sighting counts (scale benchmark)")
    p.add_argument("--repeats", type=int, help="repetitions of each fast measurement")
    p.add_argument("--repeats-large", type=int, help="repetitions at the largest size (4 M)")
    p.add_argument("--n-boot", type=int, help="bootstrap replicates in the scale benchmark")
    p.add_argument("--n-cities", type=int, help="cities in the national synthetic data")
    p.add_argument("--seed", type=int, help="seed of the synthetic data")
    p.add_argument("--out", type=Path, help="where to write the results (Markdown)")
    p.add_argument("--work", type=Path, help="folder for generated data and reports")
    p.add_argument("--params", type=Path, help="parameter file of the report benchmark")
    a = p.parse_args(argv)
    only = tuple(x.strip() for x in a.only.split(",") if x.strip())
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    kw: dict = {"quick": a.quick, "only": only}
    if a.quick:
        kw.update(sizes=QUICK_SIZES, repeats=1, repeats_large=1, n_boot=20, n_cities=4)
    if a.sizes:
        kw["sizes"] = tuple(int(float(x)) for x in a.sizes.split(","))
    for name in ("repeats", "repeats_large", "n_boot", "n_cities", "seed", "out", "work"):
        if getattr(a, name) is not None:
            kw[name] = getattr(a, name)
    if a.params is not None:
        kw["params_file"] = a.params
    return BenchConfig(**kw)


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _run_one(name: str, cfg: BenchConfig) -> Section:
    t0 = time.perf_counter()
    load_before = _load()
    try:
        if name == "scale":
            from benchmarks.scale import bench_scale

            sec = bench_scale(cfg)
        elif name == "report":
            from benchmarks.report import bench_report

            sec = bench_report(cfg)
        elif name == "sweep":
            from benchmarks.sweep import bench_sweep

            sec = bench_sweep(cfg)
        else:
            from benchmarks.commands import bench_commands

            sec = bench_commands(cfg)
    except Exception as exc:  # a failed benchmark is reported, the others still run
        sec = Section(f"{name}: could not be measured")
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        what = lines[-1] if lines else type(exc).__name__
        sec.add(
            f"The benchmark stopped: `{type(exc).__name__}` — `{what[:500]}`. "
            "No numbers are reported for it."
        )
        sec.missing.append(f"the benchmark stopped ({type(exc).__name__}: {what[:200]})")
        print(traceback.format_exc(), file=sys.stderr)
    sec.add(
        "",
        f"_Benchmark time: {fmt_s(time.perf_counter() - t0)}; load average (1/5/15 min) "
        f"{load_before} before, {_load()} after, on {os.cpu_count()} cores._",
    )
    print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return sec


def missing_measurements(cfg: BenchConfig, sections: list[Section]) -> list[str]:
    """What a run should have measured and did not (empty: complete).

    Every section lists what failed in it (``Section.missing``); a full run must also
    assess every target of :data:`benchmarks._history.REQUIRED` whose benchmark ran. A
    quick run judges no target, so only the sections' own failures count there.
    """
    out = [f"{s.title}: {x}" for s in sections for x in s.missing]
    if cfg.quick:
        return out
    got = {key_of(t.name): t for s in sections for t in s.targets}
    for key in REQUIRED:
        if BENCHMARK_OF[key] not in cfg.only:
            continue
        t = got.get(key)
        if t is None:
            out.append(f"target '{key}' ({BENCHMARK_OF[key]}) was not measured")
        elif t.met is None:
            out.append(f"target '{t.name}' could not be assessed: {t.limits or t.measured}")
    return out


def render(
    cfg: BenchConfig,
    facts: dict,
    sections: list[Section],
    started: str,
    took: float,
    *,
    incomplete: list[str] | None = None,
    history: tuple | None = None,
) -> str:
    """The whole RESULTS.md (``history``: earlier runs and notes for *Before and after*)."""
    targets = [t for s in sections for t in s.targets]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks.run{''.join(' ' + a for a in sys.argv[1:])}` "
        f"(`make bench`) on {started} UTC; the run took {fmt_s(took)}. "
        "Re-run `make bench` to refresh; do not edit by hand.",
        "",
    ]
    if cfg.quick:
        lines += [
            "> **Quick mode**: tiny sizes, one repetition — a smoke test, not a measurement.",
            "",
        ]
    if incomplete:
        lines += [
            "> **Incomplete run** — `make bench` failed because these measurements are missing:",
            *(f"> - {x}" for x in incomplete),
            "",
        ]
    lines += ["## Targets", ""]
    if targets:
        lines += targets_table(targets)
        lines += [""]
        for t in targets:
            if t.met is False and t.limits:
                lines.append(f"- *{t.name}* not met; measured breakdown: {t.limits}")
        lines += [""]
    else:
        lines += ["No target could be assessed in this run.", ""]
    if targets and history is not None:
        lines += before_after(targets, *history)
    from benchmarks.commands import TYPICAL

    if TYPICAL:
        lines += [
            "## Typical run times",
            "",
            "Median wall time of the main commands in this run, on the machine below:",
            "",
            *table(
                ("command", "wall", "covers"),
                [(c, fmt_s(t), w) for c, t, w in TYPICAL if t == t],  # NaN: not measured
            ),
            "",
        ]
    lines += ["## Machine", "", *table(("", "value"), list(facts.items())), ""]
    lines += [
        "Other processes may share the cores while the benchmark runs (see the load average);",
        "ratios measured in the same run are less sensitive to that than absolute times.",
        "",
    ]
    for s in sections:
        lines.append(s.markdown())
    if cfg.notes:
        lines += ["## Notes", "", *(f"- {n}" for n in cfg.notes), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    cfg.work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()
    facts = machine_facts()
    facts["Python bytecode of capacity and benchmarks"] = compile_bytecode()
    sections = [_run_one(name, cfg) for name in BENCHMARKS if name in cfg.only]
    previous = cfg.out.read_text(encoding="utf-8") if cfg.out.exists() else None
    incomplete = missing_measurements(cfg, sections)
    text = render(
        cfg,
        facts,
        sections,
        started,
        time.perf_counter() - t0,
        incomplete=incomplete,
        history=earlier_runs(previous),
    )
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = cfg.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(cfg.out)
    print(f"[bench] wrote {cfg.out}", file=sys.stderr)
    if not cfg.quick and not incomplete and set(cfg.only) == set(BENCHMARKS):
        readme = ROOT / "README.md"
        if update_readme(readme, text):
            print(f"[bench] typical run times updated in {readme}", file=sys.stderr)
        else:
            print(f"[bench] {readme} has no generated run-times block", file=sys.stderr)
    if incomplete:
        print("[bench] INCOMPLETE: missing measurements:", file=sys.stderr)
        for x in incomplete:
            print(f"[bench]   - {x}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["FULL_SIZES", "WORK", "main", "parse_args", "render"]
