"""`add` shows flags, `trend` summarises, `settings` keeps the trend defaults."""

from __future__ import annotations

import sqlalchemy

from tests.helpers.cli_runs import Tracker
from tracker.config import location_from

SERIES_KEYS = ["marker", "lab", "unit", "count", "latest", "nadir", "upper_limit",
               "threshold_pct", "rising_run", "doubling_time_days"]  # fmt: skip
FLAG_KEYS = ["marker", "lab", "kind", "status", "drawn_on", "value", "qualifier", "unit",
             "compared_to",
             "change_pct", "threshold_pct", "message", "benign_causes",
             "logged_conditions", "status_detail"]  # fmt: skip


def _ca153_series(tracker: Tracker) -> None:
    tracker.ok("add", "CA15-3", "24", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("add", "CA15-3", "26", "--date", "2026-03-30", "--lab", "City Lab")


def test_add_prints_the_flags_of_the_new_reading(tracker: Tracker) -> None:
    _ca153_series(tracker)
    quiet = tracker.ok("add", "CEA", "2", "--date", "2026-03-30")
    assert quiet.stdout.strip() == "Added #3: CEA 2 ng/mL on 2026-03-30"
    out = tracker.ok("add", "CA15-3", "41", "--date", "2026-05-04", "--lab", "City Lab").stdout
    lines = out.splitlines()
    assert lines[0] == "Added #4: CA 15-3 41 U/mL on 2026-05-04 (City Lab)"
    text = " ".join(line.strip() for line in lines[1:])
    assert "CA 15-3 rise: 26 -> 41 U/mL (+58%) since the previous result on 30 Mar 2026" in text
    assert "CA 15-3 above the upper reference limit: 41 U/mL on 4 May 2026" in text
    assert "kidney impairment" in text
    assert text.endswith("Discuss with your oncologist.")
    assert all(line.startswith("  ") for line in lines[1:])
    # Two flags on one result: the causes and the advice are said once.
    assert text.count("Benign conditions that can also raise CA 15-3") == 1
    assert text.count("Discuss with your oncologist.") == 1


def test_trend_json_follows_the_contract(tracker: Tracker) -> None:
    _ca153_series(tracker)
    tracker.ok("event", "add", "condition", "hepatitis", "--date", "2025-12-01")
    tracker.ok("add", "CA15-3", "41", "--date", "2026-05-04", "--lab", "City Lab")
    document = tracker.json("trend")
    assert list(document) == ["patient", "series", "flags"]
    assert document["patient"] == "me"
    [series] = document["series"]
    assert list(series) == SERIES_KEYS
    assert series["marker"] == "CA 15-3" and series["lab"] == "City Lab"
    assert series["count"] == 3 and series["unit"] == "U/mL"
    assert series["latest"] == {"drawn_on": "2026-05-04", "value": 41.0, "qualifier": None}
    assert series["nadir"] == {"drawn_on": "2026-01-05", "value": 24.0, "qualifier": None}
    assert series["upper_limit"] == 30.0 and series["threshold_pct"] == 25.0
    kinds = [(f["kind"], f["status"]) for f in document["flags"]]
    assert kinds == [("rise", "unconfirmed"), ("above_reference", "info")]
    rise = document["flags"][0]
    assert list(rise) == FLAG_KEYS
    assert rise["compared_to"] == {"drawn_on": "2026-03-30", "value": 26.0, "qualifier": None}
    assert rise["change_pct"] == 57.7
    assert rise["logged_conditions"] == ["hepatitis"]
    assert "chronic liver disease (cirrhosis, hepatitis)" in rise["benign_causes"]


def test_trend_text_and_marker_filter(tracker: Tracker) -> None:
    assert "No readings yet" in tracker.ok("trend").stdout
    assert tracker.json("trend") == {"patient": None, "series": [], "flags": []}
    _ca153_series(tracker)
    tracker.ok("add", "CEA", "2", "--date", "2026-03-30")
    out = tracker.ok("trend").stdout
    assert out.startswith("Trend for me\n")
    assert "CA 15-3 (City Lab): 2 results" in out
    assert "CEA (lab not recorded): 1 result" in out
    assert [s["marker"] for s in tracker.json("trend", "--marker", "cea")["series"]] == ["CEA"]
    assert tracker.ok("trend", "--marker", "ca125").stdout.startswith("No CA 125 readings yet.")


def test_settings_persist_and_change_the_flags(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2.0", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "2.6", "--date", "2026-02-05")  # +30%, above 27.9%
    assert [f["kind"] for f in tracker.json("trend")["flags"]] == ["rise"]
    # For one run: a larger analytical CV raises the threshold above 30%.
    assert tracker.json("trend", "--cva", "CEA=12")["flags"] == []
    # Persisted: a higher floor (0.7 ng/mL) silences the 0.6 ng/mL rise from now on.
    shown = tracker.ok("settings", "--floor", "CEA=0.7").stdout
    assert "CEA: analytical CV 5% (default), rise floor 0.7 ng/mL (changed)" in shown
    assert tracker.json("trend")["flags"] == []
    tracker.ok("settings", "--reset")
    assert [f["kind"] for f in tracker.json("trend")["flags"]] == ["rise"]


def test_bad_settings_are_refused(tracker: Tracker) -> None:
    message = tracker.fails("settings", "--flare-window", "91").stderr
    assert message.strip() == "Error: flare window 91 days is outside 0 to 90 days"
    assert "must look like MARKER=NUMBER" in tracker.fails("trend", "--cva", "6").stderr
    assert "unknown marker 'PSA'" in tracker.fails("settings", "--floor", "PSA=1").stderr
    assert "(default)" in tracker.ok("settings").stdout.splitlines()[1]


def test_a_rise_from_a_vanishingly_small_value_is_worded_without_a_percentage(
    tracker: Tracker,
) -> None:
    # `add` refuses values below 0.000001 (tests/unit/test_units_parser.py); one can still be
    # stored by another program, and the wording must survive it.
    tracker.ok("add", "CEA", "0.5", "--date", "2026-01-05")
    engine = sqlalchemy.create_engine(location_from(tracker.db).url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE reading SET value = 5e-324 WHERE id = 1"))
    engine.dispose()
    out = tracker.ok("add", "CEA", "1", "--date", "2026-02-05").stdout
    assert out.splitlines()[0] == "Added #2: CEA 1 ng/mL on 2026-02-05"
    [flag] = tracker.json("trend")["flags"]
    assert flag["kind"] == "rise" and flag["change_pct"] is None
    assert flag["message"].endswith("Discuss with your oncologist.")
