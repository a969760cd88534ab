"""Erlang A for many queues on a window of states around each mode (question-4 speed).

:func:`capacity.models.strategy.erlang_a_served_many` solves large queues on a window of
states instead of the whole padded space; these tests check it against the scalar solver
on the whole space (:func:`capacity.models.reach.erlang_a_served`) and against extended
precision, on queues as large as the national benchmark's (about 2,000 women present).
"""

from __future__ import annotations

import numpy as np
import pytest

import capacity.models.strategy as strategy
from capacity.models.reach import erlang_a_served
from capacity.models.strategy import erlang_a_served_many


def _queues(seed: int, n: int = 40):
    rng = np.random.default_rng(seed)
    lam = rng.uniform(1.0, 300.0, n)
    gamma = rng.uniform(0.005, 0.5, n)
    mu = np.exp(rng.uniform(np.log(0.01), np.log(50.0), n))
    c = np.exp(rng.uniform(np.log(0.05), np.log(200.0), n))
    return lam, mu, c, gamma


def _long_double(lam, mu, c, gamma, size: int) -> float:
    """The served share on the whole space ``0…size`` in extended precision."""
    ld = np.longdouble
    k = np.arange(1, size + 1).astype(ld)
    death = np.minimum(k, ld(c)) * ld(mu) + np.maximum(k - ld(c), 0) * ld(gamma)
    log_pi = np.concatenate([[ld(0)], np.cumsum(np.log(ld(lam)) - np.log(death))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    queue = np.maximum(np.arange(size + 1).astype(ld) - ld(c), 0)
    return float(1 - ld(gamma) * (queue * pi).sum() / ld(lam))


def _size(lam, c, gamma) -> int:
    return int(np.ceil(np.max(c + lam / gamma + 12.0 * np.sqrt(lam / gamma) + 30.0)))


def _count_whole_space(monkeypatch) -> list[int]:
    """Rows solved on the whole space (by ``_served_full``), one entry per call."""
    calls: list[int] = []
    whole = strategy._served_full

    def counted(*args):
        calls.append(len(args[0]))
        return whole(*args)

    monkeypatch.setattr(strategy, "_served_full", counted)
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_large_queues_on_a_window_equal_the_whole_space(seed, monkeypatch):
    lam, mu, c, gamma = _queues(seed)
    size = _size(lam, c, gamma)
    whole = _count_whole_space(monkeypatch)
    many = erlang_a_served_many(lam, mu, c, gamma)
    assert sum(whole) < len(lam) / 2  # the window is what most of these queues use
    one = [erlang_a_served(*v) for v in zip(lam, mu, c, gamma, strict=True)]
    # the scalar solver cuts each queue at its own size, the many-queue one at the largest
    np.testing.assert_allclose(many, one, rtol=0, atol=1e-11)
    for i in range(0, len(lam), 8):
        assert abs(many[i] - _long_double(lam[i], mu[i], c[i], gamma[i], size)) < 1e-13


def test_rows_whose_tail_bound_is_too_large_use_the_whole_space(monkeypatch):
    lam, mu, c, gamma = _queues(4)
    size = _size(lam, c, gamma)
    windowed = erlang_a_served_many(lam, mu, c, gamma)
    full = strategy._served_full(lam, mu, c, gamma, size)
    calls = _count_whole_space(monkeypatch)
    monkeypatch.setattr(strategy, "WINDOW_TOLERANCE", -1.0)  # no window is ever good enough
    every_row_full = erlang_a_served_many(lam, mu, c, gamma)
    assert calls == [len(lam)]
    np.testing.assert_array_equal(every_row_full, full)
    np.testing.assert_allclose(windowed, full, rtol=0, atol=1e-11)


def test_a_narrow_space_is_solved_whole(monkeypatch):
    """Small queues (the window would not be much smaller) take the whole space."""
    lam, mu, c, gamma = (
        np.array([5.0, 20.0]),
        np.array([3.0, 2.0]),
        np.array([1.0, 4.5]),
        np.ones(2),
    )
    whole = _count_whole_space(monkeypatch)
    many = erlang_a_served_many(lam, mu, c, gamma)
    assert whole == [2]
    one = [erlang_a_served(*v) for v in zip(lam, mu, c, gamma, strict=True)]
    np.testing.assert_allclose(many, one, rtol=0, atol=1e-12)
