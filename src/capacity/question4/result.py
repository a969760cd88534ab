"""The results object of question 4: verdict, key figures, languages, draws and caveats.

Built by :func:`capacity.question4.evaluate`; see ``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.models._base import COLUMNS, Caveat, Results, percentile_interval


@dataclass(frozen=True, repr=False, kw_only=True)
class Question4Result(Results):
    """The answer to question 4 with the numbers behind it (see module docstring).

    Attributes
    ----------
    verdict : {"sufficient", "insufficient", "uncertain"}
    p_target : float
        ``P(effective reach ≥ target)`` over the Monte Carlo draws.
    target_reach, city, period, synthetic, params, data_files
        What was asked of which data.
    key_figures : DataFrame
        ``estimate, se, ci_lower, ci_upper`` for :data:`KEY_FIGURES`.
    languages : DataFrame
        Per language: ``share_of_target_group``, ``staff_speakers_fte``, ``usable_share``,
        ``reach``, ``shortfall`` (reach below target: the bottleneck languages).
    stays, touring, population, productivity
        The fitted sub-models' results objects.
    forecast : DataFrame or None
        By month: arrivals and FTE needed, each with its interval.
    indicators : DataFrame or None
        Questions 1–3 from the operations table.
    draws : DataFrame
        Monte Carlo draws (``reach_effective``, ``fte_needed``, ``reach_stay``,
        ``reach_woman``, ``reach_tour``, ``reach_tour_national``, ...).
    reach_measure : {"woman", "stay", "tour"}
        What ``reach_effective``, ``p_target``, the verdict and ``fte_needed`` count
        (``docs/methods/tours.md``).
    reach_level : {"information", "conversation"}
        What counts as reaching a woman (:mod:`capacity.question4.levels`): a first contact
        with information in a language she understands, or a conversation in which
        trafficking indicators can be assessed.
    strategy : str
        The outreach strategy of the answer (``"estimated"``: the mix the data show).
    strategy_fit : StrategyResults or None
        The strategy the data support, its interval and model check (``.plot()``).
    channel_strategy : ChannelStrategy or None
        The strategy per channel (online, venue, street, operation): each channel's share
        of contacts in screening with its interval (:mod:`capacity.models.channels`).
    mobility : MobilityFit or None
        Tour chain and stays per woman (for :meth:`coordination`).
    caveats : tuple of Caveat
    point : dict
        Point estimates of :data:`KEY_FIGURES` (the draws give their intervals).
    persons_observed : int
        Distinct persons seen in the city and period.
    """

    verdict: str
    p_target: float
    target_reach: float
    city: str
    period: tuple
    synthetic: bool
    point: dict[str, float]
    languages: pd.DataFrame
    stays: Any
    touring: Any
    population: Any
    productivity: Any
    forecast: pd.DataFrame | None
    indicators: pd.DataFrame | None
    draws: pd.DataFrame
    caveats: tuple[Caveat, ...]
    data_files: dict
    params: Params
    persons_observed: int
    reach_measure: str = "stay"
    reach_level: str = "information"
    strategy: str = "random"
    strategy_fit: Any = None
    mobility: Any = None
    channel_strategy: Any = None
    _inputs: Any = field(default=None, repr=False, compare=False)
    title: str = "Question 4: outreach capacity against a mobile target group"

    @property
    def alpha(self) -> float:
        """The run's ``alpha`` (``params.alpha``): the default level of every interval."""
        return self.params.alpha

    def reach_measures(self, alpha: float | None = None) -> pd.DataFrame:
        """Effective reach per stay, per woman, per tour through the city and nationally.

        Tidy frame (estimate, se, interval); ``attrs["verdict_measure"]`` names the one the
        verdict counts.
        """
        a = self._alpha(alpha)
        rows = {}
        for key in ("reach_stay", "reach_woman", "reach_tour", "reach_tour_national"):
            if key not in self.point:
                continue
            d = self.draws[key].to_numpy(dtype=float) if key in self.draws else np.array([])
            lo, hi = percentile_interval(d, a) if len(d) else (self.point[key],) * 2
            se = float(np.std(d, ddof=1)) if len(d) > 1 else np.nan
            rows[key] = (self.point[key], se, lo, hi)
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS, dtype=float)
        frame.index.name = "quantity"
        frame.attrs["verdict_measure"] = f"reach_{self.reach_measure}"
        frame.attrs["reach_level"] = self.reach_level
        return frame

    def coordination(self, extra_fte: float = 1.0, alpha: float | None = None) -> pd.DataFrame:
        """What coordination with other cities buys beside ``extra_fte`` in this city alone.

        See :func:`capacity.question4.mobility.coordination_scenarios`; needs the mobility
        fit (None otherwise).
        """
        from capacity.question4.mobility import coordination_scenarios

        if self.mobility is None:
            return None
        return coordination_scenarios(
            self._inputs, self.mobility, self.point["fte_outreach_now"], extra_fte,
            alpha=self._alpha(alpha),
        )  # fmt: skip

    @property
    def key_figures(self) -> pd.DataFrame:
        """Key figures at the run's ``alpha``."""
        return self.summary_frame(self.params.alpha)

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Key figures: point estimate, Monte Carlo SE and percentile interval."""
        alpha = self._alpha(alpha)
        rows = {}
        for key in KEY_FIGURES:
            est = self.point.get(key, np.nan)
            se, lo, hi = np.nan, est, est
            if key in self.draws and len(self.draws):
                d = self.draws[key].to_numpy(dtype=float)
                finite = d[np.isfinite(d)]
                se = float(finite.std(ddof=1)) if len(finite) > 1 else np.nan
                lo, hi = percentile_interval(d, alpha)
            rows[key] = (est, se, lo, hi)
        st = self.stays
        rows["median_stay_days"] = (st.median_days, np.nan, *st.median_ci)
        hr = st.summary_frame(alpha).loc["hazard_ratio_per_year"]
        rows["stay_hr_per_year"] = tuple(hr[COLUMNS])
        if "fte_needed" in self.draws and len(self.draws):
            d = self.draws["fte_needed"].to_numpy(dtype=float) - self.point["fte_outreach_now"]
            lo, hi = percentile_interval(d, alpha)
            rows["fte_gap"] = (self.point["fte_gap"], rows["fte_needed"][1], lo, hi)
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=COLUMNS, dtype=float)
        frame.index.name = "quantity"
        return frame.reindex(KEY_FIGURES)

    def summary(self, alpha: float | None = None) -> str:
        """Verdict, key figures, bottleneck languages and caveats as plain text."""
        body = super().summary(self._alpha(alpha))
        return "\n".join([self._html_head(), "", body, "", self._bottlenecks()])

    def _html_head(self) -> str:
        return (
            f"{self.city} {self.period[0]} to {self.period[1]}"
            + (" (SYNTHETIC data)" if self.synthetic else "")
            + f": {self.verdict.upper()} — P(effective reach per "
            f"{self.reach_measure} ≥ {self.target_reach:.0%}) = "
            f"{self.p_target:.0%}; reached = {self.reach_level}"
        )

    def _bottlenecks(self) -> str:
        short = self.languages.index[self.languages["shortfall"]].tolist()
        return f"Bottleneck languages: {', '.join(short) or '-'}"

    def plot(self, ax=None, alpha: float | None = None):
        """Distribution of effective reach over the draws, with the target."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        d = self.draws["reach_effective"].to_numpy(dtype=float)
        if len(d):
            ax.hist(d, bins=30, range=(0, 1), color="#0072B2", alpha=0.8)
        ax.axvline(self.target_reach, color="#D55E00", linestyle="--", label="target")
        ax.axvline(self.point["reach_effective"], color="black", label="estimate")
        ax.set_xlabel("share of the target group reached in a language they understand")
        ax.set_ylabel("Monte Carlo draws")
        ax.set_title(f"Effective reach, {self.city}: P(≥ target) = {self.p_target:.0%}")
        ax.legend()
        return ax


KEY_FIGURES = (
    "fte_outreach_now",
    "fte_needed",
    "fte_gap",
    "reach_effective",
    "reach_any_language",
    "trained_share",
    "population_present",
    "persons_per_quarter",
    "persons_in_period",
    "arrivals_per_week",
    "median_stay_days",
    "stay_hr_per_year",
    "contacts_per_hour",
    "support_before_leaving",
    "support_cases_per_week",
    "reflection_periods_at_once",
    "shelter_places",
    "casework_fte_now",
    "casework_fte_needed",
)
