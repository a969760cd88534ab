"""Swedish and English words of page one's answer: how sure it is, competence, cooperation.

Entries are ``key -> {"sv": ..., "en": ...}`` with the same ``{placeholders}`` in both (the
shape of the report's word catalogue); merged into
:data:`capacity.report.committee.text.TEXT`, where they replace older wordings of the same key.
"""

from __future__ import annotations

PAGE_ONE_TEXT: dict[str, dict[str, str]] = {
    "conditional": {
        "sv": "Intervallen gäller givet modellen. Med de val som data inte avgör (se ”Det som "
        "data inte avgör”) nås {reach}; målet kräver {fte_range}.",
        "en": "The intervals hold given the model. Across “What the data cannot decide” "
        "{reach} are reached; the target needs {fte_range}.",
    },
    "fte_range": {
        "sv": "{lo}–{hi} årsarbetare",
        "en": "{lo}–{hi} FTE",
    },
    "fte_range_open": {
        "sv": "minst {lo} årsarbetare – med vissa val nås det inte alls",
        "en": "at least {lo} FTE – under some choices no staffing reaches it",
    },
    "sensitivity_range": {
        "sv": "Över dessa val nås i dag {reach}, och målet kräver {fte_range}. ”Aldrig” "
        "betyder att målet inte nås med fler årsarbetare alls, eftersom ingen talar "
        "kvinnornas språk.",
        "en": "Across these choices {reach} are reached today, and the target needs "
        "{fte_range}. “Never” means that no number of staff reaches the target, as nobody "
        "speaks the women's languages.",
    },
    "never": {"sv": "aldrig", "en": "never"},
    "level_short_information": {"sv": "information", "en": "information"},
    "level_short_conversation": {"sv": "samtal", "en": "conversation"},
    "strategy_short_random": {"sv": "bara sök", "en": "search only"},
    "strategy_short_screening": {"sv": "bara nya annonser", "en": "new ads only"},
    "strategy_short_estimated": {"sv": "skattad blandning", "en": "estimated mix"},
    "or": {"sv": " eller ", "en": " or "},
    "gap_short": {
        "sv": "Ingen i personalen talar {languages}: {total} av målgruppen. Tolk används vid "
        "{share} av kontakterna med dem.",
        "en": "No one on the staff speaks {languages}: {total} of the target group. An "
        "interpreter is used at {share} of contacts with them.",
    },
    "gap_other_short": {"sv": "{n} andra språk", "en": "{n} other languages"},
    "h_competence": {"sv": "Språk och kompetens", "en": "Languages and competence"},
    "competence_trained": {
        "sv": "{trained} av timmarna görs av personal utbildad i att känna igen "
        "människohandel; utbildas resten noteras omkring {all} tecken per år i stället "
        "för {today}.",
        "en": "{trained} of the hours are by staff trained to recognise trafficking; training "
        "the rest would note about {all} signs a year instead of {today}.",
    },
    "competence_none": {
        "sv": "Data om utbildning och tecken på människohandel per kontakt räcker inte för att "
        "visa hur identifieringen beror på utbildning och språk.",
        "en": "The data on training and signs of trafficking per contact are too few to show "
        "how identification depends on training and language.",
    },
    "competence_caption": {
        "sv": "Tecken på människohandel och hänvisningar per 100 kontakter",
        "en": "Signs of trafficking and referrals per 100 contacts",
    },
    "col_signs": {"sv": "Tecken", "en": "Signs"},
    "col_referrals_short": {"sv": "Hänvisningar", "en": "Referrals"},
    "col_contacts_short": {"sv": "Kontakter", "en": "Contacts"},
    "col_mode_short": {"sv": "Språk", "en": "Language"},
    "mode_own_language_short": {"sv": "Hennes språk", "en": "Her language"},
    "mode_interpreter_short": {"sv": "Med tolk", "en": "Interpreter"},
    "mode_neither_short": {"sv": "Inget av dem", "en": "Neither"},
    "opt_coord_known": {
        "sv": "Städer delar vem som nåtts¹",
        "en": "Cities share who was reached¹",
    },
    "opt_coord_shared": {
        "sv": "Gemensam annonsgenomgång¹",
        "en": "Shared screening of ads¹",
    },
    "coordination_note": {
        "sv": "¹ Per resa: andelen av kvinnornas resor genom {city} som nås i någon stad "
        "({today} i dag). Staden betalar {liaison} årsarbetare för att dela vem som nåtts "
        "(kräver stöd i lag) respektive {fte} årsarbetare i en gemensam genomgång av nya "
        "annonser; samma {fte} årsarbetare i {city} ensamt når {alone} av resorna.",
        "en": "¹ Per tour: the share of the women's tours through {city} reached in any city "
        "({today} today). The city pays {liaison} FTE to share who was reached (needs a legal "
        "basis) or {fte} FTE to a shared screening of new ads; the same {fte} FTE in {city} "
        "alone reaches {alone} of the tours.",
    },
    "options_caption": {
        "sv": "Vad kan nämnden göra? Andel som nås, kostnad per år och handläggare som behövs",
        "en": "What can the committee do? Share reached, cost a year and caseworkers needed",
    },
    "col_gain": {"sv": "Ökning, %-enheter", "en": "Gain, points"},
    "col_cost": {"sv": "Kostnad per år, tkr", "en": "Cost a year, kSEK"},
    "col_gain_per_mkr": {"sv": "%-enheter per mnkr", "en": "Points per MSEK"},
    "col_casework": {"sv": "Hand­läggare som behövs", "en": "Case­workers needed"},
    "options_note": {
        "sv": "Om tabell {n}: utbildning avser att känna igen människohandel, för all "
        "uppsökande personal. Kostnaderna är antaganden (lön med avgifter och omkostnader, "
        "tolk per timme, översättning per språk, utbildningsdagar) som staden bör byta mot "
        "egna siffror; de står under Antaganden. Utbildning ändrar inte hur många som nås "
        "utan hur många fall av människohandel som känns igen. Handläggare som behövs: "
        "årsarbetare för ärendearbete så att stödet hinner börja innan hon lämnar staden.",
        "en": "On table {n}: training means recognising trafficking, for all outreach staff. "
        "The costs are assumptions (salary with contributions and overhead, interpreter per "
        "hour, translation per language, training days) that the city should replace with "
        "its own figures; they are listed under Assumptions. Training does not change how "
        "many are reached but how many cases of trafficking are recognised. Caseworkers "
        "needed: casework FTE so that support can start before she leaves the city.",
    },
    "downstream": {
        "sv": "Att nå fler kräver mer efteråt. Med {option} ({reach}) tackar omkring {cases} "
        "personer per vecka ja till stöd (i dag {cases_now}); omkring {periods} ({periods_ci}) "
        "betänketider på 30 dagar pågår samtidigt, och {shelter} ({shelter_ci}) platser i "
        "skyddat boende och {casework} årsarbetare för ärendearbete (i dag {casework_now}) "
        "behövs för att {target} av stödet ska börja innan hon lämnar staden.",
        "en": "Reaching more demands more afterwards. With {option} ({reach}) about {cases} "
        "persons a week accept support (today {cases_now}); about {periods} ({periods_ci}) "
        "30-day reflection periods run at once, and {shelter} ({shelter_ci}) shelter places "
        "and {casework} casework FTE (today {casework_now}) are needed for {target} of "
        "support to start before she leaves the city.",
    },
    "median_ratio": {
        "sv": "Medianvistelsen ändras med faktorn {ratio} per år (osäkerhetsintervall {ci}).",
        "en": "The median stay changes by a factor of {ratio} a year (uncertainty interval {ci}).",
    },
}
