"""Issue 14: the chain's independent pieces in forked workers, the same numbers as one process.

``tests/conftest.py`` sets ``CAPACITY_JOBS=1`` for the suite (xdist already uses both cores);
these tests ask for workers themselves (``n_jobs=`` or ``monkeypatch.setenv``).
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shared import two_city_world

from capacity import workers
from capacity.workers import fork_map, jobs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


def _children() -> set[int]:
    """This process's child processes, running or ended and not yet collected (``/proc``)."""
    out: set[int] = set()
    for tid in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{tid}/children") as fh:
            out.update(int(p) for p in fh.read().split())
    return out


@pytest.fixture
def no_children_left():
    """Asserts after the test that it left no child process behind (none running, no zombie).

    Other tests of the same process may have children of their own (a report's forked
    helpers): only those that were not there before count.
    """
    before = _children()
    yield
    assert not (_children() - before)


def square_and_pid(x):
    return x * x, os.getpid()


@pytest.mark.parametrize("n_jobs", [1, 2, 3])
def test_fork_map_is_the_list_comprehension_in_order(n_jobs, no_children_left):
    got = fork_map(square_and_pid, range(7), n_jobs)
    assert [v for v, _ in got] == [x * x for x in range(7)]
    pids = {p for _, p in got}
    # the caller computes its share and n_jobs - 1 forked workers the rest
    assert len(pids) == n_jobs and os.getpid() in pids


def test_a_worker_that_raises_or_dies_has_its_items_computed_by_the_caller(no_children_left):
    me = os.getpid()

    def raises(x):
        if os.getpid() != me:
            raise RuntimeError("worker failed")
        return x + 1

    def dies(x):
        if os.getpid() != me:
            os.kill(os.getpid(), signal.SIGKILL)
        return x + 1

    def leaves(x):
        if os.getpid() != me:
            os._exit(0)  # no result sent: an empty pipe is a failure, not an empty result
        return x + 1

    for fn in (raises, dies, leaves):
        assert fork_map(fn, range(6), 2) == [1, 2, 3, 4, 5, 6]


def test_an_error_of_the_callers_share_is_raised_and_no_worker_is_left(no_children_left):
    me = os.getpid()

    def fails_here(x):
        if os.getpid() == me and x == 2:
            raise ValueError("the caller's item")
        if os.getpid() != me:
            import time

            time.sleep(30)  # still running when the caller fails: killed, not waited for
        return x

    with pytest.raises(ValueError, match="the caller's item"):
        fork_map(fails_here, range(4), 2)


def test_warnings_of_a_workers_items_reach_the_caller():
    def warns(x):
        warnings.warn(f"item {x}", RuntimeWarning, stacklevel=1)
        return x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert fork_map(warns, range(4), 2) == [0, 1, 2, 3]
    assert sorted(str(w.message) for w in caught) == [f"item {x}" for x in range(4)]


def test_results_come_back_whole_however_large():
    def big(x):
        return np.full((400, 1000), float(x))  # 3.2 MB each: more than a pipe holds

    out = fork_map(big, range(4), 2)
    for x, a in enumerate(out):
        np.testing.assert_array_equal(a, np.full((400, 1000), float(x)))


def test_jobs_from_the_environment_and_one_in_a_forked_worker(monkeypatch):
    monkeypatch.setenv("CAPACITY_JOBS", "3")
    assert jobs() == 3
    assert jobs(2) == 2
    monkeypatch.setenv("CAPACITY_JOBS", "0")
    assert jobs() == 1
    monkeypatch.setenv("CAPACITY_JOBS", "many")  # not a number: as if unset
    assert jobs() == max(1, len(os.sched_getaffinity(0)) - workers._running_children())
    monkeypatch.delenv("CAPACITY_JOBS")
    assert jobs() == max(1, len(os.sched_getaffinity(0)) - workers._running_children())
    # inside a worker every further fork_map runs in one process: no workers of workers
    monkeypatch.setenv("CAPACITY_JOBS", "2")
    assert fork_map(lambda _: jobs(), range(2), 2) == [2, 1]


def test_a_running_child_process_takes_a_core(monkeypatch):
    monkeypatch.delenv("CAPACITY_JOBS", raising=False)
    before, running = jobs(), workers._running_children()
    pid = os.fork()
    if pid == 0:  # a child that computes (as the report's refit process does)
        import time

        time.sleep(2)
        os._exit(0)
    try:
        assert workers._running_children() == running + 1
        assert jobs() == max(1, before - 1)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def assert_same(a, b, path: str = "fit", depth: int = 0) -> None:
    """``a`` and ``b`` hold the same values, bit for bit (arrays, frames, numbers, fields).

    Not pickles: a result sent back from a worker is an equal copy, and pickle's memo then
    writes, e.g., an array's dtype once more than for the original.
    """
    assert type(a) is type(b), path
    if depth > 12 or a is b:
        return
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind in "fc":
            assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes(), path
        else:
            assert np.array_equal(a, b), path
    elif isinstance(a, (pd.DataFrame, pd.Series, pd.Index)):
        assert pickle.dumps(a) == pickle.dumps(b) or a.equals(b), path
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=path)
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]", depth + 1)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            assert_same(u, v, f"{path}[{i}]", depth + 1)
    elif isinstance(a, float):
        assert a == b or (a != a and b != b), path
    elif hasattr(a, "__dict__") and not isinstance(a, type):
        assert_same(vars(a), vars(b), path, depth + 1)
    elif hasattr(a, "__dataclass_fields__"):  # with slots
        for k in a.__dataclass_fields__:
            assert_same(getattr(a, k), getattr(b, k), f"{path}.{k}", depth + 1)
    else:
        assert pickle.dumps(a) == pickle.dumps(b), path


def test_assert_same_sees_one_bit():
    x = np.linspace(0, 1, 5)
    y = x.copy()
    y[3] = np.nextafter(y[3], 2)
    with pytest.raises(AssertionError, match=r"fit\['b'\]"):
        assert_same({"a": 1.0, "b": x}, {"a": 1.0, "b": y})


@pytest.fixture(scope="module")
def chain():
    """A small world's chain, fitted with the bootstrap in two processes (chunks of 10).

    Returns the ``chain_bootstrap`` call's arguments, its draws and the fitted models.
    """
    import capacity.question4.bootstrap as boot
    import capacity.question4.fit as fit_module
    from capacity.question4 import fit_models

    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = Path(tempfile.mkdtemp(prefix="capacity-workers-")) / "data"
        ds, params = two_city_world(folder, scale=0.1, n_boot=25)
        mp.setattr(boot, "CHUNK", 10)  # 25 replicates: chunks of 10, 10 and 5
        calls = []

        def record(**kw):
            calls.append((kw, boot.chain_bootstrap(**kw)))
            return calls[-1][1]

        mp.setattr(fit_module, "chain_bootstrap", record)
        mp.setenv("CAPACITY_JOBS", "2")
        two = fit_models(ds, params)
        mp.setenv("CAPACITY_JOBS", "1")
        one = fit_models(ds, params)
        yield calls[0][0], calls[0][1], calls[1][1], two, one
        shutil.rmtree(folder.parent, ignore_errors=True)


@pytest.mark.slow
def test_the_chain_is_the_same_bit_for_bit_with_one_or_two_processes(chain):
    _, draws_two, draws_one, two, one = chain
    assert len(one.inputs) == 26
    assert np.ptp(one.inputs.detection[1:]) > 0 and np.ptp(one.inputs.stays.mean[1:]) > 0
    assert_same(draws_one, draws_two)
    assert_same(one, two)  # every field of the fitted models
    # the population chain was fitted in a worker beside the stays and sent back pickled
    # (so objects it held twice arrive as two copies: compare the pickles of the copies)
    assert_same(one.population, two.population)
    assert one.stays.median_ci == two.stays.median_ci


@pytest.mark.slow
def test_weights_drawn_from_a_stream_are_the_same_with_two_processes(chain, monkeypatch):
    import capacity.question4.bootstrap as boot

    kw, keyed, *_ = chain
    monkeypatch.setattr(boot, "CHUNK", 10)
    kw = {**kw, "seed": None}
    one = boot.chain_bootstrap(**kw, rng=np.random.default_rng(5), jobs=1)
    two = boot.chain_bootstrap(**kw, rng=np.random.default_rng(5), jobs=2)
    assert_same(one, two)
    assert not np.array_equal(one.starts, keyed.starts)  # another stream of weights
