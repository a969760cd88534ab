"""Reach before departure: the chance that outreach contacts a person before she leaves.

Two outreach strategies are modelled (see ``docs/methods/reach.md``):

- **random search** (:func:`reach_random`): contact capacity ``κ`` per week is spread over the
  ``N`` persons present, so each person is contacted at hazard ``h = κ/N`` and is reached
  during her stay ``T`` with probability ``1 − E[exp(−h·T)]``;
- **systematic screening** (:func:`reach_screening`): every new arrival joins a queue for
  one of ``c`` outreach FTE; she is reached if screening starts before her stay ends.

Stay distributions enter only through their Laplace transform ``L(h) = E[exp(−h·T)]``
(:func:`exponential_laplace`, :func:`empirical_laplace`, ``StaysResults.laplace`` or a
:class:`~capacity.models.stays.StayTable` of Monte Carlo draws).
Units: arrivals and capacities per **week**, stays and hazards per **day**.

There is one implementation of each strategy: :func:`random_search_reach` and
:func:`screening_reach` work on arrays (one row per Monte Carlo draw) and are what the
question-4 engine uses; :func:`reach_random` and :func:`reach_screening` are thin scalar
wrappers over them. Strategies are registered in :data:`STRATEGIES`
(:func:`register_strategy`); a new strategy added there reaches ``evaluate``, the FTE solver
and the draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from capacity.exceptions import ParameterError

Laplace = Callable[[np.ndarray], np.ndarray]

DAYS_PER_WEEK = 7.0
#: Contacts per person-day beyond which every stay is met at once (caps an overflowing hazard).
MAX_HAZARD = 1e12


def random_search_reach(
    contacts_per_week: np.ndarray,
    arrivals_per_week: np.ndarray,
    mean_stay_days: np.ndarray,
    laplace: Laplace,
    language_factor: np.ndarray,
) -> np.ndarray:
    """Random-search reach for ``D`` draws and ``K`` language factors at once.

    Parameters
    ----------
    contacts_per_week, arrivals_per_week, mean_stay_days : ndarray, shape (D,)
        Contact capacity ``κ``, arrivals ``A`` and mean stay ``E[T]`` per draw.
    laplace : callable
        ``L(h)`` for hazards of shape ``(D, K)`` (row ``d`` uses draw ``d``'s stays).
    language_factor : ndarray, shape (D, K) or (K,)
        Usable share ``m`` of contacts.

    Returns
    -------
    ndarray, shape (D, K)
        ``p = 1 − L(h·m)`` with ``h = κ/(A·E[T])`` per day (see :func:`reach_random`). A
        draw with no arrivals has nobody to find: every arrival that does come is met at
        once (``p = 1``, the ``A → 0`` limit) where ``κ·m > 0``, never otherwise.
    """
    kappa = np.asarray(contacts_per_week, dtype=float)
    arrivals = np.asarray(arrivals_per_week, dtype=float)
    present = arrivals * np.asarray(mean_stay_days, dtype=float)
    none = ~(present > 0)  # also arrivals so few that A·E[T] rounds to 0 (0/0 gave NaN)
    m = np.broadcast_to(language_factor, (len(kappa), np.shape(language_factor)[-1]))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        h = kappa / np.where(none, 1.0, present)
        # a subnormal A·E[T] makes h overflow: inf·0 (an unusable language) is no contact,
        # and an infinite hazard is capped where every stay is met at once (L → 0)
        x = np.where(m > 0, np.minimum(h[:, None] * m, MAX_HAZARD), 0.0)
    p = 1.0 - laplace(np.where(none[:, None], 0.0, x))
    p = np.array(p, dtype=float)
    p[none] = np.where(x[none] > 0, 1.0, 0.0)
    return np.clip(p, 0.0, 1.0)


def screened_share(arrivals: float, rate: float, fte: float, patience: float) -> float:
    """Share of arrivals screened before they leave, with the queue's edge cases.

    A draw with no arrivals (possible on small data) has nobody waiting: every arrival
    that does come is screened at once (share 1, the limit as λ → 0). No staff or no
    contacts per hour screens nobody. Otherwise :func:`erlang_a_served`.
    """
    if fte <= 0 or rate <= 0:
        return 0.0
    if arrivals <= 0:
        return 1.0
    return erlang_a_served(arrivals, rate, fte, patience)


def screening_reach(
    contacts_per_fte_week: np.ndarray,
    fte: np.ndarray,
    arrivals_per_week: np.ndarray,
    mean_stay_days: np.ndarray,
    language_factor: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Screening reach for ``D`` draws: ``(P_served·m, P_served)``.

    Parameters
    ----------
    contacts_per_fte_week, fte, arrivals_per_week, mean_stay_days : ndarray, shape (D,)
        ``μ``, ``c``, ``λ`` and the mean stay (the patience is ``γ = 7/E[T]`` per week).
    language_factor : ndarray, shape (D, K) or (K,)

    Returns
    -------
    p_lang : ndarray, shape (D, K)
    served : ndarray, shape (D,)
        :func:`screened_share` per draw.
    """
    served = np.array(
        [
            screened_share(a, r, f, DAYS_PER_WEEK / t)
            for a, r, f, t in zip(
                np.asarray(arrivals_per_week, dtype=float),
                np.asarray(contacts_per_fte_week, dtype=float),
                np.asarray(fte, dtype=float),
                np.asarray(mean_stay_days, dtype=float),
                strict=True,
            )
        ],
        dtype=float,
    )
    return served[:, None] * np.asarray(language_factor, dtype=float), served


def exponential_laplace(mean_days: float) -> Laplace:
    """Laplace transform of an exponential stay with the given mean.

    Parameters
    ----------
    mean_days : float
        Mean stay in days (> 0).

    Returns
    -------
    callable
        ``L(h) = 1 / (1 + h·mean_days)`` for hazards ``h`` per day (any shape).

    Notes
    -----
    For ``T ~ Exp(1/m)``, ``E[exp(−hT)] = 1/(1 + h m)``.

    Examples
    --------
    >>> float(exponential_laplace(10.0)(np.array(0.1)))
    0.5
    """
    if not np.isfinite(mean_days) or mean_days <= 0:
        raise ParameterError(f"mean stay must be a positive number of days, got {mean_days!r}.")

    def laplace(h: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.asarray(h, dtype=float) * mean_days)

    return laplace


def empirical_laplace(durations: ArrayLike, weights: ArrayLike | None = None) -> Laplace:
    """Laplace transform of a (weighted) sample of stay lengths.

    Parameters
    ----------
    durations : array_like
        Stay lengths in days (≥ 0), e.g. draws from a Kaplan–Meier fit.
    weights : array_like, optional
        Non-negative weights (bootstrap reweighting); equal weights when omitted.

    Returns
    -------
    callable
        ``L(h) = Σ_i w_i exp(−h·T_i) / Σ_i w_i`` for hazards ``h`` per day (any shape).

    Examples
    --------
    >>> L = empirical_laplace([0.0, 10.0])
    >>> round(float(L(np.array(0.0))), 3), round(float(L(np.array(np.log(2) / 10))), 3)
    (1.0, 0.75)
    """
    t = np.asarray(durations, dtype=float).ravel()
    if t.size == 0 or np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ParameterError("stay durations must be a non-empty array of finite days ≥ 0.")
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float).ravel()
    if w.shape != t.shape or np.any(w < 0) or w.sum() <= 0:
        raise ParameterError("weights must be non-negative, one per duration, not all zero.")
    w = w / w.sum()

    def laplace(h: np.ndarray) -> np.ndarray:
        h = np.asarray(h, dtype=float)
        return np.exp(-np.multiply.outer(h, t)) @ w

    return laplace


def reach_random(
    contacts_per_week: ArrayLike,
    arrivals_per_week: ArrayLike,
    laplace: Laplace,
    mean_stay_days: float,
    language_factor: ArrayLike = 1.0,
) -> np.ndarray:
    r"""Share of arrivals contacted at least once during their stay (random search).

    Parameters
    ----------
    contacts_per_week : array_like
        Contact capacity ``κ = η·E`` (contacts per week, repeat contacts included).
    arrivals_per_week : array_like
        New stays per week ``A`` (> 0).
    laplace : callable
        ``L(h) = E[exp(−h·T)]`` of the stay length ``T`` (days), ``h`` per day.
    mean_stay_days : float
        ``E[T]`` in days, consistent with ``laplace``.
    language_factor : array_like, default 1
        Share ``m`` of contacts usable for the person (language, see
        :mod:`capacity.models.competence`); the effective hazard is ``h·m``.

    Returns
    -------
    numpy.ndarray
        ``p = 1 − L(h·m)`` in [0, 1], broadcast over the inputs.

    Notes
    -----
    By Little's law ``N = A·E[T]/7`` persons are present (``A`` per week, ``T`` in days).
    Contacts fall on present persons at random, so each is contacted at hazard
    ``h = (κ/7)/N = κ/(A·E[T])`` per day and

    .. math:: p = P(\text{contact before } T) = 1 - E[e^{-h m T}] = 1 - L(h m).

    For exponential stays ``L(h) = 1/(1 + h E[T])`` and ``p = κ m/(κ m + A)``: coverage is
    capacity against arrivals, so more mobility (more, shorter stays for the same ``N``)
    lowers reach.

    References
    ----------
    Little, J. D. C. (1961). A proof for the queuing formula L = λW. *Operations Research*
    9(3), 383–387.

    Examples
    --------
    >>> float(reach_random(30.0, 10.0, exponential_laplace(14.0), 14.0))
    0.75
    """
    kappa = np.asarray(contacts_per_week, dtype=float)
    arrivals = np.asarray(arrivals_per_week, dtype=float)
    if not (np.all(arrivals >= 0) and np.all(kappa >= 0)) or not np.all(np.isfinite(kappa)):
        raise ParameterError("arrivals per week must be ≥ 0 and contacts per week ≥ 0 (finite).")
    if not mean_stay_days > 0:
        raise ParameterError(f"mean stay must be > 0 days, got {mean_stay_days!r}.")
    kappa, arrivals, m = np.broadcast_arrays(kappa, arrivals, np.asarray(language_factor, float))
    flat = random_search_reach(
        kappa.ravel(),
        arrivals.ravel(),
        np.full(kappa.size, float(mean_stay_days)),
        lambda h: np.asarray(laplace(h.ravel()), dtype=float).reshape(h.shape),
        m.reshape(-1, 1),
    )
    return flat[:, 0].reshape(kappa.shape)


def erlang_a_served(
    arrival_rate: float, service_rate: float, servers: float, abandon_rate: float
) -> float:
    """Share of arrivals served in an M/M/c+M queue (Erlang A, with abandonment).

    Parameters
    ----------
    arrival_rate : float
        ``λ`` arrivals per unit time (> 0).
    service_rate : float
        ``μ`` completions per server per unit time (> 0).
    servers : float
        ``c`` servers (≥ 0); non-integer values act as fractional capacity
        (``min(n, c)·μ`` departures when ``n`` are in the system).
    abandon_rate : float
        ``γ`` rate at which a waiting customer leaves (``1/E[T]``), > 0.

    Returns
    -------
    float
        ``P(served) = 1 − γ·E[Q]/λ`` with ``Q`` the number waiting.

    Notes
    -----
    Birth–death chain with birth rate ``λ`` and death rate
    ``d_n = min(n, c)·μ + max(n − c, 0)·γ``; ``π_n ∝ Π_{k≤n} λ/d_k``. By flow balance the
    abandonment rate is ``γ·E[Q]``. Unlike Erlang C the chain is stable for every load; when
    ``λ > cμ`` the served share tends to the fluid limit ``cμ/λ`` as the system grows.

    References
    ----------
    Garnett, O., Mandelbaum, A. and Reiman, M. (2002). Designing a call center with impatient
    customers. *Manufacturing & Service Operations Management* 4(3), 208–227.

    Examples
    --------
    >>> round(erlang_a_served(1.0, 1.0, 1.0, 1.0), 4)  # M/M/1+M with λ = μ = γ
    0.6321
    """
    lam, mu, c, gamma = map(float, (arrival_rate, service_rate, servers, abandon_rate))
    if not all(np.isfinite((lam, mu, c, gamma))) or lam < 0 or mu <= 0 or gamma <= 0 or c < 0:
        raise ParameterError("Erlang A needs λ ≥ 0, μ > 0, γ > 0 and c ≥ 0 (finite).")
    if lam == 0:  # nobody arrives: an arrival that does come is served at once if c > 0
        return 1.0 if c > 0 else 0.0
    if c * mu < 1e-12 * lam:  # no service to speak of: everyone waits and leaves
        return 0.0
    # beyond c servers every waiting person leaves at rate γ, so the number waiting is
    # bounded by a Poisson(λ/γ) tail; below c the chain is Poisson(λ/μ) cut at c
    size = int(np.ceil(c + lam / gamma + 12.0 * np.sqrt(lam / gamma) + 30.0))
    if size > 5_000_000:
        raise ParameterError(
            f"Erlang A with λ/γ = {lam / gamma:.3g} and c = {c:.3g} is too large to solve; "
            "check the units of the arrival and stay inputs."
        )
    n = np.arange(1, size + 1, dtype=float)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0.0) * gamma
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    queue = np.maximum(np.arange(size + 1) - c, 0.0)
    return float(np.clip(1.0 - gamma * (queue @ pi) / lam, 0.0, 1.0))


def reach_screening(
    arrivals_per_week: float,
    contacts_per_fte_week: float,
    fte: float,
    mean_stay_days: float,
    language_factor: ArrayLike = 1.0,
) -> np.ndarray:
    """Share of arrivals screened (in a usable language) before they leave.

    Parameters
    ----------
    arrivals_per_week : float
        ``λ = A`` new stays per week.
    contacts_per_fte_week : float
        ``μ``: screenings one outreach FTE completes per week (``η`` × outreach hours per FTE).
    fte : float
        Outreach FTE ``c`` (servers).
    mean_stay_days : float
        ``E[T]``; a waiting arrival leaves at rate ``γ = 7/E[T]`` per week.
    language_factor : array_like, default 1
        Share ``m_L`` of screenings held in a language the person understands.

    Returns
    -------
    numpy.ndarray
        ``P(served)·m_L`` from :func:`erlang_a_served`.

    Notes
    -----
    The brief's M/M/c (Erlang C) wait ``P(W > t) = C(c, a)·exp(−(cμ − λ)t)`` ignores that
    people leave the queue when their stay ends; it predicts zero reach as ``λ → cμ`` and
    is undefined beyond, which would make reach fall when staff is added near saturation.
    Erlang A adds abandonment at the stay's rate and is stable, monotone and continuous in
    ``c``; in overload it tends to the capacity-limited share ``cμ/λ``. The price is that
    the stay enters through its mean only (exact for exponential stays).

    References
    ----------
    Garnett, Mandelbaum and Reiman (2002), see :func:`erlang_a_served`.

    Examples
    --------
    >>> float(reach_screening(10.0, 100.0, 1.0, 30.0)) > 0.95
    True
    """
    if not mean_stay_days > 0:
        raise ParameterError(f"mean stay must be > 0 days, got {mean_stay_days!r}.")
    m = np.asarray(language_factor, dtype=float)
    p, _ = screening_reach(
        np.array([contacts_per_fte_week], dtype=float),
        np.array([fte], dtype=float),
        np.array([arrivals_per_week], dtype=float),
        np.array([mean_stay_days], dtype=float),
        m.reshape(1, -1),
    )
    return p[0].reshape(m.shape)


def saturated(arrivals_per_week: float, contacts_per_fte_week: float, fte: float) -> bool:
    """True when screening capacity ``c·μ`` is below arrivals ``λ`` (Erlang C unstable)."""
    return bool(fte * contacts_per_fte_week <= arrivals_per_week)


@dataclass(frozen=True)
class Strategy:
    """An outreach strategy: how capacity turns into reach, for the question-4 engine.

    Attributes
    ----------
    name : str
        The name used in parameters (``Params.strategy``, ``Scenario.strategy``).
    reach : callable
        ``reach(rate, fte, arrivals, stays, m, stay_multiplier) -> (p_lang, p_any)`` with
        ``rate`` contacts per FTE-week ``(D,)``, ``fte`` ``(D,)``, ``arrivals`` per week
        ``(D,)`` (after any scenario change), ``stays`` an object with ``mean`` ``(D,)`` and
        ``laplace(h (D, K))`` (a :class:`~capacity.models.stays.StayTable`), ``m`` the usable
        share per language ``(L,)`` or per draw ``(D, L)`` and ``stay_multiplier`` ``(D,)``;
        returns reach per draw and language ``(D, L)`` and in any language ``(D,)``. It
        takes the keyword ``search_scale`` (``(D,)`` or None): a factor on the search
        hazard only (a month's persons present against the period's).
    ceiling : callable
        ``ceiling(pi (D, L), m (L,) or (D, L)) -> (D,)``: effective reach at unlimited staff.
    blocks : callable
        ``blocks(m (L,) or (D, L)) -> bool (L,)``: languages that cap reach below 100 % at
        the point estimate (row 0 of a per-draw ``m``), named when a target is out of reach.
    needs_share : bool
        ``reach``, ``ceiling`` and ``blocks`` take the keyword ``share`` ``(D,)``: the
        share of contact capacity used in screening (the ``"estimated"`` mix).
    """

    name: str
    reach: Callable
    ceiling: Callable
    blocks: Callable
    #: the strategy needs the share of capacity in screening per draw (keyword ``share``
    #: of ``reach``, ``ceiling`` and ``blocks``), estimated from the data
    needs_share: bool = False


def _with_any(m) -> np.ndarray:
    """``m`` with a last column 1 (reach in any language), for ``(L,)`` or ``(D, L)``."""
    m = np.asarray(m, dtype=float)
    return np.concatenate([m, np.ones((*m.shape[:-1], 1))], axis=-1)


def _point_m(m) -> np.ndarray:
    """The usable shares of the point estimate: ``m`` or its row 0."""
    m = np.asarray(m, dtype=float)
    return m[0] if m.ndim == 2 else m


def _usable(pi, m) -> np.ndarray:
    """``Σ_L π_L m_L`` per draw, for ``m`` one vector or one per draw."""
    return (np.asarray(pi, dtype=float) * np.asarray(m, dtype=float)).sum(axis=-1)


def _distinct_columns(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of ``m`` (``(L,)`` or ``(D, L)``) and where each column is.

    ``m[..., j]`` is ``distinct[..., where[j]]`` bit for bit. Languages share a few usable
    shares (1 for the staff's languages, the interpreter share for the rest), and reach is
    computed column by column, so it is computed once per distinct column (the Laplace
    transforms of the stays, ``(D, L, J)``, are most of a reach evaluation).
    """
    first: dict[bytes, int] = {}
    where = np.array([first.setdefault(col.tobytes(), len(first)) for col in np.moveaxis(m, -1, 0)])
    if len(first) == m.shape[-1]:
        return m, where
    return m[..., np.unique(where, return_index=True)[1]], where


def _random(rate, fte, arrivals, stays, m, stay_multiplier, search_scale=None):
    # p = 1 − L_s(κm/(A'·s·E[T])) with L_s(x) = L(s·x): the scaled stays cancel, so the
    # stay multiplier acts only through the arrivals A' (Little's law); a search scale σ
    # multiplies the hazard (the month's persons present against the period's)
    mm, where = _distinct_columns(_with_any(m))
    kappa = rate * fte if search_scale is None else rate * fte * np.asarray(search_scale, float)
    x = random_search_reach(kappa, arrivals, stays.mean, stays.laplace, mm)[:, where]
    return x[:, :-1], x[:, -1]


def _screening(rate, fte, arrivals, stays, m, stay_multiplier, search_scale=None):
    # nobody searches: the search scale does not apply
    p_lang, served = screening_reach(rate, fte, arrivals, stays.mean * stay_multiplier, m)
    return p_lang, served


def _estimated(
    rate,
    fte,
    arrivals,
    stays,
    m,
    stay_multiplier,
    share,
    server_factor=None,
    speed_factor=None,
    search_scale=None,
):
    # a share w of capacity screens, the rest searches (capacity.models.strategy); per
    # channel, the screeners work at their own channels' rate (server_factor × rate)
    from capacity.models.strategy import reach_mixture

    mm, where = _distinct_columns(_with_any(m))
    laplace = stays.laplace
    s = np.asarray(stay_multiplier, dtype=float)
    if np.any(s != 1.0):  # L_s(x) = L(s·x) and E[T_s] = s·E[T]

        def laplace(h, s=s):
            return stays.laplace(h * s[:, None])

    server = rate if server_factor is None else rate * np.asarray(server_factor, dtype=float)
    p = reach_mixture(rate * fte, arrivals, laplace, stays.mean * s, share, mm,
                      contacts_per_server=server, speed_factor=speed_factor,
                      search_scale=search_scale)[:, where]  # fmt: skip
    return p[:, :-1], p[:, -1]


def _mix_ceiling(pi, m, share):
    share = np.asarray(share, dtype=float)
    search = (pi * (np.asarray(m) > 0)).sum(axis=1)
    return np.where(share < 1 - 1e-9, search, _usable(pi, m))


STRATEGIES: dict[str, Strategy] = {}


def register_strategy(strategy: Strategy) -> Strategy:
    """Add ``strategy`` to :data:`STRATEGIES` (its name becomes a valid parameter value)."""
    STRATEGIES[strategy.name] = strategy
    return strategy


def strategy(name: str) -> Strategy:
    """The registered strategy called ``name``, or a ParameterError naming the choices."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ParameterError(
            f"unknown outreach strategy {name!r}; choose one of: {', '.join(STRATEGIES)}."
        ) from None


register_strategy(
    Strategy(
        "random",
        _random,
        # contacted again and again: every language with m_L > 0 is reached in the end
        ceiling=lambda pi, m: (pi * (np.asarray(m) > 0)).sum(axis=1),
        blocks=lambda m: _point_m(m) <= 0,
    )
)
register_strategy(
    Strategy(
        "screening",
        _screening,
        # each arrival is screened once: the ceiling is Σ π_L m_L
        ceiling=_usable,
        blocks=lambda m: _point_m(m) < 1,
    )
)
register_strategy(
    Strategy(
        "estimated",
        _estimated,
        ceiling=_mix_ceiling,
        blocks=lambda m, share=0.0: _point_m(m) <= 0 if np.max(share) < 1 else _point_m(m) < 1,
        needs_share=True,
    )
)
