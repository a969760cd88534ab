"""The few statsmodels classes the models use, without importing ``statsmodels.api``.

``statsmodels.api`` imports every sub-package (time series, graphics, formulas, ...); the
models need only GLM, its families and the negative binomial. Importing those alone keeps
the report kernel's start short. Use as ``from capacity.models import _statsmodels as sm``;
``sm.GLM``, ``sm.families`` and ``sm.NegativeBinomial`` are the objects of
``statsmodels.api``.
"""

from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

__all__ = ["GLM", "NegativeBinomial", "families"]
