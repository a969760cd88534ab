"""Worlds that break the estimators' assumptions (issue 9): each option does what it says,
stays consistent with its truth, and leaves the calibrated world untouched."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from test_synth import _check_consistency

from capacity.cli import main
from capacity.exceptions import ParameterError
from capacity.synth import SynthConfig, generate

BASE = SynthConfig()


def _world(seed=5, scale=0.3, n_cities=2, **options):
    return generate(
        seed, scale=scale, n_cities=n_cities, config=dataclasses.replace(BASE, **options)
    )


def _on_list(syn, source: str) -> pd.Series:
    """Per true stay: is the person on ``source`` in that city during that stay?"""
    stays = syn.truth["stays"].reset_index(names="stay")
    sight = syn.tables["sightings"]
    hits = sight[sight["source"] == source].merge(stays, on=["person_id", "city"])
    hits = hits[(hits["date"] >= hits["arrive"]) & (hits["date"] <= hits["leave"])]
    return stays["stay"].isin(hits["stay"]).rename(source)


def test_the_calibrated_world_is_no_variant_and_its_truth_has_no_variant_keys():
    assert not BASE.is_variant
    assert "ads_capture" not in BASE.to_dict()
    variant = dataclasses.replace(BASE, p_invisible_ads=0.1)
    assert variant.is_variant and variant.to_dict()["p_invisible_ads"] == 0.1


@pytest.mark.parametrize(
    "field, value",
    [("stay_distribution", "gamma"), ("ads_capture", "hourly"), ("outreach_from_ads", 0.0)],
)
def test_bad_options_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        dataclasses.replace(BASE, **{field: value})


def test_per_day_capture_grows_with_time_present():
    syn = _world(ads_capture="per_day")
    _check_consistency(syn)
    stays = syn.truth["stays"]
    inside = (stays["arrive"] >= "2021-01-01") & (stays["leave"] <= "2025-12-31")
    days = (stays["leave"] - stays["arrive"]).dt.days + 1
    on_a = _on_list(syn, "ads_a")
    advertiser = stays["person_id"].isin(
        syn.tables["sightings"].query("source == 'ads_a'")["person_id"]
    )
    short = on_a[inside & advertiser & (days <= 2)].mean()
    long = on_a[inside & advertiser & (days >= 30)].mean()
    assert long > 0.9 > 0.4 > short  # 1 − 0.88^D: ≈ 0.12–0.23 for D ≤ 2, > 0.97 for D ≥ 30
    # the calibrated world captures an ad once per stay whatever its length
    calm = _world()
    on_a = _on_list(calm, "ads_a")
    st = calm.truth["stays"]
    d = (st["leave"] - st["arrive"]).dt.days + 1
    ok = (st["arrive"] >= "2021-01-01") & (st["leave"] <= "2025-12-31")
    assert abs(on_a[ok & (d <= 2)].mean() - on_a[ok & (d >= 30)].mean()) < 0.2


def test_lognormal_stays_have_the_medians_and_say_there_is_no_hazard_ratio():
    syn = _world(stay_distribution="lognormal", scale=0.5)
    _check_consistency(syn)
    truth = syn.truth["truth"]
    assert truth["hazard_ratio_per_year"] is None
    assert truth["world_variant"]["stay_distribution"] == "lognormal"
    assert truth["median_ratio_per_year"] == pytest.approx((10 / 21) ** 0.25, rel=1e-5)
    stays = syn.truth["stays"]
    first = stays[stays["arrive"].dt.year == 2021]["stay_days"]
    assert first.median() == pytest.approx(21.0, rel=0.12)
    # heavier tail than the Weibull world's: log-scale SD near 1.2
    assert np.log(first).std() == pytest.approx(1.2, rel=0.1)
    assert truth["stays_per_year"]["2025"]["median_stay_days"] == pytest.approx(10.0)


def test_persons_invisible_to_ads_make_the_ad_lists_dependent():
    share = []
    for p in (0.0, 0.4):
        syn = _world(p_invisible_ads=p, scale=0.5)
        sight = syn.tables["sightings"]
        outreach = set(sight.loc[sight["source"] == "outreach", "person_id"])
        ads = set(sight.loc[sight["source"].isin(["ads_a", "ads_b"]), "person_id"])
        share.append(len(outreach - ads) / len(outreach))
    assert share[1] > share[0] + 0.15


def test_outreach_working_from_the_ads_contacts_advertisers_more_often():
    share = []
    for f in (1.0, 6.0):
        syn = _world(outreach_from_ads=f, scale=0.5)
        _check_consistency(syn)
        sight = syn.tables["sightings"]
        outreach = set(sight.loc[sight["source"] == "outreach", "person_id"])
        ads = set(sight.loc[sight["source"].isin(["ads_a", "ads_b"]), "person_id"])
        share.append(len(outreach & ads) / len(outreach))
    assert share[1] > share[0] + 0.05


def test_the_command_line_writes_a_variant_world_that_says_so(tmp_path, capsys):
    out = tmp_path / "w"
    code = main(
        [
            "synth", str(out), "--seed", "3", "--scale", "0.05", "--cities", "2",
            "--ads-capture", "per-day", "--p-ads-per-day", "0.2", "0.1",
            "--stays", "lognormal", "--invisible-to-ads", "0.15", "--outreach-from-ads", "3",
        ]
    )  # fmt: skip
    assert code == 0
    meta = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["generator"]["world_variant"]["ads_capture"] == "per_day"
    assert "breaks the estimators' assumptions" in meta["description"]
    truth = json.loads((out / "truth" / "truth.json").read_text(encoding="utf-8"))
    assert truth["config"]["p_ads_per_day_a"] == 0.2
    assert truth["config"]["p_invisible_ads"] == 0.15
    assert truth["cities"] == ["Stockholm", "Göteborg"]


@pytest.mark.parametrize(
    ("option", "expected"),
    [("online", ["online"]), ("online,street,venue", ["online", "street", "venue"])],
)
def test_the_command_line_writes_a_screening_world(tmp_path, option, expected):
    """``capacity synth --screening-channels``: outreach by screening or by a mixture (issue
    10), so truth-recovery runs can cover each strategy from the command line."""
    out = tmp_path / "w"
    code = main(
        ["synth", str(out), "--seed", "3", "--scale", "0.05", "--cities", "2",
         "--screening-channels", option]
    )  # fmt: skip
    assert code == 0
    truth = json.loads((out / "truth" / "truth.json").read_text(encoding="utf-8"))
    assert list(truth["config"]["screening_channels"]) == expected


def test_the_command_line_refuses_an_unknown_screening_channel(tmp_path, capsys):
    code = main(["synth", str(tmp_path / "w"), "--screening-channels", "phone"])
    assert code != 0 and not (tmp_path / "w").exists()
    assert "screening_channels names ['phone']" in capsys.readouterr().err


def test_screening_takes_same_day_arrivals_in_random_order_not_by_tour_position():
    # the stay arrays list first stays of tours before later ones; ordering same-day ties
    # by index screened the touring women's later stays first (lean10)
    from types import SimpleNamespace

    from capacity.synth.contacts import screening_contacts
    from capacity.synth.teams import Shifts

    n = 2000
    world = SimpleNamespace(
        stay_city=np.zeros(n, dtype=np.int64),
        stay_arrive=np.zeros(n, dtype=np.int64),
        stay_leave=np.full(n, 10, dtype=np.int64),
    )
    one = np.zeros(1, dtype=np.int64)
    shifts = Shifts(one, one, one, one + 1, one + 4.0, np.array([n / 2]))
    stay, shift = screening_contacts(world, shifts, np.array([0]), np.random.default_rng(1))
    assert abs(len(stay) - n / 2) < 5 * np.sqrt(n / 2)
    screened = np.zeros(n, dtype=bool)
    screened[stay] = True
    first_half, second_half = screened[: n // 2].mean(), screened[n // 2 :].mean()
    assert abs(first_half - second_half) < 0.1, (first_half, second_half)
