"""add / list / edit / delete through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot

LIST_KEYS = ["id", "patient", "marker", "value", "qualifier", "unit", "drawn_on", "lab",
             "ref_high", "note"]  # fmt: skip


def test_add_and_list_json_follow_the_contract(tracker: Tracker) -> None:
    added = tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    assert added.stdout.splitlines()[0] == "Added #1: CEA 3.1 ng/mL on 2026-01-05 (City Lab)"
    tracker.ok("add", "ca153", "28", "kU/L", "--date", "2026-01-05", "--lab", " City   Lab ")
    tracker.ok("add", "CEA", "<0.5", "--date", "2026-02-02", "--ref-high", "3", "--note", "=x")

    rows = tracker.json("list")
    assert [list(row) for row in rows] == [LIST_KEYS] * 3
    assert rows == [
        {"id": 1, "patient": "me", "marker": "CEA", "value": 3.1, "qualifier": None,
         "unit": "ng/mL", "drawn_on": "2026-01-05", "lab": "City Lab", "ref_high": None,
         "note": None},
        {"id": 2, "patient": "me", "marker": "CA 15-3", "value": 28.0, "qualifier": None,
         "unit": "U/mL", "drawn_on": "2026-01-05", "lab": "City Lab", "ref_high": None,
         "note": None},
        {"id": 3, "patient": "me", "marker": "CEA", "value": 0.5, "qualifier": "<",
         "unit": "ng/mL", "drawn_on": "2026-02-02", "lab": None, "ref_high": 3.0,
         "note": "=x"},
    ]  # fmt: skip
    assert [r["id"] for r in tracker.json("list", "--marker", "ca 15-3")] == [2]
    assert [r["id"] for r in tracker.json("list", "--since", "2026-02-01")] == [3]


def test_list_table_and_empty_database(tracker: Tracker) -> None:
    assert tracker.json("list") == []
    assert "No readings yet" in tracker.ok("list").stdout
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    lines = tracker.ok("list").stdout.splitlines()
    assert lines[0].split() == ["ID", "Date", "Marker", "Value", "Unit", "Lab", "Ref", "high",
                                "Note"]  # fmt: skip
    assert lines[1].split() == ["1", "2026-01-05", "CEA", "3.1", "ng/mL", "City", "Lab"]


def test_add_defaults_to_today_and_accepts_aliases_and_units(tracker: Tracker) -> None:
    tracker.ok("add", "CA-125", "12", "U/ml")
    tracker.ok("add", "ca 27-29", "20", "kU/L")
    tracker.ok("add", "cea", "2", "µg/L")
    rows = tracker.json("list")
    assert {r["drawn_on"] for r in rows} == {date.today().isoformat()}
    assert [(r["marker"], r["unit"]) for r in rows] == [
        ("CA 125", "U/mL"), ("CA 27.29", "U/mL"), ("CEA", "ng/mL")
    ]  # fmt: skip


def test_edit_changes_only_what_is_given(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab", "--note", "n")
    result = tracker.ok("edit", "1", "--value", "27.5")
    lines = result.stdout.splitlines()
    assert lines[0] == "Updated #1: CEA 27.5 ng/mL on 2026-01-05 (City Lab)"
    # As after `add`, the flags the corrected value raises follow, briefly.
    assert lines[1] == "  CEA above the upper reference limit: 27.5 ng/mL on 5 Jan 2026"
    tracker.ok("edit", "1", "--lab", "", "--date", "2026-01-04", "--ref-high", "5")
    row = tracker.json("list")[0]
    assert (row["value"], row["lab"], row["drawn_on"], row["ref_high"], row["note"]) == (
        27.5, None, "2026-01-04", 5.0, "n"
    )  # fmt: skip


def test_delete_asks_and_without_terminal_needs_yes(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "3.3", "--date", "2026-02-05")
    refused = tracker.fails("delete", "1")
    assert refused.stderr.startswith("Error: nothing was deleted: confirm with --yes")
    assert len(tracker.json("list")) == 2
    deleted = tracker.ok("delete", "1", "--yes")
    assert deleted.stdout.strip() == "Deleted #1: CEA 3.1 ng/mL on 2026-01-05"
    assert [r["id"] for r in tracker.json("list")] == [2]


def test_exact_duplicate_is_refused_with_a_hint(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    result = tracker.fails("add", "CEA", "3.1", "ng/mL", "--date", "2026-01-05")
    assert result.stderr.strip() == (
        "Error: this reading is already stored as #1 (CEA 3.1 ng/mL on 2026-01-05); "
        "use `tracker edit 1` to change it"
    )
    # Another lab, or a different qualifier, is another reading.
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "B")
    tracker.ok("add", "CEA", "<3.1", "--date", "2026-01-05")
    assert len(tracker.json("list")) == 3


def test_missing_arguments_without_terminal_are_usage_errors(tracker: Tracker) -> None:
    result = tracker.fails("add", code=2)
    assert "Missing argument 'MARKER'" in result.stderr
    assert "Missing argument 'VALUE'" in tracker.fails("add", "CEA", code=2).stderr
    assert "No such option" in tracker.fails("add", "CEA", "1", "--bogus", code=2).stderr


FUTURE = (date.today() + timedelta(days=1)).isoformat()

BAD_INPUT = [
    (["add", "CEA", "abc"], "value 'abc' is not a number"),
    (["add", "CEA", "-1"], "value '-1' is negative"),
    (["add", "CEA", "nan"], "value 'nan' is not a number"),
    (["add", "CEA", "inf"], "value 'inf' is not a number"),
    (["add", "CEA", "1e309"], "value '1e309' is not a finite number"),
    (["add", "CEA", "100001"], "value '100001' is larger than 100,000"),
    (["add", "CEA", ""], "value '' is not a number"),
    (["add", "", "1"], "unknown marker ''"),
    (["event", "add", "treatment", ""], "an event needs a name"),
    (["add", "PSA", "1"], "unknown marker 'PSA'; known markers: CEA, CA 15-3, CA 27.29, CA 125"),
    (["add", "CEA", "1", "U/mL"], "CEA is measured in ng/mL, ng/ml, ug/L, µg/L, mcg/L; got 'U/mL'"),
    (["add", "CA15-3", "1", "ng/mL"], "CA 15-3 is measured in U/mL, U/ml, kU/L; got 'ng/mL'"),
    (["add", "CEA", "1", "--date", "2026-13-01"], "date '2026-13-01' is not a date"),
    (["add", "CEA", "1", "--date", "05/01/2026"], "date '05/01/2026' is not a date"),
    (["add", "CEA", "1", "--date", FUTURE], f"date '{FUTURE}' is in the future"),
    (["add", "CEA", "1", "--date", "1899-12-31"], "date '1899-12-31' is before 1900"),
    (["add", "CEA", "1", "--ref-high", "-3"], "upper reference limit '-3' must be a number"),
    (["add", "CEA", "1", "--ref-high", "nan"], "upper reference limit 'nan' must be a plain"),
    (["add", "CEA", "1", "--ref-high", "<5"], "upper reference limit '<5' must be a plain"),
    (["event", "delete", "abc", "--yes"], "event id 'abc' is not a number like 12 (see `tracker e"),
    (["edit", "99", "--value", "1"], "no reading #99 for me"),
    (["edit", "x1", "--value", "1"], "reading id 'x1' is not a number"),
    (["edit", "²", "--value", "1"], "reading id '²' is not a number"),
    (["delete", "1²", "--yes"], "reading id '1²' is not a number"),
    (["edit", "1"], "nothing to change"),
    (["edit", "1", "--value", "zzz"], "value 'zzz' is not a number"),
    (["delete", "1", "99", "--yes"], "no reading #99 for me"),
    (["add", "CEA", "2.0", "--date", "2026-01-05"], "this reading is already stored as #1"),
    (["patient", "add", "  "], "a patient name cannot be empty"),
    (["patient", "add", "me"], "a patient named 'me' already exists"),
    (["--patient", "Nobody", "list"], "no patient named 'Nobody' (known: me)"),
    (["event", "add", "party", "x"], "unknown event kind 'party'"),
    (["event", "add", "treatment", "x", "--date", "2026-02-01", "--end", "2026-01-01"],
     "end date 2026-01-01 is before the start date 2026-02-01"),
    (["event", "delete", "5", "--yes"], "no event #5 for me"),
    (["db", "downgrade", "zz"], "unknown revision 'zz'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=lambda v: str(v)[:40])
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    tracker: Tracker, args: list[str], message: str
) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2026-01-05")
    before = database_snapshot(tracker.db)
    result = tracker.fails(*args)
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("Error: ")
    assert message in first_line
    assert database_snapshot(tracker.db) == before
