"""Report section "Women who move": the strategy the data show, reach per stay, woman and
tour, and what coordination with other cities buys (``docs/methods/strategy.md``,
``docs/methods/tours.md``). Sentences in Swedish and English live here with the section."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from capacity.figures_style import Figure
from capacity.i18n import format_number, format_percent

TEXT = {
    "sv": {
        "heading": "Kvinnor som flyttar: strategi, räckvidd per kvinna och per resa",
        "measure": {
            "woman": "andelen kvinnor i staden under perioden som nås minst en gång",
            "stay": "andelen vistelser som nås innan de tar slut",
            "tour": "andelen resor genom svenska städer som nås i någon stad",
        },
        "verdict": "Bedömningen räknar {measure} (räckvidd per {unit}).",
        "unit": {"woman": "kvinna", "stay": "vistelse", "tour": "resa"},
        "strategy": (
            "Data visar {label}: {share} av kontaktkapaciteten går till att gå igenom nya "
            "annonser (intervall {lo}–{hi}); resten är uppsökande sök. Modellen för tiden till "
            "första kontakt {fit}."
        ),
        "labels": {"random": "sök", "screening": "genomgång av nya", "mixture": "en blandning"},
        "fits": "stämmer med data",
        "misfits": "stämmer INTE med data – läs siffrorna med försiktighet",
        "assumed": "Strategin kunde inte skattas ur data; räckvidden antar sök.",
        "rows": {
            "reach_stay": "per vistelse",
            "reach_woman": "per kvinna",
            "reach_tour": "per resa genom staden",
            "reach_tour_national": "per resa, hela landet",
        },
        "table": "Räckvidd på ett språk kvinnan förstår, per mått",
        "quantity": "Mått",
        "estimate": "Skattning",
        "interval": "95 % intervall",
        "figure": "Tid till första kontakt: observerat och enligt modellerna",
        "alt": "Andel vistelser med första kontakt efter antal dagar, observerat och enligt "
        "sök, genomgång av nya och blandningen.",
        "plot": {
            "observed": "observerat",
            "mix": "modell: blandning",
            "search only": "modell: bara sök",
            "screening only": "modell: bara genomgång av nya",
            "x": "dagar sedan vistelsens första observation",
            "y": "andel vistelser med kontakt",
            "title": "Tid till första kontakt",
        },
        "coord_caption": "Vad samarbete mellan städer ger, jämfört med {fte} årsarbetare mer i "
        "staden",
        "scenario": "Scenario",
        "coord_rows": {
            "today": "I dag",
            "city_alone": "{fte} årsarbetare mer i staden",
            "known_to_next_team": "Nästa stads team vet vilka som redan nåtts",
            "shared_screening": "Gemensam nationell genomgång av nya annonser ({fte} årsarbetare)",
            "both": "Båda",
        },
        "coord_cols": {
            "reach_tour": "Resor genom staden",
            "reach_tour_national": "Resor i hela landet",
            "fte_equivalent": "Motsvarar årsarbetare i staden",
        },
    },
    "en": {
        "heading": "Women who move: strategy, reach per woman and per tour",
        "measure": {
            "woman": "the share of women in the city in the period reached at least once",
            "stay": "the share of stays reached before they end",
            "tour": "the share of tours through Swedish cities reached in any city",
        },
        "verdict": "The verdict counts {measure} (reach per {unit}).",
        "unit": {"woman": "woman", "stay": "stay", "tour": "tour"},
        "strategy": (
            "The data show {label}: {share} of contact capacity goes to going through new ads "
            "(interval {lo}–{hi}); the rest is search. The model of time to first contact "
            "{fit}."
        ),
        "labels": {"random": "search", "screening": "screening", "mixture": "a mixture"},
        "fits": "fits the data",
        "misfits": "does NOT fit the data – read the figures with care",
        "assumed": "The strategy could not be estimated from the data; reach assumes search.",
        "rows": {
            "reach_stay": "per stay",
            "reach_woman": "per woman",
            "reach_tour": "per tour through the city",
            "reach_tour_national": "per tour, nationally",
        },
        "table": "Reach in a language the woman understands, by measure",
        "quantity": "Measure",
        "estimate": "Estimate",
        "interval": "95 % interval",
        "figure": "Time to first contact: observed and as the models predict",
        "alt": "Share of stays first contacted by day, observed and as search, screening and "
        "the mix predict.",
        "plot": {
            "observed": "observed",
            "mix": "predicted: mix",
            "search only": "predicted: search only",
            "screening only": "predicted: screening only",
            "x": "days since the stay's first sighting",
            "y": "share of stays contacted",
            "title": "Time to first outreach contact",
        },
        "coord_caption": "What cities working together buys, beside {fte} more FTE in the city",
        "scenario": "Scenario",
        "coord_rows": {
            "today": "Today",
            "city_alone": "{fte} more FTE in the city",
            "known_to_next_team": "The next city's team knows who was reached",
            "shared_screening": "Shared national screening of new ads ({fte} FTE)",
            "both": "Both",
        },
        "coord_cols": {
            "reach_tour": "Tours through the city",
            "reach_tour_national": "Tours nationally",
            "fte_equivalent": "Worth FTE in the city",
        },
    },
}


def measure_sentence(result, lang: str) -> str:
    """Which reach the verdict counts, and the strategy behind it (page one)."""
    t = TEXT[lang]
    measure = getattr(result, "reach_measure", "stay")
    return t["verdict"].format(measure=t["measure"][measure], unit=t["unit"][measure])


def strategy_sentence(result, lang: str) -> str:
    """The report's line on the strategy the data support."""
    t = TEXT[lang]
    fit = getattr(result, "strategy_fit", None)
    if fit is None:
        return t["assumed"]
    row = fit.summary_frame(result.params.alpha).loc["share_screening"]
    return t["strategy"].format(
        label=t["labels"][fit.label],
        share=format_percent(row["estimate"], lang),
        lo=format_percent(row["ci_lower"], lang),
        hi=format_percent(row["ci_upper"], lang),
        fit=t["fits"] if fit.gof_p >= 0.001 else t["misfits"],
    )


def mobility(book, result, extra_fte: float = 1.0) -> None:
    """The section: measure of the verdict, strategy, reach table, model check, coordination."""
    lang = book.lang
    t = TEXT[lang]
    book.heading(t["heading"])
    book.text(measure_sentence(result, lang), strategy_sentence(result, lang))
    frame = result.reach_measures()[["estimate", "ci_lower", "ci_upper"]]
    frame.index = [t["rows"][k] for k in frame.index]
    book.table(
        frame,
        name="reach_measures",
        caption=t["table"],
        headers={"estimate": t["estimate"], "ci_lower": "ci_lower", "ci_upper": "ci_upper"},
        kinds=dict.fromkeys(frame.columns, "percent"),
        count_columns=[],
        index_header=t["quantity"],
        interval=("ci_lower", "ci_upper"),
        interval_header=t["interval"],
    )
    fit = getattr(result, "strategy_fit", None)
    if fit is not None:
        fig, ax = plt.subplots(figsize=(6.5, 2.4))
        fit.plot(ax=ax, labels=t["plot"])
        book.figure(Figure(fig, t["alt"], t["figure"], "strategy_check"))
    table = result.coordination(extra_fte)
    if table is not None:
        fte = format_number(extra_fte, lang, 0 if float(extra_fte).is_integer() else 1)
        coord = table[["reach_tour", "reach_tour_national", "fte_equivalent"]].copy()
        coord.index = [t["coord_rows"][k].format(fte=fte) for k in coord.index]
        book.table(
            pd.DataFrame(coord),
            name="coordination",
            caption=t["coord_caption"].format(fte=fte),
            headers=t["coord_cols"],
            kinds={
                "reach_tour": "percent",
                "reach_tour_national": "percent",
                "fte_equivalent": "number1",
            },  # fmt: skip
            count_columns=[],
            index_header=t["scenario"],
        )
