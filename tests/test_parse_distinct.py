"""Parsing each distinct text once gives exactly what parsing every cell gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity import parse

CELLS = {
    "date": ["2024-03-15", "2024-02-30", " 2024-01-01 ", "2024-01-01 00:00:00", "15/03/2024", ""],
    "month": ["2024-03", "2024-03-01", "2024-03-02", "2024-13", " 2024-12 ", ""],
    "integer": ["3", "2.0", "2.5", "x", "-1", " 7 ", "1e3", "inf", ""],
    "number": ["7,5", "7.5", "nan", "-0.25", "abc", " 1 ", ""],
    "boolean": ["yes", "Nej", "1", "0", "maybe", " TRUE ", ""],
}


@pytest.mark.parametrize("kind", sorted(CELLS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_distinct_parsing_equals_cell_by_cell(kind, data):
    n = data.draw(st.integers(parse._DISTINCT_MIN_ROWS, parse._DISTINCT_MIN_ROWS + 300))
    picks = data.draw(st.lists(st.sampled_from(CELLS[kind]), min_size=n, max_size=n))
    text = pd.Series(picks, index=np.arange(2, n + 2), dtype="str", name="col")
    values, bad = parse.parse_column(text, kind)
    want_values, want_bad = parse._parse(text, kind)
    pd.testing.assert_series_equal(values, want_values, check_names=False)
    pd.testing.assert_series_equal(bad, want_bad, check_names=False)


def test_parquet_columns_as_text_equal_cell_by_cell_formatting():
    from capacity import io

    rng = np.random.default_rng(7)
    n = 3000
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(rng.integers(19000, 19400, n), unit="D"),
            "stamp": pd.to_datetime(rng.integers(0, 500, n) * 3600, unit="s"),
            "count": rng.integers(0, 40, n),
            "share": rng.integers(0, 8, n) / 4,
            "maybe": pd.array([None if i % 5 == 0 else i % 9 for i in range(n)], dtype="Int64"),
            "flag": np.arange(n) % 3 == 0,
        }
    )
    frame.loc[4, "day"] = pd.NaT
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_dtype(s):
            want = io._midnight_as_date(s.dt.strftime("%Y-%m-%d %H:%M:%S"))
        else:
            want = s.astype("string")
        want = want.fillna("").astype(str)
        pd.testing.assert_series_equal(io._as_text(s), want, check_names=False)


@settings(max_examples=40, deadline=None)
@given(
    picks=st.lists(
        st.sampled_from(
            [
                "2024-03-15",
                "9999-12-31",
                " 0001-01-01",
                "1899-05-01",
                "2201-01-01",
                "15/03/2024",
                "",
                "abcd-",
                "２０２４-01-01",
                None,
            ]
        ),  # fmt: skip
        min_size=0,
        max_size=60,
    )
)
def test_far_dates_per_distinct_text_equals_cell_by_cell(picks):
    from capacity import guards, limits

    text = pd.Series(picks, index=np.arange(2, len(picks) + 2), dtype="str")
    year = pd.to_numeric(text.astype("string").str.strip().str.extract(r"^([0-9]{4})-")[0])
    year = year.astype("Float64")
    want = ((year < limits.FIRST_DATE.year) | (year > limits.LAST_DATE.year)).fillna(False)
    got = guards.far_dates(text)
    assert got.index.equals(text.index)
    assert got.tolist() == want.astype(bool).tolist()
