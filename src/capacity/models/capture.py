r"""Which capture model the data carry: an ad captured on arrival, or seen per day present.

Two kinds of ad data need different models downstream (``docs/methods/coverage.md``):

- **on arrival**: a site's scraper captures a woman's ad when it is posted, on the day
  she arrives, and then sees it on its snapshots while she stays (the shipped sample);
  the quarterly MSE with stays deconvolved from the arrival day (``stay_model``
  ``"deconvolve_arrival"``: such a stay's start is known, only the days after her last
  sighting are estimated) at ``gap_days`` 28 fits such data;
- **per day**: a site sees a present woman on each day with a daily chance, so it
  first sees her some days into her stay and sees long stays more often; the stay-level
  detection share with deconvolved stays at ``gap_days`` 14 fits such data.

The data tell them apart. Take the stays (a person's sightings in one city with no gap
over ``gap_days``) that an ad site :math:`s` sees and that an *independent* source sees
too (police, outreach: any source that is not an ad site). Let :math:`F_s` be the day of
the site's first sighting in the stay and :math:`F_o` the first sighting by an
independent source. The **lead share** of site :math:`s` is

.. math::

    L_s = \frac{\#\{\text{stays}: F_o < F_s\}}{\#\{\text{stays seen by } s \text{ and an
    independent source}\}} .

If the site captures the ad on arrival, :math:`F_s` is the first day of the stay and no
source can see her earlier, so :math:`L_s \approx 0` (a few per cent remain: two true
stays merged into one, the first of which the site did not capture). If the site sees her
with a daily chance :math:`p`, :math:`F_s` is about :math:`1/p` days into the stay and an
independent source with daily chance :math:`q` comes first with chance about
:math:`q(1-p)/(p + q - pq)`, more once both must fall inside a finite stay; measured
0.17–0.48 on the per-day worlds of :data:`capacity.coverage.WORLDS` against 0.01–0.04 on
the worlds that capture on arrival (``docs/methods/population.md``, "Which capture model
the data carry"). The share is a binomial proportion with a Wilson score interval
(Wilson 1927; Brown, Cai & DasGupta 2001). A site is

- ``"on_arrival"`` when the interval lies below ``threshold`` (0.10, half-way between
  the two kinds of world on the log-odds scale),
- ``"per_day"`` when it lies above,
- ``"unclear"`` when it contains the threshold or fewer than ``min_pairs`` stays are
  seen by the site and an independent source.

When no site is clearly of the other kind but one is unclear, a second check decides:
the share of stays seen by two ad sites that both first saw on the same day (near 1 when
both capture on arrival, the posting day being her first day; about
:math:`pq/(p + q - pq)` under daily chances :math:`p, q`): every pair's Wilson interval
above 0.5 → on arrival, every one below → per day (``CaptureDiagnostic.same_day``,
``decided_by``).

Stays that begin within ``gap_days`` of the data's first day are left out (she may have
arrived, and the ad been posted, before the data begin). Ties (both first seen on the
same day) count as "not before": an ad captured on arrival ties with a contact on the
arrival day. The ad sites are the sources of kind ``ads`` (``ads_a``, ``ads_b``,
:func:`capacity.models.stays.deconvolve.source_group`); capture is a property of a site
and its scraper, not of a city, so all cities' stays are pooled unless ``city`` is given.

:func:`resolve_capture` turns ``Params.capture_model == "auto"`` (the default) into the
three model settings (:data:`SETTINGS`): every site on arrival → the ``"on_arrival"``
settings, every site per day → the ``"per_day"`` settings, otherwise the defaults
(quarterly MSE, margin-corrected stays, ``gap_days`` 28: the margins assume neither kind of
capture), with a caveat. If the user set any of the three, her
settings are kept (:func:`capture_caveats` says so). The national view fits every city
and asks for the margins on arrival (``on_arrival_stays``, :data:`NATIONAL_ON_ARRIVAL_STAYS`):
with the arrival model its cities' reach moved by 0.0006 on average (0.015 at most), its
intervals covered as often, and it took twice the CPU (``docs/methods/stays.md``, "`auto`
in the national view").

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. *Journal of the American Statistical Association* 22, 209–212.
Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a binomial
proportion. *Statistical Science* 16, 101–133.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.exceptions import EstimationError
from capacity.models._base import COLUMNS, Caveat, Results, require_columns

__all__ = [
    "NATIONAL_ON_ARRIVAL_STAYS",
    "SETTINGS",
    "CaptureDiagnostic",
    "capture_caveats",
    "capture_diagnostic",
    "resolve_capture",
    "resolved",
]

#: The model settings each capture model takes (``coverage.md``: "Choosing the defaults",
#: "Stays split by one missed snapshot; the candidate defaults again"; on arrival the
#: stays deconvolved from the arrival day, ``docs/methods/stays.md``: "Capture on arrival",
#: measured better than the margins on worlds 5 and 6 and on the sample).
SETTINGS: dict[str, dict] = {
    "on_arrival": {"detection_model": "mse", "stay_model": "deconvolve_arrival", "gap_days": 28},
    "per_day": {"detection_model": "stays", "stay_model": "deconvolve", "gap_days": 14},
}

#: The stay model the national view (:func:`capacity.national.national_view`) asks ``auto``
#: for on arrival: the margins. On the national truth-recovery worlds (3 worlds x 7 seeds x
#: 6 cities) and the sample its reach per stay, woman and tour moved by 0.0006 on average
#: (0.015 at most, 126 city cases), the national share by 0.0025 at most, and covered the
#: truth as often with ``deconvolve_arrival``, whose EM replicates in every city doubled the
#: view's CPU (``docs/methods/stays.md``, "`auto` in the national view").
NATIONAL_ON_ARRIVAL_STAYS = "margins"

THRESHOLD = 0.10
#: the same-first-day share that separates the two kinds when the lead share cannot decide
SAME_DAY_SPLIT = 0.5
MIN_PAIRS = 30
GAP_DAYS = 28


def _stay_ids(person, city, day, gap_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Stay number of each sighting (sorted by person, city, day), and left truncation per stay."""
    new = np.ones(len(day), dtype=bool)
    new[1:] = (
        (person[1:] != person[:-1]) | (city[1:] != city[:-1]) | (day[1:] - day[:-1] > gap_days)
    )
    sid = np.cumsum(new) - 1
    truncated = day[new] < day.min() + gap_days  # the first sighting of each stay
    return sid, truncated


def _first_days(stay: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each stay's first day among these sightings (sorted by stay, then day)."""
    ids, at = np.unique(stay, return_index=True)
    return ids, day[at]


@dataclass(frozen=True)
class CaptureDiagnostic(Results):
    """Lead share per ad site and the capture model the data carry.

    Attributes
    ----------
    table : DataFrame
        One row per ad site: ``pairs`` (stays seen by the site and an independent source),
        ``before`` (of which an independent source saw her first), ``estimate``
        (``before / pairs``), ``se``, ``ci_lower``, ``ci_upper`` (Wilson) and
        ``verdict`` (``"on_arrival"``, ``"per_day"`` or ``"unclear"``).
    capture : str
        ``"on_arrival"`` or ``"per_day"`` when every site says so, ``"mixed"`` when the
        sites disagree, ``"unclear"`` otherwise.
    threshold, alpha, gap_days : float, float, int
        The settings the verdicts were made with.
    same_day : DataFrame
        A second check: per pair of ad sites, ``pairs`` (stays both see), ``same`` (of
        which both first saw her on the same day) and its share with a Wilson interval.
        Near 1 when both capture an ad on arrival (the posting day is her first day),
        small when each sees her with a daily chance. It decides only when the lead share
        cannot (``"unclear"``; sites that clearly disagree stay ``"mixed"``): every pair's
        interval above
        ``SAME_DAY_SPLIT`` (0.5) → on arrival, every one below → per day.
    decided_by : str
        ``"lead share"``, ``"same first day"`` or ``""`` (no capture model chosen).
    """

    table: pd.DataFrame
    capture: str
    threshold: float
    alpha: float
    gap_days: int
    city: str | None = None
    same_day: pd.DataFrame | None = None
    decided_by: str = ""
    title: str = "Capture model of the ad sites (lead share of independent sources)"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Tidy frame: the lead share per ad site with its Wilson interval."""
        self._fixed_alpha(alpha)
        return self.table[COLUMNS]

    def sites(self, verdict: str) -> tuple[str, ...]:
        """The ad sites with this verdict, e.g. ``sites("on_arrival")``."""
        return tuple(str(s) for s in self.table.index[self.table["verdict"] == verdict])

    @property
    def settings(self) -> dict | None:
        """``detection_model``, ``stay_model``, ``gap_days`` for the capture found, or None."""
        return dict(SETTINGS[self.capture]) if self.capture in SETTINGS else None

    @property
    def caveats(self) -> tuple[Caveat, ...]:  # type: ignore[override]
        """What the data say about capture, and what is used (a catalogue key per case)."""
        t = self.table
        if self.capture in SETTINGS:
            lead = t["estimate"].dropna()
            return (Caveat(f"capture.{self.capture}", lead=(lead.min(), lead.max())),)
        return (
            Caveat(
                "capture.undecided",
                per_day=self.sites("per_day"),
                on_arrival=self.sites("on_arrival"),
            ),
        )

    def summary(self, alpha: float | None = None) -> str:
        """The lead shares, the verdict per site and the capture model chosen."""
        with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 120):
            body = self.table.to_string()
        where = f" in {self.city}" if self.city else ", all cities"
        lines = [
            self.title,
            "=" * len(self.title),
            f"Share of stays (seen by the site and by police/outreach{where}, gap_days "
            f"{self.gap_days}) in which police/outreach saw her before the site's first "
            f"sighting; {100 * (1 - self.alpha):g}% Wilson intervals; threshold "
            f"{self.threshold:g}.",
            body,
        ]
        if self.same_day is not None and len(self.same_day):
            with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 120):
                pairs = self.same_day.to_string()
            lines += [
                "Second check (decides only when the lead share cannot): share of stays seen by "
                "two sites whose first sightings are on the same day (near 1 on arrival, small "
                "per day).",
                pairs,
            ]
        lines += [
            f"Capture model: {self.capture}"
            + (
                f" (by the {self.decided_by}) -> {self.settings}"
                if self.settings
                else " (no setting chosen)"
            ),
        ]
        lines += [f"  - {c}" for c in self.caveats]
        return "\n".join(lines)


def _share(k: int, n: int, alpha: float) -> tuple[float, float, float, float]:
    """``k/n``, its binomial standard error and Wilson interval (NaN when ``n`` is 0)."""
    from statsmodels.stats.proportion import proportion_confint

    if not n:
        return (np.nan,) * 4
    est = k / n
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return est, float(np.sqrt(est * (1 - est) / n)), float(lo), float(hi)


def _verdict(n: int, lo: float, hi: float, threshold: float, min_pairs: int) -> str:
    if n < min_pairs:
        return "unclear"
    if hi < threshold:
        return "on_arrival"
    if lo > threshold:
        return "per_day"
    return "unclear"


def _capture(verdicts: set) -> str:
    """The capture model of all sites from their verdicts."""
    if verdicts == {"on_arrival"}:
        return "on_arrival"
    if verdicts == {"per_day"}:
        return "per_day"
    return "mixed" if {"on_arrival", "per_day"} <= verdicts else "unclear"


def _same_day(firsts: dict, alpha: float) -> pd.DataFrame:
    """Per pair of sites: stays both see, and the share first seen by both on one day."""
    rows = {}
    names = list(firsts)
    for x, site_a in enumerate(names):
        ids_a, first_a = firsts[site_a]
        for site_b in names[x + 1 :]:
            ids_b, first_b = firsts[site_b]
            _, i, j = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
            k = int((first_a[i] == first_b[j]).sum())
            est, se, lo, hi = _share(k, len(i), alpha)
            rows[f"{site_a}+{site_b}"] = {"pairs": len(i), "same": k, "estimate": est, "se": se,
                                          "ci_lower": lo, "ci_upper": hi}  # fmt: skip
    cols = ["pairs", "same", "estimate", "se", "ci_lower", "ci_upper"]
    out = (
        pd.DataFrame.from_dict(rows, orient="index", columns=cols)
        if rows
        else pd.DataFrame(columns=cols)
    )
    out.index.name = "sites"
    return out


def capture_diagnostic(
    sightings: pd.DataFrame,
    *,
    city: str | None = None,
    gap_days: int = GAP_DAYS,
    threshold: float = THRESHOLD,
    alpha: float = 0.05,
    min_pairs: int = MIN_PAIRS,
) -> CaptureDiagnostic:
    r"""The lead share of independent sources per ad site, and the capture model it implies.

    Parameters
    ----------
    sightings : DataFrame
        The sightings table (``person_id``, ``date``, ``city``, ``source``).
    city : str, optional
        Only this city's stays; default all cities pooled (capture is a property of the
        site).
    gap_days : int
        Largest gap inside one stay for this diagnostic (default 28: a stay is not split
        by one missed snapshot of a fortnightly site, which would make a snapshot look
        like a late first sighting).
    threshold : float
        Lead share separating capture on arrival (below) from capture per day (above).
    alpha : float
        Level of the Wilson intervals.
    min_pairs : int
        Fewest stays seen by a site and an independent source for a verdict.

    Returns
    -------
    CaptureDiagnostic

    Notes
    -----
    :math:`\hat L_s = k_s/n_s`, :math:`\mathrm{se} = \sqrt{\hat L_s(1-\hat L_s)/n_s}`;
    the interval is Wilson's score interval
    (``statsmodels.stats.proportion.proportion_confint(method="wilson")``). The formula,
    why it separates the two models and what it measured on the coverage worlds and the
    sample are in the module docstring and ``docs/methods/population.md``.

    Examples
    --------
    >>> import pandas as pd
    >>> days = ["2024-01-02", "2024-03-01", "2024-03-05", "2024-03-01", "2024-03-04"]
    >>> s = pd.DataFrame({"person_id": ["w", "x", "x", "y", "y"],
    ...                   "date": pd.to_datetime(days), "city": "Malmö",
    ...                   "source": ["ads_a", "ads_a", "outreach", "police", "ads_a"]})
    >>> d = capture_diagnostic(s, min_pairs=1)
    >>> row = d.table.loc["ads_a"]
    >>> int(row["pairs"]), int(row["before"]), float(row["estimate"]), row["verdict"]
    (2, 1, 0.5, 'unclear')
    """
    from capacity.models.stays.deconvolve import source_group

    require_columns(sightings, ["person_id", "date", "city", "source"], "sightings")
    s = sightings
    if city is not None:
        s = s[s["city"].astype(str) == city]
    if s.empty:
        raise EstimationError("no sightings: the capture model cannot be told from the data.")
    source = s["source"].astype(str)
    codes, names = pd.factorize(source)
    sites = sorted(str(x) for x in names if source_group(x) == "ads")
    if not sites:
        raise EstimationError(
            "no ad site (a source named ads_…) in the sightings: the capture model of the "
            "ad sites cannot be told from the data."
        )
    person = pd.factorize(s["person_id"].astype(str))[0]
    where = pd.factorize(s["city"].astype(str))[0]
    day = pd.to_datetime(s["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((day, where, person))
    person, where, day, codes = person[order], where[order], day[order], codes[order]
    sid, truncated = _stay_ids(person, where, day, gap_days)
    keep = ~truncated[sid]
    sid, day, codes = sid[keep], day[keep], codes[keep]
    site_code = {str(x): i for i, x in enumerate(names)}
    is_site = np.isin(codes, [site_code[x] for x in sites])
    ind_ids, ind_first = _first_days(sid[~is_site], day[~is_site])
    rows = {}
    for site in sites:
        mine = codes == site_code[site]
        ids, first = _first_days(sid[mine], day[mine])
        _, i, j = np.intersect1d(ids, ind_ids, assume_unique=True, return_indices=True)
        k = int((ind_first[j] < first[i]).sum())
        est, se, lo, hi = _share(k, len(i), alpha)
        rows[site] = {"pairs": len(i), "before": k, "estimate": est, "se": se, "ci_lower": lo,
                      "ci_upper": hi, "verdict": _verdict(len(i), lo, hi, threshold, min_pairs)}  # fmt: skip
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "source"
    firsts = {x: _first_days(sid[codes == site_code[x]], day[codes == site_code[x]]) for x in sites}
    capture = _capture(set(table["verdict"]))
    same_day = _same_day(firsts, alpha)
    decided_by = "lead share" if capture in SETTINGS else ""
    if capture == "unclear" and len(same_day) and (same_day["pairs"] >= min_pairs).all():
        # the second check breaks the tie: both sites first see her on one day (on arrival)
        if (same_day["ci_lower"] > SAME_DAY_SPLIT).all():
            capture, decided_by = "on_arrival", "same first day"
        elif (same_day["ci_upper"] < SAME_DAY_SPLIT).all():
            capture, decided_by = "per_day", "same first day"
    return CaptureDiagnostic(
        table=table, capture=capture, threshold=threshold, alpha=alpha, gap_days=gap_days,
        city=city, same_day=same_day, decided_by=decided_by,
    )  # fmt: skip


def resolve_capture(params, sightings: pd.DataFrame, *, on_arrival_stays: str | None = None):
    """``params`` with ``capture_model: "auto"`` replaced by the settings the data carry.

    Returns ``(params, diagnostic)``; the result's ``capture_model`` is always ``"fixed"``,
    so a refit of it (another ``gap_days``, the other model in the report's tornado) keeps
    what it is given.

    - ``capture_model: "fixed"``: the parameters unchanged, no diagnostic.
    - ``"auto"`` with ``detection_model``, ``stay_model`` or ``gap_days`` set
      (``params.models_set``): the user chose the models; they are kept, no diagnostic
      (:func:`capture_caveats` says so).
    - ``"auto"`` otherwise: the :func:`capture_diagnostic` of all cities' sightings chooses
      the three (:data:`SETTINGS`); when the sites disagree or the data are too few they
      keep their defaults (``diagnostic.caveats`` says so).

    ``on_arrival_stays``: the stay model when the data choose "on arrival", in place of
    ``SETTINGS["on_arrival"]``'s (the national view passes
    :data:`NATIONAL_ON_ARRIVAL_STAYS`); None keeps :data:`SETTINGS`. A user's own
    ``stay_model`` is kept either way.
    """
    if getattr(params, "capture_model", "fixed") != "auto":
        return params, None
    if params.models_set:
        return params.replace(capture_model="fixed"), None
    try:
        diag = capture_diagnostic(sightings)
    except EstimationError:
        return params.replace(capture_model="fixed"), None
    settings = diag.settings or {}
    if on_arrival_stays is not None and diag.capture == "on_arrival":
        settings["stay_model"] = on_arrival_stays
    return params.replace(capture_model="fixed", **settings), diag


def capture_caveats(params, diagnostic) -> tuple[Caveat, ...]:
    """What a fit says about its capture model: chosen from the data, or set by the user.

    ``params`` are the parameters as given (before :func:`resolve_capture`). Nothing when
    the data choose "on arrival" (the choice is in ``FittedModels.capture``, and the stays'
    own caveat, ``stays.deconvolved_arrival``, says how their lengths are estimated); a
    caveat when they choose "per day" or cannot decide, or when the user set the models
    under ``"auto"``.
    """
    if diagnostic is not None:
        # "on arrival": the report (whose last page has no room to spare) does not repeat
        # it, the stays' caveat names the model; diagnostic.summary() and
        # FittedModels.capture do
        return () if diagnostic.capture == "on_arrival" else diagnostic.caveats
    if getattr(params, "capture_model", "fixed") == "auto" and params.models_set:
        return (
            Caveat(
                "capture.set",
                detection_model=params.detection_model,
                stay_model=params.stay_model,
                gap_days=params.gap_days,
            ),
        )
    return ()


def resolved(params, fitted):
    """``params`` as ``fitted`` resolved them: the fitted capture settings when ``"auto"``.

    For code that gets the user's parameters beside a fit (scenarios, the tornado's
    refits): with ``capture_model: "auto"`` the three settings and ``capture_model``
    become those of ``fitted.base_params``.
    """
    if getattr(params, "capture_model", "fixed") != "auto" or fitted is None:
        return params
    base = fitted.base_params
    keys = ("capture_model", "detection_model", "stay_model", "gap_days")
    return params.replace(**{k: getattr(base, k) for k in keys})


def main(argv: list[str] | None = None) -> int:
    """``python -m capacity.models.capture FOLDER [--city CITY]``: print the diagnostic."""
    import argparse

    from capacity.config import resolve
    from capacity.dataset import load_dataset

    p = argparse.ArgumentParser(
        description="Which capture model a dataset's ad sites follow: an ad captured on "
        "arrival, or a woman seen per day present (docs/methods/population.md)."
    )
    p.add_argument("folder", help="a dataset folder (the four tables and datapackage.json)")
    p.add_argument("--city", help="only this city's stays (default: all cities pooled)")
    p.add_argument("--gap-days", type=int, default=GAP_DAYS)
    args = p.parse_args(argv)
    data = load_dataset(resolve(args.folder))
    print(capture_diagnostic(data.sightings, city=args.city, gap_days=args.gap_days).summary())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
