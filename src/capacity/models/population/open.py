"""Population of an open city where capture grows with time present: a stay-process model.

Closed multiple systems estimation (:mod:`capacity.models.population.mse`) treats a
quarter as one occasion per source. In a city where persons arrive and leave inside the
quarter and every source sees a person more the longer she stays, that is heterogeneity
shared by all sources, and the log-linear model undercounts (issue 9: by 8–30 % on worlds
with capture per day present). :func:`fit_window` models the process that causes it:
persons arrive at a steady rate, stay a time drawn from a generalised gamma distribution
(which holds the Weibull and the lognormal), and each source sees a present person on each
day with its own daily chance. The sighting *days* — how many, and from when to when —
carry the information on time present that a 0/1 capture history throws away.

Per window (a quarter, a year) it gives distinct persons present at some time (``N``),
persons present on a day (mean over the window), arrivals per week and the median stay,
each with an interval. Methods, assumptions and evidence: ``docs/methods/population.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from capacity.exceptions import EstimationError, ParameterError
from capacity.models._base import Caveat, Results, require_columns, tidy
from capacity.models.population.estimators import lognormal_interval

__all__ = ["OpenPopulation", "WindowFit", "fit_window", "open_population", "sighting_days"]

#: Sources a person may never be visible to (she does not advertise there); every other
#: source (outreach, police) can meet anyone present.
SELECTIVE_PREFIX = "ads"


def sighting_days(
    sightings: pd.DataFrame,
    sources: Sequence[str],
    window_start: dt.date | str,
    unit_days: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sighting days per person and source, and each person's first and last sighting day.

    Filter the city and window first. Returns ``counts`` ``(n_persons, k)`` (distinct days
    per source), ``first`` and ``last`` (day numbers counted from 1 = ``window_start``) and
    ``on_first`` ``(n_persons, k)`` (seen by the source on the first sighting day). With
    ``unit_days > 1`` time runs in units of that many days (a long window fitted coarser).
    Persons seen only by sources outside ``sources`` drop out.
    """
    require_columns(
        sightings,
        ("person_id", "date", "source"),
        "sightings",
        "column needed for the open-population estimate is missing",
        "Pass contract-shaped sightings with person_id, date and source.",
    )
    rows = sightings.loc[sightings["source"].astype(str).isin(list(sources))]
    unit = (rows["date"] - pd.Timestamp(window_start)).dt.days.to_numpy() // unit_days
    rows = rows.assign(_unit=unit).drop_duplicates(["person_id", "_unit", "source"])
    person = pd.factorize(rows["person_id"], sort=False)[0]
    code = pd.Categorical(rows["source"].astype(str), categories=list(sources)).codes
    n = person.max(initial=-1) + 1
    counts = np.zeros((n, len(sources)), dtype=np.int64)
    np.add.at(counts, (person, code), 1)
    day = rows["_unit"].to_numpy() + 1
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.zeros(n, dtype=np.int64)
    np.minimum.at(first, person, day)
    np.maximum.at(last, person, day)
    on_first = np.zeros((n, len(sources)), dtype=bool)
    hit = day == first[person]
    on_first[person[hit], code[hit]] = True
    return counts, first, last, on_first


# --- the stay distribution -------------------------------------------------------------------
def _tail_integral(t: float, a: float, c: float, scale: float) -> float:
    """``∫_t^∞ P(X > x) dx = E[(X − t)⁺]`` for the generalised gamma ``X``."""
    z = (t / scale) ** c
    mean_part = scale * np.exp(special.gammaln(a + 1 / c) - special.gammaln(a))
    return float(mean_part * special.gammaincc(a + 1 / c, z) - t * special.gammaincc(a, z))


def _stay_curves(shape: np.ndarray, window: int):
    """Survival ``S(ℓ) = P(L ≥ ℓ)`` of days present ``L = ⌊X⌋ + 1``, ``X`` generalised gamma.

    Returns ``S`` for ``ℓ = 1 … W − 1``, ``f(ℓ) = S(ℓ) − S(ℓ + 1)`` on the same days,
    ``R = Σ_{ℓ ≥ W} S(ℓ)`` (present throughout a window of ``W`` days) and ``E[L]``.
    ``shape = (log a, log c, log scale)``; ``a = 1`` is the Weibull, ``a → ∞`` the lognormal.
    ``R`` uses the closed-form tail integral with the Euler–Maclaurin half-step.
    """
    a, c, scale = np.exp(shape)
    x = np.arange(0, window, dtype=float)  # S(ℓ) = P(X ≥ ℓ − 1), ℓ = 1 … W
    surv = special.gammaincc(a, (x / scale) ** c)
    surv[0] = 1.0
    S = surv[: window - 1]
    f = surv[: window - 1] - surv[1:window]
    R = _tail_integral(window - 1.0, a, c, scale) + surv[window - 1] / 2
    return S, f, max(R, 0.0), float(S.sum() + R)


def _median_stay(shape: np.ndarray) -> float:
    """Median of the continuous stay ``X`` (days)."""
    a, c, scale = np.exp(shape)
    return float(scale * special.gammainccinv(a, 0.5) ** (1 / c))


# --- the model -------------------------------------------------------------------------------
@dataclass
class _Data:
    """Seen persons' sighting patterns and the interval placements that can hold them.

    Interval kinds (days ``a … b`` inside a window of ``W`` days, length ``ℓ = b − a + 1``):
    *start*: present on day 1, gone after ``b < W``; *end*: arrived on ``a > 1``, still
    there at the end; *inside*: arrived and left inside; *throughout*. Arrivals inside the
    window (end and inside kinds) split by whether the arrival day is the person's first
    sighting day ``F`` (``eq``) or earlier (``lt``): an ad may be captured on the day of
    arrival with its own chance.
    """

    counts: np.ndarray  # (n, k)
    first: np.ndarray
    last: np.ndarray
    on_first: np.ndarray  # (n, k) bool: seen by the source on the first sighting day
    window: int
    selective: np.ndarray  # (k,) bool
    dependent: np.ndarray  # (k,) bool: rate differs between persons visible to ads and not
    classes: np.ndarray = field(init=False)  # (C, k) visible in each class
    visible_any: np.ndarray = field(init=False)  # (C,)

    def __post_init__(self):
        s_idx = np.flatnonzero(self.selective)
        codes = np.arange(2 ** len(s_idx))
        vis = np.ones((len(codes), self.counts.shape[1]), dtype=bool)
        for b, j in enumerate(s_idx):
            vis[:, j] = (codes >> b) & 1 == 1
        self.classes = vis
        self.visible_any = vis[:, s_idx].any(axis=1) if len(s_idx) else np.ones(1, dtype=bool)
        W = self.window
        ell = np.arange(1, W)[None, :]
        first, last = self.first[:, None], self.last[:, None]
        self.start = (ell >= last).astype(float)
        # end kind: a = W − ℓ + 1 ∈ [2, F]; a = F ⟺ ℓ = W − F + 1
        self.end_lt = ((ell >= W - first + 2) & (ell <= W - 1)).astype(float)
        self.end_eq = ((ell == W - first + 1) & (first >= 2)).astype(float)
        lo = np.maximum(2, last - ell + 1)
        hi = np.minimum(first, W - ell)
        total_in = np.clip(hi - lo + 1, 0, None)
        eq_in = ((first >= lo) & (first <= hi)).astype(float)
        self.in_lt = total_in - eq_in
        self.in_eq = eq_in
        self.start0 = np.ones(W - 1)
        self.end0 = np.ones(W - 1)
        self.in0 = np.clip(W - 1 - np.arange(1, W), 0, None).astype(float)


@dataclass
class _Params:
    shape: np.ndarray  # stay distribution (log a, log c, log scale)
    pi: np.ndarray  # visibility classes
    p_sel: np.ndarray  # (k,) daily chance of the selective sources (0 elsewhere)
    p_search: np.ndarray  # (k, 2) daily chance of the others (visible to ads / not)
    r_sel: np.ndarray  # (k,) chance on the day of arrival (selective sources)


def _rates(d: _Data, par: _Params) -> tuple[np.ndarray, np.ndarray]:
    """Daily chance and arrival-day chance of each source per class: ``(C, k)`` each."""
    k = d.counts.shape[1]
    rate = np.zeros((len(d.classes), k))
    arrive = np.zeros((len(d.classes), k))
    for j in range(k):
        if d.selective[j]:
            rate[:, j] = np.where(d.classes[:, j], par.p_sel[j], 0.0)
            arrive[:, j] = np.where(d.classes[:, j], par.r_sel[j], 0.0)
        else:
            second = par.p_search[j, 1] if d.dependent[j] else par.p_search[j, 0]
            rate[:, j] = np.where(d.visible_any, par.p_search[j, 0], second)
            arrive[:, j] = rate[:, j]
    return np.clip(rate, 0.0, 1 - 1e-9), np.clip(arrive, 0.0, 1 - 1e-9)


def _terms(d: _Data, par: _Params):
    """Per person and class: ``log K`` (sighting days at the daily chance), ``log ρ`` (the
    first day as an arrival day), and per class ``log q`` and ``log κ`` (an unseen arrival).
    """
    rate, arrive = _rates(d, par)
    with np.errstate(divide="ignore", invalid="ignore"):
        lodds = np.log(rate) - np.log1p(-rate)  # (C, k)
        l_hit = np.log(arrive) - np.log(rate)
    finite = np.isfinite(lodds)
    logk = d.counts @ np.where(finite, lodds, 0.0).T  # (n, C)
    impossible = (d.counts[:, None, :] > 0) & ~finite[None]
    logk = np.where(impossible.any(axis=2), -np.inf, logk)
    l_miss = np.log1p(-arrive) - np.log1p(-rate)  # (C, k)
    l_hit = np.where(finite, l_hit, 0.0)
    logrho = d.on_first @ l_hit.T + (~d.on_first) @ l_miss.T  # (n, C)
    logq = np.log1p(-rate).sum(axis=1)
    logkappa = l_miss.sum(axis=1)
    return logk, logrho, logq, logkappa


def _weights(d: _Data, stay, par: _Params):
    """Σ over placements of weight × chance, per person and class, and its parts."""
    S, f, R, _ = stay
    W = d.window
    ell = np.arange(1, W)
    logk, logrho, logq, logkappa = _terms(d, par)
    qpow = np.exp(ell[None, :] * logq[:, None])  # (C, W−1)
    qW = np.exp(W * logq)  # (C,)
    kappa, rho = np.exp(logkappa), np.exp(logrho)
    a_no = d.start * S  # (n, W−1) no arrival in the window
    a_lt = d.end_lt * S + d.in_lt * f  # arrival before the first sighting day
    a_eq = d.end_eq * S + d.in_eq * f  # arrival on the first sighting day
    parts = {
        "no": a_no @ qpow.T + R * qW[None, :],
        "lt": kappa[None, :] * (a_lt @ qpow.T),
        "eq": rho * (a_eq @ qpow.T),
    }
    tot = parts["no"] + parts["lt"] + parts["eq"]
    tot0 = (d.start0 * S) @ qpow.T + R * qW + kappa * ((d.end0 * S + d.in0 * f) @ qpow.T)
    return tot, tot0, logk, parts, (qpow, qW, kappa, rho, a_no, a_lt, a_eq)


def _norm(d: _Data, stay) -> float:
    """Expected persons in the window per unit arrival rate: ``E[L] + W − 1``."""
    S, f, R, _ = stay
    return float(((d.start0 + d.end0) * S + d.in0 * f).sum() + R)


def _loglik(d: _Data, par: _Params, per_person: bool = False):
    """Conditional log-likelihood of the seen persons' sighting patterns."""
    stay = _stay_curves(par.shape, d.window)
    tot, tot0, logk, *_ = _weights(d, stay, par)
    z = _norm(d, stay)
    with np.errstate(divide="ignore"):
        li = special.logsumexp(np.log(np.maximum(tot, 1e-300)) + logk + np.log(par.pi)[None], 1)
    p0 = float((par.pi * tot0).sum() / z)
    ll = li - np.log(z) - np.log1p(-min(p0, 1 - 1e-12))
    return ll if per_person else float(ll.sum())


def _fit_stay_shape(d, e_start, e_end, e_in, e_R, total, start):
    """M-step for the stay distribution: expected interval counts by kind and length."""

    def neg(shape):
        if np.any(np.abs(shape) > 12):
            return 1e12
        S, f, R, _ = _stay_curves(shape, d.window)
        logs = np.log(np.maximum(S, 1e-300))
        val = (
            ((e_start + e_end) * logs).sum()
            + (e_in * np.log(np.maximum(f, 1e-300))).sum()
            + e_R * np.log(max(R, 1e-300))
            - total * np.log(_norm(d, (S, f, R, 0.0)))
        )
        return -val

    res = optimize.minimize(
        neg, start, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-6, "maxfev": 80}
    )
    return res.x if res.fun <= neg(start) else start


def _em(d: _Data, max_iter: int, tol: float):
    n, k = d.counts.shape
    C = len(d.classes)
    W = d.window
    ell = np.arange(1, W)
    per_day = d.counts.sum(axis=0) / max(n, 1) / max(np.mean(d.last - d.first + 1), 1.0)
    par = _Params(
        shape=np.array([0.0, np.log(0.9), np.log(max(W / 4, 5.0))]),
        pi=np.full(C, 1.0 / C),
        p_sel=np.where(d.selective, np.clip(per_day, 1e-4, 0.5), 0.0),
        p_search=np.repeat(np.clip(per_day, 1e-5, 0.5)[:, None], 2, axis=1),
        r_sel=np.where(d.selective, 0.3, 0.0),
    )
    old, conv, it = -np.inf, False, 0
    for it in range(1, max_iter + 1):
        stay = _stay_curves(par.shape, W)
        S, f, R, _ = stay
        tot, tot0, logk, parts, (qpow, qW, kappa, rho, a_no, a_lt, a_eq) = _weights(d, stay, par)
        z = _norm(d, stay)
        with np.errstate(divide="ignore"):
            lw = np.log(np.maximum(tot, 1e-300)) + logk + np.log(par.pi)[None]
        li = special.logsumexp(lw, axis=1)
        post = np.exp(lw - li[:, None])  # (n, C)
        p0 = float((par.pi * tot0).sum() / z)
        loglik = float((li - np.log(z)).sum() - n * np.log1p(-min(p0, 1 - 1e-12)))
        big_n = n / (1 - p0)
        w = post / np.maximum(tot, 1e-300)  # (n, C) per unit of placement weight
        u = (big_n - n) * par.pi / max((par.pi * tot0).sum(), 1e-300)  # unseen, per class
        # expected intervals by kind and length (seen + unseen)
        wq = w @ qpow  # (n, W−1)
        wq_lt = (w * kappa[None]) @ qpow
        wq_eq = (w * rho) @ qpow
        uq = u @ qpow
        ukq = (u * kappa) @ qpow
        e_start = (wq * d.start).sum(0) * S + uq * S
        e_end = ((wq_lt * d.end_lt + wq_eq * d.end_eq).sum(0) + ukq) * S
        e_in = ((wq_lt * d.in_lt + wq_eq * d.in_eq).sum(0) + ukq * d.in0) * f
        e_R = float((w * R * qW[None]).sum() + (u * R * qW).sum())
        n_cls = post.sum(axis=0) + u * tot0
        # arrivals inside the window and days present, by class
        arr_eq = post * parts["eq"] / np.maximum(tot, 1e-300)  # (n, C)
        arr_c = (post * (parts["lt"] + parts["eq"]) / np.maximum(tot, 1e-300)).sum(0)
        arr_c += u * kappa * ((d.end0 * S + d.in0 * f) @ qpow.T)
        qell = (qpow * ell).T  # (W−1, C)
        days_c = (w * (a_no @ qell)).sum(0) + (w * kappa[None] * (a_lt @ qell)).sum(0)
        days_c += (w * rho * (a_eq @ qell)).sum(0) + (w * R * qW[None] * W).sum(0)
        days_c += u * ((d.start0 * S) @ qell + R * qW * W)
        days_c += u * kappa * ((d.end0 * S + d.in0 * f) @ qell)
        sight_c = post.T @ d.counts  # (C, k)
        first_hit = arr_eq.T @ d.on_first  # (C, k) sightings on an arrival day
        for j in range(k):
            if d.selective[j]:
                vis = d.classes[:, j]
                arrivals = max(arr_c[vis].sum(), 1e-12)
                par.r_sel[j] = first_hit[vis, j].sum() / arrivals
                par.p_sel[j] = (sight_c[vis, j].sum() - first_hit[vis, j].sum()) / max(
                    days_c[vis].sum() - arrivals, 1e-12
                )
            elif d.dependent[j]:
                for col, mask in ((0, d.visible_any), (1, ~d.visible_any)):
                    if mask.any():
                        par.p_search[j, col] = sight_c[mask, j].sum() / max(
                            days_c[mask].sum(), 1e-12
                        )
            else:
                par.p_search[j, :] = sight_c[:, j].sum() / max(days_c.sum(), 1e-12)
        par.p_sel = np.where(d.selective, np.clip(par.p_sel, 1e-6, 1 - 1e-6), 0.0)
        par.r_sel = np.where(d.selective, np.clip(par.r_sel, 1e-6, 1 - 1e-6), 0.0)
        par.p_search = np.clip(par.p_search, 1e-7, 1 - 1e-6)
        pi = np.maximum(n_cls / n_cls.sum(), 1e-9)
        par.pi = pi / pi.sum()
        par.shape = _fit_stay_shape(d, e_start, e_end, e_in, e_R, big_n, par.shape)
        if abs(loglik - old) < tol * (1 + abs(loglik)) and it > 5:
            conv = True
            break
        old = loglik
    return par, it, conv


@dataclass
class WindowFit:
    """One window's fit of the stay-process model (see :func:`fit_window`)."""

    n_observed: int
    window_days: int
    sources: tuple[str, ...]
    theta: np.ndarray
    cov: np.ndarray
    estimates: dict  # N, present, arrivals_per_week, median_stay
    se: dict
    p_unseen: float
    iterations: int
    converged: bool
    caveats: tuple[Caveat, ...] = ()

    def interval(self, what: str = "N", alpha: float = 0.05) -> tuple[float, float]:
        """``N``: Chao's log-normal interval on the unseen; others: log-normal on the value."""
        est, se = self.estimates[what], self.se[what]
        if what == "N":
            return lognormal_interval(self.n_observed, est, se**2, alpha)
        z = stats.norm.ppf(1 - alpha / 2)
        if not (est > 0 and np.isfinite(se)):
            return (np.nan, np.nan)
        s = np.sqrt(np.log1p((se / est) ** 2))
        return float(est * np.exp(-z * s)), float(est * np.exp(z * s))


def _free(d: _Data):
    """Indices of the free daily chances: selective, shared search, second rates."""
    j = np.arange(d.counts.shape[1])
    return j[d.selective], j[~d.selective], j[~d.selective & d.dependent]


def _unpack(theta, d: _Data) -> _Params:
    k = d.counts.shape[1]
    C = len(d.classes)
    sel, search, dep = _free(d)
    pi = special.softmax(np.concatenate([[0.0], theta[3 : 3 + C - 1]]))
    a = 3 + C - 1
    p_sel, r_sel = np.zeros(k), np.zeros(k)
    p_sel[sel] = special.expit(theta[a : a + len(sel)])
    a += len(sel)
    r_sel[sel] = special.expit(theta[a : a + len(sel)])
    a += len(sel)
    p_search = np.zeros((k, 2))
    p_search[search, 0] = special.expit(theta[a : a + len(search)])
    p_search[search, 1] = p_search[search, 0]
    a += len(search)
    p_search[dep, 1] = special.expit(theta[a : a + len(dep)])
    return _Params(theta[:3].copy(), pi, p_sel, p_search, r_sel)


def _pack(d: _Data, par: _Params) -> np.ndarray:
    sel, search, dep = _free(d)
    return np.concatenate(
        [
            par.shape,
            np.log(par.pi[1:] / par.pi[0]),
            special.logit(par.p_sel[sel]),
            special.logit(par.r_sel[sel]),
            special.logit(par.p_search[search, 0]),
            special.logit(par.p_search[dep, 1]),
        ]
    )


def _targets(theta, d: _Data, n: int, unit: int = 1) -> np.ndarray:
    """``N``, persons present on a day, arrivals per week, median stay (days), ``P_0``.

    In units of ``u`` days: arrivals ``λ_u/u`` per day, persons present on a day
    ``λ_u (E[X_u] + 1/(2u))`` (a stay of ``X`` days is present on ``⌊X⌋ + 1`` days), the
    median ``u`` times the median in units. With ``u = 1`` this is ``λ E[L]``.
    """
    par = _unpack(theta, d)
    stay = _stay_curves(par.shape, d.window)
    _, tot0, *_ = _weights(d, stay, par)
    z = _norm(d, stay)
    p0 = float((par.pi * tot0).sum() / z)
    big_n = n / (1 - p0)
    lam = big_n / z  # arrivals per unit
    if unit == 1:
        present = lam * stay[3]
    else:
        a, c, scale = np.exp(par.shape)
        mean_x = scale * np.exp(special.gammaln(a + 1 / c) - special.gammaln(a))
        present = lam * (mean_x + 0.5 / unit)
    return np.array([big_n, present, 7 * lam / unit, unit * _median_stay(par.shape), p0])


def fit_window(
    counts: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    on_first: np.ndarray,
    window_days: int,
    sources: Sequence[str],
    *,
    selective: Sequence[bool] | None = None,
    dependent: Sequence[str] = (),
    unit_days: int = 1,
    max_iter: int = 300,
    tol: float = 1e-8,
) -> WindowFit:
    r"""Persons in a window of an open city from their sighting days (stay-process model).

    Parameters
    ----------
    counts, first, last, on_first : arrays
        Per seen person: distinct sighting days per source ``(n, k)``, first and last
        sighting day (1 = the window's first day), and which sources saw her on the first
        day ``(n, k)``; :func:`sighting_days` makes them.
    window_days : int
        Length ``W`` of the window in days (in units of ``unit_days`` if that is > 1).
    sources : sequence of str
        Source names (columns of ``counts``).
    selective : sequence of bool, optional
        Sources a person may never be visible to (default: names starting with ``ads``).
    dependent : sequence of str
        Other sources whose daily chance may differ between persons visible to some ad site
        and persons visible to none (e.g. outreach that works from the ads). Identifiable
        only through a source that does not (police), so intervals widen.
    unit_days : int
        Time unit of ``first``, ``last`` and ``window_days`` (1: days). Estimates are
        returned per day and in days whatever the unit.

    Returns
    -------
    WindowFit
        ``estimates`` and ``se`` of ``N`` (distinct persons present at some time in the
        window), ``present`` (persons present on a day, mean over the window),
        ``arrivals_per_week`` and ``median_stay`` (days); ``interval(what, alpha)``.

    Notes
    -----
    *Stays.* Persons arrive at a constant rate ``λ`` per day and stay ``X`` days, ``X``
    generalised gamma (Stacy 1962; shape ``a``, power ``c``, scale ``s``: the Weibull when
    ``a = 1``, the lognormal as ``a → ∞``); she is present on ``L = ⌊X⌋ + 1`` days. In a
    window of ``W`` days, with ``S(ℓ) = P(L ≥ ℓ)`` and ``f(ℓ) = P(L = ℓ)``, the expected
    persons whose presence inside the window runs from day ``a`` to day ``b`` are
    ``λ S(b)`` (present on day 1, gone after ``b < W``), ``λ S(W − a + 1)`` (arrived on
    ``a > 1``, still there at the end), ``λ f(b − a + 1)`` (both inside) and
    ``λ Σ_{ℓ≥W} S(ℓ)`` (present throughout), in all ``N = λ(E[L] + W − 1)``.

    *Capture.* A person belongs to a visibility class ``c`` (which selective sources — ad
    sites — can see her; class shares ``π_c`` free, so the ad lists may be dependent). On
    each day present, source ``j`` sees her with chance ``p_jc``: ``p_j`` or 0 for a
    selective source, ``p_{j,v}`` for the others (``v``: visible to some ad site or to
    none, so outreach may work from the ads), independently across days and sources. A
    person with sighting days ``c_ij`` between days ``F`` and ``G`` then has likelihood
    ``Σ_c π_c Σ_{(a,b) ∋ [F,G]} w(a,b) Π_j p_jc^{c_ij} (1 − p_jc)^{(b−a+1) − c_ij}``;
    persons never seen have ``P_0 = Σ_c π_c Σ_{(a,b)} w(a,b) q_c^{b−a+1}/(E[L] + W − 1)``.

    *Fit.* EM on the full likelihood (interval, class and the unseen as missing data):
    closed-form steps for ``π`` and the daily chances (sighting days over days present),
    a Nelder–Mead step for the stay distribution. ``N̂ = n/(1 − P̂_0)`` (Huggins 1989);
    ``N̄ = λ̂ E[L]``, arrivals ``7λ̂`` per week, the median stay ``s Γ⁻¹(a, ½)^{1/c}``.

    *Uncertainty.* ``Var(N̂) = n P̂_0/(1 − P̂_0)² + ∇Nᵀ I⁻¹ ∇N`` (Huggins 1989) with ``I``
    the outer product of the per-person scores of the conditional likelihood (BHHH) and
    numerical gradients; the other quantities by the delta method. Intervals: Chao's
    (1987) log-normal form for ``N``, log-normal for the others.

    This is a continuous-time version of the POPAN/Jolly–Seber superpopulation model
    (Schwarz & Arnason 1996) with daily occasions, stay-dependent exposure and capture
    heterogeneity by class (Pledger 2000), fitted conditionally on being seen.

    References
    ----------
    Schwarz, C. J. & Arnason, A. N. (1996). A general methodology for the analysis of
    capture–recapture experiments in open populations. *Biometrics* 52, 860–873.
    Huggins, R. M. (1989). On the statistical analysis of capture experiments.
    *Biometrika* 76, 133–140. Pledger, S. (2000). Unified maximum likelihood estimates for
    closed capture–recapture models using mixtures. *Biometrics* 56, 434–442. Kendall,
    W. L. (1999). Robustness of closed capture–recapture methods to violations of the
    closure assumption. *Ecology* 80, 2517–2525. Stacy, E. W. (1962). A generalization of
    the gamma distribution. *Ann. Math. Statist.* 33, 1187–1192. Chao, A. (1987).
    *Biometrics* 43, 783–791.
    """
    counts = np.asarray(counts, dtype=np.int64)
    first, last = np.asarray(first, dtype=np.int64), np.asarray(last, dtype=np.int64)
    sources = tuple(str(s) for s in sources)
    if counts.ndim != 2 or counts.shape[1] != len(sources):
        raise ParameterError(f"counts must be (persons, {len(sources)}) for sources {sources}.")
    window_days = int(window_days)
    if window_days * unit_days < 7:
        raise ParameterError(f"window_days = {window_days}; give at least a week.")
    seen = counts.sum(axis=1) > 0
    counts, first, last = counts[seen], first[seen], last[seen]
    on_first = np.asarray(on_first, dtype=bool)[seen]
    n = len(counts)
    if n < 20:
        raise EstimationError(
            f"Only {n} persons seen in the window: too few for the stay-process model."
        )
    if first.min() < 1 or last.max() > window_days or np.any(last < first):
        raise ParameterError(
            "Sighting days fall outside the window: filter the sightings to the window first."
        )
    if selective is None:
        selective = [s.startswith(SELECTIVE_PREFIX) for s in sources]
    unknown = sorted(set(dependent) - set(sources))
    if unknown:
        raise ParameterError(f"dependent names {unknown}, not among the sources {sources}.")
    dep = np.array([s in set(dependent) for s in sources])
    d = _Data(counts, first, last, on_first, window_days, np.asarray(selective, dtype=bool), dep)
    par, it, conv = _em(d, max_iter, tol)
    theta = _pack(d, par)
    est, cov, grads = _uncertainty(theta, d, n, unit_days)
    names = ("N", "present", "arrivals_per_week", "median_stay")
    base = n * est[4] / (1 - est[4]) ** 2
    var = np.einsum("ta,ab,tb->t", grads, cov, grads)
    ratio = est[:4] / est[0]
    var = var[:4] + base * np.array([1.0, ratio[1] ** 2, ratio[2] ** 2, 0.0])
    caveats = [Caveat("open.assumptions")]
    if not conv:
        caveats.append(Caveat("open.not_converged", iterations=it))
    return WindowFit(
        n_observed=n,
        window_days=window_days,
        sources=sources,
        theta=theta,
        cov=cov,
        estimates=dict(zip(names, map(float, est[:4]), strict=True)),
        se=dict(zip(names, map(float, np.sqrt(np.maximum(var, 0.0))), strict=True)),
        p_unseen=float(est[4]),
        iterations=it,
        converged=conv,
        caveats=tuple(caveats),
    )


def _uncertainty(theta, d: _Data, n: int, unit: int = 1):
    """Targets, BHHH covariance of ``θ`` and the targets' gradients (central differences)."""
    eps = 1e-4
    scores = np.empty((n, len(theta)))
    grads = np.empty((5, len(theta)))
    for a in range(len(theta)):
        up, dn = theta.copy(), theta.copy()
        up[a] += eps
        dn[a] -= eps
        scores[:, a] = (
            _loglik(d, _unpack(up, d), per_person=True)
            - _loglik(d, _unpack(dn, d), per_person=True)
        ) / (2 * eps)
        grads[:, a] = (_targets(up, d, n, unit) - _targets(dn, d, n, unit)) / (2 * eps)
    cov = np.linalg.pinv(scores.T @ scores, rcond=1e-10)
    return _targets(theta, d, n, unit), cov, grads


# --- the public entry point ------------------------------------------------------------------
#: Longest window fitted as one (days): the model assumes steady arrivals inside a window.
MAX_WINDOW_DAYS = 366
#: Longer windows are fitted in units of several days, at most this many units (cost).
UNITS_PER_WINDOW = 100

QUANTITIES = ("N", "present", "arrivals_per_week", "median_stay")


@dataclass(frozen=True, repr=False)
class OpenPopulation(Results):
    """Persons per window of an open city (:func:`open_population`).

    Attributes
    ----------
    windows : DataFrame
        One row per window (index: its label, e.g. ``2023Q2`` or ``period``): ``start``,
        ``end``, ``days``, ``n_observed`` and, for each of ``N`` (distinct persons present
        at some time), ``present`` (persons present on a day, mean over the window),
        ``arrivals_per_week`` and ``median_stay``: the estimate, ``<q>_se``,
        ``<q>_lower`` and ``<q>_upper``.
    fits : dict
        Window label to its :class:`WindowFit`.
    """

    windows: pd.DataFrame
    fits: dict
    alpha: float
    caveats: tuple[Caveat, ...] = ()
    title: str = "Persons in the city (open-population stay-process model)"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Tidy rows ``<quantity>_<window>`` with estimate, se and interval."""
        a = self._alpha(alpha)
        rows = {}
        for label, fit in self.fits.items():
            for q in QUANTITIES:
                lo, hi = fit.interval(q, a)
                rows[f"{q}_{label}"] = (fit.estimates[q], fit.se[q], lo, hi)
        return tidy(rows)


def _windows(start: pd.Timestamp, end: pd.Timestamp, freq: str | None):
    if freq is None:
        return [("period", start, end)]
    if freq not in ("Q", "Y"):
        raise ParameterError(f"freq must be 'Q', 'Y' or None (the whole period), got {freq!r}.")
    out = []
    for per in pd.period_range(start, end, freq=freq):
        lo, hi = max(per.start_time.normalize(), start), min(per.end_time.normalize(), end)
        out.append((str(per), lo, hi))
    return out


def open_population(
    sightings: pd.DataFrame,
    city: str,
    start: dt.date | str,
    end: dt.date | str,
    *,
    freq: str | None = "Q",
    sources: Sequence[str] | None = None,
    dependent: Sequence[str] = (),
    alpha: float = 0.05,
) -> OpenPopulation:
    """Distinct persons, persons present, arrivals and median stay per window of a city.

    Parameters
    ----------
    sightings : DataFrame
        Contract-shaped sightings (``person_id``, ``date``, ``city``, ``source``).
    city : str
    start, end : date
        The period (inclusive).
    freq : {"Q", "Y"} or None
        Windows: calendar quarters, years, or the whole period as one window (at most
        :data:`MAX_WINDOW_DAYS` days; the model assumes steady arrivals inside it).
    sources : sequence of str, optional
        Sources to use (default: all in the data). Names starting with ``ads`` are sources
        a person may never be visible to.
    dependent : sequence of str
        Sources whose daily chance may differ for persons seen by no ad site
        (see :func:`fit_window`).
    alpha : float
        One minus the confidence level.

    Returns
    -------
    OpenPopulation

    Notes
    -----
    With ``freq`` set, a row ``period`` combines the windows (:func:`_period_row`:
    distinct persons in the whole period, the windows' persons seen more than once taken
    out). Each window is fitted on its own by :func:`fit_window`, in days up to
    :data:`UNITS_PER_WINDOW` days and in units of ``⌈W/100⌉`` days beyond (a year in
    4-day units: sightings in the same unit count once). Windows with fewer than 20
    persons seen are skipped with a caveat.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if hi < lo:
        raise ParameterError(f"end ({end}) is before start ({start}).")
    rows = sightings[
        (sightings["city"].astype("string") == city)
        & (sightings["date"] >= lo)
        & (sightings["date"] <= hi)
    ]
    if sources is None:
        sources = sorted(rows["source"].astype(str).unique())
    sources = [str(s) for s in sources]
    out, fits, caveats = [], {}, []
    for label, w_lo, w_hi in _windows(lo, hi, freq):
        days = (w_hi - w_lo).days + 1
        if days > MAX_WINDOW_DAYS:
            raise ParameterError(
                f"The window {label} has {days} days; the stay-process model assumes steady "
                f"arrivals within a window of at most {MAX_WINDOW_DAYS} days: use freq='Y'."
            )
        part = rows[(rows["date"] >= w_lo) & (rows["date"] <= w_hi)]
        unit = max(1, -(-days // UNITS_PER_WINDOW))
        try:
            fit = fit_window(
                *sighting_days(part, sources, w_lo, unit),
                -(-days // unit),
                sources,
                dependent=dependent,
                unit_days=unit,
            )
        except EstimationError as exc:
            caveats.append(Caveat("open.window_failed", window=label, reason=Caveat.of_error(exc)))
            continue
        fits[label] = fit
        row = {"window": label, "start": w_lo, "end": w_hi, "days": days}
        row["n_observed"] = fit.n_observed
        for q in QUANTITIES:
            q_lo, q_hi = fit.interval(q, alpha)
            row.update({q: fit.estimates[q], f"{q}_se": fit.se[q]})
            row.update({f"{q}_lower": q_lo, f"{q}_upper": q_hi})
        out.append(row)
    frame = pd.DataFrame(out)
    frame = frame.set_index("window") if len(frame) else frame
    if freq is not None and len(frame) > 1:
        seen = int(rows.loc[rows["source"].astype(str).isin(sources), "person_id"].nunique())
        frame = pd.concat([frame, _period_row(frame, seen, lo, hi, alpha).to_frame().T])
    if fits:
        caveats.append(next(iter(fits.values())).caveats[0])
    return OpenPopulation(frame, fits, alpha, tuple(caveats))


def _period_row(frame: pd.DataFrame, seen: int, lo, hi, alpha: float) -> pd.Series:
    r"""The whole period from its windows: ``N = Σ_w N̂_w − (Σ_w n_w − n)``.

    A person present in several windows is counted once per window in ``Σ_w N̂_w``; those
    seen in several are known (``Σ_w n_w − n`` with ``n`` the distinct persons seen in the
    period) and subtracted. Persons present in several windows but seen in none of them, or
    unseen in some, are still counted more than once, so ``N`` leans high when many long
    stays go unseen. ``Var = Σ_w Var(N̂_w)`` (windows fitted independently); Chao's
    log-normal interval on the unseen. Persons present and arrivals are the day-weighted
    means of the windows'; the median stay is not combined.
    """
    duplicates = float(frame["n_observed"].sum() - seen)
    big_n = float(frame["N"].sum() - duplicates)
    se = float(np.sqrt((frame["N_se"] ** 2).sum()))
    n_lo, n_hi = lognormal_interval(seen, big_n, se**2, alpha)
    w = frame["days"] / frame["days"].sum()
    row = {"start": lo, "end": hi, "days": int(frame["days"].sum()), "n_observed": seen}
    row.update({"N": big_n, "N_se": se, "N_lower": n_lo, "N_upper": n_hi})
    z = stats.norm.ppf(1 - alpha / 2)
    for q in ("present", "arrivals_per_week"):
        est = float((w * frame[q]).sum())
        q_se = float(np.sqrt(((w * frame[f"{q}_se"]) ** 2).sum()))
        s_log = np.sqrt(np.log1p((q_se / est) ** 2)) if est > 0 else np.nan
        row.update({q: est, f"{q}_se": q_se})
        row.update({f"{q}_lower": est * np.exp(-z * s_log), f"{q}_upper": est * np.exp(z * s_log)})
    row.update({"median_stay": np.nan, "median_stay_se": np.nan})
    row.update({"median_stay_lower": np.nan, "median_stay_upper": np.nan})
    return pd.Series(row, name="period")
