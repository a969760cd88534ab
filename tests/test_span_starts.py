"""Issue 9: with per-day capture the median stay's interval spans both EM starts.

Where the sources see a present woman day by day, the data leave the share of the shortest
stays open and the EM's start fills it in (docs/methods/stays.md, "The median's interval
spans both starts"): the bootstrap refits every replicate from both starts and the median
stay's interval is the union of the two percentile intervals
(:func:`~capacity.models.stays.replicates.spanning_interval`). The trend's intervals stay
those of the main start (the two starts lean the same way on it), widened to the other
merge of split stays (tests/test_merge_span.py). With capture on arrival nothing changes.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stays_deconvolve import per_day_stays

from capacity.models._base import percentile_interval
from capacity.models.stays import fit_stays
from capacity.models.stays.deconvolve import (
    grouped_strata,
    make_deconvolver,
    merge_stays,
    other_start,
)
from capacity.models.stays.fit import _deconvolver
from capacity.models.stays.replicates import person_weights, shifted_union, spanning_interval

draws = st.lists(
    st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False), min_size=5, max_size=60
)


@settings(max_examples=60, deadline=None)
@given(a=draws, b=draws, alpha=st.sampled_from([0.05, 0.1, 0.2]))
def test_the_spanning_interval_holds_both_percentile_intervals(a, b, alpha):
    lo, hi = spanning_interval(np.array(a), np.array(b), alpha)
    for x in (a, b):
        p = percentile_interval(np.array(x), alpha)
        assert lo <= p[0] and hi >= p[1]
    # and no more: each end is one of the two intervals' ends
    ends = (*percentile_interval(np.array(a), alpha), *percentile_interval(np.array(b), alpha))
    assert lo in ends and hi in ends


def test_without_the_other_start_it_is_the_percentile_interval():
    x = np.r_[np.arange(1.0, 101), np.nan, -1.0, np.inf]
    assert spanning_interval(x, None) == percentile_interval(np.arange(1.0, 101))
    assert np.isnan(spanning_interval(np.array([np.nan, -2.0]), None)).all()


def test_the_other_start_is_the_one_not_chosen():
    assert other_start("uniform") == "log_uniform"
    assert other_start("log_uniform") == "uniform"


@pytest.fixture(scope="module")
def world():
    return per_day_stays(seed=11, n=3000)


def test_per_day_models_span_and_the_arrival_model_does_not(world):
    stays, strata = world
    merged = merge_stays(stays, strata, "Stockholm")
    for model in ("deconvolve", "deconvolve_sites"):
        dec, _ = _deconvolver(merged, strata, model, None)
        assert dec.span_starts
    dec, _ = _deconvolver(merged, strata, "deconvolve_arrival", None)
    assert not dec.span_starts  # capture on arrival: a short stay is seen on its first day
    dec, _ = make_deconvolver(merged, grouped_strata(strata))
    assert not dec.span_starts  # the deconvolver alone: as asked


def test_the_replicates_refit_the_same_weights_from_the_other_start(world):
    stays, strata = world
    merged = merge_stays(stays, strata, "Stockholm")
    dec, _ = make_deconvolver(merged, grouped_strata(strata), span_starts=True)
    w = person_weights(np.random.default_rng(2), 6, len(strata.persons), "poisson")
    reps = dec.replicates(w)
    other = dataclasses.replace(dec, start="log_uniform", span_starts=False).replicates(w)
    assert np.array_equal(reps.median_alt, other.median)
    # the main replicates are those of the deconvolver without the span, bit for bit
    plain = dataclasses.replace(dec, span_starts=False).replicates(w)
    assert np.array_equal(reps.median, plain.median) and plain.median_alt is None
    # more short stays from the log-uniform start: shorter medians in every replicate
    assert np.all(reps.median_alt < reps.median)


def test_fit_stays_reports_the_spanning_intervals(world):
    stays, strata = world
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_stays(
            stays, city="Stockholm", strata=strata, correction="deconvolve", n_boot=40, seed=5
        )
    merged = merge_stays(stays, strata, "Stockholm")
    dec, _ = make_deconvolver(merged, grouped_strata(strata), span_starts=True)
    reps = dec.replicates(
        person_weights(np.random.default_rng(5), 40, len(strata.persons), "poisson")
    )
    assert fit.median_ci == pytest.approx(spanning_interval(reps.median, reps.median_alt))
    # the trend's: the main start's percentile intervals, spanning the other merge's
    # estimate (tests/test_merge_span.py)
    hr_other, ratio_other = fit.trend_other_merge
    ratio_ci = percentile_interval(reps.median_ratio)
    hr_ci = percentile_interval(reps.hazard_ratio)
    assert fit.median_ratio_ci == pytest.approx(
        shifted_union(ratio_ci, fit.median_ratio_per_year, ratio_other)
    )
    assert fit.hazard_ratio_ci == pytest.approx(
        shifted_union(hr_ci, fit.hazard_ratio_per_year, hr_other)
    )
    # wider than the uniform start's alone, below: the other start's stays are shorter
    assert fit.median_ci[0] < percentile_interval(reps.median)[0]
    frame = fit.summary_frame()
    assert tuple(frame.loc["median_days", ["ci_lower", "ci_upper"]]) == fit.median_ci


def test_the_distribution_bootstrap_does_not_refit_the_other_start(world, monkeypatch):
    """``StaysResults.bootstrap`` wants the distributions alone: one EM per replicate."""
    from capacity.models.stays import deconvolve

    stays, strata = world
    fit = fit_stays(stays, city="Stockholm", strata=strata, correction="deconvolve", n_boot=0)
    assert fit._rows["expander"].span_starts
    calls = []
    real = deconvolve.Deconvolver.fit
    monkeypatch.setattr(
        deconvolve.Deconvolver, "fit", lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
    )
    dists = fit.bootstrap(stays, np.random.default_rng(3), 4)
    assert len(dists) == 4 and len(calls) == 1
