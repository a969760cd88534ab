"""Same inputs and parameters, same bytes: fixed timestamps and ids in every rendered file.

A report rendered twice from the same data and parameters should give byte-identical
tables, figures, HTML, XLSX and PDF, so that a reader can check a copy against a rerun and
a reviewer can diff two runs. Three things vary from run to run unless fixed:

* timestamps: the HTML's ``dcterms.created``, the PDF's creation date, the XLSX's
  ``docProps/core.xml`` and the time stamp of every member of its zip. All take
  :func:`build_time`: ``$SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention,
  seconds since 1970-01-01 UTC), else the last day of the report's period — the date the
  report speaks about. The wall-clock run time is recorded in ``provenance.json`` only;
* SVG element ids, which matplotlib draws at random unless ``svg.hashsalt`` is set
  (:func:`capacity.figures_style.style` sets it), and the SVG's ``dc:date`` (not written);
* nothing else: tables and PNG figures are already deterministic with the fixed seed.

References
----------
Reproducible Builds, *SOURCE_DATE_EPOCH specification* (2017),
https://reproducible-builds.org/specs/source-date-epoch/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

#: matplotlib's ``svg.hashsalt``: SVG ids depend on the figure only.
SVG_HASHSALT = "capacity"


def build_time(period_end: dt.date | None = None) -> dt.datetime:
    """``$SOURCE_DATE_EPOCH`` as a UTC time, else ``period_end`` at 00:00 UTC, else 1980-01-01.

    Examples
    --------
    >>> os.environ.pop("SOURCE_DATE_EPOCH", None) and None
    >>> build_time(dt.date(2025, 12, 31)).isoformat()
    '2025-12-31T00:00:00+00:00'
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    day = period_end or dt.date(1980, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def normalise_zip(path: str | Path, when: dt.datetime) -> None:
    """Rewrite an Office zip (XLSX) with every member stamped ``when``, in a fixed order.

    openpyxl stamps each member with the wall-clock time and ``docProps/core.xml`` with
    ``created``/``modified`` = now; both become ``when``. Written to a temporary file beside
    ``path``, then moved into place.
    """
    path = Path(path)
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = max(when.astimezone(dt.UTC).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(path) as z:
        members = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    tmp = path.with_name(f".{path.name}.zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{stamp}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    tmp.replace(path)
