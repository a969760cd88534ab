"""Forked helper processes of a report kernel: whether to fork, and collecting the children.

Shared by :mod:`capacity.report.figsave` (figure files written by a forked copy of the
kernel) and :mod:`capacity.report.refits` (the tornado's refits fitted beside the report's
own fit). Each keeps its own set of child pids, so that a warm kernel's next report
collects the last one's children.
"""

from __future__ import annotations

import os
import sys


def can_fork(switch: str) -> bool:
    """Whether to fork: on Linux only, unless the environment variable ``switch`` is ``0``."""
    return (
        hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and os.environ.get(switch, "1") != "0"
    )


def reap(children: set[int]) -> None:
    """Collect the children in ``children`` that have ended (no zombies left in a kernel)."""
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


__all__ = ["can_fork", "reap"]
