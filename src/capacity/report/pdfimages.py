"""A figure's PDF image encoded once per process, however many reports show it.

WeasyPrint writes a PNG into a PDF by decoding it, splitting off its alpha channel and
encoding the colour and the alpha again (``RasterImage.get_x_object``), for every document:
about a sixth of a scenario report's PDF. A sweep's worker process renders eight or so
reports whose figures are often the same bytes (the stays' survival curve and the strategy
check in every report, the forecast in half of them, the budget frontier in two;
:mod:`capacity.report.figmemo`), and re-encoded each of them every time.

:func:`install` wraps that method once per process: the first time an image is written its
PDF objects are kept (as bytes and plain values), keyed by the image's bytes and everything
else the method reads (its format, mode, size, the ``optimize_images`` and ``dpi`` options,
``interpolate`` and the resolution ratio); the next document with the same image gets new
objects with the same content. The PDF is the same bytes (a test renders one with and
without it). The objects are rebuilt for every document because writing a PDF numbers them
and replaces the alpha mask by a reference in place.

Only WeasyPrint's ``RasterImage`` with the ``get_x_object(self, interpolate, dpi_ratio)`` it
has had since version 53, writing with pydyf (WeasyPrint's own PDF library, used here only
through WeasyPrint), is wrapped; anything else is left as it is (and the images are simply
encoded each time).
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

#: Most images kept (the oldest go first); a sweep's reports show 44 different figures.
SIZE = 64
#: key -> the image's PDF objects as plain values (:func:`_plain`)
_KEPT: dict[tuple, Any] = {}
_INSTALLED = False


def install() -> bool:
    """Wrap ``weasyprint.images.RasterImage.get_x_object`` (once); whether it is wrapped."""
    global _INSTALLED
    if _INSTALLED:
        return True
    try:
        from weasyprint import images
    except ImportError:
        return False
    raster = getattr(images, "RasterImage", None)
    if getattr(images, "pydyf", None) is None or raster is None:
        return False
    original = getattr(raster, "get_x_object", None)
    try:
        names = list(inspect.signature(original).parameters) if original else []
    except (TypeError, ValueError):
        names = []
    if names != ["self", "interpolate", "dpi_ratio"]:
        return False

    def get_x_object(self, interpolate, dpi_ratio):
        key = _key(self, interpolate, dpi_ratio)
        if key is None:
            return original(self, interpolate, dpi_ratio)
        kept = _KEPT.pop(key, None)
        if kept is None:
            made = original(self, interpolate, dpi_ratio)
            kept = _plain(made)
            if kept is None:  # not of the kinds expected: not kept
                return made
        _KEPT[key] = kept  # last: the most recently used
        while len(_KEPT) > SIZE:
            del _KEPT[next(iter(_KEPT))]
        return _objects(kept)

    get_x_object.__wrapped__ = original
    raster.get_x_object = get_x_object
    _INSTALLED = True
    return True


def _key(image, interpolate, dpi_ratio) -> tuple | None:
    """What ``get_x_object`` reads: the image's bytes, its kind and the options; None if unknown."""
    try:
        data = image.image_data.data
        return (
            hashlib.sha256(data).digest(),
            image.format,
            image.mode,
            image.width,
            image.height,
            image.optimize,
            image._dpi,
            image.invert_colors,
            bool(interpolate),
            dpi_ratio,
        )
    except (AttributeError, TypeError):
        return None


def _pydyf():
    """The PDF object library WeasyPrint writes with, as WeasyPrint imported it.

    Not a dependency of this package: only the objects WeasyPrint's own method returns are
    taken apart and rebuilt, with the classes they are made of (:func:`install` wraps
    nothing when WeasyPrint has no such module).
    """
    from weasyprint import images

    return images.pydyf


def _plain(value):
    """A PDF object as plain values (bytes, numbers, strings, tuples); None if unexpected."""
    pydyf = _pydyf()

    if isinstance(value, pydyf.Stream):
        extra = _plain(value.extra)
        # the image data: bytes, or an object holding them (WeasyPrint's LazyImage)
        items = [i if isinstance(i, bytes) else getattr(i, "data", None) for i in value.stream]
        if extra is None or not all(isinstance(i, bytes) for i in items):
            return None
        return ("stream", tuple(items), extra, value.compress)
    if isinstance(value, dict):  # a pydyf.Dictionary, or a dict as a stream's extra
        items = [(k, _plain(v)) for k, v in value.items()]
        kind = "dict" if isinstance(value, pydyf.Dictionary) else "mapping"
        return None if any(v is None for _, v in items) else (kind, tuple(items))
    if isinstance(value, pydyf.Array):
        items = [_plain(v) for v in value]
        return None if any(v is None for v in items) else ("array", tuple(items))
    if isinstance(value, pydyf.Object):  # a reference or another object: not kept
        return None
    if isinstance(value, str | bytes | int | float | bool):
        return ("value", value)
    return None


def _objects(plain):
    """New PDF objects from :func:`_plain`'s values."""
    pydyf = _pydyf()

    kind, *rest = plain
    if kind == "stream":
        items, extra, compress = rest
        return pydyf.Stream(list(items), _objects(extra), compress=compress)
    if kind == "dict":
        return pydyf.Dictionary({k: _objects(v) for k, v in rest[0]})
    if kind == "mapping":
        return {k: _objects(v) for k, v in rest[0]}
    if kind == "array":
        return pydyf.Array([_objects(v) for v in rest[0]])
    return rest[0]


__all__ = ["SIZE", "install"]
