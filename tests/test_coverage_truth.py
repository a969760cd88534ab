"""The coverage study's truth means what the issue says: reached at least once *in the period*.

``capacity.coverage.chain_truth``'s ``reach_woman`` counts a woman as reached only by a
contact understood inside the chain's window (``truth/stays.csv``'s ``first_understood`` and
``last_understood``); the flag ``contacted_understood`` is for any time, also before the
window (the generator's burn-in), and made the truth too high by 2–5 % on world 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capacity.coverage import chain_truth


class _Syn:
    """The parts of a :class:`~capacity.synth.Synthetic` that ``chain_truth`` reads."""

    def __init__(self, stays):
        pop = pd.DataFrame(
            {"city": ["Stockholm"], "quarter": ["2022Q1"], "arrivals_per_week": [1.0],
             "mean_present_per_day": [3.0], "persons_seen_any_source": [2],
             "persons_present": [3]}
        )  # fmt: skip
        self.truth = {"stays": stays, "population": pop, "truth": {}}


def _stays():
    t = pd.Timestamp
    nat = pd.NaT
    return pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "c"],
            "city": "Stockholm",
            # a: begun before the window, reached only before it; b: reached in it;
            # c: two stays, the first reached before the window and in it, the second not
            "arrive": [t("2021-11-01"), t("2022-02-01"), t("2021-12-01"), t("2022-05-01")],
            "leave": [t("2022-01-20"), t("2022-02-20"), t("2022-01-10"), t("2022-05-09")],
            "seen_by_any_source": True,
            "contacted_understood": [True, True, True, False],
            "first_understood": [t("2021-12-15"), t("2022-02-03"), t("2021-12-20"), nat],
            "last_understood": [t("2021-12-15"), t("2022-02-03"), t("2022-01-05"), nat],
        }
    )


def test_reach_per_woman_counts_only_contacts_inside_the_window():
    start, end = pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31")
    truth = chain_truth(_Syn(_stays()), "Stockholm", start, end)
    assert truth["reach_woman"] == 2 / 3  # b and c; a was reached only before the window
    # the stays arriving in the window: b reached, c's second not
    assert truth["reach_stay"] == 0.5
    # a window holding every contact counts them all, as the flag does
    wide = chain_truth(_Syn(_stays()), "Stockholm", pd.Timestamp("2021-01-01"), end)
    assert wide["reach_woman"] == 1.0


def test_the_generators_contact_dates_agree_with_its_flag():
    from capacity.synth import generate

    st = generate(3, scale=0.05, n_cities=3).truth["stays"]
    has = st["first_understood"].notna().to_numpy()
    assert np.array_equal(has, st["contacted_understood"].to_numpy(dtype=bool))
    assert has.sum() > 20
    inside = st[has]
    assert (inside["first_understood"] >= inside["arrive"]).all()
    assert (inside["last_understood"] <= inside["leave"]).all()
    assert (inside["first_understood"] <= inside["last_understood"]).all()
    # some stays are reached only in the burn-in before the period: dates before it
    assert (inside["last_understood"] < inside["arrive"].min() + pd.Timedelta(days=365)).any()
