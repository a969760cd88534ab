"""The study of why reach per stay leans by strategy (capacity.reach_lean)."""

from __future__ import annotations

import numpy as np
import pytest

from capacity.reach_lean import generator_check, main, swap_inputs


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


def _weibull_laplace(n=400_000, seed=1):
    from capacity.models.reach import empirical_laplace

    t = np.random.default_rng(seed).weibull(0.8, n) * 14.0
    lap = empirical_laplace(t)
    return t, lambda h: np.asarray(lap(np.asarray(h).ravel())).reshape(np.shape(h))


def test_exp_wait_mixture_equals_a_simulation_of_its_model():
    """Closed form against Monte Carlo: a stay of length T is screened with chance
    1 − e^{−θT} (θ from the served share), usable with chance m; search meets her at hazard
    h·m independently given T."""
    from capacity.models.strategy import _exp_wait_rate, reach_mixture

    t, lap = _weibull_laplace()
    kappa, arrivals, w, m = np.array([30.0]), np.array([10.0]), np.array([0.4]), [[1.0, 0.4]]
    p = reach_mixture(kappa, arrivals, lap, np.array([t.mean()]), w, np.array(m),
                      dependence="exp_wait")[0]  # fmt: skip
    served = reach_mixture(kappa, arrivals, lap, np.array([t.mean()]), w, np.array([[1.0]]),
                           dependence="independent")  # fmt: skip
    h = (1 - w[0]) * kappa[0] / (arrivals[0] * t.mean())
    # P_s: the queue reach_mixture solves (one server per κ contacts a week, c = w servers)
    from capacity.models.strategy import erlang_a_served_many

    p_s = erlang_a_served_many(arrivals, kappa, w, 7.0 / np.array([t.mean()]))
    theta = _exp_wait_rate(lap, p_s)[0]
    rng = np.random.default_rng(2)
    for j, mj in enumerate(m[0]):
        screened = (rng.random(len(t)) < 1 - np.exp(-theta * t)) & (rng.random(len(t)) < mj)
        searched = rng.random(len(t)) < 1 - np.exp(-h * mj * t)
        assert abs((screened | searched).mean() - p[j]) < 0.004, (j, p[j])
    assert np.all(p <= served[0, 0] + 1e-12)


def test_exp_wait_is_the_independent_form_at_the_ends_and_never_above_it():
    from capacity.models.strategy import reach_mixture

    t, lap = _weibull_laplace(50_000)
    m = np.array([[1.0, 0.5, 0.0]])
    for kappa in (1.0, 30.0, 300.0):
        for w in (0.0, 0.2, 0.7, 1.0):
            args = (
                np.array([kappa]),
                np.array([10.0]),
                lap,
                np.array([t.mean()]),
                np.array([w]),
                m,
            )
            ind = reach_mixture(*args)
            exp = reach_mixture(*args, dependence="exp_wait")
            if w in (0.0, 1.0):
                np.testing.assert_allclose(exp, ind, atol=1e-9)
            assert np.all(exp <= ind + 1e-12) and np.all(exp >= 0)
    with np.testing.assert_raises(ValueError):
        reach_mixture(*args, dependence="fifo")
