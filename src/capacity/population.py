"""``capacity.population``: the researchers' estimators of :mod:`capacity.models.population`.

>>> from capacity.population import chapman
>>> round(chapman(100, 100, 10).estimate)
926
"""

from capacity.models.population import *  # noqa: F403 -- the public alias for researchers
from capacity.models.population import __all__  # noqa: F401
