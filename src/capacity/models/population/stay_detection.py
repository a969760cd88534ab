"""The detection share of stays when capture grows with time present: a stay-level model.

The question-4 chain scales observed stay starts up to all arrivals by the share of stays
that any source sees. Quarterly closed MSE (:mod:`capacity.models.population.chain`) puts
that share 20–41 % too high where every source sees a present person on each day with a
daily chance: short stays are missed by every source at once, heterogeneity that two-list
interactions cannot absorb. :func:`fit_stay_detection` models the cause instead, one
**merged stay** at a time (stays split by missed sightings joined again,
:func:`capacity.models.stays.strata.merge_split_stays`):

- the stay lasts ``L`` days, ``L = ⌊X⌋ + 1`` with ``X`` generalised gamma (Stacy 1962;
  the Weibull and the lognormal are special cases), its scale changing by ``e^β`` per
  calendar year of the start;
- a person belongs to a visibility class: the set of ad sites (sources whose name starts
  with ``ads``) that can see her, with free shares ``π_c``; on each day present an ad site
  of her class sees her with daily chance ``p_j``, on her arrival day with ``r_j`` (an ad
  captured when posted); the other sources (outreach, police) see anyone present, each day
  one pattern of them with free probabilities (so they may work together): ``ψ^a`` on the
  arrival day, ``ψ^e`` on days 2 … ``k`` (``EARLY_DAYS``; outreach that screens new ads
  sees a woman mostly then), ``ψ`` after; a normal prior of SD ``EARLY_PRIOR_SD`` on the
  log-odds of ``ψ^a`` and ``ψ^e`` around ``ψ`` keeps patterns seldom seen near ``ψ``;
- days and ad sites are independent given class, stay and day of the stay;
- optionally (``dependence``; outreach that works from the ads) the other sources' patterns
  depend on whether the stay has an ad sighting: on such a stay the patterns in which an
  outreach source (name starting ``outreach``) sees her **and police do not** have their
  odds times ``exp(Σ_j γ_j)``, ``ψ^{ad}_o ∝ ψ_o exp(Σ_j γ_j o_j [o ∩ A = ∅])`` (likewise
  ``ψ^a``, ``ψ^e``; ``A`` the police, the other sources not named ``outreach``); a stay
  without one, and so every stay nobody sees, has the plain ``ψ``. Police keep their daily
  chance (up to the normalisation, ``1 + ψ_o(e^γ − 1)`` with ``ψ_o`` a few per thousand),
  and outreach on a day police see her (social workers at a police operation) keeps its
  chance given police: police are what ties the two groups' outreach chances together.
  Given the group the product over days still holds (the group is a function of the ad
  sites' days), so the classes below run over (group, visibility class) pairs and
  ``P(seen)`` uses group 0. ``"auto"`` keeps it when a likelihood-ratio test rejects
  ``γ = 0`` and outreach does not screen new ads (``SCREENING_RATIO``), and is the chain's
  default (``Params.detection_dependence``); ``"none"``, this function's default, never fits
  it (``docs/methods/population.md``: what each does on the worlds measured).

A stay seen on ``K`` days, first to last sighting ``d`` days apart, with ``K_j`` days by ad
site ``j``, first seen on day ``x + 1`` of her stay, has, given ``L``, ``x`` and class
``c`` (``u_c``, ``ũ_c``, ``u^e_c`` the chance of a day unseen on an ordinary, the arrival
and an early day; ``R_x`` the ratio of the span's chance with its first ``k − x`` days
early, the first an arrival day if ``x = 0``, to its chance as ordinary days)

    P(obs | c) = Π_days P(pattern | c, ordinary) · u_c^{d − K}
                 · [Σ_{x<k} R_x ũ_c^{[x≥1]} (u^e_c)^{max(x−1, 0)} T(d + x) + ũ_c (u^e_c)^{k−1} G(d + k)]

summed over ``L`` (``T``, ``G``: :meth:`_Model.core`; with ``k = 1``, ``T = H`` and the
bracket is ``ρ_c H(d) + ũ_c G(d + 1)``, ``ρ_c`` the first day's arrival-day ratio),
and the conditional likelihood of the seen stays (Huggins 1989) is
``Π_i Σ_c π_c P(obs_i | c) / P(seen)``, ``P(seen) = Σ_c π_c (1 − ũ_c T(1))``, per start
year. The sums over ``L`` are two backward recursions per class and year, so
one evaluation is a few vector operations; the fit is L-BFGS with the exact gradient
(:meth:`_Model.nll_and_grad`), then Newton steps, on the stays' sufficient statistics
(identical stays counted once). The detection share of the counted arrivals is
``δ = Σ_y s_y / Σ_y (s_y / P̂_y(seen))`` with ``s_y`` the merged stay starts of year ``y``.
Bootstrap replicates are one Newton step from the estimate with the replicate's weighted
score (:meth:`StayDetection.replicates`), so they cost one evaluation each.

Methods, assumptions and the measured comparison with closed MSE and the open-population
model: ``docs/methods/population.md``.

References
----------
Chao, A., Tsay, P. K., Lin, S.-H., Shau, W.-Y. & Chao, D.-Y. (2001). The applications of
capture-recapture models to epidemiological data. Statistics in Medicine 20(20), 3123–3157.
Fienberg, S. E. (1972). The multiple recapture census for closed populations and
incomplete 2^k contingency tables. Biometrika 59(3), 591–603.
Huggins, R. M. (1989). On the statistical analysis of capture experiments. Biometrika
76(1), 133–140.
Prentice, R. L. (1974). A log gamma model and its maximum likelihood estimation.
Biometrika 61(3), 539–544.
Stacy, E. W. (1962). A generalization of the gamma distribution. Annals of Mathematical
Statistics 33(3), 1187–1192.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special
from scipy.stats import chi2

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat, Results, percentile_interval, require_columns, tidy

__all__ = [
    "FIT_HORIZON",
    "LMAX",
    "StayDetection",
    "StaySightings",
    "fit_stay_detection",
    "merged_stays",
    "stay_sightings",
]

#: Longest stay the model resolves (days); longer stays share the last cell.
LMAX = 500
#: Stays starting less than this many days before the data end are left out of the fit
#: (they may go on after it); they still count as arrivals.
FIT_HORIZON = 120
#: Range of Prentice's shape ``Q`` of the stay distribution (``Q → 0``: lognormal).
Q_MIN, Q_MAX = 0.05, 3.0
#: Smallest chance of a day unseen the sums over stay length allow (``U_MIN^LMAX`` > 1e-300).
U_MIN = 0.3
#: Sources a person may never be visible to (she does not advertise there).
SELECTIVE_PREFIX = "ads"
#: Days at the start of a stay on which the other sources (outreach, police) have their own
#: daily pattern: day 1 (the arrival day) and days 2 … ``EARLY_DAYS`` (outreach that
#: screens new ads sees a woman mostly then); ordinary days after.
EARLY_DAYS = 3
#: Prior SD (log-odds scale) of the arrival-day and early-day patterns of the other sources
#: around the ordinary one: a pattern seldom seen (police on the arrival day) stays near it
#: instead of running off to −∞ (a flat direction the bootstrap's Newton step cannot use).
EARLY_PRIOR_SD = 2.0
#: Whether the other sources' daily patterns depend on the stay having an ad sighting:
#: never (:func:`fit_stay_detection`'s default), as the likelihood-ratio test decides (the
#: chain's default, ``Params.detection_dependence``), or always.
DEPENDENCE = ("none", "auto", "ads")
#: Level of that likelihood-ratio test.
DEPENDENCE_LEVEL = 0.001
#: Fitted stays needed with and without an ad sighting to fit the dependent model.
DEPENDENT_MIN = 20
#: The other sources that may work from the ads (their daily chance may differ on a stay
#: with an ad sighting); the rest (police) are taken as independent of the ads given the stay.
DEPENDENT_PREFIX = "outreach"
#: ``"auto"`` does not keep the dependent model where outreach's chance on days 2 … k of a
#: stay is at least this many times its ordinary one (outreach that screens new ads: it
#: works from the ads a woman posts, seen by the sites or not, and never meets those who do
#: not advertise — a dependence through the visibility class that the tilt by the ad
#: sighting misreads; measured 8.6–11.4 on the all-screening world, 0.46–1.31 on worlds
#: 4 and 7, docs/methods/population.md).
SCREENING_RATIO = 3.0


def merged_stays(stays: pd.DataFrame, strata) -> pd.DataFrame:
    """One row per merged stay: stays split by missed sightings joined again.

    ``stays`` are one city's rows of :func:`~capacity.models.stays.build_stays`; ``strata``
    the city's :func:`~capacity.models.stays.strata.source_strata`. Returns ``person_id,
    city, start, end, left_truncated, right_censored`` (the first piece's truncation, the
    last piece's censoring), indexed by run.
    """
    from capacity.models.stays.strata import join_runs, merge_split_stays

    if stays.empty:
        raise EstimationError("no stays in the city: no detection share of stays.")
    return join_runs(stays, merge_split_stays(stays, strata))


@dataclass(frozen=True)
class StaySightings:
    """Sufficient statistics of the merged stays of one city (rows: distinct patterns).

    Attributes
    ----------
    selective, others : tuple of str
        Ad sites (visibility classes) and the sources that can see anyone present.
    d, K, year : (R,) span in days (first to last sighting), sighting days, start year
    Ks : (R, S) sighting days per ad site; F : (R, S) ad site seen on the first day
    Nc : (R, 2^O) sighting days per pattern of the other sources (column 0: none of them)
    M : (R, EARLY_DAYS, 2^O) days of the span's first ``m`` days (``m = 1 … EARLY_DAYS``) per
        pattern of the other sources, unseen days counted in column 0
    stay_row : (n,) row of each stay; stay_person : (n,) person code of each stay
    fit : (n,) the stay enters the fit; counted : (n,) its start counts as an arrival
    persons : Index of the person codes
    """

    selective: tuple[str, ...]
    others: tuple[str, ...]
    d: np.ndarray
    K: np.ndarray
    Ks: np.ndarray
    F: np.ndarray
    Nc: np.ndarray
    M: np.ndarray
    year: np.ndarray
    stay_row: np.ndarray
    stay_person: np.ndarray
    stay_year: np.ndarray
    fit: np.ndarray
    counted: np.ndarray
    persons: pd.Index


def stay_sightings(
    merged: pd.DataFrame,
    sightings: pd.DataFrame,
    period_start,
    period_end,
    persons: pd.Index | None = None,
    horizon: int = FIT_HORIZON,
) -> StaySightings:
    """Per merged stay: span, sighting days per source and pattern, first-day ad sites.

    ``merged`` from :func:`merged_stays`; ``sightings`` the city's sightings (all dates:
    the stays may reach outside the period). A stay *counts* as an arrival when it starts
    in the period and is not left-truncated; it enters the *fit* when it also starts at
    least ``horizon`` days before the last sighting in the data. ``persons`` (optional)
    fixes the person codes (the chain bootstrap's index).
    """
    require_columns(
        sightings,
        ("person_id", "date", "source"),
        "sightings",
        "column needed for the detection share of stays is missing",
        "Pass contract-shaped sightings with person_id, date and source.",
    )
    rows = sightings[["person_id", "date", "source"]].dropna()
    sources = sorted(pd.unique(rows["source"].astype(str)))
    sel = [s for s in sources if s.startswith(SELECTIVE_PREFIX)]
    oth = [s for s in sources if not s.startswith(SELECTIVE_PREFIX)]
    code = pd.Categorical(rows["source"].astype(str), categories=sel + oth).codes.astype(np.int64)
    day = rows["date"].to_numpy("datetime64[D]").astype(np.int64)
    m = merged.reset_index(drop=True)
    # one integer code per person over the sightings and the stays
    codes, _ = pd.factorize(
        pd.concat([rows["person_id"].astype(str), m["person_id"].astype(str)], ignore_index=True)
    )
    pcode, mp = codes[: len(rows)].astype(np.int64), codes[len(rows) :].astype(np.int64)
    # distinct (person, day) with the bit pattern of the sources that saw her that day
    base = day.min() if len(day) else 0
    span = np.int64(1) << 32
    key = pcode * span + (day - base)
    order = np.argsort(key, kind="stable")
    key_s, bit_s = key[order], np.int64(1) << code[order]
    head = np.flatnonzero(np.r_[True, key_s[1:] != key_s[:-1]])
    bv = np.bitwise_or.reduceat(bit_s, head) if len(head) else np.zeros(0, np.int64)
    bp, bd = key_s[head] // span, key_s[head] % span + base
    ms = m["start"].to_numpy("datetime64[D]").astype(np.int64)
    me = m["end"].to_numpy("datetime64[D]").astype(np.int64)
    # assign each sighting day to the stay of its person that starts on or before it
    stay_key = mp * span + (ms - base)
    order = np.argsort(stay_key, kind="stable")
    pos = np.searchsorted(stay_key[order], bp * span + (bd - base), side="right") - 1
    ok = pos >= 0
    stay = order[np.maximum(pos, 0)]
    ok &= (mp[stay] == bp) & (bd <= me[stay]) & (bd >= ms[stay])
    stay, bd, bv = stay[ok], bd[ok], bv[ok]
    n, ns, no = len(m), len(sel), len(oth)
    K = np.bincount(stay, minlength=n)
    if np.any(K == 0):
        raise EstimationError("a merged stay has no sighting in the sightings given.")
    Ks = np.stack([np.bincount(stay, weights=(bv >> j) & 1, minlength=n) for j in range(ns)], 1)
    other = (bv >> ns).astype(np.int64)
    Nc = np.zeros((n, 2**no))
    np.add.at(Nc, (stay, other), 1.0)
    first = bd == ms[stay]
    # the other sources' pattern per position of the span's first EARLY_DAYS days,
    # cumulated (unseen positions in column 0)
    k = EARLY_DAYS
    pos = bd - ms[stay]
    early = pos < k
    M = np.zeros((n, k, 2**no))
    np.add.at(M, (stay[early], pos[early], other[early]), 1.0)
    M = np.cumsum(M, axis=1)
    d_full = me - ms + 1
    within = np.minimum(np.arange(1, k + 1)[None, :], d_full[:, None])
    M[:, :, 0] += within - M.sum(axis=2)
    F = np.zeros((n, ns), dtype=bool)
    for j in range(ns):
        hit = first & ((bv >> j) & 1).astype(bool)
        F[stay[hit], j] = True
    d = np.minimum(me - ms + 1, LMAX)
    year = m["start"].dt.year.to_numpy()
    t0 = np.datetime64(pd.Timestamp(period_start).date()).astype(np.int64)
    t1 = np.datetime64(pd.Timestamp(period_end).date()).astype(np.int64)
    counted = (~m["left_truncated"].to_numpy(bool)) & (ms >= t0) & (ms <= t1)
    fit = counted & (ms <= day.max() - horizon)
    stats = np.column_stack([d, K, year, Ks, F, Nc, M.reshape(n, -1)]).astype(np.int64)
    uniq, stay_row = np.unique(stats, axis=0, return_inverse=True)
    persons = pd.Index(pd.unique(m["person_id"])) if persons is None else persons
    return StaySightings(
        selective=tuple(sel),
        others=tuple(oth),
        d=uniq[:, 0],
        K=uniq[:, 1],
        year=uniq[:, 2],
        Ks=uniq[:, 3 : 3 + ns].astype(float),
        F=uniq[:, 3 + ns : 3 + 2 * ns].astype(bool),
        Nc=uniq[:, 3 + 2 * ns : 3 + 2 * ns + 2**no].astype(float),
        M=uniq[:, 3 + 2 * ns + 2**no :].reshape(len(uniq), k, 2**no).astype(float),
        stay_row=stay_row.ravel(),
        stay_person=persons.get_indexer(m["person_id"]),
        stay_year=year,
        fit=fit,
        counted=counted,
        persons=persons,
    )


def _softmax_back(s, g):
    """Gradient with respect to the logits of ``s = softmax(z)`` (rows), given ``∂/∂s``."""
    return s * (g - np.sum(g * s, axis=1, keepdims=True))


@dataclass
class _Model:
    """The conditional likelihood on the fitted rows (``w``: stays per row)."""

    st: StaySightings
    w: np.ndarray
    years: np.ndarray
    k: int = EARLY_DAYS
    dependent: bool = False
    classes: list = field(init=False)

    def __post_init__(self):
        ns = len(self.st.selective)
        self.ns, self.no = ns, len(self.st.others)
        self.vm = np.array([[c >> j & 1 for j in range(ns)] for c in range(2**ns)], float)
        self.vm = self.vm.reshape(2**ns, ns)
        seen_sel = self.st.Ks > 0
        compat = np.all((seen_sel[:, None, :] <= self.vm[None, :, :].astype(bool)), axis=2)
        # groups of the other sources' daily patterns: 0 a stay without an ad sighting (and
        # every unseen stay), 1 a stay with one (only when the model is ``dependent``);
        # classes are (group, visibility class) pairs, a row compatible with its own group's
        self.G = 2 if self.dependent else 1
        self.rg = (seen_sel.any(axis=1) & self.dependent).astype(np.int64)  # (R,)
        C = 2**ns
        self.cg, self.cc = np.repeat(np.arange(self.G), C), np.tile(np.arange(C), self.G)
        self.vm2 = self.vm[self.cc]
        self.compat = compat[:, self.cc] & (self.rg[:, None] == self.cg[None, :])
        # the other sources that may work from the ads (``γ_j``): those named outreach…
        self.dep = [j for j, s in enumerate(self.st.others) if s.startswith(DEPENDENT_PREFIX)]
        # … on the days the anchors (police) do not see her: outreach met at a police
        # operation is there because police met her, not because of an ad
        anchor = [j for j in range(self.no) if j not in self.dep]
        self.bits = np.array(
            [
                [(s >> j & 1) * (not any(s >> a & 1 for a in anchor)) for j in self.dep]
                for s in range(2**self.no)
            ],
            float,
        ).reshape(2**self.no, len(self.dep))
        self.yi = np.searchsorted(self.years, self.st.year).clip(0, len(self.years) - 1)
        self.yc = (self.years - self.years.mean()).astype(float)
        if not 1 <= self.k <= self.st.M.shape[1]:
            raise ValueError(f"k must be 1 … {self.st.M.shape[1]}, not {self.k}")
        no = 2**self.no - 1
        # p, r, ψ, π, stay shape, β, ψ on the arrival day, ψ on days 2 … k (none if k = 1),
        # γ: the other sources' log-odds shift on a stay with an ad sighting (if dependent)
        self.sizes = [ns, ns, no, 2**ns - 1, 3, 1, no, no if self.k > 1 else 0]
        self.sizes.append(len(self.dep) if self.dependent else 0)
        # penalty ½‖D θ‖²/τ²: the arrival-day and early-day log-odds minus the ordinary ones
        at = np.cumsum([0] + self.sizes)
        rows = []
        for blk in (6, 7):
            for i in range(self.sizes[blk]):
                row = np.zeros(at[-1])
                row[at[blk] + i], row[at[2] + i] = 1.0, -1.0
                rows.append(row)
        self.D = np.array(rows).reshape(len(rows), at[-1]) / EARLY_PRIOR_SD
        self.penalty_hessian = self.D.T @ self.D

    def unpack(self, th):
        """Parameters of one vector ``th`` (P,) or of a batch ``th`` (B, P)."""
        th = np.atleast_2d(th)
        out, i = [], 0
        for s in self.sizes:
            out.append(th[:, i : i + s])
            i += s
        p, r = special.expit(out[0]), special.expit(out[1])

        def simplex(x):
            z = np.concatenate([np.zeros((len(th), 1)), x], axis=1)
            return np.exp(z - special.logsumexp(z, axis=1, keepdims=True))

        psi, pi, psia = simplex(out[2]), simplex(out[3]), simplex(out[6])
        psie = simplex(out[7]) if self.k > 1 else psi
        return p, r, psi, pi, out[4], out[5][:, 0], psia, psie

    def grouped(self, th):
        """The other sources' pattern probabilities per group, each ``(B, G, 2^O)``.

        Group 0 (no ad sighting) has ``ψ, ψ^a, ψ^e`` of :meth:`unpack`; group 1 (a stay with
        an ad sighting, dependent model only) the same patterns tilted by ``γ``:
        ``ψ^{ad}_o ∝ ψ_o exp(Σ_j γ_j o_j [o ∩ A = ∅])`` (``o_j``: outreach source ``j`` in
        pattern ``o``; ``A`` the anchors, the other sources not named ``outreach``: a day on
        which police see her is not tilted).
        """
        th = np.atleast_2d(th)
        _, _, psi, _, _, _, psia, psie = self.unpack(th)
        out = [psi, psia, psie]
        if not self.dependent:
            return tuple(x[:, None, :] for x in out)
        gamma = th[:, sum(self.sizes[:8]) :]
        tilt = gamma @ self.bits.T  # (B, 2^O)

        def tilted(x):
            z = np.log(np.maximum(x, 1e-300)) + tilt
            return np.exp(z - special.logsumexp(z, axis=1, keepdims=True))

        return tuple(np.stack([x, tilted(x)], axis=1) for x in out)

    def stay_pmf(self, shape, beta):
        """``f_y(ℓ) = P(L = ℓ)``, ``ℓ = 1 … LMAX``: shape ``(B, Y, LMAX)``.

        ``shape = (μ, log σ, log Q)`` in Prentice's (1974) parametrisation of the generalised
        gamma: ``log X = μ + σw``, ``w = log(Q²Γ)/Q``, ``Γ ~ Gamma(1/Q²)`` — Stacy's
        ``a = 1/Q²``, ``c = Q/σ``, ``log s = μ + (σ/Q) log Q²``; ``Q = 1`` is the Weibull,
        ``Q → 0`` the lognormal. ``μ`` moves by ``β`` per year of the start.
        """
        shape, beta = np.atleast_2d(shape), np.atleast_1d(beta)
        sigma = np.exp(shape[:, 1])
        q = np.clip(np.exp(shape[:, 2]), Q_MIN, Q_MAX)
        a = (1 / q**2)[:, None, None]
        c = (q / sigma)[:, None, None]
        mu = shape[:, 0][:, None] + beta[:, None] * self.yc[None, :]
        log_s = mu + (sigma / q * np.log(q**2))[:, None]
        ell = np.arange(1, LMAX + 1, dtype=float)[None, None, :]
        z = np.exp(c * (np.log(ell) - log_s[:, :, None]))
        cdf = special.gammainc(a, z)
        f = np.diff(cdf, axis=2, prepend=0.0)
        f[:, :, -1] += 1 - cdf[:, :, -1]
        return np.maximum(f, 0.0)

    def core(self, th):
        """Sums over the stay length per class and year, for a batch of parameters.

        ``H(d) = Σ_{ℓ≥d} f(ℓ) u^{ℓ−d}`` and ``G(d) = Σ_{ℓ≥d} (ℓ − d + 1) f(ℓ) u^{ℓ−d}``
        from reversed cumulative sums (``B(d) = Σ_{ℓ≥d} f u^ℓ``, ``A(d) = Σ_{ℓ≥d}
        (ℓ + 1) f u^ℓ``: ``H = u^{−d}B``, ``G = u^{−d}(A − dB)``), shape ``(B, C, Y, LMAX)``;
        ``T(m) = Σ_{ℓ≥m} f(ℓ) Π_{t=m+1}^{ℓ} u_t`` (the days after day ``m`` unseen, with the
        early days' ``u_e`` on days ``t ≤ k``): ``T = H`` from ``k`` on, ``T(m) = f(m) +
        u_e T(m + 1)`` below. ``T`` and ``G`` are padded with ``k`` zeros (no stay is longer
        than ``LMAX``). The daily chance of a day unseen is kept at ``U_MIN`` or more so that
        ``u^ℓ`` stays inside floating point (a person seen on more than 70 % of her days).
        The class axis runs over (group, visibility class) pairs (:meth:`grouped`); ``seen``
        is that of group 0 only (a stay nobody sees has no ad sighting).
        """
        p, r, psi, pi, shape, beta, psia, psie = self.unpack(th)
        psi_g, psia_g, psie_g = (x[:, self.cg, 0] for x in self.grouped(th))  # (B, C')
        f = self.stay_pmf(shape, beta)  # (B, Y, L)
        vis = self.vm2[None, :, :] > 0
        u = psi_g * np.prod(np.where(vis, 1 - p[:, None, :], 1.0), axis=2)  # (B, C')
        ua = psia_g * np.prod(np.where(vis, 1 - r[:, None, :], 1.0), axis=2)
        u = np.maximum(u, U_MIN)
        ue = np.minimum(u * (psie_g / psi_g), 1.0)
        ell = np.arange(1, LMAX + 1, dtype=float)
        pw = u[:, :, None] ** ell  # (B, C, L)
        x = f[:, None, :, :] * pw[:, :, None, :]  # (B, C, Y, L)
        cum_b = np.cumsum(x[..., ::-1], axis=-1)[..., ::-1]
        cum_a = np.cumsum((x * (ell + 1))[..., ::-1], axis=-1)[..., ::-1]
        inv = 1 / pw[:, :, None, :]
        H = cum_b * inv
        G = (cum_a - ell * cum_b) * inv
        k = self.k
        pad = np.zeros(H.shape[:-1] + (k,))
        T = np.concatenate([H, pad], axis=-1)
        for i in range(k - 2, -1, -1):
            T[..., i] = f[:, None, :, i] + ue[:, :, None] * T[..., i + 1]
        G = np.concatenate([G, pad], axis=-1)
        C = len(self.vm)
        seen = 1 - ua[:, :C, None] * T[:, :C, :, 0]  # (B, C, Y), group 0
        return p, r, psi, pi, u, ua, ue, T, G, seen, f, psia, psie

    def loglik_rows(self, th):
        """Per row: ``log P(obs | seen)`` (R,) or (B, R), ``P(seen)`` per year, ``f``."""
        batch = np.ndim(th) == 2
        p, r, psi, pi, u, ua, ue, T, G, seen, f, psia, psie = self.core(th)
        st, k, rg = self.st, self.k, self.rg
        psi_g, psia_g, psie_g = self.grouped(th)  # (B, G, 2^O)
        lpsi = np.log(np.maximum(psi_g, 1e-300))

        def rows(x, m):  # each row's group's x (B, G, 2^O) against m (R, 2^O): (B, R)
            return np.stack([x[:, g, :] @ m.T for g in range(self.G)], axis=2)[
                :, np.arange(len(rg)), rg
            ]

        lp = rows(lpsi, st.Nc)  # (B, R)
        logp, log1p = np.log(p), np.log1p(-p)
        b = logp[:, None, :] * st.Ks[None] + log1p[:, None, :] * (st.K[:, None] - st.Ks)[None]
        rho = np.where(
            st.F[None], np.log(r / p)[:, None, :], (np.log1p(-r) - log1p)[:, None, :]
        )  # (B, R, S)
        # the other sources on the first k days: arrival-day and early-day patterns over
        # the ordinary one, for the first sighting on day x + 1 of the stay
        la = np.log(np.maximum(psia_g, 1e-300)) - lpsi
        le = np.log(np.maximum(psie_g, 1e-300)) - lpsi
        M = st.M[:, :k, :]
        a0 = rows(la, M[:, 0, :]) + rows(le, M[:, k - 1, :] - M[:, 0, :])  # (B, R)
        C, Y, W = u.shape[1], len(self.years), LMAX + k
        Tf, Gf = T.reshape(len(u), C, Y * W), G.reshape(len(u), C, Y * W)
        flat = self.yi * W + (st.d - 1)

        def at(arr, x):
            return arr[:, :, flat + x].transpose(0, 2, 1)  # (B, R, C)

        bracket = np.exp(rho @ self.vm2.T + a0[:, :, None]) * at(Tf, 0)
        for x in range(1, k):
            ax = rows(le, M[:, k - 1 - x, :])
            bracket = bracket + np.exp(ax)[:, :, None] * (ua * ue ** (x - 1))[:, None, :] * at(
                Tf, x
            )
        bracket = bracket + (ua * ue ** (k - 1))[:, None, :] * at(Gf, k)
        with np.errstate(divide="ignore"):
            lc = (
                lp[:, :, None]
                + b @ self.vm2.T
                + (st.d - st.K)[None, :, None] * np.log(u)[:, None, :]
                + np.log(np.maximum(bracket, 1e-300))
                + np.log(pi[:, self.cc])[:, None, :]
            )
        lc = np.where(self.compat[None], lc, -np.inf)
        top = lc.max(axis=2, keepdims=True)
        ll = top[..., 0] + np.log(np.exp(lc - top).sum(axis=2))
        ps = np.einsum("bc,bcy->by", pi, seen)  # (B, Y)
        out = ll - np.log(ps[:, self.yi])
        if batch:
            return out, ps, f
        return out[0], ps[0], f[0]

    def seen(self, th):
        """``P(seen)`` per year ``(B, Y)`` and ``f`` ``(B, Y, LMAX)`` for a batch ``th``.

        What the bootstrap's replicates need, without the rows: equal to the second and
        third outputs of :meth:`loglik_rows` (the same operations) at a fraction of its cost.
        """
        pi, seen, f = (x for i, x in enumerate(self.core(th)) if i in (3, 9, 10))
        return np.einsum("bc,bcy->by", pi, seen), f

    def _rows(self, x, m):
        """Each row's group's ``x`` (G, 2^O) against ``m`` (R, 2^O): ``(R,)``."""
        out = np.empty(len(m))
        for g in range(self.G):
            sel = self.rg == g
            out[sel] = m[sel] @ x[g]
        return out

    def _rows_back(self, m, gr):
        """``∂/∂x`` (G, 2^O) of ``Σ_r gr_r · _rows(x, m)_r``."""
        return np.stack([m[self.rg == g].T @ gr[self.rg == g] for g in range(self.G)])

    def nll_and_grad(self, th):
        """``−ℓ`` (with the prior's penalty) and its exact gradient (reverse mode).

        Everything downstream of the stay-length probabilities ``f`` and the daily chances
        is differentiated analytically: the row terms are sums, products and a log-sum-exp
        over classes; the sums over stay length back-propagate as forward cumulative sums
        (``∂H(m)/∂f(ℓ) = u^{ℓ−m}``, ``∂H/∂u = (G − H)/u``, ``∂G/∂u = J/u`` with ``J(m) =
        Σ_{ℓ≥m} (ℓ−m)(ℓ−m+1) f(ℓ) u^{ℓ−m}``). ``f`` is a difference of ``P(a, z)``
        (regularised lower incomplete gamma): ``∂P/∂z`` is the gamma density, ``∂P/∂a`` a
        five-point central difference of :func:`scipy.special.gammainc` alone. Where a value
        is held at a bound (``U_MIN``, ``ue ≤ 1``, ``Q_MIN … Q_MAX``) its derivative is 0.
        The other sources' patterns are per group (:meth:`grouped`); their gradients go back
        through the softmax to the shared logits and, for group 1, to ``γ``.
        """
        th = np.asarray(th, dtype=float)
        P = len(th)
        st, k, vm, cg, NG = self.st, self.k, self.vm2, self.cg, self.G
        p, r, psi, pi, u, ua, ue, T, G, seen, f, psia, psie = (x[0] for x in self.core(th))
        psi_g, psia_g, psie_g = (x[0] for x in self.grouped(th))  # (NG, 2^O)
        C, Y, W, L = len(u), len(self.years), LMAX + k, LMAX
        C0 = len(self.vm)  # visibility classes (group 0's share of the class axis)
        pi2 = pi[self.cc]
        rows, back = self._rows, self._rows_back
        # --- forward, as loglik_rows (one parameter vector) ---
        lpsi = np.log(np.maximum(psi_g, 1e-300))
        lp = rows(lpsi, st.Nc)
        logp, log1p = np.log(p), np.log1p(-p)
        KmKs = st.K[:, None] - st.Ks
        b = logp * st.Ks + log1p * KmKs
        rho = np.where(st.F, np.log(r / p), np.log1p(-r) - log1p)
        la = np.log(np.maximum(psia_g, 1e-300)) - lpsi
        le = np.log(np.maximum(psie_g, 1e-300)) - lpsi
        M = st.M[:, :k, :]
        a0 = rows(la, M[:, 0, :]) + rows(le, M[:, k - 1, :] - M[:, 0, :])
        Tf, Gf = T.reshape(C, Y * W), G.reshape(C, Y * W)
        flat = self.yi * W + (st.d - 1)
        E0 = np.exp(rho @ vm.T + a0[:, None])
        T0 = Tf[:, flat].T
        term0 = E0 * T0
        bracket = term0.copy()
        ex, Tx = {}, {}
        for x in range(1, k):
            ex[x] = np.exp(rows(le, M[:, k - 1 - x, :]))
            Tx[x] = Tf[:, flat + x].T
            bracket += ex[x][:, None] * (ua * ue ** (x - 1))[None, :] * Tx[x]
        Gk = Gf[:, flat + k].T
        bracket += (ua * ue ** (k - 1))[None, :] * Gk
        with np.errstate(divide="ignore"):
            lc = (
                lp[:, None]
                + b @ vm.T
                + (st.d - st.K)[:, None] * np.log(u)[None, :]
                + np.log(np.maximum(bracket, 1e-300))
                + np.log(pi2)[None, :]
            )
        lc = np.where(self.compat, lc, -np.inf)
        top = lc.max(axis=1, keepdims=True)
        e = np.exp(lc - top)
        tot = e.sum(axis=1)
        ll = top[:, 0] + np.log(tot)
        ps = pi @ seen
        out = ll - np.log(ps[self.yi])
        pen = self.D @ th
        v = float(-(self.w @ out) + 0.5 * pen @ pen)
        if not np.isfinite(v):
            return 1e300, np.zeros(P)
        # --- reverse ---
        g_out = -self.w
        g_lc = g_out[:, None] * (e / tot[:, None])  # class posteriors; 0 where incompatible
        g_psi = back(st.Nc, g_out) / np.where(psi_g > 1e-300, psi_g, np.inf)
        g_b = g_lc @ vm
        g_logp = np.sum(g_b * st.Ks, axis=0)
        g_log1p = np.sum(g_b * KmKs, axis=0)
        g_u = (g_lc * (st.d - st.K)[:, None]).sum(axis=0) / u
        g_pi = np.bincount(self.cc, weights=g_lc.sum(axis=0) / pi2, minlength=C0)
        g_br = np.divide(g_lc, bracket, out=np.zeros_like(g_lc), where=bracket > 1e-300)
        h0 = g_br * term0
        g_rho = h0 @ vm
        g_a0 = h0.sum(axis=1)
        g_logr = np.sum(g_rho * st.F, axis=0)
        g_log1r = np.sum(g_rho * ~st.F, axis=0)
        g_logp -= g_logr
        g_log1p -= g_log1r
        g_la = back(M[:, 0, :], g_a0)
        g_le = back(M[:, k - 1, :] - M[:, 0, :], g_a0)
        g_ua, g_ue = np.zeros(C), np.zeros(C)
        idx, vals = [flat], [g_br * E0]
        for x in range(1, k):
            s = g_br * Tx[x]
            coef = ua * ue ** (x - 1)
            g_le += back(M[:, k - 1 - x, :], (s @ coef) * ex[x])
            g_coef = ex[x] @ s
            g_ua += g_coef * ue ** (x - 1)
            if x >= 2:
                g_ue += g_coef * ua * (x - 1) * ue ** (x - 2)
            idx.append(flat + x)
            vals.append(g_br * ex[x][:, None] * coef[None, :])
        g_ck = np.sum(g_br * Gk, axis=0)
        g_ua += g_ck * ue ** (k - 1)
        if k >= 2:
            g_ue += g_ck * ua * (k - 1) * ue ** (k - 2)
        g_Gk = g_br * (ua * ue ** (k - 1))[None, :]
        # P(seen) per year: group 0's classes only
        g_ps = np.bincount(self.yi, weights=self.w, minlength=Y) / ps
        g_pi += seen @ g_ps
        g_seen = np.zeros((C, Y))
        g_seen[:C0] = pi[:, None] * g_ps[None, :]
        g_ua -= np.sum(g_seen * T[:, :, 0], axis=1)
        idx_all = np.concatenate(idx)
        vals_all = np.concatenate(vals, axis=0)
        g_T = np.stack(
            [np.bincount(idx_all, weights=vals_all[:, c], minlength=Y * W) for c in range(C)]
        ).reshape(C, Y, W)
        g_T[:, :, 0] -= g_seen * ua[:, None]
        g_G = np.stack(
            [np.bincount(flat + k, weights=g_Gk[:, c], minlength=Y * W) for c in range(C)]
        ).reshape(C, Y, W)
        # the first k − 1 days: T(m) = f(m) + ue T(m + 1)
        g_f = np.zeros((Y, L))
        for i in range(k - 1):
            g_f[:, i] += g_T[:, :, i].sum(axis=0)
            g_ue += np.sum(g_T[:, :, i] * T[:, :, i + 1], axis=1)
            g_T[:, :, i + 1] += g_T[:, :, i] * ue[:, None]
            g_T[:, :, i] = 0.0
        g_H, g_G = g_T[:, :, :L], g_G[:, :, :L]
        ell = np.arange(1, L + 1, dtype=float)
        pw = u[:, None] ** ell  # (C, L)
        ipw = (1 / pw)[:, None, :]
        cs_h = np.cumsum(g_H * ipw, axis=-1)
        cs_g = np.cumsum(g_G * ipw, axis=-1)
        cs_gi = np.cumsum(g_G * (ell - 1) * ipw, axis=-1)
        g_f += np.sum(pw[:, None, :] * (cs_h + ell * cs_g - cs_gi), axis=0)
        H, Gu = T[:, :, :L], G[:, :, :L]
        xf = f[None, :, :] * pw[:, None, :]  # (C, Y, L)
        s0 = np.cumsum(xf[..., ::-1], axis=-1)[..., ::-1]
        s1 = np.cumsum((xf * ell)[..., ::-1], axis=-1)[..., ::-1]
        s2 = np.cumsum((xf * (ell**2 + ell))[..., ::-1], axis=-1)[..., ::-1]
        J = (s2 - 2 * ell * s1 + (ell**2 - ell) * s0) * ipw
        g_u += (np.sum(g_H * (Gu - H), axis=(1, 2)) + np.sum(g_G * J, axis=(1, 2))) / u
        # ue = min(u ψ^e_0 / ψ_0, 1); u = max(u_raw, U_MIN); ua = ψ^a_0 Π (1 − r), each with
        # its class's group's ψ_0
        p0, pe0 = psi_g[cg, 0], psie_g[cg, 0]
        g_psie = np.zeros_like(psie_g)
        free_e = u * pe0 / p0 < 1.0
        g_ue = np.where(free_e, g_ue, 0.0)
        g_u += g_ue * pe0 / p0
        g_psie[:, 0] += np.bincount(cg, weights=g_ue * ue, minlength=NG) / psie_g[:, 0]
        g_psi[:, 0] -= np.bincount(cg, weights=g_ue * ue, minlength=NG) / psi_g[:, 0]
        u_raw = p0 * np.prod(np.where(vm > 0, 1 - p[None, :], 1.0), axis=1)
        g_u = np.where(u_raw >= U_MIN, g_u, 0.0)
        g_psi[:, 0] += np.bincount(cg, weights=g_u * u, minlength=NG) / psi_g[:, 0]
        g_log1p += (g_u * u) @ vm
        g_psia = g_la / np.where(psia_g > 1e-300, psia_g, np.inf)
        g_psia[:, 0] += np.bincount(cg, weights=g_ua * ua, minlength=NG) / psia_g[:, 0]
        g_log1r += (g_ua * ua) @ vm
        g_psie += g_le / np.where(psie_g > 1e-300, psie_g, np.inf)
        g_psi -= (g_la + g_le) / np.where(psi_g > 1e-300, psi_g, np.inf)
        if k == 1:  # ψ^e is ψ
            g_psi += g_psie
        # stay length: f = Δ P(a, z), z = (ℓ / s)^c
        g_shape, g_beta = self._pmf_grad(th, g_f, f)

        # back through the softmax: group g's logits are the shared ones (+ γ·bits for g = 1)
        z_psi, z_psia = _softmax_back(psi_g, g_psi), _softmax_back(psia_g, g_psia)
        z_psie = _softmax_back(psie_g, g_psie) if k > 1 else np.zeros_like(z_psi)
        g_gamma = np.zeros(0)
        if self.dependent:
            g_gamma = self.bits.T @ (z_psi[1] + z_psia[1] + z_psie[1])
        grad = np.concatenate(
            [
                g_logp * (1 - p) - g_log1p * p,
                g_logr * (1 - r) - g_log1r * r,
                z_psi.sum(axis=0)[1:],
                pi[1:] * (g_pi[1:] - g_pi @ pi),
                g_shape,
                [g_beta],
                z_psia.sum(axis=0)[1:],
                z_psie.sum(axis=0)[1:] if k > 1 else np.zeros(0),
                g_gamma,
            ]
        )
        return v, grad + self.D.T @ pen

    def _pmf_grad(self, th, g_f, f):
        """Back-propagate ``∂/∂f`` (Y, LMAX) to ``(μ, log σ, log Q)`` and ``β``."""
        shape = th[sum(self.sizes[:4]) : sum(self.sizes[:4]) + 3]
        beta = th[sum(self.sizes[:5])]
        sigma = np.exp(shape[1])
        q_raw = np.exp(shape[2])
        q = np.clip(q_raw, Q_MIN, Q_MAX)
        a, c = 1 / q**2, q / sigma
        log_s = shape[0] + beta * self.yc + sigma / q * np.log(q**2)  # (Y,)
        ell = np.arange(1, LMAX + 1, dtype=float)
        logz = c * (np.log(ell)[None, :] - log_s[:, None])  # (Y, L)
        # f = max(ΔP, 0); the last cell takes the tail: f_L = 1 − P_{L−1}
        g_f = np.where(f > 0, g_f, 0.0)
        g_cdf = np.zeros_like(g_f)
        g_cdf[:, :-1] = g_f[:, :-1] - g_f[:, 1:]
        with np.errstate(over="ignore"):
            dens_z = np.exp(a * logz - np.exp(logz) - special.gammaln(a))  # z ∂P/∂z
        w = g_cdf * dens_z
        g_mu = -c * w.sum()
        g_beta = -c * float(w.sum(axis=1) @ self.yc)
        g_ls = float(np.sum(w * (-logz - 2 * np.log(q))))
        g_lq = 0.0
        if Q_MIN < q_raw < Q_MAX:
            z = np.exp(logz)
            h = 1e-3 * a
            dpa = (
                -special.gammainc(a + 2 * h, z)
                + 8 * special.gammainc(a + h, z)
                - 8 * special.gammainc(a - h, z)
                + special.gammainc(a - 2 * h, z)
            ) / (12 * h)
            g_lq = float(np.sum(w * (logz - 2 * (1 - np.log(q)))) + np.sum(g_cdf * dpa) * -2 * a)
        return np.array([g_mu, g_ls, g_lq]), g_beta

    def hessian(self, th, grad=None):
        """Forward differences of the exact gradient (symmetrised), ``(P, P)``."""
        th = np.asarray(th, dtype=float)
        g0 = self.nll_and_grad(th)[1] if grad is None else grad
        h = 1e-5 * np.maximum(1.0, np.abs(th))
        H = np.empty((len(th), len(th)))
        for i in range(len(th)):
            t = th.copy()
            t[i] += h[i]
            H[i] = (self.nll_and_grad(t)[1] - g0) / h[i]
        return (H + H.T) / 2

    def newton(self, th, steps: int = 50, tol: float = 1e-8, gain: float = 1e-6):
        """Newton steps with a backtracking line search to the optimum.

        The Hessian (:meth:`hessian`) is kept while the decrement ``λ² = gᵀH⁻¹g`` at least
        halves each step and is computed afresh otherwise; its eigenvalues are taken in
        absolute value (at least ``1e-8`` of the largest), so every step goes downhill. Stops
        when ``λ² < tol`` (converged), or when a step gains less than ``gain`` in the
        log-likelihood or after ``steps`` steps (converged if ``λ² < 1e-3``): a parameter
        drifting to its bound (an arrival-day chance to 1) has no finite optimum, and the
        estimates no longer move.
        Returns ``(θ, converged)``.
        """
        th = np.asarray(th, dtype=float)
        v, g = self.nll_and_grad(th)
        inv, prev = None, np.inf
        for _ in range(steps):
            for fresh in (inv is None, True):
                if fresh:
                    w, V = np.linalg.eigh(self.hessian(th, g))
                    inv = (V, 1 / np.maximum(np.abs(w), 1e-8 * np.abs(w).max()))
                    prev = np.inf
                step = -inv[0] @ (inv[1] * (inv[0].T @ g))
                dec = -g @ step
                if not np.isfinite(dec) or dec < tol or dec <= 0.5 * prev:
                    break
            if not np.isfinite(dec) or dec < tol:
                return th, bool(np.isfinite(dec))
            a = 1.0
            while a >= 1e-4:
                v2, g2 = self.nll_and_grad(th + a * step)
                if v2 <= v - 1e-4 * a * dec:
                    break
                a /= 2
            else:
                return th, bool(dec < 1e-3)
            th, v, g, prev, gained = th + a * step, v2, g2, dec, v - v2
            if gained < gain:
                break
        return th, bool(dec < 1e-3)

    def nll(self, th):
        li = self.loglik_rows(th)[0]
        pen = self.D @ th
        v = -(self.w @ li) + 0.5 * pen @ pen
        return v if np.isfinite(v) else 1e300

    def start(self) -> np.ndarray:
        ns, no = self.ns, self.no
        span = np.average(self.st.d, weights=np.maximum(self.w, 1e-12))
        return np.r_[
            np.full(ns, special.logit(0.1)),
            np.full(ns, special.logit(0.1)),
            np.full(2**no - 1, np.log(0.01)),
            np.zeros(2**ns - 1),
            [np.log(span + 5.0), 0.0, 0.0],
            [0.0],
            np.full(2**no - 1, np.log(0.01)),
            np.full((2**no - 1) * (self.k > 1), np.log(0.01)),
            np.zeros(self.sizes[8]),
        ]


@dataclass(frozen=True, repr=False)
class StayDetection(Results):
    """Detection share of stays from the stay-level model (:func:`fit_stay_detection`).

    Attributes
    ----------
    detection : float
        ``δ = Σ_y s_y / Σ_y s_y/P̂_y(seen)`` over the counted starts ``s_y``.
    seen_by_year : Series
        ``P̂_y(seen)``, the share of stays starting in year ``y`` that any source sees.
    mean_stay_by_year : Series
        ``E[L]`` in days present per start year (all stays, seen or not).
    params : dict
        Daily chances ``p`` and arrival-day chances ``r`` of the ad sites, the other
        sources' daily pattern probabilities ``psi``, class shares ``pi``, stay shape
        ``(μ, log σ, log Q)`` (Prentice's generalised gamma) and ``beta`` (``μ`` per year).
    starts_by_year : Series
        Counted merged stay starts per year.
    """

    detection: float
    seen_by_year: pd.Series
    mean_stay_by_year: pd.Series
    params: dict
    starts_by_year: pd.Series
    theta: np.ndarray
    info_inv: np.ndarray
    row_scores: np.ndarray
    score_total: np.ndarray
    n_fit: int
    caveats: tuple[Caveat, ...] = ()
    alpha: float = 0.05
    title: str = "Detection share of stays (stay-level model, capture per day present)"
    _model: object = None
    _sightings: object = None

    def replicates(self, person_weights: np.ndarray) -> np.ndarray:
        """Detection share per bootstrap replicate (columns of ``person_weights``).

        One Newton step from the estimate: ``θ_b = θ̂ + I⁻¹ Σ_i w_ib s_i(θ̂)`` with ``s_i``
        the stays' scores (they sum to 0 at the estimate) and ``I`` their outer-product
        information (BHHH); the counted starts are reweighted too. ``person_weights`` has
        shape ``(n_persons, B)`` in the order of ``StaySightings.persons``.
        """
        return self.replicates_from(*self.linear_stats(person_weights))

    def person_matrix(self):
        """``(P + Y, n_persons)``: per person her stays' summed scores and counted starts."""
        from scipy import sparse

        st, m = self._sightings, self._model
        n_p = len(st.persons)
        ok = st.stay_person >= 0
        fit = st.fit & ok
        score = self.row_scores[st.stay_row[fit]]  # (n_fit, P)
        P = score.shape[1]
        rows = np.repeat(np.arange(P), fit.sum())
        cols = np.tile(st.stay_person[fit], P)
        vals = score.T.ravel()
        cnt = st.counted & ok
        yi = np.searchsorted(m.years, st.stay_year[cnt]).clip(0, len(m.years) - 1)
        rows = np.r_[rows, P + yi]
        cols = np.r_[cols, st.stay_person[cnt]]
        vals = np.r_[vals, np.ones(cnt.sum())]
        return sparse.csr_matrix((vals, (rows, cols)), shape=(P + len(m.years), n_p))

    def linear_stats(self, person_weights: np.ndarray):
        """Summed scores ``(B, P)`` and counted starts per year ``(B, Y)`` per replicate."""
        mat = self.person_matrix()
        out = np.asarray(mat @ np.asarray(person_weights, dtype=float)).T  # (B, P + Y)
        P = len(self.theta)
        return out[:, :P], out[:, P:]

    def replicates_from(self, scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Detection share per replicate from its summed scores ``(B, P)`` and starts ``(B, Y)``."""
        return self.replicate_values(scores, starts)[0]

    def replicate_values(self, scores: np.ndarray, starts: np.ndarray):
        """Per replicate: the detection share and the person-days of the counted arrivals.

        Person-days ``Σ_y (s_y / P_y(seen)) E_y[L]``: divided by the days in which starts
        are counted, persons present on a day (Little's law with the model's own stays).
        """
        # Σ_i (w_ib − 1) s_i: exact at the optimum, robust to a fit stopped just short of it
        steps = (np.asarray(scores, dtype=float) - self.score_total[None, :]) @ self.info_inv.T
        # per coordinate: one weakly identified parameter must not shrink every other step
        steps = np.clip(steps, -3.0, 3.0)
        det = np.empty(len(scores))
        days = np.empty(len(scores))
        ell = np.arange(1, LMAX + 1, dtype=float)
        for i in range(0, len(scores), 25):
            ps, f = self._model.seen(self.theta[None, :] + steps[i : i + 25])
            s = starts[i : i + 25]
            with np.errstate(invalid="ignore", divide="ignore"):
                det[i : i + 25] = s.sum(1) / np.sum(s / ps, axis=1)
                days[i : i + 25] = np.sum(s / ps * (f @ ell), axis=1)
        return np.clip(det, 1e-6, 1.0), days

    @property
    def person_days(self) -> float:
        """``Σ_y (s_y / P̂_y(seen)) Ê_y[L]``: days present of all arrivals counted."""
        s = self.starts_by_year.to_numpy(dtype=float)
        return float(np.sum(s / self.seen_by_year.to_numpy() * self.mean_stay_by_year.to_numpy()))

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """``detection_share`` and ``seen_<year>`` with delta-method (BHHH) intervals."""
        alpha = self._alpha(alpha)
        rows = {}
        draws = self._normal_draws()
        lo, hi = percentile_interval(draws, alpha)
        rows["detection_share"] = (self.detection, float(np.std(draws)), lo, hi)
        for y, v in self.seen_by_year.items():
            rows[f"seen_{y}"] = (float(v), np.nan, np.nan, np.nan)
        for y, v in self.mean_stay_by_year.items():
            rows[f"mean_stay_{y}"] = (float(v), np.nan, np.nan, np.nan)
        return tidy(rows)

    def _normal_draws(self, n: int = 400) -> np.ndarray:
        rng = np.random.default_rng(0)
        P = len(self.theta)
        try:
            chol = np.linalg.cholesky(self.info_inv + 1e-12 * np.eye(P))
        except np.linalg.LinAlgError:
            return np.array([self.detection])
        s = self.starts_by_year.to_numpy(dtype=float)
        ths = self.theta[None, :] + rng.standard_normal((n, P)) @ chol.T
        ps = np.vstack([self._model.seen(ths[i : i + 25])[0] for i in range(0, n, 25)])
        return np.clip(s.sum() / np.sum(s / ps, axis=1), 1e-6, 1.0)


def _optimise(model: _Model, start: np.ndarray):
    """``(θ̂, converged, −ℓ(θ̂))``: L-BFGS near the optimum, then Newton steps to it.

    The likelihood is flat along some directions, and L-BFGS alone (ftol 1e-8) stopped up to
    5e-3 (relative) away in δ. (scipy's BFGS from the same start is faster but reached a
    worse optimum on one world of fourteen tried.)
    """
    res = optimize.minimize(
        model.nll_and_grad, start, jac=True, method="L-BFGS-B", options={"ftol": 1e-6}
    )
    if not np.isfinite(res.fun) or res.fun >= 1e299:
        raise EstimationError("the detection share of stays did not converge.")
    th, converged = model.newton(res.x)
    return th, converged, model.nll_and_grad(th)[0]


def fit_stay_detection(
    st: StaySightings, alpha: float = 0.05, dependence: str = "none"
) -> StayDetection:
    """Fit the stay-level model to the merged stays of one city (see the module notes).

    Parameters
    ----------
    st : StaySightings
        The city's merged stays (:func:`stay_sightings`).
    alpha : float
        Level of the intervals.
    dependence : {"none", "auto", "ads"}
        Whether the other sources' daily patterns depend on the stay having an ad sighting
        (outreach that works from the ads; see "Outreach that works from the ads" in
        ``docs/methods/population.md``): ``"none"`` never (this function's default; the
        chain passes ``Params.detection_dependence``, ``"auto"`` by default), ``"ads"``
        always (when both kinds of stay are fitted, at least ``DEPENDENT_MIN`` each),
        ``"auto"`` when the likelihood-ratio test against ``"none"`` (one ``γ_j`` per
        outreach source, ``2(ℓ̂_dep − ℓ̂_ind) ~ χ²``) rejects at level ``DEPENDENCE_LEVEL``
        and outreach does not screen new ads (its chance on days 2 … k under
        ``SCREENING_RATIO`` times its ordinary one; ``params["dependence"]["early_ratio"]``).
        The dependent model's identifying assumption: police (the sources not named
        ``outreach``) are independent of the ads given the stay, and outreach on a day
        police see her (at a joint operation) too; it is what ties the chance of a stay
        without an ad sighting being missed to those with one (Chao et al. 2001 on list
        dependence; the conditional likelihood of the seen stays, Huggins 1989).

    Raises
    ------
    EstimationError
        No stay to fit, no counted start, or the fit did not converge to a finite value.
    """
    if dependence not in DEPENDENCE:
        raise ValueError(f"dependence must be one of {DEPENDENCE}, not {dependence!r}")
    fit_rows = np.bincount(st.stay_row[st.fit], minlength=len(st.d)).astype(float)
    if fit_rows.sum() < 20:
        raise EstimationError(
            f"only {int(fit_rows.sum())} merged stays to fit the detection share of stays "
            "(at least 20 are needed)."
        )
    years = np.unique(st.stay_year[st.counted | st.fit])
    model = _Model(st, fit_rows, years)
    th, converged, nll0 = _optimise(model, model.start())
    test = {"chosen": False, "lr": np.nan, "p_value": np.nan, "gamma": {}}
    with_ad = float(fit_rows @ (st.Ks.sum(axis=1) > 0))
    dep = _Model(st, fit_rows, years, dependent=True)
    if (
        dependence != "none"
        and dep.dep
        and min(with_ad, fit_rows.sum() - with_ad) >= (DEPENDENT_MIN)
    ):
        th1, conv1, nll1 = _optimise(dep, np.r_[th, np.zeros(dep.sizes[8])])
        lr = max(2.0 * (nll0 - nll1), 0.0)
        p_value = float(chi2.sf(lr, dep.sizes[8]))
        # outreach's chance on the early days over its ordinary one (independent fit)
        _, _, psi0, _, _, _, _, psie0 = (x[0] for x in model.unpack(th))
        has = dep.bits.sum(axis=1) > 0
        screening = float(psie0[has].sum() / psi0[has].sum())
        chosen = dependence == "ads" or (p_value < DEPENDENCE_LEVEL and screening < SCREENING_RATIO)
        named = [st.others[j] for j in dep.dep]
        gamma = dict(zip(named, th1[sum(dep.sizes[:8]) :], strict=True))
        test = {"chosen": chosen, "lr": lr, "p_value": p_value, "gamma": gamma}
        test["early_ratio"] = screening
        if chosen:
            model, th, converged = dep, th1, conv1
    li, ps, f = model.loglik_rows(th)
    # per-row scores by central differences (rows with weight 0 included: bootstrap)
    P = len(th)
    e = np.diag(1e-4 * np.maximum(1.0, np.abs(th)))
    up, down = model.loglik_rows(th + e)[0], model.loglik_rows(th - e)[0]  # (P, R)
    scores = ((up - down) / (2 * np.diag(e))[:, None]).T
    info = (scores * fit_rows[:, None]).T @ scores + model.penalty_hessian
    info_inv = np.linalg.pinv(info + 1e-9 * np.eye(P))
    counted_years = st.stay_year[st.counted]
    s = np.array([(counted_years == y).sum() for y in years], dtype=float)
    if s.sum() == 0:
        raise EstimationError("no counted merged stay starts: no detection share of stays.")
    detection = float(s.sum() / np.sum(s / ps))
    p, r, psi, pi, shape, beta, psia, psie = (x[0] for x in model.unpack(th))
    ell = np.arange(1, LMAX + 1)
    caveats = [Caveat("population.stay_detection", share=1 - detection)]
    if test["chosen"]:
        odds = float(np.exp(max(test["gamma"].values())))
        caveats.append(Caveat("population.ads_dependence", odds=odds))
    return StayDetection(
        detection=detection,
        seen_by_year=pd.Series(ps, index=years, name="seen"),
        mean_stay_by_year=pd.Series(f @ ell, index=years, name="mean_stay"),
        params={
            "p": dict(zip(st.selective, p, strict=True)),
            "r": dict(zip(st.selective, r, strict=True)),
            "psi": psi,
            "psi_arrival": psia,
            "psi_early": psie,
            "early_days": model.k,
            "pi": pi,
            "shape": shape,
            "beta": beta,
            "converged": converged,
            "dependence": test,
        },
        starts_by_year=pd.Series(s, index=years, name="starts"),
        theta=th,
        info_inv=info_inv,
        row_scores=scores,
        score_total=fit_rows @ scores,
        n_fit=int(fit_rows.sum()),
        caveats=tuple(caveats),
        alpha=alpha,
        _model=model,
        _sightings=st,
    )
