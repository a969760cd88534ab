"""One results shape: every model's result has the same methods, defaults and immutability.

Each result has ``summary_frame(alpha=None)`` (columns ``estimate, se, ci_lower,
ci_upper``), ``conf_int``, ``summary`` (English text with its caveats), ``plot`` and
``_repr_html_``; ``alpha=None`` means the level the result was made at; assigning an
attribute raises ``FrozenInstanceError``.
"""

from __future__ import annotations

import dataclasses
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.models._base import COLUMNS, Results
from capacity.question4 import evaluate, fit_models


@pytest.fixture(scope="module")
def results(tiny_dir):
    """One result of every kind the package makes, from the tiny data where it can."""
    from capacity.models.forecast import fit_arrivals_forecast
    from capacity.models.staffing import fte_needed
    from capacity.models.support import support_before_leaving
    from capacity.population import chao, chapman

    params = Params(
        data_dir=str(tiny_dir),
        city="Stockholm",
        period_start="2024-01-01",
        period_end="2024-04-30",
        n_boot=20,
        alpha=0.1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(load_dataset(tiny_dir), params)
        answer = evaluate(fitted, params)
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    counts = pd.Series(np.random.default_rng(1).poisson(20, 30), index=months, dtype=float)
    out = {
        "question4": answer,
        "stays": fitted.stays,
        "touring": fitted.touring,
        "population_chain": fitted.population,
        "productivity": fitted.productivity,
        "staff": fitted.staff,
        "chapman": chapman(50, 40, 10),
        "chao": chao([30, 10, 5]),
        "forecast": fit_arrivals_forecast(counts, horizon=6),
        "staffing": fte_needed(lambda f: f / (f + 1.0), 0.8, 2.0),
        "support": support_before_leaving(2.0, 3.0, lambda h: 1 / (1 + 30 * np.asarray(h)), 30.0),
    }
    out |= {f"mse_{q}": fit for q, fit in list(fitted.population.fits.items())[:1]}
    return out


@pytest.fixture(scope="module")
def mobile(tmp_path_factory):
    """The strategy, per-channel, per-measure and national results of a small mobile world."""
    from capacity.national import national_view
    from capacity.question4.mobility import mobility_reach
    from capacity.synth import SynthConfig, generate
    from capacity.synth.write import write_folder

    syn = generate(8, scale=0.1, n_cities=2, config=SynthConfig(screening_channels=("online",)))
    folder = tmp_path_factory.mktemp("mobile") / "ds"
    write_folder(syn, folder)
    data = load_dataset(folder)
    params = Params(data_dir=str(folder), n_boot=20, alpha=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(data, params)
        answer = evaluate(fitted, params)
        national = national_view(data, params)
    assert fitted.mobility is not None and answer.channel_strategy is not None
    return {
        "strategy": fitted.mobility.strategy,
        "channels": answer.channel_strategy,
        "mobility": mobility_reach(fitted.inputs, fitted.mobility, 2.0, alpha=0.1),
        "national": national,
    }


MOBILE_KINDS = ["strategy", "channels", "mobility", "national"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", MOBILE_KINDS)
def test_the_mobility_results_have_the_one_shape_too(mobile, kind):
    res = mobile[kind]
    test_every_result_has_the_one_shape(mobile, kind)
    test_results_are_immutable(mobile, kind)
    assert res.summary_frame().equals(res.summary_frame(0.1))  # made at alpha 0.1
    from capacity.exceptions import ParameterError

    with pytest.raises(ParameterError, match="alpha"):
        res.summary_frame(1.5)


@pytest.mark.slow
def test_a_level_not_computed_is_refused_not_mislabelled(mobile):
    """Intervals computed once at fit time are not relabelled as another level."""
    from capacity.exceptions import ParameterError

    for kind in ("channels", "national"):
        with pytest.raises(ParameterError, match="fit again with alpha = 0.05"):
            mobile[kind].conf_int(0.05)


KINDS = [
    "question4",
    "stays",
    "touring",
    "population_chain",
    "productivity",
    "staff",
    "chapman",
    "chao",
    "forecast",
    "staffing",
    "support",
]


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_result_has_the_one_shape(results, kind):
    res = results[kind]
    assert isinstance(res, Results)
    frame = res.summary_frame()
    assert list(frame.columns) == COLUMNS and len(frame) >= 1
    assert frame.equals(res.summary_frame(None))
    ci = res.conf_int()
    if isinstance(ci, tuple):  # one quantity, or the population size N̂ (its first row)
        assert ci == (frame.iloc[0]["ci_lower"], frame.iloc[0]["ci_upper"])
    else:
        assert list(ci.columns) == ["ci_lower", "ci_upper"] and len(frame) > 1
    text = res.summary()
    assert res.title in text and repr(res) == text
    for caveat in res.caveats:
        assert str(caveat) in text  # caveats in English, full sentences
    html = res._repr_html_()
    assert html.startswith('<div class="capacity-results">') and "<table" in html
    assert res.plot() is not None


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_results_are_immutable(results, kind):
    res = results[kind]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.title = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.new_attribute = 1


@pytest.mark.slow
def test_alpha_none_is_the_level_the_result_was_made_at(results):
    """The question-4 run and its stays fit were made at alpha 0.1: their default is 0.1."""
    for kind in ("question4", "stays", "productivity"):
        res = results[kind]
        assert res.summary_frame().equals(res.summary_frame(0.1)), kind
        assert not res.summary_frame().equals(res.summary_frame(0.01)), kind
    # results without a level of their own use 0.05
    chapman = results["chapman"]
    assert chapman.conf_int() == chapman.conf_int(0.05) != chapman.conf_int(0.2)


@pytest.mark.slow
def test_a_bad_alpha_is_refused_alike(results):
    from capacity.exceptions import ParameterError

    for kind in KINDS:
        with pytest.raises(ParameterError, match="alpha must lie strictly between 0 and 1"):
            results[kind].summary_frame(1.5)


def test_question4_result_has_declared_fields():
    from capacity.question4 import Question4Result

    names = {f.name for f in dataclasses.fields(Question4Result)}
    assert {"verdict", "p_target", "point", "draws", "caveats", "params"} <= names
    with pytest.raises(TypeError):
        Question4Result(verdict="sufficient")  # every field must be given
