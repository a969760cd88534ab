"""Privacy guard: refuse personal identifiers, make keyed-hash pseudonyms, suppress small cells.

Three tools keep personal data out of the project (see ``docs/privacy.md``):

* :func:`find_identifiers` scans a table for identifier-like column names and values
  (personal identity numbers, phone numbers, e-mail addresses, person names, free text).
  :func:`capacity.io.load_dataset` calls it on every table and refuses the data if it finds any.
* :func:`pseudonymise_file` replaces identifier columns by keyed-hash pseudonyms
  (HMAC-SHA256) *before* the data enter ``data/``; :func:`generate_key_file` makes the key.
* :func:`suppress` (primary) and :func:`suppress_complementary` (primary plus secondary)
  hide small counts in every exported table.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from capacity.config import PACKAGE_DATA
from capacity.exceptions import ParameterError, PrivacyError, Problem
from capacity.io import read_table, write_table

__all__ = [
    "KEY_BYTES",
    "SuppressedFrame",
    "find_identifiers",
    "generate_key_file",
    "pseudonymise_file",
    "pseudonymise_values",
    "suppress",
    "suppress_complementary",
]

KEY_BYTES = 32
"""Shortest accepted key in bytes: the SHA-256 output length, below which RFC 2104 advises against."""
PSEUDONYM_LENGTH = 22
"""Characters of url-safe base64 kept from the HMAC digest (132 bits)."""

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

_RULES = {
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


def _column_name_kind(column: str) -> str | None:
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


def _classify(values: pd.Series, codes_only: bool) -> np.ndarray:
    """Kind of each distinct value: index into ``_KINDS``, -1 for none."""
    kind = np.full(len(values), -1, dtype=np.int8)
    kind[_pnr_hits(values)] = 0
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
    return kind


def find_identifiers(df: pd.DataFrame, file: str, *, limit: int = 20) -> list[Problem]:
    """Find identifier-like column names and values in a table.

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
    :math:`\\sum_{i=1}^{9} \\mathrm{ds}(w_i d_i) + C \\equiv 0 \\pmod{10}`, :math:`w = 2,1,2,\\ldots`
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
        name_kind = _column_name_kind(column)
        if name_kind:
            fix = fix_text if name_kind == "text_name" else fix
            rule = _RULES[name_kind].format(what=f"'{column}'")
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
            for p, v in zip(pos[:limit], shown, strict=True):
                problems.append(Problem(file, int(p) + 2, str(column), str(v), _RULES[k], how))
            if len(pos) > limit:
                rule = f"{_RULES[k]}: {len(pos) - limit} more row(s) in this column"
                problems.append(Problem(file, None, str(column), None, rule, how))
    return problems


# --- keyed-hash pseudonyms -----------------------------------------------------------------
_KEY_HELP = (
    "Make a key once per organisation and keep it outside the project (never in git, never "
    'in data/): python -c "from capacity.privacy import generate_key_file; '
    "generate_key_file('/secure/place/capacity.key')\". Use the same key for every file so "
    "the same person gets the same pseudonym."
)
_PNR_SHAPE = r"(?:19|20)?[0-9]{6}[-+][0-9]{4}|(?:19|20)[0-9]{10}"
_PHONE_SHAPE = r"\+?[0-9][0-9 ()./\-]{5,}"


def generate_key_file(path: str | os.PathLike) -> Path:
    """Write a new random key of :data:`KEY_BYTES` bytes, as hex, readable by the owner only.

    Parameters
    ----------
    path : str or path-like
        Where to write the key. Must not exist: an existing key is never overwritten, since
        pseudonyms made with it could no longer be linked.

    Returns
    -------
    pathlib.Path
        The key file (mode ``0600``).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PrivacyError(
            f"{path} already exists; a key file is never overwritten (pseudonyms made with it "
            "would no longer match). Choose another path or delete the old key on purpose."
        ) from None
    except OSError as exc:
        raise PrivacyError(f"cannot create the key file {path}: {exc.strerror}.") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
    return path


def _load_key(key_file: str | os.PathLike | None) -> bytes:
    if key_file is None or str(key_file) == "":
        raise PrivacyError(f"pseudonymising needs a key file (--key-file). {_KEY_HELP}")
    path = Path(key_file)
    try:
        raw = path.read_bytes().strip()
    except OSError as exc:
        raise PrivacyError(
            f"cannot read the key file {path}: {exc.strerror}. {_KEY_HELP}"
        ) from None
    text = raw.decode("ascii", errors="ignore")
    key = bytes.fromhex(text) if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", text) else raw
    if len(key) < KEY_BYTES:
        raise PrivacyError(
            f"the key in {path} is {len(key)} bytes; at least {KEY_BYTES} random bytes are "
            f"needed so pseudonyms cannot be guessed. {_KEY_HELP}"
        )
    return key


def _normalise(values: pd.Series) -> pd.Series:
    """Strip, lower-case; phone numbers to ``+<country><number>``, identity numbers to digits."""
    s = values.astype(str).str.normalize("NFC").str.strip().str.lower()
    s = s.str.replace(r"[ \t\r\n]+", " ", regex=True)  # not \\s: keeps pyarrow's RE2
    digits = s.str.replace(r"\(0\)", "", regex=True).str.replace(r"[^0-9]", "", regex=True)
    phone = s.str.fullmatch(_PHONE_SHAPE) & (digits.str.len() >= 6)
    pnr = s.str.fullmatch(_PNR_SHAPE)
    intl = s.str.startswith("+") | digits.str.startswith("00")
    national = digits.str.startswith("0") & ~intl
    as_phone = "+" + digits.where(~digits.str.startswith("00"), digits.str.slice(2)).where(
        ~national, "46" + digits.str.slice(1)
    )
    as_phone = as_phone.str.replace("^\\+460", "+46", regex=True)  # "+46 070 ..." written wrongly
    s = s.where(~(phone & ~pnr), as_phone)
    return s.where(~pnr, digits)


def pseudonymise_values(values: pd.Series, key: bytes) -> pd.Series:
    """Keyed-hash pseudonyms of a column; missing values stay missing.

    Parameters
    ----------
    values : pandas.Series
        Identifier values (phone numbers, personal identity numbers, e-mails, names).
    key : bytes
        Secret key, at least :data:`KEY_BYTES` bytes.

    Returns
    -------
    pandas.Series
        Strings of :data:`PSEUDONYM_LENGTH` url-safe characters ``[A-Za-z0-9_-]``.

    Notes
    -----
    pseudonym = base64url(HMAC-SHA256(key, normalise(value)))[:22], where normalise strips,
    lower-cases and writes phone numbers as ``+<country code><number>`` (``070-123 45 67``,
    ``0046701234567`` and ``+46 70 123 45 67`` give the same pseudonym). Only the distinct
    values are hashed. Without the key the pseudonym cannot be recomputed from a guessed
    value, unlike a plain hash of a phone number, whose value space is small enough to try.

    References
    ----------
    .. [1] H. Krawczyk, M. Bellare, R. Canetti, "HMAC: Keyed-Hashing for Message
       Authentication", RFC 2104 (1997).
    .. [2] ENISA, "Pseudonymisation techniques and best practices" (2019), section 5.2.

    Examples
    --------
    >>> k = bytes(range(32))
    >>> p = pseudonymise_values(pd.Series(["070-123 45 67", "+46701234567", None]), k)
    >>> bool(p[0] == p[1]), len(p[0]), bool(p.isna()[2])
    (True, 22, True)
    """
    if len(key) < KEY_BYTES:
        raise PrivacyError(f"the key is {len(key)} bytes; at least {KEY_BYTES} are needed.")
    missing = values.isna() | (values.astype(str).str.strip() == "")
    raw_codes, raw_uniques = pd.factorize(values[~missing])
    norm_codes, uniques = pd.factorize(_normalise(pd.Series(raw_uniques)))
    codes = norm_codes[raw_codes]
    # One HMAC per distinct value (hashing has no vectorised form), then one base64 pass:
    # 18 digest bytes give 24 characters, of which the first 22 are kept.
    msgs = pa.array(np.asarray(uniques, dtype=object), type=pa.string()).cast(pa.binary())
    raw = b"".join(hmac.digest(key, m, "sha256")[:18] for m in msgs.to_pylist())
    encoded = np.frombuffer(base64.urlsafe_b64encode(raw), dtype="S24")
    digests = encoded.astype(f"S{PSEUDONYM_LENGTH}").astype(f"U{PSEUDONYM_LENGTH}")
    out = pd.Series(pd.NA, index=values.index, dtype="str")
    out[~missing] = digests[codes]
    return out


def pseudonymise_file(
    input: str | os.PathLike,
    output: str | os.PathLike,
    columns: Sequence[str],
    key_file: str | os.PathLike | None,
    drop: Iterable[str] = (),
    *,
    rename: Mapping[str, str] | None = None,
) -> str:
    """Replace identifier columns of a table by keyed-hash pseudonyms, drop free text.

    Parameters
    ----------
    input, output : str or path-like
        Table to read (CSV, XLSX or Parquet) and where to write the result (format from the
        suffix; written atomically). ``output`` must differ from ``input``.
    columns : sequence of str
        Identifier columns to pseudonymise (see :func:`pseudonymise_values`).
    key_file : path-like
        File with the secret key (see :func:`generate_key_file`); required.
    drop : iterable of str
        More columns to drop. Free-text columns found by :func:`find_identifiers` are
        always dropped.
    rename : mapping, optional
        New names of pseudonymised columns, e.g. ``{"phone": "person_id"}``. By default a
        column keeps its name unless the name itself looks like an identifier (``phone``);
        then it becomes ``phone_pseudonym``.

    Returns
    -------
    str
        A one-paragraph summary for the command line (no values, no key).

    Raises
    ------
    PrivacyError
        No or short key, output equal to input, or identifiers left in the result (nothing
        is written then).
    ParameterError
        A listed column is not in the table.
    """
    src, dst = Path(input), Path(output)
    key = _load_key(key_file)
    if not src.is_file():
        raise ParameterError(f"input file {src} does not exist.")
    if dst.resolve() == src.resolve() or dst.resolve() == Path(key_file).resolve():
        raise PrivacyError(
            f"refusing to overwrite {dst}: write the pseudonymised table to a new file and keep "
            "the original outside the project."
        )
    frame = read_table(src)  # every cell as text: leading zeros and separators survive
    columns, drop = list(dict.fromkeys(columns)), list(dict.fromkeys(drop))
    missing = [c for c in [*columns, *drop] if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{src.name} has no column(s) {missing}; its columns are {list(frame.columns)}."
        )
    if set(columns) & set(drop):
        raise ParameterError(
            f"column(s) {sorted(set(columns) & set(drop))} are both kept and dropped."
        )
    found = find_identifiers(frame.drop(columns=[*columns, *drop]), src.name, limit=1)
    text_rules = (_RULES["text"], _RULES["text_name"].split(" (")[0])
    free_text = sorted({p.column for p in found if p.rule.startswith(text_rules)} - set(drop))
    out = frame.drop(columns=[*drop, *free_text])
    names = {}
    for c in columns:
        out[c] = pseudonymise_values(frame[c], key)
        names[c] = (rename or {}).get(c, f"{c}_pseudonym" if _column_name_kind(c) else c)
    out = out.rename(columns=names)
    if out.columns.duplicated().any():
        dup = sorted(set(out.columns[out.columns.duplicated()]))
        raise ParameterError(f"after renaming, column(s) {dup} occur twice; choose other names.")
    left = find_identifiers(out, dst.name, limit=5)
    if left:
        lines = "\n".join(f"  - {p}" for p in left[:20])
        raise PrivacyError(
            f"{len(left)} identifier problem(s) would remain in {dst.name}; nothing was "
            f"written. Add those columns to --column or --drop:\n{lines}"
        )
    write_table(out, dst)  # atomic: a temporary file moved into place
    fingerprint = hashlib.sha256(b"capacity-key-id" + key).hexdigest()[:8]
    parts = [
        f"'{c}' -> '{names[c]}' ({frame[c].nunique()} distinct values, "
        f"{out[names[c]].nunique()} pseudonyms)"
        for c in columns
    ]
    dropped = [*drop, *free_text]
    return (
        f"Pseudonymised {len(frame)} rows of {src.name} into {dst}: "
        + "; ".join(parts)
        + f" with HMAC-SHA256 under key {fingerprint} (key fingerprint, not the key). "
        + (f"Dropped column(s) {dropped} (free text or as asked). " if dropped else "")
        + f"{len(out.columns)} column(s) written; the original stays untouched at {src}."
    )


# --- small-cell suppression ----------------------------------------------------------------
@dataclass(frozen=True)
class SuppressedFrame:
    """A table ready for export with small counts hidden.

    Attributes
    ----------
    frame : pandas.DataFrame
        The table; count columns have object dtype and hidden cells read ``"<threshold"``.
    threshold : int
        Counts ``1 .. threshold - 1`` are hidden; zero is shown.
    n_suppressed : int
        Cells hidden in all (primary and secondary).
    cells : list of (index label, column)
        Every hidden cell.
    secondary : list of (index label, column)
        Cells hidden only to protect another one (complementary suppression).
    """

    frame: pd.DataFrame
    threshold: int
    n_suppressed: int
    cells: list[tuple[object, str]]
    secondary: list[tuple[object, str]] = field(default_factory=list)

    @property
    def caveat(self) -> str:
        """One sentence for the report's caveats."""
        extra = f", {len(self.secondary)} of them to protect another" if self.secondary else ""
        return (
            f"{self.n_suppressed} cell(s) with counts from 1 to {self.threshold - 1} are shown "
            f"as '<{self.threshold}'{extra}; totals were computed before suppression."
        )


def _count_columns(frame: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return [
            c
            for c in frame.columns
            if pd.api.types.is_integer_dtype(frame[c].dtype)
            and not pd.api.types.is_bool_dtype(frame[c].dtype)
        ]
    bad = [
        c
        for c in columns
        if c not in frame.columns
        or not pd.api.types.is_numeric_dtype(frame[c].dtype)
        or pd.api.types.is_bool_dtype(frame[c].dtype)
    ]
    if bad:
        raise ParameterError(
            f"cannot suppress column(s) {bad}: not numeric count columns of this table "
            f"(columns: {list(frame.columns)})."
        )
    return list(columns)


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer) or threshold < 1:
        raise ParameterError(
            f"threshold must be a whole number of at least 1 (counts 1..threshold-1 are hidden; "
            f"1 hides nothing, 5 is usual), got {threshold!r}."
        )


def _hide(frame: pd.DataFrame, mask: pd.DataFrame, threshold: int) -> pd.DataFrame:
    out = frame.copy()
    cols = list(mask.columns)
    out[cols] = frame[cols].astype(object).mask(mask, f"<{threshold}")
    return out


def _cells(mask: pd.DataFrame) -> list[tuple[object, str]]:
    r, c = np.nonzero(mask.to_numpy())
    return list(zip(mask.index[r].tolist(), mask.columns[c].tolist(), strict=True))


def suppress(
    frame: pd.DataFrame, threshold: int = 5, columns: Sequence[str] | None = None
) -> SuppressedFrame:
    """Hide small counts (primary suppression) before a table is exported.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to export. Compute every total, share and rate *before* calling this.
    threshold : int, default 5
        Counts ``1 .. threshold - 1`` become the string ``"<threshold"``; 0 stays 0.
    columns : sequence of str, optional
        Count columns to check; default every integer column (not booleans). Other
        columns are left untouched.

    Returns
    -------
    SuppressedFrame

    Notes
    -----
    A cell :math:`n` is hidden when :math:`0 < n < t`. Primary suppression alone does not
    stop a reader from recovering a hidden cell from a shown total (:math:`n_1 = T - n_2`);
    use :func:`suppress_complementary` when a table shows row totals.

    References
    ----------
    .. [1] A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), ch. 5.

    Examples
    --------
    >>> t = pd.DataFrame({"channel": ["online", "street"], "contacts": [12, 3]})
    >>> s = suppress(t)
    >>> s.frame["contacts"].tolist(), s.n_suppressed
    ([12, '<5'], 1)
    """
    _check_threshold(threshold)
    cols = _count_columns(frame, columns)
    values = frame[cols].apply(pd.to_numeric)
    mask = ((values > 0) & (values < threshold)).fillna(False).astype(bool)
    cells = _cells(mask)
    return SuppressedFrame(_hide(frame, mask, threshold), int(threshold), len(cells), cells)


def suppress_complementary(
    frame: pd.DataFrame,
    total: str,
    threshold: int = 5,
    columns: Sequence[str] | None = None,
) -> SuppressedFrame:
    """Primary suppression plus one secondary cell per row that a row total would reveal.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table whose ``columns`` add up to ``total`` in each row.
    total : str
        Row-total column (shown unless it is itself small).
    threshold : int, default 5
        As in :func:`suppress`.
    columns : sequence of str, optional
        The parts; default every integer column except ``total``.

    Returns
    -------
    SuppressedFrame
        ``secondary`` lists the cells hidden to protect another.

    Notes
    -----
    In a row with exactly one hidden part and a shown total the part equals
    :math:`T - \\sum_{j \\ne i} n_j`; hiding also the smallest shown non-zero part of that
    row leaves two unknowns for one equation. Column totals are not protected: do not
    export them next to a table suppressed this way, or protect them by hand.

    References
    ----------
    .. [1] A. Hundepool et al., *Statistical Disclosure Control*, Wiley (2012), sec. 5.2.

    Examples
    --------
    >>> t = pd.DataFrame({"online": [3, 10], "street": [9, 8], "total": [12, 18]})
    >>> s = suppress_complementary(t, "total")
    >>> s.frame.to_dict("list"), s.secondary
    ({'online': ['<5', 10], 'street': ['<5', 8], 'total': [12, 18]}, [(0, 'street')])
    """
    _check_threshold(threshold)
    if total not in frame.columns:
        raise ParameterError(f"total column {total!r} is not in the table {list(frame.columns)}.")
    parts = [c for c in _count_columns(frame, columns) if c != total]
    values = frame[[*parts, total]].apply(pd.to_numeric).astype(float)
    primary = ((values > 0) & (values < threshold)).fillna(False).astype(bool)
    part_vals = values[parts].to_numpy()
    hidden = primary[parts].to_numpy()
    shown_total = ~primary[total].to_numpy() & values[total].notna().to_numpy()
    cand = np.where(~hidden & (part_vals > 0), part_vals, np.inf)
    need = (hidden.sum(axis=1) == 1) & shown_total & np.isfinite(cand.min(axis=1, initial=np.inf))
    sec = np.zeros(primary.shape, dtype=bool)
    rows = np.flatnonzero(need)
    if rows.size:
        sec[rows, np.argmin(cand[rows], axis=1)] = True  # parts come first in `primary`
    second = pd.DataFrame(sec, index=frame.index, columns=primary.columns)
    mask = primary | second
    cells = _cells(mask)
    return SuppressedFrame(
        _hide(frame, mask, threshold), int(threshold), len(cells), cells, _cells(second)
    )
