"""What the coverage study measured for stays deconvolved with per-day capture.

Where the ad sites see a present woman with a daily chance (``stay_model = "deconvolve"``),
the shortest stays are rarely seen, and the data say little about them: the median stay and
the trend of the stays then depend in part on how the EM is regularised (its start and its
100 steps; ``docs/methods/stays.md``, "What the per-day stays' intervals cannot carry"), so
the median's interval spans the EM's two starts ("The median's interval spans both
starts"), and the trend leans towards no change from either start. The coverage
study (``python -m capacity.coverage``, ``docs/methods/coverage.md``) measured how often the
chain's 95 % intervals covered the truth on the worlds where ``auto`` chose that model. The
report cites those figures in the caveat ``stays.deconvolved_coverage``, so that a reader
knows how far these intervals held on cities of this kind.

The figures are a measurement, not a computation the report could repeat: they are cited
here with their source, and ``tests/test_stays_calibration.py`` checks them against the
table committed in ``docs/methods/coverage.md`` (a new table with other figures fails it
until this module is brought in line).
"""

from __future__ import annotations

from capacity.models._base import Caveat

__all__ = ["PER_DAY_COVERAGE", "PER_DAY_FTE_LOW", "per_day_caveat"]

#: Coverage of the chain's 95 % intervals on the coverage study's worlds with per-day
#: capture (the worlds whose fits ran ``stays/deconvolve``), lowest and highest over the
#: worlds, and the hazard ratio's mean lean towards 1 (``lean``: ``1 − estimate/truth``,
#: rounded). Source: ``docs/methods/coverage.md``, the table of 2 Dec 2026 18:59 UTC at
#: ``8c93d61`` (seven worlds × 20 seeds, 100 chain-bootstrap replicates, the median stay's
#: interval spanning both EM starts, the trend's both merges of split stays): median stay
#: 100/95/100/85/95 % on worlds 1, 2, 3, 4, 7; hazard ratio 85/85/95 % on worlds 1, 3, 7
#: (the Weibull ones, biases −2.2 % each); median ratio per year 85/95/90/100/90 %.
PER_DAY_COVERAGE: dict[str, object] = {
    "median": (0.85, 1.00),
    "hazard_ratio": (0.85, 0.95),
    "median_ratio": (0.85, 1.00),
    "lean": 0.02,
}


#: How much more FTE the target needed when the chain was given the true stays (every
#: other input as estimated) than its main estimate said, lowest and highest over the
#: cases (``FTE with the true stays / FTE at the default start − 1``). Source:
#: ``docs/methods/stays.md``, "The EM's start as a bar", the table "Against the true stays"
#: (worlds 1, 2, 3 and 7, twelve cases, 2 Dec 2026): never lower, +1 to +42 %.
PER_DAY_FTE_LOW: tuple[float, float] = (0.01, 0.42)


def per_day_caveat() -> Caveat:
    """The caveat ``stays.deconvolved_coverage``: the measured coverage of these intervals.

    Examples
    --------
    >>> print(per_day_caveat())  # doctest: +ELLIPSIS
    Here the ad sites see a present woman with a daily chance, ... in 85–100% of cases. ...
    """
    return Caveat("stays.deconvolved_coverage", **PER_DAY_COVERAGE, fte_low=PER_DAY_FTE_LOW)
