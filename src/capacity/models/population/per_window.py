r"""Distinct persons in the city during a window (a quarter) from arrivals and stays.

A quarter's persons are those present at its start plus those who arrive in it. With
arrivals at ``λ = A/7`` a day and stays of ``T`` days present (the arrival day counted),
a stay overlaps a window of ``L`` days when it arrives on one of ``L + T − 1`` days, so the
stays in the window number

.. math:: S_L = \frac{A}{7}\,(E[T] + L - 1)

(Little's law, ``A·E[T]/7`` persons present at a time, plus the window's arrivals). A
woman with two stays in the city in one window is one person: the stays become persons by
``r``, the share of distinct persons among the stays the sources saw in the quarters of the
period (:func:`person_share_of_stays`, from the same stays the arrivals are counted from,
so that a stay split by missed sightings counts once),

.. math:: N_L = r\,S_L .

Where the chain uses it (:func:`capacity.question4.evaluate.persons_per_quarter`): where
the ad sites capture an ad on the woman's arrival. The quarterly multiple-systems estimate
gives the share of the stays *arriving* that some source sees; a woman who arrived in an
earlier quarter is invisible to the ads in this one, so the share of a quarter's persons
seen is lower, and the persons seen over that share count too few. Where the ads see a
present woman day by day, the persons seen per quarter (:func:`seen_per_quarter`) over the
detection share are used instead: there the arrivals, from merged stay starts, lean high.
``docs/methods/population.md``, "Persons per quarter", has both on the coverage study's
worlds. Assumptions: arrivals and stays roughly stationary over the period (the quarters'
mean is what is estimated); as many persons per stay among the unseen stays as among the
seen ones (``r`` is held at its estimate in the bootstrap: its sampling error, a few
tenths of a per cent, is small beside the arrivals').
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "QUARTER_DAYS",
    "person_share_of_stays",
    "persons_per_window",
    "quarters_seen_by_person",
    "seen_per_quarter",
]

#: Mean length of a quarter in days (365.25 / 4).
QUARTER_DAYS = 365.25 / 4


def persons_per_window(
    arrivals_per_week, mean_stay_days, person_share: float = 1.0, days: float = QUARTER_DAYS
):
    """Distinct persons in the city during a window of ``days``: ``r·(A/7)·(E[T] + L − 1)``.

    Parameters
    ----------
    arrivals_per_week : float or array
        Arrivals (stays beginning) per week, ``A``, all of them (seen or not).
    mean_stay_days : float or array
        Mean stay in days present, ``E[T]`` (the arrival day counted: at least 1).
    person_share : float
        Distinct persons per stay in a window, ``r`` (:func:`person_share_of_stays`).
    days : float
        The window's length ``L`` (default a quarter).

    Returns
    -------
    float or array
        ``N_L``, with the shape of the inputs (per draw when they are draws).
    """
    a = np.asarray(arrivals_per_week, dtype=float)
    t = np.asarray(mean_stay_days, dtype=float)
    out = person_share * a / 7.0 * (t + days - 1.0)
    return float(out) if out.ndim == 0 else out


def _quarter_index(days: np.ndarray) -> np.ndarray:
    """Quarter number since 1970 of each ``datetime64[D]``."""
    months = days.astype("datetime64[M]").astype(np.int64)
    return months // 3


def _pairs(quarter: np.ndarray, person_id) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (quarter, person) pairs: each person once per quarter.

    Returns each pair's person code (into ``persons``), the pairs' codes and ``persons``
    (the distinct ids, in order of appearance).
    """
    person, persons = pd.factorize(np.asarray(person_id))
    person = person.astype(np.int64)
    if not len(quarter):
        return person[:0], person[:0], np.asarray(persons)
    n_p = int(person.max()) + 1
    pairs = np.unique((quarter - quarter.min()) * n_p + person)
    return pairs % n_p, pairs, np.asarray(persons)


def _person_quarters(quarter: np.ndarray, person_id) -> int:
    """How many distinct (quarter, person) pairs: each person counted once per quarter."""
    return len(_pairs(quarter, person_id)[1])


def person_share_of_stays(stays: pd.DataFrame, start, end) -> float:
    """Distinct persons per stay, over the quarters of ``start`` … ``end``: ``r``.

    ``r = Σ_q (persons with a stay overlapping q) / Σ_q (stays overlapping q)``, each stay
    clipped to the period and counted in every calendar quarter it overlaps.

    Parameters
    ----------
    stays : DataFrame
        One row per stay with ``person_id``, ``start`` and ``end`` (dates): the stays the
        arrivals are counted from (one city's).
    start, end : date-like
        The period.

    Returns
    -------
    float
        In ``(0, 1]``; 1.0 when no stay overlaps the period.
    """
    lo = np.datetime64(pd.Timestamp(start).date(), "D")
    hi = np.datetime64(pd.Timestamp(end).date(), "D")
    s = pd.to_datetime(stays["start"]).to_numpy().astype("datetime64[D]")
    e = pd.to_datetime(stays["end"]).to_numpy().astype("datetime64[D]")
    keep = (s <= hi) & (e >= lo)
    if not keep.any():
        return 1.0
    q_lo = _quarter_index(np.maximum(s[keep], lo))
    q_hi = _quarter_index(np.minimum(e[keep], hi))
    reps = (q_hi - q_lo + 1).astype(np.int64)
    first = np.repeat(np.cumsum(reps) - reps, reps)
    quarter = np.repeat(q_lo, reps) + (np.arange(int(reps.sum())) - first)
    person = np.repeat(stays["person_id"].to_numpy()[keep], reps)
    return float(_person_quarters(quarter, person) / len(quarter))


def quarters_seen_by_person(sightings: pd.DataFrame, start, end) -> tuple[pd.Series, int]:
    """How many of the period's whole calendar quarters each person is seen in.

    Parameters
    ----------
    sightings : DataFrame
        One city's sightings (``person_id``, ``date``).
    start, end : date-like
        The period; only the calendar quarters wholly inside it count.

    Returns
    -------
    (Series, int)
        The count per ``person_id`` (persons seen in at least one such quarter) and the
        number of whole quarters (0 when none lies inside the period). Their sum over
        the persons, divided by the quarters, is :func:`seen_per_quarter`; with bootstrap
        person weights ``w``, ``Σ_i w_i c_i`` over the quarters is a replicate's.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    quarters = pd.period_range(lo, hi, freq="Q")
    whole = [q for q in quarters if q.start_time >= lo and q.end_time.normalize() <= hi]
    empty = pd.Series(dtype=float, name="quarters_seen")
    if not whole:
        return empty, 0
    dates = pd.to_datetime(sightings["date"]).to_numpy().astype("datetime64[D]")
    q = _quarter_index(dates)
    first = _quarter_index(np.datetime64(whole[0].start_time.date(), "D"))
    inside = (q >= first) & (q < first + len(whole))  # the whole quarters are consecutive
    who, _, persons = _pairs(q[inside], sightings["person_id"].to_numpy()[inside])
    who = who[who >= 0]  # (no id: nobody to count)
    if not len(who):
        return empty, len(whole)
    counts = np.bincount(who, minlength=len(persons)).astype(float)
    out = pd.Series(counts, index=pd.Index(persons, name="person_id"), name="quarters_seen")
    return out[out > 0].sort_index(), len(whole)


def seen_per_quarter(sightings: pd.DataFrame, start, end) -> float:
    """Distinct persons seen per calendar quarter, the mean over the quarters inside the period.

    Parameters
    ----------
    sightings : DataFrame
        One city's sightings (``person_id``, ``date``).
    start, end : date-like
        The period; only the calendar quarters wholly inside it count (a part of a quarter
        has fewer persons).

    Returns
    -------
    float
        NaN when no calendar quarter lies wholly inside the period.
    """
    counts, n_whole = quarters_seen_by_person(sightings, start, end)
    if not n_whole:
        return float("nan")
    return float(counts.sum() / n_whole)
