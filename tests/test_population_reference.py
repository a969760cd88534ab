"""Reference tests of capacity.population against published tables and values.

Data and values: tests/reference/data/ (copies of /work/shared/reference-data, sources in
tests/reference/README.md and published.json). Fixed models are tested first, then the
selection rule where the published rule and ours pick the same model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from capacity.exceptions import EstimationError
from capacity.population import chao, chapman, mse

DATA = Path(__file__).parent / "reference" / "data"
PUBLISHED = {d["id"]: d for d in json.loads((DATA / "published.json").read_text())}


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


def lists_of(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != "count"]


def hiv_value(key: str) -> float:
    return PUBLISHED["A3-HIV-Rome-4-lists"]["published"][key]["value"]


# --- Fixed models -------------------------------------------------------------------------


def test_hiv_rome_mt_12_matches_rcapture():
    """Baillargeon & Rivest (2007) J. Stat. Softw. 19(5) §2.2; Rcapture-Ex.Rout.save.

    HIV, four Rome registers (Abeni et al. 1994), model Mt + [12].
    """
    hiv = table("rcapture_A3-HIV-Rome-4-lists")
    res = mse(hiv, lists_of(hiv), interactions=[("L1", "L2")])
    assert res.n_observed == 1896
    assert res.estimate == pytest.approx(12318.47, abs=0.005)
    assert res.se == pytest.approx(1188.722, rel=1e-6)
    assert res.deviance == pytest.approx(7.613759, abs=5e-6)
    assert res.df_resid == 9
    assert res.aic == pytest.approx(86.64962, abs=5e-5)
    assert res.profile_estimate == pytest.approx(12308, abs=0.5)
    lo, hi = res.conf_int()
    assert lo == pytest.approx(10266, abs=0.5)
    assert hi == pytest.approx(14992.3, abs=0.05)


def test_hiv_rome_all_pairs_coefficients_match_rcapture():
    """Baillargeon & Rivest (2007) §2.2: Mt + all two-list interactions, coefficients."""
    hiv = table("rcapture_A3-HIV-Rome-4-lists")
    res = mse(hiv, lists_of(hiv), interactions="all")
    assert res.estimate == pytest.approx(hiv_value("Mt + all pairwise.N"), abs=0.005)
    assert res.se == pytest.approx(hiv_value("Mt + all pairwise.se"), abs=5e-4)
    assert res.deviance == pytest.approx(hiv_value("Mt + all pairwise.deviance"), abs=5e-6)
    assert res.df_resid == 4
    assert res.aic == pytest.approx(hiv_value("Mt + all pairwise.AIC"), abs=5e-5)
    # intercept, c1..c4, c1:c2, c1:c3, c1:c4, c2:c3, c2:c4, c3:c4 - our column order
    assert res.coefficients["coef"].to_numpy() == pytest.approx(
        hiv_value("Mt + all pairwise.coef"), abs=5e-7
    )
    assert res.coefficients["se"].to_numpy() == pytest.approx(
        hiv_value("Mt + all pairwise.coef_se"), abs=5e-7
    )


def test_hare_independence_matches_rcapture():
    """Baillargeon & Rivest (2007) §2.1, closedp(hare), model Mt (Cormack 1989 data)."""
    hare = table("rcapture_A3-hare-6-occasions")
    res = mse(hare, lists_of(hare), interactions="none")
    assert res.n_observed == 68
    assert res.estimate == pytest.approx(75.1, abs=0.05)
    assert res.se == pytest.approx(3.4, abs=0.05)
    assert res.deviance == pytest.approx(58.314, abs=5e-4)
    assert res.df_resid == 56
    assert res.aic == pytest.approx(154.505, abs=5e-4)


def test_uk5_main_effects_matches_rcapture():
    """UK 2013, 5 lists: Rcapture closedpCI.t main effects (dglindner2/Modern-Slavery-MSE).

    Rcapture prints the multinomial point 13,437.92 with profile CI 11,985.12-15,165.9; the
    Poisson glm gives 13,444.13.
    """
    uk = table("UK2013_5list")
    res = mse(uk, lists_of(uk), interactions="none")
    assert res.estimate == pytest.approx(13444.13, abs=0.005)
    assert res.profile_estimate == pytest.approx(13437.92, abs=0.005)
    lo, hi = res.conf_int()
    assert lo == pytest.approx(11985.12, abs=0.005)
    assert hi == pytest.approx(15165.9, abs=0.05)


def test_uk5_bales_hesketh_silverman_model():
    """Bales, Hesketh & Silverman (2015) Significance 12(3); Home Office (2014): 11,313.

    Fit statistics from modslavmse::MSEfit(UKdat_5)$fit: deviance 16.35 on 19 df, AIC 127.6.
    """
    uk = table("UK2013_5list")
    pairs = [("LA", "NG"), ("NG", "GP"), ("PFNCA", "GP"), ("LA", "PFNCA"), ("GO", "GP")]
    res = mse(uk, lists_of(uk), interactions=[*pairs, ("NG", "GO")])
    assert res.n_observed == 2744
    assert round(res.estimate) == 11313
    assert res.coefficients.loc["(Intercept)", "coef"] == pytest.approx(9.0559, abs=5e-5)
    assert res.deviance == pytest.approx(16.35, abs=0.005)
    assert res.df_resid == 19
    assert res.aic == pytest.approx(127.6, abs=0.05)


def test_uk5_all_pairs_with_a_pair_that_never_overlaps():
    """Rcapture closedpCI.t(UKdat_5, all 10 pairs): 11,051.61, CI 6,154.733-20,761.44.

    LA and GP never overlap: Rcapture's glm drives LA:GP to a large negative number; we drop
    the cells it covers and count the parameter (same likelihood, so the same interval).
    """
    uk = table("UK2013_5list")
    res = mse(uk, lists_of(uk), interactions="all")
    assert res.empty_pairs == ("LA:GP",)
    assert any(c.key == "mse.empty_pairs" and "LA:GP" in str(c) for c in res.caveats)
    assert res.profile_estimate == pytest.approx(11051.61, rel=1e-5)
    lo, hi = res.conf_int()
    assert lo == pytest.approx(6154.733, rel=1e-5)
    assert hi == pytest.approx(20761.44, rel=1e-5)
    assert res.df_resid == 15
    assert not res.fitted.loc[~res.fitted["in_fit"], "fitted"].any()


def test_uk4_best_bic_model_fixed():
    """Rcapture closedpMS.t(UKdat_4) best BIC model [12,13,4] (dglindner2/Modern-Slavery-MSE)."""
    uk = table("UK2013_4list")
    res = mse(uk, lists_of(uk), interactions=[("LA", "NG"), ("LA", "PFNCA")])
    assert res.n_observed == 2428
    assert res.estimate == pytest.approx(11987.1, abs=0.05)
    assert res.se == pytest.approx(828.8, abs=0.05)
    assert res.deviance == pytest.approx(18.371, abs=5e-4)
    assert res.df_resid == 8
    assert res.aic == pytest.approx(101.860, abs=5e-4)
    assert res.bic == pytest.approx(142.423, abs=5e-4)
    lo, hi = res.conf_int()
    assert lo == pytest.approx(10507.36, abs=0.005)
    assert hi == pytest.approx(13780.6, abs=0.05)


@pytest.mark.parametrize(
    ("pairs", "estimate", "se", "deviance", "df", "aic", "bic"),
    [
        ([("LA", "NG"), ("LA", "PFNCA"), ("NG", "GO")], 11015.2, 805.2, 11.341, 7, 96.83, 143.188),
        ([("LA", "NG"), ("NG", "GO")], 10371.1, 705.2, 21.427, 8, 104.915, 145.479),
        ([("LA", "NG")], 11310.6, 734.4, 30.608, 9, 112.097, 146.866),
    ],
)
def test_uk4_bic_table_rows(pairs, estimate, se, deviance, df, aic, bic):
    """Further rows of the same closedpMS.t BIC table (published.json, UK2013_4list)."""
    uk = table("UK2013_4list")
    res = mse(uk, lists_of(uk), interactions=pairs)
    assert res.estimate == pytest.approx(estimate, abs=0.05)
    assert res.se == pytest.approx(se, abs=0.05)
    assert res.deviance == pytest.approx(deviance, abs=5e-4)
    assert res.df_resid == df
    assert res.aic == pytest.approx(aic, abs=5e-3)
    assert res.bic == pytest.approx(bic, abs=5e-4)


def test_korea_best_bic_model_fixed():
    """Silverman, Chan & Vincent (2024) Table 3/6; MultipleSystemsEstimation user guide:
    Korea b:c + c:d, popest 157.1667, BIC 57.14081."""
    korea = table("Korea_3list")
    res = mse(korea, lists_of(korea), interactions=[("b", "c"), ("c", "d")])
    assert res.estimate == pytest.approx(157.1667, abs=5e-5)
    assert res.bic == pytest.approx(57.14081, abs=5e-6)


# --- Selection ----------------------------------------------------------------------------


def test_uk4_forward_bic_reaches_the_best_bic_model():
    """Forward BIC and Rcapture's exhaustive BIC ranking agree on UK 4 lists: LA:NG + LA:PFNCA."""
    uk = table("UK2013_4list")
    res = mse(uk, lists_of(uk), criterion="bic")
    assert res.terms == ("LA:NG", "LA:PFNCA")
    assert res.estimate == pytest.approx(11987.1, abs=0.05)
    assert list(res.selection["step"]) == ["(start: main effects)", "+ LA:NG", "+ LA:PFNCA"]


def test_korea_forward_bic_reaches_the_best_bic_model():
    """Silverman, Chan & Vincent (2024): exhaustive BIC picks b:c + c:d (157.17); so does ours."""
    korea = table("Korea_3list")
    res = mse(korea, lists_of(korea), criterion="bic")
    assert set(res.terms) == {"b:c", "c:d"}
    assert res.estimate == pytest.approx(157.17, abs=0.005)


def test_uk5_forward_aic_reproduces_bales_hesketh_silverman():
    """Home Office (2014) / Bales et al. (2015) added the six pairs by AIC in this order
    (their extra Wald p <= 0.05 rule removed none of them here)."""
    uk = table("UK2013_5list")
    res = mse(uk, lists_of(uk), criterion="aic")
    assert res.terms == ("LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO")
    assert round(res.estimate) == 11313


def test_uk6_forward_aic_matches_modslavmse():
    """modslavmse::MSEfit(UKdat) (Silverman 2014 rule) run by dglindner2/Modern-Slavery-MSE:
    11,418, profile CI 9,982.3-13,181.7, deviance 22.994 on 49 df, AIC 162.659, BIC 245.499."""
    uk = table("UK2013_6list")
    res = mse(uk, lists_of(uk), criterion="aic")
    assert len(res.terms) == 7
    assert res.estimate == pytest.approx(11418, abs=0.5)
    lo, hi = res.conf_int()
    assert lo == pytest.approx(9982.3, abs=0.05)
    assert hi == pytest.approx(13181.7, abs=0.05)
    assert res.deviance == pytest.approx(22.994, abs=5e-4)
    assert res.df_resid == 49
    assert res.aic == pytest.approx(162.659, abs=5e-4)
    assert res.bic == pytest.approx(245.499, abs=5e-4)


# --- Existence ----------------------------------------------------------------------------

ARTIFICIAL_CODES = PUBLISHED["Artificial_3"]["published"][0]["expected_codes"]


def _pairs(code: str) -> list[tuple[str, str]]:
    names = "ABC"
    parts = code.strip("[]").split(",")
    return [(names[int(p[0]) - 1], names[int(p[1]) - 1]) for p in parts if len(p) == 2]


@pytest.mark.parametrize(("code", "expected"), sorted(ARTIFICIAL_CODES.items()))
def test_artificial_3_existence_codes(code, expected):
    """Chan, Silverman & Vincent (2021) Table 2 / MultipleSystemsEstimation check codes:
    0 ok, 1 Fienberg-Rinaldo existence fails, 2 not identifiable, 3 both."""
    art = table("Artificial_3")
    if expected == 0:
        res = mse(art, ["A", "B", "C"], interactions=_pairs(code))
        assert res.estimate >= res.n_observed == 96
        return
    with pytest.raises(EstimationError) as info:
        mse(art, ["A", "B", "C"], interactions=_pairs(code))
    message = str(info.value)
    assert ("does not exist" in message) == bool(expected & 1)
    assert ("not identified" in message) == bool(expected & 2)


def test_artificial_3_selection_never_adds_a_pair_without_overlap():
    art = table("Artificial_3")
    res = mse(art, ["A", "B", "C"], criterion="aic")
    assert res.empty_pairs == ()
    assert "A:C" not in res.terms and "B:C" not in res.terms


# --- Chao and Chapman ---------------------------------------------------------------------


def test_chao_illegal_immigrants_matches_rcapture():
    """Chao (1987) on van der Heijden et al. (2003) illegal immigrants (Rcapture closedp.0,
    t = Inf, 'Mh Chao (LB)'): 9,273.5, SE 662.6."""
    freq = pd.read_csv(DATA / "rcapture_A4-chao1987-illegal-immigrants-NL.csv")
    res = chao(freq.sort_values("times_seen")["persons"].to_numpy())
    assert res.n_observed == 1880
    assert res.estimate == pytest.approx(9273.5, abs=0.05)
    assert res.se == pytest.approx(662.6, abs=0.05)


def test_chapman_textbook_example():
    """Worked Lincoln-Petersen/Chapman example (RPubs 429479, trout: 100 tagged, 100 caught,
    10 recaptured): Lincoln-Petersen 1000, Chapman 926 after rounding; Seber (1970) variance
    by hand: 101·101·90·90/(11²·12) = 57,222.1."""
    res = chapman(100, 100, 10)
    assert round(res.estimate) == 926
    assert res.estimate == pytest.approx(101 * 101 / 11 - 1)
    assert res.se**2 == pytest.approx(101 * 101 * 90 * 90 / (11**2 * 12))
    assert res.n_observed == 190


def test_weir_2003_two_sample_estimate():
    """Weir et al. (2003) MEASURE Evaluation WP-03-63, Bulawayo: 1,381 and 1,469 women
    interviewed, 521 in both; published capture-recapture estimate 3,894 (1381·1469/521)."""
    weir = pd.DataFrame({"s1": [1, 0, 1], "s2": [0, 1, 1], "count": [1381 - 521, 1469 - 521, 521]})
    res = mse(weir, ["s1", "s2"], interactions="none")
    assert round(res.estimate) == 3894
    assert res.n_observed == 1381 + 1469 - 521
    assert chapman(1381, 1469, 521).estimate == pytest.approx(1382 * 1470 / 522 - 1)


# --- Sparse trafficking data (Chan, Silverman & Vincent 2021; Silverman et al. 2024) ------


@pytest.mark.parametrize(
    ("name", "pairs", "published", "tolerance"),
    [
        # Chan, Silverman & Vincent (2021) JASA §4.1, New Orleans 8 lists (n = 185)
        ("NewOrleans_8list_n185", [], 997, 0.5),
        ("NewOrleans_8list_n185", [("D", "E")], 1184, 0.5),
        # §4.1, five lists (no two-list effect significant): 1,034
        ("NewOrleans_5list_n185", [], 1034, 0.5),
        # MultipleSystemsEstimation vignette output (n = 186): 1110.488 and 981.4314
        ("NewOrleans_8list_n186", [("D", "E")], 1110.488, 5e-4),
        ("NewOrleans_5list_n186", [], 981.4314, 5e-5),
        # §4.2 Western US, main effects + A:E; package output 2483.384
        ("WesternUS_5list", [("A", "E")], 2483.384, 5e-4),
    ],
)
def test_sparse_trafficking_fixed_models(name, pairs, published, tolerance):
    data = table(name)
    res = mse(data, lists_of(data), interactions=pairs or "none")
    assert res.estimate == pytest.approx(published, abs=tolerance)


@pytest.mark.parametrize(
    ("name", "terms", "published"),
    [
        # Silverman, Chan & Vincent (2024) Table 6, downhill BIC: UK 6 lists 12,350
        ("UK2013_6list", ("PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP"), 12350),
        # Table 6, UK 5 lists downhill BIC 12,262
        ("UK2013_5list", ("LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP"), 12262),
        # Table 6, New Orleans (n = 186) downhill BIC 1,110
        ("NewOrleans_8list_n186", ("D:E",), 1110),
        # Table 6, Kosovo exhaustive BIC with two-list terms only (maxorder 2): 14,342
        ("Kosovo_4list", None, 14342),
    ],
)
def test_forward_bic_agrees_with_published_bic_searches(name, terms, published):
    data = table(name)
    res = mse(data, lists_of(data), criterion="bic")
    if terms is not None:
        assert res.terms == terms
    assert round(res.estimate) == published
