"""Figure files written by a forked process: the same bytes, waited for, failures reported."""

from __future__ import annotations

import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

from capacity import figures
from capacity.exceptions import ReportError
from capacity.figures_style import Figure
from capacity.report import figsave

pytestmark = pytest.mark.skipif(not figsave.forking(), reason="figures are forked on Linux only")


def _figure(name: str) -> Figure:
    rng = np.random.default_rng(3)
    fig = figures.reach_distribution(rng.beta(4, 6, 200), 0.8, "sv")
    return Figure(fig.fig, fig.alt, fig.title, name)


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_forked_figure_files_are_the_bytes_written_in_place(tmp_path, monkeypatch):
    fig = _figure("01_reach")
    fig.save(tmp_path / "inplace")
    figsave.save_figure(fig, tmp_path / "forked")
    figsave.wait_for_figures(tmp_path / "forked")
    plt.close(fig.fig)
    forked = _digests(tmp_path / "forked")
    assert sorted(forked) == ["01_reach.png", "01_reach.svg"]  # no marker, no temporary folder
    assert forked == _digests(tmp_path / "inplace")
    monkeypatch.setenv("CAPACITY_FIGURE_PROCESS", "0")  # switched off: written before returning
    assert not figsave.forking()
    figsave.save_figure(_figure("02_reach"), tmp_path / "off")
    assert sorted(p.name for p in (tmp_path / "off").iterdir()) == ["02_reach.png", "02_reach.svg"]


def test_a_figure_that_cannot_be_saved_is_reported(tmp_path, monkeypatch):
    def broken(self, folder, dpi=200):
        raise ValueError("no room for this figure")

    monkeypatch.setattr(Figure, "save", broken)
    figsave.save_figure(_figure("03_broken"), tmp_path)
    with pytest.raises(ReportError, match="03_broken.*no room for this figure"):
        figsave.wait_for_figures(tmp_path)
    assert not list(tmp_path.glob("*.pending"))


def test_a_figure_never_written_times_out_with_what_to_do(tmp_path):
    (tmp_path / "04_lost.pending").write_bytes(b"")
    with pytest.raises(ReportError, match="04_lost.*CAPACITY_FIGURE_PROCESS=0"):
        figsave.wait_for_figures(tmp_path, timeout=0.05)
    figsave.wait_for_figures(tmp_path / "missing")  # no figures at all: nothing to wait for
