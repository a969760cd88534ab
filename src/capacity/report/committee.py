"""Sections of the committee report on question 4, one function per section.

The committee notebook calls these in order; each shows its headings, text, tables and
figures through a :class:`~capacity.report.book.ReportBook`, so every table is numbered
and suppressed and every figure has alt text. Words come from :mod:`capacity.i18n` and
:mod:`capacity.report.committee_text`; numbers from the
:class:`~capacity.answer.Question4Result`.
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
    verdict_sentences,
)
from capacity.i18n_caveats import translate_caveat
from capacity.report.committee_text import INDICATORS, METHODS, TEXT

#: How each key figure is written (see :data:`capacity.tables.KINDS`).
KEY_KINDS = {
    "fte_outreach_now": "number1",
    "fte_needed": "number1",
    "fte_gap": "number1",
    "reach_effective": "percent",
    "reach_any_language": "percent",
    "trained_share": "percent",
    "population_present": "number",
    "persons_in_period": "number",
    "arrivals_per_week": "number1",
    "median_stay_days": "number",
    "stay_hr_per_year": "number2",
    "contacts_per_hour": "number2",
    "support_before_leaving": "percent",
}
PAGE_ONE = ("fte_outreach_now", "fte_needed", "reach_effective")
TARGET_GROUP = (
    "population_present",
    "persons_in_period",
    "arrivals_per_week",
    "median_stay_days",
    "stay_hr_per_year",
)
CAPACITY = (
    "fte_outreach_now",
    "contacts_per_hour",
    "trained_share",
    "reach_any_language",
    "reach_effective",
    "support_before_leaving",
    "fte_needed",
    "fte_gap",
)


def _x(book, key: str, **values) -> str:
    return TEXT[key][0 if book.lang == "sv" else 1].format(**values)


def is_scenario(params) -> bool:
    """True when the run changes staffing, stays or arrivals from what the data show."""
    return bool(params.extra_fte or params.stay_multiplier != 1 or params.arrivals_multiplier != 1)


def verdict_text(result, lang: str) -> str:
    """The answer in two plain sentences, with the probability behind it."""
    kf = result.key_figures
    reach = kf.loc["reach_effective"]
    return verdict_sentences(
        verdict=result.verdict,
        reach=reach["estimate"],
        reach_low=reach["ci_lower"],
        reach_high=reach["ci_upper"],
        target=result.target_reach,
        p_target=result.p_target,
        lang=lang,
        alpha=result.params.alpha,
        n_draws=len(result.draws) or None,
        scenario=is_scenario(result.params),
    )


def shortfall_languages(result, lang: str) -> list[str]:
    """Names of the languages whose reach falls below the target (the bottlenecks)."""
    short = result.languages.index[result.languages["shortfall"].astype(bool)]
    return [language_name(code, lang) for code in short]


def key_figure_frame(result, keys, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Key figures ``keys`` with labels in ``lang`` and the row kinds for formatting."""
    kf = result.key_figures.loc[list(keys), ["estimate", "se", "ci_lower", "ci_upper"]].copy()
    fixed = kf["se"].isna() & (kf["ci_lower"] == kf["ci_upper"])
    kf.loc[fixed, ["ci_lower", "ci_upper"]] = float("nan")  # data, not estimates: no interval
    kf.index = [label(k, lang) for k in keys]
    return kf, {label(k, lang): KEY_KINDS[k] for k in keys}


def _key_table(book, result, keys, name: str, caption: str):
    frame, kinds = key_figure_frame(result, keys, book.lang)
    level = format_percent(1 - result.params.alpha, book.lang, 0)
    return book.table(
        frame,
        name=name,
        caption=caption,
        headers={
            "estimate": book.t("kf_estimate"),
            "se": "SE",
            "ci_lower": _x(book, "lower", level=level),
            "ci_upper": _x(book, "upper", level=level),
        },
        kinds=dict.fromkeys(frame.columns, "number"),
        count_columns=[],
        row_kinds=kinds,
        index_header=book.t("kf_quantity"),
        interval=("ci_lower", "ci_upper"),
        interval_header=book.t("kf_interval", level=level),
        hide_columns=["se"],
    )


def page_one(book, result) -> None:
    """The verdict in plain words and the key-figures table."""
    lang = book.lang
    book.heading("h_answer")
    book.verdict(verdict_text(result, lang), result.verdict)
    tb = _key_table(book, result, PAGE_ONE, "key_figures", book.t("h_key_figures"))
    short = shortfall_languages(result, lang)
    book.text(
        book.t("kf_languages_short") + ": " + (", ".join(short) if short else book.t("none")) + "."
    )
    book.text(_x(book, "how_to_read", n=len(result.draws)), css_class="note")
    return tb


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
    _key_table(book, result, TARGET_GROUP, "target_group", book.t("h_target_group"))
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
    _key_table(book, result, CAPACITY, "capacity", book.t("h_capacity"))
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


def forecast_and_scenarios(book, result, fitted, scenarios: pd.DataFrame) -> None:
    """Arrivals and FTE needed over the horizon; a few standard scenarios."""
    lang = book.lang
    book.heading("h_forecast", new_page=True)
    fc = result.forecast
    if fc is None or not len(fc):
        book.text(_x(book, "no_forecast"))
    else:
        scale = result.params.arrivals_multiplier / float(fitted.inputs.detection[0])
        observed = fitted.monthly_arrivals * scale
        arrivals = fc.rename(
            columns={
                "arrivals_estimate": "estimate",
                "arrivals_ci_lower": "ci_lower",
                "arrivals_ci_upper": "ci_upper",
            }
        )
        book.figure(figures.arrivals_forecast(observed, arrivals, lang))
        need = fc.rename(
            columns={
                "fte_needed_estimate": "fte_needed",
                "fte_needed_ci_lower": "fte_needed_lower",
                "fte_needed_ci_upper": "fte_needed_upper",
            }
        )
        book.figure(figures.fte_needed(need, float(fc["fte_now"].iloc[0]), lang))
        last = fc.iloc[-1]
        book.text(
            _x(
                book,
                "forecast",
                month=pd.Timestamp(fc.index[-1]).strftime("%Y-%m"),
                need=format_number(last["fte_needed_estimate"], lang, 1),
                need_ci=format_interval(
                    last["fte_needed_ci_lower"], last["fte_needed_ci_upper"], lang, decimals=1
                ),
            )
        )
    book.text(_x(book, "scenarios_intro"))
    show = scenarios.copy()
    show.index = [_x(book, f"scen_{k}") if f"scen_{k}" in TEXT else k for k in show.index]
    book.table(
        show[["extra_fte", "stay_multiplier", "reach_effective", "p_target", "fte_needed"]],
        name="scenarios",
        caption=_x(book, "scenarios_caption"),
        headers={
            "extra_fte": _x(book, "col_extra_fte"),
            "stay_multiplier": _x(book, "col_stay_multiplier"),
            "reach_effective": book.t("kf_reach_effective"),
            "p_target": _x(book, "col_p_target"),
            "fte_needed": book.t("kf_fte_needed"),
        },
        kinds={
            "extra_fte": "number1",
            "stay_multiplier": "number2",
            "reach_effective": "percent",
            "p_target": "probability",
            "fte_needed": "number1",
        },
        count_columns=[],
        index_header=_x(book, "scenario"),
    )


def standard_scenarios(fitted, params) -> pd.DataFrame:
    """Today, +2 and +4 outreach FTE, and today with stays half as long (more mobility)."""
    from capacity.answer import evaluate

    grid = {
        "today": {},
        "plus2": {"extra_fte": params.extra_fte + 2},
        "plus4": {"extra_fte": params.extra_fte + 4},
        "mobile": {"stay_multiplier": min(params.stay_multiplier * 0.5, 20.0)},
    }
    rows = {}
    for key, change in grid.items():
        res = evaluate(fitted, params.replace(**change))
        kf = res.key_figures
        rows[key] = {
            "extra_fte": change.get("extra_fte", params.extra_fte),
            "stay_multiplier": change.get("stay_multiplier", params.stay_multiplier),
            "reach_effective": kf.loc["reach_effective", "estimate"],
            "p_target": res.p_target,
            "fte_needed": kf.loc["fte_needed", "estimate"],
            "verdict": res.verdict,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


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
    # the models write their caveats in English; capacity.i18n_caveats has them in Swedish
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
