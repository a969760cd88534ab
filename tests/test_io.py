"""Readers give the same typed tables from every dialect analysts have; writes are atomic."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xxhash

from capacity.cli import main
from capacity.dataset import Dataset, load_dataset
from capacity.exceptions import DataError
from capacity.io import (
    SCAN_HEAD,
    atomic_write,
    content_digests,
    load_allocator,
    read_table,
    scan_file,
    sha256_file,
    write_table,
)

TABLES = ("sightings", "outreach", "staff", "operations")


@pytest.fixture(scope="module")
def tiny(tiny_dir) -> Dataset:
    return load_dataset(tiny_dir)


def test_tiny_dataset_loads_with_the_agreed_types(tiny, tiny_dir):
    s, o, st, op = tiny.sightings, tiny.outreach, tiny.staff, tiny.operations
    assert (len(s), len(o), len(st), len(op)) == (41, 12, 20, 2)
    assert s["date"].dtype == "datetime64[ns]" and (s["date"] == s["date"].dt.normalize()).all()
    assert s["language"].dtype == "string" and s["language"].isna().sum() > 0
    assert st["month"].dt.is_month_start.all() and st["month"].dtype == "datetime64[ns]"
    assert st["trafficking_trained"].dtype == bool and st["fte"].dtype == "float64"
    assert st["languages"].iloc[1] == "sv;en;ro"
    assert o["contacts"].dtype == "int64" and o["staff_hours"].dtype == "float64"
    assert op["days_to_support"].dtype == "float64" and op["days_to_support"].isna().sum() == 1
    letter = op.set_index("operation_id").loc["op-2024-sthlm-01"]
    assert (letter["buyers_suspected"], letter["social_workers"], letter["mandate"]) == (
        132,
        6,
        "buyers",
    )
    assert list(s.index) == list(range(len(s)))
    assert tiny.meta["synthetic"] is True
    assert tiny.files["staff"]["rows"] == 20
    assert tiny.files["staff"]["sha256"] == sha256_file(tiny_dir / "staff.csv")
    text = tiny.describe()
    assert "SYNTHETIC" in text and "Göteborg" in text and "2024-01-01" in text


def test_subset_of_tables(tiny, tiny_dir):
    ds = load_dataset(tiny_dir, tables=["staff"])
    assert ds.sightings is None and ds.staff is not None
    pd.testing.assert_frame_equal(ds.staff, tiny.staff)
    with pytest.raises(DataError, match="not loaded"):
        ds.table("outreach")


def _write_dialect(df: pd.DataFrame, folder: Path, table: str, dialect: str) -> None:
    base = folder / table
    if dialect == "xlsx":
        df.to_excel(base.with_suffix(".xlsx"), index=False, sheet_name=table)
    elif dialect == "parquet":
        df.to_parquet(base.with_suffix(".parquet"), index=False)
    else:
        sep, decimal, encoding = {
            "utf8": (",", ".", "utf-8"),
            "utf8_bom": (",", ".", "utf-8-sig"),
            "cp1252": (",", ".", "cp1252"),
            "semicolon_decimal_comma": (";", ",", "utf-8"),
        }[dialect]
        df.to_csv(
            base.with_suffix(".csv"),
            index=False,
            sep=sep,
            decimal=decimal,
            encoding=encoding,
            date_format="%Y-%m-%d",
            lineterminator="\r\n" if dialect == "cp1252" else "\n",  # as Excel on Windows
        )


@pytest.mark.parametrize(
    "dialect", ["utf8", "utf8_bom", "cp1252", "semicolon_decimal_comma", "xlsx", "parquet"]
)
def test_every_dialect_gives_the_same_typed_frames(tiny, tmp_path, dialect, tiny_dir):
    shutil.copy(tiny_dir / "datapackage.json", tmp_path / "datapackage.json")
    # datapackage resources name .csv files: drop them so the files are found by suffix
    meta = tiny.meta | {"resources": []}
    (tmp_path / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    for table in TABLES:
        df = tiny.table(table)
        if table == "staff" and dialect not in ("xlsx", "parquet"):
            df = df.assign(month=df["month"].dt.strftime("%Y-%m"))
        if table == "staff" and dialect == "semicolon_decimal_comma":
            df = df.assign(
                trafficking_trained=df["trafficking_trained"].map({True: "ja", False: "nej"})
            )
        _write_dialect(df, tmp_path, table, dialect)
    if dialect == "cp1252":
        raw = (tmp_path / "sightings.csv").read_bytes()
        assert "Göteborg".encode("cp1252") in raw and "Göteborg".encode() not in raw
        assert b"\r\n" in raw
    if dialect == "semicolon_decimal_comma":
        assert "0,75" in (tmp_path / "staff.csv").read_text(encoding="utf-8")
    ds = load_dataset(tmp_path)
    for table in TABLES:
        pd.testing.assert_frame_equal(ds.table(table), tiny.table(table), check_exact=True)


def test_read_table_keeps_spreadsheet_row_numbers(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a;b\n1;x\n\n3;y\n", encoding="utf-8")
    df = read_table(p)
    assert list(df.index) == [2, 4]
    assert df.loc[4, "b"] == "y" and df["a"].dtype != "int64"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_repeated_and_empty_header_cells(tmp_path, suffix):
    p = tmp_path / f"staff{suffix}"
    frame = pd.DataFrame([["2024-01", "0.5", "0.6", ""]], columns=["month", "fte", "fte", ""])
    if suffix == ".csv":
        frame.to_csv(p, index=False)
    else:
        frame.to_excel(p, index=False)
    df = read_table(p)
    assert list(df.columns) == ["month", "fte", "fte"] and list(df.index) == [2]


@pytest.mark.parametrize(
    ("content", "rule", "row"),
    [
        (b"a,b\n1,2\n3,4,5\n", "3 fields where the header has 2", 3),
        ("a,b\n1,2\n".encode("utf-16"), "UTF-16", None),
        (b"PK\x03\x04rest-of-zip", "Excel (zip)", None),
        (b"a|b|c\n1|2|3\n", "separated by '|'", 1),
        (b"a,b\n\x81\x8d,2\n", "neither UTF-8 nor Windows-1252", None),
    ],
)
def test_unreadable_csv_is_a_located_data_error(tmp_path, content, rule, row):
    p = tmp_path / "sightings.csv"
    p.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_table(p)
    (problem,) = info.value.problems
    assert rule in problem.rule and problem.row == row and problem.file == "sightings.csv"


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("staff.xlsx", b"not a zip at all", "Excel file cannot be read"),
        ("staff.parquet", b"PAR1 broken", "Parquet file cannot be read"),
    ],
)
def test_corrupt_binary_files(tmp_path, name, content, rule):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DataError, match=rule):
        read_table(tmp_path / name)


def test_unsupported_suffix_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "x.ods")
    (tmp_path / "x.ods").write_text("a")
    with pytest.raises(DataError, match="unsupported file type '.ods'"):
        read_table(tmp_path / "x.ods")


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out" / "f.txt"
    with atomic_write(target, "w", encoding="utf-8") as f:
        f.write("first")
    assert target.read_text(encoding="utf-8") == "first"
    with pytest.raises(RuntimeError), atomic_write(target, "w", encoding="utf-8") as f:
        f.write("half")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_write_table_round_trips(tiny, tmp_path, suffix):
    path = write_table(tiny.operations, tmp_path / f"operations{suffix}")
    back = read_table(path, "operations")
    assert list(back.columns) == list(tiny.operations.columns)
    assert back.loc[2, "operation_id"] == "op-2024-sthlm-01"
    assert back.loc[2, "start_date"].startswith("2024-03-04")
    assert [p.name for p in tmp_path.iterdir()] == [f"operations{suffix}"]


def test_sha256_file(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"")
    assert sha256_file(p) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \n\t \r\n",
        b"a,b\r\n1,2\r\n",
        b"a,b\r1,2\n",
        b'a,"b"\n',
        b"a\x00b\n",
        # a '\r\n' split between two blocks of 1 MiB, a lone '\r' just before another
        b"x" * (2**20 - 1) + b"\r\n" + b"y" * 10 + b"\r",
        b"x" * (2**20 - 2) + b"\r\r\n" + b'"',
        b"h" * (SCAN_HEAD + 5) + b"\n",
    ],
)
def test_scan_file_finds_what_the_whole_bytes_hold(tmp_path, data):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    scan = scan_file(path)
    assert scan.digest == xxhash.xxh3_128_hexdigest(data) and scan.size == len(data)
    assert content_digests(path) == (sha256_file(path), scan.digest)
    assert scan.head == data[:SCAN_HEAD]
    assert scan.quote == (b'"' in data) and scan.nul == (b"\x00" in data)
    assert (scan.cr, scan.crlf) == (data.count(b"\r"), data.count(b"\r\n"))
    assert scan.blank == (not data or data.isspace())


def _jemalloc():
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return None


def test_a_load_allocates_from_jemalloc_and_restores_the_default(tmp_path, tiny_dir, monkeypatch):
    import pyarrow as pa

    import capacity.dataset as dataset

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    monkeypatch.setenv("CAPACITY_DATA_CACHE", "off")
    if _jemalloc() is None:
        pytest.skip("this pyarrow has no jemalloc")
    before = pa.default_memory_pool().backend_name
    seen = []
    inner = dataset._load

    def spy(*args):
        seen.append(pa.default_memory_pool().backend_name)
        return inner(*args)

    monkeypatch.setattr(dataset, "_load", spy)
    load_dataset(tiny_dir)
    shutil.copytree(tiny_dir, tmp_path / "d")
    (tmp_path / "d" / "staff.csv").write_text("nothing,here\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_dataset(tmp_path / "d")
    assert seen == ["jemalloc", "jemalloc"]
    assert pa.default_memory_pool().backend_name == before  # also after a refused dataset
    # nested blocks: the default comes back when the outer one ends
    with load_allocator():
        with load_allocator():
            assert pa.default_memory_pool().backend_name == "jemalloc"
        assert pa.default_memory_pool().backend_name == "jemalloc"
    assert pa.default_memory_pool().backend_name == before


def test_the_users_arrow_allocator_is_left_alone(monkeypatch):
    import pyarrow as pa

    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    before = pa.default_memory_pool().backend_name
    with load_allocator():
        assert pa.default_memory_pool().backend_name == before


def test_raw_files_are_not_modified(tmp_path, tiny_dir):
    shutil.copytree(tiny_dir, tmp_path / "d")
    before = {p.name: sha256_file(p) for p in (tmp_path / "d").iterdir()}
    load_dataset(tmp_path / "d")
    assert {p.name: sha256_file(p) for p in (tmp_path / "d").iterdir()} == before


def test_cli_validate(tmp_path, capsys, tiny_dir):
    assert main(["validate", str(tiny_dir)]) == 0
    assert "meets the data contract" in capsys.readouterr().out
    shutil.copytree(tiny_dir, tmp_path / "d")
    staff = (tmp_path / "d" / "staff.csv").read_text(encoding="utf-8")
    (tmp_path / "d" / "staff.csv").write_text(staff.replace(",0.75,", ",7.5,"), encoding="utf-8")
    assert main(["validate", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "staff.csv, row 4, column 'fte': must be between 0.01 and 1.0" in err
    assert "Traceback" not in err


def _copy(tiny_dir, tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    shutil.copytree(tiny_dir, folder)
    return folder


def test_identifier_rows_point_at_the_file_row_after_blank_lines(tmp_path, tiny_dir):
    folder = _copy(tiny_dir, tmp_path)
    lines = (folder / "sightings.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[0], "0701234567")
    lines.insert(2, "")  # a blank line moves every later row down by one
    (folder / "sightings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    hits = [p for p in info.value.problems if p.column == "person_id" and p.row is not None]
    assert hits and {p.row for p in hits} == {7}
    assert all("0701234567" != p.value for p in info.value.problems)  # masked


@pytest.mark.parametrize(
    ("change", "file", "rule"),
    [
        (lambda f: (f / "datapackage.json").unlink(), "datapackage.json", "description is missing"),
        (lambda f: (f / "staff.csv").unlink(), "staff.csv", "file not found"),
        (
            lambda f: shutil.copy(f / "staff.csv", f / "operations.xlsx"),
            "operations.csv",
            "more than once",
        ),
    ],
)
def test_folder_problems(tmp_path, change, file, rule, tiny_dir):
    folder = _copy(tiny_dir, tmp_path)
    if rule == "more than once":  # no resources: the table is looked for by suffix
        meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        meta["resources"] = []
        (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    change(folder)
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert any(p.file == file and rule in p.rule for p in info.value.problems), info.value


def test_bad_folder_and_table_names(tmp_path, tiny_dir):
    with pytest.raises(DataError, match="dataset folder not found"):
        load_dataset(tmp_path / "nope")
    with pytest.raises(DataError, match="unknown table"):
        load_dataset(tiny_dir, tables=["sighting"])


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_real_dates_in_august_are_read_as_days_and_not_taken_for_phone_numbers(tmp_path, suffix):
    """Parquet and Excel hold real date-times; read as text they were '2024-08-05 00:00:00',
    whose '08-05 00:00' the identifier guard took for a Stockholm phone number."""
    from capacity.privacy import find_identifiers

    frame = pd.DataFrame(
        {"date": pd.to_datetime(["2024-08-05", "2024-08-31"]), "city": ["Stockholm"] * 2}
    )
    path = tmp_path / f"sightings{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_excel(path, index=False, sheet_name="sightings")
    text = read_table(path, "sightings")
    assert list(text["date"]) == ["2024-08-05", "2024-08-31"]
    assert find_identifiers(text, path.name) == []
    with_time = pd.DataFrame({"date": ["2024-08-05 13:45:00", "2024-08-05T08:05:00"]})
    assert find_identifiers(with_time, path.name) == []
