"""Everything the committee report evaluates on top of the fit, computed once and cached.

The report's sections show the standard scenarios, the options with their intervals, the
reach curve, the budget frontier, the cooperation rows and the tornado. All of them are
evaluations on the one fit (the tornado's refits go through the fit cache), and together
they are most of a report's time. :func:`analyses` computes them and caches them on disk
(:func:`capacity.report.cache.cached_results`): keyed by the data's hashes, every parameter
that can change a number and the package's code, so a re-run of the same report reads the
same numbers back instead of evaluating again, and any change computes them anew. The
coordination table the mobility section shows is stored with them.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

__all__ = ["Analyses", "analyses", "compute_analyses"]


class Analyses(NamedTuple):
    """What the committee report's sections show, beside the result and the fit."""

    scenarios: pd.DataFrame
    options: pd.DataFrame
    curve: pd.DataFrame
    frontier: pd.DataFrame
    fte_only: pd.DataFrame
    coordination: pd.DataFrame | None
    sensitivity: pd.DataFrame


def compute_analyses(fitted, data, result, params, *, reach=None, options=None) -> Analyses:
    """Evaluate the standard scenarios, options, frontier, cooperation rows and tornado.

    ``result`` is ``evaluate(fitted, params)``: the standard scenarios' first row (today)
    is its key figures, and the cooperation rows start from it. ``reach()``, if given,
    returns the reach curve, frontier and FTE-only line
    (:func:`capacity.report.committee.options.compute_reach`, e.g. from the cache);
    ``options()``, if given, the options table (:func:`capacity.question4.options_frame`).
    """
    from capacity.question4.options import options_frame
    from capacity.report.committee import options as opts
    from capacity.report.committee.scenarios import standard_scenarios
    from capacity.report.committee.sensitivity import sensitivity_frame

    scenarios = standard_scenarios(fitted, params, today=result)
    options = options() if options is not None else options_frame(fitted, params)
    curve, frontier, fte_only = reach() if reach is not None else opts.compute_reach(fitted, params)
    coordination = opts.coordination_options(result, params)
    sensitivity = sensitivity_frame(fitted, data, params)
    return Analyses(scenarios, options, curve, frontier, fte_only, coordination, sensitivity)


def analyses(fitted, data, result, params, *, use_cache: bool = True) -> Analyses:
    """:func:`compute_analyses`, from the report's disk cache when the same inputs made it.

    Parameters
    ----------
    fitted : FittedModels
        The fit of ``data`` and ``params`` (:func:`capacity.report.fitted_models`).
    data : capacity.io.Dataset
        The loaded dataset (its hashes key the cache; the tornado's refits need it).
    result : Question4Result
        ``evaluate(fitted, params)``.
    params : Params
    use_cache : bool
        False: always compute.
    """
    from capacity.question4.options import options_frame, retarget
    from capacity.report.cache import cached_results
    from capacity.report.committee.mobility import coordination_table, remember_coordination
    from capacity.report.committee.options import COORDINATION_FTE, NOT_IN_REACH, compute_reach

    def reach() -> tuple:
        # shared by runs that differ only in the target or the verdict's thresholds (a
        # sweep's scenarios): none of the three depends on them
        found = cached_results(
            "committee-reach",
            data,
            params,
            lambda: dict(
                zip(("curve", "frontier", "fte_only"), compute_reach(fitted, params), strict=True)
            ),
            use_cache=use_cache,
            ignore=NOT_IN_REACH,
        )
        return found["curve"], found["frontier"], found["fte_only"]

    def options() -> pd.DataFrame:
        # shared like the reach curve: only the options' p_target depends on the target,
        # and it is worked out again from each option's draws (retarget)
        def compute() -> dict:
            draws: dict = {}
            return {"frame": options_frame(fitted, params, draws=draws), "draws": draws}

        found = cached_results(
            "committee-options", data, params, compute, use_cache=use_cache, ignore=NOT_IN_REACH
        )
        return retarget(found["frame"], found["draws"], params.target_reach)

    def coordination() -> None:
        # shared like the reach curve: the cooperation rows show reach per tour and its FTE
        # worth, never the target (a test checks it); remembered for this result, so that
        # the cooperation rows and the mobility section read it instead of computing it
        found = cached_results(
            "committee-coordination",
            data,
            params,
            lambda: {"table": coordination_table(result, COORDINATION_FTE)},
            use_cache=use_cache,
            ignore=NOT_IN_REACH,
        )
        remember_coordination(result, COORDINATION_FTE, found["table"])

    def compute() -> dict:
        coordination()
        out = compute_analyses(fitted, data, result, params, reach=reach, options=options)
        out = out._asdict()
        # the mobility section shows the same table: stored with the rest
        out["coordination_table"] = coordination_table(result, COORDINATION_FTE)
        return out

    found = dict(cached_results("committee-analyses", data, params, compute, use_cache=use_cache))
    remember_coordination(result, COORDINATION_FTE, found.pop("coordination_table", None))
    return Analyses(**found)
