"""Competence: can outreach talk with the target group in a language they understand?

A contact helps only if it is held in a language the person understands — by a staff member
who speaks it or through an interpreter (Convention art. 12) — and identification of
trafficking needs trained staff (art. 10). This module turns the sightings and staff tables
into the inputs of effective reach (see ``docs/methods/competence.md``):

- ``π_L``, the target group's language shares (:func:`language_shares`);
- outreach and casework FTE, speakers' FTE per language and the trained share
  (:func:`staff_capacity`);
- the interpreter share (:func:`estimate_interpreter_share`);
- ``m_L``, the share of contacts usable in language ``L`` (:func:`language_factors`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.exceptions import DataError, Problem
from capacity.models._base import Results, tidy

UNKNOWN = "unknown"


def language_shares(sightings: pd.DataFrame, person_lang: pd.Series | None = None) -> pd.DataFrame:
    """Language shares ``π_L`` of the persons in the sightings.

    Parameters
    ----------
    sightings : pandas.DataFrame
        Columns ``person_id`` and ``language`` (ISO 639-1, missing = unknown).
    person_lang : Series, optional
        :func:`person_languages` of these sightings when the caller has it.

    Returns
    -------
    pandas.DataFrame
        Indexed by language (sorted), columns ``persons`` (int), ``share_observed`` (among
        persons with a known language) and ``share`` (``π_L``). ``frame.attrs`` holds
        ``unknown_persons`` and ``unknown_share``.

    Notes
    -----
    A person's language is the one most often recorded for her (ties: alphabetical first,
    so row order never matters). Persons whose language is never recorded are spread over
    the known languages in proportion (missing at random):
    ``π_L = n_L / Σ_K n_K``. Their number is kept in ``attrs`` so reports can say how many.

    Examples
    --------
    >>> s = pd.DataFrame({"person_id": ["a", "a", "b", "c"],
    ...                   "language": ["ro", "ro", "en", None]})
    >>> language_shares(s)["share"].round(2).to_dict()
    {'en': 0.5, 'ro': 0.5}
    """
    everyone = sightings["person_id"].astype("string").dropna().unique()
    first = (person_languages(sightings) if person_lang is None else person_lang).reset_index()
    per_language = first.groupby("language").size().astype("int64").sort_index()
    n_known = int(per_language.sum())
    n_unknown = int(len(everyone) - n_known)
    if n_known == 0:
        raise DataError(
            Problem(
                "sightings",
                None,
                "language",
                None,
                "no person in the city and period has a recorded language",
                "fill in sightings.language (ISO 639-1) for at least some persons.",
            )
        )
    frame = pd.DataFrame(
        {
            "persons": per_language,
            "share_observed": per_language / n_known,
            "share": per_language / n_known,
        }
    )
    frame.index = pd.Index([str(i) for i in frame.index], name="language")
    frame.attrs["unknown_persons"] = n_unknown
    frame.attrs["unknown_share"] = n_unknown / max(len(everyone), 1)
    return frame


def person_languages(sightings: pd.DataFrame) -> pd.Series:
    """Each person's language: the one most often recorded for her (ties: alphabetical).

    Persons with no recorded language are absent. Index ``person_id``, values language.
    """
    persons = sightings["person_id"].astype("string")
    lang = sightings["language"].astype("string").str.strip().str.lower()
    known = pd.DataFrame({"person_id": persons, "language": lang}).dropna()
    known = known[known["language"] != ""]
    counts = known.groupby(["person_id", "language"]).size().rename("n").reset_index()
    counts = counts.sort_values(["person_id", "n", "language"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")["language"]


@dataclass(frozen=True, repr=False)
class StaffCapacity(Results):
    """Average staffing in a city and period (FTE per month).

    Counted from the staff table (a register), not estimated: its tidy frame has no
    standard errors or intervals (NaN).
    """

    outreach_fte: float
    casework_fte: float
    trained_share: float
    speakers_fte: pd.Series
    months: int
    staff_members: int
    team_coverage: pd.Series | None = None
    title: str = "Staff capacity (staff table)"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Staffing as the tidy frame (no SEs: counted, not estimated).

        Rows ``outreach_fte``, ``casework_fte``, ``trained_share``, ``staff_members``,
        ``months`` and ``speakers_fte_<language>``.
        """
        self._alpha(alpha)
        nan = float("nan")
        rows = {
            k: float(getattr(self, k))
            for k in ("outreach_fte", "casework_fte", "trained_share", "staff_members", "months")
        }
        rows |= {f"speakers_fte_{k}": float(v) for k, v in self.speakers_fte.items()}
        return tidy({k: (v, nan, nan, nan) for k, v in rows.items()})


def staff_capacity(
    staff: pd.DataFrame, city: str, start: dt.date | None = None, end: dt.date | None = None
) -> StaffCapacity:
    """Outreach and casework FTE, speakers per language and trained share.

    Parameters
    ----------
    staff : pandas.DataFrame
        The staff table (``month``, ``city``, ``fte``, ``outreach_share``, ``languages``,
        ``trafficking_trained``).
    city : str
        City to select.
    start, end : datetime.date, optional
        Period; months whose first day lies in ``[start's month, end]`` are used.

    Returns
    -------
    StaffCapacity

    Notes
    -----
    Per month ``m``: outreach FTE ``O_m = Σ_i fte_i·outreach_share_i``, casework FTE
    ``Σ_i fte_i·(1 − outreach_share_i)``, speakers of ``L``: ``Σ_{i speaks L} fte_i·
    outreach_share_i``. Each is averaged over the months that have staff rows. Trained
    share = trained outreach FTE / outreach FTE. ``team_coverage[L]`` is the outreach-FTE
    weighted share of team-months in which at least one outreach member speaks ``L`` (the
    language is available to the whole team).
    """
    rows = staff[staff["city"].astype("string") == city]
    if start is not None:
        first = pd.Timestamp(start).to_period("M").to_timestamp()
        rows = rows[rows["month"] >= first]
    if end is not None:
        rows = rows[rows["month"] <= pd.Timestamp(end)]
    if rows.empty:
        raise DataError(
            Problem(
                "staff",
                None,
                "city",
                city,
                f"no staff rows for {city} in the period {start} to {end}",
                "add the outreach team's staff months, or choose a city and period the staff "
                f"table covers (cities: {', '.join(sorted(staff['city'].astype(str).unique()))}).",
            )
        )
    months = int(rows["month"].nunique())
    fte = rows["fte"].to_numpy(dtype=float)
    share = rows["outreach_share"].to_numpy(dtype=float)
    out = fte * share
    trained = rows["trafficking_trained"].to_numpy(dtype=bool)
    langs = (
        rows["languages"]
        .astype("string")
        .fillna("")
        .str.lower()
        .str.replace(" ", "", regex=False)
        .str.split(";")
    )
    team_month = pd.Series(
        pd.factorize(pd.MultiIndex.from_arrays([rows["team"].astype(str), rows["month"]]))[0],
        index=rows.index,
    )
    exploded = pd.DataFrame(
        {"language": langs, "out": out, "tm": team_month.to_numpy()}, index=rows.index
    ).explode("language")
    exploded = exploded[exploded["language"].astype(str) != ""]
    speakers = exploded.groupby("language")["out"].sum().sort_index() / months
    speakers.index = pd.Index([str(i) for i in speakers.index], name="language")
    total_out = out.sum()
    tm_fte = pd.Series(out).groupby(team_month.to_numpy()).sum()
    active = exploded[exploded["out"] > 0].drop_duplicates(["language", "tm"])
    covered = active.groupby("language")["tm"].agg(
        lambda tm: tm_fte.reindex(tm).sum() / tm_fte.sum() if tm_fte.sum() > 0 else 0.0
    )
    covered.index = pd.Index([str(i) for i in covered.index], name="language")
    return StaffCapacity(
        outreach_fte=float(total_out / months),
        casework_fte=float((fte * (1 - share)).sum() / months),
        trained_share=float(out[trained].sum() / total_out) if total_out > 0 else 0.0,
        speakers_fte=speakers.astype(float),
        months=months,
        staff_members=int(rows["staff_id"].nunique()),
        team_coverage=covered.astype(float).sort_index(),
    )


def estimate_interpreter_share(outreach: pd.DataFrame) -> float | None:
    """Share of contacts outside staff languages held through an interpreter.

    Notes
    -----
    ``ι = Σ interpreter_used / Σ (contacts − contacts_own_language)``, clipped to [0, 1];
    ``None`` when no contact needed an interpreter (denominator 0): then the assumption
    ``params.interpreter_share`` (or 0) must be used.

    Examples
    --------
    >>> o = pd.DataFrame({"contacts": [10, 10], "contacts_own_language": [6, 10],
    ...                   "interpreter_used": [1, 0]})
    >>> estimate_interpreter_share(o)
    0.25
    """
    need = float((outreach["contacts"] - outreach["contacts_own_language"]).clip(lower=0).sum())
    if need <= 0:
        return None
    return float(np.clip(outreach["interpreter_used"].sum() / need, 0.0, 1.0))


def language_factors(
    languages: pd.Index, speakers_fte: pd.Series, outreach_fte: float, interpreter_share: float
) -> pd.Series:
    """Share ``m_L`` of outreach contacts usable in each language.

    Notes
    -----
    With ``s_L = min(1, speakers_fte_L / outreach_fte)`` the share of outreach capacity
    held by speakers of ``L`` and ``ι`` the interpreter share,
    ``m_L = s_L + (1 − s_L)·ι``. A language with no speaker and no interpreter has
    ``m_L = 0``: no amount of staff reaches its speakers.

    Examples
    --------
    >>> language_factors(pd.Index(["ro", "sv"]), pd.Series({"sv": 2.0}), 2.0, 0.5).to_dict()
    {'ro': 0.5, 'sv': 1.0}
    """
    speakers = speakers_fte.reindex(languages).fillna(0.0).to_numpy(dtype=float)
    s = np.clip(speakers / outreach_fte, 0.0, 1.0) if outreach_fte > 0 else np.zeros(len(speakers))
    return pd.Series(s + (1 - s) * float(interpreter_share), index=languages, name="m")


def observed_own_language_share(outreach: pd.DataFrame) -> float | None:
    """``Σ contacts_own_language / Σ contacts`` from the outreach log (``None`` if no contacts)."""
    total = float(outreach["contacts"].sum())
    return float(outreach["contacts_own_language"].sum() / total) if total > 0 else None


def speaker_share(
    capacity: StaffCapacity,
    shares: pd.Series,
    observed_own: float | None,
) -> tuple[pd.Series, str, dict[str, float]]:
    """Share ``s_L`` of contacts that staff can hold in language ``L`` without interpreter.

    Parameters
    ----------
    capacity : StaffCapacity
        From :func:`staff_capacity`.
    shares : pandas.Series
        ``π_L`` indexed by language.
    observed_own : float or None
        Own-language share of contacts in the outreach log
        (:func:`observed_own_language_share`).

    Returns
    -------
    s : pandas.Series
        ``s_L`` per language of ``shares``.
    basis : {"team", "fte"}
        Which assumption was used.
    predicted : dict
        Own-language share each assumption predicts (and the observed one).

    Notes
    -----
    Two assumptions bracket how teams use their languages:

    - ``fte``: a contact is held by a random staff member, so ``s_L`` is the speakers'
      share of outreach FTE;
    - ``team``: a speaker anywhere in the team takes the contacts in her language, so
      ``s_L`` is the FTE-weighted share of team-months with at least one speaker.

    Each predicts the log's own-language share as ``Σ_L π_L s_L``; the assumption closer
    to the observed share is used (``team`` when the log has no contacts). This lets the
    data, not the analyst, decide how language skills are pooled.
    """
    idx = shares.index
    fte = (capacity.speakers_fte.reindex(idx).fillna(0.0) / capacity.outreach_fte).clip(0, 1)
    coverage = capacity.team_coverage if capacity.team_coverage is not None else fte
    team = coverage.reindex(idx).fillna(0.0).clip(0, 1)
    pred = {
        "fte": float((shares * fte).sum()),
        "team": float((shares * team).sum()),
    }
    if observed_own is None:
        return team, "team", pred
    pred["observed"] = observed_own
    if abs(pred["fte"] - observed_own) < abs(pred["team"] - observed_own):
        return fte, "fte", pred
    return team, "team", pred


def usable_share(s: pd.Series, interpreter_share: float) -> pd.Series:
    """``m_L = s_L + (1 − s_L)·ι``: contacts usable in ``L`` by staff or interpreter."""
    return (s + (1 - s) * float(interpreter_share)).rename("m")
