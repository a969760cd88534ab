"""The national view of question 4: every city's reach per stay, woman and tour, and the gaps.

:func:`national_view` fits the question-4 chain for every city in a dataset (the cities
whose data allow it; the others are named in the caveats), estimates each city's outreach
strategy from the data, and joins the cities through the tour chain of all stays: reach per
tour is computed with every city's full-model reach, so no city is approximated. The result
says, per city, how many tours per week pass through it unreached — where the gaps are.
Methods: ``docs/methods/tours.md`` ("National view").
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.exceptions import CapacityError
from capacity.models._base import Caveat, Results, percentile_interval
from capacity.models.stays import build_stays
from capacity.models.tours import (
    balanced_starts,
    chain_by_language,
    reach_per_woman,
    stays_per_woman,
    tour_flows,
    visit_reach,
)
from capacity.question4.mobility import flow_draws, seen_moves, seen_next_share

__all__ = ["NationalResult", "national_view"]

COLUMNS = ("reach_stay", "reach_woman", "reach_tour", "share_screening")
#: reach per stay month by month (:func:`monthly_search_reach`); False pools the period
BY_MONTH = True


class NationalResult(Results):
    """Per city: arrivals, FTE, strategy mix and reach; nationally: reach per tour.

    Each with its estimate and interval. ``cities`` is the tidy per-city frame; ``draws`` the
    per-city draws.
    """

    title = "Question 4, national view: reach per stay, woman and tour in every city"

    def __init__(
        self,
        cities: pd.DataFrame,
        national: tuple,
        caveats: tuple,
        alpha: float,
        reach_level: str = "information",
        synthetic: bool = False,
    ):
        self.cities, self.national, self.caveats, self.alpha = cities, national, caveats, alpha
        #: what counts as reaching a woman (:mod:`capacity.question4.levels`)
        self.reach_level = reach_level
        self.synthetic = synthetic

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """National reach per tour; per city in :attr:`cities` (intervals at ``alpha`` only)."""
        self._fixed_alpha(alpha)
        est, se, lo, hi = self.national
        frame = pd.DataFrame(
            {"estimate": [est], "se": [se], "ci_lower": [lo], "ci_upper": [hi]},
            index=pd.Index(["reach_tour_national"], name="quantity"),
        )
        return frame

    def gaps(self, n: int = 5) -> pd.DataFrame:
        """The cities with the most tours per week passing through them unreached."""
        return self.cities.sort_values("unreached_tours_per_week", ascending=False).head(n)

    def plot(self, ax=None, alpha: float | None = None, labels: dict | None = None):
        """Reach per stay and per tour by city, with intervals.

        ``labels`` replaces the English texts (keys ``reach_stay``, ``reach_tour``, ``x``,
        ``title``).
        """
        import matplotlib.pyplot as plt

        lab = {
            "reach_stay": "reach per stay",
            "reach_tour": "reach per tour",
            "x": "share reached (in a language understood)",
            "title": "Reach per stay and per tour, by city",
            **(labels or {}),
        }

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.6 + 0.35 * len(self.cities)))
        c = self.cities
        y = np.arange(len(c))
        for k, (col, colour) in enumerate((("reach_stay", "#0072B2"), ("reach_tour", "#D55E00"))):
            est = c[col].to_numpy()
            err = np.vstack([est - c[f"{col}_ci_lower"], c[f"{col}_ci_upper"] - est])
            ax.errorbar(est, y + 0.15 * (k - 0.5), xerr=np.abs(err), fmt="o", color=colour,
                        capsize=2, label=lab[col])  # fmt: skip
        ax.set_yticks(y, c.index)
        ax.invert_yaxis()
        ax.set_xlabel(lab["x"])
        ax.set_title(lab["title"])
        ax.legend(fontsize="small")
        return ax


def pooled_detection(sightings: pd.DataFrame, params: Params) -> np.ndarray | None:
    r"""The city's detection share from its person-quarters pooled over the period, per draw.

    Parameters
    ----------
    sightings : DataFrame
        All sightings (the city and period of ``params`` are taken).
    params : Params
        ``city``, the period, ``seed`` and ``n_boot`` (draws keyed by person, as the chain
        bootstrap's: row ``d`` reweights the women as row ``d`` of every city's chain).

    Returns
    -------
    ndarray (n_boot + 1,) or None
        ``δ = n / N̂`` (row 0 the estimate), or None when fewer than two sources see the
        city or the model has no estimate.

    Notes
    -----
    The quarterly MSE (:func:`capacity.models.population.population_chain`) sums one
    estimate per quarter, ``δ = Σ n_q / Σ N̂_q``. A small city has 5–15 women a quarter;
    each quarter's ``N̂_q − n_q`` rests on a few sparse cells and is skewed upwards, and the
    sum keeps that bias: measured on six-city worlds (scale 0.1, seeds 4–6, three outreach
    strategies) Linköping's and Örebro's share came out 0.62–0.81 against 0.81–0.92 true,
    so their arrivals were 8–30 % high. Here each person-quarter is one unit of a single
    table of capture histories over the period (the stacked table, ``y_h = Σ_q y_{qh}``),
    with one log-linear model for all quarters — the capture probabilities and list
    dependences are taken as constant over the period, each quarter stays closed — and
    BIC forward selection (the stacked table has 16 times the units, on which AIC's fixed
    penalty admits interactions fitted to noise: Örebro 0.53–0.64). Measured on the same
    36 city cases: small cities 0.74–0.87 against 0.81–0.92 true (still low by about 0.05,
    from the unequal presence within a quarter), Stockholm 0.75–0.82 against 0.74–0.84.

    References
    ----------
    International Working Group for Disease Monitoring and Forecasting (1995). Capture–
    recapture and multiple-record systems estimation I. *Am. J. Epidemiol.* 142(10),
    1047–1058 (log-linear MSE; strata sharing one model).
    """
    from capacity.models.population.replicates import mse_many
    from capacity.question4.bootstrap import keyed_person_weights

    rows = sightings[
        (sightings["city"].astype(str) == params.city)
        & (sightings["date"] >= pd.Timestamp(params.period_start))
        & (sightings["date"] <= pd.Timestamp(params.period_end))
    ]
    sources = sorted(pd.unique(rows["source"].astype(str)))
    k = len(sources)
    if k < 2 or rows.empty:
        return None
    code = pd.Categorical(rows["source"].astype(str), categories=sources).codes.astype(np.int64)
    quarter = rows["date"].dt.to_period("Q").astype(str).to_numpy()
    unit, unit_code = np.unique(
        rows["person_id"].astype(str).to_numpy() + "\x1f" + quarter, return_inverse=True
    )
    mask = np.zeros(len(unit), dtype=np.int64)
    np.bitwise_or.at(mask, unit_code, np.int64(1) << (k - 1 - code))  # first list first
    persons, who = np.unique([u.split("\x1f")[0] for u in unit], return_inverse=True)
    from scipy import sparse

    cells = sparse.csr_matrix((np.ones(len(unit)), (mask - 1, who)), shape=(2**k - 1, len(persons)))
    y = np.asarray(cells.sum(axis=1)).T
    if params.n_boot:
        w = keyed_person_weights(pd.Index(persons), params.seed, params.n_boot)
        y = np.vstack([y, np.asarray(cells @ w).T])
    n_hat, _ = mse_many(y, k, "bic")
    det = y.sum(1) / n_hat
    if not np.isfinite(det[0]):
        return None
    return np.clip(np.where(np.isfinite(det), det, det[0]), 1e-6, 1.0)


def monthly_presence(stays: pd.DataFrame, city: str, edges: np.ndarray) -> np.ndarray:
    """Each period's persons present over the whole span's mean, for ``city`` (``(T,)``).

    The days of every observed stay of the city, from its first to its last sighting,
    counted in the period they fall in, per day of the period, over the mean of all periods
    (each period weighted by its days). Ones when the city has no stay in the span.
    """
    rows = stays[stays["city"].astype(str) == city]
    first = np.maximum(_day(rows["start"]), edges[0])
    last = np.minimum(_day(rows["end"]), edges[-1] - 1)
    keep = last >= first
    # stay-days per period: +1 from each stay's first day, −1 after its last (a difference
    # array over the span's days), summed within each period
    diff = np.zeros(edges[-1] - edges[0] + 1)
    np.add.at(diff, first[keep] - edges[0], 1.0)
    np.add.at(diff, last[keep] - edges[0] + 1, -1.0)
    daily = np.cumsum(diff)[:-1]
    days = np.diff(edges)
    per = np.add.reduceat(daily, edges[:-1] - edges[0]) / days
    mean = (per * days).sum() / days.sum()
    return per / mean if mean > 0 else np.ones(len(days))


def monthly_search_reach(data, params: Params, fitted, stays: pd.DataFrame) -> tuple:
    r"""A city's reach per stay and language month by month, and each month's weight.

    Random search meets a woman at hazard ``h = κ/(7N)`` per day: contacts over the
    persons present. The outreach capacity does not follow the persons present, and
    ``1 − L(h)`` is concave in the hazard, so a formula pooled over the period overstates
    reach where the persons present vary from month to month (measured on the generator,
    every input true: +0.019 pooled, +0.006 month by month; ``docs/methods/reach.md``).
    Month ``t`` therefore has its own search hazard,

    .. math:: h_t = h\,\frac{c_t}{r_t}, \qquad
              p_{L} = \frac{\sum_t r_t\, p_{Lt}}{\sum_t r_t},

    ``c_t`` the month's logged contacts per week over the period's
    (:func:`period_capacity`), ``r_t`` the month's persons present over the period's
    (:func:`monthly_presence`, observed stays from first to last sighting), and
    ``p_{Lt}`` the city's model (same fit and draws) at FTE ``f·c_t`` with the search
    hazard scaled by ``1/r_t`` (``reach_matrix(..., search_scale=1/r_t)``). Stays arriving in
    a month are taken to meet that month's hazard; the months are weighted by the persons
    present, which Little's law makes proportional to the arrivals when the stays do not
    change within the period. Screening's served share is the model's at the month's
    capacity (its speed factor reproduces the period's throughput).

    Returns
    -------
    p_month : ndarray (T, D, L)
        Reach per month, draw and language.
    weight : ndarray (T,)
        ``r_t`` times the month's days, summing to 1.
    edges : ndarray (T + 1,)
        The months' edges (day numbers, :func:`period_edges`).
    """
    from capacity.question4.draws import reach_matrix

    edges = period_edges(params.period_start, params.period_end, months=1)
    cap = period_capacity(data.outreach, params.city, edges)
    present = monthly_presence(stays, params.city, edges)
    x = fitted.inputs
    fte = float(fitted.staff.outreach_fte)
    months = []
    for c_t, r_t in zip(cap, present, strict=True):
        scale = 1.0 / r_t if r_t > 0 else 0.0  # nobody present: the month has no weight
        p_t, _ = reach_matrix(x, np.full(len(x), fte * c_t), strategy=params.strategy,
                              search_scale=np.full(len(x), scale))  # fmt: skip
        months.append(p_t)
    weight = present * np.diff(edges)
    weight = weight / weight.sum() if weight.sum() > 0 else np.full(len(weight), 1 / len(weight))
    return np.stack(months), weight, edges


def _months_mean(fit: dict, months: np.ndarray) -> np.ndarray:
    """A fit's reach ``(D, L)`` over the chosen ``months``, weighted as in the city's reach."""
    w = fit["month_weight"][months]
    if w.sum() <= 0:
        return fit["p_lang"]
    return np.tensordot(w / w.sum(), fit["p_month"][months], axes=1)


def _fit_city(data, params: Params, stays: pd.DataFrame, shared: dict | None = None):
    from capacity.models.capture import NATIONAL_ON_ARRIVAL_STAYS, resolve_capture
    from capacity.question4 import fit_models
    from capacity.question4.draws import reach_matrix
    from capacity.question4.levels import at_level

    # capture_model "auto" is resolved once by national_view (a city fitted alone here
    # resolves it as national_view does: the margins on arrival)
    params = resolve_capture(params, data.sightings, on_arrival_stays=NATIONAL_ON_ARRIVAL_STAYS)[0]
    # with detection_model "mse" the city's share seen from all its quarters at once
    # (pooled_detection), in the joint bootstrap's replicates; fit_models then skips the
    # quarterly MSE it replaces, and the screeners' speed follows the new arrivals
    det = pooled_detection(data.sightings, params) if params.detection_model == "mse" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fit_models(data, params, shared=shared, detection=det)
    # the level of reach the parameters choose (information or conversation)
    fitted = at_level(
        fitted, params.reach_level, params.written_languages, params.online_conversation_share
    )
    x = fitted.inputs
    if BY_MONTH:
        # each month's search hazard at its own persons present (monthly_search_reach)
        p_month, weight, month_edges = monthly_search_reach(data, params, fitted, stays)
        p_lang = np.tensordot(weight, p_month, axes=1)
    else:
        fte = np.full(len(x), fitted.staff.outreach_fte)
        p_lang, _ = reach_matrix(x, fte, strategy=params.strategy)
        p_month = weight = month_edges = None
    mob = fitted.mobility
    return {
        "fitted": fitted,
        "p_lang": p_lang,
        "p_month": p_month,
        "month_weight": weight,
        "month_edges": month_edges,
        "languages": [str(v) for v in fitted.languages.index],
        "reach_stay": (x.pi * p_lang).sum(axis=1),
        "reach_woman": (
            x.pi * reach_per_woman(p_lang, stays_per_woman(stays, params.city, data.sightings))
        ).sum(axis=1),
        "share_screening": x.share if x.share is not None else np.zeros(len(x)),
        "label": mob.strategy.label if mob is not None else "random (assumed)",
    }


def _tour_by_language(fits: dict, cities: list[str], reach, P, x, s):
    r"""Reach per tour through each city and nationally, language by language.

    A woman's language is the same in every city of her tour, and so is whether a contact
    is in a language she understands as often as each city's usable share for it says
    (``m_L``). Her stays' reach is therefore not independent across cities *given the
    average*: chaining the cities' average reach ``p_c = Σ_L π_{cL} p_{cL}`` treats a woman
    no city can talk with as reachable in the next. So the tour chain runs per language,
    ``tour_{jL}`` and ``u_{cL}`` from ``p_{·L}`` (:func:`capacity.models.tours.visit_reach`,
    :func:`~capacity.models.tours.tour_reach`), and mixes over the women's languages:

    .. math:: \mathrm{tour}_j = Σ_L π_{jL}\,\mathrm{tour}_{jL}, \qquad
              \mathrm{national} = 1 − Σ_c s_c Σ_L π_{cL}\, u_{cL},

    with ``π_{cL}`` city ``c``'s language shares (per draw; the fitted cities' mean for a
    city without a fit). A language a city has no data on takes that city's average reach.
    """
    d, c = reach.shape
    langs = sorted({lang for f in fits.values() for lang in f["languages"]})
    if not langs:
        tour, _, national = visit_reach(reach, P, x, s)
        return tour, national
    pi = np.zeros((d, c, len(langs)))
    p_l = np.repeat(reach[:, :, None], len(langs), axis=2)
    for city, f in fits.items():
        j, cols = cities.index(city), [langs.index(v) for v in f["languages"]]
        pi[:, j, cols] = f["fitted"].inputs.pi
        p_l[:, j, cols] = f["p_lang"]
    fitted = [cities.index(city) for city in fits]
    missing = [j for j in range(c) if j not in fitted]
    if missing and fitted:
        pi[:, missing, :] = pi[:, fitted, :].mean(axis=1, keepdims=True)
    # a city without language shares (not fitted) keeps the average chain
    if not fitted:
        tour, _, national = visit_reach(reach, P, x, s)
        return tour, national
    tour, _, national = chain_by_language(p_l, P, x, s, pi)
    return tour, national


#: months per period of the tour chain's reach by period (:func:`_tour_by_period`)
PERIOD_MONTHS = 6


def period_edges(start, end, months: int = PERIOD_MONTHS) -> np.ndarray:
    """Day numbers of the edges of consecutive periods of ``months`` from ``start`` to ``end``.

    The last period ends the day after ``end`` (it may be shorter than ``months``).
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    edges = [lo]
    while edges[-1] < hi:
        edges.append(min(edges[-1] + pd.DateOffset(months=months), hi))
    return np.array(edges, dtype="datetime64[D]").astype(np.int64)


def _in_period(days: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Period of each day (days before the first edge in the first, after the last in the last)."""
    return np.clip(np.searchsorted(edges, days, side="right") - 1, 0, len(edges) - 2)


def _day(values) -> np.ndarray:
    return pd.to_datetime(values).to_numpy("datetime64[D]").astype(np.int64)


def period_capacity(outreach: pd.DataFrame, city: str, edges: np.ndarray) -> np.ndarray:
    """Each period's outreach contacts per week over the whole span's, for ``city`` (``(T,)``).

    1 in every period when the log has no contacts in the span.
    """
    rows = outreach[outreach["city"].astype(str) == city]
    day = _day(rows["date"])
    inside = (day >= edges[0]) & (day < edges[-1])
    per = np.bincount(_in_period(day[inside], edges), weights=rows["contacts"].to_numpy(float)[inside],
                      minlength=len(edges) - 1)  # fmt: skip
    weeks = np.diff(edges) / 7.0
    mean = per.sum() / weeks.sum()
    return per / weeks / mean if mean > 0 else np.ones(len(weeks))


def tour_starts_by_period(stays: pd.DataFrame, edges: np.ndarray, gap_days: int) -> np.ndarray:
    """Tours beginning in each period: stays not within ``gap_days`` of the woman's last one."""
    o = stays.sort_values(["person_id", "start"], kind="stable")
    pid = o["person_id"].astype(str).to_numpy()
    start, end = _day(o["start"]), _day(o["end"])
    begins = np.r_[True, ~((pid[1:] == pid[:-1]) & (start[1:] - end[:-1] <= gap_days))]
    return np.bincount(_in_period(start[begins], edges), minlength=len(edges) - 1).astype(float)


def _weighted_by_stays(per_period: np.ndarray, stays, cities, edges) -> np.ndarray:
    """Each city's tour reach over the periods, weighted by its stays beginning in each.

    ``per_period`` is (periods, draws, cities); a city with no stay in the window gets the
    plain mean over the periods.
    """
    city_of = stays["city"].astype(str).to_numpy()
    period = _in_period(_day(stays["start"]), edges)
    out = per_period.mean(axis=0)
    for j, city in enumerate(cities):
        w = np.bincount(period[city_of == city], minlength=per_period.shape[0]).astype(float)
        if w.sum() > 0:
            out[:, j] = np.tensordot(w / w.sum(), per_period[:, :, j], axes=1)
    return out


def _tour_by_period(data, params: Params, fits: dict, cities, reach, P, x, s, stays):
    r"""Reach per tour through each city and nationally, with each city's reach by half-year.

    A tour's stays fall in the same weeks, so the reach it meets is that of those weeks,
    not the period's average. Each fitted city's reach per stay by period ``t`` is its
    model's reach (same fit, same draws) at the outreach capacity of the period: the FTE
    scaled by the period's logged contacts per week over the whole span's
    (:func:`period_capacity`). The language chain (:func:`_tour_by_language`) runs per
    period, and the results are weighted by when the tours happen:

    .. math:: \mathrm{tour}_c = \sum_t \frac{S_{ct}}{S_c}\,\mathrm{tour}_{ct}, \qquad
              \mathrm{national} = \sum_t \frac{B_t}{B}\,\mathrm{national}_t,

    ``S_ct`` the stays in ``c`` starting in ``t`` and ``B_t`` the tours starting in ``t``.
    The moves ``P``, exits and starts are the same in every period.
    """
    from capacity.question4.draws import reach_matrix

    edges = period_edges(params.period_start, params.period_end)
    n_t = len(edges) - 1
    by_t = {}
    for city, f in fits.items():
        fx = f["fitted"]
        cap = period_capacity(data.outreach, city, edges)
        fte = float(fx.staff.outreach_fte)
        if f.get("p_month") is not None:
            # the period's months, weighted by their persons present (monthly_search_reach)
            k_of = _in_period(f["month_edges"][:-1], edges)
            by_t[city] = [_months_mean(f, k_of == k) for k in range(n_t)]
            continue
        by_t[city] = [
            reach_matrix(
                fx.inputs, np.full(reach.shape[0], fte * cap[k]), strategy=params.strategy
            )[0]
            for k in range(n_t)
        ]
    tours, nats = [], []
    for k in range(n_t):
        fits_k = {c: {**f, "p_lang": by_t[c][k]} for c, f in fits.items()}
        t_k, n_k = _tour_by_language(fits_k, cities, reach, P, x, s)
        tours.append(t_k)
        nats.append(n_k)
    tours, nats = np.stack(tours), np.stack(nats)  # (T, D, C), (T, D)
    tour = _weighted_by_stays(tours, stays, cities, edges)
    b = tour_starts_by_period(stays, edges, params.gap_days)
    national = np.tensordot(b / b.sum(), nats, axes=1) if b.sum() > 0 else nats.mean(axis=0)
    return tour, national


#: the tour chain on the calendar (:func:`_tour_by_calendar`); False: by half-year
CALENDAR = True
#: months before the window in the calendar chain (tours entering the window from before)
MONTHS_BEFORE = 12


def _tour_by_calendar(data, params: Params, fits: dict, cities, reach, P, x, s, stays):
    r"""Reach per tour through each city and nationally, counted inside the window.

    The truth asked for is reach *in the period*: a tour begun before the window was not
    reached by its contacts before it, one that goes on after it not by those after it.
    The calendar chain (:func:`capacity.models.tour_calendar.calendar_chain`) follows each
    stay's month: the next stay of a tour begins ``Δ`` months later with the observed lags
    (:func:`~capacity.models.tour_calendar.month_lags`), a stay inside the window is reached
    with its city's reach per stay and language (the whole period's, as reach per stay:
    ``p_lang``), one outside it not at all. Per city the months are weighted by the city's
    stays beginning in them (stays begun before the window in its first month), per
    language mixed with ``π_{cL}`` as in :func:`_tour_by_language`; nationally the tours
    with a stay in the window, begun in each month as the data's tours (the months before
    the window and its first two at the mean of the others: their counted beginnings
    include tours begun earlier).

    Every stay's reach is the period's, so ``tour_c ≥ Σ_L π_{cL} p_{cL}`` (reach per
    stay) holds month by month. The half-year reach of :func:`_tour_by_period` and the
    monthly reach of :func:`monthly_search_reach` in the calendar chain were measured and
    not kept: over seeds 4–6 and 16–24 they raised the random world's tours by +0.006 and
    +0.019 and covered fewer cases (``docs/methods/tours.md``, "The calendar chain").
    """
    from capacity.models.tour_calendar import calendar_chain, month_lags, national_share

    d, c = reach.shape
    langs = sorted({lang for f in fits.values() for lang in f["languages"]})
    if not langs:
        return _tour_by_period(data, params, fits, cities, reach, P, x, s, stays)
    edges = period_edges(params.period_start, params.period_end, months=1)
    n_w, before, n_l = len(edges) - 1, MONTHS_BEFORE, len(langs)
    # reach (months, languages, draws, cities): 0 before the window, the period's inside
    # it; a language a city has no data on, or a city without a fit, takes the city's
    # average reach
    p = np.zeros((before + n_w, n_l, d, c))
    p[before:] = reach[None, None]
    pi = np.zeros((d, c, n_l))
    for city, f in fits.items():
        j, cols = cities.index(city), [langs.index(v) for v in f["languages"]]
        pi[:, j, cols] = f["fitted"].inputs.pi
        for k, col in enumerate(cols):
            p[before:, col, :, j] = f["p_lang"][None, :, k]
    fitted = [cities.index(city) for city in fits]
    missing = [j for j in range(c) if j not in fitted]
    if missing:
        pi[:, missing, :] = pi[:, fitted, :].mean(axis=1, keepdims=True)
    # tours begun per month: the data's, its first two months and the months before at the
    # mean of the rest
    begun = tour_starts_by_period(stays, edges, params.gap_days)
    steady = begun[2:].mean() if n_w > 2 and begun[2:].sum() > 0 else max(begun.mean(), 1.0)
    begun[: min(2, n_w)] = steady
    b = np.r_[np.full(before, steady), begun]
    lags = month_lags(stays, params.gap_days)
    flat = p.reshape(before + n_w, n_l * d, c)
    rep = (n_l, 1, 1)
    tour, _, (unreached, present) = calendar_chain(
        flat, np.tile(P, rep), np.tile(x, (n_l, 1)), np.tile(s, (n_l, 1)), lags, b, before
    )
    tour = tour[before:].reshape(n_w, n_l, d, c)
    # per language to per woman of the city: Σ_L π_cL, then months by the city's stays
    tour = np.einsum("dcl,mldc->mdc", pi, tour)
    out = _weighted_by_stays(tour, stays, cities, edges)
    mix = np.moveaxis(pi, 2, 0)  # (L, D, C): the tours beginning in c speak L with π_cL
    unreached = (mix * unreached.reshape(n_l, d, c)).sum(axis=0)
    present = (mix * present.reshape(n_l, d, c)).sum(axis=0)
    return out, national_share(unreached, present)


def city_arrivals(
    stays: pd.DataFrame, params: Params, fits: dict, cities: list[str], detection: np.ndarray
) -> np.ndarray:
    """All stays beginning per week in each city, per draw ``(D, C)``.

    A fitted city's from its fit (observed starts over its detection share, the chain
    bootstrap's draws); another city's from its observed stay starts in the period over
    the detection share of all fitted cities (``detection``, per draw).
    """
    d = np.asarray(detection, dtype=float)
    new = stays[~stays["left_truncated"]] if "left_truncated" in stays else stays
    lo, hi = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    new = new[(new["start"] >= lo) & (new["start"] <= hi)]
    weeks = ((hi - lo).days + 1) / 7.0
    code = pd.Categorical(new["city"].astype(str), categories=cities).codes
    starts = np.bincount(code[code >= 0], minlength=len(cities)) / weeks
    out = starts[None, :] / np.clip(d, 1e-6, None)[:, None]
    for city, f in fits.items():
        x = f["fitted"].inputs
        out[:, cities.index(city)] = x.arrivals_observed / x.detection
    return out


#: a city's fit costs about as much CPU as its stays in the period plus this many: measured
#: at 1 M sightings (20 cities, ``n_boot`` 200, one process) 0.78 s + 0.048 s per 1,000
#: stays (Stockholm 104,063 stays 5.8 s, Växjö 5,388 stays 0.98 s); :func:`city_shares`'
#: weights
FIXED_STAYS = 16_000


def city_shares(cost, k: int) -> list[list[int]]:
    r"""The cities dealt to ``k`` processes, each list one process's (in rising index order).

    Longest processing time first: the cities in descending ``cost``, each to the process
    with the least cost so far (ties: the lowest, so the first list — the caller's — takes
    the biggest city). The most loaded process then carries at most
    :math:`(4/3 - 1/(3k))` times the least possible maximum (Graham 1969). Empty lists are
    left out.

    Parameters
    ----------
    cost : sequence of float
        Each city's expected CPU, in any unit (:func:`_fit_cities`: stays + :data:`FIXED_STAYS`).
    k : int
        Processes.

    Examples
    --------
    >>> city_shares([120, 50, 36, 30, 26, 25, 25, 24], 2)
    [[0, 5, 7], [1, 2, 3, 4, 6]]

    References
    ----------
    Graham, R. L. (1969). Bounds on multiprocessing timing anomalies. *SIAM J. Appl. Math.*
    17(2), 416–429.
    """
    load, shares = [0.0] * k, [[] for _ in range(k)]
    for i in sorted(range(len(cost)), key=lambda i: -cost[i]):  # stable: ties in index order
        j = min(range(k), key=load.__getitem__)
        shares[j].append(i)
        load[j] += cost[i]
    return [sorted(s) for s in shares if s]


def _fit_cities(data, params: Params, names: list[str], stays: pd.DataFrame, shared: dict) -> list:
    r"""Every city's fit, ``(fit, None)`` or ``(None, reason)``, in the order of ``names``.

    The cities are fitted with :func:`capacity.workers.fork_map` in
    :func:`~capacity.workers.jobs` processes (two on two cores: the caller and one forked
    worker; ``CAPACITY_JOBS=1`` one, in the order of ``names``). Each city's fit is the same
    code on the same inputs, so every number is that of one process bit for bit. A city
    that cannot be fitted (a :class:`~capacity.exceptions.CapacityError`) comes back as its
    reason, not raised: ``fork_map`` would compute a raising worker's cities again in the
    caller. The processes' shares are balanced by :func:`city_shares` on each city's stays
    in the period plus :data:`FIXED_STAYS`; the caller's share has the biggest city, and
    once the worker has ended its fits take the second core for their bootstrap chunks
    again (``jobs()`` counts the running children).

    Each worker's fits are sent back pickled once (:class:`~capacity.question4.FittedModels`
    and the reach arrays: 6.5–23 MB a city at 1 M sightings, ``n_boot`` 200;
    ``docs/performance.md``, "The national view's cities on both cores").
    """
    from capacity.workers import fork_map, jobs

    def fit_one(city: str):
        try:
            return _fit_city(data, dataclasses.replace(params, city=city), stays, shared), None
        except CapacityError as exc:
            return None, Caveat.of_error(exc)

    k = min(jobs(), len(names))
    if k <= 1:
        return [fit_one(city) for city in names]
    size = stays["city"].astype(str).value_counts()
    shares = city_shares([FIXED_STAYS + int(size.get(c, 0)) for c in names], k)
    done = fork_map(lambda share: [fit_one(names[i]) for i in share], shares, len(shares))
    out = [None] * len(names)
    for share, got in zip(shares, done, strict=True):
        for i, result in zip(share, got, strict=True):
            out[i] = result
    return out


def national_view(data, params: Params, cities: list[str] | None = None) -> NationalResult:
    """Fit question 4 for every city and join them through the tour chain.

    Parameters
    ----------
    data : capacity.io.Dataset
    params : Params
        Period, ``n_boot``, ``seed``, ``alpha`` and the model parameters; ``city`` is ignored.
    cities : list of str, optional
        Default every city in the sightings.

    Returns
    -------
    NationalResult
        ``cities`` has per city ``arrivals_per_week``, ``fte_outreach_now``, ``strategy``,
        each of ``reach_stay, reach_woman, reach_tour, share_screening`` with
        ``_ci_lower``/``_ci_upper``, and ``unreached_tours_per_week`` (stays per week whose
        tour is reached nowhere).

    Notes
    -----
    Cities whose chain cannot be fitted (no outreach log, no stays in the period, …) are
    left out with a caveat; in the tour chain they keep reach 0 (tours through them are
    counted, their stays reach nobody), so the national figure is a lower bound then.

    The cities are fitted in :func:`~capacity.workers.jobs` processes (two on two cores,
    ``CAPACITY_JOBS=1`` one; :func:`_fit_cities`), every number the one process's bit for
    bit; the stays, tour flows and flow draws before, the tour chain after them stay in
    one. At 1 M sightings (20 cities, ``n_boot`` 200; fresh processes, 1 and 2
    alternating, load 1–2, 1 Dec 2026; ``docs/performance.md``, "The national view's
    cities on both cores"):

    =========  ======================  ====  ===========  ===========
    processes  OpenBLAS threads        runs  wall         CPU, all
    =========  ======================  ====  ===========  ===========
    1          default (2)             3     30.6–38.5 s  34.8–42.4 s
    2          default (2)             4     19.2–32.8 s  34.2–43.3 s
    1          1                       2     31.3, 31.9 s 31.3, 29.9 s
    2          1                       2     18.6, 16.5 s 30.0, 29.0 s
    =========  ======================  ====  ===========  ===========
    """
    from capacity.models.capture import NATIONAL_ON_ARRIVAL_STAYS, capture_caveats, resolve_capture

    # capture_model "auto": chosen once from all cities' data, before the shared stays; on
    # arrival with the margins' stays (NATIONAL_ON_ARRIVAL_STAYS: the arrival model's EM
    # moved the cities' reach by 0.0006 on average, covered as often, doubled the CPU)
    given, (params, capture) = (
        params,
        resolve_capture(params, data.sightings, on_arrival_stays=NATIONAL_ON_ARRIVAL_STAYS),
    )
    names = cities or sorted(data.sightings["city"].astype(str).unique())
    stays = build_stays(data.sightings, params.gap_days, params.period_start, params.period_end)
    flows = tour_flows(stays)
    d = params.n_boot + 1
    # the stays, touring and tour flows of all cities are the same for every city's fit
    shared = {"stays": stays, "flows": flows}
    # one joint person bootstrap: draw d of the tour chain reweights the women as draw d
    # of every city's chain does (weights keyed by person and replicate, seed params.seed)
    P, x, s, q = flow_draws(stays, params.seed, params.n_boot, shared)
    reach = np.zeros((d, len(flows.cities)))
    fits, caveats = {}, list(capture_caveats(given, capture))
    if capture is not None and capture.capture == "on_arrival":
        # a city's own report fits SETTINGS["on_arrival"]'s stays (the arrival model): its
        # figures and these may differ a little, and the reader of both should know why
        caveats.append(Caveat("national.stays_margins"))
    fitted = _fit_cities(data, params, names, stays, shared)
    for city, (fit, reason) in zip(names, fitted, strict=True):
        if fit is None:
            caveats.append(Caveat("national.not_fitted", city=city, reason=reason))
            continue
        fits[city] = fit
        reach[:, flows.cities.index(city)] = fit["reach_stay"]
    # next stays seen: between the stays' detection share over all fitted cities (each
    # city's arrivals seen / its arrivals, per draw) and the skip share (seen_next_share)
    seen = sum(f["fitted"].inputs.arrivals_observed for f in fits.values())
    every = sum(
        f["fitted"].inputs.arrivals_observed / f["fitted"].inputs.detection for f in fits.values()
    )
    detection = seen / every if fits else np.ones(d)
    q = seen_next_share(q, detection, np.random.default_rng([int(params.seed), 2]))
    P, x = seen_moves(P, q)
    if fits:
        # tours begin where the arrivals are not moves from another city (balanced_starts):
        # counted at the first seen stay, a tour whose first stay went unseen began later
        s = balanced_starts(P, city_arrivals(stays, params, fits, flows.cities, detection), s)
        chain = _tour_by_calendar if CALENDAR else _tour_by_period
        tour, national = chain(data, params, fits, flows.cities, reach, P, x, s, stays)
    else:
        tour, national = _tour_by_language(fits, flows.cities, reach, P, x, s)
    rows = []
    for city, fit in fits.items():
        j = flows.cities.index(city)
        fx = fit["fitted"]
        row = {
            "city": city,
            "arrivals_per_week": float(fx.inputs.arrivals_observed[0] / fx.inputs.detection[0]),
            "fte_outreach_now": float(fx.staff.outreach_fte),
            "strategy": fit["label"],
        }
        values = {**{k: fit[k] for k in ("reach_stay", "reach_woman", "share_screening")},
                  "reach_tour": tour[:, j]}  # fmt: skip
        for k in COLUMNS:
            lo, hi = percentile_interval(values[k][1:], params.alpha) if d > 1 else (np.nan,) * 2
            row.update({k: float(values[k][0]), f"{k}_ci_lower": lo, f"{k}_ci_upper": hi})
        row["unreached_tours_per_week"] = row["arrivals_per_week"] * (1 - row["reach_tour"])
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("city") if rows else pd.DataFrame()
    lo, hi = percentile_interval(national[1:], params.alpha) if d > 1 else (np.nan, np.nan)
    se = float(np.std(national[1:], ddof=1)) if d > 2 else np.nan
    caveats.append(Caveat("national.assumptions"))
    return NationalResult(
        frame,
        (float(national[0]), se, lo, hi),
        tuple(caveats),
        params.alpha,
        reach_level=params.reach_level,
        synthetic=bool(data.meta.get("synthetic", False)),
    )
