"""Monte Carlo inputs of the question-4 answer, and reach and FTE needed for all draws at once.

:func:`~capacity.question4.fit.fit_models` draws the model inputs once per dataset
(person-bootstrap of the stay distribution, the contact rate refitted on resampled
outreach days, the detection share from the MSE intervals, language shares and observed
arrivals) into :class:`Inputs`; row 0 is the point estimate. Per scenario,
:func:`reach_matrix` and :func:`fte_needed_matrix` evaluate every draw at once through the
strategy registered in :mod:`capacity.models.reach` — the same implementation as the
scalar functions there. See ``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capacity.models.reach import strategy as get_strategy
from capacity.models.staffing import fte_needed_many
from capacity.models.stays import StayTable

__all__ = ["Inputs", "effective_reach", "fte_needed_matrix", "reach_ceiling", "reach_matrix"]


@dataclass(frozen=True)
class Inputs:
    """Model inputs per draw (row 0 of a fitted model's draws is the point estimate).

    Attributes
    ----------
    eta : (D,) contacts per outreach staff-hour
    hours_per_fte : float, outreach staff-hours logged per week per outreach FTE
    arrivals_observed : (D,) observed stay starts per week
    detection : (D,) share of the target group ever observed (n / N̂)
    stays : StayTable with D rows
    pi : (D, L) language shares of the target group
    m : (L,) or (D, L) share of contacts usable per language (staff speakers and
        interpreters); per draw when the interpreter share is re-estimated per replicate
    share : (D,) share of contact capacity in screening, estimated from the data (strategy
        ``"estimated"``; :mod:`capacity.models.strategy`), or None
    server_factor : (D,) contacts per screening FTE relative to ``η·H`` when the strategy
        is modelled per channel (the screeners are the screening channels' staff, at
        their own contacts per hour; :func:`capacity.models.channels.channel_mix_inputs`),
        or None (every FTE at ``η·H``)
    speed_factor : (D,) how much faster than logged a screener works when the queue holds
        work (:func:`capacity.models.strategy.screening_speed_factor`: today's screening
        throughput reproduced by the queue), or None (1)
    """

    eta: np.ndarray
    hours_per_fte: float
    arrivals_observed: np.ndarray
    detection: np.ndarray
    stays: StayTable
    pi: np.ndarray
    m: np.ndarray
    share: np.ndarray | None = None
    server_factor: np.ndarray | None = None
    speed_factor: np.ndarray | None = None

    def __len__(self) -> int:
        """Number of rows: the point estimate and the Monte Carlo draws."""
        return len(self.eta)

    def subset(self, idx: np.ndarray) -> Inputs:
        """Draws ``idx`` (e.g. ``[0]`` for the point estimate, or one row repeated)."""
        return Inputs(
            self.eta[idx],
            self.hours_per_fte,
            self.arrivals_observed[idx],
            self.detection[idx],
            self.stays.take(idx),
            self.pi[idx],
            self.m_rows(idx),
            None if self.share is None else self.share[idx],
            None if self.server_factor is None else self.server_factor[idx],
            None if self.speed_factor is None else self.speed_factor[idx],
        )

    def m_rows(self, idx: np.ndarray) -> np.ndarray:
        """``m`` for draws ``idx`` (the same vector when it does not vary by draw)."""
        m = np.asarray(self.m, dtype=float)
        return m[idx] if m.ndim == 2 else m

    def usable(self) -> np.ndarray:
        """``Σ_L π_L m_L`` per draw: the share of contacts usable, ``(D,)``."""
        return (self.pi * np.asarray(self.m, dtype=float)).sum(axis=-1)

    def arrivals_per_week(
        self,
        arrivals_multiplier: float = 1.0,
        stay_multiplier: float | np.ndarray = 1.0,
        hold: str = "present",
    ) -> np.ndarray:
        """All arrivals per week per draw: ``A = A_obs/δ × a`` (÷ ``s`` when holding presence).

        Notes
        -----
        Observed stay starts ``A_obs`` are scaled up by the detection share ``δ`` and by
        the scenario's arrivals multiplier ``a``. The stay multiplier ``s`` scales every
        stay; with ``hold="present"`` (scenarios) it holds the number present
        ``N = A·E[T]`` fixed — a more mobile group turns over faster — so arrivals become
        ``A/s``; with ``hold="arrivals"`` (the forecast, whose arrivals are forecast) they
        stay ``A``.
        """
        arrivals = self.arrivals_observed / self.detection * arrivals_multiplier
        if hold == "present":
            arrivals = arrivals / np.asarray(stay_multiplier, dtype=float)
        return arrivals


def reach_matrix(
    inputs: Inputs,
    fte: np.ndarray,
    *,
    strategy: str = "random",
    stay_multiplier: float | np.ndarray = 1.0,
    arrivals_multiplier: float = 1.0,
    hold: str = "present",
    search_scale: float | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Reach per draw and language at outreach FTE ``fte`` (one value per draw).

    Returns
    -------
    p_lang : (D, L) reach in a usable language per language
    p_any : (D,) reach in any language (``m = 1``)

    Notes
    -----
    Arrivals from :meth:`Inputs.arrivals_per_week`; contacts per FTE-week ``μ = η·H``; the
    strategy (random search ``p_L = 1 − L(h·m_L)``, ``h = μ·f/(A'·E[T])``; screening
    ``p_L = m_L·P_served`` of an Erlang A queue) is the one registered under ``strategy``
    in :mod:`capacity.models.reach`. ``search_scale`` multiplies the search hazard only
    (the national view's reach by month, :func:`capacity.national.monthly_search_reach`).
    """
    fte = np.broadcast_to(np.asarray(fte, dtype=float), inputs.eta.shape)
    s = np.broadcast_to(np.asarray(stay_multiplier, dtype=float), inputs.eta.shape)
    arrivals = inputs.arrivals_per_week(arrivals_multiplier, s, hold)
    rate = inputs.eta * inputs.hours_per_fte
    strat = get_strategy(strategy)
    extra = {"share": _share(inputs)} if strat.needs_share else {}
    if search_scale is not None:
        extra["search_scale"] = np.broadcast_to(np.asarray(search_scale, float), inputs.eta.shape)
    if strat.needs_share and inputs.server_factor is not None:
        extra["server_factor"] = np.asarray(inputs.server_factor, dtype=float)
    if strat.needs_share and inputs.speed_factor is not None:
        extra["speed_factor"] = np.asarray(inputs.speed_factor, dtype=float)
    return strat.reach(rate, fte, arrivals, inputs.stays, inputs.m, s, **extra)


def _share(inputs: Inputs) -> np.ndarray:
    """Share of capacity in screening per draw (0, random search, when not estimated)."""
    return np.zeros(len(inputs)) if inputs.share is None else np.asarray(inputs.share, float)


def effective_reach(inputs: Inputs, fte: np.ndarray, **scenario) -> np.ndarray:
    """``Σ_L π_L p_L`` per draw at outreach FTE ``fte``."""
    p_lang, _ = reach_matrix(inputs, fte, **scenario)
    return (inputs.pi * p_lang).sum(axis=1)


def reach_ceiling(inputs: Inputs, strategy: str = "random") -> np.ndarray:
    """Largest effective reach at unlimited staff, per draw (see ``Strategy.ceiling``)."""
    strat = get_strategy(strategy)
    extra = {"share": _share(inputs)} if strat.needs_share else {}
    return strat.ceiling(inputs.pi, inputs.m, **extra)


def fte_needed_matrix(inputs: Inputs, target: float, **scenario) -> np.ndarray:
    """FTE needed for ``target`` per draw (``inf`` where unreachable)."""
    ceiling = reach_ceiling(inputs, scenario.get("strategy", "random"))
    out = np.full(len(inputs), np.inf)
    ok = ceiling > target + 1e-9
    if ok.any():
        sub = inputs.subset(np.flatnonzero(ok))
        s = scenario.get("stay_multiplier", 1.0)
        if np.ndim(s):
            scenario = {**scenario, "stay_multiplier": np.asarray(s)[ok]}
        out[ok] = fte_needed_many(
            lambda f: effective_reach(sub, f, **scenario), target, len(sub), iterations=34
        )
    return out
