"""Outreach strategy per channel (capacity.models.channels) against synthetic worlds."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from capacity.models.channels import channel_strategy, split_by_channel
from capacity.models.stays import build_stays, fit_stays
from capacity.models.strategy import first_contact_times, fit_strategy
from capacity.synth import SynthConfig, generate

WORLDS = {"random": (), "mixture": ("online",), "screening": ("online", "street", "venue")}


def test_split_by_channel_by_hand():
    ch = ["online", "operation", "street", "venue"]
    k = np.array([0.4, 0.2, 0.3, 0.1])
    w, left = split_by_channel([0.2, 0.45, 0.9], k, ch)
    # 0.2: half of online; 0.45: online and half of venue; 0.9: online, venue, all street
    # and 0.1 left over (operations never screen)
    np.testing.assert_allclose(w[0], [0.5, 0, 0, 0])
    np.testing.assert_allclose(w[1], [1, 0, 0, 0.5])
    np.testing.assert_allclose(w[2], [1, 0, 1, 1])
    np.testing.assert_allclose(left, [0, 0, 0.1], atol=1e-12)
    # the split keeps the city's share: Σ k_k w_k + left = w
    np.testing.assert_allclose((w * k).sum(axis=1) + left, [0.2, 0.45, 0.9])


def test_labels_and_consistent_assignments():
    ch = ["online", "operation", "street", "venue"]
    contacts = np.tile([50.0, 10.0, 30.0, 10.0], (201, 1))
    rng = np.random.default_rng(0)
    share = np.r_[0.5, np.clip(rng.normal(0.5, 0.03, 200), 0, 1)]
    res = channel_strategy(share, contacts, ch)
    f = res.frame
    assert f.loc["operation", "label"] == "search" and f.loc["street", "label"] == "search"
    assert f.loc["online", "ci_upper"] == 1.0
    assert res.consistent[0] == ("online",)
    assert "online" in res.line() and "consistent with online screening" in res.line()
    # a share no whole-channel split matches: online mixes
    mid = np.r_[0.25, np.clip(rng.normal(0.25, 0.01, 200), 0, 1)]
    odd = channel_strategy(mid, contacts, ch)
    assert odd.frame.loc["online", "label"] == "mixture" and odd.consistent == ()
    assert "a channel mixes" in odd.line()


def _recover(kind: str, seed: int, city: str = "Stockholm"):
    cfg = SynthConfig(screening_channels=WORLDS[kind])
    syn = generate(seed, scale=0.1, n_cities=3, config=cfg)
    s, o = syn.tables["sightings"], syn.tables["outreach"]
    stays = build_stays(s, 28, "2022-01-01", "2025-12-31")
    times = first_contact_times(s, stays, city)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = fit_stays(stays, city=city).distribution.mean()
    res = fit_strategy(times, mean, n_draws=200, rng=np.random.default_rng(seed))
    rows = o[(o["city"] == city) & (o["date"] >= "2022-01-01")]
    by = rows.groupby("channel", observed=True)["contacts"].sum()
    channels = [str(c) for c in by.index]
    per = channel_strategy(res.share_draws, np.tile(by.to_numpy(float), (201, 1)), channels)
    truth = {ch: float(ch in cfg.screening_channels) for ch in channels}
    return per, truth


@pytest.mark.parametrize("kind", list(WORLDS))
def test_channel_strategy_recovered_in_each_world(kind):
    per, truth = _recover(kind, 3)
    f = per.frame
    for ch, t in truth.items():
        assert f.loc[ch, "ci_lower"] - 0.1 <= t <= f.loc[ch, "ci_upper"] + 0.1, (ch, f)
    assert f.loc["operation", "label"] == "search"
    if kind == "mixture":
        assert ("online",) in per.consistent


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(WORLDS))
def test_channel_strategy_truth_recovery_over_seeds(kind):
    """Each channel's true screening share (1 for the world's screening channels, else 0)
    within its interval ± 0.05 in at least 90 % of seed × channel cases."""
    covered = []
    for seed in range(10, 16):
        per, truth = _recover(kind, seed)
        f = per.frame
        covered += [
            f.loc[ch, "ci_lower"] - 0.05 <= t <= f.loc[ch, "ci_upper"] + 0.05
            for ch, t in truth.items()
        ]
    assert np.mean(covered) >= 0.9, covered
