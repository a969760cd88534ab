"""Shared pytest configuration and fixtures.

``tiny_dir`` is the small hand-made dataset in ``tests/data/tiny`` (every table, a few
persons in Stockholm and Göteborg from January to April 2024); ``tiny`` is it loaded. Tests
that change files copy the folder first (``shutil.copytree(tiny_dir, tmp_path / ...)``):
the folder itself is never written.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests (hypothesis) draw their examples from a fixed seed: every run, CI's
# included, checks the same examples, so a failure is reproducible and a pass is not luck.
# HYPOTHESIS_PROFILE=explore draws new examples (to look for failures by hand).
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

TINY_DIR = Path(__file__).parent / "data" / "tiny"

# tests/malformed/make_corpus.py writes the malformed corpus when run; --doctest-modules
# would import (and so run) it during collection and rewrite committed test files.
collect_ignore = ["malformed/make_corpus.py"]

# The fit cache's key lives outside the output folder (~/.config/capacity/cache.key by
# default); tests keep theirs in a temporary folder so they never touch the user's home.
# Notebook kernels started by the tests inherit the environment.
# The process that makes the folder (xdist's controller; its workers inherit the variable)
# removes it when it exits.
if "CAPACITY_CACHE_KEY" not in os.environ:
    _key_dir = tempfile.mkdtemp(prefix="capacity-test-key-")
    atexit.register(shutil.rmtree, _key_dir, ignore_errors=True)
    os.environ["CAPACITY_CACHE_KEY"] = os.path.join(_key_dir, "cache.key")

# Fits shared by the slow tier's truth-recovery tests (shared.fit_once): test_levels and
# test_mobility fit the same synthetic worlds with the same parameters; the fit cache of
# capacity.report.cache, in one folder for the whole session, lets the second read the first's
# fit (keyed by the files' hashes, the fitting parameters and the model code).
if "CAPACITY_TEST_FITS" not in os.environ:
    _fits_dir = tempfile.mkdtemp(prefix="capacity-test-fits-")
    atexit.register(shutil.rmtree, _fits_dir, ignore_errors=True)
    os.environ["CAPACITY_TEST_FITS"] = _fits_dir

# The chain's forked workers (capacity.workers, CAPACITY_JOBS): one process per test, since
# xdist already runs the suite on both cores; tests/test_workers.py asks for workers itself.
os.environ.setdefault("CAPACITY_JOBS", "1")


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    """Path of the tiny test dataset (read only)."""
    return TINY_DIR


@pytest.fixture
def tiny(tiny_dir):
    """The tiny test dataset, loaded (a fresh copy for each test)."""
    from capacity.dataset import load_dataset

    return load_dataset(tiny_dir)


# The slowest modules of the slow tier, longest first (CPU seconds of their slow tests, a
# per-test CPU record of the slow tier, 1 Dec 2026 17:00 UTC). `make test` hands whole modules
# to its two workers (`--dist loadscope --no-loadscope-reorder`: a module's fixtures are built
# once, not once per worker) in this order, so the longest start first and neither worker
# finishes a long module alone at the end. A module not listed keeps its place after these.
LONGEST_FIRST = (
    "tests/test_open_population.py",  # 160 s: the two reduced coverage studies (2 Dec)
    "tests/test_notebooks.py",  # 121 s
    "tests/test_readme_own_data.py",  # 70 s
    "tests/test_levels.py",  # 69 s
    "tests/test_report_warm.py",  # 64 s
    "tests/test_population_stay_detection.py",  # 59 s
    "tests/test_strategy.py",  # 54 s
    "tests/test_disclosure_attack.py",  # 54 s
    "tests/test_mobility.py",  # 54 s
    "tests/test_benchmarks.py",  # 51 s
    "tests/test_national.py",  # 48 s
    "tests/test_capture.py",  # about 40 s
    "tests/test_channels.py",  # about 40 s
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow tier first, its longest modules first (a stable sort: each module keeps
    its own order; with ``--dist loadscope`` a module goes where its first test is)."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        if item.get_closest_marker("slow") is None:
            return (1, 0)
        path = item.nodeid.split("::", 1)[0]
        return (0, LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST))

    items.sort(key=rank)
