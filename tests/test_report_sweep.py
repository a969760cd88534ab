"""Sweeps: grid validation, one fit for every scenario, comparison outputs."""

from __future__ import annotations

import pandas as pd
import pytest
from shared import tiny_sweep_params

from capacity.config import Params
from capacity.exceptions import ParameterError
from capacity.report.sweep import load_grid, run_sweep, scenarios, sharing_order


def test_default_grid_has_sixteen_valid_scenarios():
    grid = load_grid()
    todo = scenarios(Params(), grid)
    assert len(todo) == 16
    assert {p.extra_fte for p in todo} == {0, 2, 4, 8}


def test_reports_that_share_the_reach_curve_are_rendered_far_apart():
    """Scenarios that differ only in the target share the cached reach curve and frontier:
    in the default grid they are neighbours, and two workers would compute both at once."""
    todo = [
        sc.replace(run_id=f"s{i}", output_dir=f"/tmp/x{i}")
        for i, sc in enumerate(scenarios(Params(), load_grid()))
    ]
    order = sharing_order(todo)
    assert sorted(order) == list(range(16))
    where = {i: pos for pos, i in enumerate(order)}
    for i, a in enumerate(todo):
        for j, b in enumerate(todo[:i]):
            if a.replace(target_reach=b.target_reach, run_id="", output_dir="") == b.replace(
                run_id="", output_dir=""
            ):
                assert abs(where[i] - where[j]) >= 8, (i, j, order)


def test_grid_refuses_parameters_that_need_a_refit(tmp_path):
    bad = tmp_path / "grid.yaml"
    bad.write_text("gap_days: [7, 14]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="gap_days cannot vary.*refit"):
        load_grid(bad)


def test_grid_values_are_validated_before_any_work(tmp_path):
    bad = tmp_path / "grid.yaml"
    bad.write_text("target_reach: [0.5, 1.5]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="target_reach.*out of range"):
        scenarios(Params(), load_grid(bad))


@pytest.mark.slow
def test_sweep_fits_once_and_writes_the_comparison(tmp_path, monkeypatch, tiny_dir):
    import capacity.question4

    calls = []
    real = capacity.question4.fit_models
    monkeypatch.setattr(
        capacity.question4, "fit_models", lambda d, p: calls.append(1) or real(d, p)
    )
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_fte: [0, 4]\nstay_multiplier: [1.0, 0.5]\n", encoding="utf-8")
    params = tiny_sweep_params(tiny_dir, tmp_path / "reports", 30, language="en")
    result = run_sweep(params, grid_file=grid, jobs=2, formats="html,xlsx", progress=False)
    assert len(calls) == 1
    folder = result.folder
    assert {"comparison.csv", "comparison.xlsx", "report.html", "provenance.json"} <= {
        p.name for p in folder.iterdir()
    }
    assert not list(folder.parent.glob(".*.partial"))
    frame = pd.read_csv(folder / "comparison.csv", index_col="scenario")
    assert len(frame) == 4
    # more staff never lowers reach; shorter stays never raise it
    for mult, g in frame.groupby("stay_multiplier"):
        assert g.sort_values("extra_fte")["reach_effective"].is_monotonic_increasing, mult
    base = frame.set_index(["extra_fte", "stay_multiplier"])["reach_effective"]
    assert base.loc[(0.0, 0.5)] <= base.loc[(0.0, 1.0)]
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate

    direct = evaluate(
        real(load_dataset(tiny_dir), params.replace(extra_fte=4)), params.replace(extra_fte=4)
    )
    row = frame[(frame["extra_fte"] == 4) & (frame["stay_multiplier"] == 1.0)].iloc[0]
    assert row["reach_effective"] == pytest.approx(
        direct.key_figures.loc["reach_effective", "estimate"]
    )
    assert "s01" in str(result) or "4 scenarios" in str(result)


def test_a_sweep_with_every_report_keeps_each_evaluation_for_its_report(tmp_path, monkeypatch):
    """``keep`` stores each scenario's full evaluation; the comparison is the same numbers."""
    from shared import tiny_with_private_cache

    import capacity.question4
    from capacity.question4 import evaluate
    from capacity.report.cache import evaluated
    from capacity.report.sweep import compare

    params, data = tiny_with_private_cache(tmp_path, monkeypatch)
    grid = {"extra_fte": [0.0, 2.0], "target_reach": [0.5, 0.8]}
    plain = compare(data, params, grid, jobs=1, progress=False)
    kept = compare(data, params, grid, jobs=2, progress=False, keep=True)
    pd.testing.assert_frame_equal(plain, kept, check_exact=True)

    def no_evaluation(*args, **kwargs):
        raise AssertionError("evaluated again although the sweep kept it")

    from capacity.report.cache import fitted_models

    fitted = fitted_models(data, params)
    monkeypatch.setattr(capacity.question4, "evaluate", no_evaluation)
    for sc in scenarios(params, grid):
        report_params = sc.replace(run_id="x", output_dir=str(tmp_path / "elsewhere"))
        got = evaluated(fitted, data, report_params)  # as the scenario's report calls it
        monkeypatch.setattr(capacity.question4, "evaluate", evaluate)
        want = evaluate(fitted, sc)
        monkeypatch.setattr(capacity.question4, "evaluate", no_evaluation)
        pd.testing.assert_frame_equal(got.key_figures, want.key_figures, check_exact=True)
        # the full evaluation, as the report needs it (the tiny data have no forecast)
        assert (got.forecast is None) == (want.forecast is None)
        if want.forecast is not None:
            pd.testing.assert_frame_equal(got.forecast, want.forecast, check_exact=True)
        pd.testing.assert_frame_equal(got.draws, want.draws, check_exact=True)


def test_the_bench_states_the_sweeps_floor_from_its_own_measurements(monkeypatch):
    """benchmarks.sweep.each_floor: the process tree less the reports' kernels, on 2 cores,
    against one cold report, and what the target leaves the kernels (numbers of the bench
    at 3863505: 144 s of CPU, one cold report 19.1 s)."""
    import sys

    from capacity.config import ROOT

    if str(ROOT) not in sys.path:  # benchmarks/ is a top-level folder, not a package
        monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.sweep import each_floor

    rows = [{"worker": 2.0, "kernel": 3.5, "figures": 0.1, "pdf": 1.5}] * 16
    line = each_floor({"cpu": 144.0}, {"wall": 19.1}, rows, 16)
    rest = 144.0 - 16 * 3.6  # 86.4 s: PDFs, HTML and the sweep's own work
    assert "the rest still took 86.4 s of CPU" in line
    assert f"at least {rest / 2:.1f} s on 2 cores, {rest / 2 / 19.1:.2f}× one cold report" in line
    budget = (3 * 19.1 * 2 - rest) / 16  # 1.76 s
    assert f"at most {budget:.2f} s of CPU" in line and "against 3.60 s now" in line
    assert "out of reach" in each_floor({"cpu": 144.0}, {"wall": 10.0}, rows, 16)
    assert each_floor({"cpu": float("nan")}, {"wall": 19.1}, rows, 16) == ""
    assert each_floor({"cpu": 144.0}, {"wall": 19.1}, [], 16) == ""
