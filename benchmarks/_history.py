"""Before and after: this run's targets beside earlier `make bench` runs, read from their files.

Nothing here is typed in: the *before* figures are parsed from the ``RESULTS.md`` that an
earlier run wrote, either from git (the commits named in ``benchmarks/baseline.json``) or
from the file on disk that this run is about to replace (the *previous* run). A target is
matched across runs by a stable key (:data:`KEYS`), because target names changed a little
between versions of the harness ("pipeline / read at 1,000,000" became "chain / read of the
4 tables at 1,000,000 (first)").

The README's table of typical run times is generated from a ``RESULTS.md`` too
(:func:`readme_block`); ``benchmarks.run`` rewrites it after each run and a test checks that
the README holds the block of the committed ``RESULTS.md``.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks._report_md import table

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "benchmarks" / "baseline.json"

#: (key, pattern on the target's name), first match wins.
KEYS: tuple[tuple[str, str], ...] = (
    ("load_first", r"^load \+ validate / read.*\(first\)$"),
    ("load_rerun", r"^load \+ validate / read.*\(rerun\)$"),
    ("chain_validated", r"^(chain|pipeline) / read.*\(validated\)$"),
    ("chain_rerun", r"^(chain|pipeline) / read.*\(rerun\)$"),
    ("chain_first", r"^(chain|pipeline) / read"),
    ("growth", r"^time at .* / time at "),
    ("peak", r"^peak memory at "),
    ("report_cold", r"^committee report \(cold\) / floor"),
    ("report_warm", r"^committee report \(warm\) / floor"),
    ("sweep", r"^`capacity sweep` of "),
    ("sweep_each", r"^sweep of .* with every scenario's report"),
)

#: Targets a full run must assess (met or not met); a run without one of them is incomplete.
REQUIRED = tuple(k for k, _ in KEYS)
#: Which benchmark measures each key.
BENCHMARK_OF = {
    **{k: "scale" for k in REQUIRED if k.startswith(("load", "chain", "growth", "peak"))},
    "report_cold": "report",
    "report_warm": "report",
    "sweep": "sweep",
    "sweep_each": "sweep",
}


def key_of(name: str) -> str | None:
    """The stable key of a target's name, or None."""
    for key, pattern in KEYS:
        if re.search(pattern, name):
            return key
    return None


@dataclass
class Run:
    """The targets of one earlier run, as its RESULTS.md states them."""

    label: str
    when: str
    commit: str
    load: str
    measured: dict[str, str]  # key -> "measured" cell
    status: dict[str, str]  # key -> "met" / "NOT met" / ...
    sizes: dict[str, list[str]]  # key -> the sizes its name states ("1,000,000")


def parse_results(text: str, label: str) -> Run:
    """Targets, date, commit and load average of a RESULTS.md."""
    when = re.search(r"on (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", text)
    # the commit, also when the run noted "(working tree has uncommitted changes)" after it
    commit = re.search(r"^\| git commit \| (\S+)[^|\n]*\|", text, re.M)
    load = re.search(r"^\| load average at start \(1/5/15 min\) \| ([^|]+) \|", text, re.M)
    measured, status, sizes = {}, {}, {}
    block = text.split("## Targets", 1)[-1].split("\n## ", 1)[0]
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("target", "---") or set(cells[0]) <= {"-"}:
            continue
        key = key_of(cells[0])
        if key and key not in measured:
            measured[key] = cells[2]
            status[key] = cells[3].strip("*")
            sizes[key] = _sizes(cells[0])
    return Run(
        label,
        when.group(1) if when else "?",
        commit.group(1) if commit else "?",
        load.group(1).strip() if load else "?",
        measured,
        status,
        sizes,
    )


def _sizes(name: str) -> list[str]:
    """The sighting counts a target's name states (a target at 16,000 is not one at 1 M)."""
    return re.findall(r"\d{1,3}(?:,\d{3})+", name)


def _git_show(commit: str, path: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "show", f"{commit}:{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 else None


def earlier_runs(previous_text: str | None) -> tuple[list[Run], list[str]]:
    """The baseline runs of ``baseline.json`` (from git) and the previous run; and notes.

    ``previous_text`` is the RESULTS.md this run replaces (None: there is none).
    """
    runs, notes = [], []
    try:
        spec = json.loads(BASELINE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        spec = {"runs": []}
        notes.append(f"`benchmarks/baseline.json` could not be read ({exc}).")
    seen = set()
    for item in spec.get("runs", []):
        text = _git_show(item["commit"], item.get("path", "benchmarks/RESULTS.md"))
        if text is None:
            notes.append(f"the baseline {item['label']!r} (commit {item['commit']}) is not in git.")
            continue
        run = parse_results(text, item["label"])
        seen.add((run.when, run.commit))
        runs.append(run)
    if previous_text:
        prev = parse_results(previous_text, "previous `make bench`")
        if (prev.when, prev.commit) not in seen:
            runs.append(prev)
    return runs, notes


def before_after(targets, runs: list[Run], notes: list[str]) -> list[str]:
    """The Markdown section: one row per target of this run, earlier runs beside it."""
    head = ["target", "goal"]
    head += [f"{r.label} ({r.when} UTC, {r.commit}, load {r.load})" for r in runs]
    head += ["this run", "status"]
    rows = []
    for t in targets:
        key = key_of(t.name)
        before = [
            r.measured[key] if key in r.measured and r.sizes[key] == _sizes(t.name) else "–"
            for r in runs
        ]
        rows.append((t.name, t.goal, *before, t.measured, f"**{t.status}**"))
    lines = [
        "## Before and after",
        "",
        "Each target of this run beside the same target in earlier `make bench` runs, as their "
        "`RESULTS.md` state it (parsed from the files, never typed in: the runs named in "
        "`benchmarks/baseline.json` from git, and the file this run replaced). Ratios are "
        "only comparable between runs with a similar load average; a '–' means the earlier "
        "run did not measure that target.",
        "",
        *table(head, rows),
        "",
    ]
    if notes:
        lines += [*(f"- {n}" for n in notes), ""]
    return lines


# --- README ---------------------------------------------------------------------------
README_START = "<!-- make bench: typical run times (generated; do not edit) -->"
README_END = "<!-- end of generated run times -->"


def readme_block(results_text: str) -> str:
    """The README's generated table of typical run times, from a RESULTS.md."""
    run = parse_results(results_text, "last")
    took = re.search(r"the run took ([^.]+?)\. ", results_text)
    cpu = re.search(r"^\| CPU \| ([^|]+) \|", results_text, re.M)
    cores = re.search(r"^\| logical cores \| ([^|]+) \|", results_text, re.M)
    typical = results_text.split("## Typical run times", 1)
    rows = []
    if len(typical) == 2:
        for line in typical[1].split("\n## ", 1)[0].splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[0] not in ("command", "---") and set(cells[0]) != {"-"}:
                rows.append((cells[0], cells[2], cells[1]))
    if took:
        rows.append(("`make bench`", "all of the above, repeated", took.group(1)))
    lines = [
        README_START,
        f"From the last `make bench` ({run.when} UTC, commit {run.commit}; "
        f"{(cpu.group(1).strip() if cpu else '?')}, {(cores.group(1).strip() if cores else '?')} "
        f"cores; load average at start {run.load}):",
        "",
        *table(("command", "covers", "wall time"), rows),
        README_END,
    ]
    return "\n".join(lines)


def update_readme(readme: Path, results_text: str) -> bool:
    """Replace the generated block of ``readme``; False if the markers are missing."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(head + readme_block(results_text) + tail, encoding="utf-8")
    return True
