"""Forecast and scenarios: FTE needed over the horizon, and what staff or competence would do.

:func:`standard_scenarios` evaluates a few scenarios on one fit (today, +2 and +4 outreach
FTE, an interpreter for every contact, stays half as long); :func:`scenario_table` shows
them, on page one (today against interpreters: staff numbers or language competence?) and
in the forecast section (all of them).
"""

from __future__ import annotations

import pandas as pd

from capacity import figures
from capacity.i18n import CATALOGUE, format_interval, format_number, format_percent, t
from capacity.report.committee.key_figures import phrase

#: Scenario rows of :func:`standard_scenarios`, in the order the tables show them.
SCENARIOS = ("today", "plus2", "plus4", "interpreters", "mobile")


def standard_scenarios(fitted, params, today=None) -> pd.DataFrame:
    """The standard scenarios of the committee report.

    Today; +2 and +4 outreach FTE; an interpreter for every contact in a language no staff
    member speaks (``interpreter_share = 1``: competence alone, today's staff); and today
    with stays half as long (more mobility). ``today``, if given, is
    ``evaluate(fitted, params)`` (the report has it already): the first row is then read
    from it instead of evaluated again (the same key figures: the scenario is the one
    ``evaluate`` applies by default, and the forecast changes no key figure).
    """
    from capacity.question4 import Scenario, evaluate

    grid = {
        "today": {},
        "plus2": {"extra_fte": params.extra_fte + 2},
        "plus4": {"extra_fte": params.extra_fte + 4},
        "interpreters": {"interpreter_share": 1.0},
        "mobile": {"stay_multiplier": min(params.stay_multiplier * 0.5, 20.0)},
    }
    base = Scenario.from_params(params)
    rows = {}
    for key in SCENARIOS:
        sc = base.replace(**grid[key])
        if key == "today" and today is not None:
            res = today
        else:
            # key figures only: no forecast per month, and FTE needed at the point estimate
            # (its solve does not depend on the per-draw FTE, which no row shows)
            res = evaluate(fitted, params, sc, forecast=False, staffing=False)
        kf = res.key_figures
        rows[key] = {
            "extra_fte": sc.extra_fte,
            "interpreter_share": (
                fitted.interpreter_share if sc.interpreter_share is None else sc.interpreter_share
            ),
            "stay_multiplier": sc.stay_multiplier,
            "reach_effective": kf.loc["reach_effective", "estimate"],
            "p_target": res.p_target,
            "fte_needed": kf.loc["fte_needed", "estimate"],
            "verdict": res.verdict,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def scenario_table(book, scenarios: pd.DataFrame, *, name: str, caption: str, columns=None):
    """The scenarios as a numbered table (rows named in the report language)."""
    columns = columns or [
        "extra_fte",
        "interpreter_share",
        "stay_multiplier",
        "reach_effective",
        "p_target",
        "fte_needed",
    ]
    show = scenarios.copy()
    show.index = [phrase(book, f"scen_{k}") if f"scen_{k}" in CATALOGUE else k for k in show.index]
    kinds = {
        "extra_fte": "number",
        "interpreter_share": "percent",
        "stay_multiplier": "number2",
        "reach_effective": "percent",
        "p_target": "probability",
        "fte_needed": "number",
    }
    return book.table(
        show[columns],
        name=name,
        caption=caption,
        headers={
            "extra_fte": phrase(book, "col_extra_fte"),
            "interpreter_share": phrase(book, "col_interpreter_share"),
            "stay_multiplier": phrase(book, "col_stay_multiplier"),
            "reach_effective": book.t("kf_reach_effective"),
            "p_target": phrase(book, "col_p_target"),
            "fte_needed": book.t("kf_fte_needed"),
        },
        kinds={c: kinds[c] for c in columns},
        count_columns=[],
        index_header=phrase(book, "scenario"),
    )


def month_name(when: pd.Timestamp, lang: str) -> str:
    """'december 2027' / 'December 2027' (month names: the catalogue's ``month_<1-12>``)."""
    return f"{t(f'month_{when.month}', lang)} {when.year}"


def forecast_and_scenarios(book, result, fitted, scenarios: pd.DataFrame) -> None:
    """Arrivals and FTE needed over the horizon; a few standard scenarios."""
    lang = book.lang
    book.heading("h_forecast")
    fc = result.forecast
    if fc is None or not len(fc):
        book.text(phrase(book, "no_forecast"))
    else:
        scale = result.params.arrivals_multiplier / float(fitted.inputs.detection[0])
        threshold = result.params.suppression_threshold
        counts = fitted.monthly_arrivals
        small = (counts > 0) & (counts < threshold)  # scaled, still a count divided by one share
        observed = (counts * scale).where(~small)
        # only the columns the figure draws: the FTE columns differ with the staffing and
        # the target, and in a sweep the figure is keyed by what it is given (figmemo), so
        # the scenarios that share the arrivals share the figure
        arrivals = fc[["arrivals_estimate", "arrivals_ci_lower", "arrivals_ci_upper"]].rename(
            columns={
                "arrivals_estimate": "estimate",
                "arrivals_ci_lower": "ci_lower",
                "arrivals_ci_upper": "ci_upper",
            }
        )
        book.figure_of(
            figures.arrivals_forecast,
            observed,
            arrivals,
            lang,
            hidden=int(small.sum()),
            threshold=threshold,
            height=2.3,
        )
        last = fc.iloc[-1]
        book.text(
            phrase(
                book,
                "forecast",
                month=month_name(pd.Timestamp(fc.index[-1]), lang),
                need=format_number(last["fte_needed_estimate"], lang, 0),
                need_ci=format_interval(
                    last["fte_needed_ci_lower"], last["fte_needed_ci_upper"], lang, decimals=0
                ),
            )
        )
    if "mobile" in scenarios.index:
        mobile = scenarios.loc["mobile"]
        book.text(
            phrase(
                book,
                "mobile",
                reach=format_percent(mobile["reach_effective"], lang),
                need=format_number(mobile["fte_needed"], lang, 0),
            )
        )
