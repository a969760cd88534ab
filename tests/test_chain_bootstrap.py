"""Issue 9: margins per source set, the median ratio, the chain bootstrap, the sensitivity."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from shared import two_city_world

from capacity.models.population.design import capture_histories, histories
from capacity.models.population.mse import mse
from capacity.models.population.replicates import mse_many, quarter_counts
from capacity.models.stays import build_stays, fit_stays, km_distribution
from capacity.models.stays.replicates import km_many, median_ratio, stay_replicates
from capacity.models.stays.strata import source_strata


def two_groups(seed=2, n=3000, q_often=0.6, q_rare=0.08, shape=1.0, scale=20.0):
    """One city; half the persons advertise (seen on a day with chance ``q_often`` by
    ``ads``), half are seen only by ``outreach`` (chance ``q_rare``). Exponential stays."""
    rng = np.random.default_rng(seed)
    arrival = rng.uniform(0, 3 * 365, n)
    dur = scale * rng.weibull(shape, n)
    day0 = np.floor(arrival).astype(int)
    ndays = np.floor(arrival + dur).astype(int) - day0 + 1
    pid = np.repeat(np.arange(n), ndays)
    day = (
        np.repeat(day0, ndays) + np.arange(ndays.sum()) - np.repeat(np.cumsum(ndays) - ndays, ndays)
    )
    advertiser = np.arange(n) < n // 2
    q = np.where(advertiser, q_often, q_rare)[pid]
    keep = rng.random(len(day)) < q
    sightings = pd.DataFrame(
        {
            "person_id": pd.array(np.char.add("p", pid[keep].astype(str)), dtype="string"),
            "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(day[keep], "D"),
            "city": "Stockholm",
            "source": np.where(advertiser[pid[keep]], "ads", "outreach"),
        }
    )
    truth = ndays[(arrival > 60) & (arrival < 3 * 365 - 200)]
    return sightings, truth


@pytest.fixture(scope="module")
def groups():
    return two_groups()


def test_source_strata_count_the_same_gaps_as_build_stays(groups):
    sightings, _ = groups
    stays = build_stays(sightings, gap_days=14)
    strata = source_strata(sightings, 14)
    assert set(strata.labels) == {"ads", "outreach"}
    np.testing.assert_array_equal(strata.gap_counts().sum(0), stays.attrs["gap_counts"])


def test_margins_per_source_set_recover_the_mean_when_sighting_rates_differ(groups):
    """Pooled gaps give the rarely seen too short a margin; per source set they do not."""
    sightings, truth = groups
    stays = build_stays(sightings, gap_days=60)
    pooled = fit_stays(stays, n_boot=0)
    per_set = fit_stays(stays, strata=source_strata(sightings, 60), n_boot=0)
    true_mean = truth.mean()
    assert abs(per_set.mean_days - true_mean) < abs(pooled.mean_days - true_mean)
    assert per_set.mean_days == pytest.approx(true_mean, rel=0.08)


def test_km_many_equals_statsmodels_with_weights_and_delayed_entry():
    rng = np.random.default_rng(3)
    n = 300
    table = pd.DataFrame(
        {
            "duration": rng.integers(2, 60, n).astype(float),
            "event": (rng.random(n) < 0.8).astype(float),
        }
    )
    table["entry"] = np.where(rng.random(n) < 0.3, np.floor(table["duration"] * 0.5), 0.0)
    w = rng.poisson(2.0, (4, n)).astype(float)
    grid, s = km_many(table, w)
    for b in range(4):
        rows = table.assign(weight=w[b])[w[b] > 0]
        km, _ = km_distribution(rows)
        np.testing.assert_allclose(
            np.interp(km.surv_times, grid, s[b]), km.surv_prob, rtol=0, atol=1e-12
        )


def test_median_ratio_is_exact_for_medians_shrinking_by_a_constant_factor():
    years = np.arange(2021, 2026)
    assert median_ratio(years, 20 * 0.9 ** (years - 2021), np.ones(5)) == pytest.approx(0.9)
    assert np.isnan(median_ratio(years[:1], np.array([10.0]), np.ones(1)))


def test_replicates_with_unit_weights_and_the_fitted_margins_are_the_point_fit(groups):
    sightings, _ = groups
    stays = build_stays(sightings, gap_days=30)
    strata = source_strata(sightings, 30)
    fit = fit_stays(stays, strata=strata, n_boot=0)
    used = stays[~stays["left_truncated"]]
    person = strata.persons.get_indexer(used["person_id"])
    ones = np.ones((len(strata.persons), 2))
    ex = fit._rows["expander"]
    reps = stay_replicates(ex, person, used["start"].dt.year.to_numpy(), ones, ex.pmf[None])
    assert reps.table.mean[0] == pytest.approx(fit.mean_days, rel=1e-6)  # float32 spread
    assert reps.median[0] == pytest.approx(fit.median_days, rel=1e-6)  # float32 weights
    assert reps.median_ratio[0] == pytest.approx(fit.median_ratio_per_year, rel=1e-6)


def test_fit_stays_reports_the_median_ratio_with_a_percentile_interval(groups):
    sightings, _ = groups
    stays = build_stays(sightings, gap_days=30)
    fit = fit_stays(stays, strata=source_strata(sightings, 30), n_boot=40, seed=1)
    row = fit.summary_frame().loc["median_ratio_per_year"]
    assert row["ci_lower"] <= row["estimate"] <= row["ci_upper"]
    # no trend was simulated: the interval should hold 1
    assert row["ci_lower"] < 1 < row["ci_upper"]


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_mse_many_repeats_mse_selection(criterion):
    """Unit weights give mse(interactions="select")'s estimate, for several tables."""
    rng = np.random.default_rng(5)
    hist = histories(4)
    for _ in range(4):
        # dependent lists: persons with high capture probability on every list
        n = 3000
        p = np.where(rng.random((n, 1)) < 0.3, 0.5, 0.12) * rng.uniform(0.6, 1.4, (1, 4))
        caught = rng.random((n, 4)) < p
        people = pd.DataFrame(
            {
                "person_id": np.repeat(np.arange(n), 4)[caught.ravel()].astype(str),
                "source": np.tile(np.array(["a", "b", "c", "d"]), n)[caught.ravel()],
            }
        )
        persons = pd.Index(people["person_id"].unique())
        cells, lists = quarter_counts(people, persons)
        y = np.asarray(cells @ np.ones((len(persons), 1))).T
        table = pd.DataFrame(hist, columns=lists).assign(count=y[0])
        expected = mse(table, lists, criterion=criterion).estimate
        assert mse_many(y, 4, criterion)[0][0] == pytest.approx(expected, rel=1e-6)
        assert table["count"].sum() == capture_histories(people)["count"].sum()


@pytest.fixture(scope="module")
def fitted_sample(tmp_path_factory):
    from capacity.question4 import fit_models

    ds, params = two_city_world(tmp_path_factory.mktemp("syn") / "data", scale=0.25, n_boot=40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ds, params, fit_models(ds, params)


def test_the_chain_bootstrap_varies_every_estimated_input(fitted_sample):
    _, params, fm = fitted_sample
    x = fm.inputs
    assert len(x) == params.n_boot + 1
    for draws in (x.detection[1:], x.arrivals_observed[1:], x.stays.mean[1:], x.pi[1:, 0]):
        assert np.std(draws) > 0
    # contacts per hour: refitted on resampled outreach days, centred on the point estimate
    assert np.std(x.eta[1:]) > 0
    assert np.mean(x.eta[1:]) == pytest.approx(x.eta[0], rel=0.05)
    # the interpreter share: refitted on the same days, so the usable shares vary per draw
    # where staff do not speak the language, m_dL = s_L + (1 − s_L) ι_d
    iota = fm.interpreter_draws
    assert fm.interpreter_source == "outreach log" and iota[0] == fm.interpreter_share
    assert np.std(iota[1:]) > 0 and np.mean(iota[1:]) == pytest.approx(iota[0], rel=0.1)
    s = fm.languages["speaker_share"].to_numpy()
    assert x.m.shape == (params.n_boot + 1, len(s))
    np.testing.assert_allclose(x.m[0], fm.languages["usable_share"])
    np.testing.assert_allclose(x.m, s + (1 - s) * iota[:, None])
    # a policy share is not estimated: one vector for all draws
    assert fm.with_interpreter_share(0.5).inputs.m.shape == (len(s),)
    # stays per woman: the women reweighted with the persons' weights; π_k per draw
    mob = fm.mobility
    pmf = mob.woman_pmf
    assert pmf.shape == (params.n_boot + 1, len(mob.woman_k))
    np.testing.assert_allclose(pmf.sum(1), 1.0)
    k, counts = np.unique(mob.stays_per_woman, return_counts=True)
    np.testing.assert_array_equal(k, mob.woman_k)
    np.testing.assert_allclose(pmf[0], counts / counts.sum())
    mean_k = pmf @ mob.woman_k
    assert np.std(mean_k[1:]) > 0
    assert np.mean(mean_k[1:]) == pytest.approx(mean_k[0], rel=0.02)
    # the detection share's interval is that of the bootstrap (not a log-normal guess): the
    # quarterly MSE's replicates, or the stay-level model's one-step replicates
    if fm.stay_detection is None:
        np.testing.assert_array_equal(fm.population.detection_draws, x.detection[1:])
    else:
        assert x.detection[0] == fm.stay_detection.detection
        assert len(fm.population.detection_draws) == params.n_boot
        assert np.median(x.detection[1:]) == pytest.approx(x.detection[0], rel=0.03)
    assert len(fm.stay_draws["median"]) == params.n_boot
    lo, hi = fm.stays.median_ratio_ci
    assert lo <= fm.stays.median_ratio_per_year <= hi
    # the median stay's interval is the chain bootstrap's percentile interval under either
    # stay model (margins here), and the results' summary shows that one
    from capacity.models._base import percentile_interval

    med_ci = percentile_interval(fm.stay_draws["median"], params.alpha)
    assert fm.stays.median_ci == pytest.approx(med_ci)
    assert med_ci[0] < fm.stays.median_days < med_ci[1]
    row = fm.stays.summary_frame().loc["median_days"]
    assert (row["ci_lower"], row["ci_upper"]) == pytest.approx(med_ci)


def test_sensitivity_moves_the_answer_the_way_each_choice_should(fitted_sample):
    from capacity.question4 import evaluate
    from capacity.question4.sensitivity import sensitivity, sensitivity_range

    ds, params, fm = fitted_sample
    frame = sensitivity(fm, params, ds)
    kf = evaluate(fm, params).key_figures
    assert frame.attrs["reach_base"] == pytest.approx(kf.loc["reach_effective", "estimate"])
    by = frame.set_index(["setting", "side"])
    # more persons unseen: more arrivals, lower reach, more FTE needed
    assert by.loc[("detection_share", "low"), "reach_effective"] < frame.attrs["reach_base"]
    assert by.loc[("detection_share", "low"), "fte_needed"] > frame.attrs["fte_base"]
    assert (
        by.loc[("interpreter_share", "high"), "reach_effective"]
        >= by.loc[("interpreter_share", "low"), "reach_effective"]
    )
    assert (
        by.loc[("target_reach", "high"), "fte_needed"]
        > by.loc[("target_reach", "low"), "fte_needed"]
    )
    assert {"gap_days", "population_model"} <= set(frame["setting"])
    # the other pair of models for the unseen and the stays is a refit of its own
    from capacity.question4 import fit_models

    if params.detection_model == "stays":  # the default since 30 Nov 2026
        other = params.replace(detection_model="mse", stay_model="margins", n_boot=0)
        label = "quarterly"
        # the MSE criterion does not enter the stay-level share: no refit for it
        assert ("population_model", "low") not in by.index
    else:
        other = params.replace(detection_model="stays", stay_model="deconvolve", n_boot=0)
        label = "stay_level"
    kf2 = evaluate(fit_models(ds, other), other, forecast=False).key_figures
    row = by.loc[("population_model", "high")]
    assert row["value"] == label
    assert row["reach_effective"] == pytest.approx(kf2.loc["reach_effective", "estimate"], rel=0.02)
    rng = sensitivity_range(frame)
    assert rng["fte_needed"][0] <= frame.attrs["fte_base"] <= rng["fte_needed"][1]


def test_tornado_figure_states_the_range_in_its_alt_text(fitted_sample):
    from capacity import figures
    from capacity.question4.sensitivity import sensitivity

    _, params, fm = fitted_sample
    frame = sensitivity(fm, params)  # scenario settings only (no data: no refits)
    assert not {"gap_days", "population_model"} & set(frame["setting"])
    fig = figures.tornado(frame, "en")
    assert "ranges from" in fig.alt and fig.name == "sensitivity"


def test_outreach_days_bootstrap_refits_rates_and_interpreter_share():
    """Day-block replicates of the rates and ι vary and centre on the point estimates."""
    from capacity.models.competence import estimate_interpreter_share
    from capacity.models.productivity import fit_productivity
    from capacity.question4.bootstrap import outreach_bootstrap

    rng = np.random.default_rng(5)
    days = pd.date_range("2024-01-01", periods=120, freq="D")
    n = 3 * len(days)
    rows = pd.DataFrame(
        {
            "date": np.repeat(days, 3),
            "channel": np.tile(["online", "street", "venue"], len(days)),
            "staff_hours": rng.uniform(2, 6, n),
        }
    )
    # a day effect shared by the day's shifts: the dependence the blocks must carry
    day_effect = np.repeat(rng.gamma(2.0, 0.5, len(days)), 3)
    rate = np.tile([0.8, 1.5, 0.0], len(days))
    rows["contacts"] = rng.poisson(rows["staff_hours"] * rate * day_effect)
    rows["contacts_own_language"] = rng.binomial(rows["contacts"], 0.6)
    rows["interpreter_used"] = rng.binomial(rows["contacts"] - rows["contacts_own_language"], 0.3)
    point = fit_productivity(rows).rates["estimate"]
    boot = outreach_bootstrap(rows, point.index, 400, np.random.default_rng(1))
    assert boot.rates.shape == (400, 3) and boot.days == len(days)
    for j, c in enumerate(point.index):
        if point[c] > 0:
            assert np.std(boot.rates[:, j]) > 0
            assert np.mean(boot.rates[:, j]) == pytest.approx(point[c], rel=0.02)
        else:  # no events: 0 in every replicate
            assert np.all(boot.rates[:, j] == 0)
    iota = estimate_interpreter_share(rows)
    assert np.std(boot.interpreter) > 0
    assert np.mean(boot.interpreter) == pytest.approx(iota, rel=0.03)
    # the day effect makes shifts dependent: the day bootstrap's spread is wider than the
    # Poisson GLM's (which sees only over-dispersion across shifts, not within days)
    j = list(point.index).index("online")
    glm = fit_productivity(rows).rates
    assert np.std(boot.rates[:, j]) > 0.5 * glm.loc["online", "se"]


def test_number_of_replicates_is_a_parameter_of_every_bootstrap(fitted_sample):
    from capacity.question4.bootstrap import outreach_bootstrap

    ds, params, fm = fitted_sample
    x = fm.inputs
    assert len(x) == params.n_boot + 1 and fm.channel_eta.shape[0] == params.n_boot + 1
    rows = ds.outreach[ds.outreach["city"].astype(str) == "Stockholm"]
    for b in (0, 7, 123):
        assert len(outreach_bootstrap(rows, fm.channels, b, np.random.default_rng(0)).rates) == b


def test_reach_per_woman_from_shares_per_draw_is_the_same_as_from_the_women():
    from capacity.models.tours import reach_per_woman, reach_per_woman_pmf

    k_i = np.array([1, 1, 2, 3, 1, 2])
    p = np.array([[0.1, 0.4], [0.3, 0.0]])
    k, c = np.unique(k_i, return_counts=True)
    pmf = np.tile(c / c.sum(), (2, 1))
    np.testing.assert_allclose(reach_per_woman_pmf(p, k, pmf), reach_per_woman(p, k_i))
    np.testing.assert_allclose(reach_per_woman_pmf(p[:, 0], k, pmf), reach_per_woman(p[:, 0], k_i))


def test_keyed_person_weights_are_one_joint_poisson_bootstrap_across_cities():
    """A woman's weight in replicate b depends on her id, the seed and b only: the same in
    every city's person list (the national view's joint bootstrap), Poisson(1) overall."""
    from capacity.question4.bootstrap import keyed_person_weights

    everyone = pd.Index([f"w{i}" for i in range(20_000)])
    w = keyed_person_weights(everyone, 7, 40)
    assert w.shape == (20_000, 40)
    assert w.mean() == pytest.approx(1.0, abs=0.01) and w.var() == pytest.approx(1.0, abs=0.02)
    assert np.mean(w == 0) == pytest.approx(np.exp(-1), abs=0.005)
    # another city sees some of the same women, in another order: the same weights
    city = everyone[[5, 17, 3, 19_999]]
    np.testing.assert_array_equal(keyed_person_weights(city, 7, 40), w[[5, 17, 3, 19_999]])
    # chunks of replicates continue the same sequence; another seed or stream is another draw
    np.testing.assert_array_equal(
        keyed_person_weights(city, 7, 10, start=30), w[[5, 17, 3, 19_999], 30:]
    )
    assert np.mean(keyed_person_weights(everyone, 8, 40) == w) < 0.5
    assert np.mean(keyed_person_weights(everyone, 7, 40, stream=1) == w) < 0.5
    # replicates and women are not correlated
    assert abs(np.corrcoef(w[:, 0], w[:, 1])[0, 1]) < 0.03
    assert abs(np.corrcoef(w[:-1, 0], w[1:, 0])[0, 1]) < 0.03


def test_keyed_person_weights_table_lookup_is_the_poisson_quantile_search():
    """The quantile looked up by the top 16 bits of u (searched only where a threshold splits
    a bucket) is the same number as a search of every u, at and around every threshold."""
    from capacity.question4 import bootstrap as bs

    cdf = bs._POISSON1_CDF
    one, bucket = np.uint64(1), np.uint64(2**48 - 1)
    start = (cdf >> bs._TABLE_SHIFT) << bs._TABLE_SHIFT
    u = np.unique(np.concatenate([cdf, cdf - one, cdf + one, start, start | bucket,
                                  np.array([0, 2**64 - 1], dtype=np.uint64),
                                  np.random.default_rng(3).integers(0, 2**64 - 1, 100_000,
                                                                    dtype=np.uint64)]))  # fmt: skip
    w = bs._QUANTILE_TABLE.take((u >> bs._TABLE_SHIFT).view(np.int64))
    split = np.isnan(w)
    assert 0 < split.sum() < 200  # the few buckets a threshold splits
    w[split] = np.searchsorted(cdf, u[split], side="right")
    np.testing.assert_array_equal(w, np.searchsorted(cdf, u, side="right"))
    # and the weights of ids: the mix and the quantile of every (id, replicate) by a search
    persons = pd.Index([f"P{i:06d}" for i in range(3000)], dtype="string")
    keys = pd.util.hash_array(np.asarray(persons.astype(str), dtype=object))
    base = bs._mix64(np.uint64(11) * bs._GOLDEN + np.uint64(1))
    reps = bs._mix64(base + (np.arange(20, 45, dtype=np.uint64) + 1) * bs._GOLDEN)
    expect = np.searchsorted(cdf, bs._mix64(keys[:, None] ^ reps[None, :]), side="right")
    got = bs.keyed_person_weights(persons, 11, 25, start=20, stream=1)
    np.testing.assert_array_equal(got, expect.astype(float))
    np.testing.assert_array_equal(
        bs.keyed_person_weights(None, 11, 25, start=20, stream=1, keys=bs.person_keys(persons)),
        got,
    )


def test_fast_isin_is_pandas_isin():
    from capacity.models._fastpd import isin

    s = pd.Series([f"w{i % 97}" for i in range(1000)], dtype="string")
    for values in (s.iloc[::7].unique(), ["w1", "w5", "none"], [], pd.Index(["w3"])):
        np.testing.assert_array_equal(isin(s, values), s.isin(values).to_numpy(dtype=bool))
    with_na = pd.Series(["w1", None, "w2"], dtype="string")
    np.testing.assert_array_equal(isin(with_na, ["w1"]), with_na.isin(["w1"]).to_numpy(bool))
    obj = pd.Series(["a", "b", "c"], dtype=object)
    np.testing.assert_array_equal(isin(obj, ["b"]), [False, True, False])


def test_outreach_days_bootstrap_with_a_seed_is_keyed_by_city_and_day():
    from capacity.question4.bootstrap import outreach_bootstrap

    days = pd.date_range("2024-01-01", periods=60, freq="D")
    rows = pd.DataFrame({"date": days, "city": "X", "channel": "street", "staff_hours": 4.0,
                         "contacts": np.arange(60) % 5, "contacts_own_language": 0,
                         "interpreter_used": 0})  # fmt: skip
    a = outreach_bootstrap(rows, ["street"], 30, seed=3)
    # the same days in another order, and more days: the first 60 days keep their weights
    more = pd.concat([rows.iloc[::-1], rows.assign(date=rows["date"] + pd.Timedelta(days=60))])
    b = outreach_bootstrap(rows.iloc[::-1], ["street"], 30, seed=3)
    np.testing.assert_array_equal(a.rates, b.rates)
    assert not np.array_equal(a.rates, outreach_bootstrap(more, ["street"], 30, seed=3).rates)
    assert not np.array_equal(a.rates, outreach_bootstrap(rows.assign(city="Y"), ["street"], 30,
                                                          seed=3).rates)  # fmt: skip
