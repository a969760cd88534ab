"""One run, one folder: an exclusive partial folder per run, stale ones cleaned.

A run renders into ``<output_dir>/.<run-id>.partial/`` and renames it to ``<run-id>/`` when
every output exists. :func:`claim` creates that folder with one atomic ``mkdir`` (so two
runs with the same id can never share it: the second is refused with a message naming the
first) and writes an owner file with the process id and host. A run that was killed leaves
its partial folder behind; :func:`clean_stale` — called by every run at start and by
``capacity clean`` — removes partial folders whose owner process no longer runs on this
host. Folders of live runs and of other hosts are left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
from pathlib import Path

from capacity.exceptions import ReportError

OWNER = ".owner.json"
PARTIAL = ".{}.partial"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


def _owner(folder: Path) -> dict | None:
    try:
        return json.loads((folder / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_stale(folder: Path) -> bool:
    """A partial folder whose run is gone: its owner process is dead on this host.

    A folder without a readable owner file (a run killed between ``mkdir`` and writing
    it, or left by an older version) counts as stale once it is older than a minute.
    """
    owner = _owner(folder)
    if owner is None:
        try:
            age = dt.datetime.now().timestamp() - folder.stat().st_mtime
        except OSError:
            return False
        return age > 60
    if owner.get("host") != socket.gethostname():
        return False
    pid = owner.get("pid")
    return isinstance(pid, int) and not _alive(pid)


def clean_stale(root: Path) -> list[Path]:
    """Remove the partial folders of runs that were killed; return what was removed."""
    removed = []
    try:
        candidates = [p for p in root.glob(PARTIAL.format("*")) if p.is_dir()]
    except OSError:
        return removed
    for folder in candidates:
        if is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


def _writable_root(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ReportError(
            f"output_dir {root} is a file, not a folder; set output_dir to a folder."
        ) from None
    except OSError as exc:
        raise ReportError(
            f"output_dir {root} cannot be created ({exc.strerror or exc}); set output_dir "
            "to a folder you can write to."
        ) from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise ReportError(
            f"output_dir {root} is not writable; set output_dir to a folder you can write to."
        )


def claim(root: Path, run_id: str) -> Path:
    """Create this run's partial folder exclusively and return it.

    Raises
    ------
    ReportError
        ``output_dir`` cannot be written, the run folder exists already, or another live
        run holds the same run id.
    """
    _writable_root(root)
    clean_stale(root)
    final = root / run_id
    if final.exists():
        raise ReportError(f"run folder {final} exists already; choose another run_id or remove it.")
    partial = root / PARTIAL.format(run_id)
    try:
        partial.mkdir()
    except FileExistsError:
        owner = _owner(partial) or {}
        who = f"process {owner.get('pid')} on {owner.get('host')}" if owner else "another run"
        raise ReportError(
            f"another run with run_id {run_id!r} is in progress ({who}, folder {partial}); "
            "wait for it, choose another run_id, or run 'capacity clean' if that run was killed."
        ) from None
    except OSError as exc:
        raise ReportError(
            f"cannot create the run folder {partial} ({exc.strerror or exc}); choose a "
            "shorter run_id or another output_dir."
        ) from None
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (partial / OWNER).write_text(json.dumps(record), encoding="utf-8")
    return partial


def release(partial: Path) -> None:
    """Remove the owner file before the partial folder becomes the run folder."""
    with contextlib.suppress(FileNotFoundError):
        (partial / OWNER).unlink()
