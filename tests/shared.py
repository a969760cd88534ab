"""Helpers that several test modules use (importable as ``shared``: pytest puts tests/ on the path)."""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.models.stays.table import StayTable

HERE = Path(__file__).parent
CORPUS = HERE / "malformed"
MANIFEST = pd.read_csv(CORPUS / "manifest.csv", dtype=str, keep_default_na=False)


def swap_in_case(tiny_dir, case: pd.Series, folder: Path) -> Path:
    """The tiny dataset in ``folder`` with the malformed case's file in place of the table's."""
    shutil.copytree(tiny_dir, folder)
    if case["table"] == "datapackage":
        shutil.copy(CORPUS / case["source"], folder / "datapackage.json")
        return folder
    (folder / f"{case['table']}.csv").unlink()
    shutil.copy(CORPUS / case["source"], folder / case["file"])
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in meta["resources"]:
        if resource["name"] == case["table"]:
            resource["path"] = case["file"]
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def tiny_with_private_cache(tmp_path, monkeypatch):
    """Parameters and data of the tiny dataset, with the fit cache and its key in ``tmp_path``."""
    from capacity.dataset import load_dataset

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAPACITY_CACHE_KEY", str(tmp_path / "secret" / "cache.key"))
    params = Params.from_mapping(
        {
            "data_dir": "tests/data/tiny",
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "n_boot": 5,
            "output_dir": str(tmp_path / "reports"),
        }
    )
    return params, load_dataset(params.data_path)


def tiny_sweep_params(tiny_dir, output_dir, n_boot: int, **more) -> Params:
    """Parameters of a sweep (or report) on the tiny dataset, January–April 2024, written to
    ``output_dir``; ``more`` adds or overrides (e.g. ``language="en"``)."""
    values = {
        "data_dir": str(tiny_dir),
        "period_start": "2024-01-01",
        "period_end": "2024-04-30",
        "n_boot": n_boot,
        "output_dir": str(output_dir),
    }
    return Params.from_mapping(values | more)


def two_city_world(folder: Path, *, scale: float, n_boot: int) -> tuple:
    """A synthetic world of two cities (seed 4) written to ``folder``: its loaded dataset and
    the parameters of Stockholm's chain over 2021–2025 (``gap_days`` 28, ``n_boot``)."""
    from capacity.dataset import load_dataset
    from capacity.synth import write_synthetic

    write_synthetic(folder, seed=4, scale=scale, n_cities=2)
    params = Params(
        data_dir=str(folder), city="Stockholm", n_boot=n_boot, gap_days=28,
        period_start="2021-01-01", period_end="2025-12-31",
    )  # fmt: skip
    return load_dataset(folder), params


def random_stay_table(
    d: int, seed: int, *, points: int, last_day: float, tail: float, tail_mean: float
) -> StayTable:
    """``d`` random stay distributions: ``points`` atoms on 1 … ``last_day`` days holding
    ``1 - tail`` of the mass, and an exponential tail of mean ``tail_mean`` after the last."""
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(1.0, last_day, (d, points)), axis=1)
    masses = rng.dirichlet(np.ones(points), d) * (1 - tail)
    return StayTable(
        times=times,
        masses=masses,
        s_max=np.full(d, tail),
        t_max=times[:, -1],
        tail_rate=np.full(d, 1 / tail_mean),
        mean=(times * masses).sum(axis=1) + tail * (times[:, -1] + tail_mean),
    )


def sightings_from_days(s: pd.DataFrame) -> pd.DataFrame:
    """Sightings in Stockholm from simulated rows ``pid`` (int), ``day`` (days since
    2022-01-01) and ``source``."""
    return pd.DataFrame(
        {
            "person_id": pd.array(np.char.add("p", s["pid"].to_numpy().astype(str)), "string"),
            "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(s["day"].to_numpy(), "D"),
            "city": "Stockholm",
            "source": s["source"].to_numpy(),
        }
    )


def fit_once(data, params: Params):
    """``fit_models(data, params)``, made once per test session for the same data and parameters.

    Truth-recovery tests of different modules that fit the same synthetic world with the same
    parameters (test_levels and test_mobility) read one fit: the fit cache of
    :mod:`capacity.report.cache` in the session's folder (``$CAPACITY_TEST_FITS``, made by
    conftest), keyed by the files' hashes, the fitting parameters and the model code, so an
    entry is exactly the fit the test would make. Another worker making the same fit holds
    its lock: this one waits and reads it.
    """
    from capacity.report.cache import fitted_models

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitted_models(data, params.replace(output_dir=os.environ["CAPACITY_TEST_FITS"]))
