"""Same inputs and parameters, same bytes (issue 13, item 7).

Two renders of the same notebook with the same data and parameters, in two output folders
and at two wall-clock times, give byte-identical tables, figures (SVG and PNG), HTML, XLSX
and PDF. Only provenance.json (run time) and the executed notebook (papermill's timings)
may differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest

from capacity.config import Params
from capacity.report.reproducible import build_time


def test_build_time_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(dt.date(2025, 1, 1)) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time(dt.date(2025, 1, 1)).date() == dt.date(2025, 1, 1)


def test_xlsx_written_twice_is_the_same_bytes(tmp_path):
    import time

    import pandas as pd

    from capacity.tables import make_table
    from capacity.tables_xlsx import write_xlsx

    frame = pd.DataFrame({"n": [12, 3]}, index=["a", "b"])
    tb = make_table(frame, name="t", caption="T", lang="sv", threshold=5, kinds={"n": "count"})
    when = build_time(dt.date(2024, 4, 30))
    a = write_xlsx([tb], tmp_path / "a.xlsx", "sv", when=when)
    time.sleep(1.1)
    b = write_xlsx([tb], tmp_path / "b.xlsx", "sv", when=when)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        core = z.read("docProps/core.xml").decode()
    assert "2024-04-30T00:00:00Z" in core


def _digest(folder: Path) -> dict[str, str]:
    names = ["report.html", "report.pdf", "tables.xlsx"]
    names += [f"figures/{p.name}" for p in sorted((folder / "figures").iterdir())]
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names}


@pytest.mark.slow
def test_two_runs_give_byte_identical_files(tmp_path, tiny_dir):
    from test_report_pipeline import fixture_notebook

    from capacity.report.run import run_report

    nb = fixture_notebook(tmp_path / "fixture.ipynb")
    runs = []
    for k in ("first", "second"):
        params = Params.from_mapping(
            {
                "data_dir": str(tiny_dir),
                "period_start": "2024-01-01",
                "period_end": "2024-04-30",
                "output_dir": str(tmp_path / k),
                "run_id": "same-run",
            }
        )
        runs.append(run_report(params, notebook=str(nb)))
    first, second = (_digest(r.folder) for r in runs)
    assert first.keys() == second.keys() and len(first) >= 5
    differ = [n for n in first if first[n] != second[n]]
    assert not differ, f"not reproducible: {differ}"


def _notebook_outputs(path: Path) -> list:
    """The executed notebook without papermill's timings and the injected parameters."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            continue
        cells.append((cell.cell_type, cell.source, cell.get("outputs", [])))
    return cells


@pytest.mark.slow
def test_committee_report_rendered_twice_is_the_same_bytes(tmp_path, monkeypatch):
    """The full committee report — page one, every section, every table and figure — on a
    small synthetic dataset, rendered twice (cold fit cache, then warm; two output folders;
    two wall-clock times): every file is byte-identical; provenance differs only in its run
    time and output folder, the notebook only in papermill's timings and injected paths."""
    import json
    import time

    from capacity.report.run import run_report
    from capacity.synth import write_synthetic

    world = tmp_path / "world"
    write_synthetic(world, 5, sample=True, scale=0.02, n_cities=3)
    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    runs = []
    for k in ("first", "second"):
        params = Params.from_mapping(
            {
                "data_dir": str(world),
                "city": "Malmö",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "n_boot": 40,
                "output_dir": str(tmp_path / k),
                "run_id": "same-run",
            }
        )
        runs.append(run_report(params, notebook="committee_report"))
        time.sleep(1.1)  # a timestamp in seconds would differ
    first, second = (_digest(r.folder) for r in runs)
    assert first.keys() == second.keys()
    assert {"report.html", "report.pdf", "tables.xlsx"} <= set(first)
    assert sum(n.endswith(".svg") for n in first) >= 3
    differ = [n for n in first if first[n] != second[n]]
    assert not differ, f"not reproducible: {differ}"
    a, b = (_notebook_outputs(r.folder / "committee_report.ipynb") for r in runs)
    assert a == b, "the executed notebook's outputs differ"
    p, q = (json.loads((r.folder / "provenance.json").read_text("utf-8")) for r in runs)
    assert p["started"] != q["started"]
    for rec in (p, q):
        for key in ("started", "finished", "seconds"):
            rec.pop(key)
        rec["parameters"].pop("output_dir")
    assert p == q
