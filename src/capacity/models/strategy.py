"""Which outreach strategy the data support: screening of new arrivals, random search, or a mix.

Outreach works in two ways (``docs/methods/strategy.md``): *screening* goes through new
arrivals (new ads) once each, as a queue; *search* (street, venue, operations) meets the
persons present at random. The two leave different marks in the sightings. Under search the
first contact of a stay comes at a constant hazard ``h`` whatever the time since arrival;
under screening it comes early (the wait in the queue) or not at all. The time from a stay's
first sighting by another source (an ad, the police) to its first outreach contact therefore
identifies the mix:

- :func:`first_contact_times` builds, per stay of a city, the days from its first
  non-outreach sighting to its first outreach contact (censored at the last non-outreach
  sighting, which does not depend on outreach);
- :func:`fit_strategy` fits the mixture hazard by maximum likelihood and returns a
  :class:`StrategyResults` with the share of contact capacity used in screening, its
  interval, a model check (observed against predicted time to first contact) and caveats;
- :func:`reach_mixture` gives reach per stay for a mix ``w`` of screening and search at any
  staffing, vectorised over Monte Carlo draws (:func:`erlang_a_served_many`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat, Results, percentile_interval, tidy

__all__ = [
    "LATE_DAYS",
    "StrategyResults",
    "erlang_a_served_many",
    "first_contact_times",
    "model_check",
    "screening_speed_factor",
    "fit_strategy",
    "strategy_replicates",
    "reach_mixture",
    "survival_first_contact",
]

#: Bins (days since the first sighting) of the model check.
CHECK_BINS = (0, 1, 3, 7, 14, 28, 56, 10_000)
DAYS_PER_WEEK = 7.0
#: Day of the window from which contacts estimate the search hazard (screening is mostly done).
LATE_DAYS = 7
#: Largest scale ``1/θ`` (days) of the screening wait the moments use: a slower "screening"
#: has a nearly constant hazard and is not told from search.
WAIT_SCALE_DAYS = 28.0


def _stay_index(sightings: pd.DataFrame, stays: pd.DataFrame) -> np.ndarray:
    """Row of ``stays`` each sighting belongs to (−1 when none).

    Same person and city, ``start ≤ date ≤ end``. Vectorised by one sort on a combined
    (person, city, day) key.
    """
    keys = pd.concat(
        [sightings[["person_id", "city"]].astype(str), stays[["person_id", "city"]].astype(str)]
    )
    # one code per (person, city) pair, from the two columns' codes (no joined strings):
    # which stay a sighting falls in does not depend on how the pairs are numbered
    p_code = pd.factorize(keys["person_id"])[0].astype(np.int64)
    c_code = pd.factorize(keys["city"])[0].astype(np.int64)
    code = p_code * (int(c_code.max(initial=0)) + 1) + c_code
    s_code, t_code = code[: len(sightings)], code[len(sightings) :]
    day = pd.to_datetime(sightings["date"]).to_numpy("datetime64[D]").astype(np.int64)
    start = stays["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = stays["end"].to_numpy("datetime64[D]").astype(np.int64)
    base = 1 << 20
    t_key = t_code * base + (start - start.min() if len(start) else start)
    s_key = s_code * base + (day - (start.min() if len(start) else 0))
    order = np.argsort(t_key, kind="stable")
    pos = np.searchsorted(t_key[order], s_key, side="right") - 1
    row = np.where(pos >= 0, order[np.clip(pos, 0, None)], -1)
    ok = (row >= 0) & (t_code[np.clip(row, 0, None)] == s_code) & (day <= end[row])
    return np.where(ok, row, -1)


def first_contact_times(
    sightings: pd.DataFrame,
    stays: pd.DataFrame,
    city: str | None = None,
    *,
    contact_source: str = "outreach",
    linked_sources: tuple[str, ...] = ("police",),
) -> pd.DataFrame:
    """Per stay: days from its first non-outreach sighting to its first outreach contact.

    Parameters
    ----------
    sightings : DataFrame
        The sightings table (``person_id, date, city, source``).
    stays : DataFrame
        :func:`capacity.models.stays.build_stays` of the same sightings.
    city : str, optional
        Keep the stays of this city.
    contact_source : str
        The source value of outreach contacts.
    linked_sources : tuple of str
        Sources whose sightings come with outreach contacts on the same occasion (joint
        police operations bring social workers): they neither start nor end the clock.

    Returns
    -------
    DataFrame
        One row per stay that begins in the analysis window (not left-truncated) and whose
        first sighting is by another source: ``days`` (first contact day − first sighting
        day, or the censoring time), ``contacted`` (a contact on or before the last
        non-outreach sighting), ``follow_days`` (last − first non-outreach sighting),
        ``contacts`` (distinct outreach days in that window), ``late_contacts`` (those
        from day :data:`LATE_DAYS` of the window on), ``joint_contacts`` and
        ``joint_late_contacts`` (the same on days with a linked sighting: joint
        operations), ``first_day`` (the date of
        the first non-outreach sighting: the channels' model check dates first contacts
        by it), ``linked_first`` (a linked sighting, e.g. the police, on the day of the
        first contact: a joint operation's contact), ``city`` and ``person_id`` (the
        bootstrap of :func:`fit_strategy` resamples women, each with all her stays),
        ``first_by_contact`` (see Notes) and ``contact_after`` (an outreach contact, not a
        joint operation's, after the last independent sighting).

    Notes
    -----
    The stay's time origin is its first sighting by a source that does not depend on
    outreach (ads are captured when posted, i.e. on arrival); it is followed until its last
    such sighting, so the censoring does not depend on whether outreach met the person.
    A stay whose first sighting is an outreach contact (not a joint operation's) and that
    has an independent sighting later is not timed — its origin would be the contact
    itself — but kept as a row with ``first_by_contact`` (and zero window columns): when
    ads are captured on a day she is present rather than on arrival, screening often
    reaches a woman before her ad is first seen, and these rows are that evidence
    (:func:`fit_strategy`). Stays seen by outreach only are left out.
    """
    if city is not None:
        stays = stays[stays["city"].astype(str) == city]
    stays = stays.reset_index(drop=True)
    if stays.empty:
        raise EstimationError(
            f"no stays{' in ' + city if city else ''} to time contacts in.",
            reason=Caveat("strategy.no_stays", city=city or "–"),
        )
    rows = sightings if city is None else sightings[sightings["city"].astype(str) == city]
    row = _stay_index(rows, stays)
    keep = row >= 0
    row = row[keep]
    day = pd.to_datetime(rows["date"]).to_numpy("datetime64[D]").astype(np.int64)[keep]
    source = rows["source"].astype(str).to_numpy()[keep]
    is_contact = source == contact_source
    is_origin = ~is_contact & ~np.isin(source, list(linked_sources))
    n = len(stays)
    big = np.iinfo(np.int64).max
    first_other = np.full(n, big)
    last_other = np.full(n, -big)
    first_contact = np.full(n, big)
    np.minimum.at(first_other, row[is_origin], day[is_origin])
    np.maximum.at(last_other, row[is_origin], day[is_origin])
    first_any = np.full(n, big)
    np.minimum.at(first_any, row, day)
    np.minimum.at(first_contact, row[is_contact], day[is_contact])
    start = stays["start"].to_numpy("datetime64[D]").astype(np.int64)
    ok = (first_other < big) & (first_other <= first_contact) & (first_any == start)
    ok &= (first_other == start) & ~stays["left_truncated"].to_numpy(dtype=bool)
    follow = last_other - first_other
    # distinct contact days inside the window [first, last non-outreach sighting]
    c_row, c_day = row[is_contact], day[is_contact]
    inside = (c_day >= first_other[c_row]) & (c_day <= last_other[c_row])
    in_window = np.bincount(c_row[inside], minlength=n)  # one sighting per day and source
    # the same from day LATE_DAYS of the window on (the search hazard's moment)
    late = inside & (c_day - first_other[c_row] >= LATE_DAYS)
    late_window = np.bincount(c_row[late], minlength=n)
    delay = first_contact - first_other
    # a linked sighting (police) on the day of the first contact: a joint operation's contact
    linked = np.isin(source, list(linked_sources))
    l_row, l_day = row[linked], day[linked]
    # contact days with a linked sighting the same day: joint operations, which always search
    d0 = int(day.min()) if len(day) else 0
    joint = np.isin(c_row * (1 << 24) + (c_day - d0), l_row * (1 << 24) + (l_day - d0))
    joint_window = np.bincount(c_row[inside & joint], minlength=n)
    joint_late = np.bincount(c_row[late & joint], minlength=n)
    on_first = np.bincount(l_row[l_day == first_contact[l_row]], minlength=n) > 0
    contacted = ok & (in_window > 0)
    # stays first seen by an outreach contact (not a joint operation's) before any other
    # sighting, with an independent sighting later: her ad was first seen after the contact
    by_contact = (first_other < big) & (first_contact < first_other) & (first_contact == start)
    by_contact &= ~stays["left_truncated"].to_numpy(dtype=bool) & ~on_first
    # the mirror image: an outreach contact (not a joint operation's) after the last
    # independent sighting
    after = c_day > last_other[c_row]
    post = np.bincount(c_row[after & ~joint], minlength=n) > 0
    out = pd.DataFrame(
        {
            "person_id": stays["person_id"].to_numpy(),
            "city": stays["city"].astype(str).to_numpy(),
            "days": np.where(contacted, delay, np.where(ok, follow, 0)),
            "contacted": contacted,
            "follow_days": np.where(ok, follow, 0),
            "contacts": np.where(ok, in_window, 0),
            "late_contacts": np.where(ok, late_window, 0),
            "joint_contacts": np.where(ok, joint_window, 0),
            "joint_late_contacts": np.where(ok, joint_late, 0),
            "first_day": np.where(ok, first_other, 0)
            .astype("datetime64[D]")
            .astype("datetime64[ns]"),
            "linked_first": contacted & on_first,
            "first_by_contact": by_contact,
            "contact_after": (ok | by_contact) & post,
        }
    )
    return out[ok | by_contact].reset_index(drop=True)


def survival_first_contact(
    k: np.ndarray, screened: float, wait_rate: float, hazard: float, shape: float = 1.0
) -> np.ndarray:
    r"""``S_k = P(no contact on days 0 … k−1)`` under the mixture hazard.

    Notes
    -----
    A stay is screened with probability :math:`P_s`, after a Weibull wait of rate
    :math:`\theta` per day and shape :math:`\beta` (exponential for :math:`\beta = 1`; below
    1 most are screened at once and the backlog later); search contacts it at constant
    hazard :math:`h` per day:

    .. math:: S_k = \{1 - P_s (1 - e^{-(\theta k)^\beta})\}\, e^{-h k}.
    """
    k = np.asarray(k, dtype=float)
    wait = 1.0 - np.exp(-((wait_rate * k) ** shape))
    return (1.0 - screened * wait) * np.exp(-hazard * k)


def _unpack(x: np.ndarray) -> tuple[float, float, float, float]:
    shape = float(np.exp(x[3])) if len(x) > 3 else 1.0
    return float(1 / (1 + np.exp(-x[0]))), float(np.exp(x[1])), float(np.exp(x[2])), shape


def _nll(x: np.ndarray, days: np.ndarray, event: np.ndarray, weight: np.ndarray) -> float:
    """Negative log-likelihood of the first contacts (:class:`_FirstContactNLL`)."""
    return _FirstContactNLL(days, event, weight)(x)


class _FirstContactNLL:
    r"""``−Σ_i w_i log L_i(x)`` for fixed ``days``, ``event``, ``weight``, as a function of ``x``.

    ``L_i = S(D_i) − S(D_i + 1)`` for a first contact on day ``D_i``, ``S(D_i + 1)`` for a
    stay not contacted by then (:func:`survival_first_contact`). The optimisers call it
    hundreds of times on the same stays: ``S`` is evaluated once per distinct day (the
    days and the days after them), ``log L`` once per distinct (day, event), and both
    are looked up per row, so every row's term and the sum over the rows are the same
    numbers as evaluated row by row.
    """

    def __init__(self, days: np.ndarray, event: np.ndarray, weight: np.ndarray):
        days = np.asarray(days, dtype=float)
        event = np.asarray(event, dtype=bool)
        self.k, at = np.unique(np.concatenate([days, days + 1]), return_inverse=True)
        at_t, at_next = at.reshape(-1)[: len(days)], at.reshape(-1)[len(days) :]
        _, row, cell = np.unique(at_t * 2 + event, return_index=True, return_inverse=True)
        self.row_cell = cell.reshape(-1)  # each row's (day, event) cell; row: one per cell
        self.at_t, self.at_next, self.event = at_t[row], at_next[row], event[row]
        self.weight = weight

    def __call__(self, x: np.ndarray) -> float:
        p, theta, h, b = _unpack(x)
        s = survival_first_contact(self.k, p, theta, h, b)
        s_t, s_next = s[self.at_t], s[self.at_next]
        log_lik = np.log(np.clip(np.where(self.event, s_t - s_next, s_next), 1e-300, None))
        return float(-(self.weight * log_lik[self.row_cell]).sum())


@dataclass(frozen=True, repr=False)
class StrategyResults(Results):
    """The outreach strategy the data support (see module docstring).

    Attributes
    ----------
    screened, hazard, within_week : float
        Share of stays screened before they end and search hazard per day (the moments of
        :func:`fit_strategy`), and the share of screenings within 7 days of arrival (the
        moments' wait; NaN with hardly any screening).
    mean_stay_days : float
        ``E[T]`` used to turn the fit into the capacity share.
    share_screening : float
        ``w = P_s / (P_s + h·E[T])``: share of contact capacity used in screening.
    share_draws : ndarray
        Draws of ``w`` (normal approximation of the fitted parameters); row 0 the estimate.
    repeat_share : float
        Share of outreach contacts (distinct days in a stay) that repeat a contact of the stay.
    check : DataFrame
        Model check per bin of days to first contact: observed first contacts and those
        predicted by the headline's mix (``mix``: :attr:`moments_fit`, the mix the answer
        uses), the likelihood's free fit (``free fit``, a diagnostic), search only and
        screening only.
    gof_p : float
        Pearson chi-square p-value of the headline's mix in the model check (bins and the
        stays not contacted; :func:`_pearson`); below 0.001 the caveat "no strategy fits".
    gof_p_free : float
        The same for the likelihood's free fit (:attr:`mix`), a diagnostic: a mix that fits
        the first contacts better than the answer's.
    label : str
        ``"random"``, ``"screening"`` or ``"mixture"`` (from the interval of ``w``).
    """

    screened: float
    within_week: float
    hazard: float
    mean_stay_days: float
    share_screening: float
    share_draws: np.ndarray
    repeat_share: float
    n_stays: int
    n_contacted: int
    check: pd.DataFrame
    curves: pd.DataFrame
    gof_p: float
    label: str
    alpha: float = 0.05
    caveats: tuple[Caveat, ...] = ()
    title: str = "Outreach strategy: screening of new arrivals against search"
    #: ``(P_s, θ, h, β)`` of the mixture's free maximum-likelihood fit: a diagnostic
    #: (``check["free fit"]``, :attr:`gof_p_free`); the answer and the check use
    #: :attr:`moments_fit`
    mix: tuple = ()
    #: ``(θ, β)`` of the screening wait the moments use (fitted with ``h`` at the repeats')
    wait: tuple = ()
    #: ``(P_s, θ, h, β)`` of the headline's moments: ``P_s`` the share of the stays timed from
    #: an independent sighting that screening reaches, with the wait ``(θ, β)`` = ``wait``
    #: (before ``E[F(T)]``), ``h`` = ``hazard``; the model check (pooled and per channel)
    #: predicts with it
    moments_fit: tuple = ()
    #: ``(θ, β)`` of the wait per draw of ``share_draws[1:]`` (None: ``wait`` in every draw)
    wait_draws: np.ndarray | None = None
    #: the :func:`first_contact_times` it was fitted on (the per-channel check reuses them)
    times: pd.DataFrame | None = None
    #: Pearson p of the free fit in the model check (a diagnostic; see ``gof_p``)
    gof_p_free: float = float("nan")

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """``share_screening`` (with its interval), and the fitted hazard components."""
        a = self._alpha(alpha)
        d = self.share_draws[1:]
        with np.errstate(invalid="ignore"):
            lo, hi = percentile_interval(d, a) if len(d) else (np.nan, np.nan)
        se = float(np.std(d, ddof=1)) if len(d) > 1 else np.nan
        return tidy(
            {
                "share_screening": (self.share_screening, se, lo, hi),
                "screened_share_of_stays": (self.screened, np.nan, np.nan, np.nan),
                "screened_within_7_days": (self.within_week, np.nan, np.nan, np.nan),
                "search_hazard_per_day": (self.hazard, np.nan, np.nan, np.nan),
                "repeat_contact_share": (self.repeat_share, np.nan, np.nan, np.nan),
            }
        )

    def line(self, alpha: float | None = None) -> Caveat:
        """One sentence for the report: the strategy, its share and the model check.

        A :class:`~capacity.models.Caveat` (``str()`` gives the English sentence).
        """
        row = self.summary_frame(alpha).loc["share_screening"]
        return Caveat(
            "strategy.line",
            label=f"word_strategy_{self.label}",
            share=row["estimate"],
            interval=(row["ci_lower"], row["ci_upper"]),
            fit="word_fits" if self.gof_p >= 0.001 else "word_fits_not",
            n=self.n_contacted,
            m=self.n_stays,
            p=self.gof_p,
        )

    def plot(self, ax=None, alpha: float | None = None, labels: dict | None = None):
        """Model check: observed against predicted share first contacted by day ``t``.

        The curve ``mix`` is the headline's mix (:attr:`moments_fit`), the one the answer
        uses; ``search only`` and ``screening only`` for comparison. ``labels`` replaces the English texts (keys ``observed``, ``mix``, ``search only``,
        ``screening only``, ``x``, ``y``, ``title``).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        lab = {
            "observed": "observed (KM)",
            "mix": "predicted: the answer's mix",
            **{k: f"predicted: {k}" for k in ("search only", "screening only")},
            "x": "days since the stay's first sighting",
            "y": "share of stays contacted",
            "title": f"Time to first outreach contact: {self.label}",
            **(labels or {}),
        }
        c = self.curves
        ax.step(c.index, c["observed"], where="post", color="black", label=lab["observed"])
        styles = {"mix": "#0072B2", "search only": "#D55E00", "screening only": "#009E73"}
        for name, colour in styles.items():
            ax.plot(c.index, c[name], color=colour, linestyle="--", label=lab[name])
        ax.set_xlabel(lab["x"])
        ax.set_ylabel(lab["y"])
        ax.set_title(lab["title"])
        ax.legend(fontsize="small")
        return ax


def _fit_wait(days, event, weight, hazard: float, min_rate: float = 0.0) -> np.ndarray:
    """ML fit of ``P_s`` and the wait (rate, shape) with the search hazard held at ``hazard``.

    ``min_rate`` bounds the wait's rate ``θ`` from below (``1/θ`` days at most).
    """
    log_h = np.log(max(hazard, 1e-300))
    lo_rate = max(-30.0, float(np.log(min_rate))) if min_rate > 0 else -30.0

    nll = _FirstContactNLL(days, event, weight)

    def f(z):
        return nll(np.array([z[0], z[1], log_h, np.clip(z[2], -3, np.log(2))]))

    best = None
    bounds = [(-30, 30), (lo_rate, 30), (-3, np.log(2))]
    for guess in ([0.0, np.log(0.5), 0.0], [-3.0, np.log(0.2), -0.5], [2.0, 0.0, -1.0]):
        guess[1] = max(guess[1], lo_rate)
        res = optimize.minimize(f, guess, method="Nelder-Mead", bounds=bounds,
                                options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 1500})  # fmt: skip
        if best is None or res.fun < best.fun:
            best = res
    z = np.clip(best.x, -30, 30)
    return np.array([z[0], max(z[1], lo_rate), log_h, np.clip(z[2], -3, np.log(2))])


def _wait_draws(x, times, days, event, weight, n: int, rng, min_rate: float = 0.0):
    """``(θ, β)`` per replicate, ``(n, 2)``: normal draws of ``(log θ, log β)`` at the fit.

    The covariance is the sandwich ``H⁻¹ (Σ_p g_p g_pᵀ) H⁻¹`` of the negative
    log-likelihood in ``(logit P_s, log θ, log β)`` at the fit ``x`` of :func:`_fit_wait`
    (``h`` held), with ``g_p`` the score of woman ``p`` (all her stays): clustered by woman
    like the bootstrap, so a woman's stays are not counted as independent (White 1982;
    Liang & Zeger 1986). None when ``H`` is not positive definite (the wait is then held).
    """
    z0 = np.array([x[0], x[1], x[3]])

    def full(z):
        return np.array([z[0], z[1], x[2], z[2]])

    nll = _FirstContactNLL(days, event, weight)

    def f(z):
        return nll(full(z))

    step = 1e-3
    eye = np.eye(3) * step
    hess = np.empty((3, 3))
    for i in range(3):
        for j in range(i, 3):
            hess[i, j] = hess[j, i] = (
                f(z0 + eye[i] + eye[j]) - f(z0 + eye[i] - eye[j])
                - f(z0 - eye[i] + eye[j]) + f(z0 - eye[i] - eye[j])
            ) / (4 * step**2)  # fmt: skip
    d = times["days"].to_numpy(dtype=float)
    hit = times["contacted"].to_numpy(dtype=bool)

    def ll(z):  # per stay
        p, theta, h, b = _unpack(full(z))
        s_t = survival_first_contact(d, p, theta, h, b)
        s_next = survival_first_contact(d + 1, p, theta, h, b)
        return np.log(np.clip(np.where(hit, s_t - s_next, s_next), 1e-300, None))

    score = np.column_stack([(ll(z0 + eye[i]) - ll(z0 - eye[i])) / (2 * step) for i in range(3)])
    if "person_id" in times:
        code = pd.factorize(times["person_id"])[0]
        score = np.column_stack([np.bincount(code, weights=score[:, i]) for i in range(3)])
    try:
        np.linalg.cholesky(hess)
        inv = np.linalg.inv(hess)
        cov = inv @ (score.T @ score) @ inv
        np.linalg.cholesky(cov[1:, 1:])
    except np.linalg.LinAlgError:
        return None
    z = rng.multivariate_normal(z0[1:], cov[1:, 1:], size=n)
    lo_rate = np.log(min_rate) if min_rate > 0 else -30.0
    log_theta = np.clip(z[:, 0], lo_rate, 30.0)
    log_shape = np.clip(z[:, 1], -3.0, np.log(2))
    return np.column_stack([np.exp(log_theta), np.exp(log_shape)])


def _repeat_hazard(sums: np.ndarray) -> np.ndarray:
    """Search hazard from the repeat contacts: repeats over days followed after the first.

    Size-biased upwards when the hazard varies between stays (those contacted are the ones
    met at a high hazard), so it only starts the likelihood fits and draws the "search
    only" check.
    """
    s = np.atleast_2d(sums)
    return s[:, 2] / np.maximum(s[:, 4], 1e-12)


def _screened_within_stay(mean_t, wait: tuple[float, float]) -> np.ndarray:
    r"""``E[F(T)]``: share of the screenings that fall before the stay ends.

    The wait ``F`` (Weibull, ``wait = (θ, β)``) is fitted on the windows only, so its tail
    beyond them is an extrapolation; a stay that ends first is not screened (the queue's
    abandonment). ``T`` is taken as exponential with mean ``E[T]``, an approximation: only
    ``E[T]`` reaches the strategy fit. Then ``E[F(T)] = ∫ F(E[T] u) e^{−u} du``, taken by
    the trapezoid rule in ``log u`` (721 nodes from ``e^{−30}`` to ``e^6``; the integrand
    is smooth there, so the rule is accurate to ~1e-10 even when ``θE[T]`` is tiny, where a
    Gauss–Laguerre rule is not).
    """
    m = np.atleast_1d(np.asarray(mean_t, dtype=float))
    theta, shape = (np.broadcast_to(np.asarray(v, dtype=float), m.shape) for v in wait)
    if not np.all(np.isfinite(theta)):
        return np.ones(m.shape)
    s = np.linspace(-30.0, 6.0, 721)
    u = np.exp(s)
    a = np.maximum(theta * m, 0.0)[:, None] * u[None, :]
    g = -np.expm1(-(a ** shape[:, None])) * np.exp(-u) * u
    return np.clip(np.trapezoid(g, s, axis=1), 0.0, 1.0)


def _moments(sums: np.ndarray, mean_t, wait: tuple[float, float] = (np.inf, 1.0)):
    r"""Search hazard, screened share and capacity share (rows of ``sums``).

    ``sums`` ``(D, 13)`` (or 11: no stays first seen by a contact): per row the weighted
    sums over the stays of :func:`_stay_stats`.
    Joint operations always search: their contact days per day followed give their part of
    ``h``; the other contact days in the windows and those from day ``k₀`` = :data:`LATE_DAYS` on,

    .. math::
        \sum_i n_i = P_s \sum_i F(D_i + 1) + h \sum_i (D_i + 1),
        \qquad
        \sum_i n_i^{late} = P_s \sum_i \{F(D_i + 1) - F(k_0)\}_+ + h \sum_i (D_i + 1 - k_0)_+,

    are solved for ``(P_s, h)`` (``F`` the screening wait's distribution, so a screening
    after the window's end is not missed); ``P_s`` is then held in ``[0, 1]`` and ``h ≥ 0``
    (the other re-solved from its equation). Without windows longer than ``k₀`` the hazard
    of the repeat contacts is used. The timed stays screened are ``P_s E[F(T)]``
    (:func:`_screened_within_stay`): a wait longer than the stay screens nobody.

    Stays first seen by a contact (``n_c`` of them, column 11; their ad seen only later)
    were met before the window. Search meets a stay in the time before its first
    independent sighting as often as in the time after its last one (the capture of ads
    does not depend on the direction of time), so those met *after* (``n_a``, column 12,
    over all stays) stand for the search contacts *before*, and

    .. math:: s = \frac{(n_c - n_a)_+ + n\,P_s E[F(T)]}{n + n_c}

    is the share of stays screened (``n`` the timed stays). Where ads are captured on
    arrival ``n_c`` is near 0 and ``s`` is the timed stays' share.

    Returns ``(h, s, w, P_s)`` per row.
    """
    s = np.atleast_2d(sums)
    if s.shape[1] == 11:  # no stays first seen by a contact
        s = np.column_stack([s, np.zeros((len(s), 2))])
    n, contacts, _, exposure, _, late, f_all, f_late, late_exp, joint, joint_late = s.T[:11]
    by_contact, after = s[:, 11], s[:, 12]
    # joint operations' contact days search; the rest of the contacts are solved for
    h_joint = joint / np.maximum(exposure, 1e-12)
    contacts, late = contacts - joint, late - joint_late
    det = f_all * late_exp - exposure * f_late
    ok = (late_exp > 0) & (det > 1e-12 * np.maximum(f_all * late_exp, 1e-300))
    safe = np.where(ok, det, 1.0)
    h = np.where(ok, (f_all * late - f_late * contacts) / safe,
                 np.maximum(_repeat_hazard(s) - h_joint, 0.0))  # fmt: skip
    ps = np.where(ok, (contacts * late_exp - exposure * late) / safe,
                  (contacts - h * exposure) / np.maximum(f_all, 1e-12))  # fmt: skip
    # on the boundary: no search but the joint operations (h = 0), nothing screened
    # (P_s = 0) or all screened (P_s = 1); the other is re-solved from its equation
    zero_h = h < 0
    ps = np.where(zero_h, contacts / np.maximum(f_all, 1e-12), ps)
    h = np.where(zero_h, 0.0, h)
    low, high = ps < 0, ps > 1
    h = np.where(low, contacts / np.maximum(exposure, 1e-12), h)
    h = np.where(high, np.maximum(late - f_late, 0.0) / np.maximum(late_exp, 1e-12), h)
    h = h + h_joint
    screened = np.clip(ps, 0.0, 1.0) * _screened_within_stay(np.broadcast_to(mean_t, h.shape), wait)
    # stays first seen by a contact: screened before the first independent sighting, less
    # as many as search would meet there, counted by its mirror image after the last one
    early = np.maximum(by_contact - after, 0.0)
    screened = np.divide(early + n * screened, n + by_contact, out=screened,
                         where=n + by_contact > 0)  # fmt: skip
    share = np.divide(screened, screened + h * mean_t, out=np.zeros_like(h),
                      where=screened + h * mean_t > 0)  # fmt: skip
    return h, screened, share, np.clip(ps, 0.0, 1.0)


def _stay_stats(times: pd.DataFrame, wait: tuple[float, float] = (np.inf, 1.0)) -> np.ndarray:
    """Per stay ``(N, 13)``: the terms of the moments of :func:`fit_strategy`.

    1, contacts, repeat contacts, days followed, days after the first contact, contacts from
    day :data:`LATE_DAYS` on, ``F(D + 1)``, ``{F(D + 1) − F(k₀)}₊`` and ``(D + 1 − k₀)₊``,
    with ``F`` the Weibull screening wait ``wait = (θ, β)`` (default: screened at once),
    and the joint operations' contact days in the window and from day ``k₀`` on (0 when
    ``times`` has no such columns) — all 0 for a stay first seen by a contact — then
    ``first_by_contact`` and ``contact_after`` (:func:`first_contact_times`).
    The moments are ratios of sums of these over the stays.
    """
    d = times["days"].to_numpy(dtype=float)
    follow = times["follow_days"].to_numpy(dtype=float)
    contacts = times["contacts"].to_numpy(dtype=float)
    late = times["late_contacts"].to_numpy(dtype=float)
    hit = times["contacted"].to_numpy(dtype=bool)
    joint, joint_late = (
        times[k].to_numpy(dtype=float) if k in times else np.zeros(len(d))
        for k in ("joint_contacts", "joint_late_contacts")
    )
    theta, shape = wait

    def f(k):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.where(k > 0, 1.0 - np.exp(-((theta * k) ** shape)), 0.0)

    k0 = float(LATE_DAYS)
    f_all = f(follow + 1)
    by_contact, after = _origin_columns(times)
    timed = 1.0 - by_contact  # the window's columns: stays timed from an independent sighting
    window = np.column_stack(
        [
            np.ones(len(d)),
            contacts,
            np.where(hit, contacts - 1, 0.0),
            follow + 1,
            np.where(hit, follow - d, 0.0),
            late,
            f_all,
            np.where(follow + 1 > k0, np.maximum(f_all - f(k0), 0.0), 0.0),
            np.maximum(follow + 1 - k0, 0.0),
            joint,
            joint_late,
        ]
    )
    return np.column_stack([window * timed[:, None], by_contact, after])


def _origin_columns(times: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``first_by_contact`` and ``contact_after`` of :func:`first_contact_times` as floats.

    Zero when ``times`` has no such columns (every stay timed from an independent sighting).
    """
    zero = np.zeros(len(times))
    return tuple(
        times[k].to_numpy(dtype=float) if k in times else zero
        for k in ("first_by_contact", "contact_after")
    )


def strategy_replicates(
    times: pd.DataFrame,
    n_boot: int,
    weights: Callable[[pd.Index, int, int], np.ndarray] | None = None,
    rng: np.random.Generator | None = None,
    chunk: int = 50,
    wait: tuple[float, float] = (np.inf, 1.0),
    wait_draws: np.ndarray | None = None,
) -> np.ndarray:
    """Bootstrap replicates of the sums of :func:`_stay_stats`, ``(n_boot, 13)``, by woman.

    Parameters
    ----------
    times : DataFrame
        :func:`first_contact_times`; with ``person_id`` a woman is resampled with all her
        stays (they are not independent: the same woman, language and habits), else each
        stay alone.
    n_boot : int
    weights : callable, optional
        ``(persons, start, n) -> (len(persons), n)``, the women's weights in replicates
        ``start … start + n − 1``: with the chain bootstrap's keyed weights
        (:func:`capacity.question4.bootstrap.keyed_person_weights`) replicate ``d``
        resamples the same women as draw ``d`` of the rest of the chain. Default
        Poisson(1) from ``rng``.
    rng : numpy Generator, optional
    wait : (float, float)
        ``(θ, β)`` of the screening wait (:func:`_stay_stats`).
    wait_draws : ndarray (n_boot, 2), optional
        ``(θ, β)`` per replicate (:func:`_wait_draws`); default ``wait`` in every one.

    Notes
    -----
    The statistics are summed per woman first, so a replicate costs one ``(n, P) × (P, 5)``
    product with ``P`` the women, not a draw per stay.
    """
    stats = _stay_stats(times, wait)
    k = stats.shape[1]
    if "person_id" in times:
        code, persons = pd.factorize(times["person_id"], sort=True)
        persons = pd.Index(persons)
        per = np.column_stack(
            [np.bincount(code, weights=stats[:, j], minlength=len(persons)) for j in range(k)]
        )
    else:
        persons, per = pd.RangeIndex(len(stats)), stats
    if weights is None:
        gen = rng or np.random.default_rng(0)

        def weights(persons, start, b):
            return gen.poisson(1.0, size=(len(persons), b)).astype(float)

    if wait_draws is None:
        parts = [
            weights(persons, i, min(chunk, n_boot - i)).T @ per for i in range(0, n_boot, chunk)
        ]
        return np.vstack(parts) if parts else np.zeros((0, k))
    # the wait per replicate: F's columns from per-woman counts of each window length
    from scipy import sparse

    follow = times["follow_days"].to_numpy(dtype=float)
    u_len, u_code = np.unique(follow + 1, return_inverse=True)
    who = code if "person_id" in times else np.arange(len(follow))
    counts = sparse.csr_matrix(
        (1.0 - _origin_columns(times)[0], (who, u_code)), shape=(len(persons), len(u_len))
    )
    k0 = float(LATE_DAYS)
    parts = []
    for i in range(0, n_boot, chunk):
        b = min(chunk, n_boot - i)
        w = weights(persons, i, b)
        part = w.T @ per
        theta, shape = wait_draws[i : i + b, 0], wait_draws[i : i + b, 1]
        with np.errstate(over="ignore", invalid="ignore"):
            f_all = -np.expm1(-((theta[None, :] * u_len[:, None]) ** shape[None, :]))
            f_k0 = -np.expm1(-((theta * k0) ** shape))
        f_late = np.where(u_len[:, None] > k0, np.maximum(f_all - f_k0[None, :], 0.0), 0.0)
        part[:, 6] = (w * (counts @ f_all)).sum(axis=0)
        part[:, 7] = (w * (counts @ f_late)).sum(axis=0)
        parts.append(part)
    return np.vstack(parts) if parts else np.zeros((0, k))


#: Smallest expected count of a cell of the model check: sparser bins are pooled with a neighbour.
CHECK_MIN_EXPECTED = 5.0


def _predicted_bins(follow, weight, par) -> tuple[np.ndarray, float]:
    """Expected first contacts per bin of :data:`CHECK_BINS` and expected stays not contacted.

    ``par`` is ``(P_s, θ, h, β)``. Each stay is followed ``D + 1`` days, so a bin beyond its
    window predicts nothing for it.
    """
    edges = np.array(CHECK_BINS)
    cap = follow + 1
    s_lo = survival_first_contact(np.minimum(edges[:-1, None], cap), *par)
    s_hi = survival_first_contact(np.minimum(edges[1:, None], cap), *par)
    rest = float((survival_first_contact(cap, *par) * weight).sum())
    return ((s_lo - s_hi) * weight).sum(axis=1), rest


def _pearson(observed, expected, not_observed, not_expected, fitted: int) -> float:
    """Pearson p over the bins and the cell "not contacted", sparse cells pooled.

    Bins whose expected count is below :data:`CHECK_MIN_EXPECTED` are pooled with the bin
    before them (the first with the one after); the stays not contacted in their window are
    one more cell (pooled with the last bin when sparse). Degrees of freedom: cells − 1 −
    ``fitted`` (at least 1).
    """
    o, e = [float(v) for v in observed], [float(v) for v in expected]
    for i in range(len(e) - 1, 0, -1):
        if e[i] < CHECK_MIN_EXPECTED:
            e[i - 1] += e.pop(i)
            o[i - 1] += o.pop(i)
    while len(e) > 1 and e[0] < CHECK_MIN_EXPECTED:
        first_e, first_o = e.pop(0), o.pop(0)
        e[0] += first_e
        o[0] += first_o
    if not_expected < CHECK_MIN_EXPECTED:
        e[-1] += not_expected
        o[-1] += not_observed
    else:
        e.append(not_expected)
        o.append(not_observed)
    o_, e_ = np.array(o), np.array(e)
    ok = e_ > 0
    chi2 = float(((o_[ok] - e_[ok]) ** 2 / e_[ok]).sum())
    return float(stats.chi2.sf(chi2, max(int(ok.sum()) - 1 - fitted, 1)))


def _check(
    days, event, weight, follow, fits: dict, fitted: dict | None = None
) -> tuple[pd.DataFrame, float, float]:
    """Observed and predicted first contacts per bin of days; Pearson p of the mix and the free fit.

    ``fits`` maps a name to ``(P_s, θ, h, β)``; ``"mix"`` is the headline's mix (the
    moments' ``P_s`` and ``h`` with the wait: two parameters fitted to these first
    contacts), ``"free fit"`` the likelihood's (four); ``fitted`` overrides those counts.
    """
    edges = np.array(CHECK_BINS)
    obs = np.array(
        [
            weight[event & (days >= lo) & (days < hi)].sum()
            for lo, hi in zip(edges[:-1], edges[1:], strict=True)
        ]
    )
    frame, rest = {"observed": obs}, {}
    for name, x in fits.items():
        frame[name], rest[name] = _predicted_bins(follow, weight, x)
    labels = [
        f"{lo}–{hi - 1}" if hi < 10_000 else f"{lo}+"
        for lo, hi in zip(edges[:-1], edges[1:], strict=True)
    ]
    check = pd.DataFrame(frame, index=pd.Index(labels, name="days_to_first_contact"))
    not_contacted = float(weight.sum() - obs.sum())
    fitted = {"mix": 2, "free fit": 4, **(fitted or {})}
    p = {
        name: _pearson(obs, check[name].to_numpy(), not_contacted, rest[name], fitted[name])
        for name in ("mix", "free fit")
        if name in fits
    }
    return check, p.get("mix", np.nan), p.get("free fit", np.nan)


def _grouped_times(times: pd.DataFrame):
    """Days, event, follow-up and count of the timed stays, one row per distinct triple."""
    times = times[_origin_columns(times)[0] == 0]
    key = pd.DataFrame(
        {
            "d": times["days"].to_numpy(dtype=float),
            "e": times["contacted"].to_numpy(dtype=bool),
            "f": times["follow_days"].to_numpy(dtype=float),
        }
    )
    g = key.groupby(["d", "e", "f"]).size().reset_index(name="w")
    return (g["d"].to_numpy(dtype=float), g["e"].to_numpy(dtype=bool),
            g["f"].to_numpy(dtype=float), g["w"].to_numpy(dtype=float))  # fmt: skip


def model_check(times: pd.DataFrame, mix: tuple, fitted: int = 2) -> tuple[pd.DataFrame, float]:
    r"""Observed against predicted time to first contact under a given mix, and its p-value.

    Parameters
    ----------
    times : DataFrame
        :func:`first_contact_times` of a city (stays first seen by a contact are left out:
        they are not timed).
    mix : tuple
        ``(P_s, θ, h, β)``: share of the stays screened in their window, the Weibull wait's
        rate and shape, and the search hazard per day — e.g.
        :attr:`StrategyResults.moments_fit` (what :func:`fit_strategy` checks), or
        ``(0, 1, h, 1)`` for search alone at hazard ``h``.
    fitted : int
        Parameters of ``mix`` fitted to these first contacts (taken off the degrees of
        freedom): 2 for the headline's mix (its wait), 4 for the free likelihood fit, 0 for
        a mix given from elsewhere.

    Returns
    -------
    check : DataFrame
        Per bin of days to first contact: ``observed`` and ``mix`` (predicted).
    p : float
        Pearson chi-square p-value over the bins and the stays not contacted in their
        window (:func:`_pearson`).

    Notes
    -----
    Stay ``i``, followed ``D_i + 1`` days, is first contacted in bin ``[a, b)`` with
    probability ``S(min(a, D_i + 1)) − S(min(b, D_i + 1))`` and not at all with
    ``S(D_i + 1)`` (:func:`survival_first_contact`); the expected counts are the sums over
    the stays. A mix the data do not support (e.g. search alone where the team screens new
    arrivals) predicts too few contacts in the first days and too many stays never met.
    """
    days, event, follow, weight = _grouped_times(times)
    par = tuple(float(v) for v in mix)
    check, p, _ = _check(days, event, weight, follow, {"mix": par}, {"mix": fitted})
    return check, p


def _curves(days, event, weight, follow, fits: dict, horizon: int = 60) -> pd.DataFrame:
    """Cumulative share first contacted by day t: Kaplan–Meier and each model's prediction."""
    t = np.arange(horizon + 1)
    at_risk = np.array([weight[days >= k].sum() for k in t])
    events = np.array([weight[event & (days == k)].sum() for k in t])
    km = np.cumprod(1 - np.divide(events, at_risk, out=np.zeros(len(t)), where=at_risk > 0))
    out = {"observed": 1 - km}
    for name, par in fits.items():
        out[name] = 1 - survival_first_contact(t + 1, *par)
    return pd.DataFrame(out, index=pd.Index(t, name="day"))


def fit_strategy(
    times: pd.DataFrame,
    mean_stay_days: float | np.ndarray,
    *,
    alpha: float = 0.05,
    n_draws: int = 0,
    rng: np.random.Generator | None = None,
    weights: Callable[[pd.Index, int, int], np.ndarray] | None = None,
) -> StrategyResults:
    r"""Share of contact capacity in screening, from the time to first contact.

    Parameters
    ----------
    times : DataFrame
        :func:`first_contact_times` of a city.
    mean_stay_days : float or ndarray
        ``E[T]`` (days); an array gives one value per draw (row 0 the estimate).
    alpha : float
        1 − level of the interval of the share.
    n_draws : int
        Monte Carlo draws of the share (for the question-4 draws).
    rng : numpy.random.Generator, optional
        The stream of the women's Poisson(1) weights when no ``weights`` are given.
    weights : callable, optional
        ``(persons, start, n) -> (len(persons), n)``: the women's bootstrap weights
        (:func:`strategy_replicates`); the question-4 chain passes its keyed weights, so
        draw ``d`` of the share resamples the same women, with all their stays, as draw
        ``d`` of everything else.

    Returns
    -------
    StrategyResults

    Notes
    -----
    The likelihood of stay ``i`` with first contact on day ``t_i`` after its first sighting
    is ``S(t_i) − S(t_i + 1)``; a stay not contacted by its last non-outreach sighting
    ``D_i`` contributes ``S(D_i + 1)`` (:func:`survival_first_contact`). Per stay, screening
    uses ``P_s`` contacts and search ``h·E[T]`` (Little's law: contacts at hazard ``h`` on
    everyone present), so the share of contact capacity used in screening is

    .. math:: w = \frac{P_s}{P_s + h\,E[T]}.

    The point estimate and its draws are moments (:func:`_moments`): all contact days in
    the windows and those from day ``k₀`` = :data:`LATE_DAYS` on are two linear equations
    in ``P_s`` and ``h``, given the screening wait ``F`` fitted by maximum likelihood (with
    ``h`` at the repeat contacts' rate); joint operations' contact days are search. A
    screening after the window's end is thus counted (through ``F``), and ``h`` does not
    come from the stays already contacted, whose hazard is size-biased upwards. ``P_s`` is
    the share screened before the stay ends, ``P_s E[F(T)]``. Stays first seen by an
    outreach contact are not timed (the likelihood, the wait and the checks leave them
    out); they add the screenings before the window, less as many as search would meet
    there, counted by its mirror image after the window (:func:`_moments`). Its
    interval is a percentile interval of a bootstrap by woman (:func:`strategy_replicates`:
    a woman's stays share her weight; in the question-4 chain the chain's keyed weights,
    so the share's draws resample the same women as every other draw). The strategy is
    called *random* when the interval's upper end is below 0.1, *screening* when its lower
    end is above 0.9, else a *mixture*.

    References
    ----------
    Kalbfleisch, J. D., Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
    Data*, 2nd ed. Wiley (discrete-time likelihood with censoring; cure/mixture models, ch. 5).
    Garnett, O., Mandelbaum, A., Reiman, M. (2002). Designing a call center with impatient
    customers. *M&SOM* 4(3) (screening as a queue with abandonment).
    """
    rng = rng or np.random.default_rng(0)
    all_times = times
    # the likelihood, the wait and the checks: the stays timed from an independent sighting
    times = times[_origin_columns(times)[0] == 0]
    if len(times) < 20 or times["contacted"].sum() < 5:
        raise EstimationError(
            f"only {len(times)} stays with {int(times['contacted'].sum())} first contacts: too few "
            "to tell screening from search.",
            reason=Caveat("strategy.too_few", n=len(times), m=int(times["contacted"].sum())),
        )
    mean_t = np.atleast_1d(np.asarray(mean_stay_days, dtype=float))
    # the repeat contacts' hazard: the start of the likelihood fits and the "search only" check
    h_rep = float(_repeat_hazard(_stay_stats(times).sum(axis=0))[0])
    days, event, follow, weight = _grouped_times(times)
    x = _fit_wait(days, event, weight, h_rep)
    lower, upper = np.array([-30, -30, -30, -3.0]), np.array([30, 30, 30, np.log(2)])
    free = optimize.minimize(_FirstContactNLL(days, event, weight), np.clip(x, lower, upper),
                             method="Nelder-Mead", bounds=list(zip(lower, upper, strict=True)),
                             options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 3000})  # fmt: skip
    # (θ, β) of the screening wait: a wait of scale beyond WAIT_SCALE_DAYS is not told
    # from search (F(k) ≈ θk), so the moments' wait is held within it
    x_w, min_rate = x, 0.0
    if _unpack(x)[1] < 1.0 / WAIT_SCALE_DAYS:
        min_rate = 1.0 / WAIT_SCALE_DAYS
        x_w = _fit_wait(days, event, weight, h_rep, min_rate)
    wait = _unpack(x_w)[1::2]
    h_arr, ps_arr, share_arr, p_timed = _moments(_stay_stats(all_times, wait).sum(axis=0),
                                                 mean_t[:1], wait)  # fmt: skip
    h, p, share = float(h_arr[0]), float(ps_arr[0]), float(share_arr[0])
    n = max(int(n_draws), 0) or 200
    mt = mean_t[1 : n + 1] if len(mean_t) > n else np.full(n, mean_t[0])
    # the wait's own uncertainty: a normal draw of (log θ, log β) per replicate
    w_draws = _wait_draws(x_w, times, days, event, weight, n, np.random.default_rng([7, n]),
                          min_rate)  # fmt: skip
    boot = strategy_replicates(all_times, n, weights, rng, wait=wait, wait_draws=w_draws)
    wait_d = wait if w_draws is None else (w_draws[:, 0], w_draws[:, 1])
    draws = np.concatenate([[share], _moments(boot, mt, wait_d)[2]])
    with np.errstate(invalid="ignore"):
        lo, hi = percentile_interval(draws[1:], alpha)
    label = "random" if hi < 0.1 else ("screening" if lo > 0.9 else "mixture")
    x_free = np.clip(free.x, lower, upper)
    # the model check tests the headline's mix; the likelihood's free fit is a diagnostic
    moments_fit = (float(p_timed[0]), float(wait[0]), h, float(wait[1]))
    fits = {
        "mix": moments_fit,
        "free fit": _unpack(x_free),
        "search only": (0.0, 1.0, h_rep, 1.0),
        "screening only": _unpack(_fit_wait(days, event, weight, 0.0)),
    }
    theta, shape = wait
    week = float(1 - np.exp(-((theta * 7) ** shape))) if moments_fit[0] > 0.005 else np.nan
    check, gof_p, gof_p_free = _check(days, event, weight, follow, fits)
    curves = _curves(days, event, weight, follow, fits)
    repeat = 1 - float(times["contacts"].gt(0).sum()) / max(float(times["contacts"].sum()), 1.0)
    caveats = [Caveat("strategy.read_from_first_contact")]
    if gof_p < 0.001:
        caveats.append(Caveat("strategy.poor_fit", p=gof_p))
    return StrategyResults(
        screened=p,
        within_week=week,
        hazard=h,
        mean_stay_days=float(mean_t[0]),
        share_screening=float(share),
        share_draws=draws,
        repeat_share=repeat,
        n_stays=int(weight.sum()),
        n_contacted=int(weight[event].sum()),
        check=check,
        curves=curves,
        gof_p=gof_p,
        label=label,
        alpha=alpha,
        caveats=tuple(caveats),
        mix=fits["free fit"],
        wait=tuple(float(v) for v in wait),
        moments_fit=moments_fit,
        gof_p_free=gof_p_free,
        wait_draws=w_draws,
        times=all_times,
    )


#: Largest error the window of :func:`erlang_a_served_many` may add to a served share: the
#: stationary mass it leaves out is bounded by a geometric tail (the chain's ratios
#: ``λ/d_k`` fall with ``k``) and a row whose bound is larger is solved on the whole space.
WINDOW_TOLERANCE = 1e-15


def erlang_a_served_many(
    arrival_rate: np.ndarray,
    service_rate: np.ndarray,
    servers: np.ndarray,
    abandon_rate: np.ndarray,
) -> np.ndarray:
    """:func:`capacity.models.reach.erlang_a_served` for many queues at once.

    All arguments broadcast to one shape ``(D,)``. Each queue's state space is cut at the
    largest queue's size (a bound on the Poisson tail of the number waiting). Queues with
    no servers or no service serve 0; a queue with no arrivals serves 1 (the limit as
    ``λ → 0``).

    Notes
    -----
    The stationary distribution ``π_k ∝ Π_{j≤k} λ/d_j`` is evaluated on a window of states
    around each queue's mode (:func:`_served_window`), as wide as about ten standard
    deviations of the chain, instead of on the whole padded space: a few times fewer
    states. The mass left out is bounded by a geometric tail on each side (``d_k`` does
    not fall with ``k``, so the ratio ``π_{k+1}/π_k`` does not rise); a queue whose
    bound could move its served share by more than :data:`WINDOW_TOLERANCE` is solved on
    the whole space (:func:`_served_full`), so the answer is the whole space's to rounding.
    """
    lam, mu, c, gamma = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=float)) for v in (arrival_rate, service_rate,
                                                              servers, abandon_rate))
    )  # fmt: skip
    out = np.zeros(lam.shape)
    ok = (c > 0) & (mu > 0) & (lam > 0)
    out[(lam <= 0) & (c > 0) & (mu > 0)] = 1.0
    if not ok.any():
        return out
    lam_, mu_, c_, g_ = lam[ok], mu[ok], c[ok], np.maximum(gamma[ok], 1e-12)
    # beyond c busy servers every waiting person leaves at rate γ, so the queue's tail is
    # at most Poisson(λ/γ) above c whatever μ (a slow server, μ ≪ γ, does not widen it)
    size = int(np.ceil(np.max(c_ + lam_ / g_ + 12.0 * np.sqrt(lam_ / g_) + 30.0)))
    # a window of about ten standard deviations σ = √(λ/min(μ, γ)) of the chain at its mode,
    # for the queues where that is at most half the whole space
    half = np.ceil(10.0 * np.sqrt(lam_ / np.minimum(mu_, g_))) + 16
    narrow = 2 * (2 * half + 1) <= size + 1
    served = np.zeros(len(lam_))
    good = np.zeros(len(lam_), dtype=bool)
    if narrow.any():
        w = narrow
        served[w], good[w] = _served_window(lam_[w], mu_[w], c_[w], g_[w], size, int(half[w].max()))
    if not good.all():
        bad = ~good
        served[bad] = _served_full(lam_[bad], mu_[bad], c_[bad], g_[bad], size)
    out[ok] = served
    return out


def _death(k: np.ndarray, mu, c, gamma) -> np.ndarray:
    """Death rates ``d_k = min(k, c)·μ + max(k − c, 0)·γ`` of the Erlang A chain, per row."""
    return np.minimum(k, c[:, None]) * mu[:, None] + np.maximum(k - c[:, None], 0) * gamma[:, None]


def _served_full(lam, mu, c, gamma, size: int) -> np.ndarray:
    """Served share of each queue on the whole state space ``0…size`` (one ``(D, size)`` array)."""
    k = np.arange(1, size + 1, dtype=float)[None, :]
    log_pi = np.concatenate(
        [
            np.zeros((len(lam), 1)),
            np.cumsum(np.log(lam)[:, None] - np.log(_death(k, mu, c, gamma)), axis=1),
        ],
        axis=1,
    )
    pi = np.exp(log_pi - log_pi.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    queue = np.maximum(np.arange(size + 1)[None, :] - c[:, None], 0.0)
    return np.clip(1.0 - gamma * (queue * pi).sum(axis=1) / lam, 0.0, 1.0)


def _served_window(lam, mu, c, gamma, size: int, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Served share of each queue on a window of ``2·half + 1`` states around its mode.

    The second array says which rows may use it: the mass left out moves their share by at
    most :data:`WINDOW_TOLERANCE`; the others are solved by :func:`_served_full`.
    """
    n = len(lam)
    width = 2 * half + 1
    # the mode: where the death rate reaches λ (below c servers, or in the queue above c)
    mode = np.where(lam <= c * mu, lam / mu, c + (lam - c * mu) / gamma)
    start = np.clip(np.floor(mode) - half, 0, size + 1 - width)
    k = start[:, None] + np.arange(width, dtype=float)[None, :]
    log_pi = np.concatenate(
        [
            np.zeros((n, 1)),
            np.cumsum(np.log(lam)[:, None] - np.log(_death(k[:, 1:], mu, c, gamma)), axis=1),
        ],
        axis=1,
    )
    top = log_pi.max(axis=1)
    pi = np.exp(log_pi - top[:, None])
    total = pi.sum(axis=1)
    queue = np.maximum(k - c[:, None], 0.0)
    mean_queue = (queue * pi).sum(axis=1) / total
    served = np.clip(1.0 - gamma * mean_queue / lam, 0.0, 1.0)
    # the mass left out, relative to the window's: geometric tails from each edge
    end = start + width - 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r_left = _death(start[:, None], mu, c, gamma)[:, 0] / lam  # π_{k−1}/π_k below the window
        r_right = lam / _death(end[:, None] + 1, mu, c, gamma)[:, 0]  # π_{k+1}/π_k above it
        p_left, p_right = pi[:, 0] / total, pi[:, -1] / total
        tail_left = np.where(start > 0, p_left * r_left / (1 - r_left), 0.0)
        geo = r_right / (1 - r_right)
        tail_right = np.where(end < size, p_right * geo, 0.0)
        queue_right = np.where(
            end < size, p_right * (np.maximum(end - c, 0.0) * geo + geo / (1 - r_right)), 0.0
        )
        # E[Q] with the tails: at most the queue's mass beyond the edges plus E[Q] × the
        # share of mass moved; below the window the queue is at most the edge's
        queue_left = tail_left * np.maximum(start - c, 0.0)
        error = gamma / lam * (queue_left + queue_right + mean_queue * (tail_left + tail_right))
        good = (
            (np.where(start > 0, r_left, 0.0) < 1)
            & (np.where(end < size, r_right, 0.0) < 1)
            & (error <= WINDOW_TOLERANCE)
        )
    return served, good


def reach_mixture(
    contacts_per_week: np.ndarray,
    arrivals_per_week: np.ndarray,
    laplace,
    mean_stay_days: np.ndarray,
    share_screening: np.ndarray,
    language_factor: np.ndarray | float = 1.0,
    *,
    contacts_per_server: np.ndarray | float | None = None,
    speed_factor: np.ndarray | float | None = None,
    search_scale: np.ndarray | float | None = None,
    dependence: str = "independent",
) -> np.ndarray:
    r"""Reach per stay when a share ``w`` of contact capacity screens and the rest searches.

    Parameters
    ----------
    contacts_per_week : array_like
        Contact capacity ``κ = η·H·f`` per draw (contacts per week).
    arrivals_per_week : array_like
        ``A`` per draw.
    laplace : callable
        ``h (D, K) -> E[exp(−h T)] (D, K)`` per draw (e.g. ``StayTable.laplace``).
    mean_stay_days : array_like
        ``E[T]`` per draw.
    share_screening : array_like
        ``w`` per draw.
    language_factor : array_like
        ``m_L`` (shape ``(L,)`` or ``(D, L)``); the result has one column per language.
    contacts_per_server : array_like, optional
        ``μ``, screenings per FTE-week (servers ``c = w κ/μ``); default ``κ`` (one server).
    speed_factor : array_like, optional
        ``g ≥ 1`` per draw: a screener busy with the queue works ``g`` times as fast as the
        contacts logged per hour say (:func:`screening_speed_factor`); the servers stay
        ``c = wκ/μ``, each at ``gμ``. Default 1.
    search_scale : array_like, optional
        ``σ`` per draw: the search hazard is ``σ·h`` (the persons present in a month
        against the period's, ``σ = 1/r_t``; :func:`capacity.national.monthly_search_reach`).
        Screening does not change. Default 1.
    dependence : {"independent", "exp_wait"}
        How the chance to be screened depends on the stay: not at all (the default, the
        model the answer uses), or through an exponential wait (a study option, see Notes).

    Returns
    -------
    ndarray, shape (D, L)

    Notes
    -----
    Screening serves a share ``P_s`` of arrivals from an Erlang A queue with capacity
    ``wκ`` and patience ``7/E[T]`` per week; search contacts everyone present at hazard
    ``h = (1 − w)κ/(A·E[T])`` per day. Treating the two as independent,

    .. math:: p_L = 1 - (1 - m_L P_s)\, L(h\, m_L).

    With ``w = 0`` this is :func:`capacity.models.reach.reach_random`, with ``w = 1``
    :func:`capacity.models.reach.reach_screening`.

    Both screening and search favour long stays, so they are not independent: in the
    generator's mixture world the independent form overstates reach by 0.027 with every input
    true (``docs/methods/reach.md``, "Why reach per stay leans by strategy").
    ``dependence="exp_wait"`` lets a stay of length ``T`` be screened with chance
    ``1 − e^{−θT}``, ``θ`` per draw from ``1 − L(θ) = P_s`` (the same served share), and
    search act independently given ``T``:

    .. math:: p_L = 1 - (1 - m_L) L(h m_L) - m_L L(h m_L + θ).

    It is the same at ``w = 0`` and ``w = 1``, and never above the independent form. It is
    not the default: with today's arrivals (3–5 % high) it moves the mixture world's
    estimate from +0.008 to −0.017 (measured, reach.md).
    """
    if dependence not in ("independent", "exp_wait"):
        raise ValueError(f"dependence must be 'independent' or 'exp_wait', got {dependence!r}")
    kappa = np.atleast_1d(np.asarray(contacts_per_week, dtype=float))
    a = np.broadcast_to(np.asarray(arrivals_per_week, dtype=float), kappa.shape)
    t = np.broadcast_to(np.asarray(mean_stay_days, dtype=float), kappa.shape)
    w = np.broadcast_to(np.asarray(share_screening, dtype=float), kappa.shape)
    m = np.atleast_2d(np.asarray(language_factor, dtype=float))
    m = np.broadcast_to(m, (len(kappa), m.shape[-1]))
    mu = kappa if contacts_per_server is None else np.broadcast_to(contacts_per_server, kappa.shape)
    mu = np.where(mu > 0, mu, 1.0)
    g = 1.0 if speed_factor is None else np.broadcast_to(speed_factor, kappa.shape)
    served = erlang_a_served_many(a, g * mu, w * kappa / mu, DAYS_PER_WEEK / t)
    h = (1 - w) * kappa / np.where(a > 0, a * t, 1.0)
    if search_scale is not None:
        h = h * np.broadcast_to(np.asarray(search_scale, dtype=float), kappa.shape)
    lap = laplace(h[:, None] * m)
    lap = np.where((a > 0)[:, None], lap, np.where(h[:, None] * m > 0, 0.0, 1.0))
    if dependence == "independent":
        return np.clip(1 - (1 - m * served[:, None]) * lap, 0.0, 1.0)
    theta = _exp_wait_rate(laplace, served)
    finite = np.isfinite(theta)
    both = laplace(h[:, None] * m + np.where(finite, theta, 0.0)[:, None])
    both = np.where(finite[:, None], both, 0.0)  # screened for sure: L(∞) = 0
    p = 1 - (1 - m) * lap - m * both
    p = np.where((a > 0)[:, None], p, 1 - (1 - m * served[:, None]) * lap)
    return np.clip(p, 0.0, 1.0)


def _exp_wait_rate(laplace, served: np.ndarray) -> np.ndarray:
    """``θ`` per draw with ``1 − L(θ) = P_s`` (bisection on ``log θ``); 0 at ``P_s = 0``, ∞ at 1."""
    served = np.asarray(served, dtype=float)
    lo, hi = np.full(len(served), -30.0), np.full(len(served), 15.0)
    for _ in range(80):
        mid = (lo + hi) / 2
        below = 1 - laplace(np.exp(mid)[:, None])[:, 0] < served
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    theta = np.exp((lo + hi) / 2)
    return np.where(served <= 0, 0.0, np.where(served >= 1, np.inf, theta))


def screening_speed_factor(
    contacts_per_week: np.ndarray,
    arrivals_per_week: np.ndarray,
    mean_stay_days: np.ndarray,
    share_screening: np.ndarray,
    *,
    contacts_per_server: np.ndarray | float | None = None,
    largest: float = 1e3,
) -> np.ndarray:
    r"""How much faster than logged a screener works when the queue holds work: ``g`` per draw.

    Parameters
    ----------
    contacts_per_week : array_like
        Contact capacity ``κ = η·H·f`` today (contacts logged per week), per draw.
    arrivals_per_week, mean_stay_days, share_screening : array_like
        ``A``, ``E[T]`` and ``w`` per draw (as in :func:`reach_mixture`).
    contacts_per_server : array_like, optional
        ``μ`` (as in :func:`reach_mixture`).
    largest : float
        Upper bound of ``g`` (reached when the screening logged covers every arrival).

    Returns
    -------
    ndarray (D,)
        ``g ≥ 1``; 1 where nothing screens.

    Notes
    -----
    Every screening contact logged is a stay screened, so today's screened share of
    arrivals is ``s = wκ/A`` (throughput over arrivals). Contacts per hour come from the
    log, i.e. from the throughput; a queue model whose capacity is that throughput serves
    fewer, ``P_served(A, μ, c) · A < cμ = wκ``: it has the servers idle whenever the queue is
    empty, which the log already counts as time without contacts. So the servers' speed when
    busy is the ``gμ`` at which the Erlang A queue reproduces today's throughput,

    .. math:: P_{served}(A,\ g\mu,\ c = w\kappa/\mu,\ \gamma = 7/E[T]) = \min(1, w\kappa/A),

    solved by bisection on ``log g`` (``P_served`` increases with ``g``; at ``g = 1`` it is at
    most ``wκ/A``, so ``g ≥ 1``). Other staffing keeps ``g``: ``c`` scales with the FTE, each
    server at ``gμ``.

    References
    ----------
    Garnett, Mandelbaum and Reiman (2002), see :func:`erlang_a_served_many`; Little's law
    for the throughput.
    """
    kappa = np.atleast_1d(np.asarray(contacts_per_week, dtype=float))
    a = np.broadcast_to(np.asarray(arrivals_per_week, dtype=float), kappa.shape)
    t = np.broadcast_to(np.asarray(mean_stay_days, dtype=float), kappa.shape)
    w = np.broadcast_to(np.asarray(share_screening, dtype=float), kappa.shape)
    mu = kappa if contacts_per_server is None else np.broadcast_to(contacts_per_server, kappa.shape)
    mu = np.where(mu > 0, mu, 1.0)
    c = w * kappa / mu
    out = np.ones(kappa.shape)
    ok = (c > 0) & (a > 0) & (t > 0)
    if not ok.any():
        return out
    a_, t_, c_, mu_ = a[ok], t[ok], c[ok], mu[ok]
    target = np.minimum(c_ * mu_ / a_, 1.0)
    lo, hi = np.zeros(len(a_)), np.full(len(a_), np.log(largest))
    for _ in range(40):
        mid = (lo + hi) / 2
        served = erlang_a_served_many(a_, np.exp(mid) * mu_, c_, DAYS_PER_WEEK / t_)
        below = served < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    out[ok] = np.exp(hi)
    return out
