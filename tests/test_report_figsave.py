"""Figure files written by a forked process: the same bytes, waited for, failures reported."""

from __future__ import annotations

import hashlib
import pathlib
import time

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
    def broken(self, folder, dpi=200, svg=None):
        raise ValueError("no room for this figure")

    monkeypatch.setattr(Figure, "save", broken)
    figsave.save_figure(_figure("03_broken"), tmp_path)
    with pytest.raises(ReportError, match="03_broken.*no room for this figure"):
        figsave.wait_for_figures(tmp_path)
    assert not list(tmp_path.glob("*.pending"))


def test_a_failure_seen_before_its_marker_is_gone_leaves_no_marker(tmp_path):
    # The child writes its error file, then removes its marker: a wait that sees the error
    # between the two removes the marker itself (it was left in the report's folder).
    (tmp_path / "04_late.failed").write_text("ValueError: no room for this figure")
    (tmp_path / "04_late.pending").write_bytes(b"")
    with pytest.raises(ReportError, match="04_late.*no room for this figure"):
        figsave.wait_for_figures(tmp_path)
    assert not list(tmp_path.glob("*.pending"))


def test_a_failure_between_the_two_looks_is_still_reported(tmp_path, monkeypatch):
    # The child writes its error file, then removes its marker. A wait that looked for
    # error files just before the child wrote one, and for markers just after it removed
    # its own, returned as if every figure were saved (the flaky failure under load).
    (tmp_path / f"05_late{figsave.PENDING}").write_bytes(b"")
    real_glob = pathlib.Path.glob

    def glob(self, pattern, *args, **kwargs):
        found = list(real_glob(self, pattern, *args, **kwargs))
        if pattern.endswith(figsave.FAILED) and not glob.child_done:
            glob.child_done = True  # the child runs right after this look
            (tmp_path / f"05_late{figsave.FAILED}").write_bytes(b"ValueError: too late\n")
            (tmp_path / f"05_late{figsave.PENDING}").unlink()
        return iter(found)

    glob.child_done = False
    monkeypatch.setattr(pathlib.Path, "glob", glob)
    with pytest.raises(ReportError, match="05_late.*too late"):
        figsave.wait_for_figures(tmp_path)


def test_a_slow_failure_report_is_never_read_half_written(tmp_path, monkeypatch):
    # The forked process is preempted between creating its error file and writing it (as
    # under load in CI, where the parent once read it empty: "unknown error"). The file
    # must appear whole, so the parent reads the error whenever it looks.
    def broken(self, folder, dpi=200, svg=None):
        raise ValueError("no room for this figure")

    def slow(kind):
        def write(self, data, *args, **kwargs):
            with open(self, "w" if kind == "text" else "wb") as f:
                f.flush()
                time.sleep(0.5)
                f.write(data)
            return len(data)

        return write

    monkeypatch.setattr(Figure, "save", broken)
    monkeypatch.setattr(pathlib.Path, "write_text", slow("text"))
    monkeypatch.setattr(pathlib.Path, "write_bytes", slow("bytes"))
    figsave.save_figure(_figure("03_broken"), tmp_path)
    with pytest.raises(ReportError, match="03_broken.*no room for this figure"):
        figsave.wait_for_figures(tmp_path)


def test_a_figure_never_written_times_out_with_what_to_do(tmp_path):
    (tmp_path / "04_lost.pending").write_bytes(b"")
    with pytest.raises(ReportError, match="04_lost.*CAPACITY_FIGURE_PROCESS=0"):
        figsave.wait_for_figures(tmp_path, timeout=0.05)
    figsave.wait_for_figures(tmp_path / "missing")  # no figures at all: nothing to wait for


def test_the_memo_gives_a_figure_seen_before_the_bytes_it_would_draw(tmp_path, monkeypatch):
    """On a sweep's warm kernel a figure is rasterised once: its figures/ PNG, which the
    notebook shows too, written with the SVG by the kernel (nothing forked, no 170 dpi
    PNG). A figure drawn before is not drawn again; its files are the bytes drawing it would
    give. A different figure is drawn."""
    monkeypatch.setattr(figsave, "_MEMO", {})
    # as a report without the memo writes them: the files from the figure as it is made
    ref = _figure("01_reach")
    ref.save(tmp_path / "ref")
    ref_png = (tmp_path / "ref" / "01_reach.png").read_bytes()
    assert _figure("01_reach").png() == ref_png  # Figure.png: the bytes save writes
    monkeypatch.setenv(figsave.MEMO_SWITCH, "1")
    saves = []  # figures handed to save_figure (drawn, in a forked process)
    real_save = figsave.save_figure
    monkeypatch.setattr(
        figsave, "save_figure", lambda fig, *a: saves.append(1) or real_save(fig, *a)
    )
    drawn = []  # the SVG and PNGs drawn
    real_savefig = plt.Figure.savefig

    def savefig(self, *a, **k):
        drawn.append(k.get("format") or str(a[0]).rsplit(".", 1)[-1])
        return real_savefig(self, *a, **k)

    monkeypatch.setattr(plt.Figure, "savefig", savefig)

    def no_show():
        raise AssertionError("a 170 dpi PNG was drawn for the notebook")

    first = _figure("01_reach")
    assert figsave.show_and_save(first, tmp_path / "a", no_show) == ref_png
    assert not saves  # written by the kernel: nothing forked, nothing pending
    assert sorted(drawn) == ["png", "svg"]  # one raster
    assert _digests(tmp_path / "a") == _digests(tmp_path / "ref")
    drawn.clear()
    again = _figure("01_reach")
    assert figsave.show_and_save(again, tmp_path / "b", no_show) == ref_png
    assert drawn == ["svg"]  # the key only: no PNG
    assert _digests(tmp_path / "b") == _digests(tmp_path / "ref")
    # another figure (other data): drawn, not taken from the memo
    rng = np.random.default_rng(4)
    made = figures.reach_distribution(rng.beta(4, 6, 200), 0.8, "sv")
    other = Figure(made.fig, made.alt, made.title, "01_reach")
    drawn.clear()
    assert figsave.show_and_save(other, tmp_path / "c", no_show) != ref_png
    assert sorted(drawn) == ["png", "svg"]
    assert _digests(tmp_path / "c") != _digests(tmp_path / "ref")
    plt.close("all")


def test_the_memo_is_off_unless_a_warm_kernel_of_a_sweep_switches_it_on(monkeypatch):
    monkeypatch.delenv(figsave.MEMO_SWITCH, raising=False)
    assert not figsave.memo_on()
    monkeypatch.setenv(figsave.MEMO_SWITCH, "1")
    assert figsave.memo_on()


def test_a_report_that_asks_for_png_only_gets_the_same_png_and_no_svg(tmp_path, monkeypatch):
    """A sweep's scenario report (``run_report(svg=False)``) writes each figure's PNG alone,
    the bytes a report with SVGs writes: forked, in place, and on a warm kernel with the memo
    (drawn once, no SVG drawn at all)."""
    monkeypatch.setattr(figsave, "_MEMO", {})
    assert figsave.wants_svg(None) and figsave.wants_svg(tmp_path)
    figsave.request_png_only(tmp_path)
    assert not figsave.wants_svg(tmp_path)
    ref = _figure("01_reach")
    ref.save(tmp_path / "ref")
    ref_png = (tmp_path / "ref" / "01_reach.png").read_bytes()
    figsave.save_figure(_figure("01_reach"), tmp_path / "forked", with_svg=False)
    figsave.wait_for_figures(tmp_path / "forked")
    monkeypatch.setenv("CAPACITY_FIGURE_PROCESS", "0")
    figsave.save_figure(_figure("01_reach"), tmp_path / "inplace", with_svg=False)
    monkeypatch.setenv(figsave.MEMO_SWITCH, "1")
    drawn = []
    real_savefig = plt.Figure.savefig

    def savefig(self, *a, **k):
        drawn.append(k.get("format") or str(a[0]).rsplit(".", 1)[-1])
        return real_savefig(self, *a, **k)

    monkeypatch.setattr(plt.Figure, "savefig", savefig)
    shown = figsave.show_and_save(_figure("01_reach"), tmp_path / "memo", None, with_svg=False)
    assert shown == ref_png
    assert drawn == ["png"]  # one raster, no SVG
    for folder in ("forked", "inplace", "memo"):
        files = {p.name: p.read_bytes() for p in (tmp_path / folder).iterdir()}
        assert files == {"01_reach.png": ref_png}, folder
    plt.close("all")
