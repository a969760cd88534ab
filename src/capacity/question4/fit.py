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
from capacity.models import Caveat
from capacity.models import competence as comp
from capacity.models.indicators import operations_indicators
from capacity.models.population import PopulationChain, population_chain
from capacity.models.stays import StayTable
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
    caveats: tuple[Caveat, ...]
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
    fit = fit_productivity(rows, city=params.city, outcome="contacts", alpha=params.alpha)
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
    rng = np.random.default_rng(params.seed)  # the steps draw from it in this order
    n = params.n_boot
    city_rows = _check_scope(data, params)
    caveats = [Caveat("q4.synthetic")] if data.meta.get("synthetic") else []
    stays_frame, stays, tour, table = _stays(data.sightings, params, rng, n)
    chain = population_chain(
        data.sightings,
        params.city,
        params.period_start,
        params.period_end,
        criterion=params.mse_criterion,
        alpha=params.alpha,
        n_draws=n,
        rng=rng,
    )
    detection = np.concatenate([[chain.detection], chain.detection_draws if n else []])
    monthly, arrivals, per_week, note = _arrivals(stays_frame, params, rng, n)
    caveats += note
    prod, outreach_rows, eta = _productivity(data.outreach, params, rng, n)
    staff = comp.staff_capacity(data.staff, params.city, params.period_start, params.period_end)
    weeks = _weeks(params)
    hours_per_fte = _hours_per_fte(outreach_rows, staff, params, weeks)
    languages, pi, iota, source, notes = _languages(city_rows, outreach_rows, staff, rng, n)
    caveats += notes
    forecast, note = _forecast(monthly, params)
    indicators, note2 = _indicators(data, params)
    written = _written_share(outreach_rows)
    identification, note3 = _identification(outreach_rows, data.staff, params)
    # drawn last, so that every earlier draw is the same as without it
    accepted = float(outreach_rows["support_accepted"].sum())
    case_draws = np.concatenate([[accepted], rng.poisson(accepted, n)]) / weeks
    return FittedModels(
        city=params.city,
        period=(params.period_start, params.period_end),
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
        inputs=Inputs(
            eta, hours_per_fte, arrivals, detection, table, pi, languages["usable_share"].to_numpy()
        ),
        weeks=weeks,
        arrivals_observed=per_week,
        persons_observed=int(city_rows["person_id"].nunique()),
        support_cases_per_week=float(outreach_rows["support_accepted"].sum()) / weeks,
        monthly_arrivals=monthly,
        caveats=tuple(caveats + note + note2 + note3),
        written_contact_share=written,
        observed_m=languages["usable_share"].to_numpy(dtype=float),
        support_cases_draws=case_draws,
        identification=identification,
    )


def _weeks(params: Params) -> float:
    """Weeks in the analysis period (its days / 7, both ends included)."""
    return ((pd.Timestamp(params.period_end) - pd.Timestamp(params.period_start)).days + 1) / 7.0


def _stays(sightings: pd.DataFrame, params: Params, rng, n: int):
    """Stays in the period, their fit, touring, and the stay table of ``n`` bootstrap fits."""
    from capacity.models.stays import build_stays, fit_stays
    from capacity.models.touring import touring

    frame = build_stays(sightings, params.gap_days, params.period_start, params.period_end)
    stays = fit_stays(frame, city=params.city, alpha=params.alpha)
    dists = [stays.distribution, *stays.bootstrap(frame, rng, n)]
    return frame, stays, touring(frame), StayTable.from_distributions(dists)


def _arrivals(stays_frame: pd.DataFrame, params: Params, rng, n: int):
    """Monthly stay starts, arrivals per week (point and ``n`` Poisson draws) and a caveat.

    Stays can be counted only from ``gap_days`` after the data begin (earlier ones may have
    begun before the data): arrivals per week are per week of that counting window.
    Returns ``(monthly, arrivals, observed per week, caveats)``.
    """
    from capacity.models.stays import monthly_arrivals

    start, end = params.period_start, params.period_end
    monthly = monthly_arrivals(stays_frame, params.city, start, end)
    weeks = _weeks(params)
    weeks_counted = float(monthly.attrs.get("weeks_observed", weeks))
    total_starts = int(monthly.sum())
    if total_starts == 0 or weeks_counted <= 0:
        raise EstimationError(
            f"no stay starts in {params.city} in the period: arrivals cannot be estimated."
        )
    caveats = []
    if weeks_counted < weeks:
        caveats.append(
            Caveat(
                "q4.arrivals_window",
                start=monthly.attrs["counting_start"],
                end=monthly.attrs["counting_end"],
                weeks_counted=weeks_counted,
                weeks=weeks,
                days=params.gap_days,
            )
        )
    arrivals = np.concatenate([[total_starts], rng.poisson(total_starts, n)]) / weeks_counted
    return monthly, arrivals, total_starts / weeks_counted, caveats


def _hours_per_fte(outreach_rows: pd.DataFrame, staff, params: Params, weeks: float) -> float:
    """Logged outreach hours per week per outreach FTE of the staff table."""
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
    return float(outreach_rows["staff_hours"].sum()) / weeks / staff.outreach_fte


def _languages(city_rows, outreach_rows, staff, rng, n: int):
    """Languages of the target group, the share of contacts each can be held in, and draws.

    The interpreter share is a scenario setting: the fit keeps what the log shows and
    ``evaluate`` applies ``Scenario.interpreter_share`` on top (see
    :meth:`FittedModels.with_interpreter_share`). Returns ``(languages, pi, interpreter
    share, its source, caveats)``; ``pi`` is the point share per language and ``n``
    multinomial draws.
    """
    caveats = []
    langs = comp.language_shares(city_rows)
    est = comp.estimate_interpreter_share(outreach_rows)
    iota, source = (est, "outreach log") if est is not None else (0.0, "none")
    if langs.attrs["unknown_persons"]:
        caveats.append(Caveat("q4.unknown_language", share=langs.attrs["unknown_share"]))
    own = comp.observed_own_language_share(outreach_rows)
    s_lang, basis, predicted = comp.speaker_share(staff, langs["share"], own)
    if own is not None:
        caveats.append(
            Caveat(
                "q4.language_pooling",
                basis="word_team" if basis == "team" else "word_staff_member",
                predicted=predicted[basis],
                observed=own,
                other=predicted["fte" if basis == "team" else "team"],
            )
        )
    counts = langs["persons"].to_numpy(dtype=float)
    pi_draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=n) / counts.sum()
    pi = np.vstack([langs["share"].to_numpy(dtype=float), pi_draws])
    languages = langs.assign(staff_speakers_fte=staff.speakers_fte.reindex(langs.index).fillna(0))
    languages["speaker_share"] = s_lang.to_numpy()
    languages["usable_share"] = comp.usable_share(s_lang, iota).to_numpy()
    return languages, pi, iota, source, caveats


def _forecast(monthly: pd.Series, params: Params):
    """The arrivals forecast, or ``None`` and a caveat that says why there is none."""
    from capacity.models.forecast import fit_arrivals_forecast

    try:
        fit = fit_arrivals_forecast(
            monthly.astype(float), horizon=params.horizon_months, alpha=params.alpha
        )
    except EstimationError as exc:
        return None, [Caveat("q4.no_forecast", reason=Caveat.of_error(exc))]
    return fit, []


def _indicators(data, params: Params):
    """Questions 1–3 from the operations table, or ``None`` (and a caveat when it is empty)."""
    if data.operations is None or not len(data.operations):
        return None, []
    try:
        fit = operations_indicators(
            data.operations, params.city, params.period_start, params.period_end, alpha=params.alpha
        )
    except DataError:
        return None, [Caveat("q4.no_operations", city=params.city)]
    return fit, []


def _written_share(outreach_rows: pd.DataFrame) -> float:
    """Share of contacts made in writing (the online channel: replies to ads)."""
    contacts = outreach_rows.groupby("channel", observed=True)["contacts"].sum()
    return float(contacts.get("online", 0.0) / contacts.sum()) if contacts.sum() > 0 else 0.0


def _identification(outreach_rows: pd.DataFrame, staff: pd.DataFrame, params: Params):
    """Identification of trafficking by language mode and training, or ``None`` and why."""
    from capacity.models.identification import identification_rates

    try:
        return identification_rates(outreach_rows, staff, params.city, alpha=params.alpha), []
    except (ValueError, np.linalg.LinAlgError) as exc:  # pragma: no cover - degenerate logs
        return None, [Caveat("q4.no_identification", reason=Caveat.of_error(exc))]
