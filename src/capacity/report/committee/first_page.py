"""Page one of the committee report: the answer, the key figures, and what is missing.

Committee members read this page. It gives the verdict with its probability, the key
figures (outreach FTE today, FTE needed, the share reached in any language and in a
language they understand), and two separate messages: the languages no outreach staff
member speaks (a competence gap, with their share of the target group and the interpreter
use), and whether staff numbers or language competence is what mainly falls short, shown
by the scenario "an interpreter at every contact" against today.
"""

from __future__ import annotations

import pandas as pd

from capacity.i18n import format_number, format_percent, format_probability, language_name
from capacity.report.committee.competence import unspoken_languages
from capacity.report.committee.key_figures import PAGE_ONE, key_table, phrase, verdict_text


def competence_gap_text(book, result, *, compact: bool = False) -> str:
    """The languages no outreach staff member speaks, their share and the interpreter use.

    ``compact`` (page one): the languages without their shares, in one short sentence.
    """
    from capacity.privacy.grouping import OTHER, group_small

    lang = book.lang
    gap = unspoken_languages(result)
    if gap.empty:
        return phrase(book, "gap_none")
    persons = result.languages.get("persons")
    hidden, grouped = False, []
    if persons is not None:
        threshold = book.params.suppression_threshold
        # small languages grouped before any share is printed (no share gives a count back)
        gap = gap.assign(persons=persons.reindex(gap.index).fillna(0))
        gap, grouped = group_small(
            gap, "persons", threshold, sums=["share_of_target_group"],
            weighted=["interpreter_share"], weight="share_of_target_group",
        )  # fmt: skip
        hidden = bool(grouped) and gap.loc[OTHER, "persons"] < threshold
    if hidden:  # every unspoken language together has fewer persons than the threshold
        names = [language_name(c, lang) for c in grouped]
        joined = (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + phrase(book, "and") + names[-1]
        )
        return phrase(book, "gap_languages_few", languages=joined, threshold=threshold)
    if compact:
        names = [
            language_name(c, lang)
            if c != OTHER
            else phrase(book, "gap_other_short", n=len(grouped))
            for c in gap.index
        ]
        iota = float(gap["interpreter_share"].iloc[0])
        return phrase(
            book,
            "gap_short",
            languages=", ".join(names[:-1]) + phrase(book, "or") + names[-1]
            if len(names) > 1
            else names[0],
            total=format_percent(gap["share_of_target_group"].sum(), lang),
            share=format_percent(iota, lang),
        )
    names = [
        f"{language_name(code, lang)} ({format_percent(share, lang)})"
        if code != OTHER
        else phrase(book, "gap_other", n=len(grouped), share=format_percent(share, lang))
        for code, share in gap["share_of_target_group"].items()
    ]
    joined = (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + phrase(book, "and") + names[-1]
    )
    iota = float(gap["interpreter_share"].iloc[0])
    if iota <= 0:
        interpreters = phrase(book, "gap_no_interpreter")
    else:
        source = "log" if result.params.interpreter_share is None else "parameter"
        interpreters = phrase(book, f"gap_interpreter_{source}", share=format_percent(iota, lang))
    total = format_percent(gap["share_of_target_group"].sum(), lang)
    return phrase(book, "gap_languages", languages=joined, total=total) + " " + interpreters


def staff_or_competence_text(book, result, scenarios: pd.DataFrame) -> str:
    """What an interpreter at every contact would do with today's staff: the conclusion."""
    lang = book.lang
    interp = scenarios.loc["interpreters"]
    values = {
        "reach": format_percent(interp["reach_effective"], lang),
        "need": format_number(interp["fte_needed"], lang, 0),
        "p": format_probability(interp["p_target"], lang, len(result.draws) or None),
    }
    if result.verdict == "sufficient":
        return phrase(book, "split_interpreters", **values)
    key = {"sufficient": "split_language", "uncertain": "split_both"}.get(
        interp["verdict"], "split_staff"
    )
    return phrase(book, key, **values)


def page_one(
    book,
    result,
    scenarios=None,
    options=None,
    curve=None,
    fitted=None,
    sensitivity=None,
    coordination=None,
):
    """The verdict in plain words, how sure it is, then what the committee can do.

    With ``options`` and ``curve`` (from :func:`capacity.report.committee.options.compute`)
    page one holds the verdict, how sure it is (with ``sensitivity``, the frame of
    :func:`capacity.report.committee.sensitivity_frame`: the interval holds given the model,
    and the range across what the data cannot decide), the reach curve beside languages and
    competence, the options table with costs (coordination with other cities as rows when
    ``coordination`` is given) and what reaching more demands downstream; the key figures
    follow on the next page (:func:`key_figures_and_languages`). Without them (older
    callers) the key figures and the staff-or-competence comparison follow the verdict.
    """
    from capacity.report.committee.options import options_section
    from capacity.report.committee.sensitivity import conditional_sentence

    book.heading("h_answer")
    book.verdict(verdict_text(result, book.lang), result.verdict)
    if sensitivity is not None:
        book.text(conditional_sentence(book, sensitivity), css_class="how-sure")
    if options is not None and curve is not None:
        options_section(book, result, fitted, result.params, options, curve, coordination)
        return None
    return key_figures_and_languages(book, result, scenarios, new_page=False)


def competence_box(book, result, fitted) -> None:
    """Page one's languages and competence (issue 11, item 4).

    Who no staff member can talk with, the trained share of outreach hours, and signs of
    trafficking and referrals per 100 contacts in her own language, through an interpreter
    or in neither.
    """
    from capacity.report.committee.identification import identification_frame

    lang = book.lang
    book.heading(phrase(book, "h_competence"), level=3)
    book.text(competence_gap_text(book, result, compact=True))
    ident = getattr(fitted, "identification", None)
    if ident is None:
        book.text(phrase(book, "competence_none"))
        return
    year = ident.per_year
    if "indicators" in year.index:
        y = year.loc["indicators"]
        book.text(
            phrase(
                book,
                "competence_trained",
                trained=format_percent(ident.trained_hours_share, lang),
                all=format_number(y["all_trained"], lang, 0),
                today=format_number(y["today"], lang, 0),
            )
        )
    identification_frame(book, ident, compact=True)


def key_figures_and_languages(book, result, scenarios=None, *, new_page: bool = False):
    """Key figures, the languages no staff member speaks and staff numbers or competence."""
    from capacity.report.committee.scenarios import scenario_table

    book.heading(phrase(book, "h_in_short"), new_page=new_page)
    tb = key_table(book, result, PAGE_ONE, "key_figures", book.t("h_key_figures"))
    on_page_one = any(tb.name == "options" for tb in book.tables)
    if not on_page_one:  # else page one has the languages no staff member speaks
        book.heading(phrase(book, "h_gap"), level=3)
        book.text(competence_gap_text(book, result))
    if scenarios is not None and "interpreters" in scenarios.index:
        book.heading(phrase(book, "h_split"), level=3)
        book.text(staff_or_competence_text(book, result, scenarios))
        if not on_page_one:
            scenario_table(
                book,
                scenarios.loc[["today", "interpreters"]],
                name="staff_or_competence",
                caption=phrase(book, "split_caption"),
                columns=["interpreter_share", "reach_effective", "p_target", "fte_needed"],
            )
    book.text(phrase(book, "how_to_read", n=len(result.draws)), css_class="note")
    return tb
