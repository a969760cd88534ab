"""The national view of question 4 (capacity.national)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_mobility import TRUTH_SEEDS

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.national import national_view
from capacity.synth import SynthConfig, generate
from capacity.synth.write import write_folder


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    syn = generate(8, scale=0.1, n_cities=4, config=SynthConfig(screening_channels=("online",)))
    folder = tmp_path_factory.mktemp("nat") / "ds"
    write_folder(syn, folder)
    return syn, national_view(load_dataset(folder), Params(n_boot=40))


def test_every_city_has_reach_per_stay_woman_and_tour(national):
    syn, res = national
    c = res.cities
    assert list(c.index) == sorted(syn.truth["truth"]["cities"])
    assert (c["reach_woman"] >= c["reach_stay"]).all()
    assert (c["reach_tour"] >= c["reach_stay"]).all()
    for k in ("reach_stay", "reach_woman", "reach_tour"):
        assert (c[f"{k}_ci_lower"] <= c[k]).all() and (c[k] <= c[f"{k}_ci_upper"]).all()
    est, _, lo, hi = res.national
    assert 0 < lo <= est <= hi < 1
    assert res.gaps(2).index[0] == c["unreached_tours_per_week"].idxmax()
    assert np.isfinite(c["arrivals_per_week"]).all()
    # ads captured on arrival: the view's stays are the margins', a city's own report's the
    # arrival model's, and the view says so
    assert "national.stays_margins" in [x.key for x in res.caveats]


def test_work_shared_between_cities_changes_nothing(national, tmp_path):
    """national_view keeps the stays, touring and tour flows of all cities between the
    cities' fits (``fit_models(shared=...)``): a city fitted alone gives the same reach."""
    from capacity.models.stays import build_stays
    from capacity.national import _fit_city

    syn, res = national
    write_folder(syn, tmp_path / "ds")
    ds = load_dataset(tmp_path / "ds")
    p = Params(n_boot=40)
    city = res.cities.index[-1]
    stays = build_stays(ds.sightings, p.gap_days, p.period_start, p.period_end)
    alone = _fit_city(ds, p.replace(city=city), stays)
    assert alone["reach_stay"][0] == res.cities.loc[city, "reach_stay"]
    assert alone["reach_woman"][0] == res.cities.loc[city, "reach_woman"]
    # the draws too: the person weights are keyed by woman and replicate, not by the
    # order of the fits (one joint bootstrap, whichever cities are fitted with it)
    lo, hi = np.percentile(alone["reach_stay"][1:], [2.5, 97.5])
    assert lo == pytest.approx(res.cities.loc[city, "reach_stay_ci_lower"])
    assert hi == pytest.approx(res.cities.loc[city, "reach_stay_ci_upper"])


def test_national_tour_reach_near_the_truth(national):
    import pandas as pd

    from capacity.coverage import tour_truth

    syn, res = national
    p = Params()
    _, truth = tour_truth(syn, pd.Timestamp(p.period_start), pd.Timestamp(p.period_end))
    est, _, lo, hi = res.national
    half = (hi - lo) / 2
    assert lo - 2 * half <= truth <= hi + 2 * half, (truth, lo, hi)


def test_a_city_that_cannot_be_fitted_is_named(tmp_path):
    syn = generate(9, scale=0.05, n_cities=2)
    out = syn.tables["outreach"]
    syn.tables["outreach"] = out[out["city"] != "Göteborg"].reset_index(drop=True)
    write_folder(syn, tmp_path / "ds")
    res = national_view(load_dataset(tmp_path / "ds"), Params(n_boot=10))
    assert list(res.cities.index) == ["Stockholm"]
    assert any(str(c).startswith("Göteborg: not fitted") for c in res.caveats)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_national_section_names_the_national_share_and_the_gaps(national, lang):
    from capacity.report import ReportBook
    from capacity.report.national import national_section

    _, res = national
    book = ReportBook(Params(n_boot=40, language=lang), show=False)
    national_section(book, res)
    html = "".join(book.html_parts)
    worst = res.gaps(1).index[0]
    assert worst in html and len(book.tables) == 1 and len(book.figures) == 1
    assert list(book.tables[0].frame.index) == list(res.cities.index)
    word = "hela landet" if lang == "sv" else "Nationally"
    assert word in html
    # the figure's shares as whole percentages, as on the report's other figures (not 0.025)
    ax = book.figures[0].fig.axes[0]
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    ticks = [x.get_text() for x in ax.get_xticklabels() if lo <= x.get_position()[0] <= hi]
    assert ticks and all(re.fullmatch(r"\d+", x) for x in ticks), ticks
    assert ax.get_xlabel().endswith("(%)")
    if lang == "sv":  # every caveat has a Swedish sentence
        assert 'lang="en"' not in html


def test_national_view_counts_the_chosen_level(tmp_path):
    syn = generate(8, scale=0.05, n_cities=2, config=SynthConfig(screening_channels=("online",)))
    write_folder(syn, tmp_path / "ds")
    ds = load_dataset(tmp_path / "ds")
    a = national_view(ds, Params(n_boot=10))
    b = national_view(ds, Params(n_boot=10, reach_level="conversation"))
    assert a.reach_level == "information" and b.reach_level == "conversation"
    assert (b.cities["reach_stay"] <= a.cities["reach_stay"] + 1e-12).all()
    assert b.national[0] <= a.national[0] + 1e-12


def test_small_cities_arrivals_near_the_truth(tmp_path):
    """Arrivals per week (observed stay starts over the detection share) within 10 % of the
    truth in every city. Six cities, random search, seed 4, measured 2026-11-30: with the
    share seen from the person-quarters pooled over the period (``pooled_detection``) 2–8 %
    high; with the quarterly MSE's share Örebro and Linköping were 26 % and 24 % high."""
    import pandas as pd

    syn = generate(4, scale=0.1, n_cities=6)
    write_folder(syn, tmp_path / "ds")
    p = Params(n_boot=10)
    res = national_view(load_dataset(tmp_path / "ds"), p)
    st = syn.truth["stays"]
    lo, hi = pd.Timestamp(p.period_start), pd.Timestamp(p.period_end)
    new = st[(st["arrive"] >= lo) & (st["arrive"] <= hi)]
    truth = new.groupby("city").size() / ((hi - lo).days / 7)
    ratio = res.cities["arrivals_per_week"] / truth.reindex(res.cities.index)
    assert ratio.between(0.9, 1.1).all(), ratio


def test_pooled_detection_by_hand():
    """Two quarters of one person each, seen by both lists, and one seen by one list: the
    stacked table (1, 1, 1) over histories (01, 10, 11) gives the Lincoln–Petersen
    ``N̂ = n₁n₂/m = 2·2/1 = 4``, ``δ = 3/4``; draws keep the estimate's length."""
    import pandas as pd

    from capacity.national import pooled_detection

    s = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2022-02-01", "2022-02-03", "2022-05-01", "2022-08-01"]),
            "city": "X",
            "source": ["ads", "police", "ads", "police"],
        }
    )
    det = pooled_detection(s, Params(city="X", n_boot=0))
    assert det.shape == (1,) and det[0] == pytest.approx(0.75)
    assert len(pooled_detection(s, Params(city="X", n_boot=5))) == 6
    assert pooled_detection(s[s["source"] == "ads"], Params(city="X", n_boot=0)) is None


@pytest.mark.slow
def test_national_view_truth_recovery_over_worlds_and_seeds(tmp_path):
    """National share of tours reached within its interval, and per city reach per stay, per
    woman and per tour through the city, over world × seed cases (random search, online
    screening with street search, screening only; seeds 4–6, or ``CAPACITY_TRUTH_SEEDS``).

    Measured 2026-11-30 with each city's reach by half-year in the tour chain (branch
    tour10; docs/methods/tours.md, "National view"): seeds 4–6 national 8 / 9, per city per
    tour 51 / 54, per stay 53 / 54, per woman 53 / 54; fresh seeds 7–9 national 8 / 9, per
    tour 49 / 54, per stay 53 / 54, per woman 52 / 54; fresh seeds 10–12 see the docs.
    With mix10's strategy mix (`ca0d8a8`): seeds 4–6 national 8 / 9, per tour 50 / 54, per
    stay 53 / 54, per woman 53 / 54; seeds 7–9 national 7 / 9, per tour 47 / 54, per stay
    53 / 54, per woman 52 / 54. Floors: the issue's 90 % per stay and per woman; per tour 0.85 then (0.8 before the chain by
    half-year: 45 / 54 at seeds 7–9 then); nationally 0.75. The strategy mix within its
    interval (the moments over every stay's window with the wait's draws, mix10,
    docs/methods/strategy.md): the mixture world 17 / 18 at seeds 4–6, 7–9 and 10–12 (5–8 /
    18 with the old moments), floor the issue's 0.9; random and screening worlds 35–36 / 36
    per seed set, floor 0.9.
    With the tour starts from the balance of arrivals and moves (``balanced_starts``, 1 Dec
    2026, tour10; docs/methods/tours.md, "Where tours start"): per tour 52, 51, 50, 48 / 54
    and nationally 9, 8, 9, 8 / 9 at seeds 4-6, 7-9, 10-12, 13-15 (the counted starts:
    51, 47, 50, 45 / 54 and 9, 7, 7, 7 / 9). Floors moved up on that: per tour 0.85 -> 0.88,
    nationally 0.75 -> 0.85.
    Fresh seeds 16-18 on main 0c18cfe (lean10, 1 Dec 2026): per tour 45 / 54, below the
    floor (the test fails there), nationally 9 / 9, per stay 50 / 54, per woman 51 / 54,
    the mix 18, 16, 16 / 18. The misses are reach per stay's lean by strategy, whose
    causes are in docs/methods/reach.md ("Why reach per stay leans by strategy").
    With each city's reach month by month (``monthly_search_reach``, lean10, 1 Dec 2026,
    eleventh session; docs/methods/reach.md, "Reach month by month"), pooled -> by month:
    seeds 4-6 per tour 52 -> 53 / 54, per stay 52 / 54, per woman 53 / 54, nationally 9 / 9,
    the mix 18, 17, 18 / 18 (this test, 14 min on a loaded machine); seeds 16-18 per tour
    45 -> 48 / 54, per stay 50 -> 54, per woman 51 -> 54, nationally 9 / 9; fresh seeds
    19-21 per tour 48 -> 53 / 54, per stay 49 -> 52, per woman 53 -> 52, nationally 8 / 9
    (a script with this test's cases). The floors stay: per tour 0.88 (48 / 54 = 0.89 at
    16-18; what is left there is the screening world's arrivals, 3-5 % high, and the random
    world's tour chain, +0.020).
    The truth of reach per woman and per tour counts only contacts inside the period
    (``coverage.chain_truth`` / ``tour_truth``, 1 Dec 2026, twelfth session, tour10;
    docs/methods/tours.md, "The truth counted in the period"); the same fits, truth at any
    time -> in the period, of 54 (national of 9): seeds 4-6 per tour 53 -> 52, per woman
    53 -> 52, per stay 52, nationally 9 -> 9, the mix 18, 17, 18 / 18 (this test); 16-18
    per tour 48 -> 42, per woman 54, per stay 54, nationally 9 -> 8; 19-21 per tour 53 ->
    48, per woman 52 -> 53, per stay 52, nationally 8; fresh 22-24 per tour 45 -> 47, per
    woman 52 -> 53, per stay 51, nationally 9. Per tour misses the floor of 0.88 at 16-18
    and 22-24 (the random world's tours lean +0.018 against the in-period truth, +0.008
    against the old one), and at 19-21 the mixture world's mix (16 / 18) misses its 0.9;
    the floors stay. This test's CPU (pytest process, /usr/bin/time): 126.9 s before
    fit_models(detection=...), 42.9 s after (118 s wall in CI before).
    With the tour chain on the calendar (``_tour_by_calendar``, 1 Dec 2026, thirteenth
    session, tour10b; docs/methods/tours.md, "The calendar chain": only the stays inside the
    window are reached, the period's reach per stay), the same fits, half-year chain ->
    calendar chain, per tour of 54 (national of 9): seeds 4-6 52 -> 52 (9 -> 9), 16-18
    42 -> 48 (8 -> 9), 19-21 48 -> 53 (8 -> 8), 22-24 47 -> 47 (9 -> 9); over the 12 seeds
    189 -> 200 / 216. Per tour still misses 0.88 at 22-24 (the screening world's tours
    lean low, -0.025 there, with its reach per stay); the floors stay.
    """
    import pandas as pd

    from capacity.coverage import chain_truth, tour_truth

    worlds = {"random": (), "mixture": ("online",), "screening": ("online", "street", "venue")}
    national_cov, stay_cov, woman_cov, tour_cov = [], [], [], []
    share_cov = {k: [] for k in worlds}
    p = Params()
    lo_t, hi_t = pd.Timestamp(p.period_start), pd.Timestamp(p.period_end)
    for kind, channels in worlds.items():
        for seed in TRUTH_SEEDS:
            syn = generate(seed, scale=0.1, n_cities=6,
                           config=SynthConfig(screening_channels=channels))  # fmt: skip
            write_folder(syn, tmp_path / f"{kind}-{seed}")
            res = national_view(load_dataset(tmp_path / f"{kind}-{seed}"), Params(n_boot=100))
            # contacts inside the period only (a woman reached before it is not reached)
            tour_true, truth = tour_truth(syn, lo_t, hi_t)
            est, _, lo, hi = res.national
            national_cov.append(lo <= truth <= hi)
            out = syn.tables["outreach"]
            out = out[(out["date"] >= lo_t) & (out["date"] <= hi_t)]
            for city, row in res.cities.iterrows():
                # the strategy mix: screening contacts over all contacts in the log
                log = out[out["city"] == city]
                share = (
                    log.loc[log["channel"].isin(channels), "contacts"].sum() / log["contacts"].sum()
                )
                share_cov[kind].append(
                    row["share_screening_ci_lower"] <= share <= row["share_screening_ci_upper"]
                )
                true = chain_truth(syn, city, lo_t, hi_t)
                stay, woman, tour = true["reach_stay"], true["reach_woman"], tour_true[city]
                stay_cov.append(row["reach_stay_ci_lower"] <= stay <= row["reach_stay_ci_upper"])
                woman_cov.append(
                    row["reach_woman_ci_lower"] <= woman <= row["reach_woman_ci_upper"]
                )
                tour_cov.append(row["reach_tour_ci_lower"] <= tour <= row["reach_tour_ci_upper"])
    print(
        "covered, seeds",
        TRUTH_SEEDS,
        {
            k: f"{sum(v)}/{len(v)}"
            for k, v in (
                ("national", national_cov),
                ("tour", tour_cov),
                ("stay", stay_cov),
                ("woman", woman_cov),
                *((f"strategy mix, {k}", v) for k, v in share_cov.items()),
            )
        },
    )
    assert np.mean(national_cov) >= 0.85, national_cov
    assert np.mean(tour_cov) >= 0.88, tour_cov
    # the strategy mix within its interval, the 90 %: random search and screening
    # only together, and the mixture world (17 / 18 measured at seeds 4-6, 7-9 and 10-12)
    assert np.mean(share_cov["random"] + share_cov["screening"]) >= 0.9, share_cov
    assert np.mean(share_cov["mixture"]) >= 0.9, share_cov
    assert np.mean(stay_cov) >= 0.9, stay_cov
    assert np.mean(woman_cov) >= 0.9, woman_cov


def test_the_national_report_header_names_no_city():
    from capacity.report.run import page_metadata

    meta = page_metadata(Params(city="Malmö"), "national", None, True)
    assert "Malmö" not in meta["header_left"] and "Malmö" not in meta["title"]
    assert "Malmö" in page_metadata(Params(city="Malmö"), "mobility", None, True)["header_left"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_national_synthetic_note_names_sweden_not_the_parameters_city(tmp_path, lang):
    from capacity.report.book import ReportBook

    book = ReportBook(Params(city="Malmö", language=lang), show=False)
    html = book.begin("Title", synthetic=True, place=book.t("word_sweden"))
    assert ("Sverige" if lang == "sv" else "Sweden") in html and "Malmö" not in html
    other = ReportBook(Params(city="Malmö", language=lang), show=False)
    assert "Malmö" in other.begin("T", synthetic=True)


def test_tours_are_chained_language_by_language():
    """Two cities, every tour A then B; half the women speak a language both teams reach
    half the time, half one no team reaches. Tour reach is 0.5·(1 − 0.5²) = 0.375, not the
    1 − 0.75² = 0.4375 of chaining the average reach 0.25 (the old chain)."""
    from types import SimpleNamespace

    from capacity.national import _tour_by_language

    pi = np.array([[0.5, 0.5]])
    fit = {
        "languages": ["aa", "bb"],
        "p_lang": np.array([[0.5, 0.0]]),
        "fitted": SimpleNamespace(inputs=SimpleNamespace(pi=pi)),
    }
    reach = np.array([[0.25, 0.25]])
    P = np.array([[[0.0, 1.0], [0.0, 0.0]]])
    x = np.array([[0.0, 1.0]])
    s = np.array([[1.0, 0.0]])
    tour, national = _tour_by_language({"A": fit, "B": fit}, ["A", "B"], reach, P, x, s)
    np.testing.assert_allclose(tour, [[0.375, 0.375]])
    np.testing.assert_allclose(national, [0.375])


def test_period_edges_cover_the_period_in_half_years():
    from capacity.national import period_edges

    e = period_edges("2022-01-01", "2025-12-31").astype("datetime64[D]")
    assert len(e) == 9 and str(e[0]) == "2022-01-01" and str(e[-1]) == "2026-01-01"
    assert str(e[1]) == "2022-07-01"
    odd = period_edges("2024-03-15", "2024-10-01").astype("datetime64[D]")
    assert [str(v) for v in odd] == ["2024-03-15", "2024-09-15", "2024-10-02"]


def test_tours_meet_the_reach_of_their_own_half_year(monkeypatch):
    """Two cities, every tour A then B; both teams work only in the first half-year. A tour
    then is reached for sure, one in the second half-year never: tour reach 0.5, not the
    1 − 0.5² = 0.75 of chaining the year's average reach 0.5 in each city."""
    from types import SimpleNamespace

    import pandas as pd

    import capacity.question4.draws as draws
    from capacity.national import _tour_by_period, period_capacity, period_edges

    # the fake model: reach per stay = FTE / 2 at capacity, one language
    monkeypatch.setattr(draws, "reach_matrix",
                        lambda inputs, fte, strategy: (np.clip(fte / 2, 0, 1)[:, None], None))  # fmt: skip
    params = Params(city="A", period_start="2024-01-01", period_end="2024-12-31")
    outreach = pd.DataFrame(
        {"city": ["A", "B"], "date": pd.to_datetime(["2024-03-01", "2024-03-02"]), "contacts": 10}
    )
    edges = period_edges(params.period_start, params.period_end)
    cap = period_capacity(outreach, "A", edges)
    assert cap[1] == 0 and cap[0] * 26 == pytest.approx(52.29, abs=0.01)
    fit = {
        "languages": ["aa"],
        "fitted": SimpleNamespace(
            inputs=SimpleNamespace(pi=np.array([[1.0]])), staff=SimpleNamespace(outreach_fte=1.0)
        ),
    }
    stays = pd.DataFrame(
        {
            "person_id": ["w1", "w1", "w2", "w2"],
            "city": ["A", "B", "A", "B"],
            "start": pd.to_datetime(["2024-02-01", "2024-02-07", "2024-09-01", "2024-09-07"]),
            "end": pd.to_datetime(["2024-02-05", "2024-02-10", "2024-09-05", "2024-09-10"]),
        }
    )
    reach = np.array([[0.5, 0.5]])
    P = np.array([[[0.0, 1.0], [0.0, 0.0]]])
    x, s = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    tour, national = _tour_by_period(SimpleNamespace(outreach=outreach), params,
                                     {"A": fit, "B": fit}, ["A", "B"], reach, P, x, s, stays)  # fmt: skip
    np.testing.assert_allclose(tour, [[0.5, 0.5]])
    np.testing.assert_allclose(national, [0.5])


def test_monthly_presence_by_hand():
    """January (31 days) holds a stay of all 31 days and 12 days of one from 20 January to 9
    February; February (29 days) its other 9. Persons present per day 43/31 and 9/29,
    their day-weighted mean 52/60; another city's stay is not counted."""
    import pandas as pd

    from capacity.national import monthly_presence, period_edges

    stays = pd.DataFrame(
        {
            "city": ["A", "A", "B"],
            "start": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-01-05"]),
            "end": pd.to_datetime(["2024-01-31", "2024-02-09", "2024-02-20"]),
        }
    )
    edges = period_edges("2024-01-01", "2024-02-29", months=1)
    r = monthly_presence(stays, "A", edges)
    np.testing.assert_allclose(r, [43 / 31 / (52 / 60), 9 / 29 / (52 / 60)])
    np.testing.assert_allclose(monthly_presence(stays, "C", edges), [1.0, 1.0])


def test_reach_month_by_month_meets_each_months_persons_present(monkeypatch):
    """One woman a day present in April, three a day in May, the same contacts per week in
    both; stays of seven days, so arrivals follow the persons present. With a pooled
    hazard ``h`` (``h·T = 1``) each month's hazard is ``h/r_t``, ``r`` = (1/2, 3/2): reach
    per stay is ``¼(1 − e^{−2}) + ¾(1 − e^{−2/3})`` = 0.581, not the pooled ``1 − e^{−1}``
    = 0.632 (the search formula is concave in the hazard)."""
    from types import SimpleNamespace

    import pandas as pd

    import capacity.question4.draws as draws
    from capacity.national import monthly_search_reach

    monkeypatch.setattr(
        draws, "reach_matrix",
        lambda inputs, fte, strategy, search_scale: ((1 - np.exp(-fte * search_scale))[:, None], None),
    )  # fmt: skip
    params = Params(city="A", period_start="2024-04-01", period_end="2024-05-30")
    stays = pd.DataFrame(
        {
            "city": ["A"] * 4,
            "start": pd.to_datetime(["2024-04-01", "2024-05-01", "2024-05-01", "2024-05-01"]),
            "end": pd.to_datetime(["2024-04-30", "2024-05-30", "2024-05-30", "2024-05-30"]),
        }
    )
    outreach = pd.DataFrame(
        {"city": "A", "date": pd.to_datetime(["2024-04-15", "2024-05-15"]), "contacts": 10}
    )
    fitted = SimpleNamespace(inputs=np.zeros(3), staff=SimpleNamespace(outreach_fte=1.0))
    p_month, weight, edges = monthly_search_reach(
        SimpleNamespace(outreach=outreach), params, fitted, stays
    )
    assert p_month.shape == (2, 3, 1) and len(edges) == 3
    np.testing.assert_allclose(weight, [0.25, 0.75])
    reach = np.tensordot(weight, p_month, axes=1)[0, 0]
    assert reach == pytest.approx(0.25 * (1 - np.exp(-2)) + 0.75 * (1 - np.exp(-2 / 3)))
    assert reach == pytest.approx(0.5811, abs=1e-4) and reach < 1 - np.exp(-1)


def test_tour_truth_counts_only_contacts_inside_the_window():
    """A tour is reached in the window when any of its stays, in any city, had a contact
    understood inside the window. a: one stay begun before the window, reached only before
    it (not reached); b: reached in Göteborg in the window, so her Stockholm stay's tour is
    reached; c: never reached; d: reached only after the window (not reached). Stockholm's
    stays a, b, c: 1/3; Göteborg's b, d: 1/2; nationally b of a, b, c, d: 1/4."""
    import pandas as pd

    from capacity.coverage import tour_truth

    t, nat = pd.Timestamp, pd.NaT
    stays = pd.DataFrame(
        {
            "person_id": ["a", "b", "b", "c", "d", "e"],
            "city": ["Stockholm", "Stockholm", "Göteborg", "Stockholm", "Göteborg", "Göteborg"],
            "arrive": [t("2021-11-01"), t("2022-02-01"), t("2022-02-12"), t("2022-03-01"),
                       t("2022-12-20"), t("2021-05-01")],
            "leave": [t("2022-01-20"), t("2022-02-10"), t("2022-02-20"), t("2022-03-09"),
                      t("2023-01-09"), t("2021-06-01")],
            "contacted_understood": [True, False, True, False, True, True],
            "first_understood": [t("2021-12-15"), nat, t("2022-02-15"), nat, t("2023-01-03"),
                                 t("2021-05-03")],
            "last_understood": [t("2021-12-15"), nat, t("2022-02-15"), nat, t("2023-01-03"),
                                t("2021-05-03")],
        }
    )  # fmt: skip

    class _Syn:
        truth = {"stays": stays}

    city, national = tour_truth(_Syn(), t("2022-01-01"), t("2022-12-31"))
    assert city["Stockholm"] == pytest.approx(1 / 3) and city["Göteborg"] == 0.5
    assert national == 0.25  # e's stay is outside the window: not a woman present in it
    # the old flag (any time) would count a and d as reached: 3 / 4
    wide, all_time = tour_truth(_Syn(), t("2021-01-01"), t("2023-12-31"))
    assert all_time == 1 - 1 / 5 and wide["Stockholm"] == pytest.approx(2 / 3)


def test_a_given_detection_share_replaces_the_quarterly_mse(tmp_path):
    """``fit_models(detection=...)`` (what the national view passes: ``pooled_detection``)
    gives the inputs that the quarterly fit gives with its share replaced afterwards and the
    screeners' speed recomputed, without running the quarterly MSE: no quarters."""
    import dataclasses
    import warnings

    from capacity.national import pooled_detection
    from capacity.question4 import fit_models
    from capacity.question4.fit import _screening_speed

    syn = generate(8, scale=0.05, n_cities=2, config=SynthConfig(screening_channels=("online",)))
    write_folder(syn, tmp_path / "ds")
    ds = load_dataset(tmp_path / "ds")
    p = Params(n_boot=10, city="Stockholm", capture_model="fixed")
    det = pooled_detection(ds.sightings, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quarterly = fit_models(ds, p)
        given = fit_models(ds, p, detection=det)
    assert len(quarterly.population.quarters) > 0 and len(given.population.quarters) == 0
    assert given.population.detection == det[0]
    np.testing.assert_array_equal(given.population.detection_draws, det[1:])
    x = dataclasses.replace(quarterly.inputs, detection=det, speed_factor=None)
    x = _screening_speed(x, quarterly.staff.outreach_fte)
    for f in ("detection", "arrivals_observed", "eta", "pi", "share", "speed_factor"):
        np.testing.assert_allclose(getattr(given.inputs, f), getattr(x, f), err_msg=f)
    np.testing.assert_allclose(given.inputs.stays.mean, x.stays.mean)
    with pytest.raises(ValueError, match="n_boot"):
        fit_models(ds, p, detection=det[:5])


def _calendar_case(start, end):
    """Two cities, every tour A then B a month later; two languages (one no team reaches)."""
    from types import SimpleNamespace

    import pandas as pd

    from capacity.national import _tour_by_calendar, _tour_by_language

    pi = np.array([[0.5, 0.5]])
    fit = {
        "languages": ["aa", "bb"],
        "p_lang": np.array([[0.4, 0.0]]),
        "fitted": SimpleNamespace(inputs=SimpleNamespace(pi=pi)),
    }
    fits = {"A": fit, "B": fit}
    reach = np.array([[0.2, 0.2]])
    P = np.array([[[0.0, 0.8], [0.0, 0.0]]])
    x = np.array([[0.2, 1.0]])
    s = np.array([[1.0, 0.0]])
    first = pd.date_range("2020-03-01", periods=30, freq="7D")
    stays = pd.DataFrame(
        {
            "person_id": [f"w{i}" for i in range(30)] * 2,
            "city": ["A"] * 30 + ["B"] * 30,
            "start": list(first) + list(first + pd.Timedelta(days=30)),
            "end": list(first + pd.Timedelta(days=20)) + list(first + pd.Timedelta(days=45)),
        }
    )
    params = Params(period_start=start, period_end=end)
    whole = _tour_by_language(fits, ["A", "B"], reach, P, x, s)
    cut = _tour_by_calendar(None, params, fits, ["A", "B"], reach, P, x, s, stays)
    return whole, cut


def test_the_calendar_chain_far_from_the_window_edges_is_the_whole_tour_chain():
    """Stays in 2020, window 2010-2029: no tour is cut, so the calendar chain gives what the
    chain of whole tours gives (languages mixed the same way): A 0.5·(1 − 0.6·(0.2 +
    0.8·0.6)) = 0.296. Nationally within 0.001: the window's first two months and the
    months before it take the mean of the tours begun, and a few of those are cut."""
    whole, cut = _calendar_case("2010-01-01", "2029-12-31")
    np.testing.assert_allclose(cut[0], whole[0], atol=1e-9)
    np.testing.assert_allclose(cut[1], whole[1], atol=1e-3)
    assert whole[0][0, 0] == pytest.approx(0.5 * (1 - 0.6 * (0.2 + 0.8 * 0.6)))


def test_the_calendar_chain_counts_only_the_stays_inside_the_window():
    """The window ends in 2020-06: the stays in B of the tours begun in A in its last month
    fall after it, so tours through A are reached less than whole tours, but never less
    than reach per stay (0.2 in A: half the women, reach 0.4)."""
    whole, cut = _calendar_case("2020-01-01", "2020-06-30")
    assert cut[0][0, 0] < whole[0][0, 0] - 0.01
    assert cut[0][0, 0] >= 0.2 - 1e-12
    assert cut[1][0] < whole[1][0]


def test_the_national_view_fits_on_arrival_stays_with_the_margins(tmp_path, monkeypatch):
    """With ``capture_model: auto`` on data whose ads are captured on arrival a single city's
    fit takes the arrival model, the national view asks for the margins in every city
    (``capture.NATIONAL_ON_ARRIVAL_STAYS``: with the arrival model its reach moved by 0.0006
    on average and covered as often, at twice the CPU; docs/methods/stays.md, "`auto` in
    the national view"), and a city fitted alone as the national view fits it does the
    same."""
    import capacity.question4 as q4
    from capacity.models.capture import resolve_capture
    from capacity.models.stays import build_stays
    from capacity.national import _fit_city

    syn = generate(8, scale=0.05, n_cities=2, config=SynthConfig(screening_channels=("online",)))
    write_folder(syn, tmp_path / "ds")
    ds = load_dataset(tmp_path / "ds")
    p = Params(n_boot=5)
    q, diag = resolve_capture(p, ds.sightings)
    assert diag.capture == "on_arrival" and q.stay_model == "deconvolve_arrival"
    models, fit_models = [], q4.fit_models

    def spy(data, params, **kw):
        models.append(params.stay_model)
        return fit_models(data, params, **kw)

    monkeypatch.setattr(q4, "fit_models", spy)
    res = national_view(ds, p)
    assert len(res.cities) == 2 and models == ["margins", "margins"]
    stays = build_stays(ds.sightings, p.gap_days, p.period_start, p.period_end)
    _fit_city(ds, p.replace(city=res.cities.index[0]), stays)
    assert models[-1] == "margins"
