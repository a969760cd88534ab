"""Issue 9: the smoothed EM (EMS) of the per-day deconvolution and the merge by each woman's rate.

Both are options, not the defaults (``SMOOTH_LOG = 0``, ``MERGE_RATE = "set"``): measured in
docs/methods/stays.md ("Smoothed EM and a merge by each woman's rate").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shared import sightings_from_days
from test_stays_deconvolve import _span_start, per_day_world

from capacity.exceptions import EstimationError
from capacity.models.stays import build_stays
from capacity.models.stays.deconvolve import (
    _LogSmoother,
    grouped_strata,
    make_deconvolver,
    merge_stays,
)
from capacity.models.stays.strata import merge_split_stays, source_strata


@pytest.fixture(scope="module")
def world():
    sightings, truth = per_day_world()
    stays = build_stays(sightings, gap_days=14)
    return sightings, truth, stays, source_strata(sightings, 14)


def test_the_smoothing_step_keeps_the_mass_and_spreads_on_the_log_scale():
    grid = np.arange(1, 801)
    smooth = _LogSmoother(grid, 0.2)
    g = np.zeros((2, len(grid), 1), dtype=np.float32)
    g[0, 199, 0] = 1.0  # all at 200 days
    g[1, 0, 0] = 1.0  # all at 1 day
    out = smooth(g).astype(float)
    assert out.sum(1) == pytest.approx(np.ones((2, 1)), abs=1e-5)
    assert (out >= 0).all()
    logs = np.log(grid)
    mean = (out[0, :, 0] * logs).sum()
    assert mean == pytest.approx(np.log(200), abs=0.02)
    assert np.sqrt((out[0, :, 0] * (logs - mean) ** 2).sum()) == pytest.approx(0.2, rel=0.1)
    # a day is wide on the log scale: one-day stays keep nearly all their mass
    assert out[1, 0, 0] > 0.99


def test_the_smoothed_em_reaches_one_fixed_point_from_any_start(world):
    """Unlike the plain EM (whose 100 steps end where the start puts them), EMS converges,
    and to the same distributions from a uniform start and from the spans made longer."""
    _, _, stays, strata = world
    dec, kept = make_deconvolver(
        merge_stays(stays, strata, "Stockholm"), grouped_strata(strata), smooth=0.2
    )
    assert dec.smooth == 0.2
    a = dec.fit()
    b = dec.fit(start=_span_start(dec, kept, 10))
    assert a.n_steps < 3000 and b.n_steps < 3000
    assert np.abs(a.f - b.f).sum(-1).max() < 0.01
    assert a.medians(a.pooled)[0] == pytest.approx(b.medians(b.pooled)[0], abs=0.1)
    # the plain EM from the same two starts ends far apart
    p, s = dec.fit(smooth=0), dec.fit(start=_span_start(dec, kept, 10), smooth=0)
    assert np.abs(p.f - s.f).sum(-1).max() > 10 * np.abs(a.f - b.f).sum(-1).max()


def test_the_smoothed_em_refits_every_replicate(world):
    _, _, stays, strata = world
    dec, _ = make_deconvolver(merge_stays(stays, strata, "Stockholm"), grouped_strata(strata))
    assert dec.smooth == 0.0  # the default is the plain EM
    n_p = len(strata.persons)
    w = np.c_[np.ones(n_p), np.random.default_rng(1).poisson(1.0, (n_p, 3))]
    fit = dec.fit(w, smooth=0.2)
    one = dec.fit(smooth=0.2)
    # the batch stops when every column's step moves it by at most EMS_TOL, so the unit
    # weights run a few more steps than alone: the same fixed point to about 1e-3
    np.testing.assert_allclose(fit.f[0], one.f[0], atol=2e-3)
    assert fit.medians(fit.pooled)[0] == pytest.approx(one.medians(one.pooled)[0], abs=0.1)
    assert np.ptp(fit.medians(fit.pooled)) > 0.1


def test_the_smoothed_em_is_for_the_per_day_em_only(world):
    _, _, stays, strata = world
    dec, _ = make_deconvolver(
        merge_stays(stays, strata, "Stockholm"), strata, visibility="ad_sites"
    )
    assert dec.smooth == 0.0
    with pytest.raises(EstimationError, match="visibility='none'"):
        dec.fit(smooth=0.2)


def _two_kinds_of_women():
    """One source, ``ads``: 300 women seen on 5 % of the days of one long stay (300 days)
    and 40 seen every day, twice for 30 days, 15 days apart (two true stays)."""
    rng = np.random.default_rng(3)
    rows = []
    for i in range(300):
        d0 = int(rng.integers(0, 300))
        days = np.arange(d0, d0 + 300)
        seen = days[rng.random(300) < 0.05]
        rows.append(pd.DataFrame({"pid": i, "day": seen, "source": "ads"}))
    for i in range(300, 340):
        d0 = int(rng.integers(0, 300))
        days = np.r_[np.arange(d0, d0 + 30), np.arange(d0 + 45, d0 + 75)]
        rows.append(pd.DataFrame({"pid": i, "day": days, "source": "ads"}))
    return sightings_from_days(pd.concat(rows))


def test_the_merge_by_each_womans_rate_joins_the_rare_and_keeps_the_frequent_apart():
    """A set's pooled rate (0.25 a day here, between the two kinds) joins the 15-day absence
    of a woman seen every day and splits the long stays of those seen on 5 % of their days
    (many gaps, each tested at the level). Her own rate, with a level over all her gaps,
    keeps the first apart and splits far fewer of the second."""
    sightings = _two_kinds_of_women()
    stays = build_stays(sightings, gap_days=14)
    strata = source_strata(sightings, 14)
    pid = stays["person_id"].astype(str).str[1:].astype(int)
    rare = (pid < 300).to_numpy()
    runs = {}
    for rate in ("set", "woman"):
        run = merge_split_stays(stays, strata, rate=rate)
        runs[rate] = pd.Series(run.to_numpy()).groupby(pid.to_numpy()).nunique()
    # true stays per woman: 1 (rare), 2 (frequent)
    assert (runs["set"].loc[300:] == 1).mean() > 0.9  # the set's rate joins her two stays
    assert (runs["woman"].loc[300:] == 2).all()  # her own rate keeps them apart
    split_set = (runs["set"].loc[:299] > 1).mean()
    split_woman = (runs["woman"].loc[:299] > 1).mean()
    assert split_set > 0.9
    assert split_woman < 0.4
    assert rare.sum() > 300  # build_stays did split the rare women's stays


def test_the_merge_by_each_womans_rate_refuses_an_unknown_rule(world):
    _, _, stays, strata = world
    with pytest.raises(Exception, match="rate must be"):
        merge_split_stays(stays, strata, rate="city")
