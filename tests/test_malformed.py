"""Every file of the malformed corpus gives a located DataError, never a traceback.

Each case of ``tests/malformed/manifest.csv`` swaps one file of the tiny dataset for a broken
one and names the file, row, column and a fragment of the rule the problem must carry.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from shared import CORPUS, HERE, MANIFEST
from shared import swap_in_case as _swap

from capacity.cli import main
from capacity.dataset import load_dataset
from capacity.exceptions import DataError


def test_corpus_is_large_and_complete():
    assert len(MANIFEST) >= 30
    assert MANIFEST["case"].is_unique
    assert {p.name for p in CORPUS.iterdir()} >= set(MANIFEST["source"])


@pytest.mark.parametrize("case", [r for _, r in MANIFEST.iterrows()], ids=list(MANIFEST["case"]))
def test_malformed_file_is_located(case, tmp_path, tiny_dir):
    folder = _swap(tiny_dir, case, tmp_path / "d")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    row = int(case["row"]) if case["row"] else None
    column = case["column"] or None
    hits = [
        p
        for p in info.value.problems
        if p.file == case["file"] and p.row == row and p.column == column and case["rule"] in p.rule
    ]
    assert hits, f"expected {case.to_dict()}, got:\n{info.value}"
    assert all(p.fix for p in info.value.problems)


def _case(name: str) -> pd.Series:
    return MANIFEST[MANIFEST["case"] == name].iloc[0]


def test_every_problem_is_listed_not_only_the_first(tmp_path, tiny_dir):
    folder = _swap(tiny_dir, _case("unknown_channel"), tmp_path / "d")
    bad = CORPUS / "fte_above_one.staff.csv"
    shutil.copy(bad, folder / "staff.csv")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    files = {p.file for p in info.value.problems}
    assert files == {"outreach.csv", "staff.csv"}


def test_cli_reports_the_located_problem(tmp_path, capsys, tiny_dir):
    folder = _swap(tiny_dir, _case("new_persons_above_contacts"), tmp_path / "d")
    assert main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    assert (
        "outreach.csv, row 6, column 'new_persons': new_persons must be ≤ contacts" in captured.err
    )
    assert "Traceback" not in captured.err and "OK" not in captured.out


def test_documented_messages_are_what_validate_prints(tmp_path, capsys, tiny_dir):
    folder = tmp_path / "d"
    shutil.copytree(tiny_dir, folder)
    for case in ("misspelled_column", "fte_above_one", "day_first_date", "end_before_start"):
        row = _case(case)
        shutil.copy(CORPUS / row["source"], folder / row["file"])
    assert main(["validate", str(folder)]) == 2
    printed = capsys.readouterr().err.strip().splitlines()
    doc = (HERE.parent / "docs" / "data-contract.md").read_text(encoding="utf-8")
    block = doc.split("$ capacity validate data/raw/stockholm-2025\n", 1)[1].split("```", 1)[0]
    assert block.strip().splitlines() == printed
