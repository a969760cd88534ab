"""The identifier guard under attack (issue 13): classes that used to slip through are found,
legitimate codes are not, and a refused value is masked in every message.

The located refusal of each class on a real dataset folder is in the malformed corpus
(tests/malformed, ``test_malformed.py``); these tests pin the rules and the masking.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from capacity.cli import main
from capacity.config import ROOT
from capacity.dataset import load_dataset
from capacity.exceptions import DataError
from capacity.privacy import find_identifiers
from capacity.privacy.detect import find_identifiers_in_meta, redact

SAMPLE = ROOT / "data" / "sample"

# (column, value, rule fragment): every class of issue 13, two or more examples each
ATTACKS = [
    ("person_id", "701234567", "phone"),
    ("person_id", "70-123 45 67", "phone"),
    ("person_id", "46701234567", "phone"),
    ("person_id", "46 8 123 456 78", "phone"),
    ("person_id", "4915112345678", "phone"),
    ("person_id", "40721234567", "phone"),
    ("person_id", "AnnaSvensson", "name"),
    ("person_id", "anna_svensson", "name"),
    ("staff_id", "Maria.Popescu", "name"),
    ("staff_id", "annasvensson", "name"),
    ("team", "karin_lindqvist", "name"),
    ("city", "Anna Svensson", "name"),
    ("city", "ElenaIonescu", "name"),
    ("person_id", "anna-at-gmail-dot-com", "e-mail"),
    ("person_id", "anna(at)gmail(dot)com", "e-mail"),
    ("staff_id", "anna [at] example [dot] se", "e-mail"),
    ("person_id", "anna snabel-a example punkt se", "e-mail"),
    ("source", "192.168.1.20", "IP address"),
    ("person_id", "10.0.0.1", "IP address"),
    ("person_id", "2001:db8::8a2e:370:7334", "IP address"),
    ("person_id", "fe80:0:0:0:202:b3ff:fe1e:8329", "IP address"),
]


@pytest.mark.parametrize(("column", "value", "rule"), ATTACKS)
def test_attack_value_is_found_and_never_echoed(column, value, rule):
    table = "staff.csv" if column == "staff_id" else "sightings.csv"
    df = pd.DataFrame({column: ["b0bc2a68adaac53c", value]})
    found = [p for p in find_identifiers(df, table) if p.row == 3]
    assert found and rule in found[0].rule, found
    assert value not in str(found[0])


@pytest.mark.parametrize("number", [701234567, 46701234567, 4915112345678])
def test_phone_numbers_in_numeric_cells_are_found(number):
    for df in (
        pd.DataFrame({"contacts": [3, number]}),
        pd.DataFrame({"staff_hours": [3.5, float(number)]}),
    ):
        (p,) = find_identifiers(df, "outreach.csv")
        assert p.row == 3 and "phone" in p.rule and str(number) not in str(p)


LEGITIMATE = {
    "person_id": ["jvJc6Wo-Lvpp", "VseTwmH_SIcL", "b0bc2a68adaac53c", "PNCx0WeUQO7CGl3nN6ayv9"],
    "city": ["Upplands Väsby", "Karlstad", "Kristinehamn", "Lilla Edet", "Malung-Sälen", "Dals-Ed"],
    "source": ["ads_a", "ads_b", "outreach", "police"],
    "team": ["sthlm_uppsok", "gbg_natt", "linkoping_outreach", "karlstad"],
    "language": ["sv", "en", "ro", "es"],
    "date": ["2024-01-15", "2024-01-15 00:00:00", "20240115", "2024-08-05 12:30:00"],
    "contacts": ["12", "100000", "1.5", "12345678"],
}


def test_legitimate_codes_dates_cities_and_pseudonyms_are_not_flagged():
    width = max(len(v) for v in LEGITIMATE.values())
    df = pd.DataFrame({k: v + [v[0]] * (width - len(v)) for k, v in LEGITIMATE.items()})
    assert find_identifiers(df, "sightings.csv") == []


def test_shipped_sample_and_tiny_dataset_pass_the_guard(tiny_dir):
    """No false positive on the project's own pseudonyms, codes and municipality names."""
    for folder in (SAMPLE, tiny_dir):
        ds = load_dataset(folder)
        assert find_identifiers_in_meta(ds.meta) == []
        for table in ("sightings", "outreach", "staff", "operations"):
            assert len(ds.table(table)) > 0


def test_meta_text_is_scanned_everywhere():
    meta = {
        "title": "Stockholm 2024 (kontakt: Anna Svensson)",
        "description": "Frågor till 0701234567 eller maria(at)example(dot)se.",
        "contributors": [{"name": "x", "role": "Elena Ionescu"}],
        "resources": [{"name": "sightings", "path": "sightings.csv"}],
    }
    found = {p.column: p for p in find_identifiers_in_meta(meta)}
    assert set(found) == {"title", "description", "contributors[0].role"}
    shown = " ".join(str(p) for p in found.values())
    for raw in ("Anna Svensson", "0701234567", "maria(at)", "Elena Ionescu"):
        assert raw not in shown


def test_redact_masks_identifiers_inside_any_text():
    text = (
        "row 3 (value: '070-123 45 67'), 'AnnaSvensson', 811218-9876, anna-at-x-dot-com, "
        "10.1.2.3, Karlstad, Upplands Väsby, 2024-01-15, ads_a"
    )
    out = redact(text)
    for raw in ("123 45 67", "AnnaSvensson", "811218-9876", "anna-at-x", "10.1.2.3"):
        assert raw not in out
    for kept in ("Karlstad", "Upplands Väsby", "2024-01-15", "ads_a", "row 3"):
        assert kept in out


def _with(folder: Path, table: str, row: int, column: str, value: str) -> Path:
    df = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    df.to_csv(folder / f"{table}.csv", index=False)
    return folder


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("sightings", "person_id", "070-123 45 67"),  # also breaks the pseudonym pattern
        ("sightings", "person_id", "anna.svensson@example.se"),
        ("staff", "staff_id", "Anna Svensson"),
        ("sightings", "source", "192.168.1.20"),  # also breaks the lower-case code rule
        ("sightings", "date", "0701234567"),  # also not a date
    ],
)
def test_refused_value_is_masked_in_every_message(tmp_path, capsys, table, column, value, tiny_dir):
    """The contract's own rule on the same cell used to repeat the identifier raw."""
    folder = _with(shutil.copytree(tiny_dir, tmp_path / "d"), table, 4, column, value)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert any(p.row == 4 and p.column == column for p in info.value.problems)
    assert value not in str(info.value)
    assert all(value not in str(p) for p in info.value.problems)
    assert main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    assert value not in captured.err + captured.out


def test_identifier_in_a_duplicate_key_is_masked(tmp_path, tiny_dir):
    folder = shutil.copytree(tiny_dir, tmp_path / "d")
    df = pd.read_csv(folder / "sightings.csv", dtype=str, keep_default_na=False)
    df.loc[[0, 1], "person_id"] = "46701234567"
    df.loc[1] = df.loc[0]
    df.to_csv(folder / "sightings.csv", index=False)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert "duplicate row" in str(info.value)
    assert "46701234567" not in str(info.value)


def test_contact_in_datapackage_title_is_refused_and_masked(tmp_path, tiny_dir):
    folder = shutil.copytree(tiny_dir, tmp_path / "d")
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    meta["title"] = "Tiny (kontakt Anna Svensson, 070-123 45 67)"
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    (p,) = info.value.problems
    assert p.file == "datapackage.json" and p.column == "title"
    assert "Anna Svensson" not in str(info.value) and "123 45 67" not in str(info.value)
