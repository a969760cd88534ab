"""Bootstrap replicates of the stay distribution, all at once, margins re-estimated in each.

Given person weights ``W`` (one row per replicate), :func:`stay_replicates` rebuilds what
the stay model estimates: each source set's gap distribution (so the margin correction is
re-estimated), the spread of every stay over its unseen margins, the Kaplan–Meier curve,
the exponential tail, the median, and per start year the median and the change of the
median per year (:func:`median_ratio`). Everything is array arithmetic over the few
thousand distinct ``(T, δ, e)`` rows, so 200 replicates cost a fraction of one statsmodels
fit each. Used by :func:`capacity.models.stays.fit_stays` (median ratio interval) and the
chain bootstrap of :mod:`capacity.question4.bootstrap`. Methods: ``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.models._base import percentile_interval
from capacity.models.stays import margins
from capacity.models.stays.km import grouped_median
from capacity.models.stays.table import StayTable

__all__ = [
    "StayReplicates",
    "km_many",
    "median_ratio",
    "replicate_intervals",
    "shifted_union",
    "spanning_interval",
    "stay_replicates",
]


def km_many(table: pd.DataFrame, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier for many weight vectors on the same ``(duration, event, entry)`` rows.

    Returns the grid of event times ``t`` (J,) and ``S`` (B, J). The risk set at ``t_j``
    is ``{entry < t_j ≤ T}`` (statsmodels' ``SurvfuncRight`` convention), so with unit
    weights this equals :func:`~capacity.models.stays.km_distribution`.
    """
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    time = table["duration"].to_numpy(dtype=float)
    event = table["event"].to_numpy(dtype=float) > 0
    entry = table["entry"].to_numpy(dtype=float)
    grid = np.unique(time[event])
    n_v, n_j = len(time), len(grid)

    def last_at_or_below(x):  # column c = 1 + index of the last t_j ≤ x (0: none)
        c = np.searchsorted(grid, x, side="right")
        m = sparse.csr_matrix((np.ones(n_v), (np.arange(n_v), c)), shape=(n_v, n_j + 1))
        tot = np.asarray((m.T @ w.T).T)
        return np.cumsum(tot[:, ::-1], axis=1)[:, ::-1][:, 1:]  # Σ w [c ≥ j + 1]

    # n_j = Σ w [t_j ≤ T] − Σ w [t_j ≤ entry]   (at risk: entry < t_j ≤ T)
    risk = last_at_or_below(time) - last_at_or_below(entry)
    j_exit = np.searchsorted(grid, time, side="left")
    # entry ≥ t_j removes; an entry equal to t_j is not at risk at t_j (entry < t)
    ev = sparse.csr_matrix(
        (np.ones(event.sum()), (np.flatnonzero(event), j_exit[event])), shape=(n_v, n_j)
    )
    d = np.asarray((ev.T @ w.T).T)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(risk > 0, d / np.where(risk > 0, risk, 1.0), 0.0)
    return grid, np.cumprod(1 - np.clip(hazard, 0.0, 1.0), axis=1)


def _tails(table: pd.DataFrame, w: np.ndarray, grid: np.ndarray, s: np.ndarray):
    """``t_max``, ``s_max`` and the tail rate per replicate (as :func:`km_distribution`)."""
    time = table["duration"].to_numpy(dtype=float)
    event = table["event"].to_numpy(dtype=float)
    entry = table["entry"].to_numpy(dtype=float)
    t_max = np.where(w > 0, time[None, :], 0.0).max(axis=1)
    t_max = np.maximum(t_max, grid[-1] if len(grid) else 0.0)
    s_max = s[:, -1] if s.shape[1] else np.ones(len(w))
    cut = np.full(len(w), np.nan)
    for lvl in (0.5, 0.25):  # the upper quartile if reached, else the median
        hit = s <= lvl
        first = np.where(hit.any(axis=1), grid[np.argmax(hit, axis=1)], np.nan)
        cut = np.where(np.isfinite(first), first, cut)
    cut = np.where(np.isfinite(cut), cut, 0.5 * t_max)
    exposure = (w * np.clip(time[None, :] - np.maximum(entry[None, :], cut[:, None]), 0, None)).sum(
        1
    )
    events = (w * event[None, :] * (time[None, :] > cut[:, None])).sum(1)
    events = np.where(events == 0, 1.0, events)
    rate = events / np.maximum(exposure, 1e-9)
    return t_max, s_max, rate


def _medians(grid: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Grouped-data median of each replicate's curve ``s`` (B, J) on whole days ``grid``."""
    if not len(grid):
        return np.full(s.shape[0], np.nan)
    return grouped_median(grid, 1 - s)


def median_ratio(years: np.ndarray, medians: np.ndarray, n_stays: np.ndarray) -> np.ndarray:
    """Change of the median stay per calendar year: ``exp(b)`` of ``log median_y = a + b·y``.

    Weighted least squares over the start years with a median (weights: stays per year);
    ``medians`` may have a leading replicate axis. NaN with fewer than two years.

    Notes
    -----
    A ratio of quantiles needs no proportional hazards: under an accelerated-failure-time
    model ``T_y = T_0·θ^y`` every quantile changes by ``θ`` a year, and without one it is
    still the trend of the median (a summary the reader can check against the yearly
    medians).
    """
    med = np.atleast_2d(np.asarray(medians, dtype=float))
    x = np.asarray(years, dtype=float)
    ok = np.isfinite(med) & (med > 0)
    w = np.where(ok, np.asarray(n_stays, dtype=float)[None, :], 0.0)
    y = np.log(np.where(ok, med, 1.0))
    sw = w.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        xm = (w * x).sum(1) / sw
        ym = (w * y).sum(1) / sw
        sxx = (w * (x[None, :] - xm[:, None]) ** 2).sum(1)
        sxy = (w * (x[None, :] - xm[:, None]) * (y - ym[:, None])).sum(1)
        b = sxy / sxx
    out = np.where((ok.sum(1) >= 2) & (sxx > 0), np.exp(b), np.nan)
    return out if np.ndim(medians) > 1 else out[0]


@dataclass(frozen=True)
class StayReplicates:
    """Replicates of the stay model (one row per weight vector).

    Attributes
    ----------
    table : StayTable
        The distributions (KM masses, tail) for the reach model.
    median : (B,) median stay.
    years : (Y,) start years; ``median_by_year`` (B, Y).
    median_ratio : (B,) change of the median per year (see :func:`median_ratio`).
    hazard_ratio : (B,) or None; the hazard ratio per year where the model gives one per
        replicate (the deconvolved stays, :mod:`~capacity.models.stays.deconvolve`).
    median_alt : (B,) or None; the median of the same weights' EM run from the other start
        (per-day capture, :attr:`~capacity.models.stays.deconvolve.Deconvolver.span_starts`):
        the median's interval spans both (:func:`spanning_interval`).
    """

    table: StayTable
    median: np.ndarray
    years: np.ndarray
    median_by_year: np.ndarray
    median_ratio: np.ndarray
    hazard_ratio: np.ndarray | None = None
    median_alt: np.ndarray | None = None


def _spread_weights(expander, w_u: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    """Weights of the spread rows ``V`` per replicate, rescaled to the stays' total."""
    n_v = expander.matrix.shape[1]
    if values is None:
        w_v = np.asarray((expander.matrix.T @ w_u.T).T)
    else:
        sp = expander.spread
        # only the entries of observed keys some replicate weighs (a year's keys are few)
        used = np.flatnonzero(w_u.any(axis=0)[sp.u])
        to_v = sparse.csc_matrix(
            (np.ones(len(used), np.float32), (sp.v[used], np.arange(len(used)))),
            shape=(n_v, len(used)),
        )
        if len(used) == len(sp.u):  # every entry: the arrays themselves, not copies
            spread = np.take(w_u.astype(np.float32), sp.u, axis=1) * values
        else:
            spread = np.take(w_u.astype(np.float32), sp.u[used], axis=1) * values[:, used]
        w_v = np.asarray(to_v @ spread.T, dtype=float).T
    total = w_v.sum(1, keepdims=True)
    return np.where(total > 0, w_v * w_u.sum(1, keepdims=True) / np.where(total > 0, total, 1), 0)


def stay_replicates(
    expander,
    stay_person: np.ndarray,
    stay_year: np.ndarray,
    person_weights: np.ndarray,
    pmf: np.ndarray | None = None,
) -> StayReplicates:
    """The stay model refitted for every row of ``person_weights``.

    Parameters
    ----------
    expander : Expander
        From :func:`~capacity.models.stays.margins.prepare_margins` (the fit's map).
    stay_person : (S,) int
        Column of ``person_weights`` for each stay.
    stay_year : (S,) int
        Start year of each stay.
    person_weights : (P, B)
        Bootstrap weights of persons (multinomial counts or Poisson(1)), one column per
        replicate (the layout sparse products want).
    pmf : (B, strata, K), optional
        Recurrence pmfs re-estimated per replicate; default the fit's (margins held fixed).
    """
    wt = np.asarray(person_weights, dtype=float)  # persons × replicates
    n_b = wt.shape[1]
    n_u = expander.matrix.shape[0]
    values = None
    if pmf is not None and expander.spread is not None:
        k = expander.spread.k
        p = np.asarray(pmf, dtype=float)[..., :k]
        p = p / p.sum(axis=-1, keepdims=True)
        values = expander.spread.values(p, dtype=np.float32)
    steps = margins.POSTERIOR_STEPS if expander.spread is not None else 0
    if steps:  # each replicate's own posterior spread, from its own flat one
        if values is None:
            p = expander.pmf
            values = np.broadcast_to(expander.spread.values(p), (n_b, len(expander.spread.u)))
        link = sparse.csr_matrix(
            (np.ones(len(stay_person)), (stay_person, expander.key_id)),
            shape=(wt.shape[0], n_u),
        )
        w_all = np.asarray(link.T @ wt).T
        values = margins.posterior_values(expander, values, p, w_all, steps).astype(np.float32)
    years = np.unique(stay_year)
    tables, medians, by_year = [], [], np.full((n_b, len(years)), np.nan)
    n_year = np.zeros(len(years))
    for i, y in enumerate([None, *years]):
        mask = np.ones(len(stay_person), bool) if y is None else stay_year == y
        link = sparse.csr_matrix(
            (np.ones(mask.sum()), (stay_person[mask], expander.key_id[mask])),
            shape=(wt.shape[0], n_u),
        )
        w_u = np.asarray(link.T @ wt).T
        w_v = _spread_weights(expander, w_u, values)
        grid, s = km_many(expander.table, w_v)
        if y is None:
            t_max, s_max, rate = _tails(expander.table, w_v, grid, s)
            masses = -np.diff(np.concatenate([np.ones((n_b, 1)), s], axis=1), axis=1)
            mean = masses @ grid + np.where(s_max > 0, s_max * (t_max + 1 / rate), 0.0)
            tables = StayTable(
                times=np.broadcast_to(grid, masses.shape).copy(),
                masses=masses,
                s_max=s_max,
                t_max=t_max,
                tail_rate=np.where(s_max > 0, rate, 1.0),
                mean=mean,
            )
            medians = _medians(grid, s)
        else:
            n_year[i - 1] = mask.sum()
            if len(grid) and expander.table["event"].to_numpy()[w_v.sum(0) > 0].sum() >= 2:
                by_year[:, i - 1] = _medians(grid, s)
    return StayReplicates(
        table=tables,
        median=medians,
        years=years,
        median_by_year=by_year,
        median_ratio=median_ratio(years, by_year, n_year),
    )


def person_weights(
    rng: np.random.Generator, n_boot: int, n_persons: int, kind: str = "multinomial"
) -> np.ndarray:
    """Bootstrap weights of persons, shape ``(n_persons, n_boot)`` (a column per replicate).

    ``"multinomial"``: counts of ``P`` draws of a person (Efron's bootstrap, ``Σ w = P``);
    ``"poisson"``: independent Poisson(1) counts (the Poisson bootstrap; Hanley &
    MacGibbon 2006), whose total varies as the number of persons seen would.
    """
    if kind == "poisson":
        return rng.poisson(1.0, (n_persons, n_boot)).astype(float)
    out = np.empty((n_persons, n_boot))
    for b in range(n_boot):
        out[:, b] = np.bincount(rng.integers(0, n_persons, n_persons), minlength=n_persons)
    return out


def spanning_interval(
    draws: np.ndarray, alt: np.ndarray | None, alpha: float = 0.05
) -> tuple[float, float]:
    """Percentile interval of ``draws``, widened to span that of ``alt`` where given.

    ``draws`` and ``alt``: the same bootstrap weights fitted two ways the data cannot tell
    apart (the EM from either start, :func:`~capacity.models.stays.deconvolve.other_start`).
    The interval is ``[min(l₁, l₂), max(u₁, u₂)]`` of the two percentile intervals: the
    union of the confidence intervals over a nuisance setting the likelihood does not
    decide, which covers the truth at least as often as the interval of the right setting
    (Imbens & Manski 2004, "Confidence intervals for partially identified parameters",
    *Econometrica* 72, 1845–1857; the conservative set they start from).
    Non-finite and non-positive draws are left out (as the hazard ratio's).

    Examples
    --------
    >>> spanning_interval(np.arange(1.0, 101), np.arange(11.0, 111), 0.5)
    (25.75, 85.25)
    """

    def one(x):
        x = np.asarray(x, dtype=float)
        ok = x[np.isfinite(x) & (x > 0)]
        return percentile_interval(ok, alpha) if len(ok) else (np.nan, np.nan)

    lo, hi = one(draws)
    if alt is None:
        return lo, hi
    lo2, hi2 = one(alt)
    return float(np.fmin(lo, lo2)), float(np.fmax(hi, hi2))


def _cat(parts, name):
    """``name`` of every part, concatenated, or None where a part has none."""
    vals = [getattr(p, name) for p in parts]
    return np.concatenate(vals) if all(v is not None for v in vals) else None


def concat(parts: list[StayReplicates]) -> StayReplicates:
    """Replicates of several chunks of weights as one."""
    t = [p.table for p in parts]
    table = StayTable(
        *(np.concatenate([getattr(x, f) for x in t]) for f in StayTable.__dataclass_fields__)
    )
    return StayReplicates(
        table=table,
        median=np.concatenate([p.median for p in parts]),
        years=parts[0].years,
        median_by_year=np.vstack([p.median_by_year for p in parts]),
        median_ratio=np.concatenate([p.median_ratio for p in parts]),
        hazard_ratio=_cat(parts, "hazard_ratio"),
        median_alt=_cat(parts, "median_alt"),
    )


def replicate_stays(
    expander,
    stays: pd.DataFrame,
    strata,
    weights_chunks,
) -> StayReplicates:
    """:func:`stay_replicates` over chunks of person weights, margins re-estimated.

    ``strata`` (:class:`~capacity.models.stays.strata.SourceStrata`) indexes the persons
    (the weights' columns) and holds their gaps: each replicate re-estimates every source
    set's gap distribution from its reweighted gaps. ``weights_chunks`` yields arrays of
    shape ``(len(strata.persons), b)``.
    """
    from capacity.models.stays.deconvolve import Deconvolver
    from capacity.models.stays.strata import recurrence_pmfs

    if isinstance(expander, Deconvolver):  # the EM refitted per replicate (its own stays)
        return concat([expander.replicates(w) for w in weights_chunks])
    person = strata.persons.get_indexer(stays["person_id"])
    year = stays["start"].dt.year.to_numpy()
    parts = []
    for w in weights_chunks:
        pmf = recurrence_pmfs(strata.gap_counts(w)) if expander.spread is not None else None
        parts.append(stay_replicates(expander, person, year, w, pmf))
    return concat(parts)


def shifted_union(
    interval: tuple[float, float], estimate: float, other: float
) -> tuple[float, float]:
    """``interval`` of a ratio, widened to span the same interval moved to ``other``.

    ``estimate`` and ``other``: point estimates of one positive ratio (a trend) under two
    settings the data cannot decide between (the merge of split stays,
    :func:`~capacity.models.stays.deconvolve.other_merge`). The interval under ``other`` is
    taken as ``interval`` times ``other / estimate`` (the same spread on the log scale,
    moved to the other estimate), and the result is the union of the two:
    ``[l·min(1, r), u·max(1, r)]``, ``r = other / estimate`` (the conservative set of
    Imbens & Manski 2004, as :func:`spanning_interval`). Where ``other`` is not a
    positive finite number the interval is returned as it is.

    Examples
    --------
    >>> shifted_union((1.05, 1.15), 1.10, 1.12)
    (1.05, 1.170909090909091)
    >>> shifted_union((0.8, 0.9), 0.85, float("nan"))
    (0.8, 0.9)
    """
    lo, hi = (float(x) for x in interval)
    if not (np.isfinite(other) and other > 0 and np.isfinite(estimate) and estimate > 0):
        return lo, hi
    r = float(other) / float(estimate)
    return lo * min(1.0, r), hi * max(1.0, r)


def replicate_intervals(
    reps: StayReplicates,
    alpha: float,
    hr: float,
    ratio: float,
    other: tuple[float, float] = (np.nan, np.nan),
) -> dict:
    """The stays' bootstrap intervals from replicates, as ``StaysResults`` fields.

    ``median_ci``: percentile interval of the replicates' medians, spanning the other EM
    start's where they carry one (:func:`spanning_interval`); ``median_ratio_ci`` and
    ``hazard_ratio_ci``: percentile intervals spanning the other merge's trends ``other``
    (hazard ratio, median ratio; :func:`shifted_union`) around the points ``hr`` and
    ``ratio``; ``hazard_ratio_se_log``: the SD of the replicates' log hazard ratio. A key
    is left out where the replicates give no finite value (``median_ratio_ci`` is then
    NaN).
    """
    out = {}
    if np.isfinite(reps.median).any():
        out["median_ci"] = spanning_interval(reps.median, reps.median_alt, alpha)
    ratio_ci = (np.nan, np.nan)
    if np.isfinite(reps.median_ratio).any():
        ratio_ci = percentile_interval(reps.median_ratio, alpha)
    out["median_ratio_ci"] = shifted_union(ratio_ci, ratio, other[1])
    draws = reps.hazard_ratio
    if draws is not None and np.isfinite(draws).any():
        ok = draws[np.isfinite(draws) & (draws > 0)]
        out["hazard_ratio_ci"] = shifted_union(percentile_interval(ok, alpha), hr, other[0])
        out["hazard_ratio_se_log"] = float(np.std(np.log(ok), ddof=1))
    return out
