"""The population notebook's table of persons: the chain's counts beside the quarterly MSE.

The quarterly multiple-systems estimates the notebook shows first are closed-population
estimates per quarter. The chain's key figures count persons another way where the ad sites
capture an ad on a woman's arrival (:func:`capacity.question4.evaluate.persons_per_quarter`),
so the two tables differ there; :func:`persons_section` shows the key figures and says which
way they were counted, so that an analyst can tell why.
"""

from __future__ import annotations

#: The key figures of the table, in order.
PERSONS = ("population_present", "persons_per_quarter", "persons_in_period", "arrivals_per_week")


def persons_note_key(fitted) -> str:
    """The i18n key of the note on how persons per quarter were counted for ``fitted``."""
    from capacity.question4.evaluate import ON_ARRIVAL

    return (
        "population_persons_arrival"
        if fitted.base_params.stay_model in ON_ARRIVAL
        else "population_persons_seen"
    )


def persons_section(book, result, fitted) -> None:
    """Heading, a note on how persons per quarter were counted, and the key figures' table."""
    from capacity.report.committee.key_figures import key_table

    book.heading("h_population_persons")
    book.text(book.t(persons_note_key(fitted)))
    key_table(book, result, PERSONS, "persons", book.t("h_population_persons"))


__all__ = ["PERSONS", "persons_note_key", "persons_section"]
