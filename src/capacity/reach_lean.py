"""Why reach per stay leans by outreach strategy: the estimate taken apart against the truth.

The national view's truth-recovery worlds (``tests/test_national.py``: random search,
online screening with street and venue search, screening only; scale 0.1, six cities)
estimate reach per stay about +0.02 too high under random search and −0.02 too low under
screening. Two studies find where:

1. :func:`swap_inputs` fits every city as the national view does and recomputes its reach
   per stay (row 0, the point estimate) with one input at a time taken from the truth:
   arrivals per week ``A``, the stay distribution (true lengths ``T`` or days present
   ``D = leave − arrive + 1``), the language shares ``π`` and the screening share ``w``,
   then all of them together. An input whose swap removes the lean is its cause.
2. :func:`generator_check` checks the formulas themselves against the generator's own
   outreach, with every input true (arrivals, days present, the usable share ``m_L`` per
   language from the contact events, contacts from the log). The mixture formula treats
   screening and search as independent, ``p_L = 1 − (1 − m_L P_s) L(h m_L)``; it is set
   beside the same formula with each stay's actual screened flag (``flags``, the
   dependence through the stay length kept), and beside an exponential wait
   ``P_s(T) = 1 − e^{−θT}`` with ``1 − L(θ) = P_s`` (``exp_wait``). Random search is
   checked as pooled over the period (the model) against the generator's hazard, and with
   the hazard by month and by half-year (contacts over persons present).

Run ``python -m capacity.reach_lean --seeds 4,5,6``; methods and the measured
tables in ``docs/methods/reach.md`` ("Why reach per stay leans by strategy").
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["WORLDS", "generator_check", "main", "swap_inputs"]

#: the national truth-recovery test's worlds: the channels that screen new arrivals
WORLDS = {"random": (), "mixture": ("online",), "screening": ("online", "street", "venue")}


def _weeks(params) -> float:
    lo, hi = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    return ((hi - lo).days + 1) / 7.0


def _table(lengths: np.ndarray):
    """A one-row :class:`~capacity.models.stays.StayTable`: the empirical distribution."""
    from capacity.models.stays.table import StayTable

    t = np.asarray(lengths, dtype=float)
    n = len(t)
    return StayTable(t[None], np.full((1, n), 1.0 / n), np.zeros(1), np.array([t.max()]),
                     np.ones(1), np.array([t.mean()]))  # fmt: skip


def _reach_draws(inputs, fte: float, strategy: str) -> np.ndarray:
    from capacity.question4.draws import reach_matrix
    from capacity.question4.fit import _screening_speed

    x = _screening_speed(inputs, fte)  # the screeners' speed follows the inputs swapped
    p_lang, _ = reach_matrix(x, np.full(len(x), fte), strategy=strategy)
    return (x.pi * p_lang).sum(axis=1)


def _reach(inputs, fte: float, strategy: str) -> float:
    return float(_reach_draws(inputs, fte, strategy)[0])


@contextlib.contextmanager
def _exp_wait():
    """The engine's mixture with ``dependence="exp_wait"`` (a study switch, not a parameter)."""
    from capacity.models import strategy as mod

    kept = mod.reach_mixture
    mod.reach_mixture = functools.partial(kept, dependence="exp_wait")
    try:
        yield
    finally:
        mod.reach_mixture = kept


def _world(kind: str, seed: int, scale: float, n_cities: int):
    from capacity.synth import SynthConfig, generate

    return generate(seed, scale=scale, n_cities=n_cities,
                    config=SynthConfig(screening_channels=WORLDS[kind]))  # fmt: skip


def swap_inputs(
    kind: str, seed: int, *, scale: float = 0.1, n_cities: int = 6, n_boot: int = 100
) -> pd.DataFrame:
    """Reach per stay of every city, estimated and with inputs swapped for the truth.

    Returns
    -------
    DataFrame
        One row per city: ``truth``, ``lo``/``hi`` (the 95 % interval), ratios estimate /
        truth of the arrivals (``A_ratio``), of the observed starts over the true seen
        arrivals (``Aobs_ratio``), of the detection share over the true share of arrivals
        seen (``det_ratio``) and of the mean stay over the true mean length and days
        present (``T_ratio``, ``D_ratio``); then the error (estimate − truth) of ``est`` and
        of each swap: ``A``, ``T``, ``D``, ``pi``, ``w`` (mixtures only) and ``all_T``,
        ``all_D`` (every one of them); ``covered`` (the truth in the interval). Where the
        strategy has a screening share, the same with the mixture formula's exponential
        wait (``reach_mixture(dependence="exp_wait")``): ``exp_wait`` as estimated,
        ``exp_wait_A`` with the true arrivals, ``covered_exp_wait``.
    """
    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.models.stays import build_stays
    from capacity.models.tours import tour_flows
    from capacity.national import _fit_city
    from capacity.synth.write import write_folder

    syn = _world(kind, seed, scale, n_cities)
    params = Params(n_boot=n_boot)
    lo, hi = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    weeks = _weeks(params)
    st = syn.truth["stays"]
    log = syn.tables["outreach"]
    log = log[(log["date"] >= lo) & (log["date"] <= hi)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(syn, Path(tmp) / "world")
        data = load_dataset(Path(tmp) / "world")
        stays = build_stays(data.sightings, params.gap_days, params.period_start,
                            params.period_end)  # fmt: skip
        shared = {"stays": stays, "flows": tour_flows(stays)}
        for city in sorted(data.sightings["city"].astype(str).unique()):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = _fit_city(data, dataclasses.replace(params, city=city), stays, shared)
            x = fit["fitted"].inputs.subset(np.array([0]))
            fte = float(fit["fitted"].staff.outreach_fte)
            mine = st[(st["city"] == city) & (st["arrive"] >= lo) & (st["arrive"] <= hi)]
            truth = float(mine["contacted_understood"].mean())
            a_true = len(mine) / weeks
            t_true = mine["stay_days"].to_numpy(float)
            d_true = ((mine["leave"] - mine["arrive"]).dt.days + 1).to_numpy(float)
            pi = (mine["language"].value_counts(normalize=True)
                  .reindex(fit["languages"]).fillna(0.0).to_numpy())  # fmt: skip
            pi = pi / pi.sum()
            own = log[log["city"] == city]
            w = float(own.loc[own["channel"].isin(WORLDS[kind]), "contacts"].sum()
                      / own["contacts"].sum())  # fmt: skip
            rep = dataclasses.replace
            arrivals = {"arrivals_observed": np.array([a_true]), "detection": np.ones(1)}
            share = {} if x.share is None else {"share": np.array([w])}
            swaps = {
                "est": x,
                "A": rep(x, **arrivals),
                "T": rep(x, stays=_table(t_true)),
                "D": rep(x, stays=_table(d_true)),
                "pi": rep(x, pi=pi[None]),
                **({"w": rep(x, **share)} if share else {}),
                "all_T": rep(x, **arrivals, **share, stays=_table(t_true), pi=pi[None]),
                "all_D": rep(x, **arrivals, **share, stays=_table(d_true), pi=pi[None]),
            }
            seen = mine["seen_by_any_source"].to_numpy(bool)
            reach = fit["reach_stay"]
            row = {
                "world": kind,
                "seed": seed,
                "city": city,
                "truth": truth,
                "lo": float(np.percentile(reach[1:], 2.5)) if len(reach) > 2 else np.nan,
                "hi": float(np.percentile(reach[1:], 97.5)) if len(reach) > 2 else np.nan,
                "A_ratio": float(x.arrivals_per_week()[0] / a_true),
                "Aobs_ratio": float(x.arrivals_observed[0] / (seen.sum() / weeks)),
                "det_ratio": float(x.detection[0] / seen.mean()),
                "T_ratio": float(x.stays.mean[0] / t_true.mean()),
                "D_ratio": float(x.stays.mean[0] / d_true.mean()),
            }
            for name, inputs in swaps.items():
                row[name] = _reach(inputs, fte, params.strategy) - truth
            row["covered"] = row["lo"] <= truth <= row["hi"]
            if share:  # the mixture formula with an exponential wait, as estimated
                with _exp_wait():
                    draws = _reach_draws(fit["fitted"].inputs, fte, params.strategy)
                    row["exp_wait_A"] = _reach(swaps["A"], fte, params.strategy) - truth
                row["exp_wait"] = float(draws[0]) - truth
                if len(draws) > 2:
                    lo_e, hi_e = np.percentile(draws[1:], [2.5, 97.5])
                    row["covered_exp_wait"] = bool(lo_e <= truth <= hi_e)
            rows.append(row)
    return pd.DataFrame(rows)


def generator_check(kind: str, seed: int, *, scale: float = 0.1, n_cities: int = 6):
    """The reach formulas against the generator's own outreach, every input true.

    Returns
    -------
    DataFrame
        One row per city: ``truth`` (share of stays arriving in the period contacted in a
        language understood); the error (formula − truth) of the mixture formula as the
        model has it (``indep``), with each stay's actual screened flag (``flags``) and with
        an exponential wait (``exp_wait``); and for the regular search shifts alone, in any
        language: the generator's expected reach ``search_gen`` (its Poisson hazard per
        shift, ``rate/N`` on the shift's day) and the error of the random-search formula
        with the log's contacts over persons present pooled over the period
        (``search_pooled``, the model), by half-year and by month.

    Notes
    -----
    Rebuilds the generator's world and events with its own seeds (``capacity.synth``), so
    the contact events, their shifts and their outcomes are those of the written data.
    """
    from scipy.optimize import brentq

    from capacity.config import Params
    from capacity.synth import _STREAMS, SynthConfig
    from capacity.synth.build import simulate_events
    from capacity.synth.config import CHANNELS, city_table
    from capacity.synth.world import simulate_world

    cfg = SynthConfig(screening_channels=WORLDS[kind])
    cities = city_table(cfg, n_cities)
    children = np.random.SeedSequence(int(seed)).spawn(len(_STREAMS))
    rngs = {k: np.random.default_rng(s) for k, s in zip(_STREAMS, children, strict=True)}
    world = simulate_world(cfg, cities, scale, rngs["world"])
    _, shifts, _, ev = simulate_events(cfg, world, cities["share"], rngs)
    cal, params = world.cal, Params()
    lo = (pd.Timestamp(params.period_start) - cal.origin).days
    hi = (pd.Timestamp(params.period_end) - cal.origin).days
    weeks = _weeks(params)
    n_r, n_stays, width = len(shifts.team), len(world.stay_person), world.present.shape[1]
    search_shift = ~np.isin(shifts.channel, [CHANNELS.index(c) for c in WORLDS[kind]])
    regular = ev.row < n_r
    ev_search = regular & search_shift[np.minimum(ev.row, n_r - 1)]
    ev_screen = regular & ~ev_search
    ev_city = world.stay_city[ev.stay]
    ev_lang = world.person_lang[world.stay_person[ev.stay]]
    in_period = (ev.day >= lo) & (ev.day <= hi)
    # the generator's hazard per regular search shift (shift_contacts): rate / persons present
    n_present = world.present[shifts.team, shifts.day - cal.first]
    h_shift = np.where(search_shift & (n_present > 0), shifts.rate / np.maximum(n_present, 1), 0.0)
    # one unique contact per (stay, shift) is logged: its chance 1 − e^{−h} per person present
    logged = (1.0 - np.exp(-h_shift)) * n_present
    days = np.arange(cal.first, cal.horizon)
    month = cal.month_index(days)
    inside = ((days >= lo) & (days <= hi)).astype(float)  # the model pools the period
    every = np.ones(len(days))
    rows = []
    for c, name in enumerate(world.city_names):
        mine = np.flatnonzero((world.stay_city == c) & (world.stay_arrive >= lo)
                              & (world.stay_arrive <= hi))  # fmt: skip
        if len(mine) == 0:
            continue
        sel = in_period & (ev_city == c)
        m_of = {lang: float(ev.outcome["understood"][sel & (ev_lang == lang)].mean())
                for lang in np.unique(ev_lang[sel])}  # fmt: skip
        lang = world.person_lang[world.stay_person[mine]]
        m = np.array([m_of.get(v, 0.0) for v in lang])
        d = (world.stay_leave[mine] - world.stay_arrive[mine] + 1).astype(float)
        a = len(mine) / weeks
        # search capacity: every contact that is not a screening (operations included)
        h = float((sel & ~ev_screen).sum()) / weeks / (a * d.mean())
        screened = (np.bincount(ev.stay[ev_screen], minlength=n_stays) > 0)[mine].astype(float)
        understood = (np.bincount(ev.stay[ev.outcome["understood"]], minlength=n_stays) > 0)[mine]
        truth = float(understood.mean())
        p_s = float(screened.mean())
        search = np.exp(-h * m * d)
        theta = (brentq(lambda t, d=d, p_s=p_s: np.mean(1 - np.exp(-t * d)) - p_s, 1e-12, 1e4)
                 if 0 < p_s < 1 else (0.0 if p_s == 0 else np.inf))  # fmt: skip
        wait = 1 - np.exp(-theta * d)
        # random search alone, any language: the generator's hazard against the formula's
        team = shifts.team == c
        day_of = shifts.day[team] - cal.first
        hazard = np.bincount(day_of, weights=h_shift[team], minlength=width)
        contacts = np.bincount(day_of, weights=logged[team], minlength=width)
        present = world.present[c].astype(float)
        first = world.stay_arrive[mine] - cal.first
        last = np.minimum(world.stay_leave[mine], cal.horizon - 1) - cal.first

        def met(daily, first=first, last=last):
            cum = np.concatenate([[0.0], np.cumsum(daily)])
            return float(np.mean(1.0 - np.exp(-(cum[last + 1] - cum[first]))))

        def pooled(group, keep, contacts=contacts, present=present):
            num = np.bincount(group, weights=contacts * keep)
            den = np.bincount(group, weights=present * keep)
            return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)[group]

        search_gen = met(hazard)
        rows.append(
            {
                "world": kind,
                "seed": int(seed),
                "city": str(name),
                "truth": truth,
                "screened": p_s,
                "indep": float(1 - np.mean((1 - m * p_s) * search)) - truth,
                "flags": float(1 - np.mean((1 - m * screened) * search)) - truth,
                "exp_wait": float(1 - np.mean((1 - m * wait) * search)) - truth,
                "search_gen": search_gen,
                "search_pooled": met(pooled(np.zeros(len(days), dtype=np.int64), inside))
                - search_gen,
                "search_half_year": met(pooled((month - month.min()) // 6, every)) - search_gen,
                "search_month": met(pooled(month - month.min(), every)) - search_gen,
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Print both studies' means by world (and the rows with ``--rows``)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="4,5,6", help="comma-separated seeds")
    p.add_argument("--worlds", default=",".join(WORLDS), help="comma-separated worlds")
    p.add_argument("--n-boot", type=int, default=100)
    p.add_argument("--rows", action="store_true", help="print every city's row too")
    args = p.parse_args(argv)
    seeds = [int(v) for v in args.seeds.split(",")]
    kinds = args.worlds.split(",")
    unknown = [k for k in kinds if k not in WORLDS]
    if unknown:
        p.error(f"unknown world(s) {unknown}; choose from {list(WORLDS)}")
    swap = pd.concat([swap_inputs(k, s, n_boot=args.n_boot) for k in kinds for s in seeds])
    check = pd.concat([generator_check(k, s) for k in kinds for s in seeds])
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 40)
    print(f"Reach per stay, error (estimate − truth) by swap; seeds {args.seeds}:")
    cols = ["A_ratio", "Aobs_ratio", "det_ratio", "T_ratio", "D_ratio", "est", "A", "T", "D",
            "pi", "w", "all_T", "all_D", "covered", "exp_wait", "exp_wait_A",
            "covered_exp_wait"]  # fmt: skip
    print(swap.groupby("world", sort=False)[[c for c in cols if c in swap]]
          .apply(lambda g: g.astype(float).mean()).round(3))  # fmt: skip
    print("\nThe formulas against the generator, every input true:")
    cols = ["truth", "screened", "indep", "flags", "exp_wait", "search_gen", "search_pooled",
            "search_half_year", "search_month"]  # fmt: skip
    print(check.groupby("world", sort=False)[cols].mean().round(4))
    if args.rows:
        print(swap.round(3).to_string(index=False))
        print(check.round(4).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
