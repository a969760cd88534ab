"""Stays from sightings: build them, count arrivals, and the sighting-gap statistics.

:func:`build_stays` turns the sightings table into one row per observed stay of a person
in a city (vectorised: sort, flag breaks, cumulative sum). :func:`weekly_arrivals` and
:func:`monthly_arrivals` count stays starting per week or month (the arrivals ``A`` of
Little's law ``N = A·E[T]`` and the input of the forecast). :func:`sighting_probability`
and :func:`sighting_gaps` describe how often a present person is seen (used by the margin
correction). Methods in ``docs/methods/stays.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.exceptions import EstimationError
from capacity.models._base import require_columns

__all__ = [
    "STAY_COLUMNS",
    "build_stays",
    "monthly_arrivals",
    "require_columns",
    "sighting_gaps",
    "sighting_probability",
    "weekly_arrivals",
]

STAY_COLUMNS = [
    "person_id",
    "city",
    "start",
    "end",
    "n_sightings",
    "duration_days",
    "entry_days",
    "left_truncated",
    "right_censored",
    "year",
]


def _day(value, default: int) -> int:
    if value is None:
        return default
    return int(np.datetime64(pd.Timestamp(value).normalize().date(), "D").astype(np.int64))


def build_stays(
    sightings: pd.DataFrame,
    gap_days: int = 14,
    period_start=None,
    period_end=None,
) -> pd.DataFrame:
    """One row per observed stay of a person in a city.

    Parameters
    ----------
    sightings : DataFrame
        The sightings table with at least ``person_id``, ``date`` and ``city``.
        Several sightings of a person in one city on one day count once.
    gap_days : int
        Largest gap in days between two sightings that still belong to one stay.
    period_start, period_end : date-like, optional
        Analysis window; default the first and last sighting date. Every sighting is
        used to link stays; stays that do not overlap the window are dropped.

    Returns
    -------
    DataFrame
        Columns ``person_id, city, start, end, n_sightings`` (distinct sighting days),
        ``duration_days`` (float, days from first to last sighting counting both:
        ``end - start + 1``), ``entry_days`` (days of the stay before the window start,
        the delayed-entry time of survival analysis, 0 for stays starting in the window),
        ``left_truncated`` (the stay starts within ``gap_days`` of the first sighting in
        the data, so it may have begun earlier: its origin is unknown), ``right_censored``
        (it ends within ``gap_days`` of the last sighting in the data, so it may go on)
        and ``year`` (calendar year of the start). ``attrs`` hold the window and
        ``gap_days``.

    Notes
    -----
    Sort by (person, date, city); a new stay starts where the person or the city changes
    or the gap to the previous sighting exceeds ``gap_days``; the stay number is the
    cumulative sum of these breaks. A person seen in two cities on one day starts a new
    stay at each change of city.

    A stay is observed from its first to its last sighting, so the observed length
    understates the true length by the unobserved margins at both ends; see
    :func:`sighting_probability` and ``fit_stays(correction="margins")``.

    References
    ----------
    Kennedy, L. (2022). Online advertisement durations in the commercial sex market.
    PLOS ONE (stays as runs of an ad's phone number in one place).

    Examples
    --------
    >>> s = pd.DataFrame({"person_id": ["p1"] * 4, "city": ["A", "A", "B", "A"],
    ...                   "date": pd.to_datetime(["2024-01-01", "2024-01-05",
    ...                                           "2024-01-06", "2024-03-01"])})
    >>> build_stays(s, gap_days=14)[["city", "n_sightings", "duration_days"]]
      city  n_sightings  duration_days
    0    A            2            5.0
    1    B            1            1.0
    2    A            1            1.0
    """
    require_columns(sightings, ["person_id", "date", "city"], "sightings")
    if gap_days < 1:
        raise EstimationError(f"gap_days = {gap_days}: give a gap of at least 1 day.")
    frame = sightings[["person_id", "date", "city"]]
    frame = frame[frame.notna().all(axis=1)]
    if frame.empty:
        raise EstimationError("no sightings with person_id, date and city: cannot build stays.")
    day = pd.to_datetime(frame["date"]).to_numpy("datetime64[D]").astype(np.int64)
    # sort=True: codes must not depend on row order, or a person seen in two cities on one
    # day would be split differently when the rows come in another order.
    pcode, persons = pd.factorize(frame["person_id"], sort=True)
    ccode, cities = pd.factorize(frame["city"], sort=True)
    order = np.lexsort((ccode, day, pcode))
    p, c, d = pcode[order], ccode[order], day[order]
    keep = np.ones(len(d), dtype=bool)
    keep[1:] = (p[1:] != p[:-1]) | (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    p, c, d = p[keep], c[keep], d[keep]
    brk = np.ones(len(d), dtype=bool)
    brk[1:] = (p[1:] != p[:-1]) | (c[1:] != c[:-1]) | (d[1:] - d[:-1] > gap_days)
    first = np.flatnonzero(brk)
    last = np.r_[first[1:] - 1, len(d) - 1]
    gap_counts = np.bincount((d[1:] - d[:-1])[~brk[1:]], minlength=gap_days + 1)
    start, end = d[first], d[last]

    data_start, data_end = int(d.min()), int(d.max())
    ws, we = _day(period_start, data_start), _day(period_end, data_end)
    if we < ws:
        raise EstimationError(f"period_end ({period_end}) is before period_start ({period_start}).")
    inside = (end >= ws) & (start <= we)
    first, start, end = first[inside], start[inside], end[inside]
    n_days = (last[inside] - first + 1).astype(np.int64)
    to_ts = lambda x: pd.to_datetime(x.astype("datetime64[D]")).astype("datetime64[ns]")  # noqa: E731
    start_ts = to_ts(start)
    stays = pd.DataFrame(
        {
            "person_id": persons.take(p[first]),
            "city": cities.take(c[first]),
            "start": start_ts,
            "end": to_ts(end),
            "n_sightings": n_days,
            "duration_days": (end - start + 1).astype(float),
            "entry_days": np.maximum(ws - start, 0).astype(float),
            "left_truncated": start - data_start <= gap_days,
            "right_censored": data_end - end <= gap_days,
            "year": start_ts.year.astype(np.int64),
        }
    )
    stays.attrs.update(
        gap_days=int(gap_days),
        data_start=pd.Timestamp(np.datetime64(data_start, "D")),
        data_end=pd.Timestamp(np.datetime64(data_end, "D")),
        period_start=pd.Timestamp(np.datetime64(ws, "D")),
        period_end=pd.Timestamp(np.datetime64(we, "D")),
        gap_counts=[int(x) for x in gap_counts],
    )
    return stays


def sighting_probability(stays: pd.DataFrame) -> float:
    """Share of days inside stays on which the person was seen.

    Notes
    -----
    Between the first and the last sighting day of a stay of ``D`` days (both counted)
    the ``D - 2`` interior days hold ``n - 2`` sightings, so the pooled estimate is
    ``q = Σ (n_i - 2) / Σ (D_i - 2)`` over stays with ``D_i ≥ 3``. If every present day
    is seen independently with probability ``q``, the unseen days before the first
    (after the last) sighting are geometric with mean ``(1 - q) / q``, and a stay of
    ``D`` days is seen at all with probability ``1 - (1 - q)^D``.
    """
    long_ = stays["duration_days"].to_numpy() >= 3
    if not long_.any():
        return 1.0
    num = float((stays["n_sightings"].to_numpy()[long_] - 2).sum())
    den = float((stays["duration_days"].to_numpy()[long_] - 2).sum())
    return float(np.clip(num / den, 1e-3, 1.0))


def sighting_gaps(stays: pd.DataFrame) -> tuple[float, np.ndarray]:
    """Expected unseen days at an end of a stay, and the chance a stay of d days is seen.

    Returns
    -------
    margin : float
        ``E[G²] / (2 E[G]) - 1/2`` days, ``G`` the gap in days between consecutive
        sightings inside stays (``attrs["gap_counts"]`` of :func:`build_stays`).
    seen : ndarray
        ``seen[d] = Σ_{r<d} P(G > r) / E[G]`` for ``d = 0, 1, ..., max gap`` (1 beyond).

    Notes
    -----
    If a person's sightings form a stationary renewal process with gap ``G``, the days
    from arrival to the first sighting (and from the last sighting to departure) follow
    the recurrence-time distribution ``P(R = r) = P(G > r) / E[G]``, ``r = 0, 1, ...``,
    with mean ``E[G²]/(2E[G]) - 1/2``; a stay of ``d`` days is seen at all when
    ``R < d``. For daily sightings with probability ``q`` (geometric gaps) this gives
    ``(1 - q)/q`` and ``1 - (1 - q)^d``; for weekly snapshots seen every time, 3 days
    and ``min(d, 7)/7``. Without ``gap_counts`` the geometric case with
    :func:`sighting_probability` is used.

    References
    ----------
    Cox, D. R. (1962). Renewal Theory. Methuen (recurrence times, ch. 5).
    """
    counts = np.asarray(stays.attrs.get("gap_counts", []), dtype=float)
    if counts.sum() == 0:
        q = sighting_probability(stays)
        g = np.arange(1, 200)
        counts = q * (1 - q) ** (g - 1)
        counts = np.r_[0.0, counts]
    pmf = counts / counts.sum()
    g = np.arange(len(pmf))
    mean = float(pmf @ g)
    margin = float(pmf @ g**2 / (2 * mean) - 0.5)
    tail = 1 - np.cumsum(pmf)  # P(G > r)
    seen = np.r_[0.0, np.cumsum(np.r_[1.0, tail[:-1]][: len(pmf)]) / mean]
    return max(margin, 0.0), np.minimum(seen, 1.0)


def _arrivals(stays: pd.DataFrame, city: str | None, freq: str, start, end) -> pd.Series:
    if city is not None:
        stays = stays[stays["city"] == city]
    new = stays.loc[~stays["left_truncated"], "start"]
    lo = pd.Timestamp(start) if start is not None else stays.attrs.get("period_start")
    hi = pd.Timestamp(end) if end is not None else stays.attrs.get("period_end")
    lo = new.min() if lo is None else lo
    hi = new.max() if hi is None else hi
    if pd.isna(lo) or pd.isna(hi):
        raise EstimationError(f"no arrivals{' in ' + city if city else ''} to count.")
    new = new[(new >= lo) & (new <= hi)]
    periods = pd.period_range(lo.to_period(freq), hi.to_period(freq), freq=freq)
    counts = new.dt.to_period(freq).value_counts()
    out = counts.reindex(periods, fill_value=0).astype(np.int64)
    out.index = periods.to_timestamp(how="start").astype("datetime64[ns]")
    out.index.name = "week" if freq.startswith("W") else "month"
    out.name = "arrivals"
    # arrivals are countable only once gap_days have passed since the data began, and up
    # to the data's end: keep that window so that rates and forecasts can use it
    first_day, last_day = stays.attrs.get("data_start"), stays.attrs.get("data_end")
    gap = stays.attrs.get("gap_days", 0)
    c_lo = max(lo, first_day + pd.Timedelta(days=gap + 1)) if first_day is not None else lo
    c_hi = min(hi, last_day) if last_day is not None else hi
    out.attrs.update(
        counting_start=pd.Timestamp(c_lo),
        counting_end=pd.Timestamp(c_hi),
        weeks_observed=max((c_hi - c_lo).days + 1, 0) / 7.0,
    )
    return out


def weekly_arrivals(
    stays: pd.DataFrame, city: str | None = None, start=None, end=None
) -> pd.Series:
    """Stays starting per week (Monday-based weeks, zero-filled).

    Stays flagged ``left_truncated`` are not counted (they may be continuations of a
    stay that began before the data). The first and last week can be partial.
    ``attrs`` hold ``counting_start``, ``counting_end`` (arrivals are countable from
    ``gap_days`` after the first data day to the last) and ``weeks_observed``, the length
    of that window in weeks: arrivals per week = ``sum / weeks_observed``.

    Examples
    --------
    >>> s = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "city": "X", "date":
    ...     pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-20", "2024-01-22"])})
    >>> weekly_arrivals(build_stays(s, gap_days=3)).tolist()  # a: may have begun earlier
    [0, 1, 1, 1]
    """
    return _arrivals(stays, city, "W-SUN", start, end)


def monthly_arrivals(
    stays: pd.DataFrame, city: str | None = None, start=None, end=None
) -> pd.Series:
    """Stays starting per calendar month (index: first day of the month, zero-filled)."""
    return _arrivals(stays, city, "M", start, end)
