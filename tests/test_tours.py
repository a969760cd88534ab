"""Reach per woman and per tour, and coordination between cities (capacity.models.tours)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.models.tours import (
    balanced_starts,
    capacity_reach,
    chain_by_language,
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


def test_tours_language_by_language_equal_a_direct_simulation():
    """Women of two languages (60 % / 40 %, the same shares in every city); a woman of
    language L is reached in a stay in city c with chance p_cL. The mixed closed form equals
    a simulation of each language's tours mixed with the shares, and differs from chaining
    the average reach (the old single-city chain) by more than the simulation error."""
    p = np.array([[0.5, 0.05], [0.3, 0.0], [0.6, 0.1]])  # (C, L)
    pi = np.array([0.6, 0.4])
    rng = np.random.default_rng(12)
    sims = [_simulate_tours(p[:, k], P3, X3, S3, 300_000, rng) for k in range(2)]
    per_visit = sum(w * sim[1] for w, sim in zip(pi, sims, strict=True))
    national = sum(w * sim[2] for w, sim in zip(pi, sims, strict=True))
    tour, before, nat = chain_by_language(p[None], P3, X3, S3, pi[None])
    np.testing.assert_allclose(tour[0], per_visit, atol=0.004)
    assert abs(nat[0] - national) < 0.004
    average, _, nat_avg = visit_reach((p @ pi)[None], P3, X3, S3)
    assert np.all(average[0] - tour[0] > 0.01) and nat_avg[0] - nat[0] > 0.01
    # one language: the plain chain
    one, b1, n1 = chain_by_language(R3[None, :, None], P3, X3, S3, np.ones((1, 1)))
    t0, b0, n0 = visit_reach(R3[None], P3, X3, S3)
    np.testing.assert_allclose(one, t0)
    np.testing.assert_allclose(b1, b0)
    np.testing.assert_allclose(n1, n0)


def test_tour_starts_from_the_balance_of_arrivals_and_moves():
    """Tours of the three-city chain with each stay seen with a chance that depends on the
    city. Counting a tour's start at its first seen stay puts the tours whose first stay was
    not seen in a later city (the big first city's share too low); the balance of arrivals
    (seen stays over the seen share) and moves gives the true shares back. By hand: with
    every tour A then B, B's arrivals are all moves and every tour starts in A."""
    rng = np.random.default_rng(13)
    seen_share = np.array([0.5, 0.9, 0.8])
    n, c = 300_000, 3
    cum = np.cumsum(np.c_[P3, X3], axis=1)
    city = rng.choice(c, size=n, p=S3)
    first_seen = np.full(n, -1)
    seen_stays = np.zeros(c)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        seen = rng.random(len(idx)) < seen_share[city[idx]]
        np.add.at(seen_stays, city[idx][seen], 1)
        new = idx[seen & (first_seen[idx] < 0)]
        first_seen[new] = city[new]
        nxt = (rng.random(len(idx))[:, None] > cum[city[idx]]).sum(axis=1)
        alive[idx[nxt == c]] = False
        city[idx[nxt < c]] = nxt[nxt < c]
    counted = np.bincount(first_seen[first_seen >= 0], minlength=c) / (first_seen >= 0).sum()
    assert abs(counted[0] - S3[0]) > 0.05  # the first seen stay's count is biased
    arrivals = seen_stays / seen_share
    out = balanced_starts(P3[None], arrivals[None], counted[None])[0]
    np.testing.assert_allclose(out, S3, atol=0.005)
    # by hand, and a draw whose balance leaves no start keeps the counted shares
    P = np.array([[[0.0, 1.0], [0.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]])
    got = balanced_starts(P, np.array([[2.0, 2.0], [1.0, 1.0]]), np.array([0.3, 0.7]))
    np.testing.assert_allclose(got, [[1.0, 0.0], [0.3, 0.7]])


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


def _by_language(cap, m):
    """``reach_at`` per language: capacity against arrivals times the usable share ``m_L``."""

    def reach_at(mult):
        return capacity_reach(cap[None])(mult)[:, :, None] * m[None, None, :]

    return reach_at


@settings(max_examples=40, deadline=None)
@given(st.data(), st.floats(0, 1), st.floats(0, 1), st.floats(1.0, 5.0), st.integers(0, 3))
def test_language_chain_invariants(data, t1, t2, factor, which):
    """Language by language: tour reach ≥ reach per stay in the city, more coordination and
    more staff in any city never lower it."""
    P, x, s, cap = _chain(data)
    m = np.array(data.draw(st.lists(st.floats(0, 1), min_size=2, max_size=2)))
    pi = np.array([[0.7, 0.3]])

    def before(p):
        return chain_by_language(p, P, x, s, pi)[1]

    f = _by_language(cap, m)
    p0 = f(np.ones((1, len(cap))))
    tour, _, nat = chain_by_language(p0, P, x, s, pi)
    assert np.all(tour >= (p0 * pi[:, None, :]).sum(axis=2) - 1e-12)
    lo, hi = sorted((t1, t2))
    p_lo = coordinated_reach(f, P, x, s, lo, before=before)
    p_hi = coordinated_reach(f, P, x, s, hi, before=before)
    t_lo, _, n_lo = chain_by_language(p_lo, P, x, s, pi)
    t_hi, _, n_hi = chain_by_language(p_hi, P, x, s, pi)
    assert np.all(t_hi >= t_lo - 1e-9) and np.all(n_hi >= n_lo - 1e-9)
    more = cap.copy()
    more[which % len(cap)] *= factor
    for coord in (0.0, 1.0):
        a = coordinated_reach(f, P, x, s, coord, before=before)
        b = coordinated_reach(_by_language(more, m), P, x, s, coord, before=before)
        assert np.all(b >= a - 1e-9)
        ta, _, na = chain_by_language(a, P, x, s, pi)
        tb, _, nb = chain_by_language(b, P, x, s, pi)
        assert np.all(tb >= ta - 1e-9) and np.all(nb >= na - 1e-9)
