"""Monte Carlo machinery of the question-4 answer: population chain, draws, reach per draw.

The expensive part (:func:`draw_inputs`: person-bootstrap of the stay distribution, draws
of the contact rate from the productivity GLM's covariance, of the detection share from
the MSE intervals, of language shares and of observed arrivals) runs once per dataset;
the cheap part (:func:`reach_matrix`, :func:`fte_needed_matrix`) runs per scenario, all
draws at once. :func:`population_chain` turns per-quarter multiple systems estimates into
the detection share that scales observed arrivals up. See
``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from capacity.exceptions import CapacityError
from capacity.models._base import Results, percentile_interval, tidy
from capacity.models.reach import DAYS_PER_WEEK, erlang_a_served
from capacity.models.staffing import fte_needed_many


@dataclass(frozen=True)
class StayTable:
    """Several stay distributions (rows) as padded arrays, for vectorised Laplace transforms.

    Each row ``d`` is a ``StayDistribution`` of :mod:`capacity.models.stays`: point masses
    ``masses[d, j]`` at ``times[d, j]`` plus an exponential tail beyond ``t_max[d]``.
    """

    times: np.ndarray
    masses: np.ndarray
    s_max: np.ndarray
    t_max: np.ndarray
    tail_rate: np.ndarray
    mean: np.ndarray

    @classmethod
    def from_distributions(cls, dists: Sequence) -> StayTable:
        """Stack ``StayDistribution`` objects (``times, masses, s_max, t_max, tail_rate``)."""
        width = max(len(d.times) for d in dists)
        times = np.zeros((len(dists), width))
        masses = np.zeros((len(dists), width))
        for i, d in enumerate(dists):
            times[i, : len(d.times)] = d.times
            masses[i, : len(d.masses)] = d.masses
        s_max = np.array([float(d.s_max) for d in dists])
        rate = np.array([float(d.tail_rate) if d.s_max > 0 else 1.0 for d in dists])
        return cls(
            times=times,
            masses=masses,
            s_max=s_max,
            t_max=np.array([float(d.t_max) for d in dists]),
            tail_rate=rate,
            mean=np.array([d.mean() for d in dists]),
        )

    def __len__(self) -> int:
        return self.times.shape[0]

    def take(self, idx: np.ndarray) -> StayTable:
        """Rows ``idx`` (e.g. the point estimate repeated)."""
        return StayTable(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    def laplace(self, h: np.ndarray) -> np.ndarray:
        """``E[exp(−h T)]`` per row: ``h`` has shape ``(D, K)``, the result too.

        Notes
        -----
        ``L_d(h) = Σ_j p_dj e^{−h t_dj} + s_max,d e^{−h t_max,d} λ_d/(λ_d + h)``.
        """
        h = np.asarray(h, dtype=float)
        body = np.einsum("dkj,dj->dk", np.exp(-h[:, :, None] * self.times[:, None, :]), self.masses)
        tail = (
            self.s_max[:, None]
            * np.exp(-h * self.t_max[:, None])
            * self.tail_rate[:, None]
            / (self.tail_rate[:, None] + h)
        )
        return np.clip(body + tail, 0.0, 1.0)


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
    m : (L,) share of contacts usable per language (staff speakers and interpreters)
    """

    eta: np.ndarray
    hours_per_fte: float
    arrivals_observed: np.ndarray
    detection: np.ndarray
    stays: StayTable
    pi: np.ndarray
    m: np.ndarray

    def __len__(self) -> int:
        return len(self.eta)


def reach_matrix(
    inputs: Inputs,
    fte: np.ndarray,
    *,
    strategy: str = "random",
    stay_multiplier: float | np.ndarray = 1.0,
    arrivals_multiplier: float = 1.0,
    hold: str = "present",
) -> tuple[np.ndarray, np.ndarray]:
    """Reach per draw and language at outreach FTE ``fte`` (one value per draw).

    Returns
    -------
    p_lang : (D, L) reach in a usable language per language
    p_any : (D,) reach in any language (``m = 1``)

    Notes
    -----
    Arrivals ``A = A_obs/det × a`` with ``a`` the arrivals multiplier. The stay multiplier
    ``s`` scales every stay; with ``hold="present"`` (scenarios) it holds the number present
    ``N = A·E[T]`` fixed (a more mobile group turns over faster), so arrivals become ``A/s``;
    with ``hold="arrivals"`` (the forecast, whose arrivals are forecast) ``A`` stays. With
    ``A'`` the resulting arrivals, Random search:
    ``h = η·H·f/(A'·s·E[T])`` per day and ``p_L = 1 − L(s·h·m_L)`` (so at fixed arrivals a
    stay multiplier leaves random-search reach unchanged: Little's law). Screening:
    ``p_L = m_L·P_served`` of an Erlang A queue with ``λ = A'``, ``μ = η·H`` per FTE-week,
    ``c = f`` and patience ``7/(s·E[T])`` per week.
    """
    fte = np.broadcast_to(np.asarray(fte, dtype=float), inputs.eta.shape)
    s = np.broadcast_to(np.asarray(stay_multiplier, dtype=float), inputs.eta.shape)
    arrivals = inputs.arrivals_observed / inputs.detection * arrivals_multiplier
    if hold == "present":
        arrivals = arrivals / s
    rate = inputs.eta * inputs.hours_per_fte
    m = np.broadcast_to(inputs.m, inputs.pi.shape)
    if strategy == "random":
        # p = 1 − L_s(κm/(A'·s·E[T])) with L_s(x) = L(s·x): the scaled stays cancel
        # A draw with no arrivals (small data) has nobody to find: every arrival that does
        # come is met at once (p = 1, the λ → 0 limit), or never if there is no capacity.
        none = ~(arrivals > 0)
        h = rate * fte / np.where(none, 1.0, arrivals * inputs.stays.mean)
        x = np.concatenate([h[:, None] * m, h[:, None]], axis=1)
        p = 1.0 - inputs.stays.laplace(np.where(none[:, None], 0.0, x))
        p[none] = np.where(x[none] > 0, 1.0, 0.0)
        return p[:, :-1], p[:, -1]
    served = np.array(
        [
            _served(a, r, f, DAYS_PER_WEEK / (si * t))
            for a, r, f, t, si in zip(arrivals, rate, fte, inputs.stays.mean, s, strict=True)
        ]
    )
    return served[:, None] * m, served


def _served(arrivals: float, rate: float, fte: float, patience: float) -> float:
    """Share of arrivals screened before they leave, with the queue's edge cases.

    A draw with no arrivals (possible on small data) has nobody waiting: every arrival
    that does come is screened at once (share 1, the limit as λ → 0). No staff or no
    contacts per hour screens nobody.
    """
    if fte <= 0 or rate <= 0:
        return 0.0
    if arrivals <= 0:
        return 1.0
    return erlang_a_served(arrivals, rate, fte, patience)


def effective_reach(inputs: Inputs, fte: np.ndarray, **scenario) -> np.ndarray:
    """``Σ_L π_L p_L`` per draw at outreach FTE ``fte``."""
    p_lang, _ = reach_matrix(inputs, fte, **scenario)
    return (inputs.pi * p_lang).sum(axis=1)


def reach_ceiling(inputs: Inputs, strategy: str = "random") -> np.ndarray:
    """Largest effective reach at unlimited staff, per draw.

    Random search contacts a person again and again, so every language with ``m_L > 0`` is
    reached in the end: ``Σ_{L: m_L > 0} π_L``. Screening contacts each arrival once, so
    the ceiling is ``Σ_L π_L m_L``.
    """
    if strategy == "screening":
        return inputs.pi @ inputs.m
    return (inputs.pi * (inputs.m > 0)).sum(axis=1)


def fte_needed_matrix(inputs: Inputs, target: float, **scenario) -> np.ndarray:
    """FTE needed for ``target`` per draw (``inf`` where unreachable)."""
    ceiling = reach_ceiling(inputs, scenario.get("strategy", "random"))
    out = np.full(len(inputs), np.inf)
    ok = ceiling > target + 1e-9
    if ok.any():
        sub = _subset(inputs, np.flatnonzero(ok))
        s = scenario.get("stay_multiplier", 1.0)
        if np.ndim(s):
            scenario = {**scenario, "stay_multiplier": np.asarray(s)[ok]}
        out[ok] = fte_needed_many(
            lambda f: effective_reach(sub, f, **scenario), target, len(sub), iterations=34
        )
    return out


def _subset(inputs: Inputs, idx: np.ndarray) -> Inputs:
    return Inputs(
        inputs.eta[idx],
        inputs.hours_per_fte,
        inputs.arrivals_observed[idx],
        inputs.detection[idx],
        inputs.stays.take(idx),
        inputs.pi[idx],
        inputs.m,
    )


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
    caveats: tuple[str, ...] = ()
    title: str = "Hidden population per quarter (multiple systems estimation)"

    def summary_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """``detection_share`` and, per quarter, ``N_hat_<quarter>``."""
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
) -> PopulationChain:
    """MSE per quarter of the city's sightings and the detection share.

    Notes
    -----
    Assumes closure within a quarter (nobody arrives or leaves in a way that depends on
    being seen) and that unseen persons stay like seen ones. Quarters whose model does
    not exist or has fewer than two sources are skipped with a caveat; if none remain,
    ``δ = 1`` (observed arrivals are taken as all arrivals: reach is then overstated).
    """
    from capacity.population import capture_histories, mse

    rng = rng or np.random.default_rng(0)
    rows = sightings[
        (sightings["city"].astype("string") == city)
        & (sightings["date"] >= pd.Timestamp(start))
        & (sightings["date"] <= pd.Timestamp(end))
    ]
    quarter = rows["date"].dt.to_period("Q").astype(str)
    out, fits, caveats = [], {}, []
    for label, part in rows.groupby(quarter, sort=True):
        try:
            table = capture_histories(part)
            lists = [c for c in table.columns if c != "count"]
            fit = mse(table, lists, criterion=criterion)
            lo, hi = fit.conf_int(alpha)
        except CapacityError as exc:
            caveats.append(f"Quarter {label}: no population estimate ({exc}).")
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
        caveats.append(
            "The hidden population could not be estimated in any quarter: observed arrivals "
            "are used as all arrivals, so reach is overstated."
        )
        return PopulationChain(frame, fits, 1.0, np.ones(max(n_draws, 1)), tuple(caveats))
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
        f"About {1 - detection:.0%} of the target group in a quarter is never seen by any "
        "source (multiple systems estimate; assumes closure within a quarter)."
    )
    return PopulationChain(frame, fits, detection, draws, tuple(caveats))
