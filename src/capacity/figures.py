"""Report figures: one function per figure, each returning the figure and its alt text.

Every figure has a title, axis labels with units, the Okabe–Ito colour-blind-safe palette
and an alt text that states what the figure shows in numbers, so that a reader of the PDF
with a screen reader gets the same message as a sighted reader. Labels come from
:mod:`capacity.i18n` in the report language; the palette, :class:`Figure` and the axis
formatters live in :mod:`capacity.figures_style`.

References
----------
Okabe, M. and Ito, K. (2008). *Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people.* https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.figures_style import (
    OKABE_ITO,
    PALETTE,
    Figure,
    date_axis,
    new_axes,
    number_axis,
    percent_axis,
    style,
)
from capacity.i18n import format_interval, format_number, format_percent, language_name, t

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "Figure",
    "arrivals_forecast",
    "channel_check",
    "fte_needed",
    "languages",
    "monthly_persons",
    "reach_distribution",
    "scenario_comparison",
    "style",
    "survival_curve",
    "tornado",
]


def reach_distribution(draws: np.ndarray | pd.Series, target: float, lang: str) -> Figure:
    """Histogram of the Monte Carlo draws of effective reach, with the target marked.

    The share of draws at or above the target is the probability behind the verdict.
    """
    x = np.asarray(draws, dtype=float)
    x = x[np.isfinite(x)]
    fig, ax = new_axes()
    lo, hi = np.quantile(x, [0.025, 0.975])
    ax.axvspan(lo, max(hi, lo + 0.004), color=OKABE_ITO["sky_blue"], alpha=0.45, lw=0)
    ax.hist(x, bins=min(30, max(8, x.size // 8)), color=OKABE_ITO["blue"], alpha=0.85)
    ax.axvline(target, color=OKABE_ITO["vermillion"], lw=2, ls="--", label=t("fig_target", lang))
    ax.axvline(np.median(x), color=OKABE_ITO["black"], lw=1.2, label=t("fig_estimate", lang))
    ax.set_xlim(0, 1)
    percent_axis(ax, "x", lang)
    number_axis(ax, "y", lang)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(t("fig_reach_x", lang))
    ax.set_ylabel(t("fig_draws_y", lang))
    ax.set_title(t("fig_reach_title", lang))
    ax.legend(loc="upper right")
    lo, hi = np.quantile(x, [0.025, 0.975])
    above = float(np.mean(x >= target))
    span = format_interval(lo, hi, lang, percent=True)
    note = t("fig_reach_note", lang, span=span)
    ax.annotate(
        note,
        xy=(float(np.median(x)), 0.5),
        xycoords=("data", "axes fraction"),
        xytext=(8 if np.median(x) < 0.6 else -8, 0),
        textcoords="offset points",
        fontsize=8.5,
        ha="left" if np.median(x) < 0.6 else "right",
    )
    alt = t(
        "fig_reach_alt",
        lang,
        n=x.size,
        median=format_percent(np.median(x), lang),
        span=span,
        target=format_percent(target, lang),
        above=format_percent(above, lang),
    )
    return Figure(fig, alt, t("fig_reach_title", lang), "reach_distribution")


def survival_curve(frame: pd.DataFrame, lang: str, median_days: float | None = None) -> Figure:
    """Kaplan–Meier curve of stay length with its pointwise interval.

    ``frame`` has columns ``time`` (days), ``survival``, ``ci_lower``, ``ci_upper`` as
    returned by ``StaysResults.survival_frame()``.
    """
    f = frame.sort_values("time")
    # The tail, where almost nobody is left, has intervals of [0, 1]: show the curve until
    # 99.5 % have left (the alt text gives the time it is cut at).
    below = np.flatnonzero(f["survival"].to_numpy() < 0.005)
    if below.size:
        f = f.iloc[: below[0] + 1]
    if not len(f) or f["time"].iloc[0] > 0:  # the curve starts at S(0) = 1
        start = pd.DataFrame(
            {"time": [0.0], "survival": [1.0], "ci_lower": [1.0], "ci_upper": [1.0]}
        )
        f = pd.concat([start, f[["time", "survival", "ci_lower", "ci_upper"]]], ignore_index=True)
    fig, ax = new_axes()
    ax.step(
        f["time"],
        f["survival"],
        where="post",
        color=OKABE_ITO["blue"],
        label=t("fig_estimate", lang),
    )
    ax.fill_between(
        f["time"],
        f["ci_lower"],
        f["ci_upper"],
        step="post",
        color=OKABE_ITO["sky_blue"],
        alpha=0.35,
        label=t("fig_interval_95", lang),
    )
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    percent_axis(ax, "y", lang)
    ax.set_xlabel(t("fig_stay_x", lang))
    ax.set_ylabel(t("fig_stay_y", lang))
    ax.set_title(t("fig_stay_title", lang))
    ax.legend(loc="upper right")
    t_max = float(f["time"].max())
    s_end = float(f["survival"].iloc[-1])
    med = (
        ""
        if median_days is None or not np.isfinite(median_days)
        else format_number(median_days, lang, 0)
    )
    alt = t(
        "fig_stay_alt",
        lang,
        median=med,
        days=format_number(t_max, lang, 0),
        left=format_percent(s_end, lang),
    )
    return Figure(fig, alt, t("fig_stay_title", lang), "stay_survival")


def arrivals_forecast(
    observed: pd.Series,
    forecast: pd.DataFrame,
    lang: str,
    *,
    hidden: int = 0,
    threshold: int = 5,
) -> Figure:
    """Observed monthly arrivals and the forecast with its prediction interval.

    ``observed`` is indexed by month; ``forecast`` by month with columns ``estimate``,
    ``ci_lower``, ``ci_upper``. Months whose observed count is below the disclosure
    threshold are missing (NaN) in ``observed`` and are not drawn; ``hidden`` says how many,
    and the alt text says so without their values.
    """
    fig, ax = new_axes()
    ax.plot(
        observed.index,
        observed.to_numpy(),
        marker="o",
        ms=3,
        color=OKABE_ITO["blue"],
        label=t("fig_observed", lang),
    )
    ax.plot(
        forecast.index,
        forecast["estimate"],
        color=OKABE_ITO["orange"],
        lw=2,
        label=t("fig_forecast", lang),
    )
    ax.fill_between(
        forecast.index,
        forecast["ci_lower"],
        forecast["ci_upper"],
        color=OKABE_ITO["orange"],
        alpha=0.25,
    )
    ax.set_ylim(bottom=0)
    number_axis(ax, "y", lang)
    ax.set_xlabel(t("fig_month", lang))
    ax.set_ylabel(t("fig_arrivals_y", lang))
    ax.set_title(t("fig_arrivals_title", lang))
    ax.legend(loc="upper left")
    shown = observed.dropna()
    last_obs = float(shown.iloc[-1]) if len(shown) else float("nan")
    end = forecast.iloc[-1]
    end_month = pd.Timestamp(forecast.index[-1]).strftime("%Y-%m")
    alt = t(
        "fig_arrivals_alt",
        lang,
        n=len(observed),
        last=format_number(last_obs, lang, 0),
        month=end_month,
        forecast=format_number(end["estimate"], lang, 0),
        interval=format_interval(end["ci_lower"], end["ci_upper"], lang, decimals=0),
    )
    if hidden:
        alt += " " + t("fig_arrivals_hidden", lang, n=hidden, threshold=threshold)
    return Figure(fig, alt, t("fig_arrivals_title", lang), "arrivals_forecast")


def fte_needed(forecast: pd.DataFrame, fte_now: float, lang: str) -> Figure:
    """FTE needed for the target per forecast month, against today's outreach FTE.

    ``forecast`` is indexed by month with columns ``fte_needed``, ``fte_needed_lower``,
    ``fte_needed_upper``.
    """
    fig, ax = new_axes()
    date_axis(ax)
    ax.plot(
        forecast.index,
        forecast["fte_needed"],
        color=OKABE_ITO["vermillion"],
        lw=2,
        label=t("fig_fte_title", lang),
    )
    ax.fill_between(
        forecast.index,
        forecast["fte_needed_lower"],
        forecast["fte_needed_upper"],
        color=OKABE_ITO["vermillion"],
        alpha=0.2,
    )
    ax.axhline(
        fte_now, color=OKABE_ITO["bluish_green"], lw=2, ls="--", label=t("fig_fte_now", lang)
    )
    ax.set_ylim(bottom=0)
    number_axis(ax, "y", lang, 0)
    ax.set_xlabel(t("fig_month", lang))
    ax.set_ylabel(t("fig_fte_y", lang))
    ax.set_title(t("fig_fte_title", lang))
    ax.legend(loc="upper left")
    first, last = forecast.iloc[0], forecast.iloc[-1]
    alt = t(
        "fig_fte_alt",
        lang,
        first=format_number(first["fte_needed"], lang, 1),
        last=format_number(last["fte_needed"], lang, 1),
        now=format_number(fte_now, lang, 1),
    )
    return Figure(fig, alt, t("fig_fte_title", lang), "fte_needed")


def languages(frame: pd.DataFrame, lang: str, threshold: int = 5) -> Figure:
    """Share of the target group and share reached per language (horizontal bars).

    ``frame`` is indexed by ISO 639-1 code with columns ``share_of_target_group`` and
    ``reach`` (and optionally ``persons``, the persons seen with that language). Languages
    with 1 … ``threshold`` − 1 persons are left out, as in the tables (small-cell
    suppression); the alt text says how many.
    """
    f = frame
    n_hidden = 0
    if "persons" in frame:
        small = (frame["persons"] > 0) & (frame["persons"] < threshold)
        n_hidden = int(small.sum())
        f = frame[~small]
    if f.empty:
        raise ValueError(f"every language has fewer than {threshold} persons: nothing to draw")
    f = f.sort_values("share_of_target_group")
    names = [language_name(c, lang) for c in f.index]
    y = np.arange(len(f))
    fig, ax = new_axes((6.4, 0.9 + 0.45 * len(f)))
    ax.barh(
        y + 0.2,
        f["share_of_target_group"],
        height=0.38,
        color=OKABE_ITO["sky_blue"],
        label=t("fig_lang_share", lang),
    )
    ax.barh(
        y - 0.2,
        f["reach"],
        height=0.38,
        color=OKABE_ITO["blue"],
        label=t("fig_lang_reach", lang),
    )
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    percent_axis(ax, "x", lang)
    ax.set_xlabel(t("fig_lang_x", lang))
    ax.set_title(t("fig_lang_title", lang))
    ax.legend(loc="lower right")
    parts = [
        f"{n} {format_percent(s, lang)} / {format_percent(r, lang)}"
        for n, s, r in zip(
            names[::-1], f["share_of_target_group"][::-1], f["reach"][::-1], strict=True
        )
    ]
    alt = t("fig_lang_alt", lang, parts="; ".join(parts))
    if n_hidden:
        alt += " " + t("fig_lang_hidden", lang, n=n_hidden, threshold=threshold)
    return Figure(fig, alt, t("fig_lang_title", lang), "languages")


def scenario_comparison(frame: pd.DataFrame, target, lang: str) -> Figure:
    """Effective reach across scenarios: one line per stay multiplier over extra FTE.

    ``frame`` has columns ``extra_fte``, ``stay_multiplier``, ``reach_effective``,
    ``reach_lower``, ``reach_upper`` (one row per scenario; other scenario columns are
    averaged over by taking the first target_reach's rows). ``target``: the target share,
    or the sweep's targets (each drawn as a dashed line, labelled with its value when
    there are several: reach does not depend on the target).
    """
    targets = sorted({float(x) for x in np.atleast_1d(target)})
    fig, ax = new_axes()
    groups = list(frame.groupby("stay_multiplier", sort=True))
    for (mult, g), colour in zip(groups, PALETTE, strict=False):
        g = g.sort_values("extra_fte")
        label = f"{t('fig_stay_mult', lang)} {format_number(mult, lang, 2)}"
        ax.plot(g["extra_fte"], g["reach_effective"], marker="o", color=colour, label=label)
        ax.fill_between(
            g["extra_fte"], g["reach_lower"], g["reach_upper"], color=colour, alpha=0.15
        )
    for k, goal in enumerate(targets):
        label = t("fig_target", lang)
        if len(targets) > 1:
            label = f"{label} {format_percent(goal, lang)}"
        ax.axhline(goal, color=OKABE_ITO["vermillion"], ls=("--", ":", "-.")[k % 3], lw=1.5,
                   label=label)  # fmt: skip
    ax.set_ylim(0, 1)
    percent_axis(ax, "y", lang)
    number_axis(ax, "x", lang, 0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(t("fig_scen_x", lang))
    ax.set_ylabel(t("fig_scen_y", lang))
    ax.set_title(t("fig_scen_title", lang))
    ax.legend(loc="best")  # (where the lines are not: they lie low when reach is far off)
    best = frame.loc[frame["reach_effective"].idxmax()]
    worst = frame.loc[frame["reach_effective"].idxmin()]
    alt = t(
        "fig_scen_alt",
        lang,
        n=len(frame),
        low=format_percent(worst["reach_effective"], lang),
        high=format_percent(best["reach_effective"], lang),
        target="/".join(format_percent(g, lang) for g in targets),
    )
    return Figure(fig, alt, t("fig_scen_title", lang), "scenarios")


def monthly_persons(frame: pd.DataFrame, lang: str, threshold: int = 5) -> Figure:
    """Distinct persons per month, one line per source (data coverage).

    ``frame`` is indexed by month with one column per source. Counts below ``threshold``
    are not drawn (small-cell suppression also applies to figures); the alt text says how
    many points were left out.
    """
    shown = frame.where(frame >= threshold)
    n_hidden = int(((frame > 0) & (frame < threshold)).to_numpy().sum())
    if shown.isna().all().all():
        raise ValueError(
            f"every count is below the disclosure threshold {threshold}: nothing can be drawn"
        )
    fig, ax = new_axes()
    date_axis(ax)
    for col, colour in zip(shown.columns, PALETTE, strict=False):
        ax.plot(shown.index, shown[col], marker="o", ms=3, color=colour, label=str(col))
    ax.set_ylim(bottom=0)
    number_axis(ax, "y", lang)
    ax.set_xlabel(t("fig_month", lang))
    ax.set_ylabel(t("fig_cov_y", lang))
    ax.set_title(t("fig_cov_title", lang))
    ax.legend(loc="upper left", ncols=min(4, max(1, len(shown.columns))))
    means = ", ".join(f"{c} {format_number(frame[c].mean(), lang, 0)}" for c in frame.columns)
    alt = t("fig_cov_alt", lang, n=len(frame), means=means, hidden=n_hidden, threshold=threshold)
    return Figure(fig, alt, t("fig_cov_title", lang), "monthly_persons")


def tornado(frame: pd.DataFrame, lang: str) -> Figure:
    """One-at-a-time sensitivity: FTE needed and reach at each structural choice's settings.

    ``frame`` is :func:`capacity.question4.sensitivity.sensitivity`'s output (rows per
    setting and side; ``attrs`` with the base point estimates). Bars run from the low to
    the high setting's value, sorted by their span in FTE needed; the main estimate is the
    vertical line. FTE needed that no staffing reaches is drawn to the axis edge and
    labelled "∞". Each bar's setting is written at its end; where that would run past the
    axis (a short FTE needed near 0) it is written right of the main line instead.
    """
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(frame["setting"]))
    fte0, reach0 = frame.attrs["fte_base"], frame.attrs["reach_base"]
    finite = frame["fte_needed"].replace(np.inf, np.nan)
    fte_edge = float(np.nanmax(np.r_[finite.to_numpy(float), fte0]) * 1.15)

    def span(name):
        v = frame.loc[frame["setting"] == name, "fte_needed"].clip(upper=fte_edge)
        return float(np.ptp(np.r_[v.to_numpy(float), fte0]))

    names.sort(key=span)
    inside = []  # labels of bars drawn to the axis edge, checked for fit once laid out
    leftward = []  # labels left of bars that end left of the main line: checked likewise
    style()
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 0.42 * len(names) + 1.5), sharey=True)
    for ax, col, base, xlabel in (
        (axes[0], "fte_needed", fte0, "fig_tornado_fte"),
        (axes[1], "reach_effective", reach0, "fig_tornado_reach"),
    ):
        for y, name in enumerate(names):
            rows = frame[frame["setting"] == name]
            if col == "reach_effective" and name == "target_reach":
                continue  # the target changes the FTE needed, not reach
            for _, r in rows.iterrows():
                v = float(r[col])
                shown = fte_edge if (col == "fte_needed" and not np.isfinite(v)) else v
                colour = OKABE_ITO["blue"] if r["side"] == "low" else OKABE_ITO["orange"]
                # low setting in the upper half of the row, high in the lower: the two
                # bars (and their labels) never cover each other
                yy = y + (0.19 if r["side"] == "low" else -0.19)
                ax.barh(yy, shown - base, left=base, color=colour, height=0.36)
                text = f" {r['value']} "
                side = "left" if shown >= base else "right"
                ink = "black"
                if not np.isfinite(v):  # the bar runs to the axis edge: its label inside it
                    side, ink = "right", "white" if r["side"] == "low" else "black"
                    ax.text(shown, yy, " ∞", va="center", ha="left", fontsize=7.5)
                label = ax.text(shown, yy, text, va="center", ha=side, fontsize=7.5, color=ink)
                if not np.isfinite(v):
                    inside.append((ax, label, base, shown))
                elif side == "right":
                    leftward.append((ax, label, base))
        ax.axvline(base, color="black", lw=1)
        ax.text(base, len(names) - 0.4, t("fig_tornado_base", lang), ha="center",
                va="bottom", fontsize=7.5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})  # fmt: skip
        ax.set_ylim(-0.6, len(names) + 0.2)
        ax.set_xlabel(t(xlabel, lang))
    percent_axis(axes[1], "x", lang)
    number_axis(axes[0], "x", lang, 0)
    axes[0].set_xlim(0, fte_edge * 1.25)  # room for the labels of the bars
    r_all = np.r_[frame["reach_effective"].to_numpy(float), reach0]
    r_span = max(float(np.nanmax(r_all) - np.nanmin(r_all)), 1e-3)
    axes[1].set_xlim(
        max(0.0, float(np.nanmin(r_all)) - 0.45 * r_span), float(np.nanmax(r_all)) + 0.45 * r_span
    )
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels([t(f"fig_sens_{n}", lang) for n in names])
    fig.suptitle(t("fig_tornado_title", lang))
    fig.tight_layout()
    _fit_bar_labels(fig, inside, leftward)
    fte = frame["fte_needed"].to_numpy(float)
    reach = frame.loc[frame["setting"] != "target_reach", "reach_effective"].to_numpy(float)
    lo_f, hi_f = np.nanmin(np.r_[fte, fte0]), np.nanmax(np.r_[fte, fte0])
    hi_txt = "∞" if not np.isfinite(hi_f) else format_number(hi_f, lang, 0)
    lo_r, hi_r = np.nanmin(np.r_[reach, reach0]), np.nanmax(np.r_[reach, reach0])
    alt = t(
        "fig_tornado_alt",
        lang,
        n=len(names),
        fte_low=format_number(lo_f, lang, 0),
        fte_high=hi_txt,
        fte_base=format_number(fte0, lang, 0),
        reach_low=format_percent(lo_r, lang),
        reach_high=format_percent(hi_r, lang),
    )
    return Figure(fig, alt, t("fig_tornado_title", lang), "sensitivity")


def _fit_bar_labels(fig, inside: list, leftward: list) -> None:
    """Move the tornado's bar labels that do not fit where they were written (laid out).

    ``inside``: ``(axes, label, main value, bar end)`` of bars drawn to the axis edge, whose
    label is inside the bar; ``leftward``: ``(axes, label, main value)`` of bars ending left
    of the main line, whose label is left of the bar's end.
    """
    renderer = fig.canvas.get_renderer()
    for ax, label, base, _ in inside:
        line = ax.transData.transform((base, 0))[0]
        box = label.get_window_extent(renderer)
        if box.x0 < line + 0.05 * fig.dpi and box.width < line - ax.bbox.x0 - 0.05 * fig.dpi:
            # too long for its bar but not for the room left of the main estimate's line,
            # where its half-row is free (the other setting's bar is in the other half)
            label.set_x(base)
            label.set_color("black")
        elif box.x0 < line + 0.05 * fig.dpi:
            # nor there: a smaller type that fits the bar (not under 6 pt)
            room = ax.transData.transform((label.get_position()[0], 0))[0] - line
            label.set_fontsize(max(6.0, 7.5 * (room - 0.05 * fig.dpi) / box.width))
    for ax, label, base in leftward:
        if label.get_window_extent(renderer).x0 < ax.bbox.x0:
            # it would run past the axis into the row names: right of the main line instead,
            # where its half-row is free (its bar runs left; the other setting's is in the
            # other half)
            label.set_x(base)
            label.set_horizontalalignment("left")


def channel_check(per_channel, lang: str) -> Figure | None:
    """Model check per channel: first contacts per channel, observed and predicted.

    ``per_channel`` is a :class:`capacity.models.channels.ChannelStrategy`; None when it has
    no check (too few first contacts or one channel). Reach uses the split per channel only
    when the check fits (``docs/methods/strategy.md``, "The check per channel").
    """
    if per_channel is None or per_channel.check is None:
        return None
    fig, ax = new_axes((6.4, 3.0))
    labels = {k: t(f"mob_plot_{k}", lang) for k in ("x", "observed")}
    labels.update(
        y=t("channel_check_y", lang),
        predicted=t("channel_check_predicted", lang),
        title=t("channel_check_title", lang),
    )
    per_channel.plot_check(ax=ax, labels=labels)
    number_axis(ax, "y", lang)
    alt = t(
        "channel_check_alt",
        lang,
        n=format_number(per_channel.n_checked, lang, 0),
        p=format_number(per_channel.gof_p, lang, 3),
        used=t("channel_check_used" if per_channel.identified else "channel_check_pooled", lang),
    )
    return Figure(fig, alt, labels["title"], "channel_check")
