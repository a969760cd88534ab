"""The command line teaches: help with descriptions, examples and defaults, --version,
"did you mean", paths from the current folder, clear errors before the kernel starts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capacity.cli import build_parser, main
from capacity.config import ROOT, Params
from capacity.exceptions import DataError, ParameterError, ReportError

COMMANDS = ("validate", "synth", "pseudonymise", "keygen", "report", "sweep")


def _help(*argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*argv, "--help"])
    assert done.value.code == 0
    return ""


@pytest.mark.parametrize("command", COMMANDS)
def test_each_subcommand_has_a_description_an_example_and_the_docs(command, capsys):
    _help(command)
    text = capsys.readouterr().out
    assert "example" in text and f"capacity {command} " in text.split("example", 1)[1]
    assert "docs/parameters.md" in text
    description = text.split("\n\n", 2)[1]
    assert len(description.split()) >= 15, description


def test_defaults_are_shown_and_top_level_help_lists_every_command(capsys):
    _help("report")
    text = capsys.readouterr().out
    assert "(default: committee_report)" in text and "(default: pdf,html,xlsx)" in text
    assert "(default: None)" not in text and "--quiet" in text
    _help()
    text = capsys.readouterr().out
    for command in COMMANDS:
        assert command in text
    assert "docs/parameters.md" in text and "--version" in text


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"capacity {version('capacity')}"


def test_pseudonymise_names_its_output_column(tmp_path, capsys):
    key = tmp_path / "k"
    main(["keygen", str(key)])
    raw = tmp_path / "raw.csv"
    raw.write_text("phone,date,city,source\n070-123 45 67,2024-01-02,Stockholm,ads_a\n")
    out = tmp_path / "sightings.csv"
    argv = ["pseudonymise", str(raw), str(out), "--column", "phone", "--key-file", str(key)]
    assert main([*argv, "--rename", "phone=person_id"]) == 0
    assert out.read_text().splitlines()[0] == "person_id,date,city,source"
    assert main([*argv, "--rename", "phone"]) == 2
    assert "write OLD=NEW" in capsys.readouterr().err
    assert main([*argv, "--rename", "tel=person_id"]) == 2
    assert "not pseudonymised" in capsys.readouterr().err


def test_ad_text_with_phone_numbers_gets_the_advice_to_drop_it(tmp_path, capsys):
    key = tmp_path / "k"
    main(["keygen", str(key)])
    raw = tmp_path / "raw.csv"
    raw.write_text(
        "phone,ad_text,date\n"
        "070-123 45 67,Ny i stan! Ring mig på 070-123 45 67 idag,2024-01-02\n"
        "070-765 43 21,Sms:a 070-765 43 21 för en träff i kväll,2024-01-03\n"
    )
    out = tmp_path / "out.csv"
    argv = ["pseudonymise", str(raw), str(out), "--column", "phone", "--key-file", str(key)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Drop the column" in err and "--drop 'ad_text'" in err
    assert "--column 'ad_text'" not in err and "45 67" not in err
    assert not out.exists()
    assert main([*argv, "--drop", "ad_text"]) == 0


def test_misspelt_parameter_and_grid_key_get_a_did_you_mean(tmp_path):
    from capacity.report.sweep import load_grid

    with pytest.raises(ParameterError, match=r"'citty' \(did you mean 'city'\?\)"):
        Params.from_mapping({"citty": "Malmö"})
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_ft: [0, 1]\n")
    with pytest.raises(ParameterError, match=r"'extra_ft' \(did you mean 'extra_fte'\?\)"):
        load_grid(grid)
    grid.write_text("gap_days: [14, 28]\n")
    with pytest.raises(ParameterError, match="would need a refit"):
        load_grid(grid)


def test_file_and_grid_are_read_from_the_current_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "mine.yaml").write_text("city: Göteborg\nn_boot: 5\n")
    (tmp_path / "g.yaml").write_text("extra_ft: [1]\n")
    monkeypatch.chdir(tmp_path)
    from capacity.cli import _params_from_args

    args = build_parser().parse_args(["report", "-f", "mine.yaml", "-p", "seed", "3"])
    params = _params_from_args(args)
    assert (params.city, params.n_boot, params.seed) == ("Göteborg", 5, 3)
    assert main(["sweep", "-f", "mine.yaml", "--grid", "g.yaml", "--quiet"]) == 2
    assert f"{tmp_path / 'g.yaml'}: unknown parameter(s) 'extra_ft'" in capsys.readouterr().err
    assert main(["report", "-f", "params/stockholm.yaml"]) == 2  # not the project's params/
    assert str(tmp_path / "params" / "stockholm.yaml") in capsys.readouterr().err


def test_city_or_period_outside_the_data_is_refused_before_the_kernel(
    tmp_path, monkeypatch, tiny_dir
):
    from capacity.report import kernel
    from capacity.report.run import run_report
    from capacity.report.warm import WarmKernel

    def no_kernel(*args, **kwargs):
        raise AssertionError("no cell may run")

    monkeypatch.setattr(kernel, "execute", no_kernel)
    closed = []
    close = WarmKernel.close
    monkeypatch.setattr(WarmKernel, "close", lambda self: closed.append(close(self)))
    base = {"data_dir": str(tiny_dir), "output_dir": str(tmp_path)}
    period = {"period_start": "2024-01-01", "period_end": "2024-04-30"}
    with pytest.raises(DataError, match=r"'Stokholm' does not occur.*Did you mean 'Stockholm'"):
        run_report(Params.from_mapping({**base, **period, "city": "Stokholm"}))
    with pytest.raises(DataError, match="not inside the data's period 2024-01-01 to 2024-04-30"):
        run_report(Params.from_mapping({**base, **period, "period_start": "2023-01-01"}))
    with pytest.raises(DataError, match="no sightings in Göteborg in the period"):
        run_report(
            Params.from_mapping(
                {
                    **base,
                    "city": "Göteborg",
                    "period_start": "2024-04-29",
                    "period_end": "2024-04-30",
                }
            )
        )
    assert list(tmp_path.iterdir()) == []  # nothing written, no failed notebook
    assert len(closed) == 3  # the kernel each run started at once (to gain time) is stopped


def test_missing_kernel_says_the_command_that_registers_it(tmp_path, tiny_dir):
    from capacity.report.run import run_report

    params = Params.from_mapping(
        {
            "data_dir": str(tiny_dir),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "output_dir": str(tmp_path),
        }
    )
    with pytest.raises(ReportError, match="no Jupyter kernel named 'no-such-kernel'") as caught:
        run_report(params, kernel_name="no-such-kernel", formats="html")
    assert "-m ipykernel install --sys-prefix --name no-such-kernel" in str(caught.value)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_papermill_help_notebook_lists_types_defaults_and_help():
    papermill = Path(sys.executable).parent / "papermill"
    nb = ROOT / "notebooks" / "committee_report.ipynb"
    out = subprocess.run(
        [str(papermill), "--help-notebook", str(nb)], capture_output=True, text=True, check=True
    ).stdout
    assert "Unknown type" not in out
    assert "gap_days: int (default 28)" in out and "same stay. [1 to 120 days]" in out
    assert 'period_start: date (default "2022-01-01")' in out
    assert "interpreter_share: Optional[float] (default None)" in out
    for name in Params().to_dict():
        assert f"  {name}: " in out, name


@pytest.mark.slow
def test_report_shows_its_stages_and_quiet_hides_them(tmp_path, capfd, tiny_dir):
    from test_report_pipeline import fixture_notebook

    nb = fixture_notebook(tmp_path / "fixture.ipynb")
    shutil.copy(nb, tmp_path / "copy.ipynb")
    common = ["report", "--notebook", str(nb), "--formats", "pdf,xlsx"]
    common += ["-p", "data_dir", str(tiny_dir), "-p", "output_dir", str(tmp_path / "r")]
    common += ["-p", "period_start", "2024-01-01", "-p", "period_end", "2024-04-30"]
    assert main(common) == 0
    err = capfd.readouterr().err
    for stage in ("starting the kernel", "cell 1/", "HTML", "PDF", "tables", "100%"):
        assert stage in err, stage
    assert "Kernel is running over TCP" not in err
    # IPC sockets live in the temporary folder, not beside the notebook (the kernel's cwd)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.ipynb", "fixture.ipynb", "r"]
    assert main([*common, "--quiet"]) == 0
    assert capfd.readouterr().err == ""


def test_the_projects_kernel_is_registered_on_first_use(monkeypatch, tmp_path, capsys):
    """Where make setup did not run (conda), the first run registers 'capacity' and says so."""
    import ipykernel.kernelspec
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    from capacity.report import kernel

    calls, installed = [], []

    def first_missing(*args, **kwargs):
        calls.append(kwargs["kernel_name"])
        if not installed:
            raise NoSuchKernel("capacity")

    def install(**kwargs):
        installed.append(kwargs)
        return str(tmp_path / "kernels" / kwargs["kernel_name"])

    monkeypatch.setattr(papermill, "execute_notebook", first_missing)
    monkeypatch.setattr(ipykernel.kernelspec, "install", install)
    kernel.execute(tmp_path / "nb.ipynb", tmp_path / "out.ipynb", {}, None)
    assert len(calls) == 2 and installed[0]["kernel_name"] == "capacity"
    assert installed[0]["prefix"] == sys.prefix
    assert "registered the Jupyter kernel 'capacity'" in capsys.readouterr().err
