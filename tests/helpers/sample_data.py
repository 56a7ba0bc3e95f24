"""A small patient history (two readings, one event) for tests that need stored data."""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker


def add_sample_history(tracker: Tracker) -> None:
    """One patient: CEA and CA 15-3 on one day (one note a spreadsheet would run), a treatment."""
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab", "--note", "=1+1")
    tracker.ok("add", "ca153", "28", "--date", "2026-01-05")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
