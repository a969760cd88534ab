"""Report tables: small-cell suppression, locale formatting, accessible HTML and Excel.

Every table a report shows or exports is made with :func:`make_table`, which sends the
count columns through :func:`capacity.privacy.suppress` and remembers which cells were
hidden, so that the report can say what was suppressed. :func:`to_html` writes an
accessible table (``<caption>``, ``<th scope="col">`` and ``<th scope="row">``) with numbers
in the report's locale; :func:`capacity.tables_xlsx.write_xlsx` writes every table of a run
into one workbook with one sheet per table, headers in the report language with units, a
frozen header row and a contents sheet listing captions and suppressed cells.

Suppressed cells are shown as ``<k`` (``k`` the threshold) in HTML and in Excel; numbers
stay numbers in Excel (formatted, not converted to text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from capacity.i18n import (
    EN_DASH,
    check_language,
    format_interval,
    format_number,
    format_percent,
    format_probability,
    t,
)

#: Column kinds understood by the formatters.
KINDS = (
    "count",
    "number",
    "number1",
    "number2",
    "percent",
    "probability",
    "text",
    "bool",
    "date",
)


@dataclass
class Table:
    """One report table after disclosure control.

    Attributes
    ----------
    name : str
        Short identifier, used as the Excel sheet name (at most 31 characters).
    caption : str
        Caption without the number (the number is added when the table is shown).
    frame : DataFrame
        Values after suppression; suppressed cells are missing (``NaN``/``<NA>``).
    headers : dict
        Column name -> header text in the report language (with the unit).
    kinds : dict
        Column name -> one of :data:`KINDS`.
    row_kinds : dict
        Row label -> kind, overriding the column kind for numeric columns of that row
        (for key-figure tables mixing shares, FTE and days).
    suppressed : list of (row label, column)
        Cells hidden by disclosure control (small counts, cells hidden to protect them and
        the shares linked to either).
    secondary : list of (row label, column)
        The count cells among ``suppressed`` that are not small but hidden to protect a
        small one (shown as "hidden", not ``<threshold``).
    threshold : int
        The suppression threshold (counts below it are hidden).
    number : int
        Table number in the report (1-based), 0 when not yet numbered.
    index_header : str
        Header of the row-label column.
    """

    name: str
    caption: str
    frame: pd.DataFrame
    headers: dict[str, str]
    kinds: dict[str, str]
    row_kinds: dict[Any, str] = field(default_factory=dict)
    suppressed: list[tuple[Any, str]] = field(default_factory=list)
    secondary: list[tuple[Any, str]] = field(default_factory=list)
    threshold: int = 5
    number: int = 0
    index_header: str = ""
    lang: str = "sv"

    @property
    def n_suppressed(self) -> int:
        """Number of cells hidden by small-cell suppression."""
        return len(self.suppressed)

    def marker(self, row: Any, col: str) -> str:
        """What a hidden cell reads: ``<threshold`` for a small count, else "hidden"."""
        small = self.kinds[col] == "count" and (str(row), col) not in {
            (str(r), c) for r, c in self.secondary
        }
        return f"<{self.threshold}" if small else t("hidden", self.lang)

    def full_caption(self) -> str:
        """The caption with its number (``Table 3. ...``)."""
        prefix = t("table", self.lang)
        return f"{prefix} {self.number}. {self.caption}" if self.number else self.caption

    def to_json(self) -> str:
        """Serialise (for passing tables from the notebook kernel to the renderer)."""
        payload = {
            "name": self.name,
            "caption": self.caption,
            "frame": json.loads(self.frame.to_json(orient="split", date_format="iso")),
            "index_name": self.frame.index.name,
            "headers": self.headers,
            "kinds": self.kinds,
            "row_kinds": {str(k): v for k, v in self.row_kinds.items()},
            "suppressed": [[str(r), c] for r, c in self.suppressed],
            "secondary": [[str(r), c] for r, c in self.secondary],
            "threshold": self.threshold,
            "number": self.number,
            "index_header": self.index_header,
            "lang": self.lang,
        }
        return json.dumps(payload, ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> Table:
        """A table from :meth:`to_json` text."""
        d = json.loads(text)
        fr = d["frame"]
        frame = pd.DataFrame(fr["data"], index=[str(i) for i in fr["index"]], columns=fr["columns"])
        frame.index.name = d["index_name"]
        return cls(
            name=d["name"],
            caption=d["caption"],
            frame=frame,
            headers=d["headers"],
            kinds=d["kinds"],
            row_kinds=d["row_kinds"],
            suppressed=[(r, c) for r, c in d["suppressed"]],
            secondary=[(r, c) for r, c in d.get("secondary", [])],
            threshold=d["threshold"],
            number=d["number"],
            index_header=d["index_header"],
            lang=d["lang"],
        )


def make_table(
    frame: pd.DataFrame,
    *,
    name: str,
    caption: str,
    lang: str,
    threshold: int,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    count_columns: Sequence[str] | None = None,
    row_kinds: Mapping[Any, str] | None = None,
    index_header: str = "",
    linked: Mapping[str, Sequence[str]] | None = None,
    sum_rows: bool = False,
    sum_columns: bool | Sequence[str] = (),
    hide: pd.DataFrame | None = None,
) -> Table:
    """Apply disclosure control to ``count_columns`` and wrap the frame as a :class:`Table`.

    Parameters
    ----------
    frame : DataFrame
        Rows labelled by the index (shown as the first column).
    count_columns : sequence of str, optional
        Columns holding counts of persons (or of their stays, contacts, sightings); they go
        through :func:`capacity.privacy.suppression.protect` with ``threshold``. Default:
        the columns of kind ``"count"``.
    linked : mapping, optional
        Count column -> columns computed from it (shares, rates, intervals). When a count is
        hidden, its linked cells in the same row are hidden too, so that the count cannot
        be recovered from a share and its denominator.
    sum_rows, sum_columns : optional
        The count cells of each row / of these count columns (``True``: all) add up to a
        total a reader may know (a total column, a total printed elsewhere, a share beside a
        shown count). Enough further cells are hidden that no small count follows from such
        a total (secondary suppression, see ``protect``).
    hide : DataFrame of bool, optional
        Further cells to hide (same index, any of the columns), e.g. a rate whose numerator
        is a small count; recorded as suppressed.

    Notes
    -----
    Suppressed cells are kept missing in the frame; HTML and Excel show a small count as
    ``<threshold`` and any other hidden cell as "hidden".
    """
    check_language(lang)
    if len(name) > 31:
        raise ValueError(f"table name {name!r} is longer than Excel's 31 characters")
    kinds = dict(kinds or {})
    for col in frame.columns:
        kinds.setdefault(col, "number" if pd.api.types.is_numeric_dtype(frame[col]) else "text")
    unknown = {k for k in kinds.values() if k not in KINDS}
    if unknown:
        raise ValueError(f"unknown column kind(s) {unknown}; use {KINDS}")
    counts = (
        list(count_columns)
        if count_columns is not None
        else [c for c in frame if kinds[c] == "count"]
    )
    out = frame.copy()
    suppressed: list[tuple[Any, str]] = []
    secondary: list[tuple[Any, str]] = []
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    if counts:
        from capacity.privacy.suppression import protect, suppress

        suppress(frame, threshold=threshold, columns=counts)  # checks threshold and columns
        cols = sum_columns if sum_columns is True else [c for c in sum_columns if c in counts]
        primary, second = protect(frame[counts], threshold, rows=sum_rows, columns=cols)
        hidden[counts] = primary | second
        secondary = [
            (frame.index[i], counts[j]) for i, j in zip(*np.nonzero(second.to_numpy()), strict=True)
        ]
    if hide is not None:
        extra = hide.reindex(index=frame.index, columns=frame.columns).fillna(False).astype(bool)
        hidden |= extra & ~hidden
    for col in counts:
        for other in (linked or {}).get(col, ()):
            hidden[other] |= hidden[col]
    for col in frame.columns:
        mask = hidden[col].to_numpy(dtype=bool)
        if mask.any():
            if pd.api.types.is_numeric_dtype(out[col]) and col in counts:
                out[col] = frame[col].astype("Float64").mask(mask)
            else:
                if not pd.api.types.is_numeric_dtype(out[col]):
                    out[col] = out[col].astype(object)
                out[col] = out[col].mask(mask)
            suppressed += [(row, col) for row in frame.index[mask]]
    return Table(
        name=name,
        caption=caption,
        frame=out,
        headers={c: (headers or {}).get(c, str(c)) for c in frame.columns},
        kinds=kinds,
        row_kinds=dict(row_kinds or {}),
        suppressed=suppressed,
        secondary=secondary,
        threshold=threshold,
        index_header=index_header,
        lang=lang,
    )


def format_cell(value: Any, kind: str, lang: str) -> str:
    """One value as text in the report locale."""
    if kind == "text":
        return (
            EN_DASH
            if value is None or (isinstance(value, float) and np.isnan(value))
            else str(value)
        )
    if kind == "bool":
        if value is None or value is pd.NA:
            return EN_DASH
        return t("yes" if bool(value) else "no", lang)
    if kind == "date":
        return EN_DASH if pd.isna(value) else str(value)[:10]
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return EN_DASH
    if isinstance(value, str):
        return value
    if kind == "percent":
        return format_percent(float(value), lang)
    if kind == "probability":
        return format_probability(float(value), lang)
    decimals = {"count": 0, "number": 0, "number1": 1, "number2": 2}[kind]
    return format_number(float(value), lang, decimals)


def cell_kind(table: Table, row: Any, col: str) -> str:
    """The display kind of one cell (a row's own kind wins over the column's)."""
    kind = table.kinds[col]
    rk = table.row_kinds.get(row) or table.row_kinds.get(str(row))
    if rk and kind not in ("text", "bool", "date"):
        return rk
    return kind


def to_html(
    table: Table,
    *,
    interval: tuple[str, str] | None = None,
    interval_header: str = "",
    interval_after: str | None = None,
) -> str:
    """An accessible HTML table with a numbered caption and scoped headers.

    ``interval=("ci_lower", "ci_upper")`` merges the two columns into one column of
    intervals written like '35–50 %', placed after column ``interval_after`` (default: last).
    """
    cols = [c for c in table.frame.columns if not interval or c not in interval]
    supp = {(str(r), c) for r, c in table.suppressed}
    head = [f'<th scope="col">{escape(table.index_header)}</th>']
    head += [f'<th scope="col">{escape(table.headers[c])}</th>' for c in cols]
    at = len(head)  # where the merged interval column goes
    if interval:
        if interval_after in cols:
            at = cols.index(interval_after) + 2
        head.insert(at, f'<th scope="col">{escape(interval_header)}</th>')
    rows = []
    for label, rec in table.frame.iterrows():  # display only: tables have few rows
        cells = [f'<th scope="row">{escape(str(label))}</th>']
        for c in cols:
            if (str(label), c) in supp:
                text, cls = escape(table.marker(label, c)), "num suppressed"
            else:
                kind = cell_kind(table, label, c)
                text = escape(format_cell(rec[c], kind, table.lang))
                cls = "num" if kind not in ("text", "bool", "date") else "txt"
            cells.append(f'<td class="{cls}">{text}</td>')
        if interval:
            lo, hi = rec[interval[0]], rec[interval[1]]
            kind = cell_kind(table, label, interval[0])
            if (str(label), interval[0]) in supp:
                text = t("hidden", table.lang)
            elif isinstance(lo, str) or pd.isna(lo) or pd.isna(hi):
                text = EN_DASH
            elif kind == "percent":
                text = format_interval(float(lo), float(hi), table.lang, percent=True)
            else:
                d = {"count": 0, "number": 0, "number1": 1, "number2": 2}.get(kind, 1)
                text = format_interval(float(lo), float(hi), table.lang, decimals=d)
            cells.insert(at, f'<td class="num">{escape(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    keep = " keep" if len(table.frame) <= 15 else ""
    return (
        f'<div class="table-block{keep}">'
        f'<table class="report-table" id="table-{escape(table.name)}">'
        f"<caption>{escape(table.full_caption())}</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def suppression_sentence(tables: Sequence[Table], lang: str) -> str:
    """What disclosure control hid, in one sentence for the report."""
    threshold = tables[0].threshold if tables else 5
    hit = [tb for tb in tables if tb.n_suppressed]
    if not hit:
        return t("suppressed_none", lang, threshold=threshold)
    word = t("table", lang).lower()
    where = "; ".join(
        f"{word} {tb.number} ({', '.join(sorted({tb.headers[c] for _, c in tb.suppressed}))})"
        for tb in hit
    )
    n = sum(tb.n_suppressed for tb in hit)
    small = sum(tb.marker(r, c).startswith("<") for tb in hit for r, c in tb.suppressed)
    if small == n:
        return t("suppressed_some", lang, n=n, threshold=threshold, where=where)
    return t(
        "suppressed_mixed",
        lang,
        n=n,
        small=small,
        other=n - small,
        threshold=threshold,
        where=where,
    )


def read_tables(folder: str | Path) -> list[Table]:
    """Read the tables a notebook saved as ``<folder>/NN_<name>.json``, in report order."""
    return [
        Table.from_json(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))
    ]
