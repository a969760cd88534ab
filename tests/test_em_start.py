"""Issue 9 item 4 (cal22): the EM's start, a setting the data cannot decide.

Where the sources see a present woman day by day, the shortest stays are rarely seen, the
data leave their share open, and the deconvolution's 100 EM steps keep much of the start's
(docs/methods/stays.md, "The EM's start as a bar"). ``Params.em_start`` chooses the start
(uniform on the grid, the default, or log-uniform), and the tornado shows the other one
where it matters: the per-day deconvolved stay models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_stays_deconvolve import per_day_stays, point_fit

from capacity.config import Params
from capacity.exceptions import EstimationError, ParameterError
from capacity.models.stays.deconvolve import (
    EM_START,
    em_start,
    grouped_strata,
    make_deconvolver,
    merge_stays,
)
from capacity.question4.sensitivity import SETTINGS, refit_params


@pytest.fixture(scope="module")
def world():
    return per_day_stays(seed=11, n=3000)


def _fit(world, start):
    return point_fit(*world, em_start=start)


def test_the_default_is_uniform_and_other_starts_are_refused(world):
    assert Params().em_start == EM_START == "uniform"
    assert Params(em_start="log_uniform").em_start == "log_uniform"
    with pytest.raises(ParameterError, match="em_start"):
        Params(em_start="spans")
    stays, strata = world
    merged = merge_stays(stays, strata, "Stockholm")
    with pytest.raises(EstimationError, match="start 'spans'"):
        make_deconvolver(merged, grouped_strata(strata), start="spans")


def test_the_starts_are_distributions_with_the_mass_where_they_say():
    grid = np.arange(1, 401)
    uni, log = em_start(grid, "uniform", 3), em_start(grid, "log_uniform", 3)
    assert uni.shape == log.shape == (3, 400)
    assert np.allclose(uni.sum(1), 1) and np.allclose(log.sum(1), 1)
    assert np.allclose(uni, 1 / 400)
    # log-uniform: each doubling of the length holds about the same mass
    doublings = [log[0, (grid >= 2**k) & (grid < 2 ** (k + 1))].sum() for k in range(1, 8)]
    assert max(doublings) / min(doublings) < 1.2
    assert log[0, :7].sum() > 0.35 > 7 / 400  # a week's stays: 39 % against 2 %


def test_the_default_start_is_the_fit_as_it_was(world):
    """``start`` unset is the uniform start the EM always had: the same numbers, bit for bit."""
    stays, strata = world
    merged = merge_stays(stays, strata, "Stockholm")
    a, _ = make_deconvolver(merged, grouped_strata(strata))
    b, _ = make_deconvolver(merged, grouped_strata(strata), start="uniform")
    w = np.random.default_rng(0).poisson(1.0, (len(a.person_stratum), 3)).astype(float)
    uniform = em_start(a.grid, "uniform", len(a.years))
    assert a.fit(w).f.tobytes() == b.fit(w).f.tobytes()
    assert np.allclose(a.fit(w).f, a.fit(w, start=uniform).f, atol=1e-6)


def test_a_start_with_more_short_stays_gives_shorter_stays_where_few_are_seen(world):
    """Per-day capture: the log-uniform start keeps more short stays after 100 steps, in the
    point fit and in every replicate (the deconvolver carries its start)."""
    uni, log = _fit(world, "uniform"), _fit(world, "log_uniform")
    assert log.median_days < uni.median_days
    assert log.mean_days < uni.mean_days
    dec = log._rows["expander"]
    assert dec.start == "log_uniform"
    w = np.random.default_rng(1).poisson(1.0, (len(dec.person_stratum), 2)).astype(float)
    m_log = dec.replicates(w).median
    m_uni = uni._rows["expander"].replicates(w).median
    assert np.all(m_log < m_uni)


@pytest.mark.parametrize("model", ["deconvolve", "deconvolve_sites"])
def test_the_tornado_refits_with_the_other_start_where_the_per_day_em_runs(model):
    params = Params(detection_model="stays", stay_model=model, gap_days=14)
    got = [p for p in refit_params(params) if p.em_start != params.em_start]
    assert [p.em_start for p in got] == ["log_uniform"]
    assert got[0].replace(em_start="uniform") == params.replace(capture_model="fixed", n_boot=0)
    (setting,) = [s for s in SETTINGS if s.name == "em_start"]
    assert setting.values(None, params) == (
        None,
        {"em_start": "log_uniform", "label": "log_uniform"},
    )
    # a user who chose the log-uniform start sees the uniform one on the other side
    mine = params.replace(em_start="log_uniform")
    assert [p.em_start for p in refit_params(mine) if p.em_start != "log_uniform"] == ["uniform"]


@pytest.mark.parametrize("model", ["margins", "deconvolve_arrival"])
def test_no_refit_where_the_start_has_no_say(model):
    """The margins have no EM; with capture on arrival a short stay is seen on its first
    day and the start does not move the answer (the sample: 178.8 against 179.0 FTE)."""
    params = Params(stay_model=model)
    assert all(p.em_start == "uniform" for p in refit_params(params))
    (setting,) = [s for s in SETTINGS if s.name == "em_start"]
    assert setting.values(None, params) == (None, None)


def test_the_report_names_the_bar_and_its_side_in_both_languages():
    from capacity.i18n import t
    from capacity.report.committee.sensitivity import shown_values

    frame = pd.DataFrame(
        {"setting": ["em_start"], "side": ["high"], "value": ["log_uniform"],
         "reach_effective": [0.1], "fte_needed": [1.0]}
    )  # fmt: skip
    assert list(shown_values(frame, "en")["value"]) == ["more short"]
    assert list(shown_values(frame, "sv")["value"]) == ["fler korta"]
    assert t("fig_sens_em_start", "sv") == "Andel mycket korta vistelser"
