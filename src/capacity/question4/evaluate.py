"""Question 4: are the outreach teams' staff and competence enough for a mobile target group?

:func:`answer_question_4` runs the whole chain for one city and period:

1. stays and touring from the sightings (:mod:`capacity.models.stays`);
2. the hidden population per quarter and the detection share
   (:func:`capacity.models.population.population_chain`);
3. contacts per outreach hour (:mod:`capacity.models.productivity`);
4. staff, languages and interpreters (:mod:`capacity.models.competence`);
5. reach before departure (:mod:`capacity.models.reach`), support after contact
   (:mod:`capacity.models.support`), FTE needed (:mod:`capacity.models.staffing`);
6. Monte Carlo draws of the inputs and the verdict; the arrivals forecast.

The work is split so that scenario sweeps are cheap: :func:`~capacity.question4.fit.fit_models`
does everything that depends only on the data and the non-scenario parameters and returns a
picklable :class:`~capacity.question4.fit.FittedModels`; :func:`evaluate` applies a
:class:`~capacity.question4.scenario.Scenario` in well under a second. Methods and
assumptions: ``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.exceptions import DataError, Problem
from capacity.models import Caveat
from capacity.models.population.per_window import persons_per_window
from capacity.models.reach import strategy as get_strategy
from capacity.models.staffing import fte_needed
from capacity.models.support import p_before_leaving_many, support_before_leaving
from capacity.question4.draws import (
    Inputs,
    effective_reach,
    fte_needed_matrix,
    reach_ceiling,
    reach_matrix,
)
from capacity.question4.fit import FittedModels, fit_models
from capacity.question4.levels import at_level, parse_languages
from capacity.question4.mobility import fte_needed_measure, measure_reach, tour_measures
from capacity.question4.result import Question4Result
from capacity.question4.scenario import Scenario
from capacity.question4.support_chain import casework_fte_needed_many, scaled_cases

WEEKS_PER_MONTH = 365.25 / 12 / 7

__all__ = ["answer_question_4", "evaluate", "point_estimates"]


def _stay_trend(fitted: FittedModels) -> tuple[float, Caveat | None]:
    """The stay trend the forecast applies: the fitted HR per year, or 1 with a caveat."""
    hr = fitted.stays.hazard_ratio_per_year
    if np.isfinite(hr) and hr > 0:
        return float(hr), None
    return 1.0, Caveat("q4.no_stay_trend")


def _forecast_frame(fitted: FittedModels, sc: Scenario, fte_now: float) -> pd.DataFrame | None:
    """Arrivals forecast and the FTE needed per future month (point, low, high).

    The FTE needed counts the verdict's reach measure and level (``_measure``), so the
    forecast and the verdict answer the same question.
    """
    if fitted.forecast is None:
        return None
    pred = fitted.forecast.predict_frame()
    months = len(pred)
    base = fitted.inputs
    last = fitted.monthly_arrivals.index.max()
    years = ((pred.index - last).days / 365.25).to_numpy(dtype=float)
    hr, _ = _stay_trend(fitted)
    stay_mult = sc.stay_multiplier * hr ** (-np.clip(years, 0, None))
    cols = ["estimate", "ci_lower", "ci_upper"]
    # the scenario's stay multiplier holds the number present (arrivals / s); the stay trend
    # acts at the forecast arrivals (see Inputs.arrivals_per_week's ``hold``)
    observed = (
        np.concatenate([pred[c].to_numpy(dtype=float) for c in cols])
        / WEEKS_PER_MONTH
        / sc.stay_multiplier
    )
    idx = np.zeros(3 * months, dtype=int)
    inputs = Inputs(
        base.eta[idx],
        base.hours_per_fte,
        np.clip(observed, 1e-9, None),
        base.detection[idx],
        base.stays.take(idx),
        base.pi[idx],
        base.m_rows(idx),
        None if base.share is None else base.share[idx],
        None if base.server_factor is None else base.server_factor[idx],
        None if base.speed_factor is None else base.speed_factor[idx],
    )
    scen = {
        "strategy": sc.strategy,
        "stay_multiplier": np.tile(stay_mult, 3),
        "arrivals_multiplier": sc.arrivals_multiplier,
        "hold": "arrivals",
    }
    # the FTE needed by the measure the verdict counts (reach per woman by default)
    measure = _measure(fitted, sc)
    if measure == "stay":
        need = fte_needed_matrix(inputs, sc.target_reach, **scen)
    else:
        need = fte_needed_measure(
            inputs,
            fitted.mobility.subset(idx),
            sc.target_reach,
            measure,
            scen,
            reach_ceiling(inputs, sc.strategy),
        )
    need = need.reshape(3, months)
    scale = sc.arrivals_multiplier / base.detection[0] / sc.stay_multiplier
    return pd.DataFrame(
        {
            "arrivals_estimate": pred["estimate"].to_numpy() * scale,
            "arrivals_ci_lower": pred["ci_lower"].to_numpy() * scale,
            "arrivals_ci_upper": pred["ci_upper"].to_numpy() * scale,
            "fte_needed_estimate": need[0],
            "fte_needed_ci_lower": need[1],
            "fte_needed_ci_upper": need[2],
            "fte_now": fte_now,
        },
        index=pred.index,
    )


def _check_fit(fitted: FittedModels, params: Params) -> None:
    if params.city != fitted.city or (params.period_start, params.period_end) != fitted.period:
        raise DataError(
            Problem(
                "params",
                None,
                "city",
                params.city,
                "the fitted models are for another city or period",
                "refit with fit_models(data, params) for this city and period.",
            )
        )


def _verdict(p_target: float, sc: Scenario) -> str:
    if p_target >= sc.p_sufficient:
        return "sufficient"
    if p_target <= sc.p_insufficient:
        return "insufficient"
    return "uncertain"


def _measure(fitted: FittedModels, sc: Scenario) -> str:
    """The reach measure the verdict uses: per stay when there is no mobility fit."""
    return sc.reach_measure if fitted.mobility is not None else "stay"


def _staffing_need(fitted: FittedModels, sc: Scenario, fte_now: float):
    """FTE needed at the point estimate (the same solver as the draws, to full precision)."""
    x = fitted.inputs
    kinds = sc.strategy, sc.stay_multiplier, sc.arrivals_multiplier
    scen = dict(zip(("strategy", "stay_multiplier", "arrivals_multiplier"), kinds, strict=True))
    strat = get_strategy(sc.strategy)
    extra = {"share": x.share[:1] if x.share is not None else np.zeros(1)}
    extra = extra if strat.needs_share else {}
    ceiling = float(strat.ceiling(x.pi[:1], x.m_rows(np.array([0])), **extra)[0])
    blocks = strat.blocks(x.m, **extra)
    blocked = [lang for lang, b in zip(fitted.languages.index, blocks, strict=True) if b]
    one = x.subset(np.array([0]))
    measure = _measure(fitted, sc)
    mob = None if fitted.mobility is None else fitted.mobility.subset(np.array([0]))
    return fte_needed(
        lambda f: float(measure_reach(one, mob, np.array([f]), measure, scen)[0]),
        sc.target_reach,
        fte_now,
        ceiling=None if measure == "tour" else ceiling,
        blocked_languages=blocked,
    )


def support_cases(fitted: FittedModels, sc: Scenario, reach_eff: np.ndarray) -> np.ndarray:
    """Accepted support cases per week per draw (row 0: point), scaled with reach.

    Today's accepted cases from the outreach log, times the ratio of persons reached in a
    language they understand per week under the scenario to today's (same strategy, the
    usable shares the log shows, today's FTE); see :mod:`capacity.question4.support_chain`.
    """
    x = fitted.inputs
    base_m = np.asarray(x.m if fitted.observed_m is None else fitted.observed_m, dtype=float)
    if base_m.ndim == 2 and len(base_m) != len(x):  # inputs cut to the point estimate
        base_m = base_m[0]
    today = dataclasses.replace(x, m=base_m)
    r0 = effective_reach(today, np.full(len(x), fitted.staff.outreach_fte), strategy=sc.strategy)
    arrivals = x.arrivals_per_week(sc.arrivals_multiplier, sc.stay_multiplier)
    cases = fitted.support_cases_draws
    if cases is None or len(cases) != len(x):
        cases = np.full(len(x), fitted.support_cases_per_week)
    return scaled_cases(cases, x.arrivals_per_week(), r0, arrivals, reach_eff)


def _support_chain(fitted, sc, params, cases: np.ndarray) -> dict[str, np.ndarray]:
    """Reflection periods at once, shelter places and casework FTE needed, per draw."""
    x = fitted.inputs
    days = float(params.reflection_days)
    table = x.stays.take(np.array([0]))
    s = sc.stay_multiplier

    def lap(h):
        h = np.atleast_1d(np.asarray(h, dtype=float))
        return table.laplace(h[None, :] * s)[0]

    needed = casework_fte_needed_many(
        cases,
        lap,
        float(table.mean[0] * s),
        target=params.support_start_target,
        case_days=days,
        caseload_per_fte=params.caseload_per_fte,
    )
    return {
        "support_cases_per_week": cases,
        "reflection_periods_at_once": cases * days / 7.0,
        "shelter_places": cases * params.shelter_share * days / 7.0,
        "casework_fte_needed": needed,
    }


def persons_seen_share(fitted: FittedModels) -> np.ndarray:
    r"""Share of the women present in the period whom some source saw, per draw (row 0 the point).

    ``persons_in_period = persons_observed / share``. With the quarterly MSE
    (``detection_model: mse``) the detection share is one of persons (persons seen over
    persons per quarter) and is used as it is. With the stay-level model
    (``detection_model: stays``) it is a share of merged *stays*, ``δ``; a woman with ``k``
    stays in the city in the period is missed only when every one of them is, i.e. seen
    with chance ``1 − (1 − δ)^k``. The shares ``π̃_k`` of women with ``k`` merged stays are
    those of the women *seen* (reweighted in each replicate), who are seen the more often
    the more stays they have; undoing that (Horvitz–Thompson over the women seen,
    ``N̂ = Σ_i 1/(1 − (1 − δ)^{k_i})``) gives

    .. math:: δ_{woman} = \Big[\sum_k \frac{π̃_k}{1 - (1 - δ)^k}\Big]^{-1}.

    Dividing by ``δ`` instead counted a woman as seen with one stay's chance and put persons
    in the period too high. A woman's stays are taken as seen independently given ``δ``
    (a visibility she keeps from stay to stay makes the share lean high), and ``k_i`` counts
    her stays seen (her unseen ones make it lean low). Without the tour chain (no ``π̃_k``)
    the MSE's share of persons is used.
    """
    d = np.asarray(fitted.inputs.detection, dtype=float)
    if getattr(fitted, "stay_detection", None) is None:
        return d
    mob = fitted.mobility
    if mob is not None:
        if mob.woman_pmf is None:
            k, counts = np.unique(np.asarray(mob.stays_per_woman, dtype=int), return_counts=True)
            pmf = np.broadcast_to(counts / counts.sum(), (len(d), len(k)))
        else:
            k, pmf = np.asarray(mob.woman_k), np.asarray(mob.woman_pmf, dtype=float)
        seen = 1.0 - np.clip(1.0 - d, 0.0, 1.0)[:, None] ** k[None, :]
        return 1.0 / (pmf / np.maximum(seen, 1e-12)).sum(axis=1)
    pop = fitted.population
    draws = np.r_[pop.detection, np.asarray(pop.detection_draws, dtype=float)]
    return draws if len(draws) == len(d) else np.full(len(d), float(pop.detection))


def persons_in_period(fitted: FittedModels) -> np.ndarray:
    r"""Distinct women present in the city in the period, per draw (row 0 the point).

    ``N̂ = n / δ_woman`` (:func:`persons_seen_share`), ``n`` the persons seen in the period.
    In each bootstrap replicate the number seen moves with the replicate's weights as the
    share does: ``N̂_b = n · (n_b / n_0) / δ_{woman,b}``, ``n_b`` the replicate's
    (reweighted) number of women seen with a stay in the city (row 0 ``n_0``), which is
    the Horvitz–Thompson sum ``Σ_i w_{ib} / (1 − (1 − δ_b)^{k_i})`` of the replicate
    written with its shares. Holding ``n`` fixed (as before 2 Dec 2026) left out the
    count's own variation (about ``1/√n``, 2 % at 3 000 women seen) and gave intervals
    that barely reached below the point where the share's replicates lean low (coverage
    75 % on the project's worlds with capture on arrival, ``docs/methods/coverage.md``).
    Without the tour chain's counts ``n`` is held fixed.
    """
    share = persons_seen_share(fitted)
    n = np.full(len(share), float(fitted.persons_observed))
    total = None if fitted.mobility is None else fitted.mobility.woman_total
    if total is not None and len(total) == len(share) and total[0] > 0:
        n = n * np.asarray(total, dtype=float) / float(total[0])
    return n / share


#: Stay models under which the ad sites capture an ad on the woman's arrival.
ON_ARRIVAL = ("deconvolve_arrival",)


def persons_per_quarter(fitted: FittedModels, sc: Scenario) -> np.ndarray:
    r"""Distinct persons in the city during a quarter, per draw (row 0 the point).

    Where the ad sites see a present woman day by day, a woman who arrived in an earlier
    quarter is seen in this one as any woman present, so the share of a quarter's persons
    seen is the detection share ``δ`` (of persons per quarter with the quarterly MSE, of
    stays with the stay-level model): ``N_q = n_q / δ``, ``n_q`` the distinct persons seen
    per calendar quarter (in each replicate the replicate's own, the persons seen weighted
    by its weights, as ``δ`` is re-estimated on them). Where they capture an ad on her
    arrival (``stay_model`` ``deconvolve_arrival``), a woman who arrived earlier is invisible to them in this
    quarter and ``δ``, a share of the stays arriving, is too high for the quarter's persons;
    the quarter's persons are then those present at its start and its arrivals,
    ``N_q = r·(A/7)·(E[T] + L − 1)``
    (:func:`~capacity.models.population.per_window.persons_per_window`; also when no
    calendar quarter lies wholly inside the period). Under a scenario both are scaled by
    the scenario's change of ``(A/7)·(E[T] + L − 1)`` (arrivals ``A·a/s``, stays ``s·T``).
    Methods and the coverage of each: ``docs/methods/population.md``, "Persons per quarter".
    """
    x = fitted.inputs
    stays = np.asarray(x.stays.mean, dtype=float)
    window = persons_per_window(x.arrivals_per_week(), stays, fitted.person_share)
    base = window
    seen = fitted.persons_seen_per_quarter
    if fitted.base_params.stay_model not in ON_ARRIVAL and np.isfinite(seen) and seen > 0:
        det = np.asarray(x.detection, dtype=float)
        draws = getattr(fitted, "persons_seen_per_quarter_draws", None)
        if draws is not None and len(draws) == len(det):
            seen = np.asarray(draws, dtype=float)  # each replicate's own persons seen
        base = seen / det
    if sc.arrivals_multiplier == 1.0 and sc.stay_multiplier == 1.0:
        return base
    arrivals = x.arrivals_per_week(sc.arrivals_multiplier, sc.stay_multiplier)
    scaled = persons_per_window(arrivals, sc.stay_multiplier * stays, fitted.person_share)
    return base * scaled / window


def _draws_frame(fitted, sc, reach_eff, p_any, need_draws, params, chain) -> pd.DataFrame:
    x = fitted.inputs
    arrivals = x.arrivals_per_week(sc.arrivals_multiplier, sc.stay_multiplier)
    draws = pd.DataFrame(
        {
            "reach_effective": reach_eff[1:],
            "reach_any_language": p_any[1:],
            "fte_needed": need_draws[1:],
            "contacts_per_hour": x.eta[1:],
            "detection_share": x.detection[1:],
            "arrivals_per_week": arrivals[1:],
            "mean_stay_days": x.stays.mean[1:] * sc.stay_multiplier,
        }
    )
    draws["population_present"] = draws["arrivals_per_week"] * draws["mean_stay_days"] / 7.0
    draws["persons_per_quarter"] = persons_per_quarter(fitted, sc)[1:]
    draws["persons_in_period"] = persons_in_period(fitted)[1:]
    draws["support_before_leaving"] = _support_draws(
        fitted, sc, params, chain["support_cases_per_week"]
    )[1:]
    for key, values in chain.items():
        draws[key] = values[1:]
    return draws


def evaluate(
    fitted: FittedModels,
    params: Params,
    scenario: Scenario | None = None,
    *,
    forecast: bool = True,
    staffing: bool = True,
) -> Question4Result:
    """Reach, competence, support, staffing and the verdict under a scenario.

    Parameters
    ----------
    fitted : FittedModels
        From :func:`~capacity.question4.fit.fit_models` for the same city and period.
    params : Params
        The run's parameters (support assumptions, alpha, language, ...).
    scenario : Scenario, optional
        The settings applied on top of the fit; default ``Scenario.from_params(params)``.
    forecast : bool, default True
        Compute the FTE needed per forecast month (``result.forecast``), a bisection per
        month and draw: about a third of the time of this function at 1 M sightings.
        ``False`` leaves ``result.forecast`` None and changes nothing else, for callers
        that read only the key figures (the options table, the standard scenarios).
    staffing : bool, default True
        Solve the FTE needed for every Monte Carlo draw (the interval of ``fte_needed``
        and ``fte_gap``), a vectorised bisection: about two thirds of the rest of the time.
        ``False`` leaves the column ``fte_needed`` out of ``draws`` (the point estimate is
        still solved; its key figure then has no interval) and changes nothing else, for
        the options table, which shows reach, cost and support only.

    Notes
    -----
    ``P(reach ≥ target)`` is the share of Monte Carlo draws (rows 1…n of the inputs) whose
    effective reach meets the target; the verdict is *sufficient* if it is at least
    ``p_sufficient``, *insufficient* if at most ``p_insufficient``, else *uncertain*.
    """
    fitted, sc, params, fte_now, measure = _under(fitted, params, scenario)
    x, mob = fitted.inputs, fitted.mobility
    p_lang, p_any, measures = _reach_draws(fitted, sc, fte_now)
    reach_eff = measures[f"reach_{measure}"]
    need_draws = _need_draws(fitted, sc, measure) if staffing else np.full(len(x), np.nan)
    need_draws[0] = np.nan  # the point estimate is solved to full precision below
    need = _staffing_need(fitted, sc, fte_now)
    # support demand scales with stays reached (today's log is per stay)
    chain = _support_chain(fitted, sc, params, support_cases(fitted, sc, measures["reach_stay"]))
    draws = _draws_frame(fitted, sc, reach_eff, p_any, need_draws, params, chain)
    if not staffing:
        draws = draws.drop(columns="fte_needed")  # not solved: no interval to show
    for k, v in measures.items():
        draws[k] = v[1:]
    if len(draws):
        p_target = float((draws["reach_effective"] >= sc.target_reach).mean())
    else:
        p_target = float(reach_eff[0] >= sc.target_reach)

    languages = fitted.languages.rename(columns={"share": "share_of_target_group"}).copy()
    languages["reach"] = p_lang[0]
    languages["shortfall"] = languages["reach"] < sc.target_reach
    caveats = _caveats(fitted, sc, params, fte_now, draws, measure, need)
    point = _point_figures(fitted, sc, params, fte_now, need, measures, measure, p_any, chain)
    point["support_before_leaving"] = float(
        _support_draws(
            fitted, sc, params, chain["support_cases_per_week"], only_point=True, caveats=caveats
        )[0]
    )
    return Question4Result(
        verdict=_verdict(p_target, sc),
        p_target=p_target,
        target_reach=sc.target_reach,
        city=fitted.city,
        period=fitted.period,
        synthetic=fitted.synthetic,
        point=point,
        languages=languages,
        stays=fitted.stays,
        touring=fitted.touring,
        population=fitted.population,
        productivity=fitted.productivity,
        forecast=_forecast_frame(fitted, sc, fte_now) if forecast else None,
        indicators=fitted.indicators,
        draws=draws,
        caveats=tuple(dict.fromkeys(caveats)),
        data_files=fitted.data_files,
        params=params,
        persons_observed=fitted.persons_observed,
        reach_measure=measure,
        reach_level=sc.reach_level,
        strategy=sc.strategy,
        strategy_fit=None if mob is None else mob.strategy,
        channel_strategy=_channel_strategy(fitted, params),
        mobility=mob,
        _inputs=x,
    )


def _under(fitted: FittedModels, params: Params, scenario: Scenario | None):
    """The fit, scenario, parameters, today's FTE and reach measure :func:`evaluate` works with.

    The scenario (default: the parameters' own) is applied to the parameters, and its
    interpreter share and level of reach to the fit.
    """
    _check_fit(fitted, params)
    sc = Scenario.from_params(params) if scenario is None else scenario
    params = sc.apply(params)
    if sc.interpreter_share is not None:
        fitted = fitted.with_interpreter_share(sc.interpreter_share)
    fitted = at_level(fitted, sc.reach_level, sc.written_languages, sc.online_conversation_share)
    fte_now = max(fitted.staff.outreach_fte + sc.extra_fte, 0.0)
    return fitted, sc, params, fte_now, _measure(fitted, sc)


def point_estimates(
    fitted: FittedModels, params: Params, scenario: Scenario | None = None
) -> tuple[float, float]:
    """Effective reach and FTE needed at the point estimate (row 0 of the inputs).

    The estimates ``evaluate(fitted, params, scenario).key_figures`` shows for
    ``reach_effective`` and ``fte_needed``, computed by the same steps and nothing else: no
    draws, support chain, caveats or forecast. The tornado
    (:mod:`capacity.question4.sensitivity`) needs these two numbers for each of its
    settings; building the rest of the result was about 40 % of each of its points.
    """
    fitted, sc, _, fte_now, measure = _under(fitted, params, scenario)
    _, _, measures = _reach_draws(fitted, sc, fte_now)
    need = _staffing_need(fitted, sc, fte_now)
    return float(measures[f"reach_{measure}"][0]), float(need.fte_needed)


def _reach_draws(fitted: FittedModels, sc: Scenario, fte_now: float):
    """Reach per language and in any language per draw, and reach per stay, woman and tour."""
    x = fitted.inputs
    scen = sc.reach_settings()
    p_lang, p_any = reach_matrix(x, np.full(len(x), fte_now), **scen)
    measures = {"reach_stay": (x.pi * p_lang).sum(axis=1)}
    if fitted.mobility is not None:
        measures = tour_measures(x, fitted.mobility, np.full(len(x), fte_now), scen=scen)
    return p_lang, p_any, measures


def _need_draws(fitted: FittedModels, sc: Scenario, measure: str) -> np.ndarray:
    """FTE needed for the target per draw (a vectorised bisection), in the verdict's measure."""
    x, scen = fitted.inputs, sc.reach_settings()
    if measure == "stay":
        return fte_needed_matrix(x, sc.target_reach, **scen)
    ceiling = reach_ceiling(x, sc.strategy)
    return fte_needed_measure(x, fitted.mobility, sc.target_reach, measure, scen, ceiling)


def _caveats(fitted, sc: Scenario, params: Params, fte_now, draws, measure, need) -> list:
    """Every caveat of the answer: the fit's, the measure's, the need's and the scenario's."""
    caveats = list(fitted.caveats)
    caveats += _mobility_caveats(fitted, sc, measure)
    if need.caveat:
        caveats.append(need.caveat)
    caveats += _scenario_caveats(fitted, sc, params, fte_now, draws)
    no_trend = _stay_trend(fitted)[1]
    if fitted.forecast is not None and no_trend:
        caveats.append(no_trend)
    caveats += list(fitted.stays.caveats) + list(fitted.population.caveats)
    caveats += list(getattr(fitted.productivity, "caveats", ()))
    return caveats


def _point_figures(fitted, sc, params, fte_now, need, measures, measure, p_any, chain) -> dict:
    """The key figures' point estimates (row 0 of the draws) under the scenario."""
    x = fitted.inputs
    arrivals = x.arrivals_per_week(sc.arrivals_multiplier, sc.stay_multiplier)
    return {
        "fte_outreach_now": fte_now,
        "fte_needed": need.fte_needed,
        "fte_gap": need.gap,
        "reach_effective": float(measures[f"reach_{measure}"][0]),
        "reach_any_language": float(p_any[0]),
        "trained_share": fitted.staff.trained_share,
        # persons present N = A·E[T]/7 with the scenario's stays (A/s · s·E[T])
        "population_present": float(arrivals[0] * sc.stay_multiplier * x.stays.mean[0] / 7.0),
        # the distinct persons in a quarter, counted by how the ads capture (persons_per_quarter)
        "persons_per_quarter": float(persons_per_quarter(fitted, sc)[0]),
        "persons_in_period": float(persons_in_period(fitted)[0]),
        "arrivals_per_week": float(arrivals[0]),
        "support_before_leaving": np.nan,  # filled in by evaluate (it also adds caveats)
        "contacts_per_hour": float(x.eta[0]),
        **{k: float(v[0]) for k, v in measures.items()},
        "casework_fte_now": fitted.staff.casework_fte,
        **{key: float(values[0]) for key, values in chain.items()},
    }


def _channel_strategy(fitted: FittedModels, params: Params):
    """The strategy per channel (:mod:`capacity.models.channels`), or None without a mix."""
    from capacity.models.channels import channel_strategy

    fit = getattr(fitted, "channel_strategy", None)
    if fit is not None:  # fitted with its model check (fit_models)
        return fit
    per_channel = getattr(fitted, "channel_eta", None)
    if fitted.mobility is None or per_channel is None or fitted.inputs.share is None:
        return None
    return channel_strategy(fitted.inputs.share, per_channel, fitted.channels, alpha=params.alpha)


def _strategy_word(name: str) -> str:
    """The catalogue key of a strategy's name (a registered strategy without one: its name)."""
    from capacity.i18n import CATALOGUE

    key = f"word_strategy_{name}"
    return key if key in CATALOGUE else name


def _mobility_caveats(fitted: FittedModels, sc: Scenario, measure: str) -> list[Caveat]:
    """Which reach the verdict counts, and the strategy the data support."""
    out = [
        Caveat("q4.measure", what=f"word_measure_{measure}", unit=f"word_unit_{measure}"),
        Caveat(
            "q4.level",
            what=f"word_level_{sc.reach_level}",
            level=f"word_level_name_{sc.reach_level}",
        ),
    ]
    if sc.reach_level == "conversation":
        out.append(Caveat("q4.conversation_online", share=sc.online_conversation_share))
    elif sc.written_languages:
        langs = parse_languages(sc.written_languages)
        out.append(Caveat("q4.written_languages", languages=langs))
    if measure != sc.reach_measure:
        out.append(Caveat("q4.measure_fallback", unit=f"word_unit_{sc.reach_measure}"))
    mob = fitted.mobility
    if mob is not None:
        out.append(mob.strategy.line())
        if sc.strategy != "estimated":
            out.append(
                Caveat(
                    "q4.strategy_assumed",
                    strategy=_strategy_word(sc.strategy),
                    label=_strategy_word(mob.strategy.label),
                    share=mob.strategy.share_screening,
                )
            )
        out += [c for c in mob.strategy.caveats[1:]]
        per_channel = getattr(fitted, "channel_strategy", None)
        if per_channel is not None:  # why reach uses the pooled mix, when it does
            out += [c for c in per_channel.caveats if c.key.startswith("channels.not_")]
        if measure == "tour":
            out += list(mob.caveats)
    return out


def _support_draws(
    fitted: FittedModels,
    sc: Scenario,
    params: Params,
    cases: np.ndarray,
    only_point: bool = False,
    caveats: list[Caveat] | None = None,
) -> np.ndarray:
    """``P(support starts before leaving)`` per draw at today's casework FTE, with the
    accepted cases per week ``cases`` (scaled with reach, see :func:`support_cases`).
    """
    x = fitted.inputs
    case_days = float(params.reflection_days)
    s = sc.stay_multiplier
    if not only_point:  # every draw at once (the same formulas; no caveats wanted)
        return p_before_leaving_many(
            np.asarray(cases, dtype=float)[: len(x)],
            fitted.staff.casework_fte,
            lambda h: x.stays.laplace(h * s),
            x.stays.mean * s,
            case_days=case_days,
            caseload_per_fte=params.caseload_per_fte,
        )
    # the point estimate alone, with its caveat (an overloaded queue, no casework, ...)
    table = x.stays.take(np.array([0]))

    def lap(h):
        h = np.atleast_1d(np.asarray(h, dtype=float))
        return table.laplace(h[None, :] * s)[0]

    q = support_before_leaving(
        float(cases[0]),
        fitted.staff.casework_fte,
        lap,
        float(table.mean[0] * s),
        case_days=case_days,
        caseload_per_fte=params.caseload_per_fte,
    )
    if caveats is not None and q.caveat:
        caveats.append(q.caveat)
    return np.array([q.p_before_leaving])


def _scenario_caveats(fitted, sc: Scenario, params: Params, fte_now, draws) -> list[Caveat]:
    out = []
    x = fitted.inputs
    n_obs = fitted.population.quarters
    if len(n_obs):
        per_quarter = persons_per_window(
            x.arrivals_per_week()[0], x.stays.mean[0], fitted.person_share
        )
        ratio = float(n_obs["N_hat"].mean() / per_quarter)
        if not 0.5 <= ratio <= 2.0:
            out.append(
                Caveat(
                    "q4.population_mismatch",
                    implied=per_quarter,
                    estimated=n_obs["N_hat"].mean(),
                    ratio=ratio,
                )
            )
    if sc.interpreter_share is None and fitted.interpreter_source == "none":
        out.append(Caveat("q4.no_interpreter_data"))
    if sc.strategy == "screening":
        rate = x.eta[0] * x.hours_per_fte
        a = draws["arrivals_per_week"].median() if len(draws) else 0
        if a > 0 and fte_now * rate <= a:
            out.append(Caveat("q4.screening_saturated", share=fte_now * rate / a))
    out.append(
        Caveat(
            "q4.support_assumptions",
            caseload=params.caseload_per_fte,
            days=params.reflection_days,
            fte=fitted.staff.casework_fte,
            rate=fitted.support_cases_per_week * sc.arrivals_multiplier,
        )
    )
    if fitted.staff.trained_share < 1:
        out.append(Caveat("q4.untrained", share=fitted.staff.trained_share))
    if len(draws) < 100:
        out.append(Caveat("q4.few_draws", n=len(draws)))
    return out


def answer_question_4(data, params: Params) -> Question4Result:
    """Answer question 4 for ``params.city`` and period: ``evaluate(fit_models(...))``.

    Examples
    --------
    >>> from capacity.config import ROOT, Params
    >>> from capacity.dataset import load_dataset
    >>> ds = load_dataset(ROOT / "data" / "sample")  # doctest: +SKIP
    >>> answer_question_4(ds, Params()).verdict  # doctest: +SKIP
    'insufficient'
    """
    return evaluate(fit_models(data, params), params)
