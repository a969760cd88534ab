"""Question 4 for women who move (capacity.question4.mobility): the estimated strategy, reach
per stay, woman and tour against the truth of synthetic worlds."""

from __future__ import annotations

import dataclasses
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from shared import fit_once

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.question4 import fit_models
from capacity.question4.mobility import (
    continued_tour_starts,
    direct_city_reach,
    fte_needed_measure,
    mobility_reach,
    timing_stays,
)
from capacity.synth import SynthConfig, generate
from capacity.synth.write import write_folder

WORLDS = {"random": (), "mixture": ("online",), "screening": ("online", "street", "venue")}
#: seeds of the slow truth-recovery tests; ``CAPACITY_TRUTH_SEEDS=7,8,9`` measures fresh ones
TRUTH_SEEDS = tuple(int(v) for v in os.environ.get("CAPACITY_TRUTH_SEEDS", "4,5,6").split(","))
MEASURES = ("reach_stay", "reach_woman", "reach_tour", "reach_tour_national")


def _world(tmp, kind, seed, scale=0.1):
    syn = generate(
        seed, scale=scale, n_cities=6, config=SynthConfig(screening_channels=WORLDS[kind])
    )
    folder = tmp / f"{kind}-{seed}"
    write_folder(syn, folder)
    return syn, load_dataset(folder)


def _run(ds, city="Stockholm", n_boot=100):
    params = Params(city=city, n_boot=n_boot)
    fitted = fit_once(ds, params)  # the worlds of test_levels: one fit each per session
    # the answer's own mobility fit: tour chain from the chain bootstrap's women, the share
    # of next stays seen over its identified range (fit_mobility(seed=...))
    mob = fitted.mobility
    return fitted, mob, mobility_reach(fitted.inputs, mob, fitted.staff.outreach_fte)


def _truth(syn, city="Stockholm"):
    """The measures' truth, counting contacts inside the period only (``capacity.coverage``)."""
    from capacity.coverage import chain_truth, tour_truth

    params = Params()
    lo, hi = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    chain = chain_truth(syn, city, lo, hi)
    tour, national = tour_truth(syn, lo, hi)
    return {
        "reach_stay": chain["reach_stay"],
        "reach_woman": chain["reach_woman"],
        "reach_tour": tour[city],
        "reach_tour_national": national,
    }


@pytest.fixture(scope="module")
def mixture(tmp_path_factory):
    syn, ds = _world(tmp_path_factory.mktemp("mob"), "mixture", 3)
    return syn, ds, *_run(ds)


def test_measures_are_ordered_and_cover_the_truth(mixture):
    syn, ds, fitted, mob, res = mixture
    f = res.summary_frame()
    est = f["estimate"]
    assert est["reach_woman"] >= est["reach_stay"]
    assert est["reach_tour"] >= est["reach_stay"]
    assert est["reach_tour_coordinated"] >= est["reach_tour"]
    assert est["reach_tour_national_coordinated"] >= est["reach_tour_national"]
    truth = _truth(syn)
    for k in MEASURES:
        lo, hi = f.loc[k, ["ci_lower", "ci_upper"]]
        half = (hi - lo) / 2
        assert lo - half <= truth[k] <= hi + half, (k, truth[k], lo, hi)
    assert mob.strategy.label == "mixture"


def test_the_strategy_mix_resamples_the_chains_women(mixture):
    from capacity.models.strategy import fit_strategy
    from capacity.question4.bootstrap import keyed_person_weights

    _, _, fitted, mob, _ = mixture
    times, seed, n = mob.strategy.times, Params().seed, len(mob.share) - 1
    # draw d of the share weights each woman by her keyed weight of replicate d: the same
    # weight her stays, captures and moves have in draw d of the rest of the chain
    persons = pd.Index(sorted(times["person_id"].unique()))
    w = keyed_person_weights(persons, seed, n)

    def weights(who, start, b):
        assert who.equals(persons)
        return w[:, start : start + b]

    again = fit_strategy(times, fitted.inputs.stays.mean, n_draws=n, weights=weights)
    assert times["person_id"].duplicated().any()  # women with several stays
    np.testing.assert_allclose(mob.share[1:], again.share_draws[1:], rtol=1e-9)


def test_fte_needed_under_the_mix_meets_the_target(mixture):
    _, _, fitted, mob, _ = mixture
    x = fitted.inputs
    scen = {"strategy": "estimated"}
    need = fte_needed_measure(x, mob, 0.5, "stay", scen, np.ones(len(x)))
    assert np.isfinite(need[0]) and need[0] > 0
    at = mobility_reach(x, mob, float(need[0]))
    assert at.point["reach_stay"] == pytest.approx(0.5, abs=0.01)
    more = mobility_reach(x, mob, float(need[0]) * 2)
    for k in ("reach_stay", "reach_woman", "reach_tour", "reach_tour_coordinated"):
        assert more.point[k] >= at.point[k]


def test_other_cities_hold_contacts_in_their_own_teams_languages(mixture):
    """Per tour, a contact in another city is usable as that city's team holds it: each
    row of ``city_usable`` is what the city's own single-city fit finds for the same
    languages (its speakers and interpreter share), not the analysed city's ``m``."""
    syn, ds, fitted, mob, res = mixture
    usable = mob.city_usable
    cities, langs = list(mob.flows.cities), fitted.languages.index
    assert usable.shape == (len(cities), len(langs))
    here = fitted.languages["usable_share"].to_numpy(dtype=float)
    assert np.array_equal(usable[mob.city], here)
    other = next(c for c in cities if c != "Stockholm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own = fit_models(ds, Params(city=other, n_boot=0)).languages["usable_share"]
    both = langs.intersection(own.index)
    assert len(both) >= 3
    row = pd.Series(usable[cities.index(other)], index=langs)
    np.testing.assert_allclose(row[both], own[both], rtol=0, atol=1e-12)
    assert not np.allclose(row, here)  # the teams differ: the old chain was off here
    # an interpreter policy for the analysed city's team leaves the other teams as they are
    policy = fitted.with_interpreter_share(1.0)
    assert np.array_equal(policy.mobility.city_usable, usable)


def test_language_shares_of_every_city_in_one_pass_are_language_shares(mixture):
    from capacity.models import competence as comp
    from capacity.question4.fit import _language_shares_by_city

    syn, ds, *_ = mixture
    s = ds.sightings
    every = _language_shares_by_city(s)
    assert set(every) == set(s["city"].astype(str).unique())
    for city, shares in every.items():
        own = comp.language_shares(s[s["city"].astype(str) == city])["share"]
        pd.testing.assert_series_equal(shares, own, check_names=False, rtol=0, atol=1e-15)
    # most recorded first, ties alphabetical, blanks and case as language_shares reads them
    hand = pd.DataFrame({
        "city": ["A"] * 7 + ["B"] * 3,
        "person_id": ["p", "p", "q", "q", "r", "r", "s", "p", "p", "t"],
        "language": ["ro", "RO ", "en", "bg", "", None, "hu", "en", "en", "ro"],
    })  # fmt: skip
    got = _language_shares_by_city(hand)
    for city in ("A", "B"):
        want = comp.language_shares(hand[hand["city"] == city])["share"]
        pd.testing.assert_series_equal(got[city], want, check_names=False)
    assert got["A"].to_dict() == {"bg": 1 / 3, "hu": 1 / 3, "ro": 1 / 3}


def test_tour_reach_rises_with_what_the_other_teams_can_hold(mixture):
    from capacity.question4.mobility import tour_measures

    syn, ds, fitted, mob, res = mixture
    fte = fitted.staff.outreach_fte
    x = fitted.inputs
    tours = {
        k: tour_measures(
            x, dataclasses.replace(mob, city_usable=np.full_like(mob.city_usable, k)), fte
        )["reach_tour"]  # fmt: skip
        for k in (0.0, 0.5, 1.0)
    }
    values = tour_measures(x, mob, fte)
    now = values["reach_tour"]
    assert np.all(tours[0.0] <= tours[0.5]) and np.all(tours[0.5] <= tours[1.0])
    assert np.all(tours[0.0] <= now + 1e-12) and np.all(now <= tours[1.0] + 1e-12)
    # nobody elsewhere can talk with her: the tour is reached in one of its stays here, at
    # least as often as one stay here is; anyone elsewhere who can adds to that
    assert np.all(tours[0.0] >= values["reach_stay"] - 1e-12)
    assert tours[1.0][0] > tours[0.0][0] + 0.01


def test_direct_city_reach_by_hand():
    stays = pd.DataFrame(
        {
            "city": ["A", "A", "A", "A", "B", "B"],
            "left_truncated": [False, False, False, True, False, False],
            "n_outreach": [1, 0, 2, 5, 0, 0],
        }
    )
    out = direct_city_reach(stays, ["A", "B"], np.array([0.5, 0.5]), np.random.default_rng(0))
    # A: 2 contacted of 3 starts / 0.5 = 6 arrivals; B: none contacted
    assert out[0, 0] == pytest.approx(2 / 6)
    assert out[0, 1] < 0.01 and out.shape == (2, 2)


def test_continued_tour_starts_by_hand():
    """A stay split by missed sightings (one run) starts a tour in the flows from its second
    piece on; that piece is a continued start, a true return in its own run is not."""
    from capacity.models.tours import tour_flows

    d = pd.to_datetime
    stays = pd.DataFrame(
        {
            "person_id": ["a", "a", "a", "b", "b"],
            "city": ["A", "A", "B", "A", "A"],
            "start": d(["2024-01-01", "2024-02-01", "2024-02-05", "2024-03-01", "2024-05-01"]),
            "end": d(["2024-01-05", "2024-02-03", "2024-02-10", "2024-03-02", "2024-05-02"]),
        }
    )
    stays.attrs.update(gap_days=14, data_end="2024-12-31")
    runs = pd.Series([1, 1, 2, 3, 4], index=stays.index)
    assert tour_flows(stays).starts.sum() == 4  # a's two pieces in A, b's two stays
    assert continued_tour_starts(stays, runs) == 1
    assert continued_tour_starts(stays, None) == 0
    # order of the rows does not matter
    rev = stays.iloc[::-1]
    assert continued_tour_starts(rev, runs) == 1


def test_timing_stays_joins_a_womans_pieces_in_one_city_by_hand():
    """Pieces of one woman in one city are one stay for the timing of first contacts unless
    a stay elsewhere lies between or they are more than CONTINUED_STAY_DAYS apart; a run of
    merge_split_stays is joined whatever its gap."""
    d = pd.to_datetime
    stays = pd.DataFrame(
        {
            "person_id": ["a", "a", "a", "a", "b", "b", "c", "c"],
            "city": ["A", "A", "B", "A", "A", "A", "A", "A"],
            "start": d(["2024-01-01", "2024-02-20", "2024-04-01", "2024-04-20",
                        "2024-01-01", "2024-06-01", "2024-01-01", "2024-06-01"]),
            "end": d(["2024-01-05", "2024-03-01", "2024-04-10", "2024-05-01",
                      "2024-01-10", "2024-06-05", "2024-01-10", "2024-06-05"]),
            "left_truncated": [True, False, False, False, False, False, False, False],
            "right_censored": [False, False, False, True, False, False, False, False],
        }
    )  # fmt: skip
    # shuffled rows: the joining follows each woman's order in time, not the rows'
    out = timing_stays(stays.iloc[[5, 0, 3, 1, 7, 2, 6, 4]])
    got = sorted(zip(out["person_id"], out["city"], out["start"].dt.strftime("%m-%d"),
                     out["end"].dt.strftime("%m-%d"), out["left_truncated"],
                     out["right_censored"], strict=True))  # fmt: skip
    assert got == [
        ("a", "A", "01-01", "03-01", True, False),  # 50 days apart: one stay, the first's start
        ("a", "A", "04-20", "05-01", False, True),  # a stay in B between: her own stay
        ("a", "B", "04-01", "04-10", False, False),
        ("b", "A", "01-01", "01-10", False, False),  # 142 days apart: two stays
        ("b", "A", "06-01", "06-05", False, False),
        ("c", "A", "01-01", "01-10", False, False),
        ("c", "A", "06-01", "06-05", False, False),
    ]
    runs = pd.Series([1, 2, 3, 4, 5, 6, 7, 7], index=stays.index)  # c's pieces one run
    joined = timing_stays(stays, runs)
    assert len(joined) == 6 and ((joined["person_id"] == "c").sum() == 1)
    assert len(timing_stays(stays, max_gap=30)) == 8


def test_a_screening_before_a_late_ad_counts_on_the_whole_stay():
    """A woman screened on her first day whose ad is captured only 40 days later (split at
    gap_days 14) and another never screened: the whole stay is timed (one contact on day 0),
    not a piece first seen by the contact beside a later piece that no one screened."""
    from capacity.models.stays import build_stays
    from capacity.models.strategy import first_contact_times

    rows = [("z", "2024-01-02", "ads_a"),  # the data begin well before (no left truncation)
            ("a", "2024-03-01", "outreach"), ("a", "2024-03-01", "ads_a"),
            ("a", "2024-04-10", "ads_a"), ("a", "2024-04-20", "ads_a"),
            ("b", "2024-03-05", "ads_a"), ("b", "2024-03-12", "ads_a")]  # fmt: skip
    s = pd.DataFrame(rows, columns=["person_id", "date", "source"]).assign(
        city="Stockholm", date=lambda f: pd.to_datetime(f["date"])
    )
    stays = build_stays(s, 14, "2024-01-01", "2024-12-31")
    assert len(stays) == 4  # a's stay in two pieces
    times = first_contact_times(s, timing_stays(stays), "Stockholm")
    a = times[times["person_id"] == "a"]
    assert len(a) == 1 and bool(a["contacted"].iloc[0]) and a["days"].iloc[0] == 0
    assert a["follow_days"].iloc[0] == 50
    # the pieces alone: a stay contacted on day 0 and a stay of hers never contacted
    split = first_contact_times(s, stays, "Stockholm")
    assert (split["person_id"] == "a").sum() == 2


@pytest.mark.slow
def test_strategy_mix_on_world_7_is_not_low():
    """World 7 of the coverage study (online screening, street and venue search, ads captured
    on a day she is present): the mix from first contacts timed on whole stays has no lean.

    The chain's inputs (``gap_days`` 14 and the runs of merged stays, as ``capture_model:
    auto`` chooses there) with the true mean stay, so that only the timing is tested.
    Measured 1 Dec 2026 (seeds 1–6): mean error −0.002, 5 / 6 inside; with the stays
    joined only by the runs (before) −0.031, 5 / 6. The chain itself at seeds 1–24:
    docs/methods/strategy.md, "Stays in pieces". With the screening queue's same-day
    arrivals in random order (the generator's fix, lean10) seeds 1–6: +0.017, 6 / 6; seeds
    1–24: +0.005 (SD 0.032 per seed; −0.013 before the fix), 23 / 24
    (docs/methods/tours.md). "No lean" is judged against the six seeds' own standard
    error (SD/√6 ≈ 0.013: a fixed 0.015 was about one standard error), with a cap of 0.03.
    """
    from capacity.coverage import WORLDS as COVERAGE_WORLDS
    from capacity.models.stays import build_stays
    from capacity.models.stays.strata import merge_split_stays, source_strata
    from capacity.question4.mobility import fit_mobility

    cfg = COVERAGE_WORLDS["online screens, street and venue search, per-day capture"]
    lo_t, hi_t = "2022-01-01", "2025-12-31"
    errors, covered = [], []
    for seed in range(1, 7):
        syn = generate(seed, scale=0.3, n_cities=6, config=cfg)
        s, out = syn.tables["sightings"], syn.tables["outreach"]
        stays = build_stays(s, 14, lo_t, hi_t)
        runs = merge_split_stays(stays, source_strata(s, 14))
        t = syn.truth["stays"]
        mine = t[(t["city"] == "Stockholm") & (t["arrive"] >= lo_t) & (t["arrive"] <= hi_t)]
        mean = float(((mine["leave"] - mine["arrive"]).dt.days + 1).mean())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mob = fit_mobility(s, stays, "Stockholm", np.full(101, mean), np.full(101, 0.6),
                               seed=seed, runs=runs, rng=np.random.default_rng(seed))  # fmt: skip
        log = out[(out["city"] == "Stockholm") & (out["date"] >= lo_t) & (out["date"] <= hi_t)]
        truth = (
            log.loc[log["channel"].isin(cfg.screening_channels), "contacts"].sum()
            / log["contacts"].sum()
        )
        lo, hi = mob.strategy.conf_int().loc["share_screening"]
        errors.append(mob.strategy.share_screening - truth)
        covered.append(lo <= truth <= hi)
    print("world 7 mix: errors", np.round(errors, 3), "covered", covered)
    se = np.std(errors, ddof=1) / np.sqrt(len(errors))
    assert abs(np.mean(errors)) < min(0.03, 2.5 * se), (errors, se)
    assert sum(covered) >= 5, covered


@pytest.mark.slow
def test_reach_per_stay_woman_and_tour_truth_recovery(tmp_path):
    covered = {k: [] for k in MEASURES}
    for kind in WORLDS:
        for seed in TRUTH_SEEDS:
            syn, ds = _world(tmp_path, kind, seed)
            *_, res = _run(ds)
            f, truth = res.summary_frame(), _truth(syn)
            for k in MEASURES:
                covered[k].append(f.loc[k, "ci_lower"] <= truth[k] <= f.loc[k, "ci_upper"])
    rates = {k: float(np.mean(v)) for k, v in covered.items()}
    print("covered, seeds", TRUTH_SEEDS, {k: f"{sum(v)}/{len(v)}" for k, v in covered.items()})
    # measured 2026-11-30 (docs/methods/tours.md, "Truth recovery"), the tour chain
    # language by language (chain_by_language): per stay 9/9, per woman 8/9, per tour
    # through the city 9/9 (6/9 with the average chain), nationally 9/9 (7/9). Fresh seeds
    # 7-9: per tour 8/9 (8/9 before), nationally 6/9 (7/9 before; seed 7 low in every
    # world). Floors at what the fresh seeds support: the 90 % on per stay and per
    # woman together, per tour 0.85 (8/9 on fresh seeds), nationally 0.65 (6/9).
    # With the truth of per woman and per tour counting only contacts inside the period
    # (coverage.chain_truth / tour_truth, 1 Dec 2026, tour10), seeds 4-6: per stay 9/9, per
    # woman 9/9, per tour 8/9, nationally 6/9 (the single-city chain's national figure leans
    # high against the in-period truth, as the national view's does; docs/methods/tours.md).
    # Fresh seeds 7-9 with the in-period truth: per tour 8/9, nationally 7/9. The calendar
    # chain for the reported tour figures moved no count on 4-6 or 7-9 (1 Dec 2026,
    # tourcal10; "The single-city answer on the calendar"), so the chain counts whole tours.
    # With the screening queue's same-day arrivals in random order (lean10; before, later
    # stays of tours went first): seeds 4-6 per tour 8/9, nationally 6/9 (lean random /
    # mixture / screening +0.018 / +0.018 / +0.019, was +0.018 / +0.027 / +0.034; seed 4
    # high in every world); fresh seeds 7-9 per tour 8/9, nationally 6/9 (seed 7 low).
    # With each city's own usable share per language (2 Dec 2026, ca8c8f3; before, every
    # city took Stockholm's): seeds 4-6 and 7-9 alike per stay, per woman, per tour and
    # nationally 9/9. Floors: the 90 % per stay, per woman and per tour; nationally
    # 0.85 (the coverage study's worlds with ads seen per day cover 55-95 %, coverage.md).
    assert np.mean(covered["reach_stay"] + covered["reach_woman"]) >= 0.9, rates
    assert rates["reach_tour"] >= 0.9 and rates["reach_tour_national"] >= 0.85, rates


def test_coordination_scenarios(mixture):
    _, _, fitted, mob, _ = mixture
    from capacity.question4.mobility import coordination_scenarios

    t = coordination_scenarios(fitted.inputs, mob, fitted.staff.outreach_fte, extra_fte=1.0)
    assert list(t.index) == [
        "today",
        "city_alone",
        "known_to_next_team",
        "shared_screening",
        "both",
    ]
    r = t["reach_tour"]
    assert r["today"] <= min(r["city_alone"], r["known_to_next_team"], r["shared_screening"])
    assert r["both"] >= max(r["known_to_next_team"], r["shared_screening"]) - 1e-9
    assert t.loc["today", "fte_equivalent"] == 0.0
    assert t.loc["city_alone", "fte_equivalent"] == pytest.approx(1.0, abs=1e-3)
    assert (t["reach_tour_ci_lower"] <= t["reach_tour"]).all()


def test_engine_tour_reach_never_falls_with_coordination_or_a_shared_function(mixture):
    """The engine's tour chain (language by language): in every draw, more of the earlier
    reached women known to the next team, or more FTE in a shared screening function, never
    lower reach per tour through the city or nationally; and tour reach is at least reach per
    stay in the city."""
    from capacity.question4.mobility import tour_measures

    _, _, fitted, mob, _ = mixture
    x, fte = fitted.inputs, np.full(len(fitted.inputs), fitted.staff.outreach_fte)
    prev = None
    for theta in (0.0, 0.3, 0.7, 1.0):
        now = tour_measures(x, mob, fte, coordination=theta)
        assert np.all(now["reach_tour"] >= now["reach_stay"] - 1e-12)
        if prev is not None:
            for k in ("reach_tour", "reach_tour_national"):
                assert np.all(now[k] >= prev[k] - 1e-9), (theta, k)
        prev = now
    prev = None
    for shared in (0.0, 0.5, 2.0):
        now = tour_measures(x, mob, fte, shared_fte=shared)
        if prev is not None:
            for k in ("reach_tour", "reach_tour_national"):
                assert np.all(now[k] >= prev[k] - 1e-9), (shared, k)
        prev = now
