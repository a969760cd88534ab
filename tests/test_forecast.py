"""Forecast of monthly arrivals: trend recovery, interval coverage, guards, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.exceptions import EstimationError
from capacity.models.forecast import fit_arrivals_forecast


def simulate_monthly(n=48, rr=1.15, level=3.0, amp=0.3, nb_alpha=0.05, seed=0, start="2022-01-01"):
    """Arrivals per month: level per day × days, trend ``rr`` per year, annual cosine season."""
    rng = np.random.default_rng(seed)
    months = pd.date_range(start, periods=n, freq="MS")
    t = np.arange(n) / 12
    mu = (
        level
        * months.days_in_month
        * rr**t
        * np.exp(amp * np.cos(2 * np.pi * (months.month - 1) / 12))
    )
    if nb_alpha > 0:
        y = rng.negative_binomial(1 / nb_alpha, (1 / nb_alpha) / (1 / nb_alpha + mu))
    else:
        y = rng.poisson(mu)
    return pd.Series(y, index=months, name="arrivals"), mu


def test_trend_and_season_recovered():
    monthly, _ = simulate_monthly(seed=1)
    res = fit_arrivals_forecast(monthly, horizon=12)
    rr, lo, hi = res.trend_per_year
    assert lo < 1.15 < hi
    assert res.family == "negative binomial" and res.season
    assert res.params[3] == pytest.approx(0.3, abs=0.1)  # cosine amplitude
    frame = res.predict_frame()
    assert list(frame.columns[:4]) == ["estimate", "se", "ci_lower", "ci_upper"]
    assert len(frame) == 12 and frame.index[0] == pd.Timestamp("2026-01-01")
    assert (frame["ci_lower"] <= frame["estimate"]).all() and (
        frame["estimate"] <= frame["ci_upper"]
    ).all()
    assert (frame["mean_lower"] >= frame["ci_lower"]).all()


def test_poisson_fit_matches_statsmodels_glm():
    """With Poisson data the fit is the Poisson GLM with log(days) offset."""
    monthly, _ = simulate_monthly(nb_alpha=0, seed=2)
    res = fit_arrivals_forecast(monthly)
    if res.family == "Poisson":
        months = monthly.index
        t = (np.arange(len(months)) / 12) - np.mean(np.arange(len(months)) / 12)
        ang = 2 * np.pi * (months.month - 1) / 12
        X = np.column_stack([np.ones(len(t)), t, np.sin(ang), np.cos(ang)])
        ref = sm.GLM(
            monthly.to_numpy(),
            X,
            family=sm.families.Poisson(),
            offset=np.log(months.days_in_month.to_numpy(float)),
        ).fit()
        np.testing.assert_allclose(res.params, ref.params, rtol=1e-6)
    else:  # a small NB alpha: the trend must still agree with the Poisson GLM closely
        assert res.nb_alpha < 0.02


def test_prediction_intervals_cover_future_counts():
    """Fit 48 months, check 12 future months of the same process: ≈ 95 % coverage."""
    hits = []
    for seed in range(30):
        full, _ = simulate_monthly(n=60, seed=50 + seed)
        res = fit_arrivals_forecast(full.iloc[:48], horizon=12, n_sim=2000, seed=seed)
        frame = res.predict_frame()
        future = full.iloc[48:].to_numpy()
        hits += list((frame["ci_lower"] <= future) & (future <= frame["ci_upper"]))
    assert 0.9 <= np.mean(hits) <= 0.995


def test_trend_interval_coverage():
    covered = [
        (lambda r: r[1] <= 1.15 <= r[2])(
            fit_arrivals_forecast(simulate_monthly(seed=s)[0], n_sim=200).trend_per_year
        )
        for s in range(200, 240)
    ]
    assert np.mean(covered) >= 0.85


def test_short_series_is_trend_only_with_caveat():
    monthly, _ = simulate_monthly(n=18, seed=3)
    res = fit_arrivals_forecast(monthly, horizon=6)
    assert not res.season and len(res.params) == 2
    assert any(c.key == "forecast.no_season" for c in res.caveats)
    with pytest.raises(EstimationError, match="at least 6"):
        fit_arrivals_forecast(monthly.iloc[:4])
    with pytest.raises(EstimationError, match="consecutive"):
        fit_arrivals_forecast(monthly.drop(monthly.index[5]))
    with pytest.raises(EstimationError, match="no arrivals"):
        fit_arrivals_forecast(monthly * 0)


def test_seeded_and_simulate_shapes():
    monthly, _ = simulate_monthly(seed=4)
    a = fit_arrivals_forecast(monthly, seed=7)
    b = fit_arrivals_forecast(monthly, seed=7)
    pd.testing.assert_frame_equal(a.predict_frame(), b.predict_frame())
    assert a.simulate(np.random.default_rng(0), 50).shape == (50, 24)
    assert "trend_per_year" in a.summary_frame().index
    assert a.plot() is not None


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 1000), st.sampled_from([4, 8, 12]))
def test_calendar_shift_by_whole_years_changes_nothing(seed, years):
    """Same counts k leap cycles later (same month lengths): same model, ordered intervals."""
    monthly, _ = simulate_monthly(seed=seed, n=30)
    later = monthly.copy()
    later.index = monthly.index + pd.DateOffset(years=years)
    a = fit_arrivals_forecast(monthly, n_sim=200, seed=1)
    b = fit_arrivals_forecast(later, n_sim=200, seed=1)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-6, atol=1e-8)
    frame = b.predict_frame()
    assert (frame["ci_lower"] >= 0).all() and (frame["ci_lower"] <= frame["ci_upper"]).all()


def test_synthetic_world_arrivals_trend_and_season():
    """capacity.synth Stockholm: arrivals from sightings vs the true arrivals of all stays.

    The true stays arriving per month grow ≈ 1.25 a year with a ±25 % season peaking in
    mid-July. From sightings (observed stays) the trend is slightly understated (split long
    stays early on, unseen short stays later; see docs/methods/forecast.md).
    """
    from capacity.models.stays import build_stays, monthly_arrivals
    from capacity.synth import generate

    syn = generate(1, scale=0.5)
    true = syn.truth["stays"]
    true = true[true["city"] == "Stockholm"]
    months = true["arrive"].dt.to_period("M").dt.to_timestamp()
    index = pd.date_range("2021-01-01", "2025-12-01", freq="MS")
    truth_monthly = months.value_counts().reindex(index, fill_value=0).astype(float)
    res_true = fit_arrivals_forecast(truth_monthly, n_sim=200)
    res_obs = fit_arrivals_forecast(
        monthly_arrivals(build_stays(syn.tables["sightings"]), "Stockholm"), n_sim=200
    )
    rr_cfg = syn.truth["truth"]["config"]["arrivals_growth_per_year"]
    assert res_true.trend_per_year[1] < rr_cfg < res_true.trend_per_year[2] + 0.02
    assert abs(np.log(res_obs.trend_per_year[0] / res_true.trend_per_year[0])) < 0.06
    amplitude = np.hypot(res_obs.params[2], res_obs.params[3])
    peak_month = (np.arctan2(res_obs.params[2], res_obs.params[3]) * 12 / (2 * np.pi)) % 12
    assert 0.15 < amplitude < 0.35 and 5.0 < peak_month < 7.5  # July = month index 6


def test_partial_months_from_monthly_arrivals_are_left_out():
    """Arrivals are countable from gap_days after the first data day: January is partial."""
    from capacity.models.stays import build_stays, monthly_arrivals

    rng = np.random.default_rng(6)
    n = 3000
    day = rng.integers(0, 3 * 365 + 10, n)  # data: 2022-01-01 to about 2025-01-10
    sightings = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            "city": "X",
            "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(day, "D"),
        }
    )
    monthly = monthly_arrivals(build_stays(sightings, gap_days=14))
    assert monthly.attrs["counting_start"] == pd.Timestamp("2022-01-16")
    assert monthly.attrs["weeks_observed"] == pytest.approx(
        ((monthly.attrs["counting_end"] - pd.Timestamp("2022-01-16")).days + 1) / 7
    )
    res = fit_arrivals_forecast(monthly, n_sim=200)
    assert res.history.index[0] == pd.Timestamp("2022-02-01")
    assert res.history.index[-1] == pd.Timestamp("2024-12-01")  # January 2025 is partial
    assert any(c.key == "forecast.partial_months" for c in res.caveats)
    assert 0.85 < res.trend_per_year[0] < 1.15  # no trend in the simulated arrivals
