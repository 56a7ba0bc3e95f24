"""Typing mistakes get a "did you mean …?", and common spellings are aliases (issue 15)."""

from __future__ import annotations

import pytest

from tests.helpers.cli_runs import Tracker


def test_a_near_miss_marker_gets_a_suggestion(tracker: Tracker) -> None:
    failed = tracker.fails("add", "CAE", "3.1")
    assert failed.stderr.startswith("Error: unknown marker 'CAE' (did you mean CEA?);")
    failed = tracker.fails("list", "--marker", "CA15-E")
    assert "(did you mean CA 15-3?)" in failed.stderr
    assert "did you mean" not in tracker.fails("add", "xyz", "3").stderr
    assert tracker.json("list") == []


def test_a_near_miss_unit_gets_a_suggestion(tracker: Tracker) -> None:
    failed = tracker.fails("add", "CEA", "3.1", "ng/dl")
    assert failed.stderr.startswith("Error: CEA is measured in")
    assert "got 'ng/dl' (did you mean ng/mL?)" in failed.stderr


@pytest.mark.parametrize("spelling", ["CA-15-3", "CA 15.3", "CA15.3", "ca-15.3"])
def test_ca_15_3_spellings_are_aliases(tracker: Tracker, spelling: str) -> None:
    tracker.ok("add", spelling, "28", "--date", "2026-01-05")
    assert tracker.json("list")[0]["marker"] == "CA 15-3"
