"""The tornado's refits fitted in a second process, beside the report's own fit.

A cold committee report (empty caches) fits its models and then, for the tornado
(:func:`capacity.question4.sensitivity.sensitivity`), refits them at other settings of what
the data cannot decide (``gap_days``, the model of the unseen, with per-day deconvolved
stays ``shrink_days``). Those refits need only the data and the parameters, not the
report's fit, and on the sample they are about half of a cold report's computing. :func:`start_refits` forks a copy of the kernel (``os.fork``:
nothing is pickled or sent) that fits them into the fit cache, largest first, while the
notebook fits its own models and evaluates the options on the machine's other core. The
tornado then reads each refit from the cache.

Each refit is fitted once: the process fitting an entry holds its lock
(:class:`capacity.report.cache._EntryLock`), the forked process skips an entry someone
else is fitting, and the notebook, when it needs a refit still being fitted, waits for it
and reads it. A refit the forked process could not make (an error, a full disk, a killed
process) is fitted by the notebook itself, as without this module, so the numbers are the
same either way: the same code on the same data and parameters (a test compares them).

Nothing is forked when the report's analyses or all refits are already in the cache (a
warm run), when the cache is off, off Linux, or with ``CAPACITY_REFIT_PROCESS=0``.
"""

from __future__ import annotations

import os
import sys
import warnings

from capacity.report.forks import can_fork, reap

#: Forked processes still fitting (pids): reaped by the next :func:`start_refits`.
_CHILDREN: set[int] = set()


def forking() -> bool:
    """Whether the refits are fitted by a forked process (Linux; not switched off)."""
    return can_fork("CAPACITY_REFIT_PROCESS")


def _reap() -> None:
    """Collect forked processes that have ended (none left as zombies in a warm kernel)."""
    reap(_CHILDREN)


def wait_for_refits(timeout: float = 30.0) -> None:
    """Collect the forked processes once the tornado has its refits (they end then).

    Called by :func:`capacity.report.committee.sensitivity_frame`: every refit the forked
    process works on is one the tornado waits for, so once it has them all the process has
    nothing left to do. Waits at most ``timeout`` seconds; a process still running after
    that is collected by the next :func:`start_refits`.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        _reap()  # at least once, also with no time to wait
        if not _CHILDREN or time.monotonic() >= deadline:
            return
        time.sleep(0.01)


def missing_refits(data, params) -> list:
    """The parameters of the tornado's refits not yet in the fit cache (largest last).

    Empty when the cache is off or when the report's analyses are cached already (a warm
    run reads the tornado and needs no refit).
    """
    from capacity.question4.sensitivity import refit_params
    from capacity.report.cache import cache_dir, cache_key, cache_secret, results_key

    folder = cache_dir(params)
    if cache_secret(params, folder) is None:
        return []
    analyses = folder / "results" / f"{results_key('committee-analyses', params, data.files)}.res"
    if analyses.exists():
        return []
    # capture_model "auto": the tornado refits from the settings the fit chooses from the
    # data (capacity.models.capture.resolved), so those are the refits to make
    chosen = _chosen(params, data)
    return [
        p for p in refit_params(chosen) if not (folder / f"{cache_key(p, data.files)}.fit").exists()
    ]


#: The capture settings chosen from the data, by the fit's cache key (a few).
_CHOSEN: dict[str, dict] = {}
#: What :func:`capacity.models.capture.resolve_capture` may change.
_CAPTURE_FIELDS = ("capture_model", "detection_model", "stay_model", "gap_days")


def _chosen(params, data):
    """``resolve_capture(params, data.sightings)[0]``, once per data and fitting parameters.

    The choice reads only the four capture settings and the sightings, all of which the
    fit's cache key covers (the files' hashes, every fitting parameter, the model code). A
    sweep's warm kernel renders every scenario on the same data and fit: the diagnostic ran
    once per report (about 0.03 s each on a quiet machine), now once per kernel.
    """
    from capacity.models.capture import resolve_capture
    from capacity.report.cache import cache_key

    key = cache_key(params, data.files)
    fields = _CHOSEN.get(key)
    if fields is None:
        chosen, _ = resolve_capture(params, data.sightings)
        fields = {k: getattr(chosen, k) for k in _CAPTURE_FIELDS}
        if len(_CHOSEN) >= 8:
            _CHOSEN.clear()
        _CHOSEN[key] = fields
    return params.replace(**fields)


def _child(data, todo: list) -> None:
    """In the forked process: fit each refit nobody else is fitting, then leave."""
    code = 1
    try:
        import gc

        gc.freeze()  # the kernel's objects: never scanned here, so never copied
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # never the kernel's streams
        warnings.simplefilter("ignore")
        from capacity.exceptions import CapacityError
        from capacity.report.cache import fit_unless_busy

        for p in todo:
            try:
                fit_unless_busy(data, p)
            except CapacityError:
                pass  # the tornado leaves that side out; the notebook finds the same
        code = 0
    except BaseException:
        pass  # whatever is not in the cache, the notebook fits itself
    finally:
        os._exit(code)


def start_refits(data, params) -> int | None:
    """Fit the tornado's refits in a forked process while the notebook goes on.

    Parameters
    ----------
    data : capacity.io.Dataset
        The loaded dataset (the forked process has it as it is).
    params : Params
        The report's parameters.

    Returns
    -------
    int or None
        The forked process's id, or None when nothing was forked (see the module notes).
    """
    _reap()
    if not forking():
        return None
    todo = missing_refits(data, params)
    if not todo:
        return None
    todo.reverse()  # the largest (the other model of the unseen) first: the notebook
    # takes what is left from the front when its own work is done
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns when a process with threads forks; the child only fits
            # and writes cache entries, then leaves with os._exit
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        return None  # the notebook fits them itself
    if pid == 0:
        _child(data, todo)  # never returns
    _CHILDREN.add(pid)
    return pid


__all__ = ["forking", "missing_refits", "start_refits", "wait_for_refits"]
