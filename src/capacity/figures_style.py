"""The figures' shared style: Okabe–Ito palette, labels in both languages, axes in the locale.

:class:`Figure` (a matplotlib figure with its alt text), :func:`style`, the axis formatters
(numbers in the report's locale) and :data:`LABELS` (titles and axis labels, Swedish and
English), used by every figure in :mod:`capacity.figures`.

References
----------
Okabe, M. and Ito, K. (2008). *Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people.* https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from capacity.i18n import format_number

#: Okabe–Ito palette (black first dropped: it is the text colour).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "sky_blue")]

LABELS = {
    "reach_title": (
        "Andel som nås på ett språk de förstår",
        "Share reached in a language they understand",
    ),
    "reach_x": ("Andel av målgruppen som nås (%)", "Share of the target group reached (%)"),
    "draws_y": ("Antal simuleringar", "Number of simulations"),
    "target": ("Mål", "Target"),
    "estimate": ("Skattning", "Estimate"),
    "stay_title": ("Hur länge personer stannar i staden", "How long persons stay in the city"),
    "stay_x": ("Dagar sedan ankomst", "Days since arrival"),
    "stay_y": ("Andel som fortfarande är kvar (%)", "Share still present (%)"),
    "interval": ("osäkerhetsintervall", "uncertainty interval"),
    "arrivals_title": ("Ankomster per månad och prognos", "Arrivals per month and forecast"),
    "arrivals_y": ("Nya vistelser per månad (antal)", "New stays per month (count)"),
    "observed": ("Observerat", "Observed"),
    "forecast": ("Prognos", "Forecast"),
    "month": ("Månad", "Month"),
    "fte_title": ("Årsarbetare som behövs för målet", "FTE needed for the target"),
    "fte_y": ("Årsarbetare (FTE)", "Full-time equivalents (FTE)"),
    "fte_now": ("I dag", "Today"),
    "lang_title": ("Målgruppens språk och hur många som nås", "Target group's languages and reach"),
    "lang_x": ("Andel (%)", "Share (%)"),
    "lang_share": ("Andel av målgruppen", "Share of target group"),
    "lang_reach": ("Andel som nås", "Share reached"),
    "scen_title": ("Scenarier: andel som nås", "Scenarios: share reached"),
    "tornado_title": (
        "Det som data inte avgör: antaganden ett i taget",
        "What the data cannot decide: one assumption at a time",
    ),
    "tornado_fte": ("Årsarbetare som behövs", "Outreach FTE needed"),
    "tornado_reach": (
        "Andel som nås på ett språk de förstår (%)",
        "Share reached in a language understood (%)",
    ),
    "tornado_base": ("Huvudskattning", "Main estimate"),
    "sens_detection_share": ("Andel som någon källa ser", "Share seen by any source"),
    "sens_gap_days": ("Uppehåll som skiljer två vistelser", "Gap that separates two stays"),
    "sens_mse_criterion": ("Modellval för målgruppens storlek", "Model choice for group size"),
    "sens_strategy": ("Arbetssätt", "Outreach strategy"),
    "sens_target_reach": ("Mål för andel som nås", "Target reach"),
    "sens_interpreter_share": ("Tolk vid kontakter", "Interpreter at contacts"),
    "sens_reach_level": ("Vad som räknas som att nå henne", "What counts as reaching her"),
    "scen_x": ("Extra uppsökande årsarbetare (FTE)", "Extra outreach FTE"),
    "scen_y": (
        "Andel som nås på ett språk de förstår (%)",
        "Share reached in a language they understand (%)",
    ),
    "cov_title": ("Personer per månad och källa", "Persons per month and source"),
    "cov_y": ("Olika personer (antal)", "Distinct persons (count)"),
    "stay_mult": ("vistelselängd ×", "stay length ×"),
}


def label_text(key: str, lang: str) -> str:
    sv, en = LABELS[key]
    return sv if lang == "sv" else en


@dataclass(frozen=True)
class Figure:
    """A finished figure: the matplotlib figure, its alt text and a short title.

    ``name`` is the file stem used for the PNG and SVG files.
    """

    fig: plt.Figure
    alt: str
    title: str
    name: str

    def save(self, folder: str | Path, dpi: int = 200) -> list[Path]:
        """Write ``<name>.png`` and ``<name>.svg`` into ``folder``; return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{self.name}.png", folder / f"{self.name}.svg"]
        self.fig.savefig(paths[0], dpi=dpi, bbox_inches="tight")
        # no dc:date, and ids from svg.hashsalt (set in style()): the same figure, the same bytes
        self.fig.savefig(
            paths[1], bbox_inches="tight", metadata={"Title": self.title, "Date": None}
        )
        return paths


def style() -> None:
    """Report style: Okabe–Ito colour cycle, readable sizes, no top/right spines."""
    plt.rcParams.update(
        {
            "axes.prop_cycle": plt.cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.labelsize": 9.5,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 8.5,
            "legend.frameon": False,
            "font.family": "DejaVu Sans",
            "svg.fonttype": "none",
            "svg.hashsalt": "capacity",
        }
    )


def percent_axis(ax, axis: str, lang: str) -> None:
    fmt = FuncFormatter(lambda v, _: format_number(100 * v, lang, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def number_axis(ax, axis: str, lang: str, decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _: format_number(v, lang, decimals))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def date_axis(ax) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def new_axes(figsize=(6.4, 3.4)):
    style()
    return plt.subplots(figsize=figsize, layout="constrained")
