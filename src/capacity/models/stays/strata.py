"""Who sees a person: strata of persons by the set of sources that ever see them.

Persons seen only by outreach or police are seen far less often than advertisers, so the
days before the first and after the last sighting of their stays are longer. The margin
correction (:mod:`capacity.models.stays.margins`) therefore uses one gap distribution per
**source set** (the sources that see the person anywhere in the data), estimated from the
gaps between consecutive sightings inside that stratum's stays and shrunk towards the
pooled distribution where a stratum has few gaps. :class:`SourceStrata` also keeps the
gaps per person so that the chain bootstrap (:mod:`capacity.question4.bootstrap`) can
re-estimate every stratum's gap distribution from reweighted persons. Methods:
``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.exceptions import EstimationError

__all__ = [
    "SHRINK_GAPS",
    "SPLIT_LEVEL",
    "SourceStrata",
    "daily_sighting_rates",
    "join_runs",
    "merge_split_stays",
    "source_strata",
    "split_thresholds",
]

#: Pseudo-gaps of the pooled distribution added to each stratum's gap counts (shrinkage):
#: a stratum with a handful of gaps borrows the pooled shape, one with thousands keeps its own.
SHRINK_GAPS = 50.0


@dataclass(frozen=True)
class SourceStrata:
    """Persons grouped by the set of sources that see them, with their within-stay gaps.

    Attributes
    ----------
    labels : tuple of str
        Stratum names, e.g. ``"ads_a+police"``.
    persons : pandas.Index
        Person ids (the codes below index it).
    person_stratum : ndarray of int
        Stratum per person.
    gap_person, gap_len : ndarray of int
        One entry per gap between consecutive sighting days inside a stay: the person and
        the gap in days (1 … ``gap_days``).
    gap_days : int
    sources : tuple of str
        The sources (codes of ``day_source``).
    day_person, day_date, day_source : ndarray of int
        One entry per sighting (repeats kept): the person, the day (days since
        1970-01-01) and the source. The deconvolution's latent visibility
        (:mod:`~capacity.models.stays.deconvolve`) counts each source's sighting days
        inside the stays it uses.
    """

    labels: tuple[str, ...]
    persons: pd.Index
    person_stratum: np.ndarray
    gap_person: np.ndarray
    gap_len: np.ndarray
    gap_days: int
    sources: tuple[str, ...] = ()
    day_person: np.ndarray | None = None
    day_date: np.ndarray | None = None
    day_source: np.ndarray | None = None

    def stay_stratum(self, stays: pd.DataFrame) -> np.ndarray:
        """Stratum code of each stay (by its person)."""
        code = self.persons.get_indexer(stays["person_id"])
        if np.any(code < 0):
            raise EstimationError("stays name persons that are not in the sightings' strata.")
        return self.person_stratum[code]

    def gap_counts(self, person_weights: np.ndarray | None = None) -> np.ndarray:
        """Gap counts per stratum: shape ``(n_strata, gap_days + 1)`` (column = gap in days).

        With ``person_weights`` of shape ``(n_persons, B)``: shape ``(B, n_strata, gap_days+1)``.
        """
        s, g = len(self.labels), self.gap_days + 1
        cell = self.person_stratum[self.gap_person] * g + self.gap_len
        if person_weights is None:
            return np.bincount(cell, minlength=s * g).reshape(s, g).astype(float)
        wt = np.asarray(person_weights, dtype=float)
        return np.asarray(self._by_cell @ wt).T.reshape(-1, s, g)

    @cached_property
    def _by_cell(self) -> sparse.csr_matrix:
        """Gaps per (stratum, gap length) cell and person: cells × persons."""
        g = self.gap_days + 1
        cell = self.person_stratum[self.gap_person] * g + self.gap_len
        shape = (len(self.labels) * g, len(self.persons))
        return sparse.csr_matrix((np.ones(len(cell)), (cell, self.gap_person)), shape=shape)


def source_strata(sightings: pd.DataFrame, gap_days: int) -> SourceStrata:
    """Persons' source sets and the gaps between their sighting days inside stays.

    Gaps are counted exactly as :func:`~capacity.models.stays.build_stays` counts them:
    distinct (person, city, day), sorted; a gap belongs to a stay when the person and the
    city do not change and it is at most ``gap_days``.
    """
    frame = sightings[["person_id", "date", "city", "source"]].dropna()
    if frame.empty:
        raise EstimationError("no sightings with person_id, date, city and source.")
    pcode, persons = pd.factorize(frame["person_id"], sort=True)
    scode, sources = pd.factorize(frame["source"].astype(str), sort=True)
    mask = np.zeros(len(persons), dtype=np.int64)
    np.bitwise_or.at(mask, pcode, np.int64(1) << scode.astype(np.int64))
    masks, person_stratum = np.unique(mask, return_inverse=True)
    labels = tuple(
        "+".join(str(sources[j]) for j in range(len(sources)) if m >> j & 1) for m in masks
    )
    day = pd.to_datetime(frame["date"]).to_numpy("datetime64[D]").astype(np.int64)
    ccode = pd.factorize(frame["city"], sort=True)[0]
    order = np.lexsort((ccode, day, pcode))
    p, c, d = pcode[order], ccode[order], day[order]
    keep = np.ones(len(d), dtype=bool)
    keep[1:] = (p[1:] != p[:-1]) | (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    p, c, d = p[keep], c[keep], d[keep]
    gap = d[1:] - d[:-1]
    inside = (p[1:] == p[:-1]) & (c[1:] == c[:-1]) & (gap <= gap_days)
    # every (person, day, source) as read; the latent-visibility EM takes the distinct ones
    # (deduplicating here would cost every chain a sort it does not use)
    return SourceStrata(
        labels=labels,
        persons=pd.Index(persons),
        person_stratum=person_stratum.astype(np.int64),
        gap_person=p[1:][inside].astype(np.int64),
        gap_len=gap[inside].astype(np.int64),
        gap_days=int(gap_days),
        sources=tuple(str(x) for x in sources),
        day_person=pcode.astype(np.int64),
        day_date=day.astype(np.int64),
        day_source=scode.astype(np.int64),
    )


def recurrence_pmfs(counts: np.ndarray, shrink: float = SHRINK_GAPS) -> np.ndarray:
    """Recurrence-time pmfs ``P(R = r) = P(G > r)/E[G]`` per stratum from gap counts.

    ``counts`` has shape ``(..., n_strata, K)`` (column = gap in days, column 0 unused);
    each stratum's counts get ``shrink`` pseudo-gaps of the pooled distribution (summed over
    strata). Returns the same shape: ``r = 0 … K − 1``.
    """
    counts = np.asarray(counts, dtype=float)
    pooled = counts.sum(axis=-2, keepdims=True)
    total = pooled.sum(axis=-1, keepdims=True)
    pooled = np.where(total > 0, pooled / np.where(total > 0, total, 1), 0.0)
    if np.all(total == 0):
        raise EstimationError("no gaps between sightings inside stays: no margin correction.")
    c = counts + shrink * pooled
    pmf_g = c / c.sum(axis=-1, keepdims=True)
    rec = np.clip(1 - np.cumsum(pmf_g, axis=-1), 0.0, None)  # P(G > r), r = 0 … K − 1
    return rec / rec.sum(axis=-1, keepdims=True)


#: A gap between two stays of a woman in one city (with no stay elsewhere between them) is
#: taken as missed sightings inside one stay when a gap at least that long occurs inside a
#: stay with probability above this (see :func:`split_thresholds`).
SPLIT_LEVEL = 0.01


def daily_sighting_rates(strata: SourceStrata, shrink: float = SHRINK_GAPS) -> np.ndarray:
    """Daily chance ``q_s`` that a present person of each source set is seen.

    The gaps inside stays are geometric, ``P(G = g) = q(1 − q)^{g−1}``, when a person is
    seen on each day present with chance ``q``; only gaps up to ``gap_days`` are inside
    stays, so ``q`` solves the truncated mean ``1/q − K(1 − q)^K/(1 − (1 − q)^K) = Ḡ``,
    ``K = gap_days`` (the maximum-likelihood equation of the truncated geometric). Each
    set's counts get ``shrink`` pseudo-gaps of the pooled distribution, as the margin
    correction's do.
    """
    counts = strata.gap_counts()
    pooled = counts.sum(axis=0)
    if pooled.sum() == 0:
        raise EstimationError("no gaps between sightings inside stays: no sighting rate.")
    return _truncated_geometric_rates(counts + shrink * pooled / pooled.sum(), strata.gap_days)


def _truncated_geometric_rates(c: np.ndarray, k: int) -> np.ndarray:
    """Daily rate ``q`` of the truncated geometric per row of gap counts ``c`` (0 … ``k``).

    NaN where the mean gap shows no decay inside the window (no information).
    """
    from scipy.optimize import brentq

    g = np.arange(k + 1)
    mean = (c * g).sum(axis=1) / c.sum(axis=1)

    def truncated_mean(q, target):
        return 1 / q - k * (1 - q) ** k / (1 - (1 - q) ** k) - target

    out = np.empty(len(mean))
    for i, m in enumerate(mean):
        if m <= 1 + 1e-9:
            out[i] = 1.0
        elif m >= (k + 1) / 2 - 1e-6:  # no decay inside the window: no information
            out[i] = np.nan
        else:
            out[i] = brentq(truncated_mean, 1e-6, 1 - 1e-9, args=(m,))
    return out


def split_thresholds(strata: SourceStrata, level: float = SPLIT_LEVEL) -> np.ndarray:
    """Per source set, the longest gap still taken as missed sightings inside one stay.

    ``g_s = max(gap_days, ⌈log(level)/log(1 − q_s)⌉)``: a gap of ``g`` days or more
    occurs inside a stay with probability ``(1 − q_s)^{g−1}``, above ``level`` up to
    ``g_s`` (:func:`daily_sighting_rates`). A set whose gaps carry no information
    (``q_s`` undefined: its gaps inside the window show no decay, as when a site is scraped
    every ``gap_days`` days and each snapshot may miss her) takes the rate of all sets'
    gaps pooled; before, it kept ``gap_days``, so a stay split by one missed fortnightly
    snapshot (a 28-day gap) was never joined and the chain's arrivals were too many and its
    stays too short (docs/methods/coverage.md).
    """
    q = daily_sighting_rates(strata)
    if np.isnan(q).any():
        pooled = _truncated_geometric_rates(strata.gap_counts().sum(axis=0)[None, :],
                                            strata.gap_days)  # fmt: skip
        q = np.where(np.isnan(q), pooled[0], q)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.ceil(np.log(level) / np.log1p(-np.clip(q, 1e-9, 1 - 1e-12)))
    g = np.where(np.isfinite(g), g, strata.gap_days)
    return np.maximum(g, strata.gap_days).astype(np.int64)


#: Pseudo-gaps at her source set's daily rate added to a woman's own gaps
#: (``merge_split_stays(rate="woman")``): a woman seen a few times keeps about her set's rate.
SHRINK_WOMAN_GAPS = 10.0
#: ``merge_split_stays(rate="woman")``: most rounds of (join, then each woman's rate from
#: her joined stays).
WOMAN_ROUNDS = 10


def merge_split_stays(
    stays: pd.DataFrame, strata: SourceStrata, level: float = SPLIT_LEVEL, rate: str = "set"
):
    """A run label per stay: stays that are one stay split by missed sightings share a label.

    Consecutive stays of a person in one city, with no stay in another city between them and
    a gap her source set makes plausible inside one stay (:func:`split_thresholds`), share a
    label; persons not in ``strata`` keep their stays.

    ``build_stays`` splits a stay wherever sightings are more than ``gap_days`` apart; with
    sources that see a present person on few days (an ad site that sees her on 7 % of her
    days, outreach only) one stay becomes several, and a count of stays per woman is then
    too high. The label undoes the splits that the sighting rate explains.

    ``rate="woman"``: the longest gap joined is each woman's own,
    ``L_i = max(gap_days, ⌈log(level/m_i)/log(1 − q_i)⌉)``. ``q_i`` is her daily rate: the
    maximum-likelihood rate of the geometric truncated at ``L_i`` (the gaps joined are
    those up to ``L_i``) of her ``m_i`` gaps between sighting days inside her joined stays
    (the gaps between joined pieces included), with ``SHRINK_WOMAN_GAPS`` pseudo-gaps of
    the mean her set's rate gives (:func:`daily_sighting_rates`). ``level/m_i``
    (Bonferroni over all her gaps): any of her stays is split somewhere with chance at most
    ``level``, where one level per gap splits a long stay, which has many gaps, far more
    often (a stay of 300 days seen on 7 % of its days has about 20 gaps). Joining adds long
    gaps and lowers her rate, so the rounds (rates from the joined stays, join with the
    rates; the first from the set's thresholds) repeat until no label changes, at most
    ``WOMAN_ROUNDS``. Within one source set the rates differ between women (a woman on one
    ad site is seen on fewer days than one on two). Measured in ``docs/methods/stays.md``
    ("Smoothed EM and a merge by each woman's rate").
    """
    if rate not in ("set", "woman"):
        raise EstimationError(f"rate must be 'set' or 'woman', not {rate!r}.")
    st = stays.sort_values(["person_id", "start"], kind="stable")
    pid = st["person_id"].astype(str).to_numpy()
    city = st["city"].astype(str).to_numpy()
    code = strata.persons.get_indexer(st["person_id"])
    known = code >= 0
    thr = split_thresholds(strata, level)
    limit = np.where(known, thr[strata.person_stratum[np.maximum(code, 0)]], strata.gap_days)
    start = st["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = st["end"].to_numpy("datetime64[D]").astype(np.int64)
    same = (pid[1:] == pid[:-1]) & (city[1:] == city[:-1])
    merge = same & (start[1:] - end[:-1] <= limit[1:])
    run = np.cumsum(np.r_[True, ~merge])
    if rate == "woman":
        q_set = _threshold_rates(strata, level)[strata.person_stratum[np.maximum(code, 0)]]
        seen = st["n_sightings"].to_numpy(dtype=float)
        person = pd.factorize(pid)[0]
        for _ in range(WOMAN_ROUNDS):
            limit = np.where(
                known, _woman_limits(run, person, start, end, seen, q_set, limit, level),
                strata.gap_days,
            )  # fmt: skip
            limit = np.maximum(limit, strata.gap_days)
            merge = same & (start[1:] - end[:-1] <= limit[1:])
            new = np.cumsum(np.r_[True, ~merge])
            if np.array_equal(new, run):
                break
            run = new
    return pd.Series(run, index=st.index).reindex(stays.index)


def _threshold_rates(strata: SourceStrata, level: float) -> np.ndarray:
    """Each set's daily rate behind :func:`split_thresholds` (the pooled rate where NaN)."""
    q = daily_sighting_rates(strata)
    if np.isnan(q).any():
        pooled = _truncated_geometric_rates(strata.gap_counts().sum(axis=0)[None, :],
                                            strata.gap_days)  # fmt: skip
        q = np.where(np.isnan(q), pooled[0], q)
    return q


def _truncated_mean(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Mean of the geometric ``q(1 − q)^(g−1)`` truncated to ``g ≤ k`` (elementwise)."""
    tail = (1 - q) ** k
    return 1 / q - k * tail / np.maximum(1 - tail, 1e-300)


def _woman_limits(run, person, start, end, seen, q_set, limit, level) -> np.ndarray:
    """Per stay (sorted by woman and start), her longest joined gap at her own rate.

    Her gaps inside joined stays: ``n − 1`` gaps over ``d − 1`` days per joined stay (``n``
    sighting days, span ``d``), truncated at her current ``limit``; the rate solves the
    truncated mean (bisection on the log scale, elementwise).
    """
    r_start = pd.Series(start).groupby(run).transform("min").to_numpy()
    r_end = pd.Series(end).groupby(run).transform("max").to_numpy()
    r_seen = pd.Series(seen).groupby(run).transform("sum").to_numpy()
    first = np.r_[True, run[1:] != run[:-1]]  # one row per joined stay
    n_p = person.max() + 1
    gaps = np.bincount(person[first], weights=r_seen[first] - 1, minlength=n_p)[person]
    days = np.bincount(person[first], weights=(r_end - r_start)[first], minlength=n_p)[person]
    k = np.maximum(limit, 1).astype(float)
    prior = _truncated_mean(np.clip(q_set, 1e-6, 1 - 1e-9), k)
    target = (days + SHRINK_WOMAN_GAPS * prior) / (gaps + SHRINK_WOMAN_GAPS)
    lo, hi = np.full(len(k), np.log(1e-3)), np.full(len(k), np.log(1 - 1e-9))
    for _ in range(60):  # the truncated mean falls with q
        mid = (lo + hi) / 2
        above = _truncated_mean(np.exp(mid), k) > target
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    q = np.exp((lo + hi) / 2)
    # Bonferroni over her gaps: a stay of hers is split anywhere with chance at most level
    return np.ceil(np.log(level / np.maximum(gaps, 1.0)) / np.log1p(-q))


def join_runs(stays: pd.DataFrame, run) -> pd.DataFrame:
    """One row per run of :func:`merge_split_stays`: the pieces of a split stay joined.

    ``run`` is a label per row of ``stays`` (rows without one, e.g. NaN, are left out).
    Returns ``person_id, city, start, end, left_truncated, right_censored``: the first
    piece's truncation, the first start, the last end and the last piece's censoring;
    indexed by run.
    """
    st = stays.assign(_run=np.asarray(run)).sort_values(["_run", "start"], kind="stable")
    g = st.groupby("_run", sort=True)
    out = pd.DataFrame(
        {
            "person_id": g["person_id"].first(),
            "city": g["city"].first(),
            "start": g["start"].min(),
            "end": g["end"].max(),
            "left_truncated": g["left_truncated"].first().astype(bool),
            "right_censored": g["right_censored"].last().astype(bool),
        }
    )
    out.index.name = "run"
    return out
