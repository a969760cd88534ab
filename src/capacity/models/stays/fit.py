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
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat, Results, normal_interval, percentile_interval, tidy
from capacity.models.stays import margins
from capacity.models.stays.calibration import per_day_caveat
from capacity.models.stays.km import (
    StayDistribution,
    bootstrap_stays,
    km_band,
    km_distribution,
    km_median,
    km_share_below,
    restricted_mean_se,
)
from capacity.models.stays.margins import Expander, posterior_expander, prepare_margins
from capacity.models.stays.replicates import (
    median_ratio,
    person_weights,
    replicate_intervals,
    replicate_stays,
    stay_replicates,
)
from capacity.models.stays.trend import cox_trend

__all__ = ["DECONVOLVED", "StaysResults", "fit_stays"]

#: The corrections that deconvolve the unseen days by EM (:mod:`.deconvolve`).
DECONVOLVED = ("deconvolve", "deconvolve_sites", "deconvolve_arrival")
#: Sources besides the ad sites that ``"deconvolve_arrival"`` takes as seeing a woman on
#: her arrival day or not at all in the stay, when ``arrival_sites`` is not given (a
#: switch for the coverage study, e.g. ``("outreach",)`` where outreach screens new ads).
ARRIVAL_OTHERS: tuple = ()
#: ``"deconvolve_arrival"``: cut stays where a site capturing on arrival posts a new ad
#: (:func:`~capacity.models.stays.postings.split_at_postings`; a switch for the study).
SPLIT_POSTINGS = True


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
        Grouped-data median of the stay length (each whole day's mass spread over the
        day, :func:`~capacity.models.stays.km.grouped_median`). Its interval is the
        percentile interval of the ``n_boot`` person-bootstrap replicates (margins or EM
        re-estimated in each); with ``n_boot=0`` the log-log band's crossings of 1/2
        (Brookmeyer & Crowley 1982), which holds the margins fixed.
    mean_days, mean_se : float
        Mean including the tail; ``mean_se`` is the Greenwood-type standard error of the
        restricted mean, the tail and the margin correction taken as fixed (the person
        bootstrap, :meth:`bootstrap`, includes more of the uncertainty).
    hazard_ratio_per_year, hazard_ratio_ci : float, (float, float)
        Cox model with calendar year of the start (HR > 1: stays getting shorter).
    median_ratio_per_year, median_ratio_ci : float, (float, float)
        Change of the median stay per calendar year (< 1: stays getting shorter), from the
        yearly Kaplan–Meier medians (:func:`~capacity.models.stays.replicates.median_ratio`);
        percentile interval of ``n_boot`` person-bootstrap replicates that re-estimate the
        margins. Needs no proportional hazards.
    trend_other_merge : (float, float)
        Per-day capture (``deconvolve``, ``deconvolve_sites``): the hazard ratio and the
        median ratio per year with the split stays merged the other way
        (:func:`~capacity.models.stays.deconvolve.other_merge`); both trends' intervals
        span it (:func:`~capacity.models.stays.replicates.shifted_union`). NaN otherwise.
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
    median_ratio_per_year: float
    median_ratio_ci: tuple[float, float]
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
    caveats: tuple[Caveat, ...] = ()
    _rows: dict = field(default_factory=dict)
    title: str = "Stays in the city (days)"
    n_boot: int = 0
    trend_other_merge: tuple[float, float] = (np.nan, np.nan)

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Median, mean, share ≤ 7 days, the hazard ratio and the median ratio per year."""
        a = self._alpha(alpha)
        z = stats.norm.ppf(1 - a / 2)
        _, (lo, hi) = km_median(self.km, a, grouped=True)
        b = np.log(self.hazard_ratio_per_year)
        hr_lo, hr_hi = (
            np.exp(b - z * self.hazard_ratio_se_log),
            np.exp(b + z * self.hazard_ratio_se_log),
        )
        m_lo, m_hi = normal_interval(self.mean_days, self.mean_se, a)
        if self.n_boot and a == self.alpha:
            # the person bootstrap's percentile interval of the median (margins or EM
            # refitted per replicate); the deconvolved stays' hazard ratio's too
            lo, hi = self.median_ci
        if self.correction.startswith("deconvolve") and self.n_boot and a == self.alpha:
            hr_lo, hr_hi = self.hazard_ratio_ci
        rows = {
            "median_days": (self.median_days, np.nan, lo, hi),
            "mean_days": (self.mean_days, self.mean_se, max(m_lo, 0.0), m_hi),
            "share_le_7_days": km_share_below(self.km, self.short_days, a),
            "hazard_ratio_per_year": (
                self.hazard_ratio_per_year,
                self.hazard_ratio_per_year * self.hazard_ratio_se_log,
                hr_lo,
                hr_hi,
            ),
            "median_ratio_per_year": (self.median_ratio_per_year, np.nan, *self.median_ratio_ci),
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
        lo, hi = km_band(self.km, self._alpha(alpha))
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


def _split_warning(stays: pd.DataFrame) -> list[Caveat]:
    """A caveat when many gaps between sightings come near ``gap_days`` (split stays)."""
    counts = np.asarray(stays.attrs.get("gap_counts", []), dtype=float)
    gap = int(stays.attrs.get("gap_days", len(counts) - 1))
    if counts.sum() == 0 or gap < 2:
        return []
    long_share = counts[gap // 2 + 1 :].sum() / counts.sum()
    if long_share <= 0.10:
        return []
    p90 = int(np.searchsorted(np.cumsum(counts) / counts.sum(), 0.9))
    return [Caveat("stays.split", share=long_share, days=gap // 2, suggested=2 * max(p90, 1))]


def fit_stays(
    stays: pd.DataFrame,
    *,
    city: str | None = None,
    alpha: float = 0.05,
    correction: str = "margins",
    short_days: float = 7.0,
    strata=None,
    n_boot: int = 200,
    seed: int = 0,
    arrival_sites=None,
    shrink_days: float | None = None,
    em_start: str | None = None,
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
    correction : {"margins", "deconvolve", "deconvolve_sites", "none"}
        ``"margins"`` adds the expected unseen days at each observed end and weights
        each stay by the inverse of its chance to be seen at all (see Notes);
        ``"deconvolve"`` merges stays split by missed sightings and estimates the length
        distribution per start year by EM under each kind of source's daily sighting rate
        (:mod:`~capacity.models.stays.deconvolve`; needs ``strata`` and, for the merge,
        every city's stays); ``"deconvolve_sites"`` the same with being on each ad site a
        latent trait of the woman, so a site's absence is informative (``strata`` as
        :func:`~capacity.models.stays.strata.source_strata` builds them);
        ``"deconvolve_arrival"`` the same with the ad sites capturing a woman on her
        arrival day or not at all in that stay (a stay first seen by such a site starts
        that day; only the days after her last sighting are unknown; a stay is cut where
        such a site sees a new ad of hers on a day it does not look at the ads it holds,
        :func:`~capacity.models.stays.postings.split_at_postings`: she came back);
        ``"none"`` uses first-to-last-sighting lengths.
    short_days : float
        Threshold of a short stay for ``short_share_by_year``.
    strata : SourceStrata, optional
        From :func:`~capacity.models.stays.strata.source_strata` on the same sightings and
        ``gap_days``: each set of sources that see a person gets its own gap distribution
        (default: one distribution for everyone).
    n_boot, seed : int
        Person-bootstrap replicates (and their seed) for the interval of the median ratio
        per year; with ``strata`` each replicate re-estimates the margins. 0: no interval.
        With ``"deconvolve"`` or ``"deconvolve_sites"`` each replicate's EM also runs from
        the other start and the median's interval spans both
        (:func:`~capacity.models.stays.replicates.spanning_interval`).
    arrival_sites : tuple of str, optional
        ``"deconvolve_arrival"`` only: the sources that capture on arrival (default: every
        ad site, a source named ``ads_…``, and ``ARRIVAL_OTHERS``); the others keep the
        per-day model at their own daily chance.
    shrink_days : float, optional
        Deconvolved corrections only: pseudo-days of the pooled sighting density added to
        each source set's (default
        :data:`~capacity.models.stays.deconvolve.SHRINK_DAYS`; ``Params.shrink_days``),
        ``q_k = (n_k + c q̄)/(d_k + c)`` with ``n_k``, ``d_k`` the set's interior sighting
        days and interior days.
    em_start : {"uniform", "log_uniform"}, optional
        Deconvolved corrections only: the EM's starting distribution of the lengths
        (default ``"uniform"``; :func:`~capacity.models.stays.deconvolve.em_start`,
        ``Params.em_start``).

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
    cumulative sums by :func:`~capacity.models.stays.trend.cox_one_covariate`, equal to
    statsmodels' ``PHReg``);
    ``HR = exp(β)`` per year.

    Margin correction (:func:`~capacity.models.stays.build.sighting_gaps`): with ``R`` the
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
    if arrival_sites is not None and correction != "deconvolve_arrival":
        raise EstimationError(
            f"arrival_sites is for correction='deconvolve_arrival', not {correction!r}."
        )
    if correction in DECONVOLVED:
        return _fit_deconvolved(
            stays, city, strata, alpha, short_days, n_boot, seed, correction, arrival_sites,
            shrink_days, em_start,
        )  # fmt: skip
    if city is not None:
        stays = stays[stays["city"] == city]
    caveats = []
    n_trunc = int(stays["left_truncated"].sum())
    if n_trunc:
        caveats.append(Caveat("stays.left_truncated", n=n_trunc, days=stays.attrs.get("gap_days")))
    stays = stays[~stays["left_truncated"]]
    if len(stays) < 5 or (~stays["right_censored"]).sum() < 2:
        raise EstimationError(
            f"only {len(stays)} usable stays{' in ' + city if city else ''}: at least 5 stays "
            "with 2 ended ones are needed to estimate stay lengths. Widen the period or check city."
        )
    rows, expander, q, notes = prepare_margins(stays, correction, strata)
    expander = posterior_expander(expander, margins.POSTERIOR_STEPS)
    caveats += notes + _split_warning(stays)
    share_cens = 1 - rows["event"].mean()
    if share_cens > 0:
        caveats.append(Caveat("stays.censored", share=share_cens))
    km, dist = km_distribution(expander.rows(), alpha=alpha, aggregate=False)
    med, med_ci = km_median(km, alpha, grouped=True)
    mean, mean_se = dist.mean(), restricted_mean_se(km)
    hr, hr_se = cox_trend(rows)
    if not np.isfinite(hr):
        caveats.append(Caveat("stays.no_trend"))
    by_year = _by_year(rows, expander, alpha, short_days)
    s7 = km_share_below(km, short_days, alpha)
    ratio = median_ratio(
        by_year.index.to_numpy(), by_year["median"].to_numpy(), by_year["n_stays"].to_numpy()
    )
    ratio_ci = (np.nan, np.nan)
    if n_boot:
        reps = _replicates(stays, rows, expander, strata, n_boot, seed)
        if np.isfinite(ratio) and np.isfinite(reps.median_ratio).any():
            ratio_ci = percentile_interval(reps.median_ratio, alpha)
        if np.isfinite(reps.median).any():
            med_ci = percentile_interval(reps.median, alpha)
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
        median_ratio_per_year=float(ratio),
        median_ratio_ci=(float(ratio_ci[0]), float(ratio_ci[1])),
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
        n_boot=int(n_boot),
    )


def _replicates(stays, rows, expander, strata, n_boot: int, seed: int):
    """Poisson person-bootstrap replicates (margins re-estimated when ``strata`` is given)."""
    rng = np.random.default_rng(seed)
    if strata is not None:
        chunks = (
            person_weights(rng, min(50, n_boot - i), len(strata.persons), "poisson")
            for i in range(0, n_boot, 50)
        )
        return replicate_stays(expander, stays, strata, chunks)
    person = rows["person"].to_numpy()
    year = np.floor(rows["year"].to_numpy()).astype(int)
    w = person_weights(rng, n_boot, int(person.max()) + 1, "poisson")  # persons × replicates
    return stay_replicates(expander, person, year, w)


def _by_year(
    rows: pd.DataFrame, expander: Expander, alpha: float, short_days: float
) -> pd.DataFrame:
    out = {}
    year = np.floor(rows["year"].to_numpy()).astype(int)
    for y in np.unique(year):
        mask = (year == y).astype(float)
        if (rows["event"].to_numpy() * mask).sum() < 2:
            continue
        km, _ = km_distribution(expander.rows(mask), alpha=alpha, aggregate=False)
        share = km_share_below(km, short_days, alpha)
        med, (lo, hi) = km_median(km, alpha, grouped=True)
        out[int(y)] = (*share, med, lo, hi, int(mask.sum()))
    cols = ["share", "se", "ci_lower", "ci_upper", "median", "median_lower", "median_upper"]
    frame = pd.DataFrame.from_dict(out, orient="index", columns=[*cols, "n_stays"])
    frame.index.name = "year"
    return frame.astype({c: float for c in cols})


def _fit_deconvolved(
    stays, city, strata, alpha, short_days, n_boot, seed, correction="deconvolve", arrival=None,
    shrink_days=None, em_start=None,
) -> StaysResults:  # fmt: skip
    """:func:`fit_stays` with ``correction="deconvolve"`` or ``"deconvolve_sites"``."""
    from capacity.models.stays.deconvolve import merge_stays

    if strata is None or city is None:
        raise EstimationError(
            "correction='deconvolve' needs the city and its source strata (source_strata)."
        )
    mine = stays[stays["city"] == city]
    caveats = []
    n_trunc = int(mine["left_truncated"].sum())
    if n_trunc:
        caveats.append(Caveat("stays.left_truncated", n=n_trunc, days=stays.attrs.get("gap_days")))
    merged = merge_stays(stays, strata, city)
    if correction == "deconvolve_arrival" and SPLIT_POSTINGS:  # a new ad: she came back
        from capacity.models.stays.postings import split_at_postings

        merged = split_at_postings(merged, strata, _arrival_sites(strata, arrival))
    dec, kept = _deconvolver(merged, strata, correction, arrival, shrink_days, em_start)
    if (~kept["right_censored"]).sum() < 2:
        raise EstimationError(
            f"only {len(kept)} usable stays in {city}: at least 5 stays with 2 ended ones are "
            "needed to estimate stay lengths. Widen the period or check city."
        )
    point = dec.fit()
    hr, ratio, n_obs = _point_trends(dec, kept, point)
    rows = _deconvolved_rows(point.grid, point.pooled[0], len(kept))
    km, dist = km_distribution(rows, alpha=alpha, aggregate=False)
    med, med_ci = km_median(km, alpha, grouped=True)
    by_year = {}
    for i, y in enumerate(dec.years):
        if n_obs[i] < 2:
            continue
        km_y, _ = km_distribution(
            _deconvolved_rows(point.grid, point.f[0, i], n_obs[i]), alpha=alpha, aggregate=False
        )
        m_y, (lo_y, hi_y) = km_median(km_y, alpha, grouped=True)
        by_year[int(y)] = (*km_share_below(km_y, short_days, alpha), m_y, lo_y, hi_y, n_obs[i])
    cols = ["share", "se", "ci_lower", "ci_upper", "median", "median_lower", "median_upper"]
    frame = pd.DataFrame.from_dict(by_year, orient="index", columns=[*cols, "n_stays"])
    frame.index.name = "year"
    frame = frame.astype({c: float for c in cols})
    ratio_ci, hr_ci, hr_se = (np.nan, np.nan), (np.nan, np.nan), np.nan
    other = (np.nan, np.nan)
    if correction != "deconvolve_arrival":  # per-day capture: the merge is a setting too
        other = _trend_other_merge(stays, strata, city, correction, arrival, shrink_days, em_start)
    if n_boot:
        w = person_weights(np.random.default_rng(seed), n_boot, len(strata.persons), "poisson")
        iv = replicate_intervals(dec.replicates(w), alpha, hr, ratio, other)
        med_ci, ratio_ci = iv.get("median_ci", med_ci), iv["median_ratio_ci"]
        hr_ci = iv.get("hazard_ratio_ci", hr_ci)
        hr_se = iv.get("hazard_ratio_se_log", hr_se)
    q = dec.q0
    caveats += _deconvolved_caveats(dec, merged, correction)
    share_cens = 1 - (~kept["right_censored"]).mean()
    if share_cens > 0:
        caveats.append(Caveat("stays.censored", share=share_cens))
    if not np.isfinite(hr):
        caveats.append(Caveat("stays.no_trend"))
    return StaysResults(
        km=km,
        distribution=dist,
        median_days=float(med),
        median_ci=(float(med_ci[0]), float(med_ci[1])),
        mean_days=float(dist.mean()),
        mean_se=float(restricted_mean_se(km)),
        hazard_ratio_per_year=hr,
        hazard_ratio_ci=(float(hr_ci[0]), float(hr_ci[1])),
        hazard_ratio_se_log=float(hr_se),
        median_ratio_per_year=ratio,
        median_ratio_ci=(float(ratio_ci[0]), float(ratio_ci[1])),
        short_share_by_year=frame[["share", "se", "ci_lower", "ci_upper", "n_stays"]].rename(
            columns={"share": "estimate"}
        ),
        median_by_year=frame[["median", "median_lower", "median_upper", "n_stays"]].rename(
            columns={"median": "estimate", "median_lower": "ci_lower", "median_upper": "ci_upper"}
        ),
        short_share=km_share_below(km, short_days, alpha),
        short_days=float(short_days),
        n_stays=len(kept),
        n_persons=int(kept["person_id"].nunique()),
        city=city,
        correction=correction,
        sighting_prob=float(
            np.mean(q[dec.key_stratum[dec.stay_key]])
            if dec.latent
            else np.mean(q[dec.person_stratum])
        ),
        alpha=alpha,
        caveats=tuple(caveats) + dist.caveats,
        _rows={"expander": dec},
        n_boot=int(n_boot),
        trend_other_merge=(float(other[0]), float(other[1])),
    )


def _trend_other_merge(stays, strata, city, correction, arrival, shrink_days, em_start):
    """Hazard ratio and median ratio per year with the split stays merged the other way.

    The point fit only: the trends' intervals are moved to these estimates and joined
    with their own (:func:`~capacity.models.stays.replicates.shifted_union`; measured in
    docs/methods/stays.md, "The trend's interval spans both merges"). ``(nan, nan)`` where
    the other merge leaves too few stays.
    """
    from capacity.models.stays.deconvolve import merge_stays, other_merge

    merged = merge_stays(stays, strata, city, rate=other_merge())
    try:
        dec, kept = _deconvolver(merged, strata, correction, arrival, shrink_days, em_start)
        point = dec.fit()
    except EstimationError:
        return np.nan, np.nan
    return _point_trends(dec, kept, point)[:2]


def _point_trends(dec, kept: pd.DataFrame, point) -> tuple[float, float, np.ndarray]:
    """The EM fit's hazard ratio and median ratio per year, and the stays per start year."""
    n_obs = np.bincount(np.searchsorted(dec.years, kept["start"].dt.year), minlength=len(dec.years))
    ratio = float(median_ratio(dec.years, point.medians(point.f[0]), n_obs))
    return float(point.hazard_ratio()[0]), ratio, n_obs


def _deconvolved_caveats(dec, merged: pd.DataFrame, correction: str) -> list[Caveat]:
    """How the deconvolved lengths were estimated (capture on arrival: from the arrival day).

    With per-day capture (``deconvolve``) also what the coverage study measured of these
    intervals (:func:`~capacity.models.stays.calibration.per_day_caveat`).
    """
    n_merged = int(merged["pieces"].sum() - len(merged))
    if correction == "deconvolve_arrival":  # the start of a stay first seen on arrival is known
        return [
            Caveat(
                "stays.deconvolved_arrival",
                anchored=float(np.mean(dec.key_anchored[dec.stay_key])),
                merged=n_merged,
                returns=int(merged.attrs.get("posted_returns", 0)),
            )
        ]
    q = dec.q0
    out = [Caveat("stays.deconvolved", low=float(q.min()), high=float(q.max()), merged=n_merged)]
    if correction == "deconvolve":  # per-day capture: intervals the study found too narrow
        out.append(per_day_caveat())
    return out


def _deconvolver(merged, strata, correction: str, arrival, shrink_days=None, em_start=None):
    """The :class:`~capacity.models.stays.deconvolve.Deconvolver` of ``correction``."""
    from capacity.models.stays.deconvolve import grouped_strata, make_deconvolver

    kw = {"shrink_days": shrink_days, "start": em_start}
    if correction == "deconvolve_arrival":  # ad sites capture on the arrival day
        sites = _arrival_sites(strata, arrival)
        return make_deconvolver(merged, strata, visibility="ad_sites", arrival_sites=sites, **kw)
    # per-day capture: the data leave the shortest stays open, and the EM's start fills
    # them in; the replicates run from both starts for the median (docs/methods/stays.md)
    kw["span_starts"] = True
    if correction == "deconvolve_sites":  # one set per combination of sites
        return make_deconvolver(merged, strata, visibility="ad_sites", **kw)
    return make_deconvolver(merged, grouped_strata(strata), **kw)


def _arrival_sites(strata, arrival) -> tuple:
    """The sources taken to capture on arrival (``arrival``, or the ad sites and others)."""
    from capacity.models.stays.deconvolve import source_group

    if arrival is not None:
        return tuple(arrival)
    return tuple(x for x in strata.sources if source_group(x) == "ads") + ARRIVAL_OTHERS


def _deconvolved_rows(grid: np.ndarray, f: np.ndarray, n: float) -> pd.DataFrame:
    """KM rows of a deconvolved distribution: every length an ended stay, weights ``n·f``."""
    keep = f > 1e-12 * f.max()
    return pd.DataFrame(
        {
            "duration": grid[keep].astype(float),
            "event": 1.0,
            "entry": 0.0,
            "weight": float(n) * f[keep] / f[keep].sum(),
        }
    )
