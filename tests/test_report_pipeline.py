"""The rendering pipeline on a tiny fixture notebook: outputs, accessibility, atomicity."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from shared import tiny_with_private_cache as _tiny_fit

from capacity.cli import main
from capacity.config import ROOT, Params
from capacity.exceptions import ReportError
from capacity.report.cache import cache_key
from capacity.report.render import html_to_pdf
from capacity.report.run import parse_formats, run_report
from capacity.tables import make_table, read_tables, to_html
from capacity.tables_xlsx import write_xlsx


def fixture_notebook(path: Path, *, fail: bool = False) -> Path:
    """A notebook shaped like the real ones: parameters, validation, book items."""
    fields = Params().to_dict()
    params_src = "\n".join([f"{k} = {v!r}" for k, v in fields.items()] + ["artifacts_dir = ''"])
    cell = new_code_cell(params_src)
    cell.metadata["tags"] = ["parameters"]
    mapping = ", ".join(f"'{k}': {k}" for k in fields)
    cells = [
        cell,
        new_code_cell(
            "import numpy as np\nimport pandas as pd\n"
            "from capacity import figures\nfrom capacity.config import Params\n"
            "from capacity.report import ReportBook\n"
            f"params = Params.from_mapping({{{mapping}}})\n"
            "book = ReportBook(params, artifacts_dir)\n"
            "book.begin('Fixture report', synthetic=True, files={})"
        ),
        new_code_cell(
            "book.heading('h_answer')\nbook.text('Plain words only.')\n"
            "df = pd.DataFrame({'n': [12, 3, 0], 'share': [0.5, 0.25, 0.0]}, index=['a', 'b', 'c'])\n"
            "book.table(df, name='counts', caption='Counts', kinds={'n': 'count', 'share': 'percent'},"
            " headers={'n': 'Persons', 'share': 'Share'})\n"
            "rng = np.random.default_rng(1)\n"
            "book.figure(figures.reach_distribution(rng.beta(4, 6, 200), 0.8, params.language))\n"
            "book.heading('h_methods', new_page=True)\nbook.text('Second page.')\n"
            "book.suppression_note()\nprint('stdout must not reach the report')"
        ),
    ]
    if fail:
        cells.append(new_code_cell("x = 1\nraise ValueError('deliberate failure')"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "capacity",
        "display_name": "capacity",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _params(tiny_dir, tmp_path: Path, **more) -> Params:
    return Params.from_mapping(
        {
            "data_dir": str(tiny_dir),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "output_dir": str(tmp_path / "reports"),
            **more,
        }
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, tiny_dir):
    tmp = tmp_path_factory.mktemp("render")
    nb = fixture_notebook(tmp / "fixture.ipynb")
    return run_report(_params(tiny_dir, tmp, run_id="fixture-run"), notebook=str(nb))


@pytest.mark.slow
def test_run_folder_holds_every_output(rendered):
    folder = rendered.folder
    assert folder.name == "fixture-run"
    for name in ("fixture.ipynb", "report.html", "report.pdf", "tables.xlsx", "provenance.json"):
        assert (folder / name).exists(), name
    assert sorted(p.suffix for p in (folder / "figures").iterdir()) == [".png", ".svg"]
    assert not (folder / "artifacts").exists()
    assert not list(folder.parent.glob(".*.partial"))
    text = str(rendered)
    assert str(folder) in text and " s " in text


@pytest.mark.slow
def test_pdf_is_tagged_titled_and_in_the_report_language(rendered):
    from pypdf import PdfReader

    reader = PdfReader(rendered.folder / "report.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "Fixture report"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # declares PDF/UA-1
    assert [o["/Title"] for o in reader.outline[:1]] == ["Fixture report"]
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) == 2
    for i, page in enumerate(pages, start=1):
        assert "SYNTETISKA DATA – inte verkliga uppgifter" in page
        assert f"Sida {i} av 2" in page
    whole = "\n".join(pages)
    assert "Tabell 1. Counts" in whole and "Figur 1." in whole
    for code in ("import ", "Params.from_mapping", "book.", "stdout must not", "In ["):
        assert code not in whole


@pytest.mark.slow
def test_html_has_no_code_or_prompts_and_every_image_has_alt(rendered):
    html = (rendered.folder / "report.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "<title>Fixture report</title>" in html
    for code in (
        "import numpy",
        "Params.from_mapping",
        "In&nbsp;[",
        "jp-InputPrompt",
        "stdout must",
    ):
        assert code not in html
    assert html.count("<img") == html.count('alt="Histogram') == 1
    assert '<th scope="col">Persons</th>' in html and "&lt;5" in html


@pytest.mark.slow
def test_xlsx_keeps_numbers_and_hides_small_cells(rendered):
    sheet = pd.read_excel(rendered.folder / "tables.xlsx", sheet_name="counts", index_col=0)
    assert sheet.loc["a", "Persons"] == 12
    assert sheet.loc["b", "Persons"] == "<5"
    assert sheet.loc["c", "Persons"] == 0
    assert sheet["Share"].tolist() == [0.5, 0.25, 0.0]


@pytest.mark.slow
def test_provenance_records_inputs_parameters_and_versions(rendered, tiny_dir):
    record = json.loads((rendered.folder / "provenance.json").read_text(encoding="utf-8"))
    for table in ("sightings", "outreach", "staff", "operations"):
        path = tiny_dir / f"{table}.csv"
        assert (
            record["input_files"][table]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        )
    assert record["parameters"]["run_id"] == "fixture-run"
    assert record["packages"]["weasyprint"].startswith("70")
    assert record["git_commit"]
    assert record["started"] <= record["finished"]
    assert record["suppressed_cells"] == [{"table": 1, "name": "counts", "row": "b", "column": "n"}]


@pytest.mark.slow
def test_failing_cell_names_notebook_and_cell_and_leaves_no_run_folder(tmp_path, tiny_dir):
    nb = fixture_notebook(tmp_path / "broken.ipynb", fail=True)
    params = _params(tiny_dir, tmp_path, run_id="broken-run")
    with pytest.raises(
        ReportError,
        match=r"notebook .broken., cell \d+ \(In \[\d+\]\).*ValueError: deliberate failure",
    ):
        run_report(params, notebook=str(nb), formats="pdf")
    reports = tmp_path / "reports"
    assert not (reports / "broken-run").exists()
    assert not list(reports.glob(".*.partial"))
    kept = reports / "failed" / "broken-run.ipynb"
    assert kept.exists()
    executed = nbformat.read(kept, as_version=4)
    assert any(
        o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", [])
    )


@pytest.mark.slow
def test_a_kernel_dying_in_a_cell_still_keeps_the_notebook_run_so_far(tmp_path, tiny_dir):
    """papermill's engine here writes the notebook once, when the run ends
    (capacity.report.kernel): a kernel that dies mid-run still leaves its notebook."""
    nb_file = fixture_notebook(tmp_path / "dying.ipynb")
    nb = nbformat.read(nb_file, as_version=4)
    nb.cells.append(new_code_cell("import os\nos._exit(1)"))
    nbformat.write(nb, nb_file)
    params = _params(tiny_dir, tmp_path, run_id="dying-run")
    with pytest.raises(ReportError, match="dying"):
        run_report(params, notebook=str(nb_file), formats="pdf")
    kept = tmp_path / "reports" / "failed" / "dying-run.ipynb"
    executed = nbformat.read(kept, as_version=4)
    ran = [c.metadata.papermill["status"] for c in executed.cells if c.cell_type == "code"]
    assert ran[:3] == ["completed"] * 3  # parameters, setup, the book's items
    assert executed.cells[2].execution_count is not None


@pytest.mark.parametrize(
    ("override", "message"),
    [(["target_reach", "1.5"], "target_reach.*out of range"), (["tagret_reach", "0.5"], "unknown")],
)
def test_cli_refuses_bad_parameters_before_running(tmp_path, capsys, override, message):
    import re

    yaml_file = tmp_path / "p.yaml"
    yaml_file.write_text(f"output_dir: {tmp_path / 'reports'}\n", encoding="utf-8")
    code = main(["report", "-f", str(yaml_file), "-p", *override])
    assert code == 2
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "reports").exists()


def test_pdf_without_alt_text_fails(tmp_path):
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    html = f'<html lang="en"><head><title>x</title></head><body><img src="data:image/png;base64,{png}"></body></html>'
    with pytest.raises(ReportError, match="not be accessible.*alt"):
        html_to_pdf(html, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_formats_are_checked():
    assert parse_formats("html, pdf") == ("pdf", "html")
    with pytest.raises(ReportError, match="docx"):
        parse_formats("pdf,docx")


def test_cache_key_ignores_scenario_and_presentation_parameters():
    files = {"sightings": {"sha256": "a" * 64}}
    base = Params()
    assert cache_key(base, files) == cache_key(
        base.replace(extra_fte=3, language="en", target_reach=0.6), files
    )
    assert cache_key(base, files) != cache_key(base.replace(gap_days=7), files)
    assert cache_key(base, files) != cache_key(base, {"sightings": {"sha256": "b" * 64}})


def test_tables_suppress_and_round_trip_through_json_and_xlsx(tmp_path):
    frame = pd.DataFrame({"persons": [2, 40], "rate": [0.125, 1.5]}, index=["x", "y"])
    tb = make_table(
        frame,
        name="t",
        caption="Cap",
        lang="en",
        threshold=5,
        kinds={"persons": "count", "rate": "number2"},
    )
    assert tb.suppressed == [("x", "persons")]
    tb.number = 3
    html = to_html(tb)
    assert "<caption>Table 3. Cap</caption>" in html and "&lt;5" in html and "1.50" in html
    (tmp_path / "03_t.json").write_text(tb.to_json(), encoding="utf-8")
    [again] = read_tables(tmp_path)
    assert again.suppressed == [("x", "persons")] and again.number == 3
    path = write_xlsx([again], tmp_path / "t.xlsx", "en")
    sheet = pd.read_excel(path, sheet_name="t", index_col=0)
    assert sheet.loc["x", "persons"] == "<5" and sheet.loc["y", "rate"] == 1.5


@pytest.mark.slow
def test_plain_papermill_refuses_out_of_range_values_before_reading_data(tmp_path, tiny_dir):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = ROOT / "notebooks" / "data_quality.ipynb"
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(nb),
            str(tmp_path / "out.ipynb"),
            parameters={"data_dir": str(tiny_dir), "target_reach": 1.5},
            progress_bar=False,
        )
    assert info.value.ename == "ParameterError"
    assert "target_reach" in info.value.evalue and "0.01 to 0.99" in info.value.evalue
    assert "Params.from_namespace" in info.value.source  # the validation cell, before any load


def test_fit_cache_refits_over_a_corrupt_entry_and_reuses_a_good_one(tmp_path, monkeypatch):
    """A cache entry that fails its check is replaced (atomically), never deleted first:
    deleting it raced with a parallel sweep worker that had just seen it exist."""
    from capacity.report.cache import MAGIC, cache_key, fitted_models

    params, data = _tiny_fit(tmp_path, monkeypatch)
    entry = tmp_path / "cache" / f"{cache_key(params, data.files)}.fit"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"not a pickle")
    fitted = fitted_models(data, params)
    assert entry.read_bytes().startswith(MAGIC)
    assert list(entry.parent.glob("*.tmp")) == []
    again = fitted_models(data, params)
    assert type(again) is type(fitted) and again.persons_observed == fitted.persons_observed
    key = tmp_path / "secret" / "cache.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch planted-ran",))


def test_fit_cache_never_unpickles_a_planted_or_foreign_entry(tmp_path, monkeypatch):
    """A pickle that would run code, unsigned or signed with another key, is never loaded;
    a correctly signed entry of the wrong type is not used either (issue 13, item 5)."""
    import pickle

    from capacity.question4.fit import FittedModels
    from capacity.report import cache

    params, data = _tiny_fit(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    entry = tmp_path / "cache" / f"{cache.cache_key(params, data.files)}.fit"
    entry.parent.mkdir(parents=True)
    evil = pickle.dumps(_Planted())
    entry.write_bytes(evil)  # a bare pickle
    assert isinstance(cache.fitted_models(data, params), FittedModels)
    entry.write_bytes(cache.MAGIC + cache._sign(b"x" * 32, evil) + evil)  # another key
    assert isinstance(cache.fitted_models(data, params), FittedModels)
    assert not (tmp_path / "planted-ran").exists()
    key = cache.cache_secret(params, entry.parent)
    cache.store_entry(entry, key, {"not": "a fit"})  # right key, wrong type
    assert cache.load_entry(entry, key) is None
    assert isinstance(cache.fitted_models(data, params), FittedModels)


def test_fit_cache_is_off_when_its_key_would_sit_in_the_output_folder(tmp_path, monkeypatch):
    from capacity.report import cache

    params, data = _tiny_fit(tmp_path, monkeypatch)
    monkeypatch.setenv("CAPACITY_CACHE_KEY", str(tmp_path / "reports" / "k"))
    with pytest.warns(UserWarning, match="fit cache off"):
        cache.fitted_models(data, params)
    assert not (tmp_path / "reports" / "k").exists()
    assert not (tmp_path / "cache").exists()


def test_fit_cache_survives_a_directory_where_the_entry_should_be(tmp_path, monkeypatch):
    from capacity.report import cache

    params, data = _tiny_fit(tmp_path, monkeypatch)
    entry = tmp_path / "cache" / f"{cache.cache_key(params, data.files)}.fit"
    entry.mkdir(parents=True)
    with pytest.warns(UserWarning, match="not written"):
        fitted = cache.fitted_models(data, params)
    assert fitted.persons_observed > 0 and entry.is_dir()


def test_kernel_that_dies_at_start_up_gives_a_clear_error(monkeypatch, tmp_path):
    """Kernels start over IPC, so there is no port race to retry; a kernel that dies before
    kernel_info is one clear ReportError (started once), other errors pass unchanged."""
    import papermill

    from capacity.exceptions import ReportError
    from capacity.report import kernel

    calls = []

    def dying(*args, **kwargs):
        calls.append(kwargs)
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", dying)
    with pytest.raises(ReportError, match="died while starting, before any cell ran"):
        kernel.execute(tmp_path / "nb.ipynb", tmp_path / "out.ipynb", {}, "capacity")
    assert len(calls) == 1
    assert calls[0]["kernel_manager_class"]().transport == "ipc"

    def broken(*args, **kwargs):
        raise RuntimeError("something else")

    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="something else"):
        kernel.execute(tmp_path / "nb.ipynb", tmp_path / "out.ipynb", {}, "capacity")


def test_a_kernel_that_dies_in_a_cell_is_named_as_such(tmp_path):
    from nbclient.exceptions import DeadKernelError

    from capacity.report.run import _cell_error

    kept = tmp_path / "failed" / "x.ipynb"
    err = _cell_error(DeadKernelError("Kernel died"), "committee_report", kept)
    assert "the Jupyter kernel died while running a cell" in str(err)
    assert "out of memory" in str(err) and str(kept) in str(err)
