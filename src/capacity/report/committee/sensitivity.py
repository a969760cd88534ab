"""The committee report's sensitivity section: what the data cannot decide, one at a time.

:func:`sensitivity_frame` runs :func:`capacity.question4.sensitivity.sensitivity` with the
report's fit cache; :func:`sensitivity_section` shows the tornado and its table;
:func:`conditional_sentence` is page one's statement that the interval is conditional on
the model, with the range across the tornado's settings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity import figures
from capacity.i18n import format_interval, format_number, format_percent, t
from capacity.i18n.catalogue import CATALOGUE
from capacity.report.committee.key_figures import phrase

__all__ = ["conditional_sentence", "fte_range_text", "sensitivity_frame", "sensitivity_section"]


def sensitivity_frame(fitted, data, params) -> pd.DataFrame:
    """The one-at-a-time sensitivity of reach and FTE needed (refits through the cache).

    A refit that :func:`capacity.report.refits.start_refits` is fitting in its forked
    process is waited for and read from the cache.
    """
    from capacity.question4.sensitivity import sensitivity
    from capacity.report.cache import fitted_models
    from capacity.report.refits import wait_for_refits

    frame = sensitivity(fitted, params, data, refit=fitted_models)
    wait_for_refits()
    return frame


def _fte(x: float, lang: str) -> str:
    """FTE in whole numbers (rounded up: the staff a target needs), "never" when none do."""
    if not np.isfinite(x):
        return t("never", lang)
    return format_number(float(np.ceil(x - 1e-9)), lang, 0)


def fte_range_text(book, lo: float, hi: float) -> str:
    """The FTE range in words: "93–216 FTE", or "at least 93 FTE – …" when one is ∞."""
    if np.isfinite(lo) and np.isfinite(hi):
        return phrase(book, "fte_range", lo=_fte(lo, book.lang), hi=_fte(hi, book.lang))
    return phrase(book, "fte_range_open", lo=_fte(lo, book.lang))


def conditional_sentence(book, frame: pd.DataFrame, key: str = "conditional") -> str:
    """The interval is conditional on the model; the range across the tornado's settings."""
    from capacity.question4.sensitivity import sensitivity_range

    rng = sensitivity_range(frame)
    lang = book.lang
    lo_f, hi_f = rng["fte_needed"]
    lo_r, hi_r = rng["reach_effective"]
    return phrase(
        book,
        key,
        fte_range=fte_range_text(book, lo_f, hi_f),
        reach=format_interval(lo_r, hi_r, lang, percent=True),
    )


def shown_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with each setting's ``value`` written for the report's reader.

    :func:`capacity.question4.sensitivity.sensitivity` labels settings with plain strings
    (``"0.56"``, ``"70%"``, ``"random"``); the report shows numbers in its language and
    strategies in words.
    """

    def one(setting: str, value: str, side: str) -> str:
        if setting == "detection_share":
            return format_number(float(value), lang, 2)
        if setting in ("target_reach", "interpreter_share") and value.endswith("%"):
            return format_percent(float(value[:-1]) / 100, lang)
        if setting == "strategy":
            key = f"strategy_short_{value}"
            return t(key, lang) if key in CATALOGUE else value
        if setting == "reach_level":
            key = f"level_short_{value}"
            return t(key, lang) if key in CATALOGUE else value
        if setting == "population_model" and f"popmodel_short_{value}" in CATALOGUE:
            return t(f"popmodel_short_{value}", lang)
        if setting == "gap_days":
            return f"{value} {'dagar' if lang == 'sv' else 'days'}"
        if setting == "shrink_days":  # a tenth / ten times the prior's pseudo-days: the
            # rarely seen sets nearer their own rate / the ads' (docs/methods/stays.md)
            return t(f"sens_shrink_{side}", lang)
        if setting == "em_start":  # the EM's start: fewer or more of the shortest stays
            return t(f"sens_start_{value}", lang)
        return value

    out = frame.copy()
    out["value"] = [
        one(s, str(v), side)
        for s, v, side in zip(frame["setting"], frame["value"], frame["side"], strict=True)
    ]
    out.attrs.update(frame.attrs)
    return out


def sensitivity_section(book, frame: pd.DataFrame) -> None:
    """Heading, explanation and the tornado (its numbers go to ``tables.xlsx``)."""
    lang = book.lang
    shown = shown_values(frame, lang)
    book.heading(phrase(book, "h_sensitivity"))
    book.text(
        phrase(book, "sensitivity_intro"), conditional_sentence(book, frame, "sensitivity_range")
    )
    rows = shown["setting"].nunique()
    book.figure_of(figures.tornado, shown, lang, height=0.3 * rows + 1.3)
    table = shown.assign(
        setting=[t(f"fig_sens_{s}", lang) for s in frame["setting"]],
        side=[phrase(book, f"side_{s}") for s in frame["side"]],
        fte_needed=[_fte(x, lang) for x in frame["fte_needed"]],
    ).set_index(["setting", "side"])
    table.index = [f"{a}: {b}" for a, b in table.index]
    book.table(
        table[["value", "reach_effective", "fte_needed"]],
        name="sensitivity",
        caption=phrase(book, "sensitivity_caption"),
        headers={
            "value": phrase(book, "sens_value"),
            "reach_effective": t("fig_tornado_reach", lang),
            "fte_needed": t("fig_tornado_fte", lang),
        },
        kinds={"value": "text", "reach_effective": "percent", "fte_needed": "text"},
        in_report=False,
    )
