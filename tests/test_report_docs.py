"""docs/parameters.md is generated from capacity.config.Params and must be up to date."""

from capacity.config import ROOT, Params
from capacity.report.paramdoc import parameters_markdown


def test_parameters_doc_is_up_to_date():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameters_markdown(), (
        "docs/parameters.md is stale: run `.venv/bin/python -m capacity.report.paramdoc`."
    )


def test_every_parameter_has_a_row():
    text = parameters_markdown()
    for name in Params().to_dict():
        assert f"| `{name}` |" in text


def test_notebook_parameter_cells_match_params():
    """Every notebook lists every Params field (run `python -m capacity.report.paramdoc`)."""
    import nbformat

    from capacity.config import NOTEBOOKS_DIR
    from capacity.report.paramdoc import (
        BEFORE_CELL,
        NOTEBOOK_ONLY,
        parameters_cell,
        validation_call,
    )

    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        i = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
        extra = tuple(k for k in NOTEBOOK_ONLY if f"\n{k}: str = " in cells[i].source)
        hint = f"{path.name}: run `.venv/bin/python -m capacity.report.paramdoc`"
        assert cells[i].source == parameters_cell(extra), hint
        assert cells[i - 1].source == BEFORE_CELL, hint
        setup = next(c for c in cells[i + 1 :] if c.cell_type == "code")
        assert validation_call(extra) in setup.source, hint


def test_paramdoc_sync_is_idempotent(tmp_path):
    import shutil

    from capacity.config import NOTEBOOKS_DIR
    from capacity.report.paramdoc import sync_notebooks

    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        shutil.copy(path, tmp_path / path.name)
    assert sync_notebooks(tmp_path) == []
