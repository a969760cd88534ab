r"""The support chain scaled with reach: what reaching more women demands downstream.

Accepted support comes from persons reached. The outreach log gives today's accepted cases
per week ``λ₀``; under a scenario or option that reaches persons at another rate, accepted
support scales with the number reached in a language they understand per week:

.. math:: λ = λ_0 \, \frac{A' r'}{A_0 r_0},

with ``A`` arrivals per week and ``r`` effective reach (both per Monte Carlo draw; ``0``
today, ``'`` under the scenario). The acceptance rate per person reached is held at
today's. From ``λ`` follow, by Little's law, the 30-day reflection periods running at once
(``λ · d / 7`` with ``d`` the reflection period in days), the shelter places needed
(``λ · shelter_share · d / 7``) and, from the support queue
(:func:`capacity.models.support.support_before_leaving`), the casework FTE needed so that
``support_start_target`` of accepted support starts before she leaves the city.
Methods: ``docs/methods/support.md``.
"""

from __future__ import annotations

import numpy as np

from capacity.models.support import p_before_leaving_many, support_before_leaving

__all__ = ["casework_fte_needed", "casework_fte_needed_many", "scaled_cases"]


def scaled_cases(
    cases_today: float | np.ndarray,
    arrivals_today: np.ndarray,
    reach_today: np.ndarray,
    arrivals: np.ndarray,
    reach: np.ndarray,
) -> np.ndarray:
    """Accepted support cases per week under a scenario, per draw: ``λ₀·A'r'/(A₀r₀)``.

    Non-decreasing in the scenario's reach and arrivals; equal to ``λ₀`` when they are
    today's. Where nobody is reached today (``A₀r₀ = 0``) the scenario cannot be scaled and
    ``λ₀`` is returned.
    """
    base = np.asarray(arrivals_today, float) * np.asarray(reach_today, float)
    new = np.asarray(arrivals, float) * np.asarray(reach, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, new / np.where(base > 0, base, 1.0), 1.0)
    return np.asarray(cases_today, dtype=float) * ratio


def casework_fte_needed(
    cases_per_week: float,
    laplace,
    mean_stay_days: float,
    *,
    target: float,
    case_days: float,
    caseload_per_fte: float,
    tol: float = 1e-3,
) -> float:
    """Smallest casework FTE with ``P(support starts before she leaves) ≥ target``.

    ``P`` rises with casework FTE (:func:`~capacity.models.support.support_before_leaving`
    is the maximum of two curves that rise with the number of servers), so the root is found
    by bisection on a bracket doubled from the load ``λ·case_days/7/caseload``.
    """
    if cases_per_week <= 0:
        return 0.0

    def p(fte: float) -> float:
        return support_before_leaving(
            cases_per_week,
            fte,
            laplace,
            mean_stay_days,
            case_days=case_days,
            caseload_per_fte=caseload_per_fte,
        ).p_before_leaving

    lo = 0.0
    hi = max(cases_per_week * case_days / 7.0 / caseload_per_fte, 0.05)
    for _ in range(60):
        if p(hi) >= target:
            break
        lo, hi = hi, hi * 2.0
    else:  # pragma: no cover - the queue's P tends to 1 as staff grows
        return float("inf")
    while hi - lo > tol * max(hi, 1e-9):
        mid = 0.5 * (lo + hi)
        if p(mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def casework_fte_needed_many(
    cases_per_week: np.ndarray, laplace, mean_stay_days: float, *, grid: int = 12, **kw
) -> np.ndarray:
    """:func:`casework_fte_needed` for many case rates, at one stay distribution.

    Solved exactly at ``grid`` rates spanning the values and interpolated linearly between
    them; the FTE needed is non-decreasing in the case rate, and so is the interpolation.
    """
    lam = np.asarray(cases_per_week, float)
    finite = lam[np.isfinite(lam)]
    if not len(finite):
        return np.full(lam.shape, np.nan)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= 1e-9 * max(hi, 1.0):
        value = casework_fte_needed(hi, laplace, mean_stay_days, **kw)
        return np.where(np.isfinite(lam), value, np.nan)
    xs = np.linspace(lo, hi, grid)
    ys = np.maximum.accumulate(_casework_fte_needed_rates(xs, laplace, mean_stay_days, **kw))
    return np.interp(lam, xs, ys)


def _casework_fte_needed_rates(
    rates: np.ndarray,
    laplace,
    mean_stay_days: float,
    *,
    target: float,
    case_days: float,
    caseload_per_fte: float,
    tol: float = 1e-3,
) -> np.ndarray:
    """:func:`casework_fte_needed` for each of ``rates``, all bisections in step.

    Each rate takes exactly the steps of its own :func:`casework_fte_needed` (the same
    bracket doubling, the same midpoints, the same stopping rule); the queues of all rates
    still searching are evaluated in one call
    (:func:`capacity.models.support.p_before_leaving_many`).
    """
    rates = np.asarray(rates, dtype=float)

    def p(rows: np.ndarray, fte: np.ndarray) -> np.ndarray:
        return p_before_leaving_many(
            rates[rows],
            fte,
            lambda h: np.asarray(laplace(h[:, 0]), dtype=float)[:, None],
            np.full(len(rows), float(mean_stay_days)),
            case_days=case_days,
            caseload_per_fte=caseload_per_fte,
        )

    active = rates > 0
    lo = np.zeros(len(rates))
    hi = np.maximum(rates * case_days / 7.0 / caseload_per_fte, 0.05)
    bracketed = ~active
    for _ in range(60):
        rows = np.flatnonzero(~bracketed)
        if not rows.size:
            break
        met = p(rows, hi[rows]) >= target
        bracketed[rows[met]] = True
        short = rows[~met]
        lo[short], hi[short] = hi[short], hi[short] * 2.0
    while True:
        rows = np.flatnonzero(active & bracketed & (hi - lo > tol * np.maximum(hi, 1e-9)))
        if not rows.size:
            break
        mid = 0.5 * (lo[rows] + hi[rows])
        met = p(rows, mid) >= target
        hi[rows[met]] = mid[met]
        lo[rows[~met]] = mid[~met]
    return np.where(active, np.where(bracketed, hi, np.inf), 0.0)
