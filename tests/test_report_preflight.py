"""Before the notebook runs: the scope check (read once per data) and the report process's imports."""

from __future__ import annotations

import os
import shutil

import pytest

from capacity.config import Params
from capacity.exceptions import DataError


def _params(folder, **kw):
    base = {"data_dir": str(folder), "period_start": "2024-01-01", "period_end": "2024-04-30"}
    return Params.from_mapping({**base, **kw})


def test_a_passed_scope_is_read_once_until_the_sightings_change(tmp_path, tiny_dir, monkeypatch):
    import capacity.io
    from capacity.report import preflight

    folder = tmp_path / "data"
    shutil.copytree(tiny_dir, folder)
    reads = []
    read = capacity.io.read_table
    monkeypatch.setattr(capacity.io, "read_table", lambda *a, **k: reads.append(a) or read(*a, **k))
    monkeypatch.setattr(preflight, "_PASSED", set())
    params = _params(folder)
    preflight.check_scope(params)
    preflight.check_scope(params)
    assert len(reads) == 1  # the second report of a sweep does not read the sightings
    preflight.check_scope(params.replace(extra_fte=3.0))  # a scenario: same scope
    assert len(reads) == 1
    # another city is checked (and refused) every time: refusals are never remembered
    for _ in range(2):
        with pytest.raises(DataError, match="does not occur"):
            preflight.check_scope(params.replace(city="Stokholm"))
    assert len(reads) == 3
    # the file changed (a new export under the same name): read again
    sightings = next(folder.glob("sightings.*"))
    st = sightings.stat()
    os.utime(sightings, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    preflight.check_scope(params)
    assert len(reads) == 4


def test_the_report_process_imports_nbformat_without_the_iri_checker_and_still_validates():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from capacity.report.run import import_nbformat\n"
        "nbformat = import_nbformat()\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "nb = nbformat.v4.new_notebook()\n"
        "nb.cells = [nbformat.v4.new_code_cell('1')]\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'no-such-type'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid refused')\n"
        "import rfc3987_syntax\n"  # still importable by anyone who wants it
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", "invalid refused"]
