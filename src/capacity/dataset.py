"""Loading a dataset folder: every table read, checked against the contract and typed.

A dataset is a folder with the tables ``sightings``, ``outreach``, ``staff`` and
``operations`` (each as ``<table>.csv``, ``.xlsx`` or ``.parquet``) and a ``datapackage.json``
describing it. :func:`load_dataset` reads every file as text (:func:`capacity.io.read_table`),
checks it against the data contract (:mod:`capacity.contract`), looks for personal identifiers
(:func:`capacity.privacy.find_identifiers`), runs the cross-table checks (:func:`cross_check`),
and raises one :class:`~capacity.exceptions.DataError` listing every problem in every file.
Raw files are only read, never modified.

A dataset of CSV or Parquet files is first offered to the fast check (:mod:`capacity.fast_validate`:
every rule decided per distinct value, straight from Arrow); only when it cannot show every
file clean does the full check above run, so problems are always found and reported by the
full check, and a clean dataset types the same either way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from capacity import dataset_cache, limits
from capacity.exceptions import DataError, Problem
from capacity.io import (
    SUFFIXES,
    FileScan,
    content_digests,
    load_allocator,
    read_table,
    scan_file,
    sha256_file,
)
from capacity.schema import TABLES

# The contract (pandera, ~0.5 s to import) is imported where a dataset is validated, so
# that a load served from the validated-dataset cache never imports it.

_TOO_DEEP = object()
_PERIOD_FIX = 'Give the period as {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}.'


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
        df = getattr(self, name, None) if name in TABLES else None
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


def _period_problems(period, name: str) -> list[Problem]:
    """Problems of datapackage.json's ``period`` (two YYYY-MM-DD dates, in order, plausible)."""
    problems: list[Problem] = []
    try:
        # dt.date, not pandas: a year such as 9999 or 0001 is out of pandas' range
        if not all(
            re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", period[k]) for k in ("start", "end")
        ):
            raise ValueError
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
        if end < start:
            problems.append(
                Problem(
                    name, None, "period", str(period), "the end is before the start", _PERIOD_FIX
                )
            )
        for key, day in (("start", start), ("end", end)):
            if not limits.plausible_date(day):
                rule = (
                    f"the period's {key} {day:%Y-%m-%d} is outside the plausible range "
                    f"{limits.FIRST_DATE:%Y-%m-%d} to {limits.LAST_DATE:%Y-%m-%d}"
                )
                problems.append(Problem(name, None, f"period.{key}", None, rule, _PERIOD_FIX))
    except (TypeError, KeyError, ValueError):
        rule = "'period' is missing or its dates are not YYYY-MM-DD"
        problems.append(Problem(name, None, "period", _short(period), rule, _PERIOD_FIX))
    return problems


def _read_meta(folder: Path, text: bool = True) -> tuple[dict, list[Problem]]:
    """``datapackage.json`` and its problems.

    ``text=False`` leaves out :func:`_meta_text_problems` (over-long texts, identifiers):
    :func:`_load` looks for them only when the validated-dataset cache has no entry.
    """
    name = "datapackage.json"
    path = folder / name
    example = (
        'Write datapackage.json, e.g. {"name": "stockholm-2024", "title": "...", '
        '"synthetic": false, "period": {"start": "2024-01-01", "end": "2024-12-31"}, '
        '"description": "...", "resources": [{"name": "sightings", "path": "sightings.csv"}, ...]}.'
    )
    if not path.is_file():
        return {}, [Problem(name, None, None, None, "the dataset description is missing", example)]
    size = path.stat().st_size
    if size > limits.MAX_JSON_BYTES:
        rule = f"the file is {size:,} bytes, above the limit of {limits.MAX_JSON_BYTES:,}"
        fix = "Keep datapackage.json to a short description; put long documentation in a README."
        return {}, [Problem(name, None, None, None, rule, fix)]
    try:
        meta = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        row = getattr(exc, "lineno", None)
        return {}, [Problem(name, row, None, None, f"not valid JSON ({exc})", example)]
    except RecursionError:
        meta = _TOO_DEEP  # deeper than Python's parser goes: reported just below
    if meta is _TOO_DEEP or limits.json_depth(meta) > limits.MAX_JSON_DEPTH:
        rule = f"the JSON is nested more than {limits.MAX_JSON_DEPTH} levels deep"
        return {}, [Problem(name, None, None, None, rule, example)]
    if not isinstance(meta, dict):
        return {}, [Problem(name, None, None, None, "must be a JSON object", example)]
    problems = _meta_text_problems(meta, name) if text else []
    for key, kind in (("name", str), ("title", str), ("synthetic", bool), ("description", str)):
        if not isinstance(meta.get(key), kind):
            rule = f"'{key}' is missing or not a {'true/false' if kind is bool else 'text'}"
            problems.append(Problem(name, None, key, _short(meta.get(key)), rule, example))
    problems += _period_problems(meta.get("period"), name)
    resources = meta.get("resources", [])
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and {"name", "path"} <= set(r) for r in resources
    ):
        rule = '\'resources\' must be a list of {"name": table, "path": file}'
        problems.append(Problem(name, None, "resources", None, rule, example))
    return meta, problems


def _short(value: object) -> str | None:
    return None if value is None else str(value)[:60]


def _meta_text_problems(meta: dict, name: str) -> list[Problem]:
    """Over-long texts and personal identifiers anywhere in ``datapackage.json``."""
    problems = []
    for key, value in meta.items():
        if isinstance(value, str) and len(value) > limits.MAX_META_TEXT:
            rule = (
                f"'{key}' is {len(value):,} characters long, above the limit of "
                f"{limits.MAX_META_TEXT:,}"
            )
            fix = "Shorten it; put long documentation in a README beside the data."
            problems.append(Problem(name, None, str(key)[:60], None, rule, fix))
    if problems:
        return problems
    from capacity.privacy.detect import find_identifiers_in_meta

    return find_identifiers_in_meta(meta, name)


def _find_file(folder: Path, table: str, meta: dict) -> tuple[Path | None, list[Problem]]:
    resources = meta.get("resources")
    if isinstance(resources, list):
        for r in resources:
            if isinstance(r, dict) and r.get("name") == table and r.get("path"):
                path = folder / str(r["path"])
                inside = folder.resolve()
                try:
                    path.resolve().relative_to(inside)
                except (ValueError, OSError, RuntimeError):
                    rule = (
                        f"the {table} resource path {str(r['path'])[:80]!r} points outside the "
                        "dataset folder"
                    )
                    fix = (
                        "Give a path relative to the dataset folder, e.g. "
                        f'"{table}.csv", and keep every file of the dataset in that folder.'
                    )
                    return None, [Problem("datapackage.json", None, "resources", None, rule, fix)]
                return path, []
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


def table_files(folder: str | os.PathLike) -> dict[str, Path]:
    """The file :func:`load_dataset` would read for each table that has exactly one.

    Same rules as loading (``datapackage.json`` resources first, then ``<table>.<suffix>``),
    without validating anything: for provenance and cache keys.
    """
    folder = Path(folder)
    meta, _ = _read_meta(folder)
    out = {}
    for table in TABLES:
        path, problems = _find_file(folder, table, meta if isinstance(meta, dict) else {})
        if path is not None and not problems and path.is_file():
            out[table] = path
    return out


def _privacy(
    raw: pd.DataFrame, file: str, mode: str | None = None, first: int = 2
) -> list[Problem]:
    from capacity.privacy import find_identifiers

    found = find_identifiers(raw.reset_index(drop=True), file, mode=mode)
    rows = raw.index.to_numpy()
    # find_identifiers numbers rows by position (+2); map back to the file's row numbers.
    return [
        p if p.row is None or not 2 <= p.row < len(rows) + 2 else _with_row(p, int(rows[p.row - 2]))
        for p in found
    ]


def _other_sheets(file: Path, table: str) -> list[Problem]:
    """Identifiers on a workbook's other sheets (hidden ones too), which leave with the file."""
    from capacity.io import read_other_sheets

    try:
        sheets = read_other_sheets(file, table)
    except DataError as err:
        return err.problems
    problems = []
    for title, frame in sheets.items():
        state = frame.attrs.get("state", "visible")
        label = f"sheet '{title}'" + ("" if state == "visible" else f" ({state})")
        fix = (
            f"Delete the {label} from the workbook (only the {table} sheet is read, but the "
            "whole file is kept with the data), or remove the personal data from it."
        )
        for p in _privacy(frame, file.name, mode="sheet"):
            column = f"{title}!{p.column}" if p.column else None
            problems.append(
                Problem(p.file, p.row, column, p.value, f"{p.rule} on the {label}", fix)
            )
    return problems


def _masked(problems: list[Problem]) -> list[Problem]:
    """Problems whose shown values never repeat an identifier the guard refused.

    A cell refused as an identifier is shown masked in every problem about the same cell (the
    contract's own rule would otherwise quote it raw), and every value, column name and rule
    goes through :func:`capacity.privacy.detect.redact`.
    """
    from capacity.privacy.detect import redact

    refused = {
        (p.file, p.row, p.column): p.value
        for p in problems
        if p.value is not None and p.rule.startswith("looks like")
    }
    out = []
    for p in problems:
        value = refused.get((p.file, p.row, p.column), p.value)
        out.append(
            Problem(
                p.file,
                p.row,
                None if p.column is None else redact(p.column),
                None if value is None else redact(value),
                redact(p.rule),
                p.fix,
            )
        )
    return out


def _with_row(p: Problem, row: int) -> Problem:
    return Problem(p.file, row, p.column, p.value, p.rule, p.fix)


def load_dataset(
    folder: str | os.PathLike, tables: Sequence[str] | None = None, *, cache: bool = True
) -> Dataset:
    """Read, check and type a dataset folder; one :class:`DataError` lists every problem.

    Parameters
    ----------
    folder : path-like
        Dataset folder (relative paths are taken from the project root when they do not
        exist from the working directory).
    tables : sequence of str, optional
        Tables to load (default: all four); the others are ``None`` in the result and the
        cross-table checks that need them are skipped.
    cache : bool, default True
        Serve a dataset that passed every check before from the validated-dataset cache
        (:mod:`capacity.dataset_cache`: typed Arrow files keyed by the files' XXH3-128 and the
        contract's code, with the files' SHA-256), and store it there after a first successful validation (on a
        background thread: :func:`capacity.dataset_cache.wait` waits for it). The
        result is the same either way; ``False`` (or ``CAPACITY_DATA_CACHE=off``) always
        validates.

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
    with load_allocator():  # (Arrow's allocator for many short-lived buffers)
        return _load(folder, tables, cache)


def _load(folder: str | os.PathLike, tables: Sequence[str] | None, cache: bool) -> Dataset:
    """:func:`load_dataset`'s work (inside :func:`capacity.io.load_allocator`)."""
    from capacity.config import resolve

    path = Path(folder)
    if not path.exists():
        path = resolve(folder)
    if not path.is_dir():
        raise DataError(
            Problem(str(folder), None, None, None, "dataset folder not found", "Check the path.")
        )
    names = list(TABLES if tables is None else tables)
    unknown = [t for t in names if t not in TABLES]
    if unknown:
        raise DataError(
            Problem(
                str(path),
                None,
                None,
                None,
                f"unknown table(s) {unknown}",
                f"Use {TABLES}.",
            )
        )
    # (the texts' scan for identifiers waits: an entry is only ever stored for a description
    # that passed it, and the key covers its bytes and the scan's code)
    meta, problems = _read_meta(path, text=False)
    key, hashes = _cache_key(path, meta, names, problems) if cache else (None, {})
    if key is not None:
        hit = dataset_cache.read(key)
        if hit is not None:
            frames, rows, sha256 = hit
            files = {
                t: {"path": str(hashes[t][0]), "sha256": sha256[t], "rows": rows[t]} for t in names
            }
            out = {t: frames.get(t) for t in TABLES}
            return Dataset(**out, meta=meta, files=files, folder=path)
    # the texts' scan (Python, ≈ 0.01 s) runs on a thread while Arrow reads the files (no GIL)
    text = _Later(_meta_text_problems, meta, "datapackage.json")
    clean = None if problems else _load_clean(path, names, meta, hashes)
    problems = text.result() + problems  # (in the order _read_meta lists them)
    if problems:
        clean = None  # (the full check below reports them, with any other)
    if clean is not None:  # every rule holds (the fast check): no problem to report
        out, files = clean
    else:
        out, files = _load_checked(path, names, meta, hashes, problems)
    if key is not None:
        sha256 = {t: files[t]["sha256"] for t in names}
        dataset_cache.write_in_background(key, {t: out[t] for t in names}, sha256)
    return Dataset(**out, meta=meta, files=files, folder=path)


class _Later:
    """``fn(*args)`` on a thread of its own; :meth:`result` waits and returns (or raises) it."""

    def __init__(self, fn, *args):
        self._value: object = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = fn(*args)
            except BaseException as err:  # (raised again by result(), in the caller's thread)
                self._error = err

        self._thread = threading.Thread(target=run, name="capacity-load", daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class _Sha256:
    """The SHA-256 of the files a load validates, taken on a thread beside the check.

    A dataset records each file's SHA-256 (:attr:`Dataset.files`; reports show it). At
    1 M sightings hashing the files takes ≈ 0.03 s of CPU. :func:`_load_clean` starts the
    thread when the cache has no entry, before Arrow reads the files, and :meth:`result`
    waits for it after the checks across tables (:mod:`hashlib` lets go of the GIL while it
    hashes). Started later, once the columns were encoded, it competed with the parsing
    and the privacy scan instead: no faster (``docs/performance.md``, item 34). The same read gives each file's XXH3-128, which must be
    the digest of the bytes the load scanned (:func:`capacity.io.scan_file`): a file
    changed during the load is refused, never recorded with the hash of other bytes.
    """

    def __init__(self, scans: dict[str, tuple[Path, FileScan]]):
        self._scans = dict(scans)
        self._found: dict[str, tuple[str, str]] = {}
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start hashing on a thread of its own (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="capacity-sha256", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            for table, (file, _) in self._scans.items():
                self._found[table] = content_digests(file)
        except BaseException as err:  # (raised again by result(), in the caller's thread)
            self._error = err

    def wait(self) -> None:
        """Wait for the thread, if it was started."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> dict[str, str]:
        """Table name to its file's SHA-256; a :class:`DataError` if a file changed meanwhile."""
        if self._thread is None:
            self._run()  # (never started: here)
        self.wait()
        if self._error is not None:
            raise self._error
        changed = [
            Problem(
                str(file),
                None,
                None,
                None,
                "the file changed while it was being loaded",
                "Load the dataset again when nothing writes to its files.",
            )
            for table, (file, scan) in self._scans.items()
            if self._found[table][1] != scan.digest
        ]
        if changed:
            raise DataError(changed)
        return {table: found[0] for table, found in self._found.items()}


def _load_checked(
    path: Path,
    names: list[str],
    meta: dict,
    hashes: dict[str, tuple[Path, FileScan]],
    problems: list[Problem],
) -> tuple[dict, dict]:
    """The full check of every file; raises one DataError listing every problem."""
    from capacity import contract, guards

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
        table_problems += guards.ambiguous_decimals(raw, table, file.name)
        problems += table_problems
        problems += _privacy(raw, file.name)
        problems += _other_sheets(file, table)
        if not table_problems:
            typed[table] = frame
        sha = sha256_file(file)
        files[table] = {"path": str(file), "sha256": sha, "rows": len(frame)}
    problems += cross_check(typed, meta, {t: Path(f["path"]).name for t, f in files.items()})
    if problems:
        raise DataError(_masked(problems))
    out = {t: (contract.finalise(typed[t], t) if t in typed else None) for t in TABLES}
    return out, files


def _load_clean(
    folder: Path, names: list[str], meta: dict, hashes: dict[str, tuple[Path, FileScan]]
) -> tuple[dict, dict] | None:
    """The typed tables and file records of a dataset that is clean, or ``None``.

    The tables go through :func:`capacity.fast_validate.typed_tables` (every rule decided
    per distinct value) and the cross-table checks; at the first doubt (a rule broken, a
    file it does not handle) this gives ``None`` and :func:`load_dataset` runs the full
    check, which reports every problem of every file. Each file is scanned (hashed) once,
    here or for the cache key, and then read by Arrow; its SHA-256 is taken beside the
    check (:class:`_Sha256`).
    """
    from capacity import contract
    from capacity.fast_validate import typed_tables

    paths: dict[str, Path] = {}
    scans: dict[str, FileScan] = {}
    for table in names:
        file, found = _find_file(folder, table, meta)
        if file is None or found or not file.is_file():
            return None
        paths[table] = file
        scans[table] = hashes[table][1] if table in hashes else scan_file(file)
    sha256 = _Sha256({t: (paths[t], scans[t]) for t in paths})
    try:
        sha256.start()
        typed = typed_tables(paths, scans)
        if typed is None or cross_check(typed, meta, {t: f.name for t, f in paths.items()}):
            return None
        out = {t: (contract.finalise(typed[t], t) if t in typed else None) for t in TABLES}
    finally:
        sha256.wait()  # (also when the full check takes over: no thread left reading)
    digests = sha256.result()
    files = {
        t: {"path": str(file), "sha256": digests[t], "rows": len(typed[t])}
        for t, file in paths.items()
    }
    return out, files


def _cache_key(
    folder: Path, meta: dict, names: list[str], problems: list[Problem]
) -> tuple[str | None, dict[str, tuple[Path, FileScan]]]:
    """Cache key of this load and each table's (file, scan); no key if anything is amiss.

    The scan (:func:`capacity.io.scan_file`) holds the file's XXH3-128 and what the fast
    check needs, so that a first load reads each file once more by Arrow (and once for
    its SHA-256, beside the check: :class:`_Sha256`). A hit takes the SHA-256 from the entry.

    Without a key (cache off, a problem with the description, a table file missing or
    ambiguous) the dataset is validated, which reports the problem.
    """
    if problems or dataset_cache.cache_dir() is None:
        return None, {}
    hashes: dict[str, tuple[Path, FileScan]] = {}
    for table in names:
        file, found = _find_file(folder, table, meta)
        if file is None or found or not file.is_file():
            return None, {}
        hashes[table] = (file, scan_file(file))
    meta_digest = scan_file(folder / "datapackage.json").digest
    key = dataset_cache.cache_key(meta_digest, {t: h.digest for t, (_, h) in hashes.items()})
    return key, hashes


# --- across tables ----------------------------------------------------------------------
def _within(values: pd.Series, kind: str, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Whether every present date (a month: some day of it) lies in ``start`` … ``end``."""
    first, last = values.min(), values.max()
    if pd.isna(first):
        return True
    if kind == "month":
        first = first + pd.offsets.MonthEnd(0)
    return bool(first >= start and last <= end)


def cross_check(typed: dict[str, pd.DataFrame], meta: dict, files: dict[str, str]) -> list[Problem]:
    """Checks that need more than one table or the dataset description.

    Parameters
    ----------
    typed : dict
        Table name to typed frame indexed by row number (from :func:`capacity.contract.validate_table`);
        checks involving a table absent here are skipped.
    meta : dict
        ``datapackage.json``; the period check is skipped without a valid period.
    files : dict
        Table name to file name, for the problems.

    Returns
    -------
    list of Problem
        Dates outside the period (a staff month must overlap it); cities that are not
        Swedish municipalities (:func:`capacity.municipalities.check_cities`); outreach cities
        missing from the staff table; outreach teams not in the staff table for that city.
    """
    from capacity.contract import MAX_PER_RULE, located
    from capacity.schema import specs

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
            for name, kind in ((n, row["type"]) for n, row in specs(table).items()):
                if kind not in ("date", "month") or name not in df:
                    continue
                if _within(df[name], kind, start, end):
                    continue  # (the earliest and the latest decide it: no row to list)
                last = df[name] + pd.offsets.MonthEnd(0) if kind == "month" else df[name]
                bad = ((last < start) | (df[name] > end)).fillna(False).to_numpy(dtype=bool)
                rows = df.index[bad].to_numpy()
                fmt = "%Y-%m" if kind == "month" else "%Y-%m-%d"

                def shown(r, df=df, name=name, fmt=fmt):
                    return df.loc[r, name].dt.strftime(fmt)

                problems += located(files[table], rows, name, shown, rule, fix)
    from capacity.municipalities import check_cities

    for table, df in typed.items():
        problems += check_cities(df, files[table], MAX_PER_RULE)
    if "outreach" in typed and "staff" in typed:
        out, staff = typed["outreach"], typed["staff"]
        file = files["outreach"]
        city_ok = (
            out["city"].isin(staff["city"].dropna().unique()).fillna(True).to_numpy(dtype=bool)
        )
        rows = out.index[~city_ok].to_numpy()
        problems += located(
            file,
            rows,
            "city",
            out.loc[rows[:MAX_PER_RULE], "city"],
            f"city not in the staff table ({files['staff']})",
            f"Every city with outreach in {file} needs its outreach staff in {files['staff']} "
            f"(cities there: {', '.join(sorted(staff['city'].dropna().astype(str).unique()))}): "
            f"add the city's staff to {files['staff']}, or correct the city's spelling in {file}.",
        )
        known = pd.MultiIndex.from_frame(staff[["city", "team"]].dropna().drop_duplicates())
        pairs = pd.MultiIndex.from_frame(out[["city", "team"]])
        team_ok = pairs.isin(known) | out["team"].isna().to_numpy() | ~city_ok
        rows = out.index[~team_ok].to_numpy()
        head = rows[:MAX_PER_RULE]
        values = out.loc[head, "team"].astype(str) + " in " + out.loc[head, "city"].astype(str)
        problems += located(
            file,
            rows,
            "team",
            values,
            f"team not in the staff table ({files['staff']}) for this city",
            "Use the team code of the staff table, or add the team's staff for that city.",
        )
    return problems
