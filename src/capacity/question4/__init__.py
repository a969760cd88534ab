"""The question-4 engine: fit once, evaluate scenarios, one results object.

- :func:`fit_models` (:mod:`~capacity.question4.fit`) fits every model once per dataset
  and base parameters into a picklable :class:`FittedModels`;
- :class:`Scenario` (:mod:`~capacity.question4.scenario`) holds the settings applied on
  top of a fit;
- :mod:`~capacity.question4.draws` holds the Monte Carlo inputs and evaluates reach and
  FTE needed for all draws at once;
- :func:`evaluate` (:mod:`~capacity.question4.evaluate`) turns a fit and a scenario into a
  :class:`Question4Result` (:mod:`~capacity.question4.result`);
- :func:`answer_question_4` is ``evaluate(fit_models(data, params), params)``.
"""

from capacity.question4.evaluate import answer_question_4, evaluate
from capacity.question4.fit import FittedModels, fit_models
from capacity.question4.result import KEY_FIGURES, Question4Result
from capacity.question4.scenario import SCENARIO_PARAMS, Scenario

__all__ = [
    "KEY_FIGURES",
    "SCENARIO_PARAMS",
    "FittedModels",
    "Question4Result",
    "Scenario",
    "answer_question_4",
    "evaluate",
    "fit_models",
]
