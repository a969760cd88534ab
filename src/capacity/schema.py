"""The data dictionary and the pandera schemas of the four tables built from it.

``dictionary.csv`` is the one source of truth: every column's type, whether it is required,
its unit, allowed values, range and meaning. This module reads it and turns it into a
:mod:`pandera` schema per table (ranges, categories, patterns, "≤ other column" rules,
duplicate keys) with the plain-language fix of each rule. Checking files against the
schemas is :mod:`capacity.contract`.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capacity.config import PACKAGE_DATA

if TYPE_CHECKING:
    import pandera.pandas as pa
# pandera (~0.5 s to import) is imported by the functions that build schemas, so that
# reading the dictionary or TABLES (and a load served from the dataset cache) does not.

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
DOC_HINT = "see docs/data-contract.md or src/capacity/data/dictionary.csv"

_PANDERA_DTYPE = {
    "date": "datetime64[ns]",
    "month": "datetime64[ns]",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}
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
def specs(table: str) -> dict[str, dict[str, str]]:
    """The dictionary rows of one table as plain dicts by column name (cached: do not modify).

    The same rows and strings as :func:`columns`, in the same order, read with the
    :mod:`csv` module: a first load reads them once per column, and a plain dict costs
    about a microsecond where a row of the frame costs ~0.1 ms (reading the frame's rows
    into dicts alone took ~6 ms for the four tables).
    """
    return {row["column"]: {k: v for k, v in row.items() if k != "column"} for row in _rows(table)}


@functools.cache
def _all_rows() -> tuple[dict[str, str], ...]:
    with open(DICTIONARY_PATH, encoding="utf-8-sig", newline="") as fh:
        return tuple(csv.DictReader(fh))


def _rows(table: str) -> list[dict[str, str]]:
    return [row for row in _all_rows() if row["table"] == table]


@functools.cache
def required_columns(table: str) -> tuple[str, ...]:
    """Names of the columns a file of ``table`` must have."""
    return tuple(name for name, spec in specs(table).items() if spec["required"] == "yes")


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
    import pandera.pandas as pa

    def check(series: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(series)
        ok = np.asarray(test(pd.Series(uniques, dtype="string")).fillna(False), dtype=bool)
        return pd.Series(np.append(ok, True)[codes], index=series.index)

    return pa.Check(check, error=rule)


@dataclass(frozen=True)
class Rule:
    """One rule of a column: its plain-language text and fix, and how it is decided.

    ``bounds`` (low, high), both inclusive, for a range (pandera's ``Check.in_range``);
    otherwise ``test``, a function of the column's distinct non-missing values (a pandas
    ``string`` Series) returning a boolean Series (True: allowed). The pandera schema
    (:func:`contract`) and the fast check of a clean file (:mod:`capacity.fast_validate`)
    are both built from these, so the two can never decide a rule differently.
    """

    rule: str
    fix: str
    bounds: tuple | None = None
    test: object = None


def _fullmatch(pattern: str):
    return lambda u: u.str.fullmatch(pattern)


def column_rules(table: str, name: str, spec) -> list[Rule]:
    """The rules of one column, from its dictionary row (a Series or a :func:`specs` dict)."""
    kind, allowed, unit = spec["type"], spec["allowed"], spec["unit"]
    rules: list[Rule] = []
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
        rules.append(Rule(rule, fix + f"; {DOC_HINT}.", bounds=(lo, hi)))
    if kind == "category":
        values = [v.strip() for v in allowed.split(",")]
        rule = f"must be one of: {', '.join(values)}"
        rules.append(
            Rule(rule, "Use one of the allowed codes.", test=lambda u, v=values: u.isin(v))
        )
    elif kind == "language":
        rule = "must be an ISO 639-1 language code (two lower-case letters, e.g. sv, en, ro)"
        rules.append(
            Rule(
                rule,
                "Write the language as its two-letter ISO 639-1 code, or leave the cell empty when unknown.",
                test=lambda u: u.isin(ISO_639_1),
            )
        )
    elif kind == "language_list":
        code = "(?:" + "|".join(sorted(ISO_639_1)) + ")"
        rule = "must be ISO 639-1 codes separated by ';' (e.g. sv;en;ro)"
        rules.append(
            Rule(
                rule,
                "List the two-letter codes of every language the staff member can hold a conversation in, separated by ';'.",
                test=_fullmatch(rf"^{code}(?:;{code})*$"),
            )
        )
    elif kind == "pseudonym":
        lo, hi = re.search(r"(\d+)-(\d+)", allowed).groups()
        rule = f"must be a pseudonym of {lo}-{hi} letters, digits, '_' or '-'"
        rules.append(
            Rule(
                rule,
                "Pseudonymise the column first (capacity pseudonymise); never use names or phone numbers.",
                test=_fullmatch(rf"^[A-Za-z0-9_-]{{{lo},{hi}}}$"),
            )
        )
    elif kind == "code":
        lower = "lower-case" in allowed
        chars = "a-z0-9" if lower else "A-Za-z0-9"
        rule = f"must be a {'lower-case ' if lower else ''}code of letters, digits, '_', '-' or '.'"
        rules.append(
            Rule(
                rule,
                "Use a short code without spaces, e.g. ads_a or team_north.",
                test=_fullmatch(rf"^[{chars}][{chars}_.\-]{{0,63}}$"),
            )
        )
    elif kind == "city":
        rule = "must be a municipality name (letters, spaces and '-')"
        rules.append(
            Rule(
                rule,
                "Write the municipality's name, e.g. Stockholm or Göteborg.",
                test=_fullmatch(r"^[^\W\d_]+(?:[ \-][^\W\d_]+)*$"),
            )
        )
    return rules


def _column_checks(table: str, name: str, spec: pd.Series, fixes: dict[str, str]) -> list:
    import pandera.pandas as pa

    checks = []
    for r in column_rules(table, name, spec):
        fixes[r.rule] = r.fix
        if r.bounds is not None:
            checks.append(pa.Check.in_range(*r.bounds, error=r.rule))
        else:
            checks.append(_distinct_check(r.test, r.rule))
    return checks


@functools.cache
def wide_rules(table: str) -> tuple[tuple[str, str, str, str, str], ...]:
    """The "≤ / ≥ other column" rules of a table: (rule, fix, column, operator, other)."""
    out = []
    for name, spec in specs(table).items():
        m = _LIMIT.search(spec["allowed"])
        if not m:
            continue
        op, other = m.groups()
        rule = f"{name} must be {op} {other}"
        if op == "≥":
            fix = f"'{name}' cannot come before '{other}'; correct one of the two dates."
        else:
            fix = f"'{name}' counts a part of '{other}'; correct one of the two values."
        out.append((rule, fix, name, op, other))
    return tuple(out)


def wide_ok(df: pd.DataFrame, a: str, op: str, b: str) -> pd.Series:
    """Rows where ``a op b`` holds or cannot be decided (a missing value or column)."""
    if a not in df or b not in df:  # a missing column is reported on its own
        return pd.Series(True, index=df.index)
    ok = df[a].ge(df[b]) if op == "≥" else df[a].le(df[b])
    return ok.fillna(True).astype(bool)


def _wide_checks(table: str, fixes: dict[str, str], wide: dict[str, tuple[str, str]]) -> list:
    import pandera.pandas as pa

    checks = []
    for rule, fix, name, op, other in wide_rules(table):
        fixes[rule] = fix
        wide[rule] = (name, other)

        def check(df: pd.DataFrame, a=name, b=other, op=op) -> pd.Series:
            return wide_ok(df, a, op, b)

        checks.append(pa.Check(check, error=rule))
    return checks


@functools.cache
def contract(table: str) -> Contract:
    """The pandera schema of ``table`` built from the dictionary (cached)."""
    import pandera.pandas as pa

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


def normalise_name(name: object) -> str:
    """A header cell as a column name: trimmed, lower case, spaces and '-' as '_'.

    Here rather than in :mod:`capacity.contract`, so that the report's preflight check
    can name columns without importing pandera (≈ 0.5 s); the contract re-exports it.
    """
    return re.sub(r"[\s\-]+", "_", str(name).replace("\ufeff", "").strip().lower())
