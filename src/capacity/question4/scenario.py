"""Scenario settings: what :func:`~capacity.question4.evaluate` changes on top of a fit.

A :class:`Scenario` is a frozen dataclass of the settings that need no refit: the outreach
strategy (a name registered in :mod:`capacity.models.reach`), added FTE, the stay and
arrivals multipliers, the interpreter share, the target and the verdict thresholds.
``evaluate``, the fit cache (which leaves these out of its key), the sweep (which may vary
them) and the scenario tables all read the field list from here, so a new setting is
declared once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from capacity.config import Params
from capacity.exceptions import ParameterError
from capacity.models.reach import STRATEGIES

__all__ = ["SCENARIO_PARAMS", "Scenario"]


@dataclass(frozen=True)
class Scenario:
    """Settings applied by ``evaluate`` on top of one fit; validated on construction.

    Attributes
    ----------
    strategy : str
        Outreach strategy (a key of :data:`capacity.models.reach.STRATEGIES`).
    reach_measure : {"woman", "stay", "tour"}
        What the verdict and the FTE needed count (``docs/methods/tours.md``).
    reach_level : {"information", "conversation"}
        What counts as reaching her (:mod:`capacity.question4.levels`).
    written_languages : str
        Languages of the written first contact (level ``"information"``), ';'-separated.
    online_conversation_share : float
        Share of online contacts that are conversations (level ``"conversation"``).
    extra_fte : float
        Outreach FTE added to today's staffing (negative: removed).
    stay_multiplier, arrivals_multiplier : float
        Multiply every stay / arrivals per week.
    interpreter_share : float or None
        Share of contacts in a language no staff member speaks that can use an
        interpreter; ``None`` keeps the share estimated from the outreach log.
    target_reach : float
        Target effective reach.
    p_sufficient, p_insufficient : float
        Verdict thresholds on ``P(reach ≥ target)``.

    Examples
    --------
    >>> Scenario(extra_fte=2).replace(strategy="screening").strategy
    'screening'
    >>> Scenario(strategy="psychic")
    Traceback (most recent call last):
    ...
    capacity.exceptions.ParameterError: unknown outreach strategy 'psychic'; choose one of: random, screening, estimated.
    """

    strategy: str = "estimated"
    reach_measure: str = "woman"
    reach_level: str = "information"
    written_languages: str = ""
    online_conversation_share: float = 0.0
    extra_fte: float = 0.0
    stay_multiplier: float = 1.0
    arrivals_multiplier: float = 1.0
    interpreter_share: float | None = None
    target_reach: float = 0.8
    p_sufficient: float = 0.8
    p_insufficient: float = 0.2

    def __post_init__(self) -> None:
        """Check every setting (a :class:`ParameterError` names a bad one)."""
        if self.strategy not in STRATEGIES:
            raise ParameterError(
                f"unknown outreach strategy {self.strategy!r}; choose one of: "
                f"{', '.join(STRATEGIES)}."
            )
        # ranges and types as the parameters declare them (one source of truth)
        checked = Params().replace(**dataclasses.asdict(self))
        for name in SCENARIO_PARAMS:
            object.__setattr__(self, name, getattr(checked, name))

    @classmethod
    def from_params(cls, params: Params) -> Scenario:
        """The scenario settings of a parameter set."""
        return cls(**{name: getattr(params, name) for name in SCENARIO_PARAMS})

    def replace(self, **changes) -> Scenario:
        """A validated copy with some settings changed."""
        unknown = sorted(set(changes) - SCENARIO_PARAMS)
        if unknown:
            raise ParameterError(
                f"not a scenario setting: {', '.join(unknown)}; "
                f"scenario settings are {', '.join(sorted(SCENARIO_PARAMS))}."
            )
        return dataclasses.replace(self, **changes)

    def reach_settings(self) -> dict:
        """The settings the reach functions take (``reach_matrix``, the FTE solvers)."""
        return {
            "strategy": self.strategy,
            "stay_multiplier": self.stay_multiplier,
            "arrivals_multiplier": self.arrivals_multiplier,
        }

    def apply(self, params: Params) -> Params:
        """``params`` with this scenario's settings."""
        return params.replace(**dataclasses.asdict(self))


#: Names of the scenario settings (each is also a parameter of :class:`~capacity.config.Params`).
SCENARIO_PARAMS = frozenset(f.name for f in dataclasses.fields(Scenario))
