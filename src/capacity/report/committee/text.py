"""Swedish and English text of the committee report (sentences with placeholders).

Kept apart from :mod:`capacity.i18n` (shared headings, labels and number formats) because
these are the committee report's own sentences. Every entry is ``(Swedish, English)``.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "conditional": (
        "Intervallen gäller givet modellen. Med de val som data inte avgör (avsnittet "
        "”Det som data inte avgör”) behövs {fte_lo}–{fte_hi} årsarbetare och "
        "{reach_lo}–{reach_hi} nås.",
        "The intervals hold given the model. Across the choices the data cannot decide "
        "(section “What the data cannot decide”) {fte_lo}–{fte_hi} FTE are needed and "
        "{reach_lo}–{reach_hi} are reached.",
    ),
    "sensitivity_range": (
        "Över dessa val behövs mellan {fte_lo} och {fte_hi} årsarbetare, och andelen som "
        "nås ligger mellan {reach_lo} och {reach_hi}. Ett oändligt antal betyder att målet "
        "inte kan nås med fler årsarbetare alls (språk som ingen talar).",
        "Across these choices between {fte_lo} and {fte_hi} FTE are needed, and the share "
        "reached lies between {reach_lo} and {reach_hi}. An infinite number means that no "
        "number of staff reaches the target (languages nobody speaks).",
    ),
    "h_sensitivity": ("Det som data inte avgör", "What the data cannot decide"),
    "sensitivity_intro": (
        "Osäkerhetsintervallen i rapporten visar hur mycket svaret skulle variera med ett "
        "annat urval, givet modellen. Några val avgör inte data. Figuren flyttar ett val i "
        "taget till ett lågt och ett högt rimligt värde och visar årsarbetare som behövs "
        "och andelen som nås (huvudskattningar, utan intervall).",
        "The report's uncertainty intervals show how much the answer would vary with "
        "another sample, given the model. Some choices the data do not settle. The figure "
        "moves one choice at a time to a low and a high plausible value and shows the FTE "
        "needed and the share reached (main estimates, without intervals).",
    ),
    "sensitivity_caption": (
        "Årsarbetare som behövs och andel som nås när ett antagande i taget ändras",
        "FTE needed and share reached when one assumption at a time changes",
    ),
    "sens_value": ("Värde", "Value"),
    "side_low": ("lågt", "low"),
    "side_high": ("högt", "high"),
    "median_ratio": (
        "Medianvistelsen ändras med faktorn {ratio} per år (osäkerhetsintervall {ci}). "
        "Det måttet förutsätter inte proportionella risker, vilket hasardkvoten gör; "
        "prognosen använder hasardkvoten.",
        "The median stay changes by a factor of {ratio} per year (uncertainty interval "
        "{ci}). That measure does not assume proportional hazards, which the hazard ratio "
        "does; the forecast uses the hazard ratio.",
    ),
    "lower": ("Nedre gräns ({level})", "Lower bound ({level})"),
    "upper": ("Övre gräns ({level})", "Upper bound ({level})"),
    "how_to_read": (
        "Intervallen (percentilintervall) och sannolikheten bygger på {n} bootstrapomgångar "
        "där hela kedjan skattas om (vistelser, målgruppens storlek med modellval, språk, "
        "kontakter per timme). Årsarbetare i dag är ett registervärde och har inget intervall.",
        "The intervals (percentile intervals) and the probability come from {n} bootstrap "
        "replicates that re-estimate the whole chain (stays, size of the target group with "
        "the model choice, languages, contacts per hour). Outreach FTE today is a record, not "
        "an estimate, and has no interval.",
    ),
    "target_group": (
        "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, "
        "och {period} olika personer under hela perioden. Omkring {arrivals} nya vistelser "
        "börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. "
        "Chansen att lämna staden en viss dag blir {hr} gånger så stor för varje år "
        "(osäkerhetsintervall {hr_ci}): {trend}",
        "On average an estimated {present} persons of the target group are in the city at any "
        "time, and {period} different persons over the whole period. About {arrivals} new stays "
        "begin each week. Half of the stays are shorter than {median} days. The chance of "
        "leaving the city on a given day is multiplied by {hr} each year (uncertainty "
        "interval {hr_ci}): {trend}",
    ),
    "target_group_no_trend": (
        "I genomsnitt finns uppskattningsvis {present} personer ur målgruppen i staden samtidigt, "
        "och {period} olika personer under hela perioden. Omkring {arrivals} nya vistelser "
        "börjar varje vecka. Hälften av vistelserna är kortare än {median} dagar. Data räcker "
        "inte för att säga om vistelserna blir kortare eller längre över tid.",
        "On average an estimated {present} persons of the target group are in the city at any "
        "time, and {period} different persons over the whole period. About {arrivals} new stays "
        "begin each week. Half of the stays are shorter than {median} days. The data do not "
        "show whether stays are getting shorter or longer over time.",
    ),
    "arrivals_up": (
        "Ankomsterna ökar: med ungefär {change} per år (osäkerhetsintervall {ci}).",
        "Arrivals are rising: by about {change} a year (uncertainty interval {ci}).",
    ),
    "arrivals_down": (
        "Ankomsterna minskar: med ungefär {change} per år (osäkerhetsintervall {ci}).",
        "Arrivals are falling: by about {change} a year (uncertainty interval {ci}).",
    ),
    "arrivals_flat": (
        "Data visar ingen säker förändring av antalet ankomster per år "
        "(förändring per år: osäkerhetsintervall {ci}).",
        "The data show no clear change in arrivals per year (change per year: uncertainty "
        "interval {ci}).",
    ),
    "trend_shorter": (
        "vistelserna blir kortare för varje år, alltså rör sig målgruppen snabbare.",
        "stays are getting shorter each year, so the target group moves faster.",
    ),
    "trend_longer": (
        "vistelserna blir längre för varje år.",
        "stays are getting longer each year.",
    ),
    "trend_none": (
        "data visar ingen säker förändring av vistelsernas längd över tid.",
        "the data show no clear change in stay length over time.",
    ),
    "touring": (
        "Personerna i målgruppen arbetar i genomsnitt i {mean} städer per månad; {share} av "
        "personmånaderna omfattar två eller fler städer.",
        "Persons in the target group work in {mean} cities per month on average; {share} of "
        "person-months span two or more cities.",
    ),
    "flows_caption": (
        "Förflyttningar: antal vistelser i staden (rad) som följs av en vistelse i staden (kolumn); diagonalen är återkomster till samma stad",
        "Moves: number of stays in the city (row) followed by a stay in the city (column); the diagonal is returns to the same city",
    ),
    "flows_from": ("Från \\ till", "From \\ to"),
    "capacity": (
        "Uppsökarteamen har {fte} årsarbetare för uppsökande arbete. De får i genomsnitt "
        "{rate} kontakter (nya och upprepade) per arbetad timme. {trained} av den uppsökande tiden görs av "
        "personal med utbildning i att känna igen människohandel (Europarådets konvention, "
        "art. 10). Med den kapaciteten nås {any} av målgruppen innan de lämnar staden, men "
        "bara {eff} på ett språk de förstår (art. 12).",
        "The outreach teams have {fte} FTE for outreach. They make on average {rate} "
        "contacts (new and repeat) per hour worked. {trained} of outreach time is by staff trained to "
        "recognise trafficking (Council of Europe Convention, art. 10). With this capacity "
        "{any} of the target group is reached before leaving the city, but only {eff} in a "
        "language they understand (art. 12).",
    ),
    "languages_caption": (
        "Målgruppens språk, personal som talar dem och andel som nås",
        "Target group's languages, staff who speak them and share reached",
    ),
    "persons_seen": ("Personer med känt språk", "Persons with known language"),
    "no_forecast": (
        "Ingen prognos kunde göras: data täcker för få månader för en trend (se Antaganden).",
        "No forecast could be made: the data cover too few months for a trend (see Assumptions).",
    ),
    "forecast": (
        "Om ankomsterna och vistelsernas längd fortsätter att utvecklas som hittills behövs "
        "{need} uppsökande årsarbetare ({need_ci}) i {month} för att nå målet.",
        "If arrivals and stay lengths keep changing as they have, {need} outreach FTE "
        "({need_ci}) are needed by {month} to meet the target.",
    ),
    "scenarios_intro": (
        "Tabellen visar hur svaret ändras med fler årsarbetare, med tolk vid varje kontakt "
        "och med en rörligare målgrupp (vistelser hälften så långa).",
        "The table shows how the answer changes with more FTE, with an interpreter at every "
        "contact and with a more mobile target group (stays half as long).",
    ),
    "and": (" och ", " and "),
    "h_gap": ("Språk som ingen i personalen talar", "Languages no outreach staff member speaks"),
    "gap_languages": (
        "Ingen i uppsökarteamen talar {languages}: tillsammans {total} av målgruppen (andelar "
        "inom parentes), som bara kan nås på sitt språk med tolk.",
        "No one in the outreach teams speaks {languages}: together {total} of the target group "
        "(shares in brackets), who can only be reached in their language through an "
        "interpreter.",
    ),
    "gap_languages_few": (
        "Ingen i uppsökarteamen talar {languages}; tillsammans färre än {threshold} personer "
        "i data, så andelarna visas inte (röjandekontroll).",
        "No one in the outreach teams speaks {languages}; together fewer than {threshold} "
        "persons in the data, so their shares are not shown (disclosure control).",
    ),
    "gap_other": (
        "{n} andra språk med få personer ({share})",
        "{n} other languages with few persons ({share})",
    ),
    "gap_interpreter_log": (
        "Enligt personalens registrering av kontakterna används tolk vid {share} av sådana kontakter.",
        "According to the outreach log, an interpreter is used in {share} of such contacts.",
    ),
    "gap_interpreter_parameter": (
        "Rapporten antar att tolk används vid {share} av sådana kontakter.",
        "The report assumes an interpreter is used in {share} of such contacts.",
    ),
    "gap_no_interpreter": (
        "Enligt personalens registrering av kontakterna används aldrig tolk.",
        "According to the outreach log, interpreters are never used.",
    ),
    "gap_none": (
        "Alla språk i målgruppen talas av någon i uppsökarteamen.",
        "Every language of the target group is spoken by someone in the outreach teams.",
    ),
    "h_split": (
        "Bemanning eller språkkompetens?",
        "Staff numbers or language competence?",
    ),
    "split_caption": (
        "I dag och med tolk vid varje kontakt",
        "Today and with an interpreter at every contact",
    ),
    "split_interpreters": (
        "Med tolk vid varje kontakt skulle dagens bemanning nå {reach} på ett språk de förstår.",
        "With an interpreter at every contact, today's staff would reach {reach} in a language "
        "they understand.",
    ),
    "split_staff": (
        "Även med tolk vid varje kontakt når dagens bemanning bara {reach} på ett språk de "
        "förstår, och målet kräver {need} årsarbetare: det som främst saknas är fler "
        "årsarbetare; språkkompetens ensam räcker inte.",
        "Even with an interpreter at every contact, today's staff reach only {reach} in a "
        "language they understand, and the target needs {need} FTE: what is mainly missing is "
        "staff; language competence alone is not enough.",
    ),
    "split_language": (
        "Med tolk vid varje kontakt skulle dagens bemanning räcka (sannolikheten att målet "
        "nås är då {p}): det som främst saknas är språkkompetens.",
        "With an interpreter at every contact, today's staff would be enough (the probability "
        "that the target is met is then {p}): what is mainly missing is language competence.",
    ),
    "split_both": (
        "Med tolk vid varje kontakt blir det osäkert om målet nås (sannolikheten är {p}): "
        "både språkkompetens och fler årsarbetare behövs för att målet säkert ska nås.",
        "With an interpreter at every contact it is uncertain whether the target is met "
        "(probability {p}): both language competence and more staff are needed to be sure.",
    ),
    "col_interpreter_share": ("Tolk vid språk ingen talar", "Interpreter, unspoken languages"),
    "scen_interpreters": ("Tolk vid varje kontakt", "Interpreter at every contact"),
    "scen_today": ("Som i dag", "As today"),
    "scen_plus2": ("+2 årsarbetare", "+2 FTE"),
    "scen_plus4": ("+4 årsarbetare", "+4 FTE"),
    "scen_mobile": ("Vistelser hälften så långa", "Stays half as long"),
    "scenarios_caption": ("Scenarier", "Scenarios"),
    "scenario": ("Scenario", "Scenario"),
    "col_extra_fte": ("Extra årsarbetare", "Extra FTE"),
    "col_stay_multiplier": ("Vistelselängd ×", "Stay length ×"),
    "col_p_target": ("Sannolikhet att målet nås", "Probability the target is met"),
    "no_operations": (
        "Det finns inga gemensamma insatser med polisen i staden under perioden.",
        "There are no joint operations with the police in the city during the period.",
    ),
    "indicators": (
        "Fråga 1 gäller socialsekreterarnas uppdrag: i {covers} av {ops} insatser omfattade "
        "uppdraget kontakt med dem som säljer sex. Fråga 2 och 3 gäller om de som påträffas "
        "informeras om sina rättigheter, inklusive betänketid (minst 30 dagar, konventionens "
        "art. 13), och erbjuds stöd direkt.",
        "Question 1 concerns the social workers' mandate: in {covers} of {ops} operations it "
        "included contact with those selling sex. Questions 2 and 3 concern whether those "
        "encountered are informed of their rights, including the reflection period (at least "
        "30 days, Convention art. 13), and offered support at once.",
    ),
    "indicators_caption": (
        "Gemensamma insatser med polisen: uppdrag, information och stöd",
        "Joint police operations: mandate, information and support",
    ),
    "indicator": ("Indikator", "Indicator"),
    "col_number": ("Antal", "Number"),
    "col_of": ("Av (personer)", "Of (persons)"),
    "col_share": ("Andel", "Share"),
    "col_days": ("Dagar", "Days"),
    "caveats_intro": (
        "Modellerna redovisar själva sina förbehåll:",
        "The models state their own caveats:",
    ),
    "provenance_intro": (
        "Rapporten kan återskapas från dessa filer och parametrar; provenance.json i "
        "rapportmappen innehåller alla detaljer.",
        "The report can be recreated from these files and parameters; provenance.json in the "
        "report folder holds every detail.",
    ),
    "dataset": ("Dataunderlag", "Dataset"),
    "parameters": ("Parametrar", "Parameters"),
    "software": ("Programvara", "Software"),
    "rows": ("rader", "rows"),
}

INDICATORS: dict[str, tuple[str, str]] = {
    "operations": ("Insatser", "Operations"),
    "mandate_covers_sellers": (
        "Insatser där uppdraget omfattar dem som säljer sex",
        "Operations whose mandate covers those selling sex",
    ),
    "buyers_suspected": ("Misstänkta sexköp", "Suspected sex purchases"),
    "social_workers": (
        "Socialsekreterare (summa över insatser)",
        "Social workers (sum over operations)",
    ),
    "sellers_encountered": (
        "Personer som säljer sex som påträffades",
        "Persons selling sex encountered",
    ),
    "sellers_contacted": (
        "… som fick kontakt med socialsekreterare",
        "… contacted by a social worker",
    ),
    "sellers_informed_of_rights": (
        "… som informerades om sina rättigheter (fråga 2)",
        "… informed of their rights (question 2)",
    ),
    "reflection_period_offered": ("… som erbjöds betänketid", "… offered the reflection period"),
    "support_accepted": (
        "… som tackade ja till stöd direkt (fråga 3)",
        "… accepting support at once (question 3)",
    ),
    "referrals_trafficking": (
        "… som hänvisades som möjliga offer för människohandel",
        "… referred as possible victims of trafficking",
    ),
    "median_days_to_support": (
        "Dagar från kontakt till stöd (median)",
        "Days from contact to support (median)",
    ),
}

METHODS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Vistelser: en persons observationer i samma stad med högst ett visst antal dagars "
        "mellanrum bildar en vistelse. Hur länge vistelserna varar skattas med Kaplan–Meier, "
        "och en Cox-modell med år som förklaringsvariabel visar om vistelserna blir kortare.",
        "Målgruppens storlek: personer som ses av flera källor (annonser, uppsökande "
        "arbete, polis) ger en skattning av hur många som aldrig syns i någon källa "
        "(fångst–återfångst). Källorna är inte oberoende av varandra; modellerna tar hänsyn "
        "till att vissa källor oftare ser samma personer. Antalet samtidigt närvarande följer av "
        "ankomster gånger vistelsens längd (Littles lag).",
        "Kapacitet: antalet kontakter (även upprepade) per uppsökande timme skattas per kanal "
        "(på gatan, på nätet, på ställen och vid polisinsatser). Med kapaciteten fördelad över dem som är i staden är chansen att nås "
        "innan man lämnar staden 1 − E[exp(−h·T)], där h är kontakttakten och T vistelsens "
        "längd. En kontakt räknas bara om den sker på ett språk personen förstår, med egen "
        "personal eller tolk.",
        "Bemanning och osäkerhet: behovet av årsarbetare är den bemanning som ger målets "
        "andel. Alla skattningar varieras samtidigt i simuleringar; andelen simuleringar som "
        "når målet är sannolikheten bakom bedömningen (tillräckligt, otillräckligt eller osäkert).",
        "Röjandekontroll: antal under tröskeln visas inte, och inte heller andelar som skulle "
        "avslöja dem.",
    ),
    "en": (
        "Stays: a person's sightings in one city with gaps of at most a set number of days "
        "form a stay. Stay lengths are estimated with Kaplan–Meier, and a Cox model with year "
        "as covariate shows whether stays are getting shorter.",
        "Size of the target group: persons seen by several sources (ads, outreach, police) "
        "give an estimate of how many are never seen by any source (capture–recapture). The "
        "sources are not independent; the models allow for some sources seeing the same "
        "persons more often. The number present at a time follows from arrivals times stay "
        "length (Little's law).",
        "Capacity: contacts (repeat ones included) per outreach hour are estimated per channel "
        "(street, online, venues and police operations). With capacity spread over those present, the chance of being reached before "
        "leaving is 1 − E[exp(−h·T)], where h is the contact rate and T the stay length. A "
        "contact counts only in a language the person understands, by staff or an interpreter.",
        "Staffing and uncertainty: the FTE needed is the staffing that gives the target share. "
        "All estimates vary together in simulations; the share of simulations meeting the "
        "target is the probability behind the verdict (sufficient, insufficient or uncertain).",
        "Disclosure control: counts below the threshold are not shown, nor shares that would "
        "reveal them.",
    ),
}

# the options, support-chain and budget sentences (issue 11) live in their own module
from capacity.report.committee.text_options import OPTIONS_TEXT  # noqa: E402

TEXT.update(OPTIONS_TEXT)
from capacity.report.committee.text_page_one import PAGE_ONE_TEXT  # noqa: E402

TEXT.update({key: (words["sv"], words["en"]) for key, words in PAGE_ONE_TEXT.items()})
