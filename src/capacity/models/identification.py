r"""Competence beyond language: how identification of trafficking depends on training and
on talking in a language the person understands.

The outreach log records per shift the contacts, those held in the person's own language,
those with an interpreter, the trafficking indicators noted and the referrals made; the staff
table records who is trained to identify trafficking (Convention art. 10). Per shift the
team-month's trained share of outreach FTE is joined, and a Poisson GLM with the contacts as
exposure is fitted for indicators and for referrals:

.. math:: \log E[Y_s] = \log c_s + β_0 + β_t\, t_s + β_o\, o_s + β_i\, i_s,

with ``t`` the trained share, ``o`` and ``i`` the shares of the shift's contacts held in the
own language and through an interpreter (the rest: neither). Rates per contact by mode are
the model's predictions at today's trained share with ``(o, i) = (1, 0), (0, 1), (0, 0)``;
``exp(β_t)`` is the rate ratio of a fully trained team against an untrained one. The training
scenario predicts indicators per year with every outreach staff member trained.
Quasi-Poisson standard errors (Pearson χ²/df scale); intervals by the delta method on the
log scale. McCullagh & Nelder (1989), *Generalized Linear Models*, ch. 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from capacity.models._base import Caveat

__all__ = ["IdentificationResults", "identification_rates", "trained_share_by_team_month"]

MODES = ("own_language", "interpreter", "neither")

#: Fewest indicators (or referrals) in the log for the model of that outcome: with fewer,
#: four coefficients cannot be told apart (one or two events put the training effect at
#: 10^80 with an interval from 0 to infinity) and each rate beside its contacts would print
#: a small count.
MIN_EVENTS = 10

#: Largest standard error of a log rate ratio kept: beyond it the data separate the outcome
#: completely (every event in trained shifts, say) and the ratio is not estimable.
MAX_LOG_SE = 5.0


@dataclass(frozen=True)
class IdentificationResults:
    """Identification per contact by language mode and training.

    Attributes
    ----------
    rates : DataFrame
        Index ``(outcome, mode)`` with outcome ``indicators``/``referrals`` and mode
        ``own_language``/``interpreter``/``neither``: ``estimate, ci_lower, ci_upper`` per
        contact at today's trained share, and ``contacts`` (contacts in that mode).
    training_rate_ratio : DataFrame
        Per outcome: ``estimate, ci_lower, ci_upper`` of ``exp(β_t)``.
    trained_hours_share : float
        Share of outreach hours in the log by trained staff (trained share of the team-month
        weighted by shift hours).
    per_year : DataFrame
        Per outcome: ``today`` and ``all_trained`` (expected per year at today's contacts),
        with ``all_trained_lower``/``_upper``.
    caveats : tuple of Caveat
    """

    rates: pd.DataFrame
    training_rate_ratio: pd.DataFrame
    trained_hours_share: float
    per_year: pd.DataFrame
    caveats: tuple[Caveat, ...] = ()


def trained_share_by_team_month(staff: pd.DataFrame, city: str) -> pd.Series:
    """Trained share of outreach FTE per ``(team, month)`` of ``city``."""
    rows = staff[staff["city"].astype(str) == city]
    out = rows["fte"].to_numpy(dtype=float) * rows["outreach_share"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "team": rows["team"].astype(str).to_numpy(),
            "month": pd.to_datetime(rows["month"]).dt.to_period("M").to_numpy(),
            "out": out,
            "trained": out * rows["trafficking_trained"].to_numpy(dtype=bool),
        }
    )
    g = frame.groupby(["team", "month"])[["out", "trained"]].sum()
    return (g["trained"] / g["out"].where(g["out"] > 0)).rename("trained_share")


def identification_rates(
    outreach: pd.DataFrame, staff: pd.DataFrame, city: str, alpha: float = 0.05
) -> IdentificationResults | None:
    """Fit the identification GLMs for ``city``'s outreach rows (see module docstring).

    Returns None when the log has no contacts or too few indicators and referrals to model
    (fewer than :data:`MIN_EVENTS` of each), or when the shifts do not vary enough to
    separate training from language (a rank-deficient design). An outcome whose fit
    separates (a log rate ratio with a standard error above :data:`MAX_LOG_SE`) is left
    out with a caveat.
    """
    from capacity.models import _statsmodels as sm  # not statsmodels.api: 0.5–0.8 s of imports

    rows = outreach[(outreach["city"].astype(str) == city) & (outreach["contacts"] > 0)].copy()
    if rows.empty:
        return None
    share = trained_share_by_team_month(staff, city)
    key = pd.MultiIndex.from_arrays(
        [rows["team"].astype(str), pd.to_datetime(rows["date"]).dt.to_period("M")]
    )
    rows["trained"] = share.reindex(key).to_numpy(dtype=float)
    caveats = []
    missing = float(np.isnan(rows["trained"]).mean())
    if missing > 0:
        caveats.append(Caveat("identification.missing_staff_month", share=missing))
    rows = rows[np.isfinite(rows["trained"])]
    contacts = rows["contacts"].to_numpy(dtype=float)
    if rows.empty or contacts.sum() <= 0:
        return None
    own = rows["contacts_own_language"].to_numpy(dtype=float) / contacts
    interp = np.minimum(rows["interpreter_used"].to_numpy(dtype=float) / contacts, 1.0 - own)
    t = rows["trained"].to_numpy(dtype=float)
    hours = rows["staff_hours"].to_numpy(dtype=float)
    trained_hours = float((t * hours).sum() / hours.sum()) if hours.sum() > 0 else float("nan")
    X = np.column_stack([np.ones(len(rows)), t, own, interp])
    if np.linalg.matrix_rank(X) < X.shape[1]:  # e.g. one trained share or no interpreters
        return None
    z = stats.norm.ppf(1 - alpha / 2)
    t_now = float(np.average(t, weights=contacts))
    design = {
        "own_language": [1.0, t_now, 1.0, 0.0],
        "interpreter": [1.0, t_now, 0.0, 1.0],
        "neither": [1.0, t_now, 0.0, 0.0],
    }
    mode_contacts = {
        "own_language": float((own * contacts).sum()),
        "interpreter": float((interp * contacts).sum()),
        "neither": float(((1 - own - interp) * contacts).sum()),
    }
    weeks = (
        max((pd.to_datetime(rows["date"]).max() - pd.to_datetime(rows["date"]).min()).days + 1, 1)
        / 7.0
    )
    rate_rows, ratio_rows, year_rows = [], [], []
    for outcome, column in (("indicators", "trafficking_indicators"), ("referrals", "referrals")):
        y = rows[column].to_numpy(dtype=float)
        if y.sum() < MIN_EVENTS:
            if y.sum() > 0:
                caveats.append(
                    Caveat("identification.few_events", n=MIN_EVENTS, outcome=f"word_{outcome}")
                )
            continue
        fit = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(contacts)).fit(scale="X2")
        beta, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
        se_all = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        if not (np.isfinite(beta).all() and np.isfinite(se_all).all()) or se_all[1] > MAX_LOG_SE:
            caveats.append(Caveat("identification.no_variation", outcome=f"word_{outcome}"))
            continue
        for mode, x in design.items():
            x = np.asarray(x)
            eta, se = float(x @ beta), float(np.sqrt(x @ cov @ x))
            rate_rows.append(
                (
                    outcome,
                    mode,
                    np.exp(eta),
                    np.exp(eta - z * se),
                    np.exp(eta + z * se),
                    mode_contacts[mode],
                )
            )
        b, s = float(beta[1]), float(np.sqrt(cov[1, 1]))
        ratio_rows.append((outcome, np.exp(b), np.exp(b - z * s), np.exp(b + z * s)))
        # every shift as it is, but with every outreach staff member trained
        today = float(y.sum()) / weeks * 52.0
        mu_now = np.exp(X @ beta) * contacts
        gain = np.exp(b * (1.0 - t))
        trained = float((mu_now * gain).sum() / mu_now.sum())
        lo = float((mu_now * np.exp((b - z * s) * (1.0 - t))).sum() / mu_now.sum())
        hi = float((mu_now * np.exp((b + z * s) * (1.0 - t))).sum() / mu_now.sum())
        year_rows.append((outcome, today, today * trained, today * lo, today * hi))
    if not rate_rows:
        return None
    rates = pd.DataFrame(
        rate_rows, columns=["outcome", "mode", "estimate", "ci_lower", "ci_upper", "contacts"]
    ).set_index(["outcome", "mode"])
    ratio = pd.DataFrame(
        ratio_rows, columns=["outcome", "estimate", "ci_lower", "ci_upper"]
    ).set_index("outcome")
    per_year = pd.DataFrame(
        year_rows,
        columns=["outcome", "today", "all_trained", "all_trained_lower", "all_trained_upper"],
    ).set_index("outcome")
    return IdentificationResults(rates, ratio, trained_hours, per_year, tuple(caveats))
