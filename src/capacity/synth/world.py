"""The true world: arrivals, stays, tours between cities, and who the persons are.

Everything is vectorised over persons; the only Python loop runs over the position of a
stay within a tour (at most ``max_stays_per_person`` passes over shrinking arrays).

Time is an integer day index ``t`` with ``t = 0`` on ``cfg.start``; the simulation runs
from ``-cfg.burn_in_days`` to the horizon ``H`` (the period's last day plus a margin, so
that stays near the end are followed to their true end).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.synth.config import SynthConfig


@dataclass(frozen=True)
class Calendar:
    """Day index ↔ date, year, month and quarter over ``[-burn_in, horizon)``."""

    origin: pd.Timestamp  # date of t = 0
    first: int  # first simulated day index (negative: burn-in)
    n_period: int  # days in the analysis period
    horizon: int  # one past the last simulated day index
    dates: pd.DatetimeIndex  # date of each simulated day, from `first`

    @classmethod
    def from_config(cls, cfg: SynthConfig) -> Calendar:
        """The calendar of a synthetic world's period."""
        origin = pd.Timestamp(cfg.start)
        n_period = (pd.Timestamp(cfg.end) - origin).days + 1
        first = -cfg.burn_in_days
        horizon = n_period + cfg.follow_up_days
        dates = pd.date_range(origin + pd.Timedelta(days=first), periods=horizon - first, freq="D")
        return cls(origin, first, n_period, horizon, dates)

    def year(self, t: np.ndarray) -> np.ndarray:
        """Calendar year of each day index ``t``."""
        return self.dates.year.to_numpy()[np.asarray(t) - self.first]

    def month_index(self, t: np.ndarray) -> np.ndarray:
        """Months since the burn-in's first month (0-based)."""
        d = self.dates
        m = (d.year.to_numpy() - d.year[0]) * 12 + d.month.to_numpy() - d.month[0]
        return m[np.asarray(t) - self.first]

    @property
    def n_months(self) -> int:
        """Number of months in the period."""
        return int(self.month_index(np.array([self.horizon - 1]))[0]) + 1

    def to_date(self, t: np.ndarray) -> np.ndarray:
        """Dates of the day indices ``t``."""
        return self.origin.to_datetime64().astype("datetime64[D]") + np.asarray(t).astype(
            "timedelta64[D]"
        )


@dataclass(frozen=True)
class World:
    """Persons and their true stays (integer indices; ids are attached at the end)."""

    cal: Calendar
    city_names: np.ndarray
    flow: np.ndarray  # (n_cities, n_cities) destination probabilities of a tour
    tour: np.ndarray  # per city: probability of touring on after a stay there
    external_base: np.ndarray  # arrivals from abroad per day per city at the first year's level
    languages: tuple[str, ...]
    person_lang: np.ndarray  # index into languages
    person_ads_a: np.ndarray  # bool
    person_ads_b: np.ndarray  # bool
    person_trafficked: np.ndarray  # bool
    stay_person: np.ndarray
    stay_city: np.ndarray
    stay_arrive: np.ndarray  # first day present (day index)
    stay_leave: np.ndarray  # last day present (day index, inclusive)
    stay_length: np.ndarray  # true continuous length T in days
    stay_year: np.ndarray  # calendar year of arrival (sets the Weibull scale)
    stay_order: np.ndarray  # position of the stay within the person's tour (0-based)
    present: np.ndarray  # (n_cities, horizon - first) persons present per day

    @property
    def n_persons(self) -> int:
        """Number of persons in the world."""
        return len(self.person_lang)


def unique_sorted(x: np.ndarray, return_index: bool = False):
    """Sorted distinct values (and the index of one occurrence of each) by one sort.

    ``np.unique`` on millions of int64 keys is slow in the pinned numpy (hash path); a
    plain sort is fast and what every caller here needs.
    """
    order = np.argsort(x, kind="stable")
    xs = x[order]
    new = np.ones(len(xs), dtype=bool)
    new[1:] = xs[1:] != xs[:-1]
    return (xs[new], order[new]) if return_index else xs[new]


def _kernel(lat: np.ndarray, lon: np.ndarray, power: float) -> np.ndarray:
    """Gravity kernel ``1/d^power`` between cities (great-circle km), zero on the diagonal."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    safe = np.where(dist > 0, dist, 1.0)
    return np.where(dist > 0, safe**-power, 0.0)


def touring(
    lat: np.ndarray,
    lon: np.ndarray,
    present: np.ndarray,
    power: float,
    mean_tour: float,
    cap: float = 0.9,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Symmetric gravity flows: destination probabilities and the chance to tour on.

    Notes
    -----
    Moves between two cities per day are :math:`F_{cc'} = \kappa\,x_c x_{c'} d_{cc'}^{-\gamma}`
    with :math:`x_c = N_c/E[T]` the stays starting per day (symmetric, so each city gains
    as many touring persons as it loses). After a stay in :math:`c` a person tours on with
    probability :math:`q_c = \sum_{c'} F_{cc'}/x_c` to :math:`c'` with probability
    :math:`M_{cc'} = F_{cc'}/\sum_{c''} F_{cc''}`, else leaves Sweden. :math:`\kappa` makes
    the stay-weighted mean of :math:`q` equal ``mean_tour``, capped so that no
    :math:`q_c` exceeds ``cap``. Then the arrivals from abroad are :math:`a_c = x_c(1 - q_c) > 0`.

    References
    ----------
    Zipf, G. K. (1946). The P1 P2/D hypothesis: on the intercity movement of persons.
    American Sociological Review 11(6), 677-686.
    """
    g = _kernel(lat, lon, power)
    s = g @ present
    if len(present) < 2 or s.max() <= 0:
        return np.zeros((len(present), len(present))), np.zeros(len(present))
    kappa = mean_tour * present.sum() / (present * s).sum()
    kappa = min(kappa, cap / s.max())
    w = g * present[None, :]
    flow = w / w.sum(axis=1, keepdims=True)
    return flow, kappa * s


def external_arrivals(present: np.ndarray, flow: np.ndarray, tour: np.ndarray, mean_stay: float):
    r"""Arrivals from abroad per day that make ``present`` the steady state.

    Notes
    -----
    Stays start in city :math:`c` at rate :math:`x_c = N_c / E[T]` (Little's law). A stay is
    followed by one in :math:`c'` with probability :math:`q_c M_{cc'}`, so
    :math:`x = a + M^\top (q \circ x)` and :math:`a = x - M^\top (q \circ x)`, clipped at
    zero (with the symmetric flows of :func:`touring`, :math:`a = x(1 - q)`).
    """
    x = present / mean_stay
    return np.clip(x - flow.T @ (tour * x), 0.0, None)


def season_trend(cfg: SynthConfig, cal: Calendar) -> np.ndarray:
    """Multiplier of arrivals per simulated day: yearly growth times a seasonal cycle.

    ``g^{(t - t_ref)/365.25} (1 + A cos(2π (doy - peak)/365.25))`` with ``t_ref`` the middle
    of the first year, so the first year averages to one.
    """
    t = np.arange(cal.first, cal.horizon)
    trend = cfg.arrivals_growth_per_year ** ((t - 182.5) / 365.25)
    doy = cal.dates.day_of_year.to_numpy()
    season = 1 + cfg.seasonal_amplitude * np.cos(2 * np.pi * (doy - cfg.seasonal_peak_day) / 365.25)
    return trend * season


def language_shares(cfg: SynthConfig, year: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Languages and, per year given, their shares (linear from first to last year)."""
    first, last = dict(cfg.language_shares_first), dict(cfg.language_shares_last)
    langs = tuple(first)
    span = max(cfg.end.year - cfg.start.year, 1)
    w = np.clip((np.asarray(year) - cfg.start.year) / span, 0, 1)[:, None]
    p0 = np.array([first[k] for k in langs])
    p1 = np.array([last.get(k, 0.0) for k in langs])
    shares = (1 - w) * p0 + w * p1
    return langs, shares / shares.sum(axis=1, keepdims=True)


def simulate_world(
    cfg: SynthConfig, cities: dict[str, np.ndarray], scale: float, rng: np.random.Generator
) -> World:
    """Draw arrivals from abroad, then each person's tour of stays until they leave Sweden."""
    cal = Calendar.from_config(cfg)
    n_c = len(cities["name"])
    flow, tour = touring(
        cities["lat"],
        cities["lon"],
        cities["present"],
        cfg.gravity_distance_power,
        1 - cfg.p_leave_sweden,
        cfg.max_tour_probability,
    )
    base = external_arrivals(cities["present"], flow, tour, cfg.mean_stay(cfg.start.year))
    base = base * scale
    # arrivals from abroad: Poisson per day and city, only up to the period's end
    days = np.arange(cal.first, cal.n_period)
    rate = base[None, :] * season_trend(cfg, cal)[: len(days), None]
    counts = rng.poisson(rate)
    day_idx, city_idx = np.nonzero(counts)
    reps = counts[day_idx, city_idx]
    arrive = np.repeat(days[day_idx], reps)
    city = np.repeat(city_idx, reps)
    n = len(arrive)
    # who the persons are
    year0 = cal.year(arrive)
    years = np.arange(cal.year(np.array([cal.first]))[0], cfg.end.year + 1)
    langs, shares = language_shares(cfg, years)
    lang = np.zeros(n, dtype=np.int8)
    u = rng.random(n)
    for row, y in enumerate(years):  # one pass per calendar year
        sel = year0 == y
        lang[sel] = np.searchsorted(np.cumsum(shares[row]), u[sel], side="right")
    lang = np.minimum(lang, len(langs) - 1)
    ads_a = rng.random(n) < cfg.p_advertise_a
    ads_b = rng.random(n) < cfg.p_advertise_b
    trafficked = rng.random(n) < cfg.trafficked_share
    if cfg.p_invisible_ads > 0:  # drawn only then, so the default world's stream is unchanged
        invisible = rng.random(n) < cfg.p_invisible_ads
        ads_a &= ~invisible
        ads_b &= ~invisible
    # tours: one vectorised pass per stay position
    cum_flow = np.cumsum(flow, axis=1)
    person = np.arange(n)
    parts: list[tuple[np.ndarray, ...]] = []
    day = arrive.copy()
    for order in range(cfg.max_stays_per_person):
        year = cal.year(np.minimum(day, cal.horizon - 1))
        length = cfg.draw_stays(year, rng)
        leave = day + np.floor(length).astype(np.int64)
        parts.append((person, city, day, leave, length, year, np.full(len(day), order)))
        go_on = rng.random(len(day)) < tour[city]
        nxt_day = leave + 1 + rng.poisson(cfg.travel_extra_days, len(day))
        go_on &= nxt_day < cal.n_period
        if not go_on.any():
            break
        u = rng.random(int(go_on.sum()))
        nxt_city = (u[:, None] > cum_flow[city[go_on]]).sum(axis=1)
        person, city, day = person[go_on], np.minimum(nxt_city, n_c - 1), nxt_day[go_on]
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    s_person, s_city, s_arrive, s_leave, s_len, s_year, s_order = cols
    # persons present per city and day (difference array over the simulated days)
    width = cal.horizon - cal.first
    size = n_c * (width + 1)
    start_at = s_city * (width + 1) + (s_arrive - cal.first)
    stop_at = s_city * (width + 1) + (np.minimum(s_leave + 1, cal.horizon) - cal.first)
    diff = np.bincount(start_at, minlength=size) - np.bincount(stop_at, minlength=size)
    present = np.cumsum(diff.reshape(n_c, width + 1), axis=1)[:, :width]
    return World(
        cal=cal,
        city_names=cities["name"],
        flow=flow,
        tour=tour,
        external_base=base,
        languages=langs,
        person_lang=lang,
        person_ads_a=ads_a,
        person_ads_b=ads_b,
        person_trafficked=trafficked,
        stay_person=s_person,
        stay_city=s_city,
        stay_arrive=s_arrive,
        stay_leave=s_leave,
        stay_length=s_len,
        stay_year=s_year,
        stay_order=s_order,
        present=present,
    )
