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
from itertools import combinations, permutations

import numpy as np
import pandas as pd

from capacity.models._base import Caveat, Results, percentile_interval, tidy

__all__ = [
    "SCREENING_ORDER",
    "ChannelStrategy",
    "channel_check",
    "channel_mix_inputs",
    "channel_strategy",
    "contact_attribution",
    "split_by_channel",
]

#: Order in which channels take on the screening the data show; channels not listed
#: (operations) always search.
SCREENING_ORDER = ("online", "venue", "street")


def split_by_channel(
    share, contact_share, channels, order=SCREENING_ORDER
) -> tuple[np.ndarray, np.ndarray]:
    """Screening share per channel ``(D, K)`` and the screening left over ``(D,)``.

    Parameters
    ----------
    share : array_like (D,)
        ``w``, share of all contacts in screening.
    contact_share : array_like (D, K) or (K,)
        ``k_k``, each channel's share of the contacts (rows sum to 1).
    channels : sequence of str
        The channels of the columns.
    order : sequence of str
        The order in which channels take on screening (default :data:`SCREENING_ORDER`).

    Notes
    -----
    Going through ``order``, channel ``k`` screens
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
    for name in order:
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
    #: model check per channel (:func:`channel_check`), or None when it could not run
    check: pd.DataFrame | None = None
    #: its Pearson p-value (NaN without a check)
    gof_p: float = float("nan")
    #: first contacts the check attributed to channels
    n_checked: int = 0
    #: True when reach uses the per-channel model (the check ran and fits, p ≥ 0.001);
    #: else the pooled mix, and a caveat says why
    identified: bool = False
    #: each channel's share of outreach hours ``h_k`` (the screeners' FTE)
    hours_share: np.ndarray | None = None
    #: the order in which channels take on screening: :data:`SCREENING_ORDER`, or the
    #: order the check per channel chose when that one does not fit
    order: tuple = SCREENING_ORDER

    def plot_check(self, ax=None, labels: dict | None = None):
        """Model check per channel: observed (solid) against predicted (dashed) first contacts.

        Cumulative share of the attributed first contacts by the end of each bin of days,
        one colour per channel. ``labels`` replaces the English texts (keys ``x``, ``y``,
        ``title``, ``observed``, ``predicted``). Returns the Axes (None without a check).
        """
        import matplotlib.pyplot as plt

        if self.check is None:
            return None
        if ax is None:
            _, ax = plt.subplots(figsize=(6.5, 2.6))
        lab = {
            "x": "days since the stay's first sighting",
            "y": "first contacts (cumulative)",
            "title": f"First contacts per channel (check p = {self.gof_p:.2g})",
            "observed": "observed",
            "predicted": "predicted",
            **(labels or {}),
        }
        c = self.check
        x = np.arange(len(c))
        for j, ch in enumerate(self.frame.index):
            colour = f"C{j}"
            ax.plot(x, c[f"observed_{ch}"].cumsum(), color=colour, marker="o",
                    label=f"{ch}: {lab['observed']}")  # fmt: skip
            ax.plot(x, c[f"predicted_{ch}"].cumsum(), color=colour, linestyle="--",
                    label=f"{ch}: {lab['predicted']}")  # fmt: skip
        ax.set_xticks(x, list(c.index))
        ax.set_xlabel(lab["x"])
        ax.set_ylabel(lab["y"])
        ax.set_title(lab["title"])
        ax.legend(fontsize="x-small", ncol=2)
        return ax

    def level_inputs(self, share, channel_contacts, weights=None):
        """:func:`channel_mix_inputs` with this city's channels, hours shares and order."""
        return channel_mix_inputs(share, channel_contacts, self.hours_share,
                                  list(self.frame.index), weights, self.order)  # fmt: skip

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
    times: pd.DataFrame | None = None,
    outreach_rows: pd.DataFrame | None = None,
    mix: tuple | None = None,
    hours_share: np.ndarray | None = None,
    min_first_contacts: int = 20,
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
    times, outreach_rows, mix, hours_share : optional
        The city's time to first contact (with ``first_day``), its outreach log, the
        mix ``(P_s, θ, h, β)`` of the headline's moments
        (:attr:`~capacity.models.strategy.StrategyResults.moments_fit`) and each channel's
        share of outreach hours: with
        all four the split is checked per channel (:func:`channel_check`) and, when it
        fits, marked *identified* — reach then uses each channel's capacity and strategy
        (:func:`channel_mix_inputs`); otherwise the pooled mix, with a caveat.
    min_first_contacts : int
        Fewest attributed first contacts for the check.

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
    channels = [str(ch) for ch in channels]
    check, p, n_checked, order, identified, caveats = _check_orders(
        w, k, channels, times, outreach_rows, mix, hours_share, min_first_contacts
    )
    split, left = split_by_channel(w, k, channels, order)
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
    consistent = _consistent(frame, order, w, alpha)
    head = [Caveat("channels.split_assumption")] if order == tuple(SCREENING_ORDER) else []
    overflow = float(left[0])
    if overflow > 0.01:
        head.append(Caveat("channels.overflow", share=overflow))
    return ChannelStrategy(
        frame,
        consistent,
        overflow,
        alpha,
        tuple(head + caveats),
        check=check,
        gof_p=p,
        n_checked=n_checked,
        identified=identified,
        hours_share=None if hours_share is None else np.asarray(hours_share, dtype=float),
        order=order,
    )


def _consistent(frame: pd.DataFrame, order, w: np.ndarray, alpha: float) -> tuple:
    """Pure assignments whose screening share lies in the interval of ``w`` (best first)."""
    w_lo, w_hi = percentile_interval(w[1:], alpha) if len(w) > 2 else (w[0], w[0])
    able = [ch for ch in order if ch in frame.index]
    fits = []
    for n in range(len(able) + 1):
        for subset in combinations(able, n):
            s = float(frame.loc[list(subset), "contact_share"].sum()) if subset else 0.0
            if w_lo - 1e-9 <= s <= w_hi + 1e-9:
                # whole channels in the screening order first, then the nearest to w
                prefix = tuple(able[:n]) == subset
                fits.append((not prefix, abs(s - float(w[0])), subset))
    return tuple(sub for *_, sub in sorted(fits, key=lambda t: t[:2]))


def _check_orders(w, k, channels, times, outreach_rows, mix, hours_share, min_first):
    """The check per channel in the assumed order, else in the order that fits best.

    Returns ``(check, p, n, order, identified, caveats)``; ``order`` is
    :data:`SCREENING_ORDER` unless that one fails the check and another passes it.
    """
    order = tuple(SCREENING_ORDER)
    check, p, n_checked, identified, caveats = None, float("nan"), 0, False, []
    if times is None or outreach_rows is None or mix is None:
        return check, p, n_checked, order, identified, caveats
    if "first_day" in times and len(channels) > 1:

        def checked(order):
            split = split_by_channel(w[:1], k[:1], channels, order)[0][0]
            return channel_check(times, outreach_rows, channels, k[0], split, mix)

        check, p, n_checked = checked(order)
        if n_checked >= min_first and np.isfinite(p) and p < 0.001:
            able = [ch for ch in SCREENING_ORDER if ch in channels]
            tries = [(checked(o), o) for o in permutations(able) if o != tuple(able)]
            if tries:
                (c2, p2, n2), o2 = max(tries, key=lambda t: t[0][1])
                if np.isfinite(p2) and p2 >= 0.001:
                    check, p, n_checked, order = c2, p2, n2, tuple(o2)
    if n_checked < min_first or not np.isfinite(p):
        caveats.append(Caveat("channels.not_identified_few", n=n_checked))
    elif p < 0.001:
        caveats.append(Caveat("channels.not_identified_fit", p=p))
    elif hours_share is not None:
        identified = True
        if order == tuple(SCREENING_ORDER):
            caveats.append(Caveat("channels.identified", p=p, n=n_checked))
        else:
            caveats.append(Caveat("channels.identified_order", p=p, n=n_checked,
                                  order=" → ".join(order)))  # fmt: skip
    return check, p, n_checked, order, identified, caveats


def channel_mix_inputs(
    share, channel_contacts, hours_share, channels, weights=None, order=SCREENING_ORDER
):
    r"""Screening share of the level's contact capacity and the screeners' speed, per draw.

    Parameters
    ----------
    share : array_like (D,)
        The city's share of contacts in screening, ``w``.
    channel_contacts : array_like (D, K)
        ``h_k η_k``: contacts per staff-hour of channel ``k`` times its share of outreach
        hours (``FittedModels.channel_eta``).
    hours_share : array_like (K,)
        ``h_k``, each channel's share of outreach hours.
    channels : sequence of str
    weights : array_like (K,), optional
        ``c_k``, the share of channel ``k``'s contacts that count at the level of reach
        (1 at level a; :func:`capacity.question4.levels.conversation_weights` at level b).
    order : sequence of str
        The order in which channels take on screening (:func:`split_by_channel`).

    Returns
    -------
    share_level : ndarray (D,)
        Share of the level's contact capacity in screening,
        :math:`w^{\ell} = \sum_k c_k h_k η_k w_k / \sum_k c_k h_k η_k`.
    server_factor : ndarray (D,)
        Contacts per screening FTE relative to the level's pooled rate: the screeners are
        the channels' screening hours :math:`\sum_k h_k w_k` of the FTE, so
        :math:`μ_s / (η^{\ell} H) = w^{\ell} / \sum_k h_k w_k` (1 without screening).

    Notes
    -----
    ``w_k`` is :func:`split_by_channel` of ``w``. At level a (``c = 1``) the screening
    share is ``w`` itself (less any overflow); at level b with online screening it drops
    to what face-to-face channels screen — written replies to new ads do not count.
    """
    ce = np.atleast_2d(np.asarray(channel_contacts, dtype=float))
    w = np.broadcast_to(np.atleast_1d(np.asarray(share, dtype=float)), (len(ce),))
    total = ce.sum(axis=1, keepdims=True)
    k = np.divide(ce, total, out=np.zeros_like(ce), where=total > 0)
    split, _ = split_by_channel(w, k, channels, order)
    c = np.ones(ce.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    level = ce * c[None, :]
    cap = level.sum(axis=1)
    share_level = np.divide((level * split).sum(axis=1), cap, out=np.zeros(len(ce)),
                            where=cap > 0)  # fmt: skip
    hours = split @ np.asarray(hours_share, dtype=float)
    factor = np.divide(share_level, hours, out=np.ones(len(ce)), where=hours > 1e-12)
    factor = np.where(share_level > 0, factor, 1.0)
    return np.clip(share_level, 0.0, 1.0), factor


#: Channels whose contacts come with a linked sighting (the police) on the same day: a
#: contact is attributed to them by that sighting, not by the day's log (an operation's log
#: row carries its first day only, its contacts fall on every day of it)
LINKED_CHANNELS = ("operation",)


def contact_attribution(outreach_rows: pd.DataFrame, channels) -> tuple[pd.DataFrame, np.ndarray]:
    r"""Each day's logged contacts split over the channels, and what that split confuses.

    Parameters
    ----------
    outreach_rows : DataFrame
        The city's outreach log (``date, channel, contacts``).
    channels : sequence of str

    Returns
    -------
    shares : DataFrame
        Index: day; columns: channels; ``a_{dk} = n_{dk} / Σ_j n_{dj}`` (days with contacts).
    confusion : ndarray (K, K)
        :math:`M_{jk} = \sum_d (n_{jd}/n_j)\, a_{dk}`: the expected share attributed to
        channel ``k`` of a contact made by channel ``j`` on a day drawn like its contacts.

    Notes
    -----
    Sightings do not say which channel an outreach contact came from; the log says how
    many contacts each channel made on the day. A contact on day ``d`` is attributed to
    channel ``k`` with weight ``a_{dk}`` — exact on days only one channel worked, a
    dilution (``M`` off its diagonal) on days several did. Channels in
    :data:`LINKED_CHANNELS` (joint operations) are left out of the day's split and
    attributed exactly (``M_{kk} = 1``): their contacts are known by the police sighting
    on the same day.
    """
    linked = [c for c in channels if c in LINKED_CHANNELS]
    rows = outreach_rows[~outreach_rows["channel"].astype(str).isin(linked)]
    day = pd.to_datetime(rows["date"]).dt.normalize()
    n = (
        rows.assign(day=day, channel=rows["channel"].astype(str))
        .groupby(["day", "channel"])["contacts"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=list(channels), fill_value=0)
        .astype(float)
    )
    n = n[n.sum(axis=1) > 0]
    shares = n.div(n.sum(axis=1), axis=0)
    per = n.to_numpy()
    tot = per.sum(axis=0)
    w = np.divide(per, tot[None, :], out=np.zeros_like(per), where=tot[None, :] > 0)
    confusion = w.T @ shares.to_numpy()
    for c in linked:
        j = list(channels).index(c)
        confusion[j, :] = 0.0
        confusion[j, j] = 1.0
    return shares, confusion


def channel_check(
    times: pd.DataFrame,
    outreach_rows: pd.DataFrame,
    channels,
    contact_share: np.ndarray,
    split: np.ndarray,
    mix: tuple[float, float, float, float],
) -> tuple[pd.DataFrame, float, int]:
    r"""Model check per channel: observed against predicted first contacts per channel.

    Parameters
    ----------
    times : DataFrame
        :func:`capacity.models.strategy.first_contact_times` of the city, with
        ``first_day`` (stays first seen by a contact, ``first_by_contact``, are left out:
        they are not timed).
    outreach_rows : DataFrame
        The city's outreach log in the period.
    channels : sequence of str
    contact_share, split : ndarray (K,)
        ``k_k`` and ``w_k`` (point estimates).
    mix : tuple
        ``(P_s, θ, h, β)`` of the time to first contact: the headline's moments
        (:attr:`capacity.models.strategy.StrategyResults.moments_fit`), so the check tests
        the mix the answer uses.

    Returns
    -------
    check : DataFrame
        Per bin of days to first contact (rows) and channel: ``observed_<k>`` (first
        contacts attributed to ``k``) and ``predicted_<k>``.
    p : float
        Pearson chi-square p-value over bins × channels.
    n : int
        First contacts on days the log has contacts (the ones attributed).

    Notes
    -----
    Under the model a first contact on day ``t`` of a stay followed ``D`` days is by
    search with probability :math:`\{1 - P_s F(t)\} e^{-ht}(1 - e^{-h})` and by screening
    with :math:`P_s\{F(t+1) - F(t)\} e^{-h(t+1)}`, ``F`` the Weibull wait. Screening first
    contacts come from channel ``j`` in proportion to its screening contacts
    ``σ_j ∝ k_j w_j``, search ones ``ρ_j ∝ k_j (1 − w_j)``; attribution by the day's log
    turns a true ``j`` into ``k`` with ``M_{jk}`` (:func:`contact_attribution`). Per bin
    ``b`` with ``S_b`` screening and ``R_b`` search first contacts predicted, the observed
    attributed first contacts ``O_b`` are split as

    .. math:: E_{bk} = O_{b\cdot}\; \frac{\sum_j (S_b σ_j + R_b ρ_j) M_{jk}}{S_b + R_b},

    and compared by Pearson's chi-square over cells with ``E > 5`` (``bins × (K − 1)``
    degrees of freedom; fractional counts make it conservative). The timing itself is the
    pooled check's (:class:`capacity.models.strategy.StrategyResults`); this one tests
    the split over channels — the screening order — against the log.

    References
    ----------
    Prentice, R. L. et al. (1978). The analysis of failure times in the presence of
    competing risks. *Biometrics* 34(4), 541–554.
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed. Wiley.
    """
    from scipy import stats

    from capacity.models.strategy import CHECK_BINS

    channels = [str(c) for c in channels]
    shares, confusion = contact_attribution(outreach_rows, channels)
    if "first_by_contact" in times:  # the stays timed from an independent sighting
        times = times[~times["first_by_contact"].to_numpy(dtype=bool)]
    hit = times[times["contacted"].to_numpy(dtype=bool)]
    day = (pd.to_datetime(hit["first_day"]) + pd.to_timedelta(hit["days"], unit="D")).dt.normalize()
    a = shares.reindex(day.to_numpy()).to_numpy()
    linked = [j for j, c in enumerate(channels) if c in LINKED_CHANNELS]
    if linked and "linked_first" in hit:
        op = hit["linked_first"].to_numpy(dtype=bool)
        a[op] = 0.0
        a[op, linked[0]] = 1.0
    known = ~np.isnan(a).any(axis=1)
    a = a[known]
    delay = hit["days"].to_numpy()[known]
    edges = np.array(CHECK_BINS)
    b_of = np.searchsorted(edges, delay, side="right") - 1
    n_bins = len(edges) - 1
    observed = np.zeros((n_bins, len(channels)))
    np.add.at(observed, b_of, a)
    # predicted screening and search first contacts per bin (all stays, their windows)
    p_s, theta, h, beta = mix
    follow = times["follow_days"].to_numpy(dtype=int)
    horizon = int(follow.max()) + 1 if len(follow) else 1
    t = np.arange(horizon)
    at_risk = len(follow) - np.searchsorted(np.sort(follow), t, side="left")
    wait_t = 1 - np.exp(-((theta * t) ** beta))
    wait_n = 1 - np.exp(-((theta * (t + 1)) ** beta))
    search = (1 - p_s * wait_t) * np.exp(-h * t) * (1 - np.exp(-h)) * at_risk
    screen = p_s * (wait_n - wait_t) * np.exp(-h * (t + 1)) * at_risk
    t_bin = np.searchsorted(edges, t, side="right") - 1
    s_b = np.bincount(t_bin, weights=screen, minlength=n_bins)[:n_bins]
    r_b = np.bincount(t_bin, weights=search, minlength=n_bins)[:n_bins]
    k = np.asarray(contact_share, dtype=float)
    w = np.asarray(split, dtype=float)
    sigma = k * w / max(float((k * w).sum()), 1e-12)
    rho = k * (1 - w) / max(float((k * (1 - w)).sum()), 1e-12)
    mixed = (s_b[:, None] * sigma[None, :] + r_b[:, None] * rho[None, :]) @ confusion
    prob = np.divide(mixed, (s_b + r_b)[:, None], out=np.zeros_like(mixed),
                     where=(s_b + r_b)[:, None] > 0)  # fmt: skip
    expected = observed.sum(axis=1, keepdims=True) * prob
    use = expected > 5
    chi2 = float(((observed[use] - expected[use]) ** 2 / expected[use]).sum())
    dof = int(use.sum()) - int(use.any(axis=1).sum())
    p = float(stats.chi2.sf(chi2, dof)) if dof > 0 else np.nan
    labels = [
        f"{lo}–{hi - 1}" if hi < 10_000 else f"{lo}+"
        for lo, hi in zip(edges[:-1], edges[1:], strict=True)
    ]
    frame = pd.DataFrame(
        {
            **{f"observed_{c}": observed[:, j] for j, c in enumerate(channels)},
            **{f"predicted_{c}": expected[:, j] for j, c in enumerate(channels)},
        },
        index=pd.Index(labels, name="days_to_first_contact"),
    )
    return frame, p, int(known.sum())
