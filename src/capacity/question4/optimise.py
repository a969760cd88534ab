"""The budget optimiser: the mix of levers that buys the most reach for a yearly budget.

:func:`optimise` searches every combination of

- language hires for any subset of the ``max_language_hires`` largest languages no staff
  member speaks,
- translated information for the ``k`` largest uncovered languages (``k = 0 … all``),
- an interpreter share from ``interpreter_levels`` (today's, and up to every contact),

and spends what is left of the budget on whole outreach FTE. Effective reach (point
estimate, :func:`capacity.question4.options.point_reach`) is non-decreasing in FTE, so the
best use of the rest is as many FTE as it pays for. The search is exhaustive over a finite
set that grows with the budget, so (tested) the optimum is never worse than any single
option that costs no more, and more budget never lowers reach. Costs as in
:func:`capacity.question4.options.mix_cost`. Methods: ``docs/methods/options-and-costs.md``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.question4.fit import FittedModels
from capacity.question4.options import (
    Mix,
    mix_cost,
    point_reaches,
    uncovered_languages,
)
from capacity.question4.scenario import Scenario

__all__ = ["Optimum", "candidate_mixes", "frontier", "optimise"]


@dataclass(frozen=True)
class Optimum:
    """The best mix within a budget: the mix, its reach (point estimate) and yearly cost."""

    budget: float
    mix: Mix
    reach: float
    cost: float
    reach_today: float


def candidate_mixes(
    fitted: FittedModels,
    *,
    max_language_hires: int = 3,
    interpreter_levels: tuple[float | None, ...] = (None, 0.5, 1.0),
) -> list[Mix]:
    """Every combination of language hires, translations and interpreter share (no FTE)."""
    uncovered = uncovered_languages(fitted)
    hire_pool = uncovered[:max_language_hires]
    hires = [
        combo for k in range(len(hire_pool) + 1) for combo in itertools.combinations(hire_pool, k)
    ]
    translations = [tuple(uncovered[:k]) for k in range(len(uncovered) + 1)]
    if fitted.written_contact_share <= 0:
        translations = [()]
    levels = [
        lv for lv in interpreter_levels if lv is None or lv > fitted.interpreter_share + 1e-12
    ]
    return [
        Mix(language_hires=h, translated=t, interpreter_share=lv)
        for h, t, lv in itertools.product(hires, translations, levels or [None])
    ]


def _total(fitted, mix: Mix, params: Params, base_extra: float, costs: dict) -> float:
    """``mix_cost(...)["total"]``, remembered in ``costs`` (one fit, parameters and base).

    The frontier prices the same mixes at many budgets (≈ 25 000 calls, ≈ 3 600 distinct
    mixes for the report's 21 budgets); the cost is a pure function of the mix there.
    """
    key = (mix, base_extra)
    total = costs.get(key)
    if total is None:
        total = costs[key] = mix_cost(fitted, mix, params, base_extra)["total"]
    return total


def _fill(
    fitted, mix: Mix, budget: float, params: Params, base_extra: float, costs: dict | None = None
) -> Mix | None:
    """``mix`` with as many whole outreach FTE as the rest of the budget pays, or None."""
    costs = {} if costs is None else costs
    if _total(fitted, mix, params, base_extra, costs) > budget + 1e-6:
        return None
    lo, hi = 0, 1
    while _total(fitted, _with(mix, hi), params, base_extra, costs) <= budget + 1e-6:
        lo, hi = hi, hi * 2
        if hi > 100_000:
            break
    while hi - lo > 1:  # cost rises with FTE: the largest affordable whole number
        mid = (lo + hi) // 2
        if _total(fitted, _with(mix, mid), params, base_extra, costs) <= budget + 1e-6:
            lo = mid
        else:
            hi = mid
    return _with(mix, lo)


def _with(mix: Mix, extra: int) -> Mix:
    return Mix(extra, mix.language_hires, mix.interpreter_share, mix.translated, mix.training)


def optimise(
    fitted: FittedModels,
    budget: float,
    params: Params | None = None,
    *,
    scenario: Scenario | None = None,
    max_language_hires: int = 3,
    interpreter_levels: tuple[float | None, ...] = (None, 0.5, 1.0),
    _costs: dict | None = None,
) -> Optimum:
    """The mix that buys the most effective reach for ``budget`` kronor a year.

    Parameters
    ----------
    fitted : FittedModels
    budget : float
        Yearly budget in kronor on top of today's costs.
    params : Params, optional
        Cost parameters and the scenario (default: the fit's base parameters).
    scenario : Scenario, optional
        Strategy and multipliers (default ``Scenario.from_params(params)``).
    max_language_hires, interpreter_levels
        The search space (see the module docstring).
    _costs : dict, optional
        Costs of mixes already priced with this fit and these parameters.

    Returns
    -------
    Optimum
        Ties go to the cheaper mix.

    Examples
    --------
    >>> opt = optimise(fitted, 5e6)  # doctest: +SKIP
    >>> opt.mix.extra_fte, opt.mix.language_hires  # doctest: +SKIP
    (4, ('bg',))
    """
    return _optimise_many(
        fitted,
        [budget],
        params,
        scenario=scenario,
        max_language_hires=max_language_hires,
        interpreter_levels=interpreter_levels,
        costs=_costs,
    )[0]


def _optimise_many(
    fitted: FittedModels,
    budgets,
    params: Params | None = None,
    *,
    scenario: Scenario | None = None,
    max_language_hires: int = 3,
    interpreter_levels: tuple[float | None, ...] = (None, 0.5, 1.0),
    costs: dict | None = None,
) -> list[Optimum]:
    """:func:`optimise` for each budget, every distinct mix priced and evaluated once.

    Each candidate is first filled with FTE for each budget (:func:`_fill`); the reach of
    all the mixes that gives is then computed in one
    :func:`~capacity.question4.options.point_reaches` call (the same figures as one
    :func:`~capacity.question4.options.point_reach` per mix, tested), and each budget keeps
    its best in candidate order, ties to the cheaper, as one mix after another would.
    """
    budgets = [float(b) for b in budgets]
    for budget in budgets:
        if budget < 0 or not np.isfinite(budget):
            raise ValueError(f"budget must be a non-negative number of kronor, got {budget!r}")
    params = fitted.base_params if params is None else params
    sc = Scenario.from_params(params) if scenario is None else scenario
    base = sc.extra_fte
    costs = {} if costs is None else costs
    cands = candidate_mixes(
        fitted, max_language_hires=max_language_hires, interpreter_levels=interpreter_levels
    )
    filled = [[_fill(fitted, c, b, params, base, costs) for c in cands] for b in budgets]
    distinct = list(dict.fromkeys([Mix(), *(m for row in filled for m in row if m is not None)]))
    reach_of = dict(zip(distinct, point_reaches(fitted, distinct, sc, base), strict=True))
    today = float(reach_of[Mix()])
    found = []
    for budget, row in zip(budgets, filled, strict=True):
        best = Optimum(budget, Mix(), today, 0.0, today)
        for mix in row:
            if mix is None:
                continue
            reach = float(reach_of[mix])
            cost = _total(fitted, mix, params, base, costs)
            if reach > best.reach + 1e-12 or (
                abs(reach - best.reach) <= 1e-12 and cost < best.cost
            ):
                best = Optimum(budget, mix, reach, cost, today)
        found.append(best)
    return found


def frontier(fitted: FittedModels, budgets, params: Params | None = None, **kw) -> pd.DataFrame:
    """The best reach for each budget: ``budget``, ``reach``, ``cost`` and the mix.

    The budgets share their mixes: each distinct mix is priced and its reach evaluated
    once, all in one array call (:func:`_optimise_many`).
    """
    rows = []
    for opt in _optimise_many(fitted, budgets, params, **kw):
        m = opt.mix
        rows.append(
            {
                "budget": opt.budget,
                "reach": opt.reach,
                "cost": opt.cost,
                "extra_fte": m.extra_fte,
                "language_hires": ";".join(m.language_hires),
                "interpreter_share": (
                    fitted.interpreter_share if m.interpreter_share is None else m.interpreter_share
                ),
                "translated": ";".join(m.translated),
            }
        )
    return pd.DataFrame(rows)
