"""Outreach teams: staff per month (languages, training, time) and the shifts they run."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from capacity.synth.config import CHANNELS, SynthConfig
from capacity.synth.world import Calendar


def team_code(city: str) -> str:
    """Lower-case ASCII team code of a city's outreach team, e.g. ``goteborg_outreach``."""
    ascii_ = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode().lower()
    return f"{ascii_.replace(' ', '_')}_outreach"


def team_sizes(cfg: SynthConfig, share: np.ndarray) -> np.ndarray:
    """Staff per team: Stockholm's size times the square root of the relative group size."""
    return np.maximum(1, np.round(cfg.team_size_stockholm * np.sqrt(share / share[0]))).astype(int)


@dataclass(frozen=True)
class Teams:
    """Staff members per month and the team-month aggregates the contact model needs."""

    # one row per (slot, month) over the simulated months
    row_member: np.ndarray
    row_team: np.ndarray
    row_month: np.ndarray
    row_trained: np.ndarray
    # one entry per staff member
    member_fte: np.ndarray
    member_share: np.ndarray
    member_languages: np.ndarray  # ';'-joined ISO 639-1 codes
    # team × month
    outreach_hours_week: np.ndarray
    speaks: np.ndarray  # (team, month, language) bool
    trained_share: np.ndarray


def simulate_teams(
    cfg: SynthConfig,
    cal: Calendar,
    share: np.ndarray,
    languages: tuple[str, ...],
    rng: np.random.Generator,
) -> Teams:
    """Staff slots per team; a slot changes hands with monthly probability ``turnover``."""
    sizes = team_sizes(cfg, share)
    n_t, n_m = len(sizes), cal.n_months
    slot_team = np.repeat(np.arange(n_t), sizes)
    n_s = len(slot_team)
    change = rng.random((n_s, n_m)) < cfg.staff_turnover_per_month
    change[:, 0] = False
    gen = np.cumsum(change, axis=1)
    key = np.arange(n_s)[:, None] * (n_m + 1) + gen
    members, member_of = np.unique(key.ravel(), return_inverse=True)
    n_p = len(members)
    month = np.tile(np.arange(n_m), n_s)
    hired = np.full(n_p, n_m)
    np.minimum.at(hired, member_of, month)
    levels = dict(cfg.fte_levels)
    fte = rng.choice(np.array(list(levels)), size=n_p, p=list(levels.values()))
    share = rng.normal(cfg.outreach_share_mean, cfg.outreach_share_sd, n_p)
    outreach_share = np.round(np.clip(share, 0.1, 0.8), 2)
    extra = dict(cfg.p_speaks)
    speaks_member = np.zeros((n_p, len(languages)), dtype=bool)
    lang_text = np.full(n_p, "sv;en", dtype=object)
    for code in ("sv", "en"):
        if code in languages:
            speaks_member[:, languages.index(code)] = True
    for code, p in extra.items():  # a handful of languages, not a loop over data
        has = rng.random(n_p) < p
        if code in languages:
            speaks_member[:, languages.index(code)] |= has
        lang_text = np.where(has, lang_text + ";" + code, lang_text)
    trained_at_hire = rng.random(n_p) < cfg.p_trained
    trained_from = np.where(
        trained_at_hire, hired, hired + rng.geometric(cfg.training_per_month, n_p)
    )
    trained = month >= trained_from[member_of]
    row_team = np.repeat(slot_team, n_m)
    # team-month aggregates
    hours = fte * outreach_share * cfg.hours_per_fte_week
    tm = row_team * n_m + month
    hours_tm = np.bincount(tm, weights=hours[member_of], minlength=n_t * n_m)
    trained_tm = np.bincount(tm, weights=hours[member_of] * trained, minlength=n_t * n_m)
    trained_share = np.divide(trained_tm, hours_tm, out=np.zeros_like(hours_tm), where=hours_tm > 0)
    speaks = np.zeros((n_t * n_m, len(languages)), dtype=bool)
    np.logical_or.at(speaks, tm, speaks_member[member_of])
    return Teams(
        row_member=member_of,
        row_team=row_team,
        row_month=month,
        row_trained=trained,
        member_fte=fte,
        member_share=outreach_share,
        member_languages=lang_text.astype(str),
        outreach_hours_week=hours_tm.reshape(n_t, n_m),
        speaks=speaks.reshape(n_t, n_m, len(languages)),
        trained_share=trained_share.reshape(n_t, n_m),
    )


@dataclass(frozen=True)
class Shifts:
    """Regular outreach shifts (online, street, venue) over the simulated days."""

    team: np.ndarray
    day: np.ndarray
    channel: np.ndarray  # index into CHANNELS
    staff: np.ndarray
    staff_hours: np.ndarray
    rate: np.ndarray  # expected contacts, eta_channel * staff_hours


def simulate_shifts(
    cfg: SynthConfig, cal: Calendar, teams: Teams, rng: np.random.Generator
) -> Shifts:
    r"""Shifts per team, week and channel ~ Poisson(field hours × mix / hours per shift).

    Notes
    -----
    A team's logged outreach hours per week are
    :math:`f \sum_i \mathrm{fte}_i \, s_i \, 40` with :math:`f` the field share and
    :math:`s_i` the outreach share of staff member :math:`i` in that month.
    """
    mix, staff0, hours0 = dict(cfg.channel_mix), dict(cfg.shift_staff), dict(cfg.shift_hours)
    chans = [c for c in CHANNELS if c in mix]
    week_start = np.arange(cal.first, cal.horizon, 7)
    m = cal.month_index(week_start)
    field = teams.outreach_hours_week[:, m] * cfg.field_share  # (team, week)
    per_shift = np.array([staff0[c] * hours0[c] for c in chans])
    lam = field[:, :, None] * np.array([mix[c] for c in chans]) / per_shift
    n = rng.poisson(lam)
    t_idx, w_idx, c_idx = np.nonzero(n)
    reps = n[t_idx, w_idx, c_idx]
    team = np.repeat(t_idx, reps)
    chan_local = np.repeat(c_idx, reps)
    channel = np.array([CHANNELS.index(c) for c in chans])[chan_local]
    span = np.where(np.array(chans)[chan_local] == "online", 5, 7)
    day = np.repeat(week_start[w_idx], reps) + (rng.random(len(team)) * span).astype(np.int64)
    keep = day < cal.horizon
    team, day, channel, chan_local = team[keep], day[keep], channel[keep], chan_local[keep]
    k = len(team)
    staff = np.array([staff0[c] for c in chans])[chan_local]
    staff = staff + ((staff > 1) & (rng.random(k) < cfg.p_extra_staff))
    factor = rng.choice(np.array(cfg.shift_hours_factors), size=k)
    hours = np.array([hours0[c] for c in chans])[chan_local] * factor
    staff_hours = staff * hours
    eta = dict(cfg.eta)
    rate = np.array([eta[c] for c in CHANNELS])[channel] * staff_hours
    order = np.lexsort((channel, day, team))
    return Shifts(
        team=team[order],
        day=day[order],
        channel=channel[order],
        staff=staff[order],
        staff_hours=staff_hours[order],
        rate=rate[order],
    )
