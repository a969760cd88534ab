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
        "sv": "Intervallen (percentilintervall) och sannolikheten bygger på {n} bootstrapomgångar där hela kedjan skattas om (vistelser, målgruppens storlek med modellval, språk, kontakter per timme). Årsarbetare i dag är ett registervärde och har inget intervall.",
        "en": "The intervals (percentile intervals) and the probability come from {n} bootstrap replicates that re-estimate the whole chain (stays, size of the target group with the model choice, languages, contacts per hour). Outreach FTE today is a record, not an estimate, and has no interval.",
    },
    "target_group": {
        "sv": "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, {quarter} olika personer under ett kvartal och {period} under hela perioden. Omkring {arrivals} nya vistelser börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. Chansen att lämna staden en viss dag blir {hr} gånger så stor för varje år (osäkerhetsintervall {hr_ci}): {trend}",
        "en": "On average an estimated {present} persons of the target group are in the city at any time, {quarter} different persons during a quarter and {period} over the whole period. About {arrivals} new stays begin each week. Half of the stays are shorter than {median} days. The chance of leaving the city on a given day is multiplied by {hr} each year (uncertainty interval {hr_ci}): {trend}",
    },
    "target_group_no_trend": {
        "sv": "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, {quarter} olika personer under ett kvartal och {period} under hela perioden. Omkring {arrivals} nya vistelser börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. Data räcker inte för att säga om vistelserna blir kortare eller längre över tid.",
        "en": "On average an estimated {present} persons of the target group are in the city at any time, {quarter} different persons during a quarter and {period} over the whole period. About {arrivals} new stays begin each week. Half of the stays are shorter than {median} days. The data do not show whether stays are getting shorter or longer over time.",
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
        "sv": "Uppsökarteamen har {fte} årsarbetare för uppsökande arbete. De får i genomsnitt {rate} kontakter (nya och upprepade) per arbetad timme. {trained} av den uppsökande tiden görs av personal med utbildning i att känna igen människohandel (Europarådets konvention, art. 10). Med den kapaciteten nås {any} av målgruppen innan de lämnar staden, men bara {eff} på ett språk de förstår (art. 12).",
        "en": "The outreach teams have {fte} FTE for outreach. They make on average {rate} contacts (new and repeat) per hour worked. {trained} of outreach time is by staff trained to recognise trafficking (Council of Europe Convention, art. 10). With this capacity {any} of the target group is reached before leaving the city, but only {eff} in a language they understand (art. 12).",
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
        "sv": "Tabellen visar hur svaret ändras med fler årsarbetare, med tolk vid varje kontakt och med en rörligare målgrupp (vistelser hälften så långa).",
        "en": "The table shows how the answer changes with more FTE, with an interpreter at every contact and with a more mobile target group (stays half as long).",
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
        "sv": "Enligt personalens registrering av kontakterna används tolk vid {share} av sådana kontakter.",
        "en": "According to the outreach log, an interpreter is used in {share} of such contacts.",
    },
    "gap_interpreter_parameter": {
        "sv": "Rapporten antar att tolk används vid {share} av sådana kontakter.",
        "en": "The report assumes an interpreter is used in {share} of such contacts.",
    },
    "gap_no_interpreter": {
        "sv": "Enligt personalens registrering av kontakterna används aldrig tolk.",
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
        "sv": "Det finns inga gemensamma insatser med polisen i staden under perioden.",
        "en": "There are no joint operations with the police in the city during the period.",
    },
    "indicators": {
        "sv": "Fråga 1 gäller socialsekreterarnas uppdrag: i {covers} av {ops} insatser omfattade uppdraget kontakt med dem som säljer sex. Fråga 2 och 3 gäller om de som påträffas informeras om sina rättigheter, inklusive betänketid (minst 30 dagar, konventionens art. 13), och erbjuds stöd direkt.",
        "en": "Question 1 concerns the social workers' mandate: in {covers} of {ops} operations it included contact with those selling sex. Questions 2 and 3 concern whether those encountered are informed of their rights, including the reflection period (at least 30 days, Convention art. 13), and offered support at once.",
    },
    "indicators_caption": {
        "sv": "Gemensamma insatser med polisen: uppdrag, information och stöd",
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
    "parameters_others": {
        "sv": "övriga",
        "en": "the others",
    },
    "parameters_rest": {
        "sv": "programversionens standardvärden (docs/parameters.md); alla värden står i "
        "provenance.json",
        "en": "this code version's defaults (docs/parameters.md); every value is in "
        "provenance.json",
    },
    "software": {
        "sv": "Programvara",
        "en": "Software",
    },
    "rows": {
        "sv": "rader",
        "en": "rows",
    },
    "h_in_short": {
        "sv": "Nyckeltal, bemanning och budget",
        "en": "Key figures, staffing and budget",
    },
    "flows_sentence": {
        "sv": "Av de {total} vistelser i {city} som följs av en ny vistelse börjar {share} i en annan stad, oftast {top}; resten är återkomster till {city}. Tabellen visar alla förflyttningar mellan städerna.",
        "en": "Of the {total} stays in {city} followed by another stay, {share} continue in another city, most often {top}; the rest are returns to {city}. The table shows every move between the cities.",
    },
    "hidden_share": {
        "sv": "(dolt, få personer)",
        "en": "(hidden, few persons)",
    },
    "funnel_text": {
        "sv": "Fråga 1: i {covers} av {ops} gemensamma insatser med polisen omfattade socialsekreterarnas uppdrag kontakt med dem som säljer sex. Av {encountered} personer som påträffades fick {contacted} kontakt med en socialsekreterare, {informed} informerades om sina rättigheter (fråga 2), {offered} erbjöds betänketid och {accepted} tackade ja till stöd direkt (fråga 3); stödet började i median efter {days} dagar. När uppdraget bara gällde köparna fick {contacted_buyers} av de påträffade kontakt, mot {contacted_sellers} när det omfattade dem som säljer sex.",
        "en": "Question 1: in {covers} of {ops} joint operations with the police the social workers' mandate included contact with those selling sex. Of {encountered} persons encountered, {contacted} were contacted by a social worker, {informed} were informed of their rights (question 2), {offered} were offered the reflection period and {accepted} accepted support at once (question 3); support began after a median of {days} days. When the mandate covered only the buyers, {contacted_buyers} of those encountered were contacted, against {contacted_sellers} when it covered those selling sex.",
    },
    "funnel_caption": {
        "sv": "Från påträffad till hänvisad: personer vid varje steg och andel av de påträffade",
        "en": "From encountered to referred: persons at each step and share of those encountered",
    },
    "col_persons_all": {
        "sv": "Personer",
        "en": "Persons",
    },
    "col_share_all": {
        "sv": "Andel av påträffade",
        "en": "Share of encountered",
    },
    "col_share_buyers": {
        "sv": "Andel, uppdrag bara köpare",
        "en": "Share, mandate buyers only",
    },
    "col_share_sellers": {
        "sv": "Andel, uppdrag även säljare",
        "en": "Share, mandate incl. sellers",
    },
    "synthetic_title": {
        "sv": "Syntetiska data: {n} svenska städer, {start}–{end}",
        "en": "Synthetic data: {n} Swedish cities, {start}–{end}",
    },
    "synthetic_title_plain": {"sv": "Syntetiska data", "en": "Synthetic data"},
    "synthetic_title_sample": {
        "sv": "Syntetiska exempeldata: {n} svenska städer, {start}–{end}",
        "en": "Synthetic sample data: {n} Swedish cities, {start}–{end}",
    },
    "table_sightings": {
        "sv": "Observationer",
        "en": "Sightings",
    },
    "table_outreach": {
        "sv": "Uppsökande arbete",
        "en": "Outreach",
    },
    "table_staff": {
        "sv": "Personal",
        "en": "Staff",
    },
    "table_operations": {
        "sv": "Polisinsatser",
        "en": "Police operations",
    },
    "code_version": {
        "sv": "Programversion (git)",
        "en": "Code version (git)",
    },
    "synthetic_trends": {
        "sv": "Trenderna är inbyggda i exempeldata: de är simulerade med ankomster som ökar med {growth} per år och vistelser vars median krymper från {first} till {last} dagar under perioden. De visar att metoden hittar trender, inte hur det ser ut i staden.",
        "en": "The trends are built into the sample data: it is simulated with arrivals growing {growth} a year and median stays shrinking from {first} to {last} days over the period. They show that the method finds trends, not how things are in the city.",
    },
    "synthetic_trends_unknown": {
        "sv": "Data är syntetiska: eventuella trender är inbyggda i simuleringen.",
        "en": "The data are synthetic: any trends are built into the simulation.",
    },
    "mobile": {
        "sv": "Om vistelserna blir hälften så långa (en rörligare målgrupp) når dagens bemanning {reach} och målet kräver {need} årsarbetare.",
        "en": "If stays become half as long (a more mobile target group), today's staff reach {reach} and the target needs {need} FTE.",
    },
    "h_identification": {
        "sv": "Kompetens utöver språk: utbildning och att känna igen människohandel",
        "en": "Competence beyond language: training and recognising trafficking",
    },
    "identification_text": {
        "sv": "{trained} av de uppsökande timmarna görs av personal med utbildning i att känna igen människohandel. Ett helt utbildat team noterar {ratio} gånger så många tecken på människohandel per kontakt som ett outbildat ({ratio_ci}; osäkert, eftersom utbildningsgraden varierar lite i data). Kontakter på ett språk hon inte förstår ger {lang_ratio} så många tecken som kontakter på hennes eget språk. Om all uppsökande personal utbildades skulle omkring {all} tecken noteras per år i stället för {today} ({all_ci}).",
        "en": "{trained} of outreach hours are by staff trained to recognise trafficking. A fully trained team notes {ratio} times as many signs of trafficking per contact as an untrained one ({ratio_ci}; uncertain, as training varies little in the data). Contacts in a language she does not understand yield {lang_ratio} as many signs as contacts in her own language. If all outreach staff were trained, about {all} signs would be noted a year instead of {today} ({all_ci}).",
    },
    "identification_caption": {
        "sv": "Tecken på människohandel och hänvisningar per 100 kontakter, efter språk vid kontakten",
        "en": "Signs of trafficking and referrals per 100 contacts, by language at the contact",
    },
    "mode_own_language": {
        "sv": "Hennes eget språk",
        "en": "Her own language",
    },
    "mode_interpreter": {
        "sv": "Med tolk",
        "en": "With an interpreter",
    },
    "mode_neither": {
        "sv": "Inget av dem",
        "en": "Neither",
    },
    "col_mode": {
        "sv": "Språk vid kontakten",
        "en": "Language at the contact",
    },
    "col_contacts_count": {
        "sv": "Kontakter",
        "en": "Contacts",
    },
    "col_indicators": {
        "sv": "Tecken på människohandel per 100",
        "en": "Signs of trafficking per 100",
    },
    "col_referrals": {
        "sv": "Hänvisningar per 100",
        "en": "Referrals per 100",
    },
    "h_options": {
        "sv": "Vad kan nämnden göra?",
        "en": "What can the committee do?",
    },
    "options_intro": {
        "sv": "Varje rad är en insats utöver dagens verksamhet: hur stor andel av målgruppen som då nås på ett språk de förstår, vad insatsen kostar per år och hur mycket den ger per miljon kronor.",
        "en": "Each row is one measure on top of today's work: the share of the target group then reached in a language they understand, what the measure costs a year and what it buys per million kronor.",
    },
    "options_caption": {
        "sv": "Vad kan nämnden göra? Andel som nås, kostnad per år och handläggare som behövs",
        "en": "What can the committee do? Share reached, cost a year and caseworkers needed",
    },
    "opt_plus": {
        "sv": "+{n} årsarbetare",
        "en": "+{n} FTE",
    },
    "opt_hire": {
        "sv": "Anställd som talar {language}",
        "en": "Hire speaking {language}",
    },
    "opt_hire_adjective": {
        "sv": "En {speaking} anställd",
        "en": "One {speaking} hire",
    },
    "opt_interpreters": {
        "sv": "Tolk vid varje kontakt",
        "en": "Interpreter at every contact",
    },
    "opt_translation": {
        "sv": "Översatt text, {n} språk",
        "en": "Translated text, {n} languages",
    },
    "opt_training": {
        "sv": "Utbildning, all personal",
        "en": "Training, all staff",
    },
    "col_option": {
        "sv": "Insats",
        "en": "Measure",
    },
    "col_reach_short": {
        "sv": "Andel som nås",
        "en": "Reached",
    },
    "col_interval": {
        "sv": "95 % intervall",
        "en": "95% interval",
    },
    "col_gain": {
        "sv": "Ökning, %-enheter",
        "en": "Gain, points",
    },
    "col_cost": {
        "sv": "Kostnad per år, tkr",
        "en": "Cost a year, kSEK",
    },
    "col_gain_per_mkr": {
        "sv": "%-enheter per mnkr",
        "en": "Points per MSEK",
    },
    "col_casework": {
        "sv": "Hand\xadläggare som behövs",
        "en": "Case\xadworkers needed",
    },
    "options_note": {
        "sv": "Om tabell {n}: utbildning avser att känna igen människohandel, för all uppsökande personal. Kostnaderna är antaganden (lön med avgifter och omkostnader, tolk per timme, översättning per språk, utbildningsdagar) som staden bör byta mot egna siffror; de står under Antaganden. Utbildning ändrar inte hur många som nås utan hur många fall av människohandel som känns igen. Handläggare som behövs: årsarbetare för ärendearbete så att stödet hinner börja innan hon lämnar staden.",
        "en": "On table {n}: training means recognising trafficking, for all outreach staff. The costs are assumptions (salary with contributions and overhead, interpreter per hour, translation per language, training days) that the city should replace with its own figures; they are listed under Assumptions. Training does not change how many are reached but how many cases of trafficking are recognised. Caseworkers needed: casework FTE so that support can start before she leaves the city.",
    },
    "downstream": {
        "sv": "Att nå fler kräver mer efteråt. Med {option} ({reach}) tackar omkring {cases} personer per vecka ja till stöd (i dag {cases_now}); omkring {periods} ({periods_ci}) betänketider på 30 dagar pågår samtidigt, och {shelter} ({shelter_ci}) platser i skyddat boende och {casework} årsarbetare för ärendearbete (i dag {casework_now}) behövs för att {target} av stödet ska börja innan hon lämnar staden.",
        "en": "Reaching more demands more afterwards. With {option} ({reach}) about {cases} persons a week accept support (today {cases_now}); about {periods} ({periods_ci}) 30-day reflection periods run at once, and {shelter} ({shelter_ci}) shelter places and {casework} casework FTE (today {casework_now}) are needed for {target} of support to start before she leaves the city.",
    },
    "h_budget": {
        "sv": "Bästa kombination för en given budget",
        "en": "Best mix for a given budget",
    },
    "budget_intro": {
        "sv": "För varje budget har alla kombinationer av anställda som talar de vanligaste språken ingen talar, tolk, översatt information och fler årsarbetare prövats; resten av budgeten går till hela årsarbetare. Figuren jämför den bästa kombinationen med att bara anställa fler.",
        "en": "For each budget every combination of hires who speak the largest unspoken languages, interpreters, translated information and more FTE was tried; the rest of the budget buys whole FTE. The figure compares the best mix with hiring more staff only.",
    },
    "best_mix_caption": {
        "sv": "Bästa kombination av insatser för tre budgetar",
        "en": "Best mix of measures for three budgets",
    },
    "budget_row": {
        "sv": "{m} mnkr per år",
        "en": "{m} million SEK a year",
    },
    "col_budget": {
        "sv": "Budget",
        "en": "Budget",
    },
    "col_best_reach": {
        "sv": "Andel som nås, bästa kombination",
        "en": "Share reached, best mix",
    },
    "col_fte_only_reach": {
        "sv": "Andel som nås, bara årsarbetare",
        "en": "Share reached, FTE only",
    },
    "col_mix": {
        "sv": "Kombination",
        "en": "Mix",
    },
    "mix_fte": {
        "sv": "{n} årsarbetare",
        "en": "{n} FTE",
    },
    "mix_hires": {
        "sv": "anställda som talar {languages}",
        "en": "hires who speak {languages}",
    },
    "mix_interpreters": {
        "sv": "tolk vid {share} av kontakterna",
        "en": "interpreter at {share} of contacts",
    },
    "mix_translation": {
        "sv": "översatt information ({n} språk)",
        "en": "translated information ({n} languages)",
    },
    "mix_nothing": {
        "sv": "ingen insats",
        "en": "nothing",
    },
    "ind_operations": {
        "sv": "Insatser",
        "en": "Operations",
    },
    "ind_mandate_covers_sellers": {
        "sv": "Insatser där uppdraget omfattar dem som säljer sex",
        "en": "Operations whose mandate covers those selling sex",
    },
    "ind_buyers_suspected": {
        "sv": "Misstänkta sexköp",
        "en": "Suspected sex purchases",
    },
    "ind_social_workers": {
        "sv": "Socialsekreterare (summa över insatser)",
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
        "sv": "Vistelser: en persons observationer i samma stad med högst ett visst antal dagars mellanrum bildar en vistelse. Vistelsernas längd korrigeras för dagar då ingen källa såg personen (metoden står bland antagandena), och trenden visas som medianvistelsens ändring och riskkvoten per år.",
        "en": "Stays: a person's sightings in one city with gaps of at most a set number of days form a stay. Stay lengths are corrected for days on which no source saw the person (the method is named among the assumptions), and the trend is shown as the change in the median stay and the hazard ratio per year.",
    },
    "method_population": {
        "sv": "Målgruppens storlek: personer som ses av flera källor (annonser, uppsökande arbete, polis) ger en skattning av hur många som aldrig syns i någon källa (fångst–återfångst). Källorna är inte oberoende av varandra; modellerna tar hänsyn till att vissa källor oftare ser samma personer. Antalet samtidigt närvarande följer av ankomster gånger vistelsens längd (Littles lag); under ett kvartal är det de som är i staden när det börjar plus kvartalets ankomster, räknade som personer.",
        "en": "Size of the target group: persons seen by several sources (ads, outreach, police) give an estimate of how many are never seen by any source (capture–recapture). The sources are not independent; the models allow for some sources seeing the same persons more often. The number present at a time follows from arrivals times stay length (Little's law); during a quarter it is those in the city when it begins plus the quarter's arrivals, counted as persons.",
    },
    "method_capacity": {
        "sv": "Kapacitet: antalet kontakter (även upprepade) per uppsökande timme skattas per kanal (på gatan, på nätet, på ställen och vid polisinsatser). Med kapaciteten fördelad över dem som är i staden är chansen att nås innan man lämnar staden 1 − E[exp(−h·T)], där h är kontakttakten och T vistelsens längd. En kontakt räknas bara om den sker på ett språk personen förstår, med egen personal eller tolk.",
        "en": "Capacity: contacts (repeat ones included) per outreach hour are estimated per channel (street, online, venues and police operations). With capacity spread over those present, the chance of being reached before leaving is 1 − E[exp(−h·T)], where h is the contact rate and T the stay length. A contact counts only in a language the person understands, by staff or an interpreter.",
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
    "sweep_col_fte_needed_short": {"sv": "Årsarbetare som behövs", "en": "FTE needed"},
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
    "conditional": {
        "sv": "Intervallen gäller givet modellen. Med de val som data inte avgör (se ”Det som data inte avgör”) nås {reach}; målet kräver {fte_range}.",
        "en": "The intervals hold given the model. Across “What the data cannot decide” {reach} are reached; the target needs {fte_range}.",
    },
    "sensitivity_range": {
        "sv": "Över dessa val nås i dag {reach}, och målet kräver {fte_range}. ”Aldrig” betyder att målet inte nås med fler årsarbetare alls, eftersom ingen talar kvinnornas språk.",
        "en": "Across these choices {reach} are reached today, and the target needs {fte_range}. “Never” means that no number of staff reaches the target, as nobody speaks the women's languages.",
    },
    "h_sensitivity": {
        "sv": "Det som data inte avgör",
        "en": "What the data cannot decide",
    },
    "sensitivity_intro": {
        "sv": "Osäkerhetsintervallen i rapporten visar hur mycket svaret skulle variera med ett annat urval, givet modellen. Några val avgör inte data. Figuren flyttar ett val i taget till ett lågt och ett högt rimligt värde och visar årsarbetare som behövs och andelen som nås (huvudskattningar, utan intervall).",
        "en": "The report's uncertainty intervals show how much the answer would vary with another sample, given the model. Some choices the data do not settle. The figure moves one choice at a time to a low and a high plausible value and shows the FTE needed and the share reached (main estimates, without intervals).",
    },
    "sensitivity_caption": {
        "sv": "Årsarbetare som behövs och andel som nås när ett antagande i taget ändras",
        "en": "FTE needed and share reached when one assumption at a time changes",
    },
    "sens_value": {
        "sv": "Värde",
        "en": "Value",
    },
    "side_low": {
        "sv": "lågt",
        "en": "low",
    },
    "side_high": {
        "sv": "högt",
        "en": "high",
    },
    "median_ratio": {
        "sv": "Medianvistelsen ändras med faktorn {ratio} per år (osäkerhetsintervall {ci}).",
        "en": "The median stay changes by a factor of {ratio} a year (uncertainty interval {ci}).",
    },
    "gap_languages_few": {
        "sv": "Ingen i uppsökarteamen talar {languages}; tillsammans färre än {threshold} personer i data, så andelarna visas inte (röjandekontroll).",
        "en": "No one in the outreach teams speaks {languages}; together fewer than {threshold} persons in the data, so their shares are not shown (disclosure control).",
    },
    "gap_other": {
        "sv": "{n} andra språk med få personer ({share})",
        "en": "{n} other languages with few persons ({share})",
    },
    "col_persons_buyers": {
        "sv": "Personer, uppdrag bara köpare",
        "en": "Persons, mandate buyers only",
    },
    "col_persons_sellers": {
        "sv": "Personer, uppdrag även säljare",
        "en": "Persons, mandate incl. sellers",
    },
    # --- the section "Women who move" (capacity.report.committee.mobility) -----------------
    "mob_heading": {
        "sv": "Kvinnor som flyttar: strategi, räckvidd per kvinna och per resa",
        "en": "Women who move: strategy, reach per woman and per tour",
    },
    "mob_measure_woman": {
        "sv": "andelen kvinnor i staden under perioden som nås minst en gång",
        "en": "the share of women in the city in the period reached at least once",
    },
    "mob_measure_stay": {
        "sv": "andelen vistelser som nås innan de tar slut",
        "en": "the share of stays reached before they end",
    },
    "mob_measure_tour": {
        "sv": "andelen resor genom svenska städer som nås i någon stad",
        "en": "the share of tours through Swedish cities reached in any city",
    },
    "mob_verdict": {
        "sv": "Bedömningen räknar {measure} (räckvidd per {unit}).",
        "en": "The verdict counts {measure} (reach per {unit}).",
    },
    "mob_unit_woman": {
        "sv": "kvinna",
        "en": "woman",
    },
    "mob_unit_stay": {
        "sv": "vistelse",
        "en": "stay",
    },
    "mob_unit_tour": {
        "sv": "resa",
        "en": "tour",
    },
    "mob_strategy": {
        "sv": "Data visar {label}: {share} av kontaktkapaciteten går till att gå igenom nya annonser (intervall {lo}–{hi}); resten är uppsökande sök. Modellen för tiden till första kontakt {fit}.",
        "en": "The data show {label}: {share} of contact capacity goes to going through new ads (interval {lo}–{hi}); the rest is search. The model of time to first contact {fit}.",
    },
    "mob_label_random": {
        "sv": "sök",
        "en": "search",
    },
    "mob_label_screening": {
        "sv": "genomgång av nya",
        "en": "screening",
    },
    "mob_label_mixture": {
        "sv": "en blandning",
        "en": "a mixture",
    },
    "mob_fits": {
        "sv": "stämmer med data",
        "en": "fits the data",
    },
    "mob_misfits": {
        "sv": "stämmer INTE med data – läs siffrorna med försiktighet",
        "en": "does NOT fit the data – read the figures with care",
    },
    "mob_assumed": {
        "sv": "Strategin kunde inte skattas ur data; räckvidden antar sök.",
        "en": "The strategy could not be estimated from the data; reach assumes search.",
    },
    "mob_row_reach_stay": {
        "sv": "per vistelse",
        "en": "per stay",
    },
    "mob_row_reach_woman": {
        "sv": "per kvinna",
        "en": "per woman",
    },
    "mob_row_reach_tour": {
        "sv": "per resa genom staden",
        "en": "per tour through the city",
    },
    "mob_row_reach_tour_national": {
        "sv": "per resa, hela landet",
        "en": "per tour, nationally",
    },
    "mob_table": {
        "sv": "Räckvidd på ett språk kvinnan förstår, per mått",
        "en": "Reach in a language the woman understands, by measure",
    },
    "mob_tour_note": {
        # measured by the coverage study (docs/methods/coverage.md, 2 Dec 2026, ca8c8f3:
        # seven worlds x 20 seeds at scale 0.3): mean estimate - truth per tour through the
        # city -0.028 to +0.016, nationally -0.022 to +0.009 (intervals covering 95-100 %
        # and 55-100 %; docs/methods/tours.md, "The tour measures in the coverage study")
        "sv": "Per resa räknas de andra städerna med den här stadens andel upptäckta; den "
        "nationella rapporten skattar varje stad. På syntetiska städer avvek siffrorna upp "
        "till 3 procentenheter åt båda hållen.",
        "en": "Per tour, the other cities count with this city's share detected; the national "
        "report estimates each city. On synthetic cities these were off by up to 3 points "
        "either way.",
    },
    "mob_quantity": {
        "sv": "Mått",
        "en": "Measure",
    },
    "mob_estimate": {
        "sv": "Skattning",
        "en": "Estimate",
    },
    "mob_interval": {
        "sv": "{level} intervall",
        "en": "{level} interval",
    },
    "mob_figure": {
        "sv": "Tid till första kontakt: observerat och enligt modellerna",
        "en": "Time to first contact: observed and as the models predict",
    },
    "mob_alt": {
        "sv": "Andel vistelser med första kontakt efter antal dagar, observerat och enligt sök, genomgång av nya och blandningen.",
        "en": "Share of stays first contacted by day, observed and as search, screening and the mix predict.",
    },
    "mob_plot_observed": {
        "sv": "observerat",
        "en": "observed",
    },
    "mob_plot_mix": {
        "sv": "modell: svarets blandning",
        "en": "predicted: the answer's mix",
    },
    "mob_plot_search_only": {
        "sv": "modell: bara sök",
        "en": "predicted: search only",
    },
    "mob_plot_screening_only": {
        "sv": "modell: bara genomgång av nya",
        "en": "predicted: screening only",
    },
    "mob_plot_x": {
        "sv": "dagar sedan vistelsens första observation",
        "en": "days since the stay's first sighting",
    },
    "mob_plot_y": {
        "sv": "andel vistelser med kontakt (%)",
        "en": "share of stays contacted (%)",
    },
    "mob_plot_title": {
        "sv": "Tid till första kontakt",
        "en": "Time to first outreach contact",
    },
    "mob_coord_caption": {
        "sv": "Vad samarbete mellan städer ger, jämfört med {fte} årsarbetare mer i staden",
        "en": "What cities working together buys, beside {fte} more FTE in the city",
    },
    "mob_scenario": {
        "sv": "Scenario",
        "en": "Scenario",
    },
    "mob_coord_today": {
        "sv": "I dag",
        "en": "Today",
    },
    "mob_coord_city_alone": {
        "sv": "{fte} årsarbetare mer i staden",
        "en": "{fte} more FTE in the city",
    },
    "mob_coord_known_to_next_team": {
        "sv": "Nästa stads team vet vilka som redan nåtts",
        "en": "The next city's team knows who was reached",
    },
    "mob_coord_shared_screening": {
        "sv": "Gemensam nationell genomgång av nya annonser ({fte} årsarbetare)",
        "en": "Shared national screening of new ads ({fte} FTE)",
    },
    "mob_coord_both": {
        "sv": "Båda",
        "en": "Both",
    },
    "mob_coord_col_reach_tour": {
        "sv": "Resor genom staden",
        "en": "Tours through the city",
    },
    "mob_coord_col_reach_tour_national": {
        "sv": "Resor i hela landet",
        "en": "Tours nationally",
    },
    "mob_coord_col_fte_equivalent": {
        "sv": "Motsvarar årsarbetare i staden",
        "en": "Worth FTE in the city",
    },
    # page one: how sure, languages and competence, cooperation (issues 9.4, 10.4, 11)
    "fte_range": {
        "sv": "{lo}–{hi} årsarbetare",
        "en": "{lo}–{hi} FTE",
    },
    "fte_range_open": {
        "sv": "minst {lo} årsarbetare – med vissa val nås det inte alls",
        "en": "at least {lo} FTE – under some choices no staffing reaches it",
    },
    "never": {
        "sv": "aldrig",
        "en": "never",
    },
    "level_short_information": {
        "sv": "information",
        "en": "information",
    },
    "level_short_conversation": {
        "sv": "samtal",
        "en": "conversation",
    },
    "strategy_short_random": {
        "sv": "bara sök",
        "en": "search only",
    },
    "strategy_short_screening": {
        "sv": "bara nya annonser",
        "en": "new ads only",
    },
    "strategy_short_estimated": {
        "sv": "skattad blandning",
        "en": "estimated mix",
    },
    "or": {
        "sv": " eller ",
        "en": " or ",
    },
    "gap_short": {
        "sv": "Ingen i personalen talar {languages}: {total} av målgruppen. Tolk används vid {share} av kontakterna med dem.",
        "en": "No one on the staff speaks {languages}: {total} of the target group. An interpreter is used at {share} of contacts with them.",
    },
    "gap_other_short": {
        "sv": "{n} andra språk",
        "en": "{n} other languages",
    },
    "h_competence": {
        "sv": "Språk och kompetens",
        "en": "Languages and competence",
    },
    "competence_trained": {
        "sv": "{trained} av timmarna görs av personal utbildad i att känna igen människohandel; utbildas resten noteras omkring {all} tecken per år i stället för {today}.",
        "en": "{trained} of the hours are by staff trained to recognise trafficking; training the rest would note about {all} signs a year instead of {today}.",
    },
    "competence_none": {
        "sv": "Data om utbildning och tecken på människohandel per kontakt räcker inte för att visa hur identifieringen beror på utbildning och språk.",
        "en": "The data on training and signs of trafficking per contact are too few to show how identification depends on training and language.",
    },
    "competence_caption": {
        "sv": "Tecken på människohandel och hänvisningar per 100 kontakter",
        "en": "Signs of trafficking and referrals per 100 contacts",
    },
    "col_signs": {
        "sv": "Tecken",
        "en": "Signs",
    },
    "col_referrals_short": {
        "sv": "Hänvisningar",
        "en": "Referrals",
    },
    "col_contacts_short": {
        "sv": "Kontakter",
        "en": "Contacts",
    },
    "col_mode_short": {
        "sv": "Språk",
        "en": "Language",
    },
    "mode_own_language_short": {
        "sv": "Hennes språk",
        "en": "Her language",
    },
    "mode_interpreter_short": {
        "sv": "Med tolk",
        "en": "Interpreter",
    },
    "mode_neither_short": {
        "sv": "Inget av dem",
        "en": "Neither",
    },
    "opt_coord_known": {
        "sv": "Städer delar vem som nåtts¹",
        "en": "Cities share who was reached¹",
    },
    "opt_coord_shared": {
        "sv": "Gemensam annonsgenomgång¹",
        "en": "Shared screening of ads¹",
    },
    "coordination_note": {
        "sv": "¹ Per resa: andelen av kvinnornas resor genom {city} som nås i någon stad ({today} i dag). Staden betalar {liaison} av en årsarbetares tid för att dela vem som nåtts (kräver stöd i lag) respektive {fte} årsarbetare i en gemensam genomgång av nya annonser; samma {fte} årsarbetare i {city} ensamt når {alone} av resorna.",
        "en": "¹ Per tour: the share of the women's tours through {city} reached in any city ({today} today). The city pays {liaison} of one FTE's time to share who was reached (needs a legal basis) or {fte} FTE to a shared screening of new ads; the same {fte} FTE in {city} alone reaches {alone} of the tours.",
    },
}

#: The methods section's paragraphs, in order.
METHOD_KEYS = (
    "method_stays",
    "method_population",
    "method_capacity",
    "method_staffing",
    "method_disclosure",
)
