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

__all__ = ["find_identifiers", "find_identifiers_in_meta", "redact"]

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
# an e-mail address written out to dodge filters: "anna-at-example-dot-com", "anna(at)x.se",
# "anna [at] example [dot] se", "anna snabel-a example punkt se"
_AT_B = r"[ _\-]*[\[\(\{<] *(?:at|AT|snabel-?a) *[\]\)\}>][ _\-]*"  # "(at)", "[at]"
_AT = r"(?:[ _\-]+(?:at|AT|snabel-?a)[ _\-]+)"  # "-at-", " at "
_DOT_W = (
    r"(?:[ _\-]*[\[\(\{<] *(?:dot|DOT|punkt) *[\]\)\}>][ _\-]*|[ _\-]+(?:dot|DOT|punkt)[ _\-]+)"
)
_DOT = rf"(?:{_DOT_W}|\.)"
_EMAIL_WRITTEN = (
    rf"[A-Za-z0-9._%+]+(?:{_AT_B}[A-Za-z0-9\-]+(?:{_DOT}[A-Za-z0-9\-]+)*{_DOT}"
    rf"|{_AT}[A-Za-z0-9\-]+(?:{_DOT}[A-Za-z0-9\-]+)*{_DOT_W})[A-Za-z]{{2,6}}(?:$|[^A-Za-z])"
)
# a phone number that lost its leading zero or its '+'/'00' ("701234567", "46701234567",
# "4915112345678", "46 70 123 45 67"), as the whole cell: 9-13 digits (counted separately)
_PHONE_BARE = r"\+?[0-9][0-9 \-]{7,20}[0-9](?:\.0)?"
# IPv4 (each part 0-255) or IPv6 (eight groups, or a '::' short form), standing alone
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IP = (
    rf"(?:^|[^0-9A-Za-z.])(?:{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}"
    r"|(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:?){0,6}[0-9A-Fa-f]{1,4})(?:$|[^0-9A-Za-z.:])"
)
_PERSON_NAME = r"[A-ZÅÄÖÉÜØÆ][a-zåäöéüøæß'\-]+(?: [A-ZÅÄÖÉÜØÆ][a-zåäöéüøæß'\-]+)+"
_FREE_TEXT_MIN_CHARS = 20  # and at least 4 words

IDENTIFIER_RULES = {
    "name": "the column name suggests personal identifiers ({what})",
    "text_name": "the column name suggests free text ({what}), which may identify a person",
    "pnr": "looks like a Swedish personal identity or coordination number",
    "email": "looks like an e-mail address",
    "phone": "looks like a phone number",
    "person": "looks like a person's name",
    "text": "looks like free text (several words), which may identify a person",
    "ip": "looks like an IP address, which identifies a device and so a person",
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
    out = {}
    for key, types in (("", _CODE_TYPES), ("city:", {"city"})):
        sel = d[d["type"].isin(types)]
        out.update({key + t: frozenset(g["column"]) for t, g in sel.groupby("table")})
        out[key + "*"] = frozenset(sel["column"])
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


@cache
def _first_names() -> frozenset[str]:
    path = PACKAGE_DATA / "first_names.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORDY = rf"[{_LETTERS}]+(?:[ _.\-]+[{_LETTERS}]+)*"  # letters and separators only
_SURNAME_ENDS = (
    "son sen sson berg gren lund strom qvist kvist holm dahl blom lind ander escu eanu ova "
    "ov ova eva ev ic ich ski ska wicz enko uk ez es ing"
).split()


def _tokens(value: str) -> list[str]:
    """Words of a value written with spaces, '_', '.', '-' or CamelCase."""
    value = re.sub(r"([a-zà-öø-ÿ])([A-ZÀ-ÖØ-Þ])", r"\1 \2", value)
    return [t for t in re.split(r"[ _.\-]+", value) if t]


def _ascii(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _is_written_name(value: str, joined: bool) -> bool:
    """A given name followed by a surname: "Anna Svensson", "AnnaSvensson", "anna_svensson".

    Tokens must be all capitalised or all lower case (a random pseudonym rarely is). With
    ``joined``, one word that starts with a given name and ends like a surname counts too
    ("annasvensson"); city names such as Karlstad do not end like a surname.
    """
    names = _first_names()
    words = _tokens(value)
    if len(words) >= 2:
        if not (
            all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)
            or all(w.islower() for w in words)
        ):
            return False
        return _ascii(words[0]) in names and all(len(w) >= 2 for w in words[1:3])
    if joined and len(words) == 1 and (value.islower() or value[1:].islower()):
        low = _ascii(value)
        for n in range(4, min(len(low) - 5, 12) + 1):  # "Svensson" is a surname only
            if low[:n] in names and low.endswith(tuple(_SURNAME_ENDS)):
                return True
    return False


@cache
def _given_names_by_length() -> tuple[tuple[int, pa.Array], ...]:
    by_length: dict[int, list[str]] = {}
    for name in _first_names():
        by_length.setdefault(len(name), []).append(name)
    return tuple((n, pa.array(sorted(v), type=pa.string())) for n, v in sorted(by_length.items()))


def _starts_with_given_name(words: pd.Series) -> np.ndarray:
    """Values (letters and ``[ _.-]`` only) whose ASCII form starts with a given name.

    :func:`_is_written_name` is true only for such values (its first word, or the start of
    a joined name, is a given name; :func:`_ascii` maps letter by letter, so the first
    word's form is a prefix of the value's), so it runs on these alone: the same answer,
    without a Python call per pseudonym that happens to be all letters.
    """
    if words.empty:
        return np.zeros(0, dtype=bool)
    text = pa.array(words.to_numpy(dtype=object), type=pa.string())
    ascii_ = pc.ascii_lower(
        pc.replace_substring_regex(pc.utf8_normalize(text, "NFKD"), "[^\\x00-\\x7f]", "")
    )
    hit = np.zeros(len(words), dtype=bool)
    for n, names in _given_names_by_length():
        start = pc.utf8_slice_codeunits(ascii_, 0, n)
        hit |= pc.is_in(start, value_set=names).to_numpy(zero_copy_only=False)
    return hit


def _name_hits(values: pd.Series, mode: str) -> np.ndarray:
    """Distinct values that hold a person's name, by column mode (see :func:`_classify`)."""
    out = np.zeros(len(values), dtype=bool)
    if mode == "prose":  # "… contact Anna Svensson …": a given name, then a capitalised word
        pat = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+[ _]+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+"
        sel = np.flatnonzero(values.str.contains(pat).to_numpy(dtype=bool))
        texts = values.to_numpy(dtype=object)  # one conversion, not one .iloc per value
        for i in sel:
            for m in re.finditer(pat, texts[i]):
                if _ascii(re.split("[ _]+", m.group(0))[0]) in _first_names():
                    out[i] = True
                    break
        return out
    short = (values.str.len() <= 60).to_numpy(dtype=bool)
    sel = np.flatnonzero(short & values.str.fullmatch(_WORDY).to_numpy(dtype=bool))
    sel = sel[_starts_with_given_name(values.iloc[sel])]
    texts = values.iloc[sel].to_numpy(dtype=object)  # one conversion, not one .iloc per value
    joined = mode in ("code", "sheet")
    for i, text in zip(sel, texts, strict=True):
        out[i] = _is_written_name(text, joined=joined)
    if mode in ("code", "sheet"):
        out |= values.str.fullmatch(_PERSON_NAME).to_numpy(dtype=bool)
    return out


def _mask(kind: str, value: str) -> str:
    """The shown part of one reported value: never the identifier in full."""
    pattern = {"pnr": _PNR, "email": _EMAIL, "phone": _PHONE, "ip": _IP}.get(kind)
    m = re.search(pattern, value) if pattern else None
    if kind == "pnr" and m:
        return (m["c"] or "") + m["d"] + (m["s"] or "-") + "****"
    if kind == "email" and m:
        local, _, domain = m.group(0).partition("@")
        return f"{local[:1]}***@***.{domain.rsplit('.', 1)[-1]}"
    if kind == "email":
        return f"{value[:1]}*** (an e-mail address written out, {len(value)} characters)"
    if kind == "phone" and m:
        hit = m.group(0).strip(" -/(")
        return hit[:3] + re.sub(r"[0-9]", "*", hit[3:])
    if kind == "phone":
        return value.strip()[:2] + re.sub(r"[0-9]", "*", value.strip()[2:])
    if kind == "ip":
        return re.sub(r"[0-9A-Fa-f]", "*", (m.group(0) if m else value).strip(" ,;"))
    if kind == "person":
        return " ".join(w[:1] + "***" for w in (_tokens(value) or [value]))
    return f"[{len(value.split())} words, {len(value)} characters]"


def _factorize(col: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """Row codes (-1: missing) and the distinct values as stripped text, or None to skip.

    Only the distinct values are scanned; the codes map findings back to rows.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype(col.cat.categories.dtype)
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(col.dtype):
        return None
    if pd.api.types.is_numeric_dtype(col.dtype):
        codes, uniques = pd.factorize(col)
        u = pd.Series(np.asarray(uniques, dtype="float64"))
        # only whole numbers of 9-13 digits can be a personal identity or phone number (one
        # whose leading zero was lost, or written with its country code but no '+')
        keep = (u.abs() >= 10**8) & (u.abs() < 10**13) & (u == u.round())
        text = u.where(keep, 0).astype("int64").astype(str).str.zfill(10)
        return codes, text.where(keep, "")
    codes, uniques = pd.factorize(col.astype("str").str.strip())
    return codes, pd.Series(uniques, dtype="str")


_KINDS = ("pnr", "email", "phone", "person", "text", "ip")
_FOUR_WORDS = (
    "[^ \t\n]+[ \t\n]+[^ \t\n]+[ \t\n]+[^ \t\n]+[ \t\n]+[^ \t\n]"  # not \\s: keeps pyarrow's RE2
)


# An ISO date or date-time ("2024-08-05", "2024-08-05 00:00:00", as Excel and Parquet dates
# read as text) is never an identifier, though "08-05 00:00" inside it looks like a phone number.
_ISO_DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"


def _bare_phone(values: pd.Series) -> np.ndarray:
    """Whole cells of 9-13 digits (spaces, '-' allowed): a phone number without its 0 or +."""
    hit = values.str.fullmatch(_PHONE_BARE).to_numpy(dtype=bool).copy()
    # written like a personal identity number whose check digit is wrong: not a phone number
    hit &= ~values.str.fullmatch("(?:19|20)?[0-9]{6}[-+][0-9]{4}").to_numpy(dtype=bool)
    sel = np.flatnonzero(hit)
    if sel.size:
        digits = values.iloc[sel].str.replace(r"\.0$", "", regex=True).str.count("[0-9]")
        hit[sel] = ((digits >= 9) & (digits <= 13)).to_numpy(dtype=bool)
    return hit


_MARKS = ("@", ".", ":", " ", "\t", "\n", "at", "AT", "sn")


def _ascii_marks(values: pd.Series) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Per value: its number of ASCII digits, and whether it holds each of :data:`_MARKS`.

    One pass over the values' UTF-8 bytes (an ASCII byte never occurs inside a multi-byte
    character), instead of a regular expression or a substring search per mark.
    """
    arr = pa.chunked_array(pa.array(values.array, type=pa.large_string())).combine_chunks()
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64), {m: np.zeros(0, dtype=bool) for m in _MARKS}
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    data = arr.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    raw = raw[offsets[0] : offsets[-1]]  # the values' bytes only, counted from 0
    offsets = offsets - offsets[0]
    start, end = offsets[:-1], offsets[1:]

    digit = (raw - np.uint8(48)) < 10  # (wraps around below '0')
    total = np.concatenate(([0], np.cumsum(digit, dtype=np.int32)))
    digits = (total[end] - total[start]).astype(np.int64)
    has = {}
    single = [m for m in _MARKS if len(m) == 1]
    lut = np.zeros(256, dtype=np.uint8)
    for bit, mark in enumerate(single):
        lut[ord(mark)] = 1 << bit
    cls = lut[raw]
    at = np.flatnonzero(cls)  # few: each found byte is given to the value it is in
    owner = np.searchsorted(offsets, at, side="right") - 1
    for bit, mark in enumerate(single):
        found = np.zeros(len(arr), dtype=bool)
        found[owner[(cls[at] & (1 << bit)) != 0]] = True
        has[mark] = found
    for mark in (m for m in _MARKS if len(m) == 2):
        a, b = mark.encode()
        at = np.flatnonzero((raw[:-1] == a) & (raw[1:] == b)) if len(raw) > 1 else np.zeros(0, int)
        owner = np.searchsorted(offsets, at, side="right") - 1
        inside = at + 2 <= end[owner]
        found = np.zeros(len(arr), dtype=bool)
        found[owner[inside]] = True
        has[mark] = found
    return digits, has


def _classify(values: pd.Series, mode: str = "value") -> np.ndarray:
    """Kind of each distinct value: index into ``_KINDS``, -1 for none.

    ``mode`` is how much the column's values may look like words: ``"code"`` (codes and
    pseudonyms: any person's name), ``"city"`` (municipality names: a given name and a
    surname), ``"value"`` (other columns), ``"sheet"`` (other sheets of a workbook: as code)
    or ``"prose"`` (titles and descriptions: free text allowed, names found inside it).
    """
    kind = np.full(len(values), -1, dtype=np.int8)
    # What each pattern needs at the least, found by a cheap pass (a digit count, a
    # literal): a value without it cannot match, so the pattern runs on the others only.
    # A personal identity number has 10 digits, a phone number 6 or more (an area code,
    # then two groups of two), a bare one 9-13; an e-mail address an '@', one written out
    # 'at', 'AT' or 'snabel' (so 'sn'); an IP address a '.' or ':'; four words a blank.
    # An ISO date has 8 digits at the least; a person's name (outside prose) none; free text
    # a blank, so the length is counted only for values with one.
    digits, has = _ascii_marks(values)
    near = np.flatnonzero(digits >= 10)
    kind[near[_pnr_hits(values.iloc[near])]] = 0
    dated = np.flatnonzero(digits >= 8)
    iso = values.iloc[dated].str.fullmatch(_ISO_DATETIME).to_numpy(dtype=bool)
    kind[dated[iso]] = -2  # exempt, see above
    blank = np.flatnonzero(has[" "] | has["\t"] | has["\n"])
    long_ = np.zeros(len(values), dtype=bool)
    long_[blank] = (values.iloc[blank].str.len() >= _FREE_TEXT_MIN_CHARS).to_numpy(dtype=bool)

    checks = [
        (1, lambda v: v.str.contains(_EMAIL).to_numpy(dtype=bool), has["@"]),
        (
            1,
            lambda v: v.str.contains(_EMAIL_WRITTEN).to_numpy(dtype=bool),
            has["at"] | has["AT"] | has["sn"],
        ),
        (2, lambda v: v.str.contains(_PHONE).to_numpy(dtype=bool), digits >= 6),
        (2, _bare_phone, digits >= 9),
        (5, lambda v: v.str.contains(_IP).to_numpy(dtype=bool), has["."] | has[":"]),
        (3, lambda v: _name_hits(v, mode), True if mode == "prose" else digits == 0),
    ]
    if mode == "prose":
        bare = r"(?:^|[^0-9A-Za-z.,])\+?[1-9][0-9]{8,12}(?:$|[^0-9A-Za-z.,])"
        checks.insert(4, (2, lambda v: v.str.contains(bare).to_numpy(dtype=bool), digits >= 9))
    else:
        four = lambda v: v.str.contains(_FOUR_WORDS).to_numpy(dtype=bool)  # noqa: E731
        checks.append((4, four, long_))
    for k, test, may in checks:
        sel = np.flatnonzero((kind == -1) & may)
        if sel.size:
            hit = test(values.iloc[sel])
            kind[sel[np.asarray(hit, dtype=bool)]] = k
    kind[kind == -2] = -1
    return kind


_REDACT_BARE = re.compile(r"(?<![0-9A-Za-z.,])\+?[0-9](?:[ \-]?[0-9]){8,12}(?![0-9A-Za-z])")


def _star(m: re.Match) -> str:
    hit = m.group(0)
    return hit[:2] + re.sub(r"[0-9A-Za-z]", "*", hit[2:])


def _mask_written_email(m: re.Match) -> str:
    hit = m.group(0)
    tail = hit[-1] if not hit[-1].isalpha() else ""
    return _mask("email", hit[: len(hit) - len(tail)]) + tail


def redact(text: str) -> str:
    """``text`` with every identifier-like part masked, for messages and kept artefacts.

    Personal identity numbers, phone numbers (also without leading zero or ``+``), e-mail
    addresses (also written out), IP addresses and given name + surname (also joined or
    with ``_``) are masked wherever they appear, so that a value quoted inside an error
    message or a notebook's output is never shown in full.

    Examples
    --------
    >>> redact("row 3 (value: '070-123 45 67'), row 4 (value: 'AnnaSvensson')")
    "row 3 (value: '0**-*** ** **'), row 4 (value: 'A*** S***')"
    """
    if not text:
        return text
    out = text
    if any(c.isdigit() for c in out):
        out = re.sub(_PNR, lambda m: re.sub(r"[0-9]", "*", m.group(0)), out)
        out = re.sub(_PHONE, _star, out)
        out = _REDACT_BARE.sub(_star, out)
        out = re.sub(_IP, lambda m: re.sub(r"[0-9A-Fa-f]", "*", m.group(0)), out)
    out = re.sub(_EMAIL, lambda m: _mask("email", m.group(0)), out)
    out = re.sub(_EMAIL_WRITTEN, _mask_written_email, out)

    words = list(re.finditer(rf"[{_LETTERS}]+", out))
    spans: list[tuple[int, int]] = []
    for i, w in enumerate(words):
        if spans and w.start() < spans[-1][1]:
            continue
        if i + 1 < len(words):
            nxt = words[i + 1]
            gap = out[w.end() : nxt.start()]
            if re.fullmatch(r"[ _.\-]", gap) and _is_written_name(
                out[w.start() : nxt.end()], False
            ):
                spans.append((w.start(), nxt.end()))
                continue
        if _is_written_name(w.group(0), joined=True):
            spans.append((w.start(), w.end()))
    for a, b in reversed(spans):
        out = out[:a] + _mask("person", out[a:b]) + out[b:]
    return out


def _mostly_free_text(values: pd.Series) -> bool:
    """Most values are several words of text (an identifier inside text, not a value alone)."""
    long_ = values.str.len() >= _FREE_TEXT_MIN_CHARS
    return bool((long_ & values.str.contains(_FOUR_WORDS)).mean() > 0.5)


def find_identifiers(
    df: pd.DataFrame, file: str, *, limit: int = 20, mode: str | None = None
) -> list[Problem]:
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
    mode : str, optional
        Scan every column as ``"code"``, ``"sheet"`` or ``"prose"`` (see :func:`_classify`);
        default: by the column's type in the data contract.

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
        kind = _classify(values, column_mode(column, file, mode))
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


def column_mode(column: str, file: str, mode: str | None = None) -> str:
    """How :func:`find_identifiers` scans a column's values (see :func:`_classify`).

    ``mode`` if given; else ``"code"`` for the columns the data contract types as codes or
    pseudonyms in this file's table (``sightings.csv``: ``sightings``), ``"city"`` for its
    municipality columns, ``"value"`` for the others.
    """
    if mode:
        return mode
    codes = _contract_code_columns()
    stem = Path(str(file)).stem
    if column in codes.get(stem, codes["*"]):
        return "code"
    return "city" if column in codes.get("city:" + stem, codes["city:*"]) else "value"


def identifiers_among(values: pd.Series, mode: str) -> bool:
    """Whether :func:`find_identifiers` would flag any of these values in a ``mode`` column.

    ``values`` are distinct cell texts, stripped (as :func:`find_identifiers` scans them):
    each value is classified on its own, so the values of several columns scanned in the
    same mode can be checked at once. The column names are checked by
    :func:`column_name_kind`.
    """
    if values.empty:
        return False
    return bool((_classify(values, mode) >= 0).any())


def _mask_prose(text: str) -> str:
    """A text with identifiers in it, shortened, with every digit and found name masked."""
    shown = re.sub(r"[0-9]", "*", redact(text))
    return shown if len(shown) <= 80 else shown[:77] + "..."


def find_identifiers_in_meta(meta: object, file: str = "datapackage.json") -> list[Problem]:
    """Identifiers anywhere in a dataset description (every key and text, at any depth).

    The report prints the title and description, so a contact name or phone number there
    would reach every page. Text is scanned as prose: free text is allowed, but personal
    identity numbers, phone numbers, e-mail addresses, IP addresses and a given name
    followed by a surname are not. The problem's column is the JSON path (``title``,
    ``resources[0].path``).
    """
    found: list[tuple[str, str]] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                where = f"{path}.{k}" if path else str(k)
                found.append((where, str(k)))
                walk(v, where)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str | int | float) and not isinstance(node, bool):
            found.append((path, str(node)))

    walk(meta, "")
    if not found:
        return []
    values = pd.Series([v.strip() for _, v in found], dtype="str")
    kind = _classify(values, "prose")
    fix = (
        "Remove personal data from datapackage.json (the report prints its title and "
        "description): write who to contact in your own records, not in the dataset."
    )
    return [
        Problem(
            file, None, where or "(top level)", _mask_prose(v), IDENTIFIER_RULES[_KINDS[k]], fix
        )
        for (where, v), k in zip(found, kind, strict=True)
        if k >= 0
    ]
