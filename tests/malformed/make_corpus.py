"""Regenerate the malformed corpus and its manifest from tests/data/tiny.

Run from the project root: ``.venv/bin/python tests/malformed/make_corpus.py``. Each case
breaks one thing in one file; ``manifest.csv`` names the file, row, column and a fragment of
the rule that ``load_dataset`` must report.
"""

import csv
import io
from pathlib import Path

import pandas as pd

TINY = Path("tests/data/tiny")
OUT = Path("tests/malformed")


def rows(table):
    return list(csv.reader(io.StringIO((TINY / f"{table}.csv").read_text(encoding="utf-8"))))


def text(rs, sep=","):
    b = io.StringIO()
    csv.writer(b, delimiter=sep, lineterminator="\n").writerows(rs)
    return b.getvalue()


def setcell(table, row, column, value):
    rs = rows(table)
    j = rs[0].index(column)
    rs[row - 1][j] = value
    return text(rs)


manifest = []


def case(name, table, content, row, column, rule, ext="csv", enc="utf-8"):
    fname = f"{name}.{table}.{ext}"
    p = OUT / fname
    if isinstance(content, bytes):
        p.write_bytes(content)
    elif isinstance(content, pd.DataFrame):
        content.to_excel(p, index=False) if ext == "xlsx" else content.to_parquet(p, index=False)
    else:
        p.write_bytes(content.encode(enc))
    manifest.append(
        dict(
            case=name,
            table=table,
            source=fname,
            file=f"{table}.{ext}",
            row=row,
            column=column,
            rule=rule,
        )
    )


s = (TINY / "sightings.csv").read_text(encoding="utf-8")
o = (TINY / "outreach.csv").read_text(encoding="utf-8")
st = (TINY / "staff.csv").read_text(encoding="utf-8")
op = (TINY / "operations.csv").read_text(encoding="utf-8")
case("utf16_encoding", "sightings", s, "", "", "UTF-16", enc="utf-16")
case(
    "undefined_bytes",
    "outreach",
    o.encode("utf-8").replace("Göteborg".encode(), b"G\x81\x8dteborg", 1),
    "",
    "",
    "neither UTF-8 nor Windows-1252",
)
case("pipe_separator", "outreach", o.replace(",", "|"), 1, "", "separated by '|'")
rs = rows("outreach")
rs[4][5] = "8"
rs[4].insert(6, "5")  # '8,5' written with ',' separator
case(
    "decimal_comma_with_comma_separator",
    "outreach",
    text(rs),
    5,
    "",
    "fields where the header has 14",
)
rs = [r[:3] + r[4:] for r in rows("sightings")]
case("missing_column", "sightings", text(rs), 1, "source", "required column missing")
rs = [[*r, "shift_length" if i == 0 else "8"] for i, r in enumerate(rows("staff"))]
case("extra_column", "staff", text(rs), 1, "shift_length", "unknown column")
rs = [[*r, "fte" if i == 0 else "0.5"] for i, r in enumerate(rows("staff"))]
case("column_twice", "staff", text(rs), 1, "fte", "the column appears twice")
case(
    "misspelled_column",
    "outreach",
    o.replace("staff_hours", "staff_hour", 1),
    1,
    "staff_hour",
    "unknown column",
)
case(
    "impossible_date",
    "sightings",
    setcell("sightings", 6, "date", "2024-02-30"),
    6,
    "date",
    "not a date in the form YYYY-MM-DD",
)
case(
    "day_first_date",
    "sightings",
    setcell("sightings", 4, "date", "11/01/2024"),
    4,
    "date",
    "not a date in the form YYYY-MM-DD",
)
case(
    "negative_count",
    "outreach",
    setcell("outreach", 3, "referrals", "-1"),
    3,
    "referrals",
    "must be between 0 and 100000",
)
case(
    "non_integer_count",
    "outreach",
    setcell("outreach", 4, "staff", "2.5"),
    4,
    "staff",
    "not a whole number",
)
case(
    "text_in_count",
    "outreach",
    setcell("outreach", 7, "contacts", "many"),
    7,
    "contacts",
    "not a whole number",
)
rs = rows("sightings")
rs.insert(10, rs[8])
case("duplicate_sighting", "sightings", text(rs), 11, "person_id", "duplicate row")
rs = rows("staff")
dup = list(rs[3])
dup[4] = "0.5"
rs.append(dup)
case("duplicate_staff_month", "staff", text(rs), 22, "month", "duplicate row")
rs = rows("operations")
rs[2][0] = rs[1][0]
case("duplicate_operation_id", "operations", text(rs), 3, "operation_id", "duplicate row")
case("empty_file", "outreach", b"", "", "", "the file is empty")
case("header_only", "staff", st.splitlines()[0] + "\n", "", "", "header but no data rows")
case(
    "absurd_staff_hours",
    "outreach",
    setcell("outreach", 9, "staff_hours", "99999"),
    9,
    "staff_hours",
    "must be between 0.25 and 2400",
)
case(
    "fte_above_one",
    "staff",
    setcell("staff", 5, "fte", "1.5"),
    5,
    "fte",
    "must be between 0.01 and 1.0",
)
case(
    "share_as_percent",
    "staff",
    setcell("staff", 8, "outreach_share", "60"),
    8,
    "outreach_share",
    "must be between 0 and 1",
)
case(
    "mixed_month_formats",
    "staff",
    setcell("staff", 12, "month", "mars 2024"),
    12,
    "month",
    "not a month in the form YYYY-MM",
)
case(
    "month_not_first_day",
    "staff",
    setcell("staff", 2, "month", "2024-01-15"),
    2,
    "month",
    "not a month in the form YYYY-MM",
)
case("staff_table_in_sightings_file", "sightings", st, "", "", "looks like the staff table")
case(
    "new_persons_above_contacts",
    "outreach",
    setcell("outreach", 6, "new_persons", "9"),
    6,
    "new_persons",
    "new_persons must be ≤ contacts",
)
case(
    "support_accepted_above_offered",
    "outreach",
    setcell("outreach", 2, "support_accepted", "5"),
    2,
    "support_accepted",
    "support_accepted must be ≤ support_offered",
)
case(
    "sellers_contacted_above_encountered",
    "operations",
    setcell("operations", 3, "sellers_contacted", "15"),
    3,
    "sellers_contacted",
    "sellers_contacted must be ≤ sellers_encountered",
)
case(
    "end_before_start",
    "operations",
    setcell("operations", 2, "end_date", "2024-03-01"),
    2,
    "end_date",
    "end_date must be ≥ start_date",
)
case(
    "unknown_channel",
    "outreach",
    setcell("outreach", 10, "channel", "telefon"),
    10,
    "channel",
    "must be one of: online, street, venue, operation",
)
case(
    "unknown_mandate",
    "operations",
    setcell("operations", 2, "mandate", "polis"),
    2,
    "mandate",
    "must be one of: buyers, sellers, both",
)
case(
    "language_name_not_code",
    "sightings",
    setcell("sightings", 2, "language", "spanish"),
    2,
    "language",
    "ISO 639-1",
)
case(
    "unknown_language_code",
    "sightings",
    setcell("sightings", 5, "language", "xx"),
    5,
    "language",
    "ISO 639-1",
)
case(
    "language_list_with_commas",
    "staff",
    setcell("staff", 3, "languages", "sv,en,ro"),
    3,
    "languages",
    "ISO 639-1 codes separated by ';'",
)
case(
    "date_outside_period",
    "sightings",
    setcell("sightings", 2, "date", "2023-12-15"),
    2,
    "date",
    "outside the dataset's period",
)
case(
    "operation_after_period",
    "operations",
    setcell("operations", 3, "end_date", "2024-05-02"),
    3,
    "end_date",
    "outside the dataset's period",
)
case(
    "unknown_team",
    "outreach",
    setcell("outreach", 8, "team", "sthlm_natt"),
    8,
    "team",
    "team not in the staff table",
)
case(
    "team_in_wrong_city",
    "outreach",
    setcell("outreach", 4, "team", "sthlm_uppsok"),
    4,
    "team",
    "team not in the staff table",
)
case(
    "city_without_staff",
    "outreach",
    setcell("outreach", 13, "city", "Malmö"),
    13,
    "city",
    "city not in the staff table",
)
case(
    "bad_boolean",
    "staff",
    setcell("staff", 6, "trafficking_trained", "maybe"),
    6,
    "trafficking_trained",
    "not yes or no",
)
case(
    "short_pseudonym",
    "sightings",
    setcell("sightings", 9, "person_id", "ab12"),
    9,
    "person_id",
    "must be a pseudonym of 8-64",
)
case(
    "upper_case_source",
    "sightings",
    setcell("sightings", 7, "source", "ADS_A"),
    7,
    "source",
    "lower-case code",
)
case("missing_city", "sightings", setcell("sightings", 12, "city", ""), 12, "city", "value missing")
case(
    "city_with_digits",
    "operations",
    setcell("operations", 2, "city", "Stockholm 2"),
    2,
    "city",
    "municipality name",
)
xl = pd.read_csv(io.StringIO(o), dtype=str)
xl.loc[4, "contacts"] = "fem"
case("xlsx_text_in_count", "outreach", xl, 6, "contacts", "not a whole number", ext="xlsx")
pq = pd.read_csv(io.StringIO(op))
pq.loc[1, "social_workers"] = -2
case(
    "parquet_negative_count",
    "operations",
    pq,
    3,
    "social_workers",
    "must be between 0 and 1000",
    ext="parquet",
)
xl2 = pd.read_csv(io.StringIO(st), dtype=str)
b = io.BytesIO()
xl2.to_excel(b, index=False)
case("excel_saved_as_csv", "staff", b.getvalue(), "", "", "Excel (zip)")
case(
    "cp1252_with_bad_value",
    "sightings",
    setcell("sightings", 7, "date", "2024-1-17x"),
    7,
    "date",
    "not a date",
    enc="cp1252",
)
dp = (TINY / "datapackage.json").read_text(encoding="utf-8")
case(
    "datapackage_bad_json",
    "datapackage",
    dp.replace('"synthetic": true,', '"synthetic": true'),
    5,
    "",
    "not valid JSON",
    ext="json",
)
case(
    "datapackage_no_period",
    "datapackage",
    dp.replace('"period": {"start": "2024-01-01", "end": "2024-04-30"},', ""),
    "",
    "period",
    "'period' is missing",
    ext="json",
)
# --- identifiers that used to slip through the guard (issue 13) -----------------------------
case(
    "phone_without_leading_zero",
    "sightings",
    setcell("sightings", 3, "person_id", "701234567"),
    3,
    "person_id",
    "phone number",
)
case(
    "phone_country_code_without_plus",
    "sightings",
    setcell("sightings", 5, "person_id", "46 70 123 45 67"),
    5,
    "person_id",
    "phone number",
)
case(
    "foreign_phone_without_plus",
    "sightings",
    setcell("sightings", 6, "person_id", "40721234567"),
    6,
    "person_id",
    "phone number",
)
xl3 = pd.read_csv(io.StringIO(s), dtype=object)
xl3["person_id"] = xl3["person_id"].astype(object)
xl3.loc[2, "person_id"] = 701234567  # a number cell: Excel dropped the leading zero
case("xlsx_phone_number_cell", "sightings", xl3, 4, "person_id", "phone number", ext="xlsx")
pq2 = pd.read_csv(io.StringIO(o))
pq2.loc[3, "contacts"] = 46701234567  # int64 column in Parquet
case(
    "parquet_phone_in_integer_column", "outreach", pq2, 5, "contacts", "phone number", ext="parquet"
)
pq3 = pd.read_csv(io.StringIO(o))
pq3.loc[6, "staff_hours"] = 701234567.0  # float64 column in Parquet
case(
    "parquet_phone_in_float_column",
    "outreach",
    pq3,
    8,
    "staff_hours",
    "phone number",
    ext="parquet",
)
case(
    "camelcase_name_as_pseudonym",
    "sightings",
    setcell("sightings", 7, "person_id", "MariaPopescu"),
    7,
    "person_id",
    "person's name",
)
case(
    "underscore_name_as_staff_id",
    "staff",
    setcell("staff", 4, "staff_id", "anna_svensson"),
    4,
    "staff_id",
    "person's name",
)
case(
    "name_in_city",
    "operations",
    setcell("operations", 2, "city", "Elena Ionescu"),
    2,
    "city",
    "person's name",
)
case(
    "name_in_team_code",
    "outreach",
    setcell("outreach", 5, "team", "Karin_Lindqvist"),
    5,
    "team",
    "person's name",
)
case(
    "email_written_out",
    "sightings",
    setcell("sightings", 8, "person_id", "anna.svensson-at-gmail-dot-com"),
    8,
    "person_id",
    "e-mail",
)
case(
    "email_with_bracketed_at",
    "staff",
    setcell("staff", 6, "staff_id", "maria(at)yahoo(dot)com"),
    6,
    "staff_id",
    "e-mail",
)
case(
    "ipv4_address_as_source",
    "sightings",
    setcell("sightings", 9, "source", "192.168.12.7"),
    9,
    "source",
    "IP address",
)
case(
    "ipv6_address_as_staff_id",
    "staff",
    setcell("staff", 7, "staff_id", "2001:db8::8a2e:370:7334"),
    7,
    "staff_id",
    "IP address",
)


def workbook(table, extra_title, extra_rows, state):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = table
    for r in rows(table):
        ws.append(r)
    extra = wb.create_sheet(extra_title)
    for r in extra_rows:
        extra.append(r)
    extra.sheet_state = state
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


case(
    "hidden_sheet_with_name",
    "sightings",
    workbook("sightings", "Kontakter", [["vem", "nummer"], ["Maria Popescu", 701234567]], "hidden"),
    2,
    "Kontakter!A",
    "person's name on the sheet 'Kontakter' (hidden)",
    ext="xlsx",
)
case(
    "second_sheet_with_phone",
    "outreach",
    workbook(
        "outreach",
        "Anteckningar",
        [["datum", "tel"], ["2024-01-10", "+46 70 123 45 67"]],
        "visible",
    ),
    2,
    "Anteckningar!B",
    "phone number on the sheet 'Anteckningar'",
    ext="xlsx",
)
case(
    "datapackage_contact_in_title",
    "datapackage",
    dp.replace('"title": "Tiny', '"title": "Kontakt Anna Svensson 0701234567: Tiny'),
    "",
    "title",
    "phone number",
    ext="json",
)
case(
    "datapackage_email_in_description",
    "datapackage",
    dp.replace(
        'Not real data."', 'Not real data. Questions: elena.ionescu@socialtjanst.example.se"'
    ),
    "",
    "description",
    "e-mail",
    ext="json",
)
case(
    "datapackage_name_in_contributors",
    "datapackage",
    dp.replace(
        '"synthetic": true,', '"synthetic": true, "contributors": [{"title": "Elena Ionescu"}],'
    ),
    "",
    "contributors[0].title",
    "person's name",
    ext="json",
)

# --- hostile or broken files: bounded, located refusals (issue 13) --------------------------
case(
    "nul_byte_in_row",
    "sightings",
    s.replace("b0bc2a68adaac53c,2024-01-11", "b0bc2a68adaac53c,2024-01-1\x001", 1),
    3,
    "",
    "NUL byte",
)
case(
    "binary_file_as_csv", "outreach", b"\x00\x01\x02\x03\x89PNG" + o.encode(), 1, "", "binary data"
)
case(
    "too_many_columns",
    "staff",
    text([[*r, *(["extra"] * 250 if i == 0 else [""] * 250)] for i, r in enumerate(rows("staff"))]),
    1,
    "",
    "columns, above the limit",
)
xl4 = pd.read_csv(io.StringIO(op), dtype=str)
for k in range(300):
    xl4[f"x{k}"] = ""
case("too_many_columns_xlsx", "operations", xl4, 1, "", "columns, above the limit", ext="xlsx")
rs = rows("outreach")
rs = [[c.replace(".", ",") if j == 5 else c for j, c in enumerate(r)] for r in rs]
rs[3][6] = "1.250"
case(
    "thousands_dot_in_decimal_comma_file",
    "outreach",
    text(rs, ";"),
    4,
    "contacts",
    "thousands separator",
)
rs = rows("outreach")
rs[2][5] = "1,250"
case("thousands_comma_in_comma_file", "outreach", text(rs), 3, "staff_hours", "thousands separator")
case(
    "date_in_year_9999",
    "sightings",
    setcell("sightings", 4, "date", "9999-12-31"),
    4,
    "date",
    "outside the plausible range",
)
case(
    "month_in_year_0001",
    "staff",
    setcell("staff", 5, "month", "0001-01"),
    5,
    "month",
    "outside the plausible range",
)
case(
    "cell_of_5000_characters",
    "sightings",
    setcell("sightings", 10, "city", "Stockholm" * 556),
    10,
    "city",
    "characters, above the limit",
)
case(
    "resource_path_outside_folder",
    "datapackage",
    dp.replace('"path": "sightings.csv"', '"path": "../../../etc/passwd"'),
    "",
    "resources",
    "points outside the dataset folder",
    ext="json",
)
case(
    "resource_path_absolute",
    "datapackage",
    dp.replace('"path": "staff.csv"', '"path": "/etc/hostname"'),
    "",
    "resources",
    "points outside the dataset folder",
    ext="json",
)
case(
    "datapackage_nested_deeply",
    "datapackage",
    dp.replace('"synthetic": true,', '"synthetic": true, "x": ' + "[" * 50 + "]" * 50 + ","),
    "",
    "",
    "nested more than",
    ext="json",
)
case(
    "datapackage_nested_beyond_recursion",
    "datapackage",
    dp.replace(
        '"synthetic": true,', '"synthetic": true, "x": ' + "[" * 100_000 + "]" * 100_000 + ","
    ),
    "",
    "",
    "nested more than",
    ext="json",
)
case(
    "period_in_year_9999",
    "datapackage",
    dp.replace('"end": "2024-04-30"', '"end": "9999-12-31"'),
    "",
    "period.end",
    "outside the plausible range",
    ext="json",
)
case(
    "period_in_year_0001",
    "datapackage",
    dp.replace('"start": "2024-01-01"', '"start": "0001-01-01"'),
    "",
    "period.start",
    "outside the plausible range",
    ext="json",
)
case(
    "title_of_20000_characters",
    "datapackage",
    dp.replace('"title": "Tiny', '"title": "' + "x" * 20_000 + "Tiny"),
    "",
    "title",
    "characters long, above the limit",
    ext="json",
)

pd.DataFrame(manifest).to_csv(OUT / "manifest.csv", index=False)
print(len(manifest))
