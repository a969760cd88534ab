"""Staffing needed: root-finding, unreachable targets, monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.exceptions import ParameterError
from capacity.models.reach import exponential_laplace, reach_random
from capacity.models.staffing import fte_needed, fte_needed_many


def test_exponential_closed_form():
    # reach = κ/(κ + A) with κ = η·H·f: f = target·A / ((1 − target)·η·H)
    eta, hours, arrivals, target = 0.5, 40.0, 30.0, 0.8

    def reach(f):
        return float(reach_random(eta * hours * f, arrivals, exponential_laplace(20.0), 20.0))

    need = fte_needed(reach, target, 2.0)
    assert need.fte_needed == pytest.approx(
        target * arrivals / ((1 - target) * eta * hours), abs=1e-3
    )
    assert need.gap == pytest.approx(need.fte_needed - 2.0)
    assert need.reach_now == pytest.approx(40 / 70)
    assert need.caveat is None


def test_unreachable_target_names_languages():
    need = fte_needed(lambda f: 0.9 * f / (f + 1), 0.95, 3.0, ceiling=0.9, blocked_languages=["ti"])
    assert np.isinf(need.fte_needed) and np.isinf(need.gap)
    assert need.caveat.key == "staffing.unreachable" and need.caveat.fields["languages"] == ("ti",)
    assert "Tigrinya" in str(need.caveat) and "90%" in str(need.caveat)


def test_already_met_needs_nothing_extra_and_bad_target():
    assert fte_needed(lambda f: 0.95, 0.8, 1.0).fte_needed == 0.0
    with pytest.raises(ParameterError):
        fte_needed(lambda f: f, 1.0, 1.0)


def test_vectorised_bisection_matches_brent():
    a = np.array([10.0, 30.0, 80.0])

    def reach(f):
        k = 20.0 * f
        return k / (k + a)

    many = fte_needed_many(reach, 0.7, 3)
    single = [fte_needed(lambda f, ai=ai: 20 * f / (20 * f + ai), 0.7, 1.0).fte_needed for ai in a]
    assert many == pytest.approx(single, abs=1e-4)
    capped = fte_needed_many(lambda f: 0.5 * f / (f + 1), 0.7, 2)
    assert np.isinf(capped).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(1, 200), st.floats(0.05, 3), st.floats(0.05, 0.9), st.floats(0.01, 0.09))
def test_fte_needed_monotone_in_target(arrivals, eta, target, step):
    def reach(f):
        return float(reach_random(eta * 40 * f, arrivals, exponential_laplace(10.0), 10.0))

    low = fte_needed(reach, target, 1.0).fte_needed
    high = fte_needed(reach, target + step, 1.0).fte_needed
    assert high >= low
    assert reach(low) == pytest.approx(target, abs=1e-3)
