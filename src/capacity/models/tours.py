"""Reach per woman and per tour, and what cities gain by working together.

Reach per stay (:mod:`capacity.models.reach`) counts a woman who comes to a city three times
three times, and a woman reached in Göteborg as not reached in Stockholm. This module turns
each city's reach per stay into (``docs/methods/tours.md``):

- **reach per woman** (:func:`reach_per_woman`): the share of women present in the city
  during the period reached at least once, ``1 − E[(1 − p)^K]`` over the number ``K`` of
  her stays in the city;
- **reach per tour** (:func:`tour_reach`): a tour is a woman's consecutive stays in Swedish
  cities; it is reached if she is reached in any city of it. With the city-to-city
  transition probabilities of :func:`tour_flows` (a Markov chain with an exit state,
  "leaves Sweden") the chance that a tour is *not* reached from a stay in city ``j`` on
  solves a linear system;
- **coordination** (:func:`coordinated_reach`): a woman reached in one city is known to
  the next city's team, who spend their contacts on those not yet reached; and a shared
  national screening function for new ads (:func:`shared_screening_reach`).

Everything is vectorised over Monte Carlo draws (leading axis ``D``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.exceptions import EstimationError

__all__ = [
    "TourFlows",
    "balanced_starts",
    "chain_by_language",
    "chain_per_language",
    "coordinated_reach",
    "capacity_reach",
    "flow_events",
    "reach_per_woman",
    "reach_per_woman_pmf",
    "reached_before_by_language",
    "stays_per_woman",
    "stays_per_woman_by_id",
    "tour_flow_replicates",
    "tour_flows",
    "tour_reach",
    "visit_reach",
]


def stays_per_woman(
    stays: pd.DataFrame, city: str, sightings: pd.DataFrame | None = None, *, strata=None
) -> np.ndarray:
    """Number of stays in ``city`` of each woman seen there: one entry per woman, values ≥ 1.

    ``stays`` are those of :func:`build_stays`, already limited to the period.
    With ``sightings`` (all of them), consecutive stays of a woman in the city that her
    sources' daily sighting rate explains as one stay split by missed sightings count once
    (:func:`capacity.models.stays.strata.merge_split_stays`, 1 % level). Without it every
    stay of :func:`build_stays` counts: where sources see a present woman on few days,
    splits then inflate the count, and reach per woman with it (measured on the coverage
    study's worlds: 1.32–1.46 stays per woman against a true 1.19–1.25, reach per woman
    9–17 % high; with the merge 1.14–1.22, within 4 %; ``docs/methods/tours.md``).
    ``strata``: the city's :func:`~capacity.models.stays.strata.source_strata` of these
    sightings at the stays' ``gap_days``, when the caller has it (else built here).
    """
    return stays_per_woman_by_id(stays, city, sightings, strata=strata).to_numpy()


def stays_per_woman_by_id(
    stays: pd.DataFrame, city: str, sightings: pd.DataFrame | None = None, *, strata=None
) -> pd.Series:
    """:func:`stays_per_woman` indexed by ``person_id`` (the bootstrap reweights women)."""
    mine = stays[stays["city"].astype(str) == city]
    if mine.empty:
        raise EstimationError(f"no stays in {city}: cannot count stays per woman.")
    if sightings is None:
        return mine.groupby("person_id", observed=True).size()
    from capacity.models._fastpd import isin
    from capacity.models.stays.strata import merge_split_stays, source_strata

    gap = int(stays.attrs.get("gap_days", 14))
    if strata is None or strata.gap_days != gap:
        strata = source_strata(sightings[sightings["city"].astype(str) == city], gap)
    # runs over all her stays: a stay in another city between two keeps them apart
    theirs = stays[isin(stays["person_id"], mine["person_id"].unique())]
    run = merge_split_stays(theirs, strata)[mine.index]
    return run.groupby(mine["person_id"].to_numpy()).nunique()


def reach_per_woman(p_stay: np.ndarray, stays_per_person: np.ndarray) -> np.ndarray:
    r"""Share of women in the city reached at least once in the period.

    Parameters
    ----------
    p_stay : array_like, shape (D,) or (D, L)
        Reach per stay per draw (and language).
    stays_per_person : array_like of int
        ``K_i``, the stays of each woman in the city in the period (:func:`stays_per_woman`);
        their distribution ``π_k`` is what enters.

    Returns
    -------
    ndarray, the shape of ``p_stay``

    Notes
    -----
    With stays reached independently with probability ``p``,

    .. math:: r_{woman} = 1 - \sum_k \pi_k (1 - p)^k,

    ``π_k`` the share of women with ``k`` stays. It is at least ``p`` and grows with the
    number of returns.
    """
    k, counts = np.unique(np.asarray(stays_per_person, dtype=int), return_counts=True)
    return reach_per_woman_pmf(p_stay, k, counts / counts.sum())


def reach_per_woman_pmf(p_stay: np.ndarray, k: np.ndarray, pmf: np.ndarray) -> np.ndarray:
    r""":func:`reach_per_woman` from ``π_k`` given per draw: ``1 − Σ_k π_{dk} (1 − p_d)^k``.

    ``k`` (K,) the numbers of stays, ``pmf`` (K,) or (D, K) their shares per draw (the chain
    bootstrap reweights the women, :mod:`capacity.question4.bootstrap`); ``p_stay`` (D,) or
    (D, L).
    """
    p = np.asarray(p_stay, dtype=float)
    pmf = np.asarray(pmf, dtype=float)
    q = np.clip(1.0 - p, 0.0, 1.0)
    if pmf.ndim == 2 and p.ndim == 2:
        pmf = pmf[:, None, :]
    return 1.0 - (q[..., None] ** np.asarray(k) * pmf).sum(axis=-1)


@dataclass(frozen=True)
class TourFlows:
    """Counts of what follows a stay in each city: the next city (within ``gap_days``) or exit.

    Attributes
    ----------
    cities : list of str
    moves : ndarray (C, C)
        Stays in ``i`` followed by a stay in ``j`` that starts within ``gap_days``.
    exits : ndarray (C,)
        Stays followed by nothing within ``gap_days`` (the tour ends: she leaves Sweden or
        is no longer seen). Stays within ``gap_days`` of the data's end are not counted.
    starts : ndarray (C,)
        Tours beginning in each city.
    skips : ndarray (C,)
        Stays whose woman is seen again within ``skip_days`` but after ``gap_days``: the
        mark of a next stay no source saw (she moved on, unseen, and was seen later).
    """

    cities: list[str]
    moves: np.ndarray
    exits: np.ndarray
    starts: np.ndarray
    skips: np.ndarray | None = None

    @property
    def seen_next(self) -> float:
        """Share of moves whose next stay is seen, ``q = M/(M + skips)`` (1 without skips)."""
        m = float(self.moves.sum())
        k = 0.0 if self.skips is None else float(self.skips.sum())
        return m / (m + k) if m + k > 0 else 1.0

    def probabilities(self, rng: np.random.Generator | None = None, n: int = 0):
        """Transition ``P`` (.., C, C), exit ``x`` (.., C) and start ``s`` (.., C) shares.

        Row 0 is the point estimate (counts / row totals); with ``n`` draws, rows 1…n are
        Dirichlet draws with the counts plus ½ (Jeffreys) as parameters.
        """
        rows = np.concatenate([self.moves, self.exits[:, None]], axis=1)
        start = self.starts.astype(float)
        point = rows / np.maximum(rows.sum(axis=1, keepdims=True), 1e-12)
        point = np.where(rows.sum(axis=1, keepdims=True) > 0, point, _exit_only(len(rows)))
        s0 = start / max(start.sum(), 1e-12)
        if not n:
            return point[None, :, :-1], point[None, :, -1], s0[None]
        rng = rng or np.random.default_rng(0)
        g = rng.gamma(rows[None] + 0.5, size=(n, *rows.shape))
        draws = g / g.sum(axis=2, keepdims=True)
        gs = rng.gamma(start + 0.5, size=(n, len(start)))
        sd = gs / gs.sum(axis=1, keepdims=True)
        full = np.concatenate([point[None], draws])
        return full[:, :, :-1], full[:, :, -1], np.concatenate([s0[None], sd])

    def frame(self) -> pd.DataFrame:
        """Counts as a frame: rows the city left, columns the next city and ``exit``."""
        out = pd.DataFrame(self.moves, index=self.cities, columns=self.cities)
        out["exit"] = self.exits
        out.index.name = "from_city"
        return out


def _exit_only(c: int) -> np.ndarray:
    out = np.zeros((c, c + 1))
    out[:, -1] = 1.0
    return out


def flow_events(stays: pd.DataFrame, cities: list[str] | None = None,
                skip_days: int | None = None):  # fmt: skip
    """Per stay (sorted by woman and start): what follows it, and whose it is.

    ``(cities, persons, cells)``: what :func:`tour_flows` and :func:`tour_flow_replicates`
    count; build it once to pass to both.
    """
    if stays.empty:
        raise EstimationError("no stays: cannot count moves between cities.")
    gap = int(stays.attrs.get("gap_days", 14))
    names = sorted(stays["city"].astype(str).unique()) if cities is None else list(cities)
    code = pd.Categorical(stays["city"].astype(str), categories=names).codes.astype(np.int64)
    pid, persons = pd.factorize(stays["person_id"])
    start = stays["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = stays["end"].to_numpy("datetime64[D]").astype(np.int64)
    order = np.lexsort((start, pid))
    p, c, s, e = pid[order], code[order], start[order], end[order]
    data_end = stays.attrs.get("data_end")
    last_day = (
        int(np.datetime64(pd.Timestamp(data_end).date(), "D").astype(np.int64))
        if (data_end is not None)
        else int(e.max())
    )
    nxt_same = np.r_[p[1:] == p[:-1], False]
    nxt_start = np.r_[s[1:], np.iinfo(np.int64).max]
    nxt_city = np.r_[c[1:], -1]
    move = nxt_same & (nxt_start - e <= gap) & (c >= 0) & (nxt_city >= 0)
    censored = ~move & (last_day - e <= gap)
    exit_ = ~move & ~censored & (c >= 0)
    window = 3 * gap if skip_days is None else int(skip_days)
    skip = exit_ & nxt_same & (nxt_start - e <= window)
    prev_same = np.r_[False, p[1:] == p[:-1]]
    prev_end = np.r_[np.iinfo(np.int64).min // 2, e[:-1]]
    begins = ~(prev_same & (s - prev_end <= gap)) & (c >= 0)
    n = len(names)
    # one cell per event: moves i→j (n·n), exits, skips, tour starts (n each)
    cells = [
        (c[move] * n + nxt_city[move], p[move]),
        (n * n + c[exit_], p[exit_]),
        (n * n + n + c[skip], p[skip]),
        (n * n + 2 * n + c[begins], p[begins]),
    ]
    return names, pd.Index(persons), cells


def _counts(cells, n: int) -> tuple[np.ndarray, ...]:
    """Moves (C, C), exits, starts and skips (C,) from the event cells."""
    total = np.zeros(n * n + 3 * n)
    for cell, _ in cells:
        total += np.bincount(cell, minlength=len(total))
    return (total[: n * n].reshape(n, n), total[n * n : n * n + n],
            total[n * n + 2 * n :], total[n * n + n : n * n + 2 * n])  # fmt: skip


def tour_flows(
    stays: pd.DataFrame,
    cities: list[str] | None = None,
    skip_days: int | None = None,
    *,
    events=None,
) -> TourFlows:
    """City-to-city moves of tours, from the stays of all cities (:func:`build_stays`).

    Notes
    -----
    Two stays of a woman are consecutive stays of one tour when the second starts within
    ``gap_days`` (``stays.attrs``) of the end of the first; otherwise the first ends its
    tour. A stay ending within ``gap_days`` of the data's end is censored: it counts neither
    as a move nor as an exit. The counts are those of ``touring(...).flow_matrix`` restricted
    to moves within a tour. Exits followed by another stay of the woman within
    ``skip_days`` (default ``3·gap_days``) are counted as ``skips`` too (see
    :attr:`TourFlows.seen_next`). ``events``: :func:`flow_events` of the same stays,
    cities and ``skip_days`` when the caller has them.
    """
    names, _, cells = flow_events(stays, cities, skip_days) if events is None else events
    moves, exits, starts, skips = _counts(cells, len(names))
    return TourFlows(names, moves, exits, starts, skips)


def tour_flow_replicates(
    stays: pd.DataFrame,
    weights: Callable[[pd.Index, int, int], np.ndarray],
    n_boot: int,
    cities: list[str] | None = None,
    skip_days: int | None = None,
    chunk: int = 50,
    *,
    events=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The tour chain re-estimated from reweighted women: ``P``, ``x``, ``s`` and ``q``.

    Parameters
    ----------
    stays : DataFrame
        :func:`build_stays` of all cities.
    weights : callable
        ``(persons, start, n) -> (len(persons), n)`` bootstrap weights of the women for
        replicates ``start … start + n − 1``; with the chain bootstrap's
        (:func:`capacity.question4.bootstrap.keyed_person_weights`) a woman has one weight
        in a replicate for her stays, captures and contacts in every city and for her moves.
    n_boot : int
    events : tuple, optional
        :func:`flow_events` of the same stays, cities and ``skip_days`` (not built again).

    Returns
    -------
    P (B+1, C, C), x (B+1, C), s (B+1, C), q (B+1,)
        Row 0 the point estimate (:meth:`TourFlows.probabilities`, :attr:`TourFlows.seen_next`),
        rows 1… the replicates: every count of :func:`tour_flows` summed with the women's
        weights, ``P_jk = M_jk / (Σ_k M_jk + X_j)``, ``q = ΣM / (ΣM + ΣK)``. A city that a
        replicate draws no stay ending in keeps its point row.
    """
    from scipy import sparse

    names, persons, cells = flow_events(stays, cities, skip_days) if events is None else events
    n = len(names)
    flows = TourFlows(names, *_counts(cells, n))
    P0, x0, s0 = flows.probabilities()
    cell = np.concatenate([c for c, _ in cells])
    who = np.concatenate([p for _, p in cells])
    m = sparse.csr_matrix((np.ones(len(cell)), (cell, who)), shape=(n * n + 3 * n, len(persons)))
    parts = []
    for i in range(0, n_boot, chunk):
        b = min(chunk, n_boot - i)
        parts.append(np.asarray(m @ weights(persons, i, b)).T)  # (b, cells)
    c = np.vstack(parts) if parts else np.zeros((0, n * n + 3 * n))
    moves = c[:, : n * n].reshape(-1, n, n)
    exits, skips, starts = (
        c[:, n * n : n * n + n],
        c[:, n * n + n : n * n + 2 * n],
        c[:, n * n + 2 * n :],
    )
    rows = moves.sum(axis=2) + exits
    ok = rows > 0
    P = np.where(ok[:, :, None], moves / np.maximum(rows, 1e-12)[:, :, None], P0)
    x = np.where(ok, exits / np.maximum(rows, 1e-12), x0)
    st = starts.sum(axis=1, keepdims=True)
    s = np.where(st > 0, starts / np.maximum(st, 1e-12), s0)
    mv, sk = moves.sum(axis=(1, 2)), skips.sum(axis=1)
    q = np.where(mv + sk > 0, mv / np.maximum(mv + sk, 1e-12), flows.seen_next)
    return (np.concatenate([P0, P]), np.concatenate([x0, x]), np.concatenate([s0, s]),
            np.r_[flows.seen_next, q])  # fmt: skip


def balanced_starts(P: np.ndarray, arrivals: np.ndarray, observed: np.ndarray) -> np.ndarray:
    r"""Tour starts by city from the balance of arrivals and moves, per draw.

    Parameters
    ----------
    P : ndarray (D, C, C)
        Moves between cities, corrected for unseen next stays (``P_jk``: a stay in ``j`` is
        followed by one in ``k``).
    arrivals : ndarray (D, C)
        All stays beginning per week in each city (observed stay starts over the detection
        share).
    observed : ndarray (D, C)
        The starts counted from the stays (:attr:`TourFlows.starts` shares): kept in a
        draw whose balance leaves no city with a start.

    Returns
    -------
    ndarray (D, C)
        ``s`` with rows summing to one.

    Notes
    -----
    Every stay in ``k`` either begins a tour there or follows a stay in another city, so
    with ``B`` tours per week

    .. math:: A_k = B\,s_k + \sum_j A_j P_{jk}
              \quad\Longrightarrow\quad
              s \propto \max\bigl(0,\ (I - P^\top) A\bigr).

    Counting a tour's start at the woman's first *seen* stay instead counts a tour whose
    first stay no source saw as starting in the next city: tours from abroad mostly begin
    in the large city, so its share of starts came out too low and the small cities' too
    high. Measured on the truth-recovery worlds (six cities, scale 0.1, three outreach
    strategies, seeds 4–9, 1 Dec 2026): Stockholm's share of starts 0.052 too low counted
    from the stays, 0.008 from the balance; chained with the *true* reach per stay, the
    tours through Uppsala came out 0.021 too low with the counted starts, 0.003 with these.
    The balance holds when arrivals are steady over the period (a stationary chain).

    References
    ----------
    Kemeny, J. G., Snell, J. L. (1960). *Finite Markov Chains*. Van Nostrand, ch. 3.
    """
    P = np.asarray(P, dtype=float)
    a = np.asarray(arrivals, dtype=float)
    fresh = np.clip(a - np.einsum("dj,djk->dk", a, P), 0.0, None)
    total = fresh.sum(axis=1, keepdims=True)
    obs = np.broadcast_to(np.asarray(observed, dtype=float), fresh.shape)
    ok = np.isfinite(total) & (total > 0)
    return np.where(ok, fresh / np.where(ok, total, 1.0), obs)


def tour_reach(p: np.ndarray, P: np.ndarray, exit_: np.ndarray) -> np.ndarray:
    r"""Chance that a tour is reached from a stay in city ``j`` on (this stay or a later one).

    Parameters
    ----------
    p : ndarray (D, C)
        Reach per stay in each city.
    P : ndarray (D, C, C) or (C, C)
        Next-city probabilities; ``exit_`` the chance the tour ends after the stay.
    exit_ : ndarray (D, C) or (C,)

    Returns
    -------
    ndarray (D, C)
        ``1 − u_j``.

    Notes
    -----
    With ``u_j`` the chance of not being reached from a stay in ``j`` onward,
    ``u_j = (1 − p_j)(x_j + Σ_k P_jk u_k)``, i.e.

    .. math:: (I - \mathrm{diag}(1 - p)\,P)\, u = (1 - p) \circ x,

    a first-step analysis of an absorbing Markov chain (Kemeny & Snell 1960, ch. 3).
    """
    p = np.atleast_2d(np.asarray(p, dtype=float))
    d, c = p.shape
    P = np.broadcast_to(np.asarray(P, dtype=float), (d, c, c))
    x = np.broadcast_to(np.asarray(exit_, dtype=float), (d, c))
    q = 1.0 - p
    a = np.eye(c)[None] - q[:, :, None] * P
    u = np.linalg.solve(a, (q * x)[:, :, None])[:, :, 0]
    return np.clip(1.0 - u, 0.0, 1.0)


def visit_reach(
    p: np.ndarray, P: np.ndarray, exit_: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Per city: share of its stays whose tour is reached in any city, before or after.

    Returns
    -------
    tour : ndarray (D, C)
        ``1 − v_c u_c``: the tour of a stay in ``c`` is reached somewhere.
    before : ndarray (D, C)
        ``1 − v_c``: she was reached earlier in the tour (known, with coordination).
    national : ndarray (D,)
        Share of all tours reached, ``1 − Σ_c s_c u_c``.

    Notes
    -----
    Expected visits per tour solve ``n = s + Pᵀ n``; visits not reached before arriving
    solve ``y = s + ((1 − p) ∘ P)ᵀ y``, and ``v_c = y_c / n_c``.
    """
    p = np.atleast_2d(np.asarray(p, dtype=float))
    d, c = p.shape
    P = np.broadcast_to(np.asarray(P, dtype=float), (d, c, c))
    s = np.broadcast_to(np.asarray(start, dtype=float), (d, c))
    q = 1.0 - p
    eye = np.eye(c)[None]
    visits = np.linalg.solve(eye - np.swapaxes(P, 1, 2), s[:, :, None])[:, :, 0]
    fresh = np.linalg.solve(eye - np.swapaxes(q[:, :, None] * P, 1, 2), s[:, :, None])[:, :, 0]
    v = np.divide(fresh, visits, out=np.ones_like(fresh), where=visits > 1e-12)
    v = np.clip(v, 0.0, 1.0)
    u = 1.0 - tour_reach(p, P, exit_)
    return 1.0 - v * u, 1.0 - v, 1.0 - (s * u).sum(axis=1)


def chain_by_language(
    p: np.ndarray, P: np.ndarray, exit_: np.ndarray, start: np.ndarray, pi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r""":func:`visit_reach` language by language, mixed over the women's languages.

    Parameters
    ----------
    p : ndarray (D, C, L)
        Reach per stay in each city of a woman of each language (in a language she
        understands).
    P, exit_, start : arrays
        The tour chain, ``(D, C, C)``, ``(D, C)``, ``(D, C)`` (or without the draw axis).
    pi : ndarray (D, L) or (D, C, L)
        Language shares of the women (one set for every city, or per city).

    Returns
    -------
    tour, before : ndarray (D, C)
        ``Σ_L π_{cL} tour_{cL}`` and ``Σ_L π_{cL} (1 − v_{cL})``.
    national : ndarray (D,)
        ``1 − Σ_c s_c Σ_L π_{cL} u_{cL}``.

    Notes
    -----
    A woman's language is the same in every city of her tour, and whether a contact is in
    a language she understands depends on it. Her stays' reach is therefore not independent
    across cities given the *average* reach ``Σ_L π_L p_{cL}``: chaining the average treats
    a woman no team can talk with as reachable in the next city, which overstates tour
    reach (Jensen). The chain runs per language (the languages stacked on the draw axis,
    one batched solve) and the results are mixed with ``π``.
    """
    p = np.asarray(p, dtype=float)
    d, c, n_lang = p.shape
    pi = np.asarray(pi, dtype=float)
    pi = np.broadcast_to(pi[:, None, :] if pi.ndim == 2 else pi, (d, c, n_lang))
    tour, before, u = chain_per_language(p, P, exit_, start)
    s = np.broadcast_to(np.asarray(start, dtype=float), (d, c))
    national = 1.0 - (s * (pi * u).sum(axis=2)).sum(axis=1)
    return (pi * tour).sum(axis=2), (pi * before).sum(axis=2), national


def chain_per_language(
    p: np.ndarray, P: np.ndarray, exit_: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`visit_reach` and :func:`tour_reach` for each language, ``(D, C, L)`` each.

    Returns ``tour`` and ``before`` of :func:`visit_reach` and ``u = 1 − tour_reach`` (a
    tour from a stay in the city on is not reached), for reach per stay ``p (D, C, L)``;
    the languages are stacked on the draw axis (one batched solve).
    """
    p = np.asarray(p, dtype=float)
    d, c, n_lang = p.shape
    P = np.broadcast_to(np.asarray(P, dtype=float), (d, c, c))
    x = np.broadcast_to(np.asarray(exit_, dtype=float), (d, c))
    s = np.broadcast_to(np.asarray(start, dtype=float), (d, c))
    q = np.moveaxis(1.0 - p, 2, 0)  # (L, D, C)
    # one inverse per language and draw serves both systems of visit_reach:
    # (I − diag(q) P) u = q ∘ x  and  (I − diag(q) P)ᵀ y = s
    inv = np.linalg.inv(np.eye(c) - q[..., None] * P[None])
    u = np.clip((inv @ (q * x[None])[..., None])[..., 0], 0.0, 1.0)
    fresh = (np.swapaxes(inv, -1, -2) @ np.broadcast_to(s, (n_lang, d, c))[..., None])[..., 0]
    v = _unreached_before(fresh, P, s)
    return tuple(np.moveaxis(a, 0, 2) for a in (1.0 - v * u, 1.0 - v, u))


def _unreached_before(fresh: np.ndarray, P: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``v = y / n``: unreached visits over expected visits ``n = s + Pᵀ n`` (per draw)."""
    c = P.shape[-1]
    visits = np.linalg.solve(np.eye(c)[None] - np.swapaxes(P, 1, 2), s[:, :, None])[:, :, 0]
    ok = np.broadcast_to(visits > 1e-12, fresh.shape)
    return np.clip(np.divide(fresh, visits, out=np.ones_like(fresh), where=ok), 0.0, 1.0)


def reached_before_by_language(
    p: np.ndarray, P: np.ndarray, start: np.ndarray, pi: np.ndarray
) -> np.ndarray:
    """``Σ_L π_{cL} (1 − v_{cL})`` of :func:`chain_by_language` alone, ``(D, C)``.

    What the coordination fixed point (:func:`coordinated_reach`) needs at each step: one
    solve of ``(I − diag(1 − p_L) P)ᵀ y = s`` per language and draw, not the full chain.
    """
    p = np.asarray(p, dtype=float)
    d, c, n_lang = p.shape
    P = np.broadcast_to(np.asarray(P, dtype=float), (d, c, c))
    s = np.broadcast_to(np.asarray(start, dtype=float), (d, c))
    pi = np.asarray(pi, dtype=float)
    pi = np.broadcast_to(pi[:, None, :] if pi.ndim == 2 else pi, (d, c, n_lang))
    q = np.moveaxis(1.0 - p, 2, 0)
    a = np.swapaxes(np.eye(c) - q[..., None] * P[None], -1, -2)
    fresh = np.linalg.solve(a, np.broadcast_to(s, (n_lang, d, c))[..., None])[..., 0]
    v = _unreached_before(fresh, P, s)
    return (pi * (1.0 - np.moveaxis(v, 0, 2))).sum(axis=2)


def coordinated_reach(
    reach_at: Callable[[np.ndarray], np.ndarray],
    P: np.ndarray,
    exit_: np.ndarray,
    start: np.ndarray,
    coordination: float = 1.0,
    iterations: int = 50,
    before: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    r"""Reach per stay among women not yet reached when teams share whom they have reached.

    Parameters
    ----------
    reach_at : callable
        ``multiplier (D, C) -> reach per stay (D, C)``: each city's reach per stay when its
        arrivals are multiplied by ``multiplier`` (≤ 1: fewer women left to find).
    P, exit_, start : arrays
        The tour chain (:meth:`TourFlows.probabilities`).
    coordination : float in [0, 1]
        Share of the women reached earlier in the tour whom the next team knows and skips.
    before : callable, optional
        ``reach -> (D, C)`` share of each city's arrivals reached earlier in their tour;
        default ``visit_reach(reach, P, exit_, start)[1]``. With reach per language
        ``(D, C, L)`` from ``reach_at``, pass the language mix of :func:`chain_by_language`.

    Returns
    -------
    ndarray (D, C) (or what ``reach_at`` returns)
        Reach per stay of the women not reached before, to use in :func:`tour_reach`.

    Notes
    -----
    A team that knows the women reached earlier in their tour spends its contacts on the
    others: its arrivals become ``A_c (1 − θ a_c)`` with ``a_c = 1 − v_c`` the share already
    reached (:func:`visit_reach`). That raises its reach among the rest, which raises ``a``
    downstream: the fixed point is found by iteration from ``θ = 0``; every step raises
    reach, so the iteration increases to it and more coordination never lowers tour reach.
    """
    theta = float(np.clip(coordination, 0.0, 1.0))
    p = np.asarray(reach_at(np.ones_like(np.atleast_2d(start), dtype=float)), dtype=float)
    if theta == 0:
        return p
    if before is None:

        def before(reach):
            return visit_reach(reach, P, exit_, start)[1]

    for _ in range(iterations):
        new = np.asarray(reach_at(np.clip(1.0 - theta * before(p), 1e-9, 1.0)), dtype=float)
        if np.max(np.abs(new - p)) < 1e-10:
            return np.maximum(new, p)
        p = np.maximum(new, p)
    return p


def capacity_reach(capacity_ratio: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    r"""``reach_at`` of a city whose reach is capacity against arrivals, ``c/(c + m)``.

    ``capacity_ratio`` is ``κ/A`` per draw and city (``p/(1 − p)`` at today's arrivals): the
    exponential-stay random-search form ``p = κ/(κ + A)`` of ``docs/methods/reach.md``, used
    for the cities whose full model is not fitted.
    """
    c = np.asarray(capacity_ratio, dtype=float)

    def reach_at(multiplier: np.ndarray) -> np.ndarray:
        return c / (c + np.asarray(multiplier, dtype=float))

    return reach_at
