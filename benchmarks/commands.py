"""Typical run times of the main commands, for the README and RESULTS.md.

``capacity validate data/sample`` and ``capacity synth <tmp> --sample`` are timed here (fresh
processes, median of the repetitions); the report and sweep commands are timed by their own
benchmarks and collected into the same table by :func:`benchmarks.run.render`.
"""

from __future__ import annotations

import shutil
import uuid

from benchmarks import _measure as m
from benchmarks._config import BenchConfig
from benchmarks._report_md import Section, fmt_mb, fmt_s, table
from benchmarks.report import CAPACITY

#: (command as Markdown, median wall seconds, what it covers), filled by every benchmark.
TYPICAL: list[tuple[str, float, str]] = []


def bench_commands(cfg: BenchConfig) -> Section:
    """Time ``capacity validate`` on the sample and ``capacity synth --sample``."""
    sec = Section("Commands: validate and synth")
    n = 1 if cfg.quick else cfg.repeats
    sample = m.ROOT / "data" / "sample"
    val = m.summarise(
        m.repeat(lambda: m.run_command([CAPACITY, "validate", str(sample)], timeout=cfg.timeout), n)
    )

    def synth() -> m.Measurement:
        out = cfg.work / f"synth-{uuid.uuid4().hex[:8]}"
        try:
            return m.run_command(
                [CAPACITY, "synth", str(out), "--seed", "20261128", "--sample"], timeout=cfg.timeout
            )
        finally:
            shutil.rmtree(out, ignore_errors=True)

    syn = m.summarise(m.repeat(synth, n))
    rows = [
        ("`capacity validate data/sample`", val["n"], fmt_s(val["wall"]), fmt_s(val["cpu"]),
         fmt_mb(val["peak_rss_mb"])),
        ("`capacity synth <folder> --seed 20261128 --sample`", syn["n"], fmt_s(syn["wall"]),
         fmt_s(syn["cpu"]), fmt_mb(syn["peak_rss_mb"])),
    ]  # fmt: skip
    sec.add(*table(("command", "runs", "median wall", "CPU", "peak RSS"), rows))
    TYPICAL.append(("`capacity validate data/sample`", val["wall"], "read + validate the sample"))
    TYPICAL.append(
        ("`capacity synth <folder> --sample`", syn["wall"], "write the synthetic sample")
    )
    return sec
