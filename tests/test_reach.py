"""Reach before departure: hand-computed values, simulation and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.exceptions import ParameterError
from capacity.models.reach import (
    empirical_laplace,
    erlang_a_served,
    exponential_laplace,
    reach_random,
    reach_screening,
    saturated,
)


def test_exponential_special_case_is_capacity_over_capacity_plus_arrivals():
    # κ = 30 contacts/week, A = 10 arrivals/week: p = 30/(30+10) = 0.75 for any mean stay
    for mean in (3.0, 14.0, 90.0):
        p = reach_random(30.0, 10.0, exponential_laplace(mean), mean)
        assert float(p) == pytest.approx(0.75)
    # with a language factor m = 0.5: κm/(κm + A) = 15/25
    p = reach_random(30.0, 10.0, exponential_laplace(14.0), 14.0, language_factor=0.5)
    assert float(p) == pytest.approx(0.6)


def test_fixed_stay_length_by_hand():
    # every stay 14 days, A = 7/week, κ = 7/week: N = 14, h = 1/14 per day, p = 1 - e^-1
    p = reach_random(7.0, 7.0, empirical_laplace([14.0]), 14.0)
    assert float(p) == pytest.approx(1 - np.exp(-1.0))


def test_mobility_lowers_reach_for_same_number_present():
    # N fixed at 20 present; exponential stays of 14 days (A = 10/wk) vs 7 days (A = 20/wk)
    slow = reach_random(20.0, 10.0, exponential_laplace(14.0), 14.0)
    fast = reach_random(20.0, 20.0, exponential_laplace(7.0), 7.0)
    assert float(fast) < float(slow)


def test_random_reach_matches_simulation():
    rng = np.random.default_rng(1)
    stays = rng.lognormal(np.log(14), 1.0, 200_000)
    kappa, arrivals = 12.0, 8.0
    h = kappa / (arrivals * stays.mean())
    # each person: first contact time ~ Exp(h); reached if before stay ends
    simulated = np.mean(rng.exponential(1 / h, stays.size) < stays)
    model = reach_random(kappa, arrivals, empirical_laplace(stays), stays.mean())
    assert float(model) == pytest.approx(simulated, abs=0.005)


def test_erlang_a_by_hand_and_limits():
    # M/M/1+M with λ = μ = γ = 1: the chain is Poisson(1), E[Q] = e^-1
    assert erlang_a_served(1.0, 1.0, 1.0, 1.0) == pytest.approx(1 - np.exp(-1))
    # overload: served share tends to the capacity-limited share cμ/λ
    assert erlang_a_served(50.0, 1.0, 30.0, 0.001) == pytest.approx(0.6, abs=0.01)
    # ample capacity and patient customers: nearly everyone is served
    assert erlang_a_served(5.0, 1.0, 20.0, 0.01) > 0.999


def test_erlang_a_matches_simulation():
    """Brute-force event simulation of an M/M/2+M queue."""
    rng = np.random.default_rng(7)
    lam, mu, c, gamma = 3.0, 1.0, 2, 0.5
    t, n, served, arrived = 0.0, 0, 0, 0
    for _ in range(200_000):
        rates = np.array([lam, min(n, c) * mu, max(n - c, 0) * gamma])
        total = rates.sum()
        t += rng.exponential(1 / total)
        event = rng.choice(3, p=rates / total)
        if event == 0:
            n += 1
            arrived += 1
        else:
            n -= 1
            served += event == 1
    assert erlang_a_served(lam, mu, c, gamma) == pytest.approx(served / arrived, abs=0.01)


def test_screening_language_factor_and_saturation():
    full = float(reach_screening(10.0, 20.0, 2.0, 14.0))
    half = float(reach_screening(10.0, 20.0, 2.0, 14.0, language_factor=0.5))
    assert half == pytest.approx(full / 2)
    assert saturated(50.0, 10.0, 2.0) and not saturated(10.0, 10.0, 2.0)
    assert float(reach_screening(10.0, 20.0, 0.0, 14.0)) == 0.0


def test_bad_inputs_are_refused():
    with pytest.raises(ParameterError):
        exponential_laplace(0.0)
    with pytest.raises(ParameterError):
        empirical_laplace([-1.0, 2.0])
    with pytest.raises(ParameterError):
        reach_random(1.0, -1.0, exponential_laplace(1.0), 1.0)
    # zero arrivals is an edge with a defined answer, not an error (tests/test_model_edges.py)
    assert float(reach_random(1.0, 0.0, exponential_laplace(1.0), 1.0)) == 1.0


stays_st = st.lists(st.floats(0.5, 200.0), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(stays_st, st.floats(0.1, 200), st.floats(0.1, 200), st.floats(1.01, 5.0))
def test_reach_invariants(stays, kappa, arrivals, more):
    t = np.array(stays)
    p = float(reach_random(kappa, arrivals, empirical_laplace(t), t.mean()))
    assert 0.0 <= p <= 1.0
    # more staff never lowers reach
    assert float(reach_random(kappa * more, arrivals, empirical_laplace(t), t.mean())) >= p - 1e-12
    # shorter stays with the same number present (arrivals rise) never raise it
    short = t / more
    p_short = reach_random(kappa, arrivals * more, empirical_laplace(short), short.mean())
    assert float(p_short) <= p + 1e-12
    # row order never changes the answer
    rev = t[::-1]
    assert float(reach_random(kappa, arrivals, empirical_laplace(rev), rev.mean())) == (
        pytest.approx(p)
    )


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 60), st.floats(1, 50), st.floats(0.1, 20), st.floats(1, 120))
def test_screening_more_staff_never_lowers_reach(arrivals, mu, fte, stay):
    p = float(reach_screening(arrivals, mu, fte, stay))
    assert 0.0 <= p <= 1.0
    assert float(reach_screening(arrivals, mu, fte * 1.5, stay)) >= p - 1e-9
    assert float(reach_screening(arrivals, mu, fte, stay / 2)) <= p + 1e-9


def test_search_scale_multiplies_the_search_hazard_only():
    """Exponential stays: random search reach is ``κσ/(κσ + A)`` with the hazard scaled by
    ``σ`` (a month with half the persons present, ``σ = 2``: 20/(20 + 10) = 2/3 against
    10/(10 + 10)); screening's served share does not change with ``σ``; a mix keeps the
    independent form ``1 − (1 − P_s) L(σh)``."""
    from capacity.models.strategy import erlang_a_served_many, reach_mixture

    lap = exponential_laplace(14.0)
    kappa, a, t = np.array([10.0]), 10.0, 14.0
    search = reach_mixture(kappa, a, lap, t, 0.0, 1.0, search_scale=2.0)
    assert search[0, 0] == pytest.approx(2 / 3)
    assert reach_mixture(kappa, a, lap, t, 0.0, 1.0)[0, 0] == pytest.approx(0.5)
    screen = reach_mixture(kappa, a, lap, t, 1.0, 1.0, search_scale=2.0)
    assert screen[0, 0] == pytest.approx(reach_mixture(kappa, a, lap, t, 1.0, 1.0)[0, 0])
    half = reach_mixture(kappa, a, lap, t, 0.5, 1.0, search_scale=3.0)[0, 0]
    served = erlang_a_served_many(np.array([a]), kappa, np.array([0.5]), np.array([7 / t]))[0]
    h = 0.5 * 10.0 / (a * t) * 3.0
    assert half == pytest.approx(1 - (1 - served) / (1 + h * t))
