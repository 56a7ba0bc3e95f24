"""Every way an import can fail: exit 1, the exact rows named, the database unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_fails, feed_ok
from tests.helpers.databases import database_snapshot
from tracker.services.importing.csv_file import CHUNK_ROWS

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"


@pytest.fixture
def stored(tracker: Tracker) -> Iterator[Tracker]:
    """A database holding a reading, an event and two patients; it must not change."""
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    tracker.ok("patient", "add", "Bea")
    before = database_snapshot(tracker.db)
    yield tracker
    assert database_snapshot(tracker.db) == before


def error_lines(stderr: str) -> list[str]:
    return stderr.rstrip("\n").split("\n")


def test_bad_rows_are_named_by_spreadsheet_row(stored: Tracker) -> None:
    text = (
        f"{HEADER}\n"
        "reading,me,CEA,abc,,2026-01-01,,,,,,\n"  # row 2
        'reading,me,CEA,2.0,,2026-01-02,,,"a note\non two lines",,,\n'  # row 3
        "reading,me,CEA,2.1,,2026-13-01,,,,,,\n"  # row 4
        "\n"  # row 5: blank, skipped
        "reading,me,CA 15-3,28,ng/mL,2026-01-03,,,,,,\n"  # row 6
        "reading,me,PSA,1,,2026-01-03,,,,,,\n"  # row 7
        "reading,me,CEA,-1,,2026-01-03,,,,,,\n"  # row 8
        "reading,me,CEA,3,,2999-01-01,,,,,,\n"  # row 9
        "reading,me,CEA,3,,2026-01-03,,0,,,,\n"  # row 10
        "event,me,,,,2026-01-03,,,,holiday,x,\n"  # row 11
        "event,me,,,,2026-01-03,,,,treatment,x,2026-01-01\n"  # row 12
        "sample,me,,,,2026-01-03,,,,,,\n"  # row 13
        "reading,me,CEA,3,,,,,,,,\n"  # row 14
        "reading,me,,3,,2026-01-03,,,,,,\n"  # row 15
        "reading,me,CEA,3,,2026-01-03,,,,,,,surplus\n"  # row 16
        "reading,me,CEA,3,,2026-01-03,,,a\x00b,,,\n"  # row 17
        "reading, ,CEA,3.3,,2026-01-04,,,,,,\n"  # row 18: fine (the selected patient)
    )
    result = feed_fails(stored, text, patient="me")
    lines = error_lines(result.stderr)
    assert lines[0] == "Error: nothing was imported: 14 rows have problems in standard input"
    assert lines[1:] == [
        "  row 2: value 'abc' is not a number (examples: 4.2, <0.5, >1000)",
        "  row 4: date '2026-13-01' is not a date; use YYYY-MM-DD, 'today' or 'yesterday'",
        "  row 6: CA 15-3 is measured in U/mL, U/ml, kU/L; got 'ng/mL'",
        "  row 7: unknown marker 'PSA'; known markers: CEA, CA 15-3, CA 27.29, CA 125",
        "  row 8: value '-1' is negative; CEA cannot be below 0",
        lines[6],
        "  row 10: upper reference limit '0' must be a number above 0 and at most 100,000",
        "  row 11: unknown event kind 'holiday'; use one of: treatment, supportive, surgery, "
        "condition, symptom, imaging, other",
        "  row 12: end date 2026-01-01 is before the start date 2026-01-03",
        "  row 13: record 'sample' must be 'reading' or 'event'",
        "  row 14: the date is empty",
        "  row 15: the reading names no marker",
        "  row 16: the row has 13 cells but the header has 12 columns (a value that contains "
        "the delimiter must be in quotes)",
        "  row 17: a note cannot contain control characters (found '\\x00')",
    ]
    assert lines[6].startswith("  row 9: date '2999-01-01' is in the future (today is ")


def test_only_the_first_twenty_problems_are_listed(stored: Tracker) -> None:
    text = "marker,value,date\n" + "CEA,x,2026-01-01\n" * 25 + "CEA,3,2026-01-02\n"
    lines = error_lines(feed_fails(stored, text, patient="me").stderr)
    assert lines[0] == "Error: nothing was imported: 25 rows have problems in standard input"
    assert lines[1] == "  row 2: value 'x' is not a number (examples: 4.2, <0.5, >1000)"
    assert lines[20] == "  row 21: value 'x' is not a number (examples: 4.2, <0.5, >1000)"
    assert lines[21:] == ["  … and 5 more"]


def test_a_bad_row_after_chunks_were_inserted_still_imports_nothing(stored: Tracker) -> None:
    rows = "".join(f"CEA,{n / 100},2026-01-01\n" for n in range(CHUNK_ROWS + 10))
    text = f"marker,value,date\n{rows}CEA,3,2026-02-30\n"
    lines = error_lines(feed_fails(stored, text, patient="me").stderr)
    assert lines == [
        "Error: nothing was imported: 1 row has a problem in standard input",
        f"  row {CHUNK_ROWS + 12}: date '2026-02-30' is not a date; use YYYY-MM-DD, "
        "'today' or 'yesterday'",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("marker,value,lab", "the header has no drawn_on column (found: marker, value, lab)"),
        ("Value;Date", "the header has no marker column (found: Value, Date)"),
        ("record,marker,value", "the header has no drawn_on column (found: record, marker, value)"),
        ("marker,value,date,Drawn On", "the header names the column 'drawn_on' twice ('date' and "
         "'Drawn On')"),
    ],
)  # fmt: skip
def test_header_problems(stored: Tracker, header: str, message: str) -> None:
    result = feed_fails(stored, f"{header}\nCEA,3,2026-01-01,\n", patient="me")
    assert error_lines(result.stderr)[0].startswith(f"Error: {message}")


def test_missing_marker_column_message_names_the_expected_columns(stored: Tracker) -> None:
    result = feed_fails(stored, "value,date\n3,2026-01-01\n", patient="me")
    assert result.stderr == (
        "Error: the header has no marker column (found: value, date); the tracker reads the "
        f"columns {HEADER} (also Test, Result, Units, Reference range, Collected, Laboratory "
        "as lab portals name them)\n"
    )


def test_empty_file_is_an_error(stored: Tracker, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = stored.fails("import", str(empty), patient="me")
    assert result.stderr.startswith(f"Error: {empty} is empty; a CSV file starts with a header")
    bom_only = feed_fails(stored, "\ufeff", patient="me")
    assert bom_only.stderr.startswith("Error: standard input is empty")
    blank = feed_fails(stored, "\n\nCEA,3,2026-01-01\n", patient="me")
    assert (
        blank.stderr == "Error: the first line of standard input is blank; it must be the header\n"
    )


def test_binary_junk_is_refused(stored: Tracker, tmp_path: Path) -> None:
    junk = tmp_path / "photo.csv"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff" * 50)
    result = stored.fails("import", str(junk), patient="me")
    assert result.stderr == (
        f"Error: {junk} is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8' and "
        "import that file\n"
    )
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"GIF89a\x00\x01\x02\x03 header\n" + b"\x00" * 100)
    assert stored.fails("import", str(nul), patient="me").stderr == (
        f"Error: {nul} does not look like a CSV text file (binary data?)\n"
    )


def test_text_that_stops_being_utf8_is_refused_at_its_row(stored: Tracker, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        b"marker,value,date,note,lab\nCEA,3,2026-01-01,ok,\nCEA,3,2026-01-02,caf\xe9,\n"
        b"CEA,3\xb5,2026-01-03,,\nCEA,3,2026-01-04,,M\xfcller\n"
    )
    lines = error_lines(stored.fails("import", str(latin1), patient="me").stderr)
    hint = "save it from the spreadsheet as 'CSV UTF-8' and import that file"
    assert lines == [
        f"Error: nothing was imported: 3 rows have problems in {latin1}",
        f"  row 3: the note cell 'caf\ufffd' is not UTF-8 text; {hint}",
        f"  row 4: the value cell '3\ufffd' is not UTF-8 text; {hint}",
        f"  row 5: the lab cell 'M\ufffdller' is not UTF-8 text; {hint}",
    ]


def test_ambiguous_decimal_comma_values_are_refused(stored: Tracker) -> None:
    text = "date;marker;value\n2026-01-01;CEA;1.234\n2026-01-02;CEA;1.2,5\n2026-01-03;CEA;4.2\n"
    lines = error_lines(feed_fails(stored, text, patient="me").stderr)
    assert lines[1:] == [
        "  row 2: value '1.234' is ambiguous in a file with decimal commas: write 1234 or 1,234",
        "  row 3: value '1.2,5' mixes dots and a decimal comma unclearly",
    ]


def test_missing_file_and_header_only(stored: Tracker, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    result = stored.fails("import", str(missing), patient="me")
    assert result.stderr == f"Error: cannot read {missing}: No such file or directory\n"
    assert feed_ok(stored, f"{HEADER}\n", patient="me").stdout.startswith("No rows to import")
