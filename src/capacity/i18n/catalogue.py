"""The one catalogue of report words: every key in Swedish and English.

:data:`CATALOGUE` maps a key to ``{"sv": ..., "en": ...}`` (the same ``{placeholders}`` in
both). It is put together from four parts of the same shape, one file per kind of words:

- :data:`capacity.i18n.strings.STRINGS` — headings, table headers, shared sentences;
- :data:`capacity.i18n.strings.LANGUAGE_NAMES` — language names (``language_<ISO 639-1>``);
- :data:`capacity.i18n.committee.COMMITTEE` — the committee report's own sentences;
- :data:`capacity.i18n.figures.FIGURES` — figure titles, axes and legends;
- :data:`capacity.i18n.caveats.CAVEATS` — the models' caveats (see
  :func:`capacity.i18n.caveat_text`).

A key may appear in one part only; importing this module fails on a key used twice.
"""

from __future__ import annotations

from collections.abc import Mapping

from capacity.i18n.caveats import CAVEATS
from capacity.i18n.committee import COMMITTEE
from capacity.i18n.figures import FIGURES
from capacity.i18n.strings import LANGUAGE_NAMES, STRINGS

PARTS: dict[str, Mapping[str, Mapping[str, str]]] = {
    "strings": STRINGS,
    "languages": LANGUAGE_NAMES,
    "committee": COMMITTEE,
    "figures": FIGURES,
    "caveats": CAVEATS,
}


def _merge(parts: Mapping[str, Mapping[str, Mapping[str, str]]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    home: dict[str, str] = {}
    for name, part in parts.items():
        for key, texts in part.items():
            if key in out:
                raise RuntimeError(
                    f"catalogue key {key!r} is defined in both {home[key]} and {name}; "
                    "rename one of them."
                )
            out[key], home[key] = dict(texts), name
    return out


CATALOGUE: dict[str, dict[str, str]] = _merge(PARTS)
