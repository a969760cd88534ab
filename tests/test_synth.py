"""The synthetic generator: deterministic, consistent with its truth, within the contract,
calibrated as documented, and the shipped sample cannot drift from it."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacity.cli import main
from capacity.config import SAMPLE_DIR
from capacity.exceptions import CapacityError, ParameterError
from capacity.synth import SynthConfig, generate, national, write_synthetic

SAMPLE_SEED = 20261128
ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@pytest.fixture(scope="module")
def small():
    return generate(7, scale=0.1, n_cities=3)


@pytest.fixture(scope="module")
def sample():
    return generate(SAMPLE_SEED, sample=True)


# --- determinism --------------------------------------------------------------------------
def test_same_seed_gives_identical_tables_and_truth(small):
    again = generate(7, scale=0.1, n_cities=3)
    for name, frame in small.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    pd.testing.assert_frame_equal(small.truth["stays"], again.truth["stays"])
    pd.testing.assert_frame_equal(small.truth["population"], again.truth["population"])
    assert small.truth["truth"] == again.truth["truth"]


def test_other_seed_gives_other_data(small):
    other = generate(8, scale=0.1, n_cities=3)
    assert not small.tables["sightings"].equals(other.tables["sightings"])
    assert not set(small.tables["sightings"]["person_id"]) & set(
        other.tables["sightings"]["person_id"]
    )


# --- the truth matches the data ---------------------------------------------------------------
def _check_consistency(syn) -> None:
    sight, stays = syn.tables["sightings"], syn.truth["stays"]
    joined = sight.reset_index().merge(stays, on=["person_id", "city"], how="left")
    inside = (joined["date"] >= joined["arrive"]) & (joined["date"] <= joined["leave"])
    per_sighting = inside.groupby(joined["index"]).any()
    assert len(per_sighting) == len(sight) and per_sighting.all()
    seen = set(stays.loc[stays["seen_by_any_source"], "person_id"])
    assert set(sight["person_id"]) == seen
    assert not sight.duplicated(["person_id", "date", "city", "source"]).any()
    out = syn.tables["outreach"]
    assert (out["new_persons"] <= out["contacts"]).all()
    assert (out["contacts_own_language"] + out["interpreter_used"] <= out["contacts"]).all()
    assert (out["support_accepted"] <= out["support_offered"]).all()
    for col in ("support_offered", "trafficking_indicators", "referrals"):
        assert (out[col] <= out["contacts"]).all(), col
    ops = syn.tables["operations"]
    assert (ops["sellers_contacted"] <= ops["sellers_encountered"]).all()
    for col in ("sellers_informed_of_rights", "support_accepted", "referrals_trafficking"):
        assert (ops[col] <= ops["sellers_contacted"]).all(), col
    assert (ops["reflection_period_offered"] <= ops["sellers_informed_of_rights"]).all()
    assert (ops["end_date"] >= ops["start_date"]).all()
    assert ops["days_to_support"].isna().eq(ops["support_accepted"] == 0).all()
    # persons first met in the period cannot outnumber the persons outreach saw there
    met = sight[sight["source"] == "outreach"].groupby("city")["person_id"].nunique()
    new = out.groupby("city")["new_persons"].sum()
    assert (new.reindex(met.index, fill_value=0) <= met).all()
    contacts = out.groupby("city")["contacts"].sum()
    seen_out = sight[sight["source"] == "outreach"].groupby("city").size()
    assert (seen_out <= contacts.reindex(seen_out.index)).all()


def test_truth_matches_the_data(small):
    _check_consistency(small)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), scale=st.floats(0.02, 0.15), n_cities=st.integers(1, 4))
def test_truth_matches_the_data_for_any_seed(seed, scale, n_cities):
    _check_consistency(generate(seed, scale=scale, n_cities=n_cities))


def test_population_counts_agree_with_the_stays(small):
    pop, stays = small.truth["population"], small.truth["stays"]
    assert (pop["persons_seen_any_source"] <= pop["persons_present"]).all()
    assert pop[["share_contacted", "share_contacted_understood"]].stack().between(0, 1).all()
    assert (pop["share_contacted_understood"] <= pop["share_contacted"] + 1e-12).all()
    start = pd.Timestamp("2021-01-01")
    arriving = stays[stays["arrive"] >= start].groupby("city").size()
    assert pop.groupby("city")["stays_arriving"].sum().reindex(arriving.index).eq(arriving).all()
    q1 = stays[(stays["arrive"] <= "2021-03-31") & (stays["leave"] >= start)]
    expected = q1.groupby("city")["person_id"].nunique()
    got = pop[pop["quarter"] == "2021Q1"].set_index("city")["persons_present"]
    assert got.reindex(expected.index).eq(expected).all()


# --- contract and files --------------------------------------------------------------------------
def test_written_folder_meets_the_data_contract(tmp_path):
    from capacity.dataset import load_dataset

    written = write_synthetic(tmp_path / "syn", 11, scale=0.1, n_cities=3)
    names = {p.relative_to(tmp_path / "syn").as_posix() for p in written}
    assert {"sightings.csv", "datapackage.json", "README.md", "truth/truth.json"} <= names
    ds = load_dataset(tmp_path / "syn")
    assert ds.meta["synthetic"] is True
    assert (tmp_path / "syn" / "README.md").read_text(encoding="utf-8").startswith("# SYNTHETIC")
    syn = generate(11, scale=0.1, n_cities=3)
    for name in ("sightings", "outreach", "staff", "operations"):
        loaded, made = getattr(ds, name), syn.tables[name]
        assert list(loaded.columns) == list(made.columns)
        pd.testing.assert_frame_equal(loaded, made, check_dtype=False)
    assert ds.sightings["person_id"].str.match(ID).all()
    assert ds.staff["staff_id"].str.match(ID).all()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temp folder left"


def test_write_refuses_a_folder_with_foreign_files(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(CapacityError, match="mine.txt"):
        write_synthetic(tmp_path, 1, scale=0.05, n_cities=1)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_cli_writes_a_dataset(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "cli"), "--seed", "3", "--scale", "0.03"]) == 0
    assert "wrote" in capsys.readouterr().out
    meta = json.loads((tmp_path / "cli" / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["generator"]["n_cities"] == 20 and meta["synthetic"] is True


def test_bad_arguments_are_refused():
    with pytest.raises(ParameterError, match="scale"):
        generate(1, scale=0)
    with pytest.raises(ParameterError, match="seed"):
        generate(-1)
    with pytest.raises(ParameterError, match="n_cities"):
        generate(1, n_cities=21)
    with pytest.raises(ParameterError, match="p_capture_ads"):
        SynthConfig(p_capture_ads=1.5)


def test_shipped_sample_equals_the_generator(tmp_path):
    # data/sample is committed: a missing sample is a failure, not a reason to skip
    assert (SAMPLE_DIR / "datapackage.json").exists(), "data/sample is missing; run `make sample`"
    written = write_synthetic(tmp_path / "s", SAMPLE_SEED, sample=True)
    for path in written:
        rel = path.relative_to(tmp_path / "s")
        shipped = SAMPLE_DIR / rel
        assert shipped.exists(), f"data/sample lacks {rel}; run `make sample`"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == digest, (
            f"data/sample/{rel} differs from the generator; run `make sample` and commit"
        )


def test_sample_size_is_small_enough(sample):
    assert 30_000 <= len(sample.tables["sightings"]) <= 150_000
    assert list(sample.truth["truth"]["cities"])[:2] == ["Stockholm", "Göteborg"]


# --- calibration and known truth --------------------------------------------------------------------
def test_stockholm_size_and_reach_match_the_public_figures(sample):
    pop = sample.truth["population"]
    sthlm = pop[(pop["city"] == "Stockholm") & pop["quarter"].str.startswith("2021")]
    # a third of ≈1,000 persons a week (DN 2018) → about 280 present on a day
    assert 200 <= sthlm["mean_present_per_day"].mean() <= 420
    sight = sample.tables["sightings"]
    reached = sight[
        (sight["source"] == "outreach")
        & (sight["city"] == "Stockholm")
        & (sight["date"].dt.year == 2021)
    ]["person_id"].nunique()
    assert 150 <= reached <= 400  # 255 persons reached in 2021 (DN, Feb 2022)


def test_median_stay_falls_as_configured(sample):
    stays, truth = sample.truth["stays"], sample.truth["truth"]
    arrived = stays[stays["arrive"] >= "2021-01-01"]
    medians = arrived.groupby(arrived["arrive"].dt.year)["stay_days"].median()
    expected = pd.Series(
        {int(y): v["median_stay_days"] for y, v in truth["stays_per_year"].items()}
    )
    assert np.allclose(medians.reindex(expected.index), expected, rtol=0.12)
    assert medians.is_monotonic_decreasing
    assert expected.iloc[0] == pytest.approx(21.0) and expected.iloc[-1] == pytest.approx(10.0)


def test_cox_recovers_the_true_hazard_ratio(sample):
    stays = sample.truth["stays"]
    arrived = stays[stays["arrive"] >= "2021-01-01"].sample(8000, random_state=0)
    year = (arrived["arrive"].dt.year - 2021).to_numpy(dtype=float)
    fit = sm.PHReg(arrived["stay_days"].to_numpy() + 1e-3, year[:, None], ties="breslow").fit()
    true = sample.truth["truth"]["log_hazard_ratio_per_year"]
    lo, hi = fit.conf_int()[0]
    assert lo - 0.01 <= true <= hi + 0.01


def test_poisson_glm_recovers_eta(sample):
    out = sample.tables["outreach"]
    regular = out[out["channel"] != "operation"]
    x = pd.get_dummies(regular["channel"], dtype=float)
    fit = sm.GLM(
        regular["contacts"], x, family=sm.families.Poisson(), offset=np.log(regular["staff_hours"])
    ).fit()
    eta = sample.truth["truth"]["eta_contacts_per_staff_hour"]
    for channel, coef in fit.params.items():
        assert np.exp(coef) == pytest.approx(eta[channel], rel=0.12), channel


def test_languages_as_documented(sample):
    stays = sample.truth["stays"]
    share = pd.crosstab(stays["arrive"].dt.year, stays["language"], normalize="index")
    assert set(share.loc[2021].nlargest(2).index) == {"ro", "en"}
    assert share.loc[2025, "es"] > 2 * share.loc[2021, "es"]
    staff = sample.tables["staff"]["languages"].str.split(";").explode()
    assert not set(staff) & {"bg", "hu", "th", "zh"}


def test_letter_operation_is_present(sample):
    ops = sample.tables["operations"]
    letter = ops[(ops["buyers_suspected"] == 132) & (ops["social_workers"] == 6)]
    assert len(letter) == 1
    row = letter.iloc[0]
    assert row["city"] == "Stockholm" and row["mandate"] == "buyers"
    both = ops[ops["mandate"] != "buyers"]
    assert row["sellers_contacted"] / max(row["sellers_encountered"], 1) < (
        both["sellers_contacted"].sum() / both["sellers_encountered"].sum()
    )


def test_national_hits_the_target_size():
    syn = national(5, 60_000, n_cities=4)
    assert len(syn.tables["sightings"]) == pytest.approx(60_000, rel=0.1)


def test_two_ad_lists_give_an_unbiased_chapman_estimate(sample):
    """The ad lists are built independent and homogeneous in stay length (see the docs)."""
    sight, stays = sample.tables["sightings"], sample.truth["stays"]
    for city in ("Stockholm", "Göteborg"):
        sub = sight[(sight["city"] == city) & (sight["date"].dt.year == 2022)]
        a = set(sub.loc[sub["source"] == "ads_a", "person_id"])
        b = set(sub.loc[sub["source"] == "ads_b", "person_id"])
        m = len(a & b)
        chapman = (len(a) + 1) * (len(b) + 1) / (m + 1) - 1
        true = stays[
            (stays["city"] == city)
            & (stays["arrive"] <= "2022-12-31")
            & (stays["leave"] >= "2022-01-01")
        ]["person_id"].nunique()
        assert chapman == pytest.approx(true, rel=0.08), city


def test_custom_period_without_operations():
    import dataclasses
    import datetime as dt

    cfg = dataclasses.replace(
        SynthConfig(),
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 3, 31),
        operations_per_year_stockholm=0.0,
    )
    syn = generate(3, scale=0.2, n_cities=2, config=cfg)
    assert syn.tables["operations"].empty
    assert syn.tables["sightings"]["date"].between("2024-01-01", "2024-03-31").all()
    assert syn.meta["period"] == {"start": "2024-01-01", "end": "2024-03-31"}
    _check_consistency(syn)


def test_every_parameter_is_documented():
    import dataclasses

    from capacity.config import ROOT

    doc = (ROOT / "docs" / "synthetic-data.md").read_text(encoding="utf-8")
    missing = [f.name for f in dataclasses.fields(SynthConfig) if f"`{f.name}`" not in doc]
    assert not missing, f"docs/synthetic-data.md lacks {missing}"


def test_levels_of_reach_in_the_truth():
    """truth/stays.csv says who was reached at level a (information in a language she
    understands) and level b (a conversation in one), as the outreach simulation made them."""
    base = generate(5, scale=0.1, n_cities=2)
    st = base.truth["stays"]
    # no written languages: level a is a contact understood (spoken or interpreted)
    assert (st["reached_information"] == st["contacted_understood"]).all()
    # online contacts are written by default: level b is face-to-face contacts only
    assert (st["reached_conversation"] <= st["reached_information"]).all()
    assert st["reached_conversation"].sum() < 0.9 * st["reached_information"].sum()
    talk = generate(5, scale=0.1, n_cities=2, config=SynthConfig(online_conversation_share=1.0))
    t = talk.truth["stays"]
    assert (t["reached_conversation"] == t["contacted_understood"]).all()
    # only the truth knows which online contacts were conversations: the data do not change
    for name in ("outreach", "sightings"):
        pd.testing.assert_frame_equal(talk.tables[name], base.tables[name])
    half = generate(5, scale=0.1, n_cities=2, config=SynthConfig(online_conversation_share=0.5))
    h = half.truth["stays"]["reached_conversation"].mean()
    assert st["reached_conversation"].mean() < h < t["reached_conversation"].mean()
    # written information in languages no staff speaks reaches at level a only
    codes = ("bg", "hu", "th", "zh")
    written = generate(5, scale=0.1, n_cities=2, config=SynthConfig(written_languages=codes))
    w = written.truth["stays"]
    gain = w["reached_information"] & ~w["contacted_understood"]
    assert gain.sum() > 20 and w.loc[gain, "language"].isin(codes).all()
    assert (w["reached_conversation"] == st["reached_conversation"]).all()
    pop = written.truth["population"]
    cols = ["share_reached_conversation", "share_reached_information"]
    assert (pop[cols[0]] <= pop[cols[1]] + 1e-12).all()
    with pytest.raises(ParameterError, match="online_conversation_share"):
        SynthConfig(online_conversation_share=1.5)
    with pytest.raises(ParameterError, match="written_languages"):
        SynthConfig(written_languages=("xx",))


def test_cli_writes_the_levels_of_reach(tmp_path):
    out = tmp_path / "lv"
    args = ["synth", str(out), "--seed", "3", "--scale", "0.03", "--cities", "2",
            "--online-conversation-share", "0.4", "--written-languages", "ro,bg"]  # fmt: skip
    assert main(args) == 0
    config = json.loads((out / "truth" / "truth.json").read_text(encoding="utf-8"))["config"]
    assert config["online_conversation_share"] == 0.4
    assert config["written_languages"] == ["ro", "bg"]
    stays = pd.read_csv(out / "truth" / "stays.csv")
    assert {"reached_information", "reached_conversation"} <= set(stays.columns)
