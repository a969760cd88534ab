"""The notebook side of a report: headings, text, numbered tables and figures.

A report notebook makes one :class:`ReportBook` right after its parameters and sends every
heading, paragraph, table and figure through it. The book

* shows each item as HTML in the notebook (which the report template turns into the HTML
  and PDF without code),
* numbers tables and figures ("Tabell 1", "Figur 1" / "Table 1", "Figure 1"),
* sends tables through small-cell suppression (:func:`capacity.tables.make_table`),
* saves every table (JSON, for ``tables.xlsx``) and figure (PNG and SVG) into
  ``artifacts_dir`` so that the renderer can collect them.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from capacity import i18n
from capacity.config import Params
from capacity.figures import Figure
from capacity.tables import Table, make_table, suppression_sentence, to_html


def _display_html(html: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html))


class ReportBook:
    """Collects and shows the items of one report.

    Parameters
    ----------
    params : Params
        The run's validated parameters (language, suppression threshold).
    artifacts_dir : str or Path, optional
        Where tables (``tables/NN_name.json``) and figures (``figures/NN_name.png|svg``)
        are saved; nothing is saved when empty (interactive use). The PNG alone when the
        report runner asked for that (:func:`capacity.report.figsave.request_png_only`).
    show : bool
        Display items in the notebook (turn off in tests).
    """

    def __init__(
        self, params: Params, artifacts_dir: str | Path | None = None, *, show: bool = True
    ):
        self.params = params
        self.lang = params.language
        self.artifacts = Path(artifacts_dir) if artifacts_dir else None
        from capacity.report.figsave import wants_svg

        # figure files: PNG and SVG, or the PNG alone when the runner asked for that
        self._svg = wants_svg(self.artifacts)
        self.show = show
        self.tables: list[Table] = []
        self.figures: list[Figure] = []
        self.html_parts: list[str] = []

    # --- the document ----------------------------------------------------------------------
    def begin(
        self,
        title: str,
        *,
        synthetic: bool,
        files: Mapping[str, Any] | None = None,
        place: str | None = None,
    ) -> str:
        """Show the title (and the synthetic-data note) and record them for the renderer.

        Writes ``meta.json`` into ``artifacts_dir``: the title becomes the PDF's title, and
        ``synthetic`` puts the synthetic-data banner on every page. ``place`` is what the
        synthetic-data note says the figures do not describe (default: the parameters' city;
        the national report passes Sweden).
        """
        self.meta = {"title": title, "synthetic": bool(synthetic), "files": dict(files or {})}
        if self.artifacts:
            self.artifacts.mkdir(parents=True, exist_ok=True)
            (self.artifacts / "meta.json").write_text(
                json.dumps(self.meta, ensure_ascii=False, default=str), encoding="utf-8"
            )
        html = self.title(title)
        if synthetic:
            html += self.text(
                self.t("synthetic_note", city=place or self.params.city), css_class="note"
            )
        return html

    # --- plain content -------------------------------------------------------------------
    def _emit(self, html: str) -> str:
        self.html_parts.append(html)
        if self.show:
            _display_html(html)
        return html

    def t(self, key: str, **values: Any) -> str:
        """Text ``key`` in the report language."""
        return i18n.t(key, self.lang, **values)

    def title(self, text: str) -> str:
        """The document's one ``<h1>``."""
        return self._emit(f"<h1>{escape(text)}</h1>")

    def heading(self, key_or_text: str, level: int = 2, *, new_page: bool = False) -> str:
        """A section heading from an :mod:`~capacity.i18n` key (or literal text)."""
        known = key_or_text in i18n.CATALOGUE
        text = i18n.t(key_or_text, self.lang) if known else key_or_text
        cls = ' class="new-page"' if new_page else ""
        return self._emit(f"<h{level}{cls}>{escape(text)}</h{level}>")

    def text(self, *paragraphs: str, css_class: str = "") -> str:
        """One or more paragraphs of plain text (escaped)."""
        cls = f' class="{css_class}"' if css_class else ""
        return self._emit("".join(f"<p{cls}>{escape(p)}</p>" for p in paragraphs))

    def bullets(self, items: Sequence[str | tuple[str, str]], lang: str | None = None) -> str:
        """A bulleted list of plain-text items.

        ``lang`` marks text in another language (so screen readers switch pronunciation).
        An item ``(text, lang)`` marks that item alone (e.g. an English caveat among Swedish
        ones).
        """
        attr = f' lang="{escape(lang)}"' if lang and lang != self.lang else ""
        body = ""
        for item in items:
            text, own = (item, None) if isinstance(item, str) else item
            mark = f' lang="{escape(own)}"' if own and own != (lang or self.lang) else ""
            body += f"<li{mark}>{escape(text)}</li>"
        return self._emit(f"<ul{attr}>{body}</ul>")

    def definitions(self, items: Mapping[str, str], css_class: str = "provenance") -> str:
        """A definition list (term: description)."""
        body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in items.items())
        return self._emit(f'<dl class="{css_class}">{body}</dl>')

    @contextmanager
    def box(self, css_class: str):
        """Everything shown inside the ``with`` block goes into one ``<div class=…>``.

        For layout (e.g. a figure beside a table on page one); figures and tables inside
        are numbered and saved as usual.
        """
        start, show = len(self.html_parts), self.show
        self.show = False
        try:
            yield self
        finally:
            self.show = show
            inner = "".join(self.html_parts[start:])
            del self.html_parts[start:]
            self._emit(f'<div class="{escape(css_class, quote=True)}">{inner}</div>')

    def verdict(self, sentence: str, verdict: str) -> str:
        """The boxed answer on page one."""
        return self._emit(
            f'<p class="verdict {escape(verdict)}" role="note"><strong>{escape(sentence)}</strong></p>'
        )

    # --- tables and figures ----------------------------------------------------------------
    def table(
        self,
        frame: pd.DataFrame,
        *,
        name: str,
        caption: str,
        headers: Mapping[str, str] | None = None,
        kinds: Mapping[str, str] | None = None,
        count_columns: Sequence[str] | None = None,
        row_kinds: Mapping[Any, str] | None = None,
        index_header: str = "",
        interval: tuple[str, str] | None = None,
        interval_header: str = "",
        interval_after: str | None = None,
        hide_columns: Sequence[str] = (),
        linked: Mapping[str, Sequence[str]] | None = None,
        sum_rows: bool = False,
        sum_columns: bool | Sequence[str] = (),
        hide: pd.DataFrame | None = None,
        in_report: bool = True,
    ) -> Table:
        """Suppress small cells, number, save and show a table; return the :class:`Table`.

        ``hide_columns`` are kept in ``tables.xlsx`` but not shown in the report (e.g. the
        standard error next to an interval); ``linked``, ``sum_rows``, ``sum_columns`` and
        ``hide`` are disclosure control, as in :func:`capacity.tables.make_table`. With
        ``in_report=False`` the table is saved (``tables.xlsx``) but not shown: for numbers a
        figure already states.
        """
        tb = make_table(
            frame,
            name=name,
            caption=caption,
            lang=self.lang,
            threshold=self.params.suppression_threshold,
            headers=headers,
            kinds=kinds,
            count_columns=count_columns,
            row_kinds=row_kinds,
            index_header=index_header,
            linked=linked,
            sum_rows=sum_rows,
            sum_columns=sum_columns,
            hide=hide,
        )
        # tables the report shows are numbered 1, 2, …; a saved-only table has no number
        tb.number = 1 + sum(1 for t in self.tables if t.number) if in_report else 0
        self.tables.append(tb)
        if self.artifacts:
            folder = self.artifacts / "tables"
            folder.mkdir(parents=True, exist_ok=True)
            order = len(self.tables)  # file order is report order
            (folder / f"{order:02d}_{tb.name}.json").write_text(tb.to_json(), encoding="utf-8")
        if not in_report:
            return tb
        shown = tb
        if hide_columns:
            shown = Table(**{**tb.__dict__, "frame": tb.frame.drop(columns=list(hide_columns))})
        self._emit(
            to_html(
                shown,
                interval=interval,
                interval_header=interval_header,
                interval_after=interval_after,
            )
        )
        return tb

    def figure(
        self, figure: Figure, caption: str | None = None, height: float | None = None
    ) -> str:
        """Save a figure as PNG and SVG and show it with its alt text and numbered caption.

        The files are written by a forked process (:mod:`capacity.report.figsave`): they are
        in place once :func:`capacity.report.figsave.wait_for_figures` returns.

        ``height`` (inches) sets the figure's height before it is drawn, keeping its width:
        the report's page plan decides how tall a figure may be.
        """
        return self._figure(figure, caption, height)[0]

    def figure_of(
        self, build, *args: Any, caption: str | None = None, height: float | None = None, **kwargs
    ) -> str:
        """``figure(build(*args, **kwargs), caption, height)``; in a sweep drawn once per content.

        On a sweep's warm kernels (:func:`capacity.report.figsave.memo_on`) a figure whose
        builder, arguments and height were drawn before (by this kernel or the sweep's
        other one) is not built or drawn again: its files and the picture shown are the bytes
        drawn then (:mod:`capacity.report.figmemo`). Every input of ``build`` must be an
        argument. Elsewhere this is exactly :meth:`figure`.
        """
        from capacity.report import figmemo
        from capacity.report.figsave import memo_on

        key = None
        if self.artifacts and memo_on():
            key = figmemo.content_key(build, args, kwargs, height)
        found = figmemo.lookup(key, self.params) if key else None
        if found is not None and self._svg and found.get("svg") is None:
            found = None  # drawn for a report that wrote no SVG: this one wants it
        if found is None:
            html, files = self._figure(build(*args, **kwargs), caption, height)
            if key and files is not None:
                figmemo.store(key, self.params, files)
            return html
        from capacity.report.figsave import _write

        number = len(self.figures) + 1
        self.figures.append(Figure(None, found["alt"], found["title"], found["name"]))
        folder = self.artifacts / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{number:02d}_{found['name']}"
        _write(folder / f"{stem}.png", found["png"])
        if self._svg:
            _write(folder / f"{stem}.svg", found["svg"])
        return self._show_figure(number, found["png"], found["alt"], caption or found["title"])

    def _figure(
        self, figure: Figure, caption: str | None, height: float | None
    ) -> tuple[str, dict[str, Any] | None]:
        """:meth:`figure`; also the figure's files and texts when the kernel drew them itself."""
        import matplotlib.pyplot as plt

        if height is not None:
            figure.fig.set_size_inches(figure.fig.get_size_inches()[0], height)

        number = len(self.figures) + 1
        self.figures.append(figure)

        def shown() -> bytes:
            buf = io.BytesIO()
            figure.fig.savefig(buf, format="png", dpi=170, bbox_inches="tight")
            return buf.getvalue()

        files = None
        if self.artifacts:
            from capacity.report.figsave import memo_on, show_and_save

            folder = self.artifacts / "figures"
            stem = f"{number:02d}_{figure.name}"
            # PNG and SVG for figures/, written by a forked process while the notebook goes
            # on (capacity.report.figsave); the runner waits for them before collecting. On
            # a sweep's warm kernel a figure drawn before is not drawn again, and a new one
            # is drawn once at the figures/ resolution, also shown here (no 170 dpi PNG)
            # (a report that asked for PNG files only, e.g. a sweep's scenario report,
            # gets no SVG: figsave.wants_svg)
            png = show_and_save(
                Figure(figure.fig, figure.alt, figure.title, stem), folder, shown,
                with_svg=self._svg,
            )  # fmt: skip
            if memo_on():  # written by the kernel itself (no forked process): keep the bytes
                svg = (folder / f"{stem}.svg").read_bytes() if self._svg else None
                files = {"png": png, "svg": svg, "alt": figure.alt, "title": figure.title,
                         "name": figure.name}  # fmt: skip
        else:
            png = shown()
        plt.close(figure.fig)
        return self._show_figure(number, png, figure.alt, caption or figure.title), files

    def _show_figure(self, number: int, png: bytes, alt: str, text: str) -> str:
        data = base64.b64encode(png).decode("ascii")
        label = f"{i18n.t('figure', self.lang)} {number}."
        return self._emit(
            f'<figure id="figure-{number}"><img src="data:image/png;base64,{data}" '
            f'alt="{escape(alt, quote=True)}">'
            f'<figcaption><span class="label">{escape(label)}</span> {escape(text)}</figcaption>'
            "</figure>"
        )

    def results(
        self, res, *, name: str, caption: str, kind: str = "number2", caveats: bool = True
    ) -> Table:
        """Any model's results object (``summary_frame``) as a table, with its caveats.

        The standard columns ``estimate, se, ci_lower, ci_upper`` are shown as estimate,
        standard error and interval; this is how a researcher's new estimator reaches a
        report without report code. A results object may say how some rows are written
        (``row_kinds``, e.g. a share as a percentage among counts).
        """
        alpha = self.params.alpha
        caption = i18n.result_title(caption, self.lang)  # (a result's own title, translated)
        frame = res.summary_frame(alpha)[["estimate", "se", "ci_lower", "ci_upper"]]
        frame.index = frame.index.astype(str)
        level = i18n.format_level(alpha, self.lang)
        tb = self.table(
            frame,
            name=name,
            caption=caption,
            headers={
                "estimate": i18n.t("kf_estimate", self.lang),
                "se": "SE",
                "ci_lower": "ci_lower",
                "ci_upper": "ci_upper",
            },
            kinds=dict.fromkeys(frame.columns, kind),
            count_columns=[],
            row_kinds=getattr(res, "row_kinds", None),
            index_header=i18n.t("kf_quantity", self.lang),
            interval=("ci_lower", "ci_upper"),
            interval_header=i18n.t("kf_interval", self.lang, level=level),
        )
        if caveats and getattr(res, "caveats", ()):
            self.caveats(res.caveats)
        return tb

    def caveats(self, caveats) -> str:
        """Models' caveats (:class:`capacity.models.Caveat`) as a list in the report language.

        A caveat that contains an error message without a catalogue entry stays in English
        and is marked ``lang="en"`` for screen readers.
        """
        return self.bullets(
            [
                (
                    i18n.caveat_text(c, self.lang, self.params.suppression_threshold),
                    i18n.caveat_language(c, self.lang),
                )
                for c in caveats
            ]
        )

    def suppression_note(self) -> str:
        """One sentence saying which cells small-cell suppression hid in this report."""
        return self.text(suppression_sentence(self.tables, self.lang))
