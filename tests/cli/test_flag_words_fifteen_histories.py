"""Wording the clinician's review of 15 histories found wrong, through the CLI.

Items 4 (a flat result after a flare called a fall), 9 (a rising run from "<x" in
percent), 11 (a headline naming the wrong comparison) and 12 (same-day labs, "Discuss"
after "No flags", verb agreement with logged names, a latest result over a year old).
Only words change: the flags and their statuses follow docs/clinical-rules.md.
"""

from __future__ import annotations

from tests.conftest import Tracker

PINNED = "2026-11-30"


def _text(tracker: Tracker, *args: str) -> str:
    return " ".join(tracker.ok(*args).stdout.split())


def _pinned(tracker: Tracker) -> Tracker:
    tracker.env["TRACKER_TODAY"] = PINNED
    return tracker


def _add(tracker: Tracker, marker: str, value: str, day: str, lab: str = "City Lab") -> None:
    tracker.ok("add", marker, value, "--date", day, "--lab", lab)


def test_a_flat_result_after_a_flare_is_stated_not_called_a_fall(tracker: Tracker) -> None:
    # The review's repro (item 4): 62, letrozole, 78 on day 21, then 77 and 77.
    _pinned(tracker)
    _add(tracker, "CA15-3", "62", "2025-02-26")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-03-03")
    for value, day in (("78", "2025-03-24"), ("77", "2025-04-28"), ("77", "2025-05-26")):
        _add(tracker, "CA15-3", value, day)
    verbose = _text(tracker, "trend", "-v")
    assert (
        "The first result after the flare window (77 U/mL on 28 Apr 2025) was 24% above the "
        "level before letrozole started (62 U/mL on 26 Feb 2025), under the 25% this tracker "
        "flags."
    ) in verbose
    assert "come back down" not in verbose and "as happens after a flare" not in verbose
    (flare,) = [f for f in tracker.json("trend")["flags"] if f["kind"] == "possible_flare"]
    assert flare["status"] == "not_confirmed"


def test_a_rising_run_from_below_the_range_is_worded_in_units(tracker: Tracker) -> None:
    # H6's CEA (item 9): <0.5, then 2.4, 4.1, 6.8.
    _pinned(tracker)
    for value, day in (("<0.5", "2025-10-06"), ("2.4", "2026-01-05"), ("4.1", "2026-04-06")):
        _add(tracker, "CEA", value, day)
    _add(tracker, "CEA", "6.8", "2026-07-06")
    trend = _text(tracker, "trend")
    assert (
        "Rising at 3 tests in a row since 6 Oct 2025: from below 0.5 to 6.8 ng/mL, a rise of "
        "at least 6.3 ng/mL"
    ) in trend
    assert "1260%" not in trend
    (series,) = tracker.json("trend")["series"]
    assert series["rising_run"] == {
        "increases": 3,
        "since": "2025-10-06",
        "change_pct": 1260.0,
        "from_qualifier": "<",
    }


def test_a_rise_over_the_lines_baseline_is_headed_as_the_full_text_names_it(
    tracker: Tracker,
) -> None:
    # H3's eribulin line (item 11): 53 drawn on the start day, 56, then 68 (+28 % over 53).
    _pinned(tracker)
    tracker.ok("event", "add", "treatment", "eribulin", "--date", "2025-09-01")
    for value, day in (("53", "2025-09-01"), ("56", "2025-10-27"), ("68", "2026-01-05")):
        _add(tracker, "CA15-3", value, day)
    trend = _text(tracker, "trend")
    assert (
        "rise from the lowest result: 53 -> 68 U/mL (+28%) since the level before eribulin "
        "started, on 1 Sep 2025"
    ) in trend
    assert "since the lowest result" not in trend
    (flag,) = [f for f in tracker.json("trend")["flags"] if f["kind"] == "rise_from_nadir"]
    assert "the level before eribulin started (53 U/mL on 1 Sep 2025)" in flag["message"]


def test_a_lab_of_the_same_day_is_another_lab(tracker: Tracker) -> None:
    # H5 (item 12): City Lab and Hospital Lab on the same morning.
    _pinned(tracker)
    _add(tracker, "CA15-3", "26", "2025-10-06")
    _add(tracker, "CA15-3", "26", "2026-01-19")
    _add(tracker, "CA15-3", "31", "2026-01-19", lab="Hospital Lab")
    lines = tracker.ok("trend").stdout.splitlines()
    headers = [line for line in lines if line.startswith("CA 15-3 (")]
    assert headers == [
        "CA 15-3 (Hospital Lab): 1 result",
        "CA 15-3 (City Lab, another lab): 2 results",
    ]


def test_no_flags_is_never_followed_by_discuss(tracker: Tracker) -> None:
    # H4 (item 12): the earlier lab raised nothing; the new lab's first result did.
    _pinned(tracker)
    for value, day in (("29", "2025-02-03"), ("31", "2025-05-05")):
        tracker.ok("add", "CA27.29", value, "--date", day, "--lab", "Quest", "--ref-high", "38")
    tracker.ok(
        "add", "CA27.29", "41", "--date", "2025-11-03", "--lab", "St Mary", "--ref-high", "45"
    )
    tracker.ok(
        "add", "CA27.29", "42", "--date", "2026-11-02", "--lab", "St Mary", "--ref-high", "45"
    )
    lines = tracker.ok("trend").stdout.splitlines()
    assert lines.count("  Discuss with your oncologist.") == 1
    assert lines[lines.index("  No flags") + 1] != "  Discuss with your oncologist."
    assert lines.index("  Discuss with your oncologist.") < lines.index(
        "CA 27.29 (Quest, another lab): 2 results"
    )


def test_a_plural_logged_name_needs_no_verb_to_agree(tracker: Tracker) -> None:
    # H11 (item 12): "Ovarian cysts is logged" read wrong.
    _pinned(tracker)
    tracker.ok("event", "add", "condition", "ovarian cysts", "--date", "2025-01-06")
    for value, day in (("19", "2025-04-07"), ("46", "2025-07-07")):
        _add(tracker, "CA125", value, day)
    trend = _text(tracker, "trend")
    assert "Ovarian cysts, logged for this person, can also raise CA 125." in trend
    assert " is logged" not in trend
    (rise,) = [f for f in tracker.json("trend")["flags"] if f["kind"] == "rise"]
    assert "Ovarian cysts, logged for this person, can raise CA 125." in rise["message"]


def test_a_latest_result_over_a_year_old_is_said_once(tracker: Tracker) -> None:
    # H9 (item 12): last drawn on 3 Nov 2025, trend on 30 Nov 2026.
    _pinned(tracker)
    for value, day in (("5.1", "2025-05-05"), ("5.3", "2025-11-03")):
        _add(tracker, "CEA", value, day)
    _add(tracker, "CEA", "5.2", "2025-08-04", lab="Hospital Lab")
    lines = tracker.ok("trend").stdout.splitlines()
    assert lines.count("  The latest result is more than 12 months old.") == 1
    latest = lines.index("  Latest: 5.3 ng/mL on 3 Nov 2025")
    assert lines[latest + 1] == "  The latest result is more than 12 months old."
    tracker.env["TRACKER_TODAY"] = "2026-11-03"  # exactly a year: not "more than"
    assert "months old" not in tracker.ok("trend").stdout
