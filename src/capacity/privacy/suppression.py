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

__all__ = ["SuppressedFrame", "suppress", "suppress_complementary"]


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
