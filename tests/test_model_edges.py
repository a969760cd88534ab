"""Every queue and ratio of question 4 at its edges (issue 13, item 2): load exactly at
capacity, zero arrivals, zero staff, a single stay. Each gives a defined, finite answer in
[0, 1] (with a caveat where the answer is a limit), never an exception or NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from capacity.models.reach import (
    DAYS_PER_WEEK,
    empirical_laplace,
    erlang_a_served,
    exponential_laplace,
    reach_random,
    reach_screening,
)
from capacity.models.staffing import fte_needed
from capacity.models.support import erlang_b, erlang_c, support_before_leaving

rate = st.floats(0.0, 500.0, allow_nan=False)
positive = st.floats(0.01, 500.0, allow_nan=False)
days = st.floats(0.5, 400.0, allow_nan=False)


def _ok(p: float) -> None:
    assert math.isfinite(p) and 0.0 <= p <= 1.0, p


def test_issue_case_support_demand_exactly_at_capacity():
    """2.8 cases a week against 12 slots of 30 days: c·μ − λ is 0 in floating point."""
    q = support_before_leaving(2.8, 1.5, exponential_laplace(20.0), 20.0, case_days=30.0)
    assert q.servers * (DAYS_PER_WEEK / 30.0) - 2.8 == pytest.approx(0.0, abs=1e-12)
    assert not q.stable and q.caveat.key == "support.overloaded"
    assert "at or above casework capacity" in str(q.caveat)
    _ok(q.p_before_leaving)
    assert q.p_before_leaving == pytest.approx(q.p_erlang_a) and q.p_erlang_a > 0


@settings(max_examples=200, deadline=None)
@given(
    slots=st.integers(1, 200),
    case_days=st.sampled_from([7.0, 14.0, 30.0, 45.0, 90.0]),
    nudge=st.sampled_from([-1, 0, 1]),
    stay=days,
)
def test_support_at_capacity_never_divides_by_zero(slots, case_days, nudge, stay):
    """Load equal to the number of case slots, and one float step either side."""
    mu = DAYS_PER_WEEK / case_days
    lam = float(np.nextafter(slots * mu, np.inf * nudge)) if nudge else slots * mu
    q = support_before_leaving(
        lam, slots / 8.0, exponential_laplace(stay), stay, case_days=case_days
    )
    _ok(q.p_before_leaving)
    assert math.isfinite(q.mean_wait_days) or not q.stable


@settings(max_examples=200, deadline=None)
@given(cases=rate, fte=st.floats(0.0, 50.0), stay=st.floats(0.0, 400.0), case_days=days)
def test_support_is_defined_everywhere(cases, fte, stay, case_days):
    lap = exponential_laplace(stay) if stay > 0 else (lambda h: np.ones_like(np.asarray(h)))
    q = support_before_leaving(cases, fte, lap, stay, case_days=case_days)
    _ok(q.p_before_leaving)
    _ok(q.p_erlang_c)
    _ok(q.p_erlang_a)
    if cases == 0 or fte == 0 or stay == 0:
        assert q.caveat  # a limit, said in words
    if fte == 0 and cases >= 1e-9:  # below that a rate counts as zero
        assert q.p_before_leaving == 0.0


def test_support_with_a_single_stay():
    lap = empirical_laplace([12.0])
    q = support_before_leaving(0.5, 1.0, lap, 12.0)
    _ok(q.p_before_leaving)


@settings(max_examples=200, deadline=None)
@given(kappa=rate, arrivals=rate, stay=days, m=st.floats(0.0, 1.0))
def test_random_reach_is_defined_with_zero_arrivals_or_capacity(kappa, arrivals, stay, m):
    p = float(reach_random(kappa, arrivals, exponential_laplace(stay), stay, m))
    _ok(p)
    if arrivals == 0:
        assert p == (1.0 if kappa * m > 0 else 0.0)
    if kappa == 0 or m == 0:
        assert p == 0.0 or arrivals == 0


@settings(max_examples=200, deadline=None)
@given(arrivals=rate, per_fte=rate, fte=st.floats(0.0, 100.0), stay=days)
def test_screening_reach_is_defined_at_every_edge(arrivals, per_fte, fte, stay):
    p = float(reach_screening(arrivals, per_fte, fte, stay))
    _ok(p)
    if fte == 0 or per_fte == 0:
        assert p == 0.0
    elif arrivals == 0:
        assert p == 1.0


@settings(max_examples=200, deadline=None)
@given(lam=rate, mu=positive, c=st.floats(0.0, 100.0), gamma=positive)
def test_erlang_a_is_a_share_at_every_load(lam, mu, c, gamma):
    _ok(erlang_a_served(lam, mu, c, gamma))


@settings(max_examples=200, deadline=None)
@given(c=st.integers(1, 300), below=st.floats(1e-9, 0.999))
def test_erlang_c_close_to_capacity(c, below):
    a = c * (1.0 - below)
    assume(a > 0)
    _ok(erlang_b(c, a))
    _ok(erlang_c(c, a))


@settings(max_examples=100, deadline=None)
@given(fte_now=st.floats(0.0, 20.0), target=st.floats(0.05, 0.95))
def test_fte_needed_with_no_staff_today(fte_now, target):
    need = fte_needed(lambda f: f / (f + 1.0), target, fte_now)
    assert math.isfinite(need.fte_needed) and need.fte_needed >= 0
    assert math.isfinite(need.gap)


def test_matrix_reach_with_zero_arrivals_and_zero_staff():
    from capacity.models.stays.table import StayTable
    from capacity.question4.draws import Inputs, effective_reach, reach_matrix

    stays = StayTable(  # one stay of 10 days and one of 20 in each draw, no tail
        times=np.array([[10.0, 20.0]] * 3),
        masses=np.array([[0.5, 0.5]] * 3),
        s_max=np.zeros(3),
        t_max=np.full(3, 20.0),
        tail_rate=np.ones(3),
        mean=np.full(3, 15.0),
    )
    inputs = Inputs(
        eta=np.array([0.5, 0.5, 0.0]),
        hours_per_fte=60.0,
        arrivals_observed=np.array([0.0, 3.0, 3.0]),
        detection=np.array([0.5, 0.5, 0.5]),
        stays=stays,
        pi=np.array([[1.0]] * 3),
        m=np.array([1.0]),
    )
    for strategy in ("random", "screening"):
        for fte in (0.0, 1.0):
            p_lang, p_any = reach_matrix(inputs, np.full(3, fte), strategy=strategy)
            assert np.isfinite(p_lang).all() and np.isfinite(p_any).all()
            assert ((0 <= p_any) & (p_any <= 1)).all()
        assert np.isfinite(effective_reach(inputs, np.zeros(3), strategy=strategy)).all()
