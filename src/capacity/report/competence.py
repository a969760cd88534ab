"""Staff numbers or language competence? The split the committee needs on page one.

Two questions hide in "does capacity fall short": are there enough outreach staff, and can
they talk with the persons they meet? :func:`unspoken_languages` lists the languages no
outreach staff member speaks (a competence gap, whatever the staffing), and
:func:`with_interpreters` gives the fitted models as if an interpreter were available for
every contact (``interpreter_share = 1``), so that ``evaluate`` shows what competence alone
would do with today's staff, and how many FTE the target would then need.
"""

from __future__ import annotations

import dataclasses

import pandas as pd


def with_interpreters(fitted, share: float = 1.0):
    """``fitted`` with interpreters for ``share`` of contacts in languages no staff speaks.

    The same as refitting with ``Params.interpreter_share = share`` (the share enters only the
    usable share per language, ``m_L = s_L + (1 − s_L)·ι``; nothing random depends on it),
    without the refit.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> from capacity.models.uncertainty import Inputs
    >>> langs = pd.DataFrame({"speaker_share": [1.0, 0.0]}, index=["sv", "bg"])
    >>> inputs = Inputs(np.ones(1), 1.0, np.ones(1), np.ones(1), None, np.ones((1, 2)), np.ones(2))
    >>> f = dataclasses.make_dataclass("F", ["languages", "inputs", "interpreter_share",
    ...     "interpreter_source"])(langs, inputs, 0.0, "none")
    >>> with_interpreters(f, 0.5).inputs.m
    array([1. , 0.5])
    """
    from capacity.models.competence import usable_share

    m = usable_share(fitted.languages["speaker_share"], share).to_numpy(dtype=float)
    return dataclasses.replace(
        fitted,
        inputs=dataclasses.replace(fitted.inputs, m=m),
        languages=fitted.languages.assign(usable_share=m),
        interpreter_share=float(share),
        interpreter_source="parameter",
    )


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
