"""Closed-population size estimators for hidden populations: two samples and frequencies.

This module holds the estimators that need only a few counts:

- :func:`chapman` — Chapman's bias-corrected two-sample (Lincoln–Petersen) estimator;
- :func:`chao` — Chao's (1987) heterogeneity lower bound from capture frequencies.

(:func:`capacity.models.population.design.capture_histories` turns sightings into the
count table that :func:`capacity.models.population.mse.mse` fits.)

Both estimators return a :class:`PopulationResults`, the shape shared with the log-linear
multiple systems estimator (``estimate``, ``se``, ``conf_int``, ``summary_frame``,
``summary``, ``plot``). See ``docs/methods/population.md`` for the methods, their
assumptions and what breaks them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import ParameterError
from capacity.models._base import Caveat, Results, tidy

__all__ = [
    "ChaoResults",
    "ChapmanResults",
    "PopulationResults",
    "chao",
    "chapman",
    "lognormal_interval",
]


def lognormal_interval(
    n_observed: float, estimate: float, variance: float, alpha: float = 0.05
) -> tuple[float, float]:
    r"""Chao's (1987) log-normal interval for a population size.

    Parameters
    ----------
    n_observed : float
        Number of distinct persons observed, ``n``.
    estimate : float
        Estimated population size ``N̂ ≥ n``.
    variance : float
        Estimated variance of ``N̂``.
    alpha : float
        One minus the confidence level.

    Returns
    -------
    tuple of float
        ``(n + f̂0 / C, n + f̂0 · C)``.

    Notes
    -----
    The unseen number ``f̂0 = N̂ − n`` is taken as log-normal, so

    .. math:: C = \exp\Big(z_{1-\alpha/2}\sqrt{\log(1 + \widehat{\mathrm{Var}}(\hat N)/\hat f_0^2)}\Big).

    The lower limit never falls below ``n``. When ``f̂0 = 0`` the interval is ``(n, n)``.

    References
    ----------
    Chao, A. (1987). Estimating the population size for capture–recapture data with unequal
    catchability. *Biometrics* 43, 783–791.

    Examples
    --------
    >>> lo, hi = lognormal_interval(100, 150, 400)
    >>> bool(100 < lo < 150 < hi)
    True
    """
    f0 = float(estimate) - float(n_observed)
    if f0 <= 0 or variance <= 0:
        return float(estimate), float(estimate)
    z = stats.norm.ppf(1 - alpha / 2)
    c = np.exp(z * np.sqrt(np.log1p(variance / f0**2)))
    return float(n_observed + f0 / c), float(n_observed + f0 * c)


class PopulationResults(Results):
    """Shared shape of every population-size result.

    Attributes
    ----------
    estimate : float
        Estimated population size ``N̂`` (persons, seen or not).
    se : float
        Standard error of ``N̂``.
    n_observed : int
        Distinct persons observed.
    method : str
        Short name of the estimator.
    caveats : tuple of Caveat
        Plain-language warnings that travel with the result.
    """

    title = "Population size"

    def __init__(
        self,
        estimate: float,
        se: float,
        n_observed: int,
        method: str,
        caveats: Sequence[Caveat] = (),
    ):
        self.estimate = float(estimate)
        self.se = float(se)
        self.n_observed = int(n_observed)
        self.method = method
        self.caveats = tuple(caveats)
        self.title = f"Population size ({method})"

    def _interval(self, alpha: float) -> tuple[float, float]:
        return lognormal_interval(self.n_observed, self.estimate, self.se**2, alpha)

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """Confidence interval ``(low, high)`` for ``N̂`` at level ``1 - alpha``."""
        return self._interval(self._alpha(alpha))

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Tidy frame: rows ``N_hat``, ``n_observed`` and ``n_unseen``.

        ``n_unseen = N̂ − n`` has the same standard error as ``N̂`` (``n`` is known) and its
        interval is that of ``N̂`` shifted by ``n``.
        """
        lo, hi = self.conf_int(alpha)
        n = self.n_observed
        return tidy(
            {
                "N_hat": (self.estimate, self.se, lo, hi),
                "n_observed": (n, 0.0, n, n),
                "n_unseen": (self.estimate - n, self.se, lo - n, hi - n),
            }
        )

    def plot(self, ax=None, alpha: float | None = None):
        """Observed persons against the estimate and its interval; returns the Axes."""
        alpha = self._alpha(alpha)
        ax = super().plot(ax=ax, alpha=alpha)
        ax.set_xlabel("persons")
        ax.set_title(f"{self.title}: estimate with {100 * (1 - alpha):.0f}% interval")
        return ax


class ChapmanResults(PopulationResults):
    """Result of :func:`chapman`; adds ``n1``, ``n2`` and ``m``."""

    def __init__(self, n1: int, n2: int, m: int, estimate: float, se: float, caveats=()):
        super().__init__(estimate, se, n1 + n2 - m, "Chapman", caveats)
        self.n1, self.n2, self.m = int(n1), int(n2), int(m)


class ChaoResults(PopulationResults):
    """Result of :func:`chao`; adds ``frequencies`` and ``occasions``."""

    def __init__(self, frequencies, occasions, estimate, se, n_observed, caveats=()):
        super().__init__(estimate, se, n_observed, "Chao lower bound", caveats)
        self.frequencies = np.asarray(frequencies, dtype=np.int64)
        self.occasions = occasions


def _count(value, name: str) -> int:
    """Validate one non-negative whole count."""
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise ParameterError(f"{name} must be a whole number of persons, got {value!r}.") from err
    if not np.isfinite(number) or number < 0 or number != int(number):
        raise ParameterError(f"{name} must be a non-negative whole number, got {value!r}.")
    return int(number)


def chapman(n1: int, n2: int, m: int) -> ChapmanResults:
    r"""Chapman's bias-corrected two-sample estimator of a closed population's size.

    Parameters
    ----------
    n1, n2 : int
        Distinct persons seen by the first and by the second source.
    m : int
        Persons seen by both (the recaptures), ``0 ≤ m ≤ min(n1, n2)``.

    Returns
    -------
    ChapmanResults
        ``estimate``, ``se``, ``conf_int(alpha)`` (Chao's log-normal interval) etc.

    Notes
    -----
    .. math::

        \hat N = \frac{(n_1 + 1)(n_2 + 1)}{m + 1} - 1, \qquad
        \widehat{\mathrm{Var}}(\hat N) =
            \frac{(n_1+1)(n_2+1)(n_1-m)(n_2-m)}{(m+1)^2 (m+2)}

    (Seber 1970). The interval is Chao's (1987) log-normal interval on the unseen number
    ``N̂ − r`` with ``r = n1 + n2 − m`` observed, so it never goes below ``r``; see
    :func:`lognormal_interval`. Assumes a closed population, independent sources and equal
    catchability; with fewer than about 7 recaptures the estimator is unstable and a caveat
    says so.

    References
    ----------
    Chapman, D. G. (1951). Some properties of the hypergeometric distribution with
    applications to zoological sample censuses. *Univ. Calif. Publ. Stat.* 1, 131–160.
    Seber, G. A. F. (1970). The effects of trap response on tag recapture estimates.
    *Biometrics* 26, 13–22. Seber, G. A. F. (1982). *The Estimation of Animal Abundance*,
    2nd ed., §3.1.1. Chao, A. (1987). *Biometrics* 43, 783–791.

    Examples
    --------
    >>> round(chapman(100, 100, 10).estimate)
    926
    """
    n1, n2, m = _count(n1, "n1"), _count(n2, "n2"), _count(m, "m")
    if m > min(n1, n2):
        raise ParameterError(
            f"m (persons seen by both sources) = {m} exceeds n1 = {n1} or n2 = {n2}; "
            "the overlap cannot be larger than either source. Check the counts."
        )
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    caveats = [Caveat("chapman.assumptions")]
    if m < 7:
        caveats.append(Caveat("chapman.few_recaptures", m=m))
    return ChapmanResults(n1, n2, m, estimate, np.sqrt(variance), caveats)


def chao(frequencies: Sequence[int], occasions: int | None = None) -> ChaoResults:
    r"""Chao's (1987) lower bound for the size of a population with heterogeneous catchability.

    Parameters
    ----------
    frequencies : sequence of int
        ``frequencies[i]`` = number of persons seen exactly ``i + 1`` times.
    occasions : int, optional
        Number of capture occasions ``t``. When given, the finite-occasion factor
        ``(t − 1)/t`` is applied; leave it out for continuous-time captures (``t = ∞``).

    Returns
    -------
    ChaoResults
        ``estimate``, ``se``, ``conf_int(alpha)`` (log-normal) etc.

    Notes
    -----
    With ``n = Σ f_k`` persons observed, ``A = (t − 1)/t`` (1 without ``occasions``) and
    ``r = f1/f2``:

    .. math::

        \hat N = n + A\,\frac{f_1^2}{2 f_2}, \qquad
        \widehat{\mathrm{Var}} = f_2\Big[\frac{A^2 r^4}{4} + A^2 r^3 + \frac{A r^2}{2}\Big]
        \quad (f_2 > 0);

    when ``f2 = 0`` the bias-corrected form is used,

    .. math::

        \hat N = n + A\,\frac{f_1(f_1 - 1)}{2}, \quad
        \widehat{\mathrm{Var}} = A\frac{f_1(f_1-1)}{2} + A^2\frac{f_1(2f_1-1)^2}{4}
            - A^2\frac{f_1^4}{4\hat N}.

    With ``A = 1`` the first variance is Chao's (1987) formula. The interval is the
    log-normal interval of :func:`lognormal_interval`. The bound is a *lower* bound: it is
    nearly unbiased only when most of the unseen are like the persons seen once or twice.

    References
    ----------
    Chao, A. (1987). Estimating the population size for capture–recapture data with unequal
    catchability. *Biometrics* 43, 783–791. Chao, A. (2005). Species estimation and
    applications. In *Encyclopedia of Statistical Sciences*, 2nd ed., 7907–7916 (the
    bias-corrected form and its variance).

    Examples
    --------
    >>> res = chao([1645, 183, 37, 13, 1, 1])
    >>> round(res.estimate, 1), round(res.se, 1)
    (9273.5, 662.6)
    """
    freq = np.asarray(frequencies, dtype=float).ravel()
    if freq.size == 0 or not np.all(np.isfinite(freq)) or np.any(freq < 0):
        raise ParameterError(
            "frequencies must be a non-empty list of non-negative counts: frequencies[i] is "
            f"the number of persons seen i+1 times; got {frequencies!r}."
        )
    if np.any(freq != np.round(freq)):
        raise ParameterError(f"frequencies must be whole numbers of persons, got {frequencies!r}.")
    freq = freq.astype(np.int64)
    if occasions is None:
        a = 1.0
    else:
        t = _count(occasions, "occasions")
        if t < 2:
            raise ParameterError(f"occasions must be at least 2, got {occasions!r}.")
        if t < freq.size and np.any(freq[t:] > 0):
            raise ParameterError(
                f"Some persons are counted more than occasions = {t} times; check the "
                "frequencies or the number of occasions."
            )
        a = (t - 1) / t
    n = int(freq.sum())
    if n == 0:
        raise ParameterError("No person was observed (all frequencies are 0); nothing to estimate.")
    f1 = float(freq[0])
    f2 = float(freq[1]) if freq.size > 1 else 0.0
    caveats = [Caveat("chao.lower_bound")]
    if f2 > 0:
        r = f1 / f2
        estimate = n + a * f1**2 / (2 * f2)
        variance = f2 * (a**2 * r**4 / 4 + a**2 * r**3 + a * r**2 / 2)
    else:
        estimate = n + a * f1 * (f1 - 1) / 2
        variance = (
            a * f1 * (f1 - 1) / 2
            + a**2 * f1 * (2 * f1 - 1) ** 2 / 4
            - a**2 * f1**4 / (4 * estimate)
        )
        caveats.append(Caveat("chao.f2_zero"))
    return ChaoResults(freq, occasions, estimate, np.sqrt(max(variance, 0.0)), n, caveats)
