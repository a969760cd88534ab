"""The support queue for many draws at once equals the one-draw queue, draw by draw."""

from __future__ import annotations

import numpy as np
import pytest
from shared import random_stay_table

from capacity.exceptions import ParameterError
from capacity.models.stays.table import StayTable
from capacity.models.support import p_before_leaving_many, support_before_leaving


def _stays(d: int, seed: int = 5) -> StayTable:
    return random_stay_table(d, seed, points=15, last_day=120.0, tail=0.15, tail_mean=40.0)


def _one(table: StayTable, i: int, cases: float, fte: float, s: float, **kw) -> float:
    row = table.take(np.array([i]))

    def lap(h):
        return row.laplace(np.atleast_1d(np.asarray(h, dtype=float))[None, :] * s)[0]

    return support_before_leaving(cases, fte, lap, float(row.mean[0] * s), **kw).p_before_leaving


@pytest.mark.parametrize("fte", [0.0, 0.3, 2.0, 9.0])
@pytest.mark.parametrize("s", [1.0, 0.6])
def test_many_draws_equal_one_draw_at_a_time(fte, s):
    d = 40
    table = _stays(d)
    rng = np.random.default_rng(int(fte * 10 + s * 100))
    cases = rng.uniform(0.0, 12.0, d)
    cases[:3] = [0.0, 1e-12, 30.0]  # no cases, a rate below a billionth, an overloaded queue
    kw = {"case_days": 30.0, "caseload_per_fte": 12.0}
    many = p_before_leaving_many(cases, fte, lambda h: table.laplace(h * s), table.mean * s, **kw)
    one = [_one(table, i, float(cases[i]), fte, s, **kw) for i in range(d)]
    np.testing.assert_allclose(many, one, rtol=1e-13, atol=1e-15)
    assert many[0] == 1.0  # nobody waits when no case comes


def test_bad_inputs_are_refused_as_for_one_draw():
    table = _stays(2)
    with pytest.raises(ParameterError):
        p_before_leaving_many(np.array([1.0, -1.0]), 1.0, table.laplace, table.mean)
    with pytest.raises(ParameterError):
        p_before_leaving_many(np.array([1.0, np.nan]), 1.0, table.laplace, table.mean)


@pytest.mark.parametrize("target", [0.3, 0.8, 0.99])
def test_casework_bisections_in_step_equal_one_at_a_time(target):
    from capacity.question4.support_chain import _casework_fte_needed_rates, casework_fte_needed

    table = _stays(1, seed=7)

    def lap(h):
        return table.laplace(np.atleast_1d(np.asarray(h, dtype=float))[None, :] * 0.8)[0]

    mean = float(table.mean[0] * 0.8)
    kw = {"target": target, "case_days": 30.0, "caseload_per_fte": 12.0}
    rates = np.r_[0.0, np.linspace(0.01, 40.0, 11)]
    many = _casework_fte_needed_rates(rates, lap, mean, **kw)
    one = [casework_fte_needed(r, lap, mean, **kw) for r in rates]
    np.testing.assert_allclose(many, one, rtol=1e-12, atol=0)
    assert many[0] == 0.0 and (np.diff(many[1:]) > 0).all()
