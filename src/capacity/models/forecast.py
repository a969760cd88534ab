"""Forecast of monthly arrivals (new stays in a city): trend, season, prediction intervals.

A count regression of arrivals per month on a linear trend and one annual harmonic,
with the month's length as exposure: negative binomial (NB2) when the counts vary more
than Poisson, else Poisson. Prediction intervals come from simulation: parameters drawn
from their estimated covariance, counts drawn from the count distribution (seeded).
Method and assumptions: ``docs/methods/forecast.md``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import ConvergenceWarning, EstimationError
from capacity.models import _statsmodels as sm
from capacity.models._base import Caveat, Results, percentile_interval, tidy

__all__ = ["ForecastResults", "fit_arrivals_forecast"]

MIN_MONTHS = 6

#: Fewest months with any arrival for a trend (with fewer the fit separates).
MIN_MONTHS_WITH_ARRIVALS = 3

#: Largest forecast mean per month accepted; beyond it the fit has run away.
MAX_MONTHLY_MEAN = 1e6
SEASON_MONTHS = 24
ALPHA_POISSON = 1e-4  # NB2 dispersion below this: use the Poisson model


def _design(
    months: pd.DatetimeIndex, origin: pd.Timestamp, center: float, season: bool
) -> np.ndarray:
    """Columns: intercept, years since origin (centred), and sin/cos of the month."""
    years = (months.year - origin.year) + (months.month - origin.month) / 12.0
    cols = [np.ones(len(months)), years - center]
    if season:
        angle = 2 * np.pi * (months.month.to_numpy() - 1) / 12
        cols += [np.sin(angle), np.cos(angle)]
    return np.column_stack(cols)


@dataclass(frozen=True, repr=False)
class ForecastResults(Results):
    """Monthly arrivals: fitted model, trend and simulated prediction intervals.

    Attributes
    ----------
    history : Series
        The monthly counts the model was fitted to.
    family : str
        ``"negative binomial"`` or ``"Poisson"``.
    params, cov : ndarray
        Regression coefficients (intercept, trend per year, [sin, cos]) and covariance.
    nb_alpha : float
        NB2 dispersion ``α`` (``Var = μ + α μ²``); 0 for Poisson.
    draws : ndarray
        Simulated future counts, shape (n_sim, horizon).
    mean_draws : ndarray
        Simulated expected counts (parameter uncertainty only), shape (n_sim, horizon).
    """

    history: pd.Series
    future: pd.DatetimeIndex
    family: str
    params: np.ndarray
    cov: np.ndarray
    nb_alpha: float
    season: bool
    draws: np.ndarray
    mean_draws: np.ndarray
    point: np.ndarray
    alpha: float
    caveats: tuple[Caveat, ...] = ()
    title: str = "Arrivals forecast (new stays per month)"

    @property
    def trend_per_year(self) -> tuple[float, float, float]:
        """Rate ratio per year ``exp(β_1)`` and its Wald interval (log scale)."""
        z = stats.norm.ppf(1 - self.alpha / 2)
        b, se = self.params[1], np.sqrt(self.cov[1, 1])
        return float(np.exp(b)), float(np.exp(b - z * se)), float(np.exp(b + z * se))

    def predict_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Future months: ``estimate`` (expected count), ``se`` and ``ci_lower, ci_upper``.

        The interval is a prediction interval for the count of that month (parameter and
        count uncertainty); ``mean_lower, mean_upper`` bound the expected count only.
        """
        a = self._alpha(alpha)
        lo, hi = np.quantile(self.draws, [a / 2, 1 - a / 2], axis=0)
        mlo, mhi = np.quantile(self.mean_draws, [a / 2, 1 - a / 2], axis=0)
        frame = pd.DataFrame(
            {
                "estimate": self.point,
                "se": self.draws.std(axis=0, ddof=1),
                "ci_lower": lo,
                "ci_upper": hi,
                "mean_lower": mlo,
                "mean_upper": mhi,
            },
            index=self.future,
        )
        frame.index.name = "month"
        return frame

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Trend per year (rate ratio) and arrivals over the next 12 months."""
        a = self._alpha(alpha)
        z = stats.norm.ppf(1 - a / 2)
        b, se = self.params[1], np.sqrt(self.cov[1, 1])
        k = min(12, self.draws.shape[1])
        total = self.draws[:, :k].sum(axis=1)
        lo, hi = percentile_interval(total, a)
        return tidy(
            {
                "trend_per_year": (
                    np.exp(b),
                    np.exp(b) * se,
                    np.exp(b - z * se),
                    np.exp(b + z * se),
                ),
                f"arrivals_next_{k}_months": (
                    float(self.point[:k].sum()),
                    float(total.std(ddof=1)),
                    lo,
                    hi,
                ),
            }
        )

    def simulate(self, rng: np.random.Generator, n: int, counts: bool = False) -> np.ndarray:
        """New draws of future expected arrivals (or counts when ``counts``): (n, horizon)."""
        return _simulate(
            self.params,
            self.cov,
            self.nb_alpha,
            self._future_design(),
            self._days(),
            rng,
            n,
            counts,
        )

    def _future_design(self) -> np.ndarray:
        origin, center = self.history.index[0], self._center()
        return _design(self.future, origin, center, self.season)

    def _center(self) -> float:
        idx = self.history.index
        return float(np.mean((idx.year - idx[0].year) + (idx.month - idx[0].month) / 12.0))

    def _days(self) -> np.ndarray:
        return self.future.days_in_month.to_numpy(dtype=float)

    def plot(self, ax=None, alpha: float | None = None):
        """History, fitted forecast and the prediction band."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        frame = self.predict_frame(alpha)
        ax.plot(
            self.history.index,
            self.history.to_numpy(),
            "o-",
            ms=3,
            color="#000000",
            label="observed",
        )
        ax.plot(frame.index, frame["estimate"], color="#0072B2", label="forecast")
        ax.fill_between(
            frame.index,
            frame["ci_lower"],
            frame["ci_upper"],
            color="#0072B2",
            alpha=0.2,
            label="prediction interval",
        )
        ax.set_xlabel("month")
        ax.set_ylabel("arrivals (new stays) per month")
        ax.set_title(self.title)
        ax.legend(loc="upper left")
        return ax


def _simulate(params, cov, nb_alpha, X, days, rng, n, counts) -> np.ndarray:
    beta = rng.multivariate_normal(params, cov, size=n, method="cholesky")
    mu = np.exp(beta @ X.T) * days
    if not counts:
        return mu
    if nb_alpha > 0:
        size = 1 / nb_alpha
        return rng.negative_binomial(size, size / (size + mu)).astype(float)
    return rng.poisson(mu).astype(float)


def _checked_counts(monthly: pd.Series, horizon: int) -> tuple[pd.Series, pd.DatetimeIndex]:
    """The monthly counts and their month starts, or an EstimationError that says why not."""
    if not isinstance(monthly.index, pd.DatetimeIndex):
        raise EstimationError("monthly arrivals need a DatetimeIndex of month starts.")
    y = pd.to_numeric(monthly, errors="coerce")
    if y.isna().any() or (y < 0).any():
        raise EstimationError("monthly arrivals must be non-negative counts without gaps (use 0).")
    idx = monthly.index.to_period("M").to_timestamp()
    expected = pd.date_range(idx[0], periods=len(idx), freq="MS")
    if len(idx) and not idx.equals(expected):
        raise EstimationError(
            "monthly arrivals must cover consecutive months (fill missing months with 0)."
        )
    if len(y) < MIN_MONTHS:
        raise EstimationError(
            f"only {len(y)} months of arrivals: at least {MIN_MONTHS} are needed for a trend.",
            reason=Caveat("forecast.too_short_for_trend", n=len(y), needed=MIN_MONTHS),
        )
    if y.sum() == 0:
        raise EstimationError(
            "no arrivals in any month: nothing to forecast.",
            reason=Caveat("forecast.no_arrivals"),
        )
    if (y > 0).sum() < MIN_MONTHS_WITH_ARRIVALS:
        raise EstimationError(  # one busy month: the trend runs to ±∞ (issue 13)
            f"arrivals in only {int((y > 0).sum())} month(s): at least "
            f"{MIN_MONTHS_WITH_ARRIVALS} are needed for a trend.",
            reason=Caveat(
                "forecast.few_months_with_arrivals",
                n=int((y > 0).sum()),
                needed=MIN_MONTHS_WITH_ARRIVALS,
            ),
        )
    if horizon < 1:
        raise EstimationError("horizon must be at least 1 month.")
    return y, idx


def fit_arrivals_forecast(
    monthly: pd.Series,
    horizon: int = 24,
    alpha: float = 0.05,
    *,
    n_sim: int = 4000,
    seed: int = 20261128,
) -> ForecastResults:
    """Fit trend and season to monthly arrivals and forecast ``horizon`` months.

    Parameters
    ----------
    monthly : Series
        Arrivals per month, indexed by the first day of each month (consecutive
        months, zeros included), e.g. from :func:`capacity.models.stays.monthly_arrivals`.
    horizon : int
        Months to forecast after the last observed month.
    alpha : float
        1 − level of the intervals.
    n_sim, seed : int
        Simulation size and seed of the prediction intervals.

    Returns
    -------
    ForecastResults

    Notes
    -----
    ``y_t ~ NB2(μ_t, α)`` with ``Var y_t = μ_t + α μ_t²`` (Poisson when ``α̂ < 1e-4``),
    ``log μ_t = log d_t + β_0 + β_1 τ_t + γ_1 sin(2π m_t/12) + γ_2 cos(2π m_t/12)``,
    ``d_t`` the days in month ``t``, ``τ_t`` years since the first month (centred),
    ``m_t`` the month of the year minus 1. ``exp(β_1)`` is the rate ratio per year.
    With fewer than 24 months the season is not estimated (trend only). Prediction:
    ``β^{(s)} ~ N(β̂, V̂)``, ``μ^{(s)}_t = d_t exp(x_t β^{(s)})``,
    ``y^{(s)}_t ~ NB2(μ^{(s)}_t, α̂)``; the interval is the ``α/2, 1-α/2`` quantiles of
    ``y^{(s)}_t``. A count GLM is used rather than SARIMAX: months hold few arrivals,
    counts are non-negative and the log-linear trend reads directly as a rate ratio.

    References
    ----------
    McCullagh, P., Nelder, J. A. (1989). Generalized Linear Models. Chapman & Hall.
    Cameron, A. C., Trivedi, P. K. (2013). Regression Analysis of Count Data, 2nd ed.,
    Cambridge University Press (NB2). Hyndman, R. J., Athanasopoulos, G. (2021).
    Forecasting: Principles and Practice, 3rd ed. (harmonic regression).
    """
    y, idx = _checked_counts(monthly, horizon)
    history = pd.Series(y.to_numpy(dtype=float), index=idx, name="arrivals")
    caveats = []
    history, dropped = _drop_partial_months(history, monthly.attrs)
    if dropped:
        caveats.append(Caveat("forecast.partial_months", n=dropped))
    idx = history.index
    if len(history) < MIN_MONTHS:
        raise EstimationError(
            f"only {len(history)} whole months of arrivals: at least {MIN_MONTHS} are needed.",
            reason=Caveat("forecast.too_few_whole_months", n=len(history), needed=MIN_MONTHS),
        )
    season = len(history) >= SEASON_MONTHS
    if not season:
        caveats.append(Caveat("forecast.no_season", n=len(history)))
    origin = idx[0]
    yrs = (idx.year - origin.year) + (idx.month - origin.month) / 12.0
    center = float(np.mean(yrs))
    X = _design(idx, origin, center, season)
    days = idx.days_in_month.to_numpy(dtype=float)
    params, cov, nb_alpha, family = _fit(history.to_numpy(), X, days)
    if family == "Poisson":
        caveats.append(Caveat("forecast.poisson"))
    future = pd.date_range(idx[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
    Xf = _design(future, origin, center, season)
    dayf = future.days_in_month.to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    mean_draws = _simulate(params, cov, nb_alpha, Xf, dayf, rng, n_sim, counts=False)
    if not np.isfinite(mean_draws).all() or mean_draws.max() > MAX_MONTHLY_MEAN:
        raise EstimationError(
            "the fitted trend of arrivals runs away (more than a million a month within the "
            "horizon): the months observed are too few or too uneven to forecast.",
            reason=Caveat("forecast.runs_away"),
        )
    size = 1 / nb_alpha if nb_alpha > 0 else None
    draws = (
        rng.negative_binomial(size, size / (size + mean_draws)).astype(float)
        if size
        else rng.poisson(mean_draws).astype(float)
    )
    caveats.append(Caveat("forecast.assumes_trend", horizon=horizon, n=len(history)))
    return ForecastResults(
        history=history,
        future=future,
        family=family,
        params=params,
        cov=cov,
        nb_alpha=nb_alpha,
        season=season,
        draws=draws,
        mean_draws=mean_draws,
        point=np.exp(Xf @ params) * dayf,
        alpha=alpha,
        caveats=tuple(caveats),
    )


def _drop_partial_months(history: pd.Series, attrs: dict) -> tuple[pd.Series, int]:
    """Keep the months wholly inside ``attrs["counting_start"]``–``attrs["counting_end"]``.

    :func:`capacity.models.stays.monthly_arrivals` sets these: arrivals are countable
    only from ``gap_days`` after the first data day to the last data day.
    """
    lo, hi = attrs.get("counting_start"), attrs.get("counting_end")
    keep = np.ones(len(history), dtype=bool)
    month_end = history.index.to_period("M").to_timestamp(how="end").normalize()
    if lo is not None:
        keep &= history.index >= pd.Timestamp(lo)
    if hi is not None:
        keep &= month_end <= pd.Timestamp(hi)
    return history[keep], int((~keep).sum())


def _fit(
    y: np.ndarray, X: np.ndarray, days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, str]:
    """NB2 by maximum likelihood; Poisson GLM when NB2 finds no extra variation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pois = sm.GLM(y, X, family=sm.families.Poisson(), exposure=days).fit()
        try:
            nb = sm.NegativeBinomial(y, X, exposure=days, loglike_method="nb2").fit(
                start_params=np.r_[pois.params, 0.1], disp=0, maxiter=200
            )
            ok = bool(nb.mle_retvals.get("converged", True)) and np.all(np.isfinite(nb.bse))
        except (np.linalg.LinAlgError, ValueError):
            nb, ok = None, False
    if ok and nb.params[-1] > ALPHA_POISSON:
        k = X.shape[1]
        return (
            np.asarray(nb.params[:k]),
            np.asarray(nb.cov_params())[:k, :k],
            float(nb.params[-1]),
            "negative binomial",
        )
    if not pois.converged:
        warnings.warn(
            "Poisson model of monthly arrivals did not converge.", ConvergenceWarning, stacklevel=3
        )
    return np.asarray(pois.params), np.asarray(pois.cov_params()), 0.0, "Poisson"
