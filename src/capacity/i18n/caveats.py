"""The models' caveats in Swedish and English.

A model states a caveat as a key and its values (:class:`capacity.models.Caveat`), never
as a sentence; this part of the catalogue holds the sentence of every key in both languages.
Placeholders carry a format that :func:`capacity.i18n.caveat_text` applies in the report's
language:

``pct``
    a share (0–1) as a whole percentage (``42 %`` / ``42%``);
``pctrange``
    a pair of shares as one interval with the unit once (``35–50 %`` / ``35–50%``);
``pctspan``
    a span of observed shares (smallest, largest), not an interval: one value when both are
    equal, else as many decimals as tell them apart (``0,9–2,2 %`` / ``0.9–2.2%``);
``int``, ``num1``, ``num2``, ``num``
    a number with 0, 1, 2 or as few decimals as it needs, in the locale;
``count``
    a count of persons, stays or contacts: a whole number, or ``<k`` when it is from 1 to
    the report's suppression threshold ``k`` − 1 (disclosure control in prose);
``sig``, ``sig2``
    a small number (a p-value) to one or two significant digits;
``date``
    a date (ISO 8601 in both languages);
``langs``
    language codes as language names (``some languages`` when empty);
``list``
    a list of names, comma separated;
``word``
    the value is a catalogue key (``word_...``) whose text is used;
``caveat``, ``reason``
    a nested caveat (the reason a model could not be fitted); ``reason`` starts it with a
    small letter and drops its full stop, for use inside brackets.

A placeholder without a format is inserted as text (a city, a quarter, a source name).
``tests/test_i18n.py`` checks that every key has both languages with the same placeholders
and that every caveat the models emit on the sample has an entry.
"""

from __future__ import annotations

CAVEATS: dict[str, dict[str, str]] = {
    # --- capacity.question4.fit -----------------------------------------------------------
    "q4.synthetic": {
        "sv": "Data är SYNTETISKA: siffrorna visar bara hur metoden fungerar.",
        "en": "The data are SYNTHETIC: the figures illustrate the method only.",
    },
    "q4.arrivals_window": {
        "sv": "Ankomsterna räknas från {start:date} till {end:date} ({weeks_counted:num1} av "
        "periodens {weeks:num1} veckor): en vistelse som börjar inom {days:int} dagar från den "
        "första dagen i data kan ha börjat före den.",
        "en": "Arrivals are counted from {start:date} to {end:date} ({weeks_counted:num1} of the "
        "period's {weeks:num1} weeks): a stay that starts within {days:int} days of the data's "
        "first day may have begun before it.",
    },
    "q4.unknown_language": {
        "sv": "{share:pct} av personerna har inget registrerat språk; de antas ha samma "
        "språkfördelning som de övriga.",
        "en": "{share:pct} of persons have no recorded language; they are assumed to speak the "
        "same languages as the others.",
    },
    "q4.language_pooling": {
        "sv": "Språkkunskaperna räknas per {basis:word}: det ger {predicted:pct} av kontakterna "
        "på personens eget språk, personalens registrering av kontakterna visar {observed:pct} (med det "
        "andra antagandet {other:pct}).",
        "en": "Language skills are pooled per {basis:word}: this predicts {predicted:pct} of "
        "contacts in the person's own language, the outreach log shows {observed:pct} (the "
        "other assumption: {other:pct}).",
    },
    "word_team": {"sv": "team", "en": "team"},
    "word_staff_member": {"sv": "medarbetare", "en": "staff member"},
    "word_some_languages": {"sv": "vissa språk", "en": "some languages"},
    "q4.no_forecast": {
        "sv": "Ingen prognos för ankomsterna: {reason:reason}.",
        "en": "No arrivals forecast: {reason:reason}.",
    },
    "q4.no_identification": {
        "sv": "Ingen modell för identifiering efter utbildning och språk: {reason:reason}.",
        "en": "No model of identification by training and language: {reason:reason}.",
    },
    "q4.no_operations": {
        "sv": "Inga gemensamma insatser i {city} under perioden (fråga 1–3).",
        "en": "No joint operations in {city} in the period (questions 1–3).",
    },
    # --- capacity.question4.evaluate ------------------------------------------------------
    "q4.no_stay_trend": {
        "sv": "Ingen trend i vistelsernas längd kunde skattas för perioden: prognosen för "
        "behovet av årsarbetare antar att vistelserna behåller sin nuvarande längd.",
        "en": "No trend in stay length could be estimated for the period: the forecast of FTE "
        "needed assumes stays keep their present length.",
    },
    "q4.population_mismatch": {
        "sv": "Antalet personer per kvartal enligt ankomster och vistelser ({implied:int}) och "
        "enligt skattningen från flera källor ({estimated:int}) skiljer sig åt med en faktor "
        "{ratio:num1}: målgruppens storlek är osäkrare än intervallen visar.",
        "en": "The persons per quarter implied by arrivals and stays ({implied:int}) and the "
        "multiple systems estimate ({estimated:int}) differ by a factor {ratio:num1}: the "
        "population figures are uncertain beyond their intervals.",
    },
    "q4.no_interpreter_data": {
        "sv": "Loggen över uppsökande arbete visar inga kontakter som behövde tolk; tolk antas "
        "aldrig användas (ange interpreter_share för ett annat antagande).",
        "en": "The outreach log shows no contacts needing an interpreter; interpreter use is "
        "taken as 0 (set interpreter_share to assume otherwise).",
    },
    "q4.screening_saturated": {
        "sv": "Kapaciteten för screening är lägre än antalet ankomster: kön växer och högst "
        "{share:pct} av de nyanlända kan screenas.",
        "en": "Screening capacity is below the arrival rate: the queue is saturated and at most "
        "{share:pct} of arrivals can be screened.",
    },
    "q4.support_assumptions": {
        "sv": "Stödet antar {caseload:num} samtidiga ärenden per heltidsanställd "
        "socialsekreterare (ett antagande), ärenden på {days:int} dagar (betänketiden) och "
        "{fte:int} årsarbetare för ärendearbete; enligt personalens registrering tackar {rate:num1} personer per "
        "vecka ja till stöd.",
        "en": "Support assumes {caseload:num} concurrent cases per full-time caseworker (an "
        "assumption), cases of {days:int} days (the reflection period) and {fte:int} casework "
        "FTE; accepted support in the outreach log: {rate:num1} per week.",
    },
    "q4.untrained": {
        "sv": "Bara {share:pct} av den uppsökande tiden görs av personal med utbildning i att "
        "känna igen människohandel (Europarådets konvention, art. 10).",
        "en": "Only {share:pct} of outreach time is by staff trained to identify trafficking "
        "(Convention art. 10).",
    },
    "q4.few_draws": {
        "sv": "Bara {n:int} simuleringar: sannolikheten bakom bedömningen är grov (höj n_boot).",
        "en": "Only {n:int} Monte Carlo draws: the verdict's probability is rough (raise n_boot).",
    },
    # --- capacity.models.staffing ---------------------------------------------------------
    "staffing.unreachable": {
        "sv": "Målet {target:pct} kan inte nås med någon bemanning: högst {ceiling:pct} av "
        "målgruppen kan nås på ett språk de förstår, eftersom kontakter på {languages:langs} "
        "inte (alltid) kan hållas av en medarbetare som talar språket eller med tolk.",
        "en": "The target {target:pct} cannot be met at any staffing: at most {ceiling:pct} of "
        "the target group can be reached in a language they understand, because contacts in "
        "{languages:langs} cannot (always) be held by a staff member who speaks the language "
        "or through an interpreter.",
    },
    "staffing.beyond_max": {
        "sv": "Målet {target:pct} nås inte ens med {max_fte:int} uppsökande årsarbetare.",
        "en": "The target {target:pct} is not met even with {max_fte:int} outreach FTE.",
    },
    # --- capacity.models.stays ------------------------------------------------------------
    "stays.left_truncated": {
        "sv": "{n:count} av vistelserna började under de första {days:int} dagarna i data och kan "
        "ha börjat tidigare; de räknas inte med i vistelsernas längd.",
        "en": "{n:count} stays began in the first {days:int} days of the data and may have started "
        "earlier; they are left out of the stay lengths.",
    },
    "stays.margins": {
        "sv": "Vistelsernas längd är korrigerad för de dagar före första och efter sista "
        "observationen som ingen källa ser (i genomsnitt {days:num1} dagar i varje ände, "
        "fördelade som glappen mellan observationerna antyder) och omviktad för vistelser som "
        "aldrig syns.",
        "en": "Stay lengths corrected for the unseen days before the first and after the last "
        "sighting (on average {days:num1} days per end, spread as the gaps between sightings "
        "imply) and reweighted for stays never seen.",
    },
    "stays.margins_strata": {
        "sv": "Vistelsernas längd är korrigerad för de dagar före första och efter sista "
        "observationen som ingen källa ser (i genomsnitt {days:num1} dagar i varje ände, "
        "fördelade som glappen mellan observationerna antyder, för var och en av de "
        "{strata:int} kombinationerna av källor som ser en person: {low:num1}–{high:num1} "
        "dagar) och omviktad för vistelser som aldrig syns.",
        "en": "Stay lengths corrected for the unseen days before the first and after the last "
        "sighting (on average {days:num1} days per end, spread as the gaps between sightings "
        "imply, separately for the {strata:int} sets of sources that see a person: "
        "{low:num1}–{high:num1} days) and reweighted for stays never seen.",
    },
    "stays.deconvolved": {
        "sv": "Vistelsernas längd är skattad ur spannet mellan första och sista observationen "
        "med en EM-algoritm som lägger till de dagar i varje ände som ingen källa ser och de "
        "vistelser som aldrig syns, efter hur ofta varje slag av källor ser en närvarande "
        "person ({low:pct}–{high:pct} av dagarna); {merged:count} vistelser som delats av "
        "missade observationer är ihopslagna.",
        "en": "Stay lengths estimated from the span between the first and the last sighting by "
        "an EM algorithm that adds the unseen days at each end and the stays never seen, "
        "given how often each kind of source sees a present person ({low:pct}–{high:pct} of "
        "her days); {merged:count} stays split by missed sightings are merged.",
    },
    "stays.deconvolved_arrival": {
        "sv": "Vistelsernas längd är skattad med en EM-algoritm: en vistelse som en annonssajt "
        "först såg den dag annonsen lades ut ({anchored:pct} av vistelserna) började den dagen, "
        "så bara dagarna efter sista observationen är okända (fördelade som glappen mellan "
        "sajternas avläsningar antyder); vistelser som aldrig syns läggs till. "
        "{merged:count} vistelser som delats av missade observationer är ihopslagna, "
        "{returns:count} delade där en ny annons lades ut.",
        "en": "Stay lengths estimated by an EM algorithm: a stay first seen by an ad site on "
        "the day the ad was posted ({anchored:pct} of stays) began that day, so only the days "
        "after the last sighting are unknown (spread as the gaps between the sites' looks "
        "imply); stays never seen are added. {merged:count} stays split by missed sightings "
        "are merged, {returns:count} cut where a new ad was posted.",
    },
    "stays.deconvolved_coverage": {
        # capacity.models.stays.calibration: measured by the coverage study
        # (docs/methods/coverage.md), checked against it by tests/test_stays_calibration.py
        "sv": "Annonssajterna ser här en närvarande kvinna med en daglig chans, så de "
        "kortaste vistelserna syns sällan och data säger lite om dem. Intervallet för "
        "medianvistelsen spänner därför över två sätt att fylla i de kortaste vistelserna "
        "(EM-algoritmens två startpunkter), som data inte kan skilja åt; på syntetiska städer "
        "av det här slaget täckte det det sanna värdet i {median:pctrange} av fallen. "
        "Trenden beror mindre på startpunkten men drar mot ingen förändring, eftersom långa "
        "vistelser hos kvinnor som syns sällan ligger kvar i bitar; trendens intervall "
        "spänner därför också över ett annat sätt att foga ihop bitarna. Riskkvotens "
        "95-procentsintervall täckte i {hazard_ratio:pctrange} av fallen och riskkvoten låg "
        "i genomsnitt omkring {lean:pct} för nära 1; medianvistelsens ändring per år täckte "
        "i {median_ratio:pctrange}. Hur många "
        "årsarbetare målet kräver beror på hur många mycket korta vistelser det finns: på "
        "sådana syntetiska städer krävde målet med de sanna vistelserna {fte_low:pctrange} "
        "fler årsarbetare än huvudskattningen, aldrig färre. I nämndrapporten visar stapeln "
        "”Andel mycket korta vistelser” under ”Det som data inte avgör” hur mycket fler.",
        "en": "Here the ad sites see a present woman with a daily chance, so the shortest "
        "stays are rarely seen and the data say little about them. The interval of the "
        "median stay therefore spans two ways of filling in the shortest stays (the EM "
        "algorithm's two starts), which the data cannot tell apart; on synthetic cities of "
        "this kind it covered the true value in {median:pctrange} of cases. The trend "
        "depends less on the start but is pulled towards no change, because the long stays "
        "of women who are seen rarely are left in pieces; the trend's intervals therefore "
        "also span another way of joining the pieces. The hazard ratio's 95% "
        "interval covered in {hazard_ratio:pctrange} of cases and the hazard ratio was on "
        "average about {lean:pct} too close to 1; the change of the median stay per year "
        "covered in {median_ratio:pctrange}. How many FTE "
        "the target needs depends on how many very short stays there are: on such synthetic "
        "cities the target needed {fte_low:pctrange} more FTE with the true stays than the "
        "main estimate says, never fewer. In the committee report the bar “Share of very "
        "short stays” under “What the data cannot decide” shows how many more.",
    },
    "stays.split": {
        "sv": "{share:pct} av glappen mellan observationer inom en vistelse är längre än "
        "{days:int} dagar: missade observationer delar troligen vistelser, så att de ser "
        "kortare ut. Överväg gap_days på omkring {suggested:int} dagar.",
        "en": "{share:pct} of the gaps between sightings within stays are longer than {days:int} "
        "days: missed sightings probably split stays, which makes them look shorter. Consider "
        "gap_days of about {suggested:int} days.",
    },
    "stays.censored": {
        "sv": "{share:pct} av vistelserna kan pågå efter att data slutar (högercensurerade).",
        "en": "{share:pct} of stays may go on after the data end (right-censored).",
    },
    "stays.no_trend": {
        "sv": "Vistelserna börjar inom mindre än ett halvår: ingen trend i vistelsernas längd "
        "har skattats.",
        "en": "Stays start within less than half a year: no trend in stay length estimated.",
    },
    "stays.no_tail_end": {
        "sv": "Ingen vistelse slutade i slutet av fördelningen: bortom den längsta vistelsen "
        "antas ett avslut, så vistelsernas medellängd är osäker.",
        "en": "No stay ended in the tail of the data: the tail beyond the longest stay assumes "
        "one ending, so the mean stay is uncertain.",
    },
    # --- capacity.models.population.chain -------------------------------------------------
    "population.quarter_failed": {
        "sv": "Kvartal {quarter}: ingen skattning av målgruppens storlek ({reason:reason}).",
        "en": "Quarter {quarter}: no population estimate ({reason:reason}).",
    },
    "population.no_quarter": {
        "sv": "Den dolda delen av målgruppen kunde inte skattas för något kvartal: de "
        "observerade ankomsterna räknas som alla ankomster, så andelen som nås överskattas.",
        "en": "The hidden population could not be estimated in any quarter: observed arrivals "
        "are used as all arrivals, so reach is overstated.",
    },
    "population.unseen": {
        "sv": "Omkring {share:pct} av målgruppen under ett kvartal syns aldrig i någon källa "
        "(skattning från flera källor; antar att ingen kommer eller går under kvartalet).",
        "en": "About {share:pct} of the target group in a quarter is never seen by any source "
        "(multiple systems estimate; assumes closure within a quarter).",
    },
    "population.unseen_open": {
        "sv": "Omkring {share:pct} av målgruppen under ett kvartal syns aldrig i någon källa "
        "(modell för en öppen population med vistelser; antar jämna ankomster under kvartalet).",
        "en": "About {share:pct} of the target group in a quarter is never seen by any source "
        "(open-population stay-process model; assumes steady arrivals within a quarter).",
    },
    # --- capacity.models.capture ----------------------------------------------------------
    "capture.on_arrival": {
        "sv": "Annonserna fångas när kvinnan kommer (polis eller uppsökare såg henne före "
        "annonssajten i {lead:pctspan} av vistelserna): kvartalsvis MSE och "
        "vistelser räknade från ankomstdagen.",
        "en": "Ads are captured when the woman arrives (police or outreach saw her before the "
        "ad site in {lead:pctspan} of stays): quarterly MSE and stays from the arrival day.",
    },
    "capture.per_day": {
        "sv": "Annonssajterna ser en närvarande kvinna med en daglig chans (polis eller "
        "uppsökare såg henne före annonssajten i {lead:pctspan} av vistelserna): "
        "vistelsemodellens andel som syns och dekonvolverade vistelser.",
        "en": "Ad sites see a present woman with a daily chance (police or outreach saw her "
        "before the ad site in {lead:pctspan} of stays): the stay-level share seen and "
        "deconvolved stays.",
    },
    "capture.set": {
        "sv": "Modellerna för dem ingen källa ser och för vistelserna är satta i parametrarna "
        "(detection_model {detection_model}, stay_model {stay_model}, gap_days {gap_days}), "
        "inte valda utifrån data.",
        "en": "The models of the unseen and of stays are set by the parameters (detection_model "
        "{detection_model}, stay_model {stay_model}, gap_days {gap_days}), not chosen from the "
        "data.",
    },
    "capture.undecided": {
        "sv": "Data visar inte hur annonssajterna fångar en annons (ses varje dag: "
        "{per_day:list}; fångas när hon kommer: {on_arrival:list}); modellernas "
        "standardinställningar används.",
        "en": "The data do not show how the ad sites capture an ad (seen each day: "
        "{per_day:list}; captured on arrival: {on_arrival:list}); the models' default settings "
        "are used.",
    },
    "population.stay_detection": {
        "sv": "Omkring {share:pct} av vistelserna syns aldrig i någon källa (modell för "
        "vistelser där varje källa ser en närvarande person varje dag med en daglig chans; "
        "korta vistelser missas oftare).",
        "en": "About {share:pct} of the stays are never seen by any source (stay-level model "
        "in which each source sees a present person on each day with a daily chance; short "
        "stays are missed more often).",
    },
    "population.ads_dependence": {
        "sv": "Uppsökande verksamhet ser kvinnor vars annons syns oftare än andra ({odds:num1} "
        "gånger oddset per dag): vistelser som ingen källa ser räknas med den lägre chansen för "
        "vistelser utan annons (modell för beroende källor; polisen antas oberoende av "
        "annonserna).",
        "en": "Outreach sees women whose ad is seen more often than others ({odds:num1} times "
        "the daily odds): stays no source sees are counted with the lower chance of stays "
        "without an ad (model for dependent sources; police taken as independent of the ads).",
    },
    "population.one_source": {
        "sv": "Fångst–återfångst kräver minst två källor; observationerna kommer bara från "
        "{sources:list}.",
        "en": "Capture–recapture needs at least two sources; the sightings have {sources:list}.",
    },
    # --- capacity.models.population.open ---------------------------------------------------
    "open.assumptions": {
        "sv": "Antar att personer kommer i jämn takt under perioden och att varje källa ser en "
        "närvarande person varje dag med en daglig chans som inte beror på hur länge hon stannar "
        "(givet vilka annonssajter som kan se henne); personer som bara är här en dag eller två "
        "syns mest inte, och deras antal vilar på formen hos fördelningen av vistelsernas längd.",
        "en": "Assumes persons arrive at a steady rate within the window and that each source "
        "sees a present person on each day with a daily chance that does not depend on how long "
        "she stays (given which ad sites can see her); persons present only a day or two are "
        "mostly unseen, and their number rests on the stay distribution's shape.",
    },
    "open.not_converged": {
        "sv": "EM-anpassningen stannade efter {iterations:int} iterationer utan att konvergera.",
        "en": "The EM fit stopped after {iterations:int} iterations before converging.",
    },
    "open.window_failed": {
        "sv": "{window}: ingen skattning ({reason:reason}).",
        "en": "{window}: no estimate ({reason:reason}).",
    },
    # --- capacity.models.identification ----------------------------------------------------
    "identification.missing_staff_month": {
        "sv": "{share:pct} av de uppsökande passen saknar en bemanningsmånad som ger andelen "
        "utbildad personal; de räknas inte med i modellen för identifiering.",
        "en": "{share:pct} of outreach shifts have no staff month to give their trained share; "
        "they are left out of the identification model.",
    },
    # --- capacity.models.population (chapman, chao, mse) ----------------------------------
    "chapman.assumptions": {
        "sv": "Antar en sluten population och oberoende källor där alla har samma chans att "
        "observeras.",
        "en": "Assumes a closed population and independent sources with equal catchability.",
    },
    "chapman.few_recaptures": {
        "sv": "Bara {m:count} person(er) sedda av båda källorna: med färre än 7 är skattningen "
        "snedvriden och instabil (Seber 1982, § 3.1.1); läs den som en storleksordning.",
        "en": "Only {m:count} person(s) seen by both sources: with fewer than 7 the estimate is "
        "biased and unstable (Seber 1982, §3.1.1); read it as an order of magnitude.",
    },
    "chao.lower_bound": {
        "sv": "En nedre gräns när chansen att observeras varierar mellan personer (Chao 1987): "
        "den verkliga storleken kan vara större, särskilt när många är mycket svåra att "
        "observera.",
        "en": "A lower bound under heterogeneous catchability (Chao 1987): the true size can be "
        "larger, especially when many persons are very hard to observe.",
    },
    "chao.f2_zero": {
        "sv": "Ingen sågs exakt två gånger (f2 = 0): den biaskorrigerade formen n + f1(f1-1)/2 "
        "användes och är mycket osäker.",
        "en": "Nobody was seen exactly twice (f2 = 0): the bias-corrected form n + f1(f1-1)/2 "
        "was used and is very uncertain.",
    },
    "mse.closure": {
        "sv": "Antar en sluten population (ingen kommer eller går under perioden); personer som "
        "bara passerar staden har färre chanser att ses av flera källor, vilket drar ned N̂.",
        "en": "Assumes a closed population (nobody arrives or leaves during the period); "
        "persons who pass through the city briefly have fewer chances to be seen by several "
        "sources, which biases N̂ downwards.",
    },
    "mse.dependence": {
        "sv": "Beroende mellan listorna modelleras bara genom modellens tvålistsamspel; "
        "heterogenitet som listorna delar, eller källor som söker på samma platser, kan ändå "
        "dra ned N̂ (Weir m.fl. 2003: 3 894 skattade mot 6 997 räknade).",
        "en": "Dependence between lists is modelled only through the two-list interactions in "
        "the model; heterogeneity the lists share, or sources that sample the same places, can "
        "still bias N̂ downwards (Weir et al. 2003: 3,894 estimated vs 6,997 counted).",
    },
    "mse.selected": {
        "sv": "Modellen valdes med framåtval efter {criterion}; intervallet tar inte med "
        "osäkerheten i modellvalet.",
        "en": "Model chosen by forward selection on {criterion}; the interval does not include "
        "the uncertainty of choosing the model.",
    },
    "mse.empty_pairs": {
        "sv": "Ingen person finns på båda listorna i {pairs:list}: varje sådant samspel är −∞; "
        "cellerna det täcker anpassades som 0 och parametern räknas i AIC/BIC (Chan, Silverman "
        "& Vincent 2021).",
        "en": "No person is on both lists of {pairs:list}: each such interaction is −∞; the "
        "cells it covers were fitted as 0 and the parameter is counted in AIC/BIC (Chan, "
        "Silverman & Vincent 2021).",
    },
    "mse.boundary_pairs": {
        "sv": "Utvidgad maximum likelihood-skattning: för {pairs:list} finns alla på den ena "
        "listan också på den andra, så cellerna med bara den andra listan anpassas som 0 "
        "(randpunkt) och samspelet går mot +∞; det räknas i AIC/BIC och frihetsgraderna (som "
        "R:s glm och Rcapture gör).",
        "en": "Extended maximum likelihood estimate: for {pairs:list} everyone on one list is "
        "also on the other, so the cells with only the second list are fitted as 0 (boundary) "
        "and the interaction runs to +∞; it is counted in AIC/BIC and the degrees of freedom "
        "(as R's glm and Rcapture do).",
    },
    "mse.not_converged": {
        "sv": "GLM-anpassningen konvergerade inte; läs skattningen med försiktighet.",
        "en": "The GLM fit did not converge; read the estimate with care.",
    },
    "mse.saturated": {
        "sv": "Modellen är mättad (inga residualfrihetsgrader): dess anpassning kan inte "
        "kontrolleras.",
        "en": "The model is saturated (no residual degrees of freedom): its fit cannot be checked.",
    },
    "mse.open_above": {
        "sv": "Profilkvasilikelihooden faller inte tillräckligt för stora N: data ger ingen "
        "användbar övre gräns (95-procentsintervallet är öppet uppåt).",
        "en": "The profile likelihood does not fall enough for large N: the data give no useful "
        "upper limit (the 95% interval is open above).",
    },
    # --- capacity.models.productivity -----------------------------------------------------
    "productivity.empty_channels": {
        "sv": "Inga {outcome:word} registrerade i kanal(erna) {channels:list}: takten är 0 med "
        "en exakt övre gräns.",
        "en": "No {outcome:word} recorded in channel(s) {channels:list}: rate 0 with an exact "
        "upper limit.",
    },
    "word_contacts": {"sv": "kontakter", "en": "contacts"},
    "word_new_persons": {"sv": "nya personer", "en": "new persons"},
    "word_contacts_own_language": {
        "sv": "kontakter på eget språk",
        "en": "contacts own language",
    },
    "word_support_offered": {"sv": "erbjudanden om stöd", "en": "support offered"},
    "word_referrals": {"sv": "hänvisningar", "en": "referrals"},
    "productivity.overdispersed": {
        "sv": "Antalen varierar mer än en Poissonfördelning tillåter (spridning "
        "{dispersion:num2}): intervallen är breddade med en kvasi-Poisson-skala.",
        "en": "Counts vary more than Poisson (dispersion {dispersion:num2}): intervals widened "
        "by quasi-Poisson scale.",
    },
    "productivity.few_shifts": {
        "sv": "Bara {shifts:int} pass för {channels:int} kanal(er): spridningen går knappast att "
        "kontrollera.",
        "en": "Only {shifts:int} shifts for {channels:int} channel(s): dispersion can hardly be "
        "checked.",
    },
    # --- capacity.models.forecast ---------------------------------------------------------
    "forecast.too_short_for_trend": {
        "sv": "Bara {n:int} månader med ankomster: minst {needed:int} behövs för en trend.",
        "en": "Only {n:int} months of arrivals: at least {needed:int} are needed for a trend.",
    },
    "forecast.too_few_whole_months": {
        "sv": "Bara {n:int} hela månader med ankomster: minst {needed:int} behövs.",
        "en": "Only {n:int} whole months of arrivals: at least {needed:int} are needed.",
    },
    "forecast.no_arrivals": {
        "sv": "Inga ankomster någon månad: inget att göra en prognos på.",
        "en": "No arrivals in any month: nothing to forecast.",
    },
    "forecast.partial_months": {
        "sv": "{n:int} månad(er) i ändarna av data där ankomsterna bara kunde räknas under en del "
        "av månaden togs bort.",
        "en": "{n:int} month(s) at the ends of the data where arrivals could be counted for part "
        "of the month only were left out.",
    },
    "forecast.no_season": {
        "sv": "Bara {n:int} månader med data: bara trend, inget säsongsmönster har skattats.",
        "en": "Only {n:int} months of data: trend only, no seasonal pattern estimated.",
    },
    "forecast.poisson": {
        "sv": "Månadsantalen varierar inte mer än en Poissonfördelning tillåter: "
        "Poissonmodellen används.",
        "en": "Monthly counts vary no more than Poisson: Poisson model used.",
    },
    "forecast.assumes_trend": {
        "sv": "Prognosen {horizon:int} månader framåt antar att trenden och säsongen från "
        "{n:int} observerade månader fortsätter.",
        "en": "Forecast {horizon:int} months ahead assumes the trend and season of {n:int} "
        "observed months go on.",
    },
    # --- capacity.models.strategy and touring ---------------------------------------------
    "strategy.read_from_first_contact": {
        "sv": "Arbetssättet läses av tiden mellan en vistelses första observation i en annan "
        "källa (en annons, polisen) och dess första uppsökande kontakt: tidiga kontakter "
        "betyder screening av nyanlända, kontakter spridda över vistelsen betyder sökande.",
        "en": "The strategy is read from the time between a stay's first sighting by another "
        "source (an ad, the police) and its first outreach contact: early contacts mean "
        "screening of new arrivals, contacts spread over the stay mean search.",
    },
    "strategy.poor_fit": {
        "sv": "Inget arbetssätt passar tiden till första kontakt väl (modellkontroll p = "
        "{p:sig}): andelen som nås och behovet av personal vilar på en blandning som data inte "
        "helt stöder; läs dem tillsammans med figuren över modellkontrollen.",
        "en": "No strategy fits the time to first contact well (model check p = {p:sig}): "
        "reach and the staff needed rest on a mix the data do not fully support; read them "
        "with the model check figure.",
    },
    "touring.lower_bound": {
        "sv": "En stad där en person inte sågs räknas som inte besökt: antalet städer per månad "
        "är en nedre gräns.",
        "en": "A city where a person was not seen counts as not visited: cities per month is a "
        "lower bound.",
    },
    # --- capacity.models.support ----------------------------------------------------------
    "support.no_cases": {
        "sv": "Ingen har tackat ja till stöd enligt personalens registrering: stödkön är tom.",
        "en": "No accepted support cases in the outreach log: the support queue is empty.",
    },
    "support.no_casework": {
        "sv": "Personaltabellen har ingen tid för ärendearbete: inget stöd kan påbörjas.",
        "en": "No casework capacity in the staff table: support cannot start.",
    },
    "support.no_stay": {
        "sv": "Medelvistelsen är 0 dagar: ingen stannar länge nog för att stöd ska hinna börja.",
        "en": "The mean stay is 0 days: nobody stays long enough for support to start.",
    },
    "support.overloaded": {
        "sv": "Efterfrågan på stöd ({rate:num1} ärenden i veckan) når eller överstiger "
        "kapaciteten för ärendearbete ({slots:num1} samtidiga ärenden på {days:num} dagar): om "
        "ingen gav upp skulle kön växa utan gräns; sannolikheten som visas räknar med dem som "
        "lämnar staden under väntan.",
        "en": "Support demand ({rate:num1} cases a week) is at or above casework capacity "
        "({slots:num1} concurrent cases of {days:num} days): without people giving up, the "
        "queue would grow without end; the chance shown counts those who leave the city while "
        "waiting.",
    },
    # --- capacity.question4 (strategy, tours, chain bootstrap) -----------------------------
    "q4.no_strategy": {
        "sv": "Uppsökarnas strategi kan inte skattas ur data ({reason:reason}); räckvidden antar "
        "sök (sätt strategy till 'screening' för att se det andra ytterläget).",
        "en": "The outreach strategy cannot be estimated from the data ({reason:reason}); reach "
        "assumes random search (set strategy to 'screening' to see the other extreme).",
    },
    "q4.no_stay_detection": {
        "sv": "Andelen vistelser som syns kunde inte skattas med vistelsemodellen ({reason:reason}); "
        "skattningen från flera källor per kvartal används, och den är för hög när källorna ser "
        "en person oftare ju längre hon stannar: ankomsterna och personerna underskattas då.",
        "en": "The share of stays seen could not be estimated with the stay-level model "
        "({reason:reason}); the quarterly multiple systems estimate is used, which is too high "
        "where sources see a person more the longer she stays: arrivals and persons are then "
        "underestimated.",
    },
    "q4.empty_replicates": {
        "sv": "{k:int} av {n:int} bootstrapomgångar fick inga vistelser, ankomster eller kända "
        "språk och använder huvudskattningens värden: intervallen är för smala.",
        "en": "{k:int} of {n:int} bootstrap replicates drew no stays, starts or known languages "
        "and use the point estimate's inputs: the intervals are too narrow.",
    },
    "strategy.line": {
        "sv": "Data visar {label:word}: {share:pct} av kontaktkapaciteten går till att gå igenom "
        "nya ankomster (intervall {interval:pctrange}); modellen för tiden till första kontakt "
        "{fit:word} ({n:count} första kontakter i {m:count} vistelser, p = {p:sig2}).",
        "en": "The data support {label:word}: {share:pct} of contact capacity goes to screening "
        "new arrivals (interval {interval:pctrange}); the model of time to first contact "
        "{fit:word} ({n:count} first contacts in {m:count} stays, p = {p:sig2}).",
    },
    "strategy.too_few": {
        "sv": "Bara {n:count} vistelser med {m:count} första kontakter: för få för att skilja "
        "genomgång av nya från sök.",
        "en": "Only {n:count} stays with {m:count} first contacts: too few to tell screening from "
        "search.",
    },
    "strategy.no_stays": {
        "sv": "Inga vistelser i {city} att mäta tid till kontakt i.",
        "en": "No stays in {city} to time contacts in.",
    },
    "word_strategy_random": {"sv": "sök", "en": "random"},
    "word_strategy_screening": {"sv": "genomgång av nya", "en": "screening"},
    "word_strategy_mixture": {"sv": "en blandning", "en": "mixture"},
    "word_strategy_estimated": {"sv": "skattad", "en": "estimated"},
    "word_fits": {"sv": "stämmer med data", "en": "fits"},
    "word_fits_not": {"sv": "stämmer INTE väl med data", "en": "does NOT fit well"},
    # --- capacity.question4.evaluate: what the verdict counts ------------------------------
    "q4.measure": {
        "sv": "Bedömningen räknar {what:word} (räckvidd per {unit:word}).",
        "en": "The verdict counts {what:word} (reach per {unit:word}).",
    },
    "word_measure_woman": {
        "sv": "kvinnor i staden under perioden som nås minst en gång",
        "en": "women present in the city in the period reached at least once",
    },
    "word_measure_stay": {
        "sv": "vistelser (ankomster) som nås innan de tar slut",
        "en": "stays (arrivals) reached before they end",
    },
    "word_measure_tour": {
        "sv": "resor genom svenska städer som nås i någon stad",
        "en": "tours through Swedish cities reached in any city",
    },
    "word_unit_woman": {"sv": "kvinna", "en": "woman"},
    "word_unit_stay": {"sv": "vistelse", "en": "stay"},
    "word_unit_tour": {"sv": "resa", "en": "tour"},
    "q4.measure_fallback": {
        "sv": "Räckvidd per {unit:word} kräver skattning av strategi och resor, vilket data inte "
        "räckte till: bedömningen räknar räckvidd per vistelse.",
        "en": "Reach per {unit:word} needs the strategy and tour fit, which the data did not "
        "allow: the verdict counts reach per stay.",
    },
    "q4.strategy_assumed": {
        "sv": "Räckvidden antar {strategy:word} fast data visar {label:word} ({share:pct} av "
        "kontaktkapaciteten går till genomgång av nya): sätt strategy till 'estimated' för att "
        "använda data.",
        "en": "Reach assumes {strategy:word} outreach although the data show {label:word} "
        "({share:pct} of contact capacity in screening): set strategy to 'estimated' to use the "
        "data.",
    },
    # --- capacity.question4.mobility --------------------------------------------------------
    "mobility.other_cities": {
        "sv": "Räckvidd per resa använder de andra städernas räckvidd per vistelse skattad "
        "direkt (vistelser med uppsökande kontakt delat med ankomster, uppräknat med denna "
        "stads upptäcktsandel) och antar denna stads språkandelar och användbara språk överallt.",
        "en": "Reach per tour uses the other cities' reach per stay estimated directly (stays "
        "contacted by outreach over arrivals, scaled by this city's detection share) and "
        "assumes the language shares and usable languages of this city everywhere.",
    },
    # --- capacity.national ------------------------------------------------------------------
    "national.not_fitted": {
        "sv": "{city}: kunde inte skattas ({reason:reason}); stadens räckvidd sätts till 0.",
        "en": "{city}: not fitted ({reason:reason}); its reach is taken as 0.",
    },
    "national.stays_margins": {
        "sv": "Här skattas vistelsernas längd i alla städer med marginalmetoden (den snabbare); "
        "en stads egen rapport använder ankomstmodellen, eftersom annonserna fångas när de "
        "läggs ut. De två ger nästan samma räckvidd (docs/methods/stays.md), men stadens egna "
        "siffror kan skilja sig något från dessa.",
        "en": "Stay lengths are estimated here for every city with the margins' correction (the "
        "faster model); a city's own report uses the arrival model, since the ads are captured "
        "when posted. The two give nearly the same reach (docs/methods/stays.md), but a city's "
        "own figures may differ slightly from these.",
    },
    "national.assumptions": {
        "sv": "Räckvidden är effektiv räckvidd (en kontakt på ett språk kvinnan förstår) med "
        "varje stads uppsökande strategi som den skattas ur stadens data; resorna binder ihop "
        "städerna genom flyttningarna mellan på varandra följande vistelser, korrigerat för "
        "nästa vistelser som ingen källa såg.",
        "en": "Reach is effective reach (a contact in a language the woman understands) under "
        "each city's outreach strategy as estimated from its data; tours join the cities through "
        "the moves between consecutive stays, corrected for next stays no source saw.",
    },
    # --- capacity.question4.evaluate: levels of reach ---------------------------------------
    "q4.level": {
        "sv": "Nådd betyder {what:word} (nivå: {level:word}).",
        "en": "Reached means {what:word} (level '{level:word}').",
    },
    "word_level_information": {
        "sv": "en första kontakt med information på ett språk hon förstår",
        "en": "a first contact with information in a language she understands",
    },
    "word_level_conversation": {
        "sv": "ett samtal på ett språk hon förstår där tecken på människohandel kan bedömas",
        "en": "a conversation in a language she understands in which trafficking indicators "
        "can be assessed",
    },
    "word_level_name_information": {"sv": "information", "en": "information"},
    "word_level_name_conversation": {"sv": "samtal", "en": "conversation"},
    "q4.conversation_online": {
        "sv": "På nivån samtal räknas bara kontakter på gatan, på platser och vid insatser samt "
        "{share:pct} av kontakterna på nätet (registreringen säger inte vilka kontakter på nätet som var "
        "samtal eller möten; ange online_conversation_share).",
        "en": "At the level 'conversation' only street, venue and operation contacts and "
        "{share:pct} of online contacts count (the outreach log does not say which online "
        "contacts were calls or meetings; set online_conversation_share).",
    },
    "q4.written_languages": {
        "sv": "En skriftlig första kontakt (sms, svar på annons, webbsida) räknas som att hon nås "
        "på: {languages:langs}.",
        "en": "A written first contact (text message, ad reply, web page) counts as reaching a "
        "woman in: {languages:langs}.",
    },
    # --- capacity.models.channels -----------------------------------------------------------
    "channels.split_assumption": {
        "sv": "Tiden till första kontakt ger stadens andel kontakter i genomgång av nya "
        "ankomster; fördelningen på kanaler antar att arbetet på nätet (genomgång av nya "
        "annonser) står för genomgången i första hand, sedan arbetet på platser och gatan, och "
        "att gemensamma insatser alltid är sök.",
        "en": "The time to first contact gives the city's share of contacts in screening; its "
        "split over the channels assumes that online work (going through new ads) screens "
        "first, then venue and street work, and that joint operations always search.",
    },
    "channels.identified": {
        "sv": "Modellkontrollen per kanal stämmer (p = {p:sig2}, {n:count} första kontakter "
        "fördelade på kanaler efter dagens registrering): räckvidden räknas per kanal, med "
        "varje kanals andel av tiden, dess kontakter per timme och dess arbetssätt.",
        "en": "The model check per channel fits (p = {p:sig2}, {n:count} first contacts split "
        "over the channels by the day's log): reach is computed per channel, with each "
        "channel's share of the time, its contacts per hour and its strategy.",
    },
    "channels.identified_order": {
        "sv": "Arbetet på nätet först stämmer inte med vilka kanaler som gjorde de första "
        "kontakterna; ordningen {order} stämmer (modellkontroll per kanal p = {p:sig2}, "
        "{n:count} första kontakter): räckvidden räknas per kanal med den ordningen.",
        "en": "Online work screening first does not match which channels made the first "
        "contacts; the order {order} does (model check per channel p = {p:sig2}, {n:count} "
        "first contacts): reach is computed per channel in that order.",
    },
    "channels.not_identified_few": {
        "sv": "Bara {n:count} första kontakter kan föras till en kanal genom registreringen: "
        "för få för att pröva arbetssättet per kanal. Räckvidden använder stadens samlade "
        "blandning av genomgång och sök för alla kanaler.",
        "en": "Only {n:count} first contacts can be assigned to a channel through the log: too "
        "few to check the strategy per channel. Reach uses the city's pooled mix of screening "
        "and search for every channel.",
    },
    "channels.not_identified_fit": {
        "sv": "Fördelningen av genomgång på kanaler stämmer inte med vilka kanaler som gjorde "
        "de första kontakterna (modellkontroll per kanal p = {p:sig}): räckvidden använder "
        "stadens samlade blandning av genomgång och sök för alla kanaler.",
        "en": "The split of screening over the channels does not match which channels made "
        "the first contacts (model check per channel p = {p:sig}): reach uses the city's "
        "pooled mix of screening and search for every channel.",
    },
    "channels.overflow": {
        "sv": "Data visar mer genomgång av nya än arbetet på nätet, platser och gatan rymmer "
        "({share:pct} av kontakterna blir över): skattningen av strategin och personalens registrering "
        "stämmer inte överens.",
        "en": "The data show more screening than online, venue and street work can hold "
        "({share:pct} of contacts left over): the strategy estimate and the outreach log "
        "disagree.",
    },
    "forecast.few_months_with_arrivals": {
        "sv": "Ankomster bara under {n:int} månad(er): minst {needed:int} behövs för en trend.",
        "en": "Arrivals in only {n:int} month(s): at least {needed:int} are needed for a trend.",
    },
    "forecast.runs_away": {
        "sv": "Den skattade trenden i ankomsterna skenar (mer än en miljon i månaden inom "
        "prognosperioden): de observerade månaderna är för få eller för ojämna för en prognos.",
        "en": "The fitted trend of arrivals runs away (more than a million a month within the "
        "horizon): the months observed are too few or too uneven to forecast.",
    },
    "identification.few_events": {
        "sv": "Färre än {n:int} {outcome:word} i personalens registrering av kontakterna: för få för att "
        "modellera dem efter utbildning och språk.",
        "en": "Fewer than {n:int} {outcome:word} in the outreach log: too few to model them by "
        "training and language.",
    },
    "identification.no_variation": {
        "sv": "Antalet {outcome:word} i personalens registrering av kontakterna varierar inte tillräckligt "
        "med utbildning och språk för att effekterna ska kunna skattas; de utelämnas.",
        "en": "The {outcome:word} in the outreach log do not vary enough with training and "
        "language to estimate their effects; left out.",
    },
    "word_indicators": {"sv": "tecken på människohandel", "en": "trafficking indicators"},
    # --- a reason without a structured form (the error message as the model wrote it) ----
    "error": {"sv": "{message}", "en": "{message}"},
}
