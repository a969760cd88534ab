"""What the committee can do: options with what they buy and cost, the support they need,
and the best mix for a budget.

Page one shows the reach curve (reach with its band for 0–20 added FTE, per strategy, the
target and today), the table "Vad kan nämnden göra?" (each option's reach with interval,
gain, yearly cost, gain per million kronor and casework FTE needed) and one sentence on
what reaching more women demands downstream. :func:`budget_section` shows the frontier
(best reach per budget) and the best mix for three budgets. Numbers come from
:mod:`capacity.question4.options` and :mod:`capacity.question4.optimise`; every option is
``evaluate(fitted, params, Scenario(...))`` on the one fit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from capacity import figures_options
from capacity.i18n import format_number, format_percent, language_name
from capacity.report.committee.key_figures import phrase

#: Budgets (kronor a year) whose best mix the report shows.
BUDGETS = (2e6, 5e6, 10e6)
#: Budgets of the frontier figure.
FRONTIER = tuple(np.arange(0, 20.5, 1.0) * 1e6)
#: FTE of the national screening function the city funds, and of the same FTE in the city
#: alone it is compared with (issue 10, item 4).
COORDINATION_FTE = 1.0
#: Outreach time the city spends keeping the other cities' teams informed of whom it has
#: reached (assumption: one outreach worker one day a week); priced at ``cost_outreach_fte``.
LIAISON_FTE = 0.2


def _ceil(x: float) -> float:
    return float(math.ceil(x - 1e-9)) if np.isfinite(x) else x


def option_name(book, key: str, fitted) -> str:
    """The option's name in the report language."""
    lang = book.lang
    if key.startswith("plus"):
        return phrase(book, "opt_plus", n=key[4:])
    if key.startswith("hire_"):
        name = language_name(key[5:], lang)
        if lang == "sv" and name.endswith("ska"):  # bulgariska → bulgarisktalande
            return phrase(book, "opt_hire_adjective", speaking=name[:-1] + "talande")
        return phrase(book, "opt_hire", language=name)
    if key == "translation":
        from capacity.question4.options import uncovered_languages

        return phrase(book, "opt_translation", n=len(uncovered_languages(fitted)))
    return phrase(book, f"opt_{key}")


def options_table(book, options: pd.DataFrame, fitted, coordination=None):
    """The "what can the committee do" table (whole FTE, kronor in thousands).

    ``coordination`` (:func:`coordination_options`) adds cooperation with other cities as
    the last rows, marked: their reach is per tour.
    """
    if coordination is not None:
        options = pd.concat([options, coordination.reindex(columns=options.columns)])
    frame = pd.DataFrame(
        {
            "reach": options["reach"],
            "reach_lower": options["reach_lower"],
            "reach_upper": options["reach_upper"],
            "gain": 100 * options["gain"].where(options["gain"] > 1e-9),
            "cost": options["cost"] / 1e3,
            "gain_per_mkr": options["gain_per_mkr"].where(options["gain"] > 1e-9),
            "casework": options["casework_fte_needed"].map(_ceil),
        }
    )
    frame.index = [option_name(book, k, fitted) for k in options.index]
    return book.table(
        frame,
        name="options",
        caption=phrase(book, "options_caption"),
        headers={
            "reach": phrase(book, "col_reach_short"),
            "gain": phrase(book, "col_gain"),
            "cost": phrase(book, "col_cost"),
            "gain_per_mkr": phrase(book, "col_gain_per_mkr"),
            "casework": phrase(book, "col_casework"),
            "reach_lower": "reach_lower",
            "reach_upper": "reach_upper",
        },
        kinds={
            "reach": "percent",
            "reach_lower": "percent",
            "reach_upper": "percent",
            "gain": "number1",
            "cost": "number",
            "gain_per_mkr": "number1",
            "casework": "number",
        },
        count_columns=[],
        index_header=phrase(book, "col_option"),
        interval=("reach_lower", "reach_upper"),
        interval_header=phrase(book, "col_interval"),
        interval_after="reach",
    )


def coordination_options(result, params) -> pd.DataFrame | None:
    """Cooperation with other cities as options: reach per tour, its gain, yearly cost.

    Rows ``coord_known`` (the next city's team knows whom this city reached; the city pays
    :data:`LIAISON_FTE`) and ``coord_shared`` (a shared screening of new ads of
    :data:`COORDINATION_FTE` FTE, paid by the city), from
    :func:`capacity.question4.mobility.coordination_scenarios`. Reach is **per tour**
    through the city (a tour reached in any city), the measure cooperation changes; ``attrs``
    hold today's tour reach, the same FTE in the city alone and what each row is worth in
    FTE in the city. None without the mobility fit.
    """
    from capacity.report.committee.mobility import coordination_table

    table = coordination_table(result, COORDINATION_FTE)
    if table is None:
        return None
    today = float(table.loc["today", "reach_tour"])
    rows = {}
    for key, scen, fte in (
        ("coord_known", "known_to_next_team", LIAISON_FTE),
        ("coord_shared", "shared_screening", COORDINATION_FTE),
    ):
        r = table.loc[scen]
        cost = fte * params.cost_outreach_fte
        gain = float(r["reach_tour"]) - today
        rows[key] = {
            "reach": float(r["reach_tour"]),
            "reach_lower": float(r["reach_tour_ci_lower"]),
            "reach_upper": float(r["reach_tour_ci_upper"]),
            "gain": gain,
            "cost": cost,
            "gain_per_mkr": 100 * gain / (cost / 1e6) if cost > 0 else np.nan,
            "casework_fte_needed": np.nan,
            "fte_equivalent": float(r["fte_equivalent"]),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.attrs.update(
        today=today,
        alone=float(table.loc["city_alone", "reach_tour"]),
        fte=COORDINATION_FTE,
    )
    return out


def coordination_note(book, result, coordination: pd.DataFrame) -> str:
    """The footnote of the coordination rows: per tour, beside the same FTE in the city."""
    lang = book.lang
    a = coordination.attrs
    return phrase(
        book,
        "coordination_note",
        city=result.params.city,
        today=format_percent(a["today"], lang),
        fte=format_number(a["fte"], lang, 0),
        alone=format_percent(a["alone"], lang),
        liaison=format_percent(LIAISON_FTE, lang),
    )


def downstream_text(book, result, options: pd.DataFrame) -> str:
    """What reaching more women demands after contact, for the largest staffing option."""
    lang = book.lang
    key = "plus20" if "plus20" in options.index else options["reach"].idxmax()
    row = options.loc[key]
    kf = result.key_figures
    return phrase(
        book,
        "downstream",
        reach=format_percent(row["reach"], lang),
        option=phrase(book, "opt_plus", n=key[4:]) if key.startswith("plus") else key,
        cases=format_number(row["support_cases_per_week"], lang, 1),
        cases_now=format_number(kf.loc["support_cases_per_week", "estimate"], lang, 1),
        periods=format_number(row["reflection_periods_at_once"], lang, 0),
        periods_ci=_span(row, "reflection_periods_at_once", lang),
        shelter=format_number(row["shelter_places"], lang, 0),
        shelter_ci=_span(row, "shelter_places", lang),
        casework=format_number(_ceil(row["casework_fte_needed"]), lang, 0),
        casework_now=format_number(kf.loc["casework_fte_now", "estimate"], lang, 1),
        target=format_percent(result.params.support_start_target, lang),
    )


def _span(row, key: str, lang: str) -> str:
    return f"{format_number(row[f'{key}_lower'], lang, 0)}–{format_number(row[f'{key}_upper'], lang, 0)}"


def options_section(
    book, result, fitted, params, options: pd.DataFrame, curve: pd.DataFrame, coordination=None
):
    """Page one, after the verdict: the curve, competence, options and the downstream.

    The reach curve beside languages and competence, the options table (with cooperation
    between cities) and what reaching more demands.
    """
    from capacity.report.committee.first_page import competence_box

    with book.box("pair"):
        book.figure_of(
            figures_options.reach_curve, curve, result.target_reach, book.lang, result.params.alpha
        )
        with book.box("side"):
            competence_box(book, result, fitted)
    options_table(book, options, fitted, coordination)
    if coordination is not None:
        book.text(coordination_note(book, result, coordination), css_class="note")
    book.text(downstream_text(book, result, options), css_class="downstream")


def mix_text(book, row, fitted) -> str:
    """A best mix in words: FTE, language hires, interpreters, translation."""
    lang = book.lang
    parts = []
    if row["extra_fte"]:
        parts.append(phrase(book, "mix_fte", n=format_number(row["extra_fte"], lang, 0)))
    if row["language_hires"]:
        names = [language_name(c, lang) for c in row["language_hires"].split(";")]
        parts.append(phrase(book, "mix_hires", languages=", ".join(names)))
    if row["interpreter_share"] > fitted.interpreter_share + 1e-9:
        parts.append(
            phrase(book, "mix_interpreters", share=format_percent(row["interpreter_share"], lang))
        )
    if row["translated"]:
        parts.append(phrase(book, "mix_translation", n=len(row["translated"].split(";"))))
    return "; ".join(parts) or phrase(book, "mix_nothing")


def budget_section(book, fitted, params, frontier: pd.DataFrame, fte_only: pd.DataFrame):
    """The frontier (best reach per budget) against more FTE only, and three best mixes."""
    lang = book.lang
    book.heading(phrase(book, "h_budget"), level=3)
    number = next((tb.number for tb in book.tables if tb.name == "options"), 1)
    book.text(phrase(book, "options_note", n=number), css_class="note")
    book.text(phrase(book, "budget_intro"))
    book.figure_of(figures_options.budget_frontier, frontier, fte_only, lang, height=2.0)
    rows = frontier.set_index("budget").loc[list(BUDGETS)]
    only = fte_only.set_index("budget").loc[list(BUDGETS)]
    table = pd.DataFrame(
        {
            "reach": rows["reach"].to_numpy(),
            "reach_fte_only": only["reach"].to_numpy(),
            "cost": rows["cost"].to_numpy() / 1e3,
            "mix": [mix_text(book, r, fitted) for _, r in rows.iterrows()],
        },
        index=[phrase(book, "budget_row", m=format_number(b / 1e6, lang, 0)) for b in BUDGETS],
    )
    book.table(
        table,
        name="best_mix",
        caption=phrase(book, "best_mix_caption"),
        headers={
            "reach": phrase(book, "col_best_reach"),
            "reach_fte_only": phrase(book, "col_fte_only_reach"),
            "cost": phrase(book, "col_cost"),
            "mix": phrase(book, "col_mix"),
        },
        kinds={"reach": "percent", "reach_fte_only": "percent", "cost": "number", "mix": "text"},
        count_columns=[],
        index_header=phrase(book, "col_budget"),
    )


#: Parameters the reach curve, the budget frontier and the FTE-only line do not depend on
#: (they show reach and cost, never the target or the verdict): scenarios that differ only in
#: these share them (:func:`capacity.report.committee.analyses.analyses`; a test checks it).
NOT_IN_REACH = frozenset({"target_reach", "p_sufficient", "p_insufficient"})


def compute(fitted, params):
    """Options, reach curve, frontier and the FTE-only line: everything the sections show."""
    from capacity.question4.options import options_frame

    return (options_frame(fitted, params), *compute_reach(fitted, params))


def compute_reach(fitted, params):
    """The reach curve, the budget frontier and the FTE-only line (see :data:`NOT_IN_REACH`)."""
    from capacity.question4.optimise import frontier
    from capacity.question4.options import Mix, mix_cost, point_reach, reach_curve
    from capacity.question4.scenario import Scenario

    curve = reach_curve(fitted, params)
    front = frontier(fitted, FRONTIER, params)
    sc = Scenario.from_params(params)
    per_fte = mix_cost(fitted, Mix(extra_fte=1), params, sc.extra_fte)["total"]
    only = []
    for b in FRONTIER:
        n = int(b // per_fte) if per_fte > 0 else 0
        while n > 0 and mix_cost(fitted, Mix(extra_fte=n), params, sc.extra_fte)["total"] > b:
            n -= 1
        only.append({"budget": b, "reach": point_reach(fitted, Mix(extra_fte=n), sc, sc.extra_fte)})
    return curve, front, pd.DataFrame(only)
