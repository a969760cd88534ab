"""The words of the reports in Swedish and English: headings, labels, language names.

:data:`STRINGS` maps a key to its Swedish and English text (placeholders in braces, the
same in both); :data:`LANGUAGE_NAMES` names the target group's languages (ISO 639-1 code
``xx`` as key ``language_xx``) in both. Read them through :func:`capacity.i18n.t`, :func:`capacity.i18n.label` and
:func:`capacity.i18n.language_name`.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # --- document ----------------------------------------------------------------------
    "report_title": {
        "sv": "Räcker uppsökarteamens resurser och kompetens? Fråga 4 – {city}",
        "en": "Are the outreach teams' resources and competence sufficient? Question 4 – {city}",
    },
    "dq_title": {"sv": "Datakvalitet – {city}", "en": "Data quality – {city}"},
    "scenarios_title": {"sv": "Scenarier – {city}", "en": "Scenarios – {city}"},
    "mobility_title": {"sv": "Rörlighet – {city}", "en": "Mobility – {city}"},
    "population_title": {
        "sv": "Målgruppens storlek – {city}",
        "en": "Size of the target group – {city}",
    },
    "h_population_persons": {
        "sv": "Personer i målgruppen enligt rapportens nyckeltal",
        "en": "Persons in the target group as the report's key figures count them",
    },
    "population_persons_arrival": {
        "sv": (
            "Här fångar annonssajterna en annons när kvinnan kommer till staden. Då ser de bara "
            "kvartalets nyanlända, och skattningarna per kvartal ovan, som bygger på andelen "
            "som någon källa ser, räknar för få personer: de som kom ett tidigare kvartal syns "
            "sämre. Nyckeltalet personer under ett kvartal räknar därför de som är i staden "
            "när kvartalet börjar plus kvartalets ankomster, som personer "
            "(docs/methods/population.md, avsnittet Persons per quarter)."
        ),
        "en": (
            "Here the ad sites capture an ad when the woman arrives in the city. They then see "
            "only the quarter's new arrivals, and the estimates per quarter above, which rest "
            "on the share some source sees, count too few persons: those who came in an "
            "earlier quarter are seen less. The key figure persons during a quarter therefore "
            "counts those in the city when the quarter begins plus the quarter's arrivals, as "
            "persons (docs/methods/population.md, section Persons per quarter)."
        ),
    },
    "population_persons_seen": {
        "sv": (
            "Här ser annonssajterna en kvinna de dagar hon är i staden, så den som kom ett "
            "tidigare kvartal syns som alla andra. Nyckeltalet personer under ett kvartal är "
            "de personer som sågs per kvartal delat med andelen som någon källa ser "
            "(docs/methods/population.md, avsnittet Persons per quarter)."
        ),
        "en": (
            "Here the ad sites see a woman on the days she is in the city, so one who came in "
            "an earlier quarter is seen like anyone else. The key figure persons during a "
            "quarter is the persons seen per quarter divided by the share some source sees "
            "(docs/methods/population.md, section Persons per quarter)."
        ),
    },
    "staffing_title": {
        "sv": "Kapacitet och bemanning – {city}",
        "en": "Capacity and staffing – {city}",
    },
    "template_title": {
        "sv": "Mall: en ny skattare – {city}",
        "en": "Template: a new estimator – {city}",
    },
    "national_title": {
        "sv": "Fråga 4 i hela landet: räckvidd per stad och per resa",
        "en": "Question 4 nationally: reach per city and per tour",
    },
    "channel_caption": {
        "sv": "Strategi per kanal: andel av kanalens kontakter som går till genomgång av nya "
        "ankomster",
        "en": "Strategy per channel: share of each channel's contacts that screen new arrivals",
    },
    "channel_check_title": {
        "sv": "Modellkontroll: första kontakter per kanal",
        "en": "Model check: first contacts per channel",
    },
    "channel_check_y": {
        "sv": "första kontakter (kumulativt)",
        "en": "first contacts (cumulative)",
    },
    "channel_check_predicted": {"sv": "modell per kanal", "en": "predicted per channel"},
    "channel_check_alt": {
        "sv": "Linjediagram: för varje kanal det kumulativa antalet första kontakter efter "
        "dagar sedan vistelsens första observation, observerat (heldragen linje) och "
        "förutsagt av strategin per kanal (streckad linje); {n} första kontakter, "
        "modellkontroll p = {p}: {used}.",
        "en": "Line chart: for each channel the cumulative number of first contacts by days "
        "since the stay's first sighting, observed (solid line) and predicted by the "
        "strategy per channel (dashed line); {n} first contacts, model check p = {p}: {used}.",
    },
    "channel_check_used": {
        "sv": "räckvidden räknas per kanal",
        "en": "reach is computed per channel",
    },
    "channel_check_pooled": {
        "sv": "räckvidden använder stadens samlade blandning",
        "en": "reach uses the city's pooled mix",
    },
    # --- national view (capacity.report.national) --------------------------------------
    "nat_heading": {
        "sv": "Hela landet: varje stads räckvidd och resor som inte nås",
        "en": "The whole country: each city's reach and the tours not reached",
    },
    "nat_lead": {
        "sv": "I hela landet nås {share} av kvinnornas resor genom svenska städer i någon stad "
        "(intervall {lo}–{hi}), räknat som {level}. {n} städer ingår.",
        "en": "Nationally, {share} of the women's tours through Swedish cities are reached in "
        "some city (interval {lo}–{hi}), counting {level}. {n} cities are included.",
    },
    "nat_gaps": {
        "sv": "Flest resor som inte nås någonstans passerar {cities}.",
        "en": "Most of the tours reached nowhere pass through {cities}.",
    },
    "nat_gap_item": {"sv": "{city} ({n} per vecka)", "en": "{city} ({n} a week)"},
    "nat_caption": {
        "sv": "Räckvidd per stad: per vistelse, per kvinna och per resa genom staden",
        "en": "Reach per city: per stay, per woman and per tour through the city",
    },
    "nat_figure": {
        "sv": "Räckvidd per vistelse och per resa, per stad, med intervall",
        "en": "Reach per stay and per tour, by city, with intervals",
    },
    "nat_axis": {
        "sv": "andel som nås på ett språk hon förstår (%)",
        "en": "share reached in a language she understands (%)",
    },
    "nat_alt": {
        "sv": "Punkter med intervall för varje stad: räckvidd per vistelse och per resa.",
        "en": "Points with intervals for each city: reach per stay and per tour.",
    },
    "nat_strategy_random": {"sv": "sök", "en": "search"},
    "nat_strategy_screening": {"sv": "genomgång av nya", "en": "screening"},
    "nat_strategy_mixture": {"sv": "blandning", "en": "mixture"},
    "nat_level_information": {
        "sv": "en första kontakt med information på ett språk hon förstår",
        "en": "a first contact with information in a language she understands",
    },
    "nat_level_conversation": {
        "sv": "ett samtal där tecken på människohandel kan bedömas",
        "en": "a conversation in which trafficking indicators can be assessed",
    },
    "nat_col_city": {"sv": "Stad", "en": "City"},
    "nat_col_arrivals_per_week": {"sv": "Ankomster per vecka", "en": "Arrivals a week"},
    "nat_col_fte_outreach_now": {"sv": "Årsarbetare uppsök", "en": "Outreach FTE"},
    "nat_col_strategy": {"sv": "Strategi", "en": "Strategy"},
    "nat_col_reach_stay": {"sv": "Per vistelse", "en": "Per stay"},
    "nat_col_reach_woman": {"sv": "Per kvinna", "en": "Per woman"},
    "nat_col_reach_tour": {"sv": "Per resa", "en": "Per tour"},
    "nat_col_unreached_tours_per_week": {
        "sv": "Ej nådda resor/vecka",
        "en": "Tours not reached a week",
    },
    "synthetic_banner": {
        "sv": "SYNTETISKA DATA – inte verkliga uppgifter",
        "en": "SYNTHETIC DATA – not real figures",
    },
    "disclosure_banner": {
        "sv": "RÖJANDEKONTROLL SÄNKT: antal från {threshold} visas (standard {default})",
        "en": "DISCLOSURE CONTROL LOWERED: counts from {threshold} shown (default {default})",
    },
    "synthetic_note": {
        "sv": "Rapporten bygger på syntetiska data. Siffrorna visar hur metoden fungerar, inte hur det ser ut i {city}.",
        "en": "This report is built on synthetic data. The figures show how the method works, not the situation in {city}.",
    },
    "period": {"sv": "Period {start}–{end}", "en": "Period {start} to {end}"},
    "word_sweden": {"sv": "Sverige", "en": "Sweden"},
    "page": {"sv": "Sida", "en": "Page"},
    "of": {"sv": "av", "en": "of"},
    "figure": {"sv": "Figur", "en": "Figure"},
    "table": {"sv": "Tabell", "en": "Table"},
    # --- headings ----------------------------------------------------------------------
    "h_answer": {"sv": "Svar på fråga 4", "en": "Answer to question 4"},
    "h_key_figures": {"sv": "Nyckeltal", "en": "Key figures"},
    "h_target_group": {"sv": "Målgruppen", "en": "The target group"},
    "h_capacity": {
        "sv": "Uppsökarteamens kapacitet och kompetens",
        "en": "Outreach capacity and competence",
    },
    "h_forecast": {"sv": "Prognos och scenarier", "en": "Forecast and scenarios"},
    "h_indicators": {
        "sv": "Fråga 1–3: gemensamma insatser med polisen",
        "en": "Questions 1–3: joint police operations",
    },
    "h_methods": {"sv": "Metod", "en": "Methods"},
    "h_assumptions": {
        "sv": "Antaganden och datakvalitet",
        "en": "Assumptions and data quality",
    },
    "h_suppression": {"sv": "Röjandekontroll", "en": "Disclosure control"},
    "h_provenance": {"sv": "Underlag och spårbarhet", "en": "Provenance"},
    "h_data_quality": {"sv": "Datakvalitet", "en": "Data quality"},
    "h_tables": {"sv": "Tabellerna i underlaget", "en": "The input tables"},
    # --- data quality -------------------------------------------------------------------
    "dq_intro": {
        "sv": "Underlaget: {title}. Perioden är {start}–{end}. Tabellerna nedan gäller {city} under perioden om inget annat sägs.",
        "en": "The data: {title}. The period is {start} to {end}. The tables below cover {city} in that period unless said otherwise.",
    },
    "h_dq_sources": {"sv": "Källor och överlapp", "en": "Sources and overlap"},
    "h_dq_outreach": {"sv": "Uppsökande arbete", "en": "Outreach"},
    "h_dq_staff": {"sv": "Bemanning", "en": "Staffing"},
    "h_dq_checks": {"sv": "Kontroller", "en": "Checks"},
    "cap_overview": {
        "sv": "Rader per tabell: i filen, i {city}, i {city} under perioden",
        "en": "Rows per table: in the file, in {city}, in {city} during the period",
    },
    "cap_sources": {"sv": "Observationer per källa", "en": "Sightings per source"},
    "cap_overlap": {
        "sv": "Personer efter antal källor som sett dem",
        "en": "Persons by the number of sources that saw them",
    },
    "cap_channels": {"sv": "Uppsökande arbete per kanal", "en": "Outreach by channel"},
    "cap_staffing": {"sv": "Bemanning per månad", "en": "Staffing by month"},
    "col_table": {"sv": "Tabell", "en": "Table"},
    "col_rows": {"sv": "Rader i filen", "en": "Rows in file"},
    "col_rows_city": {"sv": "Rader i staden", "en": "Rows in city"},
    "col_rows_scope": {"sv": "Rader i staden och perioden", "en": "Rows in city and period"},
    "col_file": {"sv": "Fil", "en": "File"},
    "col_sha256": {"sv": "SHA-256 (början)", "en": "SHA-256 (start)"},
    "col_source": {"sv": "Källa", "en": "Source"},
    "col_sightings": {"sv": "Observationer", "en": "Sightings"},
    "col_persons": {"sv": "Personer", "en": "Persons"},
    "col_days": {"sv": "Dagar med observationer", "en": "Days with sightings"},
    "col_language_known": {"sv": "Andel med känt språk", "en": "Share with known language"},
    "col_n_sources": {"sv": "Antal källor", "en": "Number of sources"},
    "col_channel": {"sv": "Kanal", "en": "Channel"},
    "col_shifts": {"sv": "Pass", "en": "Shifts"},
    "col_staff_hours": {"sv": "Personaltimmar (h)", "en": "Staff-hours (h)"},
    "col_contacts": {"sv": "Kontakter (personer)", "en": "Contacts (persons)"},
    "col_new_persons": {"sv": "Nya personer", "en": "New persons"},
    "col_new_per_hour": {"sv": "Nya personer per timme", "en": "New persons per hour"},
    "col_month": {"sv": "Månad", "en": "Month"},
    "col_staff": {"sv": "Personal (antal)", "en": "Staff (count)"},
    "col_fte": {"sv": "Årsarbetare (FTE)", "en": "FTE"},
    "col_outreach_fte": {"sv": "Uppsökande årsarbetare (FTE)", "en": "Outreach FTE"},
    "col_trained_share": {
        "sv": "Andel uppsökande tid med utbildning",
        "en": "Share of outreach time trained",
    },
    # --- verdict -----------------------------------------------------------------------
    "verdict_reach": {
        "sv": "Med nuvarande bemanning når uppsökarteamen uppskattningsvis {reach} ({level} osäkerhetsintervall {interval}) av målgruppen på ett språk de förstår innan de lämnar staden; målet är {target}.",
        "en": "With today's staffing, the outreach teams reach an estimated {reach} ({level} uncertainty interval {interval}) of the target group in a language they understand before they leave the city; the target is {target}.",
    },
    "verdict_reach_scenario": {
        "sv": "I det beräknade scenariot når uppsökarteamen uppskattningsvis {reach} ({level} osäkerhetsintervall {interval}) av målgruppen på ett språk de förstår innan de lämnar staden; målet är {target}.",
        "en": "In the scenario computed, the outreach teams reach an estimated {reach} ({level} uncertainty interval {interval}) of the target group in a language they understand before they leave the city; the target is {target}.",
    },
    "verdict_insufficient": {
        "sv": "Resurserna bedöms som otillräckliga (sannolikheten att målet nås är {p}).",
        "en": "The resources are judged insufficient (the probability that the target is met is {p}).",
    },
    "verdict_sufficient": {
        "sv": "Resurserna bedöms som tillräckliga (sannolikheten att målet nås är {p}).",
        "en": "The resources are judged sufficient (the probability that the target is met is {p}).",
    },
    "verdict_uncertain": {
        "sv": "Det går inte att avgöra om resurserna räcker (sannolikheten att målet nås är {p}).",
        "en": "It cannot be settled whether the resources suffice (the probability that the target is met is {p}).",
    },
    "below": {"sv": "under {p}", "en": "below {p}"},
    "above": {"sv": "över {p}", "en": "above {p}"},
    "none": {"sv": "inga", "en": "none"},
    # --- key figures -------------------------------------------------------------------
    "kf_quantity": {"sv": "Nyckeltal", "en": "Key figure"},
    "kf_estimate": {"sv": "Skattning", "en": "Estimate"},
    "kf_interval": {"sv": "{level} osäkerhetsintervall", "en": "{level} uncertainty interval"},
    "kf_fte_outreach_now": {
        "sv": "Uppsökande årsarbetare i dag",
        "en": "Outreach FTE today",
    },
    "kf_fte_needed": {"sv": "Årsarbetare som behövs för målet", "en": "FTE needed for the target"},
    "kf_fte_gap": {
        "sv": "Skillnad (behov − i dag), årsarbetare",
        "en": "Gap (needed − today), FTE",
    },
    "kf_reach_effective": {
        "sv": "Andel som nås på ett språk de förstår",
        "en": "Share reached in a language they understand",
    },
    "kf_reach_any_language": {
        "sv": "Andel som nås (oavsett språk)",
        "en": "Share reached (any language)",
    },
    "kf_trained_share": {
        "sv": "Andel uppsökande tid med utbildning om människohandel",
        "en": "Share of outreach time by staff trained on trafficking",
    },
    "kf_population_present": {
        "sv": "Personer i målgruppen i staden samtidigt",
        "en": "Persons in the target group present at a time",
    },
    "kf_persons_per_quarter": {
        "sv": "Personer i målgruppen i staden under ett kvartal",
        "en": "Persons in the target group in the city during a quarter",
    },
    "kf_persons_in_period": {
        "sv": "Personer i målgruppen under perioden",
        "en": "Persons in the target group during the period",
    },
    "kf_arrivals_per_week": {"sv": "Ankomster per vecka", "en": "Arrivals per week"},
    "kf_median_stay_days": {"sv": "Mediantid i staden, dagar", "en": "Median stay, days"},
    "kf_stay_hr_per_year": {
        "sv": "Förändring per år i chansen att lämna staden (kvot)",
        "en": "Change per year in the chance of leaving (ratio)",
    },
    "kf_contacts_per_hour": {
        "sv": "Kontakter (även upprepade) per uppsökande timme",
        "en": "Contacts (repeat ones included) per outreach hour",
    },
    "kf_support_before_leaving": {
        "sv": "Andel stöd som börjar innan personen lämnar",
        "en": "Share of support starting before the person leaves",
    },
    # --- language table ----------------------------------------------------------------
    "col_language": {"sv": "Språk", "en": "Language"},
    "col_share_of_target_group": {"sv": "Andel av målgruppen", "en": "Share of target group"},
    "col_staff_speakers_fte": {
        "sv": "Uppsökande årsarbetare som talar språket",
        "en": "Outreach FTE speaking it",
    },
    "col_reach": {"sv": "Andel som nås", "en": "Share reached"},
    "col_shortfall": {"sv": "Räcker inte", "en": "Falls short"},
    "col_usable_share": {
        "sv": "Kontakter på ett språk hon förstår",
        "en": "Contacts in a language she understands",
    },
    "kf_support_cases_per_week": {
        "sv": "Personer som tackar ja till stöd per vecka",
        "en": "Persons accepting support per week",
    },
    "kf_reflection_periods_at_once": {
        "sv": "Betänketider som pågår samtidigt",
        "en": "Reflection periods running at once",
    },
    "kf_shelter_places": {"sv": "Platser i skyddat boende", "en": "Shelter places"},
    "kf_casework_fte_now": {
        "sv": "Årsarbetare för ärendearbete i dag",
        "en": "Casework FTE today",
    },
    "kf_casework_fte_needed": {
        "sv": "Årsarbetare för ärendearbete som behövs",
        "en": "Casework FTE needed",
    },
    "yes": {"sv": "ja", "en": "yes"},
    "hidden": {"sv": "dolt", "en": "hidden"},
    "no": {"sv": "nej", "en": "no"},
    "suppressed_none": {
        "sv": "Inga celler behövde döljas (tröskel: färre än {threshold}).",
        "en": "No cells needed suppressing (threshold: fewer than {threshold}).",
    },
    "suppressed_some": {
        "sv": "{n} celler med färre än {threshold} personer visas som ”<{threshold}”: {where}.",
        "en": "{n} cells with fewer than {threshold} persons are shown as '<{threshold}': {where}.",
    },
    "suppressed_mixed": {
        "sv": (
            "{n} celler är dolda: {small} antal under {threshold} personer visas som "
            "”<{threshold}”; {other} andra celler (andelar av dolda antal och antal som skulle "
            "avslöja dem) visas som ”dolt”. Berörda kolumner (i rapporten eller i "
            "tables.xlsx): {where}."
        ),
        "en": (
            "{n} cells are hidden: {small} counts below {threshold} persons are shown as "
            "'<{threshold}'; {other} other cells (shares of hidden counts and counts that "
            "would give them away) are shown as 'hidden'. Columns concerned (in the report or "
            "in tables.xlsx): {where}."
        ),
    },
    # --- month names (capacity.report.committee.scenarios.month_name) --------------------
    "month_1": {"sv": "januari", "en": "January"},
    "month_2": {"sv": "februari", "en": "February"},
    "month_3": {"sv": "mars", "en": "March"},
    "month_4": {"sv": "april", "en": "April"},
    "month_5": {"sv": "maj", "en": "May"},
    "month_6": {"sv": "juni", "en": "June"},
    "month_7": {"sv": "juli", "en": "July"},
    "month_8": {"sv": "augusti", "en": "August"},
    "month_9": {"sv": "september", "en": "September"},
    "month_10": {"sv": "oktober", "en": "October"},
    "month_11": {"sv": "november", "en": "November"},
    "month_12": {"sv": "december", "en": "December"},
}


LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "language_other": {"sv": "andra språk", "en": "other languages"},
    "language_sv": {"sv": "svenska", "en": "Swedish"},
    "language_en": {"sv": "engelska", "en": "English"},
    "language_ro": {"sv": "rumänska", "en": "Romanian"},
    "language_es": {"sv": "spanska", "en": "Spanish"},
    "language_pt": {"sv": "portugisiska", "en": "Portuguese"},
    "language_fr": {"sv": "franska", "en": "French"},
    "language_de": {"sv": "tyska", "en": "German"},
    "language_ru": {"sv": "ryska", "en": "Russian"},
    "language_uk": {"sv": "ukrainska", "en": "Ukrainian"},
    "language_pl": {"sv": "polska", "en": "Polish"},
    "language_bg": {"sv": "bulgariska", "en": "Bulgarian"},
    "language_hu": {"sv": "ungerska", "en": "Hungarian"},
    "language_th": {"sv": "thailändska", "en": "Thai"},
    "language_zh": {"sv": "kinesiska", "en": "Chinese"},
    "language_vi": {"sv": "vietnamesiska", "en": "Vietnamese"},
    "language_ar": {"sv": "arabiska", "en": "Arabic"},
    "language_fa": {"sv": "persiska", "en": "Persian"},
    "language_so": {"sv": "somaliska", "en": "Somali"},
    "language_ti": {"sv": "tigrinja", "en": "Tigrinya"},
    "language_yo": {"sv": "yoruba", "en": "Yoruba"},
    "language_ig": {"sv": "igbo", "en": "Igbo"},
    "language_sq": {"sv": "albanska", "en": "Albanian"},
    "language_sr": {"sv": "serbiska", "en": "Serbian"},
    "language_lt": {"sv": "litauiska", "en": "Lithuanian"},
    "language_lv": {"sv": "lettiska", "en": "Latvian"},
    "language_et": {"sv": "estniska", "en": "Estonian"},
    "language_fi": {"sv": "finska", "en": "Finnish"},
    "language_tr": {"sv": "turkiska", "en": "Turkish"},
}


#: The models' result titles (``Results.title``, English) in the report languages: a
#: notebook that captions a results table with its title gets it in the report's language
#: (:func:`capacity.i18n.result_title`). ``tests/test_i18n.py`` checks every result class has one.
RESULT_TITLES: dict[str, dict[str, str]] = {
    "Results": {"sv": "Resultat"},
    "Capture model of the ad sites (lead share of independent sources)": {
        "sv": "Annonssajternas fångstmodell (andel där en oberoende källa såg henne först)"
    },
    "Outreach strategy per channel": {"sv": "Uppsökande strategi per kanal"},
    "Staff capacity (staff table)": {"sv": "Personalens kapacitet (personaltabellen)"},
    "Arrivals forecast (new stays per month)": {
        "sv": "Prognos för ankomster (nya vistelser per månad)"
    },
    "Outreach productivity (persons per staff-hour)": {
        "sv": "Uppsökande arbetets produktivitet (personer per arbetstimme)"
    },
    "Outreach FTE needed for the target reach": {
        "sv": "Uppsökande årsarbetare som behövs för målet"
    },
    "Outreach strategy: screening of new arrivals against search": {
        "sv": "Uppsökande strategi: genomgång av nya ankomster mot sökande"
    },
    "Support before leaving (casework queue)": {"sv": "Stöd innan hon lämnar staden (ärendekö)"},
    "Touring between cities": {"sv": "Resor mellan städer"},
    "Hidden population per quarter (multiple systems estimation)": {
        "sv": "Dold population per kvartal (skattning från flera källor)"
    },
    "Persons in the city (open-population stay-process model)": {
        "sv": "Personer i staden (modell för öppen population)"
    },
    "Detection share of stays (stay-level model, capture per day present)": {
        "sv": "Andel upptäckta vistelser (vistelsemodell, fångst per närvarodag)"
    },
    "Stays in the city (days)": {"sv": "Vistelser i staden (dagar)"},
    "Population size": {"sv": "Populationens storlek"},
    "Question 4: outreach capacity against a mobile target group": {
        "sv": "Fråga 4: uppsökande kapacitet mot en rörlig målgrupp"
    },
    "Reach per stay, per woman and per tour": {
        "sv": "Räckvidd per vistelse, per kvinna och per resa"
    },
    "Question 4, national view: reach per stay, woman and tour in every city": {
        "sv": "Fråga 4 i hela landet: räckvidd per vistelse, kvinna och resa i varje stad"
    },
}
