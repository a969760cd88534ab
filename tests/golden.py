"""Golden values: the committee report's key figures on the shipped sample.

``tests/golden/committee_key_figures.json`` holds the verdict, the probability behind it
and every key figure (estimate, SE, interval) of question 4 as the default committee report
computes them (``params/stockholm.yaml`` on ``data/sample``). ``tests/test_golden.py``
recomputes them and compares within :data:`TOLERANCE`, so a change that moves a headline
number fails there and, once regenerated with ``make golden`` (``python tests/golden.py
--write``), shows in review as a diff of the JSON file.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "committee_key_figures.json"
PARAMS_FILE = ROOT / "params" / "stockholm.yaml"
#: Relative tolerance of every number (the run is seeded: differences come from floating
#: point and library versions, not from chance); p_target, a share of draws, gets 0.01 abs.
TOLERANCE = {"rel": 1e-3, "abs": 1e-9, "p_target_abs": 0.01}


def compute() -> dict:
    """The key figures as the committee report computes them (no cache: fitted afresh)."""
    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate, fit_models

    params = Params.from_yaml(PARAMS_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = evaluate(fit_models(load_dataset(params.data_path), params), params)
    frame = result.key_figures
    return {
        "source": "params/stockholm.yaml on data/sample (make golden)",
        "verdict": result.verdict,
        "p_target": result.p_target,
        "key_figures": {
            name: {col: _plain(frame.at[name, col]) for col in frame.columns}
            for name in frame.index
        },
    }


def _plain(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def differences(expected: dict, actual: dict) -> list[str]:
    """Figures that moved beyond :data:`TOLERANCE`, one line each."""
    out = []
    if expected["verdict"] != actual["verdict"]:
        out.append(f"verdict: {expected['verdict']} -> {actual['verdict']}")
    if abs(expected["p_target"] - actual["p_target"]) > TOLERANCE["p_target_abs"]:
        out.append(f"p_target: {expected['p_target']:.4g} -> {actual['p_target']:.4g}")
    if set(expected["key_figures"]) != set(actual["key_figures"]):
        out.append(
            f"key figures: {sorted(expected['key_figures'])} -> {sorted(actual['key_figures'])}"
        )
    for name, cols in expected["key_figures"].items():
        for col, want in cols.items():
            got = actual["key_figures"].get(name, {}).get(col)
            if want is None or got is None:
                if (want is None) != (got is None):
                    out.append(f"{name}.{col}: {want} -> {got}")
            elif not math.isclose(want, got, rel_tol=TOLERANCE["rel"], abs_tol=TOLERANCE["abs"]):
                if not (math.isinf(want) and want == got):
                    out.append(f"{name}.{col}: {want:.6g} -> {got:.6g}")
    return out


def write(path: Path = GOLDEN) -> Path:
    """Recompute and write the golden file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(compute(), indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/golden.py --write")
    print(f"wrote {write()}")
