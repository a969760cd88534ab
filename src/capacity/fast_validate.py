"""The fast check of a clean CSV table: every rule of the contract decided per distinct value.

:func:`capacity.dataset.load_dataset` first hands each CSV file to :func:`typed_csv`. It
reads the file straight into Arrow (no text copy, no pandas object columns), encodes each
column once as a dictionary of its distinct cells, and decides every rule on those few
values: the file limits (:mod:`capacity.limits`), the header (:func:`capacity.contract.check_header`),
the parse formats (:mod:`capacity.parse`), implausible dates and ambiguous decimal marks
(:mod:`capacity.guards`), the contract's rules (:func:`capacity.schema.column_rules` and
:func:`~capacity.schema.wide_rules`, the same definitions the pandera schema is built from),
missing required values, repeated keys, and personal identifiers
(:func:`capacity.privacy.find_identifiers`). The typed columns are then spread back to the
rows with one ``take`` per column.

It never reports a problem. Whenever it cannot show that the file is clean — a rule broken,
or anything it does not handle (quotes, blank lines, another encoding, an Excel or Parquet
file) — it returns ``None`` and the full check (:func:`capacity.contract.validate_table`
with the pandera schema, the guards and the privacy scan on every row) runs and reports
every problem with its row, column, rule and fix, exactly as before. The result of a table
it accepts is the same frame the full check gives (``tests/test_fast_validate.py``).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from capacity import limits
from capacity.exceptions import DataError
from capacity.io import _SEPARATORS, _sniff
from capacity.schema import KEYS, column_rules, columns, normalise_name, wide_ok, wide_rules

_TEXT = frozenset({"category", "language", "language_list", "pseudonym", "code", "city"})


def _plain(data: bytes) -> bool:
    """Not what the full read refuses or reads in another way.

    Empty, Excel, UTF-16, binary, quoted cells (which may hold separators or line breaks,
    so that rows and lines differ), a carriage return that does not end a line.
    """
    if (
        not data
        or data.isspace()
        or data.startswith(b"PK\x03\x04")
        or data[:2] in (b"\xff\xfe", b"\xfe\xff")
        or b"\x00" in data
        or b'"' in data
    ):
        return False
    return b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")


def _header(data: bytes, name: str) -> tuple[list[str], str] | None:
    """The header's cells and the column separator, as :func:`capacity.io.read_table` reads them."""
    end = data.find(b"\n")
    if end < 0 or end > limits.MAX_LINE_BYTES:
        return None
    try:
        first = data[:end].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not first.strip():
        return None
    try:
        sep = _sniff(first, name)
    except DataError:
        return None
    if sep not in _SEPARATORS or first.count(sep) + 1 > limits.MAX_COLUMNS:
        return None
    header = next(csv.reader([first.rstrip("\r")], delimiter=sep))
    if any(re.fullmatch(r"(Unnamed: \d+)?\s*", c) for c in header):
        return None
    return header, sep


def _read(data: bytes, n_columns: int, sep: str) -> pa.Table | None:
    """The data rows as Arrow text columns; ``None`` when Arrow finds anything irregular.

    Empty lines are kept (a row of the wrong width, so an error): the rows are then exactly
    the file's lines 2, 3, … and their numbers those of the full read.
    """
    names = [f"c{i}" for i in range(n_columns)]
    try:
        return pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=sep, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def _distinct(col: pa.ChunkedArray) -> tuple[np.ndarray, pd.Series]:
    """Row codes into the column's distinct cells, and those cells (``str``)."""
    enc = pc.dictionary_encode(col)
    if enc.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pd.Series([], dtype="str")
    dictionary = enc.chunk(0).dictionary  # one dictionary, shared by every chunk
    codes = np.concatenate([np.asarray(c.indices) for c in enc.chunks])
    return codes, pd.Series(dictionary.to_pandas(types_mapper=pd.ArrowDtype), dtype="str")


def _values(table: str, name: str, cells: pd.Series, sep: str) -> pd.Series | None:
    """The typed value of each distinct cell, or ``None`` when a rule of the column may break."""
    from capacity.guards import _THOUSANDS, far_dates
    from capacity.parse import _parse

    spec = columns(table).loc[name]
    kind = spec["type"]
    if len(cells) and int(cells.str.len().max()) > limits.MAX_CELL_CHARS:
        return None
    values, bad = _parse(cells, kind)
    if bad.any():
        return None
    if kind in ("date", "month") and far_dates(cells).any():
        return None
    if kind in ("integer", "number") and sep in _THOUSANDS:
        if cells.astype(str).str.strip().str.fullmatch(_THOUSANDS[sep][0]).any():
            return None
    present = values.dropna()
    if spec["required"] == "yes" and len(present) < len(values):
        return None
    for rule in column_rules(table, name, spec):
        if rule.bounds is not None:
            lo, hi = rule.bounds
            if lo is None or hi is None:
                return None  # never in the dictionary: the full check decides
            ok = (present >= lo) & (present <= hi)
        else:
            ok = rule.test(pd.Series(present.unique(), dtype="string")).fillna(False)
        if not np.asarray(ok, dtype=bool).all():
            return None
    return values


def _unchanged(values: pd.Series, cells: pd.Series) -> bool:
    """Whether every distinct cell is its own typed value (text that strip and case keep)."""
    if not isinstance(values.dtype, pd.StringDtype) or values.isna().any():
        return False
    return bool(pc.all(pc.equal(pa.array(values), pa.array(cells))).as_py() is not False)


def _keys_unique(table: str, keyed: dict[str, tuple[np.ndarray, pd.Series, bool]], n: int) -> bool:
    """No two rows with the same typed key (every key value present), from the row codes."""
    keys = KEYS.get(table, ())
    if not keys:
        return True
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for k in keys:
        codes, values, same = keyed[k]
        if same:  # distinct cells, distinct values: the row codes are the typed codes
            row_codes, size = codes.astype(np.int64), len(values)
        else:  # two cells may type alike (" a" and "a")
            typed_codes, uniques = pd.factorize(values)
            if (typed_codes < 0).any():
                return False  # a missing key: the full check decides
            row_codes, size = typed_codes.astype(np.int64)[codes], len(uniques)
        size = max(size, 1)
        if span * size >= 2**62:
            return False  # too many combinations for one integer: the full check decides
        key += row_codes * span
        span *= size
    return bool(pd.Index(key).is_unique)


def _columns(table: str, header: list[str], names: list[str], arrow: pa.Table, sep: str, file: str):
    """Each contract column typed, the key columns' codes and the privacy scan's texts.

    ``None`` when a rule of a column may be broken, or a row has nothing but separators
    (the full read drops such a row and keeps its number).
    """
    from capacity.privacy.detect import column_mode

    wanted = {normalise_name(c): i for i, c in enumerate(header)}
    typed: dict[str, object] = {}
    keyed: dict[str, tuple[np.ndarray, pd.Series, bool]] = {}
    scan: Scan = {}
    all_blank: np.ndarray | None = np.ones(arrow.num_rows, dtype=bool)
    for name in names:
        i = wanted[name]
        col = arrow.column(i)
        codes, cells = _distinct(col)
        blank = np.flatnonzero(cells.to_numpy(dtype=object) == "")
        if blank.size == 0:
            all_blank = None
        elif all_blank is not None:
            all_blank &= codes == blank[0]
        values = _values(table, name, cells, sep)
        if values is None:
            return None
        same = _unchanged(values, cells)
        # each row's typed value: the text column itself when no cell changed
        typed[name] = pd.arrays.ArrowStringArray(col) if same else values.array.take(codes)
        if name in KEYS.get(table, ()):
            keyed[name] = (codes, values, same)
        scan.setdefault(column_mode(header[i], file), []).append(cells.str.strip())
    if all_blank is not None and all_blank.any():
        return None
    return typed, keyed, scan


#: Distinct stripped cell texts per privacy scan mode (see :func:`identifiers_in`).
Scan = dict[str, list[pd.Series]]


def typed_csv(path: Path, table: str) -> tuple[pd.DataFrame, Scan] | None:
    """The typed table of a clean CSV file, or ``None`` to let the full check decide.

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv`` file (any other suffix gives ``None``).
    table : str
        One of :data:`capacity.schema.TABLES`.

    Returns
    -------
    (pandas.DataFrame, dict) or None
        Contract columns in dictionary order, typed as
        :func:`capacity.contract.validate_table` types them and indexed by spreadsheet row
        number (header = row 1), when every rule holds; and the distinct cell texts for
        the privacy scan, by scan mode (:func:`identifiers_in`: the file is clean only if
        that finds nothing). Otherwise ``None``.
    """
    from capacity.contract import check_header
    from capacity.privacy.detect import column_name_kind

    if path.suffix.lower() != ".csv":
        return None
    data = path.read_bytes()
    file = path.name
    if not _plain(data):
        return None
    found = _header(data, file)
    if found is None:
        return None
    header, sep = found
    if any(column_name_kind(c) for c in header):
        return None
    arrow = _read(data, len(header), sep)
    if arrow is None or arrow.num_rows == 0:
        return None
    raw = pd.DataFrame(columns=header, index=pd.RangeIndex(2, 3, name="row"))
    frame, problems = check_header(raw, table, file)
    if problems:
        return None
    n = arrow.num_rows
    columns_ = _columns(table, header, list(frame.columns), arrow, sep, file)
    if columns_ is None:
        return None
    typed, keyed, scan = columns_
    # the longest line: every cell is within its limit, so only a very wide file could break it
    widest = len(header) * (limits.MAX_CELL_CHARS * 4 + 1) + 1
    if widest > limits.MAX_LINE_BYTES and not _lines_ok(data):
        return None
    out = pd.DataFrame(typed, index=pd.RangeIndex(2, n + 2, name="row"))
    for _, _, a, op, b in wide_rules(table):
        if not wide_ok(out, a, op, b).all():
            return None
    if not _keys_unique(table, keyed, n):
        return None
    return out, scan


def identifiers_in(scans: list[Scan]) -> bool:
    """Whether the privacy scan would flag any cell of these files (one pass per mode)."""
    from capacity.privacy.detect import identifiers_among

    modes: dict[str, list[pd.Series]] = {}
    for scan in scans:
        for mode, parts in scan.items():
            modes.setdefault(mode, []).extend(parts)
    for mode, parts in modes.items():
        values = pd.Series(pd.unique(pd.concat(parts, ignore_index=True)), dtype="str")
        if identifiers_among(values, mode):
            return True
    return False


def _lines_ok(data: bytes) -> bool:
    try:
        limits.check_lines(data, "")
    except DataError:
        return False
    return True
