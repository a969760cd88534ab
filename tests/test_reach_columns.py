"""Reach is computed once per distinct usable share (languages share a few of them)."""

from __future__ import annotations

import numpy as np
import pytest
from shared import random_stay_table

from capacity.models.reach import strategy
from capacity.models.stays.table import StayTable


def _stays(d: int, seed: int = 3) -> StayTable:
    return random_stay_table(d, seed, points=12, last_day=90.0, tail=0.1, tail_mean=30.0)


class _Counted:
    """A stay table whose Laplace transform records how many columns it is asked for."""

    def __init__(self, table: StayTable):
        self.table, self.mean, self.columns = table, table.mean, []

    def laplace(self, h):
        self.columns.append(np.shape(h)[-1])
        return self.table.laplace(h)


@pytest.mark.parametrize("name", ["estimated", "random"])
def test_languages_with_the_same_usable_share_are_computed_once(name):
    d = 6
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0.2, 0.6, d), rng.uniform(0.6, 0.9, d)
    m = np.column_stack([a, b, a, np.ones(d), b, a])  # 3 distinct columns; "any" is 1 too
    stays = _Counted(_stays(d))
    strat = strategy(name)
    extra = {"share": np.full(d, 0.4)} if strat.needs_share else {}
    rate, fte, arrivals, s = np.full(d, 3.0), np.linspace(1, 6, d), np.full(d, 8.0), np.ones(d)
    p_lang, p_any = strat.reach(rate, fte, arrivals, stays, m, s, **extra)
    assert set(stays.columns) == {3}
    for j in range(m.shape[1]):  # each language alone (with the column "any")
        alone, _ = strat.reach(rate, fte, arrivals, stays.table, m[:, [j]], s, **extra)
        np.testing.assert_allclose(p_lang[:, j], alone[:, 0], rtol=1e-14, atol=0)
    alone_any = strat.reach(rate, fte, arrivals, stays.table, m[:, :1], s, **extra)[1]
    np.testing.assert_allclose(p_any, alone_any, rtol=1e-14, atol=0)
    assert p_lang.shape == m.shape and (p_lang[:, 0] == p_lang[:, 2]).all()
