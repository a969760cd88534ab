"""Persons per quarter (``capacity.models.population.per_window``) and the chain's choice of it."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.models.population.per_window import (
    QUARTER_DAYS,
    person_share_of_stays,
    persons_per_window,
    seen_per_quarter,
)


@settings(max_examples=15, deadline=None)
@given(
    rate=st.floats(2.0, 20.0),
    mean_stay=st.floats(1.5, 60.0),
    window=st.integers(7, 120),
    seed=st.integers(0, 2**31 - 1),
)
def test_stays_in_a_window_are_little_law_plus_the_window_s_arrivals(rate, mean_stay, window, seed):
    """On a stationary stream (Poisson arrivals a day, geometric stays of at least one day)
    the stays overlapping a window of L days average λ·(E[T] + L − 1), with r = 1.

    The stays overlapping one window of a Poisson stream are a thinned Poisson process, so
    their number is Poisson with that mean: one window in each of 80 independent streams
    (windows of one stream overlap the same long stays, and their mean's spread is not
    that of independent counts: a flaky check before 2 Dec 2026)."""
    rng = np.random.default_rng(seed)
    burn = int(15 * mean_stay) + 1  # a stay begun earlier reaches the window with chance < 1e-6
    expected = persons_per_window(7.0 * rate, mean_stay, 1.0, float(window))
    counts = []
    for _ in range(80):
        arrive = np.repeat(np.arange(burn + window), rng.poisson(rate, burn + window))
        leave = arrive + rng.geometric(1.0 / mean_stay, len(arrive)) - 1
        counts.append(np.sum(leave >= burn))  # every arrival is before the window's end
    se = np.sqrt(expected / len(counts))  # Poisson counts
    assert abs(np.mean(counts) - expected) < 5 * se


def test_persons_per_window_is_vectorised_and_scales_with_the_person_share():
    a = np.array([70.0, 140.0])
    out = persons_per_window(a, np.array([10.0, 10.0]), 0.5)
    np.testing.assert_allclose(out, 0.5 * a / 7 * (10 + QUARTER_DAYS - 1))
    assert isinstance(persons_per_window(70.0, 10.0), float)


def test_person_share_counts_a_woman_once_per_quarter():
    """Two stays of one woman in Q1 and one of another across Q1 and Q2: Q1 has 3 stays and
    2 persons, Q2 one stay and one person, so r = 3/4; stays outside the period are left out."""
    stays = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "c"],
            "start": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-30", "2023-05-01"]),
            "end": pd.to_datetime(["2024-01-20", "2024-02-20", "2024-04-10", "2023-05-09"]),
        }
    )
    assert person_share_of_stays(stays, "2024-01-01", "2024-06-30") == pytest.approx(0.75)
    assert person_share_of_stays(stays.iloc[3:], "2024-01-01", "2024-06-30") == 1.0


def test_seen_per_quarter_takes_the_whole_quarters_inside_the_period():
    seen = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "c", "d"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-02-10", "2024-04-02", "2024-05-01", "2024-07-01"]
            ),
        }
    )
    # Q1: a; Q2: b and c; Q3 (only its first day in the period) is not a whole quarter
    assert seen_per_quarter(seen, "2024-01-01", "2024-07-01") == pytest.approx(1.5)
    assert seen_per_quarter(seen, "2024-01-15", "2024-06-30") == pytest.approx(2.0)
    assert np.isnan(seen_per_quarter(seen, "2024-02-01", "2024-03-01"))


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import fit_models
    from capacity.synth import write_synthetic

    folder = tmp_path_factory.mktemp("syn") / "data"
    write_synthetic(folder, seed=5, scale=0.25, n_cities=2)
    params = Params(
        data_dir=str(folder),
        city="Stockholm",
        period_start="2022-01-01",
        period_end="2025-12-31",
        n_boot=20,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return params, fit_models(load_dataset(folder), params)


def test_the_chain_chooses_persons_per_quarter_by_how_the_ads_capture(fitted):
    """Capture on arrival: r·(A/7)·(E[T] + L − 1); per day: persons seen per quarter over
    the detection share, both per replicate; a scenario scales either by its change of arrivals and stays."""
    from capacity.question4 import evaluate
    from capacity.question4.evaluate import ON_ARRIVAL, persons_per_quarter
    from capacity.question4.scenario import Scenario

    params, fm = fitted
    x = fm.inputs
    sc = Scenario.from_params(params)
    arrival = dataclasses.replace(fm, base_params=fm.base_params.replace(stay_model=ON_ARRIVAL[0]))
    per_day = dataclasses.replace(fm, base_params=fm.base_params.replace(stay_model="deconvolve"))
    by_arrivals = persons_per_window(x.arrivals_per_week(), x.stays.mean, fm.person_share)
    np.testing.assert_allclose(persons_per_quarter(arrival, sc), by_arrivals)
    # per day: each replicate's own persons seen (its weights) over its share
    seen = fm.persons_seen_per_quarter_draws
    assert seen[0] == fm.persons_seen_per_quarter and np.std(seen[1:] / seen[0]) > 0.002
    np.testing.assert_allclose(persons_per_quarter(per_day, sc), seen / x.detection)
    assert 0.5 < fm.person_share <= 1.0
    assert fm.persons_seen_per_quarter > 0
    # twice the arrivals, twice the persons in a quarter, by either estimator
    double = dataclasses.replace(sc, arrivals_multiplier=2.0)
    for f in (arrival, per_day):
        np.testing.assert_allclose(persons_per_quarter(f, double), 2 * persons_per_quarter(f, sc))
    # a key figure with an interval around its estimate, above the persons present at a time
    kf = evaluate(fm, params).key_figures
    row = kf.loc["persons_per_quarter"]
    assert row["ci_lower"] <= row["estimate"] <= row["ci_upper"]
    assert row["estimate"] > kf.loc["population_present", "estimate"]
    assert row["estimate"] < kf.loc["persons_in_period", "estimate"]


def test_the_population_report_says_how_persons_per_quarter_were_counted(fitted):
    """The population notebook's persons table: the chain's key figures, with the note of
    the route its persons per quarter took (by how the ads capture), in the book's language."""
    from capacity.i18n import t
    from capacity.question4 import evaluate
    from capacity.question4.evaluate import ON_ARRIVAL
    from capacity.report import ReportBook
    from capacity.report.population import PERSONS, persons_note_key, persons_section

    params, fm = fitted
    arrival = dataclasses.replace(fm, base_params=fm.base_params.replace(stay_model=ON_ARRIVAL[0]))
    assert persons_note_key(arrival) == "population_persons_arrival"
    margins = dataclasses.replace(fm, base_params=params.replace(stay_model="margins"))
    assert persons_note_key(margins) == "population_persons_seen"
    book = ReportBook(params, "")
    book.begin("persons", synthetic=True, files={})
    persons_section(book, evaluate(fm, params), arrival)
    html = "".join(book.html_parts)
    assert t("population_persons_arrival", book.lang)[:40] in html
    assert t("kf_persons_per_quarter", book.lang) in html
    assert len(PERSONS) == 4


def test_the_population_table_writes_the_detection_share_as_a_percentage(fitted):
    """The quarterly MSE's table (the population notebook's first) rounded every row to a
    whole number, so the detection share 0.70 read "1" with the interval "1–1"."""
    import re

    from capacity.report import ReportBook

    params, fm = fitted
    book = ReportBook(params, "")
    book.begin("population", synthetic=True, files={})
    book.results(fm.population, name="population", caption="population", kind="number")
    row = re.search(r"detection_share</t[hd]>(.*?)</tr>", "".join(book.html_parts), re.S)
    assert row is not None
    share = f"{100 * fm.population.detection:.0f}"
    assert share in row.group(1) and "%" in row.group(1), row.group(1)


def test_quarters_seen_by_person_sum_to_the_persons_seen_per_quarter():
    """Each person counted once in every whole quarter she is seen in; partial quarters
    (the period's first and last here) left out, as :func:`seen_per_quarter` does."""
    from capacity.models.population.per_window import quarters_seen_by_person, seen_per_quarter

    s = pd.DataFrame({
        "person_id": ["a", "a", "a", "b", "b", "c"],
        "date": pd.to_datetime(["2024-01-15", "2024-02-01", "2024-05-01", "2024-04-02",
                                "2024-12-31", "2024-03-30"]),
    })  # fmt: skip
    counts, n = quarters_seen_by_person(s, "2024-01-01", "2024-09-30")
    assert n == 3  # Q1-Q3 of 2024 are whole; Q4 is outside
    assert counts.to_dict() == {"a": 2.0, "b": 1.0, "c": 1.0}
    assert seen_per_quarter(s, "2024-01-01", "2024-09-30") == pytest.approx(4 / 3)
    none, zero = quarters_seen_by_person(s, "2024-01-15", "2024-03-01")
    assert zero == 0 and none.empty
    assert np.isnan(seen_per_quarter(s, "2024-01-15", "2024-03-01"))
