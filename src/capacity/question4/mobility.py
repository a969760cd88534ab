"""Question 4 for women who move: the estimated strategy, reach per stay, woman and tour.

Glue between the fitted question-4 inputs (``FittedModels.inputs``, one row per Monte Carlo
draw, row 0 the point estimate) and the models of :mod:`capacity.models.strategy` and
:mod:`capacity.models.tours`:

- :func:`fit_mobility` (expensive part, once per dataset): the strategy mix of the city
  from the time to first contact, the number of stays per woman, the tour chain of all
  cities and a direct estimate of every city's reach per stay;
- :func:`mobility_reach` (cheap part, per scenario): reach per stay, per woman and per tour
  at any outreach FTE with the estimated mix, with and without coordination between cities;
- :func:`measure_reach`, :func:`fte_needed_measure`: reach by the measure the verdict
  uses, and the FTE needed for a target by it;
- :func:`coordination_scenarios`: what coordination buys beside the same FTE in one city.

Methods: ``docs/methods/strategy.md`` and ``docs/methods/tours.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.models._base import Caveat, Results, percentile_interval, tidy
from capacity.models.staffing import fte_needed_many
from capacity.models.stays.strata import join_runs
from capacity.models.strategy import (
    DAYS_PER_WEEK,
    StrategyResults,
    erlang_a_served_many,
    first_contact_times,
    fit_strategy,
)
from capacity.models.tours import (
    TourFlows,
    capacity_reach,
    chain_per_language,
    coordinated_reach,
    flow_events,
    reach_per_woman,
    reach_per_woman_pmf,
    reached_before_by_language,
    stays_per_woman,
    tour_flow_replicates,
    tour_flows,
)

__all__ = ["MEASURES", "MobilityFit", "MobilityResults", "coordination_scenarios",
           "fit_mobility", "fte_needed_measure", "measure_reach", "mobility_reach",
           "timing_stays", "tour_measures"]  # fmt: skip

#: Reach measures a verdict can use.
MEASURES = ("woman", "stay", "tour")

#: Longest gap (days) between two stays of a woman in one city, with no stay elsewhere
#: between, that :func:`timing_stays` joins into one stay for the timing of first
#: contacts (the strategy mix). On world 7 (seeds 1–24) the mix was the same with 90, 180
#: or no limit (the pieces of one true stay lay within 90 days, nearly all within 60); 42
#: days (3·``gap_days`` at 14) left about a sixth of them apart and the mix lower (mean
#: error −0.014 against −0.007).
CONTINUED_STAY_DAYS = 90


@dataclass(frozen=True)
class MobilityFit:
    """What :func:`mobility_reach` needs beyond ``FittedModels.inputs`` (picklable).

    Attributes
    ----------
    strategy : StrategyResults
    share : ndarray (D,)
        Share of contact capacity in screening per draw (row 0 the estimate).
    stays_per_woman : ndarray
        Stays of each woman seen in the city in the period.
    flows : TourFlows
    P, exit, start : ndarray
        Tour chain per draw, ``(D, C, C)``, ``(D, C)``, ``(D, C)``.
    city_reach : ndarray (D, C)
        Direct estimate of every city's reach per stay: contacted stays over arrivals.
    city : int
        Index of the analysed city in ``flows.cities``.
    seen_next : ndarray (D,)
        Share of next stays seen (:func:`seen_next_share` with a seed; else
        :attr:`TourFlows.seen_next` with Beta draws).
    tours_per_week : ndarray (D,)
        New tours per week in all cities (tour starts over the period's weeks, scaled by the
        detection share): the arrivals of a shared national screening function.
    """

    strategy: StrategyResults
    share: np.ndarray
    stays_per_woman: np.ndarray
    flows: TourFlows
    P: np.ndarray
    exit: np.ndarray
    start: np.ndarray
    city_reach: np.ndarray
    city: int
    seen_next: np.ndarray | None = None
    tours_per_week: np.ndarray | None = None
    caveats: tuple[Caveat, ...] = ()
    #: numbers of stays ``k`` (K,) and their shares per draw ``π_{dk}`` (D, K), row 0 the
    #: estimate, the women reweighted by the chain bootstrap; None: ``stays_per_woman``'s
    #: shares in every draw
    woman_k: np.ndarray | None = None
    woman_pmf: np.ndarray | None = None
    #: the number of those women per draw (D,), row 0 the estimate (the women seen, as the
    #: chain bootstrap reweights them); None: not counted per draw
    woman_total: np.ndarray | None = None
    #: each city's usable share per language of the analysed city's women ``(C, L)`` (its
    #: own staff and interpreter share, :func:`capacity.question4.fit._usable_by_city`);
    #: None: the analysed city's ``m`` for every city
    city_usable: np.ndarray | None = None

    def subset(self, idx: np.ndarray) -> MobilityFit:
        """Draws ``idx`` of every per-draw array."""
        per_draw = ("share", "P", "exit", "start", "city_reach", "seen_next", "tours_per_week")
        if self.woman_pmf is not None:
            per_draw += ("woman_pmf",)
        if self.woman_total is not None:
            per_draw += ("woman_total",)
        return dataclasses.replace(self, **{k: getattr(self, k)[idx] for k in per_draw})

    def per_woman(self, p_stay: np.ndarray) -> np.ndarray:
        """Reach per woman from reach per stay ``(D,)`` or ``(D, L)`` (:func:`reach_per_woman`)."""
        if self.woman_pmf is None:
            return reach_per_woman(p_stay, self.stays_per_woman)
        return reach_per_woman_pmf(p_stay, self.woman_k, self.woman_pmf)


def direct_city_reach(
    stays: pd.DataFrame, cities: list[str], detection: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    r"""Reach per stay of every city, directly: stays with an outreach sighting over arrivals.

    Notes
    -----
    Every outreach contact is a sighting, so contacted stays are all observed; arrivals are
    the observed stay starts scaled by the detection share ``δ`` (of the analysed city: the
    other cities' is not estimated), ``p̂_c = C_c / (S_c/δ)``. Draws: Beta with
    ``C_c + ½`` and ``S_c/δ_d − C_c + ½`` per draw ``d`` of ``δ``.
    Needs the stays' ``n_outreach`` column (:func:`fit_mobility` adds it).
    """
    new = stays[~stays["left_truncated"]]
    code = pd.Categorical(new["city"].astype(str), categories=cities).codes
    starts = np.bincount(code[code >= 0], minlength=len(cities)).astype(float)
    hit = (new["n_outreach"].to_numpy() > 0) & (code >= 0)
    contacted = np.bincount(code[hit], minlength=len(cities)).astype(float)
    d = np.asarray(detection, dtype=float)
    total = np.maximum(starts[None, :] / d[:, None], contacted[None, :] + 1.0)
    point = contacted / np.maximum(total[0], 1.0)
    draws = rng.beta(contacted + 0.5, total[1:] - contacted + 0.5)
    return np.clip(np.vstack([point, draws]), 1e-6, 1 - 1e-6)


def _outreach_per_stay(sightings: pd.DataFrame, stays: pd.DataFrame) -> np.ndarray:
    from capacity.models.strategy import _stay_index

    rows = sightings[sightings["source"].astype(str) == "outreach"]
    idx = _stay_index(rows, stays)
    return np.bincount(idx[idx >= 0], minlength=len(stays))


def fit_mobility(
    sightings: pd.DataFrame,
    stays: pd.DataFrame,
    city: str,
    mean_stay_days: np.ndarray,
    detection: np.ndarray,
    *,
    alpha: float = 0.05,
    rng: np.random.Generator | None = None,
    shared: dict | None = None,
    seed: int | None = None,
    women: pd.Series | None = None,
    runs: pd.Series | None = None,
    city_sightings: pd.DataFrame | None = None,
) -> MobilityFit:
    """The strategy mix, stays per woman, the tour chain and every city's reach.

    Parameters
    ----------
    sightings : DataFrame
        All sightings (all cities).
    stays : DataFrame
        :func:`capacity.models.stays.build_stays` of them for the period.
    city : str
    mean_stay_days, detection : ndarray (D,)
        Per draw (row 0 the estimate): ``FittedModels.inputs.stays.mean`` and ``.detection``.
    shared : dict, optional
        Keeps the tour flows and the outreach contacts per stay of all cities between the
        fits of several cities of the same stays (see :func:`~capacity.question4.fit_models`).
    seed : int, optional
        The tour chain's draws re-estimated from the women reweighted by the chain
        bootstrap's keyed weights (:func:`flow_draws`), so that draw ``d`` of the moves is
        the same resampling of women as draw ``d`` of every city's chain; without it,
        Dirichlet draws of the moves and a Beta draw of the share of next stays seen.
    women : Series, optional
        :func:`~capacity.models.tours.stays_per_woman_by_id` of these stays, city and
        sightings when the caller has it (else counted here).
    runs : Series, optional
        A run label per stay of ``stays`` (:func:`~capacity.models.stays.strata.
        merge_split_stays`), given when ``detection`` is a share of merged stays
        (``detection_model: stays``): tour starts that only continue a stay split by missed
        sightings (:func:`continued_tour_starts`) are then not counted as new tours, and
        first contacts are timed on whole stays (:func:`timing_stays`). Without it (ads
        captured on arrival) they are timed on the stays as built: a later piece that
        begins with a new ad is a new arrival there.
    city_sightings : DataFrame, optional
        The rows of ``sightings`` in ``city`` (every date), when the caller has them.
    """
    shared = {} if shared is None else shared
    rng = rng or np.random.default_rng(0)
    n = len(mean_stay_days) - 1
    # with runs (ads captured on a day she is present), first contacts are timed on whole
    # stays: a piece of a stay split by missed sightings starts mid-stay, its first contact
    # looks like search and its screening is missed. Without (ads captured on arrival) a
    # piece that begins with a new ad is a new arrival and keeps its own clock
    timed = stays if runs is None else timing_stays(stays, runs)
    times = first_contact_times(sightings if city_sightings is None else city_sightings, timed,
                                city)  # fmt: skip
    # with a seed the share's draws resample the women as the chain's do (keyed weights)
    strat = fit_strategy(times, mean_stay_days, alpha=alpha, n_draws=n, rng=rng,
                         weights=None if seed is None else keyed_weights(seed))  # fmt: skip
    if "flow_events" not in shared:  # counted once for the flows and their replicates
        shared["flow_events"] = flow_events(stays)
    if "flows" not in shared:
        shared["flows"] = tour_flows(stays, events=shared["flow_events"])
    if "n_outreach" not in shared:
        shared["n_outreach"] = _outreach_per_stay(sightings, stays)
    flows = shared["flows"]
    if seed is None:
        P, x, s = flows.probabilities(rng, n)
        seen = np.r_[flows.seen_next, rng.beta(flows.moves.sum() + 0.5, flows.skips.sum() + 0.5, n)]
    else:
        P, x, s, seen = flow_draws(stays, seed, n, shared)
        seen = seen_next_share(seen, detection, np.random.default_rng([int(seed), 2]))
    stays = stays.assign(n_outreach=shared["n_outreach"])
    reach = direct_city_reach(stays, flows.cities, detection, rng)
    caveats = [Caveat("mobility.other_cities")]
    return MobilityFit(
        strategy=strat,
        share=strat.share_draws[: n + 1],
        stays_per_woman=(
            stays_per_woman(stays, city, sightings) if women is None else women.to_numpy()
        ),
        flows=flows,
        P=P,
        exit=x,
        start=s,
        city_reach=reach,
        city=flows.cities.index(city),
        seen_next=seen,
        tours_per_week=(flows.starts.sum() - continued_tour_starts(stays, runs))
        / _weeks(stays)
        / np.asarray(detection, dtype=float),
        caveats=tuple(caveats),
    )


def _by_woman(stays: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The stays sorted by woman and start, with her ids and the start and end day numbers.

    Consecutive rows of one woman are her stay and the one before it (:func:`timing_stays`,
    :func:`continued_tour_starts`).
    """
    o = stays.sort_values(["person_id", "start"], kind="stable")
    pid = o["person_id"].astype(str).to_numpy()
    start = o["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = o["end"].to_numpy("datetime64[D]").astype(np.int64)
    return o, pid, start, end


def timing_stays(
    stays: pd.DataFrame, runs: pd.Series | None = None, max_gap: int | None = None
) -> pd.DataFrame:
    r"""The stays first contacts are timed on: a woman's pieces of one stay in a city joined.

    Parameters
    ----------
    stays : DataFrame
        :func:`capacity.models.stays.build_stays` of all cities (a stay in another city
        between two pieces keeps them apart).
    runs : Series, optional
        Run labels of :func:`~capacity.models.stays.strata.merge_split_stays`: pieces of one
        run are joined whatever their gap.
    max_gap : int, optional
        Longest gap (days) between two pieces that are joined; default
        :data:`CONTINUED_STAY_DAYS`.

    Returns
    -------
    DataFrame
        :func:`~capacity.models.stays.strata.join_runs` of the joined pieces (index reset).

    Notes
    -----
    Consecutive stays ``j−1, j`` of a woman (sorted by start over all cities) are one stay
    when they are in the same city and ``start_j − end_{j−1} ≤ max_gap`` or they share a
    run: nothing shows that she left. ``build_stays`` splits where sightings are more than
    ``gap_days`` apart, and the source-set rule of ``merge_split_stays`` joins only the gaps
    its daily sighting rate explains; with ads captured on a day she is present (a low
    daily chance) a stay often stays in pieces. A later piece then counts as a stay of its
    own that no one screened (its first contact is mid-stay search, or a late screening that
    looks like search), and a piece seen by outreach alone — a screening weeks before her
    ad is first seen — is left out: the screened share ``s`` is too low. Measured on
    coverage world 7 (Stockholm, scale 0.3, seeds 1–3, 1 Dec 2026): 3.5 % of the timed
    stays continued the woman's previous piece in the city, 88 % of those the same true
    stay; ``docs/methods/strategy.md``, "Stays in pieces".

    :func:`fit_mobility` joins only where the stays are merged (``runs``: ads captured on
    a day she is present). Where ads are captured on arrival a piece that begins with a
    new ad is a new arrival; joining there moved the sample's mix (random search) from
    0.13 to 0.16.
    """
    max_gap = CONTINUED_STAY_DAYS if max_gap is None else int(max_gap)
    o, pid, start, end = _by_woman(stays)
    city = o["city"].astype(str).to_numpy()
    join = (pid[1:] == pid[:-1]) & (city[1:] == city[:-1]) & (start[1:] - end[:-1] <= max_gap)
    if runs is not None:
        run = runs.reindex(o.index).to_numpy()
        join |= (pid[1:] == pid[:-1]) & (run[1:] == run[:-1])
    label = pd.Series(np.cumsum(np.r_[True, ~join]), index=o.index).reindex(stays.index)
    return join_runs(stays, label.to_numpy()).reset_index(drop=True)


def continued_tour_starts(stays: pd.DataFrame, runs: pd.Series | None) -> int:
    """Tour starts (:func:`~capacity.models.tours.tour_flows`) that continue a merged stay.

    A stay that ``build_stays`` split by missed sightings (more than ``gap_days`` without a
    sighting) counts as a new tour from its second piece on; ``runs`` labels the pieces of
    one stay alike. Returns the number of stays that start a tour by the flows' rule but
    share their run with the woman's previous stay (0 without ``runs``): the merged tour
    starts are ``flows.starts.sum()`` minus this.
    """
    if runs is None or stays.empty:
        return 0
    gap = int(stays.attrs.get("gap_days", 14))
    o, pid, start, end = _by_woman(stays)
    run = runs.reindex(o.index).to_numpy()
    same = pid[1:] == pid[:-1]
    begins = ~(same & (start[1:] - end[:-1] <= gap))
    return int((begins & same & (run[1:] == run[:-1])).sum())


def keyed_weights(seed: int):
    """``(persons, start, n) -> (len(persons), n)``: the chain bootstrap's keyed person weights.

    :func:`capacity.question4.bootstrap.keyed_person_weights` at ``seed`` for replicates
    ``start … start + n − 1`` (the ids hashed once for all chunks of one ``persons``).
    """
    from capacity.question4.bootstrap import keyed_person_weights, person_keys

    hashed: list = []  # (persons, their keys): the ids are hashed once for every chunk

    def weights(persons, start, b):
        if not hashed or hashed[0][0] is not persons:
            hashed[:] = [(persons, person_keys(persons))]
        return keyed_person_weights(persons, seed, b, start=start, keys=hashed[0][1])

    return weights


def flow_draws(stays: pd.DataFrame, seed: int, n: int, shared: dict | None = None):
    """``P, x, s, q`` of the tour chain with the chain bootstrap's women (row 0 the estimate).

    :func:`capacity.models.tours.tour_flow_replicates` with the person weights of
    :func:`capacity.question4.bootstrap.keyed_person_weights` at ``seed``: replicate ``d``
    reweights each woman's moves as it reweights her stays and captures in every city —
    one joint person bootstrap of the national chain. Kept in ``shared`` (one per seed and
    number of replicates) for the other cities of the same stays.
    """
    key = ("flow_draws", int(seed), int(n))
    if shared is not None and key in shared:
        return shared[key]
    events = None if shared is None else shared.get("flow_events")
    out = tour_flow_replicates(stays, keyed_weights(seed), n, events=events)
    if shared is not None:
        shared[key] = out
    return out


def seen_next_share(
    skip_share: np.ndarray, detection: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    r"""Share of next stays seen: drawn over the range the data leave open (row 0 its centre).

    Parameters
    ----------
    skip_share : ndarray (D,)
        ``M/(M + K)`` per draw (:attr:`TourFlows.seen_next`, or its replicates): an **upper
        bound**, since ``K`` counts only the unseen next stays after which the woman is
        seen again within ``3·gap_days``, not those after which she leaves or stays unseen.
    detection : ndarray (D,)
        The share of all stays seen (the population chain's ``δ``): a **lower bound**, since
        a woman on tour was seen in the stay before (women who advertise are seen in every
        city, so her next stay is seen more often than the average stay).
    rng : numpy Generator

    Returns
    -------
    ndarray (D,)
        Row 0 the midpoint of the bounds; rows 1… ``δ_d + U_d (q_d − δ_d)``, ``U_d`` uniform:
        the share is partly identified, and its draws range over the identified interval
        (a uniform prior on it) on top of each draw's sampling error.

    Notes
    -----
    Measured on the truth-recovery worlds (six cities, seeds 4–6, 30 Nov 2026): the true
    share of next stays seen after a seen stay was 0.79–0.93 by city, the skip estimate
    0.86–0.96 (too high everywhere but Stockholm, most after Uppsala), the detection share
    0.73–0.84. With the skip estimate alone the tours through small cities were
    underestimated by up to 0.09 and their intervals covered 34–42 of 54 city cases.
    """
    q = np.asarray(skip_share, dtype=float)
    d = np.broadcast_to(np.asarray(detection, dtype=float), q.shape)
    lo, hi = np.minimum(q, d), np.maximum(q, d)
    u = rng.random(len(q) - 1)
    return np.r_[(lo[0] + hi[0]) / 2, lo[1:] + u * (hi[1:] - lo[1:])]


def _weeks(stays: pd.DataFrame) -> float:
    lo, hi = stays.attrs.get("period_start"), stays.attrs.get("period_end")
    if lo is None or hi is None:
        lo, hi = stays["start"].min(), stays["end"].max()
    return max(((pd.Timestamp(hi) - pd.Timestamp(lo)).days + 1) / 7.0, 1.0)


def _reach(inputs, fte, scen: dict, arrivals_multiplier=1.0):
    """Reach per language ``(D, L)`` and in any language ``(D,)`` (the engine's strategies)."""
    from capacity.question4.draws import reach_matrix

    scen = {**scen, "arrivals_multiplier": scen.get("arrivals_multiplier", 1.0)
            * np.asarray(arrivals_multiplier, dtype=float)}  # fmt: skip
    return reach_matrix(inputs, np.broadcast_to(np.asarray(fte, float), inputs.eta.shape), **scen)


def measure_reach(inputs, mob: MobilityFit | None, fte, measure: str, scen: dict) -> np.ndarray:
    """Effective reach per draw by ``measure`` (``"stay"``, ``"woman"`` or ``"tour"``).

    ``fte`` is one value or one per draw; ``scen`` the engine's scenario keywords
    (``strategy``, ``stay_multiplier``, ``arrivals_multiplier``). Without a mobility fit
    only ``"stay"`` exists.
    """
    p_lang, _ = _reach(inputs, fte, scen)
    if measure == "stay" or mob is None:
        return (inputs.pi * p_lang).sum(axis=1)
    if measure == "woman":
        return (inputs.pi * mob.per_woman(p_lang)).sum(axis=1)
    return tour_measures(inputs, mob, fte, scen=scen)[f"reach_{measure}"]


def fte_needed_measure(
    inputs, mob: MobilityFit | None, target: float, measure: str, scen: dict, ceiling: np.ndarray
) -> np.ndarray:
    """Outreach FTE per draw for reach ``target`` by ``measure`` (``inf`` if never).

    Reach per woman and per tour are non-decreasing in FTE (``tests/test_tours.py``), so
    the vectorised bisection of :func:`capacity.models.staffing.fte_needed_many` applies.
    ``ceiling`` is reach per stay at unlimited staff; per tour the ceiling is higher (other
    cities reach women too) and is checked at the largest FTE instead.
    """
    out = np.full(len(inputs), np.inf)
    ok = ceiling > target + 1e-9 if measure != "tour" else np.ones(len(inputs), dtype=bool)
    if ok.any():
        idx = np.flatnonzero(ok)
        sub, msub = inputs.subset(idx), None if mob is None else mob.subset(idx)
        s = scen.get("stay_multiplier", 1.0)
        sc = {**scen, "stay_multiplier": np.asarray(s)[idx]} if np.ndim(s) else scen
        out[ok] = fte_needed_many(
            lambda f: measure_reach(sub, msub, f, measure, sc), target, len(sub), iterations=34
        )
    return out


def seen_moves(P: np.ndarray, detection: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Moves between cities corrected for next stays that no source saw.

    Notes
    -----
    A move to a stay that was not seen looks like the end of the tour. With a share ``δ``
    of next stays seen, the observed move shares are ``P_obs = δ P``, so ``P = P_obs/δ``
    (rows scaled back to a total of at most 0.99) and the exit share is the rest. ``δ`` is
    :attr:`TourFlows.seen_next`: seeing a woman again soon after an apparent exit is the
    mark of a next stay no source saw (women who advertise are seen in every city, so this
    is far above the detection share of all stays).
    """
    d = np.asarray(detection, dtype=float)[:, None, None]
    P = np.asarray(P, dtype=float) / np.clip(d, 1e-6, 1.0)
    total = P.sum(axis=2, keepdims=True)
    P = np.where(total > 0.99, P * 0.99 / np.maximum(total, 1e-12), P)
    return P, 1.0 - P.sum(axis=2)


class MobilityResults(Results):
    """Reach per stay, per woman and per tour, with coordination, as draws and a tidy frame."""

    title = "Reach per stay, per woman and per tour"

    def __init__(self, draws: pd.DataFrame, point: dict, caveats: tuple[Caveat, ...], alpha: float):
        self.draws, self.point, self.caveats, self.alpha = draws, point, caveats, alpha

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """One row per reach measure: point estimate, SE and percentile interval of the draws."""
        a = self._alpha(alpha)
        rows = {}
        for k, est in self.point.items():
            d = self.draws[k].to_numpy(dtype=float) if k in self.draws else np.array([])
            lo, hi = percentile_interval(d, a) if len(d) else (np.nan, np.nan)
            rows[k] = (est, float(np.std(d, ddof=1)) if len(d) > 1 else np.nan, lo, hi)
        return tidy(rows)


def tour_measures(
    inputs,
    mob: MobilityFit,
    fte,
    *,
    coordination: float = 0.0,
    shared_fte: float = 0.0,
    scen: dict | None = None,
) -> dict[str, np.ndarray]:
    """Per draw: effective reach per stay, per woman, per tour through the city, national.

    Parameters
    ----------
    fte : float
        Outreach FTE of the analysed city.
    coordination : float in [0, 1]
        Share of the women reached earlier in their tour known to the next city's team
        (:func:`capacity.models.tours.coordinated_reach`).
    shared_fte : float
        FTE of a shared national function that screens each new tour's first ad once
        (an Erlang A queue with the new tours per week as arrivals, this city's screenings
        per FTE-week and patience ``7/E[T]``); a screening is usable with ``Σ π_L m_L``.
    scen : dict, optional
        The engine's scenario keywords; default the estimated strategy.
    """
    scen = {"strategy": "estimated"} if scen is None else scen
    p_lang, _ = _reach(inputs, fte, scen)
    eff = (inputs.pi * p_lang).sum(axis=1)
    woman = (inputs.pi * mob.per_woman(p_lang)).sum(axis=1)
    # the tour chain runs language by language (chain_per_language): a woman's language is
    # the same in every city. Other cities: contacted stays over arrivals (any language),
    # usable for language L as that city's team holds a contact (m_cL: its own speakers and
    # interpreter share, MobilityFit.city_usable) — shares that do not move with this
    # city's staffing, options or interpreter policy
    pi = np.asarray(inputs.pi, dtype=float)
    m = np.broadcast_to(np.asarray(inputs.m, dtype=float), pi.shape)
    c = mob.city
    # (a fit without city_usable: as a contact here, m_L)
    usable = m[:, None, :] if mob.city_usable is None else np.asarray(mob.city_usable)[None]

    def by_language(other: np.ndarray, here: np.ndarray) -> np.ndarray:
        out = other[:, :, None] * usable
        out[:, c, :] = here
        return np.clip(out, 0.0, 1.0)

    p = by_language(mob.city_reach, p_lang)
    P, x = seen_moves(mob.P, mob.seen_next)

    def before(reach):
        return reached_before_by_language(reach, P, mob.start, pi)

    if coordination > 0:
        cap = mob.city_reach / (1 - np.clip(mob.city_reach, 0, 1 - 1e-9))

        def reach_at(mult):
            pl, _ = _reach(inputs, fte, scen, arrivals_multiplier=mult[:, c])
            return by_language(capacity_reach(cap)(mult), pl)

        p = coordinated_reach(reach_at, P, x, mob.start, coordination, before=before)
    tour_l, _, u_l = chain_per_language(p, P, x, mob.start)
    tour_l = tour_l[:, c, :]
    start = np.broadcast_to(np.asarray(mob.start, dtype=float), u_l.shape[:2])
    national_l = 1.0 - (start[:, :, None] * u_l).sum(axis=1)
    if shared_fte > 0:
        served = erlang_a_served_many(
            mob.tours_per_week,
            inputs.eta * inputs.hours_per_fte,
            shared_fte,
            DAYS_PER_WEEK / inputs.stays.mean,
        )
        missed = 1 - served[:, None] * m  # per language: the shared screening unusable or missed
        tour_l = 1 - missed * (1 - tour_l)
        national_l = 1 - missed * (1 - national_l)
    tour = (pi * tour_l).sum(axis=1)
    national = (pi * national_l).sum(axis=1)
    return {"reach_stay": eff, "reach_woman": woman, "reach_tour": tour,
            "reach_tour_national": national}  # fmt: skip


def mobility_reach(
    inputs,
    mob: MobilityFit,
    fte: float,
    *,
    coordination: float = 1.0,
    alpha: float = 0.05,
) -> MobilityResults:
    """Effective reach per stay, per woman and per tour at outreach FTE ``fte``.

    Returns draws and point estimates of ``reach_stay``, ``reach_woman``, ``reach_tour``
    (tours through the city reached in any city), ``reach_tour_national``,
    ``reach_tour_coordinated`` and ``reach_tour_national_coordinated`` (a woman reached
    in one city is known to the next team, share ``coordination``) and the strategy mix.
    """
    values = tour_measures(inputs, mob, fte)
    coord = tour_measures(inputs, mob, fte, coordination=coordination)
    values["reach_tour_coordinated"] = coord["reach_tour"]
    values["reach_tour_national_coordinated"] = coord["reach_tour_national"]
    values["share_screening"] = mob.share
    draws = pd.DataFrame({k: v[1:] for k, v in values.items()})
    point = {k: float(v[0]) for k, v in values.items()}
    return MobilityResults(draws, point, mob.caveats + mob.strategy.caveats, alpha)


def coordination_scenarios(
    inputs, mob: MobilityFit, fte: float, extra_fte: float = 1.0, *, alpha: float = 0.05
) -> pd.DataFrame:
    """What coordination buys beside what the same FTE buys in the city alone.

    Rows: ``today``; ``city_alone`` (``extra_fte`` more outreach FTE in this city);
    ``known_to_next_team`` (women reached earlier in their tour known to every team, no
    extra FTE); ``shared_screening`` (a national function of ``extra_fte`` FTE screening
    each new tour once); ``both`` (known to the next team and the shared function).
    Columns: estimate and interval of reach per tour through the city and nationally, and
    ``fte_equivalent``: the FTE this city alone would need to add for the same tour reach.
    """
    scen = {
        "today": tour_measures(inputs, mob, fte),
        "city_alone": tour_measures(inputs, mob, fte + extra_fte),
        "known_to_next_team": tour_measures(inputs, mob, fte, coordination=1.0),
        "shared_screening": tour_measures(inputs, mob, fte, shared_fte=extra_fte),
        "both": tour_measures(inputs, mob, fte, coordination=1.0, shared_fte=extra_fte),
    }
    rows = []
    for name, v in scen.items():
        row = {"scenario": name}
        for k in ("reach_tour", "reach_tour_national"):
            lo, hi = percentile_interval(v[k][1:], alpha) if len(v[k]) > 1 else (np.nan,) * 2
            row.update({k: float(v[k][0]), f"{k}_ci_lower": lo, f"{k}_ci_upper": hi})
        row["fte_equivalent"] = _fte_equivalent(inputs, mob, fte, float(v["reach_tour"][0]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")


def _fte_equivalent(inputs, mob: MobilityFit, fte: float, target: float) -> float:
    """Extra FTE in this city alone that gives tour reach ``target`` (point estimate)."""
    one, sub = inputs.subset(np.array([0])), mob.subset(np.array([0]))

    def tour(f):
        return float(tour_measures(one, sub, f)["reach_tour"][0])

    if tour(fte) >= target - 1e-9:
        return 0.0
    hi = max(fte, 1.0)
    while tour(fte + hi) < target:
        hi *= 2
        if hi > 10_000:
            return float("inf")
    lo = 0.0
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if tour(fte + mid) >= target else (mid, hi)
    return hi
