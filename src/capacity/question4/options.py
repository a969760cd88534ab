"""What the city can do: options, what each buys and what it costs a year.

An option is a :class:`Mix` of levers applied on top of one fit — no refit:

- ``extra_fte`` outreach FTE (today's mix of languages and channels);
- ``language_hires``: one outreach FTE who speaks a language no staff member speaks.
  Her hours cover the contacts in her language up to her share of outreach time:
  ``s_L' = max(s_L, min(1, n_L / (π_L F)))`` with ``F`` the outreach FTE after the option;
- ``interpreter_share``: telephone interpreting for that share of contacts in a language
  staff cannot hold (1 = at every contact);
- ``translated``: written information (ad replies, web, leaflet) in these languages, which
  makes the written contacts (the online channel's share ``w`` of contacts) usable in them;
- ``training``: training every untrained outreach staff member to identify trafficking.
  It does not change reach (a contact in a language she understands), only identification.

With speaker share ``s_L``, interpreter share ``ι`` and ``w_L = w`` for translated languages
(0 otherwise), the usable share per language is

.. math:: m_L = 1 - (1 - s_L)(1 - ι)(1 - w_L),

which is :func:`capacity.models.competence.usable_share` when ``w_L = 0``. Reach, the
verdict and the support chain then come from :func:`capacity.question4.evaluate` with
``extra_fte`` raised by the option's FTE.

**Yearly cost** (kronor; parameters ``cost_*`` of :class:`~capacity.config.Params`, all
assumptions to be replaced with the city's figures): FTE × ``cost_outreach_fte``; the
change in interpreter hours (contacts per year ``η·H·F·52`` × the share needing an
interpreter ``Σ_L π_L (1 − s_L)(1 − w_L) ι`` × ``interpreter_hours_per_contact``) ×
``cost_interpreter_hour``; translated languages × ``cost_translation_language``; training:
untrained staff × ``training_days`` × ``cost_training_day`` (a one-off cost, counted in the
first year). Methods: ``docs/methods/options-and-costs.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.config import Params
from capacity.question4.fit import FittedModels
from capacity.question4.scenario import Scenario

__all__ = [
    "COST_PARAMS",
    "Mix",
    "apply_mix",
    "evaluate_mix",
    "mix_cost",
    "point_reach",
    "point_reaches",
    "reach_curve",
    "standard_options",
    "uncovered_languages",
    "untrained_staff",
]

#: Parameters that price options and size the support chain: never part of a fit.
COST_PARAMS = frozenset(
    {
        "cost_outreach_fte",
        "cost_casework_fte",
        "cost_interpreter_hour",
        "interpreter_hours_per_contact",
        "cost_translation_language",
        "cost_training_day",
        "training_days",
        "shelter_share",
        "support_start_target",
    }
)
WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class Mix:
    """A combination of levers (see the module docstring).

    Examples
    --------
    >>> Mix(extra_fte=2, language_hires=("bg",)).total_fte
    3.0
    """

    extra_fte: float = 0.0
    language_hires: tuple[str, ...] = ()
    interpreter_share: float | None = None
    translated: tuple[str, ...] = ()
    training: bool = False

    @property
    def total_fte(self) -> float:
        """Outreach FTE the option adds (language hires included)."""
        return float(self.extra_fte) + len(self.language_hires)


def uncovered_languages(fitted: FittedModels) -> list[str]:
    """Languages of the target group no outreach staff member speaks, largest share first."""
    langs = fitted.languages
    none = langs[langs["staff_speakers_fte"].fillna(0) <= 0]
    return list(none["share"].sort_values(ascending=False, kind="stable").index)


def untrained_staff(fitted: FittedModels) -> int:
    """Staff members to train: staff members × the untrained share of outreach time."""
    st = fitted.staff
    return int(math.ceil(st.staff_members * (1.0 - st.trained_share) - 1e-9))


def _language_arrays(fitted: FittedModels) -> tuple:
    """``(languages frame, π, s, codes)`` of the fit, read from the frame once per fit.

    The optimiser prices thousands of mixes on one fit; reading two pandas columns per
    mix was two thirds of its time. Kept on the (frozen) fit and checked against the
    frame it was read from, so a fit with other languages never sees stale arrays.
    """
    langs = fitted.languages
    cached = fitted.__dict__.get("_language_arrays")
    if cached is None or cached[0] is not langs:
        cached = (
            langs,
            langs["share"].to_numpy(dtype=float),
            langs["speaker_share"].to_numpy(dtype=float),
            list(langs.index),
        )
        object.__setattr__(fitted, "_language_arrays", cached)
    return cached


def _shares(fitted: FittedModels, mix: Mix, fte_total: float):
    """``(π, s, ι, w)`` per language after the option (point estimate of ``π``)."""
    _, pi, s, index = _language_arrays(fitted)
    pi, s = pi.copy(), s.copy()
    for code in set(mix.language_hires):
        if code not in index:
            raise ValueError(f"language {code!r} is not a language of the target group")
        i = index.index(code)
        cover = mix.language_hires.count(code) / max(pi[i] * fte_total, 1e-12)
        s[i] = max(s[i], min(1.0, cover))
    iota = fitted.interpreter_share if mix.interpreter_share is None else mix.interpreter_share
    w = np.zeros(len(index))
    for code in mix.translated:
        if code not in index:
            raise ValueError(f"language {code!r} is not a language of the target group")
        w[index.index(code)] = fitted.written_contact_share
    return pi, s, float(iota), w


def _usable(s: np.ndarray, iota: float, w: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - s) * (1.0 - iota) * (1.0 - w)


def apply_mix(fitted: FittedModels, mix: Mix, base_extra_fte: float = 0.0) -> FittedModels:
    """``fitted`` with the option's language hires, interpreters and translations.

    The option's FTE are not added here: pass ``extra_fte + mix.total_fte`` to
    :func:`~capacity.question4.evaluate` (see :func:`evaluate_mix`).
    """
    fte_total = fitted.staff.outreach_fte + base_extra_fte + mix.total_fte
    _, s, iota, w = _shares(fitted, mix, fte_total)
    m = _usable(s, iota, w)
    langs = fitted.languages.assign(speaker_share=s, usable_share=m, written=w > 0)
    hires = pd.Series(mix.language_hires, dtype=object).value_counts()
    langs["staff_speakers_fte"] = langs["staff_speakers_fte"].add(
        hires.reindex(langs.index).fillna(0.0), fill_value=0.0
    )
    return dataclasses.replace(
        fitted,
        inputs=dataclasses.replace(fitted.inputs, m=m),
        languages=langs,
        interpreter_share=iota,
        interpreter_source=(
            fitted.interpreter_source if mix.interpreter_share is None else "parameter"
        ),
    )


def _interpreter_hours(fitted, fte_total, pi, s, iota, w, params) -> float:
    contacts = float(fitted.inputs.eta[0] * fitted.inputs.hours_per_fte) * fte_total
    share = float(np.sum(pi * (1.0 - s) * (1.0 - w))) * iota
    return contacts * WEEKS_PER_YEAR * share * params.interpreter_hours_per_contact


def mix_cost(fitted: FittedModels, mix: Mix, params: Params, base_extra_fte: float = 0.0) -> dict:
    """Yearly cost of the option in kronor, by item, relative to today (see module notes)."""
    now = fitted.staff.outreach_fte + base_extra_fte
    fte_total = now + mix.total_fte
    pi, s, iota, w = _shares(fitted, mix, fte_total)
    pi0, s0, iota0, w0 = _shares(fitted, Mix(), now)
    hours = _interpreter_hours(fitted, fte_total, pi, s, iota, w, params)
    hours0 = _interpreter_hours(fitted, now, pi0, s0, iota0, w0, params)
    items = {
        "staff": mix.total_fte * params.cost_outreach_fte,
        "interpreting": (hours - hours0) * params.cost_interpreter_hour,
        "translation": len(set(mix.translated)) * params.cost_translation_language,
        "training": (
            untrained_staff(fitted) * params.training_days * params.cost_training_day
            if mix.training
            else 0.0
        ),
    }
    items["total"] = float(sum(items.values()))
    items["interpreter_hours"] = hours - hours0
    return items


def point_reach(
    fitted: FittedModels, mix: Mix, scenario: Scenario, base_extra_fte: float = 0.0
) -> float:
    """Effective reach of the option at the point estimate (fast; no intervals).

    The same as :func:`apply_mix`, then :func:`~capacity.question4.levels.at_level` and the
    point estimate's reach (tested equal), from arrays: the optimiser prices thousands of
    mixes, and building two languages frames per mix was most of its time. One mix of
    :func:`point_reaches`.
    """
    return float(point_reaches(fitted, [mix], scenario, base_extra_fte)[0])


def point_reaches(
    fitted: FittedModels, mixes, scenario: Scenario, base_extra_fte: float = 0.0
) -> np.ndarray:
    """:func:`point_reach` of many mixes, one array call per total of outreach FTE.

    Each mix is one row of a stacked point estimate (its own usable shares ``m_L`` and
    FTE). Mixes are evaluated together when they have the same total FTE: the screening
    queue (:func:`capacity.models.strategy.erlang_a_served_many`) then has the same inputs
    in every row, so its state space, padded to the largest queue of a call, is the one a
    single mix gets, and each row's reach is bit for bit :func:`point_reach`'s (tested).
    The budget frontier prices ≈ 2 800 mixes on the sample in ≈ 30 such calls.
    """
    from capacity.question4.levels import (
        level_inputs,
        level_mobility,
        level_strategy,
        parse_languages,
    )
    from capacity.question4.mobility import measure_reach

    mixes = list(mixes)
    out = np.empty(len(mixes))
    if not mixes:
        return out
    codes = _language_arrays(fitted)[3]
    written_codes = parse_languages(scenario.written_languages)
    level, online = scenario.reach_level, scenario.online_conversation_share
    share, factor = level_strategy(fitted, level, online)
    # the measure the verdict counts (reach per woman by default), as evaluate does
    mob = level_mobility(fitted, level, online)
    measure = scenario.reach_measure if mob is not None else "stay"
    scen = scenario.reach_settings()
    totals = [fitted.staff.outreach_fte + base_extra_fte + mix.total_fte for mix in mixes]
    groups: dict[float, list[int]] = {}
    for i, total in enumerate(totals):
        groups.setdefault(total, []).append(i)
    eta = None
    rows = []
    for i, mix in enumerate(mixes):
        _, s, iota, w = _shares(fitted, mix, totals[i])
        eta, m = level_inputs(fitted, codes, s, iota, w > 0, level, written_codes, online)
        rows.append(m)
    base = dataclasses.replace(fitted.inputs, eta=eta, share=share, server_factor=factor)
    for total, idx in groups.items():
        first = np.zeros(len(idx), dtype=int)  # the point estimate, once per mix
        one = dataclasses.replace(base.subset(first), m=np.stack([rows[i] for i in idx]))
        sub = None if mob is None else mob.subset(first)
        fte = np.full(len(idx), max(total, 0.0))
        out[idx] = measure_reach(one, sub, fte, measure, scen)
    return out


def _at_level(fitted: FittedModels, sc: Scenario, at_level=None) -> FittedModels:
    """``fitted`` at the scenario's level of reach (:mod:`capacity.question4.levels`)."""
    if at_level is None:
        from capacity.question4.levels import at_level
    return at_level(fitted, sc.reach_level, sc.written_languages, sc.online_conversation_share)


def evaluate_mix(
    fitted: FittedModels,
    params: Params,
    mix: Mix,
    scenario: Scenario | None = None,
    *,
    forecast: bool = True,
    staffing: bool = True,
) -> dict:
    """Reach (with interval), cost and the support chain of one option.

    Returns a dict with ``reach``, ``reach_lower``, ``reach_upper`` (effective reach and its
    percentile interval), ``gain`` (reach − reach without the option, point estimate),
    ``cost`` (kronor a year), ``gain_per_mkr`` (percentage points per million kronor),
    ``p_target``, the support chain (``support_cases_per_week``,
    ``reflection_periods_at_once``, ``shelter_places``, ``casework_fte_needed`` with
    ``_lower``/``_upper``), ``fte_added`` and the ``result`` of
    :func:`~capacity.question4.evaluate` (``forecast`` and ``staffing`` are passed to it;
    the returned figures do not depend on them).
    """
    from capacity.question4.evaluate import evaluate

    sc = Scenario.from_params(params) if scenario is None else scenario
    sc = sc.replace(interpreter_share=None)
    adjusted = apply_mix(fitted, mix, sc.extra_fte)
    res = evaluate(
        adjusted,
        params,
        sc.replace(extra_fte=sc.extra_fte + mix.total_fte),
        forecast=forecast,
        staffing=staffing,
    )
    kf = res.key_figures
    base = point_reach(fitted, Mix(), sc, sc.extra_fte)
    cost = mix_cost(fitted, mix, params, sc.extra_fte)
    reach = float(kf.loc["reach_effective", "estimate"])
    gain = reach - base
    row = {
        "fte_added": mix.total_fte,
        "reach": reach,
        "reach_lower": float(kf.loc["reach_effective", "ci_lower"]),
        "reach_upper": float(kf.loc["reach_effective", "ci_upper"]),
        "gain": gain,
        "cost": cost["total"],
        "gain_per_mkr": 100 * gain / (cost["total"] / 1e6) if cost["total"] > 0 else np.nan,
        "p_target": res.p_target,
        "result": res,
    }
    for key in (
        "support_cases_per_week",
        "reflection_periods_at_once",
        "shelter_places",
        "casework_fte_needed",
    ):
        row[key] = float(kf.loc[key, "estimate"])
        row[f"{key}_lower"] = float(kf.loc[key, "ci_lower"])
        row[f"{key}_upper"] = float(kf.loc[key, "ci_upper"])
    return row


def standard_options(fitted: FittedModels, n_languages: int = 3) -> dict[str, Mix]:
    """The options page one lists: more FTE, language hires, interpreters, translation,
    training. Keys are stable names (``plus2`` …, ``hire_<code>``, ``interpreters``,
    ``translation``, ``training``).
    """
    options = {f"plus{n}": Mix(extra_fte=n) for n in (2, 5, 10, 20)}
    uncovered = uncovered_languages(fitted)
    for code in uncovered[:n_languages]:
        options[f"hire_{code}"] = Mix(language_hires=(code,))
    options["interpreters"] = Mix(interpreter_share=1.0)
    if uncovered and fitted.written_contact_share > 0:
        options["translation"] = Mix(translated=tuple(uncovered))
    options["training"] = Mix(training=True)
    return options


def options_frame(
    fitted: FittedModels,
    params: Params,
    options: dict[str, Mix] | None = None,
    *,
    draws: dict | None = None,
) -> pd.DataFrame:
    """:func:`evaluate_mix` for every option, one row each.

    ``result`` is dropped, so neither the forecast per month nor the FTE needed per draw
    is computed. ``draws``, if given (a dict), receives each option's draws of effective
    reach and its point estimate, for :func:`retarget`.
    """
    options = standard_options(fitted) if options is None else options
    rows = {}
    for key, mix in options.items():
        row = evaluate_mix(fitted, params, mix, forecast=False, staffing=False)
        res = row.pop("result")
        if draws is not None:
            draws[key] = (res.draws["reach_effective"].copy(), row["reach"])
        rows[key] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def retarget(frame: pd.DataFrame, draws: dict, target_reach: float) -> pd.DataFrame:
    """:func:`options_frame` at another ``target_reach``: only ``p_target`` depends on it.

    ``draws`` is what :func:`options_frame` filled in. ``p_target`` is the share of draws
    of effective reach at or above the target (the point estimate without draws), as
    :func:`~capacity.question4.evaluate` computes it; every other column is the same at
    any target (a test compares the frame with one evaluated at the other target).
    """
    out = frame.copy()
    p = []
    for key in frame.index:
        reach, point = draws[key]
        p.append(
            float((reach >= target_reach).mean()) if len(reach) else float(point >= target_reach)
        )
    out["p_target"] = p
    return out


def reach_curve(
    fitted: FittedModels,
    params: Params,
    fte: np.ndarray | None = None,
    strategies: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Effective reach with its interval for 0…N added outreach FTE, per strategy.

    Reach is counted by the verdict's measure (``params.reach_measure``: per woman by
    default, as the verdict and the options table), so the curve at 0 is the verdict's
    reach and at +N the option "+N FTE".

    Long frame: ``strategy``, ``extra_fte``, ``estimate``, ``ci_lower``, ``ci_upper``
    (percentile interval over the Monte Carlo draws at ``params.alpha``).
    """
    from capacity.models._base import percentile_interval
    from capacity.models.reach import STRATEGIES
    from capacity.question4.mobility import measure_reach

    sc = Scenario.from_params(params)
    fte = np.arange(0, 21) if fte is None else np.asarray(fte, dtype=float)
    strategies = tuple(STRATEGIES) if strategies is None else strategies
    at = _at_level(fitted, sc)
    x, mob = at.inputs, at.mobility
    measure = sc.reach_measure if mob is not None else "stay"
    rows = []
    for name in strategies:
        scen = sc.reach_settings() | {"strategy": name}
        for f in fte:
            total = max(fitted.staff.outreach_fte + sc.extra_fte + f, 0.0)
            r = measure_reach(x, mob, np.full(len(x), total), measure, scen)
            lo, hi = percentile_interval(r[1:], params.alpha) if len(r) > 1 else (r[0], r[0])
            rows.append((name, float(f), float(r[0]), float(lo), float(hi)))
    return pd.DataFrame(rows, columns=["strategy", "extra_fte", "estimate", "ci_lower", "ci_upper"])
