"""The committee report's content: sections, page one, key figures, scenarios, competence.

- :mod:`~capacity.report.committee.sections` — the report's sections, each writing into a
  :class:`~capacity.report.book.ReportBook`;
- :mod:`~capacity.report.committee.first_page` — the verdict, key figures and the staff or
  competence split on page one;
- :mod:`~capacity.report.committee.key_figures` — key-figure tables and the verdict text;
- :mod:`~capacity.report.committee.scenarios` — the standard scenarios and their table;
- :mod:`~capacity.report.committee.competence` — languages no staff member speaks;
- :mod:`~capacity.report.committee.sensitivity` — what the data cannot decide (tornado);
- :mod:`~capacity.report.committee.options` — what the committee can do: options with
  costs, the support they need downstream, and the best mix for a budget;
- :mod:`~capacity.report.committee.mobility` — women who move: strategy, reach per woman
  and per tour, coordination between cities;
- :mod:`~capacity.report.committee.analyses` — everything the sections evaluate on top of
  the fit (scenarios, options, frontier, tornado), computed once and cached on disk;
- :func:`start_refits` (:mod:`capacity.report.refits`) — a first run fits the tornado's
  refits in a second process, beside the report's own fit.

Their sentences are in the catalogue of report words (:mod:`capacity.i18n.committee`).

The section functions that the notebooks call are importable from here.
"""

from capacity.report.committee import options
from capacity.report.committee.analyses import Analyses, analyses
from capacity.report.committee.first_page import key_figures_and_languages, page_one
from capacity.report.committee.identification import identification_section
from capacity.report.committee.mobility import mobility
from capacity.report.committee.scenarios import forecast_and_scenarios, standard_scenarios
from capacity.report.committee.sections import (
    assumptions,
    capacity,
    indicators,
    methods,
    provenance,
    target_group,
)
from capacity.report.committee.sensitivity import sensitivity_frame, sensitivity_section
from capacity.report.refits import start_refits

__all__ = [
    "Analyses",
    "analyses",
    "assumptions",
    "capacity",
    "forecast_and_scenarios",
    "identification_section",
    "mobility",
    "indicators",
    "key_figures_and_languages",
    "methods",
    "options",
    "page_one",
    "provenance",
    "sensitivity_frame",
    "sensitivity_section",
    "standard_scenarios",
    "start_refits",
    "target_group",
]
