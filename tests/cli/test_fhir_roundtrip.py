"""FHIR export → import reproduces `list --json` and `event list --json` (ids aside), and
every exported Bundle is valid R4B for fhir.resources."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_ok
from tests.helpers.fhir_bundles import validated
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
    new_events=st.lists(events, max_size=5),
)
def test_fhir_export_then_import_reproduces_the_lists(
    tracker: Tracker, prefix: str, new_readings: list[Reading], new_events: list[Event]
) -> None:
    # One fresh patient per example: the database is shared by the examples.
    name = f"{prefix} {uuid.uuid4().hex[:8]}"
    store(tracker.db, name, new_readings, new_events)
    before = lists(tracker, name)
    exported = tracker.ok("export", "--format", "fhir", patient=name).stdout
    document = validated(exported)
    assert len(document["entry"]) == 1 + len(before[0]) + len(before[1])
    tracker.ok("patient", "delete", "--yes", "--", name)
    feed_ok(tracker, exported)
    assert lists(tracker, name) == before
    again = feed_ok(tracker, exported)
    assert again.stdout.startswith("Imported 0 readings and 0 events")
    # The same data gives the same Bundle, byte for byte.
    assert tracker.ok("export", "--format", "fhir", patient=name).stdout == exported


def test_all_patients_round_trip_into_an_empty_database(
    tracker: Tracker, empty_url: str, tmp_path: Path
) -> None:
    store(
        tracker.db,
        "Ann",
        [Reading("CEA", "", 0.0, None, date(2025, 1, 2), "City Lab", 5.0, "=SUM(A1)"),
         Reading("CA 15-3", "<", 0.5, None, date(2025, 1, 2), None, 30.0, "a,\n\"b\""),
         Reading("CEA", ">", 1000.0, None, date(2025, 2, 2), "-lab", None, " padded "),
         Reading("CA 27.29", "", 1e-05, None, date(2025, 2, 2), "Zoë ✓", 38.0, None)],
        [Event("treatment", "letrozole", date(2025, 1, 10), 30, "+1"),
         Event("symptom", "bone pain", date(2025, 1, 12), None, None),
         Event("other", "holiday", date(2025, 3, 1), 0, "line1\r\nline2")],
    )  # fmt: skip
    store(tracker.db, "Bea", [Reading("CA125", "", 12.25, None, date(2025, 3, 1), None, None,
                                      None)], [Event("surgery", "lumpectomy", date(2024, 5, 5),
                                                     None, None)])  # fmt: skip
    tracker.ok("patient", "add", "Cleo", "--born", "1970-07-07")  # no readings or events
    out = tmp_path / "all.json"
    tracker.ok("export", "--format", "fhir", "--all-patients", "--out", str(out))
    validated(out.read_text(encoding="utf-8"))
    target = Tracker(empty_url, tracker.env)
    result = target.ok("import", str(out))
    assert result.stdout.splitlines()[0] == (
        "Imported 5 readings (CEA 2, CA 15-3 1, CA 27.29 1, CA 125 1) and 4 events; "
        "created patients 'Ann', 'Bea', 'Cleo'."
    )
    for patient in ("Ann", "Bea", "Cleo"):
        assert lists(target, patient) == lists(tracker, patient)
    # Birth dates travel too (CSV does not carry them).
    assert target.ok("patient", "list").stdout == tracker.ok("patient", "list").stdout
    exported_again = target.ok("export", "--format", "fhir", "--all-patients").stdout_bytes
    assert exported_again == out.read_bytes()
