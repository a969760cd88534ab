"""Figure titles, axis labels and legends, Swedish and English.

Part of the one catalogue of report words (:data:`capacity.i18n.catalogue.CATALOGUE`), in
its shape ``key -> {"sv": ..., "en": ...}``; keys start with ``fig_``. Read through
:func:`capacity.i18n.t`.
"""

from __future__ import annotations

FIGURES: dict[str, dict[str, str]] = {
    "fig_reach_title": {
        "sv": "Andel som nås på ett språk de förstår",
        "en": "Share reached in a language they understand",
    },
    "fig_reach_x": {
        "sv": "Andel av målgruppen som nås (%)",
        "en": "Share of the target group reached (%)",
    },
    "fig_draws_y": {
        "sv": "Antal simuleringar",
        "en": "Number of simulations",
    },
    "fig_target": {
        "sv": "Mål",
        "en": "Target",
    },
    "fig_estimate": {
        "sv": "Skattning",
        "en": "Estimate",
    },
    "fig_stay_title": {
        "sv": "Hur länge personer stannar i staden",
        "en": "How long persons stay in the city",
    },
    "fig_stay_x": {
        "sv": "Dagar sedan ankomst",
        "en": "Days since arrival",
    },
    "fig_stay_y": {
        "sv": "Andel som fortfarande är kvar (%)",
        "en": "Share still present (%)",
    },
    "fig_interval": {
        "sv": "osäkerhetsintervall",
        "en": "uncertainty interval",
    },
    "fig_arrivals_title": {
        "sv": "Ankomster per månad och prognos",
        "en": "Arrivals per month and forecast",
    },
    "fig_arrivals_y": {
        "sv": "Nya vistelser per månad (antal)",
        "en": "New stays per month (count)",
    },
    "fig_observed": {
        "sv": "Observerat",
        "en": "Observed",
    },
    "fig_forecast": {
        "sv": "Prognos",
        "en": "Forecast",
    },
    "fig_month": {
        "sv": "Månad",
        "en": "Month",
    },
    "fig_fte_title": {
        "sv": "Årsarbetare som behövs för målet",
        "en": "FTE needed for the target",
    },
    "fig_fte_y": {
        "sv": "Årsarbetare (FTE)",
        "en": "Full-time equivalents (FTE)",
    },
    "fig_fte_now": {
        "sv": "I dag",
        "en": "Today",
    },
    "fig_lang_title": {
        "sv": "Målgruppens språk och hur många som nås",
        "en": "Target group's languages and reach",
    },
    "fig_lang_x": {
        "sv": "Andel (%)",
        "en": "Share (%)",
    },
    "fig_lang_share": {
        "sv": "Andel av målgruppen",
        "en": "Share of target group",
    },
    "fig_lang_reach": {
        "sv": "Andel som nås",
        "en": "Share reached",
    },
    "fig_scen_title": {
        "sv": "Scenarier: andel som nås",
        "en": "Scenarios: share reached",
    },
    "fig_scen_x": {
        "sv": "Extra uppsökande årsarbetare (FTE)",
        "en": "Extra outreach FTE",
    },
    "fig_scen_y": {
        "sv": "Andel som nås på ett språk de förstår (%)",
        "en": "Share reached in a language they understand (%)",
    },
    "fig_cov_title": {
        "sv": "Personer per månad och källa",
        "en": "Persons per month and source",
    },
    "fig_cov_y": {
        "sv": "Olika personer (antal)",
        "en": "Distinct persons (count)",
    },
    "fig_stay_mult": {
        "sv": "vistelselängd ×",
        "en": "stay length ×",
    },
}
