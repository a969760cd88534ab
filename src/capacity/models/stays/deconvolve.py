"""Stay lengths deconvolved from the sighting process of each source set (EM).

A stay of ``D`` days is seen from its first to its last sighting. When a present person of
source set ``k`` is seen on each day with chance ``q_k``, the span ``s`` (first to last
sighting, both counted) of a stay of ``D`` days has, up to a factor that does not depend on
``D``, the likelihood

    K_k(s | D) = (D − s + 1) (1 − q_k)^(D − s),      D ≥ s          (ended stays)
    K_k(s | D) = (1 − (1 − q_k)^(D − s + 1)) / q_k,  D ≥ s          (stays going on at the
                                                                      data's end: D ≥ s + R₁)

(``D − s`` unseen days split between the two ends, each day unseen with ``1 − q_k``), and
is seen at all with ``p_k(D) = 1 − (1 − q_k)^D``. The length distribution ``f`` of the
stays that arrive in a start year is the nonparametric maximum-likelihood estimate of the
observed spans with stays never seen as missing data (Turnbull 1976; the EM of Dempster,
Laird & Rubin 1977): per iteration

    f(D) ∝ f(D) [ Σ_u W_u K(s_u | D) / Σ_D' f(D') K(s_u | D')  +  Σ_k (n_k / P_k)(1 − p_k(D)) ],

``W_u`` the stays observed with key ``u`` (span, source set, start year), ``n_k`` the stays
of set ``k`` and ``P_k = Σ_D f(D) p_k(D)``; the second term is the expected number of stays
of each length that no source saw. ``q_k`` is the within-stay sighting density of the set,
``Σ (n_i − 2) / Σ (d_i − 2)`` over its stays of at least three days (``n_i`` sighting days,
``d_i`` span; the interior days of a stay are seen independently with chance ``q``
whatever its length, unlike the gaps, which a stay's length truncates). Stays are the
merged stays of :func:`~capacity.models.stays.strata.merge_split_stays` (a stay split by
missed sightings counts once); with per-day capture the trend's intervals also span the
merge the other way (:func:`other_merge`, :attr:`StaysResults.trend_other_merge
<capacity.models.stays.fit.StaysResults>`).

Every replicate of the person bootstrap re-estimates ``q_k`` and the EM with its weights:
for ended stays ``K_q(s | D) = K_{q₀}(s | D) ρ^(D − s)``, ``ρ = (1 − q)/(1 − q₀)``, so the
kernel of every replicate is the fitted one rescaled by a power of ``ρ`` on each side, and
all replicates and start years run as one sparse product per source set (with capture on
arrival, where no kernel is rescaled, one product for all the sets whose absence factor is
flat in the length: ``_HeldKernels``). The kernel of
stays going on at the data's end keeps the fitted ``q₀`` (they are a few per cent of the
stays). The EM runs a fixed 100 steps from a uniform start (early stopping: run to its
maximum, SQUAREM-accelerated with ``fit(tol=…)``, the nonparametric estimate is spiky and
its stays too short, measured in ``docs/methods/stays.md``). An option, not the default:
the smoothed EM (EMS, ``make_deconvolver(smooth=h)`` or ``fit(smooth=h)``; Silverman,
Jones, Wilson & Nychka 1990), a smoothing step on the log-length scale after each EM step,
run to its fixed point (:func:`_ems`); and the merge by each woman's own rate
(``merge_stays(rate="woman")``). Measured: docs/methods/stays.md, "Smoothed EM and a
merge by each woman's rate". Methods and measurements: ``docs/methods/stays.md``.

**Latent visibility to the ad sites** (``make_deconvolver(visibility="ad_sites")``,
``stay_model = "deconvolve_sites"``). Above, each source set has its own unseen stays and a
source that did not see a woman says nothing. Here being on ad site ``j`` is a trait of the
woman: she is on it with chance ``π_j`` (independently between sites and of her stay's
length) and, if on it, seen by it on each day present with chance ``r_j``; outreach and
police source ``o`` see anyone present with ``r_o``. A stay of ``D`` days seen by the set
``k`` (the sources seen in that stay: a site that saw her in another stay missed her in
this one; each set its own sighting density) has the likelihood

    K_k(s | D) h_k(D),   h_k(D) = Π_{j ∈ k} π_j · Π_{j ∉ k} a_j(D),
    a_j(D) = π_j (1 − r_j)^D + 1 − π_j                 (site j missed her for D days)

(``K_k`` as above with the set's sighting density; only the ad sites' absence enters: a
common daily rate for outreach and police made their absence say too much, measured in
``docs/methods/stays.md``), and a stay is seen by no source with

    h₀(D) = Π_j a_j(D) · Π_o (1 − r_o)^D.

One EM step, per replicate: the E-step gives every observed stay's posterior over ``D`` (as
above, with ``h_k`` on the length side) and, for a site the set lacks, the chance
``π_j (1 − r_j)^D / a_j(D)`` that she was on it; the unseen stays of start year ``y`` are
``n_y/(1 − Σ_D f_y(D) h₀(D))`` spread as ``f_y h₀``. The M-step sets ``f_y`` as above,
``π_j`` to the expected share of all stays (seen and unseen) on site ``j``, and
``r_j = S_j / (π_j E[days present])``, ``r_o = S_o / E[days present]``, with ``S_j`` the
site's sighting days inside the stays used and ``E[days present] = Σ_y N_y Σ_D D f_y(D)``.
Stays going on at the data's end get no absence factor (their share on a site is ``π_j``).
The latent class per site is that of mixture capture–recapture models (Pledger 2000); the
sites are assumed independent, so a share of women on no ad site beyond ``Π_j (1 − π_j)``
is not modelled.

**Capture on arrival** (``make_deconvolver(visibility="ad_sites", arrival_sites=…)``,
``stay_model = "deconvolve_arrival"``). An arrival source ``j`` (an ad site whose scraper
captures a new ad when it is posted, i.e. on the woman's arrival day) sees a woman of its
list on her arrival day or not at all in that stay; after that it looks again on its
scrape days. A stay whose first observed day has a sighting of an arrival source is
**anchored**: it began that day. With ``a`` its span to the last look of an arrival
source and ``s ≥ a`` its whole span (other sources may see her later), an ended anchored
stay of ``D`` days has the likelihood

    K(s | D) = P(G > D − a),          D ≥ s               (ended stays)
    K(s | D) = P(G > min(D − a, o)),  D ≥ s               (going on at the data's end,
                                                           o days after the last look)

with ``G`` the gap from one look of the arrival sources to the next that sees her (the
first gap, from the arrival day, when ``a = 1``; the later gaps otherwise): the days
before ``a`` are known, the days after it unseen. ``P(G > m)`` is nonparametric, per
source set, from the gaps between the arrival sources' sighting days inside the stays
(the product-limit estimate with each stay's last gap censored at its unseen days
``D − a``, whose expected number at risk at each lag comes from the stays' posterior
under the fitted ``f``; ``GAP_ROUNDS`` rounds of EM for ``f`` then the survival; sets
shrunk to the pooled hazards by ``SHRINK_GAPS`` gaps, ``TAIL_GAPS`` gaps at the overall
rate at every lag). So weekly snapshots seen with chance 0.7 give the step-shaped
``0.3^⌊m/7⌋`` the data show, not the geometric tail of a daily chance. An arrival
source's absence is flat in the length, ``a_j(D) = 1 − π_j``, so the unseen stays are
``h₀(D) = Π_j (1 − π_j) · Π_o (1 − r_o)^D`` and with two arrival sources alone the number
of stays is the Lincoln–Petersen estimate. A stay no arrival source saw first gets the
per-day kernel above at the daily chance of its set's own sources,
``1 − Π_{x ∈ k} (1 − r_x)`` (the EM's ``r_o``, ``r_j``; the set's sighting density would
be the ad sites' looks, ten times too high). The gap survival and these rates are
estimated on the point fit and held in the bootstrap replicates (which refit ``f``, ``π``,
``r``); the gap survival's posterior ignores the absence factors of per-day sites (flat
when every site is an arrival source). Any source may be named an arrival source, e.g.
outreach that screens new ads. References: the NPMLE above (Turnbull 1976), the
product-limit estimate with censoring (Kaplan & Meier 1958), two-list capture–recapture
(Lincoln–Petersen; Pledger 2000).

References
----------
Kaplan, E. L., Meier, P. (1958). Nonparametric estimation from incomplete observations.
*JASA* 53, 457–481. Turnbull, B. W. (1976). The empirical distribution function with arbitrarily grouped,
censored and truncated data. *JRSS B* 38, 290–295. Dempster, A. P., Laird, N. M., Rubin,
D. B. (1977). Maximum likelihood from incomplete data via the EM algorithm. *JRSS B* 39,
1–38. Varadhan, R., Roland, C. (2008). Simple and globally convergent methods for
accelerating the convergence of any EM algorithm. *Scand. J. Statist.* 35, 335–353.
Pledger, S. (2000). Unified maximum likelihood estimates for closed capture–recapture models
using mixtures. *Biometrics* 56, 434–442. Silverman, B. W., Jones, M. C., Wilson, J. D.,
Nychka, D. W. (1990). A smoothed EM approach to indirect estimation problems, with
particular reference to stereology and emission tomography. *JRSS B* 52, 271–324.
Nychka, D. (1990). Some properties of adding a smoothing step to the EM algorithm.
*Statist. Probab. Lett.* 9, 187–193.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.exceptions import EstimationError

__all__ = [
    "Deconvolved",
    "Deconvolver",
    "EM_ITERATIONS",
    "EM_START",
    "EM_STARTS",
    "em_start",
    "grouped_strata",
    "make_deconvolver",
    "merge_stays",
    "other_merge",
    "other_start",
]

#: The deconvolution's models of who is seen (:func:`make_deconvolver`'s ``visibility``).
VISIBILITY = ("none", "ad_sites", "ad_sites_class")
#: Start of each ad site's share ``π_j`` in the latent-visibility EM.
PI_START = 0.7
#: Start of the share of stays of women on no ad site (``visibility="ad_sites_class"``).
C0_START = 0.1
#: EMS (``smooth`` > 0, ``visibility="none"`` only): the smoothing step's bandwidth, the
#: SD of a Gaussian on the log-length scale (0.2: lengths a fifth apart share their mass;
#: fixed in advance, :class:`_LogSmoother`); 0 (the default): the plain EM.
SMOOTH_LOG = 0.0
#: EMS: most smoothed EM steps; it stops earlier when no year's distribution moved by more
#: than ``EMS_TOL`` (sum of absolute changes) in a step.
EMS_ITERATIONS = 3000
EMS_TOL = 1e-5
#: EMS: bins of the log-length axis are this share of the bandwidth wide (single days
#: below the length where one day is narrower).
EMS_BIN = 0.25
#: :func:`merge_stays`' longest joined gap: at each source set's rate (``"set"``) or at each
#: woman's own (``"woman"``, :func:`~capacity.models.stays.strata.merge_split_stays`).
MERGE_RATE = "set"
#: Float type of the EM's arrays (single precision halves the memory traffic).
DTYPE = np.float32
#: Most EM steps (each SQUAREM cycle costs three); the EM stops earlier at ``EM_TOL``.
EM_ITERATIONS = 100
#: The EM stops when no replicate's log-likelihood rose by more than this in a SQUAREM
#: cycle; 0: the plain EM for exactly ``EM_ITERATIONS`` steps.
EM_TOL = 0.0
#: SQUAREM's extrapolation keeps at least this share of each day's mass after two EM steps.
FLOOR = 1e-3
#: SQUAREM's largest step length grows by this factor each time a step of that length is kept.
STEP_FACTOR = 4.0
#: Pseudo-days of the pooled sighting density added to each source set's (shrinkage).
SHRINK_DAYS = 50.0
#: The EM's starting distribution of the lengths (:func:`em_start`): ``"uniform"`` on the
#: grid (the default) or ``"log_uniform"`` (``∝ 1/D``: as much mass per doubling of the
#: length, far more short stays). Where the sources see a woman day by day the data leave
#: the share of the shortest stays open and the 100 steps keep much of the start's, so it
#: is a setting of the tornado (docs/methods/stays.md, "The EM's start as a bar"), and the
#: median stay's interval spans both starts (``Deconvolver.span_starts``).
EM_START = "uniform"
EM_STARTS = ("uniform", "log_uniform")
#: The ended-stay kernel is cut where ``(1 − q)^m`` falls below this.
KERNEL_EPS = 1e-4
#: Capture on arrival: an anchored stay's kernel (a gap survival, falling along its row) is
#: cut where it falls below this share of the row's first value (the level of ``KERNEL_EPS``).
SURVIVAL_EPS = KERNEL_EPS
#: Longest unseen margin in days the grid allows beyond the longest observed span.
MAX_MARGIN = 365
#: Capture on arrival: rounds of (EM of the lengths, then the gap survival from them).
GAP_ROUNDS = 5
#: Capture on arrival: gaps of the pooled shape added to each source set's gaps (shrinkage).
SHRINK_GAPS = 50.0
#: Capture on arrival: gaps at the pooled overall rate added at every lag (a tail where no
#: observed gap is that long).
TAIL_GAPS = 1.0


def source_group(source: str) -> str:
    """The kind of a source: its code up to the first ``_`` (``ads_a``, ``ads_b`` → ``ads``)."""
    return str(source).split("_", 1)[0]


def grouped_strata(strata):
    """``strata`` with sources of one kind pooled (:func:`source_group`): a new SourceStrata.

    Which of two ad sites see a person depends on how long she stays (being seen by both
    needs a long stay), so a stratum per set of sites selects on the length the
    deconvolution estimates; the kinds (ads, outreach, police) are what sets the rate.
    """
    import dataclasses

    kinds = [
        "+".join(sorted({source_group(x) for x in label.split("+")})) for label in strata.labels
    ]
    labels, code = np.unique(np.array(kinds), return_inverse=True)
    return dataclasses.replace(
        strata,
        labels=tuple(str(x) for x in labels),
        person_stratum=code[strata.person_stratum].astype(np.int64),
    )


def merge_stays(stays: pd.DataFrame, strata, city: str, rate: str | None = None) -> pd.DataFrame:
    """The city's stays with splits by missed sightings merged (one row per merged stay).

    ``stays`` holds every city's stays of the persons (a stay elsewhere between two keeps
    them apart); :func:`~capacity.models.stays.strata.merge_split_stays` labels the runs
    (``rate``: its longest joined gap at the source set's rate, ``"set"``, or each woman's
    own, ``"woman"``; default ``MERGE_RATE``).
    A merged stay starts at its first piece and ends at its last; its sighting days are
    summed; it is left-truncated or has delayed entry as its first piece, right-censored as
    its last.
    """
    from capacity.models._fastpd import isin
    from capacity.models.stays.strata import merge_split_stays

    mine = stays[stays["city"].astype(str) == city]
    theirs = stays[isin(stays["person_id"], mine["person_id"].unique())]
    run = merge_split_stays(theirs, strata, rate=MERGE_RATE if rate is None else rate)
    run = run[mine.index]
    mine = mine.assign(_run=run.to_numpy()).sort_values(["_run", "start"], kind="stable")
    g = mine.groupby("_run", sort=False)
    out = g.agg(
        person_id=("person_id", "first"),
        city=("city", "first"),
        start=("start", "first"),
        end=("end", "last"),
        n_sightings=("n_sightings", "sum"),
        entry_days=("entry_days", "first"),
        left_truncated=("left_truncated", "first"),
        right_censored=("right_censored", "last"),
        pieces=("start", "size"),
    ).reset_index(drop=True)
    out["duration_days"] = ((out["end"] - out["start"]).dt.days + 1).astype(float)
    out["year"] = out["start"].dt.year.astype(np.int64)
    out.attrs.update(stays.attrs)
    return out


@dataclass(frozen=True)
class Deconvolved:
    """EM results for ``B`` weight vectors: ``f`` (B, Y, D) per start year, ``n`` (B, Y)."""

    grid: np.ndarray
    years: np.ndarray
    f: np.ndarray
    n: np.ndarray
    q: np.ndarray
    loglik: np.ndarray | None = None
    n_steps: int = 0
    #: latent visibility only: (B, J) share of stays on each ad site ``π_j``, its daily
    #: chance ``r_j``, and (B, O) the other sources' daily chance ``r_o``
    site_share: np.ndarray | None = None
    site_rate: np.ndarray | None = None
    other_rate: np.ndarray | None = None
    #: ``visibility="ad_sites_class"``: (B,) share of stays of women on no ad site ``c0``
    no_site_share: np.ndarray | None = None

    @property
    def pooled(self) -> np.ndarray:
        """Length distribution of all stays arriving in the years: (B, D)."""
        w = self.n / np.maximum(self.n.sum(1, keepdims=True), 1e-300)
        return np.einsum("by,byd->bd", w, self.f)

    def medians(self, f: np.ndarray) -> np.ndarray:
        """Grouped-data median of each row of ``f`` (…, D) (each day's mass over the day).

        :func:`~capacity.models.stays.km.grouped_median`.
        """
        from capacity.models.stays.km import grouped_median

        cdf = np.cumsum(f, axis=-1)
        total = cdf[..., -1:]
        ok = total[..., 0] > 0
        med = grouped_median(self.grid, cdf / np.where(total > 0, total, 1.0))
        return np.where(ok, med, np.nan)

    def hazard_ratio(self) -> np.ndarray:
        """Hazard ratio per start year from the yearly curves (B,).

        Under proportional hazards ``log(−log S_y(t)) = log Λ₀(t) + β y`` at every ``t``: ``β``
        is the weighted least-squares slope of ``cloglog S_y(t)`` on ``y`` with one level per
        ``t`` (weights: the year's stays), over the days where the pooled curve is between
        0.1 and 0.9.
        """
        surv = 1 - np.cumsum(self.f, axis=-1)  # S_y(D) = P(T > D)
        pooled = 1 - np.cumsum(self.pooled, axis=-1)
        use = (pooled > 0.1) & (pooled < 0.9)  # (B, D)
        s = np.clip(surv, 1e-9, 1 - 1e-9)
        c = np.log(-np.log(s))  # (B, Y, D)
        ok = (surv > 1e-9) & (surv < 1 - 1e-9) & use[:, None, :]
        w = np.where(ok, self.n[:, :, None], 0.0)
        y = self.years.astype(float)[None, :, None]
        sw = w.sum(1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            ym = (w * y).sum(1, keepdims=True) / sw
            cm = (w * c).sum(1, keepdims=True) / sw
            sxy = np.nansum(w * (y - ym) * (c - cm), axis=(1, 2))
            sxx = np.nansum(w * (y - ym) ** 2, axis=(1, 2))
            beta = sxy / sxx
        return np.where(sxx > 0, np.exp(beta), np.nan)


@dataclass(frozen=True)
class Deconvolver:
    """The observed stays as EM keys, ready to be refitted for any person weights.

    Attributes
    ----------
    grid : (D,) true lengths 1 … D_max in days.
    years : (Y,) start years.
    key_stratum, key_year, key_span, key_censored : (U,) the keys' source set, year index,
        span and whether the stay goes on at the data's end.
    stay_key, stay_person : (n,) key and person (column of the weights) of each stay.
    person_num, person_den : (P,) interior sighting days and interior days of each
        person's stays of at least three days (the sighting density).
    person_stratum : (P,) source set of each person.
    q0 : (S,) fitted sighting density per source set.
    kernels : per source set the sparse ``K_{q₀}`` of its ended keys (U_k × Y·D) and their
        key indices; ``censored`` the same for stays going on (one matrix, all sets).
    n_iter : int
    sites, others : names of the ad sites (J) and the other sources (O): latent visibility
        only (empty otherwise).
    set_sites : (S, J) bool, whether each source set holds each ad site.
    site_set : (J,) the set with fewest sources that holds each site (its density starts
        ``r_j``).
    person_days : (P, J + O) each person's sighting days per source (sites, then others)
        inside the stays used.
    set_num, set_den : (S, P) sparse: interior sighting days and interior days of each
        person's stays in each source set (latent visibility, where the set is the stay's).
    """

    grid: np.ndarray
    years: np.ndarray
    key_stratum: np.ndarray
    key_year: np.ndarray
    key_span: np.ndarray
    key_censored: np.ndarray
    stay_key: np.ndarray
    stay_person: np.ndarray
    person_num: np.ndarray
    person_den: np.ndarray
    person_stratum: np.ndarray
    q0: np.ndarray
    kernels: tuple
    censored: tuple
    n_iter: int
    labels: tuple = ()
    sites: tuple = ()
    others: tuple = ()
    set_sites: np.ndarray | None = None
    site_set: np.ndarray | None = None
    person_days: np.ndarray | None = None
    set_num: sparse.csr_matrix | None = None
    set_den: sparse.csr_matrix | None = None
    no_site_class: bool = False
    arrival_sites: np.ndarray | None = None
    set_anchored: np.ndarray | None = None
    key_site_span: np.ndarray | None = None
    #: anchored stays going on at the data's end: ``P(G > o)`` per key (see the module)
    #: and ``o``, the days from the sites' last look to the data's end
    open_scale: np.ndarray | None = None
    key_open_days: np.ndarray | None = None
    #: EMS bandwidth on the log-length scale (0: the plain EM; :meth:`fit`'s ``smooth``)
    smooth: float = 0.0
    #: pseudo-days of the pooled density in each set's sighting density (:meth:`densities`)
    shrink_days: float = SHRINK_DAYS
    #: the EM's start when :meth:`fit` is given none (:func:`em_start`)
    start: str = EM_START
    #: whether :meth:`replicates` also runs the EM from the other start (:func:`other_start`),
    #: so that the median stay's interval spans both (per-day capture)
    span_starts: bool = False

    @property
    def key_anchored(self) -> np.ndarray:
        """(U,) whether each key's stays were first seen by a site capturing on arrival."""
        if self.set_anchored is None:
            return np.zeros(len(self.key_span), dtype=bool)
        return np.asarray(self.set_anchored, dtype=bool)[self.key_stratum]

    @property
    def latent(self) -> bool:
        """Whether the EM models being on each ad site as a latent trait."""
        return self.set_sites is not None

    @property
    def n_strata(self) -> int:
        """Number of source sets."""
        return len(self.q0)

    def densities(self, w: np.ndarray) -> np.ndarray:
        """Sighting density per source set for person weights ``w`` (P, B): (B, S)."""
        c = self.shrink_days
        if self.set_num is not None:  # latent visibility: a source set per stay
            return _set_densities(self.set_num, self.set_den, w, c)
        return _densities(
            self.person_num, self.person_den, self.person_stratum, self.n_strata, w, c
        )

    def replicates(self, w: np.ndarray):
        """StayReplicates for person weights ``w`` (P, B): EM and densities refitted."""
        return _replicates(self, w)

    def _log_rho(self, q: np.ndarray) -> np.ndarray:
        """``log((1 − q)/(1 − q₀))`` (B, S): the ended kernels' rescaling per replicate.

        0 for anchored sets: their kernel is the gap survival, held at the point fit's.
        """
        log_rho = np.log(np.clip((1 - q) / (1 - self.q0[None, :]), 1e-12, None))
        if self.set_anchored is not None and np.any(self.set_anchored):
            log_rho[:] = 0.0  # capture on arrival: every kernel held at the point fit's
        return log_rho

    def _set_parts(self, q, big_w, skip) -> list:
        """Per source set not in ``skip``: its kernel, transpose, ``ρ^D``, ``ρ^(−s)``, weights.

        ``ρ^(D − s) = ρ^D · ρ^(−s)``: f is scaled by ``ρ^D`` (Y·D, B), each key by
        ``ρ^(−s)`` (U_k, B).
        """
        log_rho = self._log_rho(q)  # (B, S)
        tiled = np.tile(self.grid, len(self.years)).astype(float)[:, None]
        parts = []
        for k, (mat, keys) in enumerate(self.kernels):
            if not len(keys) or k in skip:
                continue
            up = np.exp(tiled * log_rho[None, :, k]).astype(DTYPE)  # (Y·D, B)
            down = np.exp(-self.key_span[keys][:, None] * log_rho[None, :, k]).astype(DTYPE)
            wk = np.ascontiguousarray(big_w[:, keys].T).astype(DTYPE)  # (U_k, B)
            parts.append((k, mat.astype(DTYPE), mat.T.tocsr().astype(DTYPE), up, down, wk))
        return parts

    def fit(
        self,
        w: np.ndarray | None = None,
        n_iter: int | None = None,
        start=None,
        tol: float | None = None,
        fixed: dict | None = None,
        smooth: float | None = None,
    ) -> Deconvolved:
        """Run the EM for person weights ``w`` (P, B) (default: every person once).

        ``start`` (Y, D): the distributions to start from (default the deconvolver's
        ``start``, :func:`em_start`: uniform on the grid unless set).
        ``n_iter``: EM steps (at most, with ``tol``); ``tol`` (default ``EM_TOL``): 0 runs
        the plain EM for ``n_iter`` steps, > 0 runs SQUAREM (:func:`_squarem`) until no
        replicate's log-likelihood rises by more than ``tol`` in a cycle. The result's
        ``loglik`` (B,) is the observed stays' log-likelihood (up to a constant) of the
        distributions one step before those returned. ``fixed`` (latent visibility
        only): ``{source: (π, r)}`` held at these values (``π`` ignored for outreach and
        police), e.g. the generator's, instead of estimated. ``smooth`` (default the
        deconvolver's ``smooth``; ``visibility="none"`` only): > 0 runs the smoothed EM
        (EMS, :func:`_ems`) with this bandwidth on the log-length scale to its fixed point,
        ``n_iter`` (default ``EMS_ITERATIONS``) and ``tol`` (default ``EMS_TOL``) then its
        most steps and its stopping rule.
        """
        smooth = self.smooth if smooth is None else float(smooth)
        if smooth > 0 and self.latent:
            raise EstimationError("the smoothed EM (smooth > 0) is for visibility='none' only.")
        n_p = len(self.person_stratum)
        w = np.ones((n_p, 1)) if w is None else np.asarray(w, dtype=float)
        n_b = w.shape[1]
        n_y, n_d = len(self.years), len(self.grid)
        q = self.densities(w)  # (B, S)
        link = sparse.csr_matrix(
            (np.ones(len(self.stay_key)), (self.stay_key, self.stay_person)),
            shape=(len(self.key_span), n_p),
        )
        big_w = np.asarray(link @ w).T  # (B, U)
        # stays per (year, set) and the chance to be seen p_k(D) per replicate
        ys = self.key_year * self.n_strata + self.key_stratum
        n_ys = np.zeros((n_b, n_y * self.n_strata))
        np.add.at(n_ys.T, ys, big_w.T)
        n_ys = n_ys.reshape(n_b, n_y, self.n_strata)
        # arrays are laid out (…, B): a column per replicate, as sparse products want
        miss = ((1 - q).T[:, None, :] ** self.grid[None, :, None]).astype(DTYPE)  # (S, D, B)
        n_ys = np.ascontiguousarray(n_ys.transpose(1, 2, 0))  # (Y, S, B)
        vis = _Visibility.of(self, q, w, big_w, n_ys.sum(1), fixed, tol)
        # sets whose kernel is held (ρ = 1) and whose absence factor is flat in D: one
        # product for all of them, h_k applied per key (_HeldKernels)
        held = _HeldKernels.of(self, vis, big_w)
        parts = self._set_parts(q, big_w, () if held is None else held.sets)
        mat, keys = self.censored
        if len(keys):  # stays going on: K = 1/q (a tail sum of f) − the decaying part
            c_wk = np.ascontiguousarray(big_w[:, keys].T).astype(DTYPE)
            c_at = self.key_year[keys] * n_d + self.key_span[keys] - 1  # (y, D = s) cells
            scale = np.ones(len(keys)) if self.open_scale is None else self.open_scale[keys]
            c_inv = np.where(  # start fixed on the arrival day: P(G > o) for D ≥ s
                self.key_anchored[keys], scale, 1 / self.q0[self.key_stratum[keys]]
            ).astype(DTYPE)[:, None]
            c_mat, c_mat_t = mat.astype(DTYPE), mat.T.tocsr().astype(DTYPE)
            cells = _OpenCells(c_at, n_y, n_d)
        start = em_start(self.grid, self.start, n_y) if start is None else start
        g = np.repeat(np.asarray(start, dtype=DTYPE)[:, :, None], n_b, axis=2)
        tiny = np.finfo(DTYPE).tiny
        miss_b = np.ascontiguousarray(miss.transpose(2, 1, 0))  # (B, D, S)
        miss_t = np.ascontiguousarray(miss.transpose(2, 0, 1))  # (B, S, D)
        n_ys_b = n_ys.transpose(2, 0, 1)  # (B, Y, S)

        def step(g):
            """One EM step: the next distributions (normalised) and the log-likelihood of g."""
            flat = g.reshape(n_y * n_d, n_b)
            acc = np.zeros_like(flat)
            ll = np.zeros(n_b)
            if held is not None:
                ll += held.add(flat, acc, vis)
            for k, mat, mat_t, up, down, wk in parts:
                if vis is not None:  # the ad sites that missed her, on the length side
                    up = (up.reshape(n_y, n_d, n_b) * vis.h[k][None]).reshape(up.shape)
                denom = (mat @ (flat * up)) * down  # (U_k, B)
                ll += (wk * np.log(np.maximum(denom, tiny))).sum(0, dtype=float)
                ratio = np.where(wk > 0, wk / np.maximum(denom, tiny), 0) * down
                back = (mat_t @ ratio) * up
                acc += back
                if vis is not None and not vis.quiet[k]:
                    vis.absent_sites(k, (back * flat).reshape(n_y, n_d, n_b))
            if len(keys):
                denom = c_inv * cells.tail(flat) - c_mat @ flat
                ll += (c_wk * np.log(np.maximum(denom, tiny))).sum(0, dtype=float)
                ratio = np.where(c_wk > 0, c_wk / np.maximum(denom, tiny), 0)
                acc += cells.running(c_inv * ratio)
                acc -= c_mat_t @ ratio
            if vis is not None:  # stays no source saw, from every source's absence
                unseen, term = vis.unseen(g)
                ll -= term
                g = g * (acc.reshape(n_y, n_d, n_b) + unseen)
                g = g / np.maximum(g.sum(1, keepdims=True), tiny)
                vis.update(g)
                return g, ll
            # stays no source saw: Σ_k (n_k / P_k)(1 − p_k(D)) per year (batched over B)
            seen_p = 1 - np.matmul(g.transpose(2, 0, 1), miss_b)  # (B, Y, S): P_k per year
            ll -= (n_ys_b * np.log(np.maximum(seen_p, 1e-12))).sum((1, 2), dtype=float)
            ghost = np.where(n_ys_b > 0, n_ys_b / np.maximum(seen_p, 1e-12), 0).astype(DTYPE)
            unseen = np.matmul(ghost, miss_t).transpose(1, 2, 0)  # (Y, D, B)
            g = g * (acc.reshape(n_y, n_d, n_b) + unseen)
            return g / np.maximum(g.sum(1, keepdims=True), tiny), ll

        g, loglik, n_steps = self._climb(step, g, n_iter, tol, smooth)
        f = np.ascontiguousarray(g.astype(float).transpose(2, 0, 1))
        f = f / np.maximum(f.sum(-1, keepdims=True), 1e-300)
        if vis is not None:
            return vis.result(self, f, g, q, loglik, n_steps)
        seen_p = 1 - np.einsum("ydb,sdb->ysb", g.astype(float), miss.astype(float))
        n_tot = np.where(n_ys > 0, n_ys / np.maximum(seen_p, 1e-12), 0.0).sum(1).T  # (B, Y)
        return Deconvolved(self.grid, self.years, f, n_tot, q, loglik, n_steps)

    def _climb(self, step, g, n_iter, tol, smooth):
        """Iterate the EM map ``step``: EMS (:func:`_ems`) or SQUAREM / the plain EM."""
        if smooth > 0:
            return _ems(
                step, g, _LogSmoother(self.grid, smooth),
                EMS_ITERATIONS if n_iter is None else n_iter, EMS_TOL if tol is None else tol,
            )  # fmt: skip
        return _squarem(
            step, g, self.n_iter if n_iter is None else n_iter, EM_TOL if tol is None else tol
        )


class _OpenCells:
    """Sums over the length grid at the cells ``(y, D = s)`` of the stays going on.

    A stay going on at the data's end reads the tail ``Σ_{D ≥ s} f_y(D)`` at its cell,
    and its E-step ratio goes back to every ``D ≥ s`` of its year. Both are sums over the
    (Y·D, B) grid that change only at the keys' cells: :meth:`tail` sums the blocks between
    consecutive cells (``np.add.reduceat``) and adds them up from the year's end;
    :meth:`running` adds the keys' values into their cells (in key order) and takes the
    running sum over the cells of each year, spread over the rows up to the next cell —
    the values of a cumulative sum over ``D`` of the values in their cells (which adds
    zeros between them), without a pass over every day.
    """

    def __init__(self, at: np.ndarray, n_y: int, n_d: int):
        cells, key_cell = np.unique(at, return_inverse=True)
        starts = np.unique(
            np.concatenate([cells, np.arange(n_y) * n_d])
        )  # no block spans two years
        self.starts, self.key_block = starts, np.searchsorted(starts, cells)[key_cell]
        self.year_bounds = np.searchsorted(starts // n_d, np.arange(n_y + 1))
        self.cell_bounds = np.searchsorted(cells // n_d, np.arange(n_y + 1))
        self.add = sparse.csr_matrix(
            (np.ones(len(at), dtype=DTYPE), (key_cell, np.arange(len(at)))),
            shape=(len(cells), len(at)),
        )
        rows = np.arange(n_y * n_d)
        last = np.searchsorted(cells, rows, side="right") - 1  # the row's last cell so far
        same_year = (last >= 0) & (cells[np.maximum(last, 0)] // n_d == rows // n_d)
        self.fill = np.where(same_year, last, len(cells))  # (a row of zeros past the end)

    def tail(self, flat: np.ndarray) -> np.ndarray:
        """``Σ_{D ≥ s} f_y(D)`` at each key's cell: (keys, B)."""
        blocks = np.add.reduceat(flat, self.starts, axis=0)
        out = np.empty_like(blocks)
        for a, b in zip(self.year_bounds[:-1], self.year_bounds[1:], strict=True):
            out[a:b] = np.cumsum(blocks[a:b][::-1], axis=0)[::-1]
        return out[self.key_block]

    def running(self, values: np.ndarray) -> np.ndarray:
        """Each key's ``values`` (keys, B) added to every row ``D ≥ s`` of its year: (Y·D, B)."""
        cell = self.add @ values
        out = np.zeros((len(cell) + 1, cell.shape[1]), dtype=cell.dtype)
        for a, b in zip(self.cell_bounds[:-1], self.cell_bounds[1:], strict=True):
            out[a:b] = np.cumsum(cell[a:b], axis=0)
        return out[self.fill]


class _HeldKernels:
    """The ended keys of the sets whose kernel no replicate rescales, as one product.

    With capture on arrival every kernel is held at the point fit's (``ρ = 1``, see
    :meth:`Deconvolver._log_rho`), and a set lacking only sites that capture on arrival
    has an absence factor ``h_k`` flat in the length (``a_j(D) = 1 − π_j``). For those
    sets ``Σ_D K(s_u | D) f(D) h_k = h_k Σ_D K(s_u | D) f(D)``: their keys' rows are
    stacked into one sparse matrix, ``h_k`` multiplies each key's row sum, and the E-step's
    back-projection is one transposed product of the keys' ratios times ``h_k`` (the same
    EM as one product per set, up to the float rounding of where ``h_k`` is applied).
    Sets whose absence counts (:attr:`_Visibility.quiet` false) also get their own
    back-projection for :meth:`_Visibility.absent_sites`.
    """

    def __init__(self, dec, vis, big_w, sets):
        mats = [dec.kernels[k][0] for k in sets]
        keys = [dec.kernels[k][1] for k in sets]
        self.sets = frozenset(sets)
        self.mat = sparse.vstack(mats, format="csr").astype(DTYPE)
        self.mat_t = self.mat.T.tocsr()
        self.row_set = np.repeat(np.asarray(sets, dtype=np.int64), [len(x) for x in keys])
        self.wk = np.ascontiguousarray(big_w[:, np.concatenate(keys)].T).astype(DTYPE)
        ends = np.cumsum([0, *(len(x) for x in keys)])
        self.loud = [
            (k, slice(ends[i], ends[i + 1]), mats[i].T.tocsr().astype(DTYPE))
            for i, k in enumerate(sets)
            if vis is not None and not vis.quiet[k]
        ]

    @classmethod
    def of(cls, dec, vis, big_w):
        """The held sets of ``dec`` (capture on arrival), or None when there are none."""
        if dec.set_anchored is None or not np.any(dec.set_anchored):
            return None  # the replicates rescale every kernel by ρ^(D − s)
        sets = [
            k for k, (_, keys) in enumerate(dec.kernels)
            if len(keys) and (vis is None or vis.flat[k])
        ]  # fmt: skip
        return cls(dec, vis, big_w, sets) if sets else None

    def add(self, flat, acc, vis) -> np.ndarray:
        """Add the keys' back-projection to ``acc`` (Y·D, B); their log-likelihood (B,)."""
        tiny = np.finfo(DTYPE).tiny
        h = 1.0 if vis is None else vis.h_flat[self.row_set]  # (U, B)
        denom = (self.mat @ flat) * h
        ll = (self.wk * np.log(np.maximum(denom, tiny))).sum(0, dtype=float)
        ratio = np.where(self.wk > 0, self.wk / np.maximum(denom, tiny), 0) * h
        acc += self.mat_t @ ratio
        n_y = vis.n_y.shape[0] if vis is not None else 1
        for k, rows, mat_t in self.loud:
            back = mat_t @ ratio[rows]
            vis.absent_sites(k, (back * flat).reshape(n_y, -1, flat.shape[1]))
        return ll


class _Visibility:
    """The latent-visibility EM's state per replicate: ``π_j``, ``r_j``, ``r_o`` (see the module).

    ``h`` (S of (D, B) or (1, B)): each set's absence factor ``h_k(D)``, (1, B) where it
    is flat in ``D`` (``flat``: the set lacks only sites capturing on arrival, whose
    absence ``1 − π_j`` does not depend on the length; ``h_flat`` (S, B) their values);
    ``h0`` (D, B): a stay's chance to be seen by no source. ``quiet``: sets whose missing
    sites add nothing to the expected stays on a site (each lacks only sites capturing on
    arrival, whose ``P(on site j | missed)`` is 0, and no class), so :meth:`absent_sites`
    is skipped for them. :meth:`absent_sites` collects, for each site a set lacks, the
    expected stays on it; :meth:`unseen` gives the unseen stays and the next ``π``;
    :meth:`update` takes the new distributions and sets ``π``, ``r_j``, ``r_o``. With the
    class on no ad site (``dec.no_site_class``) ``c0`` is its share; otherwise ``c0 = 0``
    and every formula is the one without it.
    """

    def __init__(self, dec, q, w, big_w, n_y, fixed):
        self.n_y = np.asarray(n_y, dtype=float)  # (Y, B): stays seen per start year
        self.mem = np.asarray(dec.set_sites, dtype=bool)  # (S, J)
        self.has_site = self.mem.any(1)  # (S,)
        n_j, n_b = self.mem.shape[1], self.n_y.shape[1]
        key_mem = self.mem[dec.key_stratum].astype(float)  # (U, J)
        self.seen_on = key_mem.T @ big_w.T  # (J, B): stays of sets that hold the site
        keys = dec.censored[1]
        # stays going on get no absence factor: on a site their set lacks with chance π_j
        # (their set holds a site), or (1 − c0) π_j (it holds none)
        cm = key_mem[keys]
        has = self.has_site[dec.key_stratum[keys]].astype(float)
        cw = big_w[:, keys].T if len(keys) else np.zeros((0, n_b))
        self.cens_off = ((1 - cm) * has[:, None]).T @ cw  # (J, B)
        arrival = dec.arrival_sites
        self.arrival = np.zeros(n_j, bool) if arrival is None else np.asarray(arrival, bool)
        self.cens_off[self.arrival] = 0.0  # a site capturing on arrival did not have her
        self.cens_none = (1 - has) @ cw  # (B,)
        # (a sparse product: whole counts, so the sums are exact in any order, and no
        # BLAS threads spinning on a busy machine)
        days = sparse.csr_matrix(np.asarray(dec.person_days, dtype=float).T) @ w
        self.s_site, self.s_other = days[:n_j], days[n_j:]  # (J, B), (O, B) sighting days
        self.grid = dec.grid.astype(float)
        self.fixed = [(i, v) for i, v in enumerate(dec.sites) if fixed and v in fixed]
        self.fixed_o = [(i, v) for i, v in enumerate(dec.others) if fixed and v in fixed]
        self.fixed_values = dict(fixed or {})
        self.with_class = bool(dec.no_site_class)
        every_arrival = bool(self.arrival.all())
        self.flat = np.where(self.has_site, (self.mem | self.arrival).all(1), every_arrival)
        self.quiet = self.flat & (self.has_site | (not self.with_class))
        self.silent = every_arrival and not self.with_class  # no siteless stay counts
        self.c0 = np.full(n_b, C0_START if self.with_class else 0.0)
        if self.with_class and fixed and "none" in fixed:
            self.c0[:] = fixed["none"][0]
        self.pi = np.full((n_j, n_b), PI_START)
        self.r = np.asarray(q, dtype=float).T[dec.site_set]  # (J, B): the set's density
        self.r_o = np.full((len(dec.others), n_b), 0.01)
        self._hold()
        self._refresh()

    @classmethod
    def of(cls, dec, q, w, big_w, n_y, fixed, tol):
        """The state for ``dec``'s EM, or None when ``dec`` has no latent visibility."""
        if not dec.latent:
            return None
        if (EM_TOL if tol is None else tol) > 0:
            raise EstimationError(
                "the latent-visibility EM runs plain EM steps only (tol = 0): its "
                "site shares and rates change between steps."
            )
        return cls(dec, q, w, big_w, n_y, fixed)

    def result(self, dec, f, g, q, loglik, n_steps) -> Deconvolved:
        """The fit's :class:`Deconvolved` with the sites' shares and the rates."""
        return Deconvolved(
            dec.grid, dec.years, f, self.totals(g).T, q, loglik, n_steps,
            site_share=self.pi.T.copy(), site_rate=self.r.T.copy(), other_rate=self.r_o.T.copy(),
            no_site_share=self.c0.copy() if self.with_class else None,
        )  # fmt: skip

    def _hold(self):
        for i, v in self.fixed:
            self.pi[i], self.r[i] = self.fixed_values[v]
        for i, v in self.fixed_o:
            self.r_o[i] = self.fixed_values[v][1]
        if self.with_class and "none" in self.fixed_values:
            self.c0[:] = self.fixed_values["none"][0]

    def _refresh(self):
        n_b = self.pi.shape[1]
        absent, share_on = [], []
        for j in range(len(self.pi)):
            if self.arrival[j]:  # capturing on arrival, missed her: never sees her in the stay
                on = np.zeros((1, n_b))  # her absence is 1 − π_j whatever the length
            else:
                on = self.pi[j][None, :] * (1 - self.r[j])[None, :] ** self.grid[:, None]
            absent.append(on + (1 - self.pi[j])[None, :])
            share_on.append(on / absent[-1])  # P(on site j | site j missed her for D days)
        self.share_on = share_on
        every = absent[0]  # all sites missed her (not in the class): (D, B) or (1, B)
        for a in absent[1:]:
            every = every * a
        c0 = self.c0[None, :]
        self.none = c0 + (1 - c0) * every  # no site saw her
        self.z = c0 / np.maximum(self.none, 1e-300)  # P(in the class | no site saw her)
        if self.arrival.all():  # every factor (1, B): all sets at once, site by site
            hk = np.broadcast_to((1 - c0)[None], (len(self.mem), 1, n_b))
            for j in range(len(self.pi)):  # (the same products in the same order as below)
                hk = hk * np.where(self.mem[:, j, None, None], self.pi[j][None, None, :], absent[j])
            h_all = np.where(self.has_site[:, None, None], hk, self.none[None]).astype(DTYPE)
            self.h = list(h_all)  # S of (1, B)
            self.h_flat = h_all[:, 0, :]
        else:
            h = []
            for k, row in enumerate(self.mem):
                hk = self.none
                if self.has_site[k]:
                    hk = 1 - c0
                    for j, inside in enumerate(row):
                        hk = hk * (self.pi[j][None, :] if inside else absent[j])
                h.append(hk.astype(DTYPE))
            self.h = h  # S of (D, B) or (1, B)
            self.h_flat = np.stack(
                [x[0] if len(x) == 1 else np.full(n_b, np.nan, DTYPE) for x in h]
            )
        others = np.exp(self.grid[:, None] * np.log1p(-self.r_o).sum(0)[None, :])  # (D, B)
        self.h0 = self.none * others  # (D, B)
        # expected stays on site j among sets without it, and in the class
        self.post = self.cens_off * self.pi + self.cens_none * (1 - self.c0) * self.pi
        self.post[self.arrival] = 0.0  # (stays going on that a capturing-on-arrival site lacks)
        self.in_class = self.cens_none * self.c0

    def _add_siteless(self, per_day):
        """Expected counts ``per_day`` (D, B) of stays no site saw: class and sites."""
        if self.silent:  # z = 0 and P(on site j | missed) = 0 for every site: adds 0
            return
        self.in_class = self.in_class + (per_day * self.z).sum(0)
        rest = per_day * (1 - self.z)
        share_on = np.stack([np.broadcast_to(x, rest.shape) for x in self.share_on])
        self.post = self.post + np.einsum("db,jdb->jb", rest, share_on)

    def absent_sites(self, k, counts):
        """Add the expected stays on each site set ``k`` lacks (``counts``: (Y, D, B))."""
        per_day = counts.sum(0, dtype=float)  # (D, B)
        if not self.has_site[k]:
            self._add_siteless(per_day)
            return
        for j, inside in enumerate(self.mem[k]):
            if not inside:
                self.post[j] = self.post[j] + (per_day * self.share_on[j]).sum(0)

    def _seen(self, g):
        """Share of each start year's stays seen by some source: (Y, B)."""
        seen = 1 - np.einsum("ydb,db->yb", self._as_float(g), self.h0)
        return np.maximum(seen, 1e-12)

    def _as_float(self, g):
        """``g.astype(float)``, kept for the last ``g`` (:meth:`update` reads it twice)."""
        last = getattr(self, "_last_float", None)
        if last is not None and last[0] is g:
            return last[1]
        out = g.astype(float)
        self._last_float = (g, out)
        return out

    def unseen(self, g):
        """Unseen stays per unit of ``g`` (Y, D, B) and the log-likelihood term of the totals."""
        seen = self._seen(g)
        ghost = np.where(self.n_y > 0, self.n_y / seen, 0.0)  # (Y, B): all stays
        unseen = ghost[:, None, :] * self.h0[None, :, :]
        if not self.silent:
            self._add_siteless((unseen * g).sum(0))  # expected unseen stays of each length
        total = np.maximum(ghost.sum(0), 1e-12)
        visible = np.maximum(total - self.in_class, 1e-12)
        self.pi_next = np.clip((self.seen_on + self.post) / visible, 1e-6, 1.0)
        self.c0_next = np.clip(self.in_class / total, 0.0, 1 - 1e-6)
        return unseen.astype(DTYPE), (self.n_y * np.log(seen)).sum(0)

    def totals(self, g) -> np.ndarray:
        """Stays per start year, seen and unseen: (Y, B)."""
        return np.where(self.n_y > 0, self.n_y / self._seen(g), 0.0)

    def update(self, g):
        """``π``, ``c0`` from the step's expectations; ``r_j``, ``r_o`` from the new ``f``."""
        self.pi = self.pi_next
        if self.with_class:
            self.c0 = self.c0_next
        days = (self.totals(g) * np.einsum("ydb,d->yb", self._as_float(g), self.grid)).sum(0)
        days = np.maximum(days, 1e-12)  # (B,): expected days present of all stays
        on_days = days * (1 - self.c0) * np.maximum(self.pi, 1e-6)
        self.r = np.clip(self.s_site / on_days, 1e-4, 0.999)
        self.r_o = np.clip(self.s_other / days, 1e-5, 0.999)
        self._hold()
        self._refresh()


def _squarem(step, g, max_steps: int, tol: float):
    """Run the EM map ``step`` from ``g`` (…, B) to convergence, SQUAREM-accelerated.

    SQUAREM (Varadhan & Roland 2008, scheme S3), one step length per column (replicate):
    with ``r = F(x) − x`` and ``v = F(F(x)) − 2F(x) + x``, ``α = −‖r‖/‖v‖`` (at most −1,
    at least ``−step_max``) and ``x' = x − 2αr + α²v``, kept above ``FLOOR·F(F(x))`` (a day's mass set
    to 0 would stay 0 under the EM) and renormalised;
    then one EM step from ``x'``. A column whose ``x'`` has a lower log-likelihood than
    ``F(x)`` keeps ``F(F(x))`` (the plain EM, which never lowers it). ``step_max``
    starts at 1 and grows by ``STEP_FACTOR`` when a step of that length was kept.
    Stops when no column's log-likelihood rose by more than ``tol`` over a cycle, or after
    ``max_steps`` EM steps. Returns the distributions, their log-likelihood (B,) and the
    EM steps run.
    """
    if tol <= 0:  # the plain EM, a fixed number of steps
        ll = None
        for _ in range(max_steps):
            g, ll = step(g)
        return g, ll, max_steps
    tiny = np.finfo(DTYPE).tiny
    step_max = np.ones(g.shape[-1])
    previous = None
    steps = 0
    while steps + 4 <= max_steps:
        g1, ll0 = step(g)
        if previous is not None and np.all(ll0 - previous <= tol):
            return g1, ll0, steps + 1
        previous = ll0
        g2, ll1 = step(g1)
        r, v = g1 - g, g2 - 2 * g1 + g
        sr = np.sqrt(np.square(r, dtype=float).sum((0, 1)))
        sv = np.sqrt(np.square(v, dtype=float).sum((0, 1)))
        alpha = np.clip(-sr / np.maximum(sv, 1e-300), -step_max, -1.0)
        a = alpha.astype(DTYPE)
        x = np.maximum(g - 2 * a * r + a * a * v, FLOOR * g2)  # never 0: EM cannot revive it
        x = x / np.maximum(x.sum(1, keepdims=True), tiny)
        g3, llx = step(x)
        keep = llx >= ll1
        g = np.where(keep, g3, g2)
        step_max = np.where(keep & (alpha <= -step_max), step_max * STEP_FACTOR, step_max)
        steps += 3
    g1, ll0 = step(g)
    return g1, ll0, steps + 1


class _LogSmoother:
    """EMS's smoothing step on the length grid: a Gaussian of SD ``h`` on log length.

    The grid's days are binned on the log scale: each day ``d`` is its own bin while its
    log width ``log((d + ½)/(d − ½))`` is at least ``EMS_BIN·h``, longer days share bins of
    log width ``EMS_BIN·h``. ``S = B K A``: ``A`` sums each bin's mass, ``K`` moves bin
    ``j``'s mass to bin ``i`` with weight ``∝ w_i φ((x_i − x_j)/h)`` (``w_i`` the bin's log
    width, ``x_i`` its centre: the width-weighted mean of ``log d``; each column summed to
    1, so mass is kept and none leaves the grid), ``B`` spreads a bin's mass over its days
    in proportion to their log widths. The smoothing of a density of ``log D`` by a
    Gaussian, on a grid fine where the days are (one day at a time up to about
    ``1/(EMS_BIN·h)`` days); a few hundred bins, so a step costs two sparse products
    and one small dense one.
    """

    def __init__(self, grid: np.ndarray, h: float):
        d = np.asarray(grid, dtype=float)
        width = np.log((d + 0.5) / (d - 0.5))
        delta = EMS_BIN * h
        n_single = int(np.sum(width >= delta))  # widths fall with d: a prefix
        idx = np.arange(len(d))
        if n_single < len(d):
            base = np.log(d[n_single] - 0.5)
            far = np.floor((np.log(d[n_single:]) - base) / delta).astype(np.int64)
            idx[n_single:] = n_single + np.unique(far, return_inverse=True)[1]
        n_m = int(idx.max()) + 1
        w = np.bincount(idx, weights=width, minlength=n_m)
        x = np.bincount(idx, weights=width * np.log(d), minlength=n_m) / w
        cols = np.arange(len(d))
        self.a = sparse.csr_matrix((np.ones(len(d), DTYPE), (idx, cols)), shape=(n_m, len(d)))
        self.b = sparse.csr_matrix(
            ((width / w[idx]).astype(DTYPE), (cols, idx)), shape=(len(d), n_m)
        )
        k = w[:, None] * np.exp(-0.5 * ((x[:, None] - x[None, :]) / h) ** 2)
        self.k = (k / k.sum(0, keepdims=True)).astype(DTYPE)

    def __call__(self, g: np.ndarray) -> np.ndarray:
        """``S`` applied to every year's and replicate's distribution: ``g`` (Y, D, B)."""
        n_y, n_d, n_b = g.shape
        flat = np.ascontiguousarray(g.transpose(1, 0, 2)).reshape(n_d, n_y * n_b)
        out = self.b @ (self.k @ (self.a @ flat))
        return np.ascontiguousarray(out.reshape(n_d, n_y, n_b).transpose(1, 0, 2))


def _ems(step, g, smoother, max_steps: int, tol: float):
    """The smoothed EM (EMS): ``g ← S(EM(g))`` from ``g`` (Y, D, B) to its fixed point.

    Silverman, Jones, Wilson & Nychka (1990): an EM step, then the smoothing step ``S``
    (:class:`_LogSmoother`). The smoothing removes the spikes the EM builds towards the
    nonparametric maximum (where the likelihood is flat and the answer depends on where the
    EM stops), so the iteration has a fixed point it converges to from any start; that
    point maximises approximately a penalised likelihood with a roughness penalty on
    ``log f`` (Nychka 1990). Stops when no year's distribution in any replicate moved by
    more than ``tol`` (sum of absolute changes over the grid) in a step, or after
    ``max_steps``. Returns the distributions, the log-likelihood (B,) of the step's input
    and the steps run.
    """
    tiny = np.finfo(DTYPE).tiny
    ll = None
    for n in range(1, max_steps + 1):
        g1, ll = step(g)
        g1 = smoother(g1)
        g1 = g1 / np.maximum(g1.sum(1, keepdims=True), tiny)
        change = float(np.abs(g1 - g).sum(1).max())
        g = g1
        if change <= tol:
            return g, ll, n
    return g, ll, max_steps


def _start(start: str | None) -> str:
    """``start`` checked (default ``EM_START``)."""
    start = EM_START if start is None else str(start)
    if start not in EM_STARTS:
        raise EstimationError(f"start {start!r}: expected one of {', '.join(EM_STARTS)}.")
    return start


def em_start(grid: np.ndarray, kind: str, n_years: int) -> np.ndarray:
    """The EM's starting distributions of the lengths ``grid`` (Y, D), the same every year.

    ``"uniform"``: ``1/D_max`` on every length; ``"log_uniform"``: ``∝ 1/D``, the same mass
    in every doubling of the length (the scale-free choice: no length is singled out).

    Notes
    -----
    The plain EM stops after ``EM_ITERATIONS`` steps, far from the likelihood's maximum
    (docs/methods/stays.md, "The EM's start and its stopping rule"): where short stays are
    rarely seen (a daily chance of being seen) its answer keeps much of its start, and
    starts whose fits the likelihood cannot tell apart (log-likelihoods about one unit
    apart) give medians 10–19 % apart (docs/methods/stays.md, "The EM's start as a bar").
    So the start is a setting the data cannot decide: the tornado shows what it does to
    the FTE needed, and with per-day capture the median stay's interval spans both starts
    (:attr:`Deconvolver.span_starts`; docs/methods/stays.md, "The median's interval spans
    both starts").

    Examples
    --------
    >>> em_start(np.arange(1, 5), "log_uniform", 1).round(3)
    array([[0.48, 0.24, 0.16, 0.12]])
    """
    g = np.ones(len(grid)) if _start(kind) == "uniform" else 1.0 / np.asarray(grid, dtype=float)
    return np.tile(g / g.sum(), (n_years, 1))


def other_start(kind: str) -> str:
    """The EM start the intervals also span (:attr:`Deconvolver.span_starts`).

    Examples
    --------
    >>> other_start("uniform")
    'log_uniform'
    """
    return EM_STARTS[1 - EM_STARTS.index(_start(kind))]


def other_merge(rate: str | None = None) -> str:
    """The merge of split stays the trend's intervals also span (``MERGE_RATE`` if None).

    Where the ads see a woman day by day, a long stay of a woman seen on few days is left
    in pieces by the merge at her set's rate, and the pieces pull the trend towards 1
    (docs/methods/stays.md, "The trend's interval spans both merges"); the merge at each
    woman's own rate joins most of them and joins a few wrongly. Neither is known to be
    right on real data.

    Examples
    --------
    >>> other_merge("set")
    'woman'
    """
    rates = ("set", "woman")
    return rates[1 - rates.index(MERGE_RATE if rate is None else rate)]


def _replicates(dec: Deconvolver, w: np.ndarray):
    """:class:`~capacity.models.stays.replicates.StayReplicates` of the EM for weights ``w``.

    With ``dec.span_starts`` the same weights are refitted from the other start too
    (:func:`other_start`); its medians ride along (``median_alt``), and the median's
    interval spans both (:func:`~capacity.models.stays.replicates.spanning_interval`;
    docs/methods/stays.md, "The median's interval spans both starts").
    """
    import dataclasses

    from capacity.models.stays.replicates import StayReplicates, median_ratio
    from capacity.models.stays.table import StayTable

    r = dec.fit(w)
    pooled = r.pooled
    n_b = pooled.shape[0]
    n_obs = np.bincount(dec.key_year[dec.stay_key], minlength=len(dec.years))
    by_year = r.medians(r.f)
    alt = None
    if dec.span_starts:
        r2 = dataclasses.replace(dec, start=other_start(dec.start)).fit(w)
        alt = r2.medians(r2.pooled)
    table = StayTable(
        times=np.broadcast_to(r.grid.astype(float), pooled.shape).copy(),
        masses=pooled,
        s_max=np.zeros(n_b),
        t_max=np.full(n_b, float(r.grid[-1])),
        tail_rate=np.ones(n_b),
        mean=pooled @ r.grid,
    )
    return StayReplicates(
        table=table,
        median=r.medians(pooled),
        years=dec.years,
        median_by_year=by_year,
        median_ratio=median_ratio(dec.years, by_year, n_obs),
        hazard_ratio=r.hazard_ratio(),
        median_alt=alt,
    )


def _set_densities(set_num, set_den, w, shrink: float = SHRINK_DAYS) -> np.ndarray:
    """:func:`_densities` from (S, P) sparse sums of each set's stays per person."""
    w = np.asarray(w, dtype=float)
    nk, dk = np.asarray(set_num @ w), np.asarray(set_den @ w)
    pooled = nk.sum(0) / np.maximum(dk.sum(0), 1e-300)
    pooled = np.where(dk.sum(0) > 0, pooled, 0.5)
    q = (nk + shrink * pooled) / (dk + shrink)
    return np.clip(q, 1e-3, 1 - 1e-6).T


def _densities(num, den, stratum, n_strata, w, shrink: float = SHRINK_DAYS) -> np.ndarray:
    """``q_k = (Σ w num + c q̄)/(Σ w den + c)`` per set (shrunk to the pooled density).

    ``c = shrink`` pseudo-days of the pooled density ``q̄ = Σ_k Σ w num / Σ_k Σ w den``
    (default ``SHRINK_DAYS``): a set with few interior days gets about ``q̄``, a set with
    many its own rate.
    """
    w = np.asarray(w, dtype=float)
    # Σ over each set's persons in person order, as np.add.at adds them (a sparse product
    # sums each row's entries in column order from 0: the same additions, far faster)
    rows, cols = np.asarray(stratum, dtype=np.int64), np.arange(len(stratum))
    shape = (n_strata, len(stratum))
    nk = sparse.csr_matrix((np.asarray(num, dtype=float), (rows, cols)), shape=shape) @ w
    dk = sparse.csr_matrix((np.asarray(den, dtype=float), (rows, cols)), shape=shape) @ w
    nk, dk = np.asarray(nk), np.asarray(dk)
    pooled = nk.sum(0) / np.maximum(dk.sum(0), 1e-300)
    pooled = np.where(dk.sum(0) > 0, pooled, 0.5)
    q = (nk + shrink * pooled) / (dk + shrink)
    return np.clip(q, 1e-3, 1 - 1e-6).T


def _shrink(shrink_days: float | None) -> float:
    """``shrink_days`` as a float above 0 (default ``SHRINK_DAYS``)."""
    shrink = float(SHRINK_DAYS if shrink_days is None else shrink_days)
    if not shrink > 0:
        raise EstimationError(f"shrink_days must be above 0, not {shrink_days!r}.")
    return shrink


def make_deconvolver(
    merged: pd.DataFrame,
    strata,
    n_iter: int | None = None,
    visibility: str = "none",
    arrival_sites=(),
    smooth: float | None = None,
    shrink_days: float | None = None,
    start: str | None = None,
    span_starts: bool = False,
) -> tuple[Deconvolver, pd.DataFrame]:
    """The EM keys of ``merged`` (the city's merged stays, :func:`merge_stays`).

    Stays with an unknown origin (``left_truncated``) or begun before the window
    (``entry_days > 0``) are left out: the distribution is that of the stays arriving in
    the window. ``visibility``: ``"none"`` (each source set its own unseen stays; pass
    :func:`grouped_strata`) or ``"ad_sites"`` (being on each ad site a latent trait, see
    the module; pass ``strata`` as built, one set per combination of sources, with their
    sighting days). ``arrival_sites`` (latent visibility only): ad sites taken to capture
    a woman on her arrival day or not at all in that stay (the module's "Capture on
    arrival"). ``smooth`` (``visibility="none"`` only; default ``SMOOTH_LOG``): the
    bandwidth of the smoothed EM (:func:`_ems`) its fits run, 0 for the plain EM.
    ``shrink_days`` (> 0; default ``SHRINK_DAYS``): the pseudo-days of the pooled sighting
    density added to each source set's, ``q_k = (n_k + c q̄)/(d_k + c)``
    (:func:`_densities`), in the point fit and in every replicate; a set with almost no
    interior days (outreach, police) gets ``q̄`` whatever ``c``, so ``c`` is a prior the
    data cannot decide (``Params.shrink_days``, docs/methods/stays.md). ``start``
    (default ``EM_START``): the EM's starting distribution in every fit (:func:`em_start`;
    ``Params.em_start``). ``span_starts``: the replicates also run from the other start
    (:attr:`Deconvolver.span_starts`).
    Returns the deconvolver and the stays it uses.
    """
    shrink = _shrink(shrink_days)
    start = _start(start)
    arrival_sites = _check_visibility(visibility, arrival_sites)
    code = strata.persons.get_indexer(merged["person_id"])
    if np.any(code < 0):
        raise EstimationError("stays name persons that are not in the sightings' strata.")
    n_p, n_s = len(strata.persons), len(strata.labels)
    span = merged["duration_days"].to_numpy(dtype=np.int64)
    inner = np.where(span >= 3, merged["n_sightings"].to_numpy(dtype=float) - 2, 0.0)
    inner_days = np.where(span >= 3, span - 2.0, 0.0)
    num = np.bincount(code, weights=inner, minlength=n_p)
    den = np.bincount(code, weights=inner_days, minlength=n_p)
    person_stratum = strata.person_stratum.astype(np.int64)
    use = ~merged["left_truncated"].to_numpy(bool) & (merged["entry_days"].to_numpy() <= 0)
    kept = merged[use]
    if len(kept) < 5:
        raise EstimationError(
            f"only {len(kept)} stays start inside the window: too few to deconvolve lengths."
        )
    latent = {}
    if visibility.startswith("ad_sites"):  # a source set per stay: the sources seen in that stay
        latent, stay_set = _latent_fields(strata, merged, code, use, arrival_sites)
        n_s = len(latent["labels"])
        shape = (n_s, n_p)
        latent["set_num"] = sparse.csr_matrix((inner, (stay_set, code)), shape=shape)
        latent["set_den"] = sparse.csr_matrix((inner_days, (stay_set, code)), shape=shape)
        q0 = _set_densities(latent["set_num"], latent["set_den"], np.ones((n_p, 1)), shrink)[0]
        stratum = stay_set[use]
        latent["no_site_class"] = visibility == "ad_sites_class"
    else:
        q0 = _densities(num, den, person_stratum, n_s, np.ones((n_p, 1)), shrink)[0]
        stratum = person_stratum[code[use]]
    site_span = latent.pop("site_span", np.zeros(len(span), dtype=np.int64))[use]
    span, code = span[use], code[use]
    cens = kept["right_censored"].to_numpy(bool)
    open_days = _open_days(kept, merged.attrs.get("data_end"), cens, site_span)
    years, year = np.unique(kept["start"].dt.year.to_numpy(), return_inverse=True)
    keys = pd.DataFrame(
        {"k": stratum, "y": year, "s": span, "c": cens, "a": site_span, "o": open_days}
    )
    cols = ["k", "y", "s", "c", "a", "o"]
    key_id = keys.groupby(cols, sort=True).ngroup().to_numpy()
    uniq = keys.drop_duplicates().sort_values(cols).reset_index(drop=True)
    ku, yu, su, cu, au, ou = (uniq[c].to_numpy() for c in cols)
    cut = np.ceil(np.log(KERNEL_EPS) / np.log1p(-np.clip(q0, 1e-3, 1 - 1e-6))).astype(np.int64)
    margin = int(min(max(cut.max(), 1), MAX_MARGIN))
    n_d = int(su.max()) + margin
    grid = np.arange(1, n_d + 1)
    n_y = len(years)

    anchored = latent.get("set_anchored", np.zeros(n_s, dtype=bool))
    gaps = latent.pop("gaps", None)
    surv = None  # anchored sets: (first, later) gap survival (S, margin + 1)

    def kernel(rows, ended):
        if not len(rows):
            return sparse.csr_matrix((0, n_y * n_d)), rows
        top = np.minimum(su[rows] + np.minimum(cut[ku[rows]], margin), n_d)
        length = top - su[rows] + 1
        r = np.repeat(np.arange(len(rows)), length)
        m = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        fixed_start = anchored[ku[rows]][r]  # the span begins on the arrival day
        # each entry's value from its own formula only (the other one is not evaluated)
        val = np.zeros(len(r))
        free = ~fixed_start if surv is not None else np.ones(len(r), dtype=bool)
        qq, mf = q0[ku[rows]][r][free], m[free]
        if ended:
            val[free] = np.where(fixed_start[free], 1.0, mf + 1) * (1 - qq) ** mf
        else:  # the decaying part of (1 − (1 − q)^(m+1))/q = 1/q − (1 − q)^(m+1)/q
            val[free] = np.where(fixed_start[free], 0.0, (1 - qq) ** (mf + 1) / qq)
        if surv is not None and fixed_start.any():
            at = np.flatnonzero(fixed_start)
            lag = np.clip(m[at] + su[rows][r[at]] - au[rows][r[at]], 0, margin)
            k_at, a_at, o_at = ku[rows][r[at]], au[rows][r[at]], ou[rows][r[at]]
            val[at] = _anchored_kernel(surv, k_at, a_at, lag, o_at, ended)
        col = yu[rows][r] * n_d + su[rows][r] - 1 + m
        # anchored rows end where their gap survival does (_cut_survival)
        r, val, col, length = _cut_survival(
            r, m, val, col, length, fixed_start & (surv is not None)
        )
        # rows in order, columns rising within a row, no repeats: CSR as it stands (what
        # the COO constructor would sort it into)
        indptr = np.concatenate([[0], np.cumsum(length)])
        index = np.int32 if max(n_y * n_d, len(col)) < 2**31 else np.int64
        mat = sparse.csr_matrix(
            (val, col.astype(index), indptr.astype(index)), shape=(len(rows), n_y * n_d)
        )
        return mat, rows

    ended_rows = [np.flatnonzero((ku == k) & ~cu) for k in range(n_s)]

    def open_scale():  # P(G > o) of every key
        return _anchored_kernel(surv, ku, au, np.minimum(ou, margin), ou, True)

    if gaps is not None and anchored.any():
        surv = _gap_survival(gaps, anchored, margin)
    kernels = tuple(kernel(rows, True) for rows in ended_rows)
    censored = kernel(np.flatnonzero(cu), False)
    latent.setdefault("labels", tuple(strata.labels))
    dec = Deconvolver(
        grid=grid,
        years=years,
        key_stratum=ku.astype(np.int64),
        key_year=yu.astype(np.int64),
        key_span=su.astype(np.int64),
        key_censored=cu,
        key_site_span=au.astype(np.int64),
        open_scale=None if surv is None else open_scale(),
        key_open_days=ou.astype(np.int64),
        stay_key=key_id.astype(np.int64),
        stay_person=code.astype(np.int64),
        person_num=num,
        person_den=den,
        person_stratum=person_stratum,
        q0=q0,
        kernels=kernels,
        censored=censored,
        n_iter=int(EM_ITERATIONS if n_iter is None else n_iter),
        smooth=0.0 if visibility != "none" else float(SMOOTH_LOG if smooth is None else smooth),
        shrink_days=shrink,
        start=start,
        span_starts=bool(span_starts),
        **latent,
    )
    if surv is not None:  # the gap survival and the lengths together (module: "Capture on arrival")
        import dataclasses

        # stays no capturing-on-arrival site saw first: the per-day kernel at the daily
        # chance of the set's own sources (π-weighted EM estimates), not the set's density
        q0 = _own_rates(dec, dec.fit(), q0)
        dec = dataclasses.replace(
            dec,
            q0=q0,
            kernels=tuple(kernel(r, True) for r in ended_rows),
            censored=kernel(np.flatnonzero(cu), False),
        )
        for _ in range(GAP_ROUNDS):
            surv = _gap_survival(gaps, anchored, margin, _open_gaps(dec, margin))
            dec = dataclasses.replace(
                dec,
                kernels=tuple(kernel(r, True) for r in ended_rows),
                censored=kernel(np.flatnonzero(cu), False),
                open_scale=open_scale(),
            )
    return dec, kept


def _cut_survival(r, m, val, col, length, anchored):
    """The kernel entries (row ``r``, offset ``m``, value, column) less an anchored row's tail.

    An anchored row holds a gap survival, falling along the row, but its length is the
    per-day cut of its set's density (up to ``MAX_MARGIN`` days; at 1 M sightings 40 % of
    the entries were below 1e-4, and the rows of stays going on 89 % zeros). It is cut
    where its value falls below ``SURVIVAL_EPS`` of the row's first value, as the per-day
    kernel is cut where ``(1 − q)^m`` falls below ``KERNEL_EPS``; a stay going on keeps
    no zeros after its open days. Every row keeps its first entry. ``length``: each row's
    entries before the cut. Returns ``r``, ``val``, ``col`` and each row's length after it.
    """
    if not anchored.any():
        return r, val, col, length
    head = val[(np.cumsum(length) - length)[r]]  # each entry's row's first value
    keep = ~anchored | (m == 0) | (np.abs(val) >= SURVIVAL_EPS * np.abs(head))
    r, val, col = r[keep], val[keep], col[keep]
    return r, val, col, np.bincount(r, minlength=len(length))


def _open_days(kept: pd.DataFrame, data_end, cens: np.ndarray, site_span: np.ndarray):
    """Anchored stays going on at the data's end: days from the sites' last look to it."""
    if data_end is None or not np.any(site_span > 0):
        return np.zeros(len(kept), dtype=np.int64)
    last_look = kept["start"].to_numpy("datetime64[D]") + (site_span - 1).astype("m8[D]")
    to_end = (np.datetime64(pd.Timestamp(data_end), "D") - last_look).astype(np.int64)
    return np.where(cens & (site_span > 0), np.maximum(to_end, 0), 0).astype(np.int64)


def _anchored_kernel(surv, k, a, lag, open_days, ended: bool) -> np.ndarray:
    """The kernel values of anchored stays at ``lag = D − a`` (see the module).

    Ended: ``P(G > D − a)``, the first gap's survival where ``a = 1``. Going on at the
    data's end, ``o = open_days`` days after the sites' last look: ``K(D) = P(G > min(D −
    a, o))``, held as ``P(G > o)`` on every ``D ≥ s`` (the scale, :attr:`open_scale`) minus
    the values returned here, ``P(G > o) − P(G > D − a)`` for ``D − a ≤ o`` (0 beyond).
    """
    first = a <= 1
    s_lag = np.where(first, surv[0][k, lag], surv[1][k, lag])
    if ended:
        return s_lag
    o = np.minimum(open_days, surv[0].shape[1] - 1)
    s_open = np.where(first, surv[0][k, o], surv[1][k, o])
    return np.where(lag <= o, s_open - s_lag, 0.0)


def _own_rates(dec: Deconvolver, fit: Deconvolved, q0: np.ndarray) -> np.ndarray:
    """``q0`` with each set not anchored at ``1 − Π (1 − r)`` over the set's own sources.

    ``r``: the fit's daily chance of each site (``r_j``) and of each other source
    (``r_o``). A set holding no source (``"none"``) keeps its ``q0``.
    """
    rate = dict(zip(dec.sites, fit.site_rate[0], strict=True))
    rate.update(zip(dec.others, fit.other_rate[0], strict=True))
    q = np.array(q0, dtype=float)
    for k, label in enumerate(dec.labels):
        parts = [x for x in label.removesuffix("@arrival").split("+") if x in rate]
        if not dec.set_anchored[k] and parts:
            q[k] = 1 - np.prod([1 - rate[x] for x in parts])
    return np.clip(q, 1e-3, 1 - 1e-6)


def _open_gaps(dec: Deconvolver, margin: int) -> np.ndarray:
    """Expected last gaps still open at each lag (2, S, margin + 1), from the point fit.

    Each ended anchored stay's posterior over its unseen days ``M = D − s`` (``f(D)`` times
    its kernel); a last gap with ``M = m`` survived lags ``1 … m``. The first kind (index
    0) are stays seen on one day, the later kind the others.
    """
    f = dec.fit().f[0].reshape(-1)  # (Y·D)
    n_d = len(dec.grid)
    w_key = np.bincount(dec.stay_key, minlength=len(dec.key_span)).astype(float)
    risk = np.zeros((2, len(dec.set_anchored), margin + 1))
    for k in np.flatnonzero(dec.set_anchored):
        mat, rows = dec.kernels[k]
        if not len(rows):
            continue
        coo = mat.tocoo()
        mass = coo.data * f[coo.col]
        total = np.bincount(coo.row, weights=mass, minlength=len(rows))
        mass = mass * (w_key[rows] / np.maximum(total, 1e-300))[coo.row]
        a = dec.key_site_span[rows]
        at = dec.key_year[rows] * n_d + a - 1  # the sites' last look: lag D − a
        lag = np.clip(coo.col - at[coo.row], 0, margin)
        later = (a > 1)[coo.row].astype(np.int64)
        # (a bincount adds in the same order as np.add.at, far faster)
        cell = later * (margin + 1) + lag
        risk[:, k] = np.bincount(cell, weights=mass, minlength=2 * (margin + 1)).reshape(2, -1)
    return np.cumsum(risk[:, :, ::-1], axis=2)[:, :, ::-1]


def _check_visibility(visibility: str, arrival_sites) -> tuple:
    """``arrival_sites`` as a tuple; refuse a visibility or arrival sites that do not fit."""
    if visibility not in VISIBILITY:
        raise EstimationError(f"visibility = {visibility!r}: use one of {VISIBILITY}.")
    arrival_sites = tuple(arrival_sites or ())
    if arrival_sites and not visibility.startswith("ad_sites"):
        raise EstimationError(
            "arrival_sites needs the latent visibility of the ad sites (visibility='ad_sites')."
        )
    return arrival_sites


def _gap_survival(gaps, anchored: np.ndarray, n_l: int, censored=None):
    """Survival ``P(G > m)``, ``m = 0 … n_l``, of the first and of the later gaps per set.

    ``gaps``: (set, length, first) of every gap between two sighting days of a used stay;
    ``censored`` (2, S, n_l + 1): expected last gaps still open at each lag (from the stays'
    posterior, see the module). Discrete hazards ``h(l) = events(l) / at risk(l)`` (the
    product-limit estimate with the last gap censored at the unseen days), each anchored
    set's shrunk to the anchored sets' pooled hazards by ``SHRINK_GAPS`` gaps of their
    shape, plus ``TAIL_GAPS`` gaps at their overall rate at every lag (a tail where no gap
    is that long): ``h_k(l) = (e_k(l) + c ē(l) + t λ) / (n_k(l) + c n̄(l) + t)``.
    Returns ``(first, later)``, each (S, n_l + 1); rows of sets not anchored are ones.
    """
    k, g, first = gaps
    n_s = len(anchored)
    g = np.minimum(g, n_l)
    out = []
    for i, sel in enumerate((first, ~first)):
        ev = np.zeros((n_s, n_l + 1))
        np.add.at(ev, (k[sel], g[sel]), 1.0)
        ev[~anchored] = 0.0
        risk = np.cumsum(ev[:, ::-1], axis=1)[:, ::-1]
        if censored is not None:
            risk = risk + np.where(anchored[:, None], censored[i], 0.0)
        ev_p, risk_p = ev[anchored].sum(0), risk[anchored].sum(0)
        n_p = max(ev_p.sum(), 1.0)
        rate = ev_p[1:].sum() / max(risk_p[1:].sum(), 1e-300)
        ev_k = ev + SHRINK_GAPS * ev_p / n_p + TAIL_GAPS * rate
        risk_k = risk + SHRINK_GAPS * risk_p / n_p + TAIL_GAPS
        h = np.divide(ev_k, risk_k, out=np.zeros_like(ev_k), where=risk_k > 0)
        h = np.clip(h, 0.0, 1.0 - 1e-9)  # none at risk: no hazard (the product-limit's)
        h[:, 0] = 0.0  # gaps are at least one day
        sv = np.cumprod(1.0 - h, axis=1)
        sv[~anchored] = 1.0
        out.append(sv)
    return tuple(out)


def _latent_fields(
    strata, merged: pd.DataFrame, code: np.ndarray, use: np.ndarray, arrival_sites=()
):
    """Each stay's source set, the sites, and each person's sighting days per source.

    A sighting day belongs to the person's merged stay that starts last on or before it
    (stays of one person in one city do not overlap). The set of a stay is the sources seen
    in it (not in all her stays: a site that saw her in another stay missed her in this
    one). ``code``: each merged stay's person (index into ``strata.persons``); ``use``: the
    stays the EM uses (the sighting days counted are theirs). Returns the Deconvolver's
    fields and the set of every merged stay.
    """
    if strata.day_person is None:
        raise EstimationError(
            "visibility='ad_sites' needs strata from source_strata (sighting days)."
        )
    sources = list(strata.sources)
    # another source named in arrival_sites (outreach that screens new ads) is a list like
    # an ad site: a woman is on it on her arrival day or not at all in that stay
    extra = [x for x in sources if x in arrival_sites and source_group(x) != "ads"]
    sites = [x for x in sources if source_group(x) == "ads"] + extra
    others = [x for x in sources if x not in sites]
    arrival_sites = tuple(x for x in arrival_sites if x in sites)  # absent here: ignored
    if not sites:
        raise EstimationError(
            "visibility='ad_sites' needs an ad site (a source named ads_…) among the city's "
            "sources; use the deconvolution without it (stay_model 'deconvolve')."
        )
    n_src = len(sources)
    lo_day = int(strata.day_date.min())
    width = int(strata.day_date.max()) - lo_day + 1
    key = np.unique(
        (strata.day_person * width + (strata.day_date - lo_day)) * n_src + strata.day_source
    )
    day_person, day_date, day_source = (
        key // n_src // width,
        key // n_src % width + lo_day,
        key % n_src,
    )
    first = merged["start"].to_numpy("datetime64[D]").astype(np.int64)
    last = merged["end"].to_numpy("datetime64[D]").astype(np.int64)
    lo = min(int(first.min()), int(day_date.min()))
    span = max(int(last.max()), int(day_date.max())) - lo + 1
    stay_key = code.astype(np.int64) * span + (first - lo)
    order = np.argsort(stay_key, kind="stable")
    day_key = day_person * span + (day_date - lo)
    at = np.searchsorted(stay_key[order], day_key, side="right") - 1
    ok = at >= 0
    hit = order[np.where(ok, at, 0)]
    ok &= (code[hit] == day_person) & (day_date <= last[hit])
    mask = np.zeros(len(merged), dtype=np.int64)
    np.bitwise_or.at(mask, hit[ok], np.int64(1) << day_source[ok].astype(np.int64))
    # anchored: a site that captures on arrival saw her on the stay's first observed day
    arriving = np.int64(sum(1 << sources.index(x) for x in arrival_sites))
    first_day = ok & (day_date == first[hit])
    first_mask = np.zeros(len(merged), dtype=np.int64)
    np.bitwise_or.at(
        first_mask, hit[first_day], np.int64(1) << day_source[first_day].astype(np.int64)
    )
    anchored = (first_mask & arriving) != 0
    n_src_sets = np.int64(1) << len(sources)
    masks, stay_set = np.unique(mask + anchored * n_src_sets, return_inverse=True)
    set_anchored = masks >= n_src_sets
    masks = masks % n_src_sets
    labels = tuple(
        ("+".join(sources[j] for j in range(len(sources)) if m >> j & 1) or "none")
        + ("@arrival" if a else "")
        for m, a in zip(masks, set_anchored, strict=True)
    )
    parts = [label.removesuffix("@arrival").split("+") for label in labels]
    set_sites = np.array([[x in p for x in sites] for p in parts], dtype=bool)
    size = np.array([len(p) for p in parts])
    site_set = np.array(
        [int(np.argmin(np.where(set_sites[:, j], size, 10**6))) for j in range(len(sites))]
    )
    column = np.array([*(sources.index(x) for x in sites), *(sources.index(x) for x in others)])
    to_col = np.empty(len(sources), dtype=np.int64)
    to_col[column] = np.arange(len(sources))
    n_p = len(strata.persons)
    ok &= use[hit]
    # gaps between a used stay's distinct sighting days (any source): the first one (from
    # the first observed day) and the later ones, for the kernels of anchored stays
    # (sites capturing on arrival only: outreach that screens new ads sees a woman early in
    # her stay, which says nothing of when the sites' next look after her last one falls)
    on_site = ok & ((np.int64(1) << day_source.astype(np.int64)) & arriving != 0)
    pair = np.unique(hit[on_site].astype(np.int64) * span + (day_date[on_site] - lo))
    g_stay, g_day = pair // span, pair % span
    inside = g_stay[1:] == g_stay[:-1]
    gap_len = np.diff(g_day)[inside]
    gap_first = (g_day[:-1] == (first[g_stay[:-1]] - lo))[inside]
    # each stay's span to its last sighting by such a site (1 when none after the first day)
    site_last = first.copy()
    np.maximum.at(site_last, hit[on_site], day_date[on_site])
    site_span = site_last - first + 1
    cell = day_person[ok] * len(sources) + to_col[day_source[ok]]
    person_days = np.bincount(cell, minlength=n_p * len(sources)).reshape(n_p, len(sources))
    fields = {
        "labels": labels,
        "sites": tuple(sites),
        "others": tuple(others),
        "set_sites": set_sites,
        "site_set": site_set,
        "person_days": person_days.astype(float),
        "arrival_sites": np.array([x in arrival_sites for x in sites], dtype=bool),
        "set_anchored": set_anchored,
        "gaps": (stay_set[g_stay[1:][inside]], gap_len.astype(np.int64), gap_first),
        "site_span": np.where(anchored, site_span, 0).astype(np.int64),
    }
    return fields, stay_set.astype(np.int64)
