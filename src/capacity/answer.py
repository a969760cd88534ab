"""Question 4: are the outreach teams' staff and competence enough for a mobile target group?

:func:`answer_question_4` runs the whole chain for one city and period:

1. stays and touring from the sightings (:mod:`capacity.models.stays`);
2. the hidden population per quarter and the detection share
   (:func:`capacity.models.uncertainty.population_chain`);
3. contacts per outreach hour (:mod:`capacity.models.productivity`);
4. staff, languages and interpreters (:mod:`capacity.models.competence`);
5. reach before departure (:mod:`capacity.models.reach`), support after contact
   (:mod:`capacity.models.support`), FTE needed (:mod:`capacity.models.staffing`);
6. Monte Carlo draws of the inputs and the verdict; the arrivals forecast.

The work is split so that scenario sweeps are cheap: :func:`fit_models` does everything
that depends only on the data and the non-scenario parameters and returns a picklable
:class:`FittedModels`; :func:`evaluate` applies the scenario parameters (``extra_fte``,
``stay_multiplier``, ``arrivals_multiplier``, ``target_reach``, ``strategy``,
``p_sufficient``, ``p_insufficient``) in well under a second. Methods and assumptions:
``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.exceptions import DataError, EstimationError, Problem
from capacity.models import competence as comp
from capacity.models.indicators import operations_indicators
from capacity.models.question4 import KEY_FIGURES, Question4Result
from capacity.models.staffing import fte_needed
from capacity.models.support import support_before_leaving
from capacity.models.uncertainty import (
    Inputs,
    PopulationChain,
    StayTable,
    _subset,
    effective_reach,
    fte_needed_matrix,
    population_chain,
    reach_ceiling,
    reach_matrix,
)

WEEKS_PER_MONTH = 365.25 / 12 / 7

__all__ = [
    "KEY_FIGURES",
    "FittedModels",
    "Question4Result",
    "answer_question_4",
    "evaluate",
    "fit_models",
]


@dataclass(frozen=True)
class FittedModels:
    """Everything :func:`evaluate` needs, fitted once per dataset and base parameters.

    Picklable (the report caches it on disk). ``inputs`` holds the Monte Carlo draws of
    the model inputs; row 0 is the point estimate.
    """

    city: str
    period: tuple[dt.date, dt.date]
    synthetic: bool
    data_files: dict
    base_params: Params
    stays: object
    touring: object
    population: PopulationChain
    productivity: object
    forecast: object
    indicators: pd.DataFrame | None
    staff: comp.StaffCapacity
    languages: pd.DataFrame
    interpreter_share: float
    interpreter_source: str
    inputs: Inputs
    weeks: float
    arrivals_observed: float
    persons_observed: int
    support_cases_per_week: float
    monthly_arrivals: pd.Series
    caveats: tuple[str, ...]


def _check_scope(data, params: Params) -> pd.DataFrame:
    """The city's sightings in the period, or a DataError that says what exists."""
    s = data.sightings
    cities = sorted(s["city"].astype(str).unique())
    if params.city not in cities:
        raise DataError(
            Problem(
                "sightings",
                None,
                "city",
                params.city,
                f"the city {params.city!r} does not occur in the data",
                f"set the parameter 'city' to one of: {', '.join(cities)}.",
            )
        )
    rows = s[s["city"].astype(str) == params.city]
    lo, hi = rows["date"].min(), rows["date"].max()
    inside = rows[
        (rows["date"] >= pd.Timestamp(params.period_start))
        & (rows["date"] <= pd.Timestamp(params.period_end))
    ]
    if inside.empty:
        raise DataError(
            Problem(
                "sightings",
                None,
                "date",
                f"{params.period_start} to {params.period_end}",
                f"no sightings in {params.city} in the period",
                f"choose period_start/period_end within {lo:%Y-%m-%d} to {hi:%Y-%m-%d}.",
            )
        )
    return inside


def _productivity(outreach: pd.DataFrame, params: Params, rng, n: int):
    from capacity.models.productivity import fit_productivity

    rows = outreach[
        (outreach["date"] >= pd.Timestamp(params.period_start))
        & (outreach["date"] <= pd.Timestamp(params.period_end))
        & (outreach["city"].astype(str) == params.city)
    ]
    if rows.empty:
        raise DataError(
            Problem(
                "outreach",
                None,
                "city",
                params.city,
                f"no outreach shifts in {params.city} between {params.period_start} and "
                f"{params.period_end}",
                "add the outreach log for the city and period, or choose another period.",
            )
        )
    fit = fit_productivity(rows, city=params.city, outcome="contacts")
    hours = rows.groupby("channel", observed=True)["staff_hours"].sum()
    rates = fit.rates
    weights = hours.reindex(rates.index).fillna(0.0).to_numpy(dtype=float)
    weights = weights / weights.sum()
    eta_point = float(rates["estimate"].to_numpy(dtype=float) @ weights)
    draws = np.asarray(fit.draw_rates(rng, n), dtype=float) @ weights if n else np.array([])
    return fit, rows, np.concatenate([[eta_point], draws])


def fit_models(data, params: Params) -> FittedModels:
    """Fit every model for the city and period of ``params`` (the expensive part).

    Parameters
    ----------
    data : capacity.io.Dataset
        A validated dataset.
    params : capacity.config.Params
        Run parameters; the scenario parameters are ignored here (see :func:`evaluate`).

    Returns
    -------
    FittedModels

    Raises
    ------
    DataError
        City not in the data, or no sightings, outreach or staff in the period.
    """
    from capacity.models.stays import build_stays, fit_stays, monthly_arrivals, touring

    rng = np.random.default_rng(params.seed)
    n = params.n_boot
    start, end = params.period_start, params.period_end
    city_rows = _check_scope(data, params)
    caveats: list[str] = []
    if data.meta.get("synthetic"):
        caveats.append("The data are SYNTHETIC: the figures illustrate the method only.")

    stays_frame = build_stays(data.sightings, params.gap_days, start, end)
    stays = fit_stays(stays_frame, city=params.city, alpha=params.alpha)
    tour = touring(stays_frame)
    dists = [stays.distribution, *stays.bootstrap(stays_frame, rng, n)]
    table = StayTable.from_distributions(dists)

    chain = population_chain(
        data.sightings,
        params.city,
        start,
        end,
        criterion=params.mse_criterion,
        alpha=params.alpha,
        n_draws=n,
        rng=rng,
    )
    detection = np.concatenate([[chain.detection], chain.detection_draws if n else []])

    monthly = monthly_arrivals(stays_frame, params.city, start, end)
    weeks = ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 7.0
    total_starts = int(monthly.sum())
    if total_starts == 0:
        raise EstimationError(
            f"no stay starts in {params.city} in the period: arrivals cannot be estimated."
        )
    arrivals = np.concatenate([[total_starts], rng.poisson(total_starts, n)]) / weeks

    prod, outreach_rows, eta = _productivity(data.outreach, params, rng, n)
    staff = comp.staff_capacity(data.staff, params.city, start, end)
    logged_hours = float(outreach_rows["staff_hours"].sum()) / weeks
    if staff.outreach_fte <= 0:
        raise DataError(
            Problem(
                "staff",
                None,
                "outreach_share",
                None,
                f"no outreach time in the {params.city} staff table",
                "check outreach_share in the staff table.",
            )
        )
    hours_per_fte = logged_hours / staff.outreach_fte

    langs = comp.language_shares(city_rows)
    if params.interpreter_share is not None:
        iota, source = float(params.interpreter_share), "parameter"
    else:
        est = comp.estimate_interpreter_share(outreach_rows)
        iota, source = (est, "outreach log") if est is not None else (0.0, "none")
        if est is None:
            caveats.append(
                "The outreach log shows no contacts needing an interpreter; interpreter use is "
                "taken as 0 (set interpreter_share to assume otherwise)."
            )
    if langs.attrs["unknown_persons"]:
        caveats.append(
            f"{langs.attrs['unknown_share']:.0%} of persons have no recorded language; they are "
            "assumed to speak the same languages as the others."
        )
    own = comp.observed_own_language_share(outreach_rows)
    s_lang, basis, predicted = comp.speaker_share(staff, langs["share"], own)
    m = comp.usable_share(s_lang, iota)
    if own is not None:
        caveats.append(
            f"Language skills are pooled per {'team' if basis == 'team' else 'staff member'}: "
            f"this predicts {predicted[basis]:.0%} of contacts in the person's own language, "
            f"the outreach log shows {own:.0%} (the other assumption: "
            f"{predicted['fte' if basis == 'team' else 'team']:.0%})."
        )
    counts = langs["persons"].to_numpy(dtype=float)
    pi_draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=n) / counts.sum()
    pi = np.vstack([langs["share"].to_numpy(dtype=float), pi_draws])
    languages = langs.assign(staff_speakers_fte=staff.speakers_fte.reindex(langs.index).fillna(0))
    languages["speaker_share"] = s_lang.to_numpy()
    languages["usable_share"] = m.to_numpy()

    inputs = Inputs(eta, hours_per_fte, arrivals, detection, table, pi, m.to_numpy())

    forecast = None
    try:
        from capacity.models.forecast import fit_arrivals_forecast

        forecast = fit_arrivals_forecast(
            monthly.astype(float), horizon=params.horizon_months, alpha=params.alpha
        )
    except (EstimationError, ImportError) as exc:
        caveats.append(f"No arrivals forecast: {exc}")

    cases = float(outreach_rows["support_accepted"].sum()) / weeks
    indicators = None
    if data.operations is not None and len(data.operations):
        try:
            indicators = operations_indicators(
                data.operations, params.city, start, end, alpha=params.alpha
            )
        except DataError:
            caveats.append(f"No joint operations in {params.city} in the period (questions 1–3).")
    return FittedModels(
        city=params.city,
        period=(start, end),
        synthetic=bool(data.meta.get("synthetic", False)),
        data_files=dict(data.files),
        base_params=params,
        stays=stays,
        touring=tour,
        population=chain,
        productivity=prod,
        forecast=forecast,
        indicators=indicators,
        staff=staff,
        languages=languages,
        interpreter_share=iota,
        interpreter_source=source,
        inputs=inputs,
        weeks=weeks,
        arrivals_observed=total_starts / weeks,
        persons_observed=int(city_rows["person_id"].nunique()),
        support_cases_per_week=cases,
        monthly_arrivals=monthly,
        caveats=tuple(caveats),
    )


def _forecast_frame(fitted: FittedModels, params: Params, fte_now: float) -> pd.DataFrame | None:
    """Arrivals forecast and the FTE needed per future month (point, low, high)."""
    if fitted.forecast is None:
        return None
    pred = fitted.forecast.predict_frame()
    months = len(pred)
    base = fitted.inputs
    last = fitted.monthly_arrivals.index.max()
    years = ((pred.index - last).days / 365.25).to_numpy(dtype=float)
    hr = fitted.stays.hazard_ratio_per_year
    stay_mult = params.stay_multiplier * hr ** (-np.clip(years, 0, None))
    cols = ["estimate", "ci_lower", "ci_upper"]
    # the scenario's stay multiplier holds the number present (arrivals / s); the stay trend
    # acts at the forecast arrivals (see reach_matrix's ``hold``)
    observed = (
        np.concatenate([pred[c].to_numpy(dtype=float) for c in cols])
        / WEEKS_PER_MONTH
        / params.stay_multiplier
    )
    idx = np.zeros(3 * months, dtype=int)
    inputs = Inputs(
        base.eta[idx],
        base.hours_per_fte,
        np.clip(observed, 1e-9, None),
        base.detection[idx],
        base.stays.take(idx),
        base.pi[idx],
        base.m,
    )
    need = fte_needed_matrix(
        inputs,
        params.target_reach,
        strategy=params.strategy,
        stay_multiplier=np.tile(stay_mult, 3),
        arrivals_multiplier=params.arrivals_multiplier,
        hold="arrivals",
    ).reshape(3, months)
    scale = params.arrivals_multiplier / base.detection[0] / params.stay_multiplier
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


def evaluate(fitted: FittedModels, params: Params) -> Question4Result:
    """Reach, competence, support, staffing and the verdict under the scenario ``params``.

    Notes
    -----
    ``P(reach ≥ target)`` is the share of Monte Carlo draws (rows 1…n of the inputs) whose
    effective reach meets the target; the verdict is *sufficient* if it is at least
    ``p_sufficient``, *insufficient* if at most ``p_insufficient``, else *uncertain*.
    """
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
    x = fitted.inputs
    scen = {
        "strategy": params.strategy,
        "stay_multiplier": params.stay_multiplier,
        "arrivals_multiplier": params.arrivals_multiplier,
    }
    fte_now = max(fitted.staff.outreach_fte + params.extra_fte, 0.0)
    p_lang, p_any = reach_matrix(x, np.full(len(x), fte_now), **scen)
    reach_eff = (x.pi * p_lang).sum(axis=1)
    need_draws = fte_needed_matrix(x, params.target_reach, **scen)
    need_draws[0] = np.nan  # the point estimate is solved exactly below
    ceiling = float(reach_ceiling(x, params.strategy)[0])
    blocked = [lang for lang, mm in zip(fitted.languages.index, x.m, strict=True) if mm < 1]
    if params.strategy == "random":
        blocked = [lang for lang, mm in zip(fitted.languages.index, x.m, strict=True) if mm <= 0]
    one = _subset(x, np.array([0]))
    need = fte_needed(
        lambda f: float(effective_reach(one, np.array([f]), **scen)[0]),
        params.target_reach,
        fte_now,
        ceiling=ceiling,
        blocked_languages=blocked,
    )
    draws = pd.DataFrame(
        {
            "reach_effective": reach_eff[1:],
            "reach_any_language": p_any[1:],
            "fte_needed": need_draws[1:],
            "contacts_per_hour": x.eta[1:],
            "detection_share": x.detection[1:],
            "arrivals_per_week": x.arrivals_observed[1:]
            / x.detection[1:]
            * params.arrivals_multiplier
            / params.stay_multiplier,
            "mean_stay_days": x.stays.mean[1:] * params.stay_multiplier,
        }
    )
    draws["population_present"] = draws["arrivals_per_week"] * draws["mean_stay_days"] / 7.0
    draws["support_before_leaving"] = _support_draws(fitted, params)[1:]
    if len(draws):
        p_target = float((draws["reach_effective"] >= params.target_reach).mean())
    else:
        p_target = float(reach_eff[0] >= params.target_reach)
    if p_target >= params.p_sufficient:
        verdict = "sufficient"
    elif p_target <= params.p_insufficient:
        verdict = "insufficient"
    else:
        verdict = "uncertain"

    languages = fitted.languages.rename(columns={"share": "share_of_target_group"}).copy()
    languages["reach"] = p_lang[0]
    languages["shortfall"] = languages["reach"] < params.target_reach
    caveats = list(fitted.caveats)
    if need.caveat:
        caveats.append(need.caveat)
    caveats += _scenario_caveats(fitted, params, fte_now, draws)
    caveats += list(fitted.stays.caveats) + list(fitted.population.caveats)
    caveats += list(getattr(fitted.productivity, "caveats", ()))
    point = {
        "fte_outreach_now": fte_now,
        "fte_needed": need.fte_needed,
        "fte_gap": need.gap,
        "reach_effective": float(reach_eff[0]),
        "reach_any_language": float(p_any[0]),
        "trained_share": fitted.staff.trained_share,
        "population_present": float(
            x.arrivals_observed[0]
            / x.detection[0]
            * params.arrivals_multiplier
            * x.stays.mean[0]
            / 7.0
        ),
        "persons_in_period": fitted.persons_observed / float(x.detection[0]),
        "arrivals_per_week": float(
            x.arrivals_observed[0]
            / x.detection[0]
            * params.arrivals_multiplier
            / params.stay_multiplier
        ),
        "support_before_leaving": float(_support_draws(fitted, params, only_point=True)[0]),
        "contacts_per_hour": float(x.eta[0]),
    }
    return Question4Result(
        verdict=verdict,
        p_target=p_target,
        target_reach=params.target_reach,
        city=fitted.city,
        period=fitted.period,
        synthetic=fitted.synthetic,
        point=point,
        languages=languages,
        stays=fitted.stays,
        touring=fitted.touring,
        population=fitted.population,
        productivity=fitted.productivity,
        forecast=_forecast_frame(fitted, params, fte_now),
        indicators=fitted.indicators,
        draws=draws,
        caveats=tuple(dict.fromkeys(caveats)),
        data_files=fitted.data_files,
        params=params,
        persons_observed=fitted.persons_observed,
    )


def _support_draws(fitted: FittedModels, params: Params, only_point: bool = False) -> np.ndarray:
    """``P(support starts before leaving)`` per draw (casework FTE as in the staff table)."""
    x = fitted.inputs
    rows = 1 if only_point else len(x)
    out = np.empty(rows)
    case_days = float(params.reflection_days)
    for i in range(rows):
        table = x.stays.take(np.array([i]))
        s = params.stay_multiplier

        def lap(h, table=table, s=s):
            h = np.atleast_1d(np.asarray(h, dtype=float))
            return table.laplace(h[None, :] * s)[0]

        q = support_before_leaving(
            fitted.support_cases_per_week * params.arrivals_multiplier,
            fitted.staff.casework_fte,
            lap,
            float(table.mean[0] * s),
            case_days=case_days,
            caseload_per_fte=params.caseload_per_fte,
        )
        out[i] = q.p_before_leaving
    return out


def _scenario_caveats(fitted, params, fte_now, draws) -> list[str]:
    out = []
    n_obs = fitted.population.quarters
    if len(n_obs):
        present = fitted.inputs.arrivals_observed[0] / fitted.inputs.detection[0]
        per_quarter = present / 7.0 * (fitted.inputs.stays.mean[0] + 91.3)
        ratio = float(n_obs["N_hat"].mean() / per_quarter)
        if not 0.5 <= ratio <= 2.0:
            out.append(
                f"The persons per quarter implied by arrivals and stays ({per_quarter:,.0f}) and "
                f"the multiple systems estimate ({n_obs['N_hat'].mean():,.0f}) differ by a "
                f"factor {ratio:.1f}: the population figures are uncertain beyond their intervals."
            )
    if params.strategy == "screening":
        rate = fitted.inputs.eta[0] * fitted.inputs.hours_per_fte
        a = draws["arrivals_per_week"].median() if len(draws) else 0
        if fte_now * rate <= a:
            out.append(
                "Screening capacity is below the arrival rate: the queue is saturated and at most "
                f"{fte_now * rate / a:.0%} of arrivals can be screened."
            )
    out.append(
        f"Support assumes {params.caseload_per_fte:g} concurrent cases per full-time caseworker (an "
        f"assumption), cases of {params.reflection_days} days (the reflection period) and "
        f"{fitted.staff.casework_fte:.1f} casework FTE; accepted support in the outreach log: "
        f"{fitted.support_cases_per_week * params.arrivals_multiplier:.1f} per week."
    )
    if fitted.staff.trained_share < 1:
        out.append(
            f"Only {fitted.staff.trained_share:.0%} of outreach time is by staff trained to "
            "identify trafficking (Convention art. 10)."
        )
    if len(draws) < 100:
        out.append(
            f"Only {len(draws)} Monte Carlo draws: the verdict's probability is rough "
            "(raise n_boot)."
        )
    return out


def answer_question_4(data, params: Params) -> Question4Result:
    """Answer question 4 for ``params.city`` and period: ``evaluate(fit_models(...))``.

    Examples
    --------
    >>> from capacity.config import ROOT, Params
    >>> from capacity.io import load_dataset
    >>> ds = load_dataset(ROOT / "data" / "sample")  # doctest: +SKIP
    >>> answer_question_4(ds, Params()).verdict  # doctest: +SKIP
    'insufficient'
    """
    return evaluate(fit_models(data, params), params)
