r"""Levels of reach: what counts as reaching a woman (``docs/methods/reach.md``, "Levels").

Two levels, each with its own productivity and language constraint:

- ``"information"`` (level a): a first contact that gives her information in a language she
  understands. Every outreach contact counts (contacts per staff-hour over all channels,
  ``η``). It is usable in language ``L`` when held by a staff member who speaks ``L``
  (share ``s_L``), through an interpreter (share ``ι`` of the rest) or — when the
  parameter ``written_languages`` names ``L`` — as a written contact (a text message, an
  ad reply, a web page; the online channel's share ``w`` of contacts) in ``L``:

  .. math:: m^a_L = 1 - (1 - s_L)(1 - ι)(1 - w\,t_L),\qquad t_L = [L \text{ written}].

- ``"conversation"`` (level b): a conversation in which trafficking indicators can be
  assessed. Only contacts that are conversations count: every street, venue and operation
  contact, and the share ``c`` (``online_conversation_share``) of online contacts that are
  a call or a meeting rather than a written message. With ``η_k`` the contacts per hour
  of channel ``k`` and ``h_k`` its share of outreach hours,

  .. math:: η^b = \sum_k h_k\,η_k\,c_k,\qquad c_k = 1 \text{ (street, venue,
     operation)},\ c_{online} = c,

  and it needs a spoken language: :math:`m^b_L = 1 - (1 - s_L)(1 - ι)`.

Because ``η^b ≤ η`` and ``m^b_L ≤ m^a_L`` and reach never falls when capacity or the
usable share rises, reach at level b never exceeds reach at level a (a hypothesis
invariant in ``tests/test_levels.py``).

:func:`at_level` returns the fitted models with the level's ``η`` and ``m`` in
``inputs``; :func:`capacity.question4.evaluate` applies it before anything else, so the
verdict, FTE needed, the forecast and the scenario tables all count the same level.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from capacity.exceptions import ParameterError

__all__ = [
    "CONVERSATION_CHANNELS",
    "LEVELS",
    "at_level",
    "level_strategy",
    "other_cities_at_conversation",
    "conversation_weights",
    "parse_languages",
    "usable_at_level",
]

#: Levels of reach a verdict can use (``Params.reach_level``).
LEVELS = ("information", "conversation")
#: Channels whose contacts are conversations (face to face).
CONVERSATION_CHANNELS = ("street", "venue", "operation")
#: What each level counts is said by the catalogue (``word_level_<level>``, both languages).


def parse_languages(text: str | None) -> tuple[str, ...]:
    """``"ro; bg"`` → ``("bg", "ro")``: the ISO 639-1 codes of a ';'-separated list.

    Raises a ParameterError naming ``written_languages`` for a code that is not ISO 639-1.

    Examples
    --------
    >>> parse_languages("ro; BG")
    ('bg', 'ro')
    >>> parse_languages("")
    ()
    """
    from capacity.schema import ISO_639_1

    codes = [c.strip().lower() for c in str(text or "").replace(",", ";").split(";")]
    codes = sorted({c for c in codes if c})
    bad = [c for c in codes if c not in ISO_639_1]
    if bad:
        raise ParameterError(
            f"written_languages: {', '.join(repr(b) for b in bad)} is not an ISO 639-1 "
            "language code; list two-letter codes separated by ';', e.g. 'ro;bg;en'."
        )
    return tuple(codes)


def conversation_weights(channels, online_conversation_share: float) -> np.ndarray:
    """``c_k`` per channel: 1 for street, venue and operation, the share for online."""
    c = float(online_conversation_share)
    if not 0.0 <= c <= 1.0:
        raise ParameterError(f"online_conversation_share must be in [0, 1], got {c!r}.")
    return np.array(
        [1.0 if k in CONVERSATION_CHANNELS else (c if k == "online" else 0.0) for k in channels]
    )


def usable_at_level(
    speaker_share: np.ndarray,
    interpreter_share: float,
    written_share: float,
    written: np.ndarray,
    level: str,
) -> np.ndarray:
    """``m_L`` at ``level`` (module docstring): spoken, interpreted or — level a — written.

    Examples
    --------
    >>> s, w = np.array([1.0, 0.0]), np.array([False, True])
    >>> usable_at_level(s, 0.5, 0.4, w, "information").round(2).tolist()
    [1.0, 0.7]
    >>> usable_at_level(s, 0.5, 0.4, w, "conversation").round(2).tolist()
    [1.0, 0.5]
    """
    if level not in LEVELS:
        raise ParameterError(f"unknown reach level {level!r}; choose one of: {', '.join(LEVELS)}.")
    s = np.asarray(speaker_share, dtype=float)
    iota = float(interpreter_share)
    if level == "conversation":
        return 1.0 - (1.0 - s) * (1.0 - iota)
    w = float(written_share) * np.asarray(written, dtype=bool)
    return 1.0 - (1.0 - s) * (1.0 - iota) * (1.0 - w)


def at_level(fitted, level: str, written_languages: str = "", online_conversation_share=0.0):
    """``fitted`` with the contacts per hour ``η`` and usable shares ``m`` of ``level``.

    Parameters
    ----------
    fitted : FittedModels
    level : {"information", "conversation"}
    written_languages : str
        ';'-separated ISO 639-1 codes of the written first contact (level a only).
        Languages an option translates into (``languages["written"]``) count as well.
    online_conversation_share : float
        Share of online contacts that are conversations (level b only).

    Notes
    -----
    ``η`` per draw is recomputed from the per-channel contributions the fit keeps
    (``FittedModels.channel_eta``, ``h_k η_k`` per draw); ``m`` from the speaker shares,
    the interpreter share and the written languages. The language shares, stays, the
    strategy mix and the tour chain are the same at both levels.
    """
    langs = fitted.languages
    codes = parse_languages(written_languages)
    if level == "information" and not codes and "written" not in langs:
        return fitted  # today's inputs: every contact, spoken or interpreted
    written = langs["written"].to_numpy(dtype=bool) if "written" in langs else False
    eta, m = level_inputs(
        fitted,
        langs.index,
        langs["speaker_share"].to_numpy(dtype=float),
        fitted.interpreter_share,
        written,
        level,
        codes,
        online_conversation_share,
    )
    share, factor = level_strategy(fitted, level, online_conversation_share)
    return dataclasses.replace(
        fitted,
        inputs=dataclasses.replace(
            fitted.inputs, eta=eta, m=m, share=share, server_factor=factor
        ),  # fmt: skip
        languages=langs.assign(usable_share=m),
        mobility=level_mobility(fitted, level, online_conversation_share),
    )


def level_strategy(fitted, level: str, online_conversation_share: float = 0.0):
    r"""``(share in screening, server factor)`` per draw of the level's contact capacity.

    When the strategy per channel is identified (``fitted.channel_strategy.identified``),
    each channel keeps its own strategy and only its contacts that count at the level
    enter (:func:`capacity.models.channels.channel_mix_inputs`):
    :math:`w^b = \sum_k c_k h_k η_k w_k / \sum_k c_k h_k η_k` — at level b written replies
    to new ads (online screening) drop out and face-to-face search stays. Otherwise the
    pooled mix ``w`` applies to the level's capacity as it is (the fallback the result's
    caveats name).
    """
    x = fitted.inputs
    per_channel = getattr(fitted, "channel_strategy", None)
    ce = getattr(fitted, "channel_eta", None)
    if (level != "conversation" or per_channel is None or not per_channel.identified
            or ce is None or x.share is None):  # fmt: skip
        return x.share, x.server_factor
    weights = conversation_weights(fitted.channels, online_conversation_share)
    return per_channel.level_inputs(x.share, ce, weights)


def level_mobility(fitted, level: str, online_conversation_share: float = 0.0):
    """The fit's mobility (tour chain) at ``level``.

    At level b the other cities' reach counts conversations only
    (:func:`other_cities_at_conversation`); :func:`at_level` and the optimiser's point
    reach both take the tour chain from here.
    """
    mobility = fitted.mobility
    if level == "conversation" and mobility is not None:
        mobility = dataclasses.replace(
            mobility,
            city_reach=other_cities_at_conversation(
                mobility.city_reach,
                mobility.flows.cities,
                getattr(fitted, "city_channel_contacts", None),
                online_conversation_share,
            ),
        )
    return mobility


def other_cities_at_conversation(
    city_reach: np.ndarray, cities, contacts, online_conversation_share: float
) -> np.ndarray:
    r"""Every city's direct reach per stay ``(D, C)`` at level b.

    Notes
    -----
    The tour chain takes the other cities' reach directly from their contacted stays
    (:func:`capacity.question4.mobility.direct_city_reach`), contacts of any kind. At
    level b only conversations count: with ``r_c = Σ_k n_ck c_k / Σ_k n_ck`` the share of
    city ``c``'s logged contacts that are conversations, its contact capacity is scaled by
    ``r_c`` on the capacity scale of :func:`capacity.models.tours.capacity_reach`,

    .. math:: p^b_c = \frac{r_c\\,κ_c}{1 + r_c\\,κ_c},\\qquad κ_c = \frac{p_c}{1 - p_c},

    (exact for random search with exponential stays; ``p^b_c ≤ p_c``). A city without
    outreach rows keeps its reach. The analysed city's own reach comes from its full model.
    """
    p = np.asarray(city_reach, dtype=float)
    if contacts is None or len(contacts) == 0:
        return p
    weights = conversation_weights([str(c) for c in contacts.columns], online_conversation_share)
    total = contacts.sum(axis=1).to_numpy(dtype=float)
    conv = np.divide(contacts.to_numpy(dtype=float) @ weights, total, out=np.ones(len(total)),
                     where=total > 0)  # fmt: skip
    ratio = pd.Series(conv, index=contacts.index.astype(str)).reindex(list(cities)).fillna(1.0)
    cap = p / np.clip(1.0 - p, 1e-12, None) * ratio.to_numpy(dtype=float)[None, :]
    return cap / (1.0 + cap)


def level_inputs(
    fitted,
    languages,
    speaker_share: np.ndarray,
    interpreter_share: float,
    written,
    level: str,
    codes: tuple[str, ...] = (),
    online_conversation_share: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``(η per draw, m_L)`` at ``level``, from arrays (the core of :func:`at_level`).

    ``written`` marks the languages with translated information (or False); ``codes`` the
    parsed written languages of the parameters. The optimiser calls this for thousands of
    mixes without building a languages frame for each.
    """
    written = np.isin(np.asarray(languages, dtype=str), codes) | np.asarray(written, dtype=bool)
    m = usable_at_level(
        speaker_share, interpreter_share, fitted.written_contact_share, written, level
    )
    eta = fitted.inputs.eta
    if level == "conversation":
        per_channel = getattr(fitted, "channel_eta", None)
        if per_channel is None:
            raise ParameterError(
                "reach_level 'conversation' needs the contacts per channel, which this fit "
                "does not keep; refit with fit_models."
            )
        eta = per_channel @ conversation_weights(fitted.channels, online_conversation_share)
    return np.asarray(eta, dtype=float), m
