"""Assemble the four data tables (and the event arrays the truth needs) from the world."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.synth.config import CHANNELS, SOURCES, SynthConfig
from capacity.synth.contacts import (
    Operations,
    contact_outcomes,
    outreach_contacts,
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


def simulate_events(cfg: SynthConfig, world: World, share: np.ndarray, rngs: dict):
    """Teams, shifts, operations, contacts and sightings, all as index arrays."""
    teams = simulate_teams(cfg, world.cal, share, world.languages, rngs["teams"])
    shifts = simulate_shifts(cfg, world.cal, teams, rngs["shifts"])
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
    person = world.stay_person[stay]
    order = np.lexsort((row, day, person, team))
    same = (team[order][1:] == team[order][:-1]) & (person[order][1:] == person[order][:-1])
    new = np.empty(len(row), dtype=bool)
    new[order] = np.concatenate([[True], ~same])
    # sightings: ads snapshots, outreach contacts, police encounters (inside the period)
    a_stay, a_day = ads_sightings(
        cfg, world, world.person_ads_a, cfg.snapshot_every_days_a, 0, rngs["ads_a"]
    )
    b_stay, b_day = ads_sightings(
        cfg,
        world,
        world.person_ads_b,
        cfg.snapshot_every_days_b,
        cfg.snapshot_offset_b,
        rngs["ads_b"],
    )
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
    """``sightings``: one row per person, day, city and source (sorted by date, city index,
    source, person index: deterministic)."""
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
