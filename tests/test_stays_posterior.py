"""The margins' spread made self-consistent (margins.POSTERIOR_STEPS, posterior_values)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_stays import simulate_sightings

from capacity.models.stays import build_stays, fit_stays, margins
from capacity.models.stays.margins import posterior_expander, posterior_values, prepare_margins
from capacity.models.stays.replicates import stay_replicates


@pytest.fixture(scope="module")
def sparse_world():
    """Daily sightings with chance 0.3, Weibull shape 0.8: the renewal model holds."""
    s, truth = simulate_sightings(q=0.3, shape=0.8, n_persons=1500, seed=2)
    return build_stays(s, gap_days=14), truth


def _fit(stays, steps, monkeypatch, **kw):
    monkeypatch.setattr(margins, "POSTERIOR_STEPS", steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fit_stays(stays, **kw)


def test_no_steps_is_the_flat_spread(sparse_world):
    stays, _ = sparse_world
    _, ex, _, _ = prepare_margins(stays[~stays["left_truncated"]], "margins")
    assert posterior_expander(ex, 0) is ex


def test_each_observed_stay_spreads_one_unit_and_a_short_one_fewer_days(sparse_world):
    """``Σ_v posterior(v | u) = 1``: the entries times ``P(seen | v)`` sum to one per key."""
    stays, _ = sparse_world
    _, ex, _, _ = prepare_margins(stays[~stays["left_truncated"]], "margins")
    sp = ex.spread
    w_u = np.bincount(ex.key_id, minlength=sp.shape[0]).astype(float)[None, :]
    values = posterior_values(ex, sp.values(ex.pmf)[None, :], ex.pmf, w_u, 2)[0]
    seen = np.cumsum(ex.pmf, axis=1)[sp.stratum, np.clip(sp.duration - 1, 0, sp.k - 1)]
    per_key = np.bincount(sp.u, weights=values * seen, minlength=sp.shape[0])
    has = np.bincount(sp.u, minlength=sp.shape[0]) > 0
    np.testing.assert_allclose(per_key[has], 1.0, rtol=1e-9)
    # both spread one unit, but the posterior adds fewer days to a stay seen on one day:
    # the long lengths a flat prior gives it are rarer than the short ones
    used = stays[~stays["left_truncated"]]
    seen_once = np.zeros(sp.shape[0], bool)
    seen_once[ex.key_id] = used["duration_days"].to_numpy() == 1
    on = seen_once[sp.u]
    t_star = sp.duration.astype(float)
    flat = sp.values(ex.pmf) * seen
    post_days = np.bincount(sp.u[on], weights=(values * seen * t_star)[on], minlength=sp.shape[0])
    flat_days = np.bincount(sp.u[on], weights=(flat * t_star)[on], minlength=sp.shape[0])
    assert seen_once.any()
    assert np.all(post_days[seen_once] < flat_days[seen_once])


def test_replicates_with_unit_weights_give_the_point_fit(sparse_world, monkeypatch):
    """The bootstrap's replicates start from their own flat spread and take the same step."""
    stays, _ = sparse_world
    res = _fit(stays, 1, monkeypatch, n_boot=0)
    flat = _fit(stays, 0, monkeypatch, n_boot=0)
    assert res.median_days != pytest.approx(flat.median_days, abs=1e-6)
    used = stays[~stays["left_truncated"]]
    _, ex, _, _ = prepare_margins(used, "margins")
    person = used["person_id"].factorize()[0]
    monkeypatch.setattr(margins, "POSTERIOR_STEPS", 1)
    reps = stay_replicates(
        ex, person, used["start"].dt.year.to_numpy(), np.ones((person.max() + 1, 2))
    )
    np.testing.assert_allclose(reps.median, res.median_days, rtol=1e-4)


def test_where_the_renewal_model_holds_one_step_keeps_the_truth(sparse_world, monkeypatch):
    """Measured: truth median 14.1, mean 24.3 days; flat 13.7 / 23.7, one step 13.6 / 23.6."""
    stays, truth = sparse_world
    res = _fit(stays, 1, monkeypatch, n_boot=0)
    assert res.median_days == pytest.approx(truth["days"].median(), rel=0.06)
    assert res.mean_days == pytest.approx(truth["days"].mean(), rel=0.05)
