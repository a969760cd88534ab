"""The municipality list (SCB) and the check that every table's city is one."""

from __future__ import annotations

import shutil

import pytest

from capacity.dataset import load_dataset
from capacity.exceptions import DataError
from capacity.municipalities import FILE, check_cities, closest, municipalities
from capacity.synth.config import CITIES

# Municipalities per county, as SCB counts them (the division in force since 2007).
PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5,
    "12": 33, "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7,
    "23": 8, "24": 15, "25": 14,
}  # fmt: skip


def test_the_list_is_complete_with_four_digit_codes_and_names_its_source():
    m = municipalities()
    assert len(m) == 290 and m["code"].is_unique and m["name"].is_unique
    assert m["code"].str.fullmatch(r"[0-9]{4}").all()
    assert (m["code"].str[:2] == m["county_code"]).all()
    assert m.groupby("county_code").size().to_dict() == PER_COUNTY
    assert m.groupby("county_code")["county"].nunique().eq(1).all()
    known = dict(zip(m["name"], m["code"], strict=True))
    assert (known["Stockholm"], known["Göteborg"], known["Malmö"]) == ("0180", "1480", "1280")
    assert (known["Kiruna"], known["Gotland"], known["Upplands Väsby"]) == ("2584", "0980", "0114")
    header = FILE.read_text(encoding="utf-8").split("\ncode,", 1)[0]
    assert "SCB" in header and "2007-01-01" in header and "290" in header
    assert (FILE.parent / "municipalities.md").exists()


def test_every_synthetic_city_is_a_municipality():
    names = set(municipalities()["name"])
    assert {c[0] for c in CITIES} <= names


def test_did_you_mean():
    assert closest("Stokholm") == "Stockholm"
    assert closest("Goteborg") == "Göteborg"
    assert closest("Upplands Vasby") == "Upplands Väsby"
    assert closest("Gothenburgh") is None or closest("Gothenburgh") == "Göteborg"


def _copy_tiny(tiny_dir, tmp_path):
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_dir, folder)
    return folder


def test_a_misspelt_municipality_is_refused_with_a_suggestion(tmp_path, tiny_dir):
    folder = _copy_tiny(tiny_dir, tmp_path)
    path = folder / "sightings.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",Stockholm," in line)
    lines[row] = lines[row].replace(",Stockholm,", ",Stokholm,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    problems = caught.value.problems
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column, p.value) == ("sightings.csv", row + 1, "city", "Stokholm")
    assert "not a Swedish municipality" in p.rule and "Did you mean 'Stockholm'?" in p.fix


def test_outreach_city_without_staff_names_both_tables(tmp_path, tiny_dir):
    folder = _copy_tiny(tiny_dir, tmp_path)
    path = folder / "outreach.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",Stockholm,", ",Uppsala,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    p = next(p for p in caught.value.problems if p.column == "city")
    assert p.file == "outreach.csv" and p.value == "Uppsala"
    assert "staff.csv" in p.rule and "outreach.csv" in p.fix and "staff.csv" in p.fix


def test_check_cities_counts_the_rows_it_does_not_list():
    import pandas as pd

    t = pd.DataFrame({"city": ["Nowhere"] * 5}, index=range(2, 7))
    problems = check_cities(t, "x.csv", limit=2)
    assert [p.row for p in problems] == [2, 3, None]
    assert "3 more row(s)" in problems[-1].rule


@pytest.mark.parametrize("dtype", ["object", "string[pyarrow]", "str", "string[python]"])
def test_check_cities_finds_the_same_rows_in_every_text_column(dtype):
    """The quick Arrow check of a clean column never hides a row the full look finds."""
    import pandas as pd

    cities = ["Stockholm", None, "Göteborg", "Stokholm", "stockholm", " Stockholm", None]
    t = pd.DataFrame({"city": pd.Series(cities, dtype=dtype, index=range(2, 9))})
    rows = sorted((p.row, p.value) for p in check_cities(t, "x.csv"))
    assert rows == [(5, "Stokholm"), (6, "stockholm"), (7, " Stockholm")]
    clean = pd.DataFrame({"city": pd.Series(["Stockholm", None, "Göteborg"], dtype=dtype)})
    assert check_cities(clean, "x.csv") == []
