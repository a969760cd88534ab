"""Executed notebook → HTML without code (nbconvert template) → tagged PDF/UA-1 (WeasyPrint).

The HTML comes from the ``capacity_report`` nbconvert template in
``capacity/templates``: only markdown and HTML outputs, no code, no prompts, no streams;
``<html lang>``, ``<title>``, the report CSS and the page furniture (running header,
synthetic-data banner, page numbers) come from the notebook metadata ``capacity``.

The PDF is written by WeasyPrint as PDF/UA-1 (tagged, with the document title shown and
the language set from ``<html lang>``). WeasyPrint reports accessibility failures (an image
without alt text, a missing language) through its logger rather than by raising; the
renderer captures that logger and fails the run on any error it logs.

References
----------
ISO 14289-1:2014, *Document management applications — Electronic document file format
enhancement for accessibility — Part 1: Use of ISO 32000-1 (PDF/UA-1).*
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from capacity.exceptions import ReportError

if TYPE_CHECKING:
    import nbformat

TEMPLATE_NAME = "capacity_report"


def template_dir() -> Path:
    """Folder holding the nbconvert templates shipped with capacity."""
    return Path(str(resources.files("capacity") / "templates"))


def report_css() -> str:
    """The reports' stylesheet (text of ``report.css``)."""
    return (template_dir() / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")


def notebook_to_html(nb: nbformat.NotebookNode) -> str:
    """HTML of an executed notebook with the report template: outputs only, no code.

    Cells tagged ``remove_cell`` are left out (notes for analysts in the notebook).
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_template_basedirs=[str(template_dir())],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"capacity_css": report_css()})
    return body


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def html_to_pdf(
    html: str, path: str | Path, *, base_url: str | Path | None = None, identifier: str = ""
) -> list[str]:
    """Write ``html`` as a tagged PDF/UA-1 to ``path``; return WeasyPrint's warnings.

    Raises
    ------
    ReportError
        If WeasyPrint logs an error (e.g. an image without alt text or a document without
        a language): the PDF would not be accessible.
    """
    import weasyprint

    from capacity.report import pdfimages

    pdfimages.install()  # a figure another report of this process showed: encoded once
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=html, base_url=str(base_url or Path.cwd()))
        document.write_pdf(
            str(path),
            pdf_variant="pdf/ua-1",
            pdf_identifier=identifier.encode() if identifier else None,
            custom_metadata=True,
        )
    finally:
        logger.removeHandler(handler)
    errors = [r.getMessage() for r in handler.records if r.levelno >= logging.ERROR]
    if errors:
        Path(path).unlink(missing_ok=True)
        raise ReportError(
            "the PDF would not be accessible (PDF/UA-1); WeasyPrint reported: "
            + "; ".join(errors)
            + ". Give every image alt text and the document a language, then render again."
        )
    return [r.getMessage() for r in handler.records if r.levelno < logging.ERROR]
