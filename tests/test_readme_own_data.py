"""The README's "Use it on your own data" steps, run literally on a raw export.

The commands are read from the README's own text (its ``bash`` blocks and inline code, in
order), so the README cannot drift from what works. They run in a fresh project folder
(``CAPACITY_ROOT``: notebooks, params and the sample copied from this checkout) with
``HOME`` there too, on a raw export that holds phone numbers and ad texts with phone
numbers in them, and must end with a rendered report (and step 5's sweep on the sample).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from capacity.config import ROOT, SAMPLE_DIR

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
START, END = "2025-01-01", "2025-12-31"


def own_data_commands(readme: str) -> list[str]:
    """The ``.venv/bin/capacity`` commands of the own-data section, in the README's order."""
    section = readme.split("## Use it on your own data", 1)[1].split("\n## ", 1)[0]
    commands = []
    for m in re.finditer(r"```bash\n(.*?)```|`(\.venv/bin/capacity [^`]+)`", section, re.S):
        block = m.group(1) if m.group(1) is not None else m.group(2)
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line.startswith(".venv/bin/capacity") and "--help" not in line.split():
                commands.append(line)
    return commands


def _raw_export(project: Path) -> Path:
    """The sample's 2025 data as an analyst would have them: phone numbers, ad texts."""
    s = pd.read_csv(SAMPLE_DIR / "sightings.csv", dtype=str)
    s = s[(s["date"] >= START) & (s["date"] <= END)]
    persons = {p: i for i, p in enumerate(sorted(s["person_id"].unique()))}
    n = s["person_id"].map(persons)
    phone = n.map(lambda i: f"070-{i // 10000 % 1000:03d} {i // 100 % 100:02d} {i % 100:02d}")
    raw = pd.DataFrame(
        {
            "date": s["date"],
            "city": s["city"],
            "source": s["source"],
            "language": s["language"],
            "phone": phone,
            "ad_text": "Ny i " + s["city"] + "! Ring mig på " + phone + " för en träff.",
        }
    )
    export = project / "export" / "sightings_raw.csv"
    export.parent.mkdir(parents=True)
    raw.to_csv(export, index=False)
    return export


def _other_tables(folder: Path) -> None:
    """Step 2 (no command in the README): the other three tables and datapackage.json."""
    folder.mkdir(parents=True, exist_ok=True)
    keep = {"outreach": "date", "staff": "month", "operations": "start_date"}
    for table, col in keep.items():
        df = pd.read_csv(SAMPLE_DIR / f"{table}.csv", dtype=str, keep_default_na=False)
        df = df[(df[col] >= START[: len(df[col].iloc[0])]) & (df[col] <= END)]
        if table == "operations":
            df = df[df["end_date"] <= END]
        df.to_csv(folder / f"{table}.csv", index=False)
    meta = {
        "name": "stockholm-2025",
        "title": "Outreach data 2025 (test copy of the synthetic sample)",
        "synthetic": True,
        "period": {"start": START, "end": END},
        "description": "The shipped synthetic sample's 2025 rows, as a raw export.",
        "resources": [{"name": t, "path": f"{t}.csv"} for t in ("sightings", *keep)],
    }
    (folder / "datapackage.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def test_readme_own_data_steps_work_as_written(tmp_path):
    commands = own_data_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert [shlex.split(c)[1] for c in commands] == [
        "keygen",
        "pseudonymise",
        "validate",
        "report",
        "report",
        "sweep",
    ], commands
    project, home = tmp_path / "project", tmp_path / "home"
    home.mkdir()
    for folder in ("notebooks", "params", "data/sample"):
        shutil.copytree(ROOT / folder, project / folder)
    export = _raw_export(project)
    before = hashlib.sha256(export.read_bytes()).hexdigest()
    env = {
        **os.environ,
        "HOME": str(home),
        "CAPACITY_ROOT": str(project),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    env.pop("CAPACITY_CACHE", None)

    def run(command: str) -> subprocess.CompletedProcess:
        line = command.replace(".venv/bin/", f"{BIN}/", 1)
        return subprocess.run(
            ["bash", "-c", line], cwd=project, env=env, capture_output=True, text=True, timeout=600
        )

    keygen, pseudonymise, validate, report, national, sweep = commands
    done = run(keygen)
    assert done.returncode == 0, done.stderr
    assert (home / "capacity.key").is_file()

    done = run(pseudonymise)
    assert done.returncode == 0, done.stderr
    assert "'phone' -> 'person_id'" in done.stdout
    # the ad text holds phone numbers: without --drop it is refused, with the right advice
    done = run(pseudonymise.replace(" --drop ad_text", "").replace("/sightings.csv", "/b.csv"))
    assert done.returncode == 2
    assert "--drop 'ad_text'" in done.stderr and "070-123" not in done.stderr

    dataset = project / "data" / "raw" / "stockholm-2025"
    _other_tables(dataset)
    written = (dataset / "sightings.csv").read_text(encoding="utf-8")
    assert "person_id" in written.splitlines()[0] and "ad_text" not in written
    assert not re.search(r"070-\d{3} \d\d \d\d", written)
    assert hashlib.sha256(export.read_bytes()).hexdigest() == before  # raw data untouched

    done = run(validate)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "meets the data contract" in done.stdout

    # Step 4 as written: copy params/stockholm.yaml, point data_dir at the folder and the
    # period at the data's.
    values = yaml.safe_load((project / "params" / "stockholm.yaml").read_text())
    values |= {"data_dir": "data/raw/stockholm-2025", "period_start": START, "period_end": END}
    (project / "params" / "my-city.yaml").write_text(yaml.safe_dump(values), encoding="utf-8")
    done = run(report)
    assert done.returncode == 0, done.stderr
    assert "Kernel is running over TCP" not in done.stderr
    assert "cell" in done.stderr and "PDF" in done.stderr  # the progress bar's stages
    runs = [p for p in (project / "reports").iterdir() if not p.name.startswith(".")]
    assert len(runs) == 1, runs
    folder = runs[0]
    assert {"report.pdf", "report.html", "tables.xlsx", "provenance.json"} <= {
        p.name for p in folder.iterdir()
    }
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["parameters"]["period_end"] == "2025-06-30"

    # Step 5: the national view of the same folder, every city of the data.
    assert "--notebook national" in national
    done = run(national)
    assert done.returncode == 0, done.stderr
    runs = sorted(p for p in (project / "reports").iterdir() if not p.name.startswith("."))
    assert len(runs) == 2, runs
    (folder,) = [p for p in runs if p != folder]
    assert {"report.pdf", "report.html", "tables.xlsx"} <= {p.name for p in folder.iterdir()}

    # Step 6, on the shipped sample: the comparison render shows its progress too.
    done = run(sweep)
    assert done.returncode == 0, done.stderr
    assert "scenarios" in done.stderr and "scenarios: " in done.stderr  # both bars
    assert "Sweep of 16 scenarios" in done.stdout
