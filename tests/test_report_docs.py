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
    from capacity.report.paramdoc import NOTEBOOK_ONLY, mapping_block, parameters_cell

    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        extra = tuple(k for k in NOTEBOOK_ONLY if f"\n{k} = " in code[0].source)
        assert code[0].source == parameters_cell(extra), (
            f"{path.name}: run capacity.report.paramdoc"
        )
        assert mapping_block() in code[1].source, f"{path.name}: run capacity.report.paramdoc"
