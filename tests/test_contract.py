"""The data contract: schemas from the dictionary, each rule failing and passing, the doc."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity import schema
from capacity.config import ROOT
from capacity.contract import MAX_PER_RULE, check_header, finalise, validate_table
from capacity.contract_doc import dictionary_markdown, render_doc
from capacity.dataset import cross_check
from capacity.io import read_table
from capacity.parse import parse_column
from capacity.schema import TABLES, dictionary


def raw(tiny_dir, table: str) -> pd.DataFrame:
    return read_table(tiny_dir / f"{table}.csv", table)


def problems_of(df: pd.DataFrame, table: str) -> list:
    return validate_table(df, table, f"{table}.csv")[1]


def one(df: pd.DataFrame, table: str):
    found = problems_of(df, table)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


# --- the schemas are the dictionary -----------------------------------------------------
@pytest.mark.parametrize("table", TABLES)
def test_schema_is_built_from_the_dictionary(table):
    d = dictionary()
    spec = d[d["table"] == table]
    pandera_schema = schema.contract(table).schema
    assert list(pandera_schema.columns) == list(spec["column"])
    for _, row in spec.iterrows():
        assert pandera_schema.columns[row["column"]].nullable == (row["required"] != "yes")
    limits = spec["allowed"].str.contains("[≤≥]").sum()
    assert len(pandera_schema.checks) == limits


@pytest.mark.parametrize("table", TABLES)
def test_specs_are_the_dictionary_rows(table):
    # the fast check and the header check read the rows as plain dicts (csv module); they
    # must be the frame's rows: same columns in the same order, same strings
    frame = schema.columns(table)
    specs = schema.specs(table)
    assert list(specs) == list(frame.index)
    for name, row in frame.iterrows():
        assert list(specs[name]) == list(row.index)
        assert specs[name] == {k: str(v) for k, v in row.items()}
    assert schema.required_columns(table) == tuple(frame.index[frame["required"] == "yes"])


def test_committed_doc_equals_the_generated_tables():
    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert render_doc(doc) == doc, (
        "run: python -c 'from capacity.contract_doc import write_doc; write_doc()'"
    )
    for column in dictionary()["column"]:
        assert f"| `{column}` |" in dictionary_markdown()


@pytest.mark.parametrize("table", TABLES)
def test_tiny_tables_pass(table, tiny_dir):
    typed, found = validate_table(raw(tiny_dir, table), table, f"{table}.csv")
    assert found == []
    assert list(typed.index) == list(range(2, len(typed) + 2))


# --- parsing text -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("date", "2024-03-15", pd.Timestamp("2024-03-15")),
        ("date", " 2024-03-15 13:45:00 ", pd.Timestamp("2024-03-15")),
        ("month", "2024-03", pd.Timestamp("2024-03-01")),
        ("month", "2024-03-01 00:00:00", pd.Timestamp("2024-03-01")),
        ("integer", "12", 12),
        ("integer", "12.0", 12),
        ("integer", "-3", -3),
        ("number", "7,5", 7.5),
        ("number", "0.25", 0.25),
        ("boolean", "JA", True),
        ("boolean", "nej", False),
        ("boolean", "1", True),
        ("boolean", "False", False),
        ("category", " Online", "online"),
        ("language_list", "sv; en", "sv;en"),
    ],
)
def test_parse_accepts(kind, text, expected):
    values, bad = parse_column(pd.Series([text]), kind)
    assert not bad.iloc[0] and values.iloc[0] == expected


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("date", "15/03/2024"),
        ("date", "2024-02-30"),
        ("date", "March 2024"),
        ("month", "2024-03-15"),
        ("month", "mars 2024"),
        ("integer", "1.5"),
        ("integer", "many"),
        ("integer", "1e30"),
        ("number", "inf"),
        ("number", "7 h"),
        ("boolean", "maybe"),
    ],
)
def test_parse_refuses(kind, text):
    values, bad = parse_column(pd.Series([text, ""]), kind)
    assert bad.tolist() == [True, False] and values.isna().all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=20))
def test_integers_round_trip(numbers):
    values, bad = parse_column(pd.Series([str(n) for n in numbers]), "integer")
    assert not bad.any() and values.tolist() == numbers


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=20))
def test_dates_round_trip(days):
    values, bad = parse_column(pd.Series([d.isoformat() for d in days]), "date")
    assert not bad.any() and [v.date() for v in values] == days


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(max_size=12), min_size=1, max_size=15),
    st.sampled_from(["date", "month", "integer", "number", "boolean", "code"]),
)
def test_parsing_never_raises_and_flags_only_filled_cells(texts, kind):
    values, bad = parse_column(pd.Series(texts, dtype="string"), kind)
    empty = pd.Series(texts).str.strip().eq("").to_numpy()
    assert len(values) == len(texts)
    assert not bad.to_numpy()[empty].any()
    assert values[bad.to_numpy()].isna().all()


# --- structure --------------------------------------------------------------------------
def test_header_is_matched_loosely_and_optional_columns_may_be_absent(tiny_dir):
    df = raw(tiny_dir, "sightings").drop(columns="language")
    df.columns = ["Person ID", " date", "CITY", "source"]
    typed, found = validate_table(df, "sightings", "s.csv")
    assert found == []
    out = finalise(typed, "sightings")
    assert out["language"].isna().all() and str(out["language"].dtype) == "string"


def test_required_column_missing_and_unknown_column_with_suggestion(tiny_dir):
    df = raw(tiny_dir, "outreach").rename(columns={"staff_hours": "staff_hour"})
    found = problems_of(df, "outreach")
    rules = {(p.column, p.rule) for p in found}
    assert ("staff_hour", "unknown column (not in the data dictionary)") in rules
    assert ("staff_hours", "required column missing") in rules
    assert any("Did you mean 'staff_hours'" in p.fix for p in found)
    assert all(p.row == 1 for p in found)


def test_column_twice(tiny_dir):
    df = raw(tiny_dir, "staff")
    df.insert(1, "FTE", df["fte"], allow_duplicates=True)
    assert one(df, "staff").rule == "the column appears twice"


def test_empty_header_only_and_wrong_table(tiny_dir):
    assert one(pd.DataFrame(), "staff").rule == "the file is empty"
    assert (
        one(raw(tiny_dir, "staff").iloc[0:0], "staff").rule
        == "the file has a header but no data rows"
    )
    assert problems_of(raw(tiny_dir, "operations").iloc[0:0], "operations") == []
    p = one(raw(tiny_dir, "outreach"), "operations")
    assert p.rule == "this looks like the outreach table, not the operations table"


# --- cells ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("table", "column", "good", "bad", "rule"),
    [
        ("sightings", "person_id", "a1b2c3d4_e-f", "ab12", "pseudonym of 8-64"),
        ("sightings", "person_id", "a1b2c3d4", "0701234567 x", "pseudonym"),
        ("sightings", "source", "ads_c", "Ads A", "lower-case code"),
        ("sightings", "language", "", "xx", "ISO 639-1"),
        ("sightings", "language", "ro", "RO", "ISO 639-1"),
        ("sightings", "city", "Upplands Väsby", "Stockholm 1", "municipality name"),
        ("sightings", "city", "Malung-Sälen", "", "value missing"),
        ("outreach", "channel", "Street", "telefon", "must be one of"),
        ("outreach", "staff", "100", "0", "must be between 1 and 100 persons"),
        ("outreach", "staff_hours", "2400", "0.1", "must be between 0.25 and 2400"),
        ("outreach", "contacts", "100000", "-1", "must be between 0 and 100000"),
        ("staff", "fte", "0.01", "0", "must be between 0.01 and 1.0"),
        ("staff", "languages", "sv;ar;ti", "sv/en", "separated by ';'"),
        ("staff", "staff_id", "s-1", "s1", "pseudonym of 3-64"),
        ("staff", "month", "2024-05", "2023-12-31", "not a month"),
        ("operations", "mandate", "both", "all", "must be one of: buyers, sellers, both"),
        ("operations", "days_to_support", "", "400", "must be between 0 and 365"),
        ("operations", "start_date", "2000-01-01", "1999-12-31", "must be between 2000-01-01"),
    ],
)
def test_cell_rules(table, column, good, bad, rule, tiny_dir):
    row = 3
    df = raw(tiny_dir, table)
    passing = df.copy()
    passing.loc[row, column] = good
    assert problems_of(passing, table) == []
    failing = df.copy()
    failing.loc[row, column] = bad
    found = [p for p in problems_of(failing, table) if p.column == column]
    assert len(found) == 1 and found[0].row == row and rule in found[0].rule, found
    assert found[0].value == (bad or None)


@pytest.mark.parametrize(
    ("table", "column", "other"),
    [
        ("outreach", "new_persons", "contacts"),
        ("outreach", "interpreter_used", "contacts"),
        ("outreach", "support_accepted", "support_offered"),
        ("operations", "sellers_contacted", "sellers_encountered"),
        ("operations", "support_accepted", "sellers_contacted"),
    ],
)
def test_at_most_other_column(table, column, other, tiny_dir):
    df = raw(tiny_dir, table)
    equal = df.copy()
    equal.loc[2, column] = equal.loc[2, other]
    assert problems_of(equal, table) == []
    above = df.copy()
    above.loc[2, column] = str(int(above.loc[2, other]) + 1)
    hits = [p for p in problems_of(above, table) if p.rule == f"{column} must be ≤ {other}"]
    assert [(p.row, p.column) for p in hits] == [(2, column)]


def test_end_date_not_before_start_date(tiny_dir):
    df = raw(tiny_dir, "operations")
    df.loc[2, "end_date"] = df.loc[2, "start_date"]
    assert problems_of(df, "operations") == []
    df.loc[2, "end_date"] = "2024-03-03"
    p = one(df, "operations")
    assert (p.row, p.column, p.rule) == (2, "end_date", "end_date must be ≥ start_date")


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        ("sightings", ["person_id", "date", "city", "source"]),
        ("staff", ["month", "staff_id"]),
        ("operations", ["operation_id"]),
    ],
)
def test_duplicate_keys(table, keys, tiny_dir):
    df = raw(tiny_dir, table)
    copy = df.loc[[2]].set_axis([len(df) + 2])
    if table == "sightings":
        assert problems_of(pd.concat([df, copy.assign(source="police")]), table) == []
    p = one(pd.concat([df, copy]), table)
    assert p.row == len(df) + 2 and p.rule.startswith("duplicate row") and keys[0] == p.column


def test_many_failures_are_listed_up_to_a_cap_then_counted(tiny_dir):
    df = raw(tiny_dir, "sightings")
    big = pd.concat([df] * 6, ignore_index=True)
    big.index = pd.RangeIndex(2, len(big) + 2)
    big["person_id"] = [f"p{i:09d}" for i in range(len(big))]
    big["date"] = "not a date"
    found = problems_of(big, "sightings")
    assert len(found) == MAX_PER_RULE + 1
    assert found[-1].row is None and "more row(s) not listed" in found[-1].rule
    assert [p.row for p in found[:-1]] == list(range(2, MAX_PER_RULE + 2))
    assert found[-1].rule.startswith(
        f"not a date in the form YYYY-MM-DD: {len(big) - MAX_PER_RULE}"
    )


def test_finalised_dtypes(tiny_dir):
    typed, _ = validate_table(raw(tiny_dir, "staff"), "staff", "staff.csv")
    out = finalise(typed, "staff")
    assert out.dtypes.astype(str).to_dict() == {
        "month": "datetime64[ns]",
        "staff_id": "string",
        "city": "string",
        "team": "string",
        "fte": "float64",
        "outreach_share": "float64",
        "languages": "string",
        "trafficking_trained": "bool",
    }
    assert list(out.index) == list(range(20))


# --- across tables ----------------------------------------------------------------------
def _typed(table: str, tiny_dir) -> pd.DataFrame:
    return validate_table(raw(tiny_dir, table), table, f"{table}.csv")[0]


def test_cross_checks_pass_on_tiny_and_catch_each_rule(tiny_dir):
    typed = {t: _typed(t, tiny_dir) for t in TABLES}
    files = {t: f"{t}.csv" for t in TABLES}
    meta = {"period": {"start": "2024-01-01", "end": "2024-04-30"}}
    assert cross_check(typed, meta, files) == []
    # a staff month overlapping the period is fine, a month wholly outside is not
    inside = {"staff": typed["staff"]}
    assert (
        cross_check(inside, {"period": {"start": "2024-01-31", "end": "2024-04-01"}}, files) == []
    )
    late = cross_check(inside, {"period": {"start": "2024-02-01", "end": "2024-04-30"}}, files)
    assert {p.row for p in late} == set(range(2, 7)) and all(p.column == "month" for p in late)
    out = typed["outreach"].copy()
    out.loc[3, "team"] = "gbg_uppsok"  # a Göteborg team on a Stockholm shift
    out.loc[5, "city"] = "Malmö"
    found = cross_check({"outreach": out, "staff": typed["staff"]}, meta, files)
    assert [(p.row, p.column) for p in found] == [(5, "city"), (3, "team")]
    assert cross_check({"outreach": out}, {}, files) == []


def test_check_header_keeps_only_contract_columns_in_dictionary_order(tiny_dir):
    df = raw(tiny_dir, "staff")[["trafficking_trained", "month", "staff_id", "city", "team", "fte"]]
    df = df.assign(outreach_share="0.5", languages="sv", extra="1")
    frame, found = check_header(df, "staff", "staff.csv")
    assert list(frame.columns) == list(schema.columns("staff").index)
    assert [p.column for p in found] == ["extra"]
    assert np.all(frame.index == df.index)
