"""Key figures of question 4 as the committee report writes them, and the verdict sentence.

Shared by the report's sections (:mod:`capacity.report.committee.sections`,
:mod:`capacity.report.committee.first_page`, :mod:`capacity.report.committee.scenarios`): which key figures a
table shows, how each is formatted, and the committee report's own sentences
(:mod:`capacity.i18n.committee`) in the report language.
"""

from __future__ import annotations

import pandas as pd

from capacity.i18n import format_percent, label, t, verdict_sentences

#: How each key figure is written (see :data:`capacity.tables.KINDS`).
KEY_KINDS = {
    "fte_outreach_now": "number1",  # registered staffing, e.g. 2.5: not rounded to 2
    "fte_needed": "number",
    "fte_gap": "number",
    "reach_effective": "percent",
    "reach_any_language": "percent",
    "trained_share": "percent",
    "population_present": "number",
    "persons_per_quarter": "number",
    "persons_in_period": "number",
    "arrivals_per_week": "number",
    "median_stay_days": "number1",  # the grouped median: 15.97 (15.66–16.23), not 16 (16–16)
    "stay_hr_per_year": "number2",
    "contacts_per_hour": "number2",
    "support_before_leaving": "percent",
    "support_cases_per_week": "number1",
    "reflection_periods_at_once": "number",
    "shelter_places": "number",
    "casework_fte_now": "number1",
    "casework_fte_needed": "number",
}
PAGE_ONE = ("fte_outreach_now", "fte_needed", "reach_any_language", "reach_effective")
TARGET_GROUP = (
    "population_present",
    "persons_per_quarter",
    "persons_in_period",
    "arrivals_per_week",
    "median_stay_days",
    "stay_hr_per_year",
)
#: The capacity section's table: the rows of the key figures (:data:`PAGE_ONE`) are left
#: out but the FTE needed, beside the gap it makes.
CAPACITY = (
    "contacts_per_hour",
    "trained_share",
    "fte_needed",
    "fte_gap",
    "support_cases_per_week",
    "reflection_periods_at_once",
    "shelter_places",
    "casework_fte_now",
    "casework_fte_needed",
)


def phrase(book, key: str, **values) -> str:
    """The committee report's sentence ``key`` in the book's language, filled in."""
    return t(key, book.lang, **values)


def is_scenario(params) -> bool:
    """True when the run changes staffing, stays or arrivals from what the data show."""
    return bool(params.extra_fte or params.stay_multiplier != 1 or params.arrivals_multiplier != 1)


def verdict_text(result, lang: str) -> str:
    """The answer in two plain sentences, with the probability behind it."""
    from capacity.report.committee.mobility import measure_sentence

    kf = result.key_figures
    reach = kf.loc["reach_effective"]
    text = verdict_sentences(
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
    return f"{text} {measure_sentence(result, lang)}"


REGISTER_VALUES = ("fte_outreach_now", "trained_share")


def key_figure_frame(result, keys, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Key figures ``keys`` with labels in ``lang`` and the row kinds for formatting."""
    kf = result.key_figures.loc[list(keys), ["estimate", "se", "ci_lower", "ci_upper"]].copy()
    # Register values (staff today) are data, not estimates: no interval. An estimate whose
    # interval is one value (a KM median on whole days from many stays) keeps it: "13–13"
    # says the estimate is precise, a dash would say it was never estimated.
    fixed = kf.index.isin(REGISTER_VALUES)
    kf.loc[fixed, ["ci_lower", "ci_upper"]] = float("nan")
    # an interval of one value ("13 (13–13)": a median in whole days from many stays) says
    # nothing to a reader: show the estimate alone
    single = (kf["ci_lower"] == kf["ci_upper"]) & (kf["ci_lower"] == kf["estimate"])
    kf.loc[single, ["ci_lower", "ci_upper"]] = float("nan")
    kf.index = [label(k, lang) for k in keys]
    return kf, {label(k, lang): KEY_KINDS[k] for k in keys}


def key_table(book, result, keys, name: str, caption: str):
    """A table of the key figures ``keys`` of ``result`` with their intervals, in the report language."""
    frame, kinds = key_figure_frame(result, keys, book.lang)
    level = format_percent(1 - result.params.alpha, book.lang, 0)
    return book.table(
        frame,
        name=name,
        caption=caption,
        headers={
            "estimate": book.t("kf_estimate"),
            "se": "SE",
            "ci_lower": phrase(book, "lower", level=level),
            "ci_upper": phrase(book, "upper", level=level),
        },
        kinds=dict.fromkeys(frame.columns, "number"),
        count_columns=[],
        row_kinds=kinds,
        index_header=book.t("kf_quantity"),
        interval=("ci_lower", "ci_upper"),
        interval_header=book.t("kf_interval", level=level),
        hide_columns=["se"],
    )
