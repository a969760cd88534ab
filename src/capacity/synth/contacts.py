"""Who is contacted: random-search outreach shifts and joint police operations.

Both produce *contact events* (a stay and a row of the outreach log); :func:`contact_outcomes`
then draws language, interpreter, support and trafficking indicators per event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.synth.config import CHANNELS, SynthConfig
from capacity.synth.teams import Shifts, Teams
from capacity.synth.world import World, unique_sorted


def shift_contacts(world: World, shifts: Shifts, rng: np.random.Generator):
    r"""Contact events of regular shifts under the random-search model.

    Notes
    -----
    A shift :math:`s` on day :math:`d` in city :math:`c` makes
    :math:`\mathrm{Poisson}(\eta_{ch} E_s)` contacts spread evenly over the :math:`N_{cd}`
    persons present, so each present person is contacted at hazard
    :math:`h_s = \eta_{ch} E_s / N_{cd}`. Per stay, the number of contacts is Poisson with
    mean :math:`\Lambda = \sum_{s \in \text{stay}} h_s`, and each contact falls on shift
    :math:`s` with probability :math:`h_s/\Lambda` (inverse CDF on the cumulative hazard).
    Summed over persons this is exactly :math:`\mathrm{Poisson}(\eta_{ch} E_s)` per shift.

    Returns
    -------
    stay, shift : ndarray
        One entry per distinct (stay, shift) contact.
    """
    width = world.present.shape[1]
    n_present = world.present[shifts.team, shifts.day - world.cal.first]
    h = np.divide(shifts.rate, n_present, out=np.zeros(len(shifts.rate)), where=n_present > 0)
    cum = np.concatenate([[0.0], np.cumsum(h)])
    key = shifts.team.astype(np.int64) * (width + 10) + (shifts.day - world.cal.first)
    base = world.stay_city.astype(np.int64) * (width + 10) - world.cal.first
    lo = np.searchsorted(key, base + world.stay_arrive, side="left")
    leave = np.minimum(world.stay_leave, world.cal.horizon - 1)
    hi = np.searchsorted(key, base + leave, side="right")
    lam = cum[hi] - cum[lo]
    n = rng.poisson(lam)
    stay = np.repeat(np.arange(len(n)), n)
    u = cum[lo][stay] + rng.random(len(stay)) * lam[stay]
    shift = np.searchsorted(cum, u, side="right") - 1
    shift = np.clip(shift, lo[stay], hi[stay] - 1)
    pairs = unique_sorted(stay.astype(np.int64) * len(h) + shift)
    return pairs // len(h), pairs % len(h)


def screening_contacts(
    world: World, shifts: Shifts, screens: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    r"""Contact events of shifts that screen new arrivals (a queue, newest first).

    Parameters
    ----------
    screens : ndarray of int
        Indices of the screening shifts (sorted by team and day, as :class:`Shifts` are).

    Notes
    -----
    Every stay joins its city's queue on the day it begins and leaves it when screened or
    when the stay ends (abandonment at the stay's end, as in the Erlang A model of
    ``docs/methods/reach.md``). A screening shift :math:`s` can screen
    :math:`K_s \sim \mathrm{Poisson}(\eta_{ch} E_s)` stays; it takes the :math:`K_s` most
    recently arrived stays still waiting and present (new ads first), each stay at most once.
    With fewer waiting than :math:`K_s` it screens all of them. Stays arriving on the same
    day queue in random order: the stay arrays list every tour's first stay before its
    later ones, so ordering ties by index put the touring women's later stays ahead of the
    arrivals from abroad (first stays of mixture and screening worlds reached 0.012–0.016
    below their city-and-language mean, later stays 0.017–0.023 above it; seeds 4–9,
    scale 0.1; ``docs/methods/tours.md``, "Truth recovery"). One pass per screening shift
    (a few thousand per city and period), each over the stays still waiting.

    Returns
    -------
    stay, shift : ndarray
        One entry per screening contact.
    """
    out_stay: list[np.ndarray] = [np.empty(0, np.int64)]
    out_shift: list[np.ndarray] = [np.empty(0, np.int64)]
    want = rng.poisson(shifts.rate[screens])
    tie = rng.random(len(world.stay_arrive))  # after `want`: the draws of K are unchanged
    for team in np.unique(shifts.team[screens]):
        mine = screens[shifts.team[screens] == team]
        k_of = want[shifts.team[screens] == team]
        idx = np.flatnonzero(world.stay_city == team)
        idx = idx[np.lexsort((tie[idx], world.stay_arrive[idx]))]
        arrive, leave = world.stay_arrive[idx], world.stay_leave[idx]
        done = np.zeros(len(idx), dtype=bool)
        lo = 0
        for s, k in zip(mine, k_of, strict=True):
            d = shifts.day[s]
            hi = int(np.searchsorted(arrive, d, side="right"))
            gone = done[lo:hi] | (leave[lo:hi] < d)
            lo += int(np.argmin(gone)) if not gone.all() else hi - lo
            if k == 0 or lo >= hi:
                continue
            wait = np.flatnonzero(~done[lo:hi] & (leave[lo:hi] >= d))[::-1][:k] + lo
            done[wait] = True
            out_stay.append(idx[wait])
            out_shift.append(np.full(len(wait), s, dtype=np.int64))
    return np.concatenate(out_stay), np.concatenate(out_shift)


def outreach_contacts(
    cfg: SynthConfig, world: World, shifts: Shifts, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Contact events of regular shifts: random search, and screening.

    Screening is on the channels in ``cfg.screening_channels`` (:func:`screening_contacts`).

    Returns (stay, shift) pairs sorted by stay, then shift. With no screening channel this is
    exactly :func:`shift_contacts` (same random numbers), so default worlds do not change.
    """
    if not cfg.screening_channels:
        return shift_contacts(world, shifts, rng)
    codes = [CHANNELS.index(c) for c in cfg.screening_channels]
    screen = np.isin(shifts.channel, codes)
    search = np.flatnonzero(~screen)
    sub = Shifts(*(getattr(shifts, f)[search] for f in Shifts.__dataclass_fields__))
    r_stay, r_shift = shift_contacts(world, sub, rng)
    s_stay, s_shift = screening_contacts(world, shifts, np.flatnonzero(screen), rng)
    stay = np.concatenate([r_stay, s_stay])
    shift = np.concatenate([search[r_shift], s_shift])
    order = np.lexsort((shift, stay))
    return stay[order], shift[order]


@dataclass(frozen=True)
class Operations:
    """Joint police operations (one entry per operation) and who they met."""

    city: np.ndarray
    start: np.ndarray
    days: np.ndarray
    buyers: np.ndarray
    social_workers: np.ndarray
    mandate: np.ndarray  # 'buyers' / 'sellers' / 'both'
    enc_op: np.ndarray  # encounter events: operation index
    enc_stay: np.ndarray  # stay encountered
    enc_day: np.ndarray  # day of the encounter
    enc_contacted: np.ndarray  # bool: contacted by a social worker


def simulate_operations(
    cfg: SynthConfig, world: World, share: np.ndarray, rng: np.random.Generator
) -> Operations:
    """Operations per city and year; encounters among persons present; contacts by mandate."""
    cal = world.cal
    n_c = len(share)
    years = np.array(cfg.years)
    rel = np.sqrt(share / share[0])
    per_year = rng.poisson(cfg.operations_per_year_stockholm * rel[:, None], (n_c, len(years)))
    c_idx, y_idx = np.nonzero(per_year)
    reps = per_year[c_idx, y_idx]
    city = np.repeat(c_idx, reps)
    year = years[np.repeat(y_idx, reps)]
    jan1 = (pd.to_datetime(year.astype(str) + "-01-01") - cal.origin).days.to_numpy()
    start = jan1 + (rng.random(len(city)) * 358).astype(np.int64)
    op_days = dict(cfg.op_days)
    days = rng.choice(np.array(list(op_days)), size=len(city), p=list(op_days.values()))
    buyers = rng.poisson(cfg.buyers_per_op_day * days * rel[city])
    social_workers = 1 + rng.poisson(cfg.social_workers_mean - 1, len(city))
    probs = dict(cfg.mandate_probs)
    mandate = rng.choice(np.array(list(probs)), size=len(city), p=list(probs.values()))
    letter = dict(cfg.letter_operation)
    names = list(world.city_names)
    l_start = (pd.Timestamp(f"{cfg.end.year}-{letter['start_month_day']}") - cal.origin).days
    if letter["city"] in names and 0 <= l_start < cal.n_period:
        city = np.append(city, names.index(letter["city"]))
        start = np.append(start, l_start)
        days = np.append(days, letter["days"])
        buyers = np.append(buyers, letter["buyers"])
        social_workers = np.append(social_workers, letter["social_workers"])
        mandate = np.append(mandate, letter["mandate"])
    start = np.minimum(start, cal.n_period - days)
    order = np.lexsort((city, start))
    city, start, days = city[order], start[order], days[order]
    buyers, social_workers, mandate = buyers[order], social_workers[order], mandate[order]
    # encounters: per operation a mask over the stays in its city (operations are few)
    enc: list[list[np.ndarray]] = [[np.empty(0, np.int64)] for _ in range(3)]
    by_city = {c: np.flatnonzero(world.stay_city == c) for c in np.unique(city)}
    for k in range(len(city)):  # a few hundred operations at most
        s_idx = by_city[city[k]]
        first = np.maximum(world.stay_arrive[s_idx], start[k])
        last = np.minimum(world.stay_leave[s_idx], start[k] + days[k] - 1)
        overlap = last - first + 1
        p_hit = 1 - (1 - cfg.p_encounter_per_day) ** np.clip(overlap, 0, None)
        hit = rng.random(len(s_idx)) < p_hit
        day = first[hit] + (rng.random(int(hit.sum())) * overlap[hit]).astype(np.int64)
        enc[0].append(np.full(int(hit.sum()), k))
        enc[1].append(s_idx[hit])
        enc[2].append(day)
    enc_op, enc_stay, enc_day = (np.concatenate(e).astype(np.int64) for e in enc)
    # contacts among the encountered: Poisson(eta_op * factor * hours), at most all of them
    factor = np.array([dict(cfg.mandate_contact_factor)[m] for m in mandate])
    hours = social_workers * cfg.op_hours_per_day * days
    want = rng.poisson(dict(cfg.eta)["operation"] * factor * hours)
    rank_key = rng.random(len(enc_op))
    order = np.lexsort((rank_key, enc_op))
    enc_op, enc_stay, enc_day = enc_op[order], enc_stay[order], enc_day[order]
    first_of_op = np.searchsorted(enc_op, enc_op, side="left")
    rank = np.arange(len(enc_op)) - first_of_op
    contacted = rank < want[enc_op]
    return Operations(
        city=city,
        start=start,
        days=days,
        buyers=buyers,
        social_workers=social_workers,
        mandate=mandate,
        enc_op=enc_op,
        enc_stay=enc_stay,
        enc_day=enc_day,
        enc_contacted=contacted,
    )


def contact_outcomes(
    cfg: SynthConfig,
    world: World,
    teams: Teams,
    stay: np.ndarray,
    team: np.ndarray,
    day: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Per contact event: own language, interpreter, support offered/accepted, indicators."""
    person = world.stay_person[stay]
    month = world.cal.month_index(day)
    own = teams.speaks[team, month, world.person_lang[person]]
    n = len(stay)
    interp = ~own & (rng.random(n) < cfg.p_interpreter)
    understood = own | interp
    offered = rng.random(n) < np.where(
        understood, cfg.p_offer_understood, cfg.p_offer_not_understood
    )
    accepted = offered & (rng.random(n) < cfg.p_accept)
    share = teams.trained_share[team, month]
    p_id = share * cfg.p_identify_trained + (1 - share) * cfg.p_identify_untrained
    p_id = np.where(understood, p_id, cfg.identify_not_understood * p_id)
    indicators = world.person_trafficked[person] & (rng.random(n) < p_id)
    referred = (indicators | accepted) & (rng.random(n) < cfg.p_refer)
    return {
        "own": own,
        "interpreter": interp,
        "understood": understood,
        "offered": offered,
        "accepted": accepted,
        "indicators": indicators,
        "referred": referred,
    }
