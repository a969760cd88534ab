"""Options, costs, the budget optimiser and the support chain scaled with reach (issue 11)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.question4 import Scenario, evaluate, fit_models
from capacity.question4.optimise import candidate_mixes, frontier, optimise
from capacity.question4.options import (
    Mix,
    apply_mix,
    evaluate_mix,
    mix_cost,
    point_reach,
    point_reaches,
    reach_curve,
    standard_options,
    uncovered_languages,
)
from capacity.question4.support_chain import casework_fte_needed, scaled_cases

PERIOD = {"period_start": "2024-01-01", "period_end": "2025-12-31"}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    from capacity.synth import write_synthetic

    folder = tmp_path_factory.mktemp("opt") / "data"
    write_synthetic(folder, seed=5, scale=0.25, n_cities=2)
    ds = load_dataset(folder)
    params = Params(data_dir=str(folder), city="Stockholm", n_boot=40, **PERIOD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return params, fit_models(ds, params)


def test_no_option_is_today(fitted):
    params, fit = fitted
    row = evaluate_mix(fit, params, Mix())
    today = evaluate(fit, params)
    assert row["reach"] == pytest.approx(today.key_figures.loc["reach_effective", "estimate"])
    assert row["cost"] == pytest.approx(0.0)
    assert row["gain"] == pytest.approx(0.0, abs=1e-12)


def _point_reach_by_frames(fitted, mix, sc, base=0.0):
    """point_reach as it was first written: apply_mix, at_level, then the point estimate."""
    from capacity.question4.levels import at_level
    from capacity.question4.mobility import measure_reach

    fte = fitted.staff.outreach_fte + base + mix.total_fte
    f = apply_mix(fitted, mix, base)
    f = at_level(f, sc.reach_level, sc.written_languages, sc.online_conversation_share)
    one = f.inputs.subset(np.array([0]))
    mob = None if f.mobility is None else f.mobility.subset(np.array([0]))
    measure = sc.reach_measure if mob is not None else "stay"
    scen = {"strategy": sc.strategy, "stay_multiplier": sc.stay_multiplier,
            "arrivals_multiplier": sc.arrivals_multiplier}  # fmt: skip
    return float(measure_reach(one, mob, np.array([max(fte, 0.0)]), measure, scen)[0])


def test_point_reach_from_arrays_equals_the_frames_path(fitted):
    """The optimiser's fast point reach is exactly apply_mix + at_level + measure_reach."""
    params, f = fitted
    codes = uncovered_languages(f)
    mixes = [
        Mix(),
        Mix(extra_fte=2),
        Mix(language_hires=tuple(codes[:1]), translated=tuple(codes[:2])),
    ]
    mixes += [Mix(extra_fte=1, interpreter_share=0.5, translated=tuple(codes[:1]))]
    for level in ("information", "conversation"):
        for written, measure in (("", "tour"), (";".join(codes[1:3]), "woman")):
            sc = dataclasses.replace(
                Scenario.from_params(params), reach_level=level, written_languages=written,
                online_conversation_share=0.3, reach_measure=measure,
            )  # fmt: skip
            for mix in mixes:
                assert point_reach(f, mix, sc, 0.5) == _point_reach_by_frames(f, mix, sc, 0.5)


def test_evaluate_without_the_forecast_changes_nothing_else(fitted):
    """forecast=False (options table, standard scenarios, sweep) skips only the forecast."""
    import pandas as pd

    params, f = fitted
    sc = Scenario.from_params(params).replace(extra_fte=2)
    full, lean = evaluate(f, params, sc), evaluate(f, params, sc, forecast=False)
    assert lean.forecast is None and (f.forecast is None or full.forecast is not None)
    pd.testing.assert_frame_equal(full.key_figures, lean.key_figures)
    pd.testing.assert_frame_equal(full.draws, lean.draws)
    assert (full.p_target, full.verdict, full.caveats) == (
        lean.p_target,
        lean.verdict,
        lean.caveats,
    )
    assert full.point == lean.point


def test_options_rows_do_not_depend_on_the_skipped_forecast_and_staffing(fitted):
    """options_frame skips the forecast and the FTE needed per draw: its rows are the same."""
    params, f = fitted
    codes = uncovered_languages(f)
    for mix in (Mix(extra_fte=2), Mix(language_hires=tuple(codes[:1])), Mix(training=True)):
        full = evaluate_mix(f, params, mix)
        lean = evaluate_mix(f, params, mix, forecast=False, staffing=False)
        full.pop("result"), lean.pop("result")
        assert full == lean


def test_more_fte_buys_more_reach_and_costs_per_fte(fitted):
    params, fit = fitted
    reach = [point_reach(fit, Mix(extra_fte=n), Scenario()) for n in (0, 2, 5, 10, 20)]
    assert np.all(np.diff(reach) > 0)
    staff = mix_cost(fit, Mix(extra_fte=5), params)["staff"]
    assert staff == pytest.approx(5 * params.cost_outreach_fte)


def test_interpreters_at_every_contact_equal_the_refit_with_interpreter_share_one(fitted):
    params, fit = fitted
    via_mix = evaluate_mix(fit, params, Mix(interpreter_share=1.0))
    refit = evaluate(fit, params, Scenario(interpreter_share=1.0))
    assert via_mix["reach"] == pytest.approx(
        refit.key_figures.loc["reach_effective", "estimate"], rel=1e-9
    )
    # interpreter hours: contacts a year × share needing one × (1 − ι today) × hours × price
    x = fit.inputs
    langs = fit.languages
    contacts = x.eta[0] * x.hours_per_fte * fit.staff.outreach_fte * 52
    need = float((langs["share"] * (1 - langs["speaker_share"])).sum())
    hours = contacts * need * (1 - fit.interpreter_share) * params.interpreter_hours_per_contact
    assert mix_cost(fit, Mix(interpreter_share=1.0), params)["total"] == pytest.approx(
        hours * params.cost_interpreter_hour
    )


def test_a_language_hire_makes_her_language_usable(fitted):
    params, fit = fitted
    uncovered = uncovered_languages(fit)
    assert uncovered, "the seeded world has languages no staff member speaks"
    code = uncovered[0]
    after = apply_mix(fit, Mix(language_hires=(code,)))
    i = list(fit.languages.index).index(code)
    assert after.inputs.m[i] > fit.languages["usable_share"].to_numpy()[i]
    assert after.languages.loc[code, "staff_speakers_fte"] == pytest.approx(1.0)
    assert point_reach(fit, Mix(language_hires=(code,)), Scenario()) > point_reach(
        fit, Mix(extra_fte=1), Scenario()
    )


def test_translation_reaches_only_written_contacts(fitted):
    params, fit = fitted
    uncovered = uncovered_languages(fit)
    assert uncovered, "the seeded world has languages no staff member speaks"
    after = apply_mix(fit, Mix(translated=tuple(uncovered)))
    w = fit.written_contact_share
    assert 0 < w < 1
    for code in uncovered:
        i = list(fit.languages.index).index(code)
        s = fit.languages.loc[code, "speaker_share"]
        expected = 1 - (1 - s) * (1 - fit.interpreter_share) * (1 - w)
        assert after.inputs.m[i] == pytest.approx(expected)


def test_training_buys_no_reach_but_costs_training_days(fitted):
    params, fit = fitted
    row = evaluate_mix(fit, params, Mix(training=True))
    assert row["gain"] == pytest.approx(0.0, abs=1e-12)
    assert row["cost"] > 0


def test_optimum_is_never_worse_than_a_single_option_at_the_same_cost(fitted):
    params, fit = fitted
    sc = Scenario.from_params(params)
    for key, mix in standard_options(fit).items():
        cost = mix_cost(fit, mix, params)["total"]
        if cost <= 0:
            continue
        best = optimise(fit, cost, params)
        assert best.cost <= cost + 1e-6
        assert best.reach >= point_reach(fit, mix, sc) - 1e-12, key


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.floats(0, 8e6), st.floats(0, 8e6))
def test_more_budget_never_lowers_reach(fitted, a, b):
    params, fit = fitted
    lo, hi = sorted((a, b))
    assert optimise(fit, hi, params).reach >= optimise(fit, lo, params).reach - 1e-12


def test_frontier_rises_and_stays_within_budget(fitted):
    params, fit = fitted
    front = frontier(fit, [0, 1e6, 3e6, 6e6], params)
    assert np.all(np.diff(front["reach"]) >= -1e-12)
    assert np.all(front["cost"] <= front["budget"] + 1e-6)
    assert front["extra_fte"].map(float.is_integer).all()  # whole FTE


def test_frontier_prices_each_mix_once_and_finds_what_each_budget_alone_finds(fitted, monkeypatch):
    """The frontier shares its mix costs between budgets: the same optimum as optimising each
    budget on its own, with each distinct mix priced once."""
    import capacity.question4.optimise as opt

    params, fit = fitted
    budgets = [0, 1e6, 2e6, 3e6, 6e6]
    alone = [optimise(fit, b, params) for b in budgets]
    priced = []
    real = opt.mix_cost

    def counting(f, mix, p, base=0.0):
        priced.append((mix, base))
        return real(f, mix, p, base)

    monkeypatch.setattr(opt, "mix_cost", counting)
    front = frontier(fit, budgets, params)
    assert len(priced) == len(set(priced))
    assert front["reach"].tolist() == [o.reach for o in alone]
    assert front["cost"].tolist() == [o.cost for o in alone]
    assert front["extra_fte"].tolist() == [o.mix.extra_fte for o in alone]


def test_frontier_in_array_calls_is_one_mix_at_a_time_bit_for_bit(fitted, monkeypatch):
    """The frontier evaluates its mixes together (point_reaches, one array call per total
    FTE); the figures are exactly those of one point_reach per mix, as it was done before."""
    import pandas as pd

    import capacity.question4.optimise as opt
    from capacity.report.committee.options import FRONTIER

    params, fit = fitted
    sizes = []

    def counted(f, mixes, sc, base=0.0):
        sizes.append(len(mixes))
        return point_reaches(f, mixes, sc, base)

    monkeypatch.setattr(opt, "point_reaches", counted)
    together = frontier(fit, FRONTIER, params)
    assert len(sizes) == 1 and sizes[0] > 100  # every distinct mix of every budget at once

    def one_at_a_time(f, mixes, sc, base=0.0):
        return np.array([point_reach(f, mix, sc, base) for mix in mixes])

    monkeypatch.setattr(opt, "point_reaches", one_at_a_time)
    pd.testing.assert_frame_equal(together, frontier(fit, FRONTIER, params), check_exact=True)


def test_point_reaches_are_point_reach_per_mix(fitted):
    params, fit = fitted
    sc = Scenario.from_params(params)
    mixes = candidate_mixes(fit)
    mixes += [dataclasses.replace(m, extra_fte=n) for m in mixes[::5] for n in (1, 3, 7)]
    together = point_reaches(fit, mixes, sc, 0.5)
    assert together.tolist() == [point_reach(fit, mix, sc, 0.5) for mix in mixes]


def test_candidates_cover_every_single_lever(fitted):
    _, fit = fitted
    cands = candidate_mixes(fit)
    assert Mix() in cands
    assert Mix(interpreter_share=1.0) in cands


def test_reach_curve_has_a_band_and_rises(fitted):
    params, fit = fitted
    curve = reach_curve(fit, params, fte=np.arange(0, 6))
    for _, rows in curve.groupby("strategy"):
        assert np.all(np.diff(rows["estimate"]) > 0)
        assert (rows["ci_lower"] <= rows["estimate"]).all()
        assert (rows["estimate"] <= rows["ci_upper"]).all()


def test_budget_must_be_a_number_of_kronor(fitted):
    params, fit = fitted
    with pytest.raises(ValueError, match="budget"):
        optimise(fit, -1.0, params)


# --- the support chain ------------------------------------------------------------------


@given(
    st.floats(0.01, 50),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(10, 500),
)
def test_support_demand_never_falls_as_reach_rises(cases, r1, r2, arrivals):
    lo, hi = sorted((r1, r2))
    base = np.array([0.05])
    a = np.array([arrivals])
    assert (
        scaled_cases(cases, a, base, a, np.array([hi]))[0]
        >= (scaled_cases(cases, a, base, a, np.array([lo]))[0])
    )


def _exp_laplace(mean):
    return lambda h: 1.0 / (1.0 + np.asarray(h, dtype=float) * mean)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 20), st.floats(0.05, 20))
def test_casework_needed_never_falls_as_cases_rise(c1, c2):
    lo, hi = sorted((c1, c2))
    kw = {"target": 0.9, "case_days": 30.0, "caseload_per_fte": 8.0}
    a = casework_fte_needed(lo, _exp_laplace(14.0), 14.0, **kw)
    b = casework_fte_needed(hi, _exp_laplace(14.0), 14.0, **kw)
    assert b >= a * (1 - 2e-3)


def test_support_scales_with_reach_in_every_scenario(fitted):
    params, fit = fitted
    keys = ("support_cases_per_week", "reflection_periods_at_once", "shelter_places")
    prev = None
    for extra in (0, 2, 5, 10):
        kf = evaluate(fit, params, Scenario(extra_fte=extra)).key_figures
        now = kf.loc[[*keys, "casework_fte_needed"], "estimate"].to_numpy(dtype=float)
        if prev is not None:
            assert np.all(now >= prev * (1 - 2e-3))
        prev = now
    today = evaluate(fit, params).key_figures
    assert today.loc["support_cases_per_week", "estimate"] == pytest.approx(
        fit.support_cases_per_week
    )
    # Little's law: reflection periods at once = cases a week × 30 days / 7
    assert today.loc["reflection_periods_at_once", "estimate"] == pytest.approx(
        fit.support_cases_per_week * params.reflection_days / 7
    )
    # the cases are a count: they carry an interval, not "x (x–x)"
    lo, hi = today.loc["support_cases_per_week", ["ci_lower", "ci_upper"]]
    assert lo < hi


def test_fitted_without_the_new_fields_still_evaluates(fitted):
    params, fit = fitted
    old = dataclasses.replace(fit, observed_m=None, support_cases_draws=None)
    res = evaluate(old, params)
    assert res.key_figures.loc["support_cases_per_week", "estimate"] == pytest.approx(
        fit.support_cases_per_week
    )


# --- competence beyond language ---------------------------------------------------------


def test_identification_by_language_and_training(fitted):
    _, fit = fitted
    ident = fit.identification
    assert ident is not None
    rates = ident.rates
    assert set(rates.index.get_level_values(1)) == {"own_language", "interpreter", "neither"}
    assert (
        (rates["ci_lower"] <= rates["estimate"]) & (rates["estimate"] <= rates["ci_upper"])
    ).all()
    assert 0 <= ident.trained_hours_share <= 1
    ind = rates.xs("indicators", level=0)["estimate"]
    # the synthetic world notes fewer signs when she does not understand (factor 0.3)
    assert ind["neither"] < ind["own_language"]
    year = ident.per_year.loc["indicators"]
    assert year["all_trained_lower"] <= year["all_trained"] <= year["all_trained_upper"]
