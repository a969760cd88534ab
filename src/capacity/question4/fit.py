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
from capacity.models.capture import capture_caveats, resolve_capture
from capacity.models.indicators import operations_indicators
from capacity.models.population import PopulationChain, population_chain
from capacity.models.population.per_window import (
    person_share_of_stays,
    quarters_seen_by_person,
    seen_per_quarter,
)
from capacity.models.population.stay_detection import (
    StayDetection,
    fit_stay_detection,
    merged_stays,
    stay_sightings,
)
from capacity.models.stays import StayTable
from capacity.models.stays.replicates import replicate_intervals
from capacity.models.stays.strata import merge_split_stays, source_strata
from capacity.question4.bootstrap import chain_bootstrap, outreach_bootstrap, stack_tables
from capacity.question4.draws import Inputs
from capacity.workers import fork_map

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
    #: interpreter share per draw ``(D,)`` (row 0 the estimate) refitted on the outreach-day
    #: blocks, when it comes from the log; ``inputs.m`` is then per draw too
    interpreter_draws: np.ndarray | None = None
    #: outreach contacts per city (rows) and channel (columns) in the period, all cities:
    #: level b scales the other cities' reach in the tour chain by their conversations
    city_channel_contacts: pd.DataFrame | None = None
    #: the detection share of stays (:func:`~capacity.models.population.stay_detection.
    #: fit_stay_detection`) that scales the merged stay starts up to arrivals, or None when
    #: it could not be fitted (the quarterly MSE's share is then used, with a caveat)
    stay_detection: StayDetection | None = None
    #: the strategy per channel and its model check
    #: (:class:`capacity.models.channels.ChannelStrategy`), or None without a strategy fit;
    #: when ``identified``, ``inputs.share`` and ``inputs.server_factor`` are per channel
    channel_strategy: object = None
    #: the capture model the data carry (:class:`capacity.models.capture.CaptureDiagnostic`)
    #: when ``capture_model`` was ``"auto"`` (``base_params`` hold the settings it chose)
    capture: object = None
    #: distinct persons per stay in a quarter among the stays arrivals are counted from
    #: (:func:`~capacity.models.population.per_window.person_share_of_stays`): turns the
    #: stays in a quarter into persons (``persons_per_quarter``)
    person_share: float = 1.0
    #: distinct persons seen per calendar quarter of the period (its mean; NaN when no
    #: quarter lies wholly inside the period)
    persons_seen_per_quarter: float = float("nan")
    #: the same per draw (n_boot + 1, row 0 the estimate): each replicate's weights on the
    #: persons seen; None without whole quarters or replicates
    persons_seen_per_quarter_draws: np.ndarray | None = None

    def with_interpreter_share(self, share: float) -> FittedModels:
        """These models with interpreters for ``share`` of contacts in languages no staff speaks.

        The same as refitting with another interpreter share: the share enters only the
        usable share per language, ``m_L = s_L + (1 − s_L)·ι``. A share set by policy is
        not estimated: ``m`` is then one vector for all draws.
        """
        m = comp.usable_share(self.languages["speaker_share"], share).to_numpy(dtype=float)
        return dataclasses.replace(
            self,
            inputs=dataclasses.replace(self.inputs, m=m),
            languages=self.languages.assign(usable_share=m),
            interpreter_share=float(share),
            interpreter_source="parameter",
            interpreter_draws=None,
        )


def _check_scope(data, params: Params, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The city's sightings in the period, or a DataError that says what exists.

    ``rows``: the city's sightings on every date (:func:`_city_sightings`) when the caller
    has them.
    """
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
    rows = _city_sightings(s, params) if rows is None else rows
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
    point = rates["estimate"].to_numpy(dtype=float)
    eta_point = float(point @ weights)
    # each replicate refits the rates on a Poisson block bootstrap of outreach days
    # (bootstrap.outreach_bootstrap); the channels' shares of hours are the design, kept.
    # The day weights are keyed by city, day and replicate (their own stream), so they
    # neither depend on nor move the persons' weights (one joint bootstrap nationally)
    boot = outreach_bootstrap(rows, rates.index, n, seed=params.seed)
    per_channel = boot.rates
    draws = per_channel @ weights if n else np.array([])
    # per channel h_k·η_k per draw (row 0 the estimate): the levels of reach re-weight them
    channel_eta = np.vstack([point[None, :], per_channel]) * weights[None, :]
    eta = np.concatenate([[eta_point], draws])
    return fit, rows, eta, channel_eta, tuple(rates.index), weights, boot


def _usable_draws(languages: pd.DataFrame, iota: float, source: str, boot):
    """Usable shares per draw ``(D, L)`` and the interpreter share per draw, or the point.

    With the interpreter share from the log, each replicate's ``ι_d`` (the outreach-day
    bootstrap's, :func:`~capacity.question4.bootstrap.outreach_bootstrap`; the estimate
    where a replicate draws no contact that needs one) gives ``m_dL = s_L + (1 − s_L) ι_d``;
    the staff's language shares ``s_L`` (a census) are the same in every draw.
    """
    point = languages["usable_share"].to_numpy(dtype=float)
    if source != "outreach log" or boot is None or not len(boot.interpreter):
        return point, None
    iota_d = np.r_[iota, np.where(np.isfinite(boot.interpreter), boot.interpreter, iota)]
    s = languages["speaker_share"].to_numpy(dtype=float)
    m = s[None, :] + (1.0 - s[None, :]) * iota_d[:, None]
    m[0] = point
    return m, iota_d


def _mobility(data, stays_frame, params: Params, table, detection, rng, shared=None,
              merged=False, women=None, city_sightings=None):  # fmt: skip
    """Strategy mix and tour chain (:func:`capacity.question4.mobility.fit_mobility`), or None.

    Without enough first contacts to tell screening from search, the share of capacity in
    screening is 0 (random search) and a caveat says so. With ``merged`` (the detection
    share is one of merged stays) the tours per week count merged tour starts: the stays
    of all cities merged by every person's source set (``shared["runs"]``). ``women``:
    the stays per woman :func:`_women` counted (not counted again); ``city_sightings``: the
    city's sightings (:func:`_city_sightings`), not selected again.
    Returns ``(fit, share, caveats)``.
    """
    from capacity.question4.mobility import fit_mobility

    runs = None
    if merged:
        shared = {} if shared is None else shared
        if "runs" not in shared:
            strata = source_strata(data.sightings, params.gap_days)
            shared["runs"] = merge_split_stays(stays_frame, strata)
        runs = shared["runs"]
    try:
        mob = fit_mobility(data.sightings, stays_frame, params.city, table.mean, detection,
                           alpha=params.alpha, rng=rng, shared=shared,
                           seed=params.seed, runs=runs, women=women,
                           city_sightings=city_sightings)  # fmt: skip
    except EstimationError as exc:
        return None, np.zeros(len(table)), [Caveat("q4.no_strategy", reason=Caveat.of_error(exc))]
    return mob, np.asarray(mob.share, dtype=float), []


def fit_models(
    data, params: Params, *, shared: dict | None = None, detection: np.ndarray | None = None
) -> FittedModels:
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
    detection : ndarray (n_boot + 1,), optional
        The detection share per draw (row 0 the estimate, the rows the joint bootstrap's
        replicates), estimated by the caller: the national view's share from the city's
        person-quarters pooled over the period (:func:`capacity.national.pooled_detection`).
        With ``detection_model: mse`` it replaces the quarterly MSE's share, and that MSE
        (its point fit with profile intervals and its refit in every replicate, half of
        the fit's time) is not run: ``population`` then holds this share and no quarters.
        Ignored with ``detection_model: stays`` (the share of stays is fitted here).

    Returns
    -------
    FittedModels

    Raises
    ------
    DataError
        City not in the data, or no sightings, outreach or staff in the period.
    """
    # capture_model "auto": the data choose detection_model, stay_model and gap_days
    given, (params, capture) = params, resolve_capture(params, data.sightings)
    rng = np.random.default_rng(params.seed)  # the steps draw from it in this order
    n = params.n_boot
    city_all = _city_sightings(data.sightings, params)  # every date; selected once
    city_rows = _check_scope(data, params, city_all)
    caveats = [Caveat("q4.synthetic")] if data.meta.get("synthetic") else []
    caveats += list(capture_caveats(given, capture))
    shared = {} if shared is None else shared
    if detection is not None and params.detection_model == "mse":
        stays_frame, strata, stays, tour = _stays(data.sightings, params, shared, city_all)
        chain = _given_chain(detection, n, params.alpha)
    else:
        detection = None
        (stays_frame, strata, stays, tour), chain = _stays_and_population(
            data.sightings, params, shared, city_all
        )
    merged, detect, note0 = None, None, []
    if params.detection_model == "stays":
        merged = _merged(stays_frame, strata, params)
        detect, note0 = _stay_detection(merged, city_all, strata, params)
    if detect is not None:  # the MSE's share is not what scales the arrivals: say the one that is
        chain = dataclasses.replace(
            chain, caveats=tuple(c for c in chain.caveats if c.key != "population.unseen")
        )
    arrived = stays_frame if detect is None else merged  # the stays arrivals count
    monthly, starts, weeks_counted, note = _arrivals(arrived, params)
    person_share = person_share_of_stays(
        arrived[arrived["city"].astype(str) == params.city], params.period_start, params.period_end
    )
    prod, outreach_rows, eta, channel_eta, channels, hours_share, days = _productivity(
        data.outreach, params, rng, n
    )
    staff = comp.staff_capacity(data.staff, params.city, params.period_start, params.period_end)
    weeks = _weeks(params)
    hours_per_fte = _hours_per_fte(outreach_rows, staff, params, weeks)
    person_lang = comp.person_languages(city_rows)  # once, for the shares and the bootstrap
    languages, iota, source, notes = _languages(city_rows, outreach_rows, staff, person_lang)
    women = _women(stays_frame, params, data.sightings, strata)
    boot = _chain_draws(params, stays_frame, strata, stays, chain, city_rows, languages, starts,
                        rng, n, women, merged, detect, person_lang, detection)  # fmt: skip
    mobility, share, note2 = _mobility(
        data,
        stays_frame,
        params,
        boot.table,
        boot.detection,
        rng,
        shared,
        detect is not None,
        women,
        city_all,
    )
    if mobility is not None and boot.woman_pmf is not None:
        mobility = dataclasses.replace(
            mobility, woman_k=boot.woman_k, woman_pmf=boot.woman_pmf, woman_total=boot.woman_total
        )
    if mobility is not None:  # the other cities' contacts, usable as their own teams hold them
        usable = _usable_by_city(data, params, mobility.flows.cities, languages, shared)
        mobility = dataclasses.replace(mobility, city_usable=usable)
    # usable shares per draw: the interpreter share re-estimated on each replicate's days
    m, iota_draws = _usable_draws(languages, iota, source, days)
    per_channel = _channel_fit(mobility, share, channel_eta, channels, hours_share,
                               outreach_rows, params)  # fmt: skip
    factor = None
    if per_channel is not None and per_channel.identified:
        share, factor = per_channel.level_inputs(share, channel_eta)
    inputs = Inputs(eta, hours_per_fte, boot.arrivals / weeks_counted, boot.detection,
                    boot.table, boot.pi, m, share, factor)  # fmt: skip
    inputs = _screening_speed(inputs, staff.outreach_fte)
    forecast, note3 = _forecast(monthly, params)
    indicators, note4 = _indicators(data, params)
    identification, note5 = _identification(outreach_rows, data.staff, params)
    # drawn last, so that every earlier draw is the same as without it
    accepted = float(outreach_rows["support_accepted"].sum())
    case_draws = np.concatenate([[accepted], rng.poisson(accepted, n)]) / weeks
    return FittedModels(
        city=params.city,
        period=(params.period_start, params.period_end),
        synthetic=bool(data.meta.get("synthetic", False)),
        data_files=dict(data.files),
        base_params=params,
        stays=boot.stays,
        touring=tour,
        population=boot.chain,
        productivity=prod,
        forecast=forecast,
        indicators=indicators,
        staff=staff,
        languages=languages,
        interpreter_share=iota,
        interpreter_source=source,
        inputs=inputs,
        weeks=weeks,
        arrivals_observed=starts / weeks_counted,
        persons_observed=int(city_rows["person_id"].nunique()),
        support_cases_per_week=accepted / weeks,
        monthly_arrivals=monthly,
        caveats=tuple(
            caveats + note0 + note + notes + boot.caveats + note2 + note3 + note4 + note5
        ),
        stay_draws=boot.stay_draws,
        mobility=mobility,
        written_contact_share=_written_share(outreach_rows),
        observed_m=m,
        support_cases_draws=case_draws,
        identification=identification,
        channel_eta=channel_eta,
        channels=tuple(str(c) for c in channels),
        interpreter_draws=iota_draws,
        city_channel_contacts=_city_channel_contacts(data.outreach, params),
        stay_detection=detect,
        channel_strategy=per_channel,
        capture=capture,
        person_share=person_share,
        persons_seen_per_quarter=seen_per_quarter(
            city_rows, params.period_start, params.period_end
        ),
        persons_seen_per_quarter_draws=boot.seen_per_quarter,
    )


def _screening_speed(inputs: Inputs, fte: float) -> Inputs:
    """``inputs`` with the screeners' speed when busy (``speed_factor``), from today's log.

    Today's screening throughput (the share ``w`` of the contacts logged) is what the
    queue must reproduce at today's staffing
    (:func:`capacity.models.strategy.screening_speed_factor`).
    """
    if inputs.share is None:
        return inputs
    from capacity.models.strategy import screening_speed_factor

    rate = inputs.eta * inputs.hours_per_fte
    server = rate if inputs.server_factor is None else rate * inputs.server_factor
    g = screening_speed_factor(rate * fte, inputs.arrivals_per_week(), inputs.stays.mean,
                               inputs.share, contacts_per_server=server)  # fmt: skip
    return dataclasses.replace(inputs, speed_factor=g)


def _channel_fit(mobility, share, channel_eta, channels, hours_share, outreach_rows, params):
    """The strategy per channel with its model check (:mod:`capacity.models.channels`).

    None without a strategy fit. When the check fits (``identified``) reach uses each
    channel's capacity and strategy; otherwise the pooled mix, and its caveats say why.
    """
    from capacity.models.channels import channel_strategy

    if mobility is None:
        return None
    strat = mobility.strategy
    return channel_strategy(
        share,
        channel_eta,
        [str(c) for c in channels],
        alpha=params.alpha,
        times=strat.times,
        outreach_rows=outreach_rows,
        mix=strat.moments_fit or None,
        hours_share=hours_share,
    )


def _city_sightings(sightings: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The city's sightings on every date (merged stays reach outside the period)."""
    return sightings[sightings["city"].astype(str) == params.city]


def _merged(stays_frame: pd.DataFrame, strata, params: Params) -> pd.DataFrame:
    """The city's stays with those split by missed sightings joined (arrivals count these).

    ``build_stays`` splits a stay wherever sightings are more than ``gap_days`` apart; with
    sources that see a present person on a few per cent of her days one stay becomes
    several and the starts are too many. :func:`merged_stays` joins the splits her source
    set's sighting rate explains (:func:`capacity.models.stays.strata.merge_split_stays`).
    """
    from capacity.models._fastpd import isin

    # the persons' stays in every city: a stay elsewhere between two in the city keeps them
    # apart (merge_split_stays joins only neighbours in the same city), as merge_stays does
    in_city = stays_frame["city"].astype(str) == params.city
    theirs = stays_frame[isin(stays_frame["person_id"], stays_frame.loc[in_city, "person_id"])]
    out = merged_stays(theirs, strata)
    out = out[out["city"].astype(str) == params.city]
    out.attrs.update(stays_frame.attrs)
    return out


def _stay_detection(merged: pd.DataFrame, rows: pd.DataFrame, strata, params: Params):
    """The detection share of stays, or None and a caveat (the MSE's share is then used)."""
    try:
        st = stay_sightings(merged, rows, params.period_start, params.period_end,
                            persons=strata.persons)  # fmt: skip
        dependence = params.detection_dependence
        return fit_stay_detection(st, alpha=params.alpha, dependence=dependence), []
    except EstimationError as exc:
        return None, [Caveat("q4.no_stay_detection", reason=Caveat.of_error(exc))]


def _city_channel_contacts(outreach: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Contacts per city and channel in the period (every city of the outreach log)."""
    rows = outreach[
        (outreach["date"] >= pd.Timestamp(params.period_start))
        & (outreach["date"] <= pd.Timestamp(params.period_end))
    ]
    city = rows["city"].astype(str)
    channel = rows["channel"].astype(str)
    return rows["contacts"].groupby([city, channel]).sum().unstack(fill_value=0).astype(float)


def _women(stays_frame: pd.DataFrame, params: Params, sightings: pd.DataFrame, strata=None):
    """Stays of each woman in the city in the period by ``person_id``, or None (no stays).

    ``strata``: the city's source strata (:func:`_stays`), so they are not built again.
    """
    from capacity.models.tours import stays_per_woman_by_id

    try:
        return stays_per_woman_by_id(stays_frame, params.city, sightings, strata=strata)
    except EstimationError:
        return None


def _weeks(params: Params) -> float:
    """Weeks in the analysis period (its days / 7, both ends included)."""
    return ((pd.Timestamp(params.period_end) - pd.Timestamp(params.period_start)).days + 1) / 7.0


def _stays_and_population(sightings: pd.DataFrame, params: Params, shared: dict, in_city):
    """:func:`_stays` and the quarterly MSE's :func:`population_chain`, side by side.

    The two need only the sightings and the parameters, not each other: with a free core
    (:func:`capacity.workers.jobs`) a forked worker fits the population chain while this
    process fits the stays (:func:`capacity.workers.fork_map`; the same numbers, and an
    error of either is raised as the one-process run raises it, the stays' first).
    """

    def piece(which: str):
        if which == "stays":
            return _stays(sightings, params, {**shared}, in_city)
        return population_chain(
            sightings,
            params.city,
            params.period_start,
            params.period_end,
            criterion=params.mse_criterion,
            alpha=params.alpha,
        )

    fitted, chain = fork_map(piece, ["stays", "population"])
    frame, _, _, tour = fitted
    shared.setdefault("stays", frame)  # what _stays keeps for the next city's fit
    shared.setdefault("touring", tour)
    return fitted, chain


def _stays(sightings: pd.DataFrame, params: Params, shared: dict, in_city=None):
    """Stays in the period, the city's source strata, the stay fit and touring.

    ``params.stay_model`` chooses the correction for unseen days: ``"margins"`` (one gap
    distribution per source set, :func:`capacity.models.stays.strata.source_strata`) or
    ``"deconvolve"`` (merged splits, EM under each kind of source's daily sighting rate;
    ``fit_stays(correction="deconvolve")``). The stays of all cities and
    touring do not depend on the city: they are taken from ``shared`` when there, else
    stored in it. ``in_city``: the city's sightings (:func:`_city_sightings`), if at hand.
    """
    from capacity.models.stays import build_stays, fit_stays
    from capacity.models.touring import touring

    if "stays" not in shared:
        shared["stays"] = build_stays(
            sightings, params.gap_days, params.period_start, params.period_end
        )
    frame = shared["stays"]
    in_city = _city_sightings(sightings, params) if in_city is None else in_city
    strata = source_strata(in_city, params.gap_days)
    stays = fit_stays(
        frame,
        city=params.city,
        alpha=params.alpha,
        strata=strata,
        n_boot=0,
        correction=params.stay_model,
        shrink_days=params.shrink_days,
        em_start=params.em_start,
    )
    if "touring" not in shared:
        shared["touring"] = touring(frame)
    return frame, strata, stays, shared["touring"]


def _arrivals(stays_frame: pd.DataFrame, params: Params):
    """Monthly stay starts, their total, the weeks they were counted in, and a caveat.

    Stays can be counted only from ``gap_days`` after the data begin (earlier ones may have
    begun before the data): arrivals per week are per week of that counting window.
    Returns ``(monthly, starts, weeks counted, caveats)``.
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
    return monthly, total_starts, weeks_counted, caveats


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


def _languages(city_rows, outreach_rows, staff, person_lang=None):
    """Languages of the target group and the share of contacts each can be held in.

    The interpreter share is a scenario setting: the fit keeps what the log shows and
    ``evaluate`` applies ``Scenario.interpreter_share`` on top (see
    :meth:`FittedModels.with_interpreter_share`). Returns ``(languages, interpreter share,
    its source, caveats)``.
    """
    caveats = []
    langs = comp.language_shares(city_rows, person_lang)
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
    languages = langs.assign(staff_speakers_fte=staff.speakers_fte.reindex(langs.index).fillna(0))
    languages["speaker_share"] = s_lang.to_numpy()
    languages["usable_share"] = comp.usable_share(s_lang, iota).to_numpy()
    return languages, iota, source, caveats


def _usable_by_city(data, params: Params, cities, languages: pd.DataFrame, shared=None):
    r"""Every city's usable share per language of the analysed city's women, ``(C, L)``.

    The tour chain counts a contact in another city ``c`` as usable for a woman of language
    ``L`` with that city's own ``m_cL = s_cL + (1 − s_cL) ι_c`` (:func:`_languages`'s
    formulas on the city's sightings, outreach log and staff in the period: its staff's
    speakers of ``L``, pooled as its own log's own-language share says, and the share of
    its contacts outside staff languages held through an interpreter), not with the
    analysed city's: the other teams speak other languages, and an option or scenario for
    the analysed city's team does not change theirs. The analysed city's row is its own
    ``usable_share``. A city with no sightings or no outreach in the period (its reach per
    stay is then 0 or not observed) or without staff in the period keeps the analysed
    city's row. ``shared`` keeps each city's staff speakers and interpreter share between
    the fits of a national run.
    """
    here = languages["usable_share"].to_numpy(dtype=float)
    out = np.tile(here, (len(cities), 1))
    memo = {} if shared is None else shared.setdefault("usable_by_city", {})
    period = (params.period_start, params.period_end)
    if period not in memo:
        memo[period] = _speakers_and_interpreters(data, params)
    teams = memo[period]
    for i, city in enumerate(cities):
        found = None if city == params.city else teams.get(city)
        if found is None:
            continue
        staff, shares, own, iota = found
        # her languages at share 0 leave the pooling choice to the city's own women
        both = shares.reindex(shares.index.union(languages.index), fill_value=0.0)
        s_l = comp.speaker_share(staff, both, own)[0].reindex(languages.index).fillna(0.0)
        out[i] = comp.usable_share(s_l, iota).to_numpy(dtype=float)
    return out


def _speakers_and_interpreters(data, params: Params) -> dict:
    """City to its team's ``(staff, π_L, own-language share, ι)`` in the period.

    Cities with sightings and outreach in the period and outreach staff only.
    """
    lo, hi = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    s, o = data.sightings, data.outreach
    s = s[(s["date"] >= lo) & (s["date"] <= hi)]
    o = o[(o["date"] >= lo) & (o["date"] <= hi)]
    logs = dict(tuple(o.groupby(o["city"].astype(str), sort=False)))
    staff_rows = dict(tuple(data.staff.groupby(data.staff["city"].astype(str), sort=False)))
    teams = {}
    for city, shares in _language_shares_by_city(s).items():
        log = logs.get(city)
        if log is None or log.empty or city not in staff_rows:
            continue
        try:
            staff = comp.staff_capacity(
                staff_rows[city], city, params.period_start, params.period_end
            )
        except (DataError, EstimationError):
            continue
        if not staff.outreach_fte > 0:
            continue
        iota = comp.estimate_interpreter_share(log)
        own = comp.observed_own_language_share(log)
        teams[city] = (staff, shares, own, 0.0 if iota is None else iota)
    return teams


def _language_shares_by_city(sightings: pd.DataFrame) -> dict[str, pd.Series]:
    """Each city's ``π_L`` as :func:`capacity.models.competence.language_shares` gives it.

    One pass over all cities' sightings instead of one per city: a person's language in a
    city is the one most often recorded for her there (ties: alphabetical first), and
    ``π_L`` the share of the city's persons with a known language whose language is ``L``.
    """
    raw, values = pd.factorize(sightings["language"])  # few distinct values: cleaned alone
    clean = pd.Series(values, dtype="string").str.strip().str.lower()
    names = np.sort(clean[clean.notna() & (clean != "")].unique().to_numpy(dtype=str))
    if not len(names):
        return {}
    to_name = np.full(len(values) + 1, -1, dtype=np.int64)  # (code -1, missing, stays -1)
    ok = (clean.notna() & (clean != "")).to_numpy(dtype=bool)
    to_name[:-1][ok] = np.searchsorted(names, clean[ok].to_numpy(dtype=str))
    code = to_name[raw]
    city, cities = pd.factorize(sightings["city"].astype(str))
    person = pd.factorize(sightings["person_id"])[0]
    known = (code >= 0) & (person >= 0)
    city, person, code = city[known], person[known], code[known]
    if not len(person):
        return {}
    n_p, n_l = int(person.max()) + 1, len(names)
    key = (city.astype(np.int64) * n_p + person) * n_l + code
    cells, counts = np.unique(key, return_counts=True)
    who, lang_of = cells // n_l, cells % n_l
    # per (city, person): most sightings first, then the alphabetically first language
    order = np.lexsort((lang_of, -counts, who))
    first = order[np.r_[True, who[order][1:] != who[order][:-1]]]
    at_city, chosen = who[first] // n_p, lang_of[first]
    table = np.zeros((len(cities), n_l))
    np.add.at(table, (at_city, chosen), 1.0)
    out = {}
    for i, c in enumerate(cities):
        row = pd.Series(table[i], index=pd.Index(names, name="language"))
        row = row[row > 0]
        out[str(c)] = (row / row.sum()).rename("share")
    return out


@dataclass(frozen=True)
class _ChainDraws:
    """The inputs' point estimate (row 0) and bootstrap replicates, with the refitted results."""

    table: StayTable
    detection: np.ndarray
    arrivals: np.ndarray
    pi: np.ndarray
    stays: object
    chain: PopulationChain
    stay_draws: dict
    caveats: list
    woman_k: np.ndarray | None = None
    woman_pmf: np.ndarray | None = None
    woman_total: np.ndarray | None = None
    seen_per_quarter: np.ndarray | None = None


def _woman_pmf(women, draws):
    """``(k, π_{dk}, n_d)``: shares of women with ``k`` stays and their number, row 0 the point.

    ``n_d`` is the (reweighted) number of women in each replicate: the persons seen vary
    from replicate to replicate as much as the shares do.
    """
    if women is None or draws.woman_counts is None:
        return None, None, None
    k, counts = np.unique(women.to_numpy(dtype=int), return_counts=True)
    point = counts / counts.sum()
    c = draws.woman_counts
    total = c.sum(1, keepdims=True)
    reps = np.where(total > 0, c / np.maximum(total, 1e-12), point[None, :])
    n = np.r_[float(counts.sum()), np.where(total[:, 0] > 0, total[:, 0], counts.sum())]
    return k, np.vstack([point[None, :], reps]), n


def _given_chain(detection: np.ndarray, n: int, alpha: float) -> PopulationChain:
    """A population chain that holds a caller's detection share per draw and no quarters."""
    det = np.asarray(detection, dtype=float)
    if det.shape != (n + 1,):
        raise ValueError(f"detection must have n_boot + 1 = {n + 1} rows, got {det.shape}.")
    frame = pd.DataFrame(
        columns=["quarter", "n_observed", "N_hat", "se", "ci_lower", "ci_upper", "model"]
    ).set_index("quarter")
    caveat = Caveat("population.unseen", share=1 - float(det[0]))
    return PopulationChain(frame, {}, float(det[0]), det[1:].copy(), (caveat,), alpha)


def _chain_draws(params, stays_frame, strata, stays, chain, city_rows, languages, starts, rng, n,
                 women=None, merged=None, detect=None, person_lang=None,
                 given=None):  # fmt: skip
    """The chain bootstrap: stays (margins, tail), starts, MSE and language shares at once.

    Each of ``n`` Poisson person-bootstrap replicates re-estimates the whole chain
    (:func:`capacity.question4.bootstrap.chain_bootstrap`). On very small data a replicate
    can draw no stays, no starts or no known language: it has no answer and takes the point
    estimate's inputs instead (and a caveat says the intervals are then too narrow).
    ``given``: the caller's detection share per draw (``fit_models(detection=...)``); the
    quarterly MSE is then not refitted (``chain`` has no quarters).
    """
    table = StayTable.from_distributions([stays.distribution])
    detection = np.array([chain.detection if detect is None else detect.detection])
    present = None
    arrivals = np.array([float(starts)])
    pi = languages["share"].to_numpy(dtype=float)[None, :]
    if not n:
        return _ChainDraws(table, detection, arrivals, pi, stays, chain, {}, [])
    from scipy import sparse

    city_stays = stays_frame[stays_frame["city"] == params.city]
    t0, t1 = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    kept = city_stays[~city_stays["left_truncated"]]
    # each person's whole quarters seen, a statistic linear in her weight: the replicates'
    # persons seen per quarter (persons per quarter where the ads see a woman day by day)
    seen_q, n_whole = quarters_seen_by_person(city_rows, t0, t1)
    rows = [] if detect is None else [detect.person_matrix()]
    if n_whole:
        vec = seen_q.reindex(strata.persons).fillna(0.0).to_numpy(dtype=float)
        rows.append(sparse.csr_matrix(vec[None, :]))
    stats_matrix = sparse.vstack(rows, format="csr") if rows else None
    counted = kept if detect is None else merged[~merged["left_truncated"]]
    draws = chain_bootstrap(
        strata=strata,
        expander=stays._rows["expander"],
        fit_stays_frame=kept,
        starts=counted[(counted["start"] >= t0) & (counted["start"] <= t1)],
        period_rows=city_rows,
        quarters=chain.quarters,
        languages=languages.index,
        criterion=params.mse_criterion,
        n_boot=n,
        woman_stays=women,
        person_stats=stats_matrix,
        # keyed by person: replicate d draws a woman once for every city (national view)
        seed=params.seed,
        person_lang=person_lang,
    )
    table = stack_tables(table, draws.stays.table)
    if given is not None:
        detection = np.asarray(given, dtype=float).copy()
    elif detect is None:
        detection = np.r_[detection, draws.detection]
    stats = draws.person_stats
    seen = None
    if n_whole:
        seen = np.r_[float(seen_q.sum()) / n_whole, stats[:, -1] / n_whole]
        stats = stats[:, :-1]
    if given is None and detect is not None:
        p = len(detect.theta)
        det_b, days_b = detect.replicate_values(stats[:, :p], stats[:, p:])
        detection = np.r_[detection, det_b]
        present = days_b
    arrivals = np.r_[arrivals, draws.starts]
    counts = draws.language_counts
    pi = np.vstack([pi, counts / np.maximum(counts.sum(1, keepdims=True), 1e-12)])
    bad = ~(np.isfinite(table.mean) & (table.mean > 0) & np.isfinite(detection))
    bad |= ~(arrivals > 0) | ~np.r_[True, counts.sum(1) > 0]
    caveats = []
    if bad[1:].any():
        idx = np.where(bad, 0, np.arange(len(bad)))
        table, detection, arrivals, pi = table.take(idx), detection[idx], arrivals[idx], pi[idx]
        seen = None if seen is None else seen[idx]
        caveats.append(Caveat("q4.empty_replicates", k=int(bad.sum()), n=n))
    # the replicates' intervals (per-day capture: the median's spans the EM's two starts,
    # the trends' both merges of split stays)
    reps = draws.stays
    ratio = reps.median_ratio
    refit = {"n_boot": n} | replicate_intervals(
        reps, params.alpha, stays.hazard_ratio_per_year, stays.median_ratio_per_year,
        stays.trend_other_merge,
    )  # fmt: skip
    return _ChainDraws(
        table,
        detection,
        arrivals,
        pi,
        dataclasses.replace(stays, **refit),
        chain if given is not None else dataclasses.replace(chain, detection_draws=draws.detection),
        {"median": draws.stays.median, "median_ratio": ratio}
        | ({} if present is None else {"person_days": present}),
        caveats,
        *_woman_pmf(women, draws),
        seen,
    )


def _forecast(monthly: pd.Series, params: Params):
    """The arrivals forecast, or ``None`` and a caveat that says why there is none."""
    try:
        from capacity.models.forecast import fit_arrivals_forecast

        fit = fit_arrivals_forecast(
            monthly.astype(float), horizon=params.horizon_months, alpha=params.alpha
        )
    except (EstimationError, ImportError) as exc:
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
