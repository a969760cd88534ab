"""Synthetic data with a known truth, calibrated to public figures.

The generator simulates persons who arrive in Sweden, stay in a city for a Weibull time
whose scale shrinks year by year (proportional hazards in the calendar year), tour on to
another city (gravity flows) or leave Sweden; ad sites scraped weekly, outreach shifts and
joint police operations observe them. It returns the four tables of the data contract and
the truth the estimators should recover (see ``docs/synthetic-data.md``).

Public API: :class:`SynthConfig`, :func:`generate`, :func:`write_synthetic`,
:func:`national`.

Examples
--------
>>> syn = generate(1, scale=0.05, n_cities=2)
>>> sorted(syn.tables)
['operations', 'outreach', 'sightings', 'staff']
>>> syn.truth["truth"]["hazard_ratio_per_year"] > 1
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from capacity.exceptions import ParameterError
from capacity.synth.build import (
    operations_table,
    outreach_table,
    pseudonyms,
    sightings_table,
    simulate_events,
    staff_table,
)
from capacity.synth.config import CITIES, SynthConfig, city_table
from capacity.synth.truth import population_truth, stays_truth, truth_summary
from capacity.synth.world import simulate_world

__all__ = ["CITIES", "SynthConfig", "Synthetic", "generate", "national", "write_synthetic"]

_STREAMS = (
    "world",
    "teams",
    "shifts",
    "contacts",
    "operations",
    "outcomes",
    "ads_a",
    "ads_b",
    "tables",
    "ids",
    "levels",  # appended: the streams before it stay as they were
)


@dataclass(frozen=True, eq=False)
class Synthetic:
    """A synthetic dataset and its truth.

    Attributes
    ----------
    tables : dict of str to DataFrame
        ``sightings``, ``outreach``, ``staff``, ``operations`` with the contract's columns in
        order and the typed dtypes of :func:`capacity.dataset.load_dataset`.
    truth : dict
        ``stays`` (DataFrame, one row per true stay), ``population`` (DataFrame, per city and
        quarter) and ``truth`` (dict of parameters and true values; JSON-able).
    meta : dict
        The ``datapackage.json`` content.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame | dict]
    meta: dict


def generate(
    seed: int,
    *,
    scale: float = 1.0,
    n_cities: int | None = None,
    sample: bool = False,
    config: SynthConfig | None = None,
) -> Synthetic:
    r"""Simulate the world and observe it; fully determined by ``seed`` and the arguments.

    Parameters
    ----------
    seed : int
        Seed of every random step (independent streams per step via
        :class:`numpy.random.SeedSequence`).
    scale : float
        Multiplies the target group's size (arrivals); staff and shifts stay as calibrated.
    n_cities : int, optional
        Number of cities (the first ``n_cities`` of :data:`CITIES`); default 6 with
        ``sample=True``, else 20.
    sample : bool
        The shipped sample's settings (the six sample cities).
    config : SynthConfig, optional
        Parameters; default :class:`SynthConfig()`.

    Returns
    -------
    Synthetic

    Notes
    -----
    Stays are Weibull with shape :math:`k` and scale :math:`\lambda_y = \lambda_0 r^{y-y_0}`,
    so the hazard is :math:`h(t) = k\lambda_y^{-k} t^{k-1}` and the hazard ratio per year is
    :math:`r^{-k}`; persons present follow Little's law :math:`N = A\,E[T]`.

    References
    ----------
    Kennedy (2022), PLOS ONE: online advertisers active a median 14 days (docs/background.md).
    Little, J. D. C. (1961). A proof for the queuing formula L = λW. Operations Research 9(3).
    """
    cfg = config or SynthConfig()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed = {seed!r}; give a whole number ≥ 0.")
    if not (np.isfinite(scale) and scale > 0):
        raise ParameterError(f"scale = {scale}; give a positive number (1 = calibrated size).")
    if n_cities is None:
        n_cities = cfg.sample_cities if sample else len(CITIES)
    cities = city_table(cfg, n_cities)
    children = np.random.SeedSequence(int(seed)).spawn(len(_STREAMS))
    rngs = {k: np.random.default_rng(s) for k, s in zip(_STREAMS, children, strict=True)}
    world = simulate_world(cfg, cities, scale, rngs["world"])
    teams, shifts, ops, ev = simulate_events(cfg, world, cities["share"], rngs)
    person_ids = pd.Series(pseudonyms(world.n_persons, rngs["ids"]), dtype="string")
    staff_ids = pseudonyms(len(teams.member_fte), rngs["ids"])
    rng = rngs["tables"]
    outreach, _ = outreach_table(cfg, world, shifts, ops, ev)
    tables = {
        "sightings": sightings_table(cfg, world, ev, person_ids, rng),
        "outreach": outreach,
        "staff": staff_table(world, teams, staff_ids),
        "operations": operations_table(cfg, world, ops, ev, len(shifts.team), rng),
    }
    truth = {
        "stays": stays_truth(world, ev, person_ids),
        "population": population_truth(world, ev),
        "truth": truth_summary(cfg, world, seed=int(seed), scale=float(scale)),
    }
    per_year = population_truth(world, ev, freq="Y").astype(object)
    truth["truth"]["population_per_year"] = per_year.where(per_year.notna(), None).to_dict(
        "records"
    )
    name = "sample" if sample else f"synthetic-{n_cities}-cities-seed-{seed}"
    meta = {
        "name": name,
        "title": f"SYNTHETIC data: {n_cities} Swedish cities, {cfg.start.year}–{cfg.end.year}"
        + (" (the shipped sample)" if sample else ""),
        "synthetic": True,
        "period": {"start": cfg.start.isoformat(), "end": cfg.end.isoformat()},
        "description": "Simulated by capacity.synth (seed "
        f"{seed}, scale {scale:g}): NOT real persons. The true stays, population and "
        "parameters are in truth/. See docs/synthetic-data.md.",
        "resources": [{"name": t, "path": f"{t}.csv"} for t in tables],
        "generator": {"module": "capacity.synth", "seed": int(seed), "scale": float(scale),
                      "n_cities": n_cities, "sample": bool(sample)},
    }  # fmt: skip
    if cfg.is_variant:  # a world that breaks the estimators' assumptions says which
        meta["generator"]["world_variant"] = truth["truth"]["world_variant"]
        meta["description"] += (
            " The world breaks the estimators' assumptions on purpose: "
            + (", ".join(f"{k} = {v}" for k, v in truth["truth"]["world_variant"].items()))
            + "."
        )
    return Synthetic(tables=tables, truth=truth, meta=meta)


def national(
    seed: int, target_sightings: int, n_cities: int = 20, *, config: SynthConfig | None = None
) -> Synthetic:
    """A national dataset with about ``target_sightings`` sighting rows (for benchmarks).

    A pilot run at scale 1 measures the sightings that grow with the group (ads and police)
    and those fixed by staffing (outreach); the scale solves
    ``scaled · s + fixed = target``.
    """
    if target_sightings < 1000:
        raise ParameterError(f"target_sightings = {target_sightings}; give at least 1000.")
    pilot = generate(seed, scale=1.0, n_cities=n_cities, config=config).tables["sightings"]
    fixed = int((pilot["source"] == "outreach").sum())
    grows = max(len(pilot) - fixed, 1)
    scale = max((target_sightings - fixed) / grows, 0.01)
    return generate(seed, scale=scale, n_cities=n_cities, config=config)


def write_synthetic(
    out: str | os.PathLike,
    seed: int,
    *,
    sample: bool = False,
    scale: float = 1.0,
    n_cities: int | None = None,
    config: SynthConfig | None = None,
) -> list[Path]:
    """Generate and write a dataset folder with ``truth/`` beside the data, atomically.

    Everything is written into a temporary folder beside ``out`` and then renamed into
    place, so a reader never sees a half-written dataset. An existing ``out`` is replaced
    only if it holds nothing but files this function writes.

    ``config`` (a :class:`SynthConfig`) selects a world that breaks the estimators'
    assumptions (see ``docs/synthetic-data.md``); default the calibrated world.

    Returns
    -------
    list of Path
        The files written, under their final names.
    """
    from capacity.synth.write import write_folder

    syn = generate(seed, scale=scale, n_cities=n_cities, sample=sample, config=config)
    return write_folder(syn, Path(out))
