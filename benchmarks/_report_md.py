"""Markdown pieces for RESULTS.md: sections, target verdicts, tables."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Target:
    """One target of the issue with what was measured."""

    name: str
    goal: str
    measured: str
    met: bool | None  # None: not assessed (piece missing, quick mode)
    limits: str = ""

    @property
    def status(self) -> str:
        return {True: "met", False: "NOT met", None: "not assessed"}[self.met]


@dataclass
class Section:
    """A benchmark's part of RESULTS.md."""

    title: str
    body: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    #: measurements that failed or are absent (a full run with any of them fails)
    missing: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.body.extend(lines)

    def markdown(self) -> str:
        return "\n".join([f"## {self.title}", "", *self.body, ""])


def last_error(exc: Exception) -> str:
    """One line saying why a measured command failed, in backticks."""
    from benchmarks._measure import exception_line

    text = getattr(exc, "error", "") or exception_line(str(exc)) or type(exc).__name__
    return f"`{text[:400]}`"


def fmt_s(x: float) -> str:
    """Seconds with sensible precision."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x >= 100:
        return f"{x:,.0f} s"
    if x >= 10:
        return f"{x:.1f} s"
    return f"{x:.2f} s"


def fmt_x(x: float) -> str:
    """A ratio."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.2f}×"


def fmt_mb(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x / 1024:.2f} GiB" if x >= 1024 else f"{x:.0f} MiB"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def targets_table(targets: Sequence[Target]) -> list[str]:
    rows = [(t.name, t.goal, t.measured, f"**{t.status}**") for t in targets]
    return table(("target", "goal", "measured", "status"), rows)
