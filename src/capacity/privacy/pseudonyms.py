"""Keyed-hash pseudonyms: make the secret key, pseudonymise values and whole files.

:func:`pseudonymise_file` replaces identifier columns by keyed-hash pseudonyms
(HMAC-SHA256) *before* the data enter ``data/``; :func:`generate_key_file` makes the key.
See ``docs/privacy.md``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from capacity.exceptions import ParameterError, PrivacyError
from capacity.io import read_table, write_table
from capacity.privacy.detect import IDENTIFIER_RULES, column_name_kind, find_identifiers

__all__ = [
    "KEY_BYTES",
    "PSEUDONYM_LENGTH",
    "generate_key_file",
    "pseudonymise_file",
    "pseudonymise_values",
]

KEY_BYTES = 32
"""Shortest accepted key in bytes: the SHA-256 output length, below which RFC 2104 advises against."""
PSEUDONYM_LENGTH = 22
"""Characters of url-safe base64 kept from the HMAC digest (132 bits)."""

# --- keyed-hash pseudonyms -----------------------------------------------------------------
_KEY_HELP = (
    "Make a key once per organisation and keep it outside the project (never in git, never "
    "in data/): capacity keygen /secure/place/capacity.key. Use the same key for every file "
    "so the same person gets the same pseudonym."
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
    text_rules = (IDENTIFIER_RULES["text"], IDENTIFIER_RULES["text_name"].split(" (")[0])
    free_text = sorted({p.column for p in found if p.rule.startswith(text_rules)} - set(drop))
    out = frame.drop(columns=[*drop, *free_text])
    names = {}
    for c in columns:
        out[c] = pseudonymise_values(frame[c], key)
        names[c] = (rename or {}).get(c, f"{c}_pseudonym" if column_name_kind(c) else c)
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
