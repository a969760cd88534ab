"""Bounds on what an input file may ask of the machine, and the located errors when it asks more.

Every file a user passes in — tables, ``datapackage.json``, parameter YAML — is checked
against these limits *before* the expensive parser runs, so that a hostile or broken file
(a spreadsheet whose shared strings inflate to gigabytes, a 50 MB line without a newline,
100 000 columns, a YAML alias bomb, JSON nested 100 000 deep) is refused in seconds and in
bounded memory, with a message naming the file, the limit and what to do. The limits sit far
above anything a real export of the data contract needs (at most 14 columns, rows of a few
hundred characters, dates within a few years).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np

from capacity.exceptions import DataError, Problem

#: Longest line of a CSV file (bytes). A contract row is a few hundred bytes.
MAX_LINE_BYTES = 100_000
#: Most columns in a table file. The contract's widest table has 14.
MAX_COLUMNS = 200
#: Longest text in one cell (characters).
MAX_CELL_CHARS = 1_000
#: Most bytes an ``.xlsx`` may inflate to (all zip members together), and the largest
#: inflation ratio of a big member (a zip bomb inflates 1000-fold; real sheets 5-30-fold).
MAX_XLSX_UNCOMPRESSED = 200 * 2**20
MAX_XLSX_RATIO = 150
#: Most bytes a Parquet file's columns may take uncompressed.
MAX_PARQUET_UNCOMPRESSED = 2 * 2**30
#: ``datapackage.json``: size in bytes, nesting depth, longest text.
MAX_JSON_BYTES = 1 * 2**20
MAX_JSON_DEPTH = 20
MAX_META_TEXT = 10_000
#: Parameter and grid YAML files: size in bytes (aliases are refused outright).
MAX_YAML_BYTES = 1 * 2**20
#: Plausible dates for this question (data, periods, parameters).
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


def _refuse(file: str, rule: str, fix: str, row: int | None = None) -> DataError:
    return DataError(Problem(file, row, None, None, rule, fix))


def check_lines(data: bytes, name: str) -> None:
    """Refuse a text file with a line longer than :data:`MAX_LINE_BYTES` (row located)."""
    if len(data) <= MAX_LINE_BYTES:
        return
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], ends, [len(data)]))
    lengths = np.diff(bounds) - 1
    long_ = np.flatnonzero(lengths > MAX_LINE_BYTES)
    if long_.size:
        row = int(long_[0]) + 1
        raise _refuse(
            name,
            f"line {row} is {int(lengths[long_[0]]):,} bytes long, above the limit of "
            f"{MAX_LINE_BYTES:,} (is it a CSV file with one row per line?)",
            "Export the table again as CSV with one row per line; a row of this data is a few "
            "hundred characters.",
            row=row,
        )


def check_columns(n: int, name: str) -> None:
    """Refuse a table with more than :data:`MAX_COLUMNS` columns."""
    if n > MAX_COLUMNS:
        raise _refuse(
            name,
            f"the file has {n:,} columns, above the limit of {MAX_COLUMNS}",
            "Export only the columns of the data contract (docs/data-contract.md).",
            row=1,
        )


def check_xlsx(path: Path, name: str) -> None:
    """Refuse an ``.xlsx`` that would inflate beyond the limits, before openpyxl reads it."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(
            name, f"the Excel file cannot be read ({exc})", "Re-save it as .xlsx."
        ) from None
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst else 0
    fix = (
        "Save large tables as CSV or Parquet instead, or remove what inflates the workbook "
        "(images, unused sheets, repeated formatting)."
    )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _refuse(
            name,
            f"the workbook inflates to {total / 2**20:,.0f} MiB ({packed / 2**20:,.1f} MiB "
            f"packed), above the limit of {MAX_XLSX_UNCOMPRESSED // 2**20} MiB",
            fix,
        )
    if worst is not None and worst.file_size > 8 * 2**20 and ratio > MAX_XLSX_RATIO:
        raise _refuse(
            name,
            f"the workbook part {worst.filename} inflates {ratio:,.0f}-fold "
            f"({worst.file_size / 2**20:,.0f} MiB), above the limit of {MAX_XLSX_RATIO}-fold "
            "(a 'zip bomb')",
            fix,
        )


def check_cells(df, name: str) -> None:
    """Refuse a table with a cell longer than :data:`MAX_CELL_CHARS` (row and column located)."""
    for i, column in enumerate(df.columns):
        lengths = df.iloc[:, i].astype(str).str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = lengths.idxmax()
            raise DataError(
                Problem(
                    name,
                    int(row) if isinstance(row, int | np.integer) else None,
                    str(column)[:60],
                    None,
                    f"a cell holds {int(lengths.max()):,} characters, above the limit of "
                    f"{MAX_CELL_CHARS:,}",
                    "Correct the cell; no column of the data contract holds long text.",
                )
            )


def json_depth(node: object) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    depth, stack = 0, [(node, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict | list):
            depth = max(depth, d)
            if d <= MAX_JSON_DEPTH:
                stack.extend(
                    (v, d + 1) for v in (item.values() if isinstance(item, dict) else item)
                )
    return depth


def plausible_date(value: dt.date) -> bool:
    """True when ``value`` lies between :data:`FIRST_DATE` and :data:`LAST_DATE`."""
    return FIRST_DATE <= value <= LAST_DATE
