"""Page one: the competence gap (languages no staff member speaks) apart from staff numbers."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from capacity.config import Params
from capacity.report.committee.competence import unspoken_languages, with_interpreters
from capacity.report.committee.first_page import competence_gap_text, staff_or_competence_text


def _result(verdict="insufficient", interpreter_share=None, staff=(2.0, 0.0, 0.0), iota=0.3):
    languages = pd.DataFrame(
        {
            "share_of_target_group": [0.5, 0.1, 0.4],
            "staff_speakers_fte": list(staff),
            "usable_share": [1.0 if s > 0 else iota for s in staff],
        },
        index=["sv", "ru", "bg"],
    )
    params = SimpleNamespace(interpreter_share=interpreter_share)
    return SimpleNamespace(languages=languages, params=params, verdict=verdict, draws=[0] * 200)


def test_unspoken_languages_are_those_no_staff_member_speaks_largest_first():
    gap = unspoken_languages(_result())
    assert list(gap.index) == ["bg", "ru"]
    assert gap["interpreter_share"].tolist() == [0.3, 0.3]


@pytest.mark.parametrize(
    ("lang", "kwargs", "expected"),
    [
        (
            "sv",
            {},
            "Ingen i uppsökarteamen talar bulgariska (40\xa0%) och ryska (10\xa0%): tillsammans "
            "50\xa0% av målgruppen (andelar inom parentes), som bara kan nås på sitt språk med "
            "tolk. Enligt personalens registrering av kontakterna används tolk vid 30\xa0% av sådana kontakter.",
        ),
        ("en", {"iota": 0.0}, "interpreters are never used."),
        ("sv", {"interpreter_share": 0.5, "iota": 0.5}, "Rapporten antar att tolk används vid 50"),
        ("sv", {"staff": (1.0, 1.0, 1.0)}, "Alla språk i målgruppen talas av någon"),
    ],
)
def test_competence_gap_text(lang, kwargs, expected):
    text = competence_gap_text(SimpleNamespace(lang=lang), _result(**kwargs))
    assert expected in text


@pytest.mark.parametrize(
    ("verdict", "with_interpreters_verdict", "expected"),
    [
        ("insufficient", "insufficient", "det som främst saknas är fler årsarbetare"),
        ("insufficient", "sufficient", "det som främst saknas är språkkompetens"),
        ("insufficient", "uncertain", "både språkkompetens och fler årsarbetare"),
        ("sufficient", "sufficient", "Med tolk vid varje kontakt skulle dagens bemanning nå"),
    ],
)
def test_staff_or_competence_conclusion(verdict, with_interpreters_verdict, expected):
    scenarios = pd.DataFrame(
        {
            "reach_effective": [0.4, 0.6],
            "p_target": [0.0, 0.9],
            "fte_needed": [12.0, 8.0],
            "verdict": [verdict, with_interpreters_verdict],
        },
        index=["today", "interpreters"],
    )
    text = staff_or_competence_text(SimpleNamespace(lang="sv"), _result(verdict), scenarios)
    assert expected in text


def test_interpreters_scenario_equals_a_refit_with_interpreter_share_one(tiny_dir):
    """with_interpreters swaps the usable share per language instead of refitting."""
    import warnings

    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate, fit_models
    from capacity.report.committee.scenarios import standard_scenarios

    params = Params.from_mapping(
        {"data_dir": str(tiny_dir), "period_start": "2024-01-01", "period_end": "2024-04-30"}
    )
    params = params.replace(n_boot=40)
    data = load_dataset(params.data_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(data, params)
        swapped = evaluate(with_interpreters(fitted), params)
        one = params.replace(interpreter_share=1.0)
        refit = evaluate(fit_models(data, one), one)
        scenarios = standard_scenarios(fitted, params)
    cols = ["estimate", "ci_lower", "ci_upper"]
    pd.testing.assert_frame_equal(swapped.key_figures[cols], refit.key_figures[cols])
    assert swapped.p_target == refit.p_target
    assert list(scenarios.index) == ["today", "plus2", "plus4", "interpreters", "mobile"]
    assert scenarios.loc["interpreters", "interpreter_share"] == 1.0
    assert scenarios.loc["interpreters", "fte_needed"] <= scenarios.loc["today", "fte_needed"]
    assert scenarios.loc["interpreters", "reach_effective"] == pytest.approx(
        swapped.key_figures.loc["reach_any_language", "estimate"]
    )


def test_key_figures_hide_intervals_for_register_values_and_single_values():
    """Staff today is data (no interval); a KM median whose interval is one whole day shows
    the estimate alone ("13 (13–13)" read as a glitch to a committee, issue 11); a real
    interval stays."""
    from capacity.report.committee.key_figures import key_figure_frame

    kf = pd.DataFrame(
        {
            "estimate": [2.5, 13.0, 0.04],
            "se": [float("nan"), float("nan"), 0.001],
            "ci_lower": [2.5, 13.0, 0.039],
            "ci_upper": [2.5, 13.0, 0.044],
        },
        index=["fte_outreach_now", "median_stay_days", "reach_effective"],
    )
    frame, _ = key_figure_frame(SimpleNamespace(key_figures=kf), list(kf.index), "en")
    assert frame["ci_lower"].isna().tolist() == [True, True, False]
    assert frame.iloc[1]["estimate"] == 13.0
    assert frame.iloc[2]["ci_upper"] == 0.044
