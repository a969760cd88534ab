r"""The tour chain on the calendar: each stay meets its own month's reach, inside the window.

:func:`capacity.models.tours.visit_reach` chains one reach per city: every stay of a tour is
reached with the period's (or the half-year's) reach, and every tour is whole. Two things it
cannot see (``docs/methods/tours.md``, "The calendar chain"):

- **the window's edges.** The question is reach *in the period*: a tour that began before
  it was not reached by contacts before it, and one that goes on after it is not reached by
  contacts after it. The plain chain counts the whole tour, so it leans high by the reach
  of the stays outside the window;
- **time.** A tour's stays follow each other within weeks, so they meet the reach of
  neighbouring months, not independent draws from the period's average.

Here the state of the chain is a city *and the month a stay begins in*. A stay in ``j``
beginning in month ``m`` is followed by one in ``k`` beginning ``Δ`` months later with
probability ``P_jk f_Δ`` (``f`` the lag between consecutive stays' starts, from the
observed moves, :func:`month_lags`), and is reached with that month's reach ``p_{jm}``;
months outside the window have reach 0. Time runs forward, so the linear systems of the
plain chain become one small solve per month (for the stays that begin in the same month
as the one before, ``f_0``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["calendar_chain", "month_lags", "national_share"]

#: mean days per month, to turn the days between two stays' starts into months
MONTH_DAYS = 365.25 / 12


def month_lags(stays: pd.DataFrame, gap_days: int, max_months: int = 12) -> np.ndarray:
    r"""Distribution of months between the starts of consecutive stays of a tour, ``f_Δ``.

    Parameters
    ----------
    stays : DataFrame
        :func:`capacity.models.stays.build_stays` of all cities.
    gap_days : int
        Two stays of a woman are consecutive stays of one tour when the second starts within
        ``gap_days`` of the end of the first (:func:`capacity.models.tours.tour_flows`).
    max_months : int
        Longer lags are put in the last cell.

    Returns
    -------
    ndarray (max_months + 1,)
        ``f_Δ``, summing to 1 (``f_1 = 1`` when the data have no move).

    Notes
    -----
    A stay begins at a uniform position ``U`` within its month; the next begins ``d`` days
    later, so ``Δ = ⌊U + d/30.44⌋``: ``⌊d/30.44⌋`` with probability ``1 − frac(d/30.44)``
    and one more otherwise. The observed starts are first sightings, late by the time to a
    stay's first sighting in both stays, so their difference is about the true one.
    """
    o = stays.sort_values(["person_id", "start"], kind="stable")
    pid = o["person_id"].astype(str).to_numpy()
    start = o["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = o["end"].to_numpy("datetime64[D]").astype(np.int64)
    move = (pid[1:] == pid[:-1]) & (start[1:] - end[:-1] <= gap_days)
    f = np.zeros(max_months + 1)
    if not move.any():
        f[min(1, max_months)] = 1.0
        return f
    months = (start[1:] - start[:-1])[move] / MONTH_DAYS
    whole = np.minimum(np.floor(months).astype(int), max_months)
    frac = months - np.floor(months)
    np.add.at(f, whole, 1.0 - frac)
    np.add.at(f, np.minimum(whole + 1, max_months), frac)
    return f / f.sum()


def calendar_chain(
    p: np.ndarray,
    P: np.ndarray,
    exit_: np.ndarray,
    start: np.ndarray,
    lags: np.ndarray,
    tours_begun: np.ndarray,
    before: int,
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    r"""Reach per tour through each city and month, and nationally, counted inside the window.

    Parameters
    ----------
    p : ndarray (M, B, C)
        Reach per stay of a stay beginning in month ``m`` in city ``c``, for a batch ``B``
        (draws, or draws × languages). The first ``before`` months lie before the window
        and must have reach 0; the window's months follow. After the last month nothing is
        reached.
    P : ndarray (B, C, C)
        Next-city probabilities; ``exit_`` (B, C) the chance the tour ends after the stay.
    start : ndarray (B, C)
        Share of tours beginning in each city.
    lags : ndarray (K + 1,)
        ``f_Δ`` (:func:`month_lags`).
    tours_begun : ndarray (M,)
        Tours beginning per month (any scale).
    before : int
        Months before the window (at least the longest tours' span, so that the tours
        entering the window from before it are counted).

    Returns
    -------
    tour : ndarray (M, B, C)
        ``1 − v_{cm} u_{cm}``: the tour of a stay beginning in ``c`` in month ``m`` is
        reached, by a contact inside the window, before, in or after that stay.
    u : ndarray (M, B, C)
        ``u_{cm}``: the tour is not reached from that stay on.
    unreached, present : ndarray (B, C)
        Per city where the tour begins: tours with a stay in the window (``present``) and
        those of them not reached in it (``unreached``), per ``b`` tours begun a month.
        The national share of tours reached is ``1 − Σ unreached / Σ present``
        (:func:`national_share`), mixed over languages by the caller.

    Notes
    -----
    First-step analysis on the states (city, month), ``q = 1 − p``:

    .. math::
        u_{jm} &= q_{jm}\Bigl(x_j + \sum_k P_{jk} \sum_{Δ≥0} f_Δ\, u_{k,m+Δ}\Bigr),
                  \qquad u_{k,m} = 1 \text{ after the last month},\\
        n_{km} &= b_m s_k + \sum_j P_{jk} \sum_Δ f_Δ\, n_{j,m−Δ}, \qquad
        y_{km} = b_m s_k + \sum_j P_{jk} \sum_Δ f_Δ\, q_{j,m−Δ}\, y_{j,m−Δ},

    ``n`` the expected stays, ``y`` those not reached before, ``v = y/n``. The ``Δ = 0``
    terms make one ``C × C`` solve per month: ``(I − f_0 \mathrm{diag}(q_m) P) u_m = …``,
    ``(I − f_0 P^\top) n_m = …``. Nationally, with ``a_{cm}`` the chance that a tour from
    (c, m) before the window has no stay in it (the same recursion with ``q = 1`` and
    ``a = 0`` from the window's first month on),

    .. math:: \mathrm{unreached}_c = \sum_m b_m s_c\, u_{cm} − \sum_{m<0} b_m s_c\, a_{cm},
              \qquad
              \mathrm{present}_c = \sum_{m≥0} b_m s_c + \sum_{m<0} b_m s_c (1 − a_{cm}).

    With one month, no months before it, ``f_0 = 1`` and constant reach this is
    :func:`capacity.models.tours.visit_reach` (tested).

    References
    ----------
    Kemeny, J. G., Snell, J. L. (1960). *Finite Markov Chains*. Van Nostrand, ch. 3.
    """
    p = np.asarray(p, dtype=float)
    n_m, b, c = p.shape
    P = np.broadcast_to(np.asarray(P, dtype=float), (b, c, c))
    x = np.broadcast_to(np.asarray(exit_, dtype=float), (b, c))
    s = np.broadcast_to(np.asarray(start, dtype=float), (b, c))
    f = np.asarray(lags, dtype=float)
    bm = np.asarray(tours_begun, dtype=float)
    q = 1.0 - p
    eye = np.eye(c)[None]
    Pt = np.swapaxes(P, 1, 2)

    def later(arr, m, fill):
        """``Σ_{Δ≥1} f_Δ arr[m + Δ]`` (``fill`` after the last month)."""
        out = np.zeros_like(arr[0])
        for dlt in np.nonzero(f[1:])[0] + 1:
            out += f[dlt] * (arr[m + dlt] if m + dlt < n_m else fill)
        return out

    def earlier(arr, m):
        """``Σ_{Δ≥1} f_Δ arr[m − Δ]`` (0 before the first month)."""
        out = np.zeros_like(arr[0])
        for dlt in np.nonzero(f[1 : m + 1])[0] + 1:
            out += f[dlt] * arr[m - dlt]
        return out

    def apply(inv, rhs):
        return (inv @ rhs[:, :, None])[:, :, 0]

    # the months without reach (before the window) share one matrix, I − f_0 P, and the
    # expected stays its transpose: one inverse for all of them
    plain = np.linalg.inv(eye - f[0] * P)
    plain_t = np.swapaxes(plain, 1, 2)
    idle = ~(p > 0).any(axis=(1, 2))
    u = np.ones((n_m, b, c))
    absent = np.zeros((n_m, b, c))  # a: no stay in the window from here on
    for m in range(n_m - 1, -1, -1):
        rhs = q[m] * (x + np.einsum("bjk,bk->bj", P, later(u, m, 1.0)))
        if idle[m]:
            u[m] = apply(plain, rhs)
        else:
            u[m] = np.linalg.solve(eye - f[0] * q[m][:, :, None] * P, rhs[:, :, None])[:, :, 0]
        if m < before:
            rhs = x + np.einsum("bjk,bk->bj", P, later(absent, m, 0.0))
            absent[m] = apply(plain, rhs)
    u = np.clip(u, 0.0, 1.0)
    absent = np.clip(absent, 0.0, 1.0)
    visits = np.zeros((n_m, b, c))
    fresh = np.zeros((n_m, b, c))
    for m in range(n_m):
        new = bm[m] * s
        visits[m] = apply(plain_t, new + np.einsum("bkj,bj->bk", Pt, earlier(visits, m)))
        rhs_y = new + np.einsum("bkj,bj->bk", Pt, earlier(q * fresh, m))
        if idle[m]:
            fresh[m] = apply(plain_t, rhs_y)
        else:
            a_m = eye - f[0] * np.swapaxes(q[m][:, :, None] * P, 1, 2)
            fresh[m] = np.linalg.solve(a_m, rhs_y[:, :, None])[:, :, 0]
    v = np.clip(np.divide(fresh, visits, out=np.ones_like(fresh), where=visits > 1e-12), 0.0, 1.0)
    tour = 1.0 - v * u
    unreached = (bm[:, None, None] * s[None] * u).sum(axis=0)
    unreached -= (bm[:before, None, None] * s[None] * absent[:before]).sum(axis=0)
    present = bm[before:].sum() * s + (
        bm[:before, None, None] * s[None] * (1.0 - absent[:before])
    ).sum(axis=0)
    return tour, u, (unreached, present)


def national_share(unreached: np.ndarray, present: np.ndarray) -> np.ndarray:
    """``1 − Σ unreached / Σ present`` over the last axis (cities), clipped to [0, 1]."""
    total = np.maximum(np.asarray(present).sum(axis=-1), 1e-12)
    return np.clip(1.0 - np.asarray(unreached).sum(axis=-1) / total, 0.0, 1.0)
