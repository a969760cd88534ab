"""The trend in stay length: a Cox model with one covariate, fitted on cumulative sums.

statsmodels' ``PHReg`` builds its risk sets with a Python loop over the stays (one
``searchsorted`` per stay and entry), which at half a million stays is most of the time of
:func:`capacity.models.stays.fit_stays`. With a single covariate the partial likelihood,
its score and its information need only, per distinct event time, the sums of
``exp(βx)``, ``x exp(βx)`` and ``x² exp(βx)`` over the risk set and over the events:
sorting the stays once by exit and once by entry turns those into reverse cumulative sums,
so one Newton step costs a few passes over the stays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.exceptions import EstimationError

__all__ = ["cox_one_covariate"]


def _tail_sums(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``out[m] = Σ values[order[m:]]`` (length ``n + 1``, last entry 0)."""
    return np.r_[np.cumsum(values[order][::-1])[::-1], 0.0]


def cox_one_covariate(
    time,
    event,
    x,
    entry=None,
    *,
    ties: str = "efron",
    tol: float = 1e-12,
    maxiter: int = 100,
) -> tuple[float, float]:
    """Cox regression on one covariate: ``β̂`` and the standard error from the information.

    Parameters
    ----------
    time, event, x : array_like
        Exit time, 1 = event / 0 = censored, covariate; one value per subject.
    entry : array_like, optional
        Delayed entry (left truncation) times; subject ``i`` is in the risk set of an
        event time ``τ`` if ``entry_i ≤ τ ≤ time_i`` (statsmodels' ``PHReg`` convention;
        R's ``coxph`` uses ``entry_i < τ``; they differ only where an entry equals an
        event time).
    ties : {"efron", "breslow"}
        Approximation for tied event times.

    Returns
    -------
    (float, float)
        ``β̂`` and ``1/√I(β̂)``.

    Notes
    -----
    With ``τ_j`` the distinct event times, ``d_j`` events at ``τ_j``, ``R_j`` the risk set and
    ``D_j`` the subjects with an event at ``τ_j``, ``S_p(τ_j) = Σ_{R_j} x^p e^{βx}`` and
    ``E_p(τ_j) = Σ_{D_j} x^p e^{βx}``, and for ``l = 0 … d_j − 1`` with ``f = l/d_j`` (Efron)
    or ``f = 0`` (Breslow): ``A = S_0 − f E_0``, ``B = S_1 − f E_1``, ``C = S_2 − f E_2``,

    ``ℓ(β) = β Σ_events x − Σ_j Σ_l log A``, ``U(β) = Σ_events x − Σ B/A``,
    ``I(β) = Σ (C/A − (B/A)²)``.

    ``S_p(τ_j)`` is the sum over subjects with ``time ≥ τ_j`` minus that over subjects with
    ``entry > τ_j``: two reverse cumulative sums, read at ``searchsorted`` positions. ``β̂``
    solves ``U = 0`` by Newton's method (``ℓ`` is concave) with step halving.

    The Breslow form is the profile likelihood of a Poisson model of the events with one
    intercept per event time and offset ``log(persons at risk)`` (the piecewise-exponential
    model; Whitehead 1980; Laird & Olivier 1981): ``tests/test_stays.py`` checks all three
    (this function, ``PHReg`` and the Poisson GLM) agree.

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. JRSS B 34, 187–220.
    Efron, B. (1977). The efficiency of Cox's likelihood function for censored data.
    JASA 72, 557–565. Whitehead, J. (1980). Fitting Cox's regression model to survival
    data using GLIM. Appl. Statist. 29, 268–275. Laird, N., Olivier, D. (1981). Covariance
    analysis of censored survival data using log-linear analysis techniques. JASA 76,
    231–240.

    Examples
    --------
    >>> beta, se = cox_one_covariate([1, 2, 3, 4], [1, 1, 1, 0], [1.0, 0.0, 1.0, 0.0])
    >>> round(beta, 4), round(se, 4)  # as PHReg(ties="efron")
    (0.9406, 1.2403)
    """
    if ties not in ("efron", "breslow"):
        raise EstimationError(f"ties = {ties!r}: use 'efron' or 'breslow'.")
    time = np.asarray(time, dtype=float)
    x = np.asarray(x, dtype=float)
    ev = np.asarray(event, dtype=float) > 0
    if not ev.any():
        raise EstimationError("no events: the Cox model cannot be fitted.")
    tau, d = np.unique(time[ev], return_counts=True)
    by_exit = np.argsort(time, kind="stable")
    at_exit = np.searchsorted(time[by_exit], tau, side="left")  # time ≥ τ from here on
    if entry is not None and np.any(np.asarray(entry, dtype=float) > 0):
        entry = np.asarray(entry, dtype=float)
        by_entry = np.argsort(entry, kind="stable")
        at_entry = np.searchsorted(entry[by_entry], tau, side="right")  # entry > τ from here
    else:
        by_entry = None
    j = np.searchsorted(tau, time[ev])
    x_ev = x[ev]
    # one row per event: the l-th of the d_j tied events at τ_j has f = l / d_j (Efron)
    rep = np.repeat(np.arange(len(tau)), d)
    frac = (np.arange(len(rep)) - np.repeat(np.cumsum(d) - d, d)) / np.repeat(d, d)
    if ties == "breslow":
        frac = np.zeros_like(frac)
    powers = (np.ones_like(x), x, x * x)

    def parts(beta: float) -> tuple[float, float, float]:
        shift = float(np.max(beta * x))
        w = np.exp(beta * x - shift)
        out = []
        for p in powers:
            risk = _tail_sums(by_exit, w * p)[at_exit]
            if by_entry is not None:
                risk = risk - _tail_sums(by_entry, w * p)[at_entry]
            tied = np.bincount(j, weights=(w * p)[ev], minlength=len(tau))
            out.append(risk[rep] - frac * tied[rep])
        a, b, c = out
        loglik = beta * x_ev.sum() - np.sum(np.log(a) + shift)
        return loglik, x_ev.sum() - np.sum(b / a), np.sum(c / a - (b / a) ** 2)

    beta = 0.0
    loglik, score, info = parts(beta)
    for _ in range(maxiter):
        if info <= 0:
            raise EstimationError("the Cox information is not positive: x does not vary.")
        step = score / info
        new = parts(beta + step)
        while new[0] < loglik - 1e-12 * abs(loglik) and abs(step) > tol:
            step /= 2
            new = parts(beta + step)
        beta += step
        loglik, score, info = new
        if abs(step) <= tol * (1 + abs(beta)):
            break
    else:
        raise EstimationError(f"the Cox fit did not converge in {maxiter} Newton steps.")
    return float(beta), float(1 / np.sqrt(info))


def cox_trend(rows: pd.DataFrame, ties: str = "efron") -> tuple[float, float]:
    """Hazard ratio per calendar year and the SE of its log (Cox, Efron ties).

    Uses ``cox_duration``/``cox_entry`` (margin-corrected lengths) where present, else
    ``duration``/``entry``; ``(nan, nan)`` when the starts span less than half a year.
    """
    x = rows["year"].to_numpy() - rows["year"].mean()
    if np.ptp(x) < 0.5:
        return np.nan, np.nan
    dur = rows["cox_duration"] if "cox_duration" in rows else rows["duration"]
    entry = rows["cox_entry"] if "cox_entry" in rows else rows["entry"]
    beta, se = cox_one_covariate(
        dur.to_numpy(), rows["event"].to_numpy(), x, entry.to_numpy(), ties=ties
    )
    return float(np.exp(beta)), se
