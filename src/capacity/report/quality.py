"""Data-quality tables of a dataset for one city and period (the data-quality notebook).

Each function returns a plain frame; the notebook shows it through
:class:`~capacity.report.book.ReportBook`, which applies small-cell suppression to the
columns that count persons.
"""

from __future__ import annotations

import pandas as pd

from capacity.config import Params
from capacity.i18n import CATALOGUE, t

_DATE = {"sightings": "date", "outreach": "date", "staff": "month", "operations": "start_date"}


def _in_scope(frame: pd.DataFrame, table: str, params: Params) -> pd.Series:
    date = frame[_DATE[table]]
    start = pd.Timestamp(params.period_start)
    end = pd.Timestamp(params.period_end)
    in_period = (
        date >= start.to_period("M").to_timestamp() if table == "staff" else date >= start
    ) & (date <= end)
    return in_period & (frame["city"] == params.city)


def table_overview(data, params: Params) -> pd.DataFrame:
    """Rows per table: in the file, in the city, in the city and period; file and SHA-256."""
    rows = {}
    for table in ("sightings", "outreach", "staff", "operations"):
        frame = data.table(table)
        info = data.files.get(table, {})
        rows[table] = {
            "rows": len(frame),
            "rows_city": int((frame["city"] == params.city).sum()),
            "rows_scope": int(_in_scope(frame, table, params).sum()),
            "file": str(info.get("path", "")).rsplit("/", 1)[-1],
            "sha256": str(info.get("sha256", ""))[:12],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def sources(data, params: Params) -> pd.DataFrame:
    """Per source: sightings, distinct persons, days with sightings and share with a language."""
    s = data.sightings[_in_scope(data.sightings, "sightings", params)]
    g = s.groupby("source", observed=True)
    out = pd.DataFrame(
        {
            "sightings": g.size(),
            "persons": g["person_id"].nunique(),
            "days": g["date"].nunique(),
            "language_known": g["language"].agg(lambda x: x.notna().mean()),
        }
    )
    out.index = out.index.astype(str)
    return out.sort_index()


def overlap(data, params: Params) -> pd.DataFrame:
    """Persons seen by 1, 2, … sources (the capture-history overlap behind the population size)."""
    s = data.sightings[_in_scope(data.sightings, "sightings", params)]
    k = s.groupby("person_id")["source"].nunique()
    counts = k.value_counts().sort_index()
    out = pd.DataFrame({"persons": counts.astype("int64")})
    out.index = [str(i) for i in out.index]
    return out


def outreach_by_channel(data, params: Params) -> pd.DataFrame:
    """Per channel: shifts, staff-hours, contacts, new persons and new persons per staff-hour."""
    o = data.outreach[_in_scope(data.outreach, "outreach", params)]
    g = o.groupby("channel", observed=True)
    out = pd.DataFrame(
        {
            "shifts": g.size(),
            "staff_hours": g["staff_hours"].sum(),
            "contacts": g["contacts"].sum(),
            "new_persons": g["new_persons"].sum(),
        }
    )
    out["new_per_hour"] = out["new_persons"] / out["staff_hours"]
    out.index = out.index.astype(str)
    return out


def staffing_by_month(data, params: Params) -> pd.DataFrame:
    """Per month: staff, FTE, outreach FTE (FTE × outreach share) and trained share of it."""
    st = data.staff[_in_scope(data.staff, "staff", params)].copy()
    st["outreach_fte"] = st["fte"] * st["outreach_share"]
    st["trained_fte"] = st["outreach_fte"].where(st["trafficking_trained"], 0.0)
    g = st.groupby("month")
    out = pd.DataFrame(
        {
            "staff": g["staff_id"].nunique(),
            "fte": g["fte"].sum(),
            "outreach_fte": g["outreach_fte"].sum(),
            "trained_share": g["trained_fte"].sum() / g["outreach_fte"].sum(),
        }
    )
    out.index = out.index.strftime("%Y-%m")
    return out


def monthly_sightings(data, params: Params) -> pd.DataFrame:
    """Distinct persons per month and source (for the coverage figure)."""
    s = data.sightings[_in_scope(data.sightings, "sightings", params)]
    month = s["date"].dt.to_period("M").dt.to_timestamp()
    return (
        s.assign(month=month)
        .groupby(["month", "source"], observed=True)["person_id"]
        .nunique()
        .unstack("source", fill_value=0)
        .sort_index()
    )


def channel_name(code: str, lang: str) -> str:
    """Outreach channel code as words in the report language (unknown codes unchanged)."""
    key = f"channel_{code}"
    return t(key, lang) if key in CATALOGUE else str(code)


def _labels(columns, lang: str) -> dict[str, str]:
    from capacity.i18n import label

    return {c: label(c, lang) for c in columns}


def overlap_table(book, data, params: Params) -> None:
    """The table of :func:`overlap` (persons by how many sources saw them), in the book's language.

    The data-quality and population-size notebooks both show it.
    """
    from capacity.i18n import label

    ovl = overlap(data, params)
    book.table(
        ovl,
        name="overlap",
        caption=book.t("cap_overlap"),
        headers=_labels(ovl.columns, book.lang),
        kinds={"persons": "count"},
        sum_columns=True,  # every person seen once in the period
        index_header=label("col_n_sources", book.lang),
    )


def show(book, data, params: Params) -> None:
    """Every data-quality table and the coverage figure, through ``book`` (numbered, suppressed)."""
    from capacity import figures
    from capacity.i18n import format_date, label
    from capacity.report.provenance import dataset_title

    lang = params.language
    book.text(
        book.t(
            "dq_intro",
            title=dataset_title(data.meta, lang),
            start=format_date(params.period_start, lang),
            end=format_date(params.period_end, lang),
            city=params.city,
        )
    )
    ov = table_overview(data, params)
    book.table(
        ov,
        name="tables",
        caption=book.t("cap_overview", city=params.city),
        headers=_labels(ov.columns, lang),
        kinds={"rows": "number", "rows_city": "number", "rows_scope": "number"},
        count_columns=[],
        index_header=label("col_table", lang),
    )
    book.heading("h_dq_sources")
    src = sources(data, params)
    book.table(
        src,
        name="sources",
        caption=book.t("cap_sources"),
        headers=_labels(src.columns, lang),
        kinds={
            "sightings": "count",
            "persons": "count",
            "days": "number",
            "language_known": "percent",
        },
        count_columns=["sightings", "persons"],  # one sighting is one person
        sum_columns=["sightings"],  # they add up to the overview's rows in scope
        linked={"sightings": ["language_known"]},
        index_header=label("col_source", lang),
    )
    overlap_table(book, data, params)
    monthly = monthly_sightings(data, params)
    if (monthly >= params.suppression_threshold).any().any():
        book.figure(figures.monthly_persons(monthly, lang, params.suppression_threshold))
    book.heading("h_dq_outreach")
    ch = outreach_by_channel(data, params)
    ch.index = [channel_name(c, lang) for c in ch.index]
    book.table(
        ch,
        name="channels",
        caption=book.t("cap_channels"),
        headers=_labels(ch.columns, lang),
        kinds={
            "shifts": "number",
            "staff_hours": "number",
            "contacts": "count",
            "new_persons": "count",
            "new_per_hour": "number2",
        },
        sum_columns=True,
        linked={"new_persons": ["new_per_hour"]},  # times the shown hours gives it back
        index_header=label("col_channel", lang),
    )
    book.heading("h_dq_staff")
    sf = staffing_by_month(data, params)
    book.table(
        sf,
        name="staffing",
        caption=book.t("cap_staffing"),
        headers=_labels(sf.columns, lang),
        kinds={
            "staff": "number",
            "fte": "number1",
            "outreach_fte": "number1",
            "trained_share": "percent",
        },
        count_columns=[],
        index_header=label("col_month", lang),
    )
    book.suppression_note()
