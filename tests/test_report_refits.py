"""A cold report's work beside the notebook: the tornado's refits in a forked process, the
fit cache's per-entry lock, and the standard scenarios without the per-draw FTE.

Each must give exactly the numbers of the serial path (the report must not change).
"""

from __future__ import annotations

import os
import threading
import time

import pandas as pd
import pytest
from shared import tiny_with_private_cache as _setup

from capacity.exceptions import CapacityError
from capacity.question4 import evaluate
from capacity.question4.fit import fit_models
from capacity.question4.scenario import Scenario
from capacity.question4.sensitivity import refit_params, sensitivity
from capacity.report import cache, refits
from capacity.report.committee.scenarios import standard_scenarios
from capacity.report.committee.sensitivity import sensitivity_frame

pytestmark = pytest.mark.skipif(not refits.forking(), reason="forks on Linux only")


def _entry(params, data):
    return cache.cache_dir(params) / f"{cache.cache_key(params, data.files)}.fit"


def test_refit_params_are_the_refits_the_tornado_makes(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    fitted = cache.fitted_models(data, params)
    made = []

    def refit(d, p):
        made.append(p)
        return fit_models(d, p)

    sensitivity(fitted, params, data, refit=refit)
    assert made and made == refit_params(params)
    other = params.replace(detection_model="stays", stay_model="deconvolve", gap_days=20)
    # gap_days half and 1.5×, the prior of the sets' sighting rates a tenth and ten times,
    # the EM's other start, and the other pair of models (no MSE-criterion refit: the
    # criterion does not enter the stay-level detection share)
    assert [p.gap_days for p in refit_params(other)] == [10, 30, 20, 20, 20, 20]
    assert [p.shrink_days for p in refit_params(other)] == [50.0, 50.0, 5.0, 500.0, 50.0, 50.0]
    assert [p.em_start for p in refit_params(other)][3:5] == ["uniform", "log_uniform"]
    assert refit_params(other)[-1].detection_model == "mse"  # the other pair of models
    assert all(p.n_boot == 0 for p in refit_params(other))


def test_with_capture_model_auto_the_refits_made_ahead_are_those_the_tornado_makes(
    tmp_path, monkeypatch
):
    """The tornado refits from the settings the fit chose from the data
    (``capacity.models.capture.resolved``); the refits fitted ahead must be the same, or
    they are fitted for nothing. A per-day world, where "auto" picks other settings."""
    import warnings

    from capacity.config import Params
    from capacity.coverage import WORLDS
    from capacity.dataset import load_dataset
    from capacity.models.capture import resolved
    from capacity.synth import generate
    from capacity.synth.write import write_folder

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAPACITY_CACHE_KEY", str(tmp_path / "secret" / "cache.key"))
    write_folder(
        generate(5, scale=0.1, n_cities=6, config=list(WORLDS.values())[0]), tmp_path / "d"
    )
    data = load_dataset(tmp_path / "d")
    auto = Params(data_dir=str(tmp_path / "d"), n_boot=5, capture_model="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(data, auto)
    chosen = resolved(auto, fitted)
    assert (chosen.detection_model, chosen.stay_model) == ("stays", "deconvolve")
    want = refit_params(chosen)  # what sensitivity() refits (its own test checks that)
    assert want != refit_params(auto)  # the fields as set would give other refits
    assert refits.missing_refits(data, auto) == want  # none in the cache yet
    # a warm kernel's next report (another scenario, same data and fit): the same refits,
    # without running the diagnostic again
    import capacity.models.capture as capture

    def no_diagnostic(*_):
        raise AssertionError("the capture diagnostic ran again")

    monkeypatch.setattr(capture, "resolve_capture", no_diagnostic)
    other = auto.replace(extra_fte=2.0)
    assert refits.missing_refits(data, other) == refit_params(chosen.replace(extra_fte=2.0))
    assert refits._chosen(other, data) == resolved(other, fitted)
    monkeypatch.setattr(refits, "_CHOSEN", {})  # other data or settings: a new key
    with pytest.raises(AssertionError, match="ran again"):
        refits.missing_refits(data, auto)


def test_forked_refits_give_the_tornado_of_the_serial_path(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    fitted = cache.fitted_models(data, params)
    serial = sensitivity(fitted, params, data, refit=fit_models)  # no cache, one process

    todo = refits.missing_refits(data, params)
    assert todo == refit_params(params)
    pid = refits.start_refits(data, params)
    assert pid is not None
    _, status = os.waitpid(pid, 0)
    refits._CHILDREN.discard(pid)
    assert os.waitstatus_to_exitcode(status) == 0
    # every refit the data support is in the cache, made by the forked process
    for p in todo:
        try:
            fit_models(data, p)
        except CapacityError:
            assert not _entry(p, data).exists()
        else:
            assert _entry(p, data).exists(), p
    made = [p for p in todo if _entry(p, data).exists()]
    assert len(made) >= 2  # the tiny data support refits (the test compares something)
    assert refits.missing_refits(data, params) == [p for p in todo if p not in made]

    fitted_again = []

    def counting(d, p):
        fitted_again.append(p)
        return fit_models(d, p)

    monkeypatch.setattr("capacity.question4.fit_models", counting)
    forked = sensitivity_frame(fitted, data, params)
    pd.testing.assert_frame_equal(forked, serial, check_exact=True)
    assert forked.attrs == serial.attrs
    # only what the data cannot support is tried again (and fails again)
    assert fitted_again == [p for p in todo if not _entry(p, data).exists()]


def test_nothing_is_forked_when_switched_off_or_warm(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    monkeypatch.setenv("CAPACITY_REFIT_PROCESS", "0")
    assert refits.start_refits(data, params) is None
    monkeypatch.delenv("CAPACITY_REFIT_PROCESS")
    # the analyses in the results cache: the tornado is read back, no refit is needed
    cache.cached_results("committee-analyses", data, params, lambda: {"x": 1})
    assert refits.missing_refits(data, params) == []
    assert refits.start_refits(data, params) is None


def test_a_fit_being_made_elsewhere_is_waited_for_and_read_not_fitted_twice(tmp_path, monkeypatch):
    import fcntl

    params, data = _setup(tmp_path, monkeypatch)
    fitted = fit_models(data, params)
    path = _entry(params, data)
    lock = path.parent / "locks" / f"{path.name}.lock"
    lock.parent.mkdir(parents=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "another process" is fitting this entry

    calls = []
    monkeypatch.setattr("capacity.question4.fit_models", lambda *a: calls.append(a) or fitted)
    # work ahead of need returns at once
    assert cache.fit_unless_busy(data, params) is False
    assert calls == []

    def other_process_finishes():
        time.sleep(0.3)
        key = cache.cache_secret(params, path.parent)
        cache.store_entry(path, key, fitted)
        os.close(fd)  # releases the lock

    worker = threading.Thread(target=other_process_finishes)
    worker.start()
    got = cache.fitted_models(data, params)  # waits for the lock, then reads the entry
    worker.join()
    assert calls == []
    assert got.inputs.eta.tolist() == fitted.inputs.eta.tolist()
    # an entry someone else made is not made again ahead of need either
    assert cache.fit_unless_busy(data, params) is True and calls == []


def test_a_fit_whose_maker_failed_is_fitted_by_the_one_who_waited(tmp_path, monkeypatch):
    import fcntl

    params, data = _setup(tmp_path, monkeypatch)
    path = _entry(params, data)
    lock = path.parent / "locks" / f"{path.name}.lock"
    lock.parent.mkdir(parents=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.2, os.close, (fd,)).start()  # ends without writing the entry
    got = cache.fitted_models(data, params)
    assert path.exists()
    assert got.inputs.eta.tolist() == fit_models(data, params).inputs.eta.tolist()


def test_standard_scenarios_equal_the_full_evaluation_of_each_row(tmp_path, monkeypatch):
    params, data = _setup(tmp_path, monkeypatch)
    params = params.replace(extra_fte=1.0, target_reach=0.3)
    fitted = cache.fitted_models(data, params)
    frame = standard_scenarios(fitted, params, today=evaluate(fitted, params))
    base = Scenario.from_params(params)
    grid = {
        "plus2": {"extra_fte": 3.0},
        "plus4": {"extra_fte": 5.0},
        "interpreters": {"interpreter_share": 1.0},
        "mobile": {"stay_multiplier": 0.5},
    }
    for key, change in grid.items():
        full = evaluate(fitted, params, base.replace(**change))  # with the per-draw FTE
        kf = full.key_figures
        row = frame.loc[key]
        assert row["reach_effective"] == kf.loc["reach_effective", "estimate"], key
        assert row["fte_needed"] == kf.loc["fte_needed", "estimate"], key
        assert row["p_target"] == full.p_target and row["verdict"] == full.verdict, key


def test_the_tornados_points_are_the_key_figures_of_the_full_evaluation(tmp_path, monkeypatch):
    """``point_estimates`` gives exactly the two estimates ``evaluate`` shows, for the base and
    every scenario setting of the tornado (levels, strategies, interpreters, target, δ)."""
    from capacity.question4.evaluate import point_estimates
    from capacity.question4.sensitivity import SETTINGS

    params, data = _setup(tmp_path, monkeypatch)
    params = params.replace(extra_fte=1.0, target_reach=0.3)
    fitted = cache.fitted_models(data, params)
    base = Scenario.from_params(params)
    scenarios = [base]
    for setting in SETTINGS:
        if setting.kind == "scenario":
            for val in setting.values(fitted, params):
                if val is not None:
                    scenarios.append(base.replace(**{k: v for k, v in val.items() if k != "label"}))
    assert len(scenarios) >= 10
    for sc in scenarios:
        kf = evaluate(fitted, params, sc, forecast=False, staffing=False).key_figures
        want = (kf.loc["reach_effective", "estimate"], kf.loc["fte_needed", "estimate"])
        assert point_estimates(fitted, params, sc) == want, sc
