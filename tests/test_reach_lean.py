"""The study of why reach per stay leans by strategy (capacity.question4.reach_lean)."""

from __future__ import annotations

import numpy as np
import pytest

from capacity.question4.reach_lean import generator_check, main, swap_inputs


@pytest.mark.slow
def test_screening_reach_is_right_given_the_true_arrivals():
    """Under screening the model's reach is today's screened contacts over the arrivals
    (the screeners' speed factor), so with the true arrivals it is the truth: the lean of
    the screening world is the arrivals (docs/methods/reach.md, "Why reach per stay leans
    by strategy")."""
    df = swap_inputs("screening", 4, n_boot=5)  # the national test's world: six cities
    assert len(df) == 6 and "Stockholm" in set(df["city"])
    assert df["A_ratio"].mean() > 1.03  # the arrivals are too high
    assert df["est"].mean() < -0.01
    assert abs(df["A"].mean()) < 0.01 and abs(df["all_D"].mean()) < 0.01
    # the other swaps leave the lean as it is
    for col in ("T", "D", "pi", "w"):
        assert df[col].mean() < -0.01, col


def test_independent_screening_and_search_overstate_the_mixture():
    """Screening and search both favour long stays: treating them as independent (the
    mixture formula) overstates the union; each stay's own screened flag removes most."""
    df = generator_check("mixture", 4)
    assert (df["screened"] > 0).all() and (df["search_gen"] > 0).all()
    assert df["indep"].mean() > 0.02
    assert df["indep"].mean() > df["flags"].mean() + 0.01
    assert df["indep"].mean() > df["exp_wait"].mean() + 0.01
    screening = generator_check("screening", 4)
    # no search channel: the three forms are the same but for how the screened are spread
    np.testing.assert_allclose(screening["search_gen"], 0.0)
    assert abs(screening["flags"].mean()) < 0.005


def test_search_reach_pooled_over_the_period_is_too_high():
    """Persons present vary from month to month while the capacity does not follow: the
    random-search formula pooled over the period overstates the generator's reach; by
    month it does not."""
    df = generator_check("random", 4)
    assert df["search_pooled"].mean() > 0.005
    assert abs(df["search_month"].mean()) < df["search_pooled"].mean()


@pytest.mark.slow
def test_main_prints_both_tables(capsys):
    assert main(["--seeds", "4", "--worlds", "screening", "--n-boot", "3"]) == 0
    out = capsys.readouterr().out
    assert "estimate − truth" in out and "every input true" in out
