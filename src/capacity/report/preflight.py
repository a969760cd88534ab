"""Checks that need the data but not the kernel: is the city in the data, is the period?

A report on a city the data do not hold, or on a period with none of its sightings, would
otherwise fail inside the notebook, after the kernel started and the models began to fit.
:func:`check_scope` reads only the sightings' ``city`` and ``date`` columns (as text) and
refuses such parameters in well under a second, with the cities and dates the data hold.
Everything else (the data contract, identifiers) is checked by the notebook's
:func:`capacity.io.load_dataset`, so a folder that cannot be read here is left to it.
"""

from __future__ import annotations

import difflib

import pandas as pd

from capacity.config import Params
from capacity.exceptions import CapacityError, DataError, Problem


def check_scope(params: Params) -> None:
    """Refuse a ``city`` or period of ``params`` that the dataset does not hold.

    Parameters
    ----------
    params : Params
        Validated parameters; ``data_dir`` names the dataset.

    Raises
    ------
    DataError
        The period is not inside the dataset's period (``datapackage.json``); the city
        has no sightings (with the cities there are and a "did you mean"), or
        none in ``period_start`` to ``period_end`` (with the dates there are).
    """
    from capacity.dataset import table_files

    _check_period(params)
    path = table_files(params.data_path).get("sightings")
    if path is None:
        return  # no readable sightings table: load_dataset in the notebook says why
    key = _scope_key(params, path)
    if key is not None and key in _PASSED:
        return
    _check_sightings(params, path)
    if key is not None:
        _PASSED.add(key)


#: Scopes that passed in this process, keyed by the sightings file's size and modification
#: time: a sweep's scenario reports (same data, city and period; workers forked from the
#: process that checked the comparison report) do not read the sightings again.
_PASSED: set[tuple] = set()


def _scope_key(params: Params, path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino, params.city,
            params.period_start, params.period_end)  # fmt: skip


def _check_sightings(params: Params, path) -> None:
    """The city, and its sightings in the period, in the sightings table at ``path``."""
    from capacity.io import read_table
    from capacity.parse import parse_column
    from capacity.schema import normalise_name

    try:
        raw = read_table(path, "sightings")
    except CapacityError:
        return
    raw.columns = [normalise_name(c) for c in raw.columns]
    if not {"city", "date"} <= set(raw.columns):
        return
    city = raw["city"].astype(str).str.strip()
    cities = sorted(set(city) - {""})
    if params.city not in cities:
        close = difflib.get_close_matches(params.city, cities, n=1, cutoff=0.6)
        hint = f"Did you mean '{close[0]}'? " if close else ""
        raise DataError(
            Problem(
                path.name,
                None,
                "city",
                params.city,
                f"the city {params.city!r} does not occur in the data ({params.data_path})",
                f"{hint}Set the parameter 'city' to one of: {', '.join(cities)}.",
            )
        )
    dates, _ = parse_column(raw.loc[city == params.city, "date"], "date")
    dates = dates.dropna()
    start, end = pd.Timestamp(params.period_start), pd.Timestamp(params.period_end)
    if dates.empty or not ((dates >= start) & (dates <= end)).any():
        held = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "none"
        raise DataError(
            Problem(
                path.name,
                None,
                "date",
                f"{params.period_start} to {params.period_end}",
                f"no sightings in {params.city} in the period",
                f"Choose period_start/period_end within {held} (the sightings of "
                f"{params.city} in {params.data_path}).",
            )
        )


def _check_period(params: Params) -> None:
    """``period_start`` to ``period_end`` must lie inside the period ``datapackage.json`` names."""
    import json

    path = params.data_path / "datapackage.json"
    try:
        period = json.loads(path.read_text(encoding="utf-8-sig"))["period"]
        start = pd.to_datetime(period["start"], format="%Y-%m-%d").date()
        end = pd.to_datetime(period["end"], format="%Y-%m-%d").date()
    except (OSError, ValueError, KeyError, TypeError):
        return  # no readable period: load_dataset in the notebook says what is wrong
    if params.period_start < start or params.period_end > end:
        raise DataError(
            Problem(
                path.name,
                None,
                "period",
                f"{params.period_start} to {params.period_end}",
                f"the report's period is not inside the data's period {start} to {end}",
                f"Set period_start and period_end within {start} to {end} (in the parameter "
                "file or with -p), or use data that cover the period.",
            )
        )
