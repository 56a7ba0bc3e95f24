"""``tracker due``: intervals, due dates and the overdue exit code, with fixed dates."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker.config import location_from
from tracker.errors import ValidationError
from tracker.services.due import due_items
from tracker.services.due_intervals import Interval, parse_every, parse_interval, update_intervals
from tracker.services.patients import add_patient, find_patient
from tracker.services.readings import ReadingFields, add_reading
from tracker.store.database import open_database


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("90d", date(2026, 1, 5), date(2026, 4, 5)),
        ("6W", date(2026, 1, 5), date(2026, 2, 16)),
        ("3m", date(2026, 1, 5), date(2026, 4, 5)),
        ("1m", date(2026, 1, 31), date(2026, 2, 28)),
        ("1m", date(2024, 1, 31), date(2024, 2, 29)),
        ("13m", date(2025, 12, 15), date(2027, 1, 15)),
        ("1y", date(2024, 2, 29), date(2025, 2, 28)),
        (" 2 y ", date(2026, 3, 1), date(2028, 3, 1)),
    ],
)
def test_intervals_follow_the_calendar(text: str, start: date, expected: date) -> None:
    assert parse_interval(text).after(start) == expected


@pytest.mark.parametrize("text", ["3", "m", "3x", "0d", "-3m", "6y", "61m", "1.5m", ""])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_interval(text)


def test_every_names_a_marker_and_an_interval() -> None:
    marker, interval = parse_every("CA 15-3=6w")
    assert (marker.code, interval) == ("CA15-3", Interval(6, "w"))
    assert parse_every("cea=OFF")[1] is None
    with pytest.raises(ValidationError, match="MARKER=INTERVAL"):
        parse_every("CEA")
    with pytest.raises(ValidationError, match="unknown marker 'PSA'"):
        parse_every("PSA=3m")


def test_due_items_with_an_injected_today(tmp_path: Path) -> None:
    database = open_database(location_from(str(tmp_path / "due.db")))
    draws = [("CEA", date(2026, 1, 5)), ("CEA", date(2026, 3, 2)),
             ("CA 15-3", date(2026, 4, 1)), ("CA 27.29", date(2026, 2, 1))]  # fmt: skip
    try:
        with database.writing() as session:
            ann = add_patient(session, "Ann")
            add_patient(session, "Bea")
            for marker, day in draws:
                add_reading(session, ann, ReadingFields(marker, "3", None, day), today=day)
            update_intervals(session, ("CEA=3m", "CA15-3=2m", "CA125=1y"), clear=False)
        with database.reading() as session:
            ann_items = due_items(session, find_patient(session, "Ann"), today=date(2026, 6, 1))
            bea_items = due_items(session, find_patient(session, "Bea"), today=date(2026, 6, 1))
    finally:
        database.dispose()
    assert [
        (i.marker.name, i.last_drawn_on, i.next_due, i.days_until_due, i.status, i.status_text)
        for i in ann_items
    ] == [
        ("CEA", date(2026, 3, 2), date(2026, 6, 2), 1, "upcoming", "due in 1 day"),
        ("CA 15-3", date(2026, 4, 1), date(2026, 6, 1), 0, "due", "due today"),
        ("CA 27.29", date(2026, 2, 1), None, None, "no_interval", "no interval set"),
        ("CA 125", None, None, None, "no_reading", "no reading yet"),
    ]  # fmt: skip
    # Another person's readings do not count: intervals are shared, readings are not.
    assert [(i.marker.name, i.status) for i in bea_items] == [
        ("CEA", "no_reading"), ("CA 15-3", "no_reading"), ("CA 125", "no_reading")
    ]  # fmt: skip


def _due(tracker: Tracker, *args: str, today: str = "2026-06-01", code: int = 0) -> str:
    env = {**tracker.env, "TRACKER_TODAY": today}
    result = Tracker(tracker.db, env)("due", *args)
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    return result.stdout


def test_due_table_and_settings_through_the_cli(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("add", "CA15-3", "28", "--date", "2026-05-20")
    assert _due(tracker).splitlines() == [
        "Marker   Last reading  Every  Next due  Status",
        "CEA      2026-01-05    -      -         no interval set",
        "CA 15-3  2026-05-20    -      -         no interval set",
        "No test intervals are set, so nothing is called overdue.",
        "Set one with e.g.: tracker due --every CEA=3m",
    ]
    # Nothing is overdue before the user sets an interval, even with --exit-code.
    _due(tracker, "--exit-code")

    assert _due(tracker, "--every", "CEA=3m", "--every", "CA 15-3=6w").splitlines() == [
        "CEA: a test every 3 months.",
        "CA 15-3: a test every 6 weeks.",
        "Marker   Last reading  Every     Next due    Status",
        "CEA      2026-01-05    3 months  2026-04-05  overdue by 57 days",
        "CA 15-3  2026-05-20    6 weeks   2026-07-01  due in 30 days",
    ]
    # The intervals were stored: a later run without --every uses them.
    assert "overdue by 58 days" in _due(tracker, today="2026-06-02")
    _due(tracker, "--exit-code", code=3)
    _due(tracker, "--exit-code", today="2026-04-05")  # due today is not overdue

    assert _due(tracker, "--every", "CEA=off").splitlines()[0] == (
        "CEA: no interval (never called overdue)."
    )
    _due(tracker, "--exit-code")
    cleared = _due(tracker, "--clear", "--every", "CA125=1y").splitlines()
    assert cleared[:2] == ["Removed all test intervals.", "CA 125: a test every 1 year."]
    assert cleared[-1] == "CA 125   -             1 year  -         no reading yet"
    assert "CA 15-3  2026-05-20    -       -         no interval set" in cleared


def test_due_json_document(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "<0.5", "--date", "2026-01-05")
    env = {**tracker.env, "TRACKER_TODAY": "2026-06-01"}
    result = Tracker(tracker.db, env)("due", "--every", "CEA=90d", "--json")
    assert result.exit_code == 0, result.output
    markers = [
        {"marker": "CEA", "last_drawn_on": "2026-01-05", "interval": "90d",
         "next_due": "2026-04-05", "days_until_due": -57, "status": "overdue"}
    ]  # fmt: skip
    assert json.loads(result.stdout) == {
        "patient": "me",
        "today": "2026-06-01",
        "overdue": True,
        "markers": markers,
        "patients": [{"patient": "me", "overdue": True, "markers": markers}],
    }


def test_due_on_an_empty_database(tracker: Tracker) -> None:
    assert _due(tracker).splitlines()[0] == "No readings yet."
    assert tracker.json("due") == {
        "patient": None,
        "today": date.today().isoformat(),
        "overdue": False,
        "markers": [],
        "patients": [],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "CEA=3x"], "Error: interval '3x' is not like 6w, 3m, 90d or 1y"),
        (["--every", "CEA=2m", "--every", "PSA=3m"], "Error: unknown marker 'PSA'"),
        (["--every", "CEA"], "Error: --every 'CEA' must look like MARKER=INTERVAL"),
        (["--clear", "--every", "CEA=0d"], "Error: interval '0d' must be between 1 day and"),
    ],
)
def test_bad_settings_change_nothing(tracker: Tracker, args: list[str], message: str) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05")
    tracker.ok("due", "--every", "CA15-3=3m")
    before = database_snapshot(tracker.db)
    result = tracker.fails("due", *args)
    assert result.stderr.startswith(message)
    assert database_snapshot(tracker.db) == before


def test_due_with_real_today_and_a_bad_pinned_date(tracker: Tracker) -> None:
    drawn = (date.today() - timedelta(days=100)).isoformat()
    tracker.ok("add", "CEA", "3", "--date", drawn)
    result = tracker("due", "--every", "CEA=90d", "--exit-code")
    assert result.exit_code == 3, result.output
    assert result.stdout.splitlines()[-1].endswith("overdue by 10 days")
    bad = Tracker(tracker.db, {**tracker.env, "TRACKER_TODAY": "June"}).fails("due")
    assert bad.stderr == "Error: TRACKER_TODAY='June' is not a date like 2026-05-04\n"


def test_due_covers_every_patient_and_a_patient_can_have_their_own(tracker: Tracker) -> None:
    """Intervals apply to everyone unless --patient sets that person's own (docs/design.md)."""
    tracker.ok("patient", "add", "Ann")
    tracker.ok("patient", "add", "Bea")
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05", patient="Ann")
    tracker.ok("add", "CEA", "3", "--date", "2026-04-20", patient="Bea")
    pinned = Tracker(tracker.db, {**tracker.env, "TRACKER_TODAY": "2026-06-01"})
    # Without --patient: stored for everyone, and every patient is shown.
    out = pinned.ok("due", "--every", "CEA=3m").stdout.splitlines()
    assert out == [
        "CEA: a test every 3 months.",
        "Ann:",
        "  Marker  Last reading  Every     Next due    Status",
        "  CEA     2026-01-05    3 months  2026-04-05  overdue by 57 days",
        "Bea:",
        "  Marker  Last reading  Every     Next due    Status",
        "  CEA     2026-04-20    3 months  2026-07-20  due in 49 days",
    ]
    assert pinned("due", "--exit-code").exit_code == 3
    # Bea's own interval: only hers changes.
    own = pinned.ok("due", "--every", "CEA=1m", patient="Bea").stdout.splitlines()
    assert own[0] == "CEA: a test every 1 month for Bea."
    assert own[-1] == "CEA     2026-04-20    1 month  2026-05-20  overdue by 12 days"
    document = pinned.json("due")
    assert document["patient"] is None and document["markers"] == []
    shown = [
        (p["patient"], p["overdue"], p["markers"][0]["interval"]) for p in document["patients"]
    ]
    assert shown == [("Ann", True, "3m"), ("Bea", True, "1m")]
    # Off for Ann only; everyone's interval still applies to Bea's neighbours.
    pinned.ok("due", "--every", "CEA=off", patient="Ann")
    assert pinned("due", "--exit-code", patient="Ann").exit_code == 0
    assert pinned.json("due", patient="Ann")["markers"][0]["interval"] is None
    # --clear with --patient removes only that person's own: everyone's applies again.
    cleared = pinned.ok("due", "--clear", patient="Bea").stdout.splitlines()
    assert cleared[0] == "Removed Bea's own test intervals; everyone's apply."
    assert cleared[-1] == "CEA     2026-04-20    3 months  2026-07-20  due in 49 days"
    assert pinned.json("due", patient="Bea")["markers"][0]["interval"] == "3m"
    # The review worklist uses the same intervals.
    review = pinned.json("review")
    assert [(p["patient"], [o["marker"] for o in p["overdue"]]) for p in review["patients"]] == [
        ("Ann", []), ("Bea", [])
    ]  # fmt: skip


def test_due_for_a_named_patient_who_does_not_exist_changes_nothing(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    before = database_snapshot(tracker.db)
    result = tracker.fails("due", "--every", "CEA=3m", patient="Zed")
    assert result.stderr.startswith("Error: no patient named 'Zed'")
    assert database_snapshot(tracker.db) == before


def test_deleting_a_patient_forgets_their_own_intervals(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    tracker.ok("patient", "add", "Bea")
    tracker.ok("due", "--every", "CEA=1m", patient="Bea")
    tracker.ok("patient", "delete", "Bea", "--yes")
    settings = database_snapshot(tracker.db)["setting"]
    assert [row for row in settings if str(row[0]).startswith("due.")] == []
