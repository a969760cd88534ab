"""The validated-dataset cache: a rerun gets the same tables without validating again.

Never a timing assertion (speed is measured by ``make bench``): these tests check that a hit
is the same dataset, that it really skips validation, and that every change the key must
cover (a file's bytes, the contract's code) makes the dataset validate again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from capacity import contract, dataset_cache, fast_validate
from capacity import dataset as dataset_mod
from capacity.dataset import load_dataset
from capacity.exceptions import DataError
from capacity.io import scan_file, sha256_file

TABLES = ("sightings", "outreach", "staff", "operations")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(dataset_cache.ENV, str(folder))
    return folder


@pytest.fixture
def data(tmp_path, tiny_dir) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(tiny_dir, folder)
    return folder


def _refuse_validation(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("validated although the dataset was cached")

    monkeypatch.setattr(contract, "validate_table", boom)  # the full check
    monkeypatch.setattr(fast_validate, "typed_tables", boom)  # the fast check of a clean file


def test_a_hit_is_the_same_dataset_and_does_not_validate(cache, data, monkeypatch):
    first = load_dataset(data)
    dataset_cache.wait()  # the entry is written on a background thread
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    # a data format, never a pickle
    assert sorted(p.suffix for p in entries[0].iterdir()) == [".arrow", *[".arrow"] * 3, ".json"]
    _refuse_validation(monkeypatch)
    again = load_dataset(data)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    assert again.files == first.files and again.meta == first.meta
    assert again.folder == first.folder


def test_a_subset_of_tables_is_its_own_entry(cache, data, monkeypatch):
    full = load_dataset(data)
    part = load_dataset(data, tables=["staff"])
    assert part.sightings is None and part.outreach is None
    pd.testing.assert_frame_equal(part.staff, full.staff)
    _refuse_validation(monkeypatch)
    assert load_dataset(data, tables=["staff"]).files == part.files


def test_a_changed_file_is_validated_again(cache, data, monkeypatch):
    load_dataset(data)
    path = data / "staff.csv"
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    cells = first.split(",")
    fte = header.split(",").index("fte")
    cells[fte] = "-3"  # breaks the range rule
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")
    with pytest.raises(DataError, match="between"):
        load_dataset(data)


def test_a_changed_description_is_validated_again(cache, data):
    load_dataset(data)
    meta = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    meta["period"]["end"] = meta["period"]["start"]  # every later date is now outside
    (data / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataError, match="outside the dataset's period"):
        load_dataset(data)


def test_the_key_covers_the_contract_code(cache, data, monkeypatch):
    load_dataset(data)
    monkeypatch.setattr(dataset_cache, "contract_version", lambda: "other contract")
    _refuse_validation(monkeypatch)
    with pytest.raises(AssertionError, match="validated although"):
        load_dataset(data)  # a miss: the new contract must validate


def test_contract_version_hashes_the_contract_modules_and_the_dictionary():
    package = Path(dataset_cache.__file__).parent
    for name in dataset_cache.CONTRACT_CODE:
        assert (package / name).exists(), name
    assert {
        "schema.py",
        "contract.py",
        "fast_validate.py",
        "parse.py",
        "privacy",
        "data/dictionary.csv",
    } <= set(dataset_cache.CONTRACT_CODE)


def test_a_refused_dataset_is_never_stored(cache, data):
    (data / "staff.csv").write_text("month,staff_id\n2024-13,x\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            load_dataset(data)
    assert not cache.exists() or not any(cache.iterdir())


def test_a_damaged_entry_is_a_miss(cache, data):
    first = load_dataset(data)
    dataset_cache.wait()
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (entry / "sightings.arrow").write_bytes(b"not an Arrow file")
    again = load_dataset(data)
    pd.testing.assert_frame_equal(again.sightings, first.sightings)


def test_cache_off_writes_nothing(tmp_path, data, monkeypatch):
    monkeypatch.setenv(dataset_cache.ENV, "off")
    assert dataset_cache.cache_dir() is None
    load_dataset(data)
    load_dataset(data, cache=False)
    assert not (tmp_path / "cache").exists()


def test_a_hit_in_a_fresh_interpreter_imports_no_validation_code(cache, data):
    load_dataset(data)
    dataset_cache.wait()
    code = (
        "import sys; from capacity.dataset import load_dataset;"
        f"ds = load_dataset({str(data)!r});"
        "print(len(ds.sightings), 'pandera' in sys.modules, 'capacity.contract' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, dataset_cache.ENV: str(cache)},
    )
    assert out.stdout.split() == ["41", "False", "False"]


def _held_write(monkeypatch) -> threading.Event:
    """Make the cache's writes wait until the returned event is set."""
    go = threading.Event()
    write = dataset_cache.write

    def held(*args, **kwargs):
        assert go.wait(60), "the test never let the write go"
        return write(*args, **kwargs)

    monkeypatch.setattr(dataset_cache, "write", held)
    return go


def _entries(cache: Path) -> list[Path]:
    return [p for p in cache.iterdir() if not p.name.startswith(".")] if cache.exists() else []


def test_the_entry_is_stored_after_the_load_returns_and_a_read_waits_for_it(
    cache, data, monkeypatch
):
    go = _held_write(monkeypatch)
    first = load_dataset(data)  # returns while its write waits
    assert _entries(cache) == []
    threading.Timer(0.2, go.set).start()
    _refuse_validation(monkeypatch)
    again = load_dataset(data)  # waits for the write of the same key, then hits
    assert len(_entries(cache)) == 1
    pd.testing.assert_frame_equal(again.sightings, first.sightings)


def test_a_table_changed_by_the_caller_is_not_what_is_stored(cache, data, monkeypatch):
    go = _held_write(monkeypatch)
    first = load_dataset(data)
    kept = first.sightings.copy()
    first.sightings.loc[0, "person_id"] = "changed"
    first.sightings.loc[1, "date"] = pd.Timestamp("2000-01-01")
    go.set()
    dataset_cache.wait()
    _refuse_validation(monkeypatch)
    pd.testing.assert_frame_equal(load_dataset(data).sightings, kept)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here")
def test_a_fork_waits_for_the_write(cache, data, monkeypatch):
    go = _held_write(monkeypatch)
    load_dataset(data)
    threading.Timer(0.2, go.set).start()
    pid = os.fork()  # waits for the write (a fork while it writes could copy a held lock)
    if pid == 0:
        os._exit(0 if _entries(cache) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_every_load_records_each_files_sha256(cache, data, monkeypatch):
    """The key is XXH3-128; what a dataset records (and a report shows) is the SHA-256."""
    want = {t: sha256_file(data / f"{t}.csv") for t in TABLES}
    first = load_dataset(data)
    assert {t: info["sha256"] for t, info in first.files.items()} == want
    assert load_dataset(data, cache=False).files == first.files
    dataset_cache.wait()
    _refuse_validation(monkeypatch)
    monkeypatch.setattr(dataset_mod, "content_digests", None)  # a hit hashes nothing again
    again = load_dataset(data)
    assert {t: info["sha256"] for t, info in again.files.items()} == want


def test_an_entry_without_the_sha256_is_a_miss(cache, data, monkeypatch):
    first = load_dataset(data)
    dataset_cache.wait()
    (entry,) = _entries(cache)
    manifest = json.loads((entry / "dataset.json").read_text(encoding="utf-8"))
    del manifest["tables"]["staff"]["sha256"]
    (entry / "dataset.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert dataset_cache.read(entry.name) is None
    assert load_dataset(data).files == first.files


def test_a_change_that_keeps_the_size_is_a_miss(cache, data):
    first = load_dataset(data)
    dataset_cache.wait()
    path = data / "operations.csv"
    raw = path.read_bytes()
    assert raw.count(b",35,") == 1
    path.write_bytes(raw.replace(b",35,", b",36,"))  # buyers suspected: one digit, same size
    again = load_dataset(data)
    assert again.files["operations"]["sha256"] != first.files["operations"]["sha256"]
    assert sorted(again.operations["buyers_suspected"]) == [36, 132]
    dataset_cache.wait()
    assert len(_entries(cache)) == 2


def test_a_file_changed_during_the_load_is_refused(data):
    """The SHA-256 is taken beside the check; bytes other than those scanned are never recorded."""
    path = data / "staff.csv"
    scan = scan_file(path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
    with pytest.raises(DataError, match="changed while it was being loaded"):
        dataset_mod._Sha256({"staff": (path, scan)}).result()  # taken in the caller's thread
    on_thread = dataset_mod._Sha256({"staff": (path, scan)})
    on_thread.start()
    with pytest.raises(DataError, match="changed while it was being loaded"):
        on_thread.result()
    assert dataset_mod._Sha256({"staff": (path, scan_file(path))}).result() == {
        "staff": sha256_file(path)
    }


def test_a_hit_does_not_scan_the_description_again(cache, data, monkeypatch):
    load_dataset(data)
    dataset_cache.wait()

    def boom(*args, **kwargs):
        raise AssertionError("the description was scanned although the dataset was cached")

    monkeypatch.setattr(dataset_mod, "_meta_text_problems", boom)
    assert len(load_dataset(data).sightings) == 41  # a hit: its description passed before
    with pytest.raises(AssertionError, match="was scanned"):
        load_dataset(data, cache=False)


def test_an_identifier_put_into_a_cached_description_is_refused(cache, data):
    load_dataset(data)
    dataset_cache.wait()
    meta = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    meta["title"] = "Kontakt: 070-123 45 67"
    (data / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataError, match="phone") as caught:
        load_dataset(data)
    assert caught.value.problems[0].column == "title"


def test_an_identifier_in_the_description_is_listed_first_beside_the_files_problems(cache, data):
    """The description's texts are scanned on a thread while Arrow reads: same problems, same order."""
    meta = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    meta["title"] = "Kontakt: 070-123 45 67"
    (data / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    path = data / "staff.csv"
    header, first, rest = path.read_text(encoding="utf-8").split("\n", 2)
    cells = first.split(",")
    cells[header.split(",").index("fte")] = "-3"
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    problems = caught.value.problems
    assert problems[0].file == "datapackage.json" and problems[0].column == "title"
    assert any(p.file == "staff.csv" and p.column == "fte" for p in problems[1:])
    with pytest.raises(DataError) as again:
        load_dataset(data, cache=False)
    assert again.value.problems == problems
