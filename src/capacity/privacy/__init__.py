"""Privacy guard: refuse personal identifiers, make keyed-hash pseudonyms, suppress small cells.

Three tools keep personal data out of the project (see ``docs/privacy.md``):

* :func:`find_identifiers` scans a table for identifier-like column names and values
  (personal identity numbers, phone numbers, e-mail addresses, person names, free text).
  :func:`capacity.dataset.load_dataset` calls it on every table and refuses the data if it finds any.
* :func:`pseudonymise_file` replaces identifier columns by keyed-hash pseudonyms
  (HMAC-SHA256) *before* the data enter ``data/``; :func:`generate_key_file` makes the key.
* :func:`suppress` (primary) and :func:`suppress_complementary` (primary plus secondary)
  hide small counts in every exported table.
"""

from capacity.privacy.detect import find_identifiers
from capacity.privacy.pseudonyms import (
    KEY_BYTES,
    generate_key_file,
    pseudonymise_file,
    pseudonymise_values,
)
from capacity.privacy.pseudonyms import (
    PSEUDONYM_LENGTH as PSEUDONYM_LENGTH,
)
from capacity.privacy.suppression import SuppressedFrame, suppress, suppress_complementary

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
