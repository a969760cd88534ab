"""Every assumed or calibrated value of the synthetic world, in one frozen dataclass.

Each field says in its comment whether it is *calibrated* (and to which figure in
``/work/shared/context/README.md``, "Public figures") or an *assumption* (no public source;
chosen to be plausible and to exercise the models).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from capacity.exceptions import ParameterError

#: Swedish municipalities the generator knows: (name, latitude, longitude, population in
#: thousands, about 2023, SCB, rounded). The first six are the shipped sample's cities.
CITIES: tuple[tuple[str, float, float, float], ...] = (
    ("Stockholm", 59.33, 18.07, 985),
    ("Göteborg", 57.71, 11.97, 600),
    ("Malmö", 55.60, 13.00, 362),
    ("Uppsala", 59.86, 17.64, 242),
    ("Linköping", 58.41, 15.62, 167),
    ("Örebro", 59.27, 15.21, 160),
    ("Västerås", 59.61, 16.54, 160),
    ("Helsingborg", 56.05, 12.69, 152),
    ("Norrköping", 58.59, 16.19, 145),
    ("Jönköping", 57.78, 14.16, 145),
    ("Umeå", 63.83, 20.26, 132),
    ("Lund", 55.70, 13.19, 128),
    ("Borås", 57.72, 12.94, 115),
    ("Halmstad", 56.67, 12.86, 105),
    ("Eskilstuna", 59.37, 16.51, 108),
    ("Gävle", 60.67, 17.14, 104),
    ("Södertälje", 59.20, 17.63, 102),
    ("Sundsvall", 62.39, 17.31, 99),
    ("Växjö", 56.88, 14.81, 97),
    ("Karlstad", 59.38, 13.50, 96),
)

CHANNELS: tuple[str, ...] = ("online", "street", "venue", "operation")
SOURCES: tuple[str, ...] = ("ads_a", "ads_b", "outreach", "police")


def _fz(mapping: dict) -> tuple:
    """A mapping as a tuple of pairs, so that the frozen dataclass stays hashable."""
    return tuple(mapping.items())


@dataclass(frozen=True)
class SynthConfig:
    """The synthetic world's parameters (all rates per day unless the name says otherwise).

    Build variants with :func:`dataclasses.replace`; :meth:`validate` runs on construction.
    Mapping-valued fields are stored as tuples of ``(key, value)`` pairs; read them with
    ``dict(cfg.field)``.

    Examples
    --------
    >>> cfg = SynthConfig()
    >>> round(cfg.median_stay(2021), 1), round(cfg.median_stay(2025), 1)
    (21.0, 10.0)
    """

    # --- period ------------------------------------------------------------------------
    start: dt.date = dt.date(2021, 1, 1)  # assumption: the analysis window of the project
    end: dt.date = dt.date(2025, 12, 31)  # assumption
    burn_in_days: int = 365  # technical: simulated before `start` so the world is in steady state
    follow_up_days: int = 180  # technical: stays and contacts followed after `end` for the truth
    # --- size of the target group ----------------------------------------------------------
    # calibrated: ≈1,000 persons in prostitution in Sweden in one week (DN, Nov 2018), taken
    # as the distinct persons present in one week of the first simulated year.
    persons_per_week_sweden: float = 1000.0
    # calibrated: "Stockholm ≈ a third of them" (DN, Nov 2018; brief).
    stockholm_share: float = 1 / 3
    # assumption: the 20 largest municipalities hold 90 % of the national group; the share
    # beyond Stockholm is split in proportion to municipal population.
    share_in_20_cities: float = 0.90
    # assumption: external arrivals grow 25 % a year (prostitution "rising", police reports).
    arrivals_growth_per_year: float = 1.25
    seasonal_amplitude: float = 0.25  # assumption: ±25 % seasonal cycle in arrivals
    seasonal_peak_day: int = 196  # assumption: arrivals peak mid-July (day of year)
    # --- stays (Weibull, proportional hazards in the calendar year of arrival) -------------
    weibull_shape: float = 0.8  # assumption: decreasing hazard, skewed like Kennedy 2022
    # calibrated in spirit to Kennedy 2022 (median 14 days active per advertiser) and the
    # brief: median stay in a city 21 days in 2021 falling to 10 days in 2025.
    median_stay_first_year: float = 21.0
    median_stay_last_year: float = 10.0
    # assumption: after a stay, the share leaving Sweden (stay-weighted mean over cities;
    # the rest tour on to another city along symmetric gravity flows)
    p_leave_sweden: float = 0.45
    gravity_distance_power: float = 0.5  # assumption: flows ∝ x_c x_c' / distance^power
    max_tour_probability: float = 0.9  # assumption: cap on a city's chance to tour on
    travel_extra_days: float = (
        0.5  # assumption: a tour's next stay starts 1 + Poisson(this) days later
    )
    # --- who the persons are ------------------------------------------------------------
    # calibrated to the order of the main countries of origin (DN; police statements):
    # Romania and Nigeria (English) largest, South/Central America (Spanish) rising; the
    # numeric shares are assumptions. First and last simulated year; linear in between.
    language_shares_first: tuple = _fz(
        {"ro": 0.36, "en": 0.24, "es": 0.06, "bg": 0.08, "hu": 0.07, "th": 0.07,
         "zh": 0.05, "ru": 0.04, "sv": 0.03}
    )  # fmt: skip
    language_shares_last: tuple = _fz(
        {"ro": 0.30, "en": 0.22, "es": 0.18, "bg": 0.08, "hu": 0.06, "th": 0.06,
         "zh": 0.04, "ru": 0.03, "sv": 0.03}
    )  # fmt: skip
    trafficked_share: float = 0.25  # assumption: share with trafficking indicators if assessed
    # --- sources (capture-recapture lists) ------------------------------------------------
    p_advertise_a: float = 0.60  # assumption: share of persons advertising on site A
    p_advertise_b: float = 0.45  # assumption: share advertising on site B (independent of A)
    # An advertiser's ad for a stay is captured by the site's scraper when posted (on the
    # day of arrival) with probability p_capture_ads, the same for short and long stays, so
    # that the ad lists are not heterogeneous in stay length; a captured ad is then seen
    # again on each snapshot while the person stays, with probability p_snapshot_ads.
    p_capture_ads: float = 0.80  # assumption
    p_snapshot_ads: float = 0.70  # assumption
    snapshot_every_days_a: int = 7  # assumption: site A scraped weekly
    snapshot_every_days_b: int = 14  # assumption: site B scraped fortnightly
    snapshot_offset_b: int = 3  # assumption: site B scraped 3 days after site A
    p_language_known_ads: float = 0.9  # assumption: ad states a language
    p_language_known_police: float = 0.7  # assumption
    # --- outreach teams -----------------------------------------------------------------------
    team_size_stockholm: int = 8  # assumption (brief: Stockholm ~8 persons; fewer elsewhere)
    hours_per_fte_week: float = 40.0  # assumption: full-time week
    outreach_share_mean: float = 0.35  # assumption: share of working time on outreach
    outreach_share_sd: float = 0.1  # assumption: spread between staff (clipped to 0.1-0.8)
    # assumption: employment levels (FTE) of staff and their probabilities
    fte_levels: tuple = _fz({1.0: 0.55, 0.9: 0.10, 0.8: 0.15, 0.75: 0.10, 0.5: 0.10})
    field_share: float = 0.4  # assumption: share of outreach time spent in logged shifts
    staff_turnover_per_month: float = 0.02  # assumption
    p_speaks: tuple = _fz({"ro": 0.15, "es": 0.12, "ru": 0.04})  # assumption; all speak sv, en
    p_trained: float = 0.55  # assumption: share trained in identifying trafficking on hiring
    training_per_month: float = 0.03  # assumption: untrained staff trained per month
    channel_mix: tuple = _fz({"online": 0.45, "street": 0.30, "venue": 0.25})  # assumption
    # assumption (a switch of the world, not a calibrated value): channels whose shifts screen
    # new arrivals (a queue: newest unscreened stay first, each stay once) instead of searching
    # at random among the persons present. () = random search everywhere (the shipped sample);
    # ("online",) = the mixture of online screening and street/venue search seen in Swedish
    # practice; ("online", "street", "venue") = screening only.
    screening_channels: tuple = ()
    # assumption: share of online contacts that are a call or a meeting — a conversation in
    # which trafficking indicators can be assessed (level b of reach) — rather than a written
    # message; street, venue and operation contacts are all conversations. Only the truth of
    # the levels of reach uses it (truth/stays.csv `reached_conversation`); the outreach log
    # does not say which online contacts were conversations (as in real logs).
    online_conversation_share: float = 0.0
    # assumption: languages (ISO 639-1) in which written information exists (an ad reply, a
    # text message, a web page): a written online contact in one of them reaches a woman at
    # level a of reach (information in a language she understands) without a speaker or an
    # interpreter. () = none (the shipped sample). Only the truth uses it.
    written_languages: tuple = ()
    shift_staff: tuple = _fz({"online": 1, "street": 2, "venue": 2})  # assumption
    shift_hours: tuple = _fz({"online": 4.0, "street": 4.0, "venue": 3.0})  # assumption
    shift_hours_factors: tuple = (0.75, 1.0, 1.0, 1.25, 1.5)  # assumption: shift length varies
    p_extra_staff: float = 0.3  # assumption: a street or venue shift has one more staff member
    # calibrated: the overall level makes Stockholm's outreach reach about 255 distinct
    # persons in 2021 (DN, Feb 2022); the split by channel is an assumption.
    eta: tuple = _fz({"online": 0.12, "street": 0.05, "venue": 0.07, "operation": 0.30})
    p_interpreter: float = 0.30  # assumption: share of other-language contacts with interpreter
    p_offer_understood: float = 0.55  # assumption: support offered when the contact is understood
    p_offer_not_understood: float = 0.10  # assumption
    p_accept: float = 0.30  # assumption: offered support accepted
    p_identify_trained: float = (
        0.65  # assumption: indicators found (trafficked, understood, trained)
    )
    p_identify_untrained: float = 0.20  # assumption
    identify_not_understood: float = 0.3  # assumption: factor on identification without language
    p_refer: float = 0.55  # assumption: referral of persons with indicators or accepted support
    # --- joint police operations ----------------------------------------------------------------
    # calibrated: Stockholm operations of 28–91 buyers per week (Polisen/SR); the counts per
    # year are assumptions (Stockholm more often; ≈ population^0.5 elsewhere).
    operations_per_year_stockholm: float = 6.0
    buyers_per_op_day: float = 8.5  # calibrated: 28–91 buyers per week-long operation
    op_days: tuple = _fz({1: 0.2, 2: 0.2, 3: 0.2, 5: 0.1, 7: 0.3})  # assumption: lengths
    social_workers_mean: float = 4.0  # calibrated: 4 social workers present (Oct 2020)
    mandate_probs: tuple = _fz({"buyers": 0.55, "sellers": 0.15, "both": 0.30})  # assumption
    p_encounter_per_day: float = (
        0.02  # assumption: a present person is encountered per operation day
    )
    mandate_contact_factor: tuple = _fz({"buyers": 0.1, "sellers": 1.0, "both": 0.8})  # assumption
    op_hours_per_day: float = 6.0  # assumption: hours per social worker and operation day
    p_reflection_offered: float = 0.35  # assumption: informed persons offered reflection period
    days_to_support_median: tuple = _fz({"buyers": 6.0, "sellers": 1.0, "both": 2.0})  # assumption
    days_to_support_sdlog: float = 0.5  # assumption: lognormal spread between operations
    # the letter's operation (calibrated: 132 buyers, 6 social workers, mandate buyers)
    letter_operation: tuple = _fz(
        {"city": "Stockholm", "start_month_day": "10-06", "days": 7, "buyers": 132,
         "social_workers": 6, "mandate": "buyers"}
    )  # fmt: skip
    sample_cities: int = 6  # the shipped sample's cities (the first six of CITIES)
    max_stays_per_person: int = 40  # technical cap on a tour's length
    # --- worlds that break the estimators' assumptions (issue 9; defaults: the world above) --
    # stay lengths: "weibull" (proportional hazards in the year) or "lognormal" with the same
    # median per year and log-scale SD `lognormal_sdlog` (not proportional hazards)
    stay_distribution: str = "weibull"
    lognormal_sdlog: float = 1.2
    # ad capture: "per_stay" (an ad captured on arrival, then snapshots) or "per_day" (a site
    # sees a present advertiser on each day with chance p_ads_per_day_a / _b, so capture
    # grows with time present: heterogeneity shared by every source)
    ads_capture: str = "per_stay"
    p_ads_per_day_a: float = 0.12
    p_ads_per_day_b: float = 0.07
    # share of persons who never advertise on any site (on top of the independent
    # p_advertise_a / _b draws): the two ad lists become positively dependent
    p_invisible_ads: float = 0.0
    # online outreach works from the ads: a stay with an ad sighting is contacted by an
    # online shift at this many times the rate of a stay without (1 = independent sources)
    outreach_from_ads: float = 1.0

    def __post_init__(self) -> None:
        """Check the settings (a :class:`ParameterError` names a bad one)."""
        self.validate()

    # --- derived quantities -------------------------------------------------------------------
    @property
    def is_variant(self) -> bool:
        """True if an option of the assumption-breaking worlds differs from its default."""
        defaults = {f.name: f.default for f in dataclasses.fields(SynthConfig)}
        return any(getattr(self, name) != defaults[name] for name in VARIANT_FIELDS)

    @property
    def years(self) -> list[int]:
        """Calendar years the synthetic period covers."""
        return list(range(self.start.year, self.end.year + 1))

    @property
    def stay_trend(self) -> float:
        """Multiplicative change of the Weibull scale per calendar year."""
        n = max(self.end.year - self.start.year, 1)
        return (self.median_stay_last_year / self.median_stay_first_year) ** (1 / n)

    def stay_scale(self, year: int | np.ndarray) -> float | np.ndarray:
        r"""Weibull scale :math:`\lambda_y = \lambda_0 r^{(y - y_0)}` (years before y0 use y0).

        For lognormal stays, the median :math:`e^{\mu_y}` instead (same trend ``r``).
        """
        k = np.maximum(np.asarray(year) - self.start.year, 0)
        if self.stay_distribution == "lognormal":
            return self.median_stay_first_year * self.stay_trend**k
        lam0 = self.median_stay_first_year / math.log(2) ** (1 / self.weibull_shape)
        return lam0 * self.stay_trend**k

    def median_stay(self, year: int) -> float:
        """Median stay length in days in ``year`` (the trend applied)."""
        if self.stay_distribution == "lognormal":
            return float(self.stay_scale(year))
        return float(self.stay_scale(year) * math.log(2) ** (1 / self.weibull_shape))

    def mean_stay(self, year: int) -> float:
        """Mean stay length in days in ``year`` (the trend applied)."""
        if self.stay_distribution == "lognormal":
            return float(self.stay_scale(year) * math.exp(self.lognormal_sdlog**2 / 2))
        return float(self.stay_scale(year) * math.gamma(1 + 1 / self.weibull_shape))

    def draw_stays(self, year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Stay lengths (days, continuous) for stays arriving in the given years."""
        if self.stay_distribution == "lognormal":
            return self.stay_scale(year) * np.exp(rng.normal(0.0, self.lognormal_sdlog, len(year)))
        return self.stay_scale(year) * rng.weibull(self.weibull_shape, len(year))

    @property
    def hazard_ratio_per_year(self) -> float:
        r"""True hazard ratio of leaving per calendar year, :math:`r^{-k}`."""
        return float(self.stay_trend ** (-self.weibull_shape))

    def validate(self) -> None:
        """Refuse impossible values with a message naming the field."""
        probs = [f.name for f in dataclasses.fields(self) if f.name.startswith("p_")]
        for name in probs:
            v = getattr(self, name)
            if isinstance(v, float) and not 0.0 <= v <= 1.0:
                raise ParameterError(f"SynthConfig.{name} = {v} must be a probability in [0, 1].")
        if self.end <= self.start:
            raise ParameterError(
                f"SynthConfig.end ({self.end}) must be after start ({self.start})."
            )
        for name in (
            "weibull_shape",
            "median_stay_first_year",
            "median_stay_last_year",
            "lognormal_sdlog",
            "outreach_from_ads",
        ):
            if getattr(self, name) <= 0:
                raise ParameterError(f"SynthConfig.{name} must be positive.")
        for name, allowed in (
            ("stay_distribution", ("weibull", "lognormal")),
            ("ads_capture", ("per_stay", "per_day")),
        ):
            if getattr(self, name) not in allowed:
                raise ParameterError(
                    f"SynthConfig.{name} = {getattr(self, name)!r}; allowed: {', '.join(allowed)}."
                )
        for name in (
            "language_shares_first",
            "language_shares_last",
            "fte_levels",
            "op_days",
            "mandate_probs",
            "channel_mix",
        ):
            total = sum(v for _, v in getattr(self, name))
            if abs(total - 1.0) > 1e-6:
                raise ParameterError(f"SynthConfig.{name} must sum to 1 (sums to {total:.4f}).")
        self._validate_levels()
        unknown = [c for c in self.screening_channels if c not in dict(self.channel_mix)]
        if unknown:
            raise ParameterError(
                f"SynthConfig.screening_channels names {unknown}; allowed: the channels of "
                f"channel_mix ({', '.join(dict(self.channel_mix))})."
            )
        if self.screening_channels and self.outreach_from_ads != 1.0:
            raise ParameterError(
                "SynthConfig.screening_channels and outreach_from_ads ≠ 1 cannot be combined: "
                "choose one way for online outreach to use the ads."
            )

    def _validate_levels(self) -> None:
        """The options of the levels of reach (``online_conversation_share``, written)."""
        if not 0.0 <= float(self.online_conversation_share) <= 1.0:
            raise ParameterError(
                f"SynthConfig.online_conversation_share = {self.online_conversation_share} "
                "must be a share in [0, 1]."
            )
        known = set(dict(self.language_shares_first)) | set(dict(self.language_shares_last))
        odd = [c for c in self.written_languages if c not in known]
        if odd:
            raise ParameterError(
                f"SynthConfig.written_languages names {odd}; allowed: the languages of "
                f"language_shares_first ({', '.join(sorted(known))})."
            )

    def to_dict(self) -> dict:
        """Plain JSON-able values (mappings as dicts, dates as ISO strings).

        The options of the assumption-breaking worlds (:data:`VARIANT_FIELDS`) appear only
        when one of them differs from its default, so the calibrated world's ``truth.json``
        (and the shipped sample) stays as it was.
        """
        out = {}
        variant = self.is_variant
        for f in dataclasses.fields(self):
            if f.name in VARIANT_FIELDS and not variant:
                continue
            v = getattr(self, f.name)
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, tuple) and v and isinstance(v[0], tuple):
                v = dict(v)
            out[f.name] = v
        return out


#: Fields of the worlds that break the estimators' assumptions (issue 9).
VARIANT_FIELDS: tuple[str, ...] = (
    "stay_distribution",
    "lognormal_sdlog",
    "ads_capture",
    "p_ads_per_day_a",
    "p_ads_per_day_b",
    "p_invisible_ads",
    "outreach_from_ads",
    "screening_channels",
)


def city_table(cfg: SynthConfig, n_cities: int) -> dict[str, np.ndarray]:
    """Names, coordinates and target sizes of the first ``n_cities`` cities.

    Returns the persons present on a day in the first year, per city, from Little's law
    :math:`N_{week} = N_{day}(1 + 7/E[T])` applied to the calibrated weekly count.
    """
    if not 1 <= n_cities <= len(CITIES):
        raise ParameterError(f"n_cities = {n_cities}; allowed: 1 to {len(CITIES)}.")
    names = np.array([c[0] for c in CITIES])
    lat = np.array([c[1] for c in CITIES])
    lon = np.array([c[2] for c in CITIES])
    pop = np.array([c[3] for c in CITIES], dtype=float)
    share = np.empty(len(CITIES))
    share[0] = cfg.stockholm_share
    share[1:] = (cfg.share_in_20_cities - cfg.stockholm_share) * pop[1:] / pop[1:].sum()
    week = cfg.persons_per_week_sweden * share
    present = week / (1 + 7 / cfg.mean_stay(cfg.start.year))
    sl = slice(0, n_cities)
    return {
        "name": names[sl],
        "lat": lat[sl],
        "lon": lon[sl],
        "share": share[sl],
        "present": present[sl],
    }
