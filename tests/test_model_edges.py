"""Every queue and ratio of question 4 at its edges (issue 13, item 2): load exactly at
capacity, zero arrivals, zero staff, a single stay. Each gives a defined, finite answer in
[0, 1] (with a caveat where the answer is a limit), never an exception or NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capacity.models.reach import (
    DAYS_PER_WEEK,
    empirical_laplace,
    erlang_a_served,
    exponential_laplace,
    reach_random,
    reach_screening,
)
from capacity.models.staffing import fte_needed
from capacity.models.support import erlang_b, erlang_c, support_before_leaving

rate = st.floats(0.0, 500.0, allow_nan=False)
positive = st.floats(0.01, 500.0, allow_nan=False)
days = st.floats(0.5, 400.0, allow_nan=False)


def _ok(p: float) -> None:
    assert math.isfinite(p) and 0.0 <= p <= 1.0, p


def test_issue_case_support_demand_exactly_at_capacity():
    """2.8 cases a week against 12 slots of 30 days: c·μ − λ is 0 in floating point."""
    q = support_before_leaving(2.8, 1.5, exponential_laplace(20.0), 20.0, case_days=30.0)
    assert q.servers * (DAYS_PER_WEEK / 30.0) - 2.8 == pytest.approx(0.0, abs=1e-12)
    assert not q.stable and q.caveat.key == "support.overloaded"
    assert "at or above casework capacity" in str(q.caveat)
    _ok(q.p_before_leaving)
    assert q.p_before_leaving == pytest.approx(q.p_erlang_a) and q.p_erlang_a > 0


@settings(max_examples=200, deadline=None)
@given(
    slots=st.integers(1, 200),
    case_days=st.sampled_from([7.0, 14.0, 30.0, 45.0, 90.0]),
    nudge=st.sampled_from([-1, 0, 1]),
    stay=days,
)
def test_support_at_capacity_never_divides_by_zero(slots, case_days, nudge, stay):
    """Load equal to the number of case slots, and one float step either side."""
    mu = DAYS_PER_WEEK / case_days
    lam = float(np.nextafter(slots * mu, np.inf * nudge)) if nudge else slots * mu
    q = support_before_leaving(
        lam, slots / 8.0, exponential_laplace(stay), stay, case_days=case_days
    )
    _ok(q.p_before_leaving)
    assert math.isfinite(q.mean_wait_days) or not q.stable


@settings(max_examples=200, deadline=None)
@given(cases=rate, fte=st.floats(0.0, 50.0), stay=st.floats(0.0, 400.0), case_days=days)
def test_support_is_defined_everywhere(cases, fte, stay, case_days):
    lap = exponential_laplace(stay) if stay > 0 else (lambda h: np.ones_like(np.asarray(h)))
    q = support_before_leaving(cases, fte, lap, stay, case_days=case_days)
    _ok(q.p_before_leaving)
    _ok(q.p_erlang_c)
    _ok(q.p_erlang_a)
    if cases == 0 or fte == 0 or stay == 0:
        assert q.caveat  # a limit, said in words
    if fte == 0 and cases >= 1e-9:  # below that a rate counts as zero
        assert q.p_before_leaving == 0.0


def test_support_with_a_single_stay():
    lap = empirical_laplace([12.0])
    q = support_before_leaving(0.5, 1.0, lap, 12.0)
    _ok(q.p_before_leaving)


@settings(max_examples=200, deadline=None)
@given(kappa=rate, arrivals=rate, stay=days, m=st.floats(0.0, 1.0))
def test_random_reach_is_defined_with_zero_arrivals_or_capacity(kappa, arrivals, stay, m):
    p = float(reach_random(kappa, arrivals, exponential_laplace(stay), stay, m))
    _ok(p)
    if arrivals == 0:
        assert p == (1.0 if kappa * m > 0 else 0.0)
    if kappa == 0 or m == 0:
        assert p == 0.0 or arrivals == 0


@settings(max_examples=200, deadline=None)
@given(arrivals=rate, per_fte=rate, fte=st.floats(0.0, 100.0), stay=days)
def test_screening_reach_is_defined_at_every_edge(arrivals, per_fte, fte, stay):
    p = float(reach_screening(arrivals, per_fte, fte, stay))
    _ok(p)
    if fte == 0 or per_fte == 0:
        assert p == 0.0
    elif arrivals == 0:
        assert p == 1.0


@settings(max_examples=200, deadline=None)
@given(lam=rate, mu=positive, c=st.floats(0.0, 100.0), gamma=positive)
def test_erlang_a_is_a_share_at_every_load(lam, mu, c, gamma):
    _ok(erlang_a_served(lam, mu, c, gamma))


@settings(max_examples=200, deadline=None)
@given(c=st.integers(1, 300), below=st.floats(1e-9, 0.999))
def test_erlang_c_close_to_capacity(c, below):
    a = c * (1.0 - below)
    assume(a > 0)
    _ok(erlang_b(c, a))
    _ok(erlang_c(c, a))


@settings(max_examples=100, deadline=None)
@given(fte_now=st.floats(0.0, 20.0), target=st.floats(0.05, 0.95))
def test_fte_needed_with_no_staff_today(fte_now, target):
    need = fte_needed(lambda f: f / (f + 1.0), target, fte_now)
    assert math.isfinite(need.fte_needed) and need.fte_needed >= 0
    assert math.isfinite(need.gap)


def test_matrix_reach_with_zero_arrivals_and_zero_staff():
    from capacity.models.stays.table import StayTable
    from capacity.question4.draws import Inputs, effective_reach, reach_matrix

    stays = StayTable(  # one stay of 10 days and one of 20 in each draw, no tail
        times=np.array([[10.0, 20.0]] * 3),
        masses=np.array([[0.5, 0.5]] * 3),
        s_max=np.zeros(3),
        t_max=np.full(3, 20.0),
        tail_rate=np.ones(3),
        mean=np.full(3, 15.0),
    )
    inputs = Inputs(
        eta=np.array([0.5, 0.5, 0.0]),
        hours_per_fte=60.0,
        arrivals_observed=np.array([0.0, 3.0, 3.0]),
        detection=np.array([0.5, 0.5, 0.5]),
        stays=stays,
        pi=np.array([[1.0]] * 3),
        m=np.array([1.0]),
    )
    for strategy in ("random", "screening"):
        for fte in (0.0, 1.0):
            p_lang, p_any = reach_matrix(inputs, np.full(3, fte), strategy=strategy)
            assert np.isfinite(p_lang).all() and np.isfinite(p_any).all()
            assert ((0 <= p_any) & (p_any <= 1)).all()
        assert np.isfinite(effective_reach(inputs, np.zeros(3), strategy=strategy)).all()


# --- fits on a handful of people: stays, population (issue 13, item 6) ------------------------
FIT_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@st.composite
def few_sightings(draw):
    """One to six persons, one to five sightings each, on one or two lists (or everyone on
    the same day): the smallest data a city can bring."""
    import datetime as dt

    import pandas as pd

    n_persons = draw(st.integers(1, 6))
    sources = draw(
        st.sampled_from([["ads_a"], ["ads_a", "outreach"], ["ads_a", "ads_b", "outreach"]])
    )
    same_day = draw(st.booleans())
    rows = []
    for p in range(n_persons):
        for _ in range(draw(st.integers(1, 5))):
            day = 0 if same_day else draw(st.integers(0, 120))
            rows.append(
                (
                    f"person{p:02d}",
                    pd.Timestamp(dt.date(2024, 1, 1) + dt.timedelta(days=day)),
                    "A",
                    draw(st.sampled_from(sources)),
                    "ro",
                )
            )
    frame = pd.DataFrame(rows, columns=["person_id", "date", "city", "source", "language"])
    return frame.drop_duplicates(["person_id", "date", "city", "source"], ignore_index=True)


@FIT_SETTINGS
@given(few_sightings(), st.sampled_from(["none", "margins", "strata"]))
def test_fit_stays_on_a_handful_of_people_answers_or_refuses_in_words(sightings, correction):
    """One person, one stay, everyone on one list or one day: a finite fit with caveats, or
    an EstimationError that says what is missing — never another exception, never NaN."""
    from capacity.exceptions import EstimationError
    from capacity.models.stays.build import build_stays
    from capacity.models.stays.fit import fit_stays
    from capacity.models.stays.strata import source_strata

    stays = build_stays(sightings, 28, "2024-01-01", "2024-06-30")
    kwargs = {"correction": "none"} if correction == "none" else {}
    if correction == "strata":
        kwargs["strata"] = source_strata(sightings, 28)
    try:
        res = fit_stays(stays, city="A", n_boot=10, **kwargs)
    except EstimationError as exc:
        assert str(exc) and ("stays" in str(exc) or "gaps" in str(exc)), exc
        return
    assert math.isfinite(res.median_days) and res.median_days >= 0
    assert math.isfinite(res.mean_days) and res.mean_days > 0
    s = res.survival_frame()
    assert np.isfinite(s.select_dtypes("number").to_numpy()).all()


@FIT_SETTINGS
@given(few_sightings())
def test_population_chain_on_a_handful_of_people_is_defined(sightings):
    """The detection share is a share in (0, 1] with finite draws, whatever the quarter
    holds: one person, one list, everyone seen by every list."""
    import datetime as dt

    from capacity.models.population.chain import population_chain

    res = population_chain(
        sightings, "A", dt.date(2024, 1, 1), dt.date(2024, 6, 30), n_draws=20, criterion="bic"
    )
    assert 0 < res.detection <= 1 and math.isfinite(res.detection)
    assert np.isfinite(res.detection_draws).all()
    assert ((res.detection_draws > 0) & (res.detection_draws <= 1)).all()
    if res.detection == 1:
        assert res.caveats  # no quarter could be estimated: said in words


@FIT_SETTINGS
@given(
    k=st.integers(2, 3),
    n=st.integers(1, 40),
    pattern=st.sampled_from(["one list", "every list", "no overlap", "single person"]),
)
def test_mse_at_its_edges_estimates_or_refuses_in_words(k, n, pattern):
    import pandas as pd

    from capacity.exceptions import EstimationError
    from capacity.models.population.design import histories
    from capacity.population import mse

    h = histories(k)
    names = [f"s{i}" for i in range(k)]
    counts = np.zeros(len(h), dtype=int)
    if pattern == "one list":
        counts[[i for i, r in enumerate(h) if r.sum() == 1 and r[0] == 1][0]] = n
    elif pattern == "every list":
        counts[[i for i, r in enumerate(h) if r.sum() == k][0]] = n
    elif pattern == "no overlap":
        for i, r in enumerate(h):
            counts[i] = n if r.sum() == 1 else 0
    else:
        counts[0] = 1
    table = pd.DataFrame(h, columns=names).assign(count=counts)
    try:
        res = mse(table, names, interactions="select", criterion="bic")
    except EstimationError as exc:
        assert "does not exist" in str(exc) or "not identified" in str(exc), exc
        return
    row = res.summary_frame().iloc[0]
    assert np.isfinite(row[["estimate", "ci_lower"]].to_numpy(dtype=float)).all()
    assert row["estimate"] >= counts.sum() - 1e-9


@pytest.mark.parametrize(
    ("args", "observed"), [((1, 1, 1), 1), ((1, 1, 0), 2), ((1, 0, 0), 1), ((5, 5, 5), 5)]
)
def test_chapman_with_one_person_or_an_empty_list(args, observed):
    from capacity.population import chapman

    row = chapman(*args).summary_frame().iloc[0]
    assert np.isfinite(row.to_numpy(dtype=float)).all()
    assert row["ci_lower"] <= row["estimate"] <= row["ci_upper"] and row["estimate"] >= observed


@pytest.mark.parametrize("freq", [[1], [1, 0], [0, 1], [1, 1, 1]])
def test_chao_with_one_or_three_persons(freq):
    from capacity.population import chao

    row = chao(freq).summary_frame().iloc[0]
    assert np.isfinite(row.to_numpy(dtype=float)).all()
    assert row["ci_lower"] <= row["estimate"] <= row["ci_upper"] and row["estimate"] >= sum(freq)


@pytest.mark.parametrize("busy", [[5], [0, 9], [3, 4]])
def test_forecast_with_arrivals_in_one_or_two_months_refuses_in_words(busy):
    """All of a city's arrivals in one or two months (a city whose every sighting is on one
    day): the trend ran to infinity and numpy's negative binomial raised a ValueError."""
    import pandas as pd

    from capacity.exceptions import EstimationError
    from capacity.models.forecast import fit_arrivals_forecast

    y = np.zeros(12)
    y[5 : 5 + len(busy)] = busy
    monthly = pd.Series(y, index=pd.date_range("2025-01-01", periods=12, freq="MS"))
    with pytest.raises(EstimationError, match="month"):
        fit_arrivals_forecast(monthly, horizon=12)


def _edit_tiny(tmp_path, edit):
    import shutil

    import pandas as pd

    from capacity.config import ROOT

    out = tmp_path / "tiny"
    shutil.copytree(ROOT / "tests" / "data" / "tiny", out)
    tables = {
        n: pd.read_csv(out / f"{n}.csv", dtype=str, keep_default_na=False)
        for n in ("sightings", "outreach", "staff", "operations")
    }
    edit(tables)
    for n, frame in tables.items():
        frame.to_csv(out / f"{n}.csv", index=False)
    return out


def _sthlm(frame):
    return frame["city"] == "Stockholm"


def _one_person(t):
    s = t["sightings"]
    t["sightings"] = s[~_sthlm(s) | (s["person_id"] == s[_sthlm(s)]["person_id"].iloc[0])]


def _one_list(t):
    s = t["sightings"]
    t["sightings"] = s[~_sthlm(s) | (s["source"] != "outreach")]


def _one_day(t):
    s = t["sightings"]
    s.loc[_sthlm(s), "date"] = "2024-02-01"
    t["sightings"] = s.drop_duplicates(["person_id", "date", "city", "source"])


def _column(table, columns, value):
    def edit(t):
        f = t[table]
        for c in columns:
            f.loc[_sthlm(f), c] = value

    return edit


CHAIN_EDGES = {
    "one person": _one_person,
    "every sighting on one list but outreach": _one_list,
    "every sighting on one day": _one_day,
    "no support accepted": _column("outreach", ["support_offered", "support_accepted"], "0"),
    "no trafficking indicators": _column("outreach", ["trafficking_indicators", "referrals"], "0"),
    "no interpreter": _column("outreach", ["interpreter_used"], "0"),
    "no outreach staff": _column("staff", ["outreach_share"], "0.0"),
    "no contacts": _column(
        "outreach",
        ["contacts", "new_persons", "contacts_own_language", "interpreter_used"]
        + ["support_offered", "support_accepted", "trafficking_indicators", "referrals"],
        "0",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("edge", list(CHAIN_EDGES))
def test_question4_chain_at_the_data_edges_answers_or_refuses_in_words(edge, tmp_path):
    """The whole chain a report runs (fit, evaluate) on a city with one person, one list, one
    day, no support, no indicators, no interpreter, no outreach staff, no contacts: a finite
    headline with caveats, or a DataError/EstimationError naming what is missing."""
    from capacity.config import Params
    from capacity.dataset import load_dataset
    from capacity.exceptions import DataError, EstimationError
    from capacity.question4 import evaluate, fit_models

    folder = _edit_tiny(tmp_path, CHAIN_EDGES[edge])
    params = Params.from_mapping(
        {
            "data_dir": str(folder),
            "city": "Stockholm",
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "n_boot": 20,
        }
    )
    try:
        result = evaluate(fit_models(load_dataset(folder), params), params)
    except (DataError, EstimationError) as exc:
        assert "Stockholm" in str(exc) or "shift" in str(exc) or "staff" in str(exc), exc
        return
    kf = result.key_figures
    for key in ("reach_effective", "reach_any_language", "fte_needed", "fte_outreach_now"):
        assert math.isfinite(kf.loc[key, "estimate"]), (key, kf.loc[key])
    assert 0 <= kf.loc["reach_effective", "estimate"] <= 1
    assert result.verdict in ("sufficient", "insufficient", "uncertain")
    assert result.caveats
