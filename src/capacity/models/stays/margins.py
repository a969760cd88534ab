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


@dataclass(frozen=True)
class Expander:
    """Maps stays to KM rows: unique observed keys ``U`` → margin-spread keys ``V``.

    ``matrix[u, v]`` is the probability that a stay observed as key ``u`` has true key
    ``v`` times the inverse chance ``1/P(seen | T_v)`` of a stay of that length being seen.
    """

    key_id: np.ndarray  # per stay: its row in U
    table: pd.DataFrame  # V rows: duration, event, entry
    matrix: sparse.csr_matrix  # U × V
    person: np.ndarray  # per stay: person code

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


def make_expander(rows: pd.DataFrame, pmf: np.ndarray | None) -> Expander:
    """The :class:`Expander` that spreads each stay over its unseen margins (``pmf``; ``None``: no margins)."""
    keys = ["duration", "event", "entry"]
    key_id = rows.groupby(keys, sort=False).ngroup().to_numpy()
    uniq = rows[keys].drop_duplicates().reset_index(drop=True)
    n_u = len(uniq)
    if pmf is None:
        matrix = sparse.identity(n_u, format="csr")
        return Expander(key_id, uniq, matrix, rows["person"].to_numpy())
    d, ev, e = (uniq[k].to_numpy() for k in keys)
    k = len(pmf)
    left, right = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    left, right = left.ravel(), right.ravel()
    p_pair = (pmf[:, None] * pmf[None, :]).ravel()
    u = np.repeat(np.arange(n_u), k * k)
    l_, r_ = np.tile(left, n_u), np.tile(right, n_u)
    prob = np.tile(p_pair, n_u)
    event = ev[u] > 0
    # ended stays: both margins; censored stays: only the start margin (r = 0 row keeps pmf[l])
    prob = np.where(event, prob, np.where(r_ == 0, pmf[l_], 0.0))
    dur = d[u] + l_ + np.where(event, r_, 0)
    entry = np.where(e[u] > 0, e[u] + l_, 0.0)
    keep = prob > 0
    u, dur, entry, prob, evk = u[keep], dur[keep], entry[keep], prob[keep], ev[u][keep]
    seen = np.cumsum(pmf)  # P(R < d) = P(seen | d) for d = 1, 2, ...
    p_seen = seen[np.clip(dur.astype(int) - 1, 0, len(seen) - 1)]
    prob = prob / np.maximum(p_seen, 1e-9)
    new = pd.DataFrame({"duration": dur, "event": evk, "entry": entry})
    v_id = new.groupby(keys, sort=False).ngroup().to_numpy()
    table = new.drop_duplicates().reset_index(drop=True)
    matrix = sparse.csr_matrix((prob, (u, v_id)), shape=(n_u, len(table)))
    return Expander(key_id, table, matrix, rows["person"].to_numpy())


def prepare_margins(
    stays: pd.DataFrame, correction: str
) -> tuple[pd.DataFrame, Expander, float, list[Caveat]]:
    """Per-stay rows (observed lengths; ``cox_duration`` for the Cox model) and the expander."""
    notes = []
    q = sighting_probability(stays)
    dur = stays["duration_days"].to_numpy(dtype=float)
    event = ~stays["right_censored"].to_numpy(dtype=bool)
    entry = stays["entry_days"].to_numpy(dtype=float)
    cox_dur, cox_entry, pmf = dur, entry, None
    if correction == "margins":
        margin, _ = sighting_gaps(stays)
        pmf = _recurrence_pmf(stays)
        cox_dur = dur + margin * (1 + event)
        cox_entry = np.where(entry > 0, entry + margin, 0.0)
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
        }
    )
    return rows, make_expander(rows, pmf), q, notes
