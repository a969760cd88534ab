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
    "fig_tornado_title": {
        "sv": "Det som data inte avgör: antaganden ett i taget",
        "en": "What the data cannot decide: one assumption at a time",
    },
    "fig_tornado_fte": {"sv": "Årsarbetare som behövs", "en": "Outreach FTE needed"},
    "fig_tornado_reach": {
        "sv": "Andel som nås på ett språk de förstår (%)",
        "en": "Share reached in a language understood (%)",
    },
    "fig_tornado_base": {"sv": "Huvudskattning", "en": "Main estimate"},
    "fig_sens_detection_share": {
        "sv": "Andel som någon källa ser",
        "en": "Share seen by any source",
    },
    "fig_sens_gap_days": {
        "sv": "Uppehåll som skiljer två vistelser",
        "en": "Gap that separates two stays",
    },
    "fig_sens_population_model": {
        "sv": "Modell för de osedda och vistelserna",
        "en": "Model of the unseen and of stays",
    },
    "fig_sens_shrink_days": {
        "sv": "Observationstakt utan annonssajt",
        "en": "Sighting rate without an ad site",
    },
    # the sets no ad site sees: their own daily rate (5 pseudo-days) or the ads' (500)
    "sens_shrink_low": {"sv": "egen takt", "en": "own rate"},
    "sens_shrink_high": {"sv": "annonsernas takt", "en": "the ads' rate"},
    # the EM's start (em_start): the share of the shortest stays the data leave open
    "fig_sens_em_start": {
        "sv": "Andel mycket korta vistelser",
        "en": "Share of very short stays",
    },
    "sens_start_uniform": {"sv": "färre korta", "en": "fewer short"},
    "sens_start_log_uniform": {"sv": "fler korta", "en": "more short"},
    "popmodel_short_stay_level": {"sv": "per vistelse", "en": "per stay"},
    "popmodel_short_quarterly": {"sv": "per kvartal", "en": "per quarter"},
    "fig_sens_strategy": {"sv": "Arbetssätt", "en": "Outreach strategy"},
    "fig_sens_target_reach": {"sv": "Mål för andel som nås", "en": "Target reach"},
    "fig_sens_interpreter_share": {"sv": "Tolk vid kontakter", "en": "Interpreter at contacts"},
    "fig_sens_reach_level": {
        "sv": "Vad som räknas som att nå henne",
        "en": "What counts as reaching her",
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
    # --- notes and alt texts (every figure's description for screen readers) --------------
    "fig_interval_95": {"sv": "95 % osäkerhetsintervall", "en": "95% uncertainty interval"},
    "fig_reach_note": {"sv": "95 % av simuleringarna: {span}", "en": "95% of simulations: {span}"},
    "fig_reach_alt": {
        "sv": "Histogram över {n} simulerade värden av andelen som nås på ett språk de förstår. "
        "Medianen är {median}, 95 % av värdena ligger mellan {span}. Målet {target} är markerat; "
        "{above} av värdena når målet.",
        "en": "Histogram of {n} simulated values of the share reached in a language they "
        "understand. The median is {median}; 95% of the values lie between {span}. The target "
        "of {target} is marked; {above} of the values reach it.",
    },
    "fig_stay_alt": {
        "sv": "Kurva över andelen personer som fortfarande är kvar i staden efter ett "
        "visst antal dagar. Hälften har lämnat efter {median} dagar; efter {days} dagar är "
        "{left} kvar.",
        "en": "Curve of the share of persons still in the city a given number of days "
        "after arrival. Half have left after {median} days; after {days} days {left} remain.",
    },
    "fig_arrivals_alt": {
        "sv": "Linjediagram över ankomster per månad: {n} observerade månader, senast visade "
        "{last}, och en prognos till {month} på {forecast} ankomster per månad "
        "(prognosintervall {interval}).",
        "en": "Line chart of arrivals per month: {n} observed months, latest shown {last}, and "
        "a forecast to {month} of {forecast} arrivals per month (prediction interval "
        "{interval}).",
    },
    "fig_arrivals_hidden": {
        "sv": "{n} månader med färre än {threshold} observerade ankomster ritas inte.",
        "en": "{n} months with fewer than {threshold} observed arrivals are not drawn.",
    },
    "fig_fte_alt": {
        "sv": "Linjediagram: behovet av uppsökande årsarbetare för att nå målet går från {first} "
        "till {last} under prognosperioden, jämfört med {now} i dag.",
        "en": "Line chart: outreach FTE needed to meet the target goes from {first} to {last} "
        "over the forecast, against {now} today.",
    },
    "fig_lang_alt": {
        "sv": "Liggande stapeldiagram per språk: andel av målgruppen / andel som nås: {parts}.",
        "en": "Horizontal bar chart per language: share of target group / share reached: {parts}.",
    },
    "fig_lang_hidden": {
        "sv": "{n} språk med färre än {threshold} personer visas inte.",
        "en": "{n} languages with fewer than {threshold} persons are not shown.",
    },
    "fig_scen_alt": {
        "sv": "Linjediagram över {n} scenarier: andelen som nås går från {low} till {high}; målet "
        "{target} är markerat.",
        "en": "Line chart of {n} scenarios: the share reached ranges from {low} to {high}; the "
        "target of {target} is marked.",
    },
    "fig_cov_alt": {
        "sv": "Linjediagram över {n} månader: antal olika personer per månad och källa. "
        "Medelvärden per månad: {means}. {hidden} värden under {threshold} visas inte.",
        "en": "Line chart over {n} months: distinct persons per month and source. Monthly "
        "means: {means}. {hidden} values below {threshold} are not shown.",
    },
    "fig_tornado_alt": {
        "sv": "Tornadodiagram över {n} antaganden som data inte avgör: årsarbetare som behövs "
        "går från {fte_low} till {fte_high} (huvudskattning {fte_base}); andelen som nås från "
        "{reach_low} till {reach_high}.",
        "en": "Tornado diagram of {n} assumptions the data cannot decide: the FTE needed ranges "
        "from {fte_low} to {fte_high} (main estimate {fte_base}); the share reached from "
        "{reach_low} to {reach_high}.",
    },
    # --- figures of what the city can do (capacity.figures_options) ----------------------
    "fig_opt_curve_title": {
        "sv": "Andel som nås med fler årsarbetare",
        "en": "Share reached with more FTE",
    },
    "fig_opt_curve_x": {"sv": "Tillkommande uppsökande årsarbetare", "en": "Added outreach FTE"},
    "fig_opt_curve_y": {
        "sv": "Nås på ett språk de förstår",
        "en": "Reached in a language they understand",
    },
    "fig_opt_random": {"sv": "Bara sökande kontakter", "en": "Search contacts only"},
    "fig_opt_screening": {
        "sv": "Varje ny annons kontaktas en gång",
        "en": "Every new ad contacted once",
    },
    "fig_opt_estimated": {"sv": "Som i dag (skattad blandning)", "en": "As today (estimated mix)"},
    "fig_opt_target": {"sv": "Mål", "en": "Target"},
    "fig_opt_today": {"sv": "I dag", "en": "Today"},
    "fig_opt_frontier_title": {
        "sv": "Bästa kombination av insatser för en given budget",
        "en": "Best mix of measures for a given budget",
    },
    "fig_opt_frontier_x": {
        "sv": "Budget per år, miljoner kronor",
        "en": "Yearly budget, million kronor",
    },
    "fig_opt_only_fte": {"sv": "Bara fler årsarbetare", "en": "More FTE only"},
    "fig_opt_best_mix": {"sv": "Bästa kombination", "en": "Best mix"},
    "fig_opt_curve_alt": {
        "sv": "Linjediagram: andelen av målgruppen som nås på ett språk de förstår, med {level} "
        "osäkerhetsintervall, för 0 till {most} tillkommande årsarbetare. {parts}. Målet "
        "{target} är markerat med en streckad linje.",
        "en": "Line chart: share of the target group reached in a language they understand, "
        "with {level} uncertainty interval, for 0 to {most} added FTE. {parts}. The target of "
        "{target} is a dashed line.",
    },
    "fig_opt_frontier_alt": {
        "sv": "Linjediagram: andelen som nås för en budget på 0 till {money} miljoner kronor per "
        "år. Med {money} miljoner når den bästa kombinationen {best}, bara fler årsarbetare "
        "{fte_only}.",
        "en": "Line chart: share reached for a budget of 0 to {money} million kronor a year. "
        "With {money} million the best mix reaches {best}, more FTE only {fte_only}.",
    },
}
