"""Issue 13, item 10: one malformed stored row must not stop the other commands.

Rows are planted the way another program would write them: with the sqlite3 module
into a real SQLite file, or with plain SQL on PostgreSQL where the column types allow
it (an unknown marker code in a text column, NaN in a float column).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.malformed_rows import NOTICE, plant, plant_sqlite, three_readings


@pytest.fixture
def malformed(sqlite_tracker: Tracker) -> Tracker:
    """Readings #1 to #3 of CEA; #2 has the date 2025-02-30 and #3 the value '1.5x'."""
    three_readings(sqlite_tracker)
    path = Path(sqlite_tracker.db)
    plant_sqlite(path, "UPDATE reading SET drawn_on = '2025-02-30' WHERE id = 2")
    plant_sqlite(path, "UPDATE reading SET value = '1.5x' WHERE id = 3")
    return sqlite_tracker


def test_list_shows_the_readable_rows_and_names_the_others(malformed: Tracker) -> None:
    result = malformed.ok("list")
    assert result.stdout == (
        "ID  Date        Marker  Value  Unit   Lab  Ref high  Note\n"
        " 1  2025-01-01  CEA         3  ng/mL  -\n"
        "\n"
        "2 stored readings could not be read; correct with `tracker edit ID` or remove "
        "with `tracker delete ID`:\n"
        "  #2 (unreadable) drawn on '2025-02-30' is not a date\n"
        "  #3 (unreadable) value '1.5x' is not a number\n"
    )
    assert result.stderr == ""  # shown in full above: no second notice


def test_list_json_keeps_its_shape_and_names_the_rows_on_stderr(malformed: Tracker) -> None:
    result = malformed.ok("list", "--json")
    assert [row["id"] for row in json.loads(result.stdout)] == [1]
    assert result.stderr == NOTICE.format(count="2 stored readings", ids="#2, #3")


@pytest.mark.parametrize(
    "args", [["trend"], ["trend", "--json"], ["due"], ["due", "--json"], ["add", "CEA", "6"]]
)
def test_reads_skip_the_rows_and_say_so(malformed: Tracker, args: list[str]) -> None:
    result = malformed.ok(*args)
    assert result.stderr == NOTICE.format(count="2 stored readings", ids="#2, #3")


def test_trend_works_on_the_readable_rows(malformed: Tracker) -> None:
    document = malformed.json("trend")
    assert [series["count"] for series in document["series"]] == [1]


def test_report_skips_the_rows_and_says_so(malformed: Tracker, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = malformed.ok("report", "--out", str(out))
    assert result.stdout == f"Wrote {out}: CEA, 1 reading from 2025-01-01 to 2025-01-01\n"
    assert result.stderr == NOTICE.format(count="2 stored readings", ids="#2, #3")
    assert out.read_bytes().startswith(b"%PDF")


def test_due_does_not_take_a_malformed_date_as_the_last_test(sqlite_tracker: Tracker) -> None:
    three_readings(sqlite_tracker)
    # Sorted as text, 2025-13-01 would be the latest draw.
    plant_sqlite(Path(sqlite_tracker.db), "UPDATE reading SET drawn_on = '2025-13-01' WHERE id = 2")
    document = sqlite_tracker.json("due")
    assert document["markers"][0]["last_drawn_on"] == "2025-03-01"


def test_edit_fixes_an_unreadable_row_step_by_step(malformed: Tracker) -> None:
    plant_sqlite(Path(malformed.db), "UPDATE reading SET drawn_on = '2025-02-30' WHERE id = 3")
    partly = malformed.ok("edit", "3", "--value", "2")
    assert partly.stdout == (
        "Updated #3: unreadable reading (CEA: drawn on '2025-02-30' is not a date)\n"
        "  It still cannot be read: correct the rest, or delete it.\n"
    )
    fixed = malformed.ok("edit", "3", "--date", "2025-02-28")
    assert fixed.stdout == "Updated #3: CEA 2 ng/mL on 2025-02-28\n"
    listed = malformed.json("list")
    assert [(row["id"], row["value"], row["drawn_on"]) for row in listed] == [
        (1, 3.0, "2025-01-01"),
        (3, 2.0, "2025-02-28"),
    ]


def test_edit_of_a_bad_value_alone_still_reports_the_stored_text(malformed: Tracker) -> None:
    # Changing only the unit re-reads the value as typed, which is fine here (typed "5").
    result = malformed.ok("edit", "3", "--note", "checked")
    assert result.stdout.startswith(
        "Updated #3: unreadable reading (CEA: value '1.5x' is not a number)"
    )


def test_delete_removes_unreadable_rows(malformed: Tracker) -> None:
    result = malformed.ok("delete", "2", "3", "--yes")
    assert result.stdout == (
        "Deleted #2: unreadable reading (CEA: drawn on '2025-02-30' is not a date)\n"
        "Deleted #3: unreadable reading (CEA: value '1.5x' is not a number)\n"
    )
    assert [row["id"] for row in malformed.json("list")] == [1]
    assert malformed.ok("check").stdout.startswith("No problems found")


def test_a_refused_edit_of_an_unreadable_row_changes_nothing(malformed: Tracker) -> None:
    before = database_snapshot(malformed.db)
    result = malformed.fails("edit", "2", "--value", "abc")
    assert result.stderr.startswith("Error: value 'abc' is not a number")
    assert database_snapshot(malformed.db) == before


def test_more_than_ten_unreadable_rows_are_counted(sqlite_tracker: Tracker) -> None:
    for day in range(1, 13):
        sqlite_tracker.ok("add", "CEA", "3", "--date", f"2025-01-{day:02d}")
    plant_sqlite(Path(sqlite_tracker.db), "UPDATE reading SET value = 'x' WHERE id > 0")
    result = sqlite_tracker.ok("trend")
    ids = ", ".join(f"#{n}" for n in range(1, 11)) + " and 2 more"
    assert result.stderr == NOTICE.format(count="12 stored readings", ids=ids)


@pytest.mark.parametrize(
    "sql, problem",
    [
        ("UPDATE reading SET marker = 'PSA' WHERE id = 2", "unknown marker code 'PSA'"),
        # PostgreSQL stores a float NaN; SQLite keeps the text.
        ("UPDATE reading SET value = 'NaN' WHERE id = 2", "value {nan} is not a {number}"),
    ],
    ids=["unknown-marker", "nan"],
)
def test_text_and_float_columns_on_both_backends(tracker: Tracker, sql: str, problem: str) -> None:
    on_server = tracker.db.startswith("postgresql")
    problem = problem.format(
        nan="nan" if on_server else "'NaN'", number="finite number" if on_server else "number"
    )
    three_readings(tracker)
    plant(tracker.db, sql)
    listed = tracker.ok("list")
    assert f"  #2 (unreadable) {problem}\n" in listed.stdout
    trend = tracker.ok("trend", "--json")
    assert [series["count"] for series in json.loads(trend.stdout)["series"]] == [2]
    assert trend.stderr == NOTICE.format(count="1 stored reading", ids="#2")
    assert tracker.ok("due").stderr == NOTICE.format(count="1 stored reading", ids="#2")
    deleted = tracker.ok("delete", "2", "--yes")
    assert (
        deleted.stdout
        == f"Deleted #2: unreadable reading ({'PSA' if 'PSA' in sql else 'CEA'}: {problem})\n"
    )
    assert [row["id"] for row in tracker.json("list")] == [1, 3]


def test_nan_can_be_corrected_with_edit(tracker: Tracker) -> None:
    three_readings(tracker)
    plant(tracker.db, "UPDATE reading SET value = 'NaN' WHERE id = 2")
    edited = tracker.ok("edit", "2", "--value", "4.5").stdout.splitlines()
    assert edited[0] == "Updated #2: CEA 4.5 ng/mL on 2025-02-01"
    assert edited[1].startswith("  CEA rise: 3 -> 4.5 ng/mL (+50%)")  # its flags, as after add


def test_an_unknown_marker_is_edited_only_with_a_marker_and_says_how(tracker: Tracker) -> None:
    three_readings(tracker)
    plant(tracker.db, "UPDATE reading SET marker = 'PSA' WHERE id = 2")
    result = tracker.fails("edit", "2", "--value", "3")
    assert result.stderr == (
        "Error: reading #2 has the marker code 'PSA', which this version of the tracker "
        "does not know; give the marker with `tracker edit 2 --marker M`, or remove it "
        "with `tracker delete 2`\n"
    )
    # Naming the marker repairs the row in place: it is listed again, as CEA.
    tracker.ok("edit", "2", "--marker", "CEA", "--value", "3")
    assert [(r["id"], r["marker"]) for r in tracker.json("list")][1] == (2, "CEA")


@pytest.fixture
def malformed_event(sqlite_tracker: Tracker) -> Tracker:
    """A reading, and events #1 (fine) and #2, whose start date is 2025-02-30."""
    sqlite_tracker.ok("add", "CEA", "3", "--date", "2025-01-01")
    sqlite_tracker.ok("event", "add", "condition", "smoking", "--date", "2025-01-01")
    sqlite_tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-02")
    plant_sqlite(Path(sqlite_tracker.db), "UPDATE event SET started_on = '2025-02-30' WHERE id = 2")
    return sqlite_tracker


EVENT_NOTICE = (
    "Note: 1 stored event could not be read (#2); run `tracker check` to see why, and fix "
    "with `tracker event delete ID`\n"
)


def test_event_list_names_an_unreadable_event(malformed_event: Tracker) -> None:
    listed = malformed_event.ok("event", "list")
    assert listed.stdout == (
        "ID  Kind       Name     From        To  Note\n"
        " 1  condition  smoking  2025-01-01\n"
        "\n"
        "1 stored event could not be read; remove with `tracker event delete ID`:\n"
        "  #2 (unreadable) treatment letrozole: start date '2025-02-30' is not a date\n"
    )
    as_json = malformed_event.ok("event", "list", "--json")
    assert [event["id"] for event in json.loads(as_json.stdout)] == [1]
    assert as_json.stderr == EVENT_NOTICE


def test_an_event_of_an_unknown_kind_is_found_on_both_backends(tracker: Tracker) -> None:
    """Another program dropped the kind check and wrote a kind the tracker does not know:
    the count of the patient's events (which decides whether to search) sees it on
    PostgreSQL as on SQLite, so every read names it."""
    tracker.ok("add", "CEA", "3", "--date", "2025-01-01")
    tracker.ok("event", "add", "condition", "smoking", "--date", "2025-01-01")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-02")
    if tracker.db.startswith("postgresql"):
        plant(tracker.db, "ALTER TABLE event DROP CONSTRAINT ck_event_kind_known")
        plant(tracker.db, "UPDATE event SET kind = 'holiday' WHERE id = 2")
    else:
        with sqlite3.connect(tracker.db) as connection:
            connection.execute("PRAGMA ignore_check_constraints = ON")
            connection.execute("UPDATE event SET kind = 'holiday' WHERE id = 2")
        connection.close()
    for args in (["trend"], ["trend", "--json"], ["event", "list", "--json"]):
        assert tracker.ok(*args).stderr == EVENT_NOTICE
    assert "  #2 (unreadable) holiday letrozole: unknown event kind 'holiday'\n" in (
        tracker.ok("event", "list").stdout
    )
    added = tracker.ok("add", "CEA", "9", "--date", "2025-03-01")
    assert added.stderr == EVENT_NOTICE  # its flags were judged without that event
    assert "CEA rise: 3 -> 9 ng/mL" in added.stdout


@pytest.mark.parametrize("args", [["trend"], ["trend", "--json"]])
def test_trend_skips_an_unreadable_event(malformed_event: Tracker, args: list[str]) -> None:
    assert malformed_event.ok(*args).stderr == EVENT_NOTICE


def test_an_unreadable_event_can_be_deleted(malformed_event: Tracker) -> None:
    deleted = malformed_event.ok("event", "delete", "2", "--yes")
    assert deleted.stdout == (
        "Deleted event #2: unreadable event (treatment letrozole: start date '2025-02-30' "
        "is not a date)\n"
    )
    assert [event["id"] for event in malformed_event.json("event", "list")] == [1]
    assert malformed_event.ok("trend").stderr == ""


@pytest.mark.parametrize(
    "value, problem",
    [("-1e999", "value -inf is not a finite number"), ("-2.5", "value -2.5 is negative")],
    ids=["minus-infinity", "negative"],
)
def test_a_value_below_zero_is_unreadable_and_json_stays_valid(
    sqlite_tracker: Tracker, value: str, problem: str
) -> None:
    """Another program can switch the schema's check off; `list --json` must still be a
    JSON document (minus infinity has no JSON form) and the row is named, not shown."""
    three_readings(sqlite_tracker)
    with sqlite3.connect(sqlite_tracker.db) as connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute(f"UPDATE reading SET value = {value} WHERE id = 2")
    connection.close()
    listed = sqlite_tracker.ok("list", "--json")
    assert [row["id"] for row in json.loads(listed.stdout)] == [1, 3]
    assert listed.stderr == NOTICE.format(count="1 stored reading", ids="#2")
    assert f"  #2 (unreadable) {problem}\n" in sqlite_tracker.ok("list").stdout


def test_list_looks_for_unreadable_rows_once(malformed: Tracker) -> None:
    # The rows it shows at the end are the ones found while listing: one count of the
    # table, one search for what could not be read (there used to be two of each).
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(" ".join(str(args[2]).split()))

    sa.event.listen(sa.Engine, "before_cursor_execute", seen)
    try:
        result = malformed.ok("list")
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", seen)
    assert "#2 (unreadable)" in result.stdout and "#3 (unreadable)" in result.stdout
    counts = [s for s in statements if s.startswith("SELECT count(*)") and "FROM reading" in s]
    assert len(counts) == 1, counts


@pytest.fixture
def pg_tracker(pg_schema_url: str, tmp_path: Path) -> Tracker:
    """The CLI bound to a fresh, migrated PostgreSQL schema (server-only behaviour)."""
    tracker = Tracker(pg_schema_url, {"HOME": str(tmp_path / "home"), "TRACKER_PATIENT": ""})
    tracker.ok("db", "upgrade")
    return tracker


@pytest.mark.parametrize("stored", ["infinity", "10000-01-01", "0044-03-15 BC"])
def test_a_server_date_python_cannot_hold_is_named_not_fatal(
    pg_tracker: Tracker, stored: str
) -> None:
    """PostgreSQL keeps dates a Python date cannot hold. Written by another program, one
    such date made every read fail ("date too large"); it is now an unreadable row,
    named and correctable, like a malformed date in a SQLite file."""
    pg_tracker.ok("add", "CEA", "3", "--date", "2025-01-01")
    pg_tracker.ok("add", "CEA", "4", "--date", "2025-02-01")
    pg_tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-02")
    plant(pg_tracker.db, f"UPDATE reading SET drawn_on = '{stored}' WHERE id = 2")
    plant(pg_tracker.db, "UPDATE event SET started_on = 'infinity' WHERE id = 1")
    reading_problem = f"drawn on '{stored}' is not a date"
    assert f"  #2 (unreadable) {reading_problem}\n" in pg_tracker.ok("list").stdout
    event_problem = "treatment letrozole: start date 'infinity' is not a date"
    assert f"  #1 (unreadable) {event_problem}\n" in pg_tracker.ok("event", "list").stdout
    trend = pg_tracker.ok("trend", "--json")
    event_notice = EVENT_NOTICE.replace("(#2)", "(#1)")
    assert trend.stderr == NOTICE.format(count="1 stored reading", ids="#2") + event_notice
    checked = pg_tracker.fails("check")
    assert checked.stderr.splitlines()[1:] == [
        f"  reading #2 (me): {reading_problem}",
        "  event #1 (me): start date 'infinity' is not a date",
    ]
    pg_tracker.ok("edit", "2", "--date", "2025-03-01")
    pg_tracker.ok("event", "delete", "1", "--yes")
    assert [row["drawn_on"] for row in pg_tracker.json("list")] == ["2025-01-01", "2025-03-01"]
    assert pg_tracker.ok("check").stderr == ""
