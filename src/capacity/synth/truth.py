"""The known truth written beside the synthetic data: stays, population per quarter, params."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from capacity.synth.build import Events, take_ids, text
from capacity.synth.config import CHANNELS, SynthConfig
from capacity.synth.world import World, unique_sorted


def _stay_flags(world: World, ev: Events) -> dict[str, np.ndarray]:
    n = len(world.stay_person)
    seen = np.bincount(ev.sight_stay, minlength=n) > 0
    contacted = np.bincount(ev.stay, minlength=n) > 0
    understood = np.bincount(ev.stay[ev.outcome["understood"]], minlength=n) > 0
    out = {"seen": seen, "contacted": contacted, "understood": understood}
    for level in ("information", "conversation"):
        hit = ev.outcome[f"level_{level}"]
        out[level] = np.bincount(ev.stay[hit], minlength=n) > 0
    return out


def _understood_days(world: World, ev: Events) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each stay's first and last day with a contact understood, and whether it had one.

    Day indices may be negative (the burn-in before the period), so no index marks "none".
    """
    n = len(world.stay_person)
    hit = ev.outcome["understood"]
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, ev.stay[hit], ev.day[hit].astype(np.int64))
    np.maximum.at(last, ev.stay[hit], ev.day[hit].astype(np.int64))
    return first, last, np.bincount(ev.stay[hit], minlength=n) > 0


def stays_truth(world: World, ev: Events, person_ids: pd.Series) -> pd.DataFrame:
    """One row per true stay overlapping the period, seen or not (sorted by arrival).

    ``contacted_understood`` says whether the stay had a contact in a language she
    understands at any time; ``first_understood`` and ``last_understood`` are the dates of
    the first and the last such contact (NaT when none), so that a caller can count only
    the contacts inside a window shorter than the generator's (a stay begun before the
    window may have been reached only before it: "reached in the period" must not count it).
    """
    cal = world.cal
    flags = _stay_flags(world, ev)
    first_u, last_u, any_u = _understood_days(world, ev)
    keep = np.flatnonzero((world.stay_leave >= 0) & (world.stay_arrive < cal.n_period))
    idx = keep[
        np.lexsort((world.stay_person[keep], world.stay_city[keep], world.stay_arrive[keep]))
    ]
    person = world.stay_person[idx]
    return pd.DataFrame(
        {
            "person_id": take_ids(person_ids, person),
            "city": text(world.stay_city[idx], world.city_names),
            "arrive": cal.to_date(world.stay_arrive[idx]).astype("datetime64[ns]"),
            "leave": cal.to_date(world.stay_leave[idx]).astype("datetime64[ns]"),
            "seen_by_any_source": flags["seen"][idx],
            "stay_days": np.round(world.stay_length[idx], 2),
            "language": text(world.person_lang[person], world.languages),
            "trafficked": world.person_trafficked[person],
            "contacted": flags["contacted"][idx],
            "contacted_understood": flags["understood"][idx],
            "first_understood": _dates(cal, first_u[idx], any_u[idx]),
            "last_understood": _dates(cal, last_u[idx], any_u[idx]),
            "reached_information": flags["information"][idx],
            "reached_conversation": flags["conversation"][idx],
        }
    )


def _dates(cal, days: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Dates of the day indices ``days``, NaT where not ``ok`` (no such day)."""
    out = cal.to_date(np.where(ok, days, 0)).astype("datetime64[ns]")
    return np.where(ok, out, np.datetime64("NaT", "ns"))


def population_truth(world: World, ev: Events, freq: str = "Q") -> pd.DataFrame:
    """The truth per city and quarter (``freq="Q"``) or year (``"Y"``).

    Persons present, arrivals, persons seen by any source, and the true shares of stays
    contacted.
    """
    cal = world.cal
    days = cal.dates[-cal.first : -cal.first + cal.n_period]
    quarters = days.to_period(freq)
    _, q_of_day = np.unique(quarters.asi8, return_inverse=True)
    n_q, n_c = int(q_of_day.max()) + 1, len(world.city_names)
    flags = _stay_flags(world, ev)
    # distinct persons present: expand each stay over the quarters it touches
    keep = np.flatnonzero((world.stay_leave >= 0) & (world.stay_arrive < cal.n_period))
    q_lo = q_of_day[np.maximum(world.stay_arrive[keep], 0)]
    q_hi = q_of_day[np.minimum(world.stay_leave[keep], cal.n_period - 1)]
    reps = q_hi - q_lo + 1
    stay = np.repeat(keep, reps)
    q = np.repeat(q_lo, reps) + np.arange(len(stay)) - np.repeat(np.cumsum(reps) - reps, reps)
    cell = world.stay_city[stay] * n_q + q

    def distinct(cells: np.ndarray, persons: np.ndarray) -> np.ndarray:
        pairs = unique_sorted(cells.astype(np.int64) * (world.n_persons + 1) + persons)
        return np.bincount(pairs // (world.n_persons + 1), minlength=n_c * n_q)

    present_q = distinct(cell, world.stay_person[stay])
    s_cell = world.stay_city[ev.sight_stay] * n_q + q_of_day[ev.sight_day]
    seen_q = distinct(s_cell, world.stay_person[ev.sight_stay])
    # daily presence averaged per quarter
    pres = world.present[:, -cal.first : -cal.first + cal.n_period]
    n_days = np.bincount(q_of_day, minlength=n_q)
    mean_present = np.stack([np.bincount(q_of_day, weights=p, minlength=n_q) for p in pres])
    mean_present = (mean_present / n_days).ravel()
    # stays arriving in the quarter: arrivals per week and their true reach
    arr = np.flatnonzero((world.stay_arrive >= 0) & (world.stay_arrive < cal.n_period))
    a_cell = world.stay_city[arr] * n_q + q_of_day[world.stay_arrive[arr]]
    n_arr = np.bincount(a_cell, minlength=n_c * n_q)
    reach = np.bincount(a_cell, weights=flags["contacted"][arr], minlength=n_c * n_q)
    reach_l = np.bincount(a_cell, weights=flags["understood"][arr], minlength=n_c * n_q)
    reach_a, reach_b = (
        np.bincount(a_cell, weights=flags[k][arr], minlength=n_c * n_q)
        for k in ("information", "conversation")
    )
    median = pd.Series(world.stay_length[arr]).groupby(a_cell).median().reindex(range(n_c * n_q))
    labels = pd.period_range(quarters[0], quarters[-1], freq=freq).astype(str)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame(
            {
                "city": pd.Series(np.repeat(world.city_names, n_q), dtype="string"),
                "quarter" if freq == "Q" else "year": pd.Series(
                    np.tile(np.asarray(labels), n_c), dtype="string"
                ),
                "persons_present": present_q.astype(np.int64),
                "mean_present_per_day": np.round(mean_present, 3),
                "arrivals_per_week": np.round(n_arr / (np.tile(n_days, n_c) / 7), 3),
                "persons_seen_any_source": seen_q.astype(np.int64),
                "stays_arriving": n_arr.astype(np.int64),
                "share_contacted": np.round(reach / n_arr, 4),
                "share_contacted_understood": np.round(reach_l / n_arr, 4),
                "share_reached_information": np.round(reach_a / n_arr, 4),
                "share_reached_conversation": np.round(reach_b / n_arr, 4),
                "median_stay_days": np.round(median.to_numpy(), 3),
            }
        )
    return frame


def truth_summary(cfg: SynthConfig, world: World, *, seed: int, scale: float) -> dict:
    """Parameters and true values the estimators should recover."""
    years = sorted(set(cfg.years))
    k = cfg.weibull_shape
    per_year = {
        str(y): {
            "weibull_shape": k,
            "weibull_scale": round(float(cfg.stay_scale(y)), 6),
            "median_stay_days": round(cfg.median_stay(y), 6),
            "mean_stay_days": round(cfg.mean_stay(y), 6),
            "hazard_ratio_vs_first_year": round(cfg.hazard_ratio_per_year ** (y - years[0]), 6),
        }
        for y in years
    }
    eta = dict(cfg.eta)
    out = {
        "generator": "capacity.synth",
        "seed": seed,
        "scale": scale,
        "cities": [str(c) for c in world.city_names],
        "period": {"start": cfg.start.isoformat(), "end": cfg.end.isoformat()},
        "stay_distribution": "Weibull(shape k, scale λ_y); λ_y = λ_0 r^(y - y0); proportional "
        "hazards in the calendar year y of arrival",
        "stays_per_year": per_year,
        "hazard_ratio_per_year": round(cfg.hazard_ratio_per_year, 6),
        "log_hazard_ratio_per_year": round(math.log(cfg.hazard_ratio_per_year), 6),
        "eta_contacts_per_staff_hour": {c: eta[c] for c in CHANNELS},
        "eta_operation_mandate_factor": dict(cfg.mandate_contact_factor),
        "flow_matrix": {
            str(a): {str(b): round(float(p), 6) for b, p in zip(world.city_names, row, strict=True)}
            for a, row in zip(world.city_names, world.flow, strict=True)
        },
        "p_tour_on_by_city": {
            str(c): round(float(q), 6) for c, q in zip(world.city_names, world.tour, strict=True)
        },
        "external_arrivals_per_week_first_year": {
            str(c): round(float(a) * 7, 4)
            for c, a in zip(world.city_names, world.external_base, strict=True)
        },
        "languages": list(world.languages),
        "config": cfg.to_dict(),
        "notes": [
            "Stays arriving before the period (burn-in) use the first year's parameters.",
            f"Contacts are simulated up to {cfg.follow_up_days} days after the period so that "
            "the true shares contacted are not cut at the period's end; the data stop there.",
            "Every assumed or calibrated value is documented in docs/synthetic-data.md.",
        ],
    }
    if cfg.is_variant:
        out.update(_variant_truth(cfg, years))
    return out


def _variant_truth(cfg: SynthConfig, years: list[int]) -> dict:
    """What differs in a world that breaks the assumptions (only written for such worlds)."""
    out: dict = {
        "median_ratio_per_year": round(cfg.stay_trend, 6),
        "world_variant": {
            "stay_distribution": cfg.stay_distribution,
            "ads_capture": cfg.ads_capture,
            "p_invisible_ads": cfg.p_invisible_ads,
            "outreach_from_ads": cfg.outreach_from_ads,
        },
    }
    if cfg.stay_distribution == "lognormal":
        s = cfg.lognormal_sdlog
        out["stay_distribution"] = (
            "lognormal(μ_y, σ); e^μ_y = median_y = median_0 r^(y - y0); not proportional hazards"
        )
        out["stays_per_year"] = {
            str(y): {
                "lognormal_meanlog": round(math.log(cfg.median_stay(y)), 6),
                "lognormal_sdlog": s,
                "median_stay_days": round(cfg.median_stay(y), 6),
                "mean_stay_days": round(cfg.mean_stay(y), 6),
            }
            for y in years
        }
        # hazards are not proportional: no single hazard ratio is true
        out["hazard_ratio_per_year"] = None
        out["log_hazard_ratio_per_year"] = None
    return out
