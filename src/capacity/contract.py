"""The data contract: checking a table's file against the schema built from the dictionary.

``dictionary.csv`` is the one source of truth: every column's type, whether it is required,
its unit, allowed values, range and meaning (:mod:`capacity.schema` reads it). This module

* checks a file's header: known, required and repeated columns, the right table,
* parses each column with its explicit formats (:mod:`capacity.parse`) and validates the
  typed frame with the table's :mod:`pandera` schema, lazily so that every failure is found
  at once,
* reports :class:`~capacity.exceptions.Problem` objects with spreadsheet row numbers
  (header = row 1) and a plain-language rule and fix,
* gives a valid table its final dtypes (:func:`finalise`).

Frames passed in carry the file's row numbers as their index (see :func:`capacity.io.read_table`).
The cross-table checks are in :mod:`capacity.dataset` and the Markdown tables of
``docs/data-contract.md`` in :mod:`capacity.contract_doc`; their names, and those of
:mod:`capacity.schema` and :mod:`capacity.parse`, stay importable from here.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from capacity.exceptions import Problem
from capacity.parse import PARSE_RULES, parse_column

# pandera (~0.5 s to import) is imported by validate_table, where a table is checked
# against its schema: the fast check of a clean file (capacity.fast_validate) and the
# header and problem helpers here do without it.
from capacity.schema import (
    DOC_HINT,
    KEYS,
    MAY_BE_EMPTY,
    TABLES,
    Contract,
    columns,
    contract,
    normalise_name,
    required_columns,
    specs,
)

__all__ = [
    "MAX_PER_RULE",
    "check_header",
    "finalise",
    "located",
    "normalise_name",
    "validate_table",
]

#: At most this many located problems per file, column and rule; the rest are summarised.
MAX_PER_RULE = 100
_FINAL_DTYPE = {"integer": "int64", "number": "float64", "boolean": "bool"}


# --- structure of a file ----------------------------------------------------------------
def _looks_like(header: set[str], table: str) -> str | None:
    own = len(header & specs(table).keys())
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
    spec = specs(table)
    known = list(spec)
    problems = []
    seen: set[str] = set()
    for original, name in zip(raw.columns, names, strict=True):
        if name in seen:
            problems.append(
                Problem(
                    file, 1, name, None, "the column appears twice", "Keep one of the two columns."
                )
            )
        elif name not in spec:
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
                    f"Add the column '{name}': {spec[name]['meaning'].rstrip('.')}; {DOC_HINT}.",
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


def located(
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

            problems += located(file, rows, a, pair, check, c.fixes[check])
        elif "uniqueness" in check or check == "unique":
            rows = np.unique(group["index"].to_numpy())
            rule = f"duplicate row: the same {', '.join(keys)} as an earlier row"
            fix = "Remove the repeated row (each combination may appear once)."

            def key(r):
                return raw.loc[r, keys].astype(str).agg(" | ".join, axis=1)

            problems += located(file, rows, keys[0], key, rule, fix)
        else:
            for column, cg in group.groupby("column", sort=False):
                rows = np.unique(cg["index"].to_numpy())
                if check == "not_nullable":
                    rule, fix = "value missing", "Fill in the cell; the column is required."
                else:
                    rule = str(check)
                    fix = c.fixes.get(rule, f"Correct the value; {DOC_HINT}.")
                values = raw.loc[rows[:MAX_PER_RULE], column].to_numpy()
                problems += located(file, rows, str(column), values, rule, fix)
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
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    frame, problems = check_header(raw, table, file)
    spec = columns(table)
    typed = pd.DataFrame(index=frame.index)
    unreadable: dict[str, np.ndarray] = {}
    for name in frame.columns:
        kind = spec.loc[name, "type"]
        typed[name], bad = parse_column(frame[name], kind)
        if kind in ("date", "month"):
            from capacity.guards import FAR_DATE_FIX, FAR_DATE_RULE, far_dates

            far = far_dates(frame[name]).to_numpy(dtype=bool)
            if far.any():
                rows = frame.index[far].to_numpy()
                unreadable[name] = rows
                shown = frame.loc[rows[:MAX_PER_RULE], name]
                problems += located(file, rows, name, shown, FAR_DATE_RULE, FAR_DATE_FIX)
                bad = bad & ~far
        if kind in PARSE_RULES and bad.any():
            rows = frame.index[bad.to_numpy()].to_numpy()
            unreadable[name] = np.union1d(unreadable.get(name, rows[:0]), rows)
            rule, fix = PARSE_RULES[kind]
            problems += located(file, rows, name, frame.loc[rows[:MAX_PER_RULE], name], rule, fix)
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
    spec = specs(table)
    out = typed.reindex(columns=list(spec)).reset_index(drop=True)
    for name, row in spec.items():
        kind, required = row["type"], row["required"] == "yes"
        if kind in ("date", "month"):
            out[name] = out[name].astype("datetime64[ns]")
        elif kind == "number" or (kind == "integer" and not required):
            out[name] = out[name].astype("Float64").astype("float64")
        elif kind in _FINAL_DTYPE:
            out[name] = out[name].astype(_FINAL_DTYPE[kind] if required else "boolean")
        else:
            out[name] = out[name].astype("string")
    return out
