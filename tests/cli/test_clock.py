"""One "today" for every command and library call: ``tracker.clock`` (TRACKER_TODAY pins it)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker as Cli
from tests.helpers.paths import ROOT
from tracker import Tracker

PINNED = "2020-03-10"


def _pinned(tracker: Cli) -> Cli:
    return Cli(tracker.db, {**tracker.env, "TRACKER_TODAY": PINNED})


def test_add_and_event_add_take_today_from_tracker_today(tracker: Cli) -> None:
    pinned = _pinned(tracker)
    pinned.ok("add", "CEA", "3.1", "--date", "today")
    pinned.ok("add", "CEA", "3.4", "--date", "yesterday")
    pinned.ok("event", "add", "treatment", "letrozole")
    rows = pinned.json("list")
    assert sorted(row["drawn_on"] for row in rows) == ["2020-03-09", "2020-03-10"]
    late = pinned.fails("add", "CEA", "3.2", "--date", "2020-03-11")
    assert late.stderr == ("Error: date '2020-03-11' is in the future (today is 2020-03-10)\n")
    assert PINNED in pinned.ok("event", "list").stdout


def test_the_library_takes_today_from_tracker_today(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", PINNED)
    t = Tracker.open(db_url)
    logged = t.add_reading("CEA", "3.1", drawn_on="today")
    assert [reading.drawn_on for reading in logged.readings] == [date(2020, 3, 10)]
    event = t.add_event("treatment", "letrozole")
    assert event.started_on == date(2020, 3, 10)


def test_no_module_asks_the_system_clock_for_today_but_tracker_clock() -> None:
    asking = [
        str(path.relative_to(ROOT))
        for folder in ("tracker", "reports")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if re.search(r"\bdate\.today\(\)", path.read_text(encoding="utf-8"))
    ]
    assert asking == [str(Path("tracker/clock.py"))]
