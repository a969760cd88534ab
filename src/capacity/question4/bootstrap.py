"""The chain bootstrap: every replicate re-estimates what the data estimate, from reweighted persons.

A person is the unit of resampling (her sightings, stays, language and capture histories
are dependent; persons are, to a good approximation, not). Each replicate draws a weight
per person — Poisson(1), the Poisson bootstrap, so that the number of persons seen varies
as it would in another period — and rebuilds, with those weights:

1. **stays**: each source set's gap distribution (the margin correction), the spread of
   every stay over its unseen margins, Kaplan–Meier, the exponential tail, the median and
   the change of the median per year (:mod:`capacity.models.stays.replicates`);
2. **arrivals**: the observed stay starts per week;
3. **population**: each quarter's capture-history counts and the MSE **with its model
   selection** (:func:`~capacity.models.population.replicates.mse_many`), hence the
   detection share;
4. **language shares** of the target group;
5. **stays per woman**: the shares ``π_k`` of women with ``k`` stays (reach per woman).

Everything is a sparse product with the ``(persons × replicates)`` weight matrix, handled in
chunks of 50 replicates; the chunks, and then the quarters' MSE refits, are independent and
run in forked worker processes when a core is free (:mod:`capacity.workers`, same numbers). The weights are keyed by person and replicate
(:func:`keyed_person_weights`): with one seed, a woman has the same weight in replicate ``d``
in every city — the national view's cities are one joint person bootstrap, and the tour
chain's moves are reweighted with the same weights
(:func:`capacity.models.tours.tour_flow_replicates`). Contacts per hour are refitted per
replicate on a Poisson block bootstrap of outreach days (:func:`outreach_bootstrap`, keyed
by city, day and replicate), which also gives the interpreter share per replicate, hence
the usable shares ``m_dL`` per draw (:class:`~capacity.question4.draws.Inputs`). Staff
languages do not vary in the answer's draws: the sensitivity display
(:mod:`capacity.question4.sensitivity`) shows what they and the interpreter policy change.
Intervals are **percentile** intervals of the replicates (row 0 of every draw is the point
estimate). Methods: ``docs/methods/staffing-and-verdict.md``.

References
----------
Efron, B., Tibshirani, R. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
Hanley, J. A., MacGibbon, B. (2006). Creating non-parametric bootstrap samples using
Poisson frequencies. *Computer Methods and Programs in Biomedicine* 83, 57–62.
Buckland, S. T., Garthwaite, P. H. (1991). Quantifying precision of mark-recapture
estimates using the bootstrap and related methods. *Biometrics* 47, 255–268.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.models.competence import person_languages
from capacity.models.population.replicates import (
    coded_quarter_counts,
    mse_many,
    quarter_counts,
)
from capacity.models.stays.replicates import (
    StayReplicates,
    concat,
    person_weights,
    replicate_stays,
)
from capacity.models.stays.table import StayTable
from capacity.workers import fork_map

__all__ = [
    "CHUNK",
    "ChainDraws",
    "OutreachDraws",
    "chain_bootstrap",
    "keyed_person_weights",
    "outreach_bootstrap",
    "person_keys",
    "stack_tables",
]

#: Replicates per chunk of the weight matrix (memory: persons × CHUNK floats).
CHUNK = 50

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: Poisson(1) distribution function at 0, 1, …, 19 (beyond: probability < 1e-18), as
#: 64-bit thresholds (the top 53 bits)
_POISSON1_CDF = (
    np.minimum(np.cumsum(np.exp(-1.0) / np.cumprod(np.r_[1.0, np.arange(1, 20.0)])), 1 - 2**-53)
    * 2.0**53
).astype(np.uint64) << np.uint64(11)


#: Bits of ``u`` that index :data:`_QUANTILE_TABLE` (its top 16).
_TABLE_SHIFT = np.uint64(48)
#: Weights computed per block of rows (persons × replicates per block, about 256 kB).
_BLOCK = 32_768


def _quantile_table() -> np.ndarray:
    """Poisson(1) quantile of ``u`` by its top 16 bits; NaN where a threshold splits the bucket.

    ``searchsorted(_POISSON1_CDF, u, side="right")`` is the number of thresholds ``≤ u``;
    over a bucket ``[b·2⁴⁸, (b+1)·2⁴⁸ − 1]`` it is one number unless a threshold lies inside,
    which happens for at most 20 of the 65,536 buckets (those fall back to the search).
    """
    b = np.arange(2**16, dtype=np.uint64)
    lo = np.searchsorted(_POISSON1_CDF, b << _TABLE_SHIFT, side="right")
    hi = np.searchsorted(_POISSON1_CDF, (b << _TABLE_SHIFT) | np.uint64(2**48 - 1), side="right")
    return np.where(lo == hi, lo, np.nan).astype(float)


_QUANTILE_TABLE = _quantile_table()


def _mix64(z: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijective avalanche of 64-bit keys (Steele et al. 2014)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _mix64_inplace(z: np.ndarray, t: np.ndarray | None = None) -> np.ndarray:
    """:func:`_mix64` of a uint64 array, overwriting it (``t``: a scratch array like it)."""
    t = np.right_shift(z, np.uint64(30), out=t)
    z ^= t
    z *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(z, np.uint64(27), out=t)
    z ^= t
    z *= np.uint64(0x94D049BB133111EB)
    np.right_shift(z, np.uint64(31), out=t)
    z ^= t
    return z


def person_keys(persons: pd.Index) -> np.ndarray:
    """The 64-bit key of each person id (``pandas.util.hash_array`` of the id as text).

    Pass it as ``keys`` to :func:`keyed_person_weights` to hash the ids once for several
    chunks of replicates.
    """
    return pd.util.hash_array(np.asarray(pd.Index(persons).astype(str), dtype=object))


def keyed_person_weights(
    persons: pd.Index | None,
    seed: int,
    n_boot: int,
    start: int = 0,
    stream: int = 0,
    *,
    keys: np.ndarray | None = None,
) -> np.ndarray:
    """Poisson(1) bootstrap weights keyed by person and replicate, ``(persons, n_boot)``.

    The weight of a person in replicate ``b`` is a function of ``(seed, stream, person_id,
    b)`` only: the same in every city she is seen in, whatever else the city's data hold
    and whatever was drawn before. So the fits of several cities with one seed (the
    national view) are one **joint** person bootstrap: replicate ``b`` draws each woman
    once, with all her stays, captures and contacts in every city. Columns ``start`` to
    ``start + n_boot − 1`` (the chunks of :func:`chain_bootstrap`). ``keys``
    (:func:`person_keys` of ``persons``) saves hashing the ids again.

    Notes
    -----
    A 64-bit key per person (``pandas.util.hash_array`` of the id as text, a fixed hash),
    mixed with the seed, the stream and the replicate by the splitmix64 finaliser, is a
    uniform 64-bit number ``u``; the weight is the Poisson(1) quantile of ``u``
    (Hanley & MacGibbon 2006: the Poisson bootstrap). ``stream`` separates the uses of one
    seed (persons, outreach days). The quantile is looked up by the top 16 bits of ``u``
    (:func:`_quantile_table`) and searched only in the few buckets a threshold splits: the
    same numbers as a search of every ``u``.

    References
    ----------
    Steele, G. L., Lea, D., Flood, C. H. (2014). Fast splittable pseudorandom number
    generators. *OOPSLA '14*, 453–472 (splitmix64).
    """
    if keys is None:
        keys = person_keys(persons)
    with np.errstate(over="ignore"):
        base = _mix64(np.uint64(int(seed) % 2**64) * _GOLDEN + np.uint64(stream))
        reps = _mix64(base + (np.arange(start, start + n_boot, dtype=np.uint64) + 1) * _GOLDEN)
    keys = np.asarray(keys, dtype=np.uint64)
    out = np.empty((len(keys), n_boot))
    # blocks of rows small enough for the cache: the mixing's passes stay in it
    rows = max(1, _BLOCK // max(n_boot, 1))
    u_buf = np.empty((min(rows, len(keys)), n_boot), dtype=np.uint64)
    t_buf = np.empty_like(u_buf)
    for i in range(0, len(keys), rows):
        m = min(rows, len(keys) - i)
        u, t = u_buf[:m], t_buf[:m]
        np.bitwise_xor(keys[i : i + m, None], reps[None, :], out=u)
        _mix64_inplace(u, t)
        np.right_shift(u, _TABLE_SHIFT, out=t)
        w = out[i : i + m]
        np.take(_QUANTILE_TABLE, t.view(np.int64), out=w)
        split = np.isnan(w)
        if split.any():
            w[split] = np.searchsorted(_POISSON1_CDF, u[split], side="right")
    return out


@dataclass(frozen=True)
class ChainDraws:
    """Replicates of the chain's estimates (no point estimate row).

    Attributes
    ----------
    stays : StayReplicates
    starts : (B,) observed stay starts in the period
    detection : (B,) detection share ``Σ n_q / Σ N̂_q``
    persons_by_quarter : (B, Q) ``N̂_q``
    language_counts : (B, L) persons per language
    woman_k : (K,) numbers of stays per woman, or None
    woman_counts : (B, K) women with each number of stays, or None
    person_stats : (B, S) replicates of linear statistics of the persons
        (``person_stats`` matrix times the weights), or None
    """

    stays: StayReplicates
    starts: np.ndarray
    detection: np.ndarray
    persons_by_quarter: np.ndarray
    language_counts: np.ndarray
    woman_k: np.ndarray | None = None
    woman_counts: np.ndarray | None = None
    person_stats: np.ndarray | None = None


def stack_tables(first: StayTable, rest: StayTable) -> StayTable:
    """Rows of two stay tables in one (the point estimate on top), padded to one width."""
    width = max(first.times.shape[1], rest.times.shape[1])

    def pad(a):
        return np.pad(a, ((0, 0), (0, width - a.shape[1])))

    return StayTable(
        times=np.vstack([pad(first.times), pad(rest.times)]),
        masses=np.vstack([pad(first.masses), pad(rest.masses)]),
        s_max=np.r_[first.s_max, rest.s_max],
        t_max=np.r_[first.t_max, rest.t_max],
        tail_rate=np.r_[first.tail_rate, rest.tail_rate],
        mean=np.r_[first.mean, rest.mean],
    )


def _quarter_cells(period_rows: pd.DataFrame, labels, persons: pd.Index) -> dict:
    """:func:`quarter_counts` of each quarter's rows (``labels`` as ``Period.astype(str)``).

    The quarter of a row is its year and quarter as integers (formatting a period per row
    and comparing strings per quarter cost more than the counts); the persons are looked
    up once for all rows. The same rows, in the same order, as selecting by the label.
    """
    dates = period_rows["date"]
    if dates.isna().any():  # a label "NaT": as the label of each row says
        label = dates.dt.to_period("Q").astype(str)
        return {q: quarter_counts(period_rows[label == q], persons) for q in labels}
    key = dates.dt.year.to_numpy(np.int64) * 4 + (dates.dt.quarter.to_numpy(np.int64) - 1)
    # persons and sources coded once for all rows (quarter_counts' own steps, per row)
    keep = period_rows[["person_id", "source"]].notna().all(axis=1).to_numpy()
    who = persons.get_indexer(period_rows["person_id"])
    source = period_rows["source"].astype(str)
    names = sorted(pd.unique(source[keep]))
    code = pd.Categorical(source, categories=names).codes.astype(np.int64)
    out = {}
    for q in labels:
        try:
            period = pd.Period(q, freq="Q")
        except (TypeError, ValueError):
            period = None
        if period is not None and str(period) == q:
            at = np.flatnonzero(key == period.year * 4 + period.quarter - 1)
        else:  # not a label of this form: select by the label itself
            at = np.flatnonzero(dates.dt.to_period("Q").astype(str).to_numpy() == q)
        at = at[keep[at]]
        out[q] = coded_quarter_counts(who[at], code[at], names, len(persons))
    return out


def chain_bootstrap(
    *,
    strata,
    expander,
    fit_stays_frame: pd.DataFrame,
    starts: pd.DataFrame,
    period_rows: pd.DataFrame,
    quarters: pd.DataFrame,
    languages: pd.Index,
    criterion: str,
    n_boot: int,
    rng: np.random.Generator | None = None,
    woman_stays: pd.Series | None = None,
    person_stats=None,
    seed: int | None = None,
    person_lang: pd.Series | None = None,
    jobs: int | None = None,
) -> ChainDraws:
    """Poisson person-bootstrap replicates of stays, starts, population and languages.

    Parameters
    ----------
    strata : SourceStrata
        Persons of the city (all their sightings) with source sets and gaps; its
        ``persons`` index the weights.
    expander : Expander
        The stays fit's margin map (``StaysResults._rows["expander"]``).
    fit_stays_frame : DataFrame
        The stays the fit used (city, not left-truncated), in the fit's order.
    starts : DataFrame
        The stays counted as arrivals (``person_id``).
    period_rows : DataFrame
        The city's sightings in the period (population and languages).
    quarters : DataFrame
        The population chain's quarters (index label, ``n_observed``, ``N_hat``).
    languages : Index
        Languages of the fit's shares, in order.
    criterion : {"aic", "bic"}
    n_boot : int
    rng : numpy Generator, optional
        The stream of the person weights when no ``seed`` is given (a city alone).
    woman_stays : Series, optional
        Stays of each woman in the city in the period, indexed by ``person_id``
        (:func:`capacity.models.tours.stays_per_woman_by_id`): with the same weights, the
        replicates of ``π_k``, the shares of women with ``k`` stays (reach per woman).
    person_stats : sparse matrix or ndarray (S, n_persons), optional
        Statistics linear in the person weights (columns in the order of
        ``strata.persons``); their replicates come back as ``person_stats`` ``(B, S)`` —
        e.g. the scores and counted starts of the detection share of stays
        (:meth:`capacity.models.population.stay_detection.StayDetection.person_matrix`).
    seed : int, optional
        Weights keyed by person and replicate (:func:`keyed_person_weights`): a woman has
        the same weight in replicate ``b`` in every city fitted with this seed — one joint
        person bootstrap across cities (what :func:`~capacity.question4.fit_models` uses).
    person_lang : Series, optional
        :func:`~capacity.models.competence.person_languages` of ``period_rows`` when the
        caller has it.
    jobs : int, optional
        Processes for the chunks of replicates and the quarters' MSE refits
        (:func:`capacity.workers.fork_map`: the caller and forked workers); default
        :func:`capacity.workers.jobs` (``CAPACITY_JOBS``, else the free cores). The
        replicates are the same bit for bit with any number: each chunk's weights are keyed
        by person and replicate (or drawn from ``rng`` in chunk order before any chunk is
        computed), and each chunk and quarter is computed by the same code on the same inputs.
    """
    if seed is None and rng is None:
        raise ValueError("chain_bootstrap needs a seed (keyed weights) or an rng.")
    persons = strata.persons
    n_p = len(persons)
    start_count = np.bincount(persons.get_indexer(starts["person_id"]), minlength=n_p)
    lang = person_languages(period_rows) if person_lang is None else person_lang
    lang_code = languages.get_indexer(lang.to_numpy())
    who = persons.get_indexer(lang.index)
    keep = (lang_code >= 0) & (who >= 0)
    lang_matrix = sparse.csr_matrix(
        (np.ones(keep.sum()), (lang_code[keep], who[keep])), shape=(len(languages), n_p)
    )
    cells = _quarter_cells(period_rows, quarters.index, persons)
    woman_k, woman_matrix = None, None
    if woman_stays is not None and len(woman_stays):
        woman_k, k_code = np.unique(woman_stays.to_numpy(dtype=int), return_inverse=True)
        whom = persons.get_indexer(woman_stays.index)
        ok = whom >= 0
        woman_matrix = sparse.csr_matrix(
            (np.ones(ok.sum()), (k_code[ok], whom[ok])), shape=(len(woman_k), n_p)
        )
    keys = None if seed is None else person_keys(persons)  # hashed once for every chunk
    cell_items = list(cells.items())

    def chunk(i: int) -> tuple:
        """Replicates ``i`` to ``i + CHUNK − 1``: every statistic of the chunk's weights."""
        b = min(CHUNK, n_boot - i)
        if seed is None:
            w = weights_of[i]
        else:
            w = keyed_person_weights(persons, seed, b, start=i, keys=keys)
        return (
            replicate_stays(expander, fit_stays_frame, strata, [w]),
            start_count @ w,
            np.asarray(lang_matrix @ w).T,
            None if woman_matrix is None else np.asarray(woman_matrix @ w).T,
            None if person_stats is None else np.asarray(person_stats @ w).T,
            [np.asarray(cell @ w).T for _, (cell, _) in cell_items],
        )

    starts_at = list(range(0, n_boot, CHUNK))
    # without a seed the weights come from one stream, in chunk order: drawn here first
    weights_of = (
        {i: person_weights(rng, min(CHUNK, n_boot - i), n_p, "poisson") for i in starts_at}
        if seed is None
        else {}
    )
    # the chunks are independent: on a free core, a forked worker takes every other one
    parts = fork_map(chunk, starts_at, jobs)
    stay_parts = [p[0] for p in parts]
    start_draws = [p[1] for p in parts]
    lang_draws = [p[2] for p in parts]
    woman_draws = [p[3] for p in parts if p[3] is not None]
    stat_draws = [p[4] for p in parts if p[4] is not None]
    ys = [np.vstack([p[5][j] for p in parts]) for j in range(len(cell_items))]

    def select(j: int) -> np.ndarray:
        """Quarter ``j``'s MSE (with its model selection) in every replicate."""
        q = cell_items[j][0]
        return mse_many(ys[j], len(cells[q][1]), criterion)[0]

    estimates = fork_map(select, range(len(cell_items)), jobs)
    n_q = np.zeros((n_boot, len(cells)))
    big_n = np.zeros((n_boot, len(cells)))
    for j, (q, _) in enumerate(cell_items):
        y, est = ys[j], estimates[j]
        n_q[:, j] = y.sum(1)
        # a replicate where even main effects have no estimate keeps the quarter's
        # point detection share
        point = quarters.loc[q, "n_observed"] / quarters.loc[q, "N_hat"]
        big_n[:, j] = np.where(np.isfinite(est), est, n_q[:, j] / point)
    # no quarters (the caller gives the detection share, fit_models(detection=...)): none here
    detection = np.clip(n_q.sum(1) / big_n.sum(1), 1e-6, 1.0) if cells else np.full(n_boot, np.nan)
    return ChainDraws(
        stays=concat(stay_parts),
        starts=np.concatenate(start_draws),
        detection=detection,
        persons_by_quarter=big_n,
        language_counts=np.vstack(lang_draws),
        woman_k=woman_k,
        woman_counts=np.vstack(woman_draws) if woman_draws else None,
        person_stats=np.vstack(stat_draws) if stat_draws else None,
    )


@dataclass(frozen=True)
class OutreachDraws:
    """Replicates of what the outreach log estimates (no point estimate row).

    Attributes
    ----------
    rates : (B, C) contacts per staff-hour per channel, ``Σ_d w_d y_dc / Σ_d w_d h_dc``
    interpreter : (B,) interpreter share ``Σ_d w_d i_d / Σ_d w_d need_d`` (NaN without need)
    days : int, outreach days resampled (the blocks)
    """

    rates: np.ndarray
    interpreter: np.ndarray
    days: int


def outreach_bootstrap(
    rows: pd.DataFrame,
    channels,
    n_boot: int,
    rng: np.random.Generator | None = None,
    *,
    seed: int | None = None,
) -> OutreachDraws:
    """Poisson block bootstrap of outreach days: contact rates and the interpreter share.

    A day of the city's outreach log is the block (shifts on one day share weather, events,
    police operations and staff, so they are dependent; days, to a good approximation, are
    not). Each replicate gives every day a Poisson(1) weight — as the person bootstrap does
    (:func:`~capacity.models.stays.replicates.person_weights`) — and re-estimates, with
    those weights, the productivity GLM's channel rates (its MLE is the closed form
    ``η̂_c = Σ y / Σ h``, so the refit is a ratio of weighted sums) and the interpreter
    share ``ι̂ = Σ interpreter_used / Σ (contacts − contacts_own_language)⁺``
    (:func:`capacity.models.competence.estimate_interpreter_share`). A channel that a
    replicate draws no hours of keeps its point rate. Over-dispersion and dependence within
    a day are carried by the resampling, not by a scale factor.

    Parameters
    ----------
    rows : DataFrame
        The city's outreach shifts in the period (``date``, ``channel``, ``staff_hours``,
        ``contacts``, ``contacts_own_language``, ``interpreter_used``).
    channels : sequence of str
        Channels of the rates' columns, in order.
    n_boot : int
    rng : numpy Generator, optional
        The stream of the day weights when no ``seed`` is given.
    seed : int, optional
        Day weights keyed by the day (city and date) and replicate
        (:func:`keyed_person_weights`, its own stream): they do not depend on what else was
        drawn, nor on the persons' weights (what :func:`~capacity.question4.fit_models` uses).

    References
    ----------
    Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
    observations. *Annals of Statistics* 17, 1217–1241 (blocks of dependent observations).
    Hanley, J. A., MacGibbon, B. (2006), as above (Poisson weights).
    """
    if seed is None and rng is None:
        raise ValueError("outreach_bootstrap needs a seed (keyed weights) or an rng.")
    day, days = pd.factorize(rows["date"].dt.normalize())
    city = rows["city"].astype(str).iloc[0] if "city" in rows and len(rows) else ""
    day_keys = pd.Index([f"{city}|{d:%Y-%m-%d}" for d in days])
    code = pd.Index([str(c) for c in channels]).get_indexer(rows["channel"].astype(str))
    ok = code >= 0
    shape = (len(channels), len(days))

    def per_day(values, by_channel=True):
        v = np.asarray(values, dtype=float)
        if by_channel:
            return sparse.csr_matrix((v[ok], (code[ok], day[ok])), shape=shape)
        return np.bincount(day, weights=v, minlength=len(days))

    y = per_day(rows["contacts"])
    h = per_day(rows["staff_hours"])
    point = np.asarray(y.sum(1)).ravel() / np.maximum(np.asarray(h.sum(1)).ravel(), 1e-300)
    need = (rows["contacts"] - rows["contacts_own_language"]).clip(lower=0)
    need_day = per_day(need, by_channel=False)
    used_day = per_day(rows["interpreter_used"], by_channel=False)
    rates, interp = [], []
    keys = None if seed is None else person_keys(day_keys)
    for i in range(0, n_boot, CHUNK):
        b = min(CHUNK, n_boot - i)
        if seed is None:
            w = person_weights(rng, b, len(days), "poisson")
        else:
            w = keyed_person_weights(day_keys, seed, b, start=i, stream=1, keys=keys)
        yw, hw = np.asarray(y @ w).T, np.asarray(h @ w).T
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(hw > 0, yw / hw, point[None, :])
            nw = need_day @ w
            interp.append(np.where(nw > 0, np.clip((used_day @ w) / nw, 0.0, 1.0), np.nan))
        rates.append(r)
    c = len(channels)
    return OutreachDraws(
        rates=np.vstack(rates) if rates else np.zeros((0, c)),
        interpreter=np.concatenate(interp) if interp else np.zeros(0),
        days=len(days),
    )
