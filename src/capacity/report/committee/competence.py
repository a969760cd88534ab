"""Staff numbers or language competence? The split the committee needs on page one.

Two questions hide in "does capacity fall short": are there enough outreach staff, and can
they talk with the persons they meet? :func:`unspoken_languages` lists the languages no
outreach staff member speaks (a competence gap, whatever the staffing), and
:func:`with_interpreters` gives the fitted models as if an interpreter were available for
every contact (``interpreter_share = 1``), so that ``evaluate`` shows what competence alone
would do with today's staff, and how many FTE the target would then need.
"""

from __future__ import annotations

import pandas as pd


def with_interpreters(fitted, share: float = 1.0):
    """``fitted`` with interpreters for ``share`` of contacts in languages no staff speaks.

    The same as refitting with ``interpreter_share = share``; see
    :meth:`capacity.question4.FittedModels.with_interpreter_share`.
    """
    return fitted.with_interpreter_share(share)


def unspoken_languages(result) -> pd.DataFrame:
    """Languages of the target group that no outreach staff member speaks.

    Columns ``share_of_target_group`` and ``interpreter_share`` (the share of contacts in the
    language that can use an interpreter, 0 when none is used), largest share first.
    """
    langs = result.languages
    none = langs[langs["staff_speakers_fte"].fillna(0) <= 0]
    return pd.DataFrame(
        {
            "share_of_target_group": none["share_of_target_group"],
            "interpreter_share": none["usable_share"],
        }
    ).sort_values("share_of_target_group", ascending=False)
