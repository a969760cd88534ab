"""An ad site's looks, and stays split where a new ad shows a return (capture on arrival).

A site that captures an ad when it is posted (``stay_model = "deconvolve_arrival"``) sees a
woman on two kinds of days: the day her ad is posted (her arrival) and the days it looks
again at the ads it holds (its scrapes). Its **look days** are the days on which it saw
again women it had already seen within ``gap_days``: on a scrape day many, on other days
none but a woman who came back and posted anew. A day is a look day when those repeat
sightings reach ``LOOK_SHARE`` times the count of the day a typical repeat sighting falls
on (the median of the days' counts, each day weighted by its count).

A sighting by such a site on a day that is not one of its looks, after the first day of a
stay, is a new ad: she left and came back (a return unseen elsewhere, or within
``gap_days`` of her last sighting) and a new stay begins that day. :func:`split_at_postings`
cuts the merged stays there. Without the cut a return within ``gap_days`` counts as one
long stay seen by every site that saw either piece: longer stays, and a false overlap
between the sites' lists that makes the share of stays on each site too high and the
unseen stays too few (measured in ``docs/methods/stays.md``, "Capture on arrival").
The assumption is the model's own: one ad per stay, captured on the day it is posted or
never; a site that re-posts ads of women who stay would be cut wrongly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["LOOK_SHARE", "look_days", "split_at_postings"]

#: A day is a look of a site when its repeat sightings reach this share of the count of the
#: day a typical repeat sighting falls on.
LOOK_SHARE = 0.1


def look_days(day_person, day_date, day_source, source: int, gap_days: int):
    """Look days of one site: ``(lo, look)``, ``look[i]`` for the day ``lo + i``.

    Parameters
    ----------
    day_person, day_date, day_source : ndarray of int
        Every sighting's person, day and source
        (:class:`~capacity.models.stays.strata.SourceStrata`).
    source : int
        The site's code in ``day_source``.
    gap_days : int
        A repeat sighting is one of a woman the site saw on an earlier day at most this
        many days before.

    Returns
    -------
    lo : int
    look : ndarray of bool, or None when the site has no repeat sightings
    """
    on = day_source == source
    key = np.unique(day_person[on].astype(np.int64) * (1 << 32) + day_date[on].astype(np.int64))
    person, day = key >> 32, key & ((1 << 32) - 1)
    if len(day) == 0:
        return int(day_date.min()), None
    repeat = np.zeros(len(day), dtype=bool)
    repeat[1:] = (person[1:] == person[:-1]) & (day[1:] - day[:-1] <= gap_days)
    lo = int(min(day_date.min(), day.min()))
    span = int(max(day_date.max(), day.max())) - lo + 1
    count = np.bincount(day[repeat] - lo, minlength=span)
    if not np.any(count > 0):
        return lo, None
    # the count of the day a typical repeat sighting falls on (weighted by the sightings,
    # so that many days with a posted return each do not pull it down)
    c = np.sort(count[count > 0])
    typical = float(c[np.searchsorted(np.cumsum(c), 0.5 * c.sum())])
    return lo, count >= max(1.0, LOOK_SHARE * typical)


def split_at_postings(merged: pd.DataFrame, strata, sites) -> pd.DataFrame:
    """``merged`` stays cut where a site capturing on arrival posts a new ad (the module).

    Parameters
    ----------
    merged : DataFrame
        The city's merged stays (:func:`~capacity.models.stays.deconvolve.merge_stays`).
    strata : SourceStrata
        The city's sightings (``day_person``, ``day_date``, ``day_source``).
    sites : sequence of str
        The sources that capture on arrival.

    Returns
    -------
    DataFrame
        The stays, each cut before every such posting after its first day: a piece ends on
        its last sighting before the posting and is ended (not going on at the data's end);
        the next piece begins on the posting day, inside the window and with a known
        origin. Same columns and attrs; ``posted_returns`` in attrs counts the cuts.
    """
    out = merged.copy()
    out.attrs.update(merged.attrs)
    out.attrs["posted_returns"] = 0
    if strata.day_person is None or merged.empty:
        return out
    sources = list(strata.sources)
    codes = [sources.index(x) for x in sites if x in sources]
    if not codes:
        return out
    code = strata.persons.get_indexer(merged["person_id"])
    first = merged["start"].to_numpy("datetime64[D]").astype(np.int64)
    last = merged["end"].to_numpy("datetime64[D]").astype(np.int64)
    # each sighting's merged stay: the stay of the person starting last on or before it
    lo = int(min(first.min(), strata.day_date.min()))
    width = int(max(last.max(), strata.day_date.max())) - lo + 1
    stay_key = code.astype(np.int64) * width + (first - lo)
    order = np.argsort(stay_key, kind="stable")
    at = np.searchsorted(
        stay_key[order], strata.day_person * width + (strata.day_date - lo), side="right"
    )
    ok = at > 0
    hit = order[np.where(ok, at - 1, 0)]
    ok &= (code[hit] == strata.day_person) & (strata.day_date <= last[hit])
    ok &= strata.day_date > first[hit]
    cut = np.zeros(len(strata.day_date), dtype=bool)
    for src in codes:
        d0, look = look_days(
            strata.day_person, strata.day_date, strata.day_source, src, strata.gap_days
        )
        if look is None:
            continue
        mine = ok & (strata.day_source == src)
        idx = np.clip(strata.day_date - d0, 0, len(look) - 1)
        cut |= mine & ~look[idx]
    if not cut.any():
        return out
    cuts = pd.DataFrame({"stay": hit[cut], "day": strata.day_date[cut]}).drop_duplicates()
    days = pd.DataFrame({"stay": hit[ok], "day": strata.day_date[ok]}).drop_duplicates()
    return _cut(out, first, cuts, days)


def _cut(out: pd.DataFrame, first, cuts: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """The stays with a new piece from every ``cuts`` day (``days``: the later sighting days).

    Vectorised over the pieces: a stay with ``c`` cut days becomes ``c + 1`` pieces, the
    first from its first day, each later one from its cut day; every sighting day of the
    stay (its first and ``days``) falls in the piece that starts last on or before it,
    which ends on the last of them and has as many sighting days as fall in it.
    """
    cut_stay = cuts["stay"].to_numpy(dtype=np.int64)
    cut_day = cuts["day"].to_numpy(dtype=np.int64)
    stays = np.unique(cut_stay)
    first = np.asarray(first, dtype=np.int64)
    # pieces (stay, start day), in stay order and, within a stay, by start (cut days > first)
    p_stay = np.concatenate([stays, cut_stay])
    p_start = np.concatenate([first[stays], cut_day])
    order = np.lexsort((p_start, p_stay))
    p_stay, p_start = p_stay[order], p_start[order]
    p_lead = np.r_[True, p_stay[1:] != p_stay[:-1]]  # the stay's first piece
    p_tail = np.r_[p_stay[1:] != p_stay[:-1], True]  # its last piece
    # the sighting days of the cut stays (their first day and the later ones), each once
    d_stay = days["stay"].to_numpy(dtype=np.int64)
    d_day = days["day"].to_numpy(dtype=np.int64)
    mine = np.isin(d_stay, stays)
    s_stay = np.concatenate([stays, d_stay[mine]])
    s_day = np.concatenate([first[stays], d_day[mine]])
    lo = int(min(s_day.min(), p_start.min()))
    width = int(max(s_day.max(), p_start.max())) - lo + 1
    s_key = np.unique(s_stay * width + (s_day - lo))
    piece = np.searchsorted(p_stay * width + (p_start - lo), s_key, side="right") - 1
    n_seen = np.bincount(piece, minlength=len(p_stay))
    end = np.full(len(p_stay), np.iinfo(np.int64).min)
    np.maximum.at(end, piece, s_key % width + lo)
    new = out.iloc[p_stay].reset_index(drop=True)
    start = pd.Series(p_start.astype("datetime64[D]")).astype(out["start"].dtype)
    new["start"] = start.to_numpy()
    new["end"] = pd.Series(end.astype("datetime64[D]")).astype(out["end"].dtype).to_numpy()
    new["n_sightings"] = n_seen
    new["duration_days"] = (end - p_start + 1).astype(float)
    new["year"] = start.dt.year.to_numpy()
    new["pieces"] = 1
    later = ~p_lead
    new.loc[later, "entry_days"] = 0.0
    new.loc[later, "left_truncated"] = False
    new.loc[~p_tail, "right_censored"] = False
    kept = out.drop(index=out.index[stays])
    res = pd.concat([kept, new], ignore_index=True)
    res = res.astype({c: out[c].dtype for c in out.columns})
    res.attrs.update(out.attrs)
    res.attrs["posted_returns"] = len(cuts)
    return res.sort_values(["person_id", "start"], kind="stable").reset_index(drop=True)
