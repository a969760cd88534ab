"""Shared pytest configuration."""

# tests/malformed/make_corpus.py writes the malformed corpus when run; --doctest-modules
# would import (and so run) it during collection and rewrite committed test files.
collect_ignore = ["malformed/make_corpus.py"]
