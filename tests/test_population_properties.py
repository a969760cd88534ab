"""Invariants of the population estimators (hypothesis, fixed seed via derandomize)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capacity.exceptions import EstimationError
from capacity.models.population.design import histories
from capacity.population import capture_histories, chao, chapman, mse

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def count_tables(draw, min_count=0):
    """A capture-history table on 2-4 lists, some histories possibly absent."""
    k = draw(st.integers(2, 4))
    h = histories(k)
    counts = draw(
        st.lists(st.integers(min_count, 150), min_size=len(h), max_size=len(h)).filter(
            lambda c: sum(c) > 0
        )
    )
    names = [f"s{i}" for i in range(k)]
    frame = pd.DataFrame(h, columns=names)
    frame["count"] = counts
    present = draw(st.lists(st.booleans(), min_size=len(h), max_size=len(h)))
    keep = np.asarray(present) | (frame["count"].to_numpy() > 0)
    return frame[keep].reset_index(drop=True), names


def _fit_or_skip(frame, names, **kwargs):
    try:
        return mse(frame, names, **kwargs)
    except EstimationError:
        assume(False)


@SETTINGS
@given(count_tables(), st.sampled_from(["none", "select"]))
def test_mse_estimate_at_least_observed_and_inside_its_interval(case, interactions):
    frame, names = case
    res = _fit_or_skip(frame, names, interactions=interactions)
    n = int(frame["count"].sum())
    assert res.n_observed == n
    assert res.estimate >= n
    lo, hi = res.conf_int()
    assert n - 1e-6 <= lo <= res.profile_estimate <= hi
    assert lo <= res.estimate * (1 + 1e-9)
    assert res.estimate <= hi * (1 + 1e-9)
    frame_ = res.summary_frame()
    assert list(frame_.columns) == ["estimate", "se", "ci_lower", "ci_upper"]
    assert frame_.loc["n_unseen", "estimate"] >= 0


@SETTINGS
@given(count_tables(min_count=1), st.randoms(use_true_random=False))
def test_mse_does_not_depend_on_row_order_or_split_rows(case, rnd):
    frame, names = case
    first = mse(frame, names, interactions="select", criterion="bic")
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 2**31 - 1))
    # split one history's count over two rows: repeated histories are summed
    row = shuffled.iloc[[0]].copy()
    half = int(row["count"].iloc[0]) // 2
    shuffled.iloc[0, shuffled.columns.get_loc("count")] -= half
    row["count"] = half
    second = mse(pd.concat([shuffled, row]), names, interactions="select", criterion="bic")
    assert second.terms == first.terms
    assert np.isclose(second.estimate, first.estimate, rtol=1e-9)
    assert np.isclose(second.se, first.se, rtol=1e-7)
    assert np.allclose(second.conf_int(), first.conf_int(), rtol=1e-6)


@SETTINGS
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_chapman_rises_as_overlap_falls_and_interval_holds_it(n1, n2, data):
    m = data.draw(st.integers(0, min(n1, n2) - 1))
    more = chapman(n1, n2, m + 1)
    fewer = chapman(n1, n2, m)
    assert fewer.estimate > more.estimate
    for res in (more, fewer):
        assert res.estimate >= res.n_observed
        lo, hi = res.conf_int()
        assert res.n_observed <= lo <= res.estimate <= hi


@SETTINGS
@given(
    st.lists(st.integers(0, 300), min_size=2, max_size=8).filter(lambda f: f[1] >= 1),
    st.one_of(st.none(), st.integers(8, 20)),
)
def test_chao_rises_as_recaptures_fall_and_interval_holds_it(freq, occasions):
    assume(sum(freq) > 0)
    base = chao(freq, occasions)
    moved = list(freq)
    moved[0] += 1  # one person seen twice is now seen only once
    moved[1] -= 1
    fewer = chao(moved, occasions)
    if freq[1] >= 2 or freq[0] >= 1:
        assert fewer.estimate > base.estimate
    else:  # [0, 1, ...] -> [1, 0, ...]: both give n (no one seen once, or f1(f1-1)/2 = 0)
        assert fewer.estimate == base.estimate
    for res in (base, fewer):
        assert res.estimate >= res.n_observed
        lo, hi = res.conf_int()
        assert res.n_observed <= lo <= res.estimate <= hi


def _crosstab_histories(sightings: pd.DataFrame, sources: list[str]) -> pd.DataFrame:
    """The table as capture_histories built it with pd.crosstab (the reference)."""
    data = sightings.dropna()
    data = data[data["source"].astype(str).isin(sources)]
    wide = pd.crosstab(data["person_id"], data["source"].astype(str))
    wide = wide.reindex(columns=sources, fill_value=0).gt(0).astype(np.int64)
    table = wide.value_counts().rename("count").reset_index()
    table = table.sort_values(sources, ignore_index=True)
    table.columns.name = None
    table["count"] = table["count"].astype(np.int64)
    return table


@st.composite
def sightings_frames(draw):
    """Sightings of up to 40 persons by 2-5 sources, repeats and missing values included."""
    k = draw(st.integers(2, 5))
    names = [f"src{i}" for i in range(k)]
    n = draw(st.integers(2, 120))
    persons = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    sources = draw(st.lists(st.sampled_from([*names, None]), min_size=n, max_size=n))
    frame = pd.DataFrame({"person_id": [f"p{p}" for p in persons], "source": sources})
    assume(frame["source"].dropna().nunique() >= 2)
    if draw(st.booleans()):
        frame = frame.astype("category")
    return frame


@SETTINGS
@given(sightings_frames(), st.data())
def test_capture_histories_bit_mask_equals_crosstab(frame, data):
    present = sorted(frame["source"].dropna().astype(str).unique())
    sources = data.draw(st.permutations(present))
    sources = sources[: data.draw(st.integers(2, len(sources)))]
    assume(frame["source"].astype(str).isin(sources).any())
    got = capture_histories(frame, sources=sources)
    assert got.equals(_crosstab_histories(frame, list(sources)))
    assert got.equals(capture_histories(frame.sample(frac=1.0, random_state=0), sources=sources))


def test_capture_histories_more_than_64_sources_equals_crosstab():
    rng = np.random.default_rng(7)
    names = [f"s{i:02d}" for i in range(70)]
    frame = pd.DataFrame(
        {"person_id": rng.integers(0, 300, 3000), "source": rng.choice(names, 3000)}
    )
    assert capture_histories(frame).equals(_crosstab_histories(frame, names))
