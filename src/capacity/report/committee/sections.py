"""Sections of the committee report on question 4, one function per section.

The committee notebook calls these in order; each shows its headings, text, tables and
figures through a :class:`~capacity.report.book.ReportBook`, so every table is numbered
and suppressed and every figure has alt text. Words come from :mod:`capacity.i18n` and
:mod:`capacity.report.committee.text`; numbers from the
:class:`~capacity.question4.Question4Result`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from capacity import figures
from capacity.config import ROOT
from capacity.i18n import (
    format_interval,
    format_number,
    format_percent,
    label,
    language_name,
)
from capacity.i18n.caveats import translate_caveat
from capacity.privacy.grouping import OTHER, group_small
from capacity.report.committee.first_page import page_one
from capacity.report.committee.key_figures import CAPACITY, TARGET_GROUP, key_table, verdict_text
from capacity.report.committee.key_figures import phrase as _x
from capacity.report.committee.scenarios import forecast_and_scenarios, standard_scenarios
from capacity.report.committee.text import INDICATORS, METHODS

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
    threshold = book.params.suppression_threshold
    grouped = grouped_languages(result.languages, threshold, result.target_reach)
    langs = grouped.copy()
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
    persons = grouped.get("persons")
    if persons is None or ((persons == 0) | (persons >= threshold)).any():
        book.figure(figures.languages(grouped, lang, threshold))
    book.figure(
        figures.reach_distribution(result.draws["reach_effective"], result.target_reach, lang)
    )


def count_text(n: float, threshold: int, lang: str) -> str:
    """A count for prose: ``<threshold`` when the tables hide it."""
    return f"<{threshold}" if 0 < n < threshold else format_number(n, lang, 0)


def grouped_languages(languages: pd.DataFrame, threshold: int, target: float) -> pd.DataFrame:
    """Languages with fewer than ``threshold`` persons merged into "other languages".

    Done before any share is shown, so that no share gives back a hidden count (see
    :mod:`capacity.privacy.grouping`).
    """
    if "persons" not in languages:
        return languages
    present = [c for c in ("share_of_target_group", "staff_speakers_fte") if c in languages]
    weighted = [c for c in ("reach", "usable_share", "speaker_share") if c in languages]
    out, grouped = group_small(
        languages,
        "persons",
        threshold,
        sums=present,
        weighted=weighted,
        weight="share_of_target_group" if "share_of_target_group" in languages else None,
    )
    if grouped and "shortfall" in out and "reach" in out:
        out.loc[OTHER, "shortfall"] = bool(out.loc[OTHER, "reach"] < target)
    return out


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
    frame.index = [INDICATORS.get(i, (i, i))[0 if lang == "sv" else 1] for i in frame.index]
    frame = frame.astype(object).where(frame.notna(), None).astype("float64")
    level = format_percent(1 - result.params.alpha, lang, 0)
    covers = rows.loc["mandate_covers_sellers"]
    threshold = book.params.suppression_threshold
    book.text(  # the prose hides what the table hides ("1 of 3" would undo "<5")
        _x(
            book,
            "indicators",
            covers=count_text(covers["count"], threshold, lang),
            ops=count_text(covers["denominator"], threshold, lang),
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
            "days": _x(book, "col_days"),
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
    for paragraph in METHODS[book.lang]:
        book.text(paragraph)


def assumptions(book, result, data) -> None:
    """Caveats from every model, disclosure control and the data used."""
    book.heading("h_assumptions")
    book.text(_x(book, "caveats_intro"))
    # the models write their caveats in English; capacity.i18n.caveats has them in Swedish
    book.bullets([translate_caveat(c, book.lang) for c in result.caveats])
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
