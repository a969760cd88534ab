"""Hidden-population size estimators for researchers: the public entry point.

>>> from capacity import population
>>> round(population.chapman(100, 100, 10).estimate)
926

- :func:`chapman` — two sources (Chapman 1951; Seber 1970 variance; Chao 1987 interval);
- :func:`chao` — heterogeneity lower bound from capture frequencies (Chao 1987);
- :func:`mse` — log-linear multiple systems estimation on k ≥ 2 lists;
- :func:`capture_histories` — sightings → 0/1-per-source count table for :func:`mse`;
- :func:`open_population` — an open city (arrivals and departures inside the window,
  capture that grows with time present): persons, persons present, arrivals and the median
  stay per window (the stay-process model of :mod:`~capacity.models.population.open`);
- :func:`population_chain` — per-window population of a city and the detection share.

Modules: :mod:`~capacity.models.population.estimators` (Chapman, Chao, the results base),
:mod:`~capacity.models.population.design` (histories, design matrices, existence),
:mod:`~capacity.models.population.mse`, :mod:`~capacity.models.population.profile`
(profile-likelihood intervals), :mod:`~capacity.models.population.open`,
:mod:`~capacity.models.population.chain`.
``capacity.population`` is this package under a shorter name. Methods, assumptions and
references: ``docs/methods/population.md``.
"""

from capacity.models.population.chain import PopulationChain, lognormal_unseen, population_chain
from capacity.models.population.design import capture_histories, fienberg_rinaldo
from capacity.models.population.estimators import (
    ChaoResults,
    ChapmanResults,
    PopulationResults,
    chao,
    chapman,
)
from capacity.models.population.mse import MSEResults, mse
from capacity.models.population.open import OpenPopulation, WindowFit, open_population

__all__ = [
    "ChaoResults",
    "ChapmanResults",
    "MSEResults",
    "OpenPopulation",
    "PopulationChain",
    "PopulationResults",
    "capture_histories",
    "chao",
    "chapman",
    "fienberg_rinaldo",
    "lognormal_unseen",
    "WindowFit",
    "mse",
    "open_population",
    "population_chain",
]
