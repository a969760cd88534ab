"""Swedish municipalities: the ``city`` of every table must be one, as SCB names it.

The list (290 municipalities with their SCB codes, source and date in its header and in
``data/municipalities.md``) is package data. :func:`check_cities` gives one problem per
misspelt or unknown city, with the closest municipality ("did you mean").
"""

from __future__ import annotations

import difflib
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from capacity.config import PACKAGE_DATA
from capacity.exceptions import Problem

__all__ = ["check_cities", "closest", "municipalities"]

FILE = PACKAGE_DATA / "municipalities.csv"


@cache
def municipalities() -> pd.DataFrame:
    """``code`` (four digits, text), ``name``, ``county_code``, ``county`` of each municipality.

    Examples
    --------
    >>> m = municipalities()
    >>> len(m), m.set_index("name").loc["Göteborg", "code"]
    (290, '1480')
    """
    return pd.read_csv(FILE, comment="#", dtype=str, encoding="utf-8")


@cache
def _names() -> frozenset[str]:
    return frozenset(municipalities()["name"])


@cache
def _name_set() -> pa.Array:
    return pa.array(sorted(_names()), pa.large_string())


def _all_known(city: pd.Series) -> bool:
    """Whether every present value of Arrow-backed text is a municipality; False when unsure.

    The quick answer for a clean table: one Arrow ``is_in`` over the rows, without the
    boolean Series pandas builds around its ``isin`` (at 1 M sightings ≈ half the time).
    Any other column, or any Arrow error, gives False: :func:`check_cities` then looks as
    before and finds the rows.
    """
    if not (isinstance(city.dtype, pd.StringDtype) and city.dtype.storage == "pyarrow"):
        return False
    try:
        values = pa.array(city.array)
        hit = pc.is_in(values, value_set=_name_set())
        return bool(pc.all(pc.or_kleene(hit, pc.is_null(values))).as_py())
    except (pa.ArrowException, TypeError, ValueError):
        return False


def closest(name: str) -> str | None:
    """The municipality whose name is closest to ``name``, or None when none is close.

    Examples
    --------
    >>> closest("Stokholm"), closest("goteborg"), closest("Xyzzy")
    ('Stockholm', 'Göteborg', None)
    """
    names = sorted(_names())
    folded = {_fold(n): n for n in names}
    if _fold(name) in folded:
        return folded[_fold(name)]
    hit = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if not hit:
        hit = [folded[h] for h in difflib.get_close_matches(_fold(name), folded, n=1, cutoff=0.75)]
    return hit[0] if hit else None


def _fold(name: str) -> str:
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(ascii_.lower().replace("-", " ").split())


def check_cities(frame: pd.DataFrame, file: str, limit: int = 20) -> list[Problem]:
    """Problems for ``city`` values that are not Swedish municipalities.

    Parameters
    ----------
    frame : pandas.DataFrame
        A typed table indexed by spreadsheet row; without a ``city`` column nothing is checked.
        Missing values are left to the contract's own checks.
    file : str
        File name for the problems.
    limit : int
        Most rows listed per unknown city; one more problem counts the rest.

    Examples
    --------
    >>> t = pd.DataFrame({"city": ["Stockholm", "Stokholm", None]}, index=[2, 3, 4])
    >>> [p.fix.split("?")[0] for p in check_cities(t, "sightings.csv")]
    ["Did you mean 'Stockholm'"]
    """
    if "city" not in frame:
        return []
    city = frame["city"]
    if _all_known(city):
        return []
    known = _names()
    bad = city.notna() & ~city.isin(known)  # vectorised, no per-row Python objects
    if not bad.any():
        return []
    problems = []
    rule = "not a Swedish municipality (SCB's list, src/capacity/data/municipalities.csv)"
    for value in sorted(city[bad].astype(str).unique()):
        rows = np.asarray(frame.index[(city.astype(object) == value).to_numpy(dtype=bool)])
        near = closest(value)
        hint = f"Did you mean '{near}'? " if near else ""
        fix = (
            f"{hint}Write the municipality as SCB names it (e.g. Göteborg, Upplands Väsby); "
            "the list with codes is src/capacity/data/municipalities.csv."
        )
        problems += [Problem(file, int(r), "city", value, rule, fix) for r in rows[:limit]]
        if len(rows) > limit:
            more = f"{rule}: {len(rows) - limit} more row(s) not listed"
            problems.append(Problem(file, None, "city", value, more, fix))
    return problems
