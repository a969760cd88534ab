"""The per-day stays' caveat cites the coverage study's committed table, and only there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capacity.i18n import caveat_text
from capacity.models.stays.calibration import PER_DAY_COVERAGE, per_day_caveat

COVERAGE_MD = Path(__file__).resolve().parents[1] / "docs" / "methods" / "coverage.md"

ROWS = {
    "median": "chain: median stay (days present)",
    "hazard_ratio": "chain: stay trend, hazard ratio per year",
    "median_ratio": "chain: stay trend, median ratio per year",
}


def _cells(line: str) -> list[str]:
    """The cells of one markdown table row."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _current_table() -> tuple[list[dict], dict[str, str]]:
    """The first per-world table of coverage.md and the settings each world ran with."""
    text = COVERAGE_MD.read_text(encoding="utf-8")
    rows, settings = [], {}
    for line in text.splitlines():
        cells = _cells(line)
        if line.startswith("| ") and len(cells) == 7 and cells[1].startswith("chain:"):
            rows.append(
                {
                    "world": cells[0],
                    "quantity": cells[1],
                    "coverage": float(re.match(r"([\d.]+)%", cells[3]).group(1)) / 100,
                    "bias": float(cells[4].rstrip("%")) / 100,
                }
            )
        elif rows and line.startswith("## "):  # the readings of older tables follow
            break
    block = text.split("Settings the chain's fits ran with per world", 1)[1]
    for line in block.splitlines()[1:]:
        if line.startswith("- "):
            world, _, ran = line[2:].partition(": ")
            settings[world] = ran
        elif settings:
            break
    return rows, settings


def test_the_caveat_cites_the_committed_coverage_table():
    rows, settings = _current_table()
    per_day = {w for w, ran in settings.items() if "/deconvolve/" in ran}
    assert len(per_day) >= 3, "coverage.md has no per-day worlds to cite"
    for key, quantity in ROWS.items():
        cov = [r["coverage"] for r in rows if r["quantity"] == quantity and r["world"] in per_day]
        assert cov, quantity
        assert (min(cov), max(cov)) == pytest.approx(PER_DAY_COVERAGE[key], abs=1e-9), key
    hr_bias = [
        r["bias"] for r in rows if r["quantity"] == ROWS["hazard_ratio"] and r["world"] in per_day
    ]
    lean = -sum(hr_bias) / len(hr_bias)
    assert round(lean, 2) == pytest.approx(PER_DAY_COVERAGE["lean"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_caveat_reads_in_both_languages(lang):
    text = caveat_text(per_day_caveat(), lang, 5)
    assert "{" not in text
    assert ("85–100" in text) and ("85–95" in text) and ("1–42" in text)
    # why the trend leans, and what its interval spans
    assert ("bitar" in text) if lang == "sv" else ("pieces" in text)


def test_the_fte_figure_cites_the_true_stays_table():
    """``PER_DAY_FTE_LOW``: the range of (FTE with the true stays / main estimate − 1) in
    docs/methods/stays.md's table "Against the true stays"; and never below zero."""
    from capacity.models.stays.calibration import PER_DAY_FTE_LOW

    text = (COVERAGE_MD.parent / "stays.md").read_text(encoding="utf-8")
    block = text.split("| world, seed | FTE needed, uniform start (default) |", 1)[1]
    ratios = []
    for line in block.splitlines()[2:]:
        if not line.startswith("| "):
            break
        cells = _cells(line)
        ratios.append(float(cells[2]) / float(cells[1]) - 1)
    assert len(ratios) >= 10
    assert min(ratios) > 0  # the caveat's "never fewer"
    assert (round(min(ratios), 2), round(max(ratios), 2)) == pytest.approx(PER_DAY_FTE_LOW)
