"""Corrections (issue 15): `event edit`, `edit --marker`, and dates before the stored
birth date refused by add, edit, event add/edit and import, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot


def test_event_edit_sets_and_clears_the_end_and_note(tracker: Tracker) -> None:
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10", "--note", "x")
    edited = tracker.ok("event", "edit", "1", "--end", "2026-06-30")
    assert edited.stdout.startswith("Updated event #1: treatment letrozole from 2026-01-10")
    [event] = tracker.json("event", "list")
    assert (event["ended_on"], event["note"]) == ("2026-06-30", "x")
    tracker.ok("event", "edit", "1", "--name", "anastrozole", "--date", "2026-01-11")
    tracker.ok("event", "edit", "1", "--end", "", "--note", "")
    [event] = tracker.json("event", "list")
    assert (event["name"], event["started_on"], event["ended_on"], event["note"]) == (
        "anastrozole", "2026-01-11", None, None,
    )  # fmt: skip


def test_event_edit_refuses_bad_corrections(tracker: Tracker) -> None:
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-03-10")
    before = database_snapshot(tracker.db)
    assert (
        "before the start date" in tracker.fails("event", "edit", "1", "--end", "2025-01-01").stderr
    )
    assert (
        "already stored as #1" in tracker.fails("event", "edit", "2", "--date", "2026-01-10").stderr
    )
    assert "nothing to change" in tracker.fails("event", "edit", "1").stderr
    assert "no event #9" in tracker.fails("event", "edit", "9", "--name", "x").stderr
    assert "not a date" in tracker.fails("event", "edit", "1", "--end", "soon").stderr
    assert database_snapshot(tracker.db) == before


def test_edit_marker_revalidates_value_and_unit(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "28", "--date", "2026-01-05")
    # Another unit: the value is never re-read in it silently (issue 15); a value given is.
    assert (
        "give the CA 15-3 result with --value and --unit"
        in tracker.fails("edit", "1", "--marker", "CA 15-3").stderr
    )
    edited = tracker.ok("edit", "1", "--marker", "CA 15-3", "--value", "28")
    assert edited.stdout.strip() == "Updated #1: CA 15-3 28 U/mL on 2026-01-05"
    tracker.ok("add", "CEA", "3", "ng/mL", "--date", "2026-01-06")
    before = database_snapshot(tracker.db)
    refused = tracker.fails("edit", "2", "--marker", "ca125", "--value", "3", "--unit", "ng/mL")
    assert "CA 125 is measured in" in refused.stderr and "'ng/mL'" in refused.stderr
    assert database_snapshot(tracker.db) == before
    tracker.ok("edit", "2", "--marker", "ca125", "--unit", "U/mL")
    rows = tracker.json("list")
    assert [(r["marker"], r["value"], r["unit"]) for r in rows] == [
        ("CA 15-3", 28.0, "U/mL"),
        ("CA 125", 3.0, "U/mL"),
    ]
    # A stored upper limit belongs to its marker: a change of unit asks for a new one.
    tracker.ok("add", "CEA", "2", "--date", "2026-01-07", "--ref-high", "5")
    refused = tracker.fails("edit", "3", "--marker", "CA15-3", "--value", "20")
    assert "give --ref-high" in refused.stderr
    tracker.ok("edit", "3", "--marker", "CA15-3", "--value", "20", "--ref-high", "30")
    assert tracker.json("list")[2]["ref_high"] == 30.0


def test_dates_before_the_birth_date_are_refused(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("patient", "add", "Ann", "--born", "1970-05-01")
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    before = database_snapshot(tracker.db)
    expected = "before Ann's birth date (1970-05-01)"
    assert expected in tracker.fails("add", "CEA", "3", "--date", "1969-12-31").stderr
    assert expected in tracker.fails("edit", "1", "--date", "1969-12-31").stderr
    assert expected in tracker.fails("event", "add", "surgery", "x", "--date", "1960-01-01").stderr
    assert expected in tracker.fails("event", "edit", "1", "--date", "1960-01-01").stderr
    csv_file = tmp_path / "old.csv"
    csv_file.write_text(
        "record,marker,value,drawn_on,kind,name\n"
        "reading,CEA,4,2025-01-01,,\n"
        "reading,CEA,4,1960-01-01,,\n"
        "event,,,1965-02-02,condition,smoking\n"
    )
    failed = tracker.fails("import", str(csv_file))
    assert failed.stderr.splitlines() == [
        "Error: nothing was imported: rows are dated before the patient's birth date",
        "  Ann: CEA reading of 1960-01-01 is before the birth date 1970-05-01",
        "  Ann: condition smoking from 1965-02-02 is before the birth date 1970-05-01",
    ]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2039-6"}]},
                    "valueQuantity": {"value": 3.0, "unit": "ng/mL"},
                    "effectiveDateTime": "1961-01-01",
                }
            }
        ],
    }
    fhir_file = tmp_path / "old.json"
    fhir_file.write_text(json.dumps(bundle))
    failed = tracker.fails("import", str(fhir_file))
    assert "before the birth date 1970-05-01" in failed.stderr
    assert database_snapshot(tracker.db) == before
