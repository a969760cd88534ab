"""The fast check of clean CSV and Parquet files: every rule decided per distinct value.

:func:`capacity.dataset.load_dataset` first hands a dataset's CSV and Parquet files to
:func:`typed_tables`. It reads each CSV file straight into Arrow (no decoded text copy, no
pandas object columns; the file's hash and byte checks come from one earlier pass,
:func:`capacity.io.scan_file`) and each Parquet file as typed Arrow columns, encodes each
column once as a dictionary of its distinct cells (two columns at a time, on two threads;
a Parquet column's distinct values get the text the full read gives them), and decides
every rule on those few values: the file limits (:mod:`capacity.limits`), the
header (:func:`capacity.contract.check_header`), the parse formats (:mod:`capacity.parse`;
the distinct cells of all columns of a kind at once), implausible dates and ambiguous
decimal marks (:mod:`capacity.guards`), the contract's rules (:func:`capacity.schema.column_rules`
and :func:`~capacity.schema.wide_rules`, the same definitions the pandera schema is built
from), missing required values, repeated keys (from the row codes), and personal identifiers
(the classifier of :func:`capacity.privacy.find_identifiers`, per distinct text, on a second
thread while the cells are typed). The typed
columns are then spread back to the rows with one ``take`` per column, or are the text
columns themselves where typing changes no cell.

It never reports a problem. Whenever it cannot show that every file is clean — a rule
broken, or anything it does not handle (quotes, blank lines, another encoding, an Excel
workbook) — it returns ``None`` and the full check (:func:`capacity.contract.validate_table`
with the pandera schema, the guards and the privacy scan on every row) runs and reports
every problem with its row, column, rule and fix, exactly as before. A dataset it accepts
types exactly as under the full check (``tests/test_fast_validate.py``).
"""

from __future__ import annotations

import csv
import functools
import os
import re
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from capacity import limits
from capacity.exceptions import DataError
from capacity.io import _SEPARATORS, FileScan, _sniff, scan_file
from capacity.schema import KEYS, column_rules, normalise_name, specs, wide_ok, wide_rules

_TEXT = frozenset({"category", "language", "language_list", "pseudonym", "code", "city"})
#: Rows from which a file's columns are encoded on two threads: below it, handing each small
#: column to a thread cost more than it saved (12,266 outreach rows: 8.6-8.9 ms on one thread,
#: 10.8-12.9 ms on two; docs/performance.md, item 34).
_POOL_ROWS = 100_000


def _plain(scan: FileScan) -> bool:
    """Not what the full read refuses or reads in another way.

    Empty, Excel, UTF-16, binary, quoted cells (which may hold separators or line breaks,
    so that rows and lines differ), a carriage return that does not end a line.
    """
    head = scan.head
    if (
        scan.blank
        or head.startswith(b"PK\x03\x04")
        or head[:2] in (b"\xff\xfe", b"\xfe\xff")
        or scan.nul
        or scan.quote
    ):
        return False
    return scan.cr == scan.crlf


def _header(head: bytes, name: str) -> tuple[list[str], str] | None:
    """The header's cells and the column separator, as :func:`capacity.io.read_table` reads them.

    ``head`` is the file's start (:attr:`capacity.io.FileScan.head`, longer than any line
    allowed): no line end in it means a first line too long, or a file of one line.
    """
    end = head.find(b"\n")
    if end < 0 or end > limits.MAX_LINE_BYTES:
        return None
    try:
        first = head[:end].decode("utf-8-sig")
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


def _read(path: Path, n_columns: int, sep: str, threads: bool = False) -> pa.Table | None:
    """The data rows as Arrow text columns; ``None`` when Arrow finds anything irregular.

    Empty lines are kept (a row of the wrong width, so an error): the rows are then exactly
    the file's lines 2, 3, … and their numbers those of the full read. Arrow reads the file
    in blocks (no copy of the whole file in memory), as a plain file (no decompression),
    on Arrow's threads when ``threads`` (:func:`_threads` found a free core). The cells'
    UTF-8 is checked on their distinct values (:func:`_distinct`), not here: each cell's
    bytes are those of one distinct value, and a million cells have far fewer.
    """
    names = [f"c{i}" for i in range(n_columns)]
    try:
        return pcsv.read_csv(
            pa.OSFile(str(path)),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
            parse_options=pcsv.ParseOptions(
                delimiter=sep, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                check_utf8=False,  # (checked per distinct value)
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OSError):
        return None


def _distinct(col: pa.ChunkedArray) -> tuple[np.ndarray, pd.Series, int] | None:
    """Row codes into the column's distinct cells, those cells (``str``), the empty cell's code.

    The empty cell's code is -1 when no cell is empty. ``None`` when a cell is not valid
    UTF-8 (the full read then finds the file's encoding): the distinct cells hold every
    cell's bytes, so checking them checks every cell. Arrow's encoding runs without the
    GIL, so the columns of a file are encoded on two threads (:func:`_file`).
    """
    enc = pc.dictionary_encode(col)
    if enc.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pd.Series([], dtype="str"), -1
    dictionary = enc.chunk(0).dictionary  # one dictionary, shared by every chunk
    try:
        dictionary.validate(full=True)  # (UTF-8 of every distinct cell)
    except pa.ArrowInvalid:
        return None
    codes = np.concatenate([np.asarray(c.indices) for c in enc.chunks])
    blank = pc.index(dictionary, "").as_py()
    return codes, pd.Series(dictionary.to_pandas(types_mapper=pd.ArrowDtype), dtype="str"), blank


@dataclass
class _Column:
    """One contract column of a file: its distinct cells and what they type to."""

    table: str
    name: str
    original: str  # the header cell as written
    sep: str | None
    arrow: pa.ChunkedArray | None  # the cells of every row (None: not text in the file)
    codes: np.ndarray  # row -> distinct cell
    cells: pd.Series  # the distinct cells (``str``)
    values: pd.Series | None = None  # their typed values


@dataclass
class _File:
    table: str
    path: Path
    header: list[str]
    sep: str | None
    rows: int
    columns: list[_Column]


def _file(
    path: Path, table: str, scan: FileScan | None = None, pool: Executor | None = None
) -> _File | None:
    """A CSV or Parquet file read into Arrow text with its header checked, or ``None``.

    ``pool``: threads that encode the columns (one at a time without).
    """
    from capacity.contract import check_header
    from capacity.privacy.detect import column_name_kind

    suffix = path.suffix.lower()
    file = path.name
    if suffix == ".parquet":
        found = _parquet(path)
    elif suffix == ".csv":
        found = _csv(path, scan, threads=pool is not None)
    else:
        return None  # Excel: the full check (it also scans the workbook's other sheets)
    if found is None:
        return None
    header, sep, arrow = found
    if arrow.num_rows == 0 or any(column_name_kind(c) for c in header):
        return None
    raw = pd.DataFrame(columns=header, index=pd.RangeIndex(2, 3, name="row"))
    frame, problems = check_header(raw, table, file)
    if problems:
        return None
    wanted = {normalise_name(c): i for i, c in enumerate(header)}
    at = [wanted[name] for name in frame.columns]
    # (a small table's columns are encoded faster on one thread than handed between two)
    pool = pool if arrow.num_rows >= _POOL_ROWS else None
    encoded = _encode_columns(arrow, at, suffix == ".parquet", pool)
    if encoded is None:
        return None
    cols = []
    all_blank: np.ndarray | None = np.ones(arrow.num_rows, dtype=bool)
    for name, i in zip(frame.columns, at, strict=True):
        codes, cells, blank, text = encoded[i]
        if blank < 0:
            all_blank = None
        elif all_blank is not None:
            all_blank &= codes == blank
        cols.append(_Column(table, name, header[i], sep, text, codes, cells))
    # a row of separators only is dropped by the full read (its number kept): not here
    if all_blank is not None and all_blank.any():
        return None
    return _File(table, path, header, sep, arrow.num_rows, cols)


def _encode_columns(
    arrow: pa.Table, at: list[int], parquet: bool, pool: Executor | None
) -> dict[int, tuple] | None:
    """Each column's ``(codes, cells, empty cell's code, row texts)`` by position, or ``None``.

    The largest columns go first, so that the two threads of ``pool`` end together.
    """
    encode = _encoder(arrow, parquet)
    order = sorted(at, key=lambda i: -arrow.column(i).nbytes)
    encoded = dict(zip(order, (pool.map if pool else map)(encode, order), strict=True))
    return None if any(e is None for e in encoded.values()) else encoded


def _encoder(arrow: pa.Table, parquet: bool):
    """Column position to ``(codes, cells, empty cell's code, row texts)``, or ``None``."""
    if parquet:
        meta = arrow.schema.metadata
        return lambda i: _distinct_parquet(arrow.column(i), arrow.schema.field(i), meta)

    def encode(i: int) -> tuple | None:
        found = _distinct(arrow.column(i))
        return None if found is None else (*found, arrow.column(i))

    return encode


def _csv(
    path: Path, scan: FileScan | None = None, threads: bool = False
) -> tuple[list[str], str, pa.Table] | None:
    """A plain CSV file's header, separator and data rows as Arrow text, or ``None``.

    ``scan``: the file's :func:`capacity.io.scan_file`, if it was hashed already.
    """
    scan = scan_file(path) if scan is None else scan
    if not _plain(scan):
        return None
    found = _header(scan.head, path.name)
    if found is None:
        return None
    header, sep = found
    # the longest line: every cell is within its limit, so only a very wide file could break it
    widest = len(header) * (limits.MAX_CELL_CHARS * 4 + 1) + 1
    if widest > limits.MAX_LINE_BYTES and not _lines_ok(path.read_bytes()):
        return None
    arrow = _read(path, len(header), sep, threads)
    return None if arrow is None else (header, sep, arrow)


def _parquet(path: Path) -> tuple[list[str], None, pa.Table] | None:
    """A Parquet file's header and typed columns as Arrow, or ``None``.

    The limits are the full read's own (:func:`capacity.io.check_parquet`); the columns
    are read as :func:`pandas.read_parquet` reads them (with the pandas metadata). A file
    whose pandas index is stored as columns, a column of another type than text, numbers,
    yes/no and dates (categories, lists, …), or an unnamed column is left to the full check.
    """
    import pyarrow.parquet as pq

    from capacity.io import check_parquet

    try:
        check_parquet(path, path.name)
        arrow = pq.read_table(path, use_pandas_metadata=True)
    except (DataError, ValueError, OSError):
        return None
    index = (arrow.schema.pandas_metadata or {}).get("index_columns", [])
    header = arrow.column_names
    if (
        any(not isinstance(i, dict) for i in index)  # stored as a column: pandas' index
        or not header
        or not all(_parquet_type(t) for t in arrow.schema.types)
        or any(re.fullmatch(r"(Unnamed: \d+)?\s*", c) for c in header)
    ):
        return None
    return header, None, arrow


def _parquet_type(t: pa.DataType) -> bool:
    return (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_boolean(t)
        or pa.types.is_timestamp(t)
        or pa.types.is_date(t)
    )


def _distinct_parquet(
    col: pa.ChunkedArray, field: pa.Field, metadata: dict | None
) -> tuple[np.ndarray, pd.Series, int, pa.ChunkedArray | None] | None:
    """A typed Parquet column as :func:`_distinct` gives a text column, or ``None``.

    Each distinct value (a missing one too) gets the text the full read gives it
    (:func:`capacity.io.read_table`: :func:`pandas.read_parquet`'s conversion of the column,
    then :func:`capacity.io._as_text`), found by the same two functions run on the distinct
    values alone; values with the same text share one cell. The last item is the column as
    row texts when it is text already (else ``None``).
    """
    from pandas.io._util import arrow_table_to_pandas

    from capacity.io import _as_text

    enc = pc.dictionary_encode(col, null_encoding="encode")
    if enc.num_chunks == 0:
        return None
    values = enc.chunk(0).dictionary  # one dictionary, shared by every chunk
    codes = np.concatenate([np.asarray(c.indices) for c in enc.chunks])
    one = pa.table([values], schema=pa.schema([field], metadata=metadata))
    try:
        frame = arrow_table_to_pandas(one)
    except (ValueError, TypeError, KeyError, pa.ArrowException):
        return None
    text = _as_text(frame.iloc[:, 0]).reset_index(drop=True)
    plain = pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    # a text is its own text: distinct texts stay distinct, unless a missing one and "" meet
    if plain and not (values.null_count and pc.any(pc.equal(values, "")).as_py()):
        cells = pd.Series(text, dtype="str")
    else:
        cell_codes, uniques = pd.factorize(text)
        if (cell_codes < 0).any():
            return None
        if len(uniques) < len(text):  # two values read as the same text
            codes = cell_codes[codes].astype(np.int32)
        cells = pd.Series(uniques, dtype="str")
    empty = np.flatnonzero((cells == "").to_numpy(dtype=bool))
    blank = int(empty[0]) if empty.size else -1
    return codes, cells, blank, col.cast(pa.large_string()) if plain else None


def _typed_by_kind(kind: str, cols: list[_Column]) -> bool:
    """Type the distinct cells of every column of one kind at once; False if any cell fails.

    Parsing, the implausible-date and the ambiguous-decimal guards and the cell-length limit
    look at one cell at a time, so the distinct cells of all columns of a kind go through
    them together (a few calls in all, not a few per column).
    """
    from capacity.guards import _THOUSANDS, far_dates
    from capacity.parse import _parse

    # (a text in two columns is typed twice, with the same answer: no hashing to merge them)
    if len(cols) == 1:
        cells = cols[0].cells.reset_index(drop=True)
    else:
        cells = pd.concat([c.cells for c in cols], ignore_index=True)
    if len(cells) and int(cells.str.len().max()) > limits.MAX_CELL_CHARS:
        return False
    values, bad = _parse(cells, kind)
    if bad.any():
        return False
    if kind in ("date", "month") and far_dates(cells).any():
        return False
    ambiguous: dict[str, np.ndarray] = {}
    if kind in ("integer", "number"):
        stripped = cells.astype(str).str.strip()
        for sep in {c.sep for c in cols} & set(_THOUSANDS):
            ambiguous[sep] = stripped.str.fullmatch(_THOUSANDS[sep][0]).to_numpy(dtype=bool)
    start = 0
    for c in cols:
        at = slice(start, start + len(c.cells))
        start += len(c.cells)
        if c.sep in ambiguous and ambiguous[c.sep][at].any():
            return False
        c.values = values if len(cols) == 1 else values.iloc[at].reset_index(drop=True)
    return True


@functools.cache
def _rules(table: str, name: str) -> tuple[bool, tuple]:
    spec = specs(table)[name]
    return spec["required"] == "yes", tuple(column_rules(table, name, spec))


def _rules_hold(c: _Column) -> bool:
    """Missing required values and the column's contract rules, on its distinct values."""
    required, rules = _rules(c.table, c.name)
    present = c.values.dropna()
    if required and len(present) < len(c.values):
        return False
    for rule in rules:
        if rule.bounds is not None:
            lo, hi = rule.bounds
            if lo is None or hi is None:
                return False  # never in the dictionary: the full check decides
            ok = _in_range(present, lo, hi)
        else:
            # (on the distinct cells' values: a value twice is tested twice, same answer)
            ok = rule.test(pd.Series(present, dtype="string")).fillna(False)
        if not np.asarray(ok, dtype=bool).all():
            return False
    return True


def _in_range(present: pd.Series, lo, hi) -> np.ndarray:
    """``lo <= value <= hi`` for present values (pandera's ``in_range``), on plain numpy."""
    if isinstance(lo, pd.Timestamp) or isinstance(hi, pd.Timestamp):
        values = present.to_numpy(dtype="datetime64[ns]")
        return (values >= np.datetime64(lo, "ns")) & (values <= np.datetime64(hi, "ns"))
    values = present.to_numpy(dtype="float64")  # counts below 2**53 (parse): exact
    return (values >= lo) & (values <= hi)


def _unchanged(values: pd.Series, cells: pd.Series) -> bool:
    """Whether every distinct cell is its own typed value (text that strip and case keep)."""
    if not isinstance(values.dtype, pd.StringDtype) or values.isna().any():
        return False
    return bool(pc.all(pc.equal(pa.array(values), pa.array(cells))).as_py() is not False)


def _keys_unique(f: _File, same: dict[str, bool]) -> bool:
    """No two rows with the same typed key (every key value present), from the row codes."""
    keys = KEYS.get(f.table, ())
    if not keys:
        return True
    by_name = {c.name: c for c in f.columns}
    key: np.ndarray | None = None
    span = 1
    for k in keys:
        c = by_name[k]
        # distinct cells with distinct typed values: the row codes are the typed codes
        row_codes, size = c.codes, len(c.values)
        if not same[k]:
            typed_codes, uniques = pd.factorize(c.values)
            if (typed_codes < 0).any():
                return False  # a missing key: the full check decides
            if len(uniques) < len(typed_codes):  # two cells type alike (" a" and "a")
                row_codes, size = typed_codes[c.codes], len(uniques)
        size = max(size, 1)
        if span * size >= 2**62:
            return False  # too many combinations for one integer: the full check decides
        if key is None:
            key = row_codes.astype(np.int64)
        else:
            key += row_codes * np.int64(span)
        span *= size
    if key is None:
        return True
    key.sort()  # numpy's integer sort is faster than a hash table here
    return not bool((key[1:] == key[:-1]).any())


def _table(f: _File) -> pd.DataFrame | None:
    """The typed table of a file whose cells all typed, or ``None`` if a table rule breaks."""
    typed: dict[str, object] = {}
    same: dict[str, bool] = {}
    for c in f.columns:
        if not _rules_hold(c):
            return None
        same[c.name] = _unchanged(c.values, c.cells)
        # each row's typed value: the text column itself when no cell changed
        if same[c.name] and c.arrow is not None:
            typed[c.name] = pd.arrays.ArrowStringArray(c.arrow)
        else:
            typed[c.name] = c.values.array.take(c.codes)
    # (copy=False: the columns were made here for this frame; pandas would copy each one,
    # ≈ 30-40 ms at 1 M sightings, a sixth of the load's typing)
    out = pd.DataFrame(typed, index=pd.RangeIndex(2, f.rows + 2, name="row"), copy=False)
    for _, _, a, op, b in wide_rules(f.table):
        if not wide_ok(out, a, op, b).all():
            return None
    if not _keys_unique(f, same):
        return None
    return out


def _identifiers(files: list[_File]) -> bool:
    """Whether the privacy scan would flag any cell of these files (one pass per scan mode).

    :func:`capacity.privacy.find_identifiers` classifies each distinct stripped text of a
    column on its own, in the column's mode; the texts of all columns scanned in the same
    mode are classified together.
    """
    from capacity.privacy.detect import column_mode, identifiers_among

    modes: dict[str, list[pd.Series]] = {}
    for f in files:
        for c in f.columns:
            mode = column_mode(c.original, f.path.name)
            modes.setdefault(mode, []).append(c.cells.str.strip())
    for mode, parts in modes.items():
        # (a text found in two columns is classified twice: the same answer, no hashing)
        values = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if identifiers_among(values.reset_index(drop=True), mode):
            return True
    return False


def typed_tables(
    paths: dict[str, Path], scans: dict[str, FileScan] | None = None
) -> dict[str, pd.DataFrame] | None:
    """The typed tables of clean CSV files, or ``None`` to let the full check decide.

    Parameters
    ----------
    paths : dict
        Table name (one of :data:`capacity.schema.TABLES`) to its ``.csv`` or ``.parquet``
        file (any other suffix gives ``None``).
    scans : dict, optional
        Table name to its file's :func:`capacity.io.scan_file`, when the caller hashed the
        files already (each file is then read once more, by Arrow, not twice).

    Returns
    -------
    dict or None
        Table name to its contract columns in dictionary order, typed as
        :func:`capacity.contract.validate_table` types them and indexed by spreadsheet row
        number (header = row 1), when every rule of every file holds. Otherwise ``None``.
        The cross-table checks are :func:`capacity.dataset.cross_check`'s.
    """
    files = []
    threads = _threads()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for table, path in paths.items():
            f = _file(path, table, (scans or {}).get(table), pool if threads > 1 else None)
            if f is None:
                return None
            files.append(f)
        if threads == 1:
            out = _typed_files(files)
            return None if out is None or _identifiers(files) else out
        # the privacy scan needs the distinct cells alone: on a thread while they are typed
        private = pool.submit(_identifiers, files)
        out = _typed_files(files)
        if private.result():
            return None
    return out


def _threads() -> int:
    """Two threads when a core is free of other processes' work, else one.

    On a busy machine a second thread only adds switching: at a load average of 16 on 2
    cores a first load at 1 M sightings took ≈ 10 % more CPU and ≈ 20 % more wall time
    with two threads than with one. The result is the same either way.

    A core counts as free when, now, no more than ``cores − 2`` tasks of other processes
    are runnable (:func:`_others_running`: Linux's count of runnable tasks less this
    process's own running threads, the largest of three looks 1 ms apart). Where that
    count is not available, when the 1-minute load average is below ``cores − ½``. The
    load average alone lags by a minute: after a minute of work on both cores (a
    benchmark's previous run, a notebook's previous cell) it read "busy" while both cores
    were idle, and the load ran on one thread.
    """
    from capacity.workers import usable_cores

    cores = usable_cores()
    if cores < 2:
        return 1
    others = _others_running()
    if others is not None:
        return 2 if others <= cores - 2 else 1
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # (no load average, e.g. on Windows)
        return 1
    return 2 if load <= cores - 0.5 else 1


def _others_running(looks: int = 3, pause: float = 0.001) -> int | None:
    """Runnable tasks of other processes now (the largest of ``looks``), ``None`` off Linux.

    ``/proc/loadavg``'s fourth field counts the runnable tasks of the whole system (this
    process's running threads among them: each thread's state is in
    ``/proc/self/task/<id>/stat``).
    """
    import time

    most = None
    for i in range(looks):
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                runnable = int(f.read().split()[3].split("/")[0])
            own = 0
            for task in os.listdir("/proc/self/task"):
                try:
                    with open(f"/proc/self/task/{task}/stat", encoding="ascii") as f:
                        own += f.read().rsplit(")", 1)[1].split()[0] == "R"
                except OSError:  # (a thread that ended meanwhile)
                    continue
        except (OSError, ValueError, IndexError):
            return None
        count = max(runnable - max(own, 1), 0)
        most = count if most is None else max(most, count)
        if i + 1 < looks:
            time.sleep(pause)
    return most


def _typed_files(files: list[_File]) -> dict[str, pd.DataFrame] | None:
    """Every file's typed table (its cells typed per kind), or ``None`` if a rule breaks."""
    kinds: dict[str, list[_Column]] = {}
    for f in files:
        for c in f.columns:
            kinds.setdefault(specs(c.table)[c.name]["type"], []).append(c)
    if not all(_typed_by_kind(kind, cols) for kind, cols in kinds.items()):
        return None
    out = {}
    for f in files:
        table = _table(f)
        if table is None:
            return None
        out[f.table] = table
    return out


def typed_csv(path: Path, table: str) -> pd.DataFrame | None:
    """One table of :func:`typed_tables`: the typed table of a clean CSV file, or ``None``."""
    found = typed_tables({table: path})
    return None if found is None else found[table]


def _lines_ok(data: bytes) -> bool:
    try:
        limits.check_lines(data, "")
    except DataError:
        return False
    return True
