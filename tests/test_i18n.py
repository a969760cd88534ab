"""Report text and number formats per locale."""

import math

import pandas as pd
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


def test_a_narrow_percent_interval_never_reads_as_a_point():
    # 9.8–10.4 % rounds to "10–10 %" at whole percent: a decimal is added instead
    assert i18n.format_interval(0.098, 0.104, "sv", percent=True) == "9,8–10,4\xa0%"
    assert i18n.format_interval(0.1001, 0.1004, "en", percent=True) == "10.01–10.04%"
    # a true point stays a point, and explicit decimals are kept as asked
    assert i18n.format_interval(0.1, 0.1, "en", percent=True) == "10–10%"
    assert i18n.format_interval(0.098, 0.104, "en", percent=True, decimals=0) == "10–10%"


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


def _placeholders(text: str) -> set[tuple[str, str]]:
    import string

    return {(f, spec) for _, f, spec, _ in string.Formatter().parse(text) if f is not None}


def test_every_word_of_the_catalogue_has_both_languages_with_the_same_placeholders():
    from capacity.i18n.catalogue import CATALOGUE, PARTS

    assert len(CATALOGUE) == sum(len(part) for part in PARTS.values())  # no key in two parts
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in texts.values()), key
        assert _placeholders(texts["sv"]) == _placeholders(texts["en"]), key


def test_a_key_in_two_parts_of_the_catalogue_is_refused():
    from capacity.i18n.catalogue import _merge

    with pytest.raises(RuntimeError, match="'x' is defined in both a and b"):
        _merge({"a": {"x": {"sv": "1", "en": "1"}}, "b": {"x": {"sv": "2", "en": "2"}}})


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


# --- caveats: the models emit a key and values, the catalogue has the sentences ---------


def test_the_capture_caveat_writes_a_span_of_small_shares_readably():
    """The lead shares of the ad sites are a span, not an interval: two sites at 0.9 % and
    2.2 % read '0,9–2,2 %' (whole percent gave '1–2 %'), two equal shares one value
    (whole percent gave '0–0 %')."""
    from capacity.models import Caveat

    assert "i 0,9–2,2\xa0% av vistelserna" in Caveat(
        "capture.on_arrival", lead=(0.009, 0.022)
    ).text("sv")
    assert "in 0.4% of stays" in Caveat("capture.on_arrival", lead=(0.004, 0.004)).text("en")
    assert "in 14–54% of stays" in Caveat("capture.per_day", lead=(0.14, 0.54)).text("en")


def test_caveats_are_rendered_with_the_numbers_in_the_report_locale():
    from capacity.models import Caveat

    c = Caveat("q4.support_assumptions", caseload=8.5, days=30, fte=3.7, rate=1250.0)
    sv, en = c.text("sv"), c.text("en")
    assert "8,5 samtidiga" in sv and " 4 årsarbetare" in sv  # casework FTE: whole number
    assert "1\u202f250,0 personer per vecka" in sv
    assert (
        en
        == str(c)
        == (
            "Support assumes 8.5 concurrent cases per full-time caseworker (an assumption), cases "
            "of 30 days (the reflection period) and 4 casework FTE; accepted support in the "
            "outreach log: 1,250.0 per week."
        )
    )
    assert i18n.caveat_language(c, "sv") == "sv"


def test_caveats_are_values_not_sentences_and_compare_by_value():
    import numpy as np

    from capacity.models import Caveat

    a = Caveat("stays.censored", share=np.float64(0.25))
    b = Caveat("stays.censored", {"share": 0.25})
    assert a == b and hash(a) == hash(b) and a.fields == {"share": 0.25}
    assert len(dict.fromkeys([a, b])) == 1
    with pytest.raises(KeyError):
        Caveat("no.such.key").text("en")


def test_nested_reasons_are_rendered_in_the_report_language():
    from capacity.exceptions import ParameterError
    from capacity.models import Caveat

    err = ParameterError(
        "two sources needed", reason=Caveat("population.one_source", sources=["ads_b"])
    )
    c = Caveat("population.quarter_failed", quarter="2024Q2", reason=Caveat.of_error(err))
    assert c.text("sv") == (
        "Kvartal 2024Q2: ingen skattning av målgruppens storlek (fångst–återfångst kräver "
        "minst två källor; observationerna kommer bara från ads_b)."
    )
    assert str(c) == (
        "Quarter 2024Q2: no population estimate (capture–recapture needs at least two "
        "sources; the sightings have ads_b)."
    )
    # an error without a structured reason stays as it is, and is marked English
    plain = Caveat("q4.no_forecast", reason=Caveat.of_error(ValueError("A reason.")))
    assert plain.text("sv") == "Ingen prognos för ankomsterna: a reason."
    assert i18n.caveat_language(plain, "sv") == "en"
    assert i18n.caveat_language(plain, "en") == "en"


def test_every_caveat_the_models_can_emit_has_a_catalogue_entry():
    """Every ``Caveat("key", ...)`` written in src/ names a key of the catalogue."""
    import re

    from capacity.config import ROOT
    from capacity.i18n.caveats import CAVEATS

    keys = set()
    for path in (ROOT / "src" / "capacity").rglob("*.py"):
        keys |= {(k, path.name) for k in re.findall(r'Caveat\(\s*"([^"]+)"', path.read_text())}
    assert len(keys) >= 40
    missing = sorted(f"{k} ({where})" for k, where in keys if k not in CAVEATS)
    assert not missing, "caveat keys without a catalogue entry: " + ", ".join(missing)


def _caveats_of_question_4(tiny_dir) -> dict[str, str]:
    """Every caveat of question 4 on the sample and the tiny data, default and scenarios."""
    import warnings

    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate
    from capacity.report import fitted_models

    tiny = {
        "data_dir": str(tiny_dir),
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
def test_every_caveat_of_question_4_is_said_in_swedish(tmp_path, monkeypatch, tiny_dir):
    from capacity.models import Caveat

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    seen = _caveats_of_question_4(tiny_dir)
    assert len(seen) >= 15
    assert all(isinstance(c, Caveat) for c in seen)
    missing = [
        f"{c!r} ({where})" for c, where in seen.items() if i18n.caveat_language(c, "sv") != "sv"
    ]
    assert not missing, (
        "caveats with a part that is not in the catalogue (an error without a reason=Caveat):\n"
        + "\n".join(missing)
    )
    for c in seen:  # every sentence is complete in both languages
        assert "{" not in c.text("sv") and "{" not in c.text("en")


def test_every_model_result_has_a_swedish_title():
    """A notebook captions a results table with the result's ``title``: each model's title
    has a Swedish entry, so a Swedish report shows no English caption."""
    import importlib
    import pkgutil

    import capacity.models
    from capacity.i18n import result_title
    from capacity.models._base import Results

    for mod in pkgutil.walk_packages(capacity.models.__path__, "capacity.models."):
        importlib.import_module(mod.name)
    for name in ("capacity.question4", "capacity.national", "capacity.question4.mobility"):
        importlib.import_module(name)

    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    titles = {c.title for c in every(Results) if c.__module__.startswith("capacity.")}
    assert len(titles) >= 10
    missing = sorted(x for x in titles | {Results.title} if result_title(x, "sv") == x)
    assert not missing, missing
    assert result_title("Stays in the city (days)", "en") == "Stays in the city (days)"
    assert result_title("a researcher's new estimator", "sv") == "a researcher's new estimator"


def test_a_results_table_in_a_swedish_report_has_a_swedish_caption():
    from capacity.config import Params
    from capacity.models.touring import TouringResults
    from capacity.report import ReportBook

    book = ReportBook(Params(language="sv"), show=False)
    frame = pd.DataFrame(
        {"estimate": [1.2], "se": [0.0], "ci_lower": [1.1], "ci_upper": [1.3]},
        index=["cities_per_person_month"],
    )

    class Touring(TouringResults):
        def __init__(self):
            pass

        def summary_frame(self, alpha=None):
            return frame

    book.results(Touring(), name="touring", caption=TouringResults.title, caveats=False)
    assert "Resor mellan städer" in "".join(book.html_parts)


def test_a_synthetic_dataset_is_named_with_its_own_cities_and_years():
    """The Swedish reports named every synthetic dataset '6 svenska städer, 2021–2025' (the
    shipped sample's numbers); the title now comes from what the generator recorded."""
    import json

    from capacity.config import ROOT
    from capacity.report.provenance import dataset_title

    sample = json.loads((ROOT / "data" / "sample" / "datapackage.json").read_text("utf-8"))
    assert dataset_title(sample, "sv") == "Syntetiska exempeldata: 6 svenska städer, 2021–2025"
    own = {
        "title": "SYNTHETIC data: 4 Swedish cities, 2022–2024",
        "synthetic": True,
        "period": {"start": "2022-01-01", "end": "2024-12-31"},
        "generator": {"n_cities": 4, "sample": False},
    }
    assert dataset_title(own, "sv") == "Syntetiska data: 4 svenska städer, 2022–2024"
    assert dataset_title(own, "en") == "Synthetic data: 4 Swedish cities, 2022–2024"
    assert dataset_title({"title": "Tiny test data", "synthetic": True}, "sv") == "Syntetiska data"
    real = {"title": "Socialförvaltningen, export 2025"}
    assert dataset_title(real, "sv") == "Socialförvaltningen, export 2025"
