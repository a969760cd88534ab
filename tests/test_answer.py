"""End-to-end answer to question 4 on synthetic data with a known truth."""

from __future__ import annotations

import dataclasses
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.exceptions import DataError
from capacity.question4 import KEY_FIGURES, answer_question_4, evaluate, fit_models

PERIOD = {"period_start": "2021-01-01", "period_end": "2025-12-31"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from capacity.synth import write_synthetic

    folder = tmp_path_factory.mktemp("syn") / "data"
    write_synthetic(folder, seed=3, scale=0.25, n_cities=2)
    return folder, load_dataset(folder)


@pytest.fixture(scope="module")
def fitted(synthetic):
    folder, ds = synthetic
    params = Params(data_dir=str(folder), city="Göteborg", n_boot=60, **PERIOD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return params, fit_models(ds, params)


def test_result_shape_and_verdict(fitted):
    params, fm = fitted
    r = evaluate(fm, params)
    assert r.verdict in {"sufficient", "insufficient", "uncertain"}
    assert 0 <= r.p_target <= 1 and r.synthetic and r.city == "Göteborg"
    kf = r.key_figures
    assert list(kf.index) == list(KEY_FIGURES)
    assert list(kf.columns) == ["estimate", "se", "ci_lower", "ci_upper"]
    assert kf.loc["reach_effective", "estimate"] <= kf.loc["reach_any_language", "estimate"]
    assert 0 <= kf.loc["reach_effective", "ci_lower"] <= kf.loc["reach_effective", "ci_upper"] <= 1
    assert kf.loc["fte_gap", "estimate"] == pytest.approx(
        kf.loc["fte_needed", "estimate"] - kf.loc["fte_outreach_now", "estimate"]
    )
    assert {"share_of_target_group", "staff_speakers_fte", "reach", "shortfall"} <= set(
        r.languages.columns
    )
    assert r.languages["share_of_target_group"].sum() == pytest.approx(1.0)
    assert len(r.draws) == params.n_boot
    assert r.indicators is not None and ("all", "operations") in r.indicators.index
    # five years of monthly arrivals: the forecast exists (a missing one is a bug here)
    assert r.forecast is not None
    assert {"arrivals_estimate", "fte_needed_estimate"} <= set(r.forecast.columns)
    assert len(r.forecast) == params.horizon_months
    assert "SYNTHETIC" in r.summary() and any(c.key == "q4.synthetic" for c in r.caveats)
    assert r.plot() is not None


def test_verdict_follows_probability(fitted):
    params, fm = fitted
    low = evaluate(fm, params.replace(target_reach=0.01))
    assert low.verdict == "sufficient" and low.p_target == 1.0
    assert (
        low.key_figures.loc["fte_needed", "estimate"]
        <= low.key_figures.loc["fte_outreach_now", "estimate"]
    )
    high = evaluate(fm, params.replace(target_reach=0.99))
    assert high.verdict == "insufficient" and high.p_target == 0.0


def test_scenarios_are_monotone(fitted):
    # how fast a scenario is evaluated is measured by make bench (`capacity sweep`), not here
    params, fm = fitted
    base = evaluate(fm, params)
    more = evaluate(fm, params.replace(extra_fte=5.0))
    shorter = evaluate(fm, params.replace(stay_multiplier=0.5))
    busier = evaluate(fm, params.replace(arrivals_multiplier=2.0))
    r = "reach_effective"
    assert more.key_figures.loc[r, "estimate"] >= base.key_figures.loc[r, "estimate"]
    assert shorter.key_figures.loc[r, "estimate"] <= base.key_figures.loc[r, "estimate"]
    assert busier.key_figures.loc[r, "estimate"] <= base.key_figures.loc[r, "estimate"]
    a = evaluate(fm, params.replace(target_reach=0.3)).key_figures.loc["fte_needed", "estimate"]
    b = evaluate(fm, params.replace(target_reach=0.5)).key_figures.loc["fte_needed", "estimate"]
    assert b >= a
    # FTE needed does not depend on today's staffing
    assert more.key_figures.loc["fte_needed", "estimate"] == pytest.approx(
        base.key_figures.loc["fte_needed", "estimate"]
    )


def test_screening_strategy(fitted):
    params, fm = fitted
    r = evaluate(fm, params.replace(strategy="screening", target_reach=0.05))
    kf = r.key_figures
    assert 0 <= kf.loc["reach_effective", "estimate"] <= 1
    assert kf.loc["fte_needed", "estimate"] > 0


def test_fitted_models_pickle_roundtrip(fitted):
    params, fm = fitted
    again = pickle.loads(pickle.dumps(fm))
    a, b = evaluate(fm, params), evaluate(again, params)
    pd.testing.assert_frame_equal(a.key_figures, b.key_figures)
    assert a.verdict == b.verdict


def test_same_seed_same_answer_and_row_order(synthetic, fitted):
    folder, ds = synthetic
    params, fm = fitted
    shuffled = type(ds)(
        sightings=ds.sightings.sample(frac=1.0, random_state=1).reset_index(drop=True),
        outreach=ds.outreach.iloc[::-1].reset_index(drop=True),
        staff=ds.staff.iloc[::-1].reset_index(drop=True),
        operations=ds.operations,
        meta=ds.meta,
        files=ds.files,
        folder=ds.folder,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = evaluate(fit_models(shuffled, params), params)
    base = evaluate(fm, params)
    point = ["reach_effective", "reach_any_language", "fte_needed", "arrivals_per_week"]
    assert other.key_figures.loc[point, "estimate"].to_numpy() == pytest.approx(
        base.key_figures.loc[point, "estimate"].to_numpy(), rel=1e-6
    )


def test_truth_recovery(synthetic, fitted):
    """Effective reach against the generator's share contacted in a language understood.

    The Monte Carlo interval carries the inputs' sampling error, not model error (how
    language skills are pooled, the stay-margin correction, change within the period), so
    the truth is required within two half-widths; see docs/methods/staffing-and-verdict.md
    for the measured coverage.
    """
    folder, _ = synthetic
    params, fm = fitted
    truth = pd.read_csv(folder / "truth" / "population.csv")
    rows = truth[truth["city"] == params.city]
    w = rows["stays_arriving"]
    true_share = float((rows["share_contacted_understood"] * w).sum() / w.sum())
    kf = evaluate(fm, params).reach_measures().loc["reach_stay"]
    half = (kf["ci_upper"] - kf["ci_lower"]) / 2
    assert abs(kf["estimate"] - true_share) <= 2 * half
    true_arrivals = rows["arrivals_per_week"].mean()
    assert fm.inputs.arrivals_observed[0] / fm.inputs.detection[0] == pytest.approx(
        true_arrivals, rel=0.25
    )


def test_unknown_city_and_empty_period_say_what_exists(synthetic):
    folder, ds = synthetic
    with pytest.raises(DataError, match="Göteborg, Stockholm"):
        answer_question_4(ds, Params(data_dir=str(folder), city="Kiruna", **PERIOD))
    with pytest.raises(DataError, match="choose period_start"):
        answer_question_4(
            ds,
            Params(
                data_dir=str(folder),
                city="Göteborg",
                period_start="2030-01-01",
                period_end="2030-12-31",
            ),
        )
    with pytest.raises(DataError, match="another city"):
        params = Params(data_dir=str(folder), city="Göteborg", n_boot=0, **PERIOD)
        evaluate(fit_models(ds, params), params.replace(city="Stockholm"))


def test_tiny_dataset_answers(tiny, tiny_dir):
    """The tiny data (four months, a few persons) are enough for an answer: it must come."""
    params = Params(
        data_dir=str(tiny_dir),
        city="Stockholm",
        period_start="2024-01-01",
        period_end="2024-04-30",
        n_boot=10,
    )
    r = answer_question_4(tiny, params)
    assert r.verdict in {"sufficient", "insufficient", "uncertain"}
    assert 0 < r.key_figures.loc["reach_effective", "estimate"] <= 1
    # four months cannot carry a forecast: it is missing, and a caveat says why
    assert r.forecast is None
    assert any(c.key == "q4.no_forecast" for c in r.caveats)


def test_a_period_without_outreach_is_refused_clearly(tiny, tiny_dir):
    """The other outcome on small data: no outreach in the period is a DataError naming it."""
    params = Params(
        data_dir=str(tiny_dir),
        city="Stockholm",
        period_start="2024-01-01",
        period_end="2024-04-30",
        n_boot=10,
    )
    no_outreach = dataclasses.replace(tiny, outreach=tiny.outreach.iloc[0:0])
    with pytest.raises(DataError, match="no outreach shifts in Stockholm"):
        answer_question_4(no_outreach, params)


def test_vectorised_reach_matches_the_scalar_models():
    """uncertainty.reach_matrix against reach.reach_random / reach_screening, draw by draw."""
    from capacity.models.reach import reach_random, reach_screening
    from capacity.models.stays import StayDistribution, StayTable
    from capacity.question4.draws import Inputs, reach_matrix

    dists = [
        StayDistribution(np.array([2.0, 10.0, 30.0]), np.array([0.3, 0.4, 0.2]), 0.1, 30.0, 0.05),
        StayDistribution(np.array([5.0]), np.array([1.0]), 0.0, 5.0, np.nan),
    ]
    table = StayTable.from_distributions(dists)
    assert table.laplace(np.array([[0.0, 0.1], [0.0, 0.1]])) == pytest.approx(
        np.vstack([d.laplace([0.0, 0.1]) for d in dists])
    )
    m = np.array([1.0, 0.4])
    x = Inputs(
        eta=np.array([0.5, 0.2]),
        hours_per_fte=30.0,
        arrivals_observed=np.array([8.0, 3.0]),
        detection=np.array([0.5, 0.75]),
        stays=table,
        pi=np.array([[0.7, 0.3], [0.5, 0.5]]),
        m=m,
    )
    p_lang, p_any = reach_matrix(x, np.array([2.0, 3.0]), stay_multiplier=0.5)
    for i, d in enumerate(dists):
        kappa = x.eta[i] * 30.0 * [2.0, 3.0][i]
        arrivals = x.arrivals_observed[i] / x.detection[i] / 0.5  # same number present
        scaled = d.scaled(0.5)
        expect = reach_random(kappa, arrivals, scaled.laplace, scaled.mean(), language_factor=m)
        assert p_lang[i] == pytest.approx(expect)
        assert p_any[i] == pytest.approx(
            reach_random(kappa, arrivals, scaled.laplace, scaled.mean())
        )
    p_lang, _ = reach_matrix(x, np.array([2.0, 3.0]), strategy="screening")
    for i, d in enumerate(dists):
        expect = reach_screening(
            x.arrivals_observed[i] / x.detection[i], x.eta[i] * 30.0, [2.0, 3.0][i], d.mean(), m
        )
        assert p_lang[i] == pytest.approx(expect)


def test_lognormal_unseen_draws_match_the_interval():
    from capacity.models.population import lognormal_unseen

    rng = np.random.default_rng(5)
    draws = lognormal_unseen(rng, 100, 150, (130, 190), 40_000)
    assert np.median(draws) == pytest.approx(150, rel=0.01)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert lo == pytest.approx(130, rel=0.02) and hi == pytest.approx(190, rel=0.02)
    assert (draws > 100).all()


def _fit_quietly(synthetic, **values):
    """``fit_models`` for Göteborg on the synthetic data, the period's ends from ``PERIOD``."""
    folder, ds = synthetic
    params = Params(data_dir=str(folder), city="Göteborg", **{**PERIOD, **values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return params, fit_models(ds, params)


def test_arrivals_per_week_divide_by_the_weeks_observed(synthetic, fitted):
    """The synthetic data begin on the period's first day: stays can be counted only from
    gap_days later, so the weeks observed are fewer than the period's weeks."""
    _, ds = synthetic
    params, fm = fitted
    monthly = fm.monthly_arrivals
    assert ds.sightings["date"].min() == pd.Timestamp(params.period_start)
    weeks_observed = monthly.attrs["weeks_observed"]
    assert weeks_observed == pytest.approx(fm.weeks - (params.gap_days + 1) / 7)
    per_week = monthly.sum() / weeks_observed
    assert fm.arrivals_observed == pytest.approx(per_week)
    assert fm.inputs.arrivals_observed[0] == pytest.approx(per_week)
    assert weeks_observed < fm.weeks
    assert fm.arrivals_observed > monthly.sum() / fm.weeks  # the old, diluted rate
    assert any(c.key == "q4.arrivals_window" for c in fm.caveats)
    # a period that starts after gap_days of data counts every one of its weeks
    _, fm_later = _fit_quietly(synthetic, n_boot=0, period_start="2022-01-01")
    assert fm_later.monthly_arrivals.attrs["weeks_observed"] == pytest.approx(fm_later.weeks)
    assert fm_later.arrivals_observed == pytest.approx(
        fm_later.monthly_arrivals.sum() / fm_later.weeks
    )
    assert not any(c.key == "q4.arrivals_window" for c in fm_later.caveats)


def test_forecast_without_a_stay_trend_for_a_short_period(synthetic):
    """Seven months from the data's start: stays start within half a year, so no stay trend;
    the forecast of FTE needed then assumes none (screening, where stay length matters)."""
    import dataclasses

    params, fm = _fit_quietly(
        synthetic, n_boot=20, period_end="2021-07-31", strategy="screening", target_reach=0.05
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(fm.stays.hazard_ratio_per_year)
        assert fm.forecast is not None
        result = evaluate(fm, params)
        flat = dataclasses.replace(
            fm, stays=dataclasses.replace(fm.stays, hazard_ratio_per_year=1.0)
        )
        expected = evaluate(flat, params).forecast
    need = result.forecast.filter(like="fte_needed")
    assert np.isfinite(need.to_numpy()).all()
    pd.testing.assert_frame_equal(result.forecast, expected)
    assert any(c.key == "q4.no_stay_trend" for c in result.caveats)
    assert not any(c.key == "q4.no_stay_trend" for c in evaluate(flat, params).caveats)


@pytest.mark.parametrize("strategy", ["random", "screening"])
@pytest.mark.parametrize("city", ["Stockholm", "Göteborg"])
def test_tiny_dataset_answers_under_both_strategies(strategy, city, tiny, tiny_dir):
    """Small data can give draws with no arrivals; screening once crashed on them
    ("Erlang A needs λ > 0") while random search did not."""
    ds = tiny
    params = Params(
        data_dir=str(tiny_dir),
        city=city,
        period_start="2024-01-01",
        period_end="2024-04-30",
        n_boot=200,
        seed=2,  # this seed draws a replicate with no arrivals
        strategy=strategy,
    )
    r = answer_question_4(ds, params)
    reach = r.key_figures.loc["reach_effective", "estimate"]
    assert 0.0 <= reach <= 1.0
    assert r.verdict in {"sufficient", "insufficient", "uncertain"}


def test_persons_in_period_carries_the_detection_uncertainty(fitted):
    """The number of distinct persons is n / detection share: its interval comes from the
    detection-share draws (it used to be reported without an interval)."""
    params, fm = fitted
    r = evaluate(fm, params)
    row = r.key_figures.loc["persons_in_period"]
    assert row["ci_lower"] < row["estimate"] < row["ci_upper"]
    assert row["se"] > 0
    assert row["ci_lower"] >= r.persons_observed


def test_percentile_interval_of_draws_with_infinite_values():
    """FTE needed is inf in draws where no staffing reaches the target; the interval must
    say inf, not NaN (inf − inf) or a huge finite number."""
    from capacity.models._base import percentile_interval

    draws = np.array([1.0, 2.0, 3.0, np.inf, np.inf, np.inf] * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert percentile_interval(draws) == (1.0, np.inf)
        assert percentile_interval(np.full(5, np.inf)) == (np.inf, np.inf)
        lo, hi = percentile_interval(np.r_[np.arange(99.0), np.inf], alpha=0.02)
    assert np.isfinite(lo) and hi == np.inf
    assert percentile_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))
