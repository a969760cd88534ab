"""Figure titles, axis labels and legends, Swedish and English.

Part of the one catalogue of report words (:data:`capacity.i18n.catalogue.CATALOGUE`), in
its shape ``key -> {"sv": ..., "en": ...}``; read through :func:`capacity.i18n.t`.
"""

from __future__ import annotations

FIGURES: dict[str, dict[str, str]] = {
    "reach_title": {
        "sv": "Andel som nås på ett språk de förstår",
        "en": "Share reached in a language they understand",
    },
    "reach_x": {
        "sv": "Andel av målgruppen som nås (%)",
        "en": "Share of the target group reached (%)",
    },
    "draws_y": {
        "sv": "Antal simuleringar",
        "en": "Number of simulations",
    },
    "target": {
        "sv": "Mål",
        "en": "Target",
    },
    "estimate": {
        "sv": "Skattning",
        "en": "Estimate",
    },
    "stay_title": {
        "sv": "Hur länge personer stannar i staden",
        "en": "How long persons stay in the city",
    },
    "stay_x": {
        "sv": "Dagar sedan ankomst",
        "en": "Days since arrival",
    },
    "stay_y": {
        "sv": "Andel som fortfarande är kvar (%)",
        "en": "Share still present (%)",
    },
    "interval": {
        "sv": "osäkerhetsintervall",
        "en": "uncertainty interval",
    },
    "arrivals_title": {
        "sv": "Ankomster per månad och prognos",
        "en": "Arrivals per month and forecast",
    },
    "arrivals_y": {
        "sv": "Nya vistelser per månad (antal)",
        "en": "New stays per month (count)",
    },
    "observed": {
        "sv": "Observerat",
        "en": "Observed",
    },
    "fig_forecast": {
        "sv": "Prognos",
        "en": "Forecast",
    },
    "month": {
        "sv": "Månad",
        "en": "Month",
    },
    "fte_title": {
        "sv": "Årsarbetare som behövs för målet",
        "en": "FTE needed for the target",
    },
    "fte_y": {
        "sv": "Årsarbetare (FTE)",
        "en": "Full-time equivalents (FTE)",
    },
    "fte_now": {
        "sv": "I dag",
        "en": "Today",
    },
    "lang_title": {
        "sv": "Målgruppens språk och hur många som nås",
        "en": "Target group's languages and reach",
    },
    "lang_x": {
        "sv": "Andel (%)",
        "en": "Share (%)",
    },
    "lang_share": {
        "sv": "Andel av målgruppen",
        "en": "Share of target group",
    },
    "lang_reach": {
        "sv": "Andel som nås",
        "en": "Share reached",
    },
    "scen_title": {
        "sv": "Scenarier: andel som nås",
        "en": "Scenarios: share reached",
    },
    "scen_x": {
        "sv": "Extra uppsökande årsarbetare (FTE)",
        "en": "Extra outreach FTE",
    },
    "scen_y": {
        "sv": "Andel som nås på ett språk de förstår (%)",
        "en": "Share reached in a language they understand (%)",
    },
    "cov_title": {
        "sv": "Personer per månad och källa",
        "en": "Persons per month and source",
    },
    "cov_y": {
        "sv": "Olika personer (antal)",
        "en": "Distinct persons (count)",
    },
    "stay_mult": {
        "sv": "vistelselängd ×",
        "en": "stay length ×",
    },
}
