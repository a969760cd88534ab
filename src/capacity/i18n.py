"""Swedish and English text and number formats of the reports.

Every word a committee member reads (headings, table headers, the verdict sentence) comes
from :data:`STRINGS` through :func:`t`; every number goes through :func:`format_number`,
:func:`format_percent` or :func:`format_interval`, so that a report is entirely in one
language and one locale.

Swedish numbers follow the Swedish Language Council's recommendations (Språkrådet,
*Svenska skrivregler*, 4th ed., 2017, § 10): decimal comma, a (narrow, no-break) space as
thousands separator, a space before the percent sign and an en dash without spaces in
ranges. English numbers use a point, a comma as thousands separator and no space before %.

Example
-------
>>> format_number(1234.5, "sv", decimals=1)
'1\\u202f234,5'
>>> format_percent(0.42, "en")
'42%'
>>> format_interval(0.35, 0.5, "sv", percent=True)
'35–50\\xa0%'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from capacity.exceptions import ParameterError

LANGUAGES = ("sv", "en")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
EN_DASH = "\u2013"

STRINGS: dict[str, dict[str, str]] = {
    # --- document ----------------------------------------------------------------------
    "report_title": {
        "sv": "Räcker uppsökarteamens resurser och kompetens? Fråga 4 – {city}",
        "en": "Are the outreach teams' resources and competence sufficient? Question 4 – {city}",
    },
    "dq_title": {"sv": "Datakvalitet – {city}", "en": "Data quality – {city}"},
    "scenarios_title": {"sv": "Scenarier – {city}", "en": "Scenarios – {city}"},
    "mobility_title": {"sv": "Rörlighet – {city}", "en": "Mobility – {city}"},
    "population_title": {
        "sv": "Målgruppens storlek – {city}",
        "en": "Size of the target group – {city}",
    },
    "staffing_title": {
        "sv": "Kapacitet och bemanning – {city}",
        "en": "Capacity and staffing – {city}",
    },
    "template_title": {
        "sv": "Mall: en ny skattare – {city}",
        "en": "Template: a new estimator – {city}",
    },
    "synthetic_banner": {
        "sv": "SYNTETISKA DATA – inte verkliga uppgifter",
        "en": "SYNTHETIC DATA – not real figures",
    },
    "synthetic_note": {
        "sv": "Rapporten bygger på syntetiska data. Siffrorna visar hur metoden fungerar, inte hur det ser ut i {city}.",
        "en": "This report is built on synthetic data. The figures show how the method works, not the situation in {city}.",
    },
    "period": {"sv": "Period {start}–{end}", "en": "Period {start} to {end}"},
    "page": {"sv": "Sida", "en": "Page"},
    "of": {"sv": "av", "en": "of"},
    "figure": {"sv": "Figur", "en": "Figure"},
    "table": {"sv": "Tabell", "en": "Table"},
    # --- headings ----------------------------------------------------------------------
    "h_answer": {"sv": "Svar på fråga 4", "en": "Answer to question 4"},
    "h_key_figures": {"sv": "Nyckeltal", "en": "Key figures"},
    "h_target_group": {"sv": "Målgruppen", "en": "The target group"},
    "h_capacity": {
        "sv": "Uppsökarteamens kapacitet och kompetens",
        "en": "Outreach capacity and competence",
    },
    "h_forecast": {"sv": "Prognos och scenarier", "en": "Forecast and scenarios"},
    "h_indicators": {
        "sv": "Fråga 1–3: insatser vid polisens aktioner",
        "en": "Questions 1–3: joint police operations",
    },
    "h_methods": {"sv": "Metod", "en": "Methods"},
    "h_assumptions": {
        "sv": "Antaganden och datakvalitet",
        "en": "Assumptions and data quality",
    },
    "h_suppression": {"sv": "Röjandekontroll", "en": "Disclosure control"},
    "h_provenance": {"sv": "Underlag och spårbarhet", "en": "Provenance"},
    "h_data_quality": {"sv": "Datakvalitet", "en": "Data quality"},
    "h_tables": {"sv": "Tabellerna i underlaget", "en": "The input tables"},
    # --- data quality -------------------------------------------------------------------
    "dq_intro": {
        "sv": "Underlaget: {title}. Perioden är {start}–{end}. Tabellerna nedan gäller {city} under perioden om inget annat sägs.",
        "en": "The data: {title}. The period is {start} to {end}. The tables below cover {city} in that period unless said otherwise.",
    },
    "h_dq_sources": {"sv": "Källor och överlapp", "en": "Sources and overlap"},
    "h_dq_outreach": {"sv": "Uppsökande arbete", "en": "Outreach"},
    "h_dq_staff": {"sv": "Bemanning", "en": "Staffing"},
    "h_dq_checks": {"sv": "Kontroller", "en": "Checks"},
    "cap_overview": {
        "sv": "Rader per tabell: i filen, i {city}, i {city} under perioden",
        "en": "Rows per table: in the file, in {city}, in {city} during the period",
    },
    "cap_sources": {"sv": "Observationer per källa", "en": "Sightings per source"},
    "cap_overlap": {
        "sv": "Personer efter antal källor som sett dem",
        "en": "Persons by the number of sources that saw them",
    },
    "cap_channels": {"sv": "Uppsökande arbete per kanal", "en": "Outreach by channel"},
    "cap_staffing": {"sv": "Bemanning per månad", "en": "Staffing by month"},
    "col_table": {"sv": "Tabell", "en": "Table"},
    "col_rows": {"sv": "Rader i filen", "en": "Rows in file"},
    "col_rows_city": {"sv": "Rader i staden", "en": "Rows in city"},
    "col_rows_scope": {"sv": "Rader i staden och perioden", "en": "Rows in city and period"},
    "col_file": {"sv": "Fil", "en": "File"},
    "col_sha256": {"sv": "SHA-256 (början)", "en": "SHA-256 (start)"},
    "col_source": {"sv": "Källa", "en": "Source"},
    "col_sightings": {"sv": "Observationer", "en": "Sightings"},
    "col_persons": {"sv": "Personer", "en": "Persons"},
    "col_days": {"sv": "Dagar med observationer", "en": "Days with sightings"},
    "col_language_known": {"sv": "Andel med känt språk", "en": "Share with known language"},
    "col_n_sources": {"sv": "Antal källor", "en": "Number of sources"},
    "col_channel": {"sv": "Kanal", "en": "Channel"},
    "col_shifts": {"sv": "Pass", "en": "Shifts"},
    "col_staff_hours": {"sv": "Personaltimmar (h)", "en": "Staff-hours (h)"},
    "col_contacts": {"sv": "Kontakter (personer)", "en": "Contacts (persons)"},
    "col_new_persons": {"sv": "Nya personer", "en": "New persons"},
    "col_new_per_hour": {"sv": "Nya personer per timme", "en": "New persons per hour"},
    "col_month": {"sv": "Månad", "en": "Month"},
    "col_staff": {"sv": "Personal (antal)", "en": "Staff (count)"},
    "col_fte": {"sv": "Årsarbetare (FTE)", "en": "FTE"},
    "col_outreach_fte": {"sv": "Uppsökande årsarbetare (FTE)", "en": "Outreach FTE"},
    "col_trained_share": {
        "sv": "Andel uppsökande tid med utbildning",
        "en": "Share of outreach time trained",
    },
    # --- verdict -----------------------------------------------------------------------
    "verdict_reach": {
        "sv": "Med nuvarande bemanning når uppsökarteamen uppskattningsvis {reach} ({level} osäkerhetsintervall {interval}) av målgruppen på ett språk de förstår innan de lämnar staden; målet är {target}.",
        "en": "With today's staffing, the outreach teams reach an estimated {reach} ({level} uncertainty interval {interval}) of the target group in a language they understand before they leave the city; the target is {target}.",
    },
    "verdict_reach_scenario": {
        "sv": "I det beräknade scenariot når uppsökarteamen uppskattningsvis {reach} ({level} osäkerhetsintervall {interval}) av målgruppen på ett språk de förstår innan de lämnar staden; målet är {target}.",
        "en": "In the scenario computed, the outreach teams reach an estimated {reach} ({level} uncertainty interval {interval}) of the target group in a language they understand before they leave the city; the target is {target}.",
    },
    "verdict_insufficient": {
        "sv": "Resurserna bedöms som otillräckliga (sannolikheten att målet nås är {p}).",
        "en": "The resources are judged insufficient (the probability that the target is met is {p}).",
    },
    "verdict_sufficient": {
        "sv": "Resurserna bedöms som tillräckliga (sannolikheten att målet nås är {p}).",
        "en": "The resources are judged sufficient (the probability that the target is met is {p}).",
    },
    "verdict_uncertain": {
        "sv": "Det går inte att avgöra om resurserna räcker (sannolikheten att målet nås är {p}).",
        "en": "It cannot be settled whether the resources suffice (the probability that the target is met is {p}).",
    },
    "below": {"sv": "under {p}", "en": "below {p}"},
    "above": {"sv": "över {p}", "en": "above {p}"},
    "none": {"sv": "inga", "en": "none"},
    # --- key figures -------------------------------------------------------------------
    "kf_quantity": {"sv": "Nyckeltal", "en": "Key figure"},
    "kf_estimate": {"sv": "Skattning", "en": "Estimate"},
    "kf_interval": {"sv": "{level} osäkerhetsintervall", "en": "{level} uncertainty interval"},
    "kf_fte_outreach_now": {
        "sv": "Uppsökande årsarbetare i dag",
        "en": "Outreach FTE today",
    },
    "kf_fte_needed": {"sv": "Årsarbetare som behövs för målet", "en": "FTE needed for the target"},
    "kf_fte_gap": {
        "sv": "Skillnad (behov − i dag), årsarbetare",
        "en": "Gap (needed − today), FTE",
    },
    "kf_reach_effective": {
        "sv": "Andel som nås på ett språk de förstår",
        "en": "Share reached in a language they understand",
    },
    "kf_reach_any_language": {
        "sv": "Andel som nås (oavsett språk)",
        "en": "Share reached (any language)",
    },
    "kf_trained_share": {
        "sv": "Andel uppsökande tid med utbildning om människohandel",
        "en": "Share of outreach time by staff trained on trafficking",
    },
    "kf_population_present": {
        "sv": "Personer i målgruppen i staden samtidigt",
        "en": "Persons in the target group present at a time",
    },
    "kf_persons_in_period": {
        "sv": "Personer i målgruppen under perioden",
        "en": "Persons in the target group during the period",
    },
    "kf_arrivals_per_week": {"sv": "Ankomster per vecka", "en": "Arrivals per week"},
    "kf_median_stay_days": {"sv": "Mediantid i staden, dagar", "en": "Median stay, days"},
    "kf_stay_hr_per_year": {
        "sv": "Hasardkvot för att lämna staden, per år",
        "en": "Hazard ratio of leaving, per year",
    },
    "kf_contacts_per_hour": {
        "sv": "Nya kontakter per uppsökande timme",
        "en": "New contacts per outreach hour",
    },
    "kf_support_before_leaving": {
        "sv": "Andel stöd som börjar innan personen lämnar",
        "en": "Share of support starting before the person leaves",
    },
    # --- language table ----------------------------------------------------------------
    "col_language": {"sv": "Språk", "en": "Language"},
    "col_share_of_target_group": {"sv": "Andel av målgruppen", "en": "Share of target group"},
    "col_staff_speakers_fte": {
        "sv": "Uppsökande årsarbetare som talar språket",
        "en": "Outreach FTE speaking it",
    },
    "col_reach": {"sv": "Andel som nås", "en": "Share reached"},
    "col_shortfall": {"sv": "Räcker inte", "en": "Falls short"},
    "yes": {"sv": "ja", "en": "yes"},
    "hidden": {"sv": "dolt", "en": "hidden"},
    "no": {"sv": "nej", "en": "no"},
    "suppressed_none": {
        "sv": "Inga celler behövde döljas (tröskel: färre än {threshold}).",
        "en": "No cells needed suppressing (threshold: fewer than {threshold}).",
    },
    "suppressed_some": {
        "sv": "{n} celler med färre än {threshold} personer visas som ”<{threshold}”: {where}.",
        "en": "{n} cells with fewer than {threshold} persons are shown as '<{threshold}': {where}.",
    },
}


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
    return STRINGS[key][lang].format(**values)


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


def label(key: str, lang: str, labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A column or row label: ``labels[key][lang]`` if given, else ``STRINGS`` (``col_``/``kf_``
    prefixes are tried), else the key itself."""
    if labels and key in labels:
        return labels[key][lang]
    for prefix in ("", "col_", "kf_"):
        if prefix + key in STRINGS:
            return STRINGS[prefix + key][check_language(lang)]
    return key


LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "sv": ("svenska", "Swedish"),
    "en": ("engelska", "English"),
    "ro": ("rumänska", "Romanian"),
    "es": ("spanska", "Spanish"),
    "pt": ("portugisiska", "Portuguese"),
    "fr": ("franska", "French"),
    "de": ("tyska", "German"),
    "ru": ("ryska", "Russian"),
    "uk": ("ukrainska", "Ukrainian"),
    "pl": ("polska", "Polish"),
    "bg": ("bulgariska", "Bulgarian"),
    "hu": ("ungerska", "Hungarian"),
    "th": ("thailändska", "Thai"),
    "zh": ("kinesiska", "Chinese"),
    "vi": ("vietnamesiska", "Vietnamese"),
    "ar": ("arabiska", "Arabic"),
    "fa": ("persiska", "Persian"),
    "so": ("somaliska", "Somali"),
    "ti": ("tigrinja", "Tigrinya"),
    "yo": ("yoruba", "Yoruba"),
    "ig": ("igbo", "Igbo"),
    "sq": ("albanska", "Albanian"),
    "sr": ("serbiska", "Serbian"),
    "lt": ("litauiska", "Lithuanian"),
    "lv": ("lettiska", "Latvian"),
    "et": ("estniska", "Estonian"),
    "fi": ("finska", "Finnish"),
    "tr": ("turkiska", "Turkish"),
}


def language_name(code: str, lang: str) -> str:
    """The name of the language with ISO 639-1 ``code`` in the report language.

    Unknown codes are returned as given (upper-case), so nothing is hidden.
    """
    names = LANGUAGE_NAMES.get(str(code).lower())
    if names is None:
        return str(code).upper()
    return names[0] if check_language(lang) == "sv" else names[1]
