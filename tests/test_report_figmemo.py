"""A sweep's figures keyed by their inputs: drawn once, shared by its kernels, never too coarsely."""

from __future__ import annotations

import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

from capacity import figures
from capacity.config import Params
from capacity.report import figmemo, figsave
from capacity.report.book import ReportBook

BUILT: list[tuple] = []


def counted(draws, target, lang, *, note: str = ""):
    """A figure builder that records every call (``note``: a keyword that changes the title)."""
    BUILT.append((target, lang, note))
    made = figures.reach_distribution(draws, target, lang)
    made.fig.suptitle(note)
    return made


@pytest.fixture
def sweep_kernel(tmp_path, monkeypatch):
    """As in a sweep's warm kernel: the memo on, a shared cache folder, a fresh kernel memo.

    The report style is set first, as by the report's earlier figures: the key holds the
    ``rcParams`` a figure is built under (a builder that sets the style changes them).
    """
    from capacity.figures_style import style

    style()
    monkeypatch.setenv(figsave.MEMO_SWITCH, "1")
    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CAPACITY_CACHE_KEY", str(tmp_path / "key" / "cache.key"))
    monkeypatch.setattr(figmemo, "_MEMO", {})
    monkeypatch.setattr(figsave, "_MEMO", {})
    BUILT.clear()
    yield tmp_path
    plt.close("all")


def _book(tmp_path, name: str, **values) -> ReportBook:
    params = Params(output_dir=str(tmp_path / "out"), **values)
    return ReportBook(params, tmp_path / name, show=False)


def _files(book: ReportBook) -> dict[str, str]:
    folder = book.artifacts / "figures"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _draws(seed: int = 3):
    return np.random.default_rng(seed).beta(4, 6, 200)


def test_a_figure_drawn_before_is_not_built_again_and_is_the_same_bytes(sweep_kernel):
    tmp = sweep_kernel
    first = _book(tmp, "a")
    html_a = first.figure_of(counted, _draws(), 0.8, "sv", height=2.0)
    assert len(BUILT) == 1
    # another report of the sweep, on the *other* kernel: only the shared folder is common
    figmemo._MEMO.clear()
    figsave._MEMO.clear()
    second = _book(tmp, "b")
    html_b = second.figure_of(counted, _draws(), 0.8, "sv", caption=None, height=2.0)
    assert len(BUILT) == 1  # neither built nor drawn
    assert html_b == html_a
    assert (
        _files(second)
        == _files(first)
        == {
            "01_reach_distribution.png": _files(first)["01_reach_distribution.png"],
            "01_reach_distribution.svg": _files(first)["01_reach_distribution.svg"],
        }
    )
    # numbered in its report like any other figure
    assert 'id="figure-2"' in second.figure_of(counted, _draws(), 0.8, "sv", height=2.0)
    assert sorted(_files(second)) == [
        "01_reach_distribution.png",
        "01_reach_distribution.svg",
        "02_reach_distribution.png",
        "02_reach_distribution.svg",
    ]


def test_the_bytes_are_those_a_single_report_draws_for_its_files(sweep_kernel, monkeypatch):
    tmp = sweep_kernel
    _book(tmp, "a").figure_of(counted, _draws(), 0.8, "sv")
    shared = _book(tmp, "b")
    shared.figure_of(counted, _draws(), 0.8, "sv")
    monkeypatch.delenv(figsave.MEMO_SWITCH)  # a single report: forked figure files
    single = _book(tmp, "c")
    single.figure_of(counted, _draws(), 0.8, "sv")
    figsave.wait_for_figures(single.artifacts / "figures")
    assert _files(shared) == _files(single)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((_draws(4), 0.8, "sv"), {}),  # other data
        ((_draws(), 0.7, "sv"), {}),  # other target
        ((_draws(), 0.8, "en"), {}),  # other language
        ((_draws(), 0.8, "sv"), {"note": "x"}),  # a keyword
        ((_draws(), 0.8, "sv"), {"height": 2.5}),  # the height the report gives it
    ],
)
def test_any_other_input_draws_the_figure_anew(sweep_kernel, args, kwargs):
    """A key that left out any input would show another scenario's figure."""
    tmp = sweep_kernel
    first = _book(tmp, "a")
    first.figure_of(counted, _draws(), 0.8, "sv", height=2.0)
    other = _book(tmp, "b")
    other.figure_of(counted, *args, **{"height": 2.0, **kwargs})
    assert len(BUILT) == 2
    assert _files(other)["01_reach_distribution.png"] != _files(first)["01_reach_distribution.png"]


def test_a_frames_attrs_are_part_of_the_key(sweep_kernel):
    import pandas as pd

    a = pd.DataFrame({"x": [1.0, 2.0]})
    b = a.copy()
    b.attrs["unit"] = "days"
    key_a = figmemo.content_key(counted, (a,), {}, None)
    assert key_a == figmemo.content_key(counted, (a.copy(),), {}, None)
    assert key_a != figmemo.content_key(counted, (b,), {}, None)
    assert key_a != figmemo.content_key(figures.tornado, (a,), {}, None)  # another builder
    assert figmemo.content_key(counted, (lambda: 1,), {}, None) is None  # cannot be keyed


def test_equal_frames_read_back_from_a_cache_have_the_key_of_the_fresh_ones(sweep_kernel):
    """The budget frontier and its FTE-only line, made in this process or each read back from
    the results cache (a pickle round trip each), are equal frames: one key, one drawing.

    Pickled together as they are, the fresh frames share their column names and the
    round-tripped ones do not, so a plain pickle gave two keys for one figure.
    """
    import pickle

    import pandas as pd

    best = pd.DataFrame({"budget": [1e6, 2e6], "reach": [0.4, 0.5]})
    only = pd.DataFrame({"budget": [1e6, 2e6], "reach": [0.3, 0.35]})
    back = [pickle.loads(pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL)) for f in (best, only)]
    fresh = figmemo.content_key(counted, (best, only, "sv"), {}, 2.0)
    assert fresh is not None
    assert figmemo.content_key(counted, (*back, "sv"), {}, 2.0) == fresh
    other = only.assign(reach=[0.3, 0.36])  # a value differs: another key
    assert figmemo.content_key(counted, (best, other, "sv"), {}, 2.0) != fresh


def test_an_altered_shared_entry_is_not_shown(sweep_kernel):
    tmp = sweep_kernel
    first = _book(tmp, "a")
    first.figure_of(counted, _draws(), 0.8, "sv")
    (entry,) = (tmp / "cache" / "figures").glob("*.fig")
    blob = bytearray(entry.read_bytes())
    blob[-1] ^= 1
    entry.write_bytes(bytes(blob))
    figmemo._MEMO.clear()
    second = _book(tmp, "b")
    second.figure_of(counted, _draws(), 0.8, "sv")
    assert len(BUILT) == 2  # drawn again
    assert _files(second) == _files(first)


def test_a_single_report_builds_every_figure_and_shares_nothing(sweep_kernel, monkeypatch):
    tmp = sweep_kernel
    monkeypatch.delenv(figsave.MEMO_SWITCH)
    for name in ("a", "b"):
        book = _book(tmp, name)
        book.figure_of(counted, _draws(), 0.8, "sv")
        figsave.wait_for_figures(book.artifacts / "figures")
    assert len(BUILT) == 2
    assert not (tmp / "cache" / "figures").exists()


def _png_only_book(tmp_path, name: str) -> ReportBook:
    """A book whose runner asked for PNG figure files only (``run_report(svg=False)``)."""
    (tmp_path / name).mkdir()
    figsave.request_png_only(tmp_path / name)
    return _book(tmp_path, name)


def test_a_report_without_svgs_shares_its_png_and_one_with_svgs_draws_them(sweep_kernel):
    """Scenario reports write PNGs only (``run_report(svg=False)``); a report of the same
    sweep that wants the SVG (the comparison report) does not take such an entry."""
    tmp = sweep_kernel
    png_only = _png_only_book(tmp, "a")
    png_only.figure_of(counted, _draws(), 0.8, "sv")
    assert sorted(_files(png_only)) == ["01_reach_distribution.png"]
    again = _png_only_book(tmp, "b")
    again.figure_of(counted, _draws(), 0.8, "sv")
    assert len(BUILT) == 1 and _files(again) == _files(png_only)
    full = _book(tmp, "c")
    full.figure_of(counted, _draws(), 0.8, "sv")
    assert len(BUILT) == 2  # drawn again, with its SVG
    assert sorted(_files(full)) == ["01_reach_distribution.png", "01_reach_distribution.svg"]
    png = "01_reach_distribution.png"
    assert _files(full)[png] == _files(png_only)[png]
    last = _png_only_book(tmp, "d")
    last.figure_of(counted, _draws(), 0.8, "sv")  # the full entry serves a PNG-only report
    assert len(BUILT) == 2 and _files(last) == _files(png_only)
