"""Cell checks that need more than the column type: the file's dialect, plausible dates.

* A number whose decimal mark is ambiguous for the file's dialect is refused: in a
  ``;``-separated file (the Swedish Excel dialect, decimal comma) ``1.250`` may be one
  thousand two hundred and fifty or one and a quarter; in a ``,``-separated file a quoted
  ``1,250`` likewise. Reading either silently as 1.25 would be wrong by a factor of 1000.
* A date or month outside :data:`capacity.limits.FIRST_DATE` – :data:`~capacity.limits.LAST_DATE`
  (``9999-12-31``, ``0001-01-01``) is a typo or a placeholder, never an observation; it is
  reported as such (pandas cannot even hold it as a nanosecond timestamp).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity import limits
from capacity.contract import MAX_PER_RULE, located, normalise_name
from capacity.exceptions import Problem
from capacity.schema import columns

_THOUSANDS = {
    ";": (
        r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+",
        "'.'",
        "a decimal comma (1,25) or no separator (1250)",
    ),
    ",": (r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+", "','", "a decimal point (1.25) or no separator (1250)"),
}


def ambiguous_decimals(raw: pd.DataFrame, table: str, file: str) -> list[Problem]:
    """Number cells whose decimal mark could also be a thousands separator in this dialect.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as text from :func:`capacity.io.read_table`, whose ``attrs["separator"]`` is
        the CSV column separator (absent for Excel and Parquet, which store numbers).
    table, file : str
        Table name (for the column types) and file name (for the problems).
    """
    sep = raw.attrs.get("separator")
    if sep not in _THOUSANDS:
        return []
    pattern, mark, fix_how = _THOUSANDS[sep]
    kinds = columns(table)["type"]
    problems: list[Problem] = []
    for i, original in enumerate(raw.columns):
        name = normalise_name(original)
        if kinds.get(name) not in ("integer", "number"):
            continue
        cells = raw.iloc[:, i].astype(str).str.strip()
        bad = cells.str.fullmatch(pattern).to_numpy(dtype=bool)
        if bad.any():
            rows = raw.index[bad].to_numpy()
            rule = (
                f"the number's {mark} may be a decimal mark or a thousands separator in a "
                f"{sep!r}-separated file"
            )
            fix = f"Write the number with {fix_how}, so that it can be read one way only."
            problems += located(file, rows, name, cells[bad].iloc[:MAX_PER_RULE], rule, fix)
    return problems


def far_dates(text: pd.Series) -> pd.Series:
    """Cells that are dates written ``YYYY-…`` with a year outside the plausible range.

    The regular expression runs once per distinct text (a date column of a million rows
    has a few thousand), not once per cell: the same answer, ≈ 100× less work.
    """
    codes, uniques = pd.factorize(text.astype("string"), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(False, index=text.index)
    distinct = pd.Series(uniques, dtype="string")
    year = pd.to_numeric(distinct.str.strip().str.extract(r"^([0-9]{4})-")[0])
    year = year.astype("Float64")
    far = ((year < limits.FIRST_DATE.year) | (year > limits.LAST_DATE.year)).fillna(False)
    far = np.append(far.to_numpy(dtype=bool), False)  # code -1 (missing): not far
    return pd.Series(far[codes], index=text.index)


FAR_DATE_RULE = (
    f"the date is outside the plausible range {limits.FIRST_DATE:%Y-%m-%d} to "
    f"{limits.LAST_DATE:%Y-%m-%d}"
)
FAR_DATE_FIX = (
    "Correct the date; leave the cell empty when it is unknown (no placeholder such as "
    "9999-12-31 or 0001-01-01)."
)
