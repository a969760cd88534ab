"""provenance.json: what a report was made from, with what, and when.

A reader (or an auditor a year later) can check from it that a report came from given
input files (SHA-256 of each), parameters and code (git commit and package versions).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from capacity.config import ROOT, Params
from capacity.io import sha256_file

#: Packages whose versions are recorded (those that change numbers or rendering).
PACKAGES = (
    "capacity",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "pandera",
    "papermill",
    "nbconvert",
    "nbformat",
    "weasyprint",
    "openpyxl",
    "pyarrow",
)


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed version of each package ("not installed" when missing)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def dataset_title(meta: dict, lang: str) -> str:
    """The dataset's title for a report in ``lang``.

    Its ``datapackage.json`` title; for data made by :mod:`capacity.synth`, that title in
    the report's language from the numbers the generator recorded (cities, years; the
    shipped sample says so); for other synthetic data, "synthetic data" in that language
    (their own title may be in another).
    """
    from capacity.i18n import t

    gen = meta.get("generator") or {}
    period = meta.get("period") or {}
    if not meta.get("synthetic"):
        return str(meta.get("title", ""))
    if not (gen.get("n_cities") and period.get("start")):
        return t("synthetic_title_plain", lang)
    key = "synthetic_title_sample" if gen.get("sample") else "synthetic_title"
    start, end = str(period["start"])[:4], str(period.get("end", period["start"]))[:4]
    return t(key, lang, n=int(gen["n_cities"]), start=start, end=end)


def git_commit(root: Path = ROOT) -> str:
    """``git rev-parse HEAD`` of the project, with ``+dirty`` when files differ; else "unknown"."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return "unknown"
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        dirty = "+dirty" if status.returncode == 0 and status.stdout.strip() else ""
        return head.stdout.strip() + dirty
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def input_files(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Every table file and ``datapackage.json`` of a dataset folder with its SHA-256.

    Used for the cache key and as a fallback when no :class:`~capacity.io.Dataset` is at
    hand; the notebooks record ``Dataset.files`` (which adds row counts) instead.
    """
    from capacity.dataset import table_files

    folder = Path(folder)
    out: dict[str, dict[str, Any]] = {
        table: {"path": str(p), "sha256": sha256_file(p)}
        for table, p in table_files(folder).items()
    }
    meta = folder / "datapackage.json"
    if meta.exists():
        out["datapackage"] = {"path": str(meta), "sha256": sha256_file(meta)}
    return out


def build(
    *,
    params: Params,
    run_id: str,
    notebook: str,
    started: dt.datetime,
    finished: dt.datetime,
    files: dict[str, dict[str, Any]],
    outputs: dict[str, str],
    warnings: list[str] | None = None,
    suppressed: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The provenance record of one run (JSON-ready)."""
    return {
        "run_id": run_id,
        "notebook": notebook,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round((finished - started).total_seconds(), 2),
        "parameters": params.to_dict(),
        "input_files": files,
        "outputs": outputs,
        "packages": package_versions(),
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "rendering_warnings": warnings or [],
        "suppressed_cells": suppressed or [],
    }


def write(record: dict[str, Any], path: str | Path) -> Path:
    """Write the record as indented UTF-8 JSON."""
    path = Path(path)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return path
