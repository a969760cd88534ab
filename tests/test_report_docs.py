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
