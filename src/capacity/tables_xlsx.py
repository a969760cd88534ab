"""Every table of a report run in one Excel workbook (``tables.xlsx``).

One sheet per table, headers in the report language with units, a frozen header row, and a
contents sheet listing captions and suppressed cells. Numbers stay numbers (formatted, not
converted to text); suppressed cells read ``<k`` (``k`` the threshold).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from capacity.i18n import t
from capacity.tables import Table, cell_kind

_XLSX_FORMATS = {
    "count": "#,##0",
    "number": "#,##0",
    "number1": "#,##0.0",
    "number2": "#,##0.00",
    "percent": "0.0%",
    "probability": "0%",
}


def write_xlsx(tables: Sequence[Table], path: str | Path, lang: str, when=None) -> Path:
    """Write every table into one workbook: a contents sheet, then one sheet per table.

    Headers are in the report language and carry the units; the header row is frozen;
    numbers stay numeric with an Excel number format; suppressed cells read ``<k``. With
    ``when`` (a datetime) every timestamp in the file is ``when``, so that the same tables
    give the same bytes (:mod:`capacity.report.reproducible`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    toc = wb.active
    toc.title = t("xlsx_contents", lang)
    toc_head = [t(k, lang) for k in ("table", "xlsx_sheet", "xlsx_caption", "xlsx_suppressed")]
    toc.append(toc_head)
    for cell in toc[1]:
        cell.font = Font(bold=True)
    toc.freeze_panes = "A2"
    used: set[str] = {toc.title}
    for tb in tables:
        sheet = _sheet_name(tb.name, used)
        used.add(sheet)
        toc.append([tb.number, sheet, tb.caption, tb.n_suppressed])
        _write_table(wb.create_sheet(sheet), tb, lang)
    for j, width in enumerate((10, 26, 80, 14), start=1):
        toc.column_dimensions[get_column_letter(j)].width = width
    tmp = path.with_suffix(".xlsx.tmp")  # written whole, then moved into place
    wb.save(tmp)
    if when is not None:
        from capacity.report.reproducible import normalise_zip

        normalise_zip(tmp, when)
    tmp.replace(path)
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters at most) that is not in ``used``."""
    sheet, k = name[:31], 2
    while sheet in used:
        sheet = f"{name[:28]}_{k}"
        k += 1
    return sheet


def _write_table(ws, tb: Table, lang: str) -> None:
    """One table into sheet ``ws``: bold header row, frozen panes, a row per table row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([tb.index_header or ""] + [tb.headers[c] for c in tb.frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    supp = {(str(r), c) for r, c in tb.suppressed}
    for r, (label, rec) in enumerate(tb.frame.iterrows(), start=2):
        ws.cell(row=r, column=1, value=str(label))
        for j, c in enumerate(tb.frame.columns, start=2):
            cell = ws.cell(row=r, column=j)
            if (str(label), c) in supp:
                cell.value = tb.marker(label, c)
                cell.alignment = Alignment(horizontal="right")
            else:
                _write_value(cell, rec[c], cell_kind(tb, label, c), lang)
    for j in range(1, tb.frame.shape[1] + 2):
        ws.column_dimensions[get_column_letter(j)].width = 22 if j > 1 else 34


def _write_value(cell, value, kind: str, lang: str) -> None:
    """A value as Excel keeps it: numbers numeric with a number format, yes/no in words."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        cell.value = None
    elif kind == "bool":
        cell.value = t("yes" if bool(value) else "no", lang)
    elif isinstance(value, np.generic):
        cell.value = value.item()
    else:
        cell.value = value if isinstance(value, int | float | str) else str(value)
    if kind in _XLSX_FORMATS and isinstance(cell.value, int | float):
        cell.number_format = _XLSX_FORMATS[kind]
