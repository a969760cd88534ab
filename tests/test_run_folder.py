"""One run, one folder (issue 13, item 4): exclusive partial folders, killed runs cleaned,
no traceback for unusable output paths. No kernel is started here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capacity.cli import main
from capacity.config import Params
from capacity.exceptions import ReportError
from capacity.report import runfolder
from capacity.report.run import make_run_id, run_report


def _params(tiny_dir: Path, output_dir: Path, **more) -> Params:
    return Params.from_mapping(
        {
            "data_dir": str(tiny_dir),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "output_dir": str(output_dir),
            **more,
        }
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_second_run_with_the_same_id_is_refused_while_the_first_runs(tmp_path, tiny_dir):
    root = tmp_path / "reports"
    first = runfolder.claim(root, "same-id")
    assert json.loads((first / runfolder.OWNER).read_text())["pid"] == os.getpid()
    with pytest.raises(ReportError, match=r"another run with run_id 'same-id' is in progress"):
        runfolder.claim(root, "same-id")
    with pytest.raises(ReportError, match="in progress"):  # the real entry point, no kernel
        run_report(_params(tiny_dir, root, run_id="same-id"), formats="html")
    assert first.is_dir() and (first / runfolder.OWNER).exists()  # the first run's folder kept


def test_killed_runs_partial_folder_is_cleaned_at_next_start(tmp_path):
    root = tmp_path / "reports"
    killed = runfolder.claim(root, "killed")
    (killed / "half-written.html").write_text("<html>", encoding="utf-8")
    owner = json.loads((killed / runfolder.OWNER).read_text())
    owner["pid"] = _dead_pid()
    (killed / runfolder.OWNER).write_text(json.dumps(owner))
    live = runfolder.claim(root, "live")
    again = runfolder.claim(root, "killed")  # same id: the dead run's folder was removed
    assert again.is_dir() and not (again / "half-written.html").exists()
    assert live.is_dir()


def test_capacity_clean_removes_only_dead_runs(tmp_path, capsys):
    root = tmp_path / "reports"
    live = runfolder.claim(root, "live")
    other_host = runfolder.claim(root, "elsewhere")
    dead = runfolder.claim(root, "dead")
    owner = json.loads((dead / runfolder.OWNER).read_text())
    owner["pid"] = _dead_pid()
    (dead / runfolder.OWNER).write_text(json.dumps(owner))
    owner["host"] = "another-machine"
    (other_host / runfolder.OWNER).write_text(json.dumps(owner))
    assert main(["clean", str(root)]) == 0
    assert "1 unfinished run folder(s) removed" in capsys.readouterr().out
    assert not dead.exists() and live.exists() and other_host.exists()


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_unusable_output_dir_is_a_message_not_a_traceback(tmp_path, capsys, kind, tiny_dir):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker if kind == "file" else blocker / "reports"
    with pytest.raises(ReportError, match="output_dir"):
        run_report(_params(tiny_dir, out, run_id="r1"), formats="html")
    yaml_file = tmp_path / "p.yaml"
    yaml_file.write_text(f"output_dir: {out}\nrun_id: r2\n", encoding="utf-8")
    assert main(["report", "-f", str(yaml_file), "--formats", "html"]) == 2
    err = capsys.readouterr().err
    assert "output_dir" in err and "Traceback" not in err


def test_long_city_name_gives_a_short_run_folder_name(tmp_path, tiny_dir):
    city = "Upplands Väsby och Sollentuna och " * 5
    run_id = make_run_id(_params(tiny_dir, tmp_path, city=city.strip()), "committee_report")
    assert len(run_id) < 140
    folder = runfolder.claim(tmp_path, run_id)
    assert folder.is_dir()


def test_absurdly_long_city_parameter_is_refused(tmp_path, tiny_dir):
    from capacity.exceptions import ParameterError

    with pytest.raises(ParameterError, match="above the limit"):
        _params(tiny_dir, tmp_path, city="x" * 10_000_000)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_period_out_of_plausible_range_is_refused(tmp_path, value):
    from capacity.exceptions import ParameterError

    with pytest.raises(ParameterError, match="plausible range"):
        Params.from_mapping({"period_start": value, "period_end": "2099-01-01"})
