"""The figures' shared style: Okabe–Ito palette, labels in both languages, axes in the locale.

:class:`Figure` (a matplotlib figure with its alt text), :func:`style`, the axis formatters
(numbers in the report's locale), used by every figure in :mod:`capacity.figures`. The
figures' words are in the catalogue (:mod:`capacity.i18n.figures`).

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


@dataclass(frozen=True)
class Figure:
    """A finished figure: the matplotlib figure, its alt text and a short title.

    ``name`` is the file stem used for the PNG and SVG files.
    """

    fig: plt.Figure
    alt: str
    title: str
    name: str

    def save(self, folder: str | Path, dpi: int = 200, svg: bytes | None = None) -> list[Path]:
        """Write ``<name>.png`` and ``<name>.svg`` into ``folder``; return the paths.

        ``svg``: the figure's SVG, already drawn (:meth:`svg`): written as it is.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{self.name}.png", folder / f"{self.name}.svg"]
        self.fig.savefig(paths[0], dpi=dpi, bbox_inches="tight")  # the bytes of :meth:`png`
        if svg is None:
            self._save_svg(paths[1])
        else:
            paths[1].write_bytes(svg)
        return paths

    def _save_svg(self, target) -> None:
        # no dc:date, and ids from svg.hashsalt (set in style()): the same figure, the same bytes
        self.fig.savefig(
            target, format="svg", bbox_inches="tight", metadata={"Title": self.title, "Date": None}
        )

    def png(self, dpi: int = 200) -> bytes:
        """The PNG file :meth:`save` writes, as bytes."""
        import io

        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        return buf.getvalue()

    def svg(self) -> bytes:
        """The SVG file :meth:`save` writes, as bytes."""
        import io

        buf = io.BytesIO()
        self._save_svg(buf)
        return buf.getvalue()


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


def percent_axis(ax, axis: str, lang: str, whole: bool = False) -> None:
    """Label ``axis`` of ``ax`` with shares as percentages in the report locale.

    ``whole``: ticks at whole per cents, 1, 2, 5, 10, 20 or 50 apart (at most six steps
    over the axis as it is now): the labels have no decimals, so ticks at, say, 2.5 %
    apart would read "2", "5", "8".
    """
    from matplotlib.ticker import MultipleLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    if whole:
        lo, hi = ax.get_xlim() if axis == "x" else ax.get_ylim()
        span = 100 * abs(hi - lo)
        step = next((b for b in (1, 2, 5, 10, 20) if span / b <= 6), 50)
        target.set_major_locator(MultipleLocator(step / 100))
    target.set_major_formatter(FuncFormatter(lambda v, _: format_number(100 * v, lang, 0)))


def number_axis(ax, axis: str, lang: str, decimals: int | None = 0) -> None:
    """Label ``axis`` of ``ax`` with numbers in the report locale.

    ``decimals=None``: as many as the tick needs, up to two (``2,5`` beside ``5``).
    """

    def shown(v, _):
        if decimals is not None:
            return format_number(v, lang, decimals)
        places = next((d for d in (0, 1) if abs(round(v, d) - v) < 1e-9), 2)
        return format_number(v, lang, places)

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(FuncFormatter(shown))


def date_axis(ax) -> None:
    """Concise month and year labels on the x axis."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def new_axes(figsize=(6.4, 3.4)):
    """A new figure and axes in the report style."""
    style()
    return plt.subplots(figsize=figsize, layout="constrained")
