"""Statistical models behind the answer to question 4 (see docs/methods.md).

Every model returns a results object derived from :class:`~capacity.models._base.Results`
and states its caveats as :class:`Caveat` (a catalogue key and values).
"""

from capacity.models._base import Caveat

__all__ = ["Caveat"]
