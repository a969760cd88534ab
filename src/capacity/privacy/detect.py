"""Identifier detection: refuse personal identifiers in a table before the data enter ``data/``.

:func:`find_identifiers` scans a table for identifier-like column names and values
(personal identity numbers, phone numbers, e-mail addresses, person names, free text).
:func:`capacity.dataset.load_dataset` calls it on every table and refuses the data if it finds any.
Found values are masked, never echoed in full. See ``docs/privacy.md``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from capacity.config import PACKAGE_DATA
from capacity.exceptions import Problem

__all__ = ["find_identifiers"]

# --- identifier-like column names ----------------------------------------------------------
_ID_NAME_TOKENS = frozenset(
    "namn name names fornamn efternamn firstname lastname surname fullname personnummer pnr "
    "ssn samordningsnummer telefon telefonnummer tel phone phonenumber mobil mobilnummer "
    "mobile mobiltelefon epost email mail emailaddress adress address gatuadress".split()
)
_TEXT_NAME_TOKENS = frozenset(
    "comment comments kommentar kommentarer fritext freetext notes note anteckning "
    "anteckningar".split()
)
_PSEUDONYM_MARKERS = frozenset("id pseudonym pseudonymised pseudonymized hash hashed".split())
_CODE_TYPES = frozenset({"pseudonym", "code", "category", "language", "language_list"})

# --- identifier-like values (RE2-compatible: no look-arounds, so pyarrow runs them) --------
_B = "[^0-9A-Za-z]"  # a boundary that is neither a digit nor a letter
_PNR = rf"(?:^|{_B})(?P<c>19|20)?(?P<d>[0-9]{{6}})(?P<s>[-+]?)(?P<n>[0-9]{{4}})(?:$|{_B})"
_AREA = "(?:08|0[1-9][0-9]{1,2})"  # Stockholm's 08 or a 3-4 digit area code
_PHONE = (
    rf"(?:^|[^0-9A-Za-z+])(?:(?:\+|00)[1-9](?:[ \-]?\(?[0-9]\)?){{7,12}}"
    r"|07[0-9](?:[ \-]?[0-9]){7}"
    rf"|{_AREA}[ \-][0-9]{{2,3}}(?: ?[0-9]{{2,3}}){{1,2}}"
    rf"|{_AREA}-[0-9]{{5,8}})(?:$|{_B})"
)
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_PERSON_NAME = r"[A-ZÅÄÖÉÜØÆ][a-zåäöéüøæß'\-]+(?: [A-ZÅÄÖÉÜØÆ][a-zåäöéüøæß'\-]+)+"
_FREE_TEXT_MIN_CHARS = 20  # and at least 4 words

IDENTIFIER_RULES = {
    "name": "the column name suggests personal identifiers ({what})",
    "text_name": "the column name suggests free text ({what}), which may identify a person",
    "pnr": "looks like a Swedish personal identity or coordination number",
    "email": "looks like an e-mail address",
    "phone": "looks like a phone number",
    "person": "looks like a person's name in a column that must hold codes or pseudonyms",
    "text": "looks like free text (several words), which may identify a person",
}
_FIX = (
    "Replace the column with pseudonyms before the data enter data/: capacity pseudonymise "
    "{file} OUT --column '{column}' --key-file KEY, or drop it (--drop '{column}'). "
    "See docs/privacy.md"
)
_FIX_TEXT = (
    "Remove the column before the data enter data/: the models never use free text "
    "(capacity pseudonymise drops such columns, or add --drop '{column}'). See docs/privacy.md"
)
_FIX_IN_TEXT = (
    "Drop the column (capacity pseudonymise {file} OUT ... --drop '{column}'): it is free "
    "text with identifiers inside, which a pseudonym of the whole text would not remove, and "
    "the models never use free text. See docs/privacy.md"
)


@cache
def _contract_code_columns() -> dict[str, frozenset[str]]:
    """Columns the data contract types as codes or pseudonyms, per table and ``"*"`` (any)."""
    with open(PACKAGE_DATA / "dictionary.csv", encoding="utf-8", newline="") as fh:
        rows = [r[:3] for r in csv.reader(fh)]  # only table, column, type are needed
    d = pd.DataFrame(rows[1:], columns=rows[0])
    d = d[d["type"].isin(_CODE_TYPES)]
    out = {t: frozenset(g["column"]) for t, g in d.groupby("table")}
    out["*"] = frozenset(d["column"])
    return out


def _name_tokens(column: str) -> tuple[set[str], str]:
    ascii_ = unicodedata.normalize("NFKD", str(column)).encode("ascii", "ignore").decode()
    ascii_ = re.sub(r"([a-z])([A-Z])", r"\1_\2", ascii_).lower()
    tokens = {t for t in re.split(r"[^a-z0-9]+", ascii_) if t}
    return tokens, "".join(sorted(tokens, key=ascii_.find))


def column_name_kind(column: str) -> str | None:
    """``"name"``, ``"text_name"`` or ``None`` for a column name."""
    tokens, joined = _name_tokens(column)
    if tokens & _PSEUDONYM_MARKERS:
        return None
    if tokens & _TEXT_NAME_TOKENS or joined in _TEXT_NAME_TOKENS:
        return "text_name"
    if tokens & _ID_NAME_TOKENS or joined in _ID_NAME_TOKENS:
        return "name"
    return None


def _digit_matrix(ten: pa.Array) -> np.ndarray:
    """(n, 10) digits of n ten-character ASCII digit strings, read from Arrow's buffers."""
    ten = ten.cast(pa.large_string())
    offsets = np.frombuffer(ten.buffers()[1], dtype=np.int64)[ten.offset : ten.offset + len(ten)]
    data = np.frombuffer(ten.buffers()[2], dtype=np.uint8)
    return data[offsets[:, None] + np.arange(10)].astype(np.int64) - 48


def _pnr_valid(d: np.ndarray) -> np.ndarray:
    """Date part possible and Luhn digit right, for rows of digits ``YYMMDDNNNC``."""
    month, day = 10 * d[:, 2] + d[:, 3], 10 * d[:, 4] + d[:, 5]
    day = np.where(day > 60, day - 60, day)  # coordination numbers add 60 to the day
    p = d[:, :9] * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    luhn = ((p // 10 + p % 10).sum(axis=1) + d[:, 9]) % 10 == 0
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & luhn


def _pnr_hits(values: pd.Series) -> np.ndarray:
    """Positions of the values holding a personal identity or coordination number."""
    near = np.flatnonzero(
        ((values.str.len() >= 10) & values.str.contains("[0-9]{6}")).to_numpy(dtype=bool)
    )
    if near.size == 0:
        return near
    found = pc.extract_regex(pa.array(values.iloc[near], type=pa.string()), _PNR)
    ok = found.is_valid().to_numpy(zero_copy_only=False)
    found = found.filter(pa.array(ok))
    ten = pc.binary_join_element_wise(found.field("d"), found.field("n"), "")
    return near[ok][_pnr_valid(_digit_matrix(ten))] if len(ten) else near[:0]


def _mask(kind: str, value: str) -> str:
    """The shown part of one reported value: never the identifier in full."""
    pattern = {"pnr": _PNR, "email": _EMAIL, "phone": _PHONE}.get(kind)
    m = re.search(pattern, value) if pattern else None
    if kind == "pnr" and m:
        return (m["c"] or "") + m["d"] + (m["s"] or "-") + "****"
    if kind == "email" and m:
        local, _, domain = m.group(0).partition("@")
        return f"{local[:1]}***@***.{domain.rsplit('.', 1)[-1]}"
    if kind == "phone" and m:
        hit = m.group(0).strip(" -/(")
        return hit[:3] + re.sub(r"[0-9]", "*", hit[3:])
    if kind == "person":
        return " ".join(w[:1] + "***" for w in value.split())
    return f"[{len(value.split())} words, {len(value)} characters]"


def _factorize(col: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """Row codes (-1: missing) and the distinct values as stripped text, or None to skip.

    Only the distinct values are scanned; the codes map findings back to rows.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(col.cat.categories.dtype)
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(col.dtype):
        return None
    if pd.api.types.is_integer_dtype(col.dtype):
        codes, uniques = pd.factorize(col)
        u = pd.Series(np.asarray(uniques, dtype="int64"))
        text = u.astype(str).str.zfill(10)
        # only 9-12 digits can be a personal identity number; integers are checked for no more
        return codes, text.where((u.abs() >= 10**8) & (u.abs() < 10**12), "")
    if pd.api.types.is_numeric_dtype(col.dtype):
        return None
    codes, uniques = pd.factorize(col.astype("str").str.strip())
    return codes, pd.Series(uniques, dtype="str")


_KINDS = ("pnr", "email", "phone", "person", "text")
_FOUR_WORDS = (
    "[^ \t\n]+[ \t\n]+[^ \t\n]+[ \t\n]+[^ \t\n]+[ \t\n]+[^ \t\n]"  # not \\s: keeps pyarrow's RE2
)


# An ISO date or date-time ("2024-08-05", "2024-08-05 00:00:00", as Excel and Parquet dates
# read as text) is never an identifier, though "08-05 00:00" inside it looks like a phone number.
_ISO_DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"


def _classify(values: pd.Series, codes_only: bool) -> np.ndarray:
    """Kind of each distinct value: index into ``_KINDS``, -1 for none."""
    kind = np.full(len(values), -1, dtype=np.int8)
    kind[_pnr_hits(values)] = 0
    kind[values.str.fullmatch(_ISO_DATETIME).to_numpy(dtype=bool)] = -2  # exempt, see above
    long_ = (values.str.len() >= _FREE_TEXT_MIN_CHARS).to_numpy(dtype=bool)
    checks = [(1, _EMAIL, "contains"), (2, _PHONE, "contains")]
    if codes_only:
        checks.append((3, _PERSON_NAME, "fullmatch"))
    checks.append((4, _FOUR_WORDS, "contains"))
    for k, pattern, how in checks:
        sel = np.flatnonzero((kind == -1) & (long_ if k == 4 else True))
        if sel.size:
            hit = getattr(values.iloc[sel].str, how)(pattern).to_numpy(dtype=bool)
            kind[sel[hit]] = k
    kind[kind == -2] = -1
    return kind


def _mostly_free_text(values: pd.Series) -> bool:
    """Most values are several words of text (an identifier inside text, not a value alone)."""
    long_ = values.str.len() >= _FREE_TEXT_MIN_CHARS
    return bool((long_ & values.str.contains(_FOUR_WORDS)).mean() > 0.5)


def find_identifiers(df: pd.DataFrame, file: str, *, limit: int = 20) -> list[Problem]:
    r"""Find identifier-like column names and values in a table.

    Parameters
    ----------
    df : pandas.DataFrame
        One table, raw (all text) or typed; date, boolean and float columns are skipped,
        integer columns are checked only for 9-12 digit values (personal identity numbers,
        mobile numbers that lost their leading zero).
    file : str
        File name used in the problems; its stem (e.g. ``sightings``) selects the columns the
        data contract types as codes or pseudonyms (person names are looked for there).
    limit : int, default 20
        Most rows reported per column and rule; one more problem (``row=None``) counts the rest.

    Returns
    -------
    list of Problem
        Empty when the table looks anonymous. Values are masked (``"19850101-****"``).

    Notes
    -----
    Only the distinct values of each column are scanned, with vectorised regular expressions.
    A personal identity number ``YYMMDD-NNNC`` (optionally ``YYYY``, ``+`` or no separator;
    coordination numbers add 60 to the day) counts only if its date part is possible and its
    check digit ``C`` satisfies the Luhn rule
    :math:`\sum_{i=1}^{9} \mathrm{ds}(w_i d_i) + C \equiv 0 \pmod{10}`, :math:`w = 2,1,2,\ldots`
    with ds the digit sum, so dates and counts are not flagged. Numbers must stand alone
    (no adjacent letter or digit), so hexadecimal pseudonyms are not flagged.

    References
    ----------
    .. [1] Skatteverket, "Personnummer", SKV 704, ed. 8 (2007).
    .. [2] Regulation (EU) 2016/679 (GDPR), art. 4(1), 4(5) and 9.

    Examples
    --------
    >>> t = pd.DataFrame({"person_id": ["b0bc2a68adaac53c"], "note": ["811218-9876"]})
    >>> [str(p.value) for p in find_identifiers(t, "sightings.csv")]
    ['None', '811218-****']
    """
    problems: list[Problem] = []
    codes = _contract_code_columns()
    code_cols = codes.get(Path(str(file)).stem, codes["*"])
    for i, column in enumerate(df.columns):
        fix = _FIX.format(file=file, column=column)
        fix_text = _FIX_TEXT.format(column=column)
        name_kind = column_name_kind(column)
        if name_kind:
            fix = fix_text if name_kind == "text_name" else fix
            rule = IDENTIFIER_RULES[name_kind].format(what=f"'{column}'")
            problems.append(Problem(file, None, str(column), None, rule, fix))
        factorized = _factorize(df.iloc[:, i])
        if factorized is None or factorized[1].empty:
            continue
        codes_, values = factorized
        kind = _classify(values, codes_only=column in code_cols)
        if (kind < 0).all():
            continue
        row_kind = np.append(kind, -1)[codes_]  # code -1 (missing) picks the last: -1
        for code in np.unique(kind[kind >= 0]):
            k = _KINDS[code]
            pos = np.flatnonzero(row_kind == code)
            shown = [_mask(k, v) for v in values.iloc[codes_[pos[:limit]]]]  # the few shown
            how = fix_text if k == "text" else _FIX.format(file=file, column=column)
            hit = values.iloc[np.unique(codes_[pos])]
            if k != "text" and _mostly_free_text(hit):  # e.g. an ad's text with its phone number
                how = _FIX_IN_TEXT.format(file=file, column=column)
            for p, v in zip(pos[:limit], shown, strict=True):
                problems.append(
                    Problem(file, int(p) + 2, str(column), str(v), IDENTIFIER_RULES[k], how)
                )
            if len(pos) > limit:
                rule = f"{IDENTIFIER_RULES[k]}: {len(pos) - limit} more row(s) in this column"
                problems.append(Problem(file, None, str(column), None, rule, how))
    return problems
