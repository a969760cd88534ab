"""Shared pytest configuration and fixtures.

``tiny_dir`` is the small hand-made dataset in ``tests/data/tiny`` (every table, a few
persons in Stockholm and Göteborg from January to April 2024); ``tiny`` is it loaded. Tests
that change files copy the folder first (``shutil.copytree(tiny_dir, tmp_path / ...)``):
the folder itself is never written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

TINY_DIR = Path(__file__).parent / "data" / "tiny"

# tests/malformed/make_corpus.py writes the malformed corpus when run; --doctest-modules
# would import (and so run) it during collection and rewrite committed test files.
collect_ignore = ["malformed/make_corpus.py"]

# The fit cache's key lives outside the output folder (~/.config/capacity/cache.key by
# default); tests keep theirs in a temporary folder so they never touch the user's home.
# Notebook kernels started by the tests inherit the environment.
if "CAPACITY_CACHE_KEY" not in os.environ:
    os.environ["CAPACITY_CACHE_KEY"] = os.path.join(
        tempfile.mkdtemp(prefix="capacity-test-key-"), "cache.key"
    )


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    """Path of the tiny test dataset (read only)."""
    return TINY_DIR


@pytest.fixture
def tiny(tiny_dir):
    """The tiny test dataset, loaded (a fresh copy for each test)."""
    from capacity.dataset import load_dataset

    return load_dataset(tiny_dir)
