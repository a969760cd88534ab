"""Swedish and English words and number formats of the reports.

- :mod:`~capacity.i18n.format` — :func:`t` (a word from the catalogue) and the number,
  percent, interval, date and probability formats of each language;
- :mod:`~capacity.i18n.strings` — the catalogue of report words and language names;
- :mod:`~capacity.i18n.caveats` — model caveats in the report's language.

The names of :mod:`~capacity.i18n.format` are importable from here.
"""

from capacity.i18n.format import (
    EN_DASH,
    LANGUAGES,
    NARROW_NBSP,
    NBSP,
    check_language,
    format_date,
    format_interval,
    format_level,
    format_number,
    format_percent,
    format_probability,
    label,
    language_name,
    t,
    verdict_sentences,
)

__all__ = [
    "EN_DASH",
    "LANGUAGES",
    "NARROW_NBSP",
    "NBSP",
    "check_language",
    "format_date",
    "format_interval",
    "format_level",
    "format_number",
    "format_percent",
    "format_probability",
    "label",
    "language_name",
    "t",
    "verdict_sentences",
]
