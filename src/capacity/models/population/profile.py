"""Profile-likelihood interval for the population size of a log-linear model.

Helper of :mod:`capacity.models.population.mse`. For a trial ``N`` the unseen history is
appended with count ``N − n``, the Poisson log-linear model is refitted, and the
multinomial log-likelihood is evaluated; the interval collects the ``N`` within
``χ²_1(1 − α)/2`` of the maximum (Cormack 1992; Rcapture ``closedpCI``).

References
----------
Cormack, R. M. (1992). Interval estimation for mark–recapture studies of closed
populations. *Biometrics* 48, 567–576. Baillargeon, S. & Rivest, L.-P. (2007). Rcapture:
loglinear models for capture–recapture in R. *J. Stat. Softw.* 19(5).
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
from scipy import optimize, special, stats

from capacity.exceptions import EstimationError
from capacity.models import _statsmodels as sm
from capacity.models.population.design import Model

__all__ = ["Profile"]

_MAX_UNSEEN_FACTOR = 1e4  # profile search stops at n + 1e4 · (N̂ − n + 1)


class Profile:
    """Multinomial profile log-likelihood of N (Cormack 1992; Rcapture ``closedpCI``)."""

    def __init__(self, model: Model, y: np.ndarray, start: np.ndarray):
        self.X = np.vstack([model.X, np.eye(1, model.X.shape[1])])
        self.y = y
        self.n = float(y.sum())
        self.start = start
        self.const = -special.gammaln(y + 1).sum()

    def _newton(self, y_full: np.ndarray) -> np.ndarray | None:
        """Fitted means by warm-started Newton–Raphson on the Poisson log-likelihood.

        The profile needs dozens of refits that differ only in the unseen count; starting
        from the last solution, Newton converges in a few steps (statsmodels' GLM is the
        fallback and fits every reported model).
        """
        X, beta = self.X, self.start.copy()
        for _ in range(50):
            mu = np.exp(X @ beta)
            hess = X.T @ (mu[:, None] * X)
            try:
                step = np.linalg.solve(hess, X.T @ (y_full - mu))
            except np.linalg.LinAlgError:
                return None
            beta = beta + step
            if not np.all(np.isfinite(beta)) or np.abs(step).max() > 50:
                return None
            if np.abs(step).max() < 1e-10:
                self.start = beta
                return np.exp(X @ beta)
        return None

    def _statsmodels(self, y_full: np.ndarray) -> np.ndarray | None:
        glm = sm.GLM(y_full, self.X, family=sm.families.Poisson())
        for kwargs in ({"start_params": self.start}, {}, {"method": "newton"}):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mu = np.asarray(glm.fit(tol=1e-12, maxiter=200, **kwargs).fittedvalues)
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                continue
            if np.all(np.isfinite(mu)):
                return mu
        return None

    @cache  # noqa: B019 - one small object per result, evaluations are reused across alphas
    def loglik(self, big_n: float) -> float:
        """Multinomial profile log-likelihood ``ℓ(N)`` at ``N = big_n``."""
        unseen = big_n - self.n
        y_full = np.append(self.y, unseen)
        with np.errstate(over="ignore", invalid="ignore"):
            mu = self._newton(y_full)
        if mu is None:
            mu = self._statsmodels(y_full)
        if mu is None or not np.all(np.isfinite(mu)):
            raise EstimationError(
                f"The profile likelihood could not be evaluated at N = {big_n:.6g}; the "
                "interval is not available for this model. Use a simpler model."
            )
        return float(
            special.gammaln(big_n + 1)
            - special.gammaln(unseen + 1)
            + self.const
            + special.xlogy(y_full, mu / big_n).sum()
        )

    @cache  # noqa: B019
    def maximum(self, guess: float) -> float:
        """``N`` that maximises the profile likelihood, searched from ``guess``."""
        upper = self.n + 4 * (guess - self.n) + 10
        while True:
            res = optimize.minimize_scalar(
                lambda b: -self.loglik(float(b)),
                bounds=(self.n, upper),
                method="bounded",
                options={"xatol": 1e-6 * upper},
            )
            if res.x < upper * (1 - 1e-3) or upper > self.n * _MAX_UNSEEN_FACTOR:
                return float(res.x)
            upper = self.n + 4 * (upper - self.n)

    def interval(self, guess: float, alpha: float) -> tuple[float, float, float]:
        """Profile-likelihood interval ``(low, high, N at the maximum)`` at level ``1 − alpha``."""
        top = self.maximum(guess)
        target = self.loglik(top) - stats.chi2.ppf(1 - alpha, 1) / 2

        def gap(b):
            return self.loglik(float(b)) - target

        lo = self.n if gap(self.n) >= 0 else optimize.brentq(gap, self.n, top, xtol=1e-7)
        hi_end, step = top, top - self.n + 1
        while gap(hi_end) >= 0:
            hi_end = top + step
            step *= 2
            if step > _MAX_UNSEEN_FACTOR * (top - self.n + 1):
                return float(lo), np.inf, top
        hi = optimize.brentq(gap, top, hi_end, xtol=1e-7)
        return float(lo), float(hi), top
