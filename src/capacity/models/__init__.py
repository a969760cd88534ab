"""Statistical models behind the answer to question 4 (see docs/methods.md)."""
