"""The detection share of stays (stay-level model): the likelihood against brute force, the
one-step bootstrap, and recovery of a known share on a world with capture per day present."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from capacity.exceptions import EstimationError
from capacity.models.population import stay_detection as sd
from capacity.models.stays import build_stays
from capacity.models.stays.strata import source_strata


def _two_stays(ends: list[str]) -> pd.DataFrame:
    """Merged stays of persons a and b in city X, from 1 March and 10 May 2024 to ``ends``."""
    return pd.DataFrame(
        {
            "person_id": ["a", "b"],
            "city": "X",
            "start": pd.to_datetime(["2024-03-01", "2024-05-10"]),
            "end": pd.to_datetime(ends),
            "left_truncated": False,
            "right_censored": False,
        }
    )


def _tiny():
    """Two stays of two persons, sources ads_a, ads_b, outreach, police."""
    s = pd.DataFrame(
        {
            "person_id": ["a", "a", "a", "a", "b", "b"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-03-01", "2024-03-04", "2024-03-06", "2024-05-10", "2024-05-11"]
            ),
            "city": "X",
            "source": ["ads_a", "police", "outreach", "ads_a", "ads_b", "outreach"],
        }
    )
    return s, _two_stays(ends=["2024-03-06", "2024-05-11"])


def test_stay_sightings_counts_days_patterns_and_first_day():
    s, merged = _tiny()
    st = sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)
    assert st.selective == ("ads_a", "ads_b") and st.others == ("outreach", "police")
    row_a, row_b = st.stay_row
    assert (st.d[row_a], st.K[row_a]) == (6, 3)
    assert list(st.Ks[row_a]) == [2, 0] and list(st.F[row_a]) == [True, False]
    # other sources' daily patterns: bit 0 outreach, bit 1 police; column 0 = neither
    assert list(st.Nc[row_a]) == [1, 1, 1, 0]
    assert (st.d[row_b], st.K[row_b]) == (2, 2)
    assert list(st.Ks[row_b]) == [1, 0] or list(st.Ks[row_b]) == [0, 1]
    assert list(st.Ks[row_b]) == [0, 1] and list(st.F[row_b]) == [False, True]
    assert list(st.Nc[row_b]) == [1, 1, 0, 0]
    assert st.counted.all() and st.fit.all()


def _brute(days, d, th, model):
    """``log P(obs | seen)`` of one stay by enumerating stay length, class and placement.

    ``days``: per position of the span (0 … d − 1) the sighting day's ad-site bits and the
    other sources' pattern, or None for a day unseen (the order matters: the other sources
    have their own pattern on the arrival day and on days 2 … k).
    """
    p, r, _, pi, shape, beta, _, _ = (x[0] for x in model.unpack(th))
    f = model.stay_pmf(shape, beta)[0][0]
    ns, k = len(model.st.selective), model.k
    seen_sites = {j for e in days if e is not None for j in e[0]}
    # the other sources' patterns of the stay's group (an unseen stay: no ad sighting):
    # with an ad sighting, outreach (bit 0 of the pattern) without police (bit 1) tilted
    # by exp(γ): outreach met at a police operation is there because of police
    plain = [x[0] for x in model.unpack(th)[slice(2, 3)] + model.unpack(th)[6:8]]
    grouped = [np.stack([x, x]) for x in plain]
    if model.dependent:
        odds = np.exp(th[-1] * np.array([0, 1, 0, 0]))
        for x in grouped:
            x[1] = x[1] * odds / (x[1] @ odds)
    total, seen = 0.0, 0.0
    for c in range(2**ns):
        vis = [j for j in range(ns) if c >> j & 1]
        compatible = seen_sites <= set(vis)

        def prob(event, t, vis=vis, group=0):
            """Chance of the event on day t + 1 of the stay (t = 0: the arrival day)."""
            bits, o = ([], 0) if event is None else event
            q = r if t == 0 else p
            psi, psia, psie = (x[group] for x in grouped)
            out = psia[o] if t == 0 else psie[o] if t < k else psi[o]
            for j in vis:
                out *= q[j] if j in bits else 1 - q[j]
            return out

        for ell in range(1, sd.LMAX + 1):
            none = np.prod([prob(None, t) for t in range(ell)])
            seen += pi[c] * f[ell - 1] * (1 - none)
            if ell < d or not compatible:
                continue
            group = int(model.dependent and bool(seen_sites))
            for a in range(ell - d + 1):  # first sighting on day a + 1 of the stay
                pr = 1.0
                for t in range(ell):
                    pr *= prob(days[t - a] if 0 <= t - a < d else None, t, group=group)
                total += pi[c] * f[ell - 1] * pr
    return np.log(total) - np.log(seen)


def _hand_theta(th: np.ndarray, k: int) -> None:
    """The hand-worked cases' parameters (both brute-force enumerations use them)."""
    th[:2] = [-1.5, -2.2]  # p
    th[2:4] = [0.3, -2.9]  # r: arrival day differs
    th[4:7] = [-3.0, -3.5, -4.0]  # ψ: outreach, police, both
    th[7:10] = [0.2, -0.4, 0.1]
    th[10:13] = [np.log(6.0), -0.2, -0.5]  # μ, log σ, log Q
    th[14:17] = [-1.0, -2.5, -3.0]  # ψ on the arrival day
    if k > 1:
        th[17:20] = [-1.5, -3.2, -3.7]  # ψ on days 2 … k


@pytest.mark.parametrize("k", [1, 3, 7])
def test_closed_form_sums_equal_brute_force_enumeration(monkeypatch, k):
    monkeypatch.setattr(sd, "LMAX", 40)
    monkeypatch.setattr(sd, "EARLY_DAYS", max(k, sd.EARLY_DAYS))
    s, merged = _tiny()
    st = sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)
    model = sd._Model(st, np.ones(len(st.d)), np.unique(st.year), k=k)
    th = model.start()
    _hand_theta(th, k)
    got = model.loglik_rows(th)[0]
    # ad-site bits (0 ads_a, 1 ads_b) and other pattern (bit 0 outreach, bit 1 police)
    stay_a = [([0], 2), None, None, ([], 1), None, ([0], 0)]
    stay_b = [([1], 0), ([], 1)]
    for days, row in ((stay_a, st.stay_row[0]), (stay_b, st.stay_row[1])):
        assert got[row] == pytest.approx(_brute(days, len(days), th, model), rel=1e-9, abs=1e-9)


def _one_day_stays(monkeypatch):
    """Two stays seen on one day each (``ads_a`` alone; ``ads_a`` and outreach together),
    stays of 1 or 2 days with chance ½ each (``f`` replaces the generalised gamma)."""
    monkeypatch.setattr(sd, "LMAX", 5)
    f = np.array([0.5, 0.5, 0.0, 0.0, 0.0])
    monkeypatch.setattr(
        sd._Model,
        "stay_pmf",
        lambda self, shape, beta: np.tile(f, (len(np.atleast_2d(shape)), len(self.years), 1)),
    )
    s = pd.DataFrame(
        {
            "person_id": ["a", "b", "b"],
            "date": pd.to_datetime(["2024-03-01", "2024-05-10", "2024-05-10"]),
            "city": "X",
            "source": ["ads_a", "ads_a", "outreach"],
        }
    )
    merged = _two_stays(ends=["2024-03-01", "2024-05-10"])
    return sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)


@pytest.mark.parametrize("dependent", [False, True])
def test_likelihood_of_two_one_day_stays_worked_by_hand(monkeypatch, dependent):
    """``p = 0.2``, ``r = 0.4``, outreach 0.1 a day (0.25 on the arrival day), 60 % visible
    to ``ads_a``; with ``dependent`` outreach's odds ×3 on a stay with an ad sighting
    (``γ = log 3``: 0.25 a day, 0.5 on the arrival day). Worked by hand:

    - visible, unseen: ``L = 1``: (1 − r)·0.75 = 0.45; ``L = 2``: 0.45·(1 − p)·0.9 = 0.324;
      invisible: 0.75 and 0.75·0.9; ``P(seen) = 0.6(1 − 0.387) + 0.4(1 − 0.7125) = 0.4828``;
    - stay a (ad alone), visible: ``L = 1``: r·0.75 = 0.3; ``L = 2``: seen on day 1
      (0.3·0.72) or day 2 (0.45·p·0.9) = 0.297; ``P(a) = 0.6·(0.3 + 0.297)/2 = 0.1791``;
    - stay b (ad and outreach): 0.4·0.25 = 0.1 and 0.1·0.72 + 0.45·0.2·0.1 = 0.081:
      ``P(b) = 0.6·0.181/2 = 0.0543``;
    - dependent: a: 0.4·0.5 = 0.2, 0.2·0.8·0.75 + 0.6·0.5·0.2·0.75 = 0.165, ``P = 0.1095``;
      b: 0.2, 0.12 + 0.3·0.2·0.25 = 0.135, ``P = 0.1005``; ``P(seen)`` unchanged (a stay
      nobody sees has no ad sighting).
    """
    st = _one_day_stays(monkeypatch)
    assert st.selective == ("ads_a",) and st.others == ("outreach",)
    model = sd._Model(st, np.ones(len(st.d)), np.unique(st.year), k=1, dependent=dependent)
    th = np.zeros(len(model.start()))
    th[:4] = np.log([0.2 / 0.8, 0.4 / 0.6, 0.1 / 0.9, 0.6 / 0.4])
    th[8] = np.log(0.25 / 0.75)  # outreach on the arrival day
    if dependent:
        th[-1] = np.log(3.0)
    ll, seen, _ = model.loglik_rows(th)
    assert seen[0] == pytest.approx(0.4828, rel=1e-12)
    p_a, p_b = (0.1095, 0.1005) if dependent else (0.1791, 0.0543)
    row_a, row_b = st.stay_row
    assert ll[row_a] == pytest.approx(np.log(p_a / 0.4828), rel=1e-12)
    assert ll[row_b] == pytest.approx(np.log(p_b / 0.4828), rel=1e-12)


def _tiny_with_no_ad():
    """``_tiny`` and a third stay that no ad site sees (outreach, then police, 3 days on)."""
    s, merged = _tiny()
    s = pd.concat(
        [
            s,
            pd.DataFrame(
                {
                    "person_id": ["c", "c"],
                    "date": pd.to_datetime(["2024-07-01", "2024-07-04"]),
                    "city": "X",
                    "source": ["outreach", "police"],
                }
            ),
        ],
        ignore_index=True,
    )
    merged = pd.concat(
        [
            merged,
            pd.DataFrame(
                {
                    "person_id": ["c"],
                    "city": "X",
                    "start": pd.to_datetime(["2024-07-01"]),
                    "end": pd.to_datetime(["2024-07-04"]),
                    "left_truncated": False,
                    "right_censored": False,
                }
            ),
        ],
        ignore_index=True,
    )
    return s, merged


@pytest.mark.parametrize("k", [1, 3])
def test_dependent_model_equals_brute_force_enumeration(monkeypatch, k):
    """Outreach working from the ads: a stay with an ad sighting has outreach's daily odds
    times ``e^γ`` on every day; a stay without one (and every unseen stay) the plain ones.
    The closed-form sums against enumeration, with ``γ = 0.8``."""
    monkeypatch.setattr(sd, "LMAX", 40)
    s, merged = _tiny_with_no_ad()
    st = sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)
    model = sd._Model(st, np.ones(len(st.d)), np.unique(st.year), k=k, dependent=True)
    plain = sd._Model(st, np.ones(len(st.d)), np.unique(st.year), k=k)
    assert model.sizes[-1] == 1 and len(model.start()) == len(plain.start()) + 1
    th = model.start()
    _hand_theta(th, k)
    th[-1] = 0.8  # γ of outreach
    got = model.loglik_rows(th)[0]
    stay_a = [([0], 2), None, None, ([], 1), None, ([0], 0)]
    stay_b = [([1], 0), ([], 1)]
    stay_c = [([], 1), None, None, ([], 2)]
    for days, row in zip((stay_a, stay_b, stay_c), st.stay_row, strict=True):
        assert got[row] == pytest.approx(_brute(days, len(days), th, model), rel=1e-9, abs=1e-9)
    # γ = 0 is the independent model; γ moves the stays with an ad sighting only (both
    # P(obs) of a stay without one and P(seen) use the plain patterns)
    same = model.loglik_rows(np.r_[th[:-1], 0.0])[0]
    np.testing.assert_allclose(same, plain.loglik_rows(th[:-1])[0], rtol=1e-12)
    with_ad = st.Ks.sum(axis=1) > 0
    assert list(with_ad[st.stay_row]) == [True, True, False]
    assert np.all(np.abs(got - same)[with_ad] > 1e-3)
    assert got[~with_ad] == pytest.approx(same[~with_ad], rel=1e-12)


def _stockholm(syn, gap_days=14):
    """Stockholm's stay sightings 2022–2025 of a synthetic world, its merged stays and the
    true share of its stays seen by any source."""
    s = syn.tables["sightings"]
    t0, t1 = pd.Timestamp("2022-01-01"), pd.Timestamp("2025-12-31")
    city = s[s["city"].astype(str) == "Stockholm"]
    stays = build_stays(s, gap_days, t0.date(), t1.date())
    strata = source_strata(city, gap_days)
    merged = sd.merged_stays(stays[stays["city"].astype(str) == "Stockholm"], strata)
    st = sd.stay_sightings(merged, city, t0.date(), t1.date(), persons=strata.persons)
    truth = syn.truth["stays"]
    truth = truth[(truth["city"] == "Stockholm") & truth["arrive"].between(t0, t1)]
    return st, merged, float(truth["seen_by_any_source"].mean())


@pytest.fixture(scope="module")
def small_city():
    """The merged stays of one small synthetic city (about 480 distinct rows)."""
    from capacity.synth import generate

    return _stockholm(generate(2, scale=0.05, n_cities=2))[0]


def _random_point(model, rng):
    """A parameter vector away from the start, with a stay tail that floating point holds
    (``f`` is a difference of the incomplete gamma: where ``1 − P`` falls below 1e-16 the
    likelihood is flat in steps and no numeric derivative is meaningful)."""
    th = model.start() + rng.normal(0.0, 0.6, len(model.start()))
    i = sum(model.sizes[:4])
    th[i : i + 4] = [
        th[i] + rng.normal(0.0, 0.2),
        rng.uniform(-0.2, 0.3),  # log σ
        rng.uniform(-1.5, 0.0),  # log Q: lognormal to Weibull
        rng.normal(0.0, 0.15),  # β
    ]
    return th


def _central(model, th, rel=1e-5):
    """The penalised negative log-likelihood's gradient by central differences."""
    out = np.empty(len(th))
    for i in range(len(th)):
        e = np.zeros(len(th))
        e[i] = rel * max(1.0, abs(th[i]))
        out[i] = (model.nll(th + e) - model.nll(th - e)) / (2 * e[i])
    return out


@pytest.mark.parametrize("k", [1, 2, 3])
def test_exact_gradient_equals_central_differences(small_city, k):
    st = small_city
    w = np.random.default_rng(k).poisson(1.0, len(st.d)).astype(float)
    model = sd._Model(st, w, np.unique(st.year), k=k)
    rng = np.random.default_rng(10 + k)
    P = len(model.start())
    assert P == 17 + 3 * (k > 1)
    for _ in range(3):
        th = _random_point(model, rng)
        f = model.stay_pmf(*model.unpack(th)[4:6])[0]
        assert f[:, st.d.max() :].sum(axis=1).min() > 1e-6  # the tail is resolved
        value, grad = model.nll_and_grad(th)
        assert value == pytest.approx(model.nll(th), rel=1e-12)
        np.testing.assert_allclose(grad, _central(model, th), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("k", [1, 3])
def test_exact_gradient_of_the_dependent_model(small_city, k):
    """γ and the two groups' patterns back-propagate to the shared logits exactly."""
    st = small_city
    w = np.random.default_rng(k).poisson(1.0, len(st.d)).astype(float)
    model = sd._Model(st, w, np.unique(st.year), k=k, dependent=True)
    assert 0 < model.rg.sum() < len(st.d)  # rows with and without an ad sighting
    rng = np.random.default_rng(20 + k)
    for _ in range(2):
        th = _random_point(model, rng)
        th[-1] = rng.normal(0.0, 1.0)  # γ of outreach
        value, grad = model.nll_and_grad(th)
        assert value == pytest.approx(model.nll(th), rel=1e-12)
        np.testing.assert_allclose(grad, _central(model, th), rtol=1e-5, atol=1e-4)


def test_exact_gradient_holds_at_the_bounds(small_city):
    """Where ``Q`` is held at ``Q_MIN`` its derivative is 0, and the rest stays exact."""
    st = small_city
    model = sd._Model(st, np.ones(len(st.d)), np.unique(st.year))
    th = _random_point(model, np.random.default_rng(5))
    i = sum(model.sizes[:4])
    th[i + 2] = np.log(sd.Q_MIN) - 0.2  # past the bound
    _, grad = model.nll_and_grad(th)
    assert grad[i + 2] == 0.0
    np.testing.assert_allclose(grad, _central(model, th), rtol=1e-5, atol=1e-4)


def test_seen_is_the_likelihoods_share_seen_and_stay_pmf(small_city):
    """The bootstrap's replicates take ``P(seen)`` and ``f`` from ``seen``, not the rows."""
    st = small_city
    model = sd._Model(st, np.ones(len(st.d)), np.unique(st.year))
    rng = np.random.default_rng(3)
    ths = np.array([_random_point(model, rng) for _ in range(4)])
    _, ps, f = model.loglik_rows(ths)
    got_ps, got_f = model.seen(ths)
    np.testing.assert_array_equal(got_ps, ps)
    np.testing.assert_array_equal(got_f, f)


def test_the_fit_ends_where_the_gradient_vanishes(small_city):
    res = sd.fit_stay_detection(small_city)
    model = res._model
    value, grad = model.nll_and_grad(res.theta)
    assert res.params["converged"]
    # Newton's decrement below 1e-7: the gradient is ~1e-4 of its size at the start
    assert np.abs(grad).max() < 1e-3 * np.abs(model.nll_and_grad(model.start())[1]).max()
    assert np.abs(grad).max() < 0.05


@pytest.fixture(scope="module")
def per_day_fit():
    from capacity.coverage import WORLDS
    from capacity.synth import generate

    syn = generate(3, scale=0.3, n_cities=6, config=WORLDS["per-day capture, Weibull stays"])
    st, merged, truth = _stockholm(syn)
    return sd.fit_stay_detection(st), st, truth, merged


@pytest.mark.slow
def test_recovers_the_share_of_stays_seen_where_closed_mse_does_not(per_day_fit):
    res, st, truth, _ = per_day_fit
    # measured on 5 worlds × seed 1 (docs/methods/population.md): within −6 … +14 %;
    # quarterly closed MSE on this world is 20–30 % high
    assert res.detection == pytest.approx(truth, rel=0.15)
    p = res.params["p"]
    assert p["ads_a"] == pytest.approx(0.12, rel=0.15)
    assert p["ads_b"] == pytest.approx(0.07, rel=0.2)
    # visibility classes: none 0.4·0.55, a only 0.6·0.55, b only 0.4·0.45, both 0.6·0.45
    assert res.params["pi"] == pytest.approx([0.22, 0.33, 0.18, 0.27], abs=0.06)
    frame = res.summary_frame()
    assert {"estimate", "se", "ci_lower", "ci_upper"} <= set(frame.columns)
    lo, hi = frame.loc["detection_share", ["ci_lower", "ci_upper"]]
    assert lo < res.detection < hi
    # the default fits no dependence; outreach searches at random here, and the
    # likelihood-ratio test of "auto" keeps the independent model (same δ)
    assert res.params["dependence"]["chosen"] is False
    auto = sd.fit_stay_detection(st, dependence="auto")
    dep = auto.params["dependence"]
    assert not dep["chosen"] and dep["p_value"] > sd.DEPENDENCE_LEVEL
    assert set(dep["gamma"]) == {"outreach"}
    assert auto.detection == res.detection


@pytest.mark.slow
def test_outreach_that_works_from_the_ads_is_found_and_corrected():
    """World 4 of the coverage study (online outreach contacts a stay with an ad sighting 4
    times as often; 15 % never advertise; lognormal stays) at a fresh seed. The independent
    model puts the share of stays seen +17 to +21 % high (seeds 21–23); the test chooses the
    dependent model (p ≤ 1e-4) and it comes to −3.7 to +2.6 % (−7 to −8 % while outreach on
    police's days was tilted too; docs/methods/population.md)."""
    from capacity.coverage import WORLDS
    from capacity.synth import generate

    cfg = WORLDS["outreach works from the ads, 15 % invisible, lognormal"]
    st, _, truth = _stockholm(generate(21, scale=0.3, n_cities=6, config=cfg))
    res = sd.fit_stay_detection(st, dependence="auto")
    dep = res.params["dependence"]
    assert dep["chosen"] and dep["p_value"] < sd.DEPENDENCE_LEVEL
    assert dep["early_ratio"] < sd.SCREENING_RATIO  # random search: no early-day excess
    # online contacts 4× as often; street and venue not: outreach's daily odds on a stay
    # with an ad sighting about 1.8× (γ ≈ 0.57, counted in the generator's truth, seed 1)
    assert 0.3 < dep["gamma"]["outreach"] < 1.3
    said = [c for c in res.caveats if c.key == "population.ads_dependence"]
    assert len(said) == 1 and said[0].fields["odds"] == pytest.approx(
        np.exp(dep["gamma"]["outreach"])
    )
    assert res.detection == pytest.approx(truth, rel=0.12)
    plain = sd.fit_stay_detection(st)  # the default: no dependence
    assert plain.detection > 1.12 * truth
    assert plain.params["dependence"]["chosen"] is False
    assert abs(res.detection - truth) < abs(plain.detection - truth)
    # the one-step bootstrap carries the dependent model's parameters
    w = np.random.default_rng(0).poisson(1.0, (len(st.persons), 40)).astype(float)
    reps = res.replicates(w)
    assert np.all((reps > 0) & (reps <= 1)) and 0.005 < np.std(reps) < 0.15


def _simulated_fit(gamma: float, seed: int):
    """The independent and the dependent (``"auto"``) fit on a city simulated from the model
    (:mod:`~capacity.models.population.stay_detection_sim`: police per day, half the police
    encounters with outreach on the same day as at a joint operation)."""
    from capacity.models.population.stay_detection_sim import simulate_stays

    sim = simulate_stays(seed, gamma=gamma, op_contact=0.5)
    st = sd.stay_sightings(sim.merged, sim.sightings, sim.period_start, sim.period_end)
    return sd.fit_stay_detection(st), sd.fit_stay_detection(st, dependence="ads"), sim


@pytest.mark.slow
def test_gamma_is_recovered_where_outreach_works_from_the_ads():
    """Outreach's daily odds ×e^0.6 on a stay with an ad sighting (γ = 0.6): the test finds
    it, ``γ̂`` is near 0.6 and the share of stays seen comes right where the independent
    model puts it ~10 % high (seed 2: +9.2 % → +0.6 %, γ̂ 0.63, p 0.0014)."""
    plain, dep, sim = _simulated_fit(0.6, seed=2)
    test = dep.params["dependence"]
    assert test["chosen"] and test["p_value"] < 0.01
    assert 0.3 < test["gamma"]["outreach"] < 0.9
    assert plain.detection > 1.05 * sim.seen_share
    assert dep.detection == pytest.approx(sim.seen_share, rel=0.03)


@pytest.mark.slow
def test_gamma_stays_near_zero_where_outreach_does_not_work_from_the_ads():
    """γ = 0 (police and outreach independent of the ads): ``γ̂`` near 0 and the test does
    not reject at 0.001 (``"auto"`` keeps the independent model, which is right); forced,
    the dependent model costs little."""
    plain, dep, sim = _simulated_fit(0.0, seed=3)
    test = dep.params["dependence"]
    assert abs(test["gamma"]["outreach"]) < 0.3
    assert test["p_value"] > sd.DEPENDENCE_LEVEL
    assert plain.detection == pytest.approx(sim.seen_share, rel=0.05)
    assert dep.detection == pytest.approx(sim.seen_share, rel=0.05)


def test_dependence_must_be_a_known_choice():
    s, merged = _tiny()
    st = sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)
    with pytest.raises(ValueError, match="dependence must be one of"):
        sd.fit_stay_detection(st, dependence="outreach")


def _fit_city(syn, gap_days=14):
    st, _, truth = _stockholm(syn, gap_days)
    return sd.fit_stay_detection(st), truth


@pytest.mark.slow
@pytest.mark.parametrize("seed", [4, 5])
def test_screening_outreach_gets_its_own_chance_in_the_first_days(seed):
    """Outreach that screens new ads sees a woman in her first days; with one daily chance
    for it the share of stays seen came out 0.69–0.74 against a true 0.81–0.84 (seed 4 of
    test_levels' screening world, 30 Nov 2026). Measured with the arrival-day and early-day
    patterns (k = 3): −3.9 % (seed 4) and +0.8 % (seed 5)."""
    from capacity.synth import SynthConfig, generate

    cfg = SynthConfig(screening_channels=("online", "street", "venue"))
    syn = generate(seed, scale=0.1, n_cities=6, config=cfg)
    res, truth = _fit_city(syn)
    assert res.detection == pytest.approx(truth, rel=0.07)
    # the likelihood-ratio test rejects γ = 0 here (p ~ 1e-10), but outreach that screens
    # new ads is not what the tilt by the ad sighting describes (forced: −28 % at seed 4):
    # "auto" keeps the independent model
    st, _, _ = _stockholm(syn)
    auto = sd.fit_stay_detection(st, dependence="auto")
    test = auto.params["dependence"]
    assert test["p_value"] < sd.DEPENDENCE_LEVEL and test["early_ratio"] > sd.SCREENING_RATIO
    assert not test["chosen"] and auto.detection == res.detection
    # outreach (bit 0 of the other sources' pattern) sees her far more in the first days
    psi, early, arrival = (res.params[k] for k in ("psi", "psi_early", "psi_arrival"))
    assert early[1] + early[3] > 3 * (psi[1] + psi[3])
    assert arrival[1] + arrival[3] > 3 * (psi[1] + psi[3])


@pytest.mark.slow
def test_one_step_replicates_vary_and_unit_weights_give_the_estimate(per_day_fit):
    res, st, _, _ = per_day_fit
    n = len(st.persons)
    ones = res.replicates(np.ones((n, 1)))
    assert ones[0] == pytest.approx(res.detection, rel=2e-3)
    w = np.random.default_rng(0).poisson(1.0, (n, 60)).astype(float)
    reps = res.replicates(w)
    assert reps.shape == (60,) and np.all((reps > 0) & (reps <= 1))
    assert 0.005 < np.std(reps) < 0.1


def test_too_few_stays_is_an_estimation_error():
    s, merged = _tiny()
    st = sd.stay_sightings(merged, s, "2024-01-01", "2024-12-31", horizon=0)
    with pytest.raises(EstimationError, match="at least 20"):
        sd.fit_stay_detection(st)


def test_stays_outside_the_period_or_near_the_data_end_are_not_fitted():
    s, merged = _tiny()
    st = sd.stay_sightings(merged, s, "2024-04-01", "2024-12-31")
    assert list(st.counted) == [False, True]
    assert not st.fit.any()  # the second starts less than FIT_HORIZON days before the data end
    lt = dataclasses.replace(st)  # frozen dataclass copies fine
    assert lt.counted.sum() == 1


@pytest.mark.slow
def test_the_chain_with_detection_model_stays(tmp_path_factory):
    """``detection_model="stays"``: merged starts over the stays' share, replicated per draw."""
    import warnings

    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate, fit_models
    from capacity.synth import write_synthetic

    folder = tmp_path_factory.mktemp("syn") / "data"
    write_synthetic(folder, seed=4, scale=0.25, n_cities=2)
    ds = load_dataset(folder)
    params = Params(
        data_dir=str(folder), city="Stockholm", n_boot=40, detection_model="stays",
        period_start="2021-01-01", period_end="2025-12-31",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fm = fit_models(ds, params)
        mse = fit_models(ds, params.replace(detection_model="mse"))
        res = evaluate(fm, params)
    x, det = fm.inputs, fm.stay_detection
    assert det is not None and mse.stay_detection is None
    assert x.detection[0] == det.detection
    assert np.std(x.detection[1:]) > 0
    assert np.mean(x.detection[1:]) == pytest.approx(x.detection[0], rel=0.05)
    # merged stays: fewer starts than the stays build_stays splits
    assert x.arrivals_observed[0] < mse.inputs.arrivals_observed[0]
    # the quarterly MSE stays beside it, with its own replicates, and its caveat goes
    assert len(fm.population.detection_draws) == params.n_boot
    keys = {c.key for c in res.caveats}
    assert "population.stay_detection" in {c.key for c in det.caveats}
    assert "population.unseen" not in keys
    # the default (detection_dependence "auto") runs the likelihood-ratio test of outreach
    # working from the ads; outreach searches at random here, so the independent model stays
    test = det.params["dependence"]
    assert params.detection_dependence == "auto" and np.isfinite(test["p_value"])
    assert not test["chosen"] and "population.ads_dependence" not in keys
    assert np.isfinite(res.key_figures.loc["reach_effective", "estimate"])


@pytest.mark.slow
def test_without_a_stay_fit_the_chain_falls_back_to_the_mse_share(tmp_path_factory, monkeypatch):
    import warnings

    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.question4 import fit as fit_module
    from capacity.question4 import fit_models
    from capacity.synth import write_synthetic

    def refuse(*args, **kwargs):
        raise EstimationError("only 3 merged stays to fit the detection share of stays")

    monkeypatch.setattr(fit_module, "fit_stay_detection", refuse)
    folder = tmp_path_factory.mktemp("syn") / "data"
    write_synthetic(folder, seed=5, scale=0.1, n_cities=2)
    params = Params(
        data_dir=str(folder), city="Stockholm", n_boot=10, detection_model="stays",
        period_start="2021-01-01", period_end="2025-12-31",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fm = fit_models(load_dataset(folder), params)
    assert fm.stay_detection is None
    assert fm.inputs.detection[0] == fm.population.detection
    assert "q4.no_stay_detection" in {c.key for c in fm.caveats}


@pytest.fixture(scope="module")
def per_day_chain(tmp_path_factory):
    """The chain with ``detection_model="stays"`` on the per-day Weibull world, seed 1."""
    import warnings

    from capacity.config import Params
    from capacity.coverage import WORLDS, chain_truth
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate, fit_models
    from capacity.synth import generate
    from capacity.synth.write import write_folder

    syn = generate(1, scale=0.3, n_cities=6, config=WORLDS["per-day capture, Weibull stays"])
    folder = tmp_path_factory.mktemp("perday") / "data"
    write_folder(syn, folder)
    # the models named, not the defaults: the figures below were measured with these
    params = Params(data_dir=str(folder), n_boot=20, detection_model="stays",
                    stay_model="deconvolve", gap_days=28)  # fmt: skip
    shared = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fm = fit_models(load_dataset(folder), params, shared=shared)
        res = evaluate(fm, params, forecast=False)
    truth = chain_truth(syn, "Stockholm", pd.Timestamp("2022-01-01"), pd.Timestamp("2025-12-31"))
    return fm, res, truth, shared


@pytest.mark.slow
def test_persons_in_the_period_use_the_share_of_women_seen_not_of_stays(per_day_chain):
    """``δ`` of the stay-level model is a share of stays; a woman with several stays in the
    period is seen unless every one is missed. Dividing the women seen by ``δ`` put persons
    in the period 3.7 % above the true women present (5227 against 5040); with the share of
    women seen, ``[Σ π̃_k / (1 − (1 − δ)^k)]^{-1}``, 5044 (+0.1 %). In every replicate the
    number seen moves with its weights (``n · n_b / n_0``) under both shares."""
    fm, res, truth, _ = per_day_chain
    total = fm.mobility.woman_total
    seen = fm.persons_observed * total / total[0]
    per_stay = seen / fm.inputs.detection
    got = res.point["persons_in_period"]
    assert got < per_stay[0]
    assert (res.draws["persons_in_period"].to_numpy() <= per_stay[1:] + 1e-9).all()
    assert np.std(total[1:] / total[0]) > 0.005  # the replicates' numbers of women differ
    assert got == pytest.approx(truth["persons_in_period"], rel=0.025)
    lo, hi = res.key_figures.loc["persons_in_period", ["ci_lower", "ci_upper"]]
    assert lo < got < hi


@pytest.mark.slow
def test_tours_per_week_count_merged_tour_starts(per_day_chain):
    """The tours per week (the national screening function's arrivals) scale tour starts by
    the share of merged stays seen: a stay split by missed sightings starts no new tour."""
    from capacity.question4.mobility import _weeks, continued_tour_starts

    fm, _, _, shared = per_day_chain
    mob, stays = fm.mobility, shared["stays"]
    cont = continued_tour_starts(stays, shared["runs"])
    assert 0 < cont < mob.flows.starts.sum()
    expected = (mob.flows.starts.sum() - cont) / _weeks(stays) / fm.inputs.detection
    assert mob.tours_per_week == pytest.approx(expected)
