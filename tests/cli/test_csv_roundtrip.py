"""Export → import reproduces `list --json` and `event list --json` exactly (ids aside)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_ok
from tests.helpers.roundtrip import (
    Event,
    Reading,
    empty_url,
    events,
    lists,
    patient_prefix,
    readings,
    store,
)

__all__ = ["empty_url"]  # a fixture, used by name below


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    prefix=patient_prefix,
    new_readings=st.lists(readings, max_size=12),
    new_events=st.lists(events, max_size=4),
)
def test_export_then_import_reproduces_the_lists(
    tracker: Tracker, prefix: str, new_readings: list[Reading], new_events: list[Event]
) -> None:
    # One fresh patient per example: the database is shared by the examples.
    name = f"{prefix} {uuid.uuid4().hex[:8]}"
    store(tracker.db, name, new_readings, new_events)
    before = lists(tracker, name)
    exported = tracker.ok("export", patient=name).stdout_bytes.decode()
    tracker.ok("patient", "delete", "--yes", "--", name)
    imported = feed_ok(tracker, exported)
    if before == ([], []):
        # CSV carries rows, not people: a patient without any leaves the header alone.
        assert imported.stdout.startswith("No rows to import")
        return
    assert lists(tracker, name) == before
    # And a second import of the same file adds nothing.
    again = feed_ok(tracker, exported)
    assert again.stdout.startswith("Imported 0 readings and 0 events")


def test_all_patients_round_trip_into_an_empty_database(
    tracker: Tracker, empty_url: str, tmp_path: Path
) -> None:
    store(
        tracker.db,
        "Ann",
        [Reading("CEA", "", 0.0, None, date(2025, 1, 2), "City Lab", 5.0, "=SUM(A1)"),
         Reading("CA 15-3", "<", 0.5, None, date(2025, 1, 2), None, None, "a,\n\"b\""),
         Reading("CEA", ">", 1000.0, None, date(2025, 2, 2), "-lab", None, "\tTab")],
        [Event("treatment", "letrozole", date(2025, 1, 10), 30, "+1")],
    )  # fmt: skip
    store(tracker.db, "@Bea", [Reading("CA125", "", 12.25, None, date(2025, 3, 1), None, None,
                                       "'quoted")], [])  # fmt: skip
    out = tmp_path / "all.csv"
    tracker.ok("export", "--all-patients", "--out", str(out))
    target = Tracker(empty_url, tracker.env)
    result = target.ok("import", str(out))
    assert result.stdout.splitlines()[0] == (
        "Imported 4 readings (CEA 2, CA 15-3 1, CA 125 1) and 1 event; "
        "created patients '@Bea', 'Ann'."
    )
    for patient in ("Ann", "@Bea"):
        assert lists(target, patient) == lists(tracker, patient)
    assert target.ok("export", "--all-patients").stdout_bytes == out.read_bytes()
