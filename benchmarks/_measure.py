"""Run one measurement in a fresh subprocess: wall time, peak RSS, in-process stage times.

Every measurement starts a new Python interpreter so that imports, caches and peak memory
are honest. The parent waits for the child with :func:`os.wait4`, whose ``ru_maxrss`` is the
peak resident set size of the child *or of any descendant it waited for* (for example a
Jupyter kernel started by papermill) — the largest single process of the tree, not the sum.

A child started with :func:`run_task` prints one line ``BENCH_JSON {...}`` with its own
timings per stage (seconds, measured with :func:`time.perf_counter`); the parent adds the
wall time seen from outside (interpreter start-up and imports included).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._launch import RUSAGE_MARK

MARK = "BENCH_JSON "
ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass
class Measurement:
    """One subprocess run."""

    wall: float
    peak_rss_mb: float
    returncode: int
    cpu: float = float("nan")
    stages: dict = field(default_factory=dict)
    stages_cpu: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class MeasurementError(RuntimeError):
    """A benchmarked command failed; the message carries the command and its output tail.

    ``error`` is the exception line found in the whole output (with the first problem a
    :class:`~capacity.exceptions.DataError` lists), for a one-line report.
    """

    def __init__(self, message: str, error: str = ""):
        super().__init__(message)
        self.error = error


_EXC = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b")


def exception_line(text: str) -> str:
    """The last line of ``text`` that starts an exception message, plus a listed problem."""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    for i in range(len(lines) - 1, -1, -1):
        if _EXC.match(lines[i]):
            out = lines[i].strip()
            if i + 1 < len(lines) and lines[i + 1].lstrip().startswith("- "):
                out += " " + lines[i + 1].strip()
            return out
    return lines[-1].strip() if lines else ""


class TreeSampler:
    """The CPU time of a process tree over time, read from ``/proc`` on a thread (Linux).

    Every ``every`` seconds the sum of user + system time of the root and its descendants,
    each with the time of its children it waited for (``/proc/<pid>/stat`` fields 14–17: a
    process that ended and was collected counts in its parent), as ``(seconds since t0,
    CPU seconds)``, never falling (a process that ended but is not collected yet drops out
    for a moment). The descendants are found by a scan of every ``/proc/<pid>/stat`` once in
    ``scan_every`` reads (1.6 ms a scan on this machine); the reads between read the known
    processes only, so sampling costs well under 1 % of a core.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, root: int, t0: float, every: float = 0.05, scan_every: int = 10):
        self.root, self.t0, self.every, self.scan_every = root, t0, every, scan_every
        self.samples: list[tuple[float, float]] = []
        self._known: set[int] = {root}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _stat(pid: int) -> tuple[int, float] | None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), float(sum(int(x) for x in fields[11:15]))

    def _scan(self) -> None:
        parent = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                got = self._stat(int(name))
                if got is not None:
                    parent[int(name)] = got[0]
        tree = {self.root}
        grew = True
        while grew:
            new = {p for p, q in parent.items() if q in tree and p not in tree}
            tree |= new
            grew = bool(new)
        self._known = tree

    def _run(self) -> None:
        n, best = 0, 0.0
        while not self._stop.is_set():
            if n % self.scan_every == 0:
                self._scan()
            ticks = sum(got[1] for p in self._known if (got := self._stat(p)) is not None)
            best = max(best, ticks / self.TICK)
            self.samples.append((time.perf_counter() - self.t0, best))
            n += 1
            self._stop.wait(self.every)

    def start(self) -> TreeSampler:
        if sys.platform.startswith("linux"):
            self._thread.start()
        return self

    def stop(self) -> list[tuple[float, float]]:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.samples


def cpu_between(samples: Sequence[tuple[float, float]], start: float, end: float) -> float:
    """Least CPU the tree can have used from ``start`` to ``end`` (seconds since t0).

    The last sample at or before ``end`` less the first at or after ``start``: samples come
    every few hundredths of a second, so this leaves out at most that much at each end
    (a lower bound, as a bound built on it must be). NaN without samples in the span.

    >>> cpu_between([(0.0, 0.0), (1.0, 1.5), (2.0, 3.5), (3.0, 4.0)], 0.5, 2.5)
    2.0
    """
    after = [c for t, c in samples if t >= start]
    before = [c for t, c in samples if t <= end]
    if not after or not before:
        return float("nan")
    return max(0.0, before[-1] - after[0])


def run_command(
    cmd: Sequence[str],
    *,
    timeout: float = 3600,
    env: dict | None = None,
    check: bool = True,
    sample_tree: bool = False,
) -> Measurement:
    """Run ``cmd`` in a fresh process and measure wall time and peak RSS.

    Parameters
    ----------
    cmd : sequence of str
        Command and arguments (no shell).
    timeout : float
        Seconds before the process group is killed and :class:`MeasurementError` raised.
    env : dict, optional
        Extra environment variables.
    check : bool
        Raise :class:`MeasurementError` on a non-zero exit code.
    sample_tree : bool
        Also sample the process tree's CPU time over the run (:class:`TreeSampler`): in
        ``info["tree_cpu"]`` as ``(seconds since the start, CPU seconds)``, with
        ``info["epoch_start"]`` the start as a Unix time (to place timestamps the command
        writes, e.g. papermill's, on the same clock).

    Returns
    -------
    Measurement
        Wall time (s), CPU time (user + system, s, of the child and the descendants it
        waited for), peak RSS (MiB) of the largest process in the tree, exit code, and the
        ``BENCH_JSON`` payload the child printed (if any).
    """
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg", **(env or {})}
    with tempfile.TemporaryFile("w+b") as out:
        epoch, t0 = time.time(), time.perf_counter()
        proc = subprocess.Popen(
            [PYTHON, "-m", "benchmarks._launch", *cmd],  # see _launch: honest peak RSS
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=full_env,
            start_new_session=True,
        )
        sampler = TreeSampler(proc.pid, t0).start() if sample_tree else None
        try:
            status, usage = _wait(proc, t0, timeout)
        finally:
            samples = sampler.stop() if sampler is not None else None
        wall = time.perf_counter() - t0
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    payload: dict = {}
    own: dict = {}
    for line in text.splitlines():
        if line.startswith(MARK):
            payload = json.loads(line[len(MARK) :])
        elif line.startswith(RUSAGE_MARK):
            own = json.loads(line[len(RUSAGE_MARK) :])
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(RUSAGE_MARK))
    tail = "\n".join(text.strip().splitlines()[-25:])
    if check and code != 0:
        raise MeasurementError(
            f"command failed (exit {code}): {' '.join(cmd)}\n{tail}", exception_line(text)
        )
    info = payload.get("info", {})
    if samples is not None:
        info = {**info, "tree_cpu": samples, "epoch_start": epoch}
    return Measurement(
        wall=wall,
        peak_rss_mb=own.get("maxrss_kib", usage.ru_maxrss) / 1024.0,  # Linux reports KiB
        returncode=code,
        cpu=own.get("cpu", usage.ru_utime + usage.ru_stime),
        stages=payload.get("stages", {}),
        stages_cpu=payload.get("stages_cpu", {}),
        info=info,
        output_tail=tail,
    )


def _wait(proc: subprocess.Popen, t0: float, timeout: float):
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from re-waiting
            return status, usage
        if time.perf_counter() - t0 > timeout:
            os.killpg(proc.pid, 9)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise MeasurementError(f"timed out after {timeout:.0f} s: {' '.join(proc.args)}")
        time.sleep(0.05)


def run_task(task: str, *, timeout: float = 3600, **kwargs) -> Measurement:
    """Run ``benchmarks._tasks <task>`` with JSON keyword arguments in a fresh interpreter."""
    cmd = [PYTHON, "-m", "benchmarks._tasks", task, json.dumps(kwargs, default=str)]
    return run_command(cmd, timeout=timeout)


def repeat(fn, n: int) -> list[Measurement]:
    """Call ``fn()`` ``n`` times (each call one fresh subprocess)."""
    return [fn() for _ in range(n)]


def median(values: Sequence[float]) -> float:
    """Median, NaN for an empty sequence."""
    return statistics.median(values) if len(values) else float("nan")


def summarise(runs: Sequence[Measurement]) -> dict:
    """Medians over repeated runs: wall, peak RSS and each in-process stage."""
    stages: dict[str, list[float]] = {}
    stages_cpu: dict[str, list[float]] = {}
    for r in runs:
        for k, v in r.stages.items():
            stages.setdefault(k, []).append(v)
        for k, v in r.stages_cpu.items():
            stages_cpu.setdefault(k, []).append(v)
    return {
        "n": len(runs),
        "wall": median([r.wall for r in runs]),
        "wall_min": min((r.wall for r in runs), default=float("nan")),
        "wall_max": max((r.wall for r in runs), default=float("nan")),
        "peak_rss_mb": max((r.peak_rss_mb for r in runs), default=float("nan")),
        "cpu": median([r.cpu for r in runs]),
        "stages": {k: median(v) for k, v in stages.items()},
        "stages_cpu": {k: median(v) for k, v in stages_cpu.items()},
        "info": runs[-1].info if runs else {},
    }
