"""Sightings simulated from the stay-level detection model: a test bed for its fit.

Police may work by operation, outreach from the ads
(:func:`~capacity.models.population.stay_detection.fit_stay_detection`'s ``dependence``).

One stay per person (no merging), every source sees a present person day by day:

- a stay lasts ``L = ⌊X⌋ + 1`` days, ``X`` lognormal (median ``median_stay``, log-scale SD
  ``sdlog``), starting on a uniform day of the period;
- two ad sites ``ads_a``, ``ads_b``; a stay is visible to a site with chance ``visible``
  (independently per site), and a visible site sees her on each day with chance ``p_ads``;
- ``outreach`` sees her on a day with chance ``o`` on a stay no ad site sees, and with odds
  ``e^γ`` times ``o/(1 − o)`` on a stay with an ad sighting (outreach that works from the
  ads; ``gamma = 0``: independent);
- ``police`` either see her on each day with chance ``q`` (``police="per_day"``, the model's
  assumption) or only during operations (``police="operations"``): operations in the city,
  Poisson(``ops_per_year``) a year, each lasting 1, 2, 3, 5 or 7 days; a woman present on
  ``n`` of an operation's days is met by it once with chance ``1 − (1 − q_op)^n``
  (on a uniform day of those), as ``capacity.synth.contacts.simulate_operations`` does;
  ``q_op`` is set so that the mean daily chance over the period is ``q``;
- on a day police see her, outreach sees her too with chance ``op_contact`` (social
  workers at the operation; ``0``: outreach's chance as on any other day).

Returns what :func:`~capacity.models.population.stay_detection.stay_sightings` needs and
the true share of the stays starting in the period that any source sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SimulatedStays", "simulate_stays"]

#: Lengths (days) of a simulated police operation and their chances (the generator's).
OP_DAYS = {1: 0.2, 2: 0.2, 3: 0.2, 5: 0.1, 7: 0.3}


@dataclass(frozen=True)
class SimulatedStays:
    """Sightings, merged stays (one per seen stay) and the truth of one simulated city."""

    sightings: pd.DataFrame
    merged: pd.DataFrame
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    seen_share: float
    operation_days: pd.DatetimeIndex


def _op_days(rng, n_days: int, ops_per_year: float) -> np.ndarray:
    """Day numbers (from 0) of each operation's days, one array per operation."""
    years = int(np.ceil(n_days / 365))
    n_ops = rng.poisson(ops_per_year * years)
    lengths = rng.choice(list(OP_DAYS), size=n_ops, p=list(OP_DAYS.values()))
    starts = rng.integers(0, n_days - lengths + 1) if n_ops else np.zeros(0, int)
    return [np.arange(s, s + n) for s, n in zip(np.atleast_1d(starts), lengths, strict=True)]


def simulate_stays(
    seed: int,
    n_stays: int = 6000,
    *,
    years: int = 4,
    median_stay: float = 12.0,
    sdlog: float = 1.0,
    visible: tuple[float, float] = (0.7, 0.5),
    p_ads: tuple[float, float] = (0.10, 0.06),
    outreach: float = 0.004,
    gamma: float = 0.0,
    police: str = "per_day",
    q: float = 0.0015,
    ops_per_year: float = 6.0,
    op_contact: float = 0.0,
) -> SimulatedStays:
    """Simulate one city's stays and sightings (see the module notes)."""
    if police not in ("per_day", "operations"):
        raise ValueError(f"police must be 'per_day' or 'operations', not {police!r}")
    rng = np.random.default_rng(seed)
    period_start = pd.Timestamp("2022-01-01")
    n_days = 365 * years
    start = rng.integers(0, n_days, n_stays)
    length = np.floor(median_stay * np.exp(sdlog * rng.standard_normal(n_stays))).astype(int) + 1
    stay = np.repeat(np.arange(n_stays), length)
    day = start[stay] + np.arange(len(stay)) - np.repeat(np.cumsum(length) - length, length)
    vis = rng.random((n_stays, 2)) < np.asarray(visible)
    ads = [vis[stay, j] & (rng.random(len(stay)) < p_ads[j]) for j in range(2)]
    with_ad = np.bincount(stay, weights=ads[0] | ads[1], minlength=n_stays) > 0
    # police: per day, or once per operation among the days she is present during it
    if police == "per_day":
        pol = rng.random(len(stay)) < q
        op_days = np.zeros(0, int)
    else:
        ops = _op_days(rng, n_days, ops_per_year)
        op_days = np.unique(np.concatenate(ops)) if ops else np.zeros(0, int)
        n_op_days = sum(len(o) for o in ops)
        q_op = 1 - (1 - q) ** (n_days / max(n_op_days, 1))
        pol = np.zeros(len(stay), dtype=bool)
        for o in ops:
            at = np.flatnonzero((day >= o[0]) & (day <= o[-1]))
            if not len(at):
                continue
            who, first = np.unique(stay[at], return_index=True)
            n = np.bincount(stay[at], minlength=n_stays)[who]
            met = rng.random(len(who)) < 1 - (1 - q_op) ** n
            pick = (rng.random(int(met.sum())) * n[met]).astype(int)
            # rows of each stay's days in the operation are consecutive in ``at``
            pol[at[first[met] + pick]] = True
    odds = outreach / (1 - outreach) * np.exp(gamma * with_ad[stay])
    out = rng.random(len(stay)) < odds / (1 + odds)
    out |= pol & (rng.random(len(stay)) < op_contact)
    names = ("ads_a", "ads_b", "outreach", "police")
    rows = [(np.flatnonzero(hit), name) for hit, name in zip((*ads, out, pol), names, strict=True)]
    idx = np.concatenate([r[0] for r in rows])
    source = np.concatenate([np.full(len(r[0]), r[1]) for r in rows])
    dates = period_start + pd.to_timedelta(day[idx], unit="D")
    sightings = pd.DataFrame(
        {
            "person_id": pd.Series(stay[idx]).map("p{}".format).to_numpy(),
            "date": dates,
            "city": "X",
            "source": source,
        }
    ).sort_values(["date", "person_id"], ignore_index=True)
    g = sightings.groupby("person_id")["date"]
    merged = pd.DataFrame(
        {
            "person_id": g.min().index.to_numpy(),
            "city": "X",
            "start": g.min().to_numpy(),
            "end": g.max().to_numpy(),
            "left_truncated": False,
            "right_censored": False,
        }
    )
    seen = np.bincount(stay[idx], minlength=n_stays) > 0
    return SimulatedStays(
        sightings=sightings,
        merged=merged,
        period_start=period_start,
        period_end=period_start + pd.Timedelta(days=n_days - 1),
        seen_share=float(seen.mean()),
        operation_days=pd.DatetimeIndex(period_start + pd.to_timedelta(op_days, unit="D")),
    )
