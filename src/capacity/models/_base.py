"""The one results shape shared by every model.

Every model's ``fit`` (or estimator function) returns an object derived from
:class:`Results`. Its tidy frame has the same columns everywhere::

    estimate  se  ci_lower  ci_upper

indexed by the name of the quantity, so that reports, tables and tests treat all models
alike. Caveats (rows dropped, censoring, suppressed cells, boundary fits) travel with the
result in :attr:`Results.caveats` and are printed by :meth:`Results.summary`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

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


class Results:
    """Base class of results objects.

    Subclasses implement :meth:`summary_frame`; the rest follows from it. Set
    ``title`` and ``caveats`` (a tuple of plain-language sentences).
    """

    title: str = "Results"
    caveats: tuple[str, ...] = ()

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:  # pragma: no cover
        """Tidy frame with columns ``estimate, se, ci_lower, ci_upper``."""
        raise NotImplementedError

    def conf_int(self, alpha: float = 0.05):
        """Confidence interval(s) at level ``1 - alpha``.

        Returns ``(low, high)`` when the result has one quantity, otherwise a frame with
        ``ci_lower`` and ``ci_upper`` per quantity.
        """
        frame = self.summary_frame(alpha)
        if len(frame) == 1:
            row = frame.iloc[0]
            return float(row["ci_lower"]), float(row["ci_upper"])
        return frame[["ci_lower", "ci_upper"]]

    def summary(self, alpha: float = 0.05) -> str:
        """Plain-text summary: title, tidy frame and caveats."""
        lines = [self.title, "=" * len(self.title)]
        with pd.option_context("display.float_format", "{:,.4g}".format, "display.width", 120):
            lines.append(self.summary_frame(alpha).to_string())
        if self.caveats:
            lines.append("")
            lines.append("Caveats:")
            lines += [f"  - {c}" for c in self.caveats]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def plot(self, ax=None, alpha: float = 0.05):
        """Point estimates with their intervals; returns the matplotlib Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.5 + 0.4 * len(self.summary_frame(alpha))))
        frame = self.summary_frame(alpha)
        y = np.arange(len(frame))
        est = frame["estimate"].to_numpy()
        err = np.vstack([est - frame["ci_lower"].to_numpy(), frame["ci_upper"].to_numpy() - est])
        ax.errorbar(est, y, xerr=np.abs(err), fmt="o", color="#0072B2", capsize=3)
        ax.set_yticks(y, [str(i) for i in frame.index])
        ax.set_title(self.title)
        ax.invert_yaxis()
        return ax
