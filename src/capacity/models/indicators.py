"""Questions 1–3 of the letter as indicators from the joint-operations table.

1. What were the social workers tasked with — did the mandate cover the women (``sellers``
   or ``both``)?
2. Were the women informed of their rights, including the reflection period?
3. Were they offered and did they accept support immediately?

:func:`operations_indicators` gives counts (integers, never suppressed here: the report
suppresses small cells), their denominators, shares with Wilson intervals, and the median
days to support, for all operations and by mandate. See ``docs/methods/questions-1-3.md``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from capacity.exceptions import DataError, Problem

MANDATES = ("buyers", "sellers", "both")

#: indicator -> (numerator column, denominator column or None), in report order.
INDICATORS: dict[str, tuple[str, str | None]] = {
    "operations": ("_one", None),
    "mandate_covers_sellers": ("_covers", "_one"),
    "buyers_suspected": ("buyers_suspected", None),
    "social_workers": ("social_workers", None),
    "sellers_encountered": ("sellers_encountered", None),
    "sellers_contacted": ("sellers_contacted", "sellers_encountered"),
    "sellers_informed_of_rights": ("sellers_informed_of_rights", "sellers_contacted"),
    "reflection_period_offered": ("reflection_period_offered", "sellers_contacted"),
    "support_accepted": ("support_accepted", "sellers_contacted"),
    "referrals_trafficking": ("referrals_trafficking", "sellers_contacted"),
}


def select_operations(
    operations: pd.DataFrame, city: str, start: dt.date | None, end: dt.date | None
) -> pd.DataFrame:
    """Operations in ``city`` that started within ``[start, end]``."""
    rows = operations[operations["city"].astype("string") == city]
    if start is not None:
        rows = rows[rows["start_date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["start_date"] <= pd.Timestamp(end)]
    return rows


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    keep = np.isfinite(values) & (weights > 0)
    if not keep.any():
        return float("nan")
    order = np.argsort(values[keep], kind="stable")
    v, w = values[keep][order], weights[keep][order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])


def _block(rows: pd.DataFrame, group: str) -> pd.DataFrame:
    sums = {col: int(rows[col].sum()) for col, _ in INDICATORS.values()}
    out = []
    for indicator, (num, den) in INDICATORS.items():
        count = sums[num]
        denominator = sums[den] if den is not None else None
        out.append(
            {
                "mandate": group,
                "indicator": indicator,
                "count": count,
                "denominator": denominator,
            }
        )
    frame = pd.DataFrame(out)
    days = rows["days_to_support"].to_numpy(dtype=float) if len(rows) else np.array([])
    accepted = rows["support_accepted"].to_numpy(dtype=float) if len(rows) else np.array([])
    median = _weighted_median(days, accepted)
    frame.loc[len(frame)] = {
        "mandate": group,
        "indicator": "median_days_to_support",
        "count": int(np.isfinite(days).sum()),
        "denominator": None,
    }
    frame["value"] = np.nan
    frame.loc[frame.index[-1], "value"] = median
    return frame


def operations_indicators(
    operations: pd.DataFrame,
    city: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Indicators for questions 1–3 for all operations and by mandate.

    Parameters
    ----------
    operations : pandas.DataFrame
        The operations table (typed as by :func:`capacity.dataset.load_dataset`).
    city : str
        City of the operations.
    start, end : datetime.date, optional
        Operations starting in this period are counted.
    alpha : float
        1 − confidence level of the Wilson intervals of shares.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``mandate`` in all/buyers/sellers/both, ``indicator``); columns
        ``count`` and ``denominator`` (``Int64``, counts of operations or persons),
        ``share = count/denominator``, ``ci_lower``, ``ci_upper`` (Wilson) and ``value``
        (the median days to support, weighted by persons who accepted support).

    Notes
    -----
    Shares are pooled over operations, ``Σ numerator / Σ denominator`` (each person counts
    once), not averages of per-operation shares. The median days to support is the median
    of the per-operation medians weighted by the number who accepted — an approximation of
    the persons' median, since only per-operation medians are recorded.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *JASA* 22(158), 209–212.

    Examples
    --------
    >>> ops = pd.DataFrame({"city": ["X"], "start_date": [pd.Timestamp("2024-05-02")],
    ...     "mandate": ["buyers"], "buyers_suspected": [40], "social_workers": [4],
    ...     "sellers_encountered": [10], "sellers_contacted": [0],
    ...     "sellers_informed_of_rights": [0], "reflection_period_offered": [0],
    ...     "support_accepted": [0], "referrals_trafficking": [0],
    ...     "days_to_support": [np.nan]})
    >>> int(operations_indicators(ops, "X").loc[("all", "mandate_covers_sellers"), "count"])
    0
    """
    rows = select_operations(operations, city, start, end)
    if rows.empty:
        cities = ", ".join(sorted(operations["city"].astype(str).unique())) or "none"
        raise DataError(
            Problem(
                "operations",
                None,
                "city",
                city,
                f"no joint operations in {city} starting between {start} and {end}",
                f"choose a city and period with operations (cities in the table: {cities}).",
            )
        )
    rows = rows.assign(
        _one=1, _covers=rows["mandate"].astype("string").isin(["sellers", "both"]).astype(int)
    )
    blocks = [_block(rows, "all")]
    for mandate in MANDATES:
        blocks.append(_block(rows[rows["mandate"].astype("string") == mandate], mandate))
    frame = pd.concat(blocks, ignore_index=True)
    frame["count"] = frame["count"].astype("Int64")
    frame["denominator"] = pd.array(frame["denominator"].tolist(), dtype="Int64")
    den = frame["denominator"].astype("float64").to_numpy(na_value=np.nan)
    num = frame["count"].astype("float64").to_numpy()
    valid = np.isfinite(den) & (den > 0)
    share = np.full(len(frame), np.nan)
    lo = np.full(len(frame), np.nan)
    hi = np.full(len(frame), np.nan)
    share[valid] = num[valid] / den[valid]
    lo[valid], hi[valid] = proportion_confint(num[valid], den[valid], alpha=alpha, method="wilson")
    frame["share"], frame["ci_lower"], frame["ci_upper"] = share, lo, hi
    frame = frame.set_index(["mandate", "indicator"])
    return frame[["count", "denominator", "share", "ci_lower", "ci_upper", "value"]]
