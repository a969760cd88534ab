"""Swedish versions of the caveats the models write in English.

The models state their caveats in English f-strings (``Results.caveats``,
``Question4Result.caveats``); the model modules stay as they are. :data:`CATALOGUE` holds
one regular expression per caveat sentence, with a named group for every value the
f-string fills in, and the Swedish sentence with the same names. :func:`translate_caveat`
matches a caveat against the catalogue and re-emits it in Swedish, the numbers rewritten in
the Swedish format (decimal comma, ``42 %``) with the decimals the model wrote.

A caveat with no entry stays in English and is marked ``lang="en"`` in the report. When a
model gets a new caveat, add its sentence here: ``tests/test_i18n.py`` answers question 4 on
the sample and the tiny test data and fails on any caveat without a Swedish version.

Example
-------
>>> translate_caveat("3% of stays may go on after the data end (right-censored).", "sv")
('3\\xa0% av vistelserna kan pågå efter att data slutar (högercensurerade).', 'sv')
>>> translate_caveat("Something new.", "sv")
('Something new.', 'en')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from capacity.i18n.format import check_language, format_number, language_name

#: A number as the models write it: ``3``, ``1,234``, ``3.7``, ``-0.5``; with ``%`` a share.
NUM = r"-?\d[\d,]*(?:\.\d+)?"
PCT = NUM + "%"
_NUMBER = re.compile(rf"({NUM})(%?)")


def swedish_number(text: str) -> str:
    """``'1,234.5'`` → ``'1 234,5'``, ``'74%'`` → ``'74 %'``, with the decimals as written."""
    match = _NUMBER.fullmatch(text)
    if not match:
        return text
    digits, percent = match.groups()
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    out = format_number(float(digits.replace(",", "")), "sv", decimals)
    return out + ("\xa0%" if percent else "")


def _languages(text: str) -> str:
    if text == "some languages":
        return "vissa språk"
    return ", ".join(language_name(code.strip(), "sv") for code in text.split(","))


def _sources(text: str) -> str:
    return ", ".join(re.findall(r"'([^']*)'", text)) or text


@dataclass(frozen=True)
class Caveat:
    """One caveat sentence: the English pattern, the Swedish template, where it comes from."""

    pattern: str
    sv: str
    source: str
    #: How to rewrite a group other than a number or a nested caveat (``exc``).
    handlers: tuple[tuple[str, Callable[[str], str]], ...] = ()

    def translate(self, text: str) -> str | None:
        match = re.fullmatch(self.pattern, text, flags=re.S)
        if match is None:
            return None
        handlers = dict(self.handlers)
        values = {}
        for name, value in match.groupdict().items():
            if name in handlers:
                values[name] = handlers[name](value)
            elif name == "exc":
                nested = _find(value)
                if nested is None:
                    return None  # the whole caveat stays English: no mixed sentences
                if "({exc})" in self.sv:  # a reason in brackets: lower case, no full stop
                    nested = nested[:1].lower() + nested[1:].rstrip(".")
                values[name] = nested
            else:
                values[name] = swedish_number(value)
        return self.sv.format(**values)


_BASIS = (("basis", {"team": "team", "staff member": "medarbetare"}.__getitem__),)

_MEASURE = {
    "women present in the city in the period reached at least once": (
        "kvinnor i staden under perioden som nås minst en gång"
    ),
    "stays (arrivals) reached before they end": "vistelser (ankomster) som nås innan de tar slut",
    "tours through Swedish cities reached in any city": (
        "resor genom svenska städer som nås i någon stad"
    ),
}.__getitem__
_UNIT = {"woman": "kvinna", "stay": "vistelse", "tour": "resa"}.__getitem__
_STRATEGY = {
    "random": "sök",
    "screening": "genomgång av nya",
    "mixture": "en blandning",
    "estimated": "skattad",
}.__getitem__
_FIT = {"fits": "stämmer med data", "does NOT fit well": "stämmer INTE väl med data"}.__getitem__


def _p_value(text: str) -> str:
    return text.replace(".", ",")


_LEVEL = {
    "a first contact with information in a language she understands": (
        "en första kontakt med information på ett språk hon förstår"
    ),
    "a conversation in a language she understands in which trafficking indicators can be "
    "assessed": ("ett samtal på ett språk hon förstår där tecken på människohandel kan bedömas"),
}.__getitem__
_LEVEL_NAME = {"information": "information", "conversation": "samtal"}.__getitem__

CATALOGUE: tuple[Caveat, ...] = (
    # --- issue 10: levels of reach (capacity.question4.evaluate, .levels) -------------------
    Caveat(
        r"Reached means (?P<what>.+) \(level '(?P<level>information|conversation)'\)\.",
        "Nådd betyder {what} (nivå: {level}).",
        "question4.evaluate._mobility_caveats",
        (("what", _LEVEL), ("level", _LEVEL_NAME)),
    ),
    Caveat(
        r"At the level 'conversation' only street, venue and operation contacts and "
        rf"(?P<share>{PCT}) of online contacts count \(the outreach log does not say which "
        r"online contacts were calls or meetings; set online_conversation_share\)\.",
        "På nivån samtal räknas bara kontakter på gatan, på platser och vid insatser samt "
        "{share} av kontakterna på nätet (loggen säger inte vilka kontakter på nätet som var "
        "samtal eller möten; ange online_conversation_share).",
        "question4.evaluate._mobility_caveats",
    ),
    Caveat(
        r"A written first contact \(text message, ad reply, web page\) counts as reaching a "
        r"woman in: (?P<langs>[a-z, ]+)\.",
        "En skriftlig första kontakt (sms, svar på annons, webbsida) räknas som att hon nås "
        "på: {langs}.",
        "question4.evaluate._mobility_caveats",
        (("langs", str),),
    ),
    Caveat(
        r"Reach is effective reach \(a contact in a language the woman understands\) under "
        r"each city's outreach strategy as estimated from its data; tours join the cities "
        r"through the moves between consecutive stays, corrected for next stays no source saw\.",
        "Räckvidden är effektiv räckvidd (en kontakt på ett språk kvinnan förstår) med varje "
        "stads uppsökande strategi som den skattas ur stadens data; resorna binder ihop "
        "städerna genom flyttningarna mellan på varandra följande vistelser, korrigerat för "
        "nästa vistelser som ingen källa såg.",
        "national.national_view",
    ),
    Caveat(
        r"(?P<city>[^:]+): not fitted \((?P<exc>.+)\); its reach is taken as 0\.",
        "{city}: kunde inte skattas ({exc}); stadens räckvidd sätts till 0.",
        "national.national_view",
        (("city", str),),
    ),
    Caveat(
        r"The time to first contact gives the city's share of contacts in screening; its split "
        r"over the channels assumes that online work \(going through new ads\) screens first, "
        r"then venue and street work, and that joint operations always search\.",
        "Tiden till första kontakt ger stadens andel kontakter i genomgång av nya ankomster; "
        "fördelningen på kanaler antar att arbetet på nätet (genomgång av nya annonser) står "
        "för genomgången i första hand, sedan arbetet på platser och gatan, och att gemensamma "
        "insatser alltid är sök.",
        "models.channels.channel_strategy",
    ),
    Caveat(
        rf"The data show more screening than online, venue and street work can hold "
        rf"\((?P<share>{PCT}) of contacts left over\): the strategy estimate and the outreach "
        r"log disagree\.",
        "Data visar mer genomgång av nya än arbetet på nätet, platser och gatan rymmer "
        "({share} av kontakterna blir över): skattningen av strategin och uppsökarloggen "
        "stämmer inte överens.",
        "models.channels.channel_strategy",
    ),
    # --- issue 10: strategy and reach measure (capacity.question4.evaluate, .fit) -----------
    Caveat(
        r"The verdict counts (?P<what>.+) \(reach per (?P<unit>woman|stay|tour)\)\.",
        "Bedömningen räknar {what} (räckvidd per {unit}).",
        "question4.evaluate._mobility_caveats",
        (("what", _MEASURE), ("unit", _UNIT)),
    ),
    Caveat(
        r"Reach per (?P<unit>woman|tour) needs the strategy and tour fit, which the data did "
        r"not allow: the verdict counts reach per stay\.",
        "Räckvidd per {unit} kräver skattning av strategi och resor, vilket data inte räckte "
        "till: bedömningen räknar räckvidd per vistelse.",
        "question4.evaluate._mobility_caveats",
        (("unit", _UNIT),),
    ),
    Caveat(
        rf"The data support (?P<label>random|screening|mixture): (?P<share>{PCT}) of contact "
        rf"capacity goes to screening new arrivals \(interval (?P<lo>{PCT})–(?P<hi>{PCT})\); "
        r"the model of time to first contact (?P<fit>fits|does NOT fit well) "
        rf"\((?P<n>{NUM}) first contacts in (?P<m>{NUM}) stays, p = (?P<p>[^)]+)\)\.",
        "Data visar {label}: {share} av kontaktkapaciteten går till att gå igenom nya ankomster "
        "(intervall {lo}–{hi}); modellen för tiden till första kontakt {fit} ({n} första "
        "kontakter i {m} vistelser, p = {p}).",
        "models.strategy.StrategyResults.line",
        (("label", _STRATEGY), ("fit", _FIT), ("p", _p_value)),
    ),
    Caveat(
        r"Reach assumes (?P<s>random|screening) outreach although the data show "
        rf"(?P<label>random|screening|mixture) \((?P<share>{PCT}) of contact capacity in "
        r"screening\): set strategy to 'estimated' to use the data\.",
        "Räckvidden antar {s} fast data visar {label} ({share} av kontaktkapaciteten går till "
        "genomgång av nya): sätt strategy till 'estimated' för att använda data.",
        "question4.evaluate._mobility_caveats",
        (("s", _STRATEGY), ("label", _STRATEGY)),
    ),
    Caveat(
        r"No strategy fits the time to first contact well \(model check p = (?P<p>[^)]+)\): "
        r"reach and the staff needed rest on a mix the data do not fully support; read them "
        r"with the model check figure\.",
        "Ingen strategi stämmer väl med tiden till första kontakt (modellkontroll p = {p}): "
        "räckvidd och behov av personal vilar på en blandning som data inte helt stöder; läs "
        "dem tillsammans med figuren över modellkontrollen.",
        "models.strategy.fit_strategy",
        (("p", _p_value),),
    ),
    Caveat(
        r"Reach per tour uses the other cities' reach per stay estimated directly \(stays "
        r"contacted by outreach over arrivals, scaled by this city's detection share\) and "
        r"assumes the language shares and usable languages of this city everywhere\.",
        "Räckvidd per resa använder de andra städernas räckvidd per vistelse skattad direkt "
        "(vistelser med uppsökande kontakt delat med ankomster, uppräknat med denna stads "
        "upptäcktsandel) och antar denna stads språkandelar och användbara språk överallt.",
        "question4.mobility.fit_mobility",
    ),
    Caveat(
        r"The outreach strategy cannot be estimated from the data \((?P<exc>.+)\); reach "
        r"assumes random search \(set strategy to 'screening' to see the other extreme\)\.",
        "Uppsökarnas strategi kan inte skattas ur data ({exc}); räckvidden antar sök (sätt "
        "strategy till 'screening' för att se det andra ytterläget).",
        "question4.fit._mobility",
    ),
    Caveat(
        rf"only (?P<n>{NUM}) stays with (?P<m>{NUM}) first contacts: too few to tell screening "
        r"from search\.",
        "bara {n} vistelser med {m} första kontakter: för få för att skilja genomgång av nya "
        "från sök.",
        "models.strategy.fit_strategy",
    ),
    Caveat(
        r"no stays in (?P<city>.+) to time contacts in\.",
        "inga vistelser i {city} att mäta tid till kontakt i.",
        "models.strategy.first_contact_times",
        (("city", str),),
    ),
    # --- capacity.question4.fit (fit_models) ------------------------------------------
    Caveat(
        r"The data are SYNTHETIC: the figures illustrate the method only\.",
        "Data är SYNTETISKA: siffrorna visar bara hur metoden fungerar.",
        "question4_fit.fit_models",
    ),
    Caveat(
        r"The outreach log shows no contacts needing an interpreter; interpreter use is taken "
        r"as 0 \(set interpreter_share to assume otherwise\)\.",
        "Loggen över uppsökande arbete visar inga kontakter som behövde tolk; tolk antas "
        "aldrig användas (ange interpreter_share för ett annat antagande).",
        "question4_fit.fit_models",
    ),
    Caveat(
        rf"(?P<p>{PCT}) of persons have no recorded language; they are assumed to speak the "
        r"same languages as the others\.",
        "{p} av personerna har inget registrerat språk; de antas ha samma språkfördelning som de övriga.",
        "question4_fit.fit_models",
    ),
    Caveat(
        rf"Language skills are pooled per (?P<basis>team|staff member): this predicts "
        rf"(?P<a>{PCT}) of contacts in the person's own language, the outreach log shows "
        rf"(?P<b>{PCT}) \(the other assumption: (?P<c>{PCT})\)\.",
        "Språkkunskaperna räknas per {basis}: det ger {a} av kontakterna på personens eget "
        "språk, loggen över uppsökande arbete visar {b} (med det andra antagandet {c}).",
        "question4_fit.fit_models",
        _BASIS,
    ),
    Caveat(
        r"Arrivals are counted from (?P<start>\d{4}-\d{2}-\d{2}) to (?P<end>\d{4}-\d{2}-\d{2}) "
        rf"\((?P<w>{NUM}) of the period's (?P<weeks>{NUM}) weeks\): a stay that starts within "
        rf"(?P<d>{NUM}) days of the data's first day may have begun before it\.",
        "Ankomsterna räknas från {start} till {end} ({w} av periodens {weeks} veckor): en "
        "vistelse som börjar inom {d} dagar från den första dagen i data kan ha börjat före den.",
        "question4_fit.fit_models",
        (("start", str), ("end", str)),
    ),
    Caveat(
        r"No arrivals forecast: (?P<exc>.*)",
        "Ingen prognos för ankomsterna: {exc}",
        "question4_fit.fit_models",
    ),
    Caveat(
        r"No joint operations in (?P<city>.+) in the period \(questions 1–3\)\.",
        "Inga gemensamma insatser i {city} under perioden (fråga 1–3).",
        "question4_fit.fit_models",
        (("city", str),),
    ),
    # --- capacity.question4 (evaluate, scenario caveats) ------------------------------------------
    Caveat(
        rf"The persons per quarter implied by arrivals and stays \((?P<a>{NUM})\) and the "
        rf"multiple systems estimate \((?P<b>{NUM})\) differ by a factor (?P<r>{NUM}): the "
        r"population figures are uncertain beyond their intervals\.",
        "Antalet personer per kvartal enligt ankomster och vistelser ({a}) och enligt "
        "skattningen från flera källor ({b}) skiljer sig åt med en faktor {r}: målgruppens "
        "storlek är osäkrare än intervallen visar.",
        "answer._scenario_caveats",
    ),
    Caveat(
        r"Screening capacity is below the arrival rate: the queue is saturated and at most "
        rf"(?P<p>{PCT}) of arrivals can be screened\.",
        "Kapaciteten för screening är lägre än antalet ankomster: kön växer och högst {p} av "
        "de nyanlända kan screenas.",
        "answer._scenario_caveats",
    ),
    Caveat(
        rf"Support assumes (?P<cases>{NUM}) concurrent cases per full-time caseworker \(an "
        rf"assumption\), cases of (?P<days>{NUM}) days \(the reflection period\) and "
        rf"(?P<fte>{NUM}) casework FTE; accepted support in the outreach log: "
        rf"(?P<rate>{NUM}) per week\.",
        "Stödet antar {cases} samtidiga ärenden per heltidsanställd socialsekreterare (ett "
        "antagande), ärenden på {days} dagar (betänketiden) och {fte} årsarbetare för "
        "ärendearbete; enligt loggen tackar {rate} personer per vecka ja till stöd.",
        "answer._scenario_caveats",
    ),
    Caveat(
        r"No accepted support cases in the outreach log: the support queue is empty\.",
        "Ingen har tackat ja till stöd enligt uppsökarloggen: stödkön är tom.",
        "models.support.support_before_leaving",
    ),
    Caveat(
        r"No casework capacity in the staff table: support cannot start\.",
        "Personaltabellen har ingen tid för ärendearbete: inget stöd kan påbörjas.",
        "models.support.support_before_leaving",
    ),
    Caveat(
        r"The mean stay is 0 days: nobody stays long enough for support to start\.",
        "Medelvistelsen är 0 dagar: ingen stannar länge nog för att stöd ska hinna börja.",
        "models.support.support_before_leaving",
    ),
    Caveat(
        rf"Support demand \((?P<rate>{NUM}) cases a week\) is at or above casework capacity "
        rf"\((?P<slots>{NUM}) concurrent cases of (?P<days>{NUM}) days\): without people giving "
        r"up, the queue would grow without end; the chance shown counts those who leave the "
        r"city while waiting\.",
        "Efterfrågan på stöd ({rate} ärenden i veckan) når eller överstiger kapaciteten för "
        "ärendearbete ({slots} samtidiga ärenden på {days} dagar): om ingen gav upp skulle kön "
        "växa utan gräns; sannolikheten som visas räknar med dem som lämnar staden under "
        "väntan.",
        "models.support.support_before_leaving",
    ),
    Caveat(
        rf"Only (?P<p>{PCT}) of outreach time is by staff trained to identify trafficking "
        r"\(Convention art\. 10\)\.",
        "Bara {p} av den uppsökande tiden görs av personal med utbildning i att känna igen "
        "människohandel (Europarådets konvention, art. 10).",
        "answer._scenario_caveats",
    ),
    Caveat(
        rf"Only (?P<n>{NUM}) Monte Carlo draws: the verdict's probability is rough "
        r"\(raise n_boot\)\.",
        "Bara {n} simuleringar: sannolikheten bakom bedömningen är grov (höj n_boot).",
        "answer._scenario_caveats",
    ),
    # --- capacity.models.staffing -----------------------------------------------------------
    Caveat(
        rf"The target (?P<t>{PCT}) cannot be met at any staffing: at most (?P<c>{PCT}) of the "
        r"target group can be reached in a language they understand, because contacts in "
        r"(?P<langs>.+) cannot \(always\) be held by a staff member who speaks the language "
        r"or through an interpreter\.",
        "Målet {t} kan inte nås med någon bemanning: högst {c} av målgruppen kan nås på ett "
        "språk de förstår, eftersom kontakter på {langs} inte (alltid) kan hållas av en "
        "medarbetare som talar språket eller med tolk.",
        "staffing.fte_needed",
        (("langs", _languages),),
    ),
    Caveat(
        rf"The target (?P<t>{PCT}) is not met even with (?P<n>{NUM}) outreach FTE\.",
        "Målet {t} nås inte ens med {n} uppsökande årsarbetare.",
        "staffing.fte_needed",
    ),
    # --- capacity.models.stays and its parts -------------------------------------------------
    Caveat(
        rf"(?P<n>{NUM}) stays began in the first (?P<d>{NUM}) days of the data and may have "
        r"started earlier; they are left out of the stay lengths\.",
        "{n} av vistelserna började under de första {d} dagarna i data och kan ha börjat "
        "tidigare; de räknas inte med i vistelsernas längd.",
        "stays.fit_stays",
    ),
    Caveat(
        r"Stay lengths corrected for the unseen days before the first and after the last "
        rf"sighting \(on average (?P<d>{NUM}) days per end, spread as the gaps between "
        r"sightings imply\) and reweighted for stays never seen\.",
        "Vistelsernas längd är korrigerad för de dagar före första och efter sista "
        "observationen som ingen källa ser (i genomsnitt {d} dagar i varje ände, fördelade "
        "som glappen mellan observationerna antyder) och omviktad för vistelser som aldrig "
        "syns.",
        "stay_margins",
    ),
    Caveat(
        r"Stay lengths corrected for the unseen days before the first and after the last "
        rf"sighting \(on average (?P<d>{NUM}) days per end, spread as the gaps between "
        rf"sightings imply, separately for the (?P<k>{NUM}) sets of sources that see a "
        rf"person: (?P<lo>{NUM})–(?P<hi>{NUM}) days\) and reweighted for stays never seen\.",
        "Vistelsernas längd är korrigerad för de dagar före första och efter sista "
        "observationen som ingen källa ser (i genomsnitt {d} dagar i varje ände, fördelade "
        "som glappen mellan observationerna antyder, för var och en av de {k} "
        "kombinationerna av källor som ser en person: {lo}–{hi} dagar) och omviktad för "
        "vistelser som aldrig syns.",
        "stay_margins",
    ),
    Caveat(
        rf"(?P<k>{NUM}) of (?P<n>{NUM}) bootstrap replicates drew no stays, starts or known "
        r"languages and use the point estimate's inputs: the intervals are too narrow\.",
        "{k} av {n} bootstrapomgångar fick inga vistelser, ankomster eller kända språk och "
        "använder huvudskattningens värden: intervallen är för smala.",
        "question4.fit",
    ),
    Caveat(
        rf"(?P<p>{PCT}) of the gaps between sightings within stays are longer than "
        rf"(?P<d>{NUM}) days: missed sightings probably split stays, which makes them look "
        rf"shorter\. Consider gap_days of about (?P<g>{NUM}) days\.",
        "{p} av glappen mellan observationer inom en vistelse är längre än {d} dagar: "
        "missade observationer delar troligen vistelser, så att de ser kortare ut. Överväg "
        "gap_days på omkring {g} dagar.",
        "stays._split_warning",
    ),
    Caveat(
        rf"(?P<p>{PCT}) of stays may go on after the data end \(right-censored\)\.",
        "{p} av vistelserna kan pågå efter att data slutar (högercensurerade).",
        "stays.fit_stays",
    ),
    Caveat(
        r"Stays start within less than half a year: no trend in stay length estimated\.",
        "Vistelserna börjar inom mindre än ett halvår: ingen trend i vistelsernas längd har "
        "skattats.",
        "stays.fit_stays",
    ),
    Caveat(
        r"No stay ended in the tail of the data: the tail beyond the longest stay assumes one "
        r"ending, so the mean stay is uncertain\.",
        "Ingen vistelse slutade i slutet av fördelningen: bortom den längsta vistelsen antas "
        "ett avslut, så vistelsernas medellängd är osäker.",
        "stay_distribution.km_distribution",
    ),
    # --- capacity.question4.draws (population_chain) --------------------------------------
    Caveat(
        r"Quarter (?P<q>\S+): no population estimate \((?P<exc>.*)\)\.",
        "Kvartal {q}: ingen skattning av målgruppens storlek ({exc}).",
        "uncertainty.population_chain",
        (("q", str),),
    ),
    Caveat(
        r"The hidden population could not be estimated in any quarter: observed arrivals are "
        r"used as all arrivals, so reach is overstated\.",
        "Den dolda delen av målgruppen kunde inte skattas för något kvartal: de observerade "
        "ankomsterna räknas som alla ankomster, så andelen som nås överskattas.",
        "uncertainty.population_chain",
    ),
    Caveat(
        rf"About (?P<p>{PCT}) of the target group in a quarter is never seen by any source "
        r"\(multiple systems estimate; assumes closure within a quarter\)\.",
        "Omkring {p} av målgruppen under ett kvartal syns aldrig i någon källa (skattning från "
        "flera källor; antar att ingen kommer eller går under kvartalet).",
        "uncertainty.population_chain",
    ),
    # --- capacity.models.productivity --------------------------------------------------------
    Caveat(
        r"No contacts recorded in channel\(s\) (?P<ch>.+): rate 0 with an exact upper limit\.",
        "Inga kontakter registrerade i kanal(erna) {ch}: takten är 0 med en exakt övre gräns.",
        "productivity.fit_productivity",
        (("ch", str),),
    ),
    Caveat(
        rf"Counts vary more than Poisson \(dispersion (?P<d>{NUM})\): intervals widened by "
        r"quasi-Poisson scale\.",
        "Antalen varierar mer än en Poissonfördelning tillåter (spridning {d}): intervallen "
        "är breddade med en kvasi-Poisson-skala.",
        "productivity.fit_productivity",
    ),
    Caveat(
        rf"Only (?P<n>{NUM}) shifts for (?P<k>{NUM}) channel\(s\): dispersion can hardly be "
        r"checked\.",
        "Bara {n} pass för {k} kanal(er): spridningen går knappast att kontrollera.",
        "productivity.fit_productivity",
    ),
    # --- reasons nested in a caveat (``exc``): forecast and capture–recapture errors -----------
    Caveat(
        rf"only (?P<n>{NUM}) months of arrivals: at least (?P<m>{NUM}) are needed for a "
        r"trend\.",
        "bara {n} månader med ankomster: minst {m} behövs för en trend.",
        "forecast.fit_arrivals_forecast",
    ),
    Caveat(
        rf"only (?P<n>{NUM}) whole months of arrivals: at least (?P<m>{NUM}) are needed\.",
        "bara {n} hela månader med ankomster: minst {m} behövs.",
        "forecast.fit_arrivals_forecast",
    ),
    Caveat(
        r"no arrivals in any month: nothing to forecast\.",
        "inga ankomster någon månad: inget att göra en prognos på.",
        "forecast.fit_arrivals_forecast",
    ),
    Caveat(
        r"Capture–recapture needs at least two sources; the sightings have (?P<s>.*)\.",
        "Fångst–återfångst kräver minst två källor; observationerna kommer bara från {s}.",
        "population_design.capture_histories",
        (("s", _sources),),
    ),
)


def _find(text: str) -> str | None:
    for caveat in CATALOGUE:
        out = caveat.translate(text)
        if out is not None:
            return out
    return None


def translate_caveat(text: str, lang: str) -> tuple[str, str]:
    """A caveat in the report language if the catalogue has it: ``(text, its language)``.

    English reports get the caveat as written; Swedish ones the catalogue's sentence, or the
    English one (language ``'en'``, to be marked for screen readers) when there is none.
    """
    if check_language(lang) == "en":
        return text, "en"
    translated = _find(text)
    return (translated, "sv") if translated is not None else (text, "en")
