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
from capacity.i18n import format_number, format_percent, t
from capacity.report.committee.key_figures import phrase

__all__ = ["conditional_sentence", "sensitivity_frame", "sensitivity_section"]


def sensitivity_frame(fitted, data, params) -> pd.DataFrame:
    """The one-at-a-time sensitivity of reach and FTE needed (refits through the cache)."""
    from capacity.question4.sensitivity import sensitivity
    from capacity.report.cache import fitted_models

    return sensitivity(fitted, params, data, refit=fitted_models)


def _fte(x: float, lang: str) -> str:
    return format_number(x, lang, 1) if np.isfinite(x) else "∞"


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
        fte_lo=_fte(lo_f, lang),
        fte_hi=_fte(hi_f, lang),
        reach_lo=format_percent(lo_r, lang),
        reach_hi=format_percent(hi_r, lang),
    )


def sensitivity_section(book, frame: pd.DataFrame) -> None:
    """Heading, explanation, the tornado and its table."""
    lang = book.lang
    book.heading(phrase(book, "h_sensitivity"), new_page=True)
    book.text(
        phrase(book, "sensitivity_intro"), conditional_sentence(book, frame, "sensitivity_range")
    )
    book.figure(figures.tornado(frame, lang))
    shown = frame.assign(
        setting=[t(f"fig_sens_{s}", lang) for s in frame["setting"]],
        side=[phrase(book, f"side_{s}") for s in frame["side"]],
    ).set_index(["setting", "side"])
    shown.index = [f"{a}: {b}" for a, b in shown.index]
    book.table(
        shown[["value", "reach_effective", "fte_needed"]],
        name="sensitivity",
        caption=phrase(book, "sensitivity_caption"),
        headers={
            "value": phrase(book, "sens_value"),
            "reach_effective": t("fig_tornado_reach", lang),
            "fte_needed": t("fig_tornado_fte", lang),
        },
        kinds={"value": "text", "reach_effective": "percent", "fte_needed": "number1"},
    )
