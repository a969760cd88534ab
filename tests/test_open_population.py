"""The open-population stay-process estimator: inputs, shape of results, recovery of a known
truth on a world that breaks closure and homogeneity, and the reduced coverage study."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capacity.exceptions import EstimationError, ParameterError
from capacity.models.population.open import fit_window, sighting_days
from capacity.population import open_population
from capacity.synth import SynthConfig, generate

SOURCES = ["ads_a", "ads_b", "outreach", "police"]


@pytest.fixture(scope="module")
def per_day_world():
    cfg = dataclasses.replace(SynthConfig(), ads_capture="per_day")
    return generate(11, scale=0.3, n_cities=6, config=cfg)


def test_sighting_days_counts_distinct_days_and_the_first_day():
    s = pd.DataFrame(
        {
            "person_id": ["a", "a", "a", "a", "b"],
            "date": pd.to_datetime(
                ["2024-01-03", "2024-01-03", "2024-01-05", "2024-01-05", "2024-01-10"]
            ),
            "source": ["ads_a", "outreach", "ads_a", "ads_a", "police"],
        }
    )
    counts, first, last, on_first = sighting_days(s, SOURCES, "2024-01-01")
    assert counts.tolist() == [[2, 0, 1, 0], [0, 0, 0, 1]]
    assert first.tolist() == [3, 10] and last.tolist() == [5, 10]
    assert on_first.tolist() == [[True, False, True, False], [False, False, False, True]]
    counts, first, last, _ = sighting_days(s, SOURCES, "2024-01-01", unit_days=4)
    assert counts[0].tolist() == [2, 0, 1, 0] and first.tolist() == [1, 3]


def test_fit_window_refuses_what_it_cannot_estimate():
    c = np.ones((5, 2), dtype=int)
    with pytest.raises(EstimationError, match="too few"):
        fit_window(c, np.ones(5), np.ones(5), c > 0, 30, ["ads_a", "outreach"])
    c = np.ones((30, 2), dtype=int)
    with pytest.raises(ParameterError, match="outside the window"):
        fit_window(c, np.full(30, 40), np.full(30, 40), c > 0, 30, ["ads_a", "outreach"])
    with pytest.raises(ParameterError, match="dependent"):
        fit_window(c, np.ones(30), np.ones(30), c > 0, 30, ["ads_a", "outreach"], dependent=["x"])


def test_open_population_covers_a_quarter_of_a_per_day_world(per_day_world):
    syn = per_day_world
    res = open_population(
        syn.tables["sightings"], "Stockholm", dt.date(2023, 4, 1), dt.date(2023, 6, 30)
    )
    row = res.windows.loc["2023Q2"]
    truth = syn.truth["population"].set_index(["city", "quarter"]).loc[("Stockholm", "2023Q2")]
    seen = row["n_observed"]
    assert seen < 0.8 * truth["persons_present"]  # the persons seen are far from all
    assert row["N_lower"] <= truth["persons_present"] <= row["N_upper"]
    assert row["present_lower"] < row["present"] < row["present_upper"]
    assert row["N_lower"] >= seen and row["N"] > row["present"]
    frame = res.summary_frame()
    assert list(frame.columns) == ["estimate", "se", "ci_lower", "ci_upper"]
    assert {"N_2023Q2", "present_2023Q2", "arrivals_per_week_2023Q2"} <= set(frame.index)
    assert any("steady rate" in str(c) for c in res.caveats)


def test_the_closed_estimate_undercounts_the_same_quarter(per_day_world):
    """Why the open model exists: quarterly MSE misses persons who stay briefly."""
    from capacity.population import capture_histories, mse

    s = per_day_world.tables["sightings"]
    part = s[(s["city"] == "Stockholm") & (s["date"].dt.to_period("Q") == "2023Q2")]
    closed = mse(capture_histories(part), sorted(part["source"].unique()), criterion="bic")
    truth = per_day_world.truth["population"].set_index(["city", "quarter"])
    true = truth.loc[("Stockholm", "2023Q2"), "persons_present"]
    assert closed.estimate < 0.92 * true


def test_a_long_period_is_refused_with_advice():
    s = pd.DataFrame(
        {
            "person_id": ["a"],
            "date": pd.to_datetime(["2024-01-03"]),
            "city": ["X"],
            "source": ["ads_a"],
        }
    )
    with pytest.raises(ParameterError, match="freq='Y'"):
        open_population(s, "X", dt.date(2021, 1, 1), dt.date(2023, 12, 31), freq=None)


@pytest.mark.slow
def test_reduced_coverage_study_covers_at_least_80_percent(tmp_path):
    """Two worlds that break closure and homogeneity, ten seeds each (issue 9): the 95 %
    intervals of persons per quarter and persons present must cover the truth in at
    least 80 % of cases (the full study, make coverage, aims at 88–98 %)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = tmp_path / "coverage.md"
    cases = tmp_path / "cases.csv"
    args = ["--reduced", "--seeds", "10", "--worlds", "2", "--jobs", "1"]
    args += ["--out", str(out), "--cases", str(cases)]
    done = subprocess.run(
        [sys.executable, "-m", "capacity.coverage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frame = pd.read_csv(cases)
    key = frame["quantity"].isin(["persons per quarter", "persons present (mean per day)"])
    per = frame[key].groupby(["world", "quantity"])["covered"].agg(["mean", "size"])
    assert (per["size"] == 10).all()
    assert (per["mean"] >= 0.8).all(), per
    assert "| per-day capture, Weibull stays | persons per quarter | 10 |" in out.read_text()


@pytest.mark.slow
def test_the_population_chain_can_use_the_open_model():
    from capacity.config import SAMPLE_DIR
    from capacity.dataset import load_dataset
    from capacity.models.population import population_chain

    data = load_dataset(SAMPLE_DIR)
    args = (data.sightings, "Stockholm", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    closed = population_chain(*args, criterion="bic", n_draws=50)
    opened = population_chain(*args, method="open", n_draws=50)
    assert list(opened.quarters.columns) == list(closed.quarters.columns)
    assert list(opened.quarters.index) == ["2025Q1", "2025Q2"]
    assert (opened.quarters["model"] == "open-population stay-process model").all()
    assert 0 < opened.detection < 1 and len(opened.detection_draws) == 50
    assert (opened.quarters["n_observed"] == closed.quarters["n_observed"]).all()
    assert any(c.key == "population.unseen_open" for c in opened.caveats)
    with pytest.raises(ParameterError):
        population_chain(*args, method="jolly-seber")


def test_coverage_harness_measures_the_question_4_chain():
    """The chain's cases: every estimate inside its own interval, truths from the generator."""
    from capacity.coverage import WORLDS, Plan, chain_cases, chain_truth

    syn = generate(2, scale=0.1, n_cities=6, config=WORLDS["per-day capture, Weibull stays"])
    plan = Plan(chain=True, population=False, n_boot=20)
    cases = {c.quantity: c for c in chain_cases(syn, plan)}
    assert {"chain: reach per stay", "chain: reach per woman", "chain: median stay (days present)",
            "chain: stay trend, hazard ratio per year", "chain: reach per tour through the city",
            "chain: reach per tour, national"} <= set(cases)  # fmt: skip
    for c in cases.values():
        assert np.isfinite(c.estimate) and c.lower <= c.upper and c.truth > 0, c
    # per-day capture: auto chose the per-day settings, and each case says so
    assert {c.settings for c in cases.values()} == {"stays/deconvolve/14"}
    truth = chain_truth(syn, "Stockholm", pd.Timestamp("2022-01-01"), pd.Timestamp("2025-12-31"))
    assert 0 < truth["reach_stay"] <= truth["reach_woman"] < 1
    # a tour through the city is reached when any of its stays is, here or elsewhere
    tour = cases["chain: reach per tour through the city"]
    assert 0 < tour.truth < 1 and tour.estimate >= cases["chain: reach per stay"].estimate
    assert chain_cases(syn, dataclasses.replace(plan, chain=False)) == []


@pytest.fixture(scope="module")
def chain_coverage(tmp_path_factory):
    """The question-4 chain a user runs (the Params defaults: ``capture_model`` auto, which
    resolves these worlds to the stay-level detection share, deconvolved stays and
    ``gap_days`` 14) on the coverage study's first two worlds (capture per day present;
    Weibull and lognormal stays), ten seeds each, 60 chain-bootstrap replicates
    (``python -m capacity.coverage --chain-only``): coverage per quantity and world."""
    tmp = tmp_path_factory.mktemp("chain-coverage")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cases = tmp / "cases.csv"
    args = ["--chain-only", "--seeds", "10", "--worlds", "2", "--jobs", "1", "--n-boot", "60"]
    args += ["--out", str(tmp / "coverage.md"), "--cases", str(cases)]
    done = subprocess.run(
        [sys.executable, "-m", "capacity.coverage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frame = pd.read_csv(cases)
    per = frame.groupby(["quantity", "world"])["covered"].agg(["mean", "size"])
    assert (per["size"] == 10).all()
    assert (frame["settings"].dropna() == "stays/deconvolve/14").all()  # what auto chose
    return per["mean"]


WEIBULL, LOGNORMAL = "per-day capture, Weibull stays", "per-day capture, lognormal stays"
#: Issue 9's quantities as the chain reports them (persons per quarter: its key figure,
#: here the persons seen per quarter over the detection share; persons present: A·E[T]/7,
#: the chain's own); the hazard ratio only where stays are Weibull (lognormal stays have no
#: proportional hazards).
ISSUE_9_ROWS = (
    [("chain: reach per stay", w) for w in (WEIBULL, LOGNORMAL)]
    + [("chain: reach per woman", w) for w in (WEIBULL, LOGNORMAL)]
    + [("chain: persons in the period", w) for w in (WEIBULL, LOGNORMAL)]
    + [("chain: persons per quarter", w) for w in (WEIBULL, LOGNORMAL)]
    + [("chain: persons present (A·E[T]/7)", w) for w in (WEIBULL, LOGNORMAL)]
    + [("chain: arrivals per week", w) for w in (WEIBULL, LOGNORMAL)]
    + [
        # with per-day capture the stays' intervals span both EM starts (span23): 10/10
        ("chain: median stay (days present)", WEIBULL),
        ("chain: median stay (days present)", LOGNORMAL),
        ("chain: stay trend, median ratio per year", WEIBULL),
        ("chain: stay trend, median ratio per year", LOGNORMAL),
        pytest.param(
            "chain: stay trend, hazard ratio per year",
            WEIBULL,
            marks=pytest.mark.xfail(
                strict=True,
                reason="known miss: 7/10 (85 % at 20 seeds, -2.2 %, width 11 %; 91.0 % over "
                "all seven worlds); long stays left in pieces pull it towards 1, and its "
                "interval spans the other merge of the pieces (merge24), which covers 3 "
                "more seeds in 20; the median ratio beside it covers (9/10)",
            ),
        ),
    ]
)


@pytest.mark.slow
@pytest.mark.parametrize("quantity, world", ISSUE_9_ROWS)
def test_reduced_chain_coverage_is_at_least_80_percent(chain_coverage, quantity, world):
    """Issue 9's reduced coverage study: each of its quantities covers the truth in at least
    80 % of the ten seeds on both worlds, at the defaults a user runs (measured at
    ``8c93d61``: 9/10 or 10/10 on every row here but the known miss, the Weibull world's
    hazard ratio at 7/10, a strict xfail: it fails the suite when it starts to cover, so
    the note is taken off)."""
    assert chain_coverage.loc[(quantity, world)] >= 0.8, chain_coverage.loc[quantity]


def _one_case() -> pd.DataFrame:
    """A coverage run's cases table with one case (for the table-writing tests)."""
    from capacity.coverage import Case

    return pd.DataFrame(
        [{"world": "w", "seed": 1, **dataclasses.asdict(Case("q", "x", 1.0, 1.1, 0.9, 1.2)),
          "covered": True}]
    )  # fmt: skip


def _from_cases(tmp_path) -> tuple[list[str], Path]:
    """``capacity.coverage.main`` arguments that tabulate :func:`_one_case`, and the table."""
    csv, out = tmp_path / "cases.csv", tmp_path / "coverage.md"
    _one_case().to_csv(csv, index=False)
    return ["--from-cases", str(csv), "--out", str(out), "--commit", "abc", "--when", "now"], out


def test_coverage_table_rewrite_keeps_the_sections_after_it(tmp_path):
    """``write_markdown`` replaces the table at the top and keeps the hand-written sections."""
    from capacity.coverage import Plan, write_markdown

    cases = _one_case()
    out = tmp_path / "coverage.md"
    write_markdown(cases, out, Plan(), [1], 60.0, commit="aaa", when="then")
    out.write_text(out.read_text(encoding="utf-8") + "\n## Earlier run\n\nkept\n", encoding="utf-8")
    write_markdown(cases, out, Plan(), [1], 60.0, commit="bbb", when="now")
    text = out.read_text(encoding="utf-8")
    assert "`bbb`" in text and "`aaa`" not in text
    assert text.count("# Coverage of the 95 %") == 1 and text.endswith("## Earlier run\n\nkept\n")


def test_coverage_table_names_the_command_it_was_made_with(tmp_path):
    """The table's header names the command of the run, not always ``make coverage``: a
    ``--chain-only`` run tabulated with ``--from-cases`` once had to be corrected by hand."""
    from capacity.coverage import main

    args, out = _from_cases(tmp_path)
    run = "python -m capacity.coverage --chain-only --seeds 20"
    assert main([*args, "--chain-only", "--command", run]) == 0
    assert f"Made by `{run}` on now at commit `abc`" in out.read_text(encoding="utf-8")
    assert main([*args, "--chain-only"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "make coverage" not in text and "command was not given" in text


def test_coverage_table_lists_the_settings_each_world_ran_with(tmp_path):
    """With ``capture_model: auto`` the table says which settings the data chose per world
    and in how many seeds (read back from a cases CSV, where other rows have none)."""
    from capacity.coverage import Case, main

    rows = [
        {"world": "w", "seed": seed, **dataclasses.asdict(Case("q", "x", 1.0, 1.1, 0.9, 1.2, s)),
         "covered": True}
        for seed, s in ((1, "stays/deconvolve/14"), (2, "stays/deconvolve/14+ads"),
                        (3, "stays/deconvolve/14"))
    ]  # fmt: skip
    rows.append({"world": "w", "seed": 1, "quantity": "persons", "window": "Q2", "truth": 1.0,
                 "estimate": 1.0, "lower": 0.9, "upper": 1.1, "covered": True})  # fmt: skip
    csv, out = tmp_path / "cases.csv", tmp_path / "coverage.md"
    pd.DataFrame(rows).to_csv(csv, index=False)
    assert main(["--from-cases", str(csv), "--out", str(out), "--chain-only"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "- w: stays/deconvolve/14 (2 seeds), stays/deconvolve/14+ads (1 seed)\n\n" in text
    (tmp_path / "plain").mkdir()
    args, plain = _from_cases(tmp_path / "plain")
    assert main([*args, "--chain-only"]) == 0
    assert "Settings the chain's fits ran with" not in plain.read_text(encoding="utf-8")


def test_chain_only_table_names_only_the_estimators_it_ran(tmp_path):
    """A ``--chain-only`` table's header names the chain, not the open-population model nor
    the quarters it did not estimate (its header was corrected by hand twice)."""
    from capacity.coverage import main

    args, out = _from_cases(tmp_path)
    assert main([*args, "--chain-only"]) == 0
    head = out.read_text(encoding="utf-8").split("\n| world")[0]
    assert "rows `chain: …`" in head
    assert "open-population" not in head and "quarters Q" not in head
    assert main(args) == 0  # the full study names both
    head = out.read_text(encoding="utf-8").split("\n| world")[0]
    assert "open-population" in head and "quarters Q2, Q3 of 2024" in head


def test_coverage_table_reads_each_row_against_the_band_with_its_wilson_interval(tmp_path):
    """20/20 covered is outside 88–98 % but cannot be told from a calibrated interval with
    20 seeds ("could be"); 10/20 is a miss even with its interval; 19/20 is in the band."""
    from capacity.coverage import Plan, write_markdown

    rows = []
    for quantity, hits in {"all": 20, "half": 10, "most": 19}.items():
        for seed in range(1, 21):
            inside = seed <= hits
            rows.append({"world": "w", "seed": seed, "quantity": quantity, "method": "x",
                         "truth": 1.0, "estimate": 1.0, "lower": 0.9, "upper": 1.2,
                         "covered": inside})  # fmt: skip
    out = tmp_path / "coverage.md"
    write_markdown(pd.DataFrame(rows), out, Plan(), range(1, 21), 60.0, commit="c", when="now")
    text = out.read_text(encoding="utf-8")
    assert "| w | all | 20 | 100% (84%–100%) | +0.0% | 30% | could be |" in text
    assert "| w | half | 20 | 50% (30%–70%) | +0.0% | 30% | **no** |" in text
    assert "| w | most | 20 | 95% (76%–99%) | +0.0% | 30% | yes |" in text
    assert "probability 0.57 with 20 cases" in text


def test_coverage_table_pools_each_quantity_over_its_worlds(tmp_path):
    """The pooled table counts every world's cases of a quantity together: 19/20 and 16/20
    are 35/40 (87.5 %, outside the band, "could be"), world biases +0 to +10 %, and the
    lowest world named with its own coverage."""
    from capacity.coverage import Plan, pooled, write_markdown

    rows = []
    for world, hits, est in (("good", 19, 1.0), ("lean", 16, 1.1)):
        for seed in range(1, 21):
            rows.append({"world": world, "seed": seed, "quantity": "q", "method": "x",
                         "truth": 1.0, "estimate": est, "lower": 0.9, "upper": 1.2,
                         "covered": seed <= hits})  # fmt: skip
    cases = pd.DataFrame(rows)
    r = pooled(cases).loc["q"]
    assert (r["worlds"], r["cases"], r["n_covered"]) == (2, 40, 35)
    assert r["coverage"] == pytest.approx(35 / 40)
    assert (r["worst"], r["worst_coverage"]) == ("lean", 0.8)
    assert r["bias_low"] == pytest.approx(0.0) and r["bias_high"] == pytest.approx(0.1)
    out = tmp_path / "coverage.md"
    write_markdown(cases, out, Plan(), range(1, 21), 60.0, commit="c", when="now")
    text = out.read_text(encoding="utf-8")
    assert "| q | 2 | 40 | 87.5% (74%–95%) | +0.0% to +10.0% | lean 80% | could be |" in text
