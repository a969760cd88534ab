"""One place for every error and warning that `capacity` raises.

Users see these messages, never a pandas traceback: each says what is wrong, where, and
what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass


class CapacityError(Exception):
    """Base class of every error raised on purpose by `capacity`.

    ``reason`` (keyword only) is the same message as a structured caveat
    (:class:`capacity.models.Caveat`) when a model catches the error and reports it, so that
    the report can say it in its own language.
    """

    reason: object = None

    def __init__(self, *args: object, reason: object = None):
        super().__init__(*args)
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    Attributes
    ----------
    file : str
        File name (or path) the problem was found in.
    row : int or None
        1-based line number in the file as a spreadsheet shows it (the header is row 1,
        the first data row is row 2); ``None`` when the problem concerns the whole file
        or a whole column.
    column : str or None
        Column name, ``None`` for whole-file problems.
    value : str or None
        The offending value as text (shortened), ``None`` when not applicable.
    rule : str
        The rule that was broken, in plain words.
    fix : str
        What the user can do about it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    fix: str

    def __str__(self) -> str:
        """The problem as one line: file, row, column, rule, value and what to do."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}: {self.rule}{value}. {self.fix}"


class DataError(CapacityError):
    """Input data break the data contract.

    Carries every problem found (not only the first) in :attr:`problems`.
    """

    def __init__(self, problems: list[Problem] | Problem, *, limit: int = 50):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        shown = self.problems[:limit]
        lines = [f"{len(self.problems)} problem(s) in the input data:"]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more (see .problems)")
        super().__init__("\n".join(lines))


class ParameterError(CapacityError, ValueError):
    """A report or model parameter is unknown or out of its allowed range."""


class PrivacyError(CapacityError):
    """Data look like they carry personal identifiers, or a key is missing."""


class EstimationError(CapacityError):
    """A model cannot give a finite or trustworthy estimate from these data."""


class ReportError(CapacityError):
    """Rendering a report failed; the message names the notebook and cell."""


class SmallCellWarning(UserWarning):
    """Counts below the disclosure threshold were suppressed."""


class ConvergenceWarning(UserWarning):
    """A model fit did not converge or sits on the boundary; read its result with care."""
