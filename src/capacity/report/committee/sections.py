"""Sections of the committee report on question 4, one function per section.

The committee notebook calls these in order; each shows its headings, text, tables and
figures through a :class:`~capacity.report.book.ReportBook`, so every table is numbered
and suppressed and every figure has alt text. Words come from the catalogue in :mod:`capacity.i18n`
(the committee's own sentences in :mod:`capacity.i18n.committee`); numbers from the
:class:`~capacity.question4.Question4Result`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from capacity import figures
from capacity.config import ROOT
from capacity.i18n import (
    CATALOGUE,
    format_interval,
    format_number,
    format_percent,
    label,
    language_name,
    t,
)
from capacity.i18n.committee import METHOD_KEYS
from capacity.report.committee.first_page import page_one
from capacity.report.committee.key_figures import CAPACITY, TARGET_GROUP, key_table, verdict_text
from capacity.report.committee.key_figures import phrase as _x
from capacity.report.committee.scenarios import forecast_and_scenarios, standard_scenarios

__all__ = [
    "assumptions",
    "capacity",
    "forecast_and_scenarios",
    "indicators",
    "methods",
    "page_one",
    "provenance",
    "standard_scenarios",
    "target_group",
    "verdict_text",
]


def arrivals_trend_sentence(book, fitted) -> str | None:
    """How arrivals change per year (the forecast's rate ratio), or None without a forecast."""
    if fitted is None or getattr(fitted, "forecast", None) is None:
        return None
    rr, lo, hi = fitted.forecast.trend_per_year
    lang = book.lang
    change = format_percent(abs(rr - 1), lang)
    ci = format_interval(100 * (lo - 1), 100 * (hi - 1), lang, decimals=0)
    ci += "\xa0%" if lang == "sv" else "%"
    key = "arrivals_up" if lo > 1 else "arrivals_down" if hi < 1 else "arrivals_flat"
    return _x(book, key, change=change, ci=ci)


def target_group(book, result, fitted=None) -> None:
    """Size, arrivals and their trend, stays and their trend, and touring between cities."""
    lang = book.lang
    kf = result.key_figures
    book.heading("h_target_group", new_page=True)
    hr = kf.loc["stay_hr_per_year"]
    if pd.isna(hr["estimate"]) or pd.isna(hr["ci_lower"]):
        trend = None
    elif hr["ci_lower"] > 1:
        trend = _x(book, "trend_shorter")
    elif hr["ci_upper"] < 1:
        trend = _x(book, "trend_longer")
    else:
        trend = _x(book, "trend_none")
    text_key = "target_group" if trend else "target_group_no_trend"
    book.text(
        _x(
            book,
            text_key,
            present=format_number(kf.loc["population_present", "estimate"], lang, 0),
            period=format_number(kf.loc["persons_in_period", "estimate"], lang, 0),
            arrivals=format_number(kf.loc["arrivals_per_week", "estimate"], lang, 1),
            median=format_number(kf.loc["median_stay_days", "estimate"], lang, 0),
            hr=format_number(hr["estimate"], lang, 2),
            hr_ci=format_interval(hr["ci_lower"], hr["ci_upper"], lang, decimals=2),
            trend=trend,
        )
    )
    trend_text = arrivals_trend_sentence(book, fitted)
    if trend_text:
        book.text(trend_text)
    key_table(book, result, TARGET_GROUP, "target_group", book.t("h_target_group"))
    st = result.stays
    book.figure(figures.survival_curve(st.survival_frame(), lang, st.median_days))
    tour = result.touring
    book.text(
        _x(
            book,
            "touring",
            mean=format_number(tour.mean_cities, lang, 2),
            share=format_percent(tour.share_multi_city, lang),
        )
    )
    flows = tour.flow_matrix
    if flows is not None and flows.size:
        flows = flows.copy()
        flows.index = flows.index.astype(str)
        flows.columns = flows.columns.astype(str)
        book.table(
            flows.astype("int64"),
            name="flows",
            caption=_x(book, "flows_caption"),
            kinds=dict.fromkeys(flows.columns, "count"),
            index_header=_x(book, "flows_from"),
        )


def capacity(book, result) -> None:
    """Outreach FTE, productivity, competence (languages, training) and reach."""
    lang = book.lang
    book.heading("h_capacity", new_page=True)
    kf = result.key_figures
    book.text(
        _x(
            book,
            "capacity",
            fte=format_number(kf.loc["fte_outreach_now", "estimate"], lang, 1),
            rate=format_number(kf.loc["contacts_per_hour", "estimate"], lang, 2),
            trained=format_percent(kf.loc["trained_share", "estimate"], lang),
            any=format_percent(kf.loc["reach_any_language", "estimate"], lang),
            eff=format_percent(kf.loc["reach_effective", "estimate"], lang),
        )
    )
    key_table(book, result, CAPACITY, "capacity", book.t("h_capacity"))
    langs = result.languages.copy()
    langs.index = [language_name(c, lang) for c in langs.index]
    cols = ["persons", "share_of_target_group", "staff_speakers_fte", "reach", "shortfall"]
    frame = langs[[c for c in cols if c in langs.columns]]
    book.table(
        frame,
        name="languages",
        caption=_x(book, "languages_caption"),
        headers={
            "persons": _x(book, "persons_seen"),
            **{c: label(c, lang) for c in cols[1:]},
        },
        kinds={
            "persons": "count",
            "share_of_target_group": "percent",
            "staff_speakers_fte": "number1",
            "reach": "percent",
            "shortfall": "bool",
        },
        linked={"persons": ["share_of_target_group"]},
        index_header=label("col_language", lang),
    )
    threshold = book.params.suppression_threshold
    persons = result.languages.get("persons")
    if persons is None or ((persons == 0) | (persons >= threshold)).any():
        book.figure(figures.languages(result.languages, lang, threshold))
    book.figure(
        figures.reach_distribution(result.draws["reach_effective"], result.target_reach, lang)
    )


def indicators(book, result) -> None:
    """Questions 1–3 from the joint operations: mandate, information on rights, support."""
    lang = book.lang
    book.heading("h_indicators", new_page=True)
    ind = result.indicators
    if ind is None or not len(ind):
        book.text(_x(book, "no_operations"))
        return
    rows = ind.xs("all", level="mandate")
    frame = pd.DataFrame(
        {
            "operations": rows["count"].where(
                rows.index.isin(["operations", "mandate_covers_sellers", "social_workers"])
            ),
            "persons": rows["count"].where(
                ~rows.index.isin(
                    [
                        "operations",
                        "mandate_covers_sellers",
                        "social_workers",
                        "median_days_to_support",
                    ]
                )
            ),
            "denominator": rows["denominator"],
            "share": rows["share"],
            "ci_lower": rows["ci_lower"],
            "ci_upper": rows["ci_upper"],
            "days": rows["value"],
        }
    ).astype("Float64")
    frame.index = [t(f"ind_{i}", lang) if f"ind_{i}" in CATALOGUE else i for i in frame.index]
    frame = frame.astype(object).where(frame.notna(), None).astype("float64")
    level = format_percent(1 - result.params.alpha, lang, 0)
    covers = rows.loc["mandate_covers_sellers"]
    book.text(
        _x(
            book,
            "indicators",
            covers=format_number(covers["count"], lang, 0),
            ops=format_number(covers["denominator"], lang, 0),
        )
    )
    book.table(
        frame,
        name="indicators",
        caption=_x(book, "indicators_caption"),
        headers={
            "operations": _x(book, "col_number"),
            "persons": book.t("col_persons"),
            "denominator": _x(book, "col_of"),
            "share": _x(book, "col_share"),
            "ci_lower": "ci_lower",
            "ci_upper": "ci_upper",
            "days": _x(book, "col_stay_days"),
        },
        kinds={
            "operations": "number",
            "persons": "count",
            "denominator": "count",
            "share": "percent",
            "ci_lower": "percent",
            "ci_upper": "percent",
            "days": "number1",
        },
        count_columns=["persons", "denominator"],
        linked={
            "persons": ["share", "ci_lower", "ci_upper"],
            "denominator": ["share", "ci_lower", "ci_upper"],
        },
        index_header=_x(book, "indicator"),
        interval=("ci_lower", "ci_upper"),
        interval_header=book.t("kf_interval", level=level),
    )


def methods(book) -> None:
    """The model in plain words."""
    book.heading("h_methods", new_page=True)
    for key in METHOD_KEYS:
        book.text(t(key, book.lang))


def assumptions(book, result, data) -> None:
    """Caveats from every model, disclosure control and the data used."""
    book.heading("h_assumptions")
    book.text(_x(book, "caveats_intro"))
    book.caveats(result.caveats)
    book.heading("h_suppression", level=3)
    book.suppression_note()


def provenance(book, data, params) -> None:
    """Input files with SHA-256, key parameters and the code version."""
    from capacity.report.provenance import git_commit, package_versions

    book.heading("h_provenance")
    book.text(_x(book, "provenance_intro"))
    items = {
        _x(book, "dataset"): f"{data.meta.get('title', '')} ({params.data_dir})",
    }
    for table, info in data.files.items():
        path = Path(str(info.get("path", "")))
        with contextlib.suppress(ValueError):
            path = path.resolve().relative_to(ROOT)
        rows = format_number(info.get("rows", float("nan")), book.lang, 0)
        items[table] = f"{path} · {rows} {_x(book, 'rows')} · SHA-256 {info.get('sha256', '')}"
    items[_x(book, "parameters")] = ", ".join(
        f"{k}={v}" for k, v in params.to_dict().items() if k not in ("output_dir", "data_dir")
    )
    items["git"] = git_commit()
    items[_x(book, "software")] = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    book.definitions(items)
