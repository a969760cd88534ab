"""Stays in a city: build them from sightings, estimate their length, test their trend.

A *stay* is a run of one person's time-ordered sightings in one city with no gap longer
than ``gap_days`` days. :func:`build_stays` turns the sightings table into one row per
observed stay (vectorised: sort, flag breaks, cumulative sum); :func:`fit_stays` estimates
the stay-length distribution (Kaplan–Meier with delayed entry and right-censoring, an
exponential tail beyond the last observed time), the trend (Cox model with calendar year)
and its Laplace transform ``E[exp(-h T)]`` used by the reach model. The method, its
assumptions and what breaks them are in ``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse, stats
from statsmodels.duration.survfunc import SurvfuncRight

from capacity.exceptions import EstimationError
from capacity.models._base import Results, normal_interval, tidy
from capacity.models.stay_trend import _cox_trend
from capacity.models.touring import (
    build_stays,
    monthly_arrivals,
    sighting_gaps,
    sighting_probability,
    touring,
    weekly_arrivals,
)

__all__ = [
    "StayDistribution",
    "StaysResults",
    "bootstrap_stays",
    "build_stays",
    "fit_stays",
    "monthly_arrivals",
    "sighting_probability",
    "touring",
    "weekly_arrivals",
]


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
    caveats: tuple[str, ...] = ()

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
    caveats: tuple[str, ...] = ()
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
            caveats = (
                "No stay ended in the tail of the data: the tail beyond the longest stay "
                "assumes one ending, so the mean stay is uncertain.",
            )
        rate = events / max(exposure, 1e-9)
    return km, StayDistribution(t, masses, s_max, t_max, rate, caveats)


@dataclass(frozen=True, repr=False)
class StaysResults(Results):
    """Stay-length distribution, its trend, and the Laplace transform for the reach model.

    Attributes
    ----------
    km : statsmodels SurvfuncRight
        Kaplan–Meier estimate (on unique rows with frequency weights, Greenwood SEs).
    distribution : StayDistribution
        KM masses plus the exponential tail; ``laplace``, ``sample`` and ``mean``.
    median_days, median_ci : float, (float, float)
    mean_days, mean_se : float
        Mean including the tail; ``mean_se`` is the Greenwood-type standard error of the
        restricted mean, the tail and the margin correction taken as fixed (the person
        bootstrap, :meth:`bootstrap`, includes more of the uncertainty).
    hazard_ratio_per_year, hazard_ratio_ci : float, (float, float)
        Cox model with calendar year of the start (HR > 1: stays getting shorter).
    short_share_by_year, median_by_year : DataFrame
        Per start year: KM share of stays of at most 7 days; KM median with CI.
    """

    km: SurvfuncRight
    distribution: StayDistribution
    median_days: float
    median_ci: tuple[float, float]
    mean_days: float
    mean_se: float
    hazard_ratio_per_year: float
    hazard_ratio_ci: tuple[float, float]
    hazard_ratio_se_log: float
    short_share_by_year: pd.DataFrame
    median_by_year: pd.DataFrame
    short_share: tuple[float, float, float, float]
    short_days: float
    n_stays: int
    n_persons: int
    city: str | None
    correction: str
    sighting_prob: float
    alpha: float
    caveats: tuple[str, ...] = ()
    _rows: dict = field(default_factory=dict)
    title: str = "Stays in the city (days)"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Median, mean, share ≤ 7 days and the hazard ratio per year."""
        a = self.alpha if alpha is None else alpha
        z = stats.norm.ppf(1 - a / 2)
        _, (lo, hi) = _median(self.km, a)
        b = np.log(self.hazard_ratio_per_year)
        hr_lo, hr_hi = (
            np.exp(b - z * self.hazard_ratio_se_log),
            np.exp(b + z * self.hazard_ratio_se_log),
        )
        m_lo, m_hi = normal_interval(self.mean_days, self.mean_se, a)
        rows = {
            "median_days": (self.median_days, np.nan, lo, hi),
            "mean_days": (self.mean_days, self.mean_se, max(m_lo, 0.0), m_hi),
            "share_le_7_days": _share_below(self.km, self.short_days, a),
            "hazard_ratio_per_year": (
                self.hazard_ratio_per_year,
                self.hazard_ratio_per_year * self.hazard_ratio_se_log,
                hr_lo,
                hr_hi,
            ),
        }
        return tidy(rows)

    def laplace(self, h) -> np.ndarray:
        """``E[exp(-h T)]`` for hazards ``h`` per day (array); see StayDistribution."""
        return self.distribution.laplace(h)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` stay lengths in days drawn from the fitted distribution."""
        return self.distribution.sample(rng, n)

    def survival_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """KM curve: ``time, survival, ci_lower, ci_upper`` (pointwise log-log interval)."""
        lo, hi = _band(self.km, self.alpha if alpha is None else alpha)
        return pd.DataFrame(
            {
                "time": self.km.surv_times,
                "survival": self.km.surv_prob,
                "ci_lower": lo,
                "ci_upper": hi,
            }
        )

    def bootstrap(
        self, stays: pd.DataFrame, rng: np.random.Generator, n_boot: int
    ) -> list[StayDistribution]:
        """Stay distributions refitted on person-bootstrap samples (see :func:`bootstrap_stays`)."""
        return bootstrap_stays(stays, rng, n_boot, self._rows)

    def bootstrap_laplace(
        self, h, rng: np.random.Generator, n_boot: int, stays: pd.DataFrame | None = None
    ) -> np.ndarray:
        """``E[exp(-h T)]`` on ``n_boot`` person-bootstrap replicates: shape (n_boot, len(h))."""
        dists = bootstrap_stays(stays, rng, n_boot, self._rows)
        return np.vstack([d.laplace(h) for d in dists])

    def plot(self, ax=None, alpha: float | None = None):
        """Kaplan–Meier curve with its pointwise interval."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        sf = self.survival_frame(alpha)
        ax.step(sf["time"], sf["survival"], where="post", color="#0072B2", label="Kaplan–Meier")
        ax.fill_between(
            sf["time"], sf["ci_lower"], sf["ci_upper"], step="post", color="#0072B2", alpha=0.2
        )
        ax.set_xlabel("days in the city")
        ax.set_ylabel("share of stays still going on")
        ax.set_ylim(0, 1.02)
        ax.set_title(self.title + (f" – {self.city}" if self.city else ""))
        return ax


@dataclass(frozen=True)
class _Expander:
    """Maps stays to KM rows: unique observed keys ``U`` → margin-spread keys ``V``.

    ``matrix[u, v]`` is the probability that a stay observed as key ``u`` has true key
    ``v`` times the inverse chance ``1/P(seen | T_v)`` of a stay of that length being seen.
    """

    key_id: np.ndarray  # per stay: its row in U
    table: pd.DataFrame  # V rows: duration, event, entry
    matrix: sparse.csr_matrix  # U × V
    person: np.ndarray  # per stay: person code

    def rows(self, stay_weights: np.ndarray | None = None) -> pd.DataFrame:
        """KM rows (``duration, event, entry, weight``) for weights per stay (default 1)."""
        w_u = np.bincount(self.key_id, weights=stay_weights, minlength=self.matrix.shape[0])
        w_v = self.matrix.T @ w_u
        total = w_u.sum()
        if w_v.sum() > 0:
            w_v = w_v * total / w_v.sum()  # keep Σ weights = stays, for Greenwood's n
        keep = w_v > 0
        return self.table[keep].assign(weight=w_v[keep])


def _recurrence_pmf(stays: pd.DataFrame) -> np.ndarray:
    """``P(R = r) = P(G > r) / E[G]``, ``r = 0, 1, ...`` (see :func:`sighting_gaps`)."""
    _, seen = sighting_gaps(stays)
    pmf = np.diff(seen)
    cut = np.searchsorted(np.cumsum(pmf), 0.999) + 1
    pmf = pmf[:cut]
    return pmf / pmf.sum()


def _expander(rows: pd.DataFrame, pmf: np.ndarray | None) -> _Expander:
    keys = ["duration", "event", "entry"]
    key_id = rows.groupby(keys, sort=False).ngroup().to_numpy()
    uniq = rows[keys].drop_duplicates().reset_index(drop=True)
    n_u = len(uniq)
    if pmf is None:
        matrix = sparse.identity(n_u, format="csr")
        return _Expander(key_id, uniq, matrix, rows["person"].to_numpy())
    d, ev, e = (uniq[k].to_numpy() for k in keys)
    k = len(pmf)
    left, right = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    left, right = left.ravel(), right.ravel()
    p_pair = (pmf[:, None] * pmf[None, :]).ravel()
    u = np.repeat(np.arange(n_u), k * k)
    l_, r_ = np.tile(left, n_u), np.tile(right, n_u)
    prob = np.tile(p_pair, n_u)
    event = ev[u] > 0
    # ended stays: both margins; censored stays: only the start margin (r = 0 row keeps pmf[l])
    prob = np.where(event, prob, np.where(r_ == 0, pmf[l_], 0.0))
    dur = d[u] + l_ + np.where(event, r_, 0)
    entry = np.where(e[u] > 0, e[u] + l_, 0.0)
    keep = prob > 0
    u, dur, entry, prob, evk = u[keep], dur[keep], entry[keep], prob[keep], ev[u][keep]
    seen = np.cumsum(pmf)  # P(R < d) = P(seen | d) for d = 1, 2, ...
    p_seen = seen[np.clip(dur.astype(int) - 1, 0, len(seen) - 1)]
    prob = prob / np.maximum(p_seen, 1e-9)
    new = pd.DataFrame({"duration": dur, "event": evk, "entry": entry})
    v_id = new.groupby(keys, sort=False).ngroup().to_numpy()
    table = new.drop_duplicates().reset_index(drop=True)
    matrix = sparse.csr_matrix((prob, (u, v_id)), shape=(n_u, len(table)))
    return _Expander(key_id, table, matrix, rows["person"].to_numpy())


def _split_warning(stays: pd.DataFrame) -> list[str]:
    """A caveat when many gaps between sightings come near ``gap_days`` (split stays)."""
    counts = np.asarray(stays.attrs.get("gap_counts", []), dtype=float)
    gap = int(stays.attrs.get("gap_days", len(counts) - 1))
    if counts.sum() == 0 or gap < 2:
        return []
    long_share = counts[gap // 2 + 1 :].sum() / counts.sum()
    if long_share <= 0.10:
        return []
    p90 = int(np.searchsorted(np.cumsum(counts) / counts.sum(), 0.9))
    return [
        f"{long_share:.0%} of the gaps between sightings within stays are longer than "
        f"{gap // 2} days: missed sightings probably split stays, which makes them look "
        f"shorter. Consider gap_days of about {2 * max(p90, 1)} days."
    ]


def _prepare(
    stays: pd.DataFrame, correction: str
) -> tuple[pd.DataFrame, _Expander, float, list[str]]:
    """Per-stay rows (observed lengths; ``cox_duration`` for the Cox model) and the expander."""
    notes = []
    q = sighting_probability(stays)
    dur = stays["duration_days"].to_numpy(dtype=float)
    event = ~stays["right_censored"].to_numpy(dtype=bool)
    entry = stays["entry_days"].to_numpy(dtype=float)
    cox_dur, cox_entry, pmf = dur, entry, None
    if correction == "margins":
        margin, _ = sighting_gaps(stays)
        pmf = _recurrence_pmf(stays)
        cox_dur = dur + margin * (1 + event)
        cox_entry = np.where(entry > 0, entry + margin, 0.0)
        notes.append(
            "Stay lengths corrected for the unseen days before the first and after the last "
            f"sighting (on average {margin:.1f} days per end, spread as the gaps between "
            "sightings imply) and reweighted for stays never seen."
        )
    elif correction != "none":
        raise EstimationError(f"correction = {correction!r}: use 'margins' or 'none'.")
    rows = pd.DataFrame(
        {
            "duration": dur,
            "event": event.astype(float),
            "entry": entry,
            "weight": 1.0,
            "person": pd.factorize(stays["person_id"])[0],
            "year": stays["start"].dt.year + (stays["start"].dt.day_of_year - 1) / 365.25,
            "cox_duration": cox_dur,
            "cox_entry": cox_entry,
        }
    )
    return rows, _expander(rows, pmf), q, notes


def fit_stays(
    stays: pd.DataFrame,
    *,
    city: str | None = None,
    alpha: float = 0.05,
    correction: str = "margins",
    short_days: float = 7.0,
) -> StaysResults:
    """Kaplan–Meier, Cox trend and Laplace transform of stay lengths.

    Parameters
    ----------
    stays : DataFrame
        Output of :func:`build_stays`.
    city : str, optional
        Keep only stays in this city.
    alpha : float
        1 − confidence level.
    correction : {"margins", "none"}
        ``"margins"`` adds the expected unseen days at each observed end and weights
        each stay by the inverse of its chance to be seen at all (see Notes);
        ``"none"`` uses first-to-last-sighting lengths.
    short_days : float
        Threshold of a short stay for ``short_share_by_year``.

    Returns
    -------
    StaysResults

    Notes
    -----
    Kaplan–Meier with delayed entry ``e_i``: ``S(t) = Π_{t_j ≤ t} (1 - d_j / n_j)`` with
    ``n_j = Σ w_i [e_i < t_j ≤ T_i]``, computed by statsmodels on the unique
    ``(T, δ, e)`` rows with frequency weights; Greenwood variance
    ``Var S(t) = S(t)^2 Σ d_j / (n_j (n_j - d_j))``. Stays flagged ``left_truncated``
    have an unknown origin and are left out (conditioning on a start inside the data
    keeps the estimate unbiased). Beyond the last observed time the survival is
    extended by an exponential tail whose rate is the occurrence/exposure rate beyond
    the upper quartile of the KM curve. Cox model: ``λ(t | x) = λ_0(t) exp(β x)`` with
    ``x`` the decimal calendar year of the start (Efron ties, delayed entry; fitted on
    cumulative sums by :func:`~capacity.models.stay_trend.cox_one_covariate`, equal to
    statsmodels' ``PHReg``);
    ``HR = exp(β)`` per year.

    Margin correction (:func:`~capacity.models.touring.sighting_gaps`): with ``R`` the
    recurrence time of the sightings, ``P(R = r) = P(G > r)/E[G]``, each observed stay is
    spread over ``T* = T_obs + R_1 + δ R_2`` (independent ``R_1, R_2``) with weights
    ``P(R_1) P(R_2) / P(seen | T*)``, ``P(seen | d) = P(R < d)``; weights are rescaled to
    sum to the number of stays. The Cox model uses ``T_obs + E[R](1 + δ)``.

    References
    ----------
    Kaplan, E. L., Meier, P. (1958). Nonparametric estimation from incomplete observations.
    JASA 53, 457–481. Cox, D. R. (1972). Regression models and life-tables. JRSS B 34,
    187–220. Klein, J. P., Moeschberger, M. L. (2003). Survival Analysis, 2nd ed.,
    Springer (ch. 4, left truncation).
    """
    if city is not None:
        stays = stays[stays["city"] == city]
    caveats = []
    n_trunc = int(stays["left_truncated"].sum())
    if n_trunc:
        caveats.append(
            f"{n_trunc} stays began in the first {stays.attrs.get('gap_days', 'gap')} days of the "
            "data and may have started earlier; they are left out of the stay lengths."
        )
    stays = stays[~stays["left_truncated"]]
    if len(stays) < 5 or (~stays["right_censored"]).sum() < 2:
        raise EstimationError(
            f"only {len(stays)} usable stays{' in ' + city if city else ''}: at least 5 stays "
            "with 2 ended ones are needed to estimate stay lengths. Widen the period or check city."
        )
    rows, expander, q, notes = _prepare(stays, correction)
    caveats += notes + _split_warning(stays)
    share_cens = 1 - rows["event"].mean()
    if share_cens > 0:
        caveats.append(f"{share_cens:.0%} of stays may go on after the data end (right-censored).")
    km, dist = km_distribution(expander.rows(), alpha=alpha, aggregate=False)
    med, med_ci = _median(km, alpha)
    mean, mean_se = dist.mean(), _restricted_mean_se(km)
    hr, hr_se = _cox_trend(rows)
    if not np.isfinite(hr):
        caveats.append(
            "Stays start within less than half a year: no trend in stay length estimated."
        )
    by_year = _by_year(rows, expander, alpha, short_days)
    s7 = _share_below(km, short_days, alpha)
    return StaysResults(
        km=km,
        distribution=dist,
        median_days=float(med),
        median_ci=(float(med_ci[0]), float(med_ci[1])),
        mean_days=float(mean),
        mean_se=float(mean_se),
        hazard_ratio_per_year=float(hr),
        hazard_ratio_ci=tuple(
            np.exp(np.log(hr) + np.array([-1, 1]) * stats.norm.ppf(1 - alpha / 2) * hr_se)
        ),
        hazard_ratio_se_log=float(hr_se),
        short_share_by_year=by_year[["share", "se", "ci_lower", "ci_upper", "n_stays"]].rename(
            columns={"share": "estimate"}
        ),
        median_by_year=by_year[["median", "median_lower", "median_upper", "n_stays"]].rename(
            columns={"median": "estimate", "median_lower": "ci_lower", "median_upper": "ci_upper"}
        ),
        short_share=s7,
        short_days=float(short_days),
        n_stays=len(rows),
        n_persons=int(rows["person"].nunique()),
        city=city,
        correction=correction,
        sighting_prob=q,
        alpha=alpha,
        caveats=tuple(caveats) + dist.caveats,
        _rows={"expander": expander},
    )


def _band(km: SurvfuncRight, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log interval of ``S(t)`` at the KM times (R's ``conf.type="log-log"``)."""
    z = stats.norm.ppf(1 - alpha / 2)
    s = np.asarray(km.surv_prob, dtype=float)
    se = np.asarray(km.surv_prob_se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * se / (s * np.abs(np.log(s)))
        lo = np.exp(-np.exp(np.log(-np.log(s)) + half))
        hi = np.exp(-np.exp(np.log(-np.log(s)) - half))
    ok = (s > 0) & (s < 1) & np.isfinite(half)
    return np.where(ok, lo, s), np.where(ok, hi, s)


def _median(km: SurvfuncRight, alpha: float) -> tuple[float, tuple[float, float]]:
    """KM median and its interval where the pointwise band crosses 0.5.

    Notes
    -----
    ``[inf{t: S_lo(t) ≤ 1/2}, inf{t: S_hi(t) ≤ 1/2}]`` with the log-log band, as R's
    ``quantile.survfit`` (Brookmeyer & Crowley 1982); ``inf`` when the upper band never
    reaches 1/2.
    """
    t = np.asarray(km.surv_times, dtype=float)
    s = np.asarray(km.surv_prob, dtype=float)
    lo, hi = _band(km, alpha)

    def first(x: np.ndarray) -> float:
        i = np.flatnonzero(x <= 0.5)
        return float(t[i[0]]) if len(i) else np.inf

    med = first(s)
    return (np.nan if np.isinf(med) else med), (first(lo), first(hi))


def _restricted_mean_se(km: SurvfuncRight) -> float:
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


def _share_below(km: SurvfuncRight, t: float, alpha: float) -> tuple[float, float, float, float]:
    """``F(t) = 1 - S(t)`` with Greenwood SE and the log-log interval of ``S``."""
    times = np.asarray(km.surv_times, dtype=float)
    i = np.searchsorted(times, t, side="right") - 1
    if i < 0:
        return 0.0, 0.0, 0.0, 0.0
    lo, hi = _band(km, alpha)
    s, se = float(km.surv_prob[i]), float(km.surv_prob_se[i])
    return 1 - s, se, 1 - float(hi[i]), 1 - float(lo[i])


def _by_year(
    rows: pd.DataFrame, expander: _Expander, alpha: float, short_days: float
) -> pd.DataFrame:
    out = {}
    year = np.floor(rows["year"].to_numpy()).astype(int)
    for y in np.unique(year):
        mask = (year == y).astype(float)
        if (rows["event"].to_numpy() * mask).sum() < 2:
            continue
        km, _ = km_distribution(expander.rows(mask), alpha=alpha, aggregate=False)
        share = _share_below(km, short_days, alpha)
        med, (lo, hi) = _median(km, alpha)
        out[int(y)] = (*share, med, lo, hi, int(mask.sum()))
    cols = ["share", "se", "ci_lower", "ci_upper", "median", "median_lower", "median_upper"]
    frame = pd.DataFrame.from_dict(out, orient="index", columns=[*cols, "n_stays"])
    frame.index.name = "year"
    return frame.astype({c: float for c in cols})


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
    elif stays is not None:
        _, expander, _, _ = _prepare(stays[~stays["left_truncated"]], "margins")
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
