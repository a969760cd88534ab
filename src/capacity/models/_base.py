"""The one results shape shared by every model.

Every model's ``fit`` (or estimator function) returns an object derived from
:class:`Results`. Its tidy frame has the same columns everywhere::

    estimate  se  ci_lower  ci_upper

indexed by the name of the quantity, so that reports, tables and tests treat all models
alike. Caveats (rows dropped, censoring, suppressed cells, boundary fits) travel with the
result in :attr:`Results.caveats` as :class:`Caveat` objects — a catalogue key and its
values, never a sentence — and are printed in English by :meth:`Results.summary`; reports
say them in their own language through :func:`capacity.i18n.caveat_text`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import DataError, ParameterError, Problem
from capacity.i18n import caveat_text


def _plain(value: Any) -> Any:
    """A hashable, plain-Python copy of a caveat value (numpy scalars, lists, dates)."""
    if isinstance(value, Caveat):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray, pd.Index)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


@dataclass(frozen=True, init=False)
class Caveat:
    r"""A model's caveat: a key of the catalogue (:mod:`capacity.i18n.caveats`) and its values.

    Models state what a reader must know (data left out, an assumption, a weak fit) as a
    ``Caveat``; the sentence comes from the catalogue in the report's language. ``str()``
    gives the English sentence, :meth:`text` either language.

    Parameters
    ----------
    key : str
        Catalogue key, e.g. ``"stays.censored"``.
    values : mapping, optional
        The values its placeholders take (also accepted as keyword arguments). Numbers are
        given raw (a share as 0.034, not "3%"): the catalogue formats them.

    Examples
    --------
    >>> c = Caveat("stays.censored", share=0.034)
    >>> str(c)
    '3% of stays may go on after the data end (right-censored).'
    >>> c.text("sv")
    '3\xa0% av vistelserna kan pågå efter att data slutar (högercensurerade).'
    """

    key: str
    values: tuple[tuple[str, Any], ...]

    def __init__(self, key: str, values: Mapping[str, Any] | None = None, /, **more: Any):
        items = {**dict(values or {}), **more}
        object.__setattr__(self, "key", str(key))
        object.__setattr__(self, "values", tuple(sorted((k, _plain(v)) for k, v in items.items())))

    @classmethod
    def of_error(cls, exc: BaseException) -> Caveat:
        """The caveat an error carries (``exc.reason``), else its message as it stands."""
        reason = getattr(exc, "reason", None)
        return reason if isinstance(reason, Caveat) else cls("error", message=str(exc))

    @property
    def fields(self) -> dict[str, Any]:
        """The values as a dict (placeholder name → value)."""
        return dict(self.values)

    def text(self, lang: str = "en") -> str:
        """The caveat as a sentence in ``lang`` ('sv' or 'en')."""
        return caveat_text(self, lang)

    def __str__(self) -> str:
        return self.text("en")


COLUMNS = ["estimate", "se", "ci_lower", "ci_upper"]


def tidy(rows: Mapping[str, Sequence[float]], index_name: str = "quantity") -> pd.DataFrame:
    """Build a frame with the standard columns from ``{name: (estimate, se, lo, hi)}``."""
    frame = pd.DataFrame.from_dict(dict(rows), orient="index", columns=COLUMNS, dtype=float)
    frame.index.name = index_name
    return frame


def normal_interval(estimate: float, se: float, alpha: float = 0.05) -> tuple[float, float]:
    """Wald interval ``estimate ± z_{1-alpha/2} · se``."""
    z = stats.norm.ppf(1 - alpha / 2)
    return float(estimate - z * se), float(estimate + z * se)


def percentile_interval(draws: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Percentile interval of Monte Carlo or bootstrap draws (NaNs ignored)."""
    draws = np.asarray(draws, dtype=float)
    # Infinite draws are real answers (e.g. no staffing reaches the target): interpolating
    # between them gives inf − inf = NaN, so quantiles are taken with ±inf standing in as the
    # largest floats and mapped back afterwards.
    big = np.finfo(float).max
    finite = np.clip(draws, -big, big)
    q = np.nanquantile(finite, [alpha / 2, 1 - alpha / 2])
    lo, hi = np.where(np.abs(q) >= big * 1e-12, np.copysign(np.inf, q), q)  # near ±inf: ±inf
    return float(lo), float(hi)


def _freeze_after_init(init):
    """Wrap a hand-written ``__init__`` so that the finished object is immutable."""

    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if type(self).__init__ is wrapped:  # the outermost __init__ has finished
            object.__setattr__(self, "_frozen", True)

    return wrapped


class Results:
    """Base class of results objects: one shape for every model.

    Every result has :meth:`summary_frame` (the tidy frame ``estimate, se, ci_lower,
    ci_upper``), :meth:`conf_int`, :meth:`summary` (plain text, English), :meth:`plot` and a
    rich notebook display (``_repr_html_``). ``alpha`` defaults to ``None`` everywhere: the
    level the result was fitted at (its ``alpha``; 0.05 for results without one).

    Results are immutable: frozen dataclasses, or classes with their own ``__init__`` that
    are frozen once it has run (assigning an attribute raises
    :class:`dataclasses.FrozenInstanceError`).

    Subclasses implement :meth:`summary_frame`; the rest follows from it. Set ``title`` and
    ``caveats`` (a tuple of :class:`Caveat`).
    """

    title: str = "Results"
    caveats: tuple[Caveat, ...] = ()
    #: The result's own level, if it has one (an ``alpha`` field); 0.05 otherwise. Not a
    #: class attribute here: a dataclass would take it as the default of its ``alpha`` field.
    DEFAULT_ALPHA = 0.05

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:  # dataclasses get theirs later, frozen by the decorator
            cls.__init__ = _freeze_after_init(init)

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen", False):
            raise FrozenInstanceError(f"cannot assign to field {name!r}: results are immutable")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self.__dict__.get("_frozen", False):
            raise FrozenInstanceError(f"cannot delete field {name!r}: results are immutable")
        object.__delattr__(self, name)

    def _alpha(self, alpha: float | None) -> float:
        """``alpha`` if given, else the result's own; checked to lie in (0, 1)."""
        a = getattr(self, "alpha", self.DEFAULT_ALPHA) if alpha is None else alpha
        if not 0 < a < 1:
            raise ParameterError(f"alpha must lie strictly between 0 and 1, got {a!r}.")
        return float(a)

    def _fixed_alpha(self, alpha: float | None) -> float:
        """``_alpha`` for results whose intervals were computed once, at their own level.

        Any other level is refused with a :class:`ParameterError` that says how to get it
        (fit again with that ``alpha``), rather than returning intervals at the wrong level.
        """
        a, own = self._alpha(alpha), self._alpha(None)
        if abs(a - own) > 1e-12:
            raise ParameterError(
                f"{self.title}: intervals exist at alpha = {own:g} only (computed when fitted); "
                f"fit again with alpha = {a:g} for that level."
            )
        return a

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:  # pragma: no cover
        """Tidy frame with columns ``estimate, se, ci_lower, ci_upper``."""
        raise NotImplementedError

    def conf_int(self, alpha: float | None = None):
        """Confidence interval(s) at level ``1 - alpha``.

        Returns ``(low, high)`` when the result has one quantity, otherwise a frame with
        ``ci_lower`` and ``ci_upper`` per quantity.
        """
        frame = self.summary_frame(alpha)
        if len(frame) == 1:
            row = frame.iloc[0]
            return float(row["ci_lower"]), float(row["ci_upper"])
        return frame[["ci_lower", "ci_upper"]]

    def summary(self, alpha: float | None = None) -> str:
        """Plain-text summary: title, tidy frame and caveats (in English)."""
        lines = [self.title, "=" * len(self.title)]
        with pd.option_context("display.float_format", "{:,.4g}".format, "display.width", 120):
            lines.append(self.summary_frame(alpha).to_string())
        if self.caveats:
            lines.append("")
            lines.append("Caveats:")
            lines += [f"  - {c}" for c in self.caveats]  # str(Caveat): the English sentence
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _html_head(self) -> str:
        """Text shown under the title in the notebook display (subclasses may add one)."""
        return ""

    def _repr_html_(self) -> str:
        """Rich notebook display: title, the tidy frame as a table, caveats as a list."""
        frame = self.summary_frame()
        level = f"{100 * (1 - self._alpha(None)):g}% interval"
        parts = [f"<strong>{escape(self.title)}</strong>"]
        if self._html_head():
            parts.append(f"<p>{escape(self._html_head())}</p>")
        parts.append(frame.to_html(float_format=lambda x: f"{x:,.4g}", border=0, na_rep="–"))
        parts.append(f"<p><small>ci_lower, ci_upper: {level}</small></p>")
        if self.caveats:
            items = "".join(f"<li>{escape(str(c))}</li>" for c in self.caveats)
            parts.append(f"<p>Caveats:</p><ul>{items}</ul>")
        return '<div class="capacity-results">' + "".join(parts) + "</div>"

    def plot(self, ax=None, alpha: float | None = None):
        """Point estimates with their intervals; returns the matplotlib Axes."""
        import matplotlib.pyplot as plt

        frame = self.summary_frame(alpha)
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.5 + 0.4 * len(frame)))
        y = np.arange(len(frame))
        est = frame["estimate"].to_numpy(dtype=float)
        lo = frame["ci_lower"].to_numpy(dtype=float)
        hi = frame["ci_upper"].to_numpy(dtype=float)
        err = np.nan_to_num(np.abs(np.vstack([est - lo, hi - est])), nan=0.0, posinf=0.0)
        ax.errorbar(est, y, xerr=err, fmt="o", color="#0072B2", capsize=3)
        ax.set_yticks(y, [str(i) for i in frame.index])
        ax.set_title(self.title)
        ax.invert_yaxis()
        return ax


def require_columns(
    frame: pd.DataFrame,
    columns: Sequence[str],
    table: str,
    rule: str = "required column is missing",
    fix: str | None = None,
) -> None:
    """Raise a :class:`DataError` naming ``table`` and every column of ``columns`` it lacks.

    ``rule`` and ``fix`` say why the model needs them and what to do (default: add it).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            [Problem(table, None, c, None, rule, fix or f"add column '{c}'.") for c in missing]
        )
