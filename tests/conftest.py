"""Shared pytest configuration."""

# tests/malformed/make_corpus.py writes the malformed corpus when run; --doctest-modules
# would import (and so run) it during collection and rewrite committed test files.
collect_ignore = ["malformed/make_corpus.py"]

import os  # noqa: E402
import tempfile  # noqa: E402

# The fit cache's key lives outside the output folder (~/.config/capacity/cache.key by
# default); tests keep theirs in a temporary folder so they never touch the user's home.
# Notebook kernels started by the tests inherit the environment.
if "CAPACITY_CACHE_KEY" not in os.environ:
    os.environ["CAPACITY_CACHE_KEY"] = os.path.join(
        tempfile.mkdtemp(prefix="capacity-test-key-"), "cache.key"
    )
