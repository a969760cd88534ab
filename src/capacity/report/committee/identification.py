"""Competence beyond language in the committee report: training and identification.

Beside the languages no staff member speaks, the committee sees how many trafficking
indicators and referrals each contact yields when it is held in her own language, through an
interpreter or in neither, what share of outreach hours is by trained staff, and what
training everyone would change (:mod:`capacity.models.identification`).
"""

from __future__ import annotations

import pandas as pd

from capacity.i18n import format_interval, format_number, format_percent
from capacity.report.committee.key_figures import phrase

__all__ = ["identification_section"]


def identification_section(book, fitted) -> None:
    """The sentence and table on identification by language mode and training."""
    ident = getattr(fitted, "identification", None)
    if ident is None:
        return
    lang = book.lang
    rates = ident.rates
    book.heading(phrase(book, "h_identification"), level=3)
    ratio = ident.training_rate_ratio
    year = ident.per_year
    values = {"trained": format_percent(ident.trained_hours_share, lang)}
    if "indicators" in ratio.index and "indicators" in year.index:
        r, y = ratio.loc["indicators"], year.loc["indicators"]
        values |= {
            "ratio": format_number(r["estimate"], lang, 1),
            "ratio_ci": format_interval(r["ci_lower"], r["ci_upper"], lang, decimals=1),
            "today": format_number(y["today"], lang, 0),
            "all": format_number(y["all_trained"], lang, 0),
            "all_ci": format_interval(
                y["all_trained_lower"], y["all_trained_upper"], lang, decimals=0
            ),
        }
        if "indicators" in rates.index.get_level_values(0):
            own = rates.loc[("indicators", "own_language"), "estimate"]
            neither = rates.loc[("indicators", "neither"), "estimate"]
            values["lang_ratio"] = format_percent(neither / own, lang) if own > 0 else "–"
            shown = rates.loc["indicators"]
            implied = (shown["estimate"] * shown["contacts"]).round()
            if ((implied > 0) & (implied < book.params.suppression_threshold)).any():
                values["lang_ratio"] = phrase(book, "hidden_share")  # a rate is hidden below
        book.text(phrase(book, "identification_text", **values))
    identification_frame(book, ident)


def identification_frame(book, ident, *, compact: bool = False):
    """The table of signs of trafficking and referrals per 100 contacts by language mode.

    ``compact`` (page one): short headers and caption, no interval columns shown (they stay
    in ``tables.xlsx``).
    """
    rates = ident.rates
    frame = pd.DataFrame(index=list(rates.index.get_level_values(1).unique()))
    frame["contacts"] = rates.xs(rates.index.get_level_values(0)[0], level=0)["contacts"]
    for outcome in rates.index.get_level_values(0).unique():
        part = rates.xs(outcome, level=0)
        frame[f"{outcome}"] = 100 * part["estimate"]
        frame[f"{outcome}_lower"] = 100 * part["ci_lower"]
        frame[f"{outcome}_upper"] = 100 * part["ci_upper"]
    frame.index = [phrase(book, f"mode_{m}{'_short' if compact else ''}") for m in frame.index]
    show = frame[[c for c in ("contacts", "indicators", "referrals") if c in frame]]
    short = "_short" if compact else ""
    # a rate per contact beside its shown contacts gives back its numerator: hide the rate
    # (and its interval) when that is a small count of indicators or referrals
    threshold = book.params.suppression_threshold
    hide = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for outcome in rates.index.get_level_values(0).unique():
        implied = (frame[outcome] / 100 * frame["contacts"]).round()
        small = ((implied > 0) & (implied < threshold)).to_numpy()
        for c in (outcome, f"{outcome}_lower", f"{outcome}_upper"):
            hide[c] = small
    return book.table(
        frame[[c for c in frame.columns if c in show.columns or c.endswith(("_lower", "_upper"))]],
        name="competence" if compact else "identification",
        caption=phrase(book, "competence_caption" if compact else "identification_caption"),
        headers={
            "contacts": phrase(book, "col_contacts_short" if compact else "col_contacts_count"),
            "indicators": phrase(book, "col_signs" if compact else "col_indicators"),
            "referrals": phrase(book, f"col_referrals{short}"),
        },
        kinds={
            "contacts": "count",
            **{c: "number1" for c in frame.columns if c != "contacts"},
        },
        count_columns=["contacts"],
        sum_columns=["contacts"],  # contacts in all modes: the log's total
        linked={"contacts": [c for c in frame.columns if c != "contacts"]},
        hide=hide,
        index_header=phrase(book, "col_mode_short" if compact else "col_mode"),
        hide_columns=[c for c in frame.columns if c.endswith(("_lower", "_upper"))],
    )
