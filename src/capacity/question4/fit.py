"""Question 4, the expensive part: fit every model once per dataset and base parameters.

:func:`fit_models` does everything that depends only on the data and the non-scenario
parameters — stays, the population chain, productivity, staff and languages, the Monte
Carlo draws of the inputs, the arrivals forecast — and returns a picklable
:class:`FittedModels` that :func:`capacity.question4.evaluate` turns into the answer for any
scenario. Import both from :mod:`capacity.question4`. Methods:
``docs/methods/staffing-and-verdict.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.exceptions import DataError, EstimationError, Problem
from capacity.models import competence as comp
from capacity.models._base import percentile_interval
from capacity.models.indicators import operations_indicators
from capacity.models.population import PopulationChain, population_chain
from capacity.models.stays import StayTable
from capacity.models.stays.strata import source_strata
from capacity.question4.bootstrap import chain_bootstrap, stack_tables
from capacity.question4.draws import Inputs

__all__ = ["FittedModels", "fit_models"]


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
    stay_draws: dict = dataclasses.field(default_factory=dict)
    #: strategy mix, stays per woman, tour chain (:class:`capacity.question4.mobility.MobilityFit`);
    #: None when the data cannot tell the strategy (random search is then used)
    mobility: object = None
    #: share of contacts made in writing (the online channel: replies to ads), which
    #: translated written information can reach without a speaker or interpreter
    written_contact_share: float = 0.0
    #: usable share per language as the log shows it (before any option or scenario):
    #: the baseline against which support demand is scaled with reach
    observed_m: np.ndarray | None = None
    #: identification of trafficking per contact, by language mode and training
    #: (:func:`capacity.models.identification.identification_rates`), or None
    identification: object = None
    #: accepted support cases per week per draw (row 0: the log; rows 1…: Poisson in the
    #: total count), or None
    support_cases_draws: np.ndarray | None = None
    #: contacts per staff-hour per channel times the channel's share of outreach hours,
    #: per draw ``(D, K)`` (row sums: ``inputs.eta``); the levels of reach re-weight them
    #: (:mod:`capacity.question4.levels`)
    channel_eta: np.ndarray | None = None
    #: the channels of ``channel_eta``'s columns
    channels: tuple[str, ...] = ()

    def with_interpreter_share(self, share: float) -> FittedModels:
        """These models with interpreters for ``share`` of contacts in languages no staff speaks.

        The same as refitting with another interpreter share: the share enters only the
        usable share per language, ``m_L = s_L + (1 − s_L)·ι``, and nothing random depends
        on it.
        """
        m = comp.usable_share(self.languages["speaker_share"], share).to_numpy(dtype=float)
        return dataclasses.replace(
            self,
            inputs=dataclasses.replace(self.inputs, m=m),
            languages=self.languages.assign(usable_share=m),
            interpreter_share=float(share),
            interpreter_source="parameter",
        )


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
    point = rates["estimate"].to_numpy(dtype=float)
    eta_point = float(point @ weights)
    per_channel = (
        np.asarray(fit.draw_rates(rng, n), dtype=float) if n else np.zeros((0, len(point)))
    )
    draws = per_channel @ weights if n else np.array([])
    # per channel h_k·η_k per draw (row 0 the estimate): the levels of reach re-weight them
    channel_eta = np.vstack([point[None, :], per_channel]) * weights[None, :]
    return fit, rows, np.concatenate([[eta_point], draws]), channel_eta, tuple(rates.index)


def _mobility(data, stays_frame, params, table, detection, rng, caveats: list, shared=None):
    """Strategy mix and tour chain (:func:`capacity.question4.mobility.fit_mobility`), or None.

    Without enough first contacts to tell screening from search, the share of capacity in
    screening is 0 (random search) and a caveat says so.
    """
    from capacity.question4.mobility import fit_mobility

    try:
        mob = fit_mobility(data.sightings, stays_frame, params.city, table.mean, detection,
                           alpha=params.alpha, rng=rng, shared=shared)  # fmt: skip
    except EstimationError as exc:
        caveats.append(
            f"The outreach strategy cannot be estimated from the data ({exc}); reach assumes "
            "random search (set strategy to 'screening' to see the other extreme)."
        )
        return None, np.zeros(len(table))
    return mob, np.asarray(mob.share, dtype=float)


def fit_models(data, params: Params, *, shared: dict | None = None) -> FittedModels:
    """Fit every model for the city and period of ``params`` (the expensive part).

    Parameters
    ----------
    data : capacity.io.Dataset
        A validated dataset.
    params : capacity.config.Params
        Run parameters; the scenario parameters are ignored here (see :func:`evaluate`).
    shared : dict, optional
        Work that does not depend on the city, kept between the fits of several cities of
        the same data, ``gap_days`` and period (:func:`capacity.national.national_view`
        passes one dict to every city): the stays of all cities, touring, the tour flows
        and the outreach contacts per stay. Filled in on the first call.

    Returns
    -------
    FittedModels

    Raises
    ------
    DataError
        City not in the data, or no sightings, outreach or staff in the period.
    """
    from capacity.models.stays import build_stays, fit_stays, monthly_arrivals
    from capacity.models.touring import touring

    rng = np.random.default_rng(params.seed)
    n = params.n_boot
    start, end = params.period_start, params.period_end
    city_rows = _check_scope(data, params)
    caveats: list[str] = []
    if data.meta.get("synthetic"):
        caveats.append("The data are SYNTHETIC: the figures illustrate the method only.")

    shared = {} if shared is None else shared
    if "stays" not in shared:
        shared["stays"] = build_stays(data.sightings, params.gap_days, start, end)
    stays_frame = shared["stays"]
    # the margin correction sees who sees a person: one gap distribution per source set
    in_city = data.sightings[data.sightings["city"].astype(str) == params.city]
    strata = source_strata(in_city, params.gap_days)
    stays = fit_stays(stays_frame, city=params.city, alpha=params.alpha, strata=strata, n_boot=0)
    if "touring" not in shared:
        shared["touring"] = touring(stays_frame)
    tour = shared["touring"]

    chain = population_chain(
        data.sightings,
        params.city,
        start,
        end,
        criterion=params.mse_criterion,
        alpha=params.alpha,
    )

    monthly = monthly_arrivals(stays_frame, params.city, start, end)
    weeks = ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 7.0
    # stays can be counted only from gap_days after the data begin (earlier ones may have
    # begun before the data): arrivals per week are per week of that window
    weeks_counted = float(monthly.attrs.get("weeks_observed", weeks))
    total_starts = int(monthly.sum())
    if total_starts == 0 or weeks_counted <= 0:
        raise EstimationError(
            f"no stay starts in {params.city} in the period: arrivals cannot be estimated."
        )
    if weeks_counted < weeks:
        caveats.append(
            f"Arrivals are counted from {monthly.attrs['counting_start']:%Y-%m-%d} to "
            f"{monthly.attrs['counting_end']:%Y-%m-%d} ({weeks_counted:.1f} of the period's "
            f"{weeks:.1f} weeks): a stay that starts within {params.gap_days} days of the "
            "data's first day may have begun before it."
        )

    prod, outreach_rows, eta, channel_eta, channels = _productivity(data.outreach, params, rng, n)
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
    # the interpreter share is a scenario setting: the fit keeps what the log shows and
    # evaluate() applies Scenario.interpreter_share on top (see with_interpreter_share)
    est = comp.estimate_interpreter_share(outreach_rows)
    iota, source = (est, "outreach log") if est is not None else (0.0, "none")
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
    # the chain bootstrap: stays (margins, tail), starts, MSE with its model selection and
    # language shares re-estimated on each Poisson person-bootstrap replicate
    city_stays = stays_frame[stays_frame["city"] == params.city]
    table = StayTable.from_distributions([stays.distribution])
    detection = np.array([chain.detection])
    arrivals = np.array([float(total_starts)])
    pi = langs["share"].to_numpy(dtype=float)[None, :]
    if n:
        t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
        counted = city_stays[
            ~city_stays["left_truncated"]
            & (city_stays["start"] >= t0)
            & (city_stays["start"] <= t1)
        ]
        draws = chain_bootstrap(
            strata=strata,
            expander=stays._rows["expander"],
            fit_stays_frame=city_stays[~city_stays["left_truncated"]],
            starts=counted,
            period_rows=city_rows,
            quarters=chain.quarters,
            languages=langs.index,
            criterion=params.mse_criterion,
            n_boot=n,
            rng=rng,
        )
        table = stack_tables(table, draws.stays.table)
        detection = np.r_[detection, draws.detection]
        arrivals = np.r_[arrivals, draws.starts]
        counts = draws.language_counts
        pi = np.vstack([pi, counts / np.maximum(counts.sum(1, keepdims=True), 1e-12)])
        # on very small data a replicate can draw no stays, no starts or no known language:
        # such a replicate has no answer and takes the point estimate's inputs instead
        bad = ~(np.isfinite(table.mean) & (table.mean > 0) & np.isfinite(detection))
        bad |= ~(arrivals > 0) | ~np.r_[True, counts.sum(1) > 0]
        if bad[1:].any():
            idx = np.where(bad, 0, np.arange(len(bad)))
            table, detection, arrivals, pi = table.take(idx), detection[idx], arrivals[idx], pi[idx]
            caveats.append(
                f"{int(bad.sum())} of {n} bootstrap replicates drew no stays, starts or known "
                "languages and use the point estimate's inputs: the intervals are too narrow."
            )
        ratio = draws.stays.median_ratio
        stays = dataclasses.replace(
            stays,
            median_ratio_ci=percentile_interval(ratio, params.alpha)
            if np.isfinite(ratio).any()
            else (np.nan, np.nan),
            n_boot=n,
        )
        chain = dataclasses.replace(chain, detection_draws=draws.detection)
        stay_draws = {"median": draws.stays.median, "median_ratio": ratio}
    else:
        stay_draws = {}
    arrivals = arrivals / weeks_counted
    languages = langs.assign(staff_speakers_fte=staff.speakers_fte.reindex(langs.index).fillna(0))
    languages["speaker_share"] = s_lang.to_numpy()
    languages["usable_share"] = m.to_numpy()

    mobility, share = _mobility(data, stays_frame, params, table, detection, rng, caveats, shared)
    inputs = Inputs(eta, hours_per_fte, arrivals, detection, table, pi, m.to_numpy(), share)

    forecast = None
    try:
        from capacity.models.forecast import fit_arrivals_forecast

        forecast = fit_arrivals_forecast(
            monthly.astype(float), horizon=params.horizon_months, alpha=params.alpha
        )
    except (EstimationError, ImportError) as exc:
        caveats.append(f"No arrivals forecast: {exc}")

    cases = float(outreach_rows["support_accepted"].sum()) / weeks
    contacts = outreach_rows.groupby("channel", observed=True)["contacts"].sum()
    written = float(contacts.get("online", 0.0) / contacts.sum()) if contacts.sum() > 0 else 0.0
    indicators = None
    if data.operations is not None and len(data.operations):
        try:
            indicators = operations_indicators(
                data.operations, params.city, start, end, alpha=params.alpha
            )
        except DataError:
            caveats.append(f"No joint operations in {params.city} in the period (questions 1–3).")
    from capacity.models.identification import identification_rates

    try:
        identification = identification_rates(
            outreach_rows, data.staff, params.city, alpha=params.alpha
        )
    except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - degenerate logs
        identification = None
        caveats.append(f"No model of identification by training and language: {exc}")
    # drawn last, so that every earlier draw is the same as without it
    accepted = float(outreach_rows["support_accepted"].sum())
    case_draws = np.concatenate([[accepted], rng.poisson(accepted, n)]) / weeks
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
        arrivals_observed=total_starts / weeks_counted,
        persons_observed=int(city_rows["person_id"].nunique()),
        support_cases_per_week=cases,
        monthly_arrivals=monthly,
        caveats=tuple(caveats),
        stay_draws=stay_draws,
        mobility=mobility,
        written_contact_share=written,
        observed_m=m.to_numpy(dtype=float),
        support_cases_draws=case_draws,
        identification=identification,
        channel_eta=channel_eta,
        channels=tuple(str(c) for c in channels),
    )
