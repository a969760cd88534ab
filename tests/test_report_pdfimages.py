"""A figure's PDF image encoded once per process: the PDF is the same bytes."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from capacity.report import pdfimages
from capacity.report.render import html_to_pdf

weasyprint = pytest.importorskip("weasyprint")


def _png(mode: str, seed: int) -> str:
    """A random 60 × 40 PNG (8-bit RGB or RGBA), base64; written with the standard library."""
    import struct
    import zlib

    channels = len(mode)
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (40, 60 * channels), dtype=np.uint8)
    raw = b"".join(b"\0" + row.tobytes() for row in pixels)  # filter 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack("!I", len(data)) + body + struct.pack("!I", zlib.crc32(body))

    colour = {"RGB": 2, "RGBA": 6}[mode]
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack("!IIBBBBB", 60, 40, 8, colour, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


def _html(*images: str) -> str:
    tags = "".join(f'<img src="data:image/png;base64,{b}" alt="figure {i}">' for i, b in
                   enumerate(images))  # fmt: skip
    return f'<html lang="en"><head><title>t</title></head><body><p>x</p>{tags}</body></html>'


def test_an_image_written_before_gives_the_same_pdf_bytes(tmp_path, monkeypatch):
    from weasyprint.images import RasterImage

    assert pdfimages.install()
    wrapped = RasterImage.get_x_object
    original = wrapped.__wrapped__
    calls = []

    def counted(self, interpolate, dpi_ratio):
        calls.append(self.mode)
        return original(self, interpolate, dpi_ratio)

    monkeypatch.setattr(wrapped, "__wrapped__", original)
    monkeypatch.setattr(pdfimages, "_KEPT", {})
    rgba, rgb = _png("RGBA", 1), _png("RGB", 2)
    html = _html(rgba, rgb, rgba)

    def pdf(name: str) -> bytes:
        html_to_pdf(html, tmp_path / name, base_url=tmp_path, identifier="t")
        return (tmp_path / name).read_bytes()

    # as WeasyPrint writes it, every image encoded for every document
    monkeypatch.setattr(RasterImage, "get_x_object", counted)
    plain = pdf("plain.pdf")
    assert sorted(calls) == ["RGB", "RGBA"]  # the same image twice in one document: once
    # kept: encoded by the first document, taken by the second; the same bytes both times
    calls.clear()
    monkeypatch.setattr(RasterImage, "get_x_object", _rewrap(counted))
    assert pdf("first.pdf") == plain
    assert len(calls) == 2
    assert pdf("second.pdf") == plain
    assert len(calls) == 2  # nothing encoded again
    other = _html(_png("RGBA", 3))  # another image: encoded
    html_to_pdf(other, tmp_path / "other.pdf", base_url=tmp_path)
    assert len(calls) == 3


def _rewrap(original):
    """:func:`pdfimages.install`'s wrapper around ``original`` (a fresh install)."""
    from weasyprint.images import RasterImage

    saved, installed = RasterImage.get_x_object, pdfimages._INSTALLED
    try:
        RasterImage.get_x_object = original
        pdfimages._INSTALLED = False
        assert pdfimages.install()
        return RasterImage.get_x_object
    finally:
        RasterImage.get_x_object = saved
        pdfimages._INSTALLED = installed
