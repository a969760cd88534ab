"""Outreach strategy per channel: which channels screen new arrivals and which search.

The time to first contact (:mod:`capacity.models.strategy`) identifies the share ``w`` of
the city's contact capacity that goes to screening new arrivals; the outreach log says how
the contacts split over the channels (online, venue, street, operation). This module puts
the two together (``docs/methods/strategy.md``, "Per channel"):

- :func:`split_by_channel` spreads ``w`` over the channels in the order in which they take
  on screening — online first (going through new ads is a queue of arrivals), then venue,
  then street; operations meet whoever is there and always search — so that each channel
  screens a share ``w_k`` of its contacts and ``Σ_k k_k w_k = w`` (``k_k`` its share of
  contacts);
- :func:`channel_strategy` does that for every Monte Carlo draw of ``w`` and of the
  channel shares, labels each channel *screening*, *search* or a *mixture* from its
  interval, and lists the pure assignments (each channel all screening or all search)
  the data are consistent with: those whose screening share ``Σ_{k∈S} k_k`` lies in the
  interval of ``w`` (whole channels in the screening order first). When none is, the data
  say a channel mixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from capacity.models._base import Caveat, Results, percentile_interval, tidy

__all__ = ["SCREENING_ORDER", "ChannelStrategy", "channel_strategy", "split_by_channel"]

#: Order in which channels take on the screening the data show; channels not listed
#: (operations) always search.
SCREENING_ORDER = ("online", "venue", "street")


def split_by_channel(share, contact_share, channels) -> tuple[np.ndarray, np.ndarray]:
    """Screening share per channel ``(D, K)`` and the screening left over ``(D,)``.

    Parameters
    ----------
    share : array_like (D,)
        ``w``, share of all contacts in screening.
    contact_share : array_like (D, K) or (K,)
        ``k_k``, each channel's share of the contacts (rows sum to 1).
    channels : sequence of str
        The channels of the columns.

    Notes
    -----
    Going through :data:`SCREENING_ORDER`, channel ``k`` screens
    ``w_k = min(1, r_k / k_k)`` of its contacts, ``r_k`` the screening not yet placed
    (``r = w`` at the start, less ``k_j w_j`` of each earlier channel). Screening beyond the
    listed channels' contacts is returned as left over (the data show more screening than
    online, venue and street work can hold).

    Examples
    --------
    >>> w, left = split_by_channel([0.6], [0.5, 0.1, 0.3, 0.1], ["online", "operation",
    ...                            "street", "venue"])
    >>> w.round(3).tolist(), left.round(3).tolist()
    ([[1.0, 0.0, 0.0, 1.0]], [0.0])
    """
    w = np.atleast_1d(np.asarray(share, dtype=float))
    k = np.asarray(contact_share, dtype=float)
    k = np.broadcast_to(k, (len(w), k.shape[-1]))
    out = np.zeros(k.shape)
    left = w.copy()
    channels = list(channels)
    for name in SCREENING_ORDER:
        if name not in channels:
            continue
        j = channels.index(name)
        take = np.minimum(left, k[:, j])
        out[:, j] = np.divide(take, k[:, j], out=np.zeros(len(w)), where=k[:, j] > 0)
        left = left - take
    return np.clip(out, 0.0, 1.0), np.clip(left, 0.0, None)


@dataclass(frozen=True, repr=False)
class ChannelStrategy(Results):
    """Per channel: share of contacts, share of them in screening (interval) and a label.

    Attributes
    ----------
    frame : DataFrame
        Index channel; ``contact_share``, ``estimate``, ``ci_lower``, ``ci_upper`` (share
        of the channel's contacts in screening), ``label``.
    consistent : tuple of tuple of str
        The pure assignments (the channels that screen; the others search) whose
        screening share lies in the interval of the city's share ``w``.
    overflow : float
        Screening the listed channels cannot hold (point estimate), as a share of contacts.
    """

    frame: pd.DataFrame
    consistent: tuple
    overflow: float
    alpha: float = 0.05
    caveats: tuple[Caveat, ...] = ()
    title: str = "Outreach strategy per channel"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Each channel's share of contacts in screening, with its interval (at fit time)."""
        self._fixed_alpha(alpha)
        f = self.frame
        return tidy(
            {
                f"screening_share_{ch}": (r["estimate"], np.nan, r["ci_lower"], r["ci_upper"])
                for ch, r in f.iterrows()
            }
        )

    def line(self) -> str:
        """One sentence for the report: each channel's strategy and what the data allow."""
        parts = [
            f"{ch} {r['label']} ({r['estimate']:.0%} of its contacts screen new arrivals, "
            f"interval {r['ci_lower']:.0%}–{r['ci_upper']:.0%})"
            for ch, r in self.frame.iterrows()
        ]
        if self.consistent:
            best = self.consistent[0]
            fits = (
                "the data are consistent with " + " and ".join(best)
                + " screening and the other channels searching"
                if best
                else "the data are consistent with every channel searching"
            )  # fmt: skip
        else:
            fits = "no split of whole channels fits: a channel mixes screening and search"
        return f"Per channel: {'; '.join(parts)}; {fits}."


def _label(lo: float, hi: float) -> str:
    if hi < 0.1:
        return "search"
    if lo > 0.9:
        return "screening"
    return "mixture"


def channel_strategy(
    share_draws: np.ndarray,
    channel_contacts: np.ndarray,
    channels,
    *,
    alpha: float = 0.05,
) -> ChannelStrategy:
    """The strategy of each channel from the city's screening share and the outreach log.

    Parameters
    ----------
    share_draws : ndarray (D,)
        The city's share of contacts in screening per draw, row 0 the estimate
        (:attr:`capacity.models.strategy.StrategyResults.share_draws`).
    channel_contacts : ndarray (D, K)
        Contacts per channel per draw in any unit (e.g. ``FittedModels.channel_eta``:
        contacts per hour × the channel's share of outreach hours), row 0 the estimate.
    channels : sequence of str

    Notes
    -----
    See :func:`split_by_channel`. A channel is *search* when the upper end of its interval
    is below 0.1, *screening* when the lower end is above 0.9, else a *mixture* — the same
    rule as the city's label.
    """
    c = np.asarray(channel_contacts, dtype=float)
    w = np.asarray(share_draws, dtype=float)[: len(c)]
    total = c.sum(axis=1, keepdims=True)
    k = np.divide(c, total, out=np.zeros_like(c), where=total > 0)
    split, left = split_by_channel(w, k, channels)
    rows = {}
    for j, ch in enumerate(channels):
        d = split[1:, j]
        lo, hi = percentile_interval(d, alpha) if len(d) > 1 else (split[0, j],) * 2
        rows[str(ch)] = {
            "contact_share": float(k[0, j]),
            "estimate": float(split[0, j]),
            "ci_lower": float(lo),
            "ci_upper": float(hi),
            "label": _label(lo, hi),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "channel"
    w_lo, w_hi = percentile_interval(w[1:], alpha) if len(w) > 2 else (w[0], w[0])
    able = [ch for ch in SCREENING_ORDER if ch in frame.index]
    fits = []
    for n in range(len(able) + 1):
        for subset in combinations(able, n):
            s = float(frame.loc[list(subset), "contact_share"].sum()) if subset else 0.0
            if w_lo - 1e-9 <= s <= w_hi + 1e-9:
                # whole channels in the screening order first, then the nearest to w
                prefix = tuple(able[:n]) == subset
                fits.append((not prefix, abs(s - float(w[0])), subset))
    consistent = tuple(sub for *_, sub in sorted(fits, key=lambda t: t[:2]))
    caveats = [Caveat("channels.split_assumption")]
    overflow = float(left[0])
    if overflow > 0.01:
        caveats.append(Caveat("channels.overflow", share=overflow))
    return ChannelStrategy(frame, consistent, overflow, alpha, tuple(caveats))
