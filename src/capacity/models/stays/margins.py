"""Margin correction of observed stays: from first-to-last sighting to KM rows with weights.

A stay is seen from its first to its last sighting; the unseen days at each end and the
stays never seen at all are corrected by spreading each observed stay over the lengths
the gaps between sightings imply, weighted by the inverse chance of being seen
(:func:`prepare_margins`, :class:`Expander`). Used by :mod:`capacity.models.stays` and its
bootstrap; methods in ``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat
from capacity.models.stays.build import sighting_gaps, sighting_probability

#: EM steps that make the margin spread self-consistent, from the flat spread (0: the flat
#: spread, the default; see :func:`posterior_values`). An option for the coverage study
#: (``python -m capacity.coverage --margin-steps``), not a model parameter.
POSTERIOR_STEPS = 0


@dataclass(frozen=True)
class Spread:
    """The sparsity pattern of the margin map, independent of the gap distributions.

    One entry per observed key ``u`` and spread key ``v``. Ended stays without delayed
    entry are spread by the total margin ``m = R₁ + R₂`` (``T* = T + m``: the convolution
    of the pmf with itself), censored ones by ``R₁`` alone; stays with delayed entry keep
    ``R₁`` at its mean (it moves entry and length together) and ended ones are spread by
    ``R₂``. ``num`` indexes, per stratum, the vector ``[pmf∗pmf (2K − 1), pmf (K), 1]``. :meth:`values` gives the entries for any
    recurrence pmfs of shape ``(..., S, K)``, so the bootstrap re-estimates the margins of
    all replicates with one vectorised expression.
    """

    u: np.ndarray
    v: np.ndarray
    num: np.ndarray
    duration: np.ndarray
    stratum: np.ndarray
    shape: tuple[int, int]
    k: int

    def values(self, pmf: np.ndarray, dtype=None) -> np.ndarray:
        """``P(margins)/P(seen | T*)`` per entry (leading axes of ``pmf`` kept).

        ``dtype``: the values cast to it (as ``values(pmf).astype(dtype)``, cheaper).
        """
        pmf = np.asarray(pmf, dtype=float)
        k = pmf.shape[-1]
        if k != self.k:
            raise EstimationError(f"pmf has {k} values; the margin map was built for {self.k}.")
        conv = np.stack(
            [np.stack([np.convolve(p, p) for p in row]) for row in pmf.reshape(-1, *pmf.shape[-2:])]
        ).reshape(*pmf.shape[:-1], 2 * k - 1)
        numer = np.concatenate([conv, pmf, np.ones_like(pmf[..., :1])], axis=-1)
        seen = np.cumsum(pmf, axis=-1)  # P(R < d) = P(seen | d) for d = 1, 2, ...
        lead = pmf.shape[:-2]
        # one flat index per entry: np.take on a 2-d array is far faster than a gather
        # with two index arrays behind a leading axis
        at_num = self.stratum * numer.shape[-1] + self.num
        at_seen = self.stratum * k + np.clip(self.duration - 1, 0, k - 1)
        # the entries take few distinct (numerator, seen) pairs: divide once per pair
        pairs, inverse = np.unique(
            at_num.astype(np.int64) * (seen.shape[-1] * len(seen.reshape(-1, k)) + 1)
            + at_seen.astype(np.int64),
            return_inverse=True,
        )
        first = np.zeros(len(pairs), dtype=np.int64)
        first[inverse.ravel()[::-1]] = np.arange(len(at_num))[::-1]
        num = np.take(numer.reshape(*lead, -1), at_num[first], axis=-1)
        p_seen = np.take(seen.reshape(*lead, -1), at_seen[first], axis=-1)
        ratio = num / np.maximum(p_seen, 1e-9)
        if dtype is not None:
            ratio = ratio.astype(dtype)
        return np.take(ratio, inverse.ravel(), axis=-1)

    def matrix(self, pmf: np.ndarray) -> sparse.csr_matrix:
        """The sparse map ``U → V`` with the weights of ``pmf`` (see :meth:`values`)."""
        return sparse.csr_matrix((self.values(pmf), (self.u, self.v)), shape=self.shape)


@dataclass(frozen=True)
class Expander:
    """Maps stays to KM rows: unique observed keys ``U`` → margin-spread keys ``V``.

    ``matrix[u, v]`` is the probability that a stay observed as key ``u`` has true key
    ``v`` times the inverse chance ``1/P(seen | T_v)`` of a stay of that length being seen.
    ``spread`` (None without margin correction) rebuilds the matrix for other gap
    distributions; ``pmf`` holds the recurrence pmfs per stratum (shape ``(S, K)``).
    """

    key_id: np.ndarray  # per stay: its row in U
    table: pd.DataFrame  # V rows: duration, event, entry
    matrix: sparse.csr_matrix  # U × V
    person: np.ndarray  # per stay: person code
    spread: Spread | None = None
    pmf: np.ndarray | None = None

    def rows(self, stay_weights: np.ndarray | None = None) -> pd.DataFrame:
        """KM rows (``duration, event, entry, weight``) for weights per stay (default 1)."""
        w_u = np.bincount(self.key_id, weights=stay_weights, minlength=self.matrix.shape[0])
        w_v = self.matrix.T @ w_u
        total = w_u.sum()
        if w_v.sum() > 0:
            w_v = w_v * total / w_v.sum()  # keep Σ weights = stays, for Greenwood's n
        keep = w_v > 0
        return self.table[keep].assign(weight=w_v[keep])


def _recurrence_pmf(stays: pd.DataFrame) -> np.ndarray:
    """``P(R = r) = P(G > r) / E[G]``, ``r = 0, 1, ...`` (see :func:`sighting_gaps`)."""
    _, seen = sighting_gaps(stays)
    pmf = np.diff(seen)
    cut = np.searchsorted(np.cumsum(pmf), 0.999) + 1
    pmf = pmf[:cut]
    return pmf / pmf.sum()


def _cut(pmf: np.ndarray) -> np.ndarray:
    """Drop the far right of every stratum's pmf beyond 99.9 % (the same K for all)."""
    k = int(max(np.searchsorted(np.cumsum(p), 0.999) + 1 for p in pmf))
    out = pmf[:, :k]
    return out / out.sum(axis=1, keepdims=True)


def make_expander(rows: pd.DataFrame, pmf: np.ndarray | None) -> Expander:
    """The map from observed stays to spread KM rows; ``pmf`` shape ``(K,)`` or ``(S, K)``.

    With strata, ``rows`` has a ``stratum`` column (0 … S − 1) and each stay is spread by
    its stratum's pmf.
    """
    keys = ["duration", "event", "entry"]
    stratum_col = "stratum" in rows.columns and pmf is not None
    group = [*keys, "stratum"] if stratum_col else keys
    key_id = rows.groupby(group, sort=False).ngroup().to_numpy()
    uniq = rows[group].drop_duplicates().reset_index(drop=True)
    n_u = len(uniq)
    if pmf is None:
        matrix = sparse.identity(n_u, format="csr")
        return Expander(key_id, uniq[keys], matrix, rows["person"].to_numpy())
    pmf = np.atleast_2d(np.asarray(pmf, dtype=float))
    d, ev, e = (uniq[k].to_numpy() for k in keys)
    st = uniq["stratum"].to_numpy().astype(np.int64) if stratum_col else np.zeros(n_u, np.int64)
    k = pmf.shape[1]
    ended, delayed = ev > 0, e > 0
    parts = []
    # ended, no delayed entry: T* = T + m, m = R₁ + R₂ ∈ 0 … 2K − 2 (numerator pmf∗pmf[m])
    u0 = np.flatnonzero(ended & ~delayed)
    m = np.arange(2 * k - 1)
    parts.append((np.repeat(u0, len(m)), np.tile(m, len(u0)), np.tile(m, len(u0)), None))
    # censored, no delayed entry: only the start margin R₁ = l (numerator pmf[l])
    u1 = np.flatnonzero(~ended & ~delayed)
    l_ = np.arange(k)
    parts.append((np.repeat(u1, k), np.tile(l_, len(u1)), 2 * k - 1 + np.tile(l_, len(u1)), None))
    # delayed entry (the stay began before the window): R₁ moves the entry and the length
    # together, which changes the KM only through the risk set at the window's start; it
    # is held at its mean (per stratum, rounded) and R₂ is spread (numerator pmf[r]; for a
    # censored stay the constant 1)
    l0 = np.rint(pmf @ np.arange(k)).astype(np.int64)[st]
    u2 = np.flatnonzero(ended & delayed)
    parts.append(
        (
            np.repeat(u2, k),
            np.repeat(l0[u2], k) + np.tile(l_, len(u2)),
            2 * k - 1 + np.tile(l_, len(u2)),
            np.repeat(l0[u2], k),
        )
    )
    u3 = np.flatnonzero(~ended & delayed)
    parts.append((u3, l0[u3], np.full(len(u3), 3 * k - 1), l0[u3]))
    u = np.concatenate([p[0] for p in parts])
    add = np.concatenate([p[1] for p in parts])
    num = np.concatenate([p[2] for p in parts])
    shift = np.concatenate([p[1] if p[3] is None else p[3] for p in parts])
    dur = (d[u] + add).astype(np.int64)
    entry = np.where(e[u] > 0, e[u] + shift, 0.0)
    new = pd.DataFrame({"duration": dur.astype(float), "event": ev[u], "entry": entry})
    v_id = new.groupby(keys, sort=False).ngroup().to_numpy()
    table = new.drop_duplicates().reset_index(drop=True)
    spread = Spread(u, v_id, num, dur, st[u], (n_u, len(table)), k)
    matrix = spread.matrix(pmf)
    return Expander(key_id, table, matrix, rows["person"].to_numpy(), spread, pmf)


def prepare_margins(
    stays: pd.DataFrame, correction: str, strata=None
) -> tuple[pd.DataFrame, Expander, float, list[Caveat]]:
    """Per-stay rows (observed lengths; ``cox_duration`` for the Cox model) and the expander.

    ``strata`` (a :class:`~capacity.models.stays.strata.SourceStrata`) gives every source
    set its own gap distribution; without it one distribution (``attrs["gap_counts"]``)
    serves every stay.
    """
    notes = []
    q = sighting_probability(stays)
    dur = stays["duration_days"].to_numpy(dtype=float)
    event = ~stays["right_censored"].to_numpy(dtype=bool)
    entry = stays["entry_days"].to_numpy(dtype=float)
    cox_dur, cox_entry, pmf = dur, entry, None
    stratum = np.zeros(len(stays), dtype=np.int64)
    if correction == "margins":
        if strata is None:
            margin, _ = sighting_gaps(stays)
            pmf = _recurrence_pmf(stays)[None, :]
            per_stay = np.full(len(stays), margin)
            strata_caveat = {}
        else:
            from capacity.models.stays.strata import recurrence_pmfs

            pmf = _cut(recurrence_pmfs(strata.gap_counts()))
            stratum = strata.stay_stratum(stays)
            margins = pmf @ np.arange(pmf.shape[1])
            per_stay = margins[stratum]
            margin = float(per_stay.mean()) if len(per_stay) else 0.0
            strata_caveat = {
                "strata": len(strata.labels),
                "low": float(margins.min()),
                "high": float(margins.max()),
            }
        cox_dur = dur + per_stay * (1 + event)
        cox_entry = np.where(entry > 0, entry + per_stay, 0.0)
        if strata_caveat:
            notes.append(Caveat("stays.margins_strata", days=margin, **strata_caveat))
        else:
            notes.append(Caveat("stays.margins", days=margin))
    elif correction != "none":
        raise EstimationError(f"correction = {correction!r}: use 'margins' or 'none'.")
    rows = pd.DataFrame(
        {
            "duration": dur,
            "event": event.astype(float),
            "entry": entry,
            "weight": 1.0,
            "person": pd.factorize(stays["person_id"])[0],
            "year": stays["start"].dt.year + (stays["start"].dt.day_of_year - 1) / 365.25,
            "cox_duration": cox_dur,
            "cox_entry": cox_entry,
            "stratum": stratum,
        }
    )
    return rows, make_expander(rows, pmf), q, notes


def _length_prior(table: pd.DataFrame, grid: np.ndarray, surv: np.ndarray) -> np.ndarray:
    """Per spread row, the fitted chance of its length: (B, V).

    ``P(T = d)`` (the KM mass at ``d``) for an ended row, ``P(T ≥ d)`` for one going on
    at the data's end; ``surv`` (B, J) is the KM curve on ``grid``.
    """
    dur = table["duration"].to_numpy(dtype=float)
    ended = table["event"].to_numpy(dtype=float) > 0
    before = np.concatenate([np.ones((len(surv), 1)), surv], axis=1)  # S(t_{j−1})
    j = np.searchsorted(grid, dur)
    at = np.minimum(j, max(len(grid) - 1, 0))
    on = (j < len(grid)) & (grid[at] == dur) if len(grid) else np.zeros(len(dur), bool)
    mass = np.where(on[None, :], before[:, at] - (surv[:, at] if len(grid) else 0.0), 0.0)
    return np.where(ended[None, :], mass, before[:, np.minimum(j, len(grid))])


def posterior_values(
    expander: Expander, values: np.ndarray, pmf: np.ndarray, w_u: np.ndarray, steps: int
) -> np.ndarray:
    """The spread's entries after ``steps`` self-consistency (EM) steps: (B, entries).

    Parameters
    ----------
    expander : Expander
        With its ``spread``.
    values : (B, entries)
        The flat spread's entries ``k_uv / P(seen | T_v)`` per replicate
        (:meth:`Spread.values`), ``k_uv = P(R₁)P(R₂)``.
    pmf : (B, S, K) or (S, K)
        The recurrence pmfs the values were made with.
    w_u : (B, U)
        Weights of the observed keys.
    steps : int

    Notes
    -----
    The default spread gives observed stay ``u`` the lengths ``v`` in proportion to
    ``k_uv / P(seen | v)``: a flat prior over the true length. The EM for truncated data
    (Turnbull 1976) with the same kernel gives it its posterior under the fitted length
    distribution ``f``, ``f(v) k_uv / Σ_v' f(v') k_uv'`` (``P(T ≥ v)`` for a stay going
    on at the data's end), divided by ``P(seen | v)``; the Kaplan–Meier curve of the
    result is the next ``f``. Run to its fixed point it gives stays that are too short
    on the coverage study's worlds (the kernel is wrong there, ``docs/methods/stays.md``,
    "Why the margins' median is too long"); one step is what the study measures.
    """
    from capacity.models.stays.replicates import _spread_weights, km_many

    sp = expander.spread
    values = np.asarray(values, dtype=float)
    seen = np.cumsum(np.asarray(pmf, dtype=float), axis=-1)
    idx = np.clip(sp.duration - 1, 0, sp.k - 1)
    p_seen = seen[..., sp.stratum, idx]  # (B, entries) or (entries,)
    k_uv = values * p_seen
    n_e = len(sp.u)
    to_u = sparse.csr_matrix((np.ones(n_e), (sp.u, np.arange(n_e))), shape=(sp.shape[0], n_e))
    for _ in range(steps):
        w_v = _spread_weights(expander, w_u, values.astype(np.float32))
        grid, surv = km_many(expander.table, w_v)
        prior = _length_prior(expander.table, grid, surv)  # (B, V)
        num = k_uv * prior[:, sp.v]
        den = np.asarray(to_u @ num.T).T  # (B, U)
        values = num / np.maximum(den[:, sp.u], 1e-300) / np.maximum(p_seen, 1e-9)
    return values


def posterior_expander(expander: Expander, steps: int) -> Expander:
    """``expander`` with its matrix after ``steps`` self-consistency steps (unit weights).

    Its ``spread`` and ``pmf`` stay those of the flat spread, so the bootstrap's
    replicates start again from their own flat spread (:func:`posterior_values`).
    """
    import dataclasses

    if not steps or expander.spread is None:
        return expander
    sp = expander.spread
    w_u = np.bincount(expander.key_id, minlength=sp.shape[0]).astype(float)[None, :]
    values = posterior_values(expander, sp.values(expander.pmf)[None, :], expander.pmf, w_u, steps)
    matrix = sparse.csr_matrix((values[0], (sp.u, sp.v)), shape=sp.shape)
    return dataclasses.replace(expander, matrix=matrix)
