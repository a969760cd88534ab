"""Many stay distributions as padded arrays, for vectorised Laplace transforms.

The question-4 engine evaluates reach for hundreds of Monte Carlo draws of the stay
distribution at once; :class:`StayTable` stacks them (one row per draw) so that
``E[exp(−h T)]`` for every draw and hazard is one ``einsum``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["StayTable"]


@dataclass(frozen=True)
class StayTable:
    """Several stay distributions (rows) as padded arrays, for vectorised Laplace transforms.

    Each row ``d`` is a ``StayDistribution`` of :mod:`capacity.models.stays`: point masses
    ``masses[d, j]`` at ``times[d, j]`` plus an exponential tail beyond ``t_max[d]``.
    """

    times: np.ndarray
    masses: np.ndarray
    s_max: np.ndarray
    t_max: np.ndarray
    tail_rate: np.ndarray
    mean: np.ndarray

    @classmethod
    def from_distributions(cls, dists: Sequence) -> StayTable:
        """Stack ``StayDistribution`` objects (``times, masses, s_max, t_max, tail_rate``)."""
        width = max(len(d.times) for d in dists)
        times = np.zeros((len(dists), width))
        masses = np.zeros((len(dists), width))
        for i, d in enumerate(dists):
            times[i, : len(d.times)] = d.times
            masses[i, : len(d.masses)] = d.masses
        s_max = np.array([float(d.s_max) for d in dists])
        rate = np.array([float(d.tail_rate) if d.s_max > 0 else 1.0 for d in dists])
        return cls(
            times=times,
            masses=masses,
            s_max=s_max,
            t_max=np.array([float(d.t_max) for d in dists]),
            tail_rate=rate,
            mean=np.array([d.mean() for d in dists]),
        )

    def __len__(self) -> int:
        """Number of stay distributions (draws) in the table."""
        return self.times.shape[0]

    def take(self, idx: np.ndarray) -> StayTable:
        """Rows ``idx`` (e.g. the point estimate repeated)."""
        return StayTable(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    def laplace(self, h: np.ndarray) -> np.ndarray:
        """``E[exp(−h T)]`` per row: ``h`` has shape ``(D, K)``, the result too.

        Notes
        -----
        ``L_d(h) = Σ_j p_dj e^{−h t_dj} + s_max,d e^{−h t_max,d} λ_d/(λ_d + h)``.
        """
        h = np.asarray(h, dtype=float)
        body = np.einsum("dkj,dj->dk", np.exp(-h[:, :, None] * self.times[:, None, :]), self.masses)
        tail = (
            self.s_max[:, None]
            * np.exp(-h * self.t_max[:, None])
            * self.tail_rate[:, None]
            / (self.tail_rate[:, None] + h)
        )
        return np.clip(body + tail, 0.0, 1.0)
