"""The capture diagnostic (capacity.models.capture) and capture_model "auto".

Unit tests on hand-made sightings whose answer is known by construction; the shipped
sample (an ad captured on arrival); a fit with "auto" equal to a fit with the settings it
chose; and a slow truth test on two worlds of each kind (fresh seeds, not those of the
study in docs/methods/population.md).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from capacity.config import SAMPLE_DIR, Params
from capacity.exceptions import EstimationError, ParameterError
from capacity.models.capture import (
    NATIONAL_ON_ARRIVAL_STAYS,
    SETTINGS,
    capture_caveats,
    capture_diagnostic,
    resolve_capture,
    resolved,
)

START = pd.Timestamp("2024-01-01")


def _world(capture_a: str, capture_b: str | None = None, n: int = 400, seed: int = 1):
    """Stays of 10–30 days from day 60 on; outreach sees each on one uniform day.

    An ad site captures on arrival (day 0, then weekly snapshots with chance 0.7) or per
    day present (chance 0.15 each day). Returns the sightings and, per site, the number of
    stays seen by it and by outreach and of those in which outreach came strictly first.
    """
    rng = np.random.default_rng(seed)
    rows, counts = [], {}
    sites = {"ads_a": capture_a} | ({"ads_b": capture_b} if capture_b else {})
    for i in range(n):
        arrive = int(rng.integers(60, 600))
        length = int(rng.integers(10, 31))
        days = np.arange(arrive, arrive + length)
        out = int(rng.choice(days))
        rows.append((f"p{i}", out, "outreach"))
        for site, how in sites.items():
            if how == "on_arrival":
                seen = np.r_[arrive, days[7::7][rng.random(len(days[7::7])) < 0.7]]
            else:
                seen = days[rng.random(length) < 0.15]
            rows += [(f"p{i}", int(d), site) for d in seen]
            if len(seen):
                pairs, before = counts.get(site, (0, 0))
                counts[site] = (pairs + 1, before + int(out < seen.min()))
    rows.append(("early", 0, "ads_a"))  # the data begin on day 0
    s = pd.DataFrame(rows, columns=["person_id", "day", "source"])
    s["date"] = START + pd.to_timedelta(s["day"], unit="D")
    s["city"] = "Malmö"
    return s.drop(columns="day"), counts


def test_on_arrival_and_per_day_sites_are_told_apart():
    s, counts = _world("on_arrival", "per_day")
    d = capture_diagnostic(s)
    t = d.table
    for site, (pairs, before) in counts.items():
        assert t.loc[site, "pairs"] == pairs
        assert t.loc[site, "before"] == before
        assert t.loc[site, "estimate"] == pytest.approx(before / pairs)
    assert t.loc["ads_a", "before"] == 0  # nobody is seen before her arrival
    assert t.loc["ads_b", "estimate"] > 0.15
    assert t.loc["ads_a", "verdict"] == "on_arrival"
    assert t.loc["ads_b", "verdict"] == "per_day"
    assert d.capture == "mixed" and d.settings is None
    assert d.sites("per_day") == ("ads_b",) and d.sites("on_arrival") == ("ads_a",)
    assert [c.key for c in d.caveats] == ["capture.undecided"]
    assert "mixed" in d.summary()


def test_second_check_two_sites_first_seen_on_one_day():
    both = capture_diagnostic(_world("on_arrival", "on_arrival")[0]).same_day
    assert list(both.index) == ["ads_a+ads_b"]
    assert both.loc["ads_a+ads_b", "pairs"] == 400  # every stay: both post on arrival
    assert both.loc["ads_a+ads_b", "estimate"] == 1.0
    daily = capture_diagnostic(_world("per_day", "per_day")[0]).same_day
    assert daily.loc["ads_a+ads_b", "estimate"] < 0.3
    assert daily.loc["ads_a+ads_b", "ci_lower"] <= daily.loc["ads_a+ads_b", "estimate"]
    one = capture_diagnostic(_world("per_day")[0])
    assert one.same_day.empty and "Second check" not in one.summary()


@pytest.mark.parametrize("how", ["on_arrival", "per_day"])
def test_one_kind_of_site_chooses_its_settings(how):
    d = capture_diagnostic(_world(how, how)[0])
    assert d.capture == how
    assert d.settings == SETTINGS[how]
    assert [c.key for c in d.caveats] == [f"capture.{how}"]
    lo, hi = d.table["ci_lower"], d.table["ci_upper"]
    assert ((lo <= d.table["estimate"]) & (d.table["estimate"] <= hi)).all()
    assert d.conf_int().shape == (2, 2)


def test_stays_that_may_begin_before_the_data_are_left_out_and_ties_are_not_before():
    s = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "b", "c", "c"],
            # a: outreach first, but her stay starts on the data's first day (truncated);
            # b: outreach first (counts); c: outreach on the site's first day (a tie)
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-03", "2024-03-01", "2024-03-04", "2024-04-01", "2024-04-01"]
            ),  # fmt: skip
            "city": "Malmö",
            "source": ["outreach", "ads_a", "police", "ads_a", "outreach", "ads_a"],
        }
    )
    t = capture_diagnostic(s, min_pairs=1).table
    assert (t.loc["ads_a", "pairs"], t.loc["ads_a", "before"]) == (2, 1)


def test_stays_are_split_at_gap_days_and_kept_apart_by_city():
    s = pd.DataFrame(
        {
            "person_id": ["z", "x", "x", "x", "x"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-03-01", "2024-03-01", "2024-04-15", "2024-04-20"]
            ),
            "city": ["Malmö", "Malmö", "Malmö", "Malmö", "Uppsala"],
            "source": ["ads_a", "ads_a", "police", "police", "ads_a"],
        }
    )
    # a gap of 45 days: two stays, the second seen by police only; Uppsala is another stay
    t = capture_diagnostic(s, min_pairs=1).table
    assert (t.loc["ads_a", "pairs"], t.loc["ads_a", "before"]) == (1, 0)
    t = capture_diagnostic(s, min_pairs=1, gap_days=60).table
    assert (t.loc["ads_a", "pairs"], t.loc["ads_a", "before"]) == (1, 0)
    assert capture_diagnostic(s, city="Uppsala", min_pairs=1).table.loc["ads_a", "pairs"] == 0


def test_too_few_stays_or_no_independent_source_is_unclear():
    s, _ = _world("per_day", n=10)
    d = capture_diagnostic(s)  # about 8 stays with both: fewer than min_pairs
    assert d.table.loc["ads_a", "verdict"] == "unclear" and d.capture == "unclear"
    ads_only = s[s["source"] != "outreach"]
    d = capture_diagnostic(ads_only)
    assert d.table.loc["ads_a", "pairs"] == 0 and d.capture == "unclear"
    assert d.caveats[0].key == "capture.undecided"


def test_an_interval_holding_the_threshold_is_unclear():
    s, counts = _world("per_day", n=400)
    pairs, before = counts["ads_a"]
    d = capture_diagnostic(s, threshold=before / pairs)
    assert d.table.loc["ads_a", "verdict"] == "unclear"


def test_no_ad_site_is_refused():
    s, _ = _world("per_day")
    with pytest.raises(EstimationError, match="no ad site"):
        capture_diagnostic(s[~s["source"].str.startswith("ads")])


def test_params_capture_model():
    assert Params().capture_model == "auto" and not Params().models_set
    with pytest.raises(ParameterError, match="capture_model"):
        Params(capture_model="sometimes")
    for given in ({"gap_days": 21}, {"detection_model": "stays"}, {"stay_model": "deconvolve"}):
        assert Params(**given).models_set
        assert Params(capture_model="fixed", **given).models_set


def test_resolve_capture():
    s, _ = _world("per_day", "per_day")
    p = Params(capture_model="fixed")
    assert resolve_capture(p, s) == (p, None)
    auto = Params()  # the default: auto
    q, d = resolve_capture(auto, s)
    assert d.capture == "per_day"
    assert (q.capture_model, q.detection_model, q.stay_model, q.gap_days) == (
        "fixed", "stays", "deconvolve", 14
    )  # fmt: skip
    assert [c.key for c in capture_caveats(auto, d)] == ["capture.per_day"]
    q, d = resolve_capture(auto, _world("on_arrival", "on_arrival")[0])
    assert (d.capture, q.detection_model, q.stay_model, q.gap_days) == (
        "on_arrival", "mse", "deconvolve_arrival", 28
    )  # fmt: skip
    assert capture_caveats(auto, d) == ()  # the stays' caveat names the model: no line more
    assert [c.key for c in d.caveats] == ["capture.on_arrival"]  # its own summary says it
    q, d = resolve_capture(auto, _world("on_arrival", "per_day")[0])
    assert d.capture == "mixed"
    assert (q.capture_model, q.detection_model, q.stay_model, q.gap_days) == (
        "fixed", "mse", "margins", 28
    )  # fmt: skip
    base = Params(capture_model="fixed", detection_model="stays")  # as fit_models leaves it
    fake = dataclasses.make_dataclass("F", ["base_params"])(base)
    r = resolved(Params(capture_model="auto", extra_fte=3.0), fake)
    assert (r.capture_model, r.detection_model, r.extra_fte) == ("fixed", "stays", 3.0)
    assert resolved(Params(capture_model="fixed", extra_fte=3.0), fake).detection_model == "mse"


def test_the_national_view_asks_auto_for_the_margins_on_arrival():
    """``on_arrival_stays`` (what the national view passes) replaces the arrival model on
    arrival only: per-day data keep their deconvolution, mixed data their defaults, and a
    stay model the user set is kept."""
    auto = Params()
    arrival, _ = _world("on_arrival", "on_arrival")
    q, d = resolve_capture(auto, arrival, on_arrival_stays=NATIONAL_ON_ARRIVAL_STAYS)
    assert NATIONAL_ON_ARRIVAL_STAYS == "margins"
    assert (d.capture, q.capture_model, q.detection_model, q.stay_model, q.gap_days) == (
        "on_arrival", "fixed", "mse", "margins", 28
    )  # fmt: skip
    assert SETTINGS["on_arrival"]["stay_model"] == "deconvolve_arrival"  # not changed by it
    q, d = resolve_capture(auto, _world("per_day", "per_day")[0], on_arrival_stays="margins")
    assert (d.capture, q.stay_model, q.gap_days) == ("per_day", "deconvolve", 14)
    mine = Params(stay_model="deconvolve_arrival")  # the user's own choice under auto
    q, d = resolve_capture(mine, arrival, on_arrival_stays="margins")
    assert d is None and q.stay_model == "deconvolve_arrival"


def test_settings_the_user_set_are_kept_and_said():
    """ "auto" never overrides a setting the user made: her models are used, with a caveat."""
    s, _ = _world("per_day", "per_day")  # the data would choose the per-day settings
    mine = Params(gap_days=21)  # capture_model "auto" (the default), one model setting set
    q, d = resolve_capture(mine, s)
    assert d is None
    assert (q.capture_model, q.detection_model, q.stay_model, q.gap_days) == (
        "fixed", "mse", "margins", 21
    )  # fmt: skip
    (c,) = capture_caveats(mine, d)
    assert c.key == "capture.set" and "gap_days 21" in str(c)
    assert capture_caveats(Params(capture_model="fixed", gap_days=21), None) == ()


def test_refits_of_auto_take_the_settings_they_are_given():
    """The tornado's refits are fixed: "auto" would undo their gap_days or model."""
    from capacity.question4.sensitivity import refit_params

    for p in refit_params(Params()):
        assert p.capture_model == "fixed" and p.n_boot == 0
    gaps = sorted(p.gap_days for p in refit_params(Params()))
    assert gaps == [14, 28, 28, 42]  # gap_days 14 and 42; the other model and criterion at 28


def test_shipped_sample_is_an_ad_captured_on_arrival():
    """The sample's generator captures an ad once per stay, on arrival."""
    s = pd.read_csv(SAMPLE_DIR / "sightings.csv")
    d = capture_diagnostic(s)
    assert d.capture == "on_arrival"
    assert (d.table["ci_upper"] < 0.05).all()
    assert d.table["pairs"].min() > 1000


def _synthetic(world: int, seed: int, scale: float, tmp_path, n_cities: int = 6):
    from capacity.coverage import WORLDS
    from capacity.dataset import load_dataset
    from capacity.synth import generate
    from capacity.synth.write import write_folder

    cfg = list(WORLDS.values())[world - 1]
    syn = generate(seed, scale=scale, n_cities=n_cities, config=cfg)
    folder = tmp_path / f"w{world}s{seed}"
    write_folder(syn, folder)
    return syn, load_dataset(folder), folder


def test_fit_with_auto_is_the_fit_with_the_chosen_settings(tmp_path):
    from capacity.question4 import fit_models

    _, data, folder = _synthetic(1, 5, 0.1, tmp_path)  # per-day capture
    base = Params(data_dir=str(folder), n_boot=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = fit_models(data, base.replace(capture_model="auto"))
        fixed = fit_models(data, base.replace(**SETTINGS["per_day"]))
    assert auto.capture.capture == "per_day"
    assert auto.base_params == fixed.base_params
    assert "capture.per_day" in [c.key for c in auto.caveats]
    np.testing.assert_array_equal(auto.inputs.detection, fixed.inputs.detection)
    np.testing.assert_array_equal(auto.inputs.pi, fixed.inputs.pi)
    assert fixed.capture is None


@pytest.mark.slow
@pytest.mark.parametrize("world", [1, 2, 5, 6])
def test_truth_the_data_choose_the_generators_capture(world, tmp_path):
    """Two per-day worlds and two that capture on arrival, seeds 21–23 (not the study's)."""
    from capacity.coverage import WORLDS

    cfg = list(WORLDS.values())[world - 1]
    want = {"per_day": "per_day", "per_stay": "on_arrival"}[cfg.ads_capture]
    for seed in (21, 22, 23):
        syn, _, _ = _synthetic(world, seed, 0.3, tmp_path)
        d = capture_diagnostic(syn.tables["sightings"])
        assert d.capture == want, d.summary()
        # and in the one city the report is about
        assert capture_diagnostic(syn.tables["sightings"], city="Stockholm").capture == want


@pytest.mark.slow
def test_tornado_of_auto_is_the_tornado_of_the_chosen_settings(tmp_path):
    """The report's refits start from the chosen settings, not from the fields as set."""
    from capacity.question4 import fit_models
    from capacity.question4.sensitivity import sensitivity

    # per-day capture; two small cities: the subject is which settings, not their accuracy
    _, data, folder = _synthetic(1, 5, 0.05, tmp_path, n_cities=2)
    base = Params(data_dir=str(folder), n_boot=0)
    chosen = base.replace(**SETTINGS["per_day"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = base.replace(capture_model="auto")
        a = sensitivity(fit_models(data, auto), auto, data)
        b = sensitivity(fit_models(data, chosen), chosen, data)
    pd.testing.assert_frame_equal(a, b)
    gap = a[a["setting"] == "gap_days"]["value"].tolist()
    assert gap == ["7", "21"]  # around the chosen 14, not the field's 28
    model = a[a["setting"] == "population_model"]["value"].tolist()
    assert model == ["quarterly"]  # the other capture model's settings
    # per-day deconvolved stays: the prior of the sets no ad site sees is a bar (shrink9)
    assert a[a["setting"] == "shrink_days"]["value"].tolist() == ["5", "500"]


def test_capture_study_table():
    from capacity.coverage import WORLDS, Plan, capture_markdown, capture_study

    name = "calibrated world (ad captured once per stay)"
    study = capture_study({name: WORLDS[name]}, [1], Plan(scale=0.1))
    assert set(study["site"]) == {"ads_a", "ads_b", "ads_a+ads_b (same first day)"}
    assert (study["truth"] == "per_stay").all() and (study["chosen"] == "on_arrival").all()
    text = capture_markdown(study)
    assert text.count("| 1 / 0 / 0 |") == 3
    assert text.count("upper ≤") == 2 and text.count("lower ≥") == 1  # the share high here
    wrong = capture_markdown(study.assign(chosen="per_day"))
    assert wrong.count("| 0 / 0 / 1 |") == 3
    undecided = capture_markdown(study.assign(chosen="mixed"))
    assert undecided.count("| 0 / 1 / 0 |") == 3


def test_command_line_prints_the_diagnostic(capsys):
    from capacity.models.capture import main

    assert main([str(SAMPLE_DIR), "--city", "Stockholm"]) == 0
    out = capsys.readouterr().out
    assert "Capture model: on_arrival" in out and "ads_b" in out and "Stockholm" in out


def test_compare_markdown_is_like_for_like():
    from capacity.coverage import WORLDS, compare_markdown

    w1, w5 = list(WORLDS)[0], list(WORLDS)[4]
    row = {"window": "x", "truth": 1.0, "lower": 0.9}

    def cases(values):
        return pd.DataFrame(
            [{**row, "world": w, "seed": s, "quantity": q, "estimate": e, "upper": u,
              "covered": u >= 1.0} for w, s, q, e, u in values]
        )  # fmt: skip

    a = cases([(w1, 1, "chain: reach per stay", 1.2, 1.3), (w1, 2, "chain: reach per stay", 1.0, 0.95),
               (w5, 1, "chain: reach per stay", 1.0, 1.1), (w1, 1, "chain: only here", 1.0, 1.1)])  # fmt: skip
    b = cases(
        [(w1, 1, "chain: reach per stay", 0.9, 1.1), (w5, 1, "chain: reach per stay", 1.1, 0.95)]
    )
    text = compare_markdown({"a": a, "b": b})
    assert "| reach per stay | 1 | 100% +20.0% | 100% -10.0% |" in text  # seed 2 only in a
    assert "| reach per stay | 5 | 100% +0.0% | 0% +10.0% |" in text
    assert "only here" not in text and "seeds per world: 1" in text


@pytest.mark.slow
def test_national_view_with_auto_is_the_view_with_the_chosen_settings(tmp_path):
    from capacity.national import national_view

    # per-day capture; two small cities (a quarter of the CPU of six at scale 0.1): the
    # subject is that auto gives the view of the settings it chose, not their accuracy
    _, data, folder = _synthetic(1, 5, 0.05, tmp_path, n_cities=2)
    base = Params(data_dir=str(folder), n_boot=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = national_view(data, base.replace(capture_model="auto"))
        fixed = national_view(data, base.replace(**SETTINGS["per_day"]))
    pd.testing.assert_frame_equal(auto.cities, fixed.cities)
    assert auto.national == fixed.national
    keys = [c.key for c in auto.caveats]
    assert keys[0] == "capture.per_day" and "capture.per_day" not in [c.key for c in fixed.caveats]
    assert "national.stays_margins" not in keys  # per day: the stays of a city's own report


def test_second_check_decides_only_when_the_lead_share_cannot():
    s, counts = _world("per_day", "per_day")
    pairs, before = counts["ads_a"]
    d = capture_diagnostic(s, threshold=before / pairs)  # ads_a's interval holds it
    assert d.table.loc["ads_a", "verdict"] == "unclear"
    assert (d.capture, d.decided_by) == ("per_day", "same first day")
    # on arrival nobody comes first, so no interval lies above a threshold of 0
    d = capture_diagnostic(_world("on_arrival", "on_arrival")[0], threshold=0.0)
    assert set(d.table["verdict"]) == {"unclear"}
    assert (d.capture, d.decided_by) == ("on_arrival", "same first day")
    assert "(by the same first day)" in d.summary()
    # too few stays seen by both sites: no decision
    d = capture_diagnostic(_world("on_arrival", "on_arrival", n=20)[0])
    assert (d.capture, d.decided_by) == ("unclear", "")
    # sites that clearly disagree stay "mixed"
    assert capture_diagnostic(_world("on_arrival", "per_day")[0]).capture == "mixed"
    assert capture_diagnostic(_world("per_day", "per_day")[0]).decided_by == "lead share"
