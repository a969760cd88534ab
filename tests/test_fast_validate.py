"""The fast check of clean files: the same tables as the full check, and never a bad file.

:mod:`capacity.fast_validate` decides every rule per distinct value and hands anything it
cannot show clean to the full check (pandera, the guards, the privacy scan on every row).
These tests hold it to that: every clean variant it accepts types exactly as the full check
types it, every dataset of the malformed corpus is declined (so its problems are reported
by the full check), and the privacy scan's shortcut for names finds what the slow loop finds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import MANIFEST
from shared import swap_in_case as _swap

from capacity import dataset
from capacity.dataset import load_dataset
from capacity.fast_validate import typed_csv
from capacity.privacy import detect
from capacity.schema import TABLES


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("CAPACITY_DATA_CACHE", "off")


def _full(folder: Path) -> dataset.Dataset:
    """The dataset as the full check alone loads it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dataset, "_load_clean", lambda *a, **k: None)
        return load_dataset(folder)


def _fast_used(folder: Path) -> bool:
    meta, problems = dataset._read_meta(folder)
    assert not problems
    return dataset._load_clean(folder, list(TABLES), meta, {}) is not None


def _same(folder: Path) -> None:
    assert _fast_used(folder), "the fast check declined a clean dataset"
    fast, full = load_dataset(folder), _full(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(full, name))
    assert fast.files == full.files


def _rewrite(folder: Path, table: str, change) -> None:
    path = folder / f"{table}.csv"
    path.write_bytes(change(path.read_bytes()))


@pytest.fixture
def data(tmp_path, tiny_dir) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_dir, folder)
    return folder


def test_tiny_and_sample_type_as_the_full_check(tiny_dir):
    from capacity.config import ROOT

    _same(tiny_dir)
    _same(ROOT / "data" / "sample")


@pytest.mark.parametrize("threads", [1, 2])
def test_one_or_two_threads_type_as_the_full_check(tiny_dir, tmp_path, monkeypatch, threads):
    """The fast check takes a second thread only when a core is idle: both ways, the same."""
    from capacity import fast_validate

    monkeypatch.setattr(fast_validate, "_threads", lambda: threads)
    _same(tiny_dir)
    folder = _as_parquet(tiny_dir, tmp_path / "pq")
    _same(folder)
    staff = pd.read_parquet(folder / "staff.parquet")
    staff.loc[0, "staff_id"] = "anna_svensson"  # found by the scan on the second thread
    staff.to_parquet(folder / "staff.parquet", index=False)
    assert not _fast_used(folder)


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="Linux's runnable count")
def test_a_process_spinning_beside_the_load_counts_as_another_task():
    """The idle-core test sees work of other processes now, not this process's threads."""
    import subprocess
    import sys
    import time

    from capacity import fast_validate

    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)  # (running by now)
        assert fast_validate._others_running() >= 1
    finally:
        spin.kill()
        spin.wait()


@pytest.mark.parametrize(
    ("others", "load", "threads"),
    [(0, 5.0, 2), (1, 0.0, 1), (None, 0.2, 2), (None, 1.8, 1)],
)
def test_two_threads_when_a_core_is_free_now(monkeypatch, others, load, threads):
    """A core free now gets the second thread whatever the last minute's load average
    (after a benchmark's or a notebook's work on both cores it still reads busy); the
    load average decides only where the runnable count is not available."""
    import os

    from capacity import fast_validate

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(fast_validate, "_others_running", lambda: others)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert fast_validate._threads() == threads


def test_national_synthetic_data_types_as_the_full_check(tmp_path):
    from capacity import synth
    from capacity.synth.write import write_folder

    syn = synth.national(seed=7, target_sightings=20_000, n_cities=4)
    write_folder(syn, tmp_path / "national")
    _same(tmp_path / "national")


def _as_parquet(src: Path, dst: Path) -> Path:
    """The dataset with every table written as Parquet (typed, as an export would hold it)."""
    ds = _full(src)
    dst.mkdir()
    meta = dict(ds.meta)
    meta["resources"] = [{"name": t, "path": f"{t}.parquet"} for t in TABLES]
    for name in TABLES:
        getattr(ds, name).to_parquet(dst / f"{name}.parquet", index=False)
    (dst / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    return dst


def test_parquet_types_as_the_full_check(tmp_path, tiny_dir):
    _same(_as_parquet(tiny_dir, tmp_path / "pq"))


def _edit_parquet(folder: Path, table: str, change) -> None:
    path = folder / f"{table}.parquet"
    change(pd.read_parquet(path)).to_parquet(path, index=False)


@pytest.mark.parametrize("variant", ["text", "missing_text", "nullable", "units", "dates", "index"])
def test_parquet_variants_type_as_the_full_check(tmp_path, tiny_dir, variant):
    """Parquet files as other tools write them: the text each value reads as is the full read's."""
    folder = _as_parquet(tiny_dir, tmp_path / "pq")
    if variant == "text":  # every column as text, as a CSV copied into Parquet holds it
        for t in TABLES:
            text = pd.read_csv(tiny_dir / f"{t}.csv", dtype=str, keep_default_na=False)
            text.to_parquet(folder / f"{t}.parquet", index=False)
    elif variant == "missing_text":  # text with both missing and empty cells
        text = pd.read_csv(tiny_dir / "sightings.csv", dtype=str, keep_default_na=False)
        assert (text["language"] == "").any()
        text.loc[text["language"] != "", "language"] = None
        text.to_parquet(folder / "sightings.parquet", index=False)
    elif variant == "nullable":  # pandas' nullable types, restored from the pandas metadata
        _edit_parquet(folder, "operations", lambda d: d.astype({"days_to_support": "Float64"}))
        _edit_parquet(folder, "outreach", lambda d: d.astype({"contacts": "Int32"}))
    elif variant == "units":  # dates in microseconds, counts in 16 bits, numbers in 32
        _edit_parquet(
            folder,
            "outreach",
            lambda d: d.astype(
                {"date": "datetime64[us]", "staff": "int16", "staff_hours": "float32"}
            ),
        )
    elif variant == "dates":  # calendar dates (Arrow date32), not time stamps
        _edit_parquet(folder, "sightings", lambda d: d.assign(date=d["date"].dt.date))
    else:  # the pandas index written as a column: left to the full check
        staff = pd.read_parquet(folder / "staff.parquet")
        staff.index = pd.Index([f"r{i}" for i in range(len(staff))], name="key")
        staff.to_parquet(folder / "staff.parquet")
        assert not _fast_used(folder)
        pd.testing.assert_frame_equal(load_dataset(folder).staff, _full(folder).staff)
        return
    _same(folder)


def test_parquet_with_an_identifier_is_left_to_the_full_check(tmp_path, tiny_dir):
    folder = _as_parquet(tiny_dir, tmp_path / "pq")
    staff = pd.read_parquet(folder / "staff.parquet")
    staff.loc[0, "staff_id"] = "anna_svensson"
    staff.to_parquet(folder / "staff.parquet", index=False)
    assert not _fast_used(folder)


@pytest.mark.parametrize(
    "variant",
    ["crlf", "bom", "semicolon", "spaces", "upper_case_category", "date_time"],
)
def test_clean_variants_type_as_the_full_check(data, variant):
    """Files the fast check accepts in other dialects give the full check's exact tables."""
    if variant == "crlf":
        for t in TABLES:
            _rewrite(data, t, lambda b: b.replace(b"\n", b"\r\n"))
    elif variant == "bom":
        _rewrite(data, "sightings", lambda b: b"\xef\xbb\xbf" + b)
    elif variant == "semicolon":  # the Swedish Excel dialect: ';' and decimal commas
        _rewrite(data, "outreach", lambda b: b.replace(b",", b";").replace(b".", b","))
    elif variant == "spaces":
        _rewrite(data, "sightings", lambda b: b.replace(b",", b" , "))
    elif variant == "upper_case_category":
        _rewrite(data, "outreach", lambda b: b.replace(b",street,", b",Street,"))
    elif variant == "date_time":  # as Excel writes a date when the column is a date-time
        _rewrite(data, "outreach", lambda b: b.replace(b"2024-01-10,", b"2024-01-10 00:00:00,"))
    _same(data)


@pytest.mark.parametrize("case", [r for _, r in MANIFEST.iterrows()], ids=list(MANIFEST["case"]))
def test_every_malformed_dataset_is_left_to_the_full_check(case, tmp_path, tiny_dir):
    folder = _swap(tiny_dir, case, tmp_path / "d")
    meta, problems = dataset._read_meta(folder)
    # (load_dataset never tries the fast check with a bad description; test_malformed.py
    # checks the problems the full check then reports)
    if not problems:
        assert dataset._load_clean(folder, list(TABLES), meta, {}) is None


def _date_time(line: bytes) -> bytes:
    """A sightings row with its date written as a date-time (the same typed date)."""
    cells = line.split(b",")
    assert cells[1].count(b"-") == 2
    cells[1] += b" 00:00:00"
    return b",".join(cells)


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b.replace(b"ads_a", b"ads a", 1),  # a rule: code with a space
        lambda b: b + b.splitlines(keepends=True)[1],  # a repeated key
        lambda b: b + _date_time(b.splitlines(keepends=True)[1]),  # the same key, typed
        lambda b: b.replace(b"\n", b"\n\n", 2),  # a blank line (row numbers)
        lambda b: b.replace(b"ads_a", b'"ads_a"', 1),  # quotes
        lambda b: b.replace(b"ads_a", b"070-123 45 67", 1),  # an identifier
        lambda b: b.replace(b"ads_a", "ads_å".encode("cp1252"), 1),  # not UTF-8
    ],
    ids=["rule", "duplicate", "duplicate_typed", "blank_line", "quotes", "identifier", "cp1252"],
)
def test_typed_csv_declines_what_it_does_not_prove_clean(data, change):
    _rewrite(data, "sightings", change)
    assert typed_csv(data / "sightings.csv", "sightings") is None


# --- the privacy scan's shortcut for written names ------------------------------------------
_NAMES = sorted(detect._first_names())[:200]
_letters = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZåäöÅÄÖéüÆß", max_size=9
)
_word = st.one_of(_letters, st.sampled_from(_NAMES), st.sampled_from([n.title() for n in _NAMES]))
_value = st.builds(
    lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)),
    st.lists(_word, min_size=1, max_size=3),
    st.lists(st.sampled_from(["", " ", "_", "-", "."]), min_size=3, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_value, min_size=1, max_size=30), st.sampled_from(["code", "city", "value"]))
def test_name_shortcut_finds_what_the_loop_finds(values, mode):
    series = pd.Series(values, dtype="str")
    loop = np.zeros(len(values), dtype=bool)
    wordy = series.str.fullmatch(detect._WORDY).to_numpy(dtype=bool)
    for i, v in enumerate(values):
        if wordy[i] and len(v) <= 60:
            loop[i] = detect._is_written_name(v, joined=mode == "code")
    if mode == "code":
        loop |= series.str.fullmatch(detect._PERSON_NAME).to_numpy(dtype=bool)
    assert detect._name_hits(series, mode).tolist() == loop.tolist()


def _classify_every_pattern(values: pd.Series, mode: str) -> np.ndarray:
    """The classifier as it was before its cheap prefilters: every pattern on every value."""
    kind = np.full(len(values), -1, dtype=np.int8)
    kind[detect._pnr_hits(values)] = 0
    kind[values.str.fullmatch(detect._ISO_DATETIME).to_numpy(dtype=bool)] = -2
    long_ = (values.str.len() >= detect._FREE_TEXT_MIN_CHARS).to_numpy(dtype=bool)
    checks = [
        (1, lambda v: v.str.contains(detect._EMAIL).to_numpy(dtype=bool)),
        (1, lambda v: v.str.contains(detect._EMAIL_WRITTEN).to_numpy(dtype=bool)),
        (2, lambda v: v.str.contains(detect._PHONE).to_numpy(dtype=bool)),
        (2, detect._bare_phone),
        (5, lambda v: v.str.contains(detect._IP).to_numpy(dtype=bool)),
        (3, lambda v: detect._name_hits(v, mode)),
    ]
    if mode == "prose":
        bare = r"(?:^|[^0-9A-Za-z.,])\+?[1-9][0-9]{8,12}(?:$|[^0-9A-Za-z.,])"
        checks.insert(4, (2, lambda v: v.str.contains(bare).to_numpy(dtype=bool)))
    else:
        checks.append((4, None))
    for k, test in checks:
        sel = np.flatnonzero((kind == -1) & (long_ if k == 4 else True))
        if sel.size:
            sub = values.iloc[sel]
            hit = sub.str.contains(detect._FOUR_WORDS).to_numpy(dtype=bool) if k == 4 else test(sub)
            kind[sel[np.asarray(hit, dtype=bool)]] = k
    kind[kind == -2] = -1
    return kind


_pieces = st.sampled_from(
    ["0", "1", "7", "07", "08-", "19", "46", "+", "00", "@", "at", "AT", " at ", "(at)", "snabel-a",
     "dot", ".", ":", " ", "-", "_", "\t", "\n", "anna", "Anna", "Svensson", "se", "com", "ab", "Ö",
     "1985", "0101", "2024-08-05", "00:00:00", "192.168.1.1", "fe80::1", "ff", "811218-9876",
     "anna@ex.se", "anna(at)ex(dot)se", "0701234567", "Anna Svensson", "annasvensson",
     "four words of text here"]
)  # fmt: skip
_text = st.lists(_pieces, max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_text, min_size=1, max_size=25), st.sampled_from(["code", "city", "value", "prose"])
)
def test_prefilters_classify_as_every_pattern(values, mode):
    series = pd.Series(list(dict.fromkeys(values)), dtype="str")
    expected = _classify_every_pattern(series, mode)
    assert detect._classify(series, mode).tolist() == expected.tolist()
