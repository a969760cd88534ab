"""Structural uncertainty: what the data cannot decide, shown apart from the sampling interval.

The bootstrap interval (:mod:`capacity.question4.bootstrap`) says how much the answer
would move with another sample *under the model*. Some choices the data do not settle:
the level of reach (a first contact with information or a conversation), the outreach
strategy, the gap that separates two stays (``gap_days``), the model of the unseen (the
other MSE selection criterion; the quarterly MSE with margin-corrected stays against the
stay-level detection share with deconvolved stays), the prior of the daily sighting rates
of the source sets no ad site sees (``shrink_days``; per-day deconvolved stays only), the
EM's start, which sets the share of the shortest stays where the data leave it open
(``em_start``; per-day deconvolved stays only), how many persons no source sees (the
detection share, which rests on closure and homogeneity), the target, and the interpreter
policy. :func:`sensitivity` moves each one to a plausible low and high setting, one at a
time, and records the point estimates of the FTE needed and of effective reach: a
**tornado** (:func:`capacity.figures.tornado`).

Scenario-level settings are applied with :class:`~capacity.question4.Scenario` on the one
fit (no refit); ``gap_days``, ``shrink_days``, ``em_start`` and the population model need a
refit, done without bootstrap replicates (``n_boot = 0``: only point estimates are shown).
The settings are listed in :data:`SETTINGS`, so a new structural choice is one more entry.
Methods: ``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.exceptions import CapacityError
from capacity.question4.scenario import Scenario

__all__ = [
    "SETTINGS",
    "SHRUNK_STAY_MODELS",
    "Setting",
    "refit_params",
    "sensitivity",
    "sensitivity_range",
]


@dataclass(frozen=True)
class Setting:
    """One structural choice with its low and high alternatives.

    ``values(fitted, params)`` returns ``(low, high)``: each a dict of scenario settings
    (``kind="scenario"``) or of fit parameters (``kind="refit"``), plus ``"label"`` (the
    setting shown, as text). A refit's values depend on ``params`` only (they are called
    with ``fitted=None`` by :func:`refit_params`, before the fit exists).
    """

    name: str
    kind: str
    values: Callable


def _detection(fitted, params):
    # δ is an estimate resting on closure and homogeneity: 20 % lower (more persons no
    # source sees) or 20 % higher (capped at 1); arrivals scale with 1/δ
    d = float(fitted.inputs.detection[0])
    lo, hi = 0.8 * d, min(1.0, 1.2 * d)
    a = params.arrivals_multiplier
    return (
        {"arrivals_multiplier": a * d / lo, "label": f"{lo:.2f}"},
        {"arrivals_multiplier": a * d / hi, "label": f"{hi:.2f}"},
    )


def _gap_days(fitted, params):
    g = params.gap_days
    return ({"gap_days": max(2, g // 2), "label": str(max(2, g // 2))},
            {"gap_days": int(round(1.5 * g)), "label": str(int(round(1.5 * g)))})  # fmt: skip


def _population_model(fitted, params):
    # the model for the persons no source sees and for the stays' unseen days: the other MSE
    # selection criterion, and the other pair of models (quarterly MSE with margin-corrected
    # stays, or the stay-level detection share with deconvolved stays); coverage.md shows
    # the data of one city cannot tell which is right on every kind of world
    other = "aic" if params.mse_criterion == "bic" else "bic"
    low = {"mse_criterion": other, "label": other.upper()}
    if params.detection_model == "stays":
        # the MSE's criterion does not enter the stay-level detection share (it does only
        # when that fit fails and the chain falls back to the MSE; a caveat says so then)
        low = None
    if params.detection_model == "stays" and params.stay_model == "deconvolve":
        high = {"detection_model": "mse", "stay_model": "margins", "label": "quarterly"}
    else:
        high = {"detection_model": "stays", "stay_model": "deconvolve", "label": "stay_level"}
    return (low, high)


#: Stay models whose per-day kernel uses each source set's shrunk sighting density.
SHRUNK_STAY_MODELS = ("deconvolve", "deconvolve_sites")


def _shrink_days(fitted, params):
    # the prior of the sets' daily sighting rates: the sets no ad site sees (outreach,
    # police) have almost no interior days, so their rate is the prior, and the bootstrap
    # holds it; a tenth and ten times the pseudo-days (5 and 500 at the default 50;
    # docs/methods/stays.md, "The prior of the sets no ad site sees"). Only where the
    # stays' kernel uses these rates: not the margins, and not capture on arrival, whose
    # per-day kernels take the EM's own rates (on the sample 5 and 500 move the FTE needed
    # by +0.05 and -0.6 %: two refits of the cold report for a bar one FTE wide)
    if params.stay_model not in SHRUNK_STAY_MODELS:
        return (None, None)
    c = params.shrink_days
    lo, hi = max(0.1, c / 10), min(10000.0, c * 10)
    return ({"shrink_days": lo, "label": f"{lo:g}"}, {"shrink_days": hi, "label": f"{hi:g}"})


def _em_start(fitted, params):
    # the EM's start: where the sources see a woman day by day the shortest stays are rarely
    # seen, the data leave their share open (the fits from the two starts are about one
    # unit of log-likelihood apart) and 100 EM steps keep much of the start's; the FTE
    # needed moved by 26-54 % on the per-day worlds (docs/methods/stays.md, "The EM's start
    # as a bar"). Not with capture on arrival, where a short stay is seen on its first day
    # (the sample's FTE needed 178.8 against 179.0) or with the margins, which have no EM.
    from capacity.models.stays.deconvolve import other_start

    if params.stay_model not in SHRUNK_STAY_MODELS:
        return (None, None)
    other = other_start(params.em_start)
    bar = {"em_start": other, "label": other}
    # the log-uniform start has more short stays: the high end of the FTE needed
    return (None, bar) if other == "log_uniform" else (bar, None)


def _strategy(fitted, params):
    from capacity.models.reach import STRATEGIES

    others = [s for s in STRATEGIES if s != params.strategy]
    return tuple({"strategy": s, "label": s} for s in others[:2]) + (None,) * (2 - len(others[:2]))


def _target(fitted, params):
    t = params.target_reach
    lo, hi = max(0.05, t - 0.1), min(0.99, t + 0.1)
    return ({"target_reach": lo, "label": f"{lo:.0%}"}, {"target_reach": hi, "label": f"{hi:.0%}"})


def _interpreters(fitted, params):
    return ({"interpreter_share": 0.0, "label": "0%"}, {"interpreter_share": 1.0, "label": "100%"})


def _level(fitted, params):
    # what counts as reaching her: the other level of reach (docs/methods/reach.md)
    other = "conversation" if params.reach_level == "information" else "information"
    side = {"reach_level": other, "label": other}
    return (side, None) if other == "conversation" else (None, side)


#: The structural choices of the tornado, in display order before sorting by span.
SETTINGS: tuple[Setting, ...] = (
    Setting("detection_share", "scenario", _detection),
    Setting("gap_days", "refit", _gap_days),
    Setting("shrink_days", "refit", _shrink_days),
    Setting("em_start", "refit", _em_start),
    Setting("population_model", "refit", _population_model),
    Setting("strategy", "scenario", _strategy),
    Setting("target_reach", "scenario", _target),
    Setting("interpreter_share", "scenario", _interpreters),
    Setting("reach_level", "scenario", _level),
)


def _refit(params: Params, val: dict) -> Params:
    """The parameters of one refit: the setting's values, point estimates only."""
    # capture_model "fixed": a refit takes the settings it is given, never the data's choice
    changes = {k: v for k, v in val.items() if k != "label"}
    return params.replace(capture_model="fixed", **changes, n_boot=0)


def refit_params(params: Params) -> list[Params]:
    """The parameters of every refit :func:`sensitivity` makes, in its order.

    Known before the fit (a refit's values depend on ``params`` only), so a report can
    fit them beside its own fit (:mod:`capacity.report.refits`).
    """
    return [
        _refit(params, val)
        for setting in SETTINGS
        if setting.kind == "refit"
        for val in setting.values(None, params)
        if val is not None
    ]


def _point(fitted, params: Params, sc: Scenario) -> tuple[float, float]:
    from capacity.question4.evaluate import point_estimates

    first = np.array([0])  # the point estimate: row 0 of the inputs and the mobility fit
    mob = None if fitted.mobility is None else fitted.mobility.subset(first)
    eta = getattr(fitted, "channel_eta", None)
    one = dataclasses.replace(
        fitted,
        inputs=fitted.inputs.subset(first),
        mobility=mob,
        channel_eta=None if eta is None else eta[first],
    )
    # the two point estimates only (one row: the point), as evaluate's key figures give them
    return point_estimates(one, params, sc)


def sensitivity(
    fitted, params: Params, data=None, *, refit: Callable | None = None
) -> pd.DataFrame:
    """Reach and FTE needed when each structural choice moves to its low or high setting.

    Parameters
    ----------
    fitted : FittedModels
        The fit of ``params``.
    params : Params
    data : Dataset, optional
        Needed for the settings that refit (``gap_days``, ``shrink_days``, ``em_start``, the population
        model); without it they are left out.
    refit : callable, optional
        ``refit(data, params) -> FittedModels`` (default :func:`fit_models`; the report
        passes its disk cache).

    Returns
    -------
    DataFrame
        One row per setting and side (``low``/``high``) that has an answer (a refit the data
        cannot support, e.g. too few stays at another ``gap_days``, is left out):
        ``setting``, ``side``, ``value``
        (the setting shown), ``reach_effective``, ``fte_needed``; ``attrs`` hold the base
        point estimates ``reach_base`` and ``fte_base``.

    Notes
    -----
    One-at-a-time sensitivity (a tornado diagram: Howard 1988; Saltelli et al. 2008,
    ch. 1): each choice moves alone with the others at their base values, so the bars do
    not show interactions, and the range across them is a range of plausible answers, not
    a probability interval.

    References
    ----------
    Howard, R. A. (1988). Decision analysis: practice and promise. *Management Science*
    34, 679–695. Saltelli, A. et al. (2008). *Global Sensitivity Analysis. The Primer*. Wiley.
    """
    from capacity.models.capture import resolved
    from capacity.question4.fit import fit_models

    refit = refit or fit_models
    params = resolved(params, fitted)  # capture_model "auto": the settings the fit chose
    base = Scenario.from_params(params)
    reach0, fte0 = _point(fitted, params, base)
    rows = []
    for setting in SETTINGS:
        if setting.kind == "refit" and data is None:
            continue
        for side, val in zip(("low", "high"), setting.values(fitted, params), strict=True):
            if val is None:
                continue
            val = dict(val)
            shown = val["label"]
            try:
                if setting.kind == "scenario":
                    val.pop("label")
                    reach, fte = _point(fitted, params, base.replace(**val))
                else:
                    p2 = _refit(params, val)
                    reach, fte = _point(refit(data, p2), p2, base)
            except CapacityError:
                continue  # e.g. too few stays at another gap_days: that side is left out
            rows.append(
                {"setting": setting.name, "side": side, "value": shown,
                 "reach_effective": reach, "fte_needed": fte}
            )  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["setting", "side", "value", "reach_effective", "fte_needed"]
    )
    frame.attrs.update(reach_base=reach0, fte_base=fte0)
    return frame


def sensitivity_range(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Lowest and highest reach and FTE needed across the settings (base included).

    The target does not change reach, so reach's range leaves it out; FTE needed that no
    staffing reaches (``inf``) is kept as ``inf``.
    """
    reach = frame.loc[frame["setting"] != "target_reach", "reach_effective"].to_numpy(float)
    reach = np.append(reach, frame.attrs["reach_base"])
    fte = np.append(frame["fte_needed"].to_numpy(float), frame.attrs["fte_base"])
    return {
        "reach_effective": (float(np.nanmin(reach)), float(np.nanmax(reach))),
        "fte_needed": (float(np.nanmin(fte)), float(np.nanmax(fte))),
    }
