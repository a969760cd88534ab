"""Where the chain's median stay goes wrong: the stay estimate taken apart against the truth.

For one simulated world and seed (:data:`capacity.coverage.WORLDS`, the coverage study's
plan: Stockholm, stays arriving 2022–2025, scale 0.3, six cities) :func:`decompose` puts
side by side the median and mean stay (days present, ``leave − arrive + 1``) of

1. ``truth``: the true stays arriving in the period (what the coverage study compares with);
2. ``seen stays``: the true stays any source saw (what selection alone does);
3. ``observed stays, true lengths``: the stays :func:`~capacity.models.stays.build_stays`
   makes, each given its true length (first true arrival to last true departure of the
   true stays it covers: a merged return counts as one long stay; a true stay split into
   two observed stays counts once) — a perfect margin
   correction without the stays nobody saw; then the same weighted by the inverse of the
   true chance that a stay of that length is seen (also without the observed stays that
   hold two or more true stays: returns within ``gap_days`` merged), and of the margin
   model's chance;
4. ``observed spans``: first to last sighting (``correction="none"``);
5. ``margins, no reweighting``: the default margin spread without ``1/P(seen | T*)``;
6. ``margins (default)``: what the chain runs (``stay_model = "margins"``);
7. the margin model's spread made self-consistent (its posterior under the fitted length
   distribution, Turnbull's EM; a prototype here, :func:`_self_consistent`), one step and
   50 steps from the default;
8. the two deconvolved stay models (``stay_model`` ``deconvolve``, ``deconvolve_sites``);

and the unseen days at each end, true against the margin model's mean (``margin_*``).
Rows 1–3 use the truth; rows 4–6 only the data. Run
``python -m capacity.coverage_stays --only 1,5 --seeds 4``; methods and the measured table
in ``docs/methods/stays.md`` ("Why the margins' median is too long").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["decompose", "main", "observed_true_lengths"]


def observed_true_lengths(observed: pd.DataFrame, true_stays: pd.DataFrame) -> pd.DataFrame:
    """Each observed stay's true arrival and departure (the true stays it covers).

    Parameters
    ----------
    observed : DataFrame
        Stays of one city from :func:`~capacity.models.stays.build_stays` (``person_id``,
        ``start``, ``end``).
    true_stays : DataFrame
        The generator's ``truth/stays.csv`` rows of the same city (``person_id``,
        ``arrive``, ``leave``).

    Returns
    -------
    DataFrame
        ``observed`` with ``arrive`` (the true arrival of the stay holding the first
        sighting), ``leave`` (the true departure of the stay holding the last) and
        ``n_true`` (true stays between them); rows whose sightings fall in no true stay
        are dropped.
    """
    obs = observed.reset_index(drop=True).assign(_row=lambda d: np.arange(len(d)))
    obs["person_id"] = obs["person_id"].astype(str)
    tru = true_stays[["person_id", "arrive", "leave"]].astype({"person_id": str})
    pairs = obs[["_row", "person_id", "start", "end"]].merge(tru, on="person_id")
    pairs = pairs[(pairs["leave"] >= pairs["start"]) & (pairs["arrive"] <= pairs["end"])]
    g = pairs.groupby("_row")
    first = g["arrive"].min()
    last = g["leave"].max()
    n = g.size()
    out = obs.set_index("_row").loc[first.index].copy()
    out["arrive"], out["leave"], out["n_true"] = first, last, n
    out = out[(out["arrive"] <= out["start"]) & (out["leave"] >= out["end"])]
    return out.reset_index(drop=True)


def _median_mean(days, weights=None) -> tuple[float, float]:
    """Grouped-data median and mean of whole days (with optional weights)."""
    from capacity.models.stays.km import grouped_median

    d = np.asarray(days, dtype=float)
    w = np.ones(len(d)) if weights is None else np.asarray(weights, dtype=float)
    vals, inv = np.unique(d, return_inverse=True)
    tot = np.bincount(inv, weights=w)
    return float(grouped_median(vals, np.cumsum(tot) / tot.sum())), float(d @ w / w.sum())


def _km_median_mean(expander, values: np.ndarray | None) -> tuple[float, float]:
    """Median and mean of the KM of the expander's rows with entry values ``values``."""
    from scipy import sparse

    from capacity.models.stays.km import km_distribution

    w_u = np.bincount(expander.key_id, minlength=expander.matrix.shape[0]).astype(float)
    m = expander.matrix
    if values is not None:
        sp = expander.spread
        m = sparse.csr_matrix((values, (sp.u, sp.v)), shape=sp.shape)
    w_v = m.T @ w_u
    w_v = w_v * w_u.sum() / w_v.sum()
    rows = expander.table.assign(weight=w_v)
    rows = rows[rows["weight"] > 0]
    km, dist = km_distribution(rows, aggregate=False)
    t = np.asarray(km.surv_times, dtype=float)
    s = np.asarray(km.surv_prob, dtype=float)
    from capacity.models.stays.km import grouped_median

    return float(grouped_median(t, 1 - s)), dist.mean()


def _self_consistent(expander, steps: int) -> tuple[float, float]:
    """Median and mean after ``steps`` EM steps of the margin model from its flat start.

    The default spreads each observed stay ``u`` over true lengths ``v`` with weights
    ``k_uv / P(seen | v)`` (``k_uv = P(R₁)P(R₂)``), a flat prior over ``v``. The EM for
    truncated data (Turnbull 1976) with the same kernel gives each stay its posterior
    ``f(v) k_uv / Σ_v' f(v') k_uv'`` under the current length distribution ``f`` (for a
    stay going on at the data's end, ``P(T ≥ v)``), divided by ``P(seen | v)``, and refits
    the Kaplan–Meier curve; step 0 is the default. A prototype for the study, not a model
    of the package. The mean here puts the curve's last survival at its last time (no
    tail).
    """
    from capacity.models.stays.km import grouped_median
    from capacity.models.stays.replicates import km_many

    sp = expander.spread
    seen = np.cumsum(expander.pmf, axis=1)
    p_seen = seen[sp.stratum, np.clip(sp.duration - 1, 0, sp.k - 1)]
    k_uv = sp.values(expander.pmf) * p_seen
    w_u = np.bincount(expander.key_id, minlength=sp.shape[0]).astype(float)
    tab = expander.table
    dur = tab["duration"].to_numpy()
    ended = tab["event"].to_numpy() > 0
    prior = np.ones(len(tab))
    for _ in range(steps + 1):
        num = k_uv * prior[sp.v]
        den = np.bincount(sp.u, weights=num, minlength=sp.shape[0])
        post = num / np.where(den[sp.u] > 0, den[sp.u], 1.0)
        w_v = np.bincount(sp.v, weights=w_u[sp.u] * post / p_seen, minlength=len(tab))
        grid, s = km_many(tab, (w_v * w_u.sum() / w_v.sum())[None, :])
        s = s[0]
        before = np.r_[1.0, s]
        j = np.searchsorted(grid, dur)
        at = np.minimum(j, len(grid) - 1)
        on_grid = (j < len(grid)) & (grid[at] == dur)
        mass = np.where(on_grid, before[at] - s[at], 0.0)
        prior = np.where(ended, mass, before[np.minimum(j, len(grid))])
    masses = -np.diff(np.r_[1.0, s])
    return float(grouped_median(grid, 1 - s)), float(masses @ grid + s[-1] * grid[-1])


def decompose(world: int, seed: int, gap_days: int = 28) -> list[dict]:
    """The rows of the module docstring for one world (1-based) and seed."""
    from capacity.coverage import WORLDS, Plan, _days_present
    from capacity.dataset import load_dataset
    from capacity.models.stays import build_stays, fit_stays
    from capacity.models.stays.margins import prepare_margins
    from capacity.models.stays.strata import source_strata
    from capacity.synth import generate
    from capacity.synth.write import write_folder

    plan = Plan()
    name, cfg = list(WORLDS.items())[world - 1]
    syn = generate(seed, scale=plan.scale, n_cities=plan.n_cities, config=cfg)
    y0, y1 = plan.chain_years
    start, end = pd.Timestamp(f"{y0}-01-01"), pd.Timestamp(f"{y1}-12-31")
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(syn, Path(tmp) / "data")
        data = load_dataset(Path(tmp) / "data")
    sight = data.sightings
    frame = build_stays(sight, gap_days, start.date(), end.date())
    strata = source_strata(sight[sight["city"].astype(str) == plan.city], gap_days)
    truth = syn.truth["stays"]
    truth = truth[truth["city"] == plan.city]
    arriving = truth[(truth["arrive"] >= start) & (truth["arrive"] <= end)]
    obs = frame[(frame["city"].astype(str) == plan.city) & ~frame["left_truncated"]]
    matched = observed_true_lengths(obs, truth)
    matched = matched[matched["arrive"] >= start]
    # a true stay split by a gap longer than gap_days is two observed stays: count it once
    split = matched.duplicated(["person_id", "arrive", "leave"])
    matched = matched[~split]
    rows = {
        "truth": _median_mean(_days_present(arriving)),
        "seen stays": _median_mean(_days_present(arriving[arriving["seen_by_any_source"]])),
        "observed stays, true lengths": _median_mean(_days_present(matched)),
    }
    # the same, weighted by 1/P(seen | true length): the true chance (share of the true
    # stays of that many days any source saw; 60+ days pooled) and the margin model's
    by_days = _days_present(arriving).clip(upper=60)
    p_true = arriving["seen_by_any_source"].groupby(by_days.to_numpy()).mean()
    d_obs = _days_present(matched)
    rows["observed stays, true lengths, 1/true P(seen)"] = _median_mean(
        d_obs, 1 / p_true.reindex(d_obs.clip(upper=60).to_numpy()).to_numpy()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        none = fit_stays(frame, city=plan.city, strata=strata, n_boot=0, correction="none")
        default = fit_stays(frame, city=plan.city, strata=strata, n_boot=0)
    rows["observed spans"] = (none.median_days, none.mean_days)
    _, expander, _, _ = prepare_margins(obs, "margins", strata)
    sp = expander.spread
    seen = np.cumsum(expander.pmf, axis=1)
    p_seen = seen[sp.stratum, np.clip(sp.duration - 1, 0, sp.k - 1)]
    single = (matched["n_true"] == 1).to_numpy()
    rows["the same, without merged returns"] = _median_mean(
        d_obs[single], 1 / p_true.reindex(d_obs[single].clip(upper=60).to_numpy()).to_numpy()
    )
    p_model = seen[strata.stay_stratum(matched), np.clip(d_obs.to_numpy() - 1, 0, sp.k - 1)]
    rows["observed stays, true lengths, 1/model P(seen)"] = _median_mean(d_obs, 1 / p_model)
    rows["margins, no reweighting"] = _km_median_mean(expander, sp.values(expander.pmf) * p_seen)
    rows["margins (default)"] = (default.median_days, default.mean_days)
    for steps in (1, 50):
        rows[f"margins, self-consistent spread ({steps} EM step{'s' if steps > 1 else ''})"] = (
            _self_consistent(expander, steps)
        )
    for model in ("deconvolve", "deconvolve_sites", "deconvolve_arrival"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_stays(frame, city=plan.city, strata=strata, n_boot=0, correction=model)
        rows[f"stay_model {model}"] = (res.median_days, res.mean_days)
    order = ["truth", "seen stays", "observed stays, true lengths",
             "observed stays, true lengths, 1/true P(seen)", "the same, without merged returns",
             "observed stays, true lengths, 1/model P(seen)", "observed spans"]  # fmt: skip
    rows = {**{k: rows[k] for k in order}, **rows}
    t_med, t_mean = rows["truth"]
    out = [
        {
            "world": world,
            "seed": seed,
            "row": k,
            "median": med,
            "mean": mean,
            "median_bias": med / t_med - 1,
            "mean_bias": mean / t_mean - 1,
        }
        for k, (med, mean) in rows.items()
    ]
    out.append(
        {"world": world, "seed": seed, "row": "share of observed stays holding 2+ true stays",
         "merged_share": float((~single).mean()), "split_share": float(split.mean())}
    )  # fmt: skip
    # the unseen days at each end: true (ended stays, one true stay) against the model's
    one = matched[(matched["n_true"] == 1) & ~matched["right_censored"]]
    model = (expander.pmf @ np.arange(expander.pmf.shape[1]))[strata.stay_stratum(one)]
    out.append(
        {
            "world": world,
            "seed": seed,
            "row": "margins in days: true start, true end, model per end",
            "margin_start": float((one["start"] - one["arrive"]).dt.days.mean()),
            "margin_end": float((one["leave"] - one["end"]).dt.days.mean()),
            "margin_model": float(model.mean()),
            "share_seen_on_arrival": float((one["start"] == one["arrive"]).mean()),
        }
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the markdown tables of :func:`decompose`, averaged over seeds, per world."""
    from capacity.coverage import WORLDS

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="1,5", help="worlds (1-based, comma-separated)")
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--gap-days", type=int, default=28)
    args = p.parse_args(argv)
    worlds = [int(w) for w in args.only.split(",")]
    rows = [
        r for w in worlds for s in range(1, args.seeds + 1) for r in decompose(w, s, args.gap_days)
    ]
    df = pd.DataFrame(rows)
    names = list(WORLDS)
    lines = [
        "| world | row | median (bias) | mean (bias) |",
        "|---|---|---|---|",
    ]
    stays = df[df["median"].notna()]
    order = list(dict.fromkeys(stays["row"]))
    for w in worlds:
        g = stays[stays["world"] == w].groupby("row", sort=False).mean(numeric_only=True)
        for r in order:
            x = g.loc[r]
            lines.append(
                f"| {w}. {names[w - 1]} | {r} | {x['median']:.1f} ({x['median_bias']:+.1%}) | "
                f"{x['mean']:.1f} ({x['mean_bias']:+.1%}) |"
            )
    lines += ["", "| world | true start margin | true end margin | model, per end | "
              "seen on the arrival day | observed stays holding 2+ true stays | "
              "observed stays that are a second piece of one true stay |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    marg = df[df["margin_model"].notna()].groupby("world").mean(numeric_only=True)
    merged = df[df["merged_share"].notna()].groupby("world")[["merged_share", "split_share"]].mean()
    for w in worlds:
        x = marg.loc[w]
        lines.append(
            f"| {w} | {x['margin_start']:.1f} | {x['margin_end']:.1f} | "
            f"{x['margin_model']:.1f} | {x['share_seen_on_arrival']:.0%} | {merged.loc[w, 'merged_share']:.1%} | "
            f"{merged.loc[w, 'split_share']:.1%} |"
        )
    print(f"Seeds 1–{args.seeds}, `gap_days` {args.gap_days}; means over seeds (days present).\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
