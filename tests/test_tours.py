"""Reach per woman and per tour, and coordination between cities (capacity.models.tours)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.models.tours import (
    capacity_reach,
    coordinated_reach,
    reach_per_woman,
    tour_flows,
    tour_reach,
    visit_reach,
)

# a hand-built chain of three cities: next-city probabilities, exit, where tours start
P3 = np.array([[0.0, 0.5, 0.2], [0.3, 0.0, 0.3], [0.1, 0.4, 0.0]])
X3 = 1.0 - P3.sum(axis=1)
S3 = np.array([0.5, 0.3, 0.2])
R3 = np.array([0.3, 0.1, 0.5])


def _simulate_tours(p, P, x, s, n, rng):
    """Direct Monte Carlo of tours: start city, reached per stay, move or exit."""
    c = len(p)
    cum = np.cumsum(np.c_[P, x], axis=1)
    city = rng.choice(c, size=n, p=s)
    first = city.copy()
    reached = np.zeros(n, dtype=bool)
    alive = np.ones(n, dtype=bool)
    visits = np.zeros((c, 2))  # per city: stays, stays whose tour is reached (filled later)
    stay_city, stay_tour = [], []
    while alive.any():
        idx = np.flatnonzero(alive)
        stay_city.append(city[idx])
        stay_tour.append(idx)
        reached[idx] |= rng.random(len(idx)) < p[city[idx]]
        nxt = (rng.random(len(idx))[:, None] > cum[city[idx]]).sum(axis=1)
        alive[idx[nxt == c]] = False
        city[idx[nxt < c]] = nxt[nxt < c]
    sc, stt = np.concatenate(stay_city), np.concatenate(stay_tour)
    np.add.at(visits[:, 0], sc, 1)
    np.add.at(visits[:, 1], sc, reached[stt])
    by_first = np.array([reached[first == j].mean() for j in range(c)])
    return by_first, visits[:, 1] / visits[:, 0], reached.mean()


def test_tour_reach_closed_form_equals_direct_simulation():
    rng = np.random.default_rng(11)
    by_first, per_visit, national = _simulate_tours(R3, P3, X3, S3, 400_000, rng)
    closed = tour_reach(R3[None], P3, X3)[0]
    np.testing.assert_allclose(closed, by_first, atol=0.004)
    tour, _, nat = visit_reach(R3[None], P3, X3, S3)
    np.testing.assert_allclose(tour[0], per_visit, atol=0.004)
    assert abs(nat[0] - national) < 0.004


def test_tour_reach_by_hand_for_two_cities():
    # A -> B with prob 1, B exits: not reached = (1 - pA)(1 - pB)
    P = np.array([[0.0, 1.0], [0.0, 0.0]])
    out = tour_reach(np.array([[0.2, 0.5]]), P, np.array([0.0, 1.0]))[0]
    np.testing.assert_allclose(out, [1 - 0.8 * 0.5, 0.5])


def test_reach_per_woman_by_hand():
    # half the women come once, half twice: 1 - (0.5·0.7 + 0.5·0.49)
    out = reach_per_woman(np.array([0.3]), np.array([1, 2, 1, 2]))
    np.testing.assert_allclose(out, [1 - (0.5 * 0.7 + 0.5 * 0.49)])
    assert reach_per_woman(np.array([0.3]), np.ones(5, dtype=int))[0] == pytest.approx(0.3)


def test_tour_flows_counts_moves_exits_and_censoring():
    d = pd.to_datetime
    stays = pd.DataFrame(
        {
            "person_id": ["a", "a", "a", "b", "c"],
            "city": ["X", "Y", "X", "Y", "X"],
            "start": d(["2024-01-01", "2024-01-12", "2024-06-01", "2024-02-01", "2024-12-20"]),
            "end": d(["2024-01-10", "2024-01-20", "2024-06-05", "2024-02-03", "2024-12-28"]),
        }
    )
    stays.attrs.update(gap_days=7, data_end=pd.Timestamp("2024-12-31"))
    f = tour_flows(stays)
    assert f.cities == ["X", "Y"]
    np.testing.assert_array_equal(f.moves, [[0, 1], [0, 0]])
    # X: a's June stay exits, c is censored (ends 3 days before the data end); Y: a, b exit
    np.testing.assert_array_equal(f.exits, [1, 2])
    np.testing.assert_array_equal(f.starts, [3, 1])
    P, x, s = f.probabilities(np.random.default_rng(0), n=50)
    assert P.shape == (51, 2, 2) and np.allclose(P.sum(axis=2) + x, 1.0)
    # replicates from reweighted women: unit weights give the point estimate; a weight of
    # 0 for woman a removes her move and her exits (by hand), 2 for b doubles Y's exit
    from capacity.models.tours import tour_flow_replicates

    def weights(persons, start, n):
        w = np.ones((len(persons), n))
        w[list(persons).index("a"), 1] = 0.0
        w[list(persons).index("b"), 1] = 2.0
        return w

    P, x, s, q = tour_flow_replicates(stays, weights, 2)
    P0, x0, s0 = f.probabilities()
    np.testing.assert_allclose(P[1], P0[0])
    np.testing.assert_allclose(x[1], x0[0])
    np.testing.assert_allclose(s[1], s0[0])
    # replicate 2 (row 2): no stay ending in X is left (c's is censored): X keeps its point
    # row; Y only exits (b, twice); tours start in X once (c) and in Y twice (b)
    np.testing.assert_allclose(P[2, 0], P0[0, 0])
    np.testing.assert_allclose(P[2, 1], [0.0, 0.0])
    np.testing.assert_allclose(x[2], [x0[0, 0], 1.0])
    np.testing.assert_allclose(s[2], [1 / 3, 2 / 3])
    assert q.shape == (3,) and q[0] == f.seen_next


def test_tour_flows_with_twenty_cities_counts_every_move():
    # pandas stores the codes of up to 127 categories as int8: 20 cities made the cell index
    # n·n + c overflow (the 1 M national benchmark crashed; 12+ cities wrapped c·n silently)
    d = pd.to_datetime
    names = [f"C{i:02d}" for i in range(20)]
    rows = []
    for k, (a, b) in enumerate(zip(names, names[::-1], strict=True)):
        rows += [
            (f"p{k}", a, "2024-01-01", "2024-01-05"),
            (f"p{k}", b, "2024-01-08", "2024-01-12"),
        ]
    stays = pd.DataFrame(rows, columns=["person_id", "city", "start", "end"])
    stays["start"], stays["end"] = d(stays["start"]), d(stays["end"])
    stays.attrs.update(gap_days=7, data_end=pd.Timestamp("2024-12-31"))
    f = tour_flows(stays)
    expected = np.zeros((20, 20))
    for a, b in zip(names, names[::-1], strict=True):
        expected[names.index(a), names.index(b)] += 1
    np.testing.assert_array_equal(f.moves, expected)
    np.testing.assert_array_equal(f.exits, np.ones(20))
    np.testing.assert_array_equal(f.starts, np.ones(20))


def _chain(data):
    c = data.draw(st.integers(2, 4))
    raw = np.array(data.draw(st.lists(st.floats(0, 1), min_size=c * (c + 1), max_size=c * (c + 1))))
    raw = raw.reshape(c, c + 1) + 1e-3
    np.fill_diagonal(raw[:, :c], 0.0)
    raw /= raw.sum(axis=1, keepdims=True)
    P, x = raw[:, :c], raw[:, c]
    s = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=c, max_size=c)))
    cap = np.array(data.draw(st.lists(st.floats(0.001, 20), min_size=c, max_size=c)))
    return P, x, s / s.sum(), cap


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_tour_reach_at_least_reach_in_first_city(data):
    P, x, s, cap = _chain(data)
    p = capacity_reach(cap)(np.ones_like(cap))[None]
    assert np.all(tour_reach(p, P, x) >= p - 1e-12)
    tour, _, _ = visit_reach(p, P, x, s)
    assert np.all(tour >= p - 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data(), st.floats(0, 1), st.floats(0, 1))
def test_more_coordination_never_lowers_tour_reach(data, t1, t2):
    P, x, s, cap = _chain(data)
    lo, hi = sorted((t1, t2))
    f = capacity_reach(cap[None])
    p_lo = coordinated_reach(f, P, x, s, lo)
    p_hi = coordinated_reach(f, P, x, s, hi)
    assert np.all(tour_reach(p_hi, P, x) >= tour_reach(p_lo, P, x) - 1e-9)
    assert np.all(visit_reach(p_hi, P, x, s)[2] >= visit_reach(p_lo, P, x, s)[2] - 1e-9)


@settings(max_examples=40, deadline=None)
@given(st.data(), st.floats(1.0, 5.0), st.integers(0, 3))
def test_more_staff_never_lowers_any_reach(data, factor, which):
    P, x, s, cap = _chain(data)
    more = cap.copy()
    more[which % len(cap)] *= factor
    for coord in (0.0, 1.0):
        p0 = coordinated_reach(capacity_reach(cap[None]), P, x, s, coord)
        p1 = coordinated_reach(capacity_reach(more[None]), P, x, s, coord)
        assert np.all(p1 >= p0 - 1e-9)
        assert np.all(tour_reach(p1, P, x) >= tour_reach(p0, P, x) - 1e-9)
        assert np.all(visit_reach(p1, P, x, s)[0] >= visit_reach(p0, P, x, s)[0] - 1e-9)
        k = np.array([1, 2, 3])
        assert np.all(reach_per_woman(p1, k) >= reach_per_woman(p0, k) - 1e-12)
