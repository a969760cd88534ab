"""Disclosure control across the whole report (issue 13, item 6).

Unit level: grouping small categories before shares are computed leaves no shown share from
which a hidden count follows. End to end: a committee report for the tiny synthetic city
with a lowered threshold is scanned in every artefact (PDF text of every page, HTML with alt
text, XLSX cells, SVG text, the executed notebook) for the small language counts, their
shares, counts in prose, and the lowered-threshold mark.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacity.config import Params
from capacity.i18n import language_name
from capacity.privacy.grouping import OTHER, group_small


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=1, max_size=12),
    threshold=st.integers(2, 10),
)
def test_no_shown_share_gives_back_a_hidden_count(counts, threshold):
    n = pd.Series(counts, index=[f"l{i}" for i in range(len(counts))], dtype=float)
    total = n.sum()
    frame = pd.DataFrame({"persons": n, "share": n / total if total else n})
    out, grouped = group_small(frame, "persons", threshold, sums=["share"])
    assert out["persons"].sum() == total  # nothing lost
    shown = out["persons"]
    small = (shown > 0) & (shown < threshold)
    # at most one small row: the group, and only when everything together is small
    assert small.sum() <= 1
    if small.any():
        assert small.index[small][0] == OTHER
        assert out.drop(index=OTHER)["persons"].sum() == 0
    assert all(0 < n[g] for g in grouped)


def test_group_takes_the_smallest_shown_category_when_it_is_still_small():
    f = pd.DataFrame({"persons": [30, 8, 6, 2]}, index=["sv", "en", "ro", "th"])
    out, grouped = group_small(f, "persons", 5)
    assert grouped == ["th", "ro"] and out.loc[OTHER, "persons"] == 8
    assert list(out.index) == ["sv", "en", OTHER]


def _texts(folder: Path) -> dict[str, str]:
    """Every artefact's text: PDF pages, HTML, SVG, XLSX cells, executed notebook outputs."""
    from pypdf import PdfReader

    out = {}
    for i, page in enumerate(PdfReader(folder / "report.pdf").pages):
        out[f"pdf page {i + 1}"] = page.extract_text()
    out["html"] = (folder / "report.html").read_text(encoding="utf-8")
    for svg in sorted((folder / "figures").glob("*.svg")):
        out[svg.name] = svg.read_text(encoding="utf-8")
    from openpyxl import load_workbook

    wb = load_workbook(folder / "tables.xlsx")
    for ws in wb.worksheets:
        cells = [
            " | ".join("" if v is None else str(v) for v in r)
            for r in ws.iter_rows(values_only=True)
        ]
        out[f"xlsx {ws.title}"] = "\n".join(cells)
    nb = nbformat.read(next(folder.glob("*.ipynb")), as_version=4)
    outputs = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            outputs.append(str(o.get("text", "")))
            outputs += [str(v) for k, v in o.get("data", {}).items() if k.startswith("text/")]
    out["notebook"] = "\n".join(outputs)
    return {
        k: re.sub(r"\s+", " ", v.replace("\xa0", " ").replace("\u202f", " "))
        for k, v in out.items()
    }


@pytest.mark.slow
def test_tiny_city_report_discloses_no_small_count(tmp_path, monkeypatch, tiny_dir):
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate
    from capacity.report import fitted_models
    from capacity.report.run import run_report

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    threshold = 3  # below the default: the report must say so on every page
    params = Params.from_mapping(
        {
            "data_dir": str(tiny_dir),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "n_boot": 40,
            "output_dir": str(tmp_path / "reports"),
            "run_id": "tiny-disclosure",
            "suppression_threshold": threshold,
        }
    )
    run = run_report(params, notebook="committee_report")
    result = evaluate(fitted_models(load_dataset(params.data_path), params), params)
    texts = _texts(run.folder)

    pages = [k for k in texts if k.startswith("pdf page")]
    assert pages and all("RÖJANDEKONTROLL SÄNKT" in texts[k] for k in pages), "mark missing"

    persons = result.languages["persons"]
    small = persons[(persons > 0) & (persons < threshold)]
    assert len(small), "the tiny city should have languages below the threshold"
    for code in small.index:
        name = language_name(code, "sv")
        share = re.compile(rf"{re.escape(name)}\W{{0,4}}\(?\s*\d+(?:,\d+)?\s*%", re.I)
        for where, text in texts.items():
            assert not share.search(text), f"share of {name} ({int(small[code])}) in {where}"
        xlsx = "\n".join(t for k, t in texts.items() if k.startswith("xlsx"))
        assert not re.search(rf"{re.escape(name)} \| \d", xlsx), f"{name} with a count in XLSX"
        for where, text in texts.items():
            if where.endswith(".svg"):
                assert name not in text, f"{name} drawn in {where}"

    prose = texts["html"]
    hidden = re.findall(rf"\b([1-{threshold - 1}]) (?:av|of) (\d+)\b", prose)
    assert not hidden, f"a small count in prose: {hidden}"
