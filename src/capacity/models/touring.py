"""Touring: how many cities a person works in per month, and the city-to-city flows.

:func:`touring` takes the stays of :func:`capacity.models.stays.build_stays` (all cities)
and gives the number of cities a person works in per month and the city-to-city flow
matrix of consecutive stays. Methods in ``docs/methods/stays.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.exceptions import EstimationError
from capacity.models._base import Caveat, Results, normal_interval, tidy

__all__ = ["TouringResults", "touring"]


@dataclass(frozen=True, repr=False)
class TouringResults(Results):
    """How many cities a person works in per month, and where they go next.

    Attributes
    ----------
    cities_per_person_month : DataFrame
        Distribution: index number of cities, columns ``person_months`` and ``share``.
    flow_matrix : DataFrame
        Consecutive stays of a person: rows the city left, columns the next city.
    mean_cities, mean_se : float
        Mean cities per person-month and its person-clustered standard error.
    """

    cities_per_person_month: pd.DataFrame
    flow_matrix: pd.DataFrame
    mean_cities: float
    mean_se: float
    share_multi_city: float
    share_multi_city_se: float
    n_person_months: int
    caveats: tuple[Caveat, ...] = ()
    title: str = "Touring between cities"

    def summary_frame(self, alpha: float | None = None) -> pd.DataFrame:
        """Mean cities per person-month and the share of person-months in 2+ cities."""
        alpha = self._alpha(alpha)
        m_lo, m_hi = normal_interval(self.mean_cities, self.mean_se, alpha)
        s_lo, s_hi = normal_interval(self.share_multi_city, self.share_multi_city_se, alpha)
        return tidy(
            {
                "cities_per_person_month": (self.mean_cities, self.mean_se, m_lo, m_hi),
                "share_multi_city_months": (
                    self.share_multi_city,
                    self.share_multi_city_se,
                    max(s_lo, 0.0),
                    min(s_hi, 1.0),
                ),
            }
        )


def _clustered_mean(values: np.ndarray, cluster: np.ndarray) -> tuple[float, float]:
    """Mean and its cluster-robust (by person) standard error."""
    n = len(values)
    mean = float(values.mean())
    resid = np.bincount(cluster, weights=values - mean)
    k = len(resid)
    se = np.sqrt(k / max(k - 1, 1) * np.sum(resid**2)) / n
    return mean, float(se)


def touring(stays: pd.DataFrame) -> TouringResults:
    """Cities per person and month, and the city-to-city flow matrix.

    Parameters
    ----------
    stays : DataFrame
        Output of :func:`build_stays` (all cities).

    Notes
    -----
    A stay counts in every calendar month it overlaps; cities per person-month is the
    number of distinct cities among them. Its mean has a standard error clustered by
    person, ``SE = sqrt(K/(K-1) Σ_k (Σ_{i∈k} (x_i - x̄))^2) / n``. The flow matrix counts
    pairs of consecutive stays ``(city_i, city_{i+1})`` of one person (ordered by start);
    stays in the same city after a gap count on the diagonal.

    References
    ----------
    Cameron, A. C., Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. J. Human Resources 50, 317–372.
    """
    if stays.empty:
        raise EstimationError("no stays: cannot describe touring.")
    first = stays["start"].dt.year.to_numpy() * 12 + stays["start"].dt.month.to_numpy() - 1
    last = stays["end"].dt.year.to_numpy() * 12 + stays["end"].dt.month.to_numpy() - 1
    reps = (last - first + 1).astype(np.int64)
    pid, _ = pd.factorize(stays["person_id"])
    cid, cities = pd.factorize(stays["city"])
    offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    long_ = pd.DataFrame(
        {"p": np.repeat(pid, reps), "m": np.repeat(first, reps) + offset, "c": np.repeat(cid, reps)}
    ).drop_duplicates()
    per = long_.groupby(["p", "m"], sort=False)["c"].size()
    values = per.to_numpy().astype(float)
    persons = per.index.get_level_values("p").to_numpy()
    mean, se = _clustered_mean(values, persons)
    multi, multi_se = _clustered_mean((values > 1).astype(float), persons)
    dist = per.value_counts().sort_index().rename("person_months").to_frame()
    dist.index.name = "cities"
    dist["share"] = dist["person_months"] / dist["person_months"].sum()

    order = np.lexsort((stays["start"].to_numpy(), pid))
    p_sorted, c_sorted = pid[order], cid[order]
    same = p_sorted[1:] == p_sorted[:-1]
    names = np.asarray(cities, dtype=object)
    flows = pd.crosstab(
        pd.Categorical(names[c_sorted[:-1][same]], categories=list(cities)),
        pd.Categorical(names[c_sorted[1:][same]], categories=list(cities)),
        dropna=False,
    )
    flows.index.name, flows.columns.name = "from_city", "to_city"
    caveats = (Caveat("touring.lower_bound"),)
    return TouringResults(
        cities_per_person_month=dist,
        flow_matrix=flows,
        mean_cities=mean,
        mean_se=se,
        share_multi_city=multi,
        share_multi_city_se=multi_se,
        n_person_months=len(values),
        caveats=caveats,
    )
