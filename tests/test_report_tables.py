"""Disclosure control in exported tables: no count 1..k-1 ever reaches HTML or Excel."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.tables import make_table, to_html
from capacity.tables_xlsx import write_xlsx

counts = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(counts, st.integers(min_value=2, max_value=10))
def test_small_counts_and_their_shares_never_reach_the_outputs(values, threshold):
    n = np.array(values)
    total = max(int(n.sum()), 1)
    frame = pd.DataFrame(
        {"persons": n, "share": n / total, "hours": np.arange(len(n)) + 0.5},
        index=[f"r{i}" for i in range(len(n))],
    )
    tb = make_table(
        frame,
        name="t",
        caption="c",
        lang="en",
        threshold=threshold,
        kinds={"persons": "count", "share": "percent", "hours": "number1"},
        linked={"persons": ["share"]},
    )
    small = (n > 0) & (n < threshold)
    assert tb.n_suppressed == 2 * int(small.sum())
    assert tb.frame["persons"].isna().to_numpy().tolist() == small.tolist()
    assert tb.frame["share"].isna().to_numpy().tolist() == small.tolist()
    html = to_html(tb)
    cells = re.findall(r"<tr><th scope=\"row\">(r\d+)</th><td[^>]*>([^<]*)</td>", html)
    for (label, text), hidden in zip(cells, small, strict=True):
        assert (text == f"&lt;{threshold}") == hidden, (label, text)
    assert tb.frame["hours"].tolist() == frame["hours"].tolist()  # other columns untouched


def test_xlsx_marks_hidden_cells_and_keeps_the_rest_numeric(tmp_path):
    frame = pd.DataFrame({"persons": [2, 9], "share": [0.18, 0.82]}, index=["a", "b"])
    tb = make_table(
        frame,
        name="t",
        caption="c",
        lang="sv",
        threshold=5,
        kinds={"persons": "count", "share": "percent"},
        headers={"persons": "Personer", "share": "Andel"},
        linked={"persons": ["share"]},
    )
    tb.number = 1
    sheet = pd.read_excel(write_xlsx([tb], tmp_path / "x.xlsx", "sv"), sheet_name="t", index_col=0)
    assert sheet.loc["a"].tolist() == ["<5", "dolt"]
    assert sheet.loc["b"].tolist() == [9, 0.82]
    contents = pd.read_excel(tmp_path / "x.xlsx", sheet_name="Innehåll")
    assert contents.iloc[0].tolist() == [1, "t", "c", 2]


def test_suppression_sentence_tells_small_counts_from_cells_hidden_to_protect_them():
    from capacity.tables import make_table, suppression_sentence

    frame = pd.DataFrame(
        {"n": [2, 40, 42], "share": [2 / 42, 40 / 42, 1.0]}, index=["a", "b", "all"]
    )
    tb = make_table(
        frame,
        name="t",
        caption="c",
        headers={"n": "Persons", "share": "Share"},
        kinds={"n": "count", "share": "percent"},
        threshold=5,
        linked={"n": ["share"]},
        lang="en",
    )
    tb.number = 1
    text = suppression_sentence([tb], "en")
    small = sum(tb.marker(r, c) == "<5" for r, c in tb.suppressed)
    other = tb.n_suppressed - small
    assert small >= 1 and other >= 1
    assert f"{small} counts below 5" in text and f"{other} other cells" in text
