"""Stays in a city: build them from sightings, estimate their length, test their trend.

A *stay* is a run of one person's time-ordered sightings in one city with no gap longer
than ``gap_days`` days. The package holds one concern per module:

- :mod:`~capacity.models.stays.build` — :func:`build_stays`, arrivals per week or month,
  the sighting-gap statistics;
- :mod:`~capacity.models.stays.margins` — the margin correction for unseen days;
- :mod:`~capacity.models.stays.km` — Kaplan–Meier stay distribution and its bootstrap;
- :mod:`~capacity.models.stays.trend` — the Cox trend per calendar year;
- :mod:`~capacity.models.stays.fit` — :func:`fit_stays` and :class:`StaysResults`;
- :mod:`~capacity.models.stays.table` — many distributions as arrays for vectorised
  Laplace transforms (the Monte Carlo draws of the question-4 engine).

Methods, assumptions and what breaks them: ``docs/methods/stays.md``.
"""

from capacity.models.stays.build import (
    STAY_COLUMNS,
    build_stays,
    monthly_arrivals,
    sighting_gaps,
    sighting_probability,
    weekly_arrivals,
)
from capacity.models.stays.fit import StaysResults, fit_stays
from capacity.models.stays.km import (
    StayDistribution,
    bootstrap_stays,
    km_band,
    km_distribution,
    km_median,
)
from capacity.models.stays.table import StayTable
from capacity.models.stays.trend import cox_one_covariate, cox_trend

__all__ = [
    "STAY_COLUMNS",
    "StayDistribution",
    "StayTable",
    "StaysResults",
    "bootstrap_stays",
    "build_stays",
    "cox_one_covariate",
    "cox_trend",
    "fit_stays",
    "km_band",
    "km_distribution",
    "km_median",
    "monthly_arrivals",
    "sighting_gaps",
    "sighting_probability",
    "weekly_arrivals",
]
