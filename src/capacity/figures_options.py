"""Figures of what the city can do: reach against added staff, and reach against budget.

Same conventions as :mod:`capacity.figures`: Okabe–Ito colours, labelled axes with units,
and an alt text that states the numbers.
"""

from __future__ import annotations

import pandas as pd

from capacity.figures_style import OKABE_ITO, Figure, new_axes, percent_axis
from capacity.i18n import format_number, format_percent

__all__ = ["budget_frontier", "reach_curve"]

_WORDS = {
    "curve_title": ("Andel som nås med fler årsarbetare", "Share reached with more FTE"),
    "curve_x": ("Tillkommande uppsökande årsarbetare", "Added outreach FTE"),
    "curve_y": ("Nås på ett språk de förstår", "Reached in a language they understand"),
    "random": ("Bara sökande kontakter", "Search contacts only"),
    "screening": ("Varje ny annons kontaktas en gång", "Every new ad contacted once"),
    "estimated": ("Som i dag (skattad blandning)", "As today (estimated mix)"),
    "target": ("Mål", "Target"),
    "today": ("I dag", "Today"),
    "band": ("95 % osäkerhetsintervall", "95% uncertainty interval"),
    "frontier_title": (
        "Bästa kombination av insatser för en given budget",
        "Best mix of measures for a given budget",
    ),
    "frontier_x": ("Budget per år, miljoner kronor", "Yearly budget, million kronor"),
    "only_fte": ("Bara fler årsarbetare", "More FTE only"),
    "best_mix": ("Bästa kombination", "Best mix"),
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][0 if lang == "sv" else 1]


def reach_curve(curve: pd.DataFrame, target: float, lang: str) -> Figure:
    """Effective reach with its band for 0…N added outreach FTE, per strategy.

    ``curve`` is :func:`capacity.question4.options.reach_curve`'s frame. The target is a
    dashed line (the y axis reaches it, so the distance to it shows), today a black dot.
    Sized for half the page width (page one shows it beside languages and competence); the
    title is the figure's caption.
    """
    fig, ax = new_axes(figsize=(3.9, 2.5))
    colours = {"random": OKABE_ITO["blue"], "screening": OKABE_ITO["bluish_green"]}
    alt_parts = []
    for name, rows in curve.groupby("strategy", sort=False):
        colour = colours.get(name, OKABE_ITO["orange"])
        label = _WORDS[name][0 if lang == "sv" else 1] if name in _WORDS else str(name)
        ax.fill_between(
            rows["extra_fte"], rows["ci_lower"], rows["ci_upper"], color=colour, alpha=0.25, lw=0
        )
        ax.plot(rows["extra_fte"], rows["estimate"], color=colour, lw=2, label=label)
        last = rows.iloc[-1]
        alt_parts.append(
            f"{label}: {format_percent(rows['estimate'].iloc[0], lang)} → "
            f"{format_percent(last['estimate'], lang)} "
            f"(+{format_number(last['extra_fte'], lang, 0)})"
        )
    first = curve[curve["strategy"] == curve["strategy"].iloc[0]].iloc[0]
    ax.plot([0], [first["estimate"]], "o", color=OKABE_ITO["black"], label=_w("today", lang))
    ax.axhline(target, color=OKABE_ITO["vermillion"], lw=1.6, ls="--", label=_w("target", lang))
    top = max(target, float(curve["ci_upper"].max()))
    ax.set_ylim(0, min(1.0, top * 1.08 + 0.02))
    ax.set_xlim(0, float(curve["extra_fte"].max()))
    percent_axis(ax, "y", lang)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(_w("curve_x", lang))
    ax.set_ylabel(_w("curve_y", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=7, frameon=False)
    if lang == "sv":
        alt = (
            "Linjediagram: andelen av målgruppen som nås på ett språk de förstår, med 95 % "
            "osäkerhetsintervall, för 0 till "
            f"{format_number(curve['extra_fte'].max(), lang, 0)} tillkommande årsarbetare. "
            + "; ".join(alt_parts)
            + f". Målet {format_percent(target, lang)} är markerat med en streckad linje."
        )
    else:
        alt = (
            "Line chart: share of the target group reached in a language they understand, "
            "with 95% uncertainty interval, for 0 to "
            f"{format_number(curve['extra_fte'].max(), lang, 0)} added FTE. "
            + "; ".join(alt_parts)
            + f". The target of {format_percent(target, lang)} is a dashed line."
        )
    return Figure(fig, alt, _w("curve_title", lang), "reach_curve")


def budget_frontier(best: pd.DataFrame, fte_only: pd.DataFrame, lang: str) -> Figure:
    """Best reach for each yearly budget (the frontier) against more FTE only.

    ``best`` and ``fte_only`` have columns ``budget`` (kronor) and ``reach``.
    """
    fig, ax = new_axes(figsize=(6.4, 2.2))
    ax.plot(
        best["budget"] / 1e6,
        best["reach"],
        color=OKABE_ITO["vermillion"],
        lw=2,
        marker="o",
        ms=3,
        label=_w("best_mix", lang),
    )
    ax.plot(
        fte_only["budget"] / 1e6,
        fte_only["reach"],
        color=OKABE_ITO["blue"],
        lw=2,
        ls="--",
        label=_w("only_fte", lang),
    )
    ax.set_ylim(0, None)
    ax.set_xlim(0, None)
    percent_axis(ax, "y", lang)
    ax.set_xlabel(_w("frontier_x", lang))
    ax.set_ylabel(_w("curve_y", lang))
    ax.set_title(_w("frontier_title", lang))
    ax.legend(loc="lower right", fontsize=8)
    b = best.iloc[-1]
    f = fte_only.iloc[-1]
    money = format_number(b["budget"] / 1e6, lang, 0)
    if lang == "sv":
        alt = (
            f"Linjediagram: andelen som nås för en budget på 0 till {money} miljoner kronor "
            f"per år. Med {money} miljoner når den bästa kombinationen "
            f"{format_percent(b['reach'], lang)}, bara fler årsarbetare "
            f"{format_percent(f['reach'], lang)}."
        )
    else:
        alt = (
            f"Line chart: share reached for a budget of 0 to {money} million kronor a year. "
            f"With {money} million the best mix reaches {format_percent(b['reach'], lang)}, "
            f"more FTE only {format_percent(f['reach'], lang)}."
        )
    return Figure(fig, alt, _w("frontier_title", lang), "budget_frontier")
