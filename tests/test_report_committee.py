"""The committee report's page one: how sure it is, the tornado, cooperation, competence.

Issues 9 (item 4: the interval is conditional on the model; the range across what the data
cannot decide), 10 (item 4: what cooperation buys beside the same FTE in one city) and 11
(items 1 and 4: options with costs; competence beyond language on page one).
"""

from __future__ import annotations

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from capacity.config import Params
from capacity.dataset import load_dataset
from capacity.question4 import Scenario, evaluate, fit_models

PERIOD = {"period_start": "2024-01-01", "period_end": "2025-12-31"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two synthetic cities (the mobility fit needs more than one), 40 replicates."""
    from capacity.synth import write_synthetic

    folder = tmp_path_factory.mktemp("committee") / "data"
    write_synthetic(folder, seed=5, scale=0.25, n_cities=2)
    ds = load_dataset(folder)
    params = Params(data_dir=str(folder), city="Stockholm", n_boot=40, **PERIOD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(ds, params)
        return ds, params, fitted, evaluate(fitted, params)


def _book(lang: str = "sv", **params):
    from capacity.report import ReportBook

    return ReportBook(Params(language=lang, **params), show=False)


def _frame(fte_needed, reach=(0.04, 0.06)):
    frame = pd.DataFrame(
        {
            "setting": ["strategy", "strategy", "target_reach"],
            "side": ["low", "high", "low"],
            "value": ["random", "screening", "70%"],
            "reach_effective": [reach[0], reach[1], 0.05],
            "fte_needed": list(fte_needed),
        }
    )
    frame.attrs.update(reach_base=0.05, fte_base=150.2)
    return frame


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_how_sure_gives_the_range_in_whole_fte_and_says_when_no_staffing_reaches(lang):
    from capacity.report.committee.sensitivity import conditional_sentence

    book = _book(lang)
    closed = conditional_sentence(book, _frame([92.3, 216.01, 101.0]))
    fte = "årsarbetare" if lang == "sv" else "FTE"
    assert f"93–217 {fte}" in closed  # rounded up: the staff a target needs
    assert not re.search(r"\d[.,]\d+\s*–?\s*\d*\s*" + fte, closed)
    assert "4,0–6,0" in closed if lang == "sv" else "4.0–6.0" in closed
    opened = conditional_sentence(book, _frame([92.3, np.inf, 101.0]))
    assert "∞" not in opened and "inf" not in opened
    assert ("minst 93 årsarbetare" if lang == "sv" else "at least 93 FTE") in opened


@pytest.mark.parametrize("value", ["∞ short", "bara nya annonser"])
def test_a_bar_to_the_axis_edge_keeps_its_label_off_the_main_line(value):
    from capacity import figures

    frame = _frame([100.0, np.inf, 90.0])
    frame.loc[1, "value"] = value
    fig = figures.tornado(frame, "en").fig
    ax = fig.axes[0]
    base = ax.transData.transform((frame.attrs["fte_base"], 0))[0]
    renderer = fig.canvas.get_renderer()
    label = next(x for x in ax.texts if value in x.get_text())
    box = label.get_window_extent(renderer)
    # inside the bar or wholly left of the main line (and right of the row names)
    assert box.x0 >= base - 0.5 or ax.bbox.x0 - 0.5 <= box.x0 <= box.x1 <= base + 0.5
    assert any(x.get_text().strip() == "∞" for x in ax.texts)  # the bar's end says so


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_bar_label_runs_past_the_axis_into_the_row_names(lang):
    """A setting whose FTE needed is near 0 (the committee's sample: an interpreter at
    no contact) keeps its label inside the panel, clear of the row names."""
    from capacity import figures

    frame = _frame([100.0, 420.0, 20.0])
    frame.loc[len(frame)] = ["interpreter_share", "low", "100 %", 0.045, 12.0]
    frame.loc[len(frame)] = ["gap_days", "low", "14 dagar", 0.049, 140.0]
    fig = figures.tornado(frame, lang).fig
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for label in ax.texts:
            box = label.get_window_extent(renderer)
            assert box.x0 >= ax.bbox.x0 - 0.5, label.get_text()
        names = [x.get_window_extent(renderer) for x in ax.get_yticklabels() if x.get_text()]
        for label in ax.texts:
            box = label.get_window_extent(renderer)
            assert not any(box.overlaps(n) for n in names), label.get_text()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_time_to_first_contact_reads_in_whole_percent(world, lang):
    """The strategy check's shares are per cent (whole numbers), as on the report's other
    figures, not fractions with a decimal point in a Swedish report."""
    from capacity.i18n import t
    from capacity.report.committee.mobility import _PLOT_LABELS, strategy_figure

    _, _, _, result = world
    assert result.strategy_fit is not None
    labels = {k: t(f"mob_plot_{k.replace(' ', '_')}", lang) for k in _PLOT_LABELS}
    ax = strategy_figure(result.strategy_fit, labels, "alt", "title", lang).fig.axes[0]
    ax.figure.canvas.draw()
    lo, hi = ax.get_ylim()
    ticks = [x.get_text() for x in ax.get_yticklabels() if lo <= x.get_position()[1] <= hi]
    assert ticks and all(re.fullmatch(r"\d+", x) for x in ticks), ticks
    assert ax.get_ylabel().endswith("(%)")


def test_budget_axis_is_written_in_the_report_language():
    """Million kronor on the budget figure: '2,5' and '5' in Swedish, never '2.5' or '5.0'."""
    from capacity.figures_options import budget_frontier

    budget = pd.Series(np.linspace(0, 20e6, 9))
    best = pd.DataFrame({"budget": budget, "reach": np.linspace(0.05, 0.4, 9)})
    fte_only = pd.DataFrame({"budget": budget, "reach": np.linspace(0.05, 0.3, 9)})
    ax = budget_frontier(best, fte_only, "sv").fig.axes[0]
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    ticks = [x.get_text() for x in ax.get_xticklabels() if lo <= x.get_position()[0] <= hi]
    assert ticks and all(re.fullmatch(r"\d+(,\d)?", x) for x in ticks), ticks


def test_tornado_values_are_written_in_the_report_language():
    from capacity.report.committee.sensitivity import shown_values

    frame = _frame([100.0, np.inf, 90.0])
    frame.loc[len(frame)] = ["detection_share", "low", "0.56", 0.04, 190.0]
    shown = shown_values(frame, "sv")
    assert list(shown["value"]) == ["bara sök", "bara nya annonser", "70\xa0%", "0,56"]
    assert shown.attrs == frame.attrs


def test_tornado_includes_the_level_of_reach_and_a_conversation_reaches_fewer(world):
    from capacity.question4.sensitivity import sensitivity

    _, params, fitted, _ = world
    frame = sensitivity(fitted, params)  # scenario settings: no refits
    by = frame.set_index(["setting", "side"])
    level = by.loc[("reach_level", "low")]  # default level "information": the other is lower
    assert level["value"] == "conversation"
    assert level["reach_effective"] <= frame.attrs["reach_base"] + 1e-12
    assert level["fte_needed"] >= frame.attrs["fte_base"] - 1e-9


def test_cooperation_rows_cost_what_they_pay_for_and_compare_with_the_same_fte(world):
    from capacity.report.committee.options import (
        COORDINATION_FTE,
        LIAISON_FTE,
        coordination_options,
    )

    _, params, _, result = world
    coord = coordination_options(result, params)
    assert list(coord.index) == ["coord_known", "coord_shared"]
    assert coord.loc["coord_known", "cost"] == pytest.approx(LIAISON_FTE * params.cost_outreach_fte)
    assert coord.loc["coord_shared", "cost"] == pytest.approx(
        COORDINATION_FTE * params.cost_outreach_fte
    )
    table = result.coordination(COORDINATION_FTE)
    today = table.loc["today", "reach_tour"]
    assert coord.attrs["today"] == pytest.approx(today)
    assert coord.attrs["alone"] == pytest.approx(table.loc["city_alone", "reach_tour"])
    for key in coord.index:
        row = coord.loc[key]
        assert row["gain"] == pytest.approx(row["reach"] - today)
        assert row["gain"] >= -1e-12  # cooperation never lowers tour reach
        assert row["reach_lower"] <= row["reach"] <= row["reach_upper"]
        assert row["gain_per_mkr"] == pytest.approx(100 * row["gain"] / (row["cost"] / 1e6))


def test_reach_curve_counts_the_verdicts_measure_so_it_meets_the_options(world):
    from capacity.question4.options import Mix, point_reach, reach_curve

    _, params, fitted, result = world
    curve = reach_curve(fitted, params, fte=np.array([0.0, 5.0]), strategies=("estimated",))
    at = curve.set_index("extra_fte")["estimate"]
    assert at[0.0] == pytest.approx(result.key_figures.loc["reach_effective", "estimate"])
    assert at[5.0] == pytest.approx(point_reach(fitted, Mix(extra_fte=5), Scenario()))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_page_one_holds_how_sure_competence_options_and_cooperation(world, lang):
    from capacity.question4.sensitivity import sensitivity
    from capacity.report import committee

    _, params, fitted, result = world
    book = _book(lang)
    options, curve, _, _ = committee.options.compute(fitted, params)
    coord = committee.options.coordination_options(result, params)
    frame = sensitivity(fitted, params)
    committee.page_one(book, result, None, options, curve, fitted, frame, coord)
    html = "".join(book.html_parts)
    # the curve and the competence box side by side, the competence table among them
    assert html.index('class="pair"') < html.index("table-competence") < html.index("table-options")
    assert [tb.name for tb in book.tables] == ["competence", "options"]
    assert [tb.number for tb in book.tables] == [1, 2]
    opts = book.tables[1].frame
    assert len(opts) == len(options) + 2  # cooperation rows last
    assert ("Städer delar vem som nåtts¹" if lang == "sv" else "Cities share who was reached¹") in (
        opts.index
    )
    casework = opts.iloc[:, -1].dropna()
    assert (casework == np.ceil(casework)).all()  # FTE in whole numbers
    assert ("Per resa:" if lang == "sv" else "Per tour:") in html
    comp = book.tables[0].frame
    assert len(comp) == 3 and comp["contacts"].sum() > 0
    # the downstream sentence gives today's casework FTE as the key-figures table does (3,7
    # there read "i dag 4" here)
    from capacity.i18n import format_number

    now = result.key_figures.loc["casework_fte_now", "estimate"]
    word = "i dag" if lang == "sv" else "today"
    assert f"({word} {format_number(now, lang, 1)})" in html


def test_a_table_kept_out_of_the_report_is_saved_but_not_numbered(tmp_path):
    from capacity.report import ReportBook
    from capacity.tables import read_tables

    book = ReportBook(Params(), tmp_path, show=False)
    frame = pd.DataFrame({"x": [1.0]}, index=["a"])
    book.table(frame, name="first", caption="First", count_columns=[])
    book.table(frame, name="saved", caption="Saved", count_columns=[], in_report=False)
    book.table(frame, name="third", caption="Third", count_columns=[])
    assert [tb.number for tb in book.tables] == [1, 0, 2]
    html = "".join(book.html_parts)
    assert "Saved" not in html and "Tabell 2. Third" in html
    assert [tb.name for tb in read_tables(tmp_path / "tables")] == ["first", "saved", "third"]


def test_a_box_wraps_what_is_shown_inside_it_in_one_element():
    book = _book()
    with book.box("pair"):
        book.text("a")
        with book.box("side"):
            book.text("b")
    assert book.html_parts == ['<div class="pair"><p>a</p><div class="side"><p>b</p></div></div>']


def test_compact_gap_names_the_languages_without_shares():
    from capacity.report.committee.first_page import competence_gap_text

    languages = pd.DataFrame(
        {
            "share_of_target_group": [0.5, 0.1, 0.4],
            "staff_speakers_fte": [2.0, 0.0, 0.0],
            "usable_share": [1.0, 0.3, 0.3],
        },
        index=["sv", "ru", "bg"],
    )
    result = SimpleNamespace(languages=languages, params=SimpleNamespace(interpreter_share=None))
    text = competence_gap_text(SimpleNamespace(lang="sv"), result, compact=True)
    assert text == (
        "Ingen i personalen talar bulgariska eller ryska: 50\xa0% av målgruppen. Tolk används "
        "vid 30\xa0% av kontakterna med dem."
    )
