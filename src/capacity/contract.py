"""The data contract: schemas of the four tables, built from ``data/dictionary.csv``.

``dictionary.csv`` is the one source of truth: every column's type, whether it is required,
its unit, allowed values, range and meaning. This module turns it into

* a text parser per column type (raw strings in, typed values out, bad cells located),
* a :mod:`pandera` schema per table (ranges, categories, patterns, "≤ other column" rules,
  duplicate keys), validated lazily so that every failure is found at once,
* :class:`~capacity.exceptions.Problem` objects with spreadsheet row numbers (header = row 1)
  and a plain-language rule and fix,
* cross-table checks (period, teams, cities) and the Markdown tables of
  ``docs/data-contract.md``.

Frames passed in carry the file's row numbers as their index (see :func:`capacity.io.read_table`).
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from capacity.config import PACKAGE_DATA
from capacity.exceptions import Problem

DICTIONARY_PATH = PACKAGE_DATA / "dictionary.csv"
TABLES: tuple[str, ...] = ("sightings", "outreach", "staff", "operations")
#: Rows that must not repeat: a duplicate key is refused (the first occurrence is kept quiet).
KEYS: dict[str, tuple[str, ...]] = {
    "sightings": ("person_id", "date", "city", "source"),
    "staff": ("month", "staff_id"),
    "operations": ("operation_id",),
}
#: Tables that may legitimately have no rows (a city with no joint operation in the period).
MAY_BE_EMPTY = frozenset({"operations"})
#: At most this many located problems per file, column and rule; the rest are summarised.
MAX_PER_RULE = 100
DOC_HINT = "see docs/data-contract.md or src/capacity/data/dictionary.csv"

_PANDERA_DTYPE = {
    "date": "datetime64[ns]",
    "month": "datetime64[ns]",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}
_FINAL_DTYPE = {"integer": "int64", "number": "float64", "boolean": "bool"}
_LIMIT = re.compile(r"(≤|≥)\s*([a-z_]+)")
#: ISO 639-1 two-letter language codes (the 183 codes of the standard's current list).
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu""".split()
)
_TRUE = frozenset({"yes", "true", "1", "ja", "sant", "y", "j"})
_FALSE = frozenset({"no", "false", "0", "nej", "falskt", "n"})


@functools.cache
def dictionary() -> pd.DataFrame:
    """The data dictionary as a frame of strings (one row per table and column)."""
    return pd.read_csv(DICTIONARY_PATH, dtype=str, keep_default_na=False, encoding="utf-8")


@functools.cache
def columns(table: str) -> pd.DataFrame:
    """The dictionary rows of one table, indexed by column name (cached: do not modify)."""
    d = dictionary()
    return d[d["table"] == table].set_index("column")


@functools.cache
def required_columns(table: str) -> tuple[str, ...]:
    """Names of the columns a file of ``table`` must have."""
    c = columns(table)
    return tuple(c.index[c["required"] == "yes"])


@dataclass(frozen=True)
class Contract:
    """The pandera schema of a table and the plain-language fix for each of its rules."""

    table: str
    schema: pa.DataFrameSchema
    fixes: dict[str, str] = field(default_factory=dict)
    wide_columns: dict[str, tuple[str, str]] = field(default_factory=dict)


def _range_values(kind: str, low: str, high: str):
    if kind in ("date", "month"):
        fmt = "%Y-%m" if kind == "month" else "%Y-%m-%d"
        lo = pd.to_datetime(low, format=fmt) if low else None
        hi = pd.to_datetime(high, format=fmt) if high else None
        if hi is not None and kind == "month":
            hi = hi + pd.offsets.MonthBegin(0)
        return lo, hi
    return (float(low) if low else None), (float(high) if high else None)


def _distinct_check(test, rule: str) -> pa.Check:
    """A pandera check that runs ``test`` once per distinct value (fast on repetitive columns)."""

    def check(series: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(series)
        ok = np.asarray(test(pd.Series(uniques, dtype="string")).fillna(False), dtype=bool)
        return pd.Series(np.append(ok, True)[codes], index=series.index)

    return pa.Check(check, error=rule)


def _pattern_check(pattern: str, rule: str) -> pa.Check:
    """A pandera check that every value fully matches the regular expression ``pattern``."""
    return _distinct_check(lambda u: u.str.fullmatch(pattern), rule)


def _column_checks(table: str, name: str, spec: pd.Series, fixes: dict[str, str]) -> list:
    kind, allowed, unit = spec["type"], spec["allowed"], spec["unit"]
    checks = []

    def add(check_factory, rule: str, fix: str):
        fixes[rule] = fix
        checks.append(check_factory(rule))

    if spec["min"] or spec["max"]:
        lo, hi = _range_values(kind, spec["min"], spec["max"])
        lo_s, hi_s = spec["min"] or "-∞", spec["max"] or "∞"
        unit_s = f" {unit}" if unit else ""
        rule = f"must be between {lo_s} and {hi_s}{unit_s}"
        fix = "Check the value: it is outside the range the data contract allows"
        if kind == "integer" and lo == 0:
            fix += " (counts cannot be negative)"
        if kind == "number" and hi == 1.0:
            fix += " (write a share as a decimal, e.g. 0.6, not 60 %)"
        add(lambda r: pa.Check.in_range(lo, hi, error=r), rule, fix + f"; {DOC_HINT}.")
    if kind == "category":
        values = [v.strip() for v in allowed.split(",")]
        rule = f"must be one of: {', '.join(values)}"
        add(
            lambda r: _distinct_check(lambda u: u.isin(values), r),
            rule,
            "Use one of the allowed codes.",
        )
    elif kind == "language":
        rule = "must be an ISO 639-1 language code (two lower-case letters, e.g. sv, en, ro)"
        add(
            lambda r: _distinct_check(lambda u: u.isin(ISO_639_1), r),
            rule,
            "Write the language as its two-letter ISO 639-1 code, or leave the cell empty when unknown.",
        )
    elif kind == "language_list":
        code = "(?:" + "|".join(sorted(ISO_639_1)) + ")"
        rule = "must be ISO 639-1 codes separated by ';' (e.g. sv;en;ro)"
        add(
            lambda r: _pattern_check(rf"^{code}(?:;{code})*$", r),
            rule,
            "List the two-letter codes of every language the staff member can hold a conversation in, separated by ';'.",
        )
    elif kind == "pseudonym":
        lo, hi = re.search(r"(\d+)-(\d+)", allowed).groups()
        rule = f"must be a pseudonym of {lo}-{hi} letters, digits, '_' or '-'"
        add(
            lambda r: _pattern_check(rf"^[A-Za-z0-9_-]{{{lo},{hi}}}$", r),
            rule,
            "Pseudonymise the column first (capacity pseudonymise); never use names or phone numbers.",
        )
    elif kind == "code":
        lower = "lower-case" in allowed
        chars = "a-z0-9" if lower else "A-Za-z0-9"
        rule = f"must be a {'lower-case ' if lower else ''}code of letters, digits, '_', '-' or '.'"
        add(
            lambda r: _pattern_check(rf"^[{chars}][{chars}_.\-]{{0,63}}$", r),
            rule,
            "Use a short code without spaces, e.g. ads_a or team_north.",
        )
    elif kind == "city":
        rule = "must be a municipality name (letters, spaces and '-')"
        add(
            lambda r: _pattern_check(r"^[^\W\d_]+(?:[ \-][^\W\d_]+)*$", r),
            rule,
            "Write the municipality's name, e.g. Stockholm or Göteborg.",
        )
    return checks


def _wide_checks(table: str, fixes: dict[str, str], wide: dict[str, tuple[str, str]]) -> list:
    checks = []
    for name, spec in columns(table).iterrows():
        m = _LIMIT.search(spec["allowed"])
        if not m:
            continue
        op, other = m.groups()
        rule = f"{name} must be {op} {other}"
        if op == "≥":
            fixes[rule] = f"'{name}' cannot come before '{other}'; correct one of the two dates."
        else:
            fixes[rule] = f"'{name}' counts a part of '{other}'; correct one of the two values."
        wide[rule] = (name, other)

        def check(df: pd.DataFrame, a=name, b=other, op=op) -> pd.Series:
            if a not in df or b not in df:  # a missing column is reported on its own
                return pd.Series(True, index=df.index)
            ok = df[a].ge(df[b]) if op == "≥" else df[a].le(df[b])
            return ok.fillna(True).astype(bool)

        checks.append(pa.Check(check, error=rule))
    return checks


@functools.cache
def contract(table: str) -> Contract:
    """The pandera schema of ``table`` built from the dictionary (cached)."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
    fixes: dict[str, str] = {}
    wide: dict[str, tuple[str, str]] = {}
    cols = {}
    for name, spec in columns(table).iterrows():
        cols[name] = pa.Column(
            _PANDERA_DTYPE.get(spec["type"], "string"),
            _column_checks(table, name, spec, fixes),
            nullable=spec["required"] != "yes",
        )
    schema = pa.DataFrameSchema(
        cols,
        checks=_wide_checks(table, fixes, wide),
        unique=list(KEYS[table]) if table in KEYS else None,
        report_duplicates="exclude_first",
        strict=False,
        name=table,
    )
    return Contract(table, schema, fixes, wide)


# --- text to typed values ---------------------------------------------------------------
_PARSE_RULES = {
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
    """
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


# --- structure of a file ----------------------------------------------------------------
def normalise_name(name: object) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and '-' as '_'."""
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())


def _looks_like(header: set[str], table: str) -> str | None:
    own = len(header & set(columns(table).index))
    best, best_n = None, own
    for other in TABLES:
        req = set(required_columns(other))
        n = len(header & req)
        if other != table and n > best_n and n >= 0.6 * len(req):
            best, best_n = other, n
    return best


def check_header(raw: pd.DataFrame, table: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rename the header to contract names and report structural problems of a file.

    Returns the frame with normalised names (only the known columns) and the problems; an
    empty frame when the file cannot be validated further (empty, wrong table).
    """
    if raw.shape[1] == 0:
        return raw, [
            Problem(
                file,
                None,
                None,
                None,
                "the file is empty",
                f"Export the {table} table with its header row; {DOC_HINT}.",
            )
        ]
    names = [normalise_name(c) for c in raw.columns]
    header = set(names)
    other = _looks_like(header, table)
    if other is not None:
        rule = f"this looks like the {other} table, not the {table} table"
        fix = f"Put the {other} data in {other}.csv (or .xlsx/.parquet) and the {table} data in {table}.csv."
        return raw.iloc[0:0, 0:0], [Problem(file, None, None, None, rule, fix)]
    spec = columns(table)
    known = list(spec.index)
    problems = []
    seen: set[str] = set()
    for original, name in zip(raw.columns, names, strict=True):
        if name in seen:
            problems.append(
                Problem(
                    file, 1, name, None, "the column appears twice", "Keep one of the two columns."
                )
            )
        elif name not in spec.index:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            problems.append(
                Problem(
                    file,
                    1,
                    str(original),
                    None,
                    "unknown column (not in the data dictionary)",
                    f"{hint}Remove or rename it; the {table} columns are {', '.join(known)} ({DOC_HINT}).",
                )
            )
        seen.add(name)
    for name in required_columns(table):
        if name not in header:
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    None,
                    "required column missing",
                    f"Add the column '{name}': {spec.loc[name, 'meaning'].rstrip('.')}; {DOC_HINT}.",
                )
            )
    frame = raw.set_axis(names, axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame[[c for c in known if c in frame.columns]]
    if len(frame) == 0 and table not in MAY_BE_EMPTY:
        problems.append(
            Problem(
                file,
                None,
                None,
                None,
                "the file has a header but no data rows",
                f"Export the {table} rows too.",
            )
        )
    return frame, problems


# --- validation -------------------------------------------------------------------------
def _short(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    if not text:
        return None
    return text if len(text) <= 60 else text[:57] + "..."


def _located(
    file: str, rows: np.ndarray, column: str | None, values, rule: str, fix: str
) -> list[Problem]:
    """One problem per row, at most :data:`MAX_PER_RULE`, then one summary problem.

    ``values`` holds the shown value of the first ``MAX_PER_RULE`` rows (or of all rows), or
    is a function of those rows returning them.
    """
    rows = np.asarray(rows)
    head = rows[:MAX_PER_RULE]
    shown = list(values(head) if callable(values) else values)[: len(head)]
    out = [
        Problem(file, int(r), column, _short(v), rule, fix)
        for r, v in zip(head, shown, strict=True)
    ]
    if len(rows) > MAX_PER_RULE:
        more = len(rows) - MAX_PER_RULE
        out.append(Problem(file, None, column, None, f"{rule}: {more} more row(s) not listed", fix))
    return out


def _order(p: Problem) -> tuple[int, int, str]:
    """Whole-file problems first, then by row, then the counts of rows not listed."""
    if p.row is not None:
        return 1, p.row, p.column or ""
    return (2 if p.rule.endswith("not listed") else 0), 0, p.column or ""


def _translate(failures: pd.DataFrame, raw: pd.DataFrame, c: Contract, file: str) -> list[Problem]:
    problems: list[Problem] = []
    keys = list(KEYS.get(c.table, ()))
    for check, group in failures.groupby("check", sort=False):
        if check in c.wide_columns:
            a, b = c.wide_columns[check]
            rows = np.unique(group["index"].to_numpy())

            def pair(r, a=a, b=b):
                return [f"{x} vs {b} {y}" for x, y in raw.loc[r, [a, b]].to_numpy()]

            problems += _located(file, rows, a, pair, check, c.fixes[check])
        elif "uniqueness" in check or check == "unique":
            rows = np.unique(group["index"].to_numpy())
            rule = f"duplicate row: the same {', '.join(keys)} as an earlier row"
            fix = "Remove the repeated row (each combination may appear once)."

            def key(r):
                return raw.loc[r, keys].astype(str).agg(" | ".join, axis=1)

            problems += _located(file, rows, keys[0], key, rule, fix)
        else:
            for column, cg in group.groupby("column", sort=False):
                rows = np.unique(cg["index"].to_numpy())
                if check == "not_nullable":
                    rule, fix = "value missing", "Fill in the cell; the column is required."
                else:
                    rule = str(check)
                    fix = c.fixes.get(rule, f"Correct the value; {DOC_HINT}.")
                values = raw.loc[rows[:MAX_PER_RULE], column].to_numpy()
                problems += _located(file, rows, str(column), values, rule, fix)
    return problems


def validate_table(raw: pd.DataFrame, table: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one table against the contract and convert it to typed columns.

    Parameters
    ----------
    raw : pandas.DataFrame
        The file's cells as text, indexed by spreadsheet row number (header = row 1), as
        returned by :func:`capacity.io.read_table`.
    table : str
        One of :data:`TABLES`.
    file : str
        File name used in the problems.

    Returns
    -------
    typed : pandas.DataFrame
        Contract columns in dictionary order with typed values (still indexed by row number;
        cells that break a rule may be missing). Pass it to :func:`finalise` once there are
        no problems.
    problems : list of Problem
        Every problem found, each with file, row, column, value, rule and fix.

    Notes
    -----
    Each cell is parsed with an explicit format (a vectorised pass per column); the typed
    frame is then validated lazily by the table's pandera schema, so that every failing cell
    of every rule is reported, not only the first.

    References
    ----------
    .. [1] Bantilan, N. (2020). pandera: Statistical Data Validation of Pandas Dataframes.
       Proc. 19th Python in Science Conference, 116-124.
    """
    frame, problems = check_header(raw, table, file)
    spec = columns(table)
    typed = pd.DataFrame(index=frame.index)
    unreadable: dict[str, np.ndarray] = {}
    for name in frame.columns:
        kind = spec.loc[name, "type"]
        typed[name], bad = parse_column(frame[name], kind)
        if kind in _PARSE_RULES and bad.any():
            rows = frame.index[bad.to_numpy()].to_numpy()
            unreadable[name] = rows
            rule, fix = _PARSE_RULES[kind]
            problems += _located(file, rows, name, frame.loc[rows[:MAX_PER_RULE], name], rule, fix)
    if typed.shape[1] == 0 or len(typed) == 0:
        return typed, sorted(problems, key=_order)
    c = contract(table)
    missing = [n for n in spec.index if n not in typed.columns]
    schema = c.schema
    if missing:
        keys = list(KEYS.get(table, ()))
        schema = pa.DataFrameSchema(
            {k: v for k, v in schema.columns.items() if k not in missing},
            checks=schema.checks,
            unique=keys if keys and not set(keys) & set(missing) else None,
            report_duplicates="exclude_first",
        )
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        whole = fc[fc["index"].isna()].drop_duplicates(["column", "check"])
        problems += [
            Problem(file, None, _short(col), None, f"{check} ({_short(case)})", DOC_HINT)
            for col, check, case in whole[["column", "check", "failure_case"]].to_numpy()
        ]
        fc = fc[fc["index"].notna()].astype({"index": "int64"})
        for name, rows in unreadable.items():
            fc = fc[~((fc["column"] == name) & fc["index"].isin(rows))]
        problems += _translate(fc, frame, c, file)
    return typed, sorted(problems, key=_order)


def finalise(typed: pd.DataFrame, table: str) -> pd.DataFrame:
    """The typed frame of a valid table in its final dtypes, with a fresh 0..n-1 index.

    Every contract column is present (an absent optional column is all missing); counts are
    ``int64``, numbers ``float64``, booleans ``bool``, dates ``datetime64[ns]`` and text
    pandas ``string`` (missing as ``<NA>``).
    """
    spec = columns(table)
    out = typed.reindex(columns=list(spec.index)).reset_index(drop=True)
    for name, kind in spec["type"].items():
        required = spec.loc[name, "required"] == "yes"
        if kind in ("date", "month"):
            out[name] = out[name].astype("datetime64[ns]")
        elif kind == "number" or (kind == "integer" and not required):
            out[name] = out[name].astype("Float64").astype("float64")
        elif kind in _FINAL_DTYPE:
            out[name] = out[name].astype(_FINAL_DTYPE[kind] if required else "boolean")
        else:
            out[name] = out[name].astype("string")
    return out


# --- across tables ----------------------------------------------------------------------
def cross_check(typed: dict[str, pd.DataFrame], meta: dict, files: dict[str, str]) -> list[Problem]:
    """Checks that need more than one table or the dataset description.

    Parameters
    ----------
    typed : dict
        Table name to typed frame indexed by row number (from :func:`validate_table`);
        checks involving a table absent here are skipped.
    meta : dict
        ``datapackage.json``; the period check is skipped without a valid period.
    files : dict
        Table name to file name, for the problems.

    Returns
    -------
    list of Problem
        Dates outside the period (a staff month must overlap it); outreach cities missing
        from the staff table; outreach teams not in the staff table for that city.
    """
    problems: list[Problem] = []
    try:
        start = pd.Timestamp(meta["period"]["start"])
        end = pd.Timestamp(meta["period"]["end"])
    except (KeyError, TypeError, ValueError):
        start = end = None
    if start is not None:
        rule = f"date outside the dataset's period {start:%Y-%m-%d} to {end:%Y-%m-%d}"
        fix = "Correct the date, or widen 'period' in datapackage.json."
        for table, df in typed.items():
            for name, kind in columns(table)["type"].items():
                if kind not in ("date", "month") or name not in df:
                    continue
                last = df[name] + pd.offsets.MonthEnd(0) if kind == "month" else df[name]
                bad = ((last < start) | (df[name] > end)).fillna(False).to_numpy(dtype=bool)
                rows = df.index[bad].to_numpy()
                fmt = "%Y-%m" if kind == "month" else "%Y-%m-%d"

                def shown(r, df=df, name=name, fmt=fmt):
                    return df.loc[r, name].dt.strftime(fmt)

                problems += _located(files[table], rows, name, shown, rule, fix)
    if "outreach" in typed and "staff" in typed:
        out, staff = typed["outreach"], typed["staff"]
        file = files["outreach"]
        city_ok = (
            out["city"].isin(staff["city"].dropna().unique()).fillna(True).to_numpy(dtype=bool)
        )
        rows = out.index[~city_ok].to_numpy()
        problems += _located(
            file,
            rows,
            "city",
            out.loc[rows[:MAX_PER_RULE], "city"],
            f"city not in the staff table ({files['staff']})",
            "Add the city's outreach staff to the staff table, or correct the city's spelling.",
        )
        known = pd.MultiIndex.from_frame(staff[["city", "team"]].dropna().drop_duplicates())
        pairs = pd.MultiIndex.from_frame(out[["city", "team"]])
        team_ok = pairs.isin(known) | out["team"].isna().to_numpy() | ~city_ok
        rows = out.index[~team_ok].to_numpy()
        head = rows[:MAX_PER_RULE]
        values = out.loc[head, "team"].astype(str) + " in " + out.loc[head, "city"].astype(str)
        problems += _located(
            file,
            rows,
            "team",
            values,
            f"team not in the staff table ({files['staff']}) for this city",
            "Use the team code of the staff table, or add the team's staff for that city.",
        )
    return problems


# --- documentation ----------------------------------------------------------------------
DOC_BEGIN = "<!-- BEGIN GENERATED by capacity.contract.dictionary_markdown(); do not edit -->"
DOC_END = "<!-- END GENERATED -->"
_TYPE_TEXT = {
    "date": "date (YYYY-MM-DD)",
    "month": "month (YYYY-MM)",
    "integer": "whole number ≥ 0",
    "number": "number",
    "boolean": "yes/no",
    "category": "category",
    "language": "ISO 639-1 code",
    "language_list": "ISO 639-1 codes, ';'-separated",
    "pseudonym": "pseudonym",
    "code": "code",
    "city": "municipality name",
}


def dictionary_markdown() -> str:
    """Markdown tables of every column of every table, generated from ``dictionary.csv``.

    Examples
    --------
    >>> dictionary_markdown().splitlines()[0]
    '### `sightings`'
    """
    parts = []
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    for table in TABLES:
        spec = columns(table)
        keys = KEYS.get(table)
        lines = [f"### `{table}`", ""]
        if keys and len(keys) > 1:
            lines += [f"Each combination of {', '.join(f'`{k}`' for k in keys)} appears once.", ""]
        elif keys:
            lines += [f"Each `{keys[0]}` appears once.", ""]
        lines += [
            "| column | type | required | unit | allowed values | range | meaning |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, s in spec.iterrows():
            rng = f"{s['min']} to {s['max']}" if s["min"] or s["max"] else ""
            row = [f"`{name}`", _TYPE_TEXT.get(s["type"], s["type"]), s["required"], s["unit"]]
            row += [s["allowed"], rng, s["meaning"]]
            lines.append("| " + " | ".join(cell(v) for v in row) + " |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def render_doc(text: str) -> str:
    """``text`` with the generated block between :data:`DOC_BEGIN` and :data:`DOC_END` renewed."""
    head, rest = text.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    return f"{head}{DOC_BEGIN}\n\n{dictionary_markdown()}\n{DOC_END}{tail}"


def write_doc(path: str | os.PathLike | None = None) -> Path:
    """Renew the generated column tables of ``docs/data-contract.md`` (atomically)."""
    from capacity.config import ROOT
    from capacity.io import atomic_write

    target = Path(path) if path is not None else ROOT / "docs" / "data-contract.md"
    text = render_doc(target.read_text(encoding="utf-8"))
    with atomic_write(target, "w", encoding="utf-8") as f:
        f.write(text)
    return target
