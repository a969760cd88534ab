"""The population chain: per-quarter multiple systems estimates and the detection share.

:func:`population_chain` estimates the hidden population of a city per quarter with
:func:`~capacity.models.population.mse` and turns the estimates into the detection share
``δ = Σ n_q / Σ N̂_q`` that scales observed arrivals up to all arrivals, with Monte Carlo
draws of ``δ`` from log-normal unseen counts (:func:`lognormal_unseen`). Methods:
``docs/methods/population.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import CapacityError, ParameterError
from capacity.models._base import Caveat, Results, percentile_interval, tidy
from capacity.models.population.design import capture_histories
from capacity.models.population.mse import mse

__all__ = ["SIGMA_MAX", "PopulationChain", "lognormal_unseen", "population_chain"]


#: Largest log-scale spread of the unseen count (a factor e^1.5 ≈ 4.5 per SD): beyond it a
#: quarter's interval says the data carry no information on the unseen, and the draws are
#: capped rather than allowed to put most weight on absurd population sizes.
SIGMA_MAX = 1.5


def lognormal_unseen(
    rng: np.random.Generator,
    n_observed: float,
    estimate: float,
    interval: tuple[float, float],
    size: int,
    alpha: float = 0.05,
) -> np.ndarray:
    """Draws of ``N`` whose unseen part ``N − n`` is log-normal matched to an interval.

    Notes
    -----
    ``log(N − n) ~ Normal(log(N̂ − n), σ)`` with ``σ = (log(hi − n) − log(lo − n))/(2z)``
    (Chao 1987's log-normal form); an infinite upper bound uses the lower half only.
    """
    z = stats.norm.ppf(1 - alpha / 2)
    unseen = max(estimate - n_observed, 1e-9)
    lo = max(interval[0] - n_observed, 1e-9)
    hi = interval[1] - n_observed
    if np.isfinite(hi) and hi > lo:
        sigma = (np.log(hi) - np.log(lo)) / (2 * z)
    else:
        sigma = max(np.log(unseen) - np.log(lo), 0.0) / z
    sigma = min(sigma, SIGMA_MAX)
    return n_observed + unseen * np.exp(sigma * rng.standard_normal(size))


@dataclass(frozen=True, repr=False)
class PopulationChain(Results):
    """Per-quarter MSE estimates and the detection share they imply.

    Attributes
    ----------
    quarters : DataFrame
        Per quarter: ``n_observed``, ``N_hat``, ``ci_lower``, ``ci_upper``, ``model``.
    fits : dict
        Quarter label to its :class:`~capacity.population.MSEResults`.
    detection : float
        ``δ = Σ n_q / Σ N̂_q`` (1 when no quarter could be estimated).
    detection_draws : ndarray
        Monte Carlo draws of ``δ`` (log-normal unseen counts per quarter).
    """

    quarters: pd.DataFrame
    fits: dict
    detection: float
    detection_draws: np.ndarray
    caveats: tuple[Caveat, ...] = ()
    alpha: float = 0.05
    title: str = "Hidden population per quarter (multiple systems estimation)"
    #: how a report writes its rows (:meth:`capacity.report.ReportBook.results`): the share
    #: as a percentage, not rounded to a whole number like the counts
    row_kinds: ClassVar[dict[str, str]] = {"detection_share": "percent"}

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """``detection_share`` and, per quarter, ``N_hat_<quarter>``.

        The quarters' intervals are those of their fits at :attr:`alpha` (the level the
        chain was built at); ``alpha`` sets the detection share's percentile interval.
        """
        alpha = self._alpha(alpha)
        lo, hi = percentile_interval(self.detection_draws, alpha)
        rows = {"detection_share": (self.detection, np.std(self.detection_draws), lo, hi)}
        for q, r in self.quarters.iterrows():
            rows[f"N_hat_{q}"] = (r["N_hat"], r["se"], r["ci_lower"], r["ci_upper"])
        return tidy(rows)


def population_chain(
    sightings: pd.DataFrame,
    city: str,
    start: dt.date,
    end: dt.date,
    *,
    criterion: str = "aic",
    alpha: float = 0.05,
    n_draws: int = 0,
    rng: np.random.Generator | None = None,
    method: str = "mse",
) -> PopulationChain:
    """MSE per quarter of the city's sightings and the detection share.

    Parameters
    ----------
    method : {"mse", "open"}
        ``"mse"``: closed log-linear MSE per quarter (the default). ``"open"``: the
        open-population stay-process model (:func:`~capacity.models.population.open.
        open_population`), which allows arrivals and departures inside the quarter and
        capture that grows with time present; ``criterion`` is then unused. Not the default
        yet: it is about 100 times slower, and on the calibrated sample it estimated 12 %
        fewer persons than the truth in two quarters of 2025 (docs/methods/population.md).

    Notes
    -----
    ``"mse"`` assumes closure within a quarter (nobody arrives or leaves in a way that
    depends on being seen) and that unseen persons stay like seen ones. Quarters whose model
    does not exist or has fewer than two sources are skipped with a caveat; if none remain,
    ``δ = 1`` (observed arrivals are taken as all arrivals: reach is then overstated).
    """
    if method not in ("mse", "open"):
        raise ParameterError(f"method must be 'mse' or 'open', got {method!r}.")
    rng = rng or np.random.default_rng(0)
    rows = sightings[
        (sightings["city"].astype("string") == city)
        & (sightings["date"] >= pd.Timestamp(start))
        & (sightings["date"] <= pd.Timestamp(end))
    ]
    quarter = rows["date"].dt.to_period("Q").astype(str)
    out, fits, caveats = [], {}, []
    if method == "open":
        from capacity.models.population.open import open_population

        res = open_population(rows, city, start, end, freq="Q", alpha=alpha)
        fits, caveats = dict(res.fits), list(res.caveats)
        for label, r in res.windows.drop(index="period", errors="ignore").iterrows():
            out.append(
                {
                    "quarter": label,
                    "n_observed": int(r["n_observed"]),
                    "N_hat": r["N"],
                    "se": r["N_se"],
                    "ci_lower": r["N_lower"],
                    "ci_upper": r["N_upper"],
                    "model": "open-population stay-process model",
                }
            )
    groups = [] if method == "open" else rows.groupby(quarter, sort=True)
    for label, part in groups:
        try:
            table = capture_histories(part)
            lists = [c for c in table.columns if c != "count"]
            fit = mse(table, lists, criterion=criterion)
            lo, hi = fit.conf_int(alpha)
        except CapacityError as exc:
            caveats.append(
                Caveat("population.quarter_failed", quarter=label, reason=Caveat.of_error(exc))
            )
            continue
        fits[label] = fit
        out.append(
            {
                "quarter": label,
                "n_observed": fit.n_observed,
                "N_hat": fit.estimate,
                "se": fit.se,
                "ci_lower": lo,
                "ci_upper": hi,
                "model": fit.model_label,
            }
        )
    frame = pd.DataFrame(
        out, columns=["quarter", "n_observed", "N_hat", "se", "ci_lower", "ci_upper", "model"]
    ).set_index("quarter")
    if frame.empty:
        caveats.append(Caveat("population.no_quarter"))
        return PopulationChain(frame, fits, 1.0, np.ones(max(n_draws, 1)), tuple(caveats), alpha)
    n = frame["n_observed"].sum()
    detection = float(n / frame["N_hat"].sum())
    if n_draws:
        total = sum(
            lognormal_unseen(rng, r.n_observed, r.N_hat, (r.ci_lower, r.ci_upper), n_draws, alpha)
            for r in frame.itertuples()
        )
        draws = np.clip(n / total, 1e-6, 1.0)
    else:
        draws = np.array([detection])
    caveats.append(
        Caveat(
            "population.unseen_open" if method == "open" else "population.unseen",
            share=1 - detection,
        )
    )
    return PopulationChain(frame, fits, detection, draws, tuple(caveats), alpha)
