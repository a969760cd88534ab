"""Figures of what the city can do: reach against added staff, and reach against budget.

Same conventions as :mod:`capacity.figures`: Okabe–Ito colours, labelled axes with units,
and an alt text that states the numbers.
"""

from __future__ import annotations

import pandas as pd

from capacity.figures_style import OKABE_ITO, Figure, new_axes, number_axis, percent_axis
from capacity.i18n import CATALOGUE, format_level, format_number, format_percent, t

__all__ = ["budget_frontier", "reach_curve"]


def _w(key: str, lang: str) -> str:
    return t(f"fig_opt_{key}", lang)


def reach_curve(curve: pd.DataFrame, target: float, lang: str, alpha: float = 0.05) -> Figure:
    """Effective reach with its band for 0…N added outreach FTE, per strategy.

    ``curve`` is :func:`capacity.question4.options.reach_curve`'s frame. The target is a
    dashed line (the y axis reaches it, so the distance to it shows), today a black dot.
    ``alpha`` is the level of the band (the run's). Sized for half the page width (page one
    shows it beside languages and competence); the title is the figure's caption.
    """
    # drawn at about the size it is shown (46 % of the text width, ≈ 7.8 cm), so the
    # legend's 7.5 pt stay 7.5 pt on the page (at 3.9 in wide it was scaled to ≈ 5.5 pt)
    fig, ax = new_axes(figsize=(3.15, 2.45))
    colours = {"random": OKABE_ITO["blue"], "screening": OKABE_ITO["bluish_green"]}
    alt_parts = []
    for name, rows in curve.groupby("strategy", sort=False):
        colour = colours.get(name, OKABE_ITO["orange"])
        label = _w(name, lang) if f"fig_opt_{name}" in CATALOGUE else str(name)
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
    ax.set_xlabel(_w("curve_x", lang), fontsize=8.5)
    ax.set_ylabel(_w("curve_y", lang), fontsize=8.5)
    ax.tick_params(labelsize=8)
    ax.legend(
        loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=7.5, frameon=False, handlelength=1.5
    )
    alt = t(
        "fig_opt_curve_alt",
        lang,
        level=format_level(alpha, lang),
        most=format_number(curve["extra_fte"].max(), lang, 0),
        parts="; ".join(alt_parts),
        target=format_percent(target, lang),
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
    number_axis(ax, "x", lang, None)  # million kronor in the report's language (2,5)
    ax.set_xlabel(_w("frontier_x", lang))
    ax.set_ylabel(_w("curve_y", lang))
    ax.set_title(_w("frontier_title", lang))
    ax.legend(loc="lower right", fontsize=8)
    b = best.iloc[-1]
    f = fte_only.iloc[-1]
    money = format_number(b["budget"] / 1e6, lang, 0)
    alt = t(
        "fig_opt_frontier_alt",
        lang,
        money=money,
        best=format_percent(b["reach"], lang),
        fte_only=format_percent(f["reach"], lang),
    )
    return Figure(fig, alt, _w("frontier_title", lang), "budget_frontier")
