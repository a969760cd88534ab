r"""Swedish and English text and number formats of the reports.

Every word a committee member reads (headings, table headers, the verdict sentence) comes
from the one catalogue (:data:`capacity.i18n.catalogue.CATALOGUE`) through :func:`t`, and
every model caveat through :func:`caveat_text`; every number goes through
:func:`format_number`, :func:`format_percent` or :func:`format_interval`, so that a report is
entirely in one language and one locale.

Swedish numbers follow the Swedish Language Council's recommendations (Språkrådet,
*Svenska skrivregler*, 4th ed., 2017, § 10): decimal comma, a (narrow, no-break) space as
thousands separator, a space before the percent sign and an en dash without spaces in
ranges. English numbers use a point, a comma as thousands separator and no space before %.

Example
-------
>>> format_number(1234.5, "sv", decimals=1)
'1\u202f234,5'
>>> format_percent(0.42, "en")
'42%'
>>> format_interval(0.35, 0.5, "sv", percent=True)
'35–50\xa0%'
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Mapping

from capacity.exceptions import ParameterError
from capacity.i18n.catalogue import CATALOGUE
from capacity.i18n.strings import STRINGS

__all__ = [
    "CATALOGUE",
    "LANGUAGES",
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
    "t",
    "verdict_sentences",
]

LANGUAGES = ("sv", "en")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
EN_DASH = "\u2013"


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a report language, else raise :class:`ParameterError`."""
    if lang not in LANGUAGES:
        raise ParameterError(
            f"report language {lang!r} is not available; use one of {', '.join(LANGUAGES)}."
        )
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``.

    Raises
    ------
    KeyError
        When the key is unknown (a programming error, not a user error).
    """
    check_language(lang)
    return CATALOGUE[key][lang].format(**values)


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_number(x: float | None, lang: str, decimals: int = 0, *, group: bool = True) -> str:
    """A number in the report locale.

    Swedish: decimal comma and a narrow no-break space (U+202F) between thousands;
    English: decimal point and a comma between thousands. Missing values give an en dash.
    Four-digit Swedish numbers are grouped too (Språkrådet allows either; tables align).
    """
    check_language(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return EN_DASH
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{abs(x):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sep = (NARROW_NBSP if lang == "sv" else ",") if group else ""
    whole = _group(whole, sep)
    point = "," if lang == "sv" else "."
    sign = "−" if x < 0 and float(text) != 0 else ""
    return sign + whole + (point + frac if frac else "")


def _pct_decimals(share: float, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    pct = abs(share) * 100
    return 0 if pct >= 10 or pct == 0 else 1


def format_percent(share: float | None, lang: str, decimals: int | None = None) -> str:
    """A share (0–1) as a percentage: '42 %' in Swedish (no-break space), '42%' in English.

    ``decimals`` defaults to 0 from 10 % up and 1 below.
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return EN_DASH
    number = format_number(100 * share, lang, _pct_decimals(share, decimals))
    return number + (NBSP + "%" if lang == "sv" else "%")


def format_interval(
    low: float | None,
    high: float | None,
    lang: str,
    *,
    percent: bool = False,
    decimals: int | None = None,
) -> str:
    """An interval such as '35–50 %' (sv) or '35–50%' (en), '1,2–3,4' or '1.2–3.4'.

    The unit is written once, after the upper end; negative bounds are written with a
    minus sign and the range as 'from … to …' would be ambiguous, so ' till ' / ' to '
    separates them instead of the dash.
    """
    if (
        low is None
        or high is None
        or any(isinstance(v, float) and math.isnan(v) for v in (low, high))
    ):
        return EN_DASH
    if percent:
        d = (
            decimals
            if decimals is not None
            else min(_pct_decimals(low, None), _pct_decimals(high, None))
        )
        lo = format_number(100 * low, lang, d)
        hi = format_number(100 * high, lang, d)
        while decimals is None and lo == hi and low != high and d < 2:
            # "10–10 %" for 9.8–10.4 % reads as no uncertainty at all: add a decimal
            d += 1
            lo = format_number(100 * low, lang, d)
            hi = format_number(100 * high, lang, d)
        unit = NBSP + "%" if lang == "sv" else "%"
    else:
        d = 1 if decimals is None else decimals
        lo, hi, unit = format_number(low, lang, d), format_number(high, lang, d), ""
    joiner = EN_DASH if low >= 0 and high >= 0 else (" till " if lang == "sv" else " to ")
    return f"{lo}{joiner}{hi}{unit}"


def format_level(alpha: float, lang: str) -> str:
    """The confidence level ``1 - alpha`` as '95 %' / '95%'."""
    return format_percent(1 - alpha, lang, decimals=0 if (100 * (1 - alpha)).is_integer() else 1)


def format_date(day: dt.date | str, lang: str) -> str:
    """A date: ISO 8601 in both languages (unambiguous, and Swedish standard practice)."""
    check_language(lang)
    if isinstance(day, str):
        return day
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.isoformat()


def format_probability(p: float, lang: str, n_draws: int | None = None) -> str:
    """A probability as a percentage, written as 'under 1 %' / 'över 99 %' at the ends.

    With ``n_draws`` Monte Carlo draws the resolution is about ``1/n_draws``; estimates of 0
    or 1 are then written as below or above that resolution instead of a false certainty.
    """
    floor = max(0.01, 1.0 / n_draws) if n_draws else 0.01
    d = 0 if (100 * floor).is_integer() else 1
    if p < floor:
        return t("below", lang, p=format_percent(floor, lang, d))
    if p > 1 - floor:
        return t("above", lang, p=format_percent(1 - floor, lang, d))
    return format_percent(p, lang, decimals=0)


def verdict_sentences(
    *,
    verdict: str,
    reach: float,
    reach_low: float,
    reach_high: float,
    target: float,
    p_target: float,
    lang: str,
    alpha: float = 0.05,
    n_draws: int | None = None,
    scenario: bool = False,
) -> str:
    """The answer to question 4 in two plain sentences, with the probability behind it.

    Example
    -------
    >>> verdict_sentences(verdict="insufficient", reach=0.42, reach_low=0.35,
    ...     reach_high=0.5, target=0.8, p_target=0.001, lang="en", n_draws=200)[:45]
    "With today's staffing, the outreach teams rea"
    """
    if verdict not in ("sufficient", "insufficient", "uncertain"):
        raise ValueError(f"unknown verdict {verdict!r}")
    first = t(
        "verdict_reach_scenario" if scenario else "verdict_reach",
        lang,
        reach=format_percent(reach, lang),
        level=format_level(alpha, lang),
        interval=format_interval(reach_low, reach_high, lang, percent=True),
        target=format_percent(target, lang, 0),
    )
    second = t(f"verdict_{verdict}", lang, p=format_probability(p_target, lang, n_draws))
    return f"{first} {second}"


def result_title(title: str, lang: str) -> str:
    """A model result's ``title`` (English) in ``lang``; the title itself where none is known.

    From :data:`~capacity.i18n.strings.RESULT_TITLES` (a researcher's new result shows its
    own title until it gets an entry there).
    """
    from capacity.i18n.strings import RESULT_TITLES

    return RESULT_TITLES.get(title, {}).get(check_language(lang), title)


def label(key: str, lang: str, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A column or row label.

    ``labels[key][lang]`` if given, else the table word ``key`` of
    :data:`~capacity.i18n.strings.STRINGS` (``col_``/``kf_`` prefixes are tried), else the
    key itself. Only that part of the catalogue is searched, so that a sentence elsewhere
    never becomes a column header by accident.
    """
    if labels and key in labels:
        return labels[key][lang]
    for prefix in ("", "col_", "kf_"):
        if prefix + key in STRINGS:
            return STRINGS[prefix + key][check_language(lang)]
    return key


def language_name(code: str, lang: str) -> str:
    """The name of the language with ISO 639-1 ``code`` in the report language.

    Unknown codes are returned as given (upper-case), so nothing is hidden; ``other`` (small
    languages grouped for disclosure control) is "andra språk" / "other languages".
    """
    names = CATALOGUE.get(f"language_{str(code).lower()}")
    if names is None:
        return str(code).upper()
    return names[check_language(lang)]


# --- caveats: a model's key and values, in the report language ------------------------------


def _decimals_needed(x: float, most: int = 3) -> int:
    for d in range(most + 1):
        if abs(round(x, d) - x) < 1e-9:
            return d
    return most


def _significant(x: float, lang: str, digits: int) -> str:
    """``x`` to ``digits`` significant digits (a p-value), in the locale."""
    if not x or not math.isfinite(x):
        return format_number(x, lang, 0)
    return format_number(x, lang, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


def _language_names(codes, lang: str) -> str:
    names = [language_name(code, lang) for code in codes]
    return ", ".join(names) if names else t("word_some_languages", lang)


def _word(key, lang: str) -> str:
    """A catalogue key's text; a name with no entry (a new strategy) as it is."""
    return CATALOGUE[str(key)][lang] if str(key) in CATALOGUE else str(key)


def _pct_span(v, lang: str) -> str:
    """A span of observed shares (smallest, largest), not an interval.

    One value when the two are equal, otherwise as many decimals as tell them apart
    ('0,9–2,2 %', not '1–2 %' or '0–0 %').
    """
    low, high = map(float, v)
    if low == high:
        return format_percent(low, lang)
    return format_interval(low, high, lang, percent=True)


#: The caveat formats that need only the value and the language (see capacity.i18n.caveats).
_FORMATS = {
    "pct": lambda v, lang: format_percent(float(v), lang, 0),
    "pctrange": lambda v, lang: format_interval(*map(float, v), lang, percent=True, decimals=0),
    "pctspan": _pct_span,
    "num": lambda v, lang: format_number(float(v), lang, _decimals_needed(float(v))),
    "sig": lambda v, lang: _significant(float(v), lang, 1),
    "sig2": lambda v, lang: _significant(float(v), lang, 2),
    "date": format_date,
    "langs": _language_names,
    "list": lambda v, lang: ", ".join(str(x) for x in v),
    "word": _word,
}


class _CaveatFormatter(string.Formatter):
    """``str.format`` with the caveat formats (``pct``, ``int``, ``langs`` …) in one language."""

    def __init__(self, lang: str, threshold: int = 5):
        super().__init__()
        self.lang = lang
        self.threshold = threshold  # counts 1 .. threshold - 1 are written "<threshold"
        self.foreign = False  # set when a nested reason has no catalogue entry

    def format_field(self, value: object, spec: str) -> str:
        if spec in ("caveat", "reason"):
            text = self.nested(value)
            return text[:1].lower() + text[1:].rstrip(".") if spec == "reason" else text
        if spec in ("int", "num1", "num2", "count"):
            return self.number(float(value), spec)
        if spec in _FORMATS:
            return _FORMATS[spec](value, self.lang)
        if spec:
            raise ValueError(f"unknown caveat format {spec!r}")
        return str(value)

    def number(self, x: float, spec: str) -> str:
        """``int``/``num1``/``num2``, or a ``count``: ``<threshold`` when small."""
        if spec == "count" and 0 < x < self.threshold:
            return f"<{self.threshold}"
        return format_number(x, self.lang, {"int": 0, "num1": 1, "num2": 2, "count": 0}[spec])

    def nested(self, caveat: object) -> str:
        if not hasattr(caveat, "key"):  # an error message or plain text: as it stands
            caveat_key, values = "error", {"message": str(caveat)}
        else:
            caveat_key, values = caveat.key, caveat.fields
        if caveat_key == "error":
            self.foreign = self.foreign or self.lang != "en"
        return self.format(CATALOGUE[caveat_key][self.lang], **values)


def _render(caveat: object, lang: str, threshold: int = 5) -> tuple[str, bool]:
    formatter = _CaveatFormatter(check_language(lang), threshold)
    return formatter.nested(caveat), formatter.foreign


def caveat_text(caveat: object, lang: str, threshold: int = 5) -> str:
    r"""A model's caveat (:class:`capacity.models.Caveat`: ``key`` and ``fields``) as a sentence.

    The sentence is the catalogue's ``key`` in ``lang`` with the values formatted as its
    placeholders say (see :mod:`capacity.i18n.caveats`); counts of persons, stays or contacts
    from 1 to ``threshold`` − 1 are written ``<threshold`` (the report passes its
    ``suppression_threshold``).

    Example
    -------
    >>> from capacity.models import Caveat
    >>> caveat_text(Caveat("stays.censored", share=0.034), "sv")
    '3\xa0% av vistelserna kan pågå efter att data slutar (högercensurerade).'
    >>> caveat_text(Caveat("stays.censored", share=0.034), "en")
    '3% of stays may go on after the data end (right-censored).'
    """
    return _render(caveat, lang, threshold)[0]


def caveat_language(caveat: object, lang: str) -> str:
    """The language of ``caveat_text(caveat, lang)``.

    ``lang``, or ``'en'`` when part of it is an error message that has no catalogue entry
    (to be marked for screen readers).
    """
    return "en" if _render(caveat, lang)[1] else check_language(lang)
