"""Bootstrap replicates of the quarterly MSE, model selection included, for many weights at once.

The chain bootstrap (:mod:`capacity.question4.bootstrap`) reweights persons; each
replicate's capture-history counts per quarter are one sparse product. :func:`mse_many`
then repeats what :func:`~capacity.models.population.mse` does with
``interactions="select"`` — forward selection of two-list interactions on AIC or BIC,
starting from main effects, never adding a pair of lists without overlap or a model whose
estimate does not exist — for all replicates together: each model visited by any
replicate is fitted once for every replicate by a batched Newton–Raphson on the Poisson
log-likelihood (a few ``(B, p, p)`` solves), and every replicate follows its own selection
path through the fitted criteria. So the interval carries the uncertainty of choosing the
model, which a fixed model hides. Methods: ``docs/methods/population.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import gammaln

from capacity.models.population.design import histories

__all__ = ["coded_quarter_counts", "mse_many", "quarter_counts"]


def _design(k: int, mask: int) -> np.ndarray:
    h = histories(k).astype(float)
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    cols = [np.ones(len(h)), *h.T]
    cols += [h[:, a] * h[:, b] for i, (a, b) in enumerate(pairs) if mask >> i & 1]
    return np.column_stack(cols)


def _fit_many(x: np.ndarray, y: np.ndarray, maxiter: int = 30):
    """Poisson ML for every row of ``y`` (B, C) on design ``x`` (C, p).

    Returns ``(beta (B, p), loglik (B,), ok (B,))``; ``ok`` is False where Newton's method
    did not converge or coefficients ran off (the MLE does not exist: zero cells).
    """
    b_count, p = y.shape[0], x.shape[1]
    beta = np.linalg.lstsq(x, np.log(y + 0.5).T, rcond=None)[0].T
    ok = np.ones(b_count, bool)
    done = np.zeros(b_count, bool)
    eye = 1e-12 * np.eye(p)
    for _ in range(maxiter):
        mu = np.exp(np.clip(beta @ x.T, -50, 50))
        grad = (y - mu) @ x
        info = x.T @ (mu[:, :, None] * x) + eye
        try:
            step = np.linalg.solve(info, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = np.stack(
                [np.linalg.lstsq(a, g, rcond=None)[0] for a, g in zip(info, grad, strict=True)]
            )
        big = np.abs(step).max(axis=1, keepdims=True)
        step = np.where(big > 5, step * 5 / np.maximum(big, 1e-300), step)
        step[done] = 0.0
        beta = beta + step
        done |= np.abs(step).max(axis=1) < 1e-9 * (1 + np.abs(beta).max(axis=1))
        if done.all():
            break
    ok &= done & (np.abs(beta).max(axis=1) < 30) & np.all(np.isfinite(beta), axis=1)
    mu = np.exp(np.clip(beta @ x.T, -50, 50))
    loglik = (np.where(y > 0, y * np.log(np.maximum(mu, 1e-300)), 0.0) - mu - gammaln(y + 1)).sum(1)
    return beta, loglik, ok


def mse_many(y: np.ndarray, k: int, criterion: str = "aic") -> tuple[np.ndarray, np.ndarray]:
    """``N̂`` per replicate with forward selection, as :func:`mse(interactions="select")`.

    Parameters
    ----------
    y : (B, 2^k − 1)
        Counts of the observable histories in the order of
        :func:`~capacity.models.population.design.histories`.
    k : int
        Number of lists.
    criterion : {"aic", "bic"}

    Returns
    -------
    n_hat : (B,) ``n + exp(β̂0)`` of the selected model (NaN where even main effects fail).
    models : (B,) bit mask of the selected pairs (pair ``i`` of ``(a, b), a < b`` in order).
    """
    y = np.asarray(y, dtype=float)
    hist = histories(k)
    n = y.sum(1)
    penalty = np.full(len(y), 2.0) if criterion == "aic" else np.log(np.maximum(n, 1.0))
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    overlap = (
        np.stack([y[:, (hist[:, a] == 1) & (hist[:, b] == 1)].sum(1) for a, b in pairs], axis=1)
        if pairs
        else np.zeros((len(y), 0))
    )
    cache: dict[int, tuple] = {}

    def fit(mask: int, rows: np.ndarray):
        """Criterion and N̂ of model ``mask`` (fitted on demand for ``rows`` only)."""
        if mask not in cache:
            x = _design(k, mask)
            full = np.linalg.matrix_rank(x) == x.shape[1]
            cache[mask] = (
                x,
                full,
                np.full(len(y), np.inf),
                np.full(len(y), np.nan),
                np.zeros(len(y), bool),
            )
        x, full, crit, est, have = cache[mask]
        need = rows & ~have
        if full and need.any():
            beta, loglik, ok = _fit_many(x, y[need])
            crit[need] = np.where(ok, -2 * loglik + penalty[need] * x.shape[1], np.inf)
            est[need] = n[need] + np.exp(np.clip(beta[:, 0], -50, 50))
        have |= need
        return crit, est

    current = np.zeros(len(y), dtype=np.int64)
    value = fit(0, np.ones(len(y), bool))[0].copy()
    active = np.isfinite(value)
    while active.any():
        best_value, best_mask = value.copy(), current.copy()
        for m in np.unique(current[active]):
            rows = active & (current == m)
            for i in range(len(pairs)):
                if m >> i & 1:
                    continue
                crit, _ = fit(int(m) | (1 << i), rows & (overlap[:, i] > 0))
                better = rows & (overlap[:, i] > 0) & (crit < best_value)
                best_value[better] = crit[better]
                best_mask[better] = int(m) | (1 << i)
        active = best_mask != current
        current, value = best_mask, best_value
    n_hat = np.full(len(y), np.nan)
    for m in np.unique(current):
        rows = current == m
        crit, est = fit(int(m), rows)
        n_hat[rows] = np.where(np.isfinite(crit[rows]), est[rows], np.nan)
    return n_hat, current


def quarter_counts(
    sightings: pd.DataFrame, persons: pd.Index, who: np.ndarray | None = None
) -> tuple[sparse.csr_matrix, list[str]]:
    """The map from person weights to one quarter's capture-history counts.

    Returns ``(cells, lists)``: ``cells`` (2^k − 1, P) so that ``(cells @ W).T`` are the
    counts of every replicate (columns of ``W``, persons indexed by ``persons``) in
    :func:`histories` order; ``lists`` are the sources present, sorted (as
    :func:`~capacity.models.population.design.capture_histories`). ``who``: the rows'
    ``persons.get_indexer(person_id)`` when the caller has it.
    """
    both = sightings.loc[:, ["person_id", "source"]]
    keep = both.notna().all(axis=1).to_numpy()
    data = both[keep]
    sources = sorted(pd.unique(data["source"].astype(str)))
    code = pd.Categorical(data["source"].astype(str), categories=sources).codes.astype(np.int64)
    who = persons.get_indexer(data["person_id"]) if who is None else np.asarray(who)[keep]
    return coded_quarter_counts(who, code, sources, len(persons))


def coded_quarter_counts(
    who: np.ndarray, code: np.ndarray, names: list[str], n_persons: int
) -> tuple[sparse.csr_matrix, list[str]]:
    """:func:`quarter_counts` from the rows' person positions and source codes.

    ``code`` indexes ``names`` (sorted); the lists are the sources present among these
    rows, so one coding of a whole period serves each of its quarters.
    """
    present = np.unique(code)
    sources = [names[c] for c in present]
    k = len(sources)
    code = np.searchsorted(present, code).astype(np.int64)
    mask = np.zeros(n_persons, dtype=np.int64)
    np.bitwise_or.at(mask, who, np.int64(1) << (k - 1 - code))  # first list most significant
    seen = np.flatnonzero(mask)
    cells = sparse.csr_matrix(
        (np.ones(len(seen)), (mask[seen] - 1, seen)), shape=(2**k - 1, n_persons)
    )
    return cells, sources
