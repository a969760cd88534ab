"""Figures: titles, axis labels with units, Okabe–Ito colours, alt text with the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capacity import figures


def _check(fig: figures.Figure) -> None:
    ax = fig.fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() or ax.get_yticklabels()
    assert len(fig.alt) > 40
    colours = {line.get_color().upper() for line in ax.get_lines()}
    assert colours <= {c.upper() for c in figures.OKABE_ITO.values()}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_reach_distribution(lang):
    draws = np.random.default_rng(3).beta(40, 60, 300)
    fig = figures.reach_distribution(draws, 0.8, lang)
    _check(fig)
    assert ("Målet 80\xa0%" if lang == "sv" else "target of 80%") in fig.alt
    assert "0" in fig.alt  # share of draws reaching the target is stated


def test_survival_curve_starts_at_one_and_states_the_median():
    frame = pd.DataFrame(
        {
            "time": [5.0, 10.0, 20.0],
            "survival": [0.8, 0.5, 0.1],
            "ci_lower": [0.7, 0.4, 0.05],
            "ci_upper": [0.9, 0.6, 0.2],
        }
    )
    fig = figures.survival_curve(frame, "en", median_days=10)
    _check(fig)
    x, y = fig.fig.axes[0].get_lines()[0].get_data()
    assert x[0] == 0 and y[0] == 1
    assert "after 10 days" in fig.alt


def test_languages_leave_out_small_counts_and_say_so():
    frame = pd.DataFrame(
        {
            "persons": [40, 3, 12],
            "share_of_target_group": [0.7, 0.05, 0.25],
            "reach": [0.5, 0.1, 0.2],
        },
        index=["ro", "bg", "en"],
    )
    fig = figures.languages(frame, "sv", threshold=5)
    labels = [t.get_text() for t in fig.fig.axes[0].get_yticklabels()]
    assert "bulgariska" not in labels and "rumänska" in labels
    assert "1 språk med färre än 5 personer visas inte" in fig.alt


def test_save_writes_png_and_svg(tmp_path):
    fig = figures.reach_distribution(np.linspace(0.2, 0.4, 50), 0.8, "en")
    paths = fig.save(tmp_path)
    assert [p.suffix for p in paths] == [".png", ".svg"] and all(
        p.stat().st_size > 1000 for p in paths
    )


def test_scenario_comparison_and_forecast_figures():
    frame = pd.DataFrame(
        {
            "extra_fte": [0, 2, 0, 2],
            "stay_multiplier": [1.0, 1.0, 0.5, 0.5],
            "reach_effective": [0.4, 0.6, 0.3, 0.5],
            "reach_lower": [0.35, 0.55, 0.25, 0.45],
            "reach_upper": [0.45, 0.65, 0.35, 0.55],
        }
    )
    _check(figures.scenario_comparison(frame, 0.8, "en"))
    # a sweep over two targets marks both (reach does not depend on the target), each
    # labelled with its value, and the legend covers no line
    both = figures.scenario_comparison(frame, [0.8, 0.7], "sv")
    ax = both.fig.axes[0]
    goals = sorted(line.get_ydata()[0] for line in ax.lines if line.get_linestyle() != "-")
    assert goals == [0.7, 0.8]
    assert {"Mål 70\xa0%", "Mål 80\xa0%"} <= {x.get_text() for x in ax.get_legend().texts}
    assert "70\xa0%/80\xa0%" in both.alt
    months = pd.date_range("2024-01-01", periods=6, freq="MS")
    future = pd.date_range("2024-07-01", periods=3, freq="MS")
    fc = pd.DataFrame(
        {"estimate": [10.0, 11, 12], "ci_lower": [8.0, 9, 9], "ci_upper": [12.0, 13, 15]},
        index=future,
    )
    fig = figures.arrivals_forecast(pd.Series(np.arange(6.0) + 5, index=months), fc, "sv")
    _check(fig)
    assert "2024-09" in fig.alt


def test_page_one_curve_text_is_at_least_7_pt_as_shown_on_the_page():
    """The curve is shown at 46 % of the text column (report.css: `.pair > figure`), so its
    fonts shrink by (shown width / drawn width); its legend was ≈ 5.5 pt on the page."""
    from capacity import figures_options

    rows = [
        (s, x, e, 0.95 * e, 1.05 * e)
        for s, k in (("random", 1.2), ("screening", 1.9), ("estimated", 1.3))
        for x in range(21)
        for e in [0.05 + 0.012 * k * x]
    ]
    curve = pd.DataFrame(
        rows, columns=["strategy", "extra_fte", "estimate", "ci_lower", "ci_upper"]
    )
    fig = figures_options.reach_curve(curve, 0.8, "sv").fig
    drawn = fig.get_tightbbox(fig.canvas.get_renderer()).width  # inches, as saved (tight)
    shown = 0.46 * 48 * 10 / 72  # 46 % of `main { max-width: 48em }` at the 10 pt body size
    scale = min(1.0, shown / drawn)
    legend = fig.axes[0].get_legend()
    sizes = [x.get_fontsize() for x in legend.get_texts()]
    sizes += [x.get_fontsize() for x in fig.axes[0].get_xticklabels()]
    assert min(sizes) * scale >= 7.0
