"""The report's results cache: what a report evaluates on top of the fit, stored once.

A re-run of the same report must read back exactly the numbers it would compute; any
input that can change a number (data, a parameter, the code) must compute them again.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from shared import tiny_with_private_cache as _setup

from capacity.report import cache


class _Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"frame": pd.DataFrame({"x": [self.calls, 2.5]}), "n": self.calls}


def test_a_rerun_reads_the_results_back_and_any_input_change_computes_again(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    compute = _Counter()
    first = cache.cached_results("t", data, params, compute)
    assert compute.calls == 1 and first["n"] == 1
    again = cache.cached_results("t", data, params.replace(run_id="other"), compute)
    assert compute.calls == 1  # where the output goes is no input
    pd.testing.assert_frame_equal(again["frame"], first["frame"])
    moved = cache.cached_results("t", data, params.replace(output_dir=str(tmp_path / "o")), compute)
    assert compute.calls == 1 and moved["n"] == 1
    # a scenario, a cost, a presentation parameter, another computation: computed again
    for other in (
        params.replace(extra_fte=1.0),
        params.replace(cost_outreach_fte=1.0),
        params.replace(language="en"),
        params.replace(seed=1),
    ):
        calls = compute.calls
        cache.cached_results("t", data, other, compute)
        assert compute.calls == calls + 1, other
    calls = compute.calls
    cache.cached_results("other name", data, params, compute)
    assert compute.calls == calls + 1
    # other data (their hashes), other code
    files = {k: {**v, "sha256": "0" * 64} for k, v in data.files.items()}
    assert cache.results_key("t", params, files) != cache.results_key("t", params, data.files)
    monkeypatch.setattr(cache, "package_version", lambda: "changed code")
    calls = compute.calls
    cache.cached_results("t", data, params, compute)
    assert compute.calls == calls + 1
    assert cache.cached_results("t", data, params, compute, use_cache=False)["n"] == calls + 2


def test_package_version_follows_every_module(tmp_path, monkeypatch):
    """The results key changes when any module changes (report code included)."""
    before = cache.package_version()
    assert before == cache.package_version()
    real = type(tmp_path).read_bytes
    target = "report/committee/options.py"

    def edited(path):
        data = real(path)
        return data + b"\n# edited" if path.as_posix().endswith(target) else data

    monkeypatch.setattr(type(tmp_path), "read_bytes", edited)
    monkeypatch.setattr(cache, "_DIGESTS", {})  # as if the file's time had changed too
    assert cache.package_version() != before


def test_the_code_digest_is_taken_again_when_a_file_is_rewritten_added_or_removed(
    tmp_path, monkeypatch
):
    """The digest is kept between keys, but never past a change of the files."""
    import os

    monkeypatch.setattr(cache, "_DIGESTS", {})
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")

    def digest():
        return cache._digest(tmp_path, sorted(tmp_path.rglob("*.py")))

    first = digest()
    reads = []
    real = type(tmp_path).read_bytes
    monkeypatch.setattr(type(tmp_path), "read_bytes", lambda p: reads.append(p) or real(p))
    assert digest() == first and not reads  # unchanged: not read again
    st = (tmp_path / "a.py").stat()
    (tmp_path / "a.py").write_text("x = 3\n")  # same size
    os.utime(tmp_path / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns))  # even the same mtime
    rewritten = digest()
    assert rewritten != first  # the change time moved
    (tmp_path / "c.py").write_text("")
    added = digest()
    assert added not in (first, rewritten)
    (tmp_path / "c.py").unlink()
    assert digest() == rewritten


def test_a_planted_or_foreign_results_entry_is_never_used(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    compute = _Counter()
    cache.cached_results("t", data, params, compute)
    entry = next((tmp_path / "cache" / "results").glob("*.res"))
    evil = pickle.dumps({"n": -1})
    entry.write_bytes(
        cache.RESULTS_MAGIC + cache._sign(b"x" * 32, evil, cache.RESULTS_MAGIC) + evil
    )
    assert cache.cached_results("t", data, params, compute)["n"] == 2  # another key: computed
    key = cache.cache_secret(params, entry.parent.parent)
    cache.store_entry(entry, key, ["not", "a dict"], cache.RESULTS_MAGIC)  # right key, wrong type
    assert cache.cached_results("t", data, params, compute)["n"] == 3
    # a fit entry's signature never passes for a results entry (the magic is signed)
    payload = pickle.dumps({"n": -1})
    entry.write_bytes(cache.RESULTS_MAGIC + cache._sign(key, payload) + payload)
    assert cache.cached_results("t", data, params, compute)["n"] == 4


@pytest.mark.slow
def test_cached_analyses_are_exactly_the_computed_ones(tmp_path, monkeypatch):
    """The committee report's analyses read back from the cache equal a fresh computation,
    frames, attributes and all; the standard scenarios' 'today' row read from the report's
    result equals the evaluated one."""
    from capacity.question4 import evaluate
    from capacity.report import committee, fitted_models
    from capacity.report.committee.analyses import compute_analyses

    params, data = _setup(tmp_path, monkeypatch)
    fitted = fitted_models(data, params)
    result = evaluate(fitted, params)
    fresh = compute_analyses(fitted, data, result, params)
    stored = committee.analyses(fitted, data, result, params)  # a miss: computed and stored
    read = committee.analyses(fitted, data, result, params)  # a hit
    assert list((tmp_path / "cache" / "results").glob("*.res"))
    for name in fresh._fields:
        for got in (getattr(stored, name), getattr(read, name)):
            want = getattr(fresh, name)
            if want is None:
                assert got is None
                continue
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert got.attrs == want.attrs, name
    plain = committee.standard_scenarios(fitted, params)
    pd.testing.assert_frame_equal(fresh.scenarios, plain, check_exact=True)
    # the result itself, read back: the same key figures, draws, forecast and verdict
    from capacity.report import evaluated

    for _ in range(2):  # a miss, then a hit
        got = evaluated(fitted, data, params)
        pd.testing.assert_frame_equal(got.key_figures, result.key_figures, check_exact=True)
        pd.testing.assert_frame_equal(got.draws, result.draws, check_exact=True)
        if result.forecast is None:  # too short a period for a forecast
            assert got.forecast is None
        else:
            pd.testing.assert_frame_equal(got.forecast, result.forecast, check_exact=True)
        assert (got.verdict, got.p_target, got.caveats) == (
            result.verdict,
            result.p_target,
            result.caveats,
        )


def test_the_coordination_table_is_computed_once_per_result():
    """Page one's cooperation rows and the mobility section show the same table: one call."""
    from capacity.report.committee.mobility import coordination_table

    class Result:
        def __init__(self):
            self.calls = []

        def coordination(self, fte):
            self.calls.append(fte)
            return pd.DataFrame({"fte": [fte, len(self.calls)]})

    a, b = Result(), Result()
    first = coordination_table(a, 1.0)
    assert coordination_table(a, 1.0) is first and a.calls == [1.0]
    assert coordination_table(a, 2.0).loc[0, "fte"] == 2.0 and a.calls == [1.0, 2.0]
    assert coordination_table(b, 1.0) is not first and b.calls == [1.0]


def test_ignored_parameters_share_an_entry_and_the_others_do_not(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    compute = _Counter()
    ignore = frozenset({"target_reach"})
    cache.cached_results("t", data, params, compute, ignore=ignore)
    cache.cached_results("t", data, params.replace(target_reach=0.3), compute, ignore=ignore)
    assert compute.calls == 1
    cache.cached_results("t", data, params.replace(extra_fte=1.0), compute, ignore=ignore)
    assert compute.calls == 2
    cache.cached_results("t", data, params.replace(target_reach=0.3), compute)  # not ignored
    assert compute.calls == 3


def test_reach_curve_and_frontier_do_not_depend_on_what_the_cache_leaves_out(tmp_path, monkeypatch):
    """The committee report shares them between runs that differ only in NOT_IN_REACH."""
    from capacity.report.committee.options import NOT_IN_REACH, compute_reach

    params, data = _setup(tmp_path, monkeypatch)
    fitted = cache.fitted_models(data, params)
    assert NOT_IN_REACH == {"target_reach", "p_sufficient", "p_insufficient"}
    base = compute_reach(fitted, params.replace(extra_fte=1.0))
    other = compute_reach(
        fitted,
        params.replace(extra_fte=1.0, target_reach=0.2, p_sufficient=0.95, p_insufficient=0.01),
    )
    for a, b in zip(base, other, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    # and they do change with a parameter that is in the key
    moved = compute_reach(fitted, params.replace(extra_fte=3.0))
    assert not moved[1]["reach"].equals(base[1]["reach"])


def test_options_shared_across_targets_are_the_options_at_each_target(tmp_path, monkeypatch):
    """The committee report shares the options between runs that differ only in the target:
    retarget works out p_target again, and every column equals the options evaluated there."""
    from capacity.question4.options import options_frame, retarget

    params, data = _setup(tmp_path, monkeypatch)
    fitted = cache.fitted_models(data, params)
    at = params.replace(extra_fte=1.0)
    draws: dict = {}
    base = options_frame(fitted, at, draws=draws)
    middle = float(draws["plus2"][0].median())  # about half the draws above, half below
    for target in (0.05, 0.5, middle, 0.99):
        other = at.replace(target_reach=target, p_sufficient=0.95, p_insufficient=0.01)
        pd.testing.assert_frame_equal(
            retarget(base, draws, target), options_frame(fitted, other), check_exact=True
        )
    moved = retarget(base, draws, middle)["p_target"]
    assert not moved.equals(retarget(base, draws, 0.05)["p_target"])  # the target matters


@pytest.mark.slow
def test_the_coordination_table_does_not_depend_on_what_the_cache_leaves_out(tmp_path, monkeypatch):
    """The committee report shares it between runs that differ only in NOT_IN_REACH, and the
    analyses made with a shared table equal those computed from scratch. Synthetic data with
    two cities (the tiny data have no mobility fit, so no table)."""
    import warnings

    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate
    from capacity.report import committee
    from capacity.report.committee import sensitivity
    from capacity.report.committee.analyses import compute_analyses
    from capacity.report.committee.options import COORDINATION_FTE
    from capacity.synth import write_synthetic

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAPACITY_CACHE_KEY", str(tmp_path / "secret" / "cache.key"))
    folder = tmp_path / "data"
    write_synthetic(folder, seed=4, scale=0.25, n_cities=2)
    data = load_dataset(folder)
    params = Params(
        data_dir=str(folder), city="Stockholm", n_boot=20, gap_days=28,
        period_start="2021-01-01", period_end="2025-12-31", output_dir=str(tmp_path / "out"),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = cache.fitted_models(data, params)
    at = params.replace(extra_fte=1.0)
    other = at.replace(target_reach=0.2, p_sufficient=0.95, p_insufficient=0.01)
    base = evaluate(fitted, at).coordination(COORDINATION_FTE)
    assert base is not None
    pd.testing.assert_frame_equal(
        evaluate(fitted, other).coordination(COORDINATION_FTE), base, check_exact=True
    )
    moved = evaluate(fitted, params.replace(extra_fte=3.0)).coordination(COORDINATION_FTE)
    assert not moved.equals(base)  # a parameter in the key moves it
    # the second target's analyses take the first's table from the cache: the same frames
    # (the tornado's refits left out: they do not touch the table)
    tornado = pd.DataFrame({"setting": ["gap_days"], "reach_effective": [0.1]})
    monkeypatch.setattr(sensitivity, "sensitivity_frame", lambda *a, **k: tornado.copy())
    committee.analyses(fitted, data, evaluate(fitted, at), at)
    import capacity.question4.mobility as q4_mobility

    calls = []
    real = q4_mobility.coordination_scenarios

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(q4_mobility, "coordination_scenarios", counted)
    shared = committee.analyses(fitted, data, evaluate(fitted, other), other)
    assert not calls  # read from the cache, not computed
    fresh = compute_analyses(fitted, data, evaluate(fitted, other), other)
    assert calls  # computed here
    assert fresh.coordination is not None
    for name in fresh._fields:
        want, got = getattr(fresh, name), getattr(shared, name)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs == want.attrs, name


def test_an_entry_another_process_is_computing_is_waited_for_not_computed_again(
    tmp_path, monkeypatch
):
    """A sweep's comparison and a scenario report may evaluate the same scenario at once:
    the second waits for the entry and reads it (flock: two opens conflict even in one
    process, so threads stand in for the processes)."""
    import threading
    import time

    params, data = _setup(tmp_path, monkeypatch)
    calls: list[str] = []
    started = threading.Event()

    def slow():
        calls.append("slow")
        started.set()
        time.sleep(0.5)
        return {"n": 1}

    def quick():
        calls.append("quick")
        return {"n": 2}

    first = threading.Thread(target=lambda: cache.cached_results("t", data, params, slow))
    first.start()
    assert started.wait(10)
    second = cache.cached_results("t", data, params, quick)
    first.join()
    assert calls == ["slow"] and second == {"n": 1}
