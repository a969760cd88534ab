"""Issue 9 item 4 (shrink9): the prior of the source sets' daily sighting rates.

``shrink_days`` pseudo-days of the pooled density are added to each source set's within-stay
sighting density (``q_k = (n_k + c q̄)/(d_k + c)``). The sets no ad site sees have almost
no interior days, so their rate is the prior: a parameter, and a bar of the tornado where
the stays' kernel uses it (the per-day deconvolved models).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_stays_deconvolve import per_day_stays, point_fit

from capacity.config import Params
from capacity.exceptions import EstimationError, ParameterError
from capacity.models.stays.deconvolve import (
    SHRINK_DAYS,
    grouped_strata,
    make_deconvolver,
    merge_stays,
)
from capacity.question4.sensitivity import SETTINGS, refit_params


def test_the_default_is_the_module_constant_and_out_of_range_values_are_refused():
    assert Params().shrink_days == SHRINK_DAYS == 50.0
    for bad in (0, -1, 20000):
        with pytest.raises(ParameterError, match="shrink_days"):
            Params(shrink_days=bad)
    assert Params(shrink_days="7,5").shrink_days == 7.5  # a decimal comma, as elsewhere


def _shrink_refits(params):
    return [p for p in refit_params(params) if p.shrink_days != params.shrink_days]


@pytest.mark.parametrize("model", ["deconvolve", "deconvolve_sites"])
def test_the_tornado_moves_the_prior_where_the_per_day_kernel_uses_it(model):
    params = Params(detection_model="stays", stay_model=model, gap_days=14)
    got = _shrink_refits(params)
    assert [p.shrink_days for p in got] == [5.0, 500.0]  # a tenth and ten times
    for p in got:  # a point refit of the settings given, nothing else changed
        assert p.capture_model == "fixed" and p.n_boot == 0
        assert p.replace(shrink_days=50.0) == params.replace(capture_model="fixed", n_boot=0)
    # a prior set by the user: a tenth and ten times it, inside the allowed range
    assert [p.shrink_days for p in _shrink_refits(params.replace(shrink_days=2000))] == [
        200.0,
        10000.0,
    ]
    assert [p.shrink_days for p in _shrink_refits(params.replace(shrink_days=0.5))] == [0.1, 5.0]


@pytest.mark.parametrize("model", ["margins", "deconvolve_arrival"])
def test_no_refit_where_the_prior_is_not_used_or_does_not_move_the_answer(model):
    """The margins never use it; capture on arrival gives its per-day kernels the EM's own
    rates (on the sample 5 or 500 pseudo-days move the FTE needed by under 1 %: not worth
    two refits of a cold report, docs/methods/stays.md)."""
    params = Params(stay_model=model)
    assert _shrink_refits(params) == []
    (setting,) = [s for s in SETTINGS if s.name == "shrink_days"]
    assert setting.kind == "refit" and setting.values(None, params) == (None, None)


@pytest.fixture(scope="module")
def no_ads_world():
    """Per-day capture, a third of the women on no ad site, seen only by outreach (0.01/day)."""
    return per_day_stays(seed=7, n=3000, no_ads=0.35)


def _fit(world, c, correction="deconvolve"):
    return point_fit(*world, correction, shrink_days=c)


def test_the_default_prior_is_the_fit_without_it(no_ads_world):
    """``shrink_days`` unset is ``SHRINK_DAYS``: the same numbers, bit for bit."""
    stays, strata = no_ads_world
    merged = merge_stays(stays, strata, "Stockholm")
    a, _ = make_deconvolver(merged, grouped_strata(strata))
    b, _ = make_deconvolver(merged, grouped_strata(strata), shrink_days=50.0)
    assert a.shrink_days == 50.0 and a.q0.tobytes() == b.q0.tobytes()
    w = np.random.default_rng(0).poisson(1.0, (len(a.person_stratum), 3)).astype(float)
    assert a.densities(w).tobytes() == b.densities(w).tobytes()
    assert a.fit(w).f.tobytes() == b.fit(w).f.tobytes()
    with pytest.raises(EstimationError, match="shrink_days"):
        make_deconvolver(merged, grouped_strata(strata), shrink_days=0.0)


def test_a_weaker_prior_gives_the_sets_no_ad_site_sees_their_own_low_rate_and_longer_stays(
    no_ads_world,
):
    """Outreach alone sees a woman on 1 % of her days; the pooled rate is the ads' (~0.1).
    Fewer pseudo-days: the outreach-only set's rate falls towards its own, each of its stays
    gets a longer unseen margin, and the stays come out longer (docs/methods/stays.md)."""
    fits = {c: _fit(no_ads_world, c) for c in (5.0, 50.0, 500.0)}
    labels = grouped_strata(no_ads_world[1]).labels
    k = labels.index("outreach")
    q = {c: fits[c]._rows["expander"].q0 for c in fits}
    assert q[5.0][k] < q[50.0][k] < q[500.0][k]
    assert abs(q[5.0][k] - 0.01) < abs(q[500.0][k] - 0.01)
    ads = [i for i, x in enumerate(labels) if "ads" in x]  # the sets with many interior days
    assert np.allclose(q[5.0][ads], q[500.0][ads], rtol=0.1)
    assert fits[5.0].mean_days > fits[50.0].mean_days > fits[500.0].mean_days
    assert fits[5.0].median_days > fits[500.0].median_days
    # latent visibility (deconvolve_sites): the same direction
    sites = {c: _fit(no_ads_world, c, "deconvolve_sites") for c in (5.0, 500.0)}
    assert sites[5.0].mean_days > sites[500.0].mean_days


def test_the_report_names_the_bar_and_its_sides_in_both_languages():
    """Words, not pseudo-days: the rarely seen sets at their own rate or at the ads'."""
    import pandas as pd

    from capacity.i18n import t
    from capacity.report.committee.sensitivity import shown_values

    frame = pd.DataFrame(
        {"setting": ["shrink_days"] * 2, "side": ["low", "high"], "value": ["5", "500"],
         "reach_effective": [0.1] * 2, "fte_needed": [1.0] * 2}
    )  # fmt: skip
    assert list(shown_values(frame, "en")["value"]) == ["own rate", "the ads' rate"]
    assert list(shown_values(frame, "sv")["value"]) == ["egen takt", "annonsernas takt"]
    assert t("fig_sens_shrink_days", "sv") == "Observationstakt utan annonssajt"
