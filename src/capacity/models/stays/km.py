"""The stay-length distribution: Kaplan–Meier, its exponential tail, Laplace transform, bootstrap.

:class:`StayDistribution` holds the KM point masses plus an exponential tail and answers
``laplace``, ``mean``, ``survival``, ``sample`` and ``scaled``; :func:`km_distribution`
fits it on weighted ``(duration, event, entry)`` rows; the ``km_band``, ``km_median``,
``restricted_mean_se`` and ``km_share_below`` helpers read intervals off the KM curve;
:func:`bootstrap_stays` refits it on person-bootstrap replicates. Used by
:func:`capacity.models.stays.fit_stays`; methods in ``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat
from capacity.models.stays.margins import prepare_margins

__all__ = ["StayDistribution", "bootstrap_stays", "grouped_median", "km_distribution"]


def grouped_median(times, cdf) -> np.ndarray:
    """Median of a distribution on whole days, each day's mass spread over the day.

    Parameters
    ----------
    times : (J,) increasing whole days with mass.
    cdf : (..., J) ``F(t_j) = P(T ≤ t_j)`` (rows: replicates or years).

    Returns
    -------
    ndarray (...)
        ``m = k − 1/2 + (1/2 − F(k⁻)) / (F(k) − F(k⁻))`` with ``k`` the first day where
        ``F(k) ≥ 1/2`` and ``F(k⁻)`` the CDF before it: the median of the distribution whose
        mass ``P(T = k)`` is spread evenly over ``(k − 1/2, k + 1/2]``. NaN where ``F``
        never reaches 1/2.

    Notes
    -----
    A length in whole days is a continuous time rounded to the day. The step CDF's median
    (the first ``k`` with ``F(k) ≥ 1/2``) can take only whole values, so the bootstrap
    percentiles of a median near a day's edge collapse onto one or two days ("16 (16–16)")
    and an estimate and a truth a few hours apart differ by a whole day. The grouped-data
    median moves continuously with the distribution and lies within half a day of the step
    median. It is the textbook median of grouped data, ``L + (1/2 − F(L))/f·w`` with
    classes of ``w = 1`` day whose lower limit is ``L = k − 1/2``: the quantile of the CDF
    drawn as straight lines between the ends of the days, one of the interpolated
    quantile definitions compared by Hyndman & Fan (1996), *The American Statistician* 50,
    361–365.

    Examples
    --------
    >>> float(grouped_median(np.array([1.0, 2.0, 3.0]), np.array([0.2, 0.6, 1.0])))
    2.25
    """
    t = np.asarray(times, dtype=float)
    f = np.asarray(cdf, dtype=float)
    if f.shape[-1] == 0:
        return np.full(f.shape[:-1], np.nan)
    hit = f >= 0.5 - 1e-12
    found = hit.any(axis=-1)
    j = np.argmax(hit, axis=-1)
    f_at = np.take_along_axis(f, j[..., None], axis=-1)[..., 0]
    prev = np.take_along_axis(f, np.maximum(j - 1, 0)[..., None], axis=-1)[..., 0]
    prev = np.where(j > 0, prev, 0.0)
    step = f_at - prev
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(step > 0, (0.5 - prev) / np.where(step > 0, step, 1.0), 0.5)
    out = t[j] - 0.5 + np.clip(frac, 0.0, 1.0)
    return np.where(found, out, np.nan)


@dataclass(frozen=True, repr=False)
class StayDistribution:
    """A stay-length distribution: KM point masses plus an exponential tail.

    ``P(T = t_j) = p_j`` at the KM event times, and beyond the last time ``t_max``
    ``P(T > t) = s_max · exp(-λ (t - t_max))``.

    Examples
    --------
    >>> d = StayDistribution(np.array([1.0, 3.0]), np.array([0.5, 0.5]), 0.0, 3.0, np.nan)
    >>> d.mean(), float(d.laplace([0.0])[0])
    (2.0, 1.0)
    """

    times: np.ndarray
    masses: np.ndarray
    s_max: float
    t_max: float
    tail_rate: float
    caveats: tuple[Caveat, ...] = ()

    def laplace(self, h) -> np.ndarray:
        """``E[exp(-h T)] = Σ p_j e^{-h t_j} + s_max e^{-h t_max} λ / (λ + h)``, ``h ≥ 0``."""
        h = np.atleast_1d(np.asarray(h, dtype=float))
        if np.any(h < 0) or not np.all(np.isfinite(h)):
            raise EstimationError("hazards h must be finite and non-negative.")
        out = np.exp(-np.outer(h, self.times)) @ self.masses
        if self.s_max > 0:
            out = out + self.s_max * np.exp(-h * self.t_max) * self.tail_rate / (self.tail_rate + h)
        return np.clip(out, 0.0, 1.0)

    def mean(self) -> float:
        """``E[T] = Σ p_j t_j + s_max (t_max + 1/λ)``."""
        tail = self.s_max * (self.t_max + 1 / self.tail_rate) if self.s_max > 0 else 0.0
        return float(self.masses @ self.times + tail)

    def survival(self, t) -> np.ndarray:
        """``S(t) = P(T > t)``."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        s = 1 - np.r_[0.0, np.cumsum(self.masses)][np.searchsorted(self.times, t, side="right")]
        beyond = t > self.t_max
        s[beyond] = (
            self.s_max * np.exp(-self.tail_rate * (t[beyond] - self.t_max))
            if self.s_max > 0
            else 0.0
        )
        return np.clip(s, 0.0, 1.0)

    def scaled(self, c: float) -> StayDistribution:
        """The distribution of ``c·T`` (scenario: stays ``c`` times as long)."""
        return StayDistribution(
            self.times * c,
            self.masses,
            self.s_max,
            self.t_max * c,
            self.tail_rate / c,
            self.caveats,
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws by inverting the CDF; the tail by ``t_max + Exp(λ)``."""
        u = rng.random(n)
        cdf = np.cumsum(self.masses)
        idx = np.searchsorted(cdf, u, side="left")
        out = self.times[np.minimum(idx, len(self.times) - 1)].astype(float)
        tail = idx >= len(self.times)
        if tail.any() and self.s_max > 0:
            out[tail] = self.t_max + rng.exponential(1 / self.tail_rate, int(tail.sum()))
        return out


def km_distribution(
    rows: pd.DataFrame, *, alpha: float = 0.05, aggregate: bool = True
) -> tuple[SurvfuncRight, StayDistribution]:
    """KM on unique ``(duration, event, entry)`` rows with weights, and its distribution.

    Greenwood standard errors replace statsmodels' weighted (Tsiatis) ones so that the
    frequency-weighted fit equals the fit on the expanded rows.
    """
    if aggregate:
        rows = rows.groupby(["duration", "event", "entry"], as_index=False, sort=False)[
            "weight"
        ].sum()
    time = rows["duration"].to_numpy(dtype=float)
    entry = rows["entry"].to_numpy(dtype=float)
    km = SurvfuncRight(
        time,
        rows["event"].to_numpy(dtype=float),
        entry=entry if np.any(entry > 0) else None,
        freq_weights=rows["weight"].to_numpy(dtype=float),
    )
    n, d, s = (np.asarray(a, dtype=float) for a in (km.n_risk, km.n_events, km.surv_prob))
    with np.errstate(divide="ignore", invalid="ignore"):
        km.surv_prob_se = s * np.sqrt(np.cumsum(np.where(n > d, d / (n * (n - d)), np.nan)))
    t = np.asarray(km.surv_times, dtype=float)
    masses = -np.diff(np.r_[1.0, s])
    s_max = float(s[-1]) if len(s) else 1.0
    t_max = float(max(time.max(), t[-1] if len(t) else 0.0))
    caveats: tuple[Caveat, ...] = ()
    rate = np.nan
    if s_max > 0:
        # occurrence/exposure beyond the KM's upper quartile (or its median, or half of t_max)
        reach = [t[np.argmax(s <= lvl)] for lvl in (0.25, 0.5) if np.any(s <= lvl)]
        cut = reach[0] if reach else 0.5 * t_max
        w, ev = rows["weight"].to_numpy(dtype=float), rows["event"].to_numpy(dtype=float)
        exposure = float(np.sum(w * np.clip(time - np.maximum(entry, cut), 0, None)))
        events = float(np.sum(w * ev * (time > cut)))
        if events == 0:
            events = 1.0
            caveats = (Caveat("stays.no_tail_end"),)
        rate = events / max(exposure, 1e-9)
    return km, StayDistribution(t, masses, s_max, t_max, rate, caveats)


def km_band(km: SurvfuncRight, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log interval of ``S(t)`` at the KM times (R's ``conf.type="log-log"``)."""
    z = stats.norm.ppf(1 - alpha / 2)
    s = np.asarray(km.surv_prob, dtype=float)
    se = np.asarray(km.surv_prob_se, dtype=float)
    # s at 0 or 1 and huge half-widths in the far tail are masked below (ok), so their
    # divide/overflow warnings carry no information for the user.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        half = z * se / (s * np.abs(np.log(s)))
        lo = np.exp(-np.exp(np.log(-np.log(s)) + half))
        hi = np.exp(-np.exp(np.log(-np.log(s)) - half))
    ok = (s > 0) & (s < 1) & np.isfinite(half)
    return np.where(ok, lo, s), np.where(ok, hi, s)


def km_median(
    km: SurvfuncRight, alpha: float, grouped: bool = False
) -> tuple[float, tuple[float, float]]:
    """KM median and its interval where the pointwise band crosses 0.5.

    Notes
    -----
    ``[inf{t: S_lo(t) ≤ 1/2}, inf{t: S_hi(t) ≤ 1/2}]`` with the log-log band, as R's
    ``quantile.survfit`` (Brookmeyer & Crowley 1982); ``inf`` when the upper band never
    reaches 1/2. ``grouped=True`` (lengths in whole days): the median and both limits are
    read off their curves with :func:`grouped_median` instead of the first time at or
    below 1/2.
    """
    t = np.asarray(km.surv_times, dtype=float)
    s = np.asarray(km.surv_prob, dtype=float)
    lo, hi = km_band(km, alpha)

    def first(x: np.ndarray) -> float:
        if grouped:
            m = float(grouped_median(t, 1 - x))
            return np.inf if np.isnan(m) else m
        i = np.flatnonzero(x <= 0.5)
        return float(t[i[0]]) if len(i) else np.inf

    med = first(s)
    return (np.nan if np.isinf(med) else med), (first(lo), first(hi))


def restricted_mean_se(km: SurvfuncRight) -> float:
    """Greenwood-type SE of the restricted mean ``∫_0^{t_max} S(t) dt`` (Klein & Moeschberger 4.5)."""
    t = np.asarray(km.surv_times, dtype=float)
    s = np.asarray(km.surv_prob, dtype=float)
    n, d = np.asarray(km.n_risk, dtype=float), np.asarray(km.n_events, dtype=float)
    if len(t) < 2:
        return np.nan
    area = np.r_[np.diff(t) * s[:-1], 0.0]
    tail_area = np.cumsum(area[::-1])[::-1]  # ∫_{t_j}^{t_max} S
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(n > d, tail_area**2 * d / (n * (n - d)), 0.0)
    return float(np.sqrt(np.nansum(term)))


def km_share_below(km: SurvfuncRight, t: float, alpha: float) -> tuple[float, float, float, float]:
    """``F(t) = 1 - S(t)`` with Greenwood SE and the log-log interval of ``S``."""
    times = np.asarray(km.surv_times, dtype=float)
    i = np.searchsorted(times, t, side="right") - 1
    if i < 0:
        return 0.0, 0.0, 0.0, 0.0
    lo, hi = km_band(km, alpha)
    s, se = float(km.surv_prob[i]), float(km.surv_prob_se[i])
    return 1 - s, se, 1 - float(hi[i]), 1 - float(lo[i])


def bootstrap_stays(
    stays: pd.DataFrame | None, rng: np.random.Generator, n_boot: int, cache: dict | None = None
) -> list[StayDistribution]:
    """Person-bootstrap replicates of the stay distribution.

    Notes
    -----
    Persons are resampled with replacement by multinomial reweighting
    (``w ~ Multinomial(P, 1/P)``, drawn as the counts of ``P`` uniform draws of a person:
    the same distribution, 4× faster than ``rng.multinomial`` at 0.5 M persons); every stay carries its person's weight times its own
    margin spread and detection weight, and KM is refitted on the unique ``(T, δ, e)``
    rows with the summed weights, so each replicate costs one ``bincount`` over the stays
    and one sparse product.

    References
    ----------
    Efron, B., Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
    """
    if cache and "expander" in cache:
        expander = cache["expander"]
        from capacity.models.stays.deconvolve import Deconvolver

        if isinstance(expander, Deconvolver):  # the EM refitted on multinomial weights
            n_p = len(expander.person_stratum)
            w = np.stack(
                [np.bincount(rng.integers(0, n_p, n_p), minlength=n_p) for _ in range(n_boot)],
                axis=1,
            ).astype(float)
            # the distributions alone: no refit from the other start (span_starts)
            t = replace(expander, span_starts=False).replicates(w).table
            return [
                StayDistribution(t.times[b], t.masses[b], 0.0, float(t.t_max[b]), 1.0)
                for b in range(n_boot)
            ]
    elif stays is not None:
        _, expander, _, _ = prepare_margins(stays[~stays["left_truncated"]], "margins")
    else:
        raise EstimationError("bootstrap needs the stays frame or a fitted StaysResults.")
    person = expander.person
    n_persons = int(person.max()) + 1
    out = []
    for _ in range(n_boot):
        wp = np.bincount(rng.integers(0, n_persons, n_persons), minlength=n_persons).astype(float)
        _, dist = km_distribution(expander.rows(wp[person]), alpha=0.05, aggregate=False)
        out.append(dist)
    return out
