"""Issue 9: with per-day capture the trend's intervals span both merges of split stays.

Where the ads see a woman day by day, a long stay of a woman seen on few days is left in
pieces by the merge at her source set's rate, and the pieces pull the trend towards 1; the
merge at each woman's own rate joins most of them (docs/methods/stays.md, "The trend's
interval spans both merges"). The data do not decide between the two, so the intervals of
the hazard ratio and of the median ratio per year are joined with the same intervals moved
to the other merge's estimates (:func:`~capacity.models.stays.replicates.shifted_union`).
With capture on arrival and with the margins nothing changes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_stays_deconvolve import per_day_stays

from capacity.models.stays import fit_stays
from capacity.models.stays.deconvolve import merge_stays, other_merge
from capacity.models.stays.fit import _deconvolver
from capacity.models.stays.replicates import median_ratio, shifted_union

positive = st.floats(0.05, 20.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=80, deadline=None)
@given(a=positive, b=positive, est=positive, other=positive)
def test_the_union_holds_the_interval_and_the_interval_moved_to_the_other_estimate(
    a, b, est, other
):
    lo, hi = sorted((a, b))
    out = shifted_union((lo, hi), est, other)
    r = other / est
    assert out[0] <= lo and out[1] >= hi
    assert out[0] <= lo * r * (1 + 1e-12) and out[1] >= hi * r * (1 - 1e-12)
    # and no more: each end is one of the two intervals' ends
    assert out[0] == pytest.approx(min(lo, lo * r)) and out[1] == pytest.approx(max(hi, hi * r))


def test_the_same_estimate_or_none_leaves_the_interval_as_it_is():
    assert shifted_union((1.0, 2.0), 1.5, 1.5) == (1.0, 2.0)
    for other in (np.nan, 0.0, -1.0, np.inf):
        assert shifted_union((1.0, 2.0), 1.5, other) == (1.0, 2.0)
    assert shifted_union((1.0, 2.0), np.nan, 1.2) == (1.0, 2.0)


def test_the_other_merge_is_the_one_not_chosen():
    assert other_merge("set") == "woman" and other_merge("woman") == "set"
    assert other_merge() == "woman"  # MERGE_RATE, the default, is the set's rate
    with pytest.raises(ValueError):
        other_merge("both")


@pytest.fixture(scope="module")
def world():
    return per_day_stays(seed=11, n=3000)


def _fit(stays, strata, model, n_boot):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_stays(
            stays, city="Stockholm", strata=strata, correction=model, n_boot=n_boot, seed=5
        )


@pytest.mark.parametrize("model", ["deconvolve", "deconvolve_sites"])
def test_per_day_fits_carry_the_other_merges_trend_and_span_it(world, model):
    stays, strata = world
    fit = _fit(stays, strata, model, 30)
    # the other merge's point fit, built here from its parts
    merged = merge_stays(stays, strata, "Stockholm", rate="woman")
    dec, kept = _deconvolver(merged, strata, model, None)
    point = dec.fit()
    n_obs = np.bincount(np.searchsorted(dec.years, kept["start"].dt.year), minlength=len(dec.years))
    hr_other, ratio_other = fit.trend_other_merge
    assert hr_other == pytest.approx(point.hazard_ratio()[0])
    assert ratio_other == pytest.approx(median_ratio(dec.years, point.medians(point.f[0]), n_obs))
    # the merge joins pieces the set's rate leaves apart: fewer stays, another trend
    assert len(merged) < len(merge_stays(stays, strata, "Stockholm"))
    assert hr_other != pytest.approx(fit.hazard_ratio_per_year, rel=1e-6)
    # the intervals hold both estimates' intervals; the point estimates stay the set's
    plain = _fit_without_span(stays, strata, model)
    assert fit.hazard_ratio_per_year == plain.hazard_ratio_per_year
    assert fit.hazard_ratio_ci == pytest.approx(
        shifted_union(plain.hazard_ratio_ci, fit.hazard_ratio_per_year, hr_other)
    )
    assert fit.median_ratio_ci == pytest.approx(
        shifted_union(plain.median_ratio_ci, fit.median_ratio_per_year, ratio_other)
    )
    frame = fit.summary_frame()
    assert tuple(frame.loc["hazard_ratio_per_year", ["ci_lower", "ci_upper"]]) == pytest.approx(
        fit.hazard_ratio_ci
    )


def _fit_without_span(stays, strata, model):
    """The same fit with the other merge's estimate taken away (``other`` NaN)."""
    from capacity.models.stays import fit as fit_module

    real = fit_module._trend_other_merge
    try:
        fit_module._trend_other_merge = lambda *a, **k: (np.nan, np.nan)
        return _fit(stays, strata, model, 30)
    finally:
        fit_module._trend_other_merge = real


def test_the_margins_have_no_other_merge(world):
    stays, strata = world
    fit = _fit(stays, strata, "margins", 0)
    assert np.isnan(fit.trend_other_merge).all()
