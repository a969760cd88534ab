"""Questions 1–3 indicators from the operations table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from capacity.exceptions import DataError
from capacity.models.indicators import operations_indicators


def ops():
    return pd.DataFrame(
        {
            "operation_id": ["o1", "o2", "o3", "o4"],
            "start_date": pd.to_datetime(["2024-03-04", "2024-05-01", "2024-06-01", "2025-01-01"]),
            "end_date": pd.to_datetime(["2024-03-08", "2024-05-03", "2024-06-02", "2025-01-02"]),
            "city": ["X", "X", "X", "X"],
            "buyers_suspected": [132, 40, 20, 10],
            "social_workers": [6, 4, 3, 2],
            "mandate": ["buyers", "both", "sellers", "both"],
            "sellers_encountered": [40, 20, 10, 5],
            "sellers_contacted": [12, 18, 10, 5],
            "sellers_informed_of_rights": [8, 18, 9, 5],
            "reflection_period_offered": [2, 10, 5, 1],
            "support_accepted": [3, 6, 1, 0],
            "referrals_trafficking": [2, 4, 1, 0],
            "days_to_support": [4.5, 1.0, 10.0, np.nan],
        }
    )


def test_counts_and_shares_by_hand():
    ind = operations_indicators(ops(), "X", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    a = ind.loc["all"]
    assert a.loc["operations", "count"] == 3
    assert a.loc["mandate_covers_sellers", "count"] == 2
    assert a.loc["mandate_covers_sellers", "share"] == pytest.approx(2 / 3)
    assert a.loc["sellers_contacted", "count"] == 40
    assert a.loc["sellers_contacted", "denominator"] == 70
    assert a.loc["sellers_informed_of_rights", "share"] == pytest.approx(35 / 40)
    assert a.loc["support_accepted", "share"] == pytest.approx(10 / 40)
    # weighted median of (4.5 ×3, 1.0 ×6, 10 ×1): cumulative 6 of 10 at 1.0 -> 1.0
    assert a.loc["median_days_to_support", "value"] == pytest.approx(1.0)
    buyers = ind.loc["buyers"]
    assert buyers.loc["operations", "count"] == 1
    assert buyers.loc["sellers_informed_of_rights", "share"] == pytest.approx(8 / 12)
    assert ind["count"].dtype == "Int64"
    lo, hi = a.loc["support_accepted", ["ci_lower", "ci_upper"]]
    assert lo < 0.25 < hi


def test_empty_mandate_has_zero_counts_and_no_share():
    ind = operations_indicators(ops(), "X", dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert ind.loc[("sellers", "operations"), "count"] == 0
    assert np.isnan(ind.loc[("sellers", "sellers_contacted"), "share"])


def test_row_order_does_not_matter():
    a = operations_indicators(ops(), "X")
    b = operations_indicators(ops().iloc[::-1], "X")
    pd.testing.assert_frame_equal(a, b)


def test_no_operations_says_what_exists():
    with pytest.raises(DataError, match="cities in the table: X"):
        operations_indicators(ops(), "Malmö")
