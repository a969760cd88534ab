"""Independent pieces of a computation on the machine's other cores, in forked processes.

:func:`fork_map` computes ``fn(item)`` for each item, the items dealt round-robin to
``jobs`` processes: the calling process takes its share and ``jobs − 1`` forked copies
(``os.fork``) take the rest. Nothing is pickled *into* a worker — it is a copy of the
caller, with the data and ``fn`` as they are — and each sends its results back once, pickled
through a pipe (arrays: a few MB at most for the chain bootstrap's chunks). The results
are those of ``[fn(x) for x in items]`` bit for bit: the same code on the same inputs,
in the same order within each item; the caller gets them in the order of ``items``.

How many processes (:func:`jobs`): ``CAPACITY_JOBS`` if set, else the cores this process
may run on (``len(os.sched_getaffinity(0))``); 1 — the one-process path — off Linux, in a
process that was itself forked from one that imported this module (a worker, the report's
refit process; any multiprocessing worker: their parent already uses the other core), and
while this process has a child process running (the committee report's refit process
fitting beside the report's own fit; ``docs/performance.md`` has the measurement that chose
this).

Failures: a worker that raises, dies or is killed sends no (or no complete) result; the
caller then computes that worker's items itself, so the numbers are the same and an error
is raised where the one-process run raises it. Warnings a worker's items raise are
re-issued by the caller. Every worker is collected (``waitpid``) before :func:`fork_map`
returns or raises: no zombies, and a worker still running when the caller fails is killed.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["ENV", "fork_map", "jobs"]

#: The environment variable that sets the number of processes (1: no worker is forked).
ENV = "CAPACITY_JOBS"

#: True in a process forked from one that imported this module (set after every fork).
_FORKED = False


def _after_fork_in_child() -> None:
    global _FORKED
    _FORKED = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _forked() -> bool:
    """Whether this process is a forked copy (see :data:`_FORKED`) or a multiprocessing worker."""
    if _FORKED:
        return True
    mp = sys.modules.get("multiprocessing")
    return mp is not None and mp.parent_process() is not None


def usable_cores() -> int:
    """Cores this process may run on (its affinity; ``os.cpu_count()`` off Linux)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _running_children() -> int:
    """Child processes of this process that have not ended (Linux ``/proc``; else 0).

    Zombies (ended, not yet collected) are not counted: they use no core.
    """
    pid = os.getpid()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    children: set[str] = set()
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                children.update(fh.read().split())
        except OSError:
            continue
    running = 0
    for child in children:
        try:
            with open(f"/proc/{child}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        running += state not in ("Z", "X")
    return running


def jobs(requested: int | None = None) -> int:
    """How many processes :func:`fork_map` uses: ``requested``, else ``CAPACITY_JOBS``, else the cores.

    Parameters
    ----------
    requested : int, optional
        The caller's number (at least 1); ``None`` reads ``CAPACITY_JOBS`` and, without
        it, takes the cores this process may run on less the child processes it has running.

    Returns
    -------
    int
        1 off Linux and in a forked process (see the module notes), else the number asked
        for (a ``CAPACITY_JOBS`` that is not a positive integer counts as unset).
    """
    if not (hasattr(os, "fork") and sys.platform.startswith("linux")) or _forked():
        return 1
    if requested is not None:
        return max(1, int(requested))
    value = os.environ.get(ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            pass
    return max(1, usable_cores() - _running_children())


def _worker(fn: Callable, items: list, write_fd: int) -> None:
    """In a forked worker: ``fn`` of each item, pickled to ``write_fd``; never returns."""
    code = 1
    try:
        gc.freeze()  # the caller's objects: never scanned here, so their pages never copied
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # never the caller's streams
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = [fn(x) for x in items]
        notes = [(w.message, w.category, w.filename, w.lineno) for w in caught]
        payload = pickle.dumps((results, notes), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb", closefd=True) as out:
            out.write(payload)
        code = 0
    except BaseException:
        pass  # the caller computes these items itself
    finally:
        os._exit(code)


def _collect(pid: int, read_fd: int) -> tuple[list, list] | None:
    """A worker's ``(results, warnings)``, or None when it failed; the worker collected."""
    try:
        with os.fdopen(read_fd, "rb", closefd=True) as inp:
            payload = inp.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0) or not payload:
        return None
    try:
        return pickle.loads(payload)
    except Exception:
        return None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def fork_map(fn: Callable[[Any], Any], items: Sequence, n_jobs: int | None = None) -> list:
    """``[fn(x) for x in items]``, the items dealt to ``n_jobs`` processes (see the module notes).

    Parameters
    ----------
    fn : callable
        Computes one item; it sees the caller's memory as it was at the call (a forked copy):
        what it changes there is not seen by the caller, so it must return what it computes.
        Its results must pickle.
    items : sequence
    n_jobs : int, optional
        Processes, the caller's own included; default :func:`jobs`.

    Returns
    -------
    list
        ``fn(items[i])`` at position ``i``, the same numbers as one process computes.
    """
    items = list(items)
    n = min(jobs(n_jobs), len(items))
    if n <= 1:
        return [fn(x) for x in items]
    share = [list(range(k, len(items), n)) for k in range(n)]  # round robin: share[0] is ours
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[tuple[int, int, list[int]]] = []
    out: list = [None] * len(items)
    try:
        for k in range(1, n):
            started = _start(fn, [items[i] for i in share[k]])
            if started is None:
                share[0].extend(share[k])  # no process: ours to compute
            else:
                workers.append((*started, share[k]))
        for i in sorted(share[0]):
            out[i] = fn(items[i])
        while workers:
            pid, read_fd, mine = workers[0]
            got = _collect(pid, read_fd)
            workers.pop(0)
            if got is None:  # the worker failed: its items computed here, as in one process
                got = ([fn(items[i]) for i in mine], [])
            for i, r in zip(mine, got[0], strict=True):
                out[i] = r
            for message, category, filename, lineno in got[1]:
                warnings.warn_explicit(message, category, filename, lineno)
    finally:
        for pid, read_fd, _ in workers:  # the caller failed: no worker left behind
            try:
                os.close(read_fd)
            except OSError:
                pass
            _kill(pid)
    return out


def _start(fn: Callable, items: list) -> tuple[int, int] | None:
    """Fork a worker for ``items``: its pid and the pipe's read end, or None (no fork)."""
    read_fd, write_fd = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns when a process with threads forks; the worker only
            # computes and writes to its pipe, then leaves with os._exit
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:
        os.close(read_fd)
        _worker(fn, items, write_fd)  # never returns
    os.close(write_fd)
    return pid, read_fd
