"""Reading the files analysts have, writing outputs atomically.

:func:`read_table` reads a ``.csv`` (encoding and separator detected), ``.xlsx`` or
``.parquet`` file as text with its spreadsheet row numbers; :func:`write_table` and
:func:`atomic_write` write outputs so that readers never see half a file. Loading a whole
dataset folder is :mod:`capacity.dataset`. Raw files
are only read, never modified.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xxhash
from pandas.errors import EmptyDataError, ParserError

from capacity import limits
from capacity.exceptions import CapacityError, DataError, Problem

SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
_SEPARATORS = (",", ";", "\t")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n(?!\Z)")
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes as 64 hex digits (read in 1 MiB blocks).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_digests(path: str | os.PathLike) -> tuple[str, str]:
    """SHA-256 and XXH3-128 (:func:`scan_file`'s digest) of a file's bytes, in one read.

    :func:`capacity.dataset.load_dataset` takes the SHA-256 of a file it validates on a
    thread of its own; the XXH3-128 of the same bytes shows that they are those it scanned.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha, xxh3 = content_digests(p)
    >>> sha == sha256_file(p), xxh3 == scan_file(p).digest
    (True, True)
    """
    sha, fast = hashlib.sha256(), xxhash.xxh3_128()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
            fast.update(block)
    return sha.hexdigest(), fast.hexdigest()


#: Bytes of a file's start kept by :func:`scan_file`: more than the longest line allowed.
SCAN_HEAD = limits.MAX_LINE_BYTES + 2


@dataclass(frozen=True)
class FileScan:
    r"""One pass over a file's bytes: a digest of them and what a CSV reader must know of it.

    Attributes
    ----------
    digest : str
        XXH3-128 of the bytes, 32 hex digits: the key of the validated-dataset cache
        (:mod:`capacity.dataset_cache`, which says why a fast hash that is not
        cryptographic is enough there). It is not the SHA-256 a dataset records
        (:func:`sha256_file`).
    size : int
        Number of bytes.
    head : bytes
        The first :data:`SCAN_HEAD` bytes (the whole file when shorter).
    quote, nul : bool
        Whether a ``"`` or a NUL byte occurs anywhere.
    cr, crlf : int
        Number of ``\r`` bytes and of ``\r\n`` pairs.
    blank : bool
        Whether the file is empty or white space only.
    """

    digest: str
    size: int
    head: bytes
    quote: bool
    nul: bool
    cr: int
    crlf: int
    blank: bool


def scan_file(path: str | os.PathLike) -> FileScan:
    """Hash a file and note its quotes, NULs, line ends and start, in one read of 1 MiB blocks.

    The fast check of a CSV file (:mod:`capacity.fast_validate`) needs these and the
    validated-dataset cache the hash: one pass gives both, without holding the whole file
    in memory (Arrow then reads the file itself, also in blocks). The hash is XXH3-128
    (≈ 15 GB/s here, against ≈ 1 GB/s for SHA-256: 3 ms against 40 ms for the sightings
    file at 1 M sightings, ``docs/performance.md``).
    """
    h = xxhash.xxh3_128()
    head = b""
    size = cr = crlf = 0
    quote = nul = prev_cr = False
    blank = True
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            size += len(block)
            if len(head) < SCAN_HEAD:
                head += block[: SCAN_HEAD - len(head)]
            quote = quote or b'"' in block
            nul = nul or b"\x00" in block
            if prev_cr and block.startswith(b"\n"):
                crlf += 1  # a pair split between two blocks
            if b"\r" in block:
                cr += block.count(b"\r")
                crlf += block.count(b"\r\n")
            prev_cr = block.endswith(b"\r")
            blank = blank and block.isspace()
    return FileScan(h.hexdigest(), size, head, quote, nul, cr, crlf, blank)


#: Set by the user: Arrow's allocator is then left as the user chose it.
_POOL_ENV = "ARROW_DEFAULT_MEMORY_POOL"
_pool_lock = threading.Lock()
_pool_users = 0
_pool_before: Any = None


def _load_pool() -> Any:
    """The Arrow memory pool of jemalloc, or ``None`` (not built in, or the user chose one)."""
    if os.environ.get(_POOL_ENV):
        return None
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, AttributeError):
        return None


@contextlib.contextmanager
def load_allocator() -> Iterator[None]:
    """Arrow allocates from jemalloc inside the block, where pyarrow has it.

    A first load of a dataset allocates and frees many large buffers (each file read in
    blocks, each column encoded, the typed columns). In a fresh process at 1 M sightings,
    with pyarrow's default allocator on Linux (mimalloc) that load took about 0.3 s more
    CPU, most of it system time, than with jemalloc: 1.13 s against 0.78 s (median of 5,
    ``docs/performance.md``). Every Arrow array
    remembers its allocator, so arrays made inside the block are freed correctly after it.
    The previous default comes back when the last of nested or concurrent blocks ends;
    with ``$ARROW_DEFAULT_MEMORY_POOL`` set, the user's choice stands and nothing changes.
    """
    global _pool_users, _pool_before
    pool = _load_pool()
    if pool is None:
        yield
        return
    import pyarrow as pa

    with _pool_lock:
        if _pool_users == 0:
            _pool_before = pa.default_memory_pool()
            pa.set_memory_pool(pool)
        _pool_users += 1
    try:
        yield
    finally:
        with _pool_lock:
            _pool_users -= 1
            if _pool_users == 0:
                pa.set_memory_pool(_pool_before)
                _pool_before = None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", **kwargs: Any) -> Iterator[Any]:
    """Open a temporary file beside ``path``; move it into place only if the block succeeds.

    Readers never see a half-written output: the temporary file lives in the same folder
    (so :func:`os.replace` is atomic) and is removed when the block raises.

    Parameters
    ----------
    path : path-like
        Final file name. Its folder is created if needed.
    mode : str
        ``"wb"`` (default) or ``"w"`` for text; extra keyword arguments go to :func:`open`
        (e.g. ``encoding="utf-8"``).

    Yields
    ------
    file object
        Open on the temporary file; its name is available as ``.name``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
        # mkstemp makes the file private (0600): give it the mode a plain open() would
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a frame atomically as CSV (UTF-8), Parquet or XLSX, chosen by the suffix.

    Dates are written as YYYY-MM-DD text in CSV; the index is not written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise CapacityError(
            f"cannot write {target}: use one of the suffixes {', '.join(SUFFIXES)}."
        )
    with atomic_write(target) as f:
        if suffix == ".csv":
            df.to_csv(f, index=False, date_format="%Y-%m-%d", encoding="utf-8")
        elif suffix == ".parquet":
            df.to_parquet(f, index=False)
        else:
            df.to_excel(f, index=False, engine="openpyxl")
    return target


# --- reading ----------------------------------------------------------------------------
def _fail(file: str, rule: str, fix: str, row: int | None = None) -> DataError:
    return DataError(Problem(file, row, None, None, rule, fix))


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise _fail(name, "this is an Excel (zip) file, not CSV text", "Rename it to .xlsx.")
    head = data[:4096]
    # UTF-16 text has a byte-order mark, or a NUL in every other byte of ASCII text
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(head) >= 8
        and min(head[0::2].count(0), head[1::2].count(0)) == 0
        and max(head[0::2].count(0), head[1::2].count(0)) >= 0.4 * len(head) / 2
    ):
        raise _fail(
            name,
            "the file is saved as UTF-16 ('Unicode text'), which is not accepted",
            "Save it as 'CSV UTF-8' (or CSV for Windows-1252).",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        row = data.count(b"\n", 0, nul) + 1
        raise _fail(
            name,
            f"the file holds a NUL byte (position {nul:,}): it is binary data, not text",
            "Check that this is the CSV export and not another file renamed to .csv; export "
            "the table again as 'CSV UTF-8'.",
            row=row,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(
            name,
            f"the text is neither UTF-8 nor Windows-1252 (byte {data[exc.start]:#04x} "
            f"at position {exc.start})",
            "Save it as 'CSV UTF-8' from Excel or your statistics program.",
        ) from None


def _sniff(header: str, name: str) -> str:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        other = re.search(r"[|:!#^~]", header)
        if other:
            raise _fail(
                name,
                f"the columns are separated by {other.group()!r}, which is not accepted",
                "Save the file as CSV with ',' or ';' between the columns.",
                row=1,
            )
    return sep


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    data = path.read_bytes()
    limits.check_lines(data, name)
    text = _decode(data, name)
    del data
    if not text.strip():
        return pd.DataFrame()
    first = text.split("\n", 1)[0]
    sep = _sniff(first, name)
    limits.check_columns(first.count(sep) + 1, name)
    df = _parse_csv(text, sep, name)
    # the readers rename a repeated header ('fte', 'fte.1'): keep the names as written
    header = next(csv.reader([first.rstrip("\r")], delimiter=sep))
    if len(header) == df.shape[1]:
        df.columns = header
    df.attrs["separator"] = sep
    return df


def _parse_csv(text: str, sep: str, name: str) -> pd.DataFrame:
    if not _BLANK_LINE.search(text):
        # pyarrow's multi-threaded reader is 2-3x faster; it skips blank lines, which would
        # shift row numbers, and its errors carry no line number: then the C reader is used.
        try:
            return pd.read_csv(
                io.BytesIO(text.encode("utf-8")),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                engine="pyarrow",
            )
        except (ParserError, ValueError):
            pass
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except EmptyDataError:
        return pd.DataFrame()
    except ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if not m:
            raise _fail(name, f"the CSV cannot be read ({exc})", "Re-export the file.") from None
        want, line, saw = m.groups()
        fix = "Check quotes and separators on that row"
        if sep == ",":
            fix += "; numbers with a decimal comma need ';' as the column separator"
        raise _fail(
            name, f"the row has {saw} fields where the header has {want}", fix + ".", int(line)
        ) from None
    return df


def _read_xlsx(path: Path, name: str, table: str | None) -> pd.DataFrame:
    from openpyxl.utils.exceptions import InvalidFileException  # only for Excel files

    limits.check_xlsx(path, name)
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
        sheet = table if table in sheets.sheet_names else sheets.sheet_names[0]
        cells = pd.read_excel(sheets, sheet_name=sheet, dtype=str, na_filter=False, header=None)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise _fail(
            name, f"the Excel file cannot be read ({exc})", "Re-save it as .xlsx."
        ) from None
    if cells.empty:
        return pd.DataFrame()
    limits.check_columns(cells.shape[1], name)
    # header row as written (pandas would rename a repeated name), data rows below it
    body = cells.iloc[1:].set_axis([str(c) for c in cells.iloc[0]], axis=1)
    return body.apply(_midnight_as_date)


def _midnight_as_date(text: pd.Series) -> pd.Series:
    """Real spreadsheet or Parquet dates read as text ("2024-08-05 00:00:00") as the day alone.

    The cell then reads as the analyst typed it, and error messages quote it that way.
    """
    return text.str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) 00:00:00$", r"\1", regex=True)


def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    try:
        check_parquet(path, name)
        df = pd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise _fail(name, f"the Parquet file cannot be read ({exc})", "Re-export it.") from None
    return pd.DataFrame({col: _as_text(df[col]) for col in df.columns}, index=df.index)


def check_parquet(path: Path, name: str) -> None:
    """Refuse a Parquet file too wide or too large uncompressed (from its metadata alone).

    Raises :class:`DataError`, or pyarrow's ``ValueError``/``OSError`` for a file that is
    not Parquet.
    """
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    limits.check_columns(meta.num_columns, name)
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > limits.MAX_PARQUET_UNCOMPRESSED:
        raise _fail(
            name,
            f"the Parquet file's columns take {size / 2**20:,.0f} MiB uncompressed, above "
            f"the limit of {limits.MAX_PARQUET_UNCOMPRESSED // 2**20:,} MiB",
            "Split the table by year, or check that this is the right file.",
        )


def _as_text(s: pd.Series) -> pd.Series:
    """A Parquet column as the text a CSV export would hold (missing as ``""``).

    Dates and numbers repeat few values: each distinct value is formatted once and spread
    back to the rows (the same text as formatting every cell, at a fraction of the cost).
    """
    when = isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s)

    def text(values: pd.Series) -> pd.Series:
        if when:
            return _midnight_as_date(values.dt.strftime("%Y-%m-%d %H:%M:%S"))
        return values.astype("string")

    if len(s) >= 1000 and (when or not pd.api.types.is_string_dtype(s)):
        codes, uniques = pd.factorize(s)
        if len(uniques) <= len(s) // 2:
            distinct = text(pd.Series(uniques)).astype("string")
            spread = pd.Series(distinct.array.take(codes, allow_fill=True), index=s.index)
            return spread.fillna("").astype(str)
    return text(s).fillna("").astype(str)


def read_table(path: str | os.PathLike, table: str | None = None) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet file as text, keeping the spreadsheet row numbers.

    Parameters
    ----------
    path : path-like
        ``.csv`` (UTF-8 with or without BOM, or Windows-1252; ``,``, ``;`` or tab between
        columns, sniffed from the header; decimal commas are read later, by the contract),
        ``.xlsx`` (the sheet named like ``table``, else the first sheet) or ``.parquet``.
    table : str, optional
        Table name, used to pick the Excel sheet.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (empty cells as ``""``), the header as in the file, indexed by
        the row number a spreadsheet shows (header = row 1, first data row = 2). Entirely
        blank rows are dropped but keep their numbers out of the index. An empty file gives
        a frame without columns.

    Raises
    ------
    DataError
        The file is missing, in an unsupported format or encoding, or has ragged rows.
    """
    p = Path(path)
    name = p.name
    if not p.is_file():
        raise _fail(name, "file not found", f"Put the file at {p}.")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        df = _read_csv(p, name)
    elif suffix == ".xlsx":
        df = _read_xlsx(p, name, table)
    elif suffix == ".parquet":
        df = _read_parquet(p, name)
    else:
        raise _fail(name, f"unsupported file type {suffix!r}", "Use .csv, .xlsx or .parquet.")
    sep = df.attrs.get("separator")
    df.columns = [str(c) for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    limits.check_cells(df, name)
    # spreadsheet exports often add columns with neither header nor values: ignore them
    unnamed = [
        i
        for i, c in enumerate(df.columns)
        if re.fullmatch(r"(Unnamed: \d+)?\s*", c) and (df.iloc[:, i] == "").all()
    ]
    df = df.iloc[:, [i for i in range(df.shape[1]) if i not in set(unnamed)]]
    if df.shape[1]:
        blank = (df == "").all(axis=1)
        if blank.any():
            df = df[~blank]
    df.attrs["separator"] = sep
    return df


def read_other_sheets(path: str | os.PathLike, table: str | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook except the one :func:`read_table` reads, hidden ones too.

    For the privacy guard: a name or phone number on a second (or hidden) sheet leaves the
    project with the file. Keys are sheet names; cells are text, columns named by their
    Excel letter, rows by their spreadsheet number; ``attrs["state"]`` is ``"visible"``,
    ``"hidden"`` or ``"veryHidden"``.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        return {}
    limits.check_xlsx(p, p.name)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, InvalidFileException):
        return {}  # read_table reports the unreadable file
    try:
        names = wb.sheetnames
        main = table if table in names else names[0]
        out = {}
        for ws in wb.worksheets:
            if ws.title == main:
                continue
            rows = [
                ["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)
            ]
            width = max((len(r) for r in rows), default=0)
            limits.check_columns(width, p.name)
            frame = pd.DataFrame(
                [r + [""] * (width - len(r)) for r in rows],
                columns=[get_column_letter(i + 1) for i in range(width)],
                index=pd.RangeIndex(1, len(rows) + 1, name="row"),
                dtype=str,
            )
            frame.attrs["state"] = getattr(ws, "sheet_state", "visible")
            out[ws.title] = frame
        return out
    finally:
        wb.close()
