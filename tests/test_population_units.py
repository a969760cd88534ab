"""Unit tests of capacity.population on hand-computed inputs, errors and the results shape."""

from __future__ import annotations

import math
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from capacity.exceptions import DataError, EstimationError, ParameterError
from capacity.population import capture_histories, chao, chapman, fienberg_rinaldo, mse

matplotlib.use("Agg")


def two_lists(n10: int, n01: int, n11: int) -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 0, 1], "b": [0, 1, 1], "count": [n10, n01, n11]})


def test_two_list_independence_is_lincoln_petersen():
    # 2 lists, main effects: N = n1 n2 / m (Bishop, Fienberg & Holland 1975, §6.2)
    res = mse(two_lists(30, 20, 10), ["a", "b"], interactions="none")
    assert res.estimate == pytest.approx(40 * 30 / 10)
    assert res.df_resid == 0
    assert any(c.key == "mse.saturated" for c in res.caveats)
    # delta-method SE equals the Petersen variance n1 n2 (n1-m)(n2-m)/m^3
    assert res.se**2 == pytest.approx(40 * 30 * 30 * 20 / 10**3, rel=1e-6)


def test_chapman_by_hand_and_lognormal_interval():
    res = chapman(40, 30, 10)
    assert res.estimate == pytest.approx(41 * 31 / 11 - 1)
    var = 41 * 31 * 30 * 20 / (11**2 * 12)
    assert res.se == pytest.approx(math.sqrt(var))
    f0 = res.estimate - 60
    c = math.exp(1.959963984540054 * math.sqrt(math.log(1 + var / f0**2)))
    assert res.conf_int() == pytest.approx((60 + f0 / c, 60 + f0 * c))
    assert res.summary_frame().loc["n_observed", "estimate"] == 60


def test_chapman_full_overlap_and_few_recaptures():
    res = chapman(12, 12, 12)
    assert res.estimate == pytest.approx(12)
    assert res.conf_int() == (12.0, 12.0)
    assert any(c.key == "chapman.few_recaptures" for c in chapman(50, 40, 3).caveats)


@pytest.mark.parametrize("args", [(10, 5, 6), (-1, 5, 0), (2.5, 3, 1), ("x", 3, 1)])
def test_chapman_rejects_impossible_counts(args):
    with pytest.raises(ParameterError):
        chapman(*args)


def test_chao_occasions_and_f2_zero_by_hand():
    # (t-1)/t correction (Chao 1987; EstimateS form)
    res = chao([20, 5, 2], occasions=4)
    a = 3 / 4
    assert res.estimate == pytest.approx(27 + a * 400 / 10)
    r = 4.0
    assert res.se**2 == pytest.approx(5 * (a**2 * r**4 / 4 + a**2 * r**3 + a * r**2 / 2))
    zero = chao([6, 0, 3])
    assert zero.estimate == pytest.approx(9 + 6 * 5 / 2)
    assert any(c.key == "chao.f2_zero" for c in zero.caveats)


@pytest.mark.parametrize(
    ("freq", "occasions"), [([], None), ([-1, 2], None), ([1.5, 2], None), ([3, 1, 1], 2)]
)
def test_chao_rejects_bad_input(freq, occasions):
    with pytest.raises(ParameterError):
        chao(freq, occasions)


def test_capture_histories_from_sightings():
    sightings = pd.DataFrame(
        {
            "person_id": ["p1", "p1", "p2", "p3", "p3", "p4", "p5"],
            "source": ["ads_a", "ads_a", "ads_b", "ads_a", "police", "police", "outreach"],
        }
    )
    table = capture_histories(sightings, sources=["ads_a", "ads_b", "police"])
    assert list(table.columns) == ["ads_a", "ads_b", "police", "count"]
    got = {tuple(r[:3]): r[3] for r in table.itertuples(index=False)}
    assert got == {(1, 0, 0): 1, (0, 1, 0): 1, (1, 0, 1): 1, (0, 0, 1): 1}
    assert table["count"].sum() == 4  # p5 was seen only by a source left out
    everything = capture_histories(sightings)
    assert everything["count"].sum() == 5
    assert list(everything.columns[:-1]) == ["ads_a", "ads_b", "outreach", "police"]


def test_capture_histories_errors():
    with pytest.raises(DataError):
        capture_histories(pd.DataFrame({"person_id": ["a"]}))
    s = pd.DataFrame({"person_id": ["a", "b"], "source": ["x", "y"]})
    with pytest.raises(ParameterError):
        capture_histories(s, sources=["x", "z"])
    with pytest.raises(ParameterError):
        capture_histories(s, sources=["x"])


def test_mse_rejects_bad_tables():
    good = two_lists(30, 20, 10)
    with pytest.raises(DataError):
        mse(good.assign(a=[1, 2, 1]), ["a", "b"])
    with pytest.raises(DataError):
        mse(good.assign(count=[1, -2, 3]), ["a", "b"])
    with pytest.raises(DataError):
        mse(pd.concat([good, pd.DataFrame({"a": [0], "b": [0], "count": [5]})]), ["a", "b"])
    with pytest.raises(DataError):
        mse(good, ["a", "c"])
    with pytest.raises(ParameterError):
        mse(good, ["a"])
    with pytest.raises(ParameterError):
        mse(good, ["a", "b"], criterion="cp")
    with pytest.raises(ParameterError):
        mse(good, ["a", "b"], interactions=[("a", "a")])
    with pytest.raises(ParameterError):
        mse(good, ["a", "b"], interactions="some")


def test_mse_two_lists_without_overlap_cannot_be_estimated():
    with pytest.raises(EstimationError, match="does not exist"):
        mse(two_lists(30, 20, 0), ["a", "b"], interactions="none")


def test_fienberg_rinaldo_on_a_positive_table():
    X = np.column_stack([np.ones(3), [0, 1, 1], [1, 0, 1]])
    assert fienberg_rinaldo(X, np.array([3.0, 4.0, 1.0]))
    assert not fienberg_rinaldo(X, np.array([3.0, 4.0, 0.0]))


def test_fienberg_rinaldo_shortcut_on_positive_counts_agrees_with_the_linear_program():
    """All counts positive: the MLE exists without solving the LP (μ = y is feasible)."""
    from itertools import combinations

    from capacity.models.population.design import _lp_exists

    rng = np.random.default_rng(3)
    for k in (3, 4):
        cells = np.array([[(i >> j) & 1 for j in range(k)] for i in range(1, 2**k)])
        pairs = [cells[:, a] * cells[:, b] for a, b in combinations(range(k), 2)]
        for n_pairs in range(len(pairs) + 1):
            X = np.column_stack([np.ones(len(cells)), cells, *pairs[:n_pairs]])
            y = rng.integers(1, 50, len(cells)).astype(float)
            assert fienberg_rinaldo(X, y) is _lp_exists(X, y) is True


def test_results_shape_summary_and_plot():
    t = pd.DataFrame(
        {
            "a": [1, 0, 0, 1, 1, 0, 1],
            "b": [0, 1, 0, 1, 0, 1, 1],
            "c": [0, 0, 1, 0, 1, 1, 1],
            "count": [40, 35, 30, 12, 10, 8, 3],
        }
    )
    res = mse(t, ["a", "b", "c"], interactions=[("a", "b")])
    frame = res.summary_frame(alpha=0.1)
    assert list(frame.index) == ["N_hat", "n_observed", "n_unseen"]
    lo90, hi90 = res.conf_int(alpha=0.1)
    lo95, hi95 = res.conf_int()
    assert lo95 < lo90 < res.estimate < hi90 < hi95
    assert frame.loc["N_hat", "ci_lower"] == pytest.approx(lo90)
    assert "main effects + a:b" in res.summary()
    assert res.fitted["fitted"].sum() == pytest.approx(138)
    assert res.terms == ("a:b",)
    for result in (res, chapman(40, 30, 10), chao([20, 5, 2])):
        ax = result.plot()
        assert ax.get_xlabel() == "persons"
        assert isinstance(result.conf_int(), tuple)
        matplotlib.pyplot.close("all")


def test_capture_histories_ignores_unused_categories():
    # categorical columns keep categories of filtered-out rows (e.g. other cities)
    s = pd.DataFrame(
        {
            "person_id": pd.Categorical(["a", "a", "b", "c", "d"]),
            "source": pd.Categorical(["x", "y", "x", "y", "z"]),
        }
    )
    table = capture_histories(s[s["source"] != "z"])
    assert list(table.columns) == ["x", "y", "count"]
    assert table["count"].tolist() == [1, 1, 1]
    assert (table[["x", "y"]].sum(axis=1) > 0).all()


def test_mse_fits_the_extended_mle_when_one_list_lies_inside_another():
    """Everyone on b is on a: the cells (a=0, b=1) are empty and the MLE of a:b does not
    exist, but the extended MLE does. An unconstrained Poisson GLM on all seven cells
    (what R's glm does) drifts to β_b → −∞, λ_ab → +∞ and converges to the same deviance
    and unseen count; mse() fits the boundary exactly and says so."""
    import statsmodels.api as sm

    from capacity.models.population.design import histories

    y = np.array([30, 0, 0, 50, 12, 20, 8.0])  # histories 001, 010, 011, 100, 101, 110, 111
    h = histories(3)
    t = pd.DataFrame(h, columns=["a", "b", "c"]).assign(count=y)
    res = mse(t[t["count"] > 0], ["a", "b", "c"], interactions=[("a", "b")])
    X = np.column_stack([np.ones(7), h, h[:, 0] * h[:, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        glm = sm.GLM(y, X, family=sm.families.Poisson()).fit(maxiter=500, tol=1e-14)
    assert glm.params[2] < -20 < 20 < glm.params[4]  # the boundary: β_b → −∞, λ_ab → +∞
    assert res.estimate == pytest.approx(y.sum() + np.exp(glm.params[0]), rel=1e-8)
    assert res.deviance == pytest.approx(glm.deviance, rel=1e-8)
    assert res.df_resid == 2  # λ_ab counted, as glm counts it
    assert res.boundary_pairs == ("a:b",)
    assert any("Extended maximum likelihood" in str(c) for c in res.caveats)
    assert not res.fitted.loc[(res.fitted["a"] == 0) & (res.fitted["b"] == 1), "in_fit"].any()
    lo, hi = res.conf_int()
    assert res.n_observed < lo < res.estimate < hi < np.inf
    # the same data without the interaction is an ordinary fit with no boundary
    assert mse(t[t["count"] > 0], ["a", "b", "c"], interactions="none").boundary_pairs == ()
