"""Reading the files analysts have, loading a dataset folder, writing outputs atomically.

A dataset is a folder with the tables ``sightings``, ``outreach``, ``staff`` and
``operations`` (each as ``<table>.csv``, ``.xlsx`` or ``.parquet``) and a ``datapackage.json``
describing it. :func:`load_dataset` reads every file as text, checks it against the data
contract (:mod:`capacity.contract`), looks for personal identifiers
(:func:`capacity.privacy.find_identifiers`), runs the cross-table checks, and raises one
:class:`~capacity.exceptions.DataError` listing every problem in every file. Raw files are
only read, never modified.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException
from pandas.errors import EmptyDataError, ParserError

from capacity import contract
from capacity.exceptions import CapacityError, DataError, Problem

SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
_SEPARATORS = (",", ";", "\t")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n(?!\Z)")
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_PERIOD_FIX = 'Give the period as {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}.'


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
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise _fail(
            name,
            "the file is saved as UTF-16 ('Unicode text'), which is not accepted",
            "Save it as 'CSV UTF-8' (or CSV for Windows-1252).",
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
    text = _decode(path.read_bytes(), name)
    if not text.strip():
        return pd.DataFrame()
    first = text.split("\n", 1)[0]
    sep = _sniff(first, name)
    df = _parse_csv(text, sep, name)
    # the readers rename a repeated header ('fte', 'fte.1'): keep the names as written
    header = next(csv.reader([first.rstrip("\r")], delimiter=sep))
    if len(header) == df.shape[1]:
        df.columns = header
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
    # header row as written (pandas would rename a repeated name), data rows below it
    return cells.iloc[1:].set_axis([str(c) for c in cells.iloc[0]], axis=1)


def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    try:
        df = pd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise _fail(name, f"the Parquet file cannot be read ({exc})", "Re-export it.") from None
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s):
            text = s.dt.strftime("%Y-%m-%d %H:%M:%S")
        else:
            text = s.astype("string")
        out[col] = text.fillna("").astype(str)
    return pd.DataFrame(out, index=df.index)


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
    df.columns = [str(c) for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2, name="row")
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
    return df


# --- the dataset folder -----------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated dataset: the four typed tables, its description and file fingerprints.

    Attributes
    ----------
    sightings, outreach, staff, operations : pandas.DataFrame or None
        Typed tables (see ``docs/data-contract.md``); ``None`` for a table not loaded.
    meta : dict
        The content of ``datapackage.json``.
    files : dict
        Table name to ``{"path", "sha256", "rows"}`` of the file read.
    folder : pathlib.Path
        The dataset folder.
    """

    sightings: pd.DataFrame | None
    outreach: pd.DataFrame | None
    staff: pd.DataFrame | None
    operations: pd.DataFrame | None
    meta: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    folder: Path = Path(".")

    def table(self, name: str) -> pd.DataFrame:
        """One table by name; a :class:`DataError` if it was not loaded."""
        df = getattr(self, name, None) if name in contract.TABLES else None
        if df is None:
            raise DataError(
                Problem(name, None, None, None, "table not loaded", "Load it with tables=None.")
            )
        return df

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of the dataset's period (from ``datapackage.json``)."""
        p = self.meta["period"]
        return pd.Timestamp(p["start"]), pd.Timestamp(p["end"])

    def describe(self) -> str:
        """A short plain-text description: name, period, synthetic flag, rows and hashes."""
        m = self.meta
        start, end = self.period
        lines = [
            f"{m.get('title') or m.get('name')} ({self.folder})",
            f"period {start:%Y-%m-%d} to {end:%Y-%m-%d}"
            + ("; SYNTHETIC data" if m.get("synthetic") else ""),
        ]
        for name, info in self.files.items():
            df = self.table(name)
            extra = ""
            if "city" in df.columns and len(df):
                extra = f", cities: {', '.join(sorted(df['city'].dropna().unique()))}"
            if name == "sightings" and len(df):
                extra += f", persons: {df['person_id'].nunique()}"
            lines.append(
                f"  {name:<11} {info['rows']:>9} rows  {Path(info['path']).name} "
                f"sha256 {info['sha256'][:12]}{extra}"
            )
        return "\n".join(lines)


def _read_meta(folder: Path) -> tuple[dict, list[Problem]]:
    name = "datapackage.json"
    path = folder / name
    example = (
        'Write datapackage.json, e.g. {"name": "stockholm-2024", "title": "...", '
        '"synthetic": false, "period": {"start": "2024-01-01", "end": "2024-12-31"}, '
        '"description": "...", "resources": [{"name": "sightings", "path": "sightings.csv"}, ...]}.'
    )
    if not path.is_file():
        return {}, [Problem(name, None, None, None, "the dataset description is missing", example)]
    try:
        meta = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        row = getattr(exc, "lineno", None)
        return {}, [Problem(name, row, None, None, f"not valid JSON ({exc})", example)]
    if not isinstance(meta, dict):
        return {}, [Problem(name, None, None, None, "must be a JSON object", example)]
    problems = []
    for key, kind in (("name", str), ("title", str), ("synthetic", bool), ("description", str)):
        if not isinstance(meta.get(key), kind):
            rule = f"'{key}' is missing or not a {'true/false' if kind is bool else 'text'}"
            problems.append(Problem(name, None, key, _short(meta.get(key)), rule, example))
    period = meta.get("period")
    try:
        start = pd.to_datetime(period["start"], format="%Y-%m-%d")
        end = pd.to_datetime(period["end"], format="%Y-%m-%d")
        if end < start:
            problems.append(
                Problem(
                    name, None, "period", str(period), "the end is before the start", _PERIOD_FIX
                )
            )
    except (TypeError, KeyError, ValueError):
        rule = "'period' is missing or its dates are not YYYY-MM-DD"
        problems.append(Problem(name, None, "period", _short(period), rule, _PERIOD_FIX))
    resources = meta.get("resources", [])
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and {"name", "path"} <= set(r) for r in resources
    ):
        rule = '\'resources\' must be a list of {"name": table, "path": file}'
        problems.append(Problem(name, None, "resources", None, rule, example))
    return meta, problems


def _short(value: object) -> str | None:
    return None if value is None else str(value)[:60]


def _find_file(folder: Path, table: str, meta: dict) -> tuple[Path | None, list[Problem]]:
    resources = meta.get("resources")
    if isinstance(resources, list):
        for r in resources:
            if isinstance(r, dict) and r.get("name") == table and r.get("path"):
                return folder / str(r["path"]), []
    found = [folder / f"{table}{s}" for s in SUFFIXES if (folder / f"{table}{s}").is_file()]
    if len(found) == 1:
        return found[0], []
    if not found:
        rule = f"the {table} table is missing"
        fix = f"Put it in {folder} as {table}.csv, {table}.xlsx or {table}.parquet."
    else:
        rule = f"the {table} table is there more than once ({', '.join(p.name for p in found)})"
        fix = "Keep one, or name the one to use in datapackage.json resources."
    return None, [Problem(f"{table}.csv", None, None, None, rule, fix)]


def _privacy(raw: pd.DataFrame, file: str) -> list[Problem]:
    from capacity.privacy import find_identifiers

    found = find_identifiers(raw.reset_index(drop=True), file)
    rows = raw.index.to_numpy()
    # find_identifiers numbers rows by position (+2); map back to the file's row numbers.
    return [
        p if p.row is None or not 2 <= p.row < len(rows) + 2 else _with_row(p, int(rows[p.row - 2]))
        for p in found
    ]


def _with_row(p: Problem, row: int) -> Problem:
    return Problem(p.file, row, p.column, p.value, p.rule, p.fix)


def load_dataset(folder: str | os.PathLike, tables: Sequence[str] | None = None) -> Dataset:
    """Read, check and type a dataset folder; one :class:`DataError` lists every problem.

    Parameters
    ----------
    folder : path-like
        Dataset folder (relative paths are taken from the project root when they do not
        exist from the working directory).
    tables : sequence of str, optional
        Tables to load (default: all four); the others are ``None`` in the result and the
        cross-table checks that need them are skipped.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        With :attr:`~capacity.exceptions.DataError.problems` from every file: the
        description, the file format, the contract (:func:`capacity.contract.validate_table`),
        personal identifiers, and the cross-table checks.

    Examples
    --------
    >>> from capacity.config import ROOT
    >>> ds = load_dataset(ROOT / "tests" / "data" / "tiny")
    >>> len(ds.operations), str(ds.sightings["date"].dtype)
    (2, 'datetime64[ns]')
    """
    from capacity.config import resolve

    path = Path(folder)
    if not path.exists():
        path = resolve(folder)
    if not path.is_dir():
        raise DataError(
            Problem(str(folder), None, None, None, "dataset folder not found", "Check the path.")
        )
    names = list(contract.TABLES if tables is None else tables)
    unknown = [t for t in names if t not in contract.TABLES]
    if unknown:
        raise DataError(
            Problem(
                str(path),
                None,
                None,
                None,
                f"unknown table(s) {unknown}",
                f"Use {contract.TABLES}.",
            )
        )
    meta, problems = _read_meta(path)
    typed: dict[str, pd.DataFrame] = {}
    files: dict[str, dict] = {}
    for table in names:
        file, found = _find_file(path, table, meta)
        problems += found
        if file is None:
            continue
        try:
            raw = read_table(file, table)
        except DataError as err:
            problems += err.problems
            continue
        frame, table_problems = contract.validate_table(raw, table, file.name)
        problems += table_problems
        problems += _privacy(raw, file.name)
        if not table_problems:
            typed[table] = frame
        files[table] = {"path": str(file), "sha256": sha256_file(file), "rows": len(frame)}
    problems += contract.cross_check(
        typed, meta, {t: Path(f["path"]).name for t, f in files.items()}
    )
    if problems:
        raise DataError(problems)
    out = {t: (contract.finalise(typed[t], t) if t in typed else None) for t in contract.TABLES}
    return Dataset(**out, meta=meta, files=files, folder=path)
