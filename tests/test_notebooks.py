"""Every notebook: thin, committed without outputs, parameters validated; executed on tiny data."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from capacity.config import NOTEBOOKS_DIR, Params
from capacity.report.run import run_report

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
FIELDS = set(Params().to_dict())
NOTEBOOK_ONLY = {"artifacts_dir", "scenarios_file"}


def test_there_are_notebooks():
    assert {"committee_report", "data_quality"} <= {p.stem for p in NOTEBOOKS}


def _parameters_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_with_a_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, "commit notebooks without outputs"
    i = _parameters_cell(nb)
    first, before = nb.cells[i], nb.cells[i - 1]
    assert "_before = set(globals())" in before.source
    assert "remove_cell" in before.metadata.get("tags", [])
    names = set(re.findall(r"^(\w+)(?:: \w[\w\[\]]*)? = ", first.source, flags=re.M))
    assert FIELDS | {"artifacts_dir"} <= names <= FIELDS | NOTEBOOK_ONLY, names ^ FIELDS
    setup = next(c for c in nb.cells[i + 1 :] if c.cell_type == "code").source
    assert "Params.from_namespace(globals(), _before, extra=(" in setup
    assert nb.metadata["kernelspec"]["name"] in ("capacity", "python3")
    for cell in code[3:]:
        assert len(cell.source.splitlines()) <= 12, "keep notebook cells thin: logic lives in src/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_every_field_with_its_default(path: Path):
    nb = nbformat.read(path, as_version=4)
    i = _parameters_cell(nb)
    namespace: dict = {}
    exec(nb.cells[i - 1].source, namespace)  # imports of the types, then _before
    before = set(namespace)
    exec(nb.cells[i].source, namespace)  # literals only, typed
    assert Params.from_namespace(namespace, before, extra=tuple(NOTEBOOK_ONLY)) == Params()
    assert set(namespace) - before - NOTEBOOK_ONLY - {"__annotations__"} == FIELDS
    assert set(namespace["__annotations__"]) - NOTEBOOK_ONLY == FIELDS  # every one typed


MISSPELT = {"tagret_reach": 0.5}
REFUSED = "unknown parameter(s): 'tagret_reach' (did you mean 'target_reach'?)"


def test_plain_papermill_refuses_an_unknown_name(tmp_path, tiny_dir):
    """papermill injects -p names as variables; the validation cell refuses a misspelt one
    (in a kernel, as a user's own papermill run would: the committee report)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    path = NOTEBOOKS_DIR / "committee_report.ipynb"
    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(path),
            str(tmp_path / "out.ipynb"),
            parameters={**MISSPELT, "data_dir": str(tiny_dir)},
            progress_bar=False,
            cwd=str(path.parent),
        )
    assert caught.value.ename == "ParameterError"
    assert REFUSED in str(caught.value)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_refuses_an_unknown_name_papermill_injects(path: Path, tiny_dir):
    """Each notebook as papermill parameterises it (its own injected cell after the
    parameters cell), run cell by cell up to its validation cell, here rather than in a
    kernel per notebook (4-5 s each; the kernel path is the test above): the misspelt
    name is refused before any analysis runs."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from capacity.exceptions import ParameterError

    nb = parameterize_notebook(
        load_notebook_node(str(path)), {**MISSPELT, "data_dir": str(tiny_dir)}
    )
    i = next(
        i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert nb.cells[i - 1].metadata.get("tags") == ["parameters"]
    setup = next(j for j in range(i + 1, len(nb.cells)) if nb.cells[j].cell_type == "code")
    namespace: dict = {}
    with pytest.raises(ParameterError, match=re.escape(REFUSED)):
        for k, cell in enumerate(nb.cells[: setup + 1]):
            if cell.cell_type == "code":
                exec(compile(cell.source, f"<{path.stem} cell {k}>", "exec"), namespace)


@pytest.fixture(autouse=True, scope="module")
def shared_fit_cache(tmp_path_factory):
    """One fit cache for the module's runs (kernels inherit the environment)."""
    import os

    old = os.environ.get("CAPACITY_CACHE")
    os.environ["CAPACITY_CACHE"] = str(tmp_path_factory.mktemp("fit-cache"))
    yield
    if old is None:
        os.environ.pop("CAPACITY_CACHE", None)
    else:
        os.environ["CAPACITY_CACHE"] = old


def _params(tiny_dir, tmp_path: Path, **more) -> Params:
    return Params.from_mapping(
        {
            "data_dir": str(tiny_dir),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "n_boot": 40,
            "output_dir": str(tmp_path / "reports"),
            **more,
        }
    )


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.stem != "committee_report"], ids=lambda p: p.stem
)
def test_analyst_notebook_runs_on_tiny_data(tmp_path, path, tiny_dir):
    run = run_report(
        _params(tiny_dir, tmp_path, run_id=path.stem), notebook=path.stem, formats="html"
    )
    html = (run.folder / "report.html").read_text(encoding="utf-8")
    assert "<h1>" in html and "Params.from_mapping" not in html
    if path.stem == "template_estimator":  # the strategy registered in the notebook was used
        assert "Key figures with strategy half_and_half" in html


def _committee(tmp_path: Path, lang: str, tiny_dir):
    from capacity.dataset import load_dataset
    from capacity.question4 import evaluate
    from capacity.report import fitted_models

    params = _params(tiny_dir, tmp_path, language=lang, run_id=f"committee-{lang}")
    run = run_report(params, notebook="committee_report")
    result = evaluate(fitted_models(load_dataset(params.data_path), params), params)
    return run, result


def _check_pdf(run, result, lang: str) -> None:
    from pypdf import PdfReader

    from capacity.report.committee.first_page import competence_gap_text
    from capacity.report.committee.sections import verdict_text

    reader = PdfReader(run.folder / "report.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Räcker" if lang == "sv" else "Are the outreach")
    pages = [_plain(p.extract_text()) for p in reader.pages]
    banner = (
        "SYNTETISKA DATA – inte verkliga uppgifter"
        if lang == "sv"
        else "SYNTHETIC DATA – not real figures"
    )
    assert all(banner in page for page in pages)
    assert _plain(verdict_text(result, lang)) in pages[0]
    # page one: the verdict, the reach curve and what the committee can do, with costs
    page_one = (
        [
            "Andel som nås med fler årsarbetare",
            "Vad kan nämnden göra?",
            "Kostnad per år, tkr",
            "+20 årsarbetare",
            "Tolk vid varje kontakt",
            "Att nå fler kräver mer efteråt",
            # how sure: the interval given the model, the range across what data cannot decide
            "Intervallen gäller givet modellen",
            "Det som data inte avgör",
            # competence beyond language beside the languages no staff member speaks
            "Språk och kompetens",
        ]
        if lang == "sv"
        else [
            "Share reached with more FTE",
            "What can the committee do?",
            "Cost a year, kSEK",
            "+20 FTE",
            "Interpreter at every contact",
            "Reaching more demands more afterwards",
            "The intervals hold given the model",
            "What the data cannot decide",
            "Languages and competence",
        ]
    )
    if getattr(result, "mobility", None) is not None:  # cooperation with other cities
        page_one += (
            ["Städer delar vem som nåtts", "Gemensam annonsgenomgång", "Per resa:"]
            if lang == "sv"
            else ["Cities share who was reached", "Shared screening of ads", "Per tour:"]
        )
    # the languages no staff member speaks, in page one's short form
    gap = competence_gap_text(SimpleNamespace(lang=lang), result, compact=True)
    page_one.append(_plain(gap))
    # competence beyond language: the table, or a sentence saying the data are too few
    from capacity.report.committee.key_figures import phrase

    words = SimpleNamespace(lang=lang)
    table = phrase(words, "competence_caption")
    assert table in pages[0] or _plain(phrase(words, "competence_none")) in pages[0]
    for text in page_one:
        assert text in pages[0], text
    page_two = (
        ["Nyckeltal", "Andel som nås (oavsett språk)"]
        if lang == "sv"
        else ["Key figures", "Share reached (any language)"]
    )
    for text in page_two:  # right after page one's options
        assert text in pages[0] + pages[1], text
    _check_layout(run.folder / "report.pdf", pages, lang)
    headings = (
        ["Svar på fråga 4", "Nyckeltal", "Målgruppen", "Metod", "Underlag och spårbarhet"]
        if lang == "sv"
        else ["Answer to question 4", "Key figures", "The target group", "Methods", "Provenance"]
    )
    whole = " ".join(pages)
    for heading in headings:
        assert heading in whole
    outline = [o["/Title"] for o in reader.outline if isinstance(o, dict)]
    assert outline[0].startswith("Räcker" if lang == "sv" else "Are the")
    for code in ("import ", "Params.from_mapping", "committee.", "book.", "Traceback"):
        assert code not in whole


# --- how much of each PDF page the report uses, measured from the PDF (pypdf) ------------
# Text positions and drawn images (figures) inside the page's content area — between the
# margins of report.css, so the running header and the page number do not count; the fill
# is the share of the content area from its top down to the lowest text or image.

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


#: Words that never occur in Swedish prose: one of them in the Swedish PDF means an
#: untranslated sentence.
ENGLISH_WORDS = frozenset(
    "the and of is are with which this that from have were was been their there would "
    "should than these those each every".split()
)


def _check_layout(pdf, pages, lang: str) -> None:
    fill = page_fill(pdf)
    assert len(fill) <= 8, f"{len(fill)} pages"
    thin = [i + 1 for i, f in enumerate(fill[:-1]) if f < 0.5]
    assert not thin, f"pages less than half used: {thin} ({[round(f, 2) for f in fill]})"
    whole = " ".join(pages)
    fte = (
        r"\d[.,]\d+\s+(?:uppsökande\s+)?årsarbetare"
        if lang == "sv"
        else r"\d[.,]\d+\s+(?:outreach\s+)?FTE"
    )
    # FTE needed and added are whole; today's registered staffing keeps its decimal
    # ("har 2,5 årsarbetare för uppsökande arbete": rounding it to 2 would misstate it)
    registered = r"(?:har|have) \d+[.,]\d (?:årsarbetare för uppsökande|FTE for outreach)"
    whole = re.sub(registered, "", whole)
    assert not re.findall(fte, whole), re.findall(fte, whole)
    if lang == "sv":
        words = re.findall(r"[A-Za-zÅÄÖåäö]+", whole)
        english = sorted({w for w in words if w.lower() in ENGLISH_WORDS})
        assert not english, f"English words in the Swedish report: {english}"


@pytest.mark.slow
def test_swedish_committee_report(tmp_path, tiny_dir):
    import json

    run, result = _committee(tmp_path, "sv", tiny_dir)
    _check_pdf(run, result, "sv")
    record = json.loads((run.folder / "provenance.json").read_text(encoding="utf-8"))
    assert {t: record["input_files"][t]["sha256"] for t in result.data_files} == {
        t: info["sha256"] for t, info in result.data_files.items()
    }


@pytest.mark.slow
def test_english_committee_report_and_its_numbers(tmp_path, tiny_dir):
    run, result = _committee(tmp_path, "en", tiny_dir)
    _check_pdf(run, result, "en")
    # the provenance lists the parameters away from the defaults, then names the rest
    from pypdf import PdfReader

    text = _plain(" ".join(p.extract_text() for p in PdfReader(run.folder / "report.pdf").pages))
    assert "period_start=2024-01-01" in text and "n_boot=40" in text
    assert "the others: this code version's defaults (docs/parameters.md)" in text
    assert "suppression_threshold=" not in text  # at its default
    sheet = pd.read_excel(run.folder / "tables.xlsx", sheet_name="key_figures", index_col=0)
    kf = result.key_figures
    assert sheet.loc["Share reached in a language they understand", "Estimate"] == pytest.approx(
        kf.loc["reach_effective", "estimate"]
    )
    assert sheet.loc["FTE needed for the target", "Estimate"] == pytest.approx(
        kf.loc["fte_needed", "estimate"]
    )
    html = (run.folder / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "In&nbsp;[" not in html
    from capacity.i18n import format_number

    fte = format_number(kf.loc["fte_needed", "estimate"], "en", 0)  # FTE in whole numbers
    assert f'<td class="num">{fte}</td>' in html  # the HTML shows the model's number
    assert html.count("<img") == html.count('alt="') >= 2
    languages = pd.read_excel(run.folder / "tables.xlsx", sheet_name="languages", index_col=0)
    from capacity.report.committee.sections import grouped_languages

    shown = grouped_languages(result.languages, result.params.suppression_threshold, 0.8)
    assert len(languages) == len(shown)  # small languages grouped before shares are shown


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_sample_report_as_make_report_renders_it_keeps_the_layout(tmp_path, lang):
    """The shipped sample's report (params/stockholm.yaml, what ``make report`` renders)
    keeps to ≤ 8 pages, every page but the last at least half used, FTE whole, no English in
    the Swedish PDF: the tiny data's report is shorter, so only this run sees the sample's
    page breaks (its last page was 93 % full when this test was written)."""
    import yaml
    from pypdf import PdfReader

    root = NOTEBOOKS_DIR.parent
    values = yaml.safe_load((root / "params" / "stockholm.yaml").read_text(encoding="utf-8"))
    values |= {
        "data_dir": str(root / values["data_dir"]),
        "language": lang,
        "output_dir": str(tmp_path / "reports"),
        "run_id": f"sample-{lang}",
    }
    run = run_report(Params.from_mapping(values), notebook="committee_report", formats="pdf")
    pdf = run.folder / "report.pdf"
    pages = [_plain(p.extract_text()) for p in PdfReader(pdf).pages]
    _check_layout(pdf, pages, lang)
    # params/stockholm.yaml holds the defaults: the provenance names no parameter one by one
    rest = "programversionens standardvärden" if lang == "sv" else "this code version's defaults"
    assert rest in pages[-1] and "n_boot=" not in pages[-1]
