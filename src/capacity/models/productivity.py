"""Outreach productivity: persons contacted per staff-hour, by channel.

A Poisson GLM of a count from the outreach log (``contacts`` or ``new_persons``) on the
channel, with ``log(staff_hours)`` as offset and no intercept, so each coefficient is the
log of a channel's rate ``η_c`` (persons per staff-hour). Overdispersion is measured by
Pearson's χ²/df and, when above 1.5, carried into the standard errors (quasi-Poisson).
Method, assumptions and what breaks them: ``docs/methods/productivity.md``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import ConvergenceWarning, DataError, EstimationError, Problem
from capacity.models import _statsmodels as sm
from capacity.models._base import Caveat, Results

__all__ = ["OUTCOMES", "ProductivityResults", "fit_productivity"]

OUTCOMES = ("contacts", "new_persons", "contacts_own_language", "support_offered", "referrals")
DISPERSION_LIMIT = 1.5


@dataclass(frozen=True, repr=False)
class ProductivityResults(Results):
    """Rates per staff-hour by channel.

    Attributes
    ----------
    rates : DataFrame
        Index ``channel``; columns ``estimate, se, ci_lower, ci_upper`` (persons per
        staff-hour), ``count``, ``staff_hours``, ``shifts``.
    overall : tuple
        ``(estimate, se, ci_lower, ci_upper)`` of the pooled rate ``Σ y / Σ hours``.
    dispersion : float
        Pearson χ²/df of the channel model.
    scale : float
        Scale used for the standard errors: the dispersion when above 1.5, else 1.
    params, cov : ndarray
        Log-rates of the fitted channels and their covariance (scale included).
    """

    rates: pd.DataFrame
    overall: tuple[float, float, float, float]
    dispersion: float
    scale: float
    params: np.ndarray
    cov: np.ndarray
    fitted_channels: tuple[str, ...]
    outcome: str
    city: str | None
    alpha: float
    n_shifts: int
    caveats: tuple[Caveat, ...] = ()
    title: str = "Outreach productivity (persons per staff-hour)"

    @property
    def channels(self) -> tuple[str, ...]:
        """Every channel in :attr:`rates`, in order (incl. channels with no events)."""
        return tuple(self.rates.index)

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """One row per channel (``rate_<channel>``) and ``rate_overall``."""
        a = self._alpha(alpha)
        rates = _rate_table(self.rates, a)
        frame = rates[["estimate", "se", "ci_lower", "ci_upper"]].copy()
        frame.index = [f"rate_{c}" for c in frame.index]
        est, se = self.overall[0], self.overall[1]
        lo, hi = _log_interval(est, se, a)
        frame.loc["rate_overall"] = [est, se, lo, hi]
        frame.index.name = "quantity"
        return frame

    def draw_rates(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Rates drawn from the normal approximation of the log-rates: shape (n, channels).

        Columns follow :attr:`channels`; a channel with no events draws 0.
        """
        out = np.zeros((n, len(self.channels)))
        if len(self.fitted_channels):
            logs = rng.multivariate_normal(self.params, self.cov, size=n, method="cholesky")
            cols = [self.channels.index(c) for c in self.fitted_channels]
            out[:, cols] = np.exp(logs)
        return out

    def plot(self, ax=None, alpha: float | None = None):
        """Rates with intervals per channel."""
        ax = super().plot(ax=ax, alpha=self._alpha(alpha))
        ax.set_xlabel(f"{self.outcome.replace('_', ' ')} per staff-hour")
        return ax


def _log_interval(est: float, se: float, alpha: float) -> tuple[float, float]:
    """``exp(log η ± z · se/η)``: the Wald interval on the log scale."""
    if est <= 0 or not np.isfinite(se):
        return np.nan, np.nan
    z = stats.norm.ppf(1 - alpha / 2)
    half = z * se / est
    return float(est * np.exp(-half)), float(est * np.exp(half))


def _rate_table(rates: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Per channel: the log-scale Wald interval, or the exact Poisson upper limit at 0."""
    rates = rates.copy()
    for c in rates.index:
        est, se = rates.at[c, "estimate"], rates.at[c, "se"]
        if est > 0:
            rates.loc[c, ["ci_lower", "ci_upper"]] = _log_interval(est, se, alpha)
        else:  # no events: exact one-sided Poisson upper limit
            rates.loc[c, "ci_upper"] = (
                stats.chi2.ppf(1 - alpha / 2, 2) / 2 / rates.at[c, "staff_hours"]
            )
    return rates


def _check(outreach: pd.DataFrame, outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise EstimationError(f"outcome = {outcome!r}: use one of {', '.join(OUTCOMES)}.")
    missing = [c for c in ("channel", "staff_hours", outcome) if c not in outreach.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    "outreach", None, c, None, "required column is missing", f"add column '{c}'."
                )
                for c in missing
            ]
        )
    hours = pd.to_numeric(outreach["staff_hours"], errors="coerce")
    bad = ~(hours > 0)
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())[:20]
        raise DataError(
            [
                Problem(
                    "outreach",
                    int(r) + 2,
                    "staff_hours",
                    str(outreach["staff_hours"].iloc[r]),
                    "staff_hours must be a positive number",
                    "correct or remove the shift.",
                )
                for r in rows
            ]
        )


def fit_productivity(
    outreach: pd.DataFrame,
    *,
    city: str | None = None,
    outcome: str = "contacts",
    alpha: float = 0.05,
) -> ProductivityResults:
    """Poisson GLM of an outreach count per staff-hour by channel.

    Parameters
    ----------
    outreach : DataFrame
        The outreach table (``channel``, ``staff_hours`` and the outcome column).
    city : str, optional
        Keep only shifts in this city (needs a ``city`` column).
    outcome : str
        ``"contacts"`` (default) or ``"new_persons"`` (the ``η`` of the reach model), or
        another count of the outreach table.
    alpha : float
        1 − confidence level.

    Returns
    -------
    ProductivityResults

    Notes
    -----
    ``y_i ~ Poisson(μ_i)``, ``log μ_i = log(hours_i) + β_{c(i)}``: without intercept
    ``η_c = exp(β_c)``. The MLE is the closed form ``η̂_c = Σ_{i∈c} y_i / Σ_{i∈c} h_i`` with
    ``SE(β̂_c) = 1/sqrt(Σ y)``. Dispersion ``φ = X²/(n - p)``, ``X² = Σ (y - μ̂)²/μ̂``;
    when ``φ > 1.5`` the covariance is multiplied by ``φ`` (quasi-Poisson, statsmodels
    ``scale="X2"``), otherwise ``φ`` is reported and the Poisson scale 1 kept (φ below
    1.5 is within what chance gives for a few dozen shifts). Delta method:
    ``SE(η̂) = η̂ · SE(β̂)``; the interval is ``exp(β̂ ± z SE(β̂))``. A channel with no
    events has ``η̂ = 0`` and the exact upper limit ``χ²_{1-α/2, 2} / (2 Σ h)``.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman &
    Hall, ch. 6 (log-linear models, offsets) and 4.5 (over-dispersion).

    Examples
    --------
    >>> log = pd.DataFrame({"channel": ["online", "online", "street"],
    ...                     "staff_hours": [10.0, 10.0, 5.0], "contacts": [4, 6, 5]})
    >>> fit_productivity(log).rates["estimate"].round(3).to_dict()
    {'online': 0.5, 'street': 1.0}
    """
    _check(outreach, outcome)
    outreach = _in_city(outreach, city)
    y = pd.to_numeric(outreach[outcome]).to_numpy(dtype=float)
    hours = pd.to_numeric(outreach["staff_hours"]).to_numpy(dtype=float)
    channel = outreach["channel"].astype(str).to_numpy()
    table = _channel_totals(y, hours, channel)
    fitted = tuple(table.index[table["count"] > 0])
    empty = tuple(c for c in table.index if c not in fitted)
    if not fitted:
        raise EstimationError(f"no {outcome} recorded in any shift: cannot estimate a rate.")
    use = np.isin(channel, fitted)
    res, dispersion, scale = _poisson_by_channel(y[use], hours[use], channel[use], fitted, outcome)
    params = np.asarray(res.params, dtype=float)
    cov = np.asarray(res.cov_params(), dtype=float)
    caveats = _productivity_caveats(outcome, empty, dispersion, int(use.sum()), fitted)
    total_y, total_h = float(y.sum()), float(hours.sum())
    overall, overall_se = total_y / total_h, float(np.sqrt(total_y * scale) / total_h)
    return ProductivityResults(
        rates=_rate_table(_channel_rates(table, fitted, params, cov), alpha),
        overall=(overall, overall_se, *_log_interval(overall, overall_se, alpha)),
        dispersion=dispersion,
        scale=scale,
        params=params,
        cov=cov,
        fitted_channels=fitted,
        outcome=outcome,
        city=city,
        alpha=alpha,
        n_shifts=len(y),
        caveats=caveats,
    )


def _in_city(outreach: pd.DataFrame, city: str | None) -> pd.DataFrame:
    """The shifts in ``city`` (all when ``None``); an error when none are left."""
    if city is not None:
        if "city" not in outreach.columns:
            raise DataError(
                Problem(
                    "outreach",
                    None,
                    "city",
                    None,
                    "required column is missing",
                    "add column 'city'.",
                )
            )
        outreach = outreach[outreach["city"] == city]
    if outreach.empty:
        raise EstimationError(
            f"no outreach shifts{' in ' + city if city else ''}: cannot estimate rates."
        )
    return outreach


def _channel_totals(y: np.ndarray, hours: np.ndarray, channel: np.ndarray) -> pd.DataFrame:
    """Per channel: ``count`` (Σ y), ``staff_hours`` (Σ h) and ``shifts``."""
    return (
        pd.DataFrame({"channel": channel, "count": y, "staff_hours": hours})
        .groupby("channel", sort=True)
        .agg(count=("count", "sum"), staff_hours=("staff_hours", "sum"), shifts=("count", "size"))
    )


def _poisson_by_channel(y, hours, channel, fitted, outcome):
    """Poisson GLM ``log μ = log h + β_c``; quasi-Poisson scale above the dispersion limit.

    Returns ``(fit, dispersion, scale)``: Pearson ``X²/df`` (NaN without residual degrees
    of freedom) and the scale applied to the covariance (1 unless over-dispersed).
    """
    X = pd.get_dummies(pd.Categorical(channel, categories=list(fitted))).to_numpy(dtype=float)
    model = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(hours))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit()
    if not res.converged:
        warnings.warn(
            f"Poisson GLM for {outcome} did not converge.", ConvergenceWarning, stacklevel=3
        )
    df_resid = max(len(y) - len(fitted), 0)
    dispersion = float(res.pearson_chi2 / df_resid) if df_resid > 0 else np.nan
    if np.isfinite(dispersion) and dispersion > DISPERSION_LIMIT:
        res = model.fit(scale="X2")
        return res, dispersion, float(res.scale)
    return res, dispersion, 1.0


def _channel_rates(table: pd.DataFrame, fitted, params, cov) -> pd.DataFrame:
    """Rates ``exp(β_c)`` with delta-method SEs (0 for channels without events)."""
    est = pd.Series(0.0, index=table.index)
    se = pd.Series(0.0, index=table.index)
    est[list(fitted)] = np.exp(params)
    se[list(fitted)] = np.exp(params) * np.sqrt(np.diag(cov))
    rates = pd.DataFrame({"estimate": est, "se": se, "ci_lower": 0.0, "ci_upper": np.nan})
    rates = rates.join(table)
    rates.index.name = "channel"
    return rates


def _productivity_caveats(outcome, empty, dispersion, shifts, fitted) -> tuple[Caveat, ...]:
    caveats = []
    if empty:
        caveats.append(
            Caveat("productivity.empty_channels", outcome=f"word_{outcome}", channels=empty)
        )
    if np.isfinite(dispersion) and dispersion > DISPERSION_LIMIT:
        caveats.append(Caveat("productivity.overdispersed", dispersion=dispersion))
    if shifts - len(fitted) < 5:
        caveats.append(Caveat("productivity.few_shifts", shifts=shifts, channels=len(fitted)))
    return tuple(caveats)
