"""Support after contact: does support start before the person leaves the city?

Accepted support cases (each at least a reflection period long, Convention art. 13) queue
for caseworkers. With ``c`` concurrent case slots (casework FTE × caseload per FTE), the
Erlang C model gives the waiting-time distribution, and the chance that support starts
before the person leaves is ``P(W < R)`` with ``R`` the stay remaining after contact.
See ``docs/methods/support.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from capacity.exceptions import ParameterError
from capacity.models._base import Caveat, Results, tidy
from capacity.models.reach import DAYS_PER_WEEK, Laplace, erlang_a_served

#: Assumed concurrent support cases one full-time caseworker can carry (an assumption: no
#: public Swedish figure; Mikamottagningen's ~100 clients a year over a handful of staff).
CASELOAD_PER_FTE = 8.0
_TINY = 1e-9


def erlang_b(servers: float, load: float) -> float:
    """Erlang B blocking probability, continuous in the number of servers.

    Parameters
    ----------
    servers : float
        ``c`` ≥ 0 (need not be an integer).
    load : float
        Offered load ``a = λ/μ`` in erlangs (> 0).

    Returns
    -------
    float
        ``B(c, a)``.

    Notes
    -----
    For integer ``c``, ``B = (a^c/c!) / Σ_{k=0}^{c} a^k/k!``. The analytic continuation
    ``B(c, a) = a^c e^{−a} / Γ(c + 1, a)`` (upper incomplete gamma) agrees at integers and is
    increasing in ``a`` and decreasing in ``c`` (Jagerman 1974).

    References
    ----------
    Jagerman, D. L. (1974). Some properties of the Erlang loss function. *Bell System
    Technical Journal* 53(3), 525–551.

    Examples
    --------
    >>> round(erlang_b(2, 1.0), 4)  # (1/2) / (1 + 1 + 1/2)
    0.2
    """
    c, a = float(servers), float(load)
    if a <= 0 or c < 0:
        raise ParameterError(f"Erlang B needs load > 0 and servers ≥ 0 (got c={c}, a={a}).")
    log_upper = np.log(special.gammaincc(c + 1.0, a)) + special.gammaln(c + 1.0)
    return float(np.exp(c * np.log(a) - a - log_upper))


def erlang_c(servers: float, load: float) -> float:
    """Erlang C: probability that an arrival has to wait in an M/M/c queue.

    Parameters
    ----------
    servers : float
        ``c`` servers (continuous extension through :func:`erlang_b`).
    load : float
        ``a = λ/μ``; must be below ``c`` (stable queue).

    Returns
    -------
    float
        ``C(c, a) = c·B / (c − a·(1 − B))`` with ``B = B(c, a)``.

    Notes
    -----
    The waiting time has ``P(W > t) = C(c, a)·exp(−(cμ − λ)t)`` and
    ``E[W] = C/(cμ − λ)``.

    References
    ----------
    Kleinrock, L. (1975). *Queueing Systems, Volume 1: Theory*. Wiley, §3.5 (M/M/m).

    Examples
    --------
    >>> round(erlang_c(1, 0.5), 4)  # M/M/1: P(wait) = ρ
    0.5
    """
    c, a = float(servers), float(load)
    if a >= c:
        raise ParameterError(
            f"Erlang C is undefined for load {a:.3g} ≥ servers {c:.3g}: the queue is unstable."
        )
    b = erlang_b(c, a)
    return float(c * b / (c - a * (1.0 - b)))


def residual_laplace(laplace: Laplace, mean_days: float) -> Laplace:
    """Laplace transform of the remaining stay at a random moment of presence.

    Notes
    -----
    The remaining stay ``R`` of a person met at a random time has the equilibrium density
    ``S(t)/E[T]``, so ``E[e^{−θR}] = (1 − L(θ)) / (θ·E[T])`` (and 1 at ``θ = 0``).

    References
    ----------
    Ross, S. M. (1996). *Stochastic Processes*, 2nd ed., Wiley, §3.4 (equilibrium renewal).
    """

    def res(theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        safe = np.where(theta > 0, theta, 1.0)
        return np.where(theta > 0, (1.0 - laplace(safe)) / (safe * mean_days), 1.0)

    return res


@dataclass(frozen=True, repr=False)
class SupportQueue(Results):
    """The support queue's inputs and result (all rates per week).

    A computation from given inputs (cases, casework FTE, the stay distribution), not an
    estimate: its tidy frame has no standard errors or intervals (NaN). Question 4 gives
    ``support_before_leaving`` its interval from the Monte Carlo draws.
    """

    cases_per_week: float
    casework_fte: float
    caseload_per_fte: float
    case_days: float
    servers: float
    load: float
    stable: bool
    p_wait: float
    p_before_leaving: float
    mean_wait_days: float
    p_erlang_c: float
    p_erlang_a: float
    caveat: Caveat | None = None
    title: str = "Support before leaving (casework queue)"

    @property
    def caveats(self) -> tuple[Caveat, ...]:
        """The caveat, if any, as the one-element tuple every result has."""
        return (self.caveat,) if self.caveat is not None else ()

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Rows ``p_before_leaving``, ``p_wait``, ``mean_wait_days``, ``load``, ``servers``."""
        self._alpha(alpha)
        nan = float("nan")
        names = ("p_before_leaving", "p_wait", "mean_wait_days", "load", "servers")
        return tidy({k: (float(getattr(self, k)), nan, nan, nan) for k in names})


def support_before_leaving(
    cases_per_week: float,
    casework_fte: float,
    laplace: Laplace,
    mean_stay_days: float,
    *,
    case_days: float = 30.0,
    caseload_per_fte: float = CASELOAD_PER_FTE,
) -> SupportQueue:
    r"""Chance that accepted support starts before the person leaves the city.

    Parameters
    ----------
    cases_per_week : float
        ``λ``: accepted support cases per week (from the outreach log).
    casework_fte : float
        Casework FTE, ``Σ fte·(1 − outreach_share)``.
    laplace : callable
        ``L(h) = E[exp(−hT)]`` of the stay (days).
    mean_stay_days : float
        ``E[T]`` in days.
    case_days : float, default 30
        Mean case length in days, at least the reflection period.
    caseload_per_fte : float, default :data:`CASELOAD_PER_FTE`
        Concurrent cases per full-time caseworker.

    Returns
    -------
    SupportQueue

    Notes
    -----
    Servers ``c = casework_fte × caseload_per_fte``, service rate ``μ = 7/case_days`` per
    week, load ``a = λ/μ``. If ``a < c``,

    .. math:: P(W < R) = 1 - C(c, a)\, E[e^{-θ R}],\quad θ = (cμ - λ)/7 \text{ per day},

    with ``R`` the remaining stay (:func:`residual_laplace`). Erlang C lets nobody leave the
    queue, so it gives 0 as ``a → c`` and is undefined for ``a ≥ c``. The result is therefore
    ``max(P_C, P_A)`` with ``P_A`` the served share of the Erlang A queue in which a waiting
    person leaves at rate ``1/E[R]`` (:func:`capacity.models.reach.erlang_a_served`): stable
    at every load, tending to the capacity-limited share ``c/a`` in overload. The maximum of
    two curves that rise with ``c`` rises with ``c`` and is continuous.

    References
    ----------
    Kleinrock (1975), §3.5; Council of Europe Convention on Action against Trafficking in
    Human Beings (2005), art. 12–13.
    """
    values = (cases_per_week, casework_fte, case_days, caseload_per_fte, mean_stay_days)
    if not all(np.isfinite(values)):
        raise ParameterError(f"support queue inputs must be finite numbers, got {values!r}.")
    if cases_per_week < 0 or casework_fte < 0 or case_days <= 0 or caseload_per_fte <= 0:
        raise ParameterError("support queue inputs must be non-negative (case length > 0).")
    if mean_stay_days < 0:
        raise ParameterError(f"mean stay must be ≥ 0 days, got {mean_stay_days!r}.")
    # rates below a billionth (of a case a week, a day of stay, a case slot) are zero: the
    # queue formulas lose all precision there (and hypothesis finds such inputs)
    if cases_per_week < _TINY:
        cases_per_week = 0.0
    if mean_stay_days < _TINY:
        mean_stay_days = 0.0
    mu = DAYS_PER_WEEK / case_days
    servers = casework_fte * caseload_per_fte
    if servers < _TINY:
        servers = 0.0
    if cases_per_week == 0:
        caveat = Caveat("support.no_cases")
        return SupportQueue(
            0.0, casework_fte, caseload_per_fte, case_days, servers, 0.0, True,
            0.0, 1.0, 0.0, 1.0, 1.0, caveat,
        )  # fmt: skip
    load = cases_per_week / mu
    if mean_stay_days == 0 or servers == 0:
        caveat = Caveat("support.no_casework" if servers == 0 else "support.no_stay")
        return SupportQueue(
            cases_per_week, casework_fte, caseload_per_fte, case_days, servers, load,
            False, 1.0, 0.0, float("inf"), 0.0, 0.0, caveat,
        )  # fmt: skip
    residual = residual_laplace(laplace, mean_stay_days)
    eps = 1e-6 / mean_stay_days
    mean_remaining = float((1.0 - np.ravel(residual(np.array(eps)))[0]) / eps)
    with_leaving = erlang_a_served(
        cases_per_week, mu, servers, DAYS_PER_WEEK / max(mean_remaining, 1e-9)
    )
    # stable only with a real margin: rounding can make servers > load while the rate
    # difference c·μ − λ is exactly 0 (2.8 cases a week against 12 slots of 30 days), and
    # Erlang C's wait C/(cμ − λ) would divide by zero
    gap = servers * mu - cases_per_week
    stable = gap > 1e-9 * max(servers * mu, cases_per_week)
    caveat = None
    if stable:
        c_wait = erlang_c(servers, load)
        theta = gap / DAYS_PER_WEEK
        p_c = 1.0 - c_wait * float(np.ravel(residual(np.array(theta)))[0])
        mean_wait = c_wait / theta
    else:
        c_wait, p_c, mean_wait = 1.0, 0.0, float("inf")
        caveat = Caveat("support.overloaded", rate=cases_per_week, slots=servers, days=case_days)
    return SupportQueue(
        cases_per_week,
        casework_fte,
        caseload_per_fte,
        case_days,
        servers,
        load,
        stable,
        c_wait,
        float(np.clip(max(p_c, with_leaving), 0.0, 1.0)),
        mean_wait,
        float(np.clip(p_c, 0.0, 1.0)),
        with_leaving,
        caveat,
    )


def p_before_leaving_many(
    cases_per_week: np.ndarray,
    casework_fte: float,
    laplace,
    mean_stay_days: np.ndarray,
    *,
    case_days: float = 30.0,
    caseload_per_fte: float = CASELOAD_PER_FTE,
) -> np.ndarray:
    """:func:`support_before_leaving`'s ``p_before_leaving`` for many draws at once.

    Parameters
    ----------
    cases_per_week : array_like, shape (D,)
        ``λ`` per draw.
    casework_fte : float or array_like, shape (D,)
        Casework FTE, for every draw or per draw.
    laplace : callable
        ``h (D, K) -> E[exp(−h T)] (D, K)``, one stay distribution per draw (e.g.
        :meth:`capacity.models.stays.StayTable.laplace`).
    mean_stay_days : array_like, shape (D,)
        ``E[T]`` per draw.
    case_days, caseload_per_fte : float
        As in :func:`support_before_leaving`.

    Returns
    -------
    numpy.ndarray, shape (D,)

    Notes
    -----
    The same formulas and cases as :func:`support_before_leaving`, row by row: Erlang C
    with the remaining stay's transform, the maximum with Erlang A (solved per draw by
    :func:`~capacity.models.reach.erlang_a_served`, each on its own state space). The
    stays' transforms and Erlang C are evaluated for all draws at once.
    """
    lam = np.array(cases_per_week, dtype=float, ndmin=1)
    stay = np.broadcast_to(np.asarray(mean_stay_days, dtype=float), lam.shape).copy()
    fte = np.broadcast_to(np.asarray(casework_fte, dtype=float), lam.shape)
    ok = np.isfinite(lam).all() and np.isfinite(stay).all() and np.isfinite(fte).all()
    if not (ok and np.isfinite((case_days, caseload_per_fte)).all()):
        raise ParameterError("support queue inputs must be finite numbers.")
    if (lam < 0).any() or (fte < 0).any() or case_days <= 0 or caseload_per_fte <= 0:
        raise ParameterError("support queue inputs must be non-negative (case length > 0).")
    if (stay < 0).any():
        raise ParameterError("mean stay must be ≥ 0 days.")
    lam[lam < _TINY] = 0.0
    stay[stay < _TINY] = 0.0
    mu = DAYS_PER_WEEK / case_days
    servers_all = fte * caseload_per_fte
    servers_all = np.where(servers_all < _TINY, 0.0, servers_all)
    out = np.where(lam == 0, 1.0, 0.0)  # no cases: nobody waits; no casework or stay: 0
    live = np.flatnonzero((lam > 0) & (stay > 0) & (servers_all > 0))
    if not live.size:
        return out
    lam_, stay_, servers = lam[live], stay[live], servers_all[live]

    def residual(theta: np.ndarray) -> np.ndarray:
        # (1 − L(θ))/(θ E[T]) per draw, θ > 0 (residual_laplace, one θ per draw)
        lap = _rows(laplace, live, len(lam), theta)
        return (1.0 - lap) / (theta * stay_)

    eps = 1e-6 / stay_
    mean_remaining = (1.0 - residual(eps)) / eps
    gamma = DAYS_PER_WEEK / np.maximum(mean_remaining, 1e-9)
    with_leaving = np.array(
        [erlang_a_served(a, mu, c, g) for a, c, g in zip(lam_, servers, gamma, strict=True)]
    )
    gap = servers * mu - lam_
    stable = gap > 1e-9 * np.maximum(servers * mu, lam_)
    p_c = np.zeros(len(live))
    if stable.any():
        load, c = lam_[stable] / mu, servers[stable]
        log_upper = np.log(special.gammaincc(c + 1.0, load)) + special.gammaln(c + 1.0)
        b = np.exp(c * np.log(load) - load - log_upper)
        c_wait = c * b / (c - load * (1.0 - b))
        theta = np.where(stable, gap, 1.0) / DAYS_PER_WEEK
        res = residual(theta)
        p_c[stable] = 1.0 - c_wait * res[stable]
    out[live] = np.clip(np.maximum(p_c, with_leaving), 0.0, 1.0)
    return out


def _rows(laplace, live: np.ndarray, n: int, theta: np.ndarray) -> np.ndarray:
    """``laplace`` of draw ``live[i]`` at ``theta[i]`` (other draws at 0, not returned)."""
    h = np.zeros((n, 1))
    h[live, 0] = theta
    return np.asarray(laplace(h), dtype=float)[live, 0]
