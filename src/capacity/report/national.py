"""Report section "the whole country": each city's reach, reach per tour nationally, the gaps.

:func:`national_section` writes the section from a
:class:`~capacity.national.NationalResult` into a :class:`~capacity.report.ReportBook`:
a lead sentence with the national share of tours reached and its interval, the cities
through which most unreached tours pass, a table per city (arrivals, outreach FTE, the
strategy the data show, reach per stay, per woman and per tour with the tour interval,
unreached tours per week) and a figure. ``notebooks/national.ipynb`` is the report; the
committee report can call the same function as a section. Words:
:mod:`capacity.i18n.strings` (keys ``nat_*``). Methods: ``docs/methods/tours.md``.
"""

from __future__ import annotations

from capacity import i18n
from capacity.figures_style import Figure, percent_axis

__all__ = ["national_section"]


def _strategy_label(text: str, lang: str) -> str:
    key = f"nat_strategy_{str(text).split(' ')[0]}"
    return i18n.t(key, lang) if key in i18n.CATALOGUE else str(text)


def _level_text(level: str, lang: str) -> str:
    key = f"nat_level_{level}"
    return i18n.t(key, lang) if key in i18n.CATALOGUE else level


def national_section(book, result, *, n_gaps: int = 3, heading: bool = True) -> None:
    """Write the national view into ``book`` (see the module docstring).

    Parameters
    ----------
    book : ReportBook
    result : NationalResult
        From :func:`capacity.national.national_view`.
    n_gaps : int
        Cities named as the largest gaps.
    heading : bool
        Start with the section heading (off when the section is the whole report).
    """
    lang = book.lang
    if heading:
        book.heading(book.t("nat_heading"), level=2)
    est, _, lo, hi = result.national
    level = result.reach_level
    book.text(
        book.t(
            "nat_lead",
            share=i18n.format_percent(est, lang),
            lo=i18n.format_percent(lo, lang),
            hi=i18n.format_percent(hi, lang),
            level=_level_text(level, lang),
            n=len(result.cities),
        )
    )
    if len(result.cities) == 0:
        book.caveats(result.caveats)
        return
    gaps = result.gaps(n_gaps)
    items = [
        book.t(
            "nat_gap_item",
            city=city,
            n=i18n.format_number(row["unreached_tours_per_week"], lang, decimals=1),
        )
        for city, row in gaps.iterrows()
    ]
    book.text(book.t("nat_gaps", cities=", ".join(items)))
    c = result.cities
    frame = c[
        [
            "arrivals_per_week",
            "fte_outreach_now",
            "strategy",
            "reach_stay",
            "reach_woman",
            "reach_tour",
            "reach_tour_ci_lower",
            "reach_tour_ci_upper",
            "unreached_tours_per_week",
        ]
    ].copy()
    frame["strategy"] = [_strategy_label(s, lang) for s in frame["strategy"]]
    frame.index = frame.index.astype(str)
    cols = ("arrivals_per_week", "fte_outreach_now", "strategy", "reach_stay", "reach_woman",
            "reach_tour", "unreached_tours_per_week")  # fmt: skip
    headers = {k: book.t(f"nat_col_{k}") for k in cols}
    level_text = i18n.format_level(book.params.alpha, lang)
    book.table(
        frame,
        name="national_cities",
        caption=book.t("nat_caption"),
        headers=headers,
        kinds={
            "arrivals_per_week": "number1",
            "fte_outreach_now": "number1",
            "strategy": "text",
            "reach_stay": "percent",
            "reach_woman": "percent",
            "reach_tour": "percent",
            "reach_tour_ci_lower": "percent",
            "reach_tour_ci_upper": "percent",
            "unreached_tours_per_week": "number1",
        },
        count_columns=[],
        index_header=book.t("nat_col_city"),
        interval=("reach_tour_ci_lower", "reach_tour_ci_upper"),
        interval_header=book.t("kf_interval", level=level_text),
        interval_after="reach_tour",
    )
    ax = result.plot(
        labels={
            "reach_stay": book.t("nat_col_reach_stay").lower(),
            "reach_tour": book.t("nat_col_reach_tour").lower(),
            "x": book.t("nat_axis"),
            "title": book.t("nat_figure"),
        }
    )
    percent_axis(ax, "x", book.lang, whole=True)
    fig = ax.figure
    book.figure(Figure(fig, book.t("nat_alt"), book.t("nat_figure"), "national_reach"))
    book.caveats(result.caveats)
