"""Design matrices and existence checks for log-linear multiple systems estimation.

Helpers of :mod:`capacity.models.population.mse`: the table of observable capture
histories, the validated count vector, the design of a model with two-list interactions,
and the two checks that decide whether the model's estimate of the population exists and
is identified (Fienberg & Rinaldo 2012; Chan, Silverman & Vincent 2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from capacity.exceptions import DataError, ParameterError, Problem
from capacity.models._base import Caveat, require_columns

__all__ = [
    "Model",
    "boundary_model",
    "build_model",
    "capture_histories",
    "fienberg_rinaldo",
    "histories",
    "parse_pairs",
]


def histories(k: int) -> np.ndarray:
    """All ``2^k − 1`` observable histories as a 0/1 matrix, the first list most significant.

    Examples
    --------
    >>> histories(2).tolist()
    [[0, 1], [1, 0], [1, 1]]
    """
    codes = np.arange(1, 2**k)
    return ((codes[:, None] >> np.arange(k - 1, -1, -1)) & 1).astype(np.int64)


def prepare_table(table: pd.DataFrame, lists: Sequence[str], count: str):
    """Validate the count table and return the counts of all observable histories.

    Returns ``(y, lists)`` with ``y[i]`` the number of persons with history
    ``histories(k)[i]`` (absent histories 0, repeated rows summed).
    """
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}.")
    if isinstance(lists, str):
        raise ParameterError(f"lists must be a sequence of column names, got the string {lists!r}.")
    lists = tuple(str(c) for c in lists)
    if len(lists) < 2 or len(set(lists)) != len(lists):
        raise ParameterError(f"lists must name at least two distinct columns, got {list(lists)}.")
    if len(lists) > 15:
        raise ParameterError(f"At most 15 lists are supported, got {len(lists)}.")
    missing = [c for c in (*lists, count) if c not in table.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    "capture-history table",
                    None,
                    c,
                    None,
                    "column is missing",
                    f"The table has columns {list(table.columns)}.",
                )
                for c in missing
            ]
        )
    problems = []
    flags = table.loc[:, list(lists)]
    for col in lists:
        bad = ~flags[col].isin([0, 1]) | flags[col].isna()
        for row in np.flatnonzero(bad.to_numpy())[:5]:
            problems.append(
                Problem(
                    "capture-history table",
                    int(row) + 2,
                    col,
                    str(flags[col].iloc[row]),
                    "list membership must be 0 or 1",
                    "Code 1 = on the list, 0 = not.",
                )
            )
    counts = pd.to_numeric(table[count], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(counts) | (counts < 0) | (counts != np.round(counts))
    for row in np.flatnonzero(bad)[:5]:
        problems.append(
            Problem(
                "capture-history table",
                int(row) + 2,
                count,
                str(table[count].iloc[row]),
                "count must be a non-negative whole number",
                "Give the number of persons.",
            )
        )
    if problems:
        raise DataError(problems)
    weights = 2 ** np.arange(len(lists) - 1, -1, -1)
    codes = flags.to_numpy(dtype=np.int64) @ weights
    unseen = (codes == 0) & (counts > 0)
    if unseen.any():
        row = int(np.flatnonzero(unseen)[0])
        raise DataError(
            Problem(
                "capture-history table",
                row + 2,
                count,
                str(counts[row]),
                "a history on no list cannot have been observed",
                "Remove the all-zero row; the unseen count is what mse estimates.",
            )
        )
    y = np.bincount(codes, weights=counts, minlength=2 ** len(lists))[1:]
    if y.sum() == 0:
        raise DataError(
            Problem(
                "capture-history table",
                None,
                count,
                "0",
                "nobody was observed",
                "Check the counts.",
            )
        )
    return y, lists


def parse_pairs(interactions, lists: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Turn ``"none"``, ``"all"`` or a sequence of list-name pairs into index pairs."""
    k = len(lists)
    if isinstance(interactions, str):
        if interactions == "none":
            return ()
        if interactions == "all":
            return tuple((a, b) for a in range(k) for b in range(a + 1, k))
        raise ParameterError(
            f"interactions must be 'select', 'none', 'all' or a list of (list_a, list_b) "
            f"pairs, got {interactions!r}."
        )
    index = {name: i for i, name in enumerate(lists)}
    pairs = []
    for pair in interactions:
        if isinstance(pair, str) or len(pair) != 2:
            raise ParameterError(f"Each interaction must be a pair of list names, got {pair!r}.")
        unknown = [p for p in pair if p not in index]
        if unknown or pair[0] == pair[1]:
            raise ParameterError(
                f"Interaction {tuple(pair)!r} must pair two different lists of {list(lists)}."
            )
        a, b = sorted((index[pair[0]], index[pair[1]]))
        if (a, b) in pairs:
            raise ParameterError(f"Interaction {tuple(pair)!r} is given twice.")
        pairs.append((a, b))
    return tuple(pairs)


def fienberg_rinaldo(X: np.ndarray, y: np.ndarray) -> bool:
    """Does the Poisson log-linear MLE exist (all fitted means finite and positive)?

    Notes
    -----
    The MLE exists if and only if the observed margins ``t = Xᵀy`` lie in the relative
    interior of the marginal cone, i.e. some ``μ > 0`` has ``Xᵀμ = t``. The linear program
    ``max s  s.t.  Xᵀμ = t, μ_i ≥ s, 0 ≤ s ≤ 1`` answers it: the MLE exists iff ``s* > 0``
    (Fienberg & Rinaldo 2012, with the correction used by Chan, Silverman & Vincent 2021).

    References
    ----------
    Fienberg, S. E. & Rinaldo, A. (2012). Maximum likelihood estimation in log-linear
    models. *Ann. Statist.* 40, 996–1023.

    Examples
    --------
    >>> X = np.array([[1, 0], [1, 1]])
    >>> fienberg_rinaldo(X, np.array([3.0, 0.0]))
    False
    """
    m, p = X.shape
    y = np.asarray(y, dtype=float)
    if m and np.all(y > 1e-7):
        # μ = y is feasible with s = min(min y, 1) > 1e-7: the MLE exists, no LP needed
        # (the common case on large data; the LP cost ≈ 2 ms per model fitted)
        return True
    # whether t = Xᵀy lies in the relative interior of the cone depends on the cells y
    # holds people in, not on how many (t is interior to the face spanned by those cells'
    # rows): one LP per design and pattern of empty cells (the quarters of a city and the
    # refits of a report share a few)
    key = (X.shape, np.ascontiguousarray(X, dtype=float).tobytes(), (y > 1e-7).tobytes())
    if key not in _EXISTS:
        if len(_EXISTS) >= 4096:
            _EXISTS.clear()
        _EXISTS[key] = _lp_exists(X, y)
    return _EXISTS[key]


#: :func:`fienberg_rinaldo`'s answers by design and pattern of empty cells.
_EXISTS: dict[tuple, bool] = {}


def _lp_exists(X: np.ndarray, y: np.ndarray) -> bool:
    """The linear program of :func:`fienberg_rinaldo` (``s* > 0``), always solved."""
    m, p = X.shape
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_eq = np.hstack([X.T, np.zeros((p, 1))])
    a_ub = np.hstack([-np.eye(m), np.ones((m, 1))])
    res = optimize.linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(m),
        A_eq=a_eq,
        b_eq=X.T @ y,
        bounds=[(0, None)] * m + [(0, 1)],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > 1e-7)


@dataclass(frozen=True)
class Model:
    """A log-linear model with two-list interactions, built on one count vector.

    ``pairs`` are all interactions in the model; those whose lists never overlap
    (``empty_pairs``) are not fitted: the cells that carry them are dropped (``keep``).
    """

    pairs: tuple[tuple[int, int], ...]
    empty_pairs: tuple[tuple[int, int], ...]
    term_names: tuple[str, ...]
    empty_names: tuple[str, ...]
    columns: tuple[str, ...]
    keep: np.ndarray
    X: np.ndarray
    exists: bool
    rank_deficiency: int
    boundary_pairs: tuple[tuple[int, int], ...] = ()
    boundary_names: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True if some interaction in the model has lists without overlap."""
        return bool(self.empty_pairs)

    @property
    def n_params(self) -> int:
        """Parameters counted in AIC/BIC and degrees of freedom (empty and boundary pairs
        included).
        """
        return self.X.shape[1] + len(self.empty_pairs) + len(self.boundary_pairs)


def boundary_model(y: np.ndarray, k: int, model: Model, names: Sequence[str]) -> Model | None:
    """The extended MLE's model when an interaction's margin with one list absent is empty.

    For an interaction ``a:b`` in the model whose persons on ``b`` are all on ``a`` (the
    cells ``h_a = 0, h_b = 1`` hold nobody), the MLE has ``β_b → −∞`` and ``λ_ab → +∞``
    with their sum finite: the extended MLE fits those cells as 0. On the remaining cells
    the columns ``h_b`` and ``h_a h_b`` coincide, so ``λ_ab`` is dropped from the fit but
    still counted in ``p`` (as R's ``glm`` and Rcapture count it). The same with the roles
    of ``a`` and ``b`` swapped. Returns ``None`` when no such margin is empty, or when the
    reduced model still has no estimate or does not identify the unseen cell.
    """
    h = histories(k)
    keep = model.keep.copy()
    boundary = []
    for a, b in model.pairs:
        if (a, b) in model.empty_pairs:
            continue
        for x, z in ((a, b), (b, a)):
            margin = (h[:, x] == 0) & (h[:, z] == 1)
            if y[margin].sum() == 0:
                keep &= ~margin
                boundary.append((a, b))
                break
    if not boundary:
        return None
    fitted = [pr for pr in model.pairs if pr not in model.empty_pairs and pr not in boundary]
    cols = [np.ones(len(h)), *h.T] + [h[:, a] * h[:, b] for a, b in fitted]
    X = np.column_stack(cols).astype(float)[keep]
    rank_def = X.shape[1] - int(np.linalg.matrix_rank(X))
    exists = fienberg_rinaldo(X, y[keep]) if X.shape[0] else False
    if not exists or rank_def:
        return None
    return Model(
        pairs=model.pairs,
        empty_pairs=model.empty_pairs,
        term_names=model.term_names,
        empty_names=model.empty_names,
        columns=("(Intercept)", *names, *(f"{names[a]}:{names[b]}" for a, b in fitted)),
        keep=keep,
        X=X,
        exists=True,
        rank_deficiency=0,
        boundary_pairs=tuple(boundary),
        boundary_names=tuple(f"{names[a]}:{names[b]}" for a, b in boundary),
    )


def build_model(
    y: np.ndarray, k: int, pairs: tuple[tuple[int, int], ...], names: Sequence[str] | None = None
) -> Model:
    """Design, kept cells and existence checks of the model with these interactions."""
    names = list(names) if names is not None else [f"L{i + 1}" for i in range(k)]
    h = histories(k)
    keep = np.ones(len(h), dtype=bool)
    empty, fitted = [], []
    for a, b in pairs:
        both = (h[:, a] == 1) & (h[:, b] == 1)
        if y[both].sum() == 0:
            empty.append((a, b))
            keep &= ~both
        else:
            fitted.append((a, b))
    cols = [np.ones(len(h)), *h.T] + [h[:, a] * h[:, b] for a, b in fitted]
    X = np.column_stack(cols).astype(float)[keep]
    rank_def = X.shape[1] - int(np.linalg.matrix_rank(X))
    exists = fienberg_rinaldo(X, y[keep]) if X.shape[0] else False
    return Model(
        pairs=tuple(pairs),
        empty_pairs=tuple(empty),
        term_names=tuple(f"{names[a]}:{names[b]}" for a, b in pairs),
        empty_names=tuple(f"{names[a]}:{names[b]}" for a, b in empty),
        columns=("(Intercept)", *names, *(f"{names[a]}:{names[b]}" for a, b in fitted)),
        keep=keep,
        X=X,
        exists=exists,
        rank_deficiency=rank_def,
    )


def capture_histories(
    sightings: pd.DataFrame, sources: Sequence[str] | None = None
) -> pd.DataFrame:
    """Capture histories per person: the 0/1-per-source count table that ``mse`` fits.

    Parameters
    ----------
    sightings : DataFrame
        Contract-shaped sightings with at least ``person_id`` and ``source`` (one row per
        observation; filter city and period before calling).
    sources : sequence of str, optional
        Sources (lists) to use, in this column order. Sightings by other sources are
        ignored, so persons seen only by them drop out. Default: every source present,
        sorted.

    Returns
    -------
    DataFrame
        One 0/1 column per source plus ``count`` (persons with that history), one row per
        observed history, sorted by history; histories nobody has are absent.

    Notes
    -----
    A person's history is ``h_j = 1`` if any sighting of that person is by source ``j``;
    repeat sightings by the same source count once. It is built as a bit mask (bit ``j``
    set by OR over the person's sightings) whose distinct values are counted: linear in
    the sightings, with no per-person Python work.

    Examples
    --------
    >>> s = pd.DataFrame({"person_id": ["a", "a", "b", "c"],
    ...                   "source": ["ads_a", "police", "ads_a", "police"]})
    >>> capture_histories(s)
       ads_a  police  count
    0      0       1      1
    1      1       0      1
    2      1       1      1
    """
    require_columns(
        sightings,
        ("person_id", "source"),
        "sightings",
        "column needed for capture histories is missing",
        "Pass contract-shaped sightings with 'person_id' and 'source' columns.",
    )
    data = sightings.loc[:, ["person_id", "source"]].dropna()
    present = sorted(pd.unique(data["source"].astype(str)))
    if sources is None:
        sources = present
    else:
        sources = [str(s) for s in sources]
        unknown = sorted(set(sources) - set(present))
        if len(set(sources)) != len(sources):
            raise ParameterError(f"sources lists a source twice: {sources}.")
        if unknown:
            raise ParameterError(
                f"Source(s) {unknown} do not occur in the sightings; present are {present}."
            )
    if len(sources) < 2:
        raise ParameterError(
            f"Capture–recapture needs at least two sources; the sightings have {present}.",
            reason=Caveat("population.one_source", sources=tuple(present)),
        )
    data = data[data["source"].astype(str).isin(sources)]
    person = pd.factorize(data["person_id"], sort=False)[0]
    code = pd.Categorical(data["source"].astype(str), categories=sources).codes
    # one bit per source, a word of 64 sources per column: OR over a person's sightings
    bits = np.zeros((person.max(initial=-1) + 1, -(-len(sources) // 64)), dtype=np.uint64)
    np.bitwise_or.at(bits, (person, code // 64), np.uint64(1) << (code % 64).astype(np.uint64))
    patterns = pd.DataFrame(bits).value_counts(sort=False)
    words = np.array(patterns.index.to_list(), dtype=np.uint64).reshape(-1, bits.shape[1])
    j = np.arange(len(sources))
    flags = (words[:, j // 64] >> (j % 64).astype(np.uint64)) & np.uint64(1)
    table = pd.DataFrame(flags.astype(np.int64), columns=list(sources))
    table["count"] = patterns.to_numpy(dtype=np.int64)
    return table.sort_values(list(sources), ignore_index=True)
