"""capacity — are the outreach teams' staff and competence enough for a mobile target group?

The public entry points:

- :func:`capacity.load` reads and validates a dataset folder (see ``docs/data-contract.md``);
- :func:`capacity.answer_question_4` runs the whole chain of models and returns one results
  object that the committee report renders;
- :func:`capacity.optimise` finds the mix of measures (FTE, language hires, interpreters,
  translation) that buys the most reach for a yearly budget;
- :mod:`capacity.population` holds the capture–recapture estimators for researchers.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "answer_question_4", "load", "optimise"]


def __getattr__(name: str):
    # Lazy so that `import capacity` stays fast for the command line.
    if name == "answer_question_4":
        from capacity.question4 import answer_question_4

        return answer_question_4
    if name == "optimise":
        from capacity.question4.optimise import optimise

        return optimise
    if name == "load":
        from capacity.dataset import load_dataset

        return load_dataset
    raise AttributeError(f"module 'capacity' has no attribute {name!r}")
