"""What spreadsheets and lab portals really produce, typed or pasted into `add`."""

from __future__ import annotations

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("marker", "value", "unit", "stored", "qualifier"),
    [
        ("ca153", "1,234.5", None, 1234.5, None),  # English thousands separator
        ("ca153", "1.234,5", None, 1234.5, None),  # German: dots group, comma decimal
        ("ca153", f"1{NBSP}234.5", None, 1234.5, None),  # French-style grouping space
        ("ca153", f"1{NARROW_NBSP}234,5", None, 1234.5, None),
        ("ca153", "12,345,678.9", None, None, None),  # too large: refused below
        ("CEA", "4,2", None, 4.2, None),  # a keyboard with a decimal comma
        ("CEA", "4.2 ng/mL", None, 4.2, None),  # the unit pasted inside the value cell
        ("CEA", f"4.2{NBSP}ng/mL", None, 4.2, None),
        ("CEA", "4.2ng/ml", None, 4.2, None),
        ("CEA", "4.2 µg/L", None, 4.2, None),  # micro sign
        ("CEA", "4.2 μg/L", None, 4.2, None),  # Greek mu
        ("CEA", "4.2 ug/L", None, 4.2, None),
        ("CEA", "4.2", " µg/l ", 4.2, None),
        ("CEA", f"<{NBSP}0.5", None, 0.5, "<"),
        ("CEA", "≤0.5", None, 0.5, "<"),
        ("CEA", f" {NBSP}3.3{NBSP} ", None, 3.3, None),  # cells padded with spaces
        ("ca153", "28 kU/L", None, 28.0, None),
        ("ca153", ">1,000.0", "U/ml", 1000.0, ">"),
        ("CA125", "0,500", None, 0.5, None),  # a leading 0: the comma can only be decimal
        ("CA125", "1,0000", None, 1.0, None),
    ],
)
def test_add_accepts_what_spreadsheets_produce(
    sqlite_tracker: Tracker,
    marker: str,
    value: str,
    unit: str | None,
    stored: float | None,
    qualifier: str | None,
) -> None:
    args = ["add", marker, value, *([unit] if unit else []), "--date", "2026-01-05"]
    if stored is None:
        result = sqlite_tracker.fails(*args)
        assert "larger than 100,000" in result.stderr
        return
    sqlite_tracker.ok(*args)
    [row] = sqlite_tracker.json("list")
    assert (row["value"], row["qualifier"]) == (stored, qualifier)


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (f"{MINUS}3", None, f"value '{MINUS}3' is negative; CEA cannot be below 0"),
        ("\u20133.1", None, "value '\u20133.1' is negative; CEA cannot be below 0"),  # en dash
        (f"{MINUS}0.4{NBSP}ng/mL", None, "is negative; CEA cannot be below 0"),
        ("12,34.5", None, "value '12,34.5' is not a number (examples: 4.2, <0.5, >1000)"),
        ("1.5,2", None, "value '1.5,2' is not a number (examples: 4.2, <0.5, >1000)"),
        ("4.2 U/mL", None, "CEA is measured in ng/mL"),
        ("4.2 ng/mL", "U/mL", "value '4.2 ng/mL' carries the unit 'ng/mL' but the unit given"),
        ("6.3 H", None, "CEA is measured in ng/mL"),  # a portal's "high" flag
        ("n/a", None, "value 'n/a' is not a number"),
        (
            "2,500",
            None,
            "value '2,500' is ambiguous: write 2500 if the comma groups thousands, "
            "or 2.5 if it is a decimal comma",
        ),
        (">1,000", None, "value '>1,000' is ambiguous: write 1000 if the comma"),
    ],
)
def test_add_refuses_the_rest_clearly_and_stores_nothing(
    sqlite_tracker: Tracker, value: str, unit: str | None, message: str
) -> None:
    sqlite_tracker.ok("add", "CEA", "1", "--date", "2026-01-01")
    before = database_snapshot(sqlite_tracker.db)
    result = sqlite_tracker.fails("add", "CEA", value, *([unit] if unit else []))
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert database_snapshot(sqlite_tracker.db) == before


def test_edit_reads_values_the_same_way(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("add", "ca153", "28", "--date", "2026-01-05")
    sqlite_tracker.ok("edit", "1", "--value", "1.234,5")
    assert sqlite_tracker.json("list")[0]["value"] == 1234.5
    refused = sqlite_tracker.fails("edit", "1", "--value", f"{MINUS}2")
    assert refused.stderr == f"Error: value '{MINUS}2' is negative; CA 15-3 cannot be below 0\n"
    assert sqlite_tracker.json("list")[0]["value"] == 1234.5


def test_control_characters_are_refused_the_same_way_on_every_backend(tracker: Tracker) -> None:
    """NUL cannot be stored by PostgreSQL, and an escape sequence in a note would reach the
    terminal of whoever lists it; tabs and line breaks are ordinary text."""
    tracker.ok("add", "CEA", "1", "--date", "2026-01-01", "--note", "line one\n\tline two")
    before = database_snapshot(tracker.db)
    cases = [
        (["add", "CEA", "2", "--note", "a\x00b"], "a note cannot contain control characters"),
        (["add", "CEA", "2", "--note", "\x1b[2J"], "a note cannot contain control characters"),
        (["add", "CEA", "2", "--lab", "Lab\x00"], "a lab name cannot contain control characters"),
        (["edit", "1", "--note", "x\x07"], "a note cannot contain control characters"),
        (["event", "add", "symptom", "pa\x00in"], "an event name cannot contain control"),
        (["patient", "add", "Ann\x1b"], "a patient name cannot contain control characters"),
    ]
    for args, message in cases:
        result = tracker.fails(*args)
        assert result.stderr.startswith(f"Error: {message}"), result.stderr
    assert database_snapshot(tracker.db) == before
    assert tracker.json("list")[0]["note"] == "line one\n\tline two"


def test_import_reads_the_same_spreadsheet_habits(sqlite_tracker: Tracker) -> None:
    text = (
        "date,marker,value,unit,lab\n"
        '2026-01-01,CA 15-3,"1,234.5",U/mL,City Lab\n'
        f"2026-01-02,CEA,4.2{NBSP}ng/mL,,City Lab\n"
        "2026-01-03,CEA,3.3,µg/L,City Lab\n"
        "2026-01-04,CEA,3.4,μg/L,City Lab\n"
        "2026-01-05,CEA,3.5 ug/L,,City Lab\n"
        f"2026-01-06,CEA,<{NBSP}0.5,,City Lab\n"
        f"2026-01-07,CEA,{NBSP}2.5{NBSP},ng/ml,{NBSP}City{NBSP}Lab{NBSP}\n"
        '2026-01-08,CA 15-3,"1.234,5",U/mL,City Lab\n'
    )
    result = sqlite_tracker("import", "-", input=text)
    assert result.exit_code == 0, result.output
    rows = sqlite_tracker.json("list")
    assert [(r["marker"], r["value"], r["qualifier"], r["unit"], r["lab"]) for r in rows] == [
        ("CA 15-3", 1234.5, None, "U/mL", "City Lab"),
        ("CEA", 4.2, None, "ng/mL", "City Lab"),
        ("CEA", 3.3, None, "ng/mL", "City Lab"),
        ("CEA", 3.4, None, "ng/mL", "City Lab"),
        ("CEA", 3.5, None, "ng/mL", "City Lab"),
        ("CEA", 0.5, "<", "ng/mL", "City Lab"),
        ("CEA", 2.5, None, "ng/mL", "City Lab"),
        ("CA 15-3", 1234.5, None, "U/mL", "City Lab"),
    ]


def test_import_of_a_german_sheet_and_negative_values(sqlite_tracker: Tracker) -> None:
    german = "Datum;marker;value;unit\n2026-01-01;CA 15-3;1.234,5;U/ml\n2026-01-02;CEA;4,2;\n"
    german = german.replace("Datum", "date")
    assert sqlite_tracker("import", "-", input=german).exit_code == 0
    assert [r["value"] for r in sqlite_tracker.json("list")] == [1234.5, 4.2]
    before = database_snapshot(sqlite_tracker.db)
    negative = (
        f"date,marker,value\n2026-02-01,CEA,3\n2026-02-02,CEA,{MINUS}3\n2026-02-03,CEA,\u20131\n"
    )
    result = sqlite_tracker("import", "-", input=negative)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: nothing was imported: 2 rows have problems in standard input",
        f"  row 3: value '{MINUS}3' is negative; CEA cannot be below 0",
        "  row 4: value '\u20131' is negative; CEA cannot be below 0",
    ]
    assert database_snapshot(sqlite_tracker.db) == before
