"""The validated dataset cached by content, so that a rerun does not read and validate again.

:func:`capacity.dataset.load_dataset` reads every file as text, parses it, checks it against
the data contract and scans it for personal identifiers: at a million sightings that is
many times a plain read of the files. A dataset that passed every check is stored here as
typed tables in Arrow IPC files (uncompressed Feather: a data format, reading it never runs
code, unlike a pickle; written and read back at memory speed, ≈ 5× faster than Parquet) under a
key that covers

* the bytes of every table file and of ``datapackage.json`` (XXH3-128, see below), and the
  tables loaded;
* the contract's code — :mod:`capacity.schema`, :mod:`capacity.contract`,
  :mod:`capacity.fast_validate`, :mod:`capacity.parse`, :mod:`capacity.dataset`, :mod:`capacity.io`,
  :mod:`capacity.municipalities`, this module, the :mod:`capacity.privacy` package — and the
  data files they check against (``dictionary.csv``, ``municipalities.csv``);
* the versions of pandas, pyarrow, numpy and pandera, which the checks run on.

Change any of them and the dataset is validated again. Only datasets without problems are
stored; a refused dataset is refused again, with the same errors, on every load. An entry
also holds each file's SHA-256 (what :attr:`capacity.dataset.Dataset.files` records and the
reports show), so that a hit does not take it again.

Why XXH3-128 and not SHA-256 for the key: the key has to change whenever a file's bytes
change, and XXH3-128 (the ``xxhash`` package) hashes at ≈ 15 GB/s here against ≈ 1 GB/s
(3 ms against 40 ms for the sightings file at 1 M sightings). Two different files give the
same 128-bit XXH3 by chance with a probability of about 2^-128: never in practice. A hash
that resists a deliberate collision is not needed, because the cache is local: whoever could
craft two files with the same digest could also write into the cache folder, which holds
the validated tables themselves. The SHA-256 each dataset records is not this key.

Where: ``$CAPACITY_DATA_CACHE`` if set (``off`` turns the cache off), else
``<project root>/.cache/datasets`` (git-ignored, removed by ``make clean``). Entries are
written into a temporary folder and renamed into place, so a parallel reader never sees half
an entry; a damaged entry is a miss. :func:`capacity.dataset.load_dataset` stores an entry on
a background thread (:func:`write_in_background`), so that the caller gets the tables at
once; a read of the same key in the same process, a ``fork`` and the interpreter's exit
each wait for it (:func:`wait`). The cache holds a copy of validated (pseudonymised)
data: delete the folder at any time, it is rebuilt on the next load.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from importlib import metadata
from pathlib import Path

import pandas as pd

#: Bump when the stored layout changes (2: Arrow IPC files instead of Parquet; 3: keyed by
#: XXH3-128, each table's SHA-256 in the manifest).
FORMAT = 3
ENV = "CAPACITY_DATA_CACHE"
_MANIFEST = "dataset.json"
#: Code whose change can change what a valid dataset loads as (relative to the package).
CONTRACT_CODE = (
    "schema.py",
    "contract.py",
    "fast_validate.py",
    "parse.py",
    "dataset.py",
    "dataset_cache.py",
    "io.py",
    "exceptions.py",
    "municipalities.py",
    "guards.py",
    "limits.py",
    "privacy",
    "data/dictionary.csv",
    "data/first_names.txt",
    "data/municipalities.csv",
)
_LIBRARIES = ("pandas", "pyarrow", "numpy", "pandera")


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when ``$CAPACITY_DATA_CACHE`` is ``off``."""
    env = os.environ.get(ENV)
    if env is not None and env.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    if env:
        return Path(env).expanduser()
    from capacity.config import ROOT

    return ROOT / ".cache" / "datasets"


@functools.cache
def contract_version() -> str:
    """SHA-256 over the contract's code, the dictionary and the checking libraries' versions."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    paths: list[Path] = []
    for name in CONTRACT_CODE:
        p = package / name
        paths += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    for path in paths:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    for lib in _LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{lib}={version}".encode())
    return digest.hexdigest()


def cache_key(meta_digest: str, file_hashes: dict[str, str]) -> str:
    """Key of one load: the description's and the tables' digests, and the contract version.

    The digests are :attr:`capacity.io.FileScan.digest` (XXH3-128 of the bytes).
    """
    payload = json.dumps(
        {
            "format": FORMAT,
            "contract": contract_version(),
            "datapackage": meta_digest,
            "files": dict(sorted(file_hashes.items())),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:40]


def read(
    key: str,
) -> tuple[dict[str, pd.DataFrame], dict[str, int], dict[str, str]] | None:
    """The typed tables, their row counts and files' SHA-256 stored under ``key``, or ``None``.

    A missing, partial or damaged entry (columns or dtypes not as recorded) is a miss. A
    write of the same key still under way in this process is waited for first.
    """
    root = cache_dir()
    if root is None:
        return None
    wait(key)
    entry = root / key
    try:
        manifest = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            return None
        tables, rows, sha256 = {}, {}, {}
        for name, info in manifest["tables"].items():
            frame = pd.read_feather(entry / f"{name}.arrow")
            dtypes = {c: str(t) for c, t in frame.dtypes.items()}
            if dtypes != info["dtypes"] or len(frame) != info["rows"]:
                return None
            if not re.fullmatch(r"[0-9a-f]{64}", info["sha256"]):
                return None
            tables[name], rows[name], sha256[name] = frame, int(info["rows"]), info["sha256"]
        return tables, rows, sha256
    except (OSError, ValueError, KeyError, TypeError):
        return None  # pyarrow's errors are ValueError/OSError subclasses


def write(
    key: str, tables: dict[str, pd.DataFrame], sha256: dict[str, str], root: Path | None = None
) -> Path | None:
    """Store validated typed tables under ``key``; ``None`` when the cache is off or not writable.

    ``sha256``: table name to its file's SHA-256 (stored with the table).

    The entry is written into a temporary folder beside the others (private to the user, as
    :func:`tempfile.mkdtemp` makes it) and renamed into place; when another process stored
    the same key meanwhile, its entry is kept. ``root``: the cache folder (default
    :func:`cache_dir`).
    """
    root = cache_dir() if root is None else root
    if root is None:
        return None
    entry = root / key
    if (entry / _MANIFEST).exists():
        return entry
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
    except OSError:
        return None
    try:
        manifest = {"format": FORMAT, "tables": {}}
        for name, frame in tables.items():
            frame.to_feather(tmp / f"{name}.arrow", compression="uncompressed")
            manifest["tables"][name] = {
                "rows": len(frame),
                "sha256": sha256[name],
                "dtypes": {c: str(t) for c, t in frame.dtypes.items()},
            }
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        try:
            os.rename(tmp, entry)
        except OSError:  # another process stored it first (or a stale, damaged entry)
            if not (entry / _MANIFEST).exists():
                shutil.rmtree(entry, ignore_errors=True)
                with contextlib.suppress(OSError):
                    os.rename(tmp, entry)
    except (OSError, ValueError, TypeError):
        return None  # a cache only: a failed write never fails the load
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return entry if (entry / _MANIFEST).exists() else None


_pending: dict[str, threading.Thread] = {}
_pending_lock = threading.Lock()


def write_in_background(key: str, tables: dict[str, pd.DataFrame], sha256: dict[str, str]) -> None:
    """:func:`write` on a thread of its own, so that the caller goes on at once.

    At 1 M sightings the write takes ≈ 0.05 s of a first load's ≈ 0.5 s
    (``docs/performance.md``); the caller's next work (fitting) runs meanwhile. The thread
    holds shallow copies of the frames: pandas copies on write, so a caller who changes a
    returned table changes its own copy, never what is stored. The cache folder is the one
    of the moment of the call. The thread is not a daemon: the interpreter's exit waits for
    it (also in :mod:`multiprocessing` children), and so do :func:`read` of the same key,
    :func:`wait`, and every ``os.fork`` of the process (a fork while it writes could copy a
    held lock into the child).
    """
    root = cache_dir()
    if root is None:
        return
    frames = {name: frame.copy(deep=False) for name, frame in tables.items()}
    with _pending_lock:
        if key in _pending:
            return  # the same entry is being written already
        thread = threading.Thread(
            target=_write_then_forget,
            args=(key, frames, dict(sha256), root),
            name=f"capacity-dataset-cache-{key[:8]}",
            daemon=False,
        )
        _pending[key] = thread
    thread.start()


def _write_then_forget(
    key: str, frames: dict[str, pd.DataFrame], sha256: dict[str, str], root: Path
) -> None:
    try:
        write(key, frames, sha256, root)
    finally:
        with _pending_lock:
            _pending.pop(key, None)


def wait(key: str | None = None) -> None:
    """Wait for the background writes of this process (of ``key`` only, if given) to end."""
    with _pending_lock:
        threads = [t for k, t in _pending.items() if key is None or k == key]
    for thread in threads:
        if thread is not threading.current_thread():
            thread.join()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=wait)


def clear() -> None:
    """Delete every cached dataset (the next load validates again)."""
    root = cache_dir()
    if root is not None:
        wait()
        shutil.rmtree(root, ignore_errors=True)
