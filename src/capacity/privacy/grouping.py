"""Group small categories before any share is computed, so that no share reveals a hidden count.

Primary suppression (:func:`capacity.privacy.suppress`) hides a count of 1–4 but leaves its
category's share, and the shares of the other categories with their counts: from one shown
count and its share the total follows, and from the total every hidden share gives back its
count. The languages of a small city's target group are the typical case (issue 13). So the
report *groups* categories with 0 < n < threshold into one row ("other languages") before
shares are shown, and grows that group with the smallest shown category until the group
itself reaches the threshold (a secondary suppression by grouping). Only when every
category together is below the threshold does the group stay small; its count is then
hidden by the table's primary suppression, and with it every share linked to it.

References
----------
A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), §5.2 (table
redesign: combining categories) and §5.4 (secondary suppression).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Index label of the grouped row.
OTHER = "other"


def group_small(
    frame: pd.DataFrame,
    count: str,
    threshold: int,
    *,
    sums: Sequence[str] = (),
    weighted: Sequence[str] = (),
    weight: str | None = None,
    anys: Sequence[str] = (),
) -> tuple[pd.DataFrame, list]:
    """``frame`` with every category of 0 < ``count`` < ``threshold`` merged into one row.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per category.
    count : str
        The column of counts of persons.
    threshold : int
        Smallest count that may be shown (1: nothing is grouped).
    sums : sequence of str
        Columns added up in the group (shares of the whole, FTE).
    weighted : sequence of str
        Columns averaged in the group with ``weight`` (e.g. reach, weighted by share).
    anys : sequence of str
        Boolean columns that are true for the group when true for any member.

    Returns
    -------
    frame : pandas.DataFrame
        The shown categories, then the row :data:`OTHER` when any were grouped; other
        columns of the group are missing.
    grouped : list
        The index labels merged into :data:`OTHER`.

    Examples
    --------
    >>> f = pd.DataFrame({"n": [40, 9, 3], "share": [0.77, 0.17, 0.06]}, index=["sv", "ro", "th"])
    >>> out, grouped = group_small(f, "n", 5, sums=["share"])
    >>> out["n"].tolist(), grouped
    ([40, 12], ['th', 'ro'])
    """
    n = frame[count].fillna(0).astype(float)
    small = (n > 0) & (n < threshold)
    if threshold <= 1 or not small.any():
        return frame, []
    grouped = list(n[small].sort_values().index)
    while n[grouped].sum() < threshold:
        rest = n[~n.index.isin(grouped) & (n > 0)]
        if rest.empty:
            break
        grouped.append(rest.idxmin())
    members = frame.loc[grouped]
    row: dict = {c: np.nan for c in frame.columns}
    row[count] = n[grouped].sum()
    for c in sums:
        row[c] = members[c].sum()
    if weight is not None:
        w = members[weight].fillna(0).to_numpy(dtype=float)
        for c in weighted:
            v = members[c].to_numpy(dtype=float)
            row[c] = float(np.average(v, weights=w)) if w.sum() > 0 else float(np.nanmean(v))
    for c in anys:
        row[c] = bool(members[c].fillna(False).any())
    kept = frame.drop(index=grouped)
    other = pd.DataFrame([row], index=[OTHER]).astype(
        {c: t for c, t in kept.dtypes.items() if c in row and not pd.isna(row[c])}, errors="ignore"
    )
    return pd.concat([kept, other]), grouped


def shown_count(n: float, threshold: int) -> float | None:
    """``n`` if it may be shown next to a suppressed table, else ``None`` (0 is shown)."""
    return None if 0 < n < threshold else n
