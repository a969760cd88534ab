"""Write a :class:`~capacity.synth.Synthetic` as a dataset folder with ``truth/`` beside it."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from capacity.exceptions import CapacityError

TABLE_FILES = ("sightings.csv", "outreach.csv", "staff.csv", "operations.csv")
TRUTH_FILES = ("stays.csv", "population.csv", "truth.json")
OWN_NAMES = {*TABLE_FILES, "datapackage.json", "README.md", "truth"}


def csv_ready(frame: pd.DataFrame, month_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Columns as the data contract reads them: ISO dates, ``YYYY-MM`` months, true/false.

    Dates are formatted by :func:`numpy.datetime_as_string` (vectorised, fast on millions
    of rows).
    """
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            unit = "M" if name in month_columns else "D"
            values = col.to_numpy().astype(f"datetime64[{unit}]")
            text = np.datetime_as_string(values)
            out[name] = np.where(col.isna().to_numpy(), "", text)
        elif pd.api.types.is_bool_dtype(col):
            out[name] = np.where(col.to_numpy(), "true", "false")
        else:
            out[name] = col
    return pd.DataFrame(out)


def to_csv_text(frame: pd.DataFrame, month_columns: tuple[str, ...] = ()) -> str:
    r"""CSV text of :func:`csv_ready` (UTF-8, ``\n`` line ends, no index)."""
    return csv_ready(frame, month_columns).to_csv(index=False, lineterminator="\n")


README = """# SYNTHETIC DATA — simulated by `capacity.synth`, not real persons

{title}

This folder is a dataset in the project's folder convention (`datapackage.json` plus the
four tables of the data contract, `src/capacity/data/dictionary.csv`). Every row was
simulated from a model world whose truth is written beside it in `truth/`:

| file | content |
|---|---|
| `sightings.csv` | {sightings} sightings of pseudonymous persons by ad sites `ads_a`, `ads_b`, outreach and police |
| `outreach.csv` | {outreach} outreach shifts (online, street, venue, operation) |
| `staff.csv` | {staff} staff-months of the outreach teams |
| `operations.csv` | {operations} joint police operations |
| `truth/stays.csv` | {stays} true stays (one row per stay, seen or not) |
| `truth/population.csv` | per city and quarter: persons present, arrivals, persons seen, true reach |
| `truth/truth.json` | every generator parameter, the true stay distribution per year, hazard ratio, η |

Regenerate with `capacity synth <folder> --seed {seed}{flags}` (the same seed gives the same
files). The world, every parameter and whether it is calibrated or assumed:
`docs/synthetic-data.md`.
"""


def _writers(syn) -> dict[str, object]:
    """File name → the frame (with month columns) or text to write there."""
    t = syn.tables
    gen = syn.meta["generator"]
    flags = " --sample" if gen["sample"] else ""
    flags += "" if gen["scale"] == 1 else f" --scale {gen['scale']:g}"
    readme = README.format(
        title=syn.meta["title"],
        seed=gen["seed"],
        flags=flags,
        stays=len(syn.truth["stays"]),
        **{k: len(v) for k, v in t.items()},
    )
    return {
        "sightings.csv": (t["sightings"], ()),
        "outreach.csv": (t["outreach"], ()),
        "staff.csv": (t["staff"], ("month",)),
        "operations.csv": (t["operations"], ()),
        "truth/stays.csv": (syn.truth["stays"], ()),
        "truth/population.csv": (syn.truth["population"], ()),
        "truth/truth.json": json.dumps(syn.truth["truth"], indent=2, ensure_ascii=False) + "\n",
        "datapackage.json": json.dumps(syn.meta, indent=2, ensure_ascii=False) + "\n",
        "README.md": readme,
    }


def write_folder(syn, out: Path) -> list[Path]:
    """Write every file into a temporary folder beside ``out``, then swap it into place."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CapacityError(f"{out} is a file; give a folder for the synthetic dataset.")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in OWN_NAMES)
        if foreign:
            raise CapacityError(
                f"{out} holds files the generator did not write ({', '.join(foreign[:5])}); "
                "give a new or empty folder, or move those files away."
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        (tmp / "truth").mkdir()
        for name, content in _writers(syn).items():
            with open(tmp / name, "w", encoding="utf-8", newline="") as f:
                if isinstance(content, str):
                    f.write(content)
                else:
                    frame, months = content
                    csv_ready(frame, months).to_csv(f, index=False, lineterminator="\n")
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(p for p in out.rglob("*") if p.is_file())
