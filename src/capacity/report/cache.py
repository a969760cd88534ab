"""Fitted models cached on disk, so notebooks and sweep scenarios do not refit.

:func:`capacity.question4.fit_models` does all the expensive work (stays, population,
productivity, forecast, bootstrap draws); it depends only on the data and on the
parameters that are not scenario or presentation parameters. The cache key is therefore
the SHA-256 of the input files plus those parameters; a scenario that only changes, say,
``extra_fte`` reuses the fit.

Pickles are written atomically (temporary file, then rename), so parallel sweep workers
never read half a file. They are a cache only: delete ``<output_dir>/.cache`` at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

from capacity.config import Params
from capacity.io import atomic_write
from capacity.question4.options import COST_PARAMS
from capacity.question4.scenario import SCENARIO_PARAMS

#: Parameters that change how results are shown, never what is estimated.
PRESENTATION_PARAMS = frozenset({"language", "suppression_threshold", "output_dir", "run_id"})
#: Cache format; bump when FittedModels changes shape.
VERSION = 1


def code_version() -> str:
    """SHA-256 of the model code (``capacity/question4/`` and ``capacity/models/``, recursively).

    Part of the cache key, so that a fit made by older model code is never reused.
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    paths = [*(package / "question4").rglob("*.py"), *(package / "models").rglob("*.py")]
    for path in sorted(paths):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(params: Params, files: dict[str, dict[str, Any]]) -> str:
    """SHA-256 over the input files' hashes, the fitting parameters and the model code."""
    fitting = {
        k: v
        for k, v in params.to_dict().items()
        if k not in SCENARIO_PARAMS | PRESENTATION_PARAMS | COST_PARAMS | {"data_dir"}
    }
    hashes = {name: info["sha256"] for name, info in sorted(files.items())}
    payload = json.dumps(
        {"v": VERSION, "code": code_version(), "params": fitting, "files": hashes}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def cache_dir(params: Params) -> Path:
    """``$CAPACITY_CACHE`` if set, else ``<output_dir>/.cache/fitted``."""
    env = os.environ.get("CAPACITY_CACHE")
    return Path(env) if env else params.output_path / ".cache" / "fitted"


def fitted_models(data, params: Params, *, use_cache: bool = True):
    """``capacity.question4.fit_models(data, params)``, from the disk cache when possible.

    Parameters
    ----------
    data : capacity.io.Dataset
        The loaded dataset; its ``files`` (with SHA-256) key the cache.
    params : Params
        Run parameters; scenario and presentation parameters do not enter the key.
    """
    from capacity.question4 import fit_models

    if not use_cache:
        return fit_models(data, params)
    folder = cache_dir(params)
    path = folder / f"{cache_key(params, data.files)}.pkl"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass  # a miss; no exists() check first, which raced with parallel sweep workers
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # stale or from older code: refit; os.replace below swaps it atomically
    fitted = fit_models(data, params)
    with atomic_write(path) as fh:
        pickle.dump(fitted, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return fitted
