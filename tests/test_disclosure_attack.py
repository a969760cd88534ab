"""No suppressed count can be worked out from any table of a report (issue 13, item 2).

A tiny synthetic city (``capacity synth`` at 2 % of the sample's size: Malmö has 65 persons
in five years) gets its committee report and its data-quality report. Every table the
notebooks make is captured *before* disclosure control, with what the report then shows,
and attacked the way a reader could:

* a count from 1 to threshold − 1 must be hidden;
* the totals of every line that adds up — declared here, independently of the code that
  makes the tables — are assumed known (printed elsewhere, or following from a share beside a
  shown count); linear programming then must not pin any small hidden count
  (:func:`capacity.privacy.suppression.recoverable`);
* a share beside a shown count gives the total, and the total times a shown share beside a
  hidden count would give the count back;
* a rate per contact beside its shown contacts gives its numerator back.

Then the real renders are scanned: every hidden cell reads ``<k`` or "dolt" in
``tables.xlsx``, and no sentence of the PDF, the HTML (alt text included), the SVG text or
the executed notebook prints a small count of persons, stays or contacts.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from capacity.config import ROOT, Params
from capacity.privacy.suppression import protect, recoverable

THRESHOLD = 5

#: How the counts of each report table add up (rows, columns), written from what the table
#: means, not read from the code that makes it. Any other table with counts is assumed to
#: add up down its columns.
LINES: dict[str, tuple[bool, bool | list[str]]] = {
    "flows": (True, True),  # stays from a city (row total), stays into a city (column)
    "indicators": (True, False),  # all = buyers only + selling sex included; steps nest
    "identification": (False, True),  # contacts in the three modes: the log's total
    "languages": (False, True),
    "sources": (False, ["sightings"]),  # persons overlap between sources: not additive
    "overlap": (False, True),
    "channels": (False, True),
}

#: Rate columns per 100 contacts and the count they are a rate of.
RATES = {"identification": {"indicators": "contacts", "referrals": "contacts"}}


# --- the protection step itself ---------------------------------------------------------------
def test_protect_leaves_no_line_to_solve_on_random_tables():
    rng = np.random.default_rng(13)
    failures = 0
    for _ in range(60):
        frame = pd.DataFrame(rng.integers(0, 12, size=tuple(rng.integers(2, 5, size=2))))
        k = int(rng.integers(3, 7))
        for rows, cols in ((True, True), (True, False), (False, True)):
            p, s = protect(frame, k, rows=rows, columns=cols)
            assert (p == ((frame > 0) & (frame < k))).all().all()
            if recoverable(frame, p, s, k, rows=rows, columns=cols):
                # only a line made of small cells alone can give itself away (documented)
                hidden = p | s
                assert any(hidden.loc[i].all() for i in frame.index) or any(
                    hidden[c].all() for c in frame.columns
                )
                failures += 1
    assert failures <= 0.05 * 180  # 3 in 450 on the first seed tried


def test_identification_by_interpreter_needs_a_second_hidden_cell():
    t = pd.DataFrame({"n": [31, 2, 13]}, index=["own", "interpreter", "neither"])
    p, s = protect(t, 5, columns=True)
    assert recoverable(t, p, p & False, 5, columns=True) == [("interpreter", "n", 2.0)]
    assert s["n"].tolist() == [False, False, True] and not recoverable(t, p, s, 5, columns=True)


# --- end to end ------------------------------------------------------------------------------
def _run_cells(notebook: str, params: dict, capture: list, monkeypatch) -> None:
    """Execute a report notebook's code in this process, capturing every table made."""
    import capacity.report.book as book_module

    real = book_module.make_table

    def spy(frame, **kwargs):
        table = real(frame, **kwargs)
        capture.append((frame.copy(), kwargs, table))
        return table

    monkeypatch.setattr(book_module, "make_table", spy)
    monkeypatch.setattr(book_module, "_display_html", lambda html: None)
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        exec(compile(cell.source, f"<{notebook}>", "exec"), namespace)
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(params)
    import matplotlib.pyplot as plt

    plt.close("all")


def _hidden(table) -> set[tuple[str, str]]:
    return {(str(r), c) for r, c in table.suppressed}


def _attack(name: str, frame: pd.DataFrame, kwargs: dict, table) -> list[str]:
    """What a reader could work out from one table; empty when nothing."""
    k = table.threshold
    kinds = table.kinds
    counts = kwargs.get("count_columns")
    counts = list(counts) if counts is not None else [c for c in frame if kinds[c] == "count"]
    if not counts:
        return []
    hidden = _hidden(table)
    truth = frame[counts].apply(pd.to_numeric, errors="coerce").astype(float)
    truth.index = truth.index.astype(str)
    is_hidden = pd.DataFrame(
        [[(r, c) in hidden for c in counts] for r in truth.index], index=truth.index, columns=counts
    )
    leaks = []
    small = (truth > 0) & (truth < k)
    for r, c in zip(*np.nonzero((small & ~is_hidden).to_numpy()), strict=True):
        leaks.append(f"{name}: {truth.index[r]}/{counts[c]} = {truth.iat[r, c]:.0f} shown")
    rows, cols = LINES.get(name, (False, True))
    cols = cols if isinstance(cols, bool) else [c for c in cols if c in counts]
    secondary = is_hidden & ~small
    for r, c, v in recoverable(truth, small, secondary, k, rows=rows, columns=cols):
        leaks.append(f"{name}: {r}/{c} = {v:.0f} follows from the line totals")
    shown = table.frame.copy()
    shown.index = shown.index.astype(str)
    for s in [c for c in shown if kinds.get(c) == "percent" and c not in counts]:
        for c in counts:
            n_ok = [
                r
                for r in truth.index
                if (r, c) not in hidden and (r, s) not in hidden and truth.at[r, c] > 0
            ]
            n_ok = [r for r in n_ok if pd.notna(shown.at[r, s]) and 0 < float(shown.at[r, s]) <= 1]
            if not n_ok:
                continue
            total = truth.at[n_ok[0], c] / float(shown.at[n_ok[0], s])
            for r in truth.index:
                if (r, c) in hidden and (r, s) not in hidden and pd.notna(shown.at[r, s]):
                    implied = round(float(shown.at[r, s]) * total)
                    if 0 < implied < k:
                        leaks.append(f"{name}: {r}/{c} = {implied} from share {s}")
    for rate, c in RATES.get(name, {}).items():
        if rate not in shown:
            continue
        for r in truth.index:
            if (r, rate) in hidden or (r, c) in hidden or pd.isna(shown.at[r, rate]):
                continue
            implied = round(float(shown.at[r, rate]) / 100 * truth.at[r, c])
            if 0 < implied < k:
                leaks.append(f"{name}: {rate} of {r} = {implied} from rate × {c}")
    return leaks


def _texts(folder: Path) -> dict[str, str]:
    from test_disclosure import _texts as texts

    return texts(folder)


def _prose(text: str) -> str:
    """Sentences and alt texts of an HTML text: tables and markup out, alt texts kept; page
    numbers, joint operations (not persons) and model estimates ("omkring 2") left out."""
    import html

    alts = " ".join(re.findall(r'alt="([^"]*)"', text))
    text = re.sub(r"<(table|style|script)\b.*?</\1>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + alts)
    text = re.sub(
        r"(?:uppskattningsvis|omkring|cirka|about|an estimated) \d+", " ", text, flags=re.I
    )
    text = re.sub(r"(?:Sida|Page) \d+ (?:av|of) \d+", " ", text)
    return re.sub(r"\d+ (?:av|of) \d+ (?:gemensamma insatser|joint operations)", " ", text)


PERSON_WORDS = (
    r"personer|persons|people|vistelser|stays|kvinnor|women|kontakter|contacts|första "
    r"kontakter|first contacts|tecken|signs|hänvisningar|referrals|ankomster|arrivals"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from capacity.synth import write_synthetic

    out = tmp_path_factory.mktemp("synth") / "small-city"
    write_synthetic(out, 5, sample=True, scale=0.02, n_cities=3)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "city", "start"),
    [
        ("committee_report", "Malmö", "2025-01-01"),  # small cells in the city-to-city table
        ("data_quality", "Malmö", "2025-01-01"),
        ("population_size", "Malmö", "2025-01-01"),
        # five years: identification with referrals but too few indicators to model (the
        # section crashed), a funnel of three persons
        ("committee_report", "Göteborg", "2021-01-01"),
    ],
)
def test_small_city_report_gives_no_suppressed_count_back(
    notebook, city, start, world, tmp_path, monkeypatch
):
    from openpyxl import load_workbook

    from capacity.report.run import run_report

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    mapping = {
        "data_dir": str(world),
        "city": city,
        "period_start": start,
        "period_end": "2025-12-31",
        "n_boot": 40,
        "suppression_threshold": THRESHOLD,
        "output_dir": str(tmp_path / "reports"),
        "run_id": f"attack-{notebook}",
    }
    captured: list = []
    _run_cells(notebook, {**mapping, "artifacts_dir": ""}, captured, monkeypatch)
    assert captured, "no table was made"
    with_counts = [(f, kw, tb) for f, kw, tb in captured if tb.n_suppressed]
    assert with_counts, "the small city should have hidden cells"
    leaks = [leak for frame, kw, tb in captured for leak in _attack(tb.name, frame, kw, tb)]
    assert not leaks, "\n".join(leaks)

    run = run_report(Params.from_mapping(mapping), notebook=notebook)
    wb = load_workbook(run.folder / "tables.xlsx")
    for _frame, _kw, tb in captured:
        ws = wb[tb.name[:31]]
        header = [c.value for c in ws[1]][1:]
        assert len(header) == tb.frame.shape[1]
        cells = {
            (str(row[0]), col): value
            for row in ws.iter_rows(min_row=2, values_only=True)
            for col, value in zip(tb.frame.columns, row[1:], strict=True)
        }
        for cell in _hidden(tb):
            assert cells[cell] in (f"<{THRESHOLD}", "dolt"), (tb.name, cell, cells[cell])
        for cell, value in cells.items():
            if value in (f"<{THRESHOLD}", "dolt"):
                assert cell in _hidden(tb), (tb.name, cell)

    texts = _texts(run.folder)
    small = "|".join(str(i) for i in range(1, THRESHOLD))
    count_in_prose = re.compile(rf"(?<![\d,.\-–])\b({small}) (?:\w+ )?(?:{PERSON_WORDS})\b", re.I)
    of_total = re.compile(rf"(?<![\d,.])\b({small}) (?:av|of) \d+\b")
    for where in ("html", "notebook"):  # the PDF is this HTML; tables were attacked above
        text = _prose(texts[where])
        assert not count_in_prose.search(text), (where, count_in_prose.search(text).group(0))
        assert not of_total.search(text), (where, of_total.search(text).group(0))
    flows = [tb for _f, _kw, tb in captured if tb.name == "flows"]
    if flows and (city, city) in _hidden(flows[0]):
        share = re.compile(rf"Av de \d+ vistelser i {city} som följs av en ny vistelse börjar \d")
        assert not any(share.search(t) for t in texts.values()), "returns follow from a share"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_caveat_writes_a_small_count_of_persons_as_below_the_threshold(lang):
    """Caveats are prose too: "only 12 stays with 3 first contacts" named a small count."""
    from capacity.i18n import caveat_text
    from capacity.models import Caveat

    few = caveat_text(Caveat("strategy.too_few", n=12, m=3), lang, 5)
    assert "<5" in few and " 3 " not in few and "12" in few
    assert "<3" not in caveat_text(Caveat("strategy.too_few", n=12, m=3), lang, 3)
    assert "<5" in caveat_text(Caveat("chapman.few_recaptures", m=2), lang, 5)
    assert "<5" not in caveat_text(Caveat("chapman.few_recaptures", m=0), lang, 5)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["data_quality", "population_size"])
def test_lowered_threshold_is_marked_on_every_page_of_every_report(notebook, tmp_path, monkeypatch):
    """Not only the committee report (tests/test_disclosure.py): every page of the
    data-quality and population-size reports, and the top of their HTML, say that disclosure
    control was lowered, in English too."""
    from pypdf import PdfReader

    from capacity.report.run import run_report

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "cache"))
    params = Params.from_mapping(
        {
            "data_dir": str(ROOT / "tests" / "data" / "tiny"),
            "period_start": "2024-01-01",
            "period_end": "2024-04-30",
            "n_boot": 20,
            "language": "en",
            "suppression_threshold": 2,
            "output_dir": str(tmp_path / "reports"),
            "run_id": f"lowered-{notebook}",
        }
    )
    run = run_report(params, notebook=notebook)
    pages = [p.extract_text() for p in PdfReader(run.folder / "report.pdf").pages]
    assert pages and all("DISCLOSURE CONTROL LOWERED" in p for p in pages)
    html = (run.folder / "report.html").read_text(encoding="utf-8")
    body = html[html.index("<body") :]
    assert "DISCLOSURE CONTROL LOWERED" in body[:3000]
