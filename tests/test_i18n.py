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

    from capacity.i18n.strings import STRINGS

    for key, texts in STRINGS.items():
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


# --- caveats: the models write English, the Swedish report shows capacity.i18n.caveats ---


def test_caveat_numbers_are_rewritten_in_the_swedish_format():
    from capacity.i18n.caveats import swedish_number, translate_caveat

    assert swedish_number("1,234.5") == "1\u202f234,5"
    assert swedish_number("74%") == "74\xa0%"
    assert swedish_number("3.70") == "3,70"
    text = (
        "Support assumes 8.5 concurrent cases per full-time caseworker (an assumption), cases "
        "of 30 days (the reflection period) and 3.7 casework FTE; accepted support in the "
        "outreach log: 1,250.0 per week."
    )
    sv, lang = translate_caveat(text, "sv")
    assert lang == "sv" and "8,5 samtidiga" in sv and "3,7 årsarbetare" in sv
    assert "1\u202f250,0 personer per vecka" in sv
    assert translate_caveat(text, "en") == (text, "en")
    assert translate_caveat("A caveat nobody translated.", "sv") == (
        "A caveat nobody translated.",
        "en",
    )


def test_nested_reasons_are_translated_or_the_caveat_stays_english():
    from capacity.i18n.caveats import translate_caveat

    sv, lang = translate_caveat(
        "Quarter 2024Q2: no population estimate (Capture–recapture needs at least two "
        "sources; the sightings have ['ads_b'].).",
        "sv",
    )
    assert (lang, sv) == (
        "sv",
        "Kvartal 2024Q2: ingen skattning av målgruppens storlek (fångst–återfångst kräver "
        "minst två källor; observationerna kommer bara från ads_b).",
    )
    unknown = "No arrivals forecast: a reason nobody translated."
    assert translate_caveat(unknown, "sv") == (unknown, "en")


def test_caveat_catalogue_templates_use_the_groups_they_capture():
    import re
    import string

    from capacity.i18n.caveats import CATALOGUE

    for caveat in CATALOGUE:
        groups = set(re.compile(caveat.pattern).groupindex)
        fields = {f for _, f, _, _ in string.Formatter().parse(caveat.sv) if f}
        assert groups == fields, caveat.pattern


def _caveats_of_question_4() -> dict[str, str]:
    """Every caveat of question 4 on the sample and the tiny data, default and scenarios."""
    import warnings

    from capacity.config import ROOT, Params
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate
    from capacity.report import fitted_models

    tiny = {
        "data_dir": str(ROOT / "tests" / "data" / "tiny"),
        "period_start": "2024-01-01",
        "period_end": "2024-04-30",
        "n_boot": 40,
    }
    scenarios = [
        {},
        {"target_reach": 0.99},
        {"interpreter_share": 1.0},
        {"stay_multiplier": 0.5, "extra_fte": 4.0},
        {"n_boot": 50},
    ]
    seen: dict[str, str] = {}
    for name, base, extra in (
        ("data/sample", {}, [{"strategy": "screening"}]),
        ("tests/data/tiny", tiny, [{"strategy": "screening"}]),
    ):
        params = Params.from_mapping(base)
        data = load_dataset(params.data_path)
        for change in scenarios + extra:
            scenario = params.replace(**change)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = evaluate(fitted_models(data, scenario), scenario)
            for caveat in result.caveats:
                seen.setdefault(caveat, f"{name} {change or 'default'}")
    return seen


@pytest.mark.slow
def test_every_caveat_of_question_4_has_a_swedish_version(tmp_path, monkeypatch):
    from capacity.i18n.caveats import translate_caveat

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    seen = _caveats_of_question_4()
    assert len(seen) >= 15
    missing = [
        f"{c!r} ({where})" for c, where in seen.items() if translate_caveat(c, "sv")[1] != "sv"
    ]
    assert not missing, (
        "caveats without a Swedish version; add a Caveat (English pattern, Swedish sentence) "
        "to CATALOGUE in src/capacity/i18n/caveats.py:\n" + "\n".join(missing)
    )
