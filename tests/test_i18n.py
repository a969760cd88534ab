"""Report text and number formats per locale."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity import i18n
from capacity.exceptions import ParameterError


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1234.5, "sv", 1, "1\u202f234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "en", 0, "1,234,567"),
        (999, "sv", 0, "999"),
        (-2.25, "sv", 1, "−2,2"),
        (-0.01, "en", 0, "0"),
        (float("nan"), "sv", 1, "–"),
    ],
)
def test_format_number(x, lang, decimals, expected):
    assert i18n.format_number(x, lang, decimals) == expected


def test_percent_has_a_no_break_space_in_swedish_only():
    assert i18n.format_percent(0.42, "sv") == "42\xa0%"
    assert i18n.format_percent(0.42, "en") == "42%"
    assert i18n.format_percent(0.054, "sv") == "5,4\xa0%"


def test_interval_writes_the_unit_once():
    assert i18n.format_interval(0.35, 0.5, "sv", percent=True) == "35–50\xa0%"
    assert i18n.format_interval(1.25, 3.5, "en") == "1.2–3.5"
    assert i18n.format_interval(-1.0, 2.0, "sv") == "−1,0 till 2,0"


def test_verdict_sentence_matches_the_agreed_wording():
    text = i18n.verdict_sentences(
        verdict="insufficient",
        reach=0.42,
        reach_low=0.35,
        reach_high=0.50,
        target=0.8,
        p_target=0.0,
        lang="sv",
        n_draws=200,
    )
    assert text.startswith("Med nuvarande bemanning når uppsökarteamen uppskattningsvis 42\xa0%")
    assert "(95\xa0% osäkerhetsintervall 35–50\xa0%)" in text
    assert "målet är 80\xa0%" in text
    assert text.endswith("otillräckliga (sannolikheten att målet nås är under 1\xa0%).")


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    import string

    for key, texts in i18n.STRINGS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in texts
        ]
        assert fields[0] == fields[1], key


def test_unknown_language_is_refused():
    with pytest.raises(ParameterError, match="'de'.*sv, en"):
        i18n.t("h_answer", "de")


def test_language_names():
    assert i18n.language_name("ro", "sv") == "rumänska"
    assert i18n.language_name("ro", "en") == "Romanian"
    assert i18n.language_name("xx", "en") == "XX"


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_formatted_numbers_read_back_to_the_rounded_value(x, decimals):
    for lang in i18n.LANGUAGES:
        text = i18n.format_number(x, lang, decimals)
        if lang == "sv":
            plain = text.replace("\u202f", "").replace(",", ".")
        else:
            plain = text.replace(",", "")
        back = float(plain.replace("−", "-"))
        assert math.isclose(back, round(x, decimals), abs_tol=10**-decimals)
