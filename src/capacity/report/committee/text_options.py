"""Swedish and English text of the options, support-chain and budget parts of the
committee report (``(Swedish, English)`` with placeholders); merged into
:data:`capacity.report.committee.text.TEXT`."""

from __future__ import annotations

OPTIONS_TEXT: dict[str, tuple[str, str]] = {
    "h_in_short": ("Nyckeltal, språk och kompetens", "Key figures, languages and competence"),
    "flows_sentence": (
        "Av de {total} vistelser i {city} som följs av en ny vistelse börjar {share} i en annan "
        "stad, oftast {top}; resten är återkomster till {city}. Tabellen visar alla "
        "förflyttningar mellan städerna.",
        "Of the {total} stays in {city} followed by another stay, {share} continue in another "
        "city, most often {top}; the rest are returns to {city}. The table shows every move "
        "between the cities.",
    ),
    "hidden_share": ("(dolt, få personer)", "(hidden, few persons)"),
    "funnel_text": (
        "Fråga 1: i {covers} av {ops} gemensamma insatser med polisen omfattade "
        "socialsekreterarnas uppdrag kontakt med dem som säljer sex. Av {encountered} "
        "personer som påträffades fick {contacted} kontakt med en socialsekreterare, "
        "{informed} informerades om sina rättigheter (fråga 2), {offered} erbjöds betänketid "
        "och {accepted} tackade ja till stöd direkt (fråga 3); stödet började i median efter "
        "{days} dagar. När uppdraget bara gällde köparna fick {contacted_buyers} av de "
        "påträffade kontakt, mot {contacted_sellers} när det omfattade dem som säljer sex.",
        "Question 1: in {covers} of {ops} joint operations with the police the social "
        "workers' mandate included contact with those selling sex. Of {encountered} persons "
        "encountered, {contacted} were contacted by a social worker, {informed} were informed "
        "of their rights (question 2), {offered} were offered the reflection period and "
        "{accepted} accepted support at once (question 3); support began after a median of "
        "{days} days. When the mandate covered only the buyers, {contacted_buyers} of those "
        "encountered were contacted, against {contacted_sellers} when it covered those "
        "selling sex.",
    ),
    "funnel_caption": (
        "Från påträffad till hänvisad: personer vid varje steg och andel av de påträffade",
        "From encountered to referred: persons at each step and share of those encountered",
    ),
    "col_persons_all": ("Personer", "Persons"),
    "col_share_all": ("Andel av påträffade", "Share of encountered"),
    "col_persons_buyers": ("Personer, uppdrag bara köpare", "Persons, mandate buyers only"),
    "col_persons_sellers": ("Personer, uppdrag även säljare", "Persons, mandate incl. sellers"),
    "col_share_buyers": ("Andel, uppdrag bara köpare", "Share, mandate buyers only"),
    "col_share_sellers": ("Andel, uppdrag även säljare", "Share, mandate incl. sellers"),
    "synthetic_title": (
        "Syntetiska exempeldata: 6 svenska städer, 2021–2025",
        "Synthetic sample data: 6 Swedish cities, 2021–2025",
    ),
    "table_sightings": ("Observationer", "Sightings"),
    "table_outreach": ("Uppsökande arbete", "Outreach"),
    "table_staff": ("Personal", "Staff"),
    "table_operations": ("Polisinsatser", "Police operations"),
    "code_version": ("Programversion (git)", "Code version (git)"),
    "synthetic_trends": (
        "Trenderna är inbyggda i exempeldata: de är simulerade med ankomster som ökar med "
        "{growth} per år och vistelser vars median krymper från {first} till {last} dagar "
        "under perioden. De visar att metoden hittar trender, inte hur det ser ut i staden.",
        "The trends are built into the sample data: it is simulated with arrivals growing "
        "{growth} a year and median stays shrinking from {first} to {last} days over the "
        "period. They show that the method finds trends, not how things are in the city.",
    ),
    "synthetic_trends_unknown": (
        "Data är syntetiska: eventuella trender är inbyggda i simuleringen.",
        "The data are synthetic: any trends are built into the simulation.",
    ),
    "mobile": (
        "Om vistelserna blir hälften så långa (en rörligare målgrupp) når dagens bemanning "
        "{reach} och målet kräver {need} årsarbetare.",
        "If stays become half as long (a more mobile target group), today's staff reach "
        "{reach} and the target needs {need} FTE.",
    ),
    "h_identification": (
        "Kompetens utöver språk: utbildning och att känna igen människohandel",
        "Competence beyond language: training and recognising trafficking",
    ),
    "identification_text": (
        "{trained} av de uppsökande timmarna görs av personal med utbildning i att känna igen "
        "människohandel. Ett helt utbildat team noterar {ratio} gånger så många tecken på "
        "människohandel per kontakt som ett outbildat ({ratio_ci}; osäkert, eftersom "
        "utbildningsgraden varierar lite i data). Kontakter på ett språk hon inte förstår ger "
        "{lang_ratio} så många tecken som kontakter på hennes eget språk. Om all uppsökande "
        "personal utbildades skulle omkring {all} tecken noteras per år i stället för {today} "
        "({all_ci}).",
        "{trained} of outreach hours are by staff trained to recognise trafficking. A fully "
        "trained team notes {ratio} times as many signs of trafficking per contact as an "
        "untrained one ({ratio_ci}; uncertain, as training varies little in the data). "
        "Contacts in a language she does not understand yield {lang_ratio} as many signs as "
        "contacts in her own language. If all outreach staff were trained, about {all} signs "
        "would be noted a year instead of {today} ({all_ci}).",
    ),
    "identification_caption": (
        "Tecken på människohandel och hänvisningar per 100 kontakter, efter språk vid kontakten",
        "Signs of trafficking and referrals per 100 contacts, by language at the contact",
    ),
    "mode_own_language": ("Hennes eget språk", "Her own language"),
    "mode_interpreter": ("Med tolk", "With an interpreter"),
    "mode_neither": ("Inget av dem", "Neither"),
    "col_mode": ("Språk vid kontakten", "Language at the contact"),
    "col_contacts": ("Kontakter", "Contacts"),
    "col_indicators": ("Tecken på människohandel per 100", "Signs of trafficking per 100"),
    "col_referrals": ("Hänvisningar per 100", "Referrals per 100"),
    "h_options": ("Vad kan nämnden göra?", "What can the committee do?"),
    "options_intro": (
        "Varje rad är en insats utöver dagens verksamhet: hur stor andel av målgruppen som då "
        "nås på ett språk de förstår, vad insatsen kostar per år och hur mycket den ger per "
        "miljon kronor.",
        "Each row is one measure on top of today's work: the share of the target group then "
        "reached in a language they understand, what the measure costs a year and what it "
        "buys per million kronor.",
    ),
    "options_caption": (
        "Vad kan nämnden göra? Insatser, andel som nås, kostnad per år och handläggare som behövs",
        "What can the committee do? Measures, share reached, cost a year and caseworkers needed",
    ),
    "opt_plus": ("+{n} årsarbetare", "+{n} FTE"),
    "opt_hire": ("Anställd som talar {language}", "Hire speaking {language}"),
    "opt_hire_adjective": ("En {speaking} anställd", "One {speaking} hire"),
    "opt_interpreters": ("Tolk vid varje kontakt", "Interpreter at every contact"),
    "opt_translation": ("Översatt text, {n} språk", "Translated text, {n} languages"),
    "opt_training": ("Utbildning, all personal", "Training, all staff"),
    "col_option": ("Insats", "Measure"),
    "col_reach": ("Andel som nås", "Reached"),
    "col_interval": ("95 % intervall", "95% interval"),
    "col_gain": ("Ökning, procent­enheter", "Gain, points"),
    "col_cost": ("Kostnad per år, tkr", "Cost a year, kSEK"),
    "col_gain_per_mkr": ("Procent­enheter per mnkr", "Points per MSEK"),
    "col_casework": ("Handläggare som behövs", "Caseworkers needed"),
    "options_note": (
        "Om tabell 1: utbildning avser att känna igen människohandel, för all uppsökande "
        "personal. Kostnaderna är antaganden (lön med avgifter och omkostnader, tolk per timme, "
        "översättning per språk, utbildningsdagar) som staden bör byta mot egna siffror; de "
        "står under Antaganden. Utbildning ändrar inte hur många som nås utan hur många fall "
        "av människohandel som känns igen. Handläggare som behövs: årsarbetare för "
        "ärendearbete så att stödet hinner börja innan hon lämnar staden.",
        "On table 1: training means recognising trafficking, for all outreach staff. "
        "The costs are assumptions (salary with contributions and overhead, interpreter per "
        "hour, translation per language, training days) that the city should replace with "
        "its own figures; they are listed under Assumptions. Training does not change how "
        "many are reached but how many cases of trafficking are recognised. Caseworkers "
        "needed: casework FTE so that support can start before she leaves the city.",
    ),
    "downstream": (
        "Att nå fler kräver mer efteråt. Med {option} nås {reach}; då tackar omkring {cases} "
        "personer per vecka ja till stöd (i dag {cases_now}), omkring {periods} ({periods_ci}) "
        "betänketider på 30 dagar pågår samtidigt, omkring {shelter} ({shelter_ci}) platser i "
        "skyddat boende behövs och {casework} årsarbetare för ärendearbete (i dag "
        "{casework_now}) för att {target} av stödet ska börja innan hon lämnar staden.",
        "Reaching more demands more afterwards. With {option}, {reach} are reached; then about "
        "{cases} persons a week accept support (today {cases_now}), about {periods} "
        "({periods_ci}) 30-day reflection periods run at once, about {shelter} ({shelter_ci}) "
        "shelter places are needed and {casework} casework FTE (today {casework_now}) for "
        "{target} of support to start before she leaves the city.",
    ),
    "h_budget": ("Bästa kombination för en given budget", "Best mix for a given budget"),
    "budget_intro": (
        "För varje budget har alla kombinationer av anställda som talar de vanligaste språken "
        "ingen talar, tolk, översatt information och fler årsarbetare prövats; resten av "
        "budgeten går till hela årsarbetare. Figuren jämför den bästa kombinationen med att "
        "bara anställa fler.",
        "For each budget every combination of hires who speak the largest unspoken languages, "
        "interpreters, translated information and more FTE was tried; the rest of the budget "
        "buys whole FTE. The figure compares the best mix with hiring more staff only.",
    ),
    "best_mix_caption": (
        "Bästa kombination av insatser för tre budgetar",
        "Best mix of measures for three budgets",
    ),
    "budget_row": ("{m} mnkr per år", "{m} million SEK a year"),
    "col_budget": ("Budget", "Budget"),
    "col_best_reach": ("Andel som nås, bästa kombination", "Share reached, best mix"),
    "col_fte_only_reach": ("Andel som nås, bara årsarbetare", "Share reached, FTE only"),
    "col_mix": ("Kombination", "Mix"),
    "mix_fte": ("{n} årsarbetare", "{n} FTE"),
    "mix_hires": ("anställda som talar {languages}", "hires who speak {languages}"),
    "mix_interpreters": ("tolk vid {share} av kontakterna", "interpreter at {share} of contacts"),
    "mix_translation": (
        "översatt information ({n} språk)",
        "translated information ({n} languages)",
    ),
    "mix_nothing": ("ingen insats", "nothing"),
}
