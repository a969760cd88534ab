"""The committee report's key figures on the sample against tests/golden/ (see golden.py)."""

from __future__ import annotations

import copy
import json

import pytest
from golden import GOLDEN, compute, differences


@pytest.mark.slow
def test_key_figures_of_the_committee_report_match_the_golden_file():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    moved = differences(expected, compute())
    assert not moved, (
        "headline numbers moved; if the change is intended, run `make golden` and explain "
        "the diff of tests/golden/committee_key_figures.json in the commit message:\n"
        + "\n".join(moved)
    )


def test_a_moved_figure_is_reported():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert differences(expected, expected) == []
    moved = copy.deepcopy(expected)
    moved["key_figures"]["reach_effective"]["estimate"] *= 1.01
    moved["verdict"] = "uncertain" if expected["verdict"] != "uncertain" else "sufficient"
    lines = differences(expected, moved)
    assert len(lines) == 2 and lines[0].startswith("verdict:")
    assert lines[1].startswith("reach_effective.estimate:")
