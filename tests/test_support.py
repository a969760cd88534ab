"""Support queue: Erlang B/C against hand and textbook formulas, simulation, fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.exceptions import ParameterError
from capacity.models.reach import empirical_laplace, exponential_laplace
from capacity.models.support import (
    erlang_b,
    erlang_c,
    residual_laplace,
    support_before_leaving,
)


def erlang_c_textbook(c: int, a: float) -> float:
    """Kleinrock (1975), Queueing Systems vol. 1, eq. (3.40): the finite-sum M/M/m form."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_hand_values():
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # (1/2·2) / (1 + 1 + 1)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)


@pytest.mark.parametrize("c,a", [(3, 2.0), (10, 8.5), (55, 48.0), (120, 110.0)])
def test_erlang_c_equals_textbook_sum(c, a):
    assert erlang_c(c, a) == pytest.approx(erlang_c_textbook(c, a), rel=1e-10)


def test_call_centre_example():
    # The classic call-centre worked example: 360 calls per half hour, 4-minute calls,
    # 55 agents -> traffic 48 erlangs, occupancy 0.873. Values from eq. (3.40):
    # P(wait) = 0.2387, mean wait = C·H/(m − A) = 8.18 s, P(answer within 15 s) = 0.846.
    c = erlang_c(55, 360 * 4 / 30)
    assert c == pytest.approx(0.2387, abs=5e-5)
    assert c * 240 / 7 == pytest.approx(8.18, abs=0.01)
    assert 1 - c * math.exp(-7 * 15 / 240) == pytest.approx(0.846, abs=5e-4)


def test_erlang_b_continuous_between_integers():
    values = [erlang_b(c, 3.0) for c in (2.0, 2.5, 3.0, 3.5, 4.0)]
    assert all(np.diff(values) < 0)


def test_unstable_erlang_c_is_refused():
    with pytest.raises(ParameterError, match="unstable"):
        erlang_c(2, 2.0)


def test_residual_laplace_of_exponential_is_itself():
    # memoryless: the remaining stay of an exponential stay is the same exponential
    lap = exponential_laplace(20.0)
    theta = np.array([0.0, 0.01, 0.5])
    assert residual_laplace(lap, 20.0)(theta) == pytest.approx(lap(theta))


def test_support_by_hand_exponential_stays():
    # 1 case/week, 1 casework FTE x 8 slots, 30-day cases: μ = 7/30 per week, a = 30/7
    q = support_before_leaving(1.0, 1.0, exponential_laplace(14.0), 14.0, case_days=30)
    a, c = 30 / 7, 8
    cw = erlang_c_textbook(c, a)
    theta = (c * 7 / 30 - 1.0) / 7
    assert q.stable and q.p_wait == pytest.approx(cw)
    assert q.p_erlang_c == pytest.approx(1 - cw / (1 + theta * 14.0))
    assert q.p_before_leaving == pytest.approx(max(q.p_erlang_c, q.p_erlang_a))


def test_support_matches_simulation():
    """Brute force: FCFS M/M/c (nobody leaves the queue) with exponential remaining stays."""
    rng = np.random.default_rng(3)
    lam, mu, c, n = 2.0, 0.25, 10, 60_000  # per week
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service = rng.exponential(1 / mu, n)
    free = np.zeros(c)
    waits = np.empty(n)
    for i in range(n):
        k = np.argmin(free)
        start = max(arrivals[i], free[k])
        waits[i] = start - arrivals[i]
        free[k] = start + service[i]
    remaining = rng.exponential(10.0 / 7.0, n)  # 10-day mean stay, in weeks
    simulated = np.mean(waits[5000:] < remaining[5000:])
    q = support_before_leaving(
        lam, c / 8, exponential_laplace(10.0), 10.0, case_days=28.0, caseload_per_fte=8
    )
    assert q.p_erlang_c == pytest.approx(simulated, abs=0.02)


def test_overloaded_support_falls_back_to_capacity_share():
    q = support_before_leaving(10.0, 1.0, exponential_laplace(14.0), 14.0, case_days=35)
    # servers 8, load 10·5 = 50 erlangs: the capacity-limited share is 8/50 (fluid limit);
    # with persons leaving (mean 14 days) the Erlang A share is just below it
    assert not q.stable and q.p_before_leaving == pytest.approx(8 / 50, abs=0.01)
    assert q.p_before_leaving <= 8 / 50
    assert support_before_leaving(0.0, 1.0, exponential_laplace(9.0), 9.0).p_before_leaving == 1


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 10), st.floats(0.2, 10), st.lists(st.floats(1, 200), min_size=1))
def test_support_invariants(cases, fte, stays):
    t = np.array(stays)
    lap = empirical_laplace(t)
    p = support_before_leaving(cases, fte, lap, t.mean()).p_before_leaving
    assert 0 <= p <= 1
    assert support_before_leaving(cases, fte * 1.1, lap, t.mean()).p_before_leaving >= p - 1e-9
    assert support_before_leaving(cases, fte * 2, lap, t.mean()).p_before_leaving >= p - 1e-9
