"""Text cells to typed values, each column type with its explicit formats.

Raw cells are read as text (:func:`capacity.io.read_table`); :func:`parse_column` turns one
column into typed values and marks the cells it could not read, and :data:`PARSE_RULES`
gives the rule and fix reported for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_TRUE = frozenset({"yes", "true", "1", "ja", "sant", "y", "j"})
_FALSE = frozenset({"no", "false", "0", "nej", "falskt", "n"})
PARSE_RULES = {
    "date": (
        "not a date in the form YYYY-MM-DD",
        "Write dates as YYYY-MM-DD, e.g. 2024-03-15 (YYYY-MM-DD HH:MM:SS is also accepted; "
        "in Excel, format the column as a date).",
    ),
    "month": (
        "not a month in the form YYYY-MM",
        "Write months as YYYY-MM, e.g. 2024-03 (or the month's first day, 2024-03-01).",
    ),
    "integer": (
        "not a whole number",
        "Write a count as a whole number without units or spaces, e.g. 12.",
    ),
    "number": (
        "not a number",
        "Write a plain number without units, e.g. 7.5 (a decimal comma is fine in ';'-separated files).",
    ),
    "boolean": (
        "not yes or no",
        "Write yes/no, true/false, 1/0 or ja/nej.",
    ),
}


def _to_datetime(text: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    if todo.any():  # try first the format whose length fits the first value (Excel, Parquet)
        width = len(text[todo].iloc[0])
        length = {"%Y-%m": 7, "%Y-%m-%d": 10, "%Y-%m-%d %H:%M:%S": 19}
        formats = tuple(sorted(formats, key=lambda f: abs(length.get(f, 0) - width)))
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        out[todo] = parsed.astype("datetime64[ns]")
        todo = todo & out.isna()
    return out


def parse_column(text: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Typed values of one column of raw text, and the mask of cells that could not be read.

    Parameters
    ----------
    text : pandas.Series
        Raw cell text (surrounding spaces are ignored; empty cells become missing values).
    kind : str
        The column's type in the dictionary: ``date``, ``month``, ``integer``, ``number``,
        ``boolean``, ``category``, ``language``, ``language_list``, ``pseudonym``, ``code``
        or ``city``.

    Returns
    -------
    values : pandas.Series
        ``datetime64[ns]`` (dates at midnight, months at their first day), ``Int64``,
        ``Float64``, ``boolean`` or ``string``; missing where the cell was empty or unreadable.
    bad : pandas.Series of bool
        True where the cell is not empty but could not be read as ``kind``.

    Examples
    --------
    >>> import pandas as pd
    >>> values, bad = parse_column(pd.Series(["3", "2.0", "x", ""]), "integer")
    >>> values.tolist(), bad.tolist()
    ([3, 2, <NA>, <NA>], [False, False, True, False])

    Notes
    -----
    Dates, counts, numbers and yes/no columns repeat few values: each distinct text is
    parsed once and the result spread back to the rows (:func:`pandas.factorize`, then a take),
    which gives the same values as parsing every cell.
    """
    if kind not in PARSE_RULES or len(text) < _DISTINCT_MIN_ROWS:
        return _parse(text, kind)  # text kinds: a vectorised strip is already cheap
    codes, uniques = pd.factorize(text)
    if len(uniques) <= len(text) // 2:
        u_values, u_bad = _parse(pd.Series(uniques), kind)
        values = pd.Series(
            u_values.array.take(codes, allow_fill=True), index=text.index, name=text.name
        )
        bad = pd.Series(
            np.append(u_bad.to_numpy(dtype=bool), False)[codes], index=text.index, name=text.name
        )
        return values, bad
    return _parse(text, kind)


#: Below this many rows a column is parsed cell by cell (factorizing would not pay).
_DISTINCT_MIN_ROWS = 1000


def _parse(text: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    s = text.astype("string").str.strip()
    s = s.mask(s == "")
    present = s.notna()
    if kind == "date":
        values = _to_datetime(s, ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")).dt.normalize()
    elif kind == "month":
        values = _to_datetime(s, ("%Y-%m", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"))
        values = values.where(values.dt.is_month_start & (values == values.dt.normalize()))
    elif kind in ("integer", "number"):
        num = pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")
        num = num.astype("Float64")
        num = num.mask(~np.isfinite(num.astype("float64").fillna(0.0)))
        if kind == "integer":
            whole = num.eq(num.round()).fillna(False) & num.abs().lt(2**53).fillna(False)
            values = num.where(whole).astype("Int64")
        else:
            values = num
    elif kind == "boolean":
        low = s.str.lower()
        values = pd.Series(pd.NA, index=s.index, dtype="boolean")
        values[low.isin(_TRUE).fillna(False)] = True
        values[low.isin(_FALSE).fillna(False)] = False
    elif kind == "category":
        values = s.str.lower()
    elif kind == "language_list":
        values = s.str.replace(r"\s+", "", regex=True)
    else:
        values = s
    return values, present & values.isna()
