"""Assemble the four data tables (and the event arrays the truth needs) from the world."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.synth.config import CHANNELS, SOURCES, SynthConfig
from capacity.synth.contacts import (
    Operations,
    contact_outcomes,
    outreach_contacts,
    shift_contacts,
    simulate_operations,
)
from capacity.synth.teams import Shifts, Teams, simulate_shifts, simulate_teams, team_code
from capacity.synth.world import World, unique_sorted

ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)


def pseudonyms(n: int, rng: np.random.Generator, length: int = 12) -> np.ndarray:
    """``n`` distinct url-safe pseudonyms of ``length`` characters (72 bits) from a seeded RNG."""
    codes = ALPHABET[rng.integers(0, len(ALPHABET), size=(n, length))]
    ids = np.ascontiguousarray(codes).view(f"S{length}").ravel().astype(str)
    if pd.Series(ids).duplicated().any():  # 64**12 possibilities: practically never
        return pseudonyms(n, rng, length + 2)
    return ids


@dataclass(frozen=True)
class Events:
    """Contact events (outreach log rows ⟷ stays) with their outcomes, and sightings."""

    row: np.ndarray  # outreach log row (regular shifts first, then one row per operation)
    stay: np.ndarray
    day: np.ndarray
    outcome: dict[str, np.ndarray]
    new: np.ndarray  # first contact of this team with this person
    sight_stay: np.ndarray
    sight_day: np.ndarray
    sight_source: np.ndarray  # index into SOURCES


def ads_sightings(
    cfg: SynthConfig,
    world: World,
    site: np.ndarray,
    every: int,
    offset: int,
    rng: np.random.Generator,
):
    """Sightings on one ad site: the ad's posting day, then snapshots while the person stays.

    Notes
    -----
    A stay of an advertiser on this site is captured with probability
    ``p_capture_ads`` whatever its length (sighting on the day of arrival); a captured ad
    is seen on each snapshot day ``offset + every·j`` of the stay with probability
    ``p_snapshot_ads``. Only days inside the period are observed.
    """
    stays = np.flatnonzero(site[world.stay_person])
    stays = stays[rng.random(len(stays)) < cfg.p_capture_ads]
    arrive = world.stay_arrive[stays]
    posted = (arrive >= 0) & (arrive < world.cal.n_period)
    lo = np.maximum(arrive + 1, 0)
    hi = np.minimum(world.stay_leave[stays], world.cal.n_period - 1)
    first = lo + np.mod(offset - lo, every)
    count = np.where(first <= hi, (hi - first) // every + 1, 0)
    stay = np.repeat(stays, count)
    step = np.arange(len(stay)) - np.repeat(np.cumsum(count) - count, count)
    day = np.repeat(first, count) + every * step
    seen = rng.random(len(stay)) < cfg.p_snapshot_ads
    return (
        np.concatenate([stays[posted], stay[seen]]),
        np.concatenate([arrive[posted], day[seen]]),
    )


def ads_sightings_per_day(
    world: World, site: np.ndarray, p_day: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Sightings on one ad site that sees each present advertiser daily with chance ``p_day``.

    Notes
    -----
    Every day of an advertiser's stay inside the period is an independent Bernoulli
    (``p_day``) trial, so a stay of ``D`` days in the period is on the list with chance
    ``1 − (1 − p_day)^D``: capture grows with time present (the assumption-breaking world of
    issue 9; the calibrated world captures the ad once per stay). Expanded stay by day.
    """
    stays = np.flatnonzero(site[world.stay_person])
    lo = np.maximum(world.stay_arrive[stays], 0)
    hi = np.minimum(world.stay_leave[stays], world.cal.n_period - 1)
    days = np.clip(hi - lo + 1, 0, None)
    rep = np.repeat(np.arange(len(stays)), days)
    pos = np.arange(len(rep)) - np.repeat(np.cumsum(days) - days, days)
    seen = rng.random(len(rep)) < p_day
    return stays[rep[seen]], lo[rep[seen]] + pos[seen]


def _dependent_shift_contacts(cfg, world: World, shifts: Shifts, ad_stay: np.ndarray, rng):
    r"""Contacts when online outreach works from the ads (``outreach_from_ads = f ≠ 1``).

    Notes
    -----
    Street and venue shifts search at random as in :func:`shift_contacts`. An online shift
    contacts a present person at hazard :math:`h_i = \eta E_s w_i / W_{cd}` with
    :math:`w_i = f` for a stay with an ad sighting and 1 otherwise, and
    :math:`W_{cd} = \sum_{\text{present}} w`: still :math:`\mathrm{Poisson}(\eta E_s)`
    contacts per shift, but advertisers seen on the ads are contacted ``f`` times as often
    (the lists "ads" and "outreach" become positively dependent).
    """
    online = shifts.channel == CHANNELS.index("online")
    pieces = []
    idx = np.flatnonzero(~online)
    sub = dataclasses.replace(shifts, **{k: getattr(shifts, k)[idx] for k in _SHIFT_FIELDS})
    st, sh = shift_contacts(world, sub, rng)
    pieces.append((st, idx[sh]))
    # weighted presence W = present + (f − 1)·(present with an ad)
    cal = world.cal
    width = cal.horizon - cal.first
    ads = np.flatnonzero(ad_stay)
    start_at = world.stay_city[ads] * (width + 1) + (world.stay_arrive[ads] - cal.first)
    stop_at = world.stay_city[ads] * (width + 1) + (
        np.minimum(world.stay_leave[ads] + 1, cal.horizon) - cal.first
    )
    size = len(world.city_names) * (width + 1)
    diff = np.bincount(start_at, minlength=size) - np.bincount(stop_at, minlength=size)
    with_ad = np.cumsum(diff.reshape(len(world.city_names), width + 1), axis=1)[:, :width]
    f = cfg.outreach_from_ads
    weighted = world.present + (f - 1.0) * with_ad
    idx = np.flatnonzero(online)
    for group, w in ((ad_stay, f), (~ad_stay, 1.0)):
        members = np.flatnonzero(group)
        part = dataclasses.replace(
            world,
            present=weighted,
            stay_person=world.stay_person[members],
            stay_city=world.stay_city[members],
            stay_arrive=world.stay_arrive[members],
            stay_leave=world.stay_leave[members],
        )
        sub = dataclasses.replace(
            shifts,
            **{k: getattr(shifts, k)[idx] for k in _SHIFT_FIELDS},
        )
        sub = dataclasses.replace(sub, rate=sub.rate * w)
        st, sh = shift_contacts(part, sub, rng)
        pieces.append((members[st], idx[sh]))
    stay = np.concatenate([p[0] for p in pieces])
    shift = np.concatenate([p[1] for p in pieces])
    pairs = unique_sorted(stay.astype(np.int64) * len(shifts.team) + shift)
    return pairs // len(shifts.team), pairs % len(shifts.team)


_SHIFT_FIELDS = ("team", "day", "channel", "staff", "staff_hours", "rate")


def simulate_events(cfg: SynthConfig, world: World, share: np.ndarray, rngs: dict):
    """Teams, shifts, operations, contacts and sightings, all as index arrays."""
    teams = simulate_teams(cfg, world.cal, share, world.languages, rngs["teams"])
    shifts = simulate_shifts(cfg, world.cal, teams, rngs["shifts"])
    a_stay, a_day, b_stay, b_day = _ads(cfg, world, rngs)
    if cfg.outreach_from_ads != 1.0:
        ad_stay = np.zeros(len(world.stay_person), dtype=bool)
        ad_stay[a_stay] = True
        ad_stay[b_stay] = True
        s_stay, s_shift = _dependent_shift_contacts(cfg, world, shifts, ad_stay, rngs["contacts"])
    else:
        s_stay, s_shift = outreach_contacts(cfg, world, shifts, rngs["contacts"])
    ops = simulate_operations(cfg, world, share, rngs["operations"])
    n_r = len(shifts.team)
    hit = ops.enc_contacted
    row = np.concatenate([s_shift, n_r + ops.enc_op[hit]])
    stay = np.concatenate([s_stay, ops.enc_stay[hit]])
    day = np.concatenate([shifts.day[s_shift], ops.enc_day[hit]])
    team = np.concatenate([shifts.team, ops.city])[row]
    rng = rngs["outcomes"]
    outcome = contact_outcomes(cfg, world, teams, stay, team, day, rng)
    outcome.update(contact_levels(cfg, world, shifts, row, stay, outcome, rngs["levels"]))
    person = world.stay_person[stay]
    order = np.lexsort((row, day, person, team))
    same = (team[order][1:] == team[order][:-1]) & (person[order][1:] == person[order][:-1])
    new = np.empty(len(row), dtype=bool)
    new[order] = np.concatenate([[True], ~same])
    # sightings: ads (drawn above), outreach contacts, police encounters (inside the period)
    in_p = (day >= 0) & (day < world.cal.n_period)
    parts = [(a_stay, a_day, 0), (b_stay, b_day, 1), (stay[in_p], day[in_p], 2)]
    parts.append((ops.enc_stay, ops.enc_day, 3))
    sight_stay = np.concatenate([p[0] for p in parts])
    sight_day = np.concatenate([p[1] for p in parts])
    sight_source = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int8) for p in parts])
    key = (sight_day * 4 + sight_source) * len(world.stay_person) + sight_stay
    _, first = unique_sorted(key, return_index=True)
    events = Events(
        row=row,
        stay=stay,
        day=day,
        outcome=outcome,
        new=new,
        sight_stay=sight_stay[first],
        sight_day=sight_day[first],
        sight_source=sight_source[first],
    )
    return teams, shifts, ops, events


def contact_levels(cfg: SynthConfig, world: World, shifts: Shifts, row, stay, outcome, rng):
    r"""Per contact event: is it a conversation, is it written, and the level it reaches.

    Notes
    -----
    Street, venue and operation contacts are conversations; an online contact is one (a call
    or a meeting) with probability ``online_conversation_share``, else a written message.
    A contact reaches the woman at level (b), *a conversation in a language she
    understands*, when it is a conversation and understood (own language or interpreter);
    at level (a), *information in a language she understands*, when it is understood or
    it is written and her language is one of ``written_languages`` — the two levels of
    ``docs/methods/reach.md`` ("Levels of reach"), which the estimator models as
    :math:`m^b_L = 1 - (1 - s_L)(1 - ι)` and
    :math:`m^a_L = 1 - (1 - s_L)(1 - ι)(1 - w\,t_L)`.
    """
    n_r = len(shifts.team)
    is_shift = row < n_r
    channel = np.full(len(row), CHANNELS.index("operation"))
    channel[is_shift] = shifts.channel[row[is_shift]]
    online = channel == CHANNELS.index("online")
    talk = ~online | (rng.random(len(row)) < cfg.online_conversation_share)
    written = online & ~talk
    codes = [list(world.languages).index(c) for c in cfg.written_languages
             if c in world.languages]  # fmt: skip
    in_written = np.isin(world.person_lang[world.stay_person[stay]], codes)
    understood = outcome["understood"]
    return {
        "conversation": talk,
        "written": written,
        "level_information": understood | (written & in_written),
        "level_conversation": talk & understood,
    }


def _ads(cfg: SynthConfig, world: World, rngs: dict):
    """Sightings of both ad sites (each from its own random stream)."""
    if cfg.ads_capture == "per_day":
        a = ads_sightings_per_day(world, world.person_ads_a, cfg.p_ads_per_day_a, rngs["ads_a"])
        b = ads_sightings_per_day(world, world.person_ads_b, cfg.p_ads_per_day_b, rngs["ads_b"])
        return (*a, *b)
    a = ads_sightings(cfg, world, world.person_ads_a, cfg.snapshot_every_days_a, 0, rngs["ads_a"])
    b = ads_sightings(
        cfg,
        world,
        world.person_ads_b,
        cfg.snapshot_every_days_b,
        cfg.snapshot_offset_b,
        rngs["ads_b"],
    )
    return (*a, *b)


def _dates(world: World, t: np.ndarray) -> pd.Series:
    return pd.Series(world.cal.to_date(t).astype("datetime64[ns]"))


def _string(values) -> pd.Series:
    return pd.Series(np.asarray(values), dtype="string")


def text(codes: np.ndarray, categories) -> pd.Series:
    """A pandas ``string`` column from integer codes (−1 → ``<NA>``), without Python objects."""
    cat = pd.Categorical.from_codes(np.asarray(codes), categories=np.asarray(categories))
    return pd.Series(cat).astype("string")


def take_ids(ids: pd.Series, index: np.ndarray) -> pd.Series:
    """Pseudonyms of the given persons (or staff) as a fresh ``string`` column."""
    return ids.take(index).reset_index(drop=True)


def sightings_table(cfg, world: World, ev: Events, person_ids: pd.Series, rng) -> pd.DataFrame:
    """``sightings``: one row per person, day, city and source.

    Sorted by date, city index, source and person index, so the table is deterministic.
    """
    person = world.stay_person[ev.sight_stay]
    city = world.stay_city[ev.sight_stay]
    known_p = np.array([cfg.p_language_known_ads, cfg.p_language_known_ads, 1.0])
    known_p = np.append(known_p, cfg.p_language_known_police)[ev.sight_source]
    known = rng.random(len(person)) < known_p
    lang = np.where(known, world.person_lang[person], -1)
    order = np.lexsort((person, ev.sight_source, city, ev.sight_day))
    return pd.DataFrame(
        {
            "person_id": take_ids(person_ids, person[order]),
            "date": _dates(world, ev.sight_day[order]),
            "city": text(city[order], world.city_names),
            "source": text(ev.sight_source[order], SOURCES),
            "language": text(lang[order], world.languages),
        }
    )


def outreach_table(
    cfg, world: World, shifts: Shifts, ops: Operations, ev: Events
) -> tuple[pd.DataFrame, np.ndarray]:
    """``outreach``: one row per shift in the period (regular shifts, then operations)."""
    op_hours = ops.social_workers * cfg.op_hours_per_day * ops.days
    team = np.concatenate([shifts.team, ops.city])
    day = np.concatenate([shifts.day, ops.start])
    channel = np.concatenate([shifts.channel, np.full(len(ops.city), CHANNELS.index("operation"))])
    staff = np.concatenate([shifts.staff, ops.social_workers])
    hours = np.concatenate([shifts.staff_hours, op_hours.astype(float)])
    n = len(team)

    def count(flag: np.ndarray) -> np.ndarray:
        return np.bincount(ev.row[flag], minlength=n).astype(np.int64)

    ones = np.ones(len(ev.row), dtype=bool)
    o = ev.outcome
    codes = np.array([team_code(c) for c in world.city_names])
    frame = pd.DataFrame(
        {
            "date": _dates(world, day),
            "city": _string(world.city_names[team]),
            "team": _string(codes[team]),
            "channel": _string(np.array(CHANNELS)[channel]),
            "staff": staff.astype(np.int64),
            "staff_hours": np.round(hours, 2),
            "contacts": count(ones),
            "new_persons": count(ev.new),
            "contacts_own_language": count(o["own"]),
            "interpreter_used": count(o["interpreter"]),
            "support_offered": count(o["offered"]),
            "support_accepted": count(o["accepted"]),
            "trafficking_indicators": count(o["indicators"]),
            "referrals": count(o["referred"]),
        }
    )
    keep = (day >= 0) & (day < world.cal.n_period)
    frame = frame[keep]
    return frame.sort_values(["date", "team", "channel"], kind="stable", ignore_index=True), keep


def operations_table(cfg, world: World, ops: Operations, ev: Events, n_shifts: int, rng):
    """``operations``: one row per joint operation, with what happened to the sellers met."""
    n = len(ops.city)
    enc = np.bincount(ops.enc_op, minlength=n)
    op_event = ev.row >= n_shifts
    op = ev.row[op_event] - n_shifts
    o = {k: v[op_event] for k, v in ev.outcome.items()}
    contacted = np.bincount(op, minlength=n)
    informed = np.bincount(op, weights=o["understood"], minlength=n).astype(np.int64)
    accepted = np.bincount(op, weights=o["accepted"], minlength=n).astype(np.int64)
    referred = np.bincount(op, weights=o["indicators"] & o["referred"], minlength=n)
    median = np.array([dict(cfg.days_to_support_median)[m] for m in ops.mandate])
    days_to = np.round(median * np.exp(rng.normal(0, cfg.days_to_support_sdlog, n)), 1)
    end = ops.start + ops.days - 1
    year = world.cal.year(ops.start)
    seq = pd.Series(year).groupby(year).cumcount().to_numpy() + 1
    ids = [f"op-{y}-{k:03d}" for y, k in zip(year, seq, strict=True)]  # a few hundred labels
    return pd.DataFrame(
        {
            "operation_id": _string(ids),
            "start_date": _dates(world, ops.start),
            "end_date": _dates(world, end),
            "city": _string(world.city_names[ops.city]),
            "buyers_suspected": ops.buyers.astype(np.int64),
            "social_workers": ops.social_workers.astype(np.int64),
            "mandate": _string(ops.mandate),
            "sellers_encountered": enc.astype(np.int64),
            "sellers_contacted": contacted.astype(np.int64),
            "sellers_informed_of_rights": informed,
            "reflection_period_offered": rng.binomial(informed, cfg.p_reflection_offered),
            "support_accepted": accepted,
            "referrals_trafficking": referred.astype(np.int64),
            "days_to_support": np.where(accepted > 0, days_to, np.nan),
        }
    )


def staff_table(world: World, teams: Teams, staff_ids: np.ndarray) -> pd.DataFrame:
    """``staff``: one row per staff member and month of the period."""
    cal = world.cal
    m0, m1 = cal.month_index(np.array([0, cal.n_period - 1]))
    keep = (teams.row_month >= m0) & (teams.row_month <= m1)
    member, team, month = teams.row_member[keep], teams.row_team[keep], teams.row_month[keep]
    first = cal.dates[0].to_period("M")
    months = pd.period_range(first, periods=cal.n_months, freq="M").to_timestamp()
    codes = np.array([team_code(c) for c in world.city_names])
    frame = pd.DataFrame(
        {
            "month": pd.Series(months.to_numpy()[month]).astype("datetime64[ns]"),
            "staff_id": _string(staff_ids[member]),
            "city": _string(world.city_names[team]),
            "team": _string(codes[team]),
            "fte": teams.member_fte[member],
            "outreach_share": teams.member_share[member],
            "languages": _string(teams.member_languages[member]),
            "trafficking_trained": teams.row_trained[keep],
        }
    )
    return frame.sort_values(["month", "team", "staff_id"], ignore_index=True)
