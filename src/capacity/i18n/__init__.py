"""Swedish and English words and number formats of the reports.

- :mod:`~capacity.i18n.format` — :func:`t` (a word from the catalogue), :func:`caveat_text`
  (a model's caveat as a sentence) and the number, percent, interval, date and probability
  formats of each language;
- :mod:`~capacity.i18n.catalogue` — the one catalogue of report words, ``key -> {"sv": ...,
  "en": ...}``, put together from :mod:`~capacity.i18n.strings` (headings, table headers,
  language names), :mod:`~capacity.i18n.committee` (the committee report's sentences),
  :mod:`~capacity.i18n.figures` (figure labels) and :mod:`~capacity.i18n.caveats` (the
  models' caveats).

The names of :mod:`~capacity.i18n.format` are importable from here.
"""

from capacity.i18n.format import (
    CATALOGUE,
    EN_DASH,
    LANGUAGES,
    NARROW_NBSP,
    NBSP,
    caveat_language,
    caveat_text,
    check_language,
    format_date,
    format_interval,
    format_level,
    format_number,
    format_percent,
    format_probability,
    label,
    language_name,
    result_title,
    t,
    verdict_sentences,
)

__all__ = [
    "CATALOGUE",
    "EN_DASH",
    "LANGUAGES",
    "NARROW_NBSP",
    "NBSP",
    "caveat_language",
    "caveat_text",
    "check_language",
    "format_date",
    "format_interval",
    "format_level",
    "format_number",
    "format_percent",
    "format_probability",
    "label",
    "language_name",
    "result_title",
    "t",
    "verdict_sentences",
]
