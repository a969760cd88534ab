"""Small-cell suppression: hide small counts in every exported table.

:func:`suppress` (primary) and :func:`suppress_complementary` (primary plus secondary)
return a :class:`SuppressedFrame`. See ``docs/privacy.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from capacity.exceptions import ParameterError

__all__ = ["SuppressedFrame", "protect", "suppress", "suppress_complementary"]


# --- small-cell suppression ----------------------------------------------------------------
@dataclass(frozen=True)
class SuppressedFrame:
    """A table ready for export with small counts hidden.

    Attributes
    ----------
    frame : pandas.DataFrame
        The table; count columns have object dtype and hidden cells read ``"<threshold"``.
    threshold : int
        Counts ``1 .. threshold - 1`` are hidden; zero is shown.
    n_suppressed : int
        Cells hidden in all (primary and secondary).
    cells : list of (index label, column)
        Every hidden cell.
    secondary : list of (index label, column)
        Cells hidden only to protect another one (complementary suppression).
    """

    frame: pd.DataFrame
    threshold: int
    n_suppressed: int
    cells: list[tuple[object, str]]
    secondary: list[tuple[object, str]] = field(default_factory=list)

    @property
    def caveat(self) -> str:
        """One sentence for the report's caveats."""
        extra = f", {len(self.secondary)} of them to protect another" if self.secondary else ""
        return (
            f"{self.n_suppressed} cell(s) with counts from 1 to {self.threshold - 1} are shown "
            f"as '<{self.threshold}'{extra}; totals were computed before suppression."
        )


def _count_columns(frame: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return [
            c
            for c in frame.columns
            if pd.api.types.is_integer_dtype(frame[c].dtype)
            and not pd.api.types.is_bool_dtype(frame[c].dtype)
        ]
    bad = [
        c
        for c in columns
        if c not in frame.columns
        or not pd.api.types.is_numeric_dtype(frame[c].dtype)
        or pd.api.types.is_bool_dtype(frame[c].dtype)
    ]
    if bad:
        raise ParameterError(
            f"cannot suppress column(s) {bad}: not numeric count columns of this table "
            f"(columns: {list(frame.columns)})."
        )
    return list(columns)


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ParameterError(
            f"threshold must be a whole number of at least 1 (counts 1..threshold-1 are hidden; "
            f"1 hides nothing, 5 is usual), got {threshold!r}."
        )


def _hide(frame: pd.DataFrame, mask: pd.DataFrame, threshold: int) -> pd.DataFrame:
    out = frame.copy()
    cols = list(mask.columns)
    out[cols] = frame[cols].astype(object).mask(mask, f"<{threshold}")
    return out


def _cells(mask: pd.DataFrame) -> list[tuple[object, str]]:
    r, c = np.nonzero(mask.to_numpy())
    return list(zip(mask.index[r].tolist(), mask.columns[c].tolist(), strict=True))


def suppress(
    frame: pd.DataFrame, threshold: int = 5, columns: Sequence[str] | None = None
) -> SuppressedFrame:
    """Hide small counts (primary suppression) before a table is exported.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to export. Compute every total, share and rate *before* calling this.
    threshold : int, default 5
        Counts ``1 .. threshold - 1`` become the string ``"<threshold"``; 0 stays 0.
    columns : sequence of str, optional
        Count columns to check; default every integer column (not booleans). Other
        columns are left untouched.

    Returns
    -------
    SuppressedFrame

    Notes
    -----
    A cell :math:`n` is hidden when :math:`0 < n < t`. Primary suppression alone does not
    stop a reader from recovering a hidden cell from a shown total (:math:`n_1 = T - n_2`);
    use :func:`suppress_complementary` when a table shows row totals.

    References
    ----------
    .. [1] A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), ch. 5.

    Examples
    --------
    >>> t = pd.DataFrame({"channel": ["online", "street"], "contacts": [12, 3]})
    >>> s = suppress(t)
    >>> s.frame["contacts"].tolist(), s.n_suppressed
    ([12, '<5'], 1)
    """
    _check_threshold(threshold)
    cols = _count_columns(frame, columns)
    values = frame[cols].apply(pd.to_numeric)
    mask = ((values > 0) & (values < threshold)).fillna(False).astype(bool)
    cells = _cells(mask)
    return SuppressedFrame(_hide(frame, mask, threshold), int(threshold), len(cells), cells)


def suppress_complementary(
    frame: pd.DataFrame,
    total: str,
    threshold: int = 5,
    columns: Sequence[str] | None = None,
) -> SuppressedFrame:
    r"""Primary suppression plus one secondary cell per row that a row total would reveal.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table whose ``columns`` add up to ``total`` in each row.
    total : str
        Row-total column (shown unless it is itself small).
    threshold : int, default 5
        As in :func:`suppress`.
    columns : sequence of str, optional
        The parts; default every integer column except ``total``.

    Returns
    -------
    SuppressedFrame
        ``secondary`` lists the cells hidden to protect another.

    Notes
    -----
    In a row with exactly one hidden part and a shown total the part equals
    :math:`T - \sum_{j \ne i} n_j`; hiding also the smallest shown non-zero part of that
    row leaves two unknowns for one equation. Column totals are not protected: do not
    export them next to a table suppressed this way, or protect them by hand.

    References
    ----------
    .. [1] A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), sec. 5.2.

    Examples
    --------
    >>> t = pd.DataFrame({"online": [3, 10], "street": [9, 8], "total": [12, 18]})
    >>> s = suppress_complementary(t, "total")
    >>> s.frame.to_dict("list"), s.secondary
    ({'online': ['<5', 10], 'street': ['<5', 8], 'total': [12, 18]}, [(0, 'street')])
    """
    _check_threshold(threshold)
    if total not in frame.columns:
        raise ParameterError(f"total column {total!r} is not in the table {list(frame.columns)}.")
    parts = [c for c in _count_columns(frame, columns) if c != total]
    values = frame[[*parts, total]].apply(pd.to_numeric).astype(float)
    primary = ((values > 0) & (values < threshold)).fillna(False).astype(bool)
    part_vals = values[parts].to_numpy()
    hidden = primary[parts].to_numpy()
    shown_total = ~primary[total].to_numpy() & values[total].notna().to_numpy()
    cand = np.where(~hidden & (part_vals > 0), part_vals, np.inf)
    need = (hidden.sum(axis=1) == 1) & shown_total & np.isfinite(cand.min(axis=1, initial=np.inf))
    sec = np.zeros(primary.shape, dtype=bool)
    rows = np.flatnonzero(need)
    if rows.size:
        sec[rows, np.argmin(cand[rows], axis=1)] = True  # parts come first in `primary`
    second = pd.DataFrame(sec, index=frame.index, columns=primary.columns)
    mask = primary | second
    cells = _cells(mask)
    return SuppressedFrame(
        _hide(frame, mask, threshold), int(threshold), len(cells), cells, _cells(second)
    )


def _lines(shape: tuple[int, int], names, rows: bool, columns) -> list[list[tuple[int, int]]]:
    """The additive lines of a table: every row (``rows``) and the chosen columns.

    A line of one cell is that cell itself, not a sum, and is left out.
    """
    n_rows, n_cols = shape
    lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)] if rows else []
    cols = range(n_cols) if columns is True else [list(names).index(c) for c in columns or ()]
    lines += [[(i, j) for i in range(n_rows)] for j in cols]
    return [line for line in lines if len(line) > 1]


def protect(
    counts: pd.DataFrame,
    threshold: int = 5,
    *,
    rows: bool = False,
    columns: bool | Sequence[str] = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which cells of a table of counts to hide: small ones, and enough others to protect them.

    Enough others that no hidden count follows from a total.

    The single disclosure-control step every report table goes through (via
    :func:`capacity.tables.make_table`), *before* any share is shown beside the counts.

    Parameters
    ----------
    counts : pandas.DataFrame
        The count cells (persons, stays, contacts); missing cells are not counts.
    threshold : int, default 5
        Counts ``1 .. threshold - 1`` are hidden (primary suppression); 0 is shown.
    rows : bool
        Each row adds up to a total a reader may know (a row-total column among ``counts``
        counts as one of the parts of that relation: ``all = buyers + sellers``).
    columns : bool or sequence of str
        These columns (``True``: all) add up to a total a reader may know — printed
        elsewhere, or following from a share beside a shown count.

    Returns
    -------
    primary, secondary : pandas.DataFrame of bool
        Cells hidden because they are small, and cells hidden to protect them.

    Notes
    -----
    Each additive line (a row or a column above) is an equation whose value a reader may
    know. A hidden cell is recoverable when it is the only hidden cell of a line, and also
    when all the hidden cells of a line are small and all 1 or all ``threshold - 1`` (a
    reader knows a cell shown as ``<threshold`` lies in ``1 .. threshold - 1``). Until no
    line is in either state, the smallest shown non-zero cell of such a line is hidden too
    (a zero when no other is left): secondary suppression [1]_. Then :func:`recoverable`
    audits the whole table by linear programming, and each line through a cell it can still
    pin gets one more hidden cell, until the audit finds none (or nothing is left to hide).
    Secondary cells are written "hidden", not ``<threshold``: their value is not small.

    References
    ----------
    .. [1] A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), §5.2–5.4.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [31, 2, 13]}, index=["own", "interpreter", "neither"])
    >>> primary, secondary = protect(t, 5, columns=True)
    >>> primary["n"].tolist(), secondary["n"].tolist()
    ([False, True, False], [False, False, True])
    """
    _check_threshold(threshold)
    v = counts.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    primary = np.nan_to_num((v > 0) & (v < threshold)).astype(bool)
    secondary = np.zeros_like(primary)
    lines = _lines(v.shape, counts.columns, rows, columns)

    def hide_one(line: list[tuple[int, int]]) -> bool:
        shown = [c for c in line if not (primary[c] or secondary[c]) and np.isfinite(v[c])]
        if not shown:
            return False
        secondary[min(shown, key=lambda c: (v[c] == 0, v[c]))] = True
        return True

    def exposed(line: list[tuple[int, int]]) -> bool:
        hidden = [c for c in line if primary[c] or secondary[c]]
        if not hidden or (len(hidden) > 1 and any(secondary[c] for c in hidden)):
            return len(hidden) == 1
        vals = {v[c] for c in hidden}
        return len(hidden) == 1 or vals == {1.0} or vals == {float(threshold - 1)}

    def frame(m: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(m, index=counts.index, columns=counts.columns)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if exposed(line) and hide_one(line):
                changed = True
        if not changed and primary.any() and lines:
            pinned = recoverable(
                counts, frame(primary), frame(secondary), threshold, rows=rows, columns=columns
            )
            at = {(counts.index.get_loc(r), counts.columns.get_loc(c)) for r, c, _ in pinned}
            for line in lines:
                if at.intersection(line) and hide_one(line):
                    changed = True
    return frame(primary), frame(secondary)


def recoverable(
    counts: pd.DataFrame,
    primary: pd.DataFrame,
    secondary: pd.DataFrame,
    threshold: int = 5,
    *,
    rows: bool = False,
    columns: bool | Sequence[str] = False,
) -> list[tuple[object, str, float]]:
    """Small hidden counts a reader can work out from the shown cells and the lines' totals.

    The audit of :func:`protect`: the reader is assumed to know every shown cell, the total
    of every additive line (``rows``/``columns`` as in :func:`protect`) unless that total
    is itself small (then it is never shown), that a cell written ``<threshold`` lies in
    ``1 .. threshold - 1`` and that any other hidden cell is at least 0. For each small
    hidden cell the least and greatest values the equations allow are found by linear
    programming; a cell whose range is narrower than 1 is recoverable. Known limit: a small
    line total that follows from the other totals (the grand total minus them) is not
    assumed known.

    Returns
    -------
    list of (row, column, value)
        Every recoverable small cell with its value.
    """
    from scipy.optimize import linprog

    v = counts.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    prim = primary.to_numpy(dtype=bool)
    hid = prim | secondary.to_numpy(dtype=bool)
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(hid), strict=True)]
    if not prim.any() or threshold <= 2:  # with 2, "<2" itself says 1: nothing to audit
        return []
    pos = {c: k for k, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for line in _lines(v.shape, counts.columns, rows, columns):
        unknown = [pos[c] for c in line if c in pos]
        total = float(np.nansum([v[c] for c in line]))
        if not unknown or 0 < total < threshold:
            continue
        row = np.zeros(len(cells))
        row[unknown] = 1.0
        a_eq.append(row)
        b_eq.append(sum(v[c] for c in line if c in pos))  # the total minus the shown cells
    bounds = [(1.0, threshold - 1.0) if prim[c] else (0.0, None) for c in cells]
    out = []
    for k, c in enumerate(cells):
        if not prim[c] or not a_eq:
            continue
        goal = np.zeros(len(cells))
        goal[k] = 1.0
        low = linprog(goal, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-goal, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0 and -high.fun - low.fun < 1.0 - 1e-9:
            out.append((counts.index[c[0]], counts.columns[c[1]], float(v[c])))
    return out
