"""Issue 10/14: the national view fits its cities in two processes, the same numbers as one.

``tests/conftest.py`` sets ``CAPACITY_JOBS=1`` for the suite; these tests ask for two
processes themselves (``monkeypatch.setenv``).
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pandas as pd
import pytest
from test_workers import assert_same

import capacity.national as national
from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.synth import SynthConfig, generate
from capacity.synth.write import write_folder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    """The national view of a small three-city world (one city without an outreach log),
    with ``CAPACITY_JOBS=1`` and ``=2``: the results, each run's city fits as
    :func:`capacity.national._fit_cities` returned them, and which process fitted which
    city in the run with two."""
    syn = generate(8, scale=0.05, n_cities=3, config=SynthConfig(screening_channels=("online",)))
    out = syn.tables["outreach"]
    cities = sorted(out["city"].astype(str).unique())
    syn.tables["outreach"] = out[out["city"].astype(str) != cities[-1]].reset_index(drop=True)
    folder = tmp_path_factory.mktemp("natjobs")
    write_folder(syn, folder / "ds")
    ds = load_dataset(folder / "ds")
    log = folder / "fitted.jsonl"
    fit_cities, fit_city = national._fit_cities, national._fit_city
    got: dict[str, tuple] = {}

    def where(data, params, stays, shared=None):
        with open(log, "a") as fh:  # in whichever process fits the city
            fh.write(json.dumps([params.city, os.getpid()]) + "\n")
        return fit_city(data, params, stays, shared)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(national, "_fit_city", where)
        runs = {}
        for n in ("2", "1"):
            mp.setattr(national, "_fit_cities", lambda *a, n=n: got.setdefault(n, fit_cities(*a)))
            mp.setenv("CAPACITY_JOBS", n)
            log.unlink(missing_ok=True)
            runs[n] = national.national_view(ds, Params(n_boot=10))
            if n == "2":
                placed = [json.loads(line) for line in log.read_text().splitlines()]
    p = Params()
    stays = national.build_stays(ds.sightings, p.gap_days, p.period_start, p.period_end)
    return runs, got, placed, cities, stays


def test_two_processes_give_the_same_national_view_bit_for_bit(views):
    runs, _, _, cities, _ = views
    one, two = runs["1"], runs["2"]
    assert list(one.cities.index) == cities[:-1]  # the last city has no outreach log
    pd.testing.assert_frame_equal(one.cities, two.cities, check_exact=True)
    for col in one.cities:  # every column, bit for bit (NaN included)
        a, b = one.cities[col].to_numpy(), two.cities[col].to_numpy()
        assert a.dtype == b.dtype and (a.tobytes() == b.tobytes() or a.dtype == object), col
        if a.dtype == object:
            assert list(a) == list(b), col
    assert np.array(one.national).tobytes() == np.array(two.national).tobytes()
    assert one.caveats == two.caveats
    # the city that cannot be fitted is named with its reason, as in one process
    assert [c.fields["city"] for c in two.caveats if c.key == "national.not_fitted"] == cities[-1:]


def test_the_city_fits_come_back_whole_from_the_worker(views):
    """Every field of every city's fit (FittedModels, reach draws, months) is the one
    process's after the round trip through the worker's pipe, in the order of the names."""
    _, got, _, _, _ = views
    assert [fit is None for fit, _ in got["1"]] == [False, False, True]
    assert_same(got["1"], got["2"])


def test_the_cities_are_split_between_the_processes_biggest_first(views):
    _, _, placed, cities, stays = views
    assert sorted(c for c, _ in placed) == cities  # each city fitted once
    # dealt by stays in the period (city_shares): the caller takes the biggest, the
    # worker the two others, whose stays and fixed costs together weigh more
    size = stays["city"].astype(str).value_counts()
    big, *rest = sorted(cities, key=lambda c: -int(size.get(c, 0)))
    pid = dict(placed)
    assert pid[big] == os.getpid() and {pid[c] for c in rest} == {pid[rest[0]]} != {os.getpid()}


def test_city_shares_by_hand():
    """Longest processing time first: each city, biggest first, to the least loaded."""
    cost = [5, 50, 36, 120, 30, 26]
    # 120 -> caller; 50, 36, 30 -> worker (116 < 120); 26 -> worker (142); 5 -> caller (125)
    assert national.city_shares(cost, 2) == [[0, 3], [1, 2, 4, 5]]
    assert national.city_shares(cost, 1) == [[0, 1, 2, 3, 4, 5]]
    assert national.city_shares([1.0, 1.0], 3) == [[0], [1]]  # no empty share
    assert national.city_shares([2, 2, 2, 2], 2) == [[0, 2], [1, 3]]  # ties in order
