"""How much of each PDF page a report uses, measured from the PDF itself.

A committee trusts a report whose pages are full; a table alone at the top of a page looks
like a mistake. :func:`page_fill` reads every page's content stream with pypdf and records
the vertical extent of the text and the images (figures) drawn inside the page's content
area — between the top and bottom margins, so the running header, the synthetic-data
banner in the margin and the page number do not count. The fill of a page is the share of
the content area's height from its top down to the lowest text or image.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MM", "page_fill", "page_texts"]

MM = 72 / 25.4  # points per millimetre


def _corners(cm) -> list[float]:
    a, b, c, d, e, f = (float(v) for v in cm)
    return [f, b + f, d + f, b + d + f]  # y of the unit square's corners


def page_fill(
    pdf: str | Path, top_margin_mm: float = 22.0, bottom_margin_mm: float = 20.0
) -> list[float]:
    """Share of each page's content area (0–1) from its top down to the lowest content.

    Parameters
    ----------
    pdf : path
        The PDF (A4 pages of the report template; margins as in ``report.css``).
    top_margin_mm, bottom_margin_mm : float
        The page margins; content in them (running header, page number) is ignored.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        top = height - top_margin_mm * MM
        bottom = bottom_margin_mm * MM
        ys: list[float] = []

        def text(t, cm, tm, font, size, ys=ys):
            if t.strip():
                y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
                ys.append(y)

        def operand(op, args, cm, tm, ys=ys):
            if op == b"Do":
                ys.extend(_corners(cm))

        page.extract_text(visitor_text=text, visitor_operand_before=operand)
        inside = [y for y in ys if bottom - 1 <= y <= top + 1]
        if not inside:
            out.append(0.0)
            continue
        out.append(max(0.0, min(1.0, (top - min(inside)) / (top - bottom))))
    return out


def page_texts(pdf: str | Path) -> list[str]:
    """The text of every page (pypdf's extraction)."""
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(pdf)).pages]
