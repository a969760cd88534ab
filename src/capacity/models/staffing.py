"""Staffing needed: the outreach FTE at which effective reach meets the target.

Effective reach is increasing in outreach FTE, so the FTE needed is the root of
``reach(fte) − target``, found by bisection for many Monte Carlo draws at once
(:func:`fte_needed_many`; :func:`fte_needed` is the same solver for one draw). When the languages make the
target unreachable at any FTE (speakers of some languages can be met neither by staff nor
through an interpreter), the answer is ``inf`` and the caveat names those languages. See
``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.exceptions import ParameterError
from capacity.models._base import Caveat, Results, tidy

MAX_FTE = 10_000.0


@dataclass(frozen=True, repr=False)
class StaffingNeed(Results):
    """FTE needed for a target, the gap to today and why it may be unreachable.

    A computation from given inputs (a reach curve and a target), not an estimate: its
    tidy frame has no standard errors or intervals (NaN). The uncertainty of the FTE
    needed comes from the Monte Carlo draws of question 4
    (:meth:`capacity.question4.Question4Result.summary_frame`, ``fte_needed``).
    """

    target: float
    fte_now: float
    fte_needed: float
    reach_now: float
    caveat: Caveat | None = None
    title: str = "Outreach FTE needed for the target reach"

    @property
    def gap(self) -> float:
        """``fte_needed − fte_now`` (negative when today's staff exceeds the need)."""
        return self.fte_needed - self.fte_now

    @property
    def caveats(self) -> tuple[Caveat, ...]:
        """The caveat, if any, as the one-element tuple every result has."""
        return (self.caveat,) if self.caveat is not None else ()

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Rows ``fte_needed``, ``fte_now``, ``fte_gap``, ``reach_now``, ``target`` (no SEs)."""
        self._alpha(alpha)
        nan = float("nan")
        rows = {
            "fte_needed": self.fte_needed,
            "fte_now": self.fte_now,
            "fte_gap": self.gap,
            "reach_now": self.reach_now,
            "target": self.target,
        }
        return tidy({k: (v, nan, nan, nan) for k, v in rows.items()})


def fte_needed(
    reach: Callable[[float], float],
    target: float,
    fte_now: float,
    *,
    ceiling: float | None = None,
    blocked_languages: list[str] | tuple[str, ...] = (),
    xtol: float = 1e-7,
) -> StaffingNeed:
    """Smallest outreach FTE whose effective reach meets ``target``.

    Parameters
    ----------
    reach : callable
        ``fte -> effective reach`` in [0, 1], non-decreasing in ``fte``.
    target : float
        Target effective reach in (0, 1).
    fte_now : float
        Today's outreach FTE (for the gap).
    ceiling : float, optional
        Largest reach attainable at unlimited FTE (``Σ_{L: m_L > 0} π_L``); a target at or
        above it returns ``inf``.
    blocked_languages : sequence of str
        Languages with ``m_L = 0``, named in the caveat when the target is unreachable.
    xtol : float
        Absolute tolerance in FTE.

    Returns
    -------
    StaffingNeed

    Notes
    -----
    Solves ``reach(f) = target`` on ``[0, f_hi]`` by bisection, where ``f_hi`` is doubled
    from ``max(1, fte_now)`` until ``reach(f_hi) ≥ target`` (up to :data:`MAX_FTE`).
    Monotonicity of ``reach`` makes the root unique. This is :func:`fte_needed_many` for
    one draw — the same solver the Monte Carlo draws use — with enough steps for ``xtol``.

    References
    ----------
    Burden, R. L. and Faires, J. D. (2011). *Numerical Analysis*, 9th ed., §2.1 (bisection).

    Examples
    --------
    >>> need = fte_needed(lambda f: f / (f + 1.0), 0.8, 2.0)
    >>> round(need.fte_needed, 3), round(need.gap, 3)
    (4.0, 2.0)
    """
    if not 0 < target < 1:
        raise ParameterError(f"target reach must lie in (0, 1), got {target!r}.")
    reach_now = float(reach(fte_now)) if fte_now > 0 else 0.0
    if ceiling is not None and target >= ceiling - 1e-12:
        caveat = Caveat(
            "staffing.unreachable",
            target=target,
            ceiling=ceiling,
            languages=tuple(blocked_languages),
        )
        return StaffingNeed(target, fte_now, float("inf"), reach_now, caveat)

    hi = max(1.0, float(fte_now))
    steps = int(np.ceil(np.log2(max(hi, MAX_FTE) / xtol))) + 1
    root = float(
        fte_needed_many(
            lambda f: np.array([float(reach(float(f[0])))]), target, 1, hi=hi, iterations=steps
        )[0]
    )
    if not np.isfinite(root):
        caveat = Caveat("staffing.beyond_max", target=target, max_fte=MAX_FTE)
        return StaffingNeed(target, fte_now, float("inf"), reach_now, caveat)
    return StaffingNeed(target, fte_now, root, reach_now)


def fte_needed_many(
    reach: Callable[[np.ndarray], np.ndarray],
    target: float,
    n: int,
    *,
    hi: float = 4.0,
    iterations: int = 40,
) -> np.ndarray:
    """Vectorised bisection: FTE needed for ``n`` Monte Carlo draws at once.

    Parameters
    ----------
    reach : callable
        ``fte array (n,) -> reach array (n,)``; draw ``i`` is evaluated at ``fte[i]``;
        non-decreasing in each draw's FTE.
    target : float
        Target effective reach.
    n : int
        Number of draws.
    hi : float
        Initial upper bracket; doubled per draw until met or above :data:`MAX_FTE`.
    iterations : int
        Bisection steps (the bracket shrinks by ``2^-iterations``).

    Returns
    -------
    numpy.ndarray
        FTE needed per draw; ``inf`` where the target is not met at :data:`MAX_FTE`.

    Notes
    -----
    The same root as :func:`fte_needed`, found by bisection on all draws together so that a
    few hundred draws cost a few dozen vectorised evaluations.
    """
    upper = np.full(n, float(hi))
    lower = np.zeros(n)
    met_at_zero = reach(np.zeros(n)) >= target
    for _ in range(64):
        short = reach(upper) < target
        if not short.any() or upper[short].min() > MAX_FTE:
            unreachable = short  # reach at this very ``upper``: no need to evaluate it again
            break
        upper = np.where(short & (upper <= MAX_FTE), upper * 2.0, upper)
    else:  # pragma: no cover - 64 doublings of a positive bracket pass MAX_FTE
        unreachable = reach(upper) < target
    for _ in range(iterations):
        mid = 0.5 * (lower + upper)
        ok = reach(mid) >= target
        upper = np.where(ok, mid, upper)
        lower = np.where(ok, lower, mid)
    return np.where(unreachable, np.inf, np.where(met_at_zero, 0.0, upper))
