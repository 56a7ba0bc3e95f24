"""``edit ID --marker M`` never re-reads a value in another marker's unit (issue 15)."""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot


def test_a_new_marker_with_another_unit_asks_for_the_value(tracker: Tracker) -> None:
    tracker.ok("add", "CA125", "26", "--date", "2026-01-05")
    before = database_snapshot(tracker.db)
    result = tracker.fails("edit", "1", "--marker", "CEA")
    assert result.stderr == (
        "Error: #1 holds CA 125 in U/mL, and CEA is measured in ng/mL; give the CEA result "
        "with --value and --unit (e.g. `tracker edit 1 --marker CEA --value V --unit ng/mL`)\n"
    )
    assert result.stdout == ""
    assert database_snapshot(tracker.db) == before

    # With the value and unit given, the marker changes.
    tracker.ok("edit", "1", "--marker", "CEA", "--value", "2.6", "--unit", "ng/mL")
    [row] = tracker.json("list")
    assert (row["marker"], row["value"], row["unit"]) == ("CEA", 2.6, "ng/mL")


def test_a_new_marker_in_the_same_unit_keeps_the_value(tracker: Tracker) -> None:
    tracker.ok("add", "CA15-3", "28", "--date", "2026-01-05")
    tracker.ok("edit", "1", "--marker", "CA 27.29")
    [row] = tracker.json("list")
    assert (row["marker"], row["value"], row["unit"]) == ("CA 27.29", 28.0, "U/mL")


def test_edit_prints_the_flags_briefly_as_add_does(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "2.1", "--date", "2026-03-05")
    edited = tracker.ok("edit", "2", "--value", "6").stdout.splitlines()
    assert edited[0] == "Updated #2: CEA 6 ng/mL on 2026-03-05"
    # `add` of the same value after the same first draw prints the same brief lines.
    tracker.ok("delete", "2", "--yes")
    added = tracker.ok("add", "CEA", "6", "--date", "2026-03-05").stdout.splitlines()
    assert added[0].startswith("Added #")
    assert edited[1:] == added[1:]
    assert edited[1].startswith("  CEA rise: 2 -> 6 ng/mL (+200%)")
    assert edited[-1] == "  Discuss with your oncologist."
