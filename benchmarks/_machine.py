"""Facts about the machine and software a benchmark ran on, for RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from capacity.report.provenance import package_versions
from capacity.workers import usable_cores

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pandera",
    "pyarrow",
    "matplotlib",
    "papermill",
    "nbconvert",
    "ipykernel",
    "weasyprint",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def compile_bytecode() -> str:
    """Compile the package's and the benchmarks' modules to bytecode before measuring.

    ``pip install`` compiles a package's modules when it installs it, and a user's first
    import writes the bytecode otherwise, so a user's run reads ``__pycache__``. An editable
    checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (as on the development machine) would
    instead compile every imported module from source in every fresh benchmark process, and
    the timed first load would pay that (about 0.02 s of CPU at 1 M sightings, measured
    30 Nov 2026). The bytecode goes to the git-ignored ``__pycache__`` folders.
    """
    import compileall

    ok = all(
        compileall.compile_dir(ROOT / d, quiet=1, workers=1) for d in ("src/capacity", "benchmarks")
    )
    return "compiled before the run (as pip install does)" if ok else "compile failed"


def machine_facts() -> dict[str, str]:
    """CPU, cores, memory, OS, Python, key package versions and the git commit."""
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    facts = {
        "CPU": _cpu_model(),
        "logical cores": str(os.cpu_count()),
        "cores usable": str(usable_cores()),
        "memory": f"{_mem_total_gb():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "git commit": _git("rev-parse", "--short", "HEAD")
        + (" (working tree has uncommitted changes)" if dirty and dirty != "unknown" else ""),
        "load average at start (1/5/15 min)": _load_average(),
    }
    facts.update(package_versions(PACKAGES))
    return facts
