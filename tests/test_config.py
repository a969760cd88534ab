"""Parameters are validated before any analysis runs."""

import dataclasses
import datetime as dt

import pytest

from capacity.config import ROOT, Params, parameters_table, resolve
from capacity.exceptions import ParameterError


def test_defaults_are_valid_and_frozen():
    p = Params()
    assert p.language == "sv"
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.city = "Malmö"  # type: ignore[misc]


def test_unknown_name_is_refused_with_the_allowed_names():
    with pytest.raises(
        ParameterError,
        match=r"unknown parameter.*'tagret_reach' \(did you mean 'target_reach'\?\).*Allowed:",
    ):
        Params.from_mapping({"tagret_reach": 0.5})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("target_reach", 1.5, "target_reach.*out of range.*0.01 to 0.99"),
        ("n_boot", -1, "n_boot.*out of range"),
        ("language", "de", "language.*one of 'sv', 'en'"),
        ("gap_days", 2.5, "gap_days.*not a valid int"),
        ("period_end", "2025-13-01", "period_end.*not a valid date"),
    ],
)
def test_bad_values_name_the_parameter_and_range(name, value, message):
    with pytest.raises(ParameterError, match=message):
        Params.from_mapping({name: value})


def test_strings_from_the_command_line_are_coerced():
    p = Params.from_mapping({"period_end": "2024-06-30", "n_boot": "50", "target_reach": "0,7"})
    assert p.period_end == dt.date(2024, 6, 30)
    assert p.n_boot == 50
    assert p.target_reach == pytest.approx(0.7)


def test_end_before_start_is_refused():
    with pytest.raises(ParameterError, match="before period_start"):
        Params.from_mapping({"period_start": "2025-01-01", "period_end": "2024-01-01"})


def test_replace_validates_and_leaves_the_original_alone():
    p = Params()
    q = p.replace(extra_fte=2)
    assert q.extra_fte == 2 and p.extra_fte == 0
    with pytest.raises(ParameterError):
        p.replace(stay_multiplier=0)


def test_paths_are_anchored_at_the_project_root():
    assert (ROOT / "pyproject.toml").exists()
    assert resolve("data/sample") == ROOT / "data" / "sample"


def test_every_parameter_is_documented():
    table = parameters_table()
    assert set(table["name"]) == {f.name for f in dataclasses.fields(Params)}
    assert table["meaning"].str.len().min() > 10


def test_from_namespace_takes_every_name_defined_since_before():
    import math

    before = {"In", "Out", "get_ipython"}
    ns = {"In": [], "Out": {}, "_i3": "x", "math": math, "Params": Params, "artifacts_dir": ""}
    ns |= {"city": "Malmö", "target_reach": 0.5, "resolve": resolve}
    params = Params.from_namespace(ns, before, extra=("artifacts_dir",))
    assert (params.city, params.target_reach) == ("Malmö", 0.5)
    with pytest.raises(
        ParameterError, match=r"unknown parameter\(s\): 'tagret_reach' \(did you mean"
    ):
        Params.from_namespace({**ns, "tagret_reach": 0.5}, before, extra=("artifacts_dir",))
    with pytest.raises(ParameterError, match="artifacts_dir"):
        Params.from_namespace(ns, before)  # notebook-only names must be declared
