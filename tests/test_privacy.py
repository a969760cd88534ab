"""Tests of the privacy guard: identifier detection, pseudonyms, small-cell suppression."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import shutil
import stat
from pathlib import Path

import hypothesis.extra.pandas as hpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.cli import main
from capacity.exceptions import ParameterError, PrivacyError
from capacity.privacy import (
    KEY_BYTES,
    find_identifiers,
    generate_key_file,
    pseudonymise_file,
    pseudonymise_values,
    suppress,
    suppress_complementary,
)

# Valid test numbers (Luhn digit correct): Skatteverket's example and the classic 1212 one.
PNR_VALID = {  # value -> masked; the last is a coordination number (day + 60)
    "811218-9876": "811218-****",
    "19121212-1212": "19121212-****",
    "198112189876": "19811218-****",
    "811278-9873": "811278-****",
}


def _rules(df: pd.DataFrame, file: str = "sightings.csv") -> list[tuple[int | None, str]]:
    return [(p.row, p.rule) for p in find_identifiers(df, file)]


# --- detection -----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "masked"), PNR_VALID.items())
def test_valid_personnummer_is_flagged_with_row_and_mask(value, masked):
    df = pd.DataFrame({"x": ["a", value]})
    (p,) = find_identifiers(df, "outreach.csv")
    assert p.row == 3 and p.column == "x" and p.file == "outreach.csv"
    assert "personal identity" in p.rule
    assert p.value == masked
    assert value not in str(p)


def test_personnummer_with_wrong_check_digit_or_impossible_date_is_not_flagged():
    df = pd.DataFrame({"x": ["811218-9875", "811318-9876", "19121212-1213"]})
    assert find_identifiers(df, "outreach.csv") == []


def test_personnummer_stored_as_integer_is_flagged():
    df = pd.DataFrame({"x": np.array([198112189876, 3, 40], dtype="int64")})
    assert [r for r, _ in _rules(df, "outreach.csv")] == [2]


@pytest.mark.parametrize(
    "value",
    ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567", "+1 650 555 0123",
     "08-123 456 78", "031-123 45 67", "0171-123 45", "08-1234567", "+46 (0)70-123 45 67",
     "ring 070-123 45 67 efter 18"],
)  # fmt: skip
def test_phone_numbers_are_flagged_and_masked(value):
    p = find_identifiers(pd.DataFrame({"x": [value]}), "sightings.csv")
    assert [q.rule for q in p] == ["looks like a phone number"]
    assert value not in str(p[0]) and "*" in p[0].value


def test_email_is_flagged_and_masked():
    (p,) = find_identifiers(pd.DataFrame({"x": ["anna.svensson@example.se"]}), "f.csv")
    assert "e-mail" in p.rule and "svensson" not in str(p) and p.value == "a***@***.se"


def test_person_name_flagged_in_code_column_only():
    df = pd.DataFrame({"person_id": ["Anna Svensson"], "city": ["Upplands Väsby"]})
    problems = find_identifiers(df, "sightings.csv")
    assert [(p.column, p.value) for p in problems] == [("person_id", "A*** S***")]
    assert "Svensson" not in str(problems[0])


def test_free_text_is_flagged_without_echoing_it():
    text = "Träffade henne vid hotellet, hon kom från Rumänien igår"
    (p,) = find_identifiers(pd.DataFrame({"x": ["ok", text]}), "outreach.csv")
    assert p.row == 3 and "free text" in p.rule and "hotellet" not in str(p)


@pytest.mark.parametrize(
    "column",
    ["namn", "Name", "Förnamn", "efternamn", "personnummer", "PNR", "ssn", "Telefon", "phone",
     "mobil", "E-post", "e_mail", "email", "adress", "Home Address", "comment", "Kommentar",
     "fritext", "notes", "anteckning", "firstName", "phone number"],
)  # fmt: skip
def test_identifier_like_column_names_are_refused(column):
    (p,) = find_identifiers(pd.DataFrame({column: ["a"]}), "staff.csv")
    assert p.row is None and p.column == column and "column name" in p.rule


@pytest.mark.parametrize("column", ["person_id", "staff_id", "team", "city", "phone_pseudonym"])
def test_contract_and_pseudonym_column_names_pass(column):
    assert find_identifiers(pd.DataFrame({column: ["abc"]}), "staff.csv") == []


def test_true_negatives_dates_language_codes_pseudonyms_counts():
    df = pd.DataFrame(
        {
            "person_id": ["31abe27aaafcfdb9", "2w7fZczzYM2vmbJEzoDBjQ", "0016507747079948"],
            "date": ["2024-01-15", "2024-12-31", "20240115"],
            "languages": ["sv;en;ro", "sv", "en;es"],
            "operation_id": ["op-2024-sthlm-01", "op-2024-gbg-01", "x"],
            "staff_hours": ["8,5", "12.0", "0.25"],
            "count": [0, 132, 100000],
        }
    )
    assert find_identifiers(df, "sightings.csv") == []


@pytest.mark.parametrize(
    "value",
    ["2024-01-15", "15/01/2024", "01-02-2024", "08-03-2024", "31.12.2024", "2024/01/15",
     "2024-01-15T08:30:00", "2024-01-15 00:00:00", "01/02/2024 12:30", "20240115T083000",
     "19850101", "850101", "00:15:30", "0,25", "1 234 567", "100 000", "12345678901234567890",
     "op-2024-sthlm-01", "sv;en;ro", "ads_a"],
)  # fmt: skip
def test_dates_times_and_numbers_are_not_identifiers(value):
    assert find_identifiers(pd.DataFrame({"x": [value]}), "outreach.csv") == []


def test_shipped_tiny_dataset_is_clean(tiny_dir):
    for table in ("sightings", "outreach", "staff", "operations"):
        df = pd.read_csv(tiny_dir / f"{table}.csv", dtype=str)
        assert find_identifiers(df, f"{table}.csv") == [], table


def test_rows_beyond_limit_are_counted_in_one_problem():
    df = pd.DataFrame({"x": ["0701234567"] * 30 + ["a"]})
    problems = find_identifiers(df, "f.csv", limit=5)
    assert [p.row for p in problems] == [2, 3, 4, 5, 6, None]
    assert "25 more row(s)" in problems[-1].rule


def _luhn_digit(nine: str) -> str:
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(nine))
    return str(-total % 10)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    serial=st.integers(0, 999),
    form=st.sampled_from(["short", "long", "plain", "coordination"]),
)
def test_every_valid_personnummer_is_flagged(day, serial, form):
    yymmdd = day.strftime("%y%m%d")
    if form == "coordination":
        yymmdd = yymmdd[:4] + f"{day.day + 60:02d}"
    nine = yymmdd + f"{serial:03d}"
    tail = nine[6:] + _luhn_digit(nine)
    value = {
        "short": f"{yymmdd}-{tail}",
        "coordination": f"{yymmdd}-{tail}",
        "long": f"{day:%Y}{yymmdd[2:]}-{tail}",
        "plain": f"{day:%Y}{yymmdd[2:]}{tail}",
    }[form]
    (p,) = find_identifiers(pd.DataFrame({"x": [value]}), "outreach.csv")
    assert "personal identity" in p.rule
    assert p.value == value[: -len(tail)].rstrip("-") + "-****"  # the last four never shown


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    days=st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=20),
    keys=st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=20),
)
def test_dates_and_pseudonyms_are_never_flagged(days, keys):
    ids = pseudonymise_values(pd.Series([k.hex() for k in keys]), b"k" * KEY_BYTES)
    hexes = pd.Series([hashlib.sha256(k).hexdigest()[:16] for k in keys])
    df = pd.DataFrame(
        {
            "date": pd.Series([d.isoformat() for d in days]).reindex(range(len(keys))),
            "month": pd.Series([f"{d:%Y-%m}" for d in days]).reindex(range(len(keys))),
            "person_id": ids.to_numpy(),
            "staff_id": hexes.to_numpy(),
        }
    )
    assert find_identifiers(df.fillna(""), "sightings.csv") == []


def test_load_dataset_refuses_a_phone_number_as_person_id(tmp_path, tiny_dir):
    from capacity.dataset import load_dataset
    from capacity.exceptions import DataError

    folder = tmp_path / "tiny"
    shutil.copytree(tiny_dir, folder)
    lines = (folder / "sightings.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = "0701234567" + lines[3][lines[3].index(",") :]  # spreadsheet row 4
    (folder / "sightings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    found = [p for p in err.value.problems if "phone" in p.rule]
    assert [(p.file, p.row, p.column, p.value) for p in found] == [
        ("sightings.csv", 4, "person_id", "070*******")
    ]
    assert "0701234567" not in str(err.value)


# --- keys and pseudonyms -------------------------------------------------------------------
@pytest.fixture
def key(tmp_path) -> Path:
    return generate_key_file(tmp_path / "a.key")


@pytest.fixture
def table(tmp_path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(
        "phone;date;city;kommentar;lang\n"
        "070-123 45 67;2024-01-15;Stockholm;Hon sa att hon vill ha hjälp med boende;ro\n"
        "+46 70 123 45 67;2024-01-16;Stockholm;;en\n"
        "0046701234567;2024-01-17;Göteborg;;\n"
        "08-123 456 78;2024-01-18;Malmö;;es\n",
        encoding="utf-8",
    )
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_key_file_is_private_random_and_never_overwritten(tmp_path, key):
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == KEY_BYTES
    assert key.read_text() != generate_key_file(tmp_path / "b.key").read_text()
    before = key.read_text()
    with pytest.raises(PrivacyError, match="never overwritten"):
        generate_key_file(key)
    assert key.read_text() == before


def test_pseudonymise_file_end_to_end(tmp_path, table, key):
    before = _sha(table)
    out = tmp_path / "out.csv"
    summary = pseudonymise_file(table, out, columns=["phone"], key_file=key)
    assert _sha(table) == before
    result = pd.read_csv(out, dtype=str)
    assert list(result.columns) == ["phone_pseudonym", "date", "city", "lang"]  # free text gone
    ids = result["phone_pseudonym"]
    assert ids.str.fullmatch(r"[A-Za-z0-9_-]{16,64}").all()
    assert ids[0] == ids[1] == ids[2] != ids[3]  # one person, three spellings
    data = out.read_bytes()
    for raw in (b"123 45 67", b"701234567", b"12345678", b"boende"):
        assert raw not in data
    secret = key.read_text().strip()
    assert secret.encode() not in data and bytes.fromhex(secret) not in data
    assert secret not in summary and "070" not in summary and "phone" in summary
    assert find_identifiers(result, "out.csv") == []


def test_same_key_same_pseudonym_across_files_different_keys_differ(tmp_path, table, key):
    other = tmp_path / "other.csv"
    other.write_text("mobil,city\n0701234567,Uppsala\n", encoding="utf-8")
    pseudonymise_file(table, tmp_path / "o1.csv", ["phone"], key)
    pseudonymise_file(other, tmp_path / "o2.csv", ["mobil"], key, rename={"mobil": "person_id"})
    k2 = generate_key_file(tmp_path / "k2.key")
    pseudonymise_file(other, tmp_path / "o3.csv", ["mobil"], k2, rename={"mobil": "person_id"})
    a = pd.read_csv(tmp_path / "o1.csv", dtype=str)["phone_pseudonym"][0]
    b = pd.read_csv(tmp_path / "o2.csv", dtype=str)["person_id"][0]
    c = pd.read_csv(tmp_path / "o3.csv", dtype=str)["person_id"][0]
    assert a == b != c


def test_pseudonymise_values_deterministic_and_keyed():
    values = pd.Series(["a@b.se", " A@B.se ", None, "x"])
    k1, k2 = b"1" * KEY_BYTES, b"2" * KEY_BYTES
    p1, again, p2 = (pseudonymise_values(values, k) for k in (k1, k1, k2))
    assert p1.equals(again) and p1[0] == p1[1] and pd.isna(p1[2])
    assert not (p1.dropna() == p2.dropna()).any()


def test_pseudonym_equals_an_independent_hmac_of_the_normalised_value():
    key = bytes(range(KEY_BYTES))
    values = pd.Series(
        ["08-123 456 78", "Anna.S@Example.SE ", "19121212-1212", "+46 (0)70-123 45 67",
         "+46 070 123 45 67", "+44 (0)20 7946 0958", "Åsa  Öberg"]
    )  # fmt: skip
    normalised = [
        "+46812345678", "anna.s@example.se", "191212121212", "+46701234567", "+46701234567",
        "+442079460958", "åsa öberg",
    ]  # fmt: skip
    expected = [
        base64.urlsafe_b64encode(hmac.new(key, v.encode(), hashlib.sha256).digest())[:22].decode()
        for v in normalised
    ]
    assert pseudonymise_values(values, key).tolist() == expected


@pytest.mark.parametrize("content", ["", "abc", "00" * 31, "short key text"])
def test_missing_empty_or_short_key_is_refused(tmp_path, table, content):
    out = tmp_path / "out.csv"
    weak = tmp_path / "weak.key"
    weak.write_text(content)
    with pytest.raises(PrivacyError, match="capacity keygen"):
        pseudonymise_file(table, out, ["phone"], weak)
    with pytest.raises(PrivacyError, match="key file"):
        pseudonymise_file(table, out, ["phone"], None)
    with pytest.raises(PrivacyError, match="cannot read"):
        pseudonymise_file(table, out, ["phone"], tmp_path / "nowhere.key")
    assert not out.exists()


def test_refuses_to_overwrite_input_and_unknown_columns(tmp_path, table, key):
    before = _sha(table)
    with pytest.raises(PrivacyError, match="refusing to overwrite"):
        pseudonymise_file(table, table, ["phone"], key)
    with pytest.raises(ParameterError, match="no column"):
        pseudonymise_file(table, tmp_path / "o.csv", ["telefon"], key)
    assert _sha(table) == before


def test_refuses_when_identifiers_would_remain(tmp_path, key):
    src = tmp_path / "in.csv"
    src.write_text("phone,email\n0701234567,anna@example.se\n", encoding="utf-8")
    with pytest.raises(PrivacyError, match="nothing was written") as err:
        pseudonymise_file(src, tmp_path / "o.csv", ["phone"], key)
    assert "anna@example.se" not in str(err.value)
    assert not (tmp_path / "o.csv").exists()
    pseudonymise_file(src, tmp_path / "o.csv", ["phone"], key, drop=["email"])
    assert list(pd.read_csv(tmp_path / "o.csv").columns) == ["phone_pseudonym"]


def test_cli_pseudonymise(tmp_path, table, key, capsys):
    out = tmp_path / "cli.csv"
    assert (
        main(["pseudonymise", str(table), str(out), "--column", "phone", "--key-file", str(key)])
        == 0
    )
    assert "Pseudonymised 4 rows" in capsys.readouterr().out
    assert "phone_pseudonym" in out.read_text()
    weak = tmp_path / "weak.key"
    weak.write_text("abc")
    code = main(["pseudonymise", str(table), str(tmp_path / "x.csv"), "--column", "phone",
                 "--key-file", str(weak)])  # fmt: skip
    assert code == 2 and "capacity keygen" in capsys.readouterr().err


# --- suppression ---------------------------------------------------------------------------
counts = hpd.data_frames(
    [
        hpd.column("a", dtype="int64", elements=st.integers(0, 40)),
        hpd.column("b", dtype="int64", elements=st.integers(0, 10**6)),
        hpd.column("label", dtype=object, elements=st.sampled_from(["x", "y"])),
        hpd.column("rate", dtype=float, elements=st.floats(0, 3)),
    ],
    index=hpd.range_indexes(0, 30),
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(df=counts, threshold=st.integers(1, 11))
def test_suppress_properties(df, threshold):
    s = suppress(df, threshold)
    small = (df[["a", "b"]] > 0) & (df[["a", "b"]] < threshold)
    assert s.n_suppressed == int(small.to_numpy().sum()) == len(s.cells)
    for col in ("a", "b"):
        shown = s.frame[col]
        assert not shown.map(lambda v: isinstance(v, int) and 0 < v < threshold).any()
        keep = ~small[col]
        assert (shown[keep] == df.loc[keep, col]).all()  # zeros and large values unchanged
        assert (shown[small[col]] == f"<{threshold}").all()
    pd.testing.assert_frame_equal(s.frame[["label", "rate"]], df[["label", "rate"]])


def test_suppress_explicit_columns_and_bad_arguments():
    df = pd.DataFrame({"a": [1, 7], "b": [2, 0], "flag": [True, False]})
    s = suppress(df, columns=["a"])
    assert s.frame["a"].tolist() == ["<5", 7] and s.frame["b"].tolist() == [2, 0]
    assert s.cells == [(0, "a")] and "1 cell(s)" in s.caveat
    assert suppress(df).n_suppressed == 2  # booleans are not counts
    assert suppress(df, 1).n_suppressed == 0  # threshold 1 hides nothing
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ParameterError, match="threshold"):
            suppress(df, bad)
    with pytest.raises(ParameterError, match="flag"):
        suppress(df, columns=["flag"])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    parts=hpd.data_frames(
        [hpd.column(c, dtype="int64", elements=st.integers(0, 12)) for c in ("p", "q", "r")],
        index=hpd.range_indexes(1, 20),
    )
)
def test_complementary_suppression_never_leaves_a_lone_hidden_part(parts):
    df = parts.assign(total=parts.sum(axis=1))
    s = suppress_complementary(df, "total")
    hidden = s.frame[["p", "q", "r"]].map(lambda v: isinstance(v, str))
    total_shown = ~s.frame["total"].map(lambda v: isinstance(v, str))
    assert not ((hidden.sum(axis=1) == 1) & total_shown).any()
    assert s.n_suppressed == len(s.cells) == suppress(df).n_suppressed + len(s.secondary)
    assert set(s.secondary) <= set(s.cells)


def test_pseudonymise_file_rejects_conflicting_arguments(tmp_path, table, key):
    with pytest.raises(ParameterError, match="both kept and dropped"):
        pseudonymise_file(table, tmp_path / "o.csv", ["phone"], key, drop=["phone"])
    with pytest.raises(ParameterError, match="occur twice"):
        pseudonymise_file(table, tmp_path / "o.csv", ["phone"], key, rename={"phone": "city"})


def test_pseudonymise_writes_xlsx_and_parquet(tmp_path, table, key):
    a = tmp_path / "o.parquet"
    b = tmp_path / "o.xlsx"
    pseudonymise_file(table, a, ["phone"], key)
    pseudonymise_file(table, b, ["phone"], key)
    pa_ids = pd.read_parquet(a)["phone_pseudonym"].tolist()
    assert pa_ids == pd.read_excel(b, dtype=str)["phone_pseudonym"].tolist()
