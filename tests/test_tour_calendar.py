"""The tour chain on the calendar (capacity.models.tour_calendar)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity.models.tour_calendar import calendar_chain, month_lags, national_share
from capacity.models.tours import visit_reach


def _chain(seed=1, d=4, c=3):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 0.5, (d, c))
    full = rng.dirichlet(np.ones(c + 1), (d, c))
    s = rng.dirichlet(np.ones(c), d)
    return p, full[:, :, :-1], full[:, :, -1], s


def test_one_month_is_the_plain_chain():
    """One month, nothing before it, every next stay in the same month: visit_reach."""
    p, P, x, s = _chain()
    tour0, _, national0 = visit_reach(p, P, x, s)
    tour, _, (unreached, present) = calendar_chain(p[None], P, x, s, np.array([1.0]),
                                                   np.array([1.0]), 0)  # fmt: skip
    np.testing.assert_allclose(tour[0], tour0, atol=1e-12)
    np.testing.assert_allclose(national_share(unreached, present), national0, atol=1e-12)


def test_far_from_the_edges_constant_reach_is_the_plain_chain():
    p, P, x, s = _chain(2)
    tour0 = visit_reach(p, P, x, s)[0]
    months = 120
    pm = np.repeat(p[None], months, axis=0)
    pm[:12] = 0.0
    tour, _, _ = calendar_chain(pm, P, x, s, np.array([0.2, 0.5, 0.3]), np.ones(months), 12)
    np.testing.assert_allclose(tour[60], tour0, atol=1e-4)
    # at the edges less of the tour lies in the window: lower
    assert (tour[12] < tour0 - 1e-3).all() and (tour[-1] < tour0 - 1e-3).all()


def _simulate(p, P, x, s, f, b, before, n, rng):
    """Direct simulation of tours on the calendar: per city and month, stays in the window
    and those whose tour is reached inside it; tours present in the window and reached."""
    n_m, c = p.shape
    month = rng.choice(n_m, size=n, p=b / b.sum())
    city = rng.choice(c, size=n, p=s)
    tour_reached = np.zeros(n, bool)
    present = np.zeros(n, bool)
    alive = np.ones(n, bool)
    log = []  # (tour, city, month) of the stays in the window
    cum = np.cumsum(np.c_[P, x], axis=1)
    while alive.any():
        idx = np.nonzero(alive)[0]
        inside = month[idx] < n_m
        gone = idx[~inside]
        alive[gone] = False
        idx = idx[inside]
        win = month[idx] >= before
        hit = rng.random(len(idx)) < p[month[idx], city[idx]]
        tour_reached[idx[hit & win]] = True
        present[idx[win]] = True
        log.append(np.c_[idx[win], city[idx[win]], month[idx[win]]])
        nxt = (rng.random(len(idx))[:, None] > cum[city[idx]]).sum(axis=1)
        stop = nxt >= c
        alive[idx[stop]] = False
        go = idx[~stop]
        city[go] = nxt[~stop]
        month[go] = month[go] + rng.choice(len(f), size=len(go), p=f)
    frame = pd.DataFrame(np.concatenate(log), columns=["tour", "city", "month"])
    frame["reached"] = tour_reached[frame["tour"]]
    return frame, tour_reached[present].mean()


def test_the_calendar_chain_equals_a_direct_simulation():
    """Three cities, 12 months before the window and 24 in it, reach changing from month to
    month, tours begun unevenly: per city and month the share of the stays whose tour is
    reached in the window, and nationally the share of the tours with a stay in the window
    reached in it, against 200 000 simulated tours."""
    rng = np.random.default_rng(7)
    p1, P1, x1, s1 = _chain(3, d=1)
    before, window = 12, 24
    p = np.zeros((before + window, 3))
    p[before:] = rng.uniform(0.05, 0.6, (window, 3))
    f = np.array([0.15, 0.55, 0.2, 0.1])
    b = rng.uniform(0.5, 1.5, before + window)
    tour, _, (unreached, present) = calendar_chain(p[:, None], P1, x1, s1, f, b, before)
    sim, national = _simulate(p, P1[0], x1[0], s1[0], f, b, before, 200_000, rng)
    assert national_share(unreached, present)[0] == pytest.approx(national, abs=0.005)
    by = sim.groupby(["city", "month"])["reached"].agg(["mean", "size"])
    big = by[by["size"] > 2000]
    assert len(big) > 30
    est = tour[big.index.get_level_values("month"), 0, big.index.get_level_values("city")]
    assert np.abs(est - big["mean"].to_numpy()).max() < 0.03
    assert np.abs(est - big["mean"].to_numpy()).mean() < 0.006


def test_month_lags_split_a_lag_between_two_months():
    """Moves 45 days apart start to start: 1.48 months, so f_1 = 0.52 and f_2 = 0.48; a
    second stay 20 days after the first's end (gap 14) is a new tour, not a move."""
    s = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "b"],
            "start": pd.to_datetime(["2024-01-01", "2024-02-15", "2024-01-01", "2024-03-01"]),
            "end": pd.to_datetime(["2024-02-10", "2024-03-01", "2024-02-01", "2024-03-10"]),
        }
    )
    f = month_lags(s, 14, max_months=3)
    months = 45 / (365.25 / 12)
    np.testing.assert_allclose(f, [0.0, 2 - months, months - 1, 0.0])
