"""Human ``trend`` is printed marker by marker as the history is read (issue 17): its
output is exactly the reference summary (``trend_lines`` over the whole ``TrendResult``),
also when a series' flag lines outgrow the in-memory spool and go to a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Tracker
from tests.helpers.flag_heavy import PATIENT, write_flag_heavy_csv
from tracker.cli import trend_text
from tracker.cli.trend_text import echo_lines
from tracker.config import location_from
from tracker.services.events import event_points, list_events
from tracker.services.patients import resolve_patient
from tracker.services.readings import list_readings, reading_points
from tracker.store.database import open_database
from tracker.trend.engine import analyse
from tracker.trend.text_summary import trend_lines


def _history(tracker: Tracker, tmp_path: Path) -> None:
    """Three labs turning day by day, replicates, a lab not recorded, a treatment line,
    supportive care logged as a treatment and a logged condition."""
    source = write_flag_heavy_csv(tmp_path / "history.csv", 1_200, replicates=2)
    tracker.ok("import", str(source))
    tracker.ok("add", "CEA", "9.5", "--date", "2025-12-31", patient=PATIENT)
    for kind, name, day in (
        ("treatment", "letrozole", "2025-11-20"),
        ("treatment", "zoledronic acid", "2025-12-10"),
        ("condition", "smoking", "2025-10-01"),
    ):
        tracker.ok("event", "add", kind, name, "--date", day, patient=PATIENT)


def _reference(tracker: Tracker, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The summary as built from the whole history in memory (``analyse``)."""
    database = open_database(location_from(tracker.db))
    try:
        with database.reading() as session:
            patient = resolve_patient(session, PATIENT, create_default=False)
            assert patient is not None
            readings = reading_points(list_readings(session, patient))
            events = event_points(list_events(session, patient))
    finally:
        database.dispose()
    result = analyse(readings, events)
    capsys.readouterr()
    echo_lines(trend_lines(PATIENT, result, events=events, verbose="-v" in args))
    return capsys.readouterr().out


@pytest.mark.parametrize("spool_bytes", [trend_text.SPOOL_BYTES, 64])
@pytest.mark.parametrize("args", [(), ("-v",)])
def test_the_streamed_summary_is_the_reference_summary(
    tracker: Tracker,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spool_bytes: int,
    args: tuple[str, ...],
) -> None:
    _history(tracker, tmp_path)
    monkeypatch.setattr(trend_text, "SPOOL_BYTES", spool_bytes)
    printed = tracker.ok("trend", *args, patient=PATIENT).stdout
    assert printed == _reference(tracker, capsys, *args)
    assert printed.count(", another lab") == 9  # all groups but the latest: 3 + 2 + 2 + 2
    assert "\nCEA (lab not recorded): 1 result\n" in printed
    assert "Zoledronic acid is logged as a treatment" in printed
    assert printed.count("\n  - ") > 400


def test_one_marker_and_no_readings(tracker: Tracker, tmp_path: Path) -> None:
    _history(tracker, tmp_path)
    one = tracker.ok("trend", "--marker", "CA 125", patient=PATIENT).stdout
    assert one.startswith(f"Trend for {PATIENT}\n\nZoledronic acid is logged")
    assert "CEA" not in one and "CA 125 (" in one
    tracker.ok("patient", "add", "Empty")
    assert tracker.ok("trend", patient="Empty").stdout == (
        "No readings yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD\n"
    )
    assert tracker.ok("trend", "--marker", "CEA", patient="Empty").stdout == (
        "No CEA readings yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD\n"
    )
