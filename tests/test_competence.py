"""Competence: language shares, staff capacity, interpreter share, language factors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.exceptions import DataError
from capacity.models.competence import (
    estimate_interpreter_share,
    language_factors,
    language_shares,
    staff_capacity,
)


def sightings(rows):
    return pd.DataFrame(rows, columns=["person_id", "language"]).astype(
        {"person_id": "string", "language": "string"}
    )


def test_language_shares_by_hand():
    s = sightings([("a", "ro"), ("a", "ro"), ("a", "en"), ("b", "en"), ("c", None), ("d", "es")])
    frame = language_shares(s)
    # a -> ro (2 of 3), b -> en, d -> es; c unknown, spread in proportion
    assert frame["persons"].to_dict() == {"en": 1, "es": 1, "ro": 1}
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame.attrs["unknown_persons"] == 1
    assert frame.attrs["unknown_share"] == pytest.approx(0.25)


def test_ties_are_resolved_independently_of_row_order():
    s = sightings([("a", "ro"), ("a", "en"), ("b", "ro")])
    assert language_shares(s)["persons"].to_dict() == {"en": 1, "ro": 1}
    assert language_shares(s.iloc[::-1])["persons"].to_dict() == {"en": 1, "ro": 1}


def test_no_known_language_is_a_data_error():
    with pytest.raises(DataError, match="language"):
        language_shares(sightings([("a", None)]))


def staff_table():
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3),
            "staff_id": ["s1", "s2", "s3"] * 2,
            "city": ["X"] * 6,
            "team": ["t"] * 6,
            "fte": [1.0, 1.0, 0.5] * 2,
            "outreach_share": [0.5, 1.0, 0.0] * 2,
            "languages": ["sv;en", "sv;RO", "sv"] * 2,
            "trafficking_trained": [True, False, True] * 2,
        }
    )


def test_staff_capacity_by_hand():
    cap = staff_capacity(staff_table(), "X", dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    assert cap.months == 2 and cap.staff_members == 3
    assert cap.outreach_fte == pytest.approx(1.5)  # 0.5 + 1.0 per month
    assert cap.casework_fte == pytest.approx(1.0)  # 0.5 + 0 + 0.5
    assert cap.trained_share == pytest.approx(0.5 / 1.5)
    assert cap.speakers_fte.to_dict() == pytest.approx({"en": 0.5, "ro": 1.0, "sv": 1.5})
    one = staff_capacity(staff_table(), "X", dt.date(2024, 2, 10), dt.date(2024, 2, 20))
    assert one.months == 1


def test_staff_capacity_missing_city_says_what_exists():
    with pytest.raises(DataError, match="cities: X"):
        staff_capacity(staff_table(), "Malmö")


def test_interpreter_share():
    o = pd.DataFrame(
        {"contacts": [10, 4], "contacts_own_language": [6, 4], "interpreter_used": [3, 0]}
    )
    assert estimate_interpreter_share(o) == pytest.approx(0.75)
    assert estimate_interpreter_share(o.iloc[[1]]) is None


def test_language_factors():
    m = language_factors(pd.Index(["en", "ro", "es"]), pd.Series({"en": 0.5, "ro": 1.0}), 1.5, 0.2)
    assert m["en"] == pytest.approx(1 / 3 + 2 / 3 * 0.2)
    assert m["ro"] == pytest.approx(2 / 3 + 1 / 3 * 0.2)
    assert m["es"] == pytest.approx(0.2)
    assert language_factors(pd.Index(["es"]), pd.Series(dtype=float), 1.0, 0.0)["es"] == 0.0


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdefg"), st.sampled_from(["ro", "en", "es", None])),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_language_shares_invariants(rows, rnd):
    s = sightings(rows)
    if s["language"].isna().all():
        return
    frame = language_shares(s)
    assert frame["share"].sum() == pytest.approx(1.0)
    assert ((frame["share"] >= 0) & (frame["share"] <= 1)).all()
    order = list(range(len(s)))
    rnd.shuffle(order)
    shuffled = language_shares(s.iloc[order])
    pd.testing.assert_frame_equal(frame, shuffled)
    assert np.isclose(frame.attrs["unknown_share"], shuffled.attrs["unknown_share"])
