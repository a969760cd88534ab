"""Report section "Women who move": strategy, reach per stay, woman and tour, coordination.

The strategy the data show, reach per stay, per woman and per tour, and what coordination
with other cities buys (``docs/methods/strategy.md``, ``docs/methods/tours.md``). Its
sentences are the catalogue's ``mob_*`` keys (:mod:`capacity.i18n.committee`).
"""

from __future__ import annotations

import weakref

import matplotlib.pyplot as plt
import pandas as pd

from capacity.figures_style import Figure, percent_axis
from capacity.i18n import format_level, format_number, format_percent, t


def measure_sentence(result, lang: str) -> str:
    """Which reach the verdict counts, and the strategy behind it (page one)."""
    measure = result.reach_measure
    return t(
        "mob_verdict",
        lang,
        measure=t(f"mob_measure_{measure}", lang),
        unit=t(f"mob_unit_{measure}", lang),
    )


def strategy_sentence(result, lang: str) -> str:
    """The report's line on the strategy the data support."""
    fit = result.strategy_fit
    if fit is None:
        return t("mob_assumed", lang)
    row = fit.summary_frame(result.params.alpha).loc["share_screening"]
    return t(
        "mob_strategy",
        lang,
        label=t(f"mob_label_{fit.label}", lang),
        share=format_percent(row["estimate"], lang),
        lo=format_percent(row["ci_lower"], lang),
        hi=format_percent(row["ci_upper"], lang),
        fit=t("mob_fits" if fit.gof_p >= 0.001 else "mob_misfits", lang),
    )


#: The last coordination table computed: (weak reference to its result, FTE, table).
_LAST_COORDINATION: tuple = (None, None, None)


def coordination_table(result, extra_fte: float = 1.0) -> pd.DataFrame | None:
    """``result.coordination(extra_fte)``, computed once per result and FTE.

    Page one's cooperation rows (:func:`~capacity.report.committee.options.coordination_options`)
    and this section show the same table; it is the same call on the same result, so the
    second one reads the first's answer (the last one is kept, by weak reference: a new
    result computes it again).
    """
    ref, fte, table = _LAST_COORDINATION
    if ref is not None and ref() is result and fte == extra_fte:
        return table
    table = result.coordination(extra_fte)
    remember_coordination(result, extra_fte, table)
    return table


def remember_coordination(result, extra_fte: float, table: pd.DataFrame | None) -> None:
    """Make ``table`` the answer of :func:`coordination_table` for ``result`` and ``extra_fte``.

    For a table read back from the report's results cache (it was computed by
    :func:`coordination_table` on the same inputs).
    """
    global _LAST_COORDINATION
    _LAST_COORDINATION = (weakref.ref(result), extra_fte, table)


_PLOT_LABELS = ("observed", "mix", "search only", "screening only", "x", "y", "title")


def strategy_figure(fit, labels: dict[str, str], alt: str, title: str, lang: str) -> Figure:
    """The strategy check: first contacts against what the strategies predict (``fit.plot``).

    The shares are per cent in the report's language, as on the report's other figures.
    """
    fig, ax = plt.subplots(figsize=(6.5, 2.4))
    fit.plot(ax=ax, labels=labels)
    percent_axis(ax, "y", lang, whole=True)
    return Figure(fig, alt, title, "strategy_check")


def mobility(book, result, extra_fte: float = 1.0) -> None:
    """The section: measure of the verdict, strategy, reach table, model check, coordination."""
    lang = book.lang
    book.heading(t("mob_heading", lang))
    book.text(measure_sentence(result, lang), strategy_sentence(result, lang))
    frame = result.reach_measures()[["estimate", "ci_lower", "ci_upper"]]
    frame.index = [t(f"mob_row_{k}", lang) for k in frame.index]
    book.table(
        frame,
        name="reach_measures",
        caption=t("mob_table", lang),
        headers={
            "estimate": t("mob_estimate", lang),
            "ci_lower": "ci_lower",
            "ci_upper": "ci_upper",
        },
        kinds=dict.fromkeys(frame.columns, "percent"),
        count_columns=[],
        index_header=t("mob_quantity", lang),
        interval=("ci_lower", "ci_upper"),
        interval_header=t("mob_interval", lang, level=format_level(result.params.alpha, lang)),
    )
    if "reach_tour" in result.point:
        book.text(t("mob_tour_note", lang))
    fit = result.strategy_fit
    if fit is not None:
        labels = {k: t(f"mob_plot_{k.replace(' ', '_')}", lang) for k in _PLOT_LABELS}
        book.figure_of(
            strategy_figure, fit, labels, t("mob_alt", lang), t("mob_figure", lang), lang
        )
    table = coordination_table(result, extra_fte)
    if table is not None:
        fte = format_number(extra_fte, lang, 0 if float(extra_fte).is_integer() else 1)
        columns = ["reach_tour", "reach_tour_national", "fte_equivalent"]
        coord = table[columns].copy()
        coord.index = [t(f"mob_coord_{k}", lang, fte=fte) for k in coord.index]
        book.table(
            pd.DataFrame(coord),
            name="coordination",
            caption=t("mob_coord_caption", lang, fte=fte),
            headers={c: t(f"mob_coord_col_{c}", lang) for c in columns},
            kinds={
                "reach_tour": "percent",
                "reach_tour_national": "percent",
                "fte_equivalent": "number1",
            },  # fmt: skip
            count_columns=[],
            index_header=t("mob_scenario", lang),
        )
