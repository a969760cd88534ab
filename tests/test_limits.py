"""Hostile inputs are refused in bounded time and memory, with a located message (issue 13).

Each case runs ``capacity`` in a child process under hard limits (CPU seconds, address
space) set by the harness; the child reports its own CPU time and peak resident memory
(``getrusage``), which do not depend on how loaded the machine is. The bounds are about ten
times what a refusal costs on the 2-core development machine (1.5-3 s of CPU, 150-260 MiB:
importing pandas and pyarrow is most of it), so that they catch a runaway — the
14.5 GiB / 167 s spreadsheet of the issue — without timing the code. The wall-clock bound
only stops a hung child: on a loaded machine a refusal took up to 45 s of wall time.
These are not benchmarks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

CPU_BOUND_S = 30.0
WALL_BOUND_S = 170.0
RSS_BOUND_MIB = 2500.0
_CHILD = """
import resource, sys
from capacity.cli import main
code = main(sys.argv[1:])
use = resource.getrusage(resource.RUSAGE_SELF)
print(f"PEAK_MIB {use.ru_maxrss / 1024:.0f} CPU_S {use.ru_utime + use.ru_stime:.2f}", file=sys.stderr)
sys.exit(code)
"""


def _limits():  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (120, 120))
    resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))


def _run(*args: str) -> tuple[int, str, float, float, float]:
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limits,
    )
    wall = time.monotonic() - t0
    peak = [line.split() for line in done.stderr.splitlines() if line.startswith("PEAK_MIB")]
    rss = float(peak[-1][1]) if peak else float("inf")
    cpu = float(peak[-1][3]) if peak else float("inf")
    return done.returncode, done.stderr, wall, rss, cpu


def _dataset(
    tiny_dir: Path, tmp_path: Path, table: str, name: str, content: bytes | None = None
) -> Path:
    folder = shutil.copytree(tiny_dir, tmp_path / "d")
    (folder / f"{table}.csv").unlink()
    if content is not None:
        (folder / name).write_bytes(content)
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for r in meta["resources"]:
        if r["name"] == table:
            r["path"] = name
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def _assert_refused(result, *fragments: str) -> None:
    code, err, wall, rss, cpu = result
    assert code == 2, err[-2000:]
    assert "Traceback" not in err
    for f in fragments:
        assert f in err, err[-2000:]
    assert cpu < CPU_BOUND_S, f"refusal took {cpu:.1f} s of CPU"
    assert wall < WALL_BOUND_S, f"refusal took {wall:.1f} s"
    assert rss < RSS_BOUND_MIB, f"refusal peaked at {rss:.0f} MiB"


def _xlsx_bomb(tiny_dir: Path, path: Path, inflated_mib: int) -> None:
    """A valid-looking workbook whose shared strings inflate to ``inflated_mib`` MiB."""
    src = tiny_dir / "sightings.csv"
    import pandas as pd

    pd.read_csv(src, dtype=str).to_excel(path, index=False)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "xl/sharedStrings.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><si><t>'
            )
            block = b"A" * 2**20
            for _ in range(inflated_mib):
                f.write(block)
            f.write(b"</t></si></sst>")


@pytest.mark.slow
def test_spreadsheet_bomb_is_refused_before_it_inflates(tmp_path, tiny_dir):
    folder = _dataset(tiny_dir, tmp_path, "sightings", "sightings.xlsx")
    _xlsx_bomb(tiny_dir, folder / "sightings.xlsx", 400)
    assert (folder / "sightings.xlsx").stat().st_size < 2 * 2**20
    _assert_refused(_run("validate", str(folder)), "sightings.xlsx", "inflate", "limit")


@pytest.mark.slow
def test_fifty_megabyte_line_without_newline_is_refused(tmp_path, tiny_dir):
    header = b"person_id,date,city,source,language" + b",x" * (25 * 2**20)
    folder = _dataset(tiny_dir, tmp_path, "sightings", "sightings.csv", header)
    _assert_refused(
        _run("validate", str(folder)), "sightings.csv, row 1", "bytes long", "limit of 100,000"
    )


@pytest.mark.slow
def test_hundred_thousand_columns_are_refused(tmp_path, tiny_dir):
    lines = (tiny_dir / "staff.csv").read_text(encoding="utf-8").splitlines()
    extra = ",".join(f"c{i}" for i in range(100_000))
    wide = "\n".join([lines[0] + "," + extra] + [r + "," * 100_000 for r in lines[1:]]) + "\n"
    folder = _dataset(tiny_dir, tmp_path, "staff", "staff.csv", wide.encode())
    _assert_refused(_run("validate", str(folder)), "staff.csv, row 1", "limit")


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.slow
def test_yaml_alias_bomb_in_a_parameter_file_is_refused(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert bomb.stat().st_size < 600
    result = _run("report", "-f", str(bomb), "-p", "output_dir", str(tmp_path / "r"))
    _assert_refused(result, "bomb.yaml, line 2", "alias")
    assert not (tmp_path / "r").exists()


def test_deeply_nested_yaml_is_refused(tmp_path):
    from capacity.config import read_yaml_mapping
    from capacity.exceptions import ParameterError

    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="deep.yaml"):
        read_yaml_mapping(deep)
