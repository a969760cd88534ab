"""The repository's hygiene: the checks of .pre-commit-config.yaml, run by ``make test``.

CI has only package registries, so pre-commit cannot fetch hook repositories there; every
hook is a local one that runs the project's own tools, and this test runs the same checks
(ruff runs in ``make lint``).
"""

from __future__ import annotations

import json

import pytest
import yaml
from repo_hygiene import (
    MAX_BYTES,
    ROOT,
    large_file_problems,
    notebook_problems,
    run,
    secret_problems,
)


def test_the_repository_passes_every_hygiene_check():
    assert run("all") == []


def test_pre_commit_runs_the_same_checks_as_make_test():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert all(repo["repo"] == "local" for repo in config["repos"])  # nothing to download
    assert {"ruff", "ruff-format", "notebook-outputs", "large-files", "secrets"} <= set(hooks)
    for hook_id, check in (
        ("notebook-outputs", "notebooks"),
        ("large-files", "large-files"),
        ("secrets", "secrets"),
    ):
        assert hooks[hook_id]["entry"].endswith(f"tests/repo_hygiene.py {check}")
    assert hooks["ruff"]["entry"].endswith("ruff check")
    assert hooks["ruff-format"]["entry"].endswith("ruff format --check")


def test_a_notebook_with_outputs_is_caught(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "1", "outputs": [], "execution_count": None}]}
    clean = tmp_path / "clean.ipynb"
    clean.write_text(json.dumps(nb))
    nb["cells"][0]["execution_count"] = 3
    nb["cells"][0]["outputs"] = [{"output_type": "execute_result", "data": {"text/plain": "1"}}]
    dirty = tmp_path / "dirty.ipynb"
    dirty.write_text(json.dumps(nb))
    assert notebook_problems([clean], tmp_path) == []
    (problem,) = notebook_problems([dirty], tmp_path)
    assert problem.startswith("dirty.ipynb, cell 1: has outputs")


def test_a_large_file_is_caught_outside_the_sample(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (MAX_BYTES + 1))
    (problem,) = large_file_problems([big], tmp_path)
    assert problem.startswith("big.csv: 1,000,001 bytes")
    sample = tmp_path / "data" / "sample" / "sightings.csv"
    sample.parent.mkdir(parents=True)
    sample.write_bytes(b"x" * (MAX_BYTES + 1))
    assert large_file_problems([sample], tmp_path) == []


@pytest.mark.parametrize(
    "line",
    [
        # written in pieces, so that this file does not trip the check itself
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "aws = 'AKIA" + "ABCDEFGHIJKLMNOP'",
        "token = 'ghp_" + "a" * 36 + "'",
        "PASS" + 'WORD = "hunter2hunter2"',
        "api" + "_key: 'abcdefgh12345678'",
    ],
)
def test_secrets_are_caught(tmp_path, line):
    f = tmp_path / "settings.py"
    f.write_text(f"x = 1\n{line}\n")
    (problem,) = secret_problems([f], tmp_path)
    assert problem.startswith("settings.py, line 2: looks like")


def test_ordinary_code_is_not_a_secret(tmp_path):
    f = tmp_path / "ok.py"
    f.write_text('password = os.environ["PW"]\nkey_file = "keys/pseudonym.key"\ntoken = None\n')
    assert secret_problems([f], tmp_path) == []
