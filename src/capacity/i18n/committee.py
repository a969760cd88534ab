"""The committee report's own sentences, Swedish and English.

Part of the one catalogue of report words (:data:`capacity.i18n.catalogue.CATALOGUE`): every
entry is ``key -> {"sv": ..., "en": ...}`` with the same ``{placeholders}`` in both. Read
them through :func:`capacity.i18n.t`. Indicator names of questions 1–3 are ``ind_<name>``;
the methods paragraphs are ``method_<topic>``, in the order of :data:`METHOD_KEYS`.
"""

from __future__ import annotations

COMMITTEE: dict[str, dict[str, str]] = {
    "lower": {
        "sv": "Nedre gräns ({level})",
        "en": "Lower bound ({level})",
    },
    "upper": {
        "sv": "Övre gräns ({level})",
        "en": "Upper bound ({level})",
    },
    "how_to_read": {
        "sv": "Osäkerhetsintervallen och sannolikheten bygger på {n} simuleringar där alla skattade storheter (målgruppens storlek, vistelsernas längd, kontakter per timme, språk) varieras samtidigt. Årsarbetare i dag är ett registervärde och har inget intervall.",
        "en": "The uncertainty intervals and the probability come from {n} simulations in which every estimated quantity (size of the target group, stay lengths, contacts per hour, languages) varies at once. Outreach FTE today is a record, not an estimate, and has no interval.",
    },
    "target_group": {
        "sv": "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, och {period} olika personer under hela perioden. Omkring {arrivals} nya vistelser börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. Hasardkvoten för att lämna staden är {hr} per år (osäkerhetsintervall {hr_ci}): {trend}",
        "en": "On average an estimated {present} persons of the target group are in the city at any time, and {period} different persons over the whole period. About {arrivals} new stays begin each week. Half of the stays are shorter than {median} days. The hazard ratio of leaving the city is {hr} per year (uncertainty interval {hr_ci}): {trend}",
    },
    "target_group_no_trend": {
        "sv": "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, och {period} olika personer under hela perioden. Omkring {arrivals} nya vistelser börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. Data räcker inte för att säga om vistelserna blir kortare eller längre över tid.",
        "en": "On average an estimated {present} persons of the target group are in the city at any time, and {period} different persons over the whole period. About {arrivals} new stays begin each week. Half of the stays are shorter than {median} days. The data do not show whether stays are getting shorter or longer over time.",
    },
    "arrivals_up": {
        "sv": "Ankomsterna ökar: med ungefär {change} per år (osäkerhetsintervall {ci}).",
        "en": "Arrivals are rising: by about {change} a year (uncertainty interval {ci}).",
    },
    "arrivals_down": {
        "sv": "Ankomsterna minskar: med ungefär {change} per år (osäkerhetsintervall {ci}).",
        "en": "Arrivals are falling: by about {change} a year (uncertainty interval {ci}).",
    },
    "arrivals_flat": {
        "sv": "Data visar ingen säker förändring av antalet ankomster per år (förändring per år: osäkerhetsintervall {ci}).",
        "en": "The data show no clear change in arrivals per year (change per year: uncertainty interval {ci}).",
    },
    "trend_shorter": {
        "sv": "vistelserna blir kortare för varje år, alltså rör sig målgruppen snabbare.",
        "en": "stays are getting shorter each year, so the target group moves faster.",
    },
    "trend_longer": {
        "sv": "vistelserna blir längre för varje år.",
        "en": "stays are getting longer each year.",
    },
    "trend_none": {
        "sv": "data visar ingen säker förändring av vistelsernas längd över tid.",
        "en": "the data show no clear change in stay length over time.",
    },
    "touring": {
        "sv": "Personerna i målgruppen arbetar i genomsnitt i {mean} städer per månad; {share} av personmånaderna omfattar två eller fler städer.",
        "en": "Persons in the target group work in {mean} cities per month on average; {share} of person-months span two or more cities.",
    },
    "flows_caption": {
        "sv": "Förflyttningar: antal vistelser i staden (rad) som följs av en vistelse i staden (kolumn); diagonalen är återkomster till samma stad",
        "en": "Moves: number of stays in the city (row) followed by a stay in the city (column); the diagonal is returns to the same city",
    },
    "flows_from": {
        "sv": "Från \\ till",
        "en": "From \\ to",
    },
    "capacity": {
        "sv": "Uppsökarteamen har {fte} årsarbetare för uppsökande arbete. De får i genomsnitt {rate} nya kontakter per arbetad timme. {trained} av den uppsökande tiden görs av personal med utbildning i att känna igen människohandel (Europarådets konvention, art. 10). Med den kapaciteten nås {any} av målgruppen innan de lämnar staden, men bara {eff} på ett språk de förstår (art. 12).",
        "en": "The outreach teams have {fte} FTE for outreach. They make on average {rate} new contacts per hour worked. {trained} of outreach time is by staff trained to recognise trafficking (Council of Europe Convention, art. 10). With this capacity {any} of the target group is reached before leaving the city, but only {eff} in a language they understand (art. 12).",
    },
    "languages_caption": {
        "sv": "Målgruppens språk, personal som talar dem och andel som nås",
        "en": "Target group's languages, staff who speak them and share reached",
    },
    "persons_seen": {
        "sv": "Personer med känt språk",
        "en": "Persons with known language",
    },
    "no_forecast": {
        "sv": "Ingen prognos kunde göras: data täcker för få månader för en trend (se Antaganden).",
        "en": "No forecast could be made: the data cover too few months for a trend (see Assumptions).",
    },
    "forecast": {
        "sv": "Om ankomsterna och vistelsernas längd fortsätter att utvecklas som hittills behövs {need} uppsökande årsarbetare ({need_ci}) i {month} för att nå målet.",
        "en": "If arrivals and stay lengths keep changing as they have, {need} outreach FTE ({need_ci}) are needed by {month} to meet the target.",
    },
    "scenarios_intro": {
        "sv": "Tabellen visar hur svaret ändras med fler årsarbetare, med tolk vid varje kontakt och med en rörligare målgrupp (vistelser hälften så långa). Modellerna skattas en gång; bara scenariot ändras.",
        "en": "The table shows how the answer changes with more FTE, with an interpreter at every contact and with a more mobile target group (stays half as long). The models are fitted once; only the scenario changes.",
    },
    "and": {
        "sv": " och ",
        "en": " and ",
    },
    "h_gap": {
        "sv": "Språk som ingen i personalen talar",
        "en": "Languages no outreach staff member speaks",
    },
    "gap_languages": {
        "sv": "Ingen i uppsökarteamen talar {languages}: tillsammans {total} av målgruppen (andelar inom parentes), som bara kan nås på sitt språk med tolk.",
        "en": "No one in the outreach teams speaks {languages}: together {total} of the target group (shares in brackets), who can only be reached in their language through an interpreter.",
    },
    "gap_interpreter_log": {
        "sv": "Enligt loggen används tolk vid {share} av sådana kontakter.",
        "en": "According to the outreach log, an interpreter is used in {share} of such contacts.",
    },
    "gap_interpreter_parameter": {
        "sv": "Rapporten antar att tolk används vid {share} av sådana kontakter.",
        "en": "The report assumes an interpreter is used in {share} of such contacts.",
    },
    "gap_no_interpreter": {
        "sv": "Enligt loggen används aldrig tolk.",
        "en": "According to the outreach log, interpreters are never used.",
    },
    "gap_none": {
        "sv": "Alla språk i målgruppen talas av någon i uppsökarteamen.",
        "en": "Every language of the target group is spoken by someone in the outreach teams.",
    },
    "h_split": {
        "sv": "Bemanning eller språkkompetens?",
        "en": "Staff numbers or language competence?",
    },
    "split_caption": {
        "sv": "I dag och med tolk vid varje kontakt",
        "en": "Today and with an interpreter at every contact",
    },
    "split_interpreters": {
        "sv": "Med tolk vid varje kontakt skulle dagens bemanning nå {reach} på ett språk de förstår.",
        "en": "With an interpreter at every contact, today's staff would reach {reach} in a language they understand.",
    },
    "split_staff": {
        "sv": "Även med tolk vid varje kontakt når dagens bemanning bara {reach} på ett språk de förstår, och målet kräver {need} årsarbetare: det som främst saknas är fler årsarbetare; språkkompetens ensam räcker inte.",
        "en": "Even with an interpreter at every contact, today's staff reach only {reach} in a language they understand, and the target needs {need} FTE: what is mainly missing is staff; language competence alone is not enough.",
    },
    "split_language": {
        "sv": "Med tolk vid varje kontakt skulle dagens bemanning räcka (sannolikheten att målet nås är då {p}): det som främst saknas är språkkompetens.",
        "en": "With an interpreter at every contact, today's staff would be enough (the probability that the target is met is then {p}): what is mainly missing is language competence.",
    },
    "split_both": {
        "sv": "Med tolk vid varje kontakt blir det osäkert om målet nås (sannolikheten är {p}): både språkkompetens och fler årsarbetare behövs för att målet säkert ska nås.",
        "en": "With an interpreter at every contact it is uncertain whether the target is met (probability {p}): both language competence and more staff are needed to be sure.",
    },
    "col_interpreter_share": {
        "sv": "Tolk vid språk ingen talar",
        "en": "Interpreter, unspoken languages",
    },
    "scen_interpreters": {
        "sv": "Tolk vid varje kontakt",
        "en": "Interpreter at every contact",
    },
    "scen_today": {
        "sv": "Som i dag",
        "en": "As today",
    },
    "scen_plus2": {
        "sv": "+2 årsarbetare",
        "en": "+2 FTE",
    },
    "scen_plus4": {
        "sv": "+4 årsarbetare",
        "en": "+4 FTE",
    },
    "scen_mobile": {
        "sv": "Vistelser hälften så långa",
        "en": "Stays half as long",
    },
    "scenarios_caption": {
        "sv": "Scenarier",
        "en": "Scenarios",
    },
    "scenario": {
        "sv": "Scenario",
        "en": "Scenario",
    },
    "col_extra_fte": {
        "sv": "Extra årsarbetare",
        "en": "Extra FTE",
    },
    "col_stay_multiplier": {
        "sv": "Vistelselängd ×",
        "en": "Stay length ×",
    },
    "col_p_target": {
        "sv": "Sannolikhet att målet nås",
        "en": "Probability the target is met",
    },
    "no_operations": {
        "sv": "Det finns inga gemensamma aktioner med polisen i staden under perioden.",
        "en": "There are no joint operations with the police in the city during the period.",
    },
    "indicators": {
        "sv": "Fråga 1 gäller socialsekreterarnas uppdrag: i {covers} av {ops} aktioner omfattade uppdraget kontakt med dem som säljer sex. Fråga 2 och 3 gäller om de som påträffas informeras om sina rättigheter, inklusive betänketid (minst 30 dagar, konventionens art. 13), och erbjuds stöd direkt.",
        "en": "Question 1 concerns the social workers' mandate: in {covers} of {ops} operations it included contact with those selling sex. Questions 2 and 3 concern whether those encountered are informed of their rights, including the reflection period (at least 30 days, Convention art. 13), and offered support at once.",
    },
    "indicators_caption": {
        "sv": "Gemensamma aktioner med polisen: uppdrag, information och stöd",
        "en": "Joint police operations: mandate, information and support",
    },
    "indicator": {
        "sv": "Indikator",
        "en": "Indicator",
    },
    "col_number": {
        "sv": "Antal",
        "en": "Number",
    },
    "col_of": {
        "sv": "Av (personer)",
        "en": "Of (persons)",
    },
    "col_share": {
        "sv": "Andel",
        "en": "Share",
    },
    "col_stay_days": {
        "sv": "Dagar",
        "en": "Days",
    },
    "caveats_intro": {
        "sv": "Modellerna redovisar själva sina förbehåll:",
        "en": "The models state their own caveats:",
    },
    "provenance_intro": {
        "sv": "Rapporten kan återskapas från dessa filer och parametrar; provenance.json i rapportmappen innehåller alla detaljer.",
        "en": "The report can be recreated from these files and parameters; provenance.json in the report folder holds every detail.",
    },
    "dataset": {
        "sv": "Dataunderlag",
        "en": "Dataset",
    },
    "parameters": {
        "sv": "Parametrar",
        "en": "Parameters",
    },
    "software": {
        "sv": "Programvara",
        "en": "Software",
    },
    "rows": {
        "sv": "rader",
        "en": "rows",
    },
    "ind_operations": {
        "sv": "Aktioner",
        "en": "Operations",
    },
    "ind_mandate_covers_sellers": {
        "sv": "Aktioner där uppdraget omfattar dem som säljer sex",
        "en": "Operations whose mandate covers those selling sex",
    },
    "ind_buyers_suspected": {
        "sv": "Misstänkta sexköp",
        "en": "Suspected sex purchases",
    },
    "ind_social_workers": {
        "sv": "Socialsekreterare (summa över aktioner)",
        "en": "Social workers (sum over operations)",
    },
    "ind_sellers_encountered": {
        "sv": "Personer som säljer sex som påträffades",
        "en": "Persons selling sex encountered",
    },
    "ind_sellers_contacted": {
        "sv": "… som fick kontakt med socialsekreterare",
        "en": "… contacted by a social worker",
    },
    "ind_sellers_informed_of_rights": {
        "sv": "… som informerades om sina rättigheter (fråga 2)",
        "en": "… informed of their rights (question 2)",
    },
    "ind_reflection_period_offered": {
        "sv": "… som erbjöds betänketid",
        "en": "… offered the reflection period",
    },
    "ind_support_accepted": {
        "sv": "… som tackade ja till stöd direkt (fråga 3)",
        "en": "… accepting support at once (question 3)",
    },
    "ind_referrals_trafficking": {
        "sv": "… som hänvisades som möjliga offer för människohandel",
        "en": "… referred as possible victims of trafficking",
    },
    "ind_median_days_to_support": {
        "sv": "Dagar från kontakt till stöd (median)",
        "en": "Days from contact to support (median)",
    },
    "method_stays": {
        "sv": "Vistelser: en persons observationer i samma stad med högst ett visst antal dagars mellanrum bildar en vistelse. Hur länge vistelserna varar skattas med Kaplan–Meier, och en Cox-modell med år som förklaringsvariabel visar om vistelserna blir kortare.",
        "en": "Stays: a person's sightings in one city with gaps of at most a set number of days form a stay. Stay lengths are estimated with Kaplan–Meier, and a Cox model with year as covariate shows whether stays are getting shorter.",
    },
    "method_population": {
        "sv": "Målgruppens storlek: personer som ses av flera oberoende källor (annonser, uppsökande arbete, polis) ger en skattning av hur många som aldrig syns i någon källa (fångst–återfångst, log-linjära modeller). Antalet samtidigt närvarande följer av ankomster gånger vistelsens längd (Littles lag).",
        "en": "Size of the target group: persons seen by several independent sources (ads, outreach, police) give an estimate of how many are never seen by any source (capture–recapture, log-linear models). The number present at a time follows from arrivals times stay length (Little's law).",
    },
    "method_capacity": {
        "sv": "Kapacitet: antalet nya kontakter per uppsökande timme skattas med en Poissonmodell per kanal. Med kapaciteten fördelad över dem som är i staden är chansen att nås innan man lämnar staden 1 − E[exp(−h·T)], där h är kontakttakten och T vistelsens längd. En kontakt räknas bara om den sker på ett språk personen förstår, med egen personal eller tolk.",
        "en": "Capacity: new contacts per outreach hour are estimated with a Poisson model per channel. With capacity spread over those present, the chance of being reached before leaving is 1 − E[exp(−h·T)], where h is the contact rate and T the stay length. A contact counts only in a language the person understands, by staff or an interpreter.",
    },
    "method_staffing": {
        "sv": "Bemanning och osäkerhet: behovet av årsarbetare är den bemanning som ger målets andel. Alla skattningar varieras samtidigt i simuleringar; andelen simuleringar som når målet är sannolikheten bakom bedömningen (tillräckligt, otillräckligt eller osäkert).",
        "en": "Staffing and uncertainty: the FTE needed is the staffing that gives the target share. All estimates vary together in simulations; the share of simulations meeting the target is the probability behind the verdict (sufficient, insufficient or uncertain).",
    },
    "method_disclosure": {
        "sv": "Röjandekontroll: antal under tröskeln visas inte, och inte heller andelar som skulle avslöja dem.",
        "en": "Disclosure control: counts below the threshold are not shown, nor shares that would reveal them.",
    },
    # --- scenario sweep (capacity.report.sweep) ----------------------------------------------
    "sweep_col_arrivals_multiplier": {"sv": "Ankomster ×", "en": "Arrivals ×"},
    "sweep_col_target_reach": {"sv": "Mål", "en": "Target"},
    "sweep_col_strategy": {"sv": "Strategi", "en": "Strategy"},
    "sweep_col_reach_effective": {"sv": "Andel som nås", "en": "Share reached"},
    "sweep_col_p_target_met": {"sv": "P(målet nås)", "en": "P(target met)"},
    "sweep_col_fte_needed_short": {"sv": "FTE som behövs", "en": "FTE needed"},
    "sweep_col_verdict": {"sv": "Bedömning", "en": "Verdict"},
    "verdict_word_sufficient": {"sv": "tillräckligt", "en": "sufficient"},
    "verdict_word_insufficient": {"sv": "otillräckligt", "en": "insufficient"},
    "verdict_word_uncertain": {"sv": "osäkert", "en": "uncertain"},
    "sweep_summary": {
        "sv": "{n} scenarier beräknade på samma skattade modeller. Högst andel nås i scenario "
        "{best}: {reach}.",
        "en": "{n} scenarios evaluated on the same fitted models. The highest share is reached "
        "in scenario {best}: {reach}.",
    },
    "sweep_caption": {"sv": "Jämförelse av scenarier", "en": "Comparison of scenarios"},
    "sweep_interval": {"sv": "{level} intervall", "en": "{level} interval"},
    # --- tables.xlsx (capacity.tables_xlsx) -------------------------------------------------
    "xlsx_contents": {"sv": "Innehåll", "en": "Contents"},
    "xlsx_sheet": {"sv": "Blad", "en": "Sheet"},
    "xlsx_caption": {"sv": "Rubrik", "en": "Caption"},
    "xlsx_suppressed": {"sv": "Dolda celler", "en": "Suppressed cells"},
    # --- outreach channels (capacity.report.quality) ----------------------------------------
    "channel_online": {"sv": "nätet (annonser)", "en": "online (ads)"},
    "channel_street": {"sv": "gatan", "en": "street"},
    "channel_venue": {
        "sv": "inomhus (hotell, klubbar, lägenheter)",
        "en": "venues (hotels, clubs, flats)",
    },
    "channel_operation": {"sv": "polisaktion", "en": "police operation"},
}

#: The methods section's paragraphs, in order.
METHOD_KEYS = (
    "method_stays",
    "method_population",
    "method_capacity",
    "method_staffing",
    "method_disclosure",
)
