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

import numpy as np
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
from capacity.privacy.grouping import OTHER, group_small
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


def synthetic_trends_sentence(book, result) -> str | None:
    """Which trends are built into synthetic data (from its generator's truth file)."""
    import json

    if not result.synthetic:
        return None
    path = Path(result.params.data_path) / "truth" / "truth.json"
    try:
        cfg = json.loads(path.read_text(encoding="utf-8"))["config"]
        growth = float(cfg["arrivals_growth_per_year"]) - 1
        first, last = float(cfg["median_stay_first_year"]), float(cfg["median_stay_last_year"])
    except (OSError, KeyError, TypeError, ValueError):
        return _x(book, "synthetic_trends_unknown")
    lang = book.lang
    return _x(
        book,
        "synthetic_trends",
        growth=format_percent(growth, lang),
        first=format_number(first, lang, 0),
        last=format_number(last, lang, 0),
    )


def target_group(book, result, fitted=None) -> None:
    """Size, arrivals and their trend, stays and their trend, and touring between cities."""
    lang = book.lang
    kf = result.key_figures
    book.heading("h_target_group")
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
            quarter=format_number(kf.loc["persons_per_quarter", "estimate"], lang, 0),
            arrivals=format_number(kf.loc["arrivals_per_week", "estimate"], lang, 0),
            median=format_number(kf.loc["median_stay_days", "estimate"], lang, 0),
            hr=format_number(hr["estimate"], lang, 2),
            hr_ci=format_interval(hr["ci_lower"], hr["ci_upper"], lang, decimals=2),
            trend=trend,
        )
    )
    ratio, (r_lo, r_hi) = result.stays.median_ratio_per_year, result.stays.median_ratio_ci
    if np.isfinite(ratio) and np.isfinite(r_lo):
        ci = format_interval(r_lo, r_hi, lang, decimals=2)
        book.text(_x(book, "median_ratio", ratio=format_number(ratio, lang, 2), ci=ci))
    trend_text = arrivals_trend_sentence(book, fitted)
    if trend_text:
        book.text(trend_text)
    built_in = synthetic_trends_sentence(book, result)
    if built_in:
        book.text(built_in)
    key_table(book, result, TARGET_GROUP, "target_group", book.t("h_target_group"))
    st = result.stays
    book.figure_of(figures.survival_curve, st.survival_frame(), lang, st.median_days, height=2.1)
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
        sentence = flows_sentence(book, flows, result.city)
        if sentence:
            book.text(sentence)
        book.table(
            flows.astype("int64"),
            name="flows",
            caption=_x(book, "flows_caption"),
            kinds=dict.fromkeys(flows.columns, "count"),
            index_header=_x(book, "flows_from"),
            sum_rows=True,  # a city's stays followed by another (the sentence prints it)
            sum_columns=True,  # stays that began in a city after another
        )


def flows_sentence(book, flows: pd.DataFrame, city: str) -> str | None:
    """The city-to-city table in one sentence: where stays in ``city`` lead next.

    Only totals at or above the suppression threshold are written (disclosure control);
    the two commonest next cities are named without their counts. When the table hides the
    returns to ``city``, the share moving on is not written either (total minus that share
    would give the returns back).
    """
    from capacity.privacy.suppression import protect

    if city not in flows.index:
        return None
    row = flows.loc[city].astype(float)
    total = float(row.sum())
    elsewhere = row.drop(labels=[city], errors="ignore")
    moved = float(elsewhere.sum())
    threshold = book.params.suppression_threshold
    if total < threshold or moved < threshold:
        return None
    primary, secondary = protect(flows, threshold, rows=True, columns=True)
    returns_hidden = city in flows.columns and bool((primary | secondary).loc[city, city])
    top = [c for c in elsewhere.sort_values(ascending=False).index[:2] if elsewhere[c] > 0]
    lang = book.lang
    return _x(
        book,
        "flows_sentence",
        city=city,
        total=format_number(total, lang, 0),
        share=_x(book, "hidden_share") if returns_hidden else format_percent(moved / total, lang),
        top=_x(book, "and").join(top),
    )


def capacity(book, result) -> None:
    """Outreach FTE, productivity, competence (languages, training) and reach."""
    lang = book.lang
    book.heading("h_capacity")
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
    cols = ["persons", "share_of_target_group", "usable_share", "reach"]
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
            "usable_share": "percent",
            "reach": "percent",
        },
        linked={"persons": ["share_of_target_group", "usable_share", "reach"]},
        sum_columns=["persons"],
        index_header=label("col_language", lang),
    )


FUNNEL = (
    "sellers_encountered",
    "sellers_contacted",
    "sellers_informed_of_rights",
    "reflection_period_offered",
    "support_accepted",
    "referrals_trafficking",
)


def funnel_frame(ind: pd.DataFrame) -> pd.DataFrame:
    """Questions 1–3 as a funnel: persons at each step and their share of those encountered,
    for all joint operations and by mandate (buyers only; those selling sex included).
    """
    counts = ind["count"].astype("Float64").unstack("mandate").reindex(list(FUNNEL))
    groups = {
        "all": counts.get("all"),
        "buyers": counts.get("buyers"),
        "sellers": counts.reindex(columns=["sellers", "both"]).sum(axis=1, min_count=1),
    }
    frame = pd.DataFrame(index=list(FUNNEL))
    for name, col in groups.items():
        col = (col if col is not None else pd.Series(pd.NA, index=frame.index)).astype(float)
        frame[f"n_{name}"] = col.to_numpy()
        first = col.iloc[0]
        frame[f"share_{name}"] = (col / first).to_numpy() if first and first > 0 else float("nan")
    return frame


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
    """Questions 1–3 from the joint operations: a funnel from encountered to referred."""
    lang = book.lang
    book.heading("h_indicators")
    ind = result.indicators
    if ind is None or not len(ind):
        book.text(_x(book, "no_operations"))
        return
    rows = ind.xs("all", level="mandate")
    covers = rows.loc["mandate_covers_sellers"]
    frame = funnel_frame(ind)
    threshold = book.params.suppression_threshold
    from capacity.privacy.suppression import protect

    counts = ["n_all", "n_buyers", "n_sellers"]
    primary, secondary = protect(frame[counts], threshold, rows=True)  # as the table will
    hidden = primary | secondary
    for group in ("all", "buyers", "sellers"):  # a hidden denominator hides every share
        if hidden.loc[FUNNEL[0], f"n_{group}"]:
            frame[f"share_{group}"] = float("nan")

    def share(step, group="all"):
        if hidden.loc[step, f"n_{group}"] or hidden.loc[FUNNEL[0], f"n_{group}"]:
            return _x(book, "hidden_share")
        if pd.isna(frame.loc[step, f"share_{group}"]):
            return "–"
        return format_percent(frame.loc[step, f"share_{group}"], lang)

    days = (
        rows.loc["median_days_to_support", "value"]
        if "median_days_to_support" in rows.index
        else float("nan")
    )
    book.text(
        _x(
            book,
            "funnel_text",
            covers=format_number(covers["count"], lang, 0),
            ops=format_number(covers["denominator"], lang, 0),
            encountered=f"<{threshold}"
            if primary.loc[FUNNEL[0], "n_all"]
            else _x(book, "hidden_share")
            if secondary.loc[FUNNEL[0], "n_all"]
            else format_number(frame.loc[FUNNEL[0], "n_all"], lang, 0),
            contacted=share("sellers_contacted"),
            informed=share("sellers_informed_of_rights"),
            offered=share("reflection_period_offered"),
            accepted=share("support_accepted"),
            contacted_buyers=share("sellers_contacted", "buyers"),
            contacted_sellers=share("sellers_contacted", "sellers"),
            days=format_number(days, lang, 1),
        )
    )
    frame.index = [t(f"ind_{i}", lang) if f"ind_{i}" in CATALOGUE else i for i in frame.index]
    book.table(
        frame,
        name="indicators",
        caption=_x(book, "funnel_caption"),
        headers={
            "n_all": _x(book, "col_persons_all"),
            "share_all": _x(book, "col_share_all"),
            "n_buyers": _x(book, "col_persons_buyers"),
            "share_buyers": _x(book, "col_share_buyers"),
            "n_sellers": _x(book, "col_persons_sellers"),
            "share_sellers": _x(book, "col_share_sellers"),
        },
        kinds={
            "n_all": "count",
            "share_all": "percent",
            "n_buyers": "count",
            "share_buyers": "percent",
            "n_sellers": "count",
            "share_sellers": "percent",
        },
        count_columns=["n_all", "n_buyers", "n_sellers"],
        sum_rows=True,  # all = buyers only + those selling sex included
        linked={
            "n_all": ["share_all"],
            "n_buyers": ["share_buyers"],
            "n_sellers": ["share_sellers"],
        },
        index_header=_x(book, "indicator"),
        hide_columns=["n_buyers", "n_sellers"],
    )


def methods(book) -> None:
    """The model in plain words."""
    book.heading("h_methods")
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
    from capacity.report.provenance import dataset_title, git_commit, package_versions

    book.heading("h_provenance")
    book.text(_x(book, "provenance_intro"))
    title = dataset_title(data.meta, book.lang)
    items = {_x(book, "dataset"): f"{title} ({params.data_dir})"}
    for table, info in data.files.items():
        path = Path(str(info.get("path", "")))
        with contextlib.suppress(ValueError):
            path = path.resolve().relative_to(ROOT)
        rows = format_number(info.get("rows", float("nan")), book.lang, 0)
        name = _x(book, f"table_{table}") if f"table_{table}" in CATALOGUE else table
        items[name] = f"{path} · {rows} {_x(book, 'rows')} · SHA-256 {info.get('sha256', '')}"
    # the parameters that differ from the defaults: the code version below fixes the rest
    # (provenance.json has every value), so the list does not crowd the report's last page
    defaults = type(params)().to_dict()
    changed = [
        f"{k}={v}"
        for k, v in params.to_dict().items()
        if k not in ("output_dir", "data_dir") and defaults.get(k) != v
    ]
    rest = _x(book, "parameters_rest")
    items[_x(book, "parameters")] = (
        f"{', '.join(changed)}; {_x(book, 'parameters_others')}: {rest}" if changed else rest
    )
    items[_x(book, "code_version")] = git_commit()
    items[_x(book, "software")] = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    book.definitions(items)
