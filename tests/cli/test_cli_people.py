"""Patients and events through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot


def test_first_write_creates_me_and_patient_add_creates_only_the_named(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann Smith", "--born", "1961-04-02")
    assert tracker.ok("patient", "list").stdout.split("\n")[1].split() == [
        "Ann", "Smith", "1961-04-02", "0", "0"
    ]  # fmt: skip
    # The only patient is used without naming her.
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    assert [r["patient"] for r in tracker.json("list", patient="Ann Smith")] == ["Ann Smith"]
    assert [r["patient"] for r in tracker.json("list")] == ["Ann Smith"]


def test_several_patients_without_a_name_is_a_usage_error(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    tracker.ok("patient", "add", "Bea")
    result = tracker.fails("list", code=2)
    assert "several patients are stored (Bea, me)" in result.stderr
    assert tracker.json("list", patient="Bea") == []
    assert len(tracker.json("list", patient="me")) == 1


def test_unknown_patient_is_an_error_that_suggests_patient_add(tracker: Tracker) -> None:
    result = tracker.fails("add", "CEA", "1", patient="Zoe")
    assert result.stderr.strip() == (
        "Error: no patient named 'Zoe' (known: none yet); "
        'add one with `tracker patient add "Zoe"`'
    )
    assert database_snapshot(tracker.db)["patient"] == []


def test_rename_and_delete_patient(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    tracker.ok("event", "add", "condition", "smoking", "--date", "2026-01-01")
    tracker.ok("patient", "rename", "me", "Ann")
    assert tracker.json("list")[0]["patient"] == "Ann"
    tracker.ok("patient", "add", "Bea")
    clash = tracker.fails("patient", "rename", "Ann", " Bea ")
    assert "a patient named 'Bea' already exists" in clash.stderr
    tracker.ok("patient", "delete", "Bea", "--yes")
    refused = tracker.fails("patient", "delete", "Ann")
    assert "nothing was deleted: confirm with --yes" in refused.stderr
    done = tracker.ok("patient", "delete", "Ann", "--yes")
    assert done.stdout.strip() == "Deleted patient 'Ann' (1 readings, 1 events)"
    snapshot = database_snapshot(tracker.db)
    assert snapshot["reading"] == [] and snapshot["event"] == [] and snapshot["patient"] == []


def test_events_add_list_json_and_delete(tracker: Tracker) -> None:
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    tracker.ok("event", "add", "Supportive", "zoledronate", "--date", "2026-01-10")
    tracker.ok("event", "add", "symptom", "bone pain", "--date", "2026-02-01", "--note", "left hip")
    tracker.ok("event", "add", "condition", "smoking")
    events = tracker.json("event", "list")
    assert [list(e) for e in events] == [
        ["id", "patient", "kind", "name", "started_on", "ended_on", "note"]
    ] * 4
    assert [(e["kind"], e["name"], e["started_on"]) for e in events[:3]] == [
        ("treatment", "letrozole", "2026-01-10"),
        ("supportive", "zoledronate", "2026-01-10"),
        ("symptom", "bone pain", "2026-02-01"),
    ]
    assert events[2]["note"] == "left hip"
    duplicate = tracker.fails("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    assert "this event is already stored as #1" in duplicate.stderr
    tracker.ok("event", "delete", "2", "--yes")
    assert [e["id"] for e in tracker.json("event", "list")] == [1, 3, 4]
