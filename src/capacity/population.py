"""Hidden-population size estimators for researchers: the public entry point.

>>> from capacity import population
>>> round(population.chapman(100, 100, 10).estimate)
926

- :func:`chapman` — two sources (Chapman 1951; Seber 1970 variance; Chao 1987 interval);
- :func:`chao` — heterogeneity lower bound from capture frequencies (Chao 1987);
- :func:`mse` — log-linear multiple systems estimation on k ≥ 2 lists;
- :func:`capture_histories` — sightings → 0/1-per-source count table for :func:`mse`;
- :func:`open_population` — an open city (arrivals and departures inside the window, capture
  that grows with time present): persons, persons present, arrivals, median stay per window.

Methods, assumptions and references: ``docs/methods/population.md``.
"""

from capacity.models.open_population import OpenPopulation, open_population
from capacity.models.population import (
    ChaoResults,
    ChapmanResults,
    PopulationResults,
    chao,
    chapman,
)
from capacity.models.population_design import capture_histories, fienberg_rinaldo
from capacity.models.population_mse import MSEResults, mse

__all__ = [
    "ChaoResults",
    "ChapmanResults",
    "MSEResults",
    "OpenPopulation",
    "PopulationResults",
    "capture_histories",
    "chao",
    "chapman",
    "fienberg_rinaldo",
    "mse",
    "open_population",
]
