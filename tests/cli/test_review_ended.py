"""``tracker review`` after a treatment change or a change of lab, and its order.

A new treatment line with a result of its own at the flag's lab ends the episode
(docs/clinical-rules.md, "Treatment lines"): the flag keeps its status ("not rechecked
before the treatment changed") but the worklist stops listing it — unless that result is
higher and inside the new line's flare window. A move to another lab ends nothing there.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Tracker

TODAY = "2026-11-30"


def _at_today(tracker: Tracker) -> Tracker:
    return Tracker(tracker.db, {**tracker.env, "TRACKER_TODAY": TODAY})


def _draws(tracker: Tracker, marker: str, draws: list[tuple[str, str]], lab: str) -> None:
    for day, value in draws:
        tracker.ok("add", marker, value, "--date", day, "--lab", lab)


def _listed(tracker: Tracker) -> list[tuple[str, str, str, float]]:
    document = tracker.json("review")
    return [
        (flag["marker"], flag["kind"], flag["status"], flag["value"])
        for patient in document["patients"]
        for flag in patient["flags"]
    ]


def _rise_flags(tracker: Tracker) -> list[tuple[str, str, Any, float]]:
    return [
        (flag["kind"], flag["status"], flag["status_detail"], flag["value"])
        for flag in tracker.json("trend")["flags"]
        if flag["kind"] not in ("above_reference", "lab_changed")
    ]


def test_a_rise_not_rechecked_before_the_treatment_changed_leaves_the_list(
    tracker: Tracker,
) -> None:
    """The clinician's repro: 47 on the morning fulvestrant started, then falling values."""
    tracker = _at_today(tracker)
    tracker.ok("event", "add", "treatment", "anastrozole", "--date", "2024-01-08")
    _draws(tracker, "CA15-3", [("2025-04-07", "35"), ("2025-07-07", "36")], "City Lab")
    _draws(tracker, "CA15-3", [("2025-10-06", "47")], "City Lab")
    tracker.ok("event", "add", "treatment", "fulvestrant", "--date", "2025-10-06")
    # The new line has no result yet: the last rise before the change is still open.
    assert _listed(tracker) == [("CA 15-3", "rise", "unconfirmed", 47.0)]
    assert tracker("review", "--exit-code").exit_code == 3

    later = [("2025-12-15", "44"), ("2026-03-16", "38"), ("2026-06-15", "36")]
    _draws(tracker, "CA15-3", [*later, ("2026-09-14", "37")], "City Lab")
    # The flag itself is unchanged: unconfirmed, not rechecked before the treatment changed.
    assert _rise_flags(tracker) == [
        ("rise", "unconfirmed", "not_rechecked_before_treatment_change", 47.0)
    ]
    assert _listed(tracker) == []
    assert tracker.ok("review").stdout.splitlines()[1:] == ["me  nothing open"]
    assert tracker("review", "--exit-code").exit_code == 0


def test_a_confirmed_rise_of_the_previous_line_leaves_the_list(tracker: Tracker) -> None:
    """Confirmed and still above its comparison value, but a new line has begun since."""
    tracker = _at_today(tracker)
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-06")
    old_line = [("2025-03-03", "40"), ("2025-05-05", "55"), ("2025-07-07", "60")]
    _draws(tracker, "CA15-3", old_line, "City Lab")
    assert _listed(tracker) == [("CA 15-3", "rise", "confirmed", 55.0)]
    tracker.ok("event", "add", "treatment", "fulvestrant", "--date", "2025-07-14")
    assert _listed(tracker) == [("CA 15-3", "rise", "confirmed", 55.0)]  # no new result yet

    # Day 56 and 147 of fulvestrant: still 45-48 % above the old line's 40, level within
    # the new line (its baseline is 60): nothing is raised, the old episode has ended.
    _draws(tracker, "CA15-3", [("2025-09-08", "58"), ("2025-12-08", "59")], "City Lab")
    assert _rise_flags(tracker) == [("rise", "confirmed", None, 55.0)]
    assert _listed(tracker) == []
    assert tracker("review", "--exit-code").exit_code == 0


def test_a_rise_not_rechecked_at_this_lab_stays_on_the_list(tracker: Tracker) -> None:
    """A move to another lab does not take a rise off the worklist: the new lab's result is
    not compared with it, so the rise is still what a nurse must see (docs/clinical-rules.md,
    "Statuses": a lab change ends the comparison, not the need for a repeat test)."""
    tracker = _at_today(tracker)
    _draws(tracker, "CEA", [("2025-01-06", "2.0"), ("2025-04-07", "6.0")], "City Lab")
    assert _listed(tracker) == [("CEA", "rise", "unconfirmed", 6.0)]
    _draws(tracker, "CEA", [("2025-07-07", "2.2")], "Hospital Lab")
    assert _rise_flags(tracker) == [("rise", "unconfirmed", "not_rechecked_at_this_lab", 6.0)]
    assert _listed(tracker) == [("CEA", "rise", "unconfirmed", 6.0)]
    assert tracker("review", "--exit-code").exit_code == 3
    # Back at City Lab, the comparison there resumes and confirms the rise.
    _draws(tracker, "CEA", [("2025-10-06", "6.5")], "City Lab")
    assert _listed(tracker) == [("CEA", "rise", "confirmed", 6.0)]


def test_a_confirmed_rise_at_a_lab_the_marker_left_stays_on_the_list(tracker: Tracker) -> None:
    tracker = _at_today(tracker)
    city = [("2025-01-06", "2.0"), ("2025-04-07", "6.0"), ("2025-07-07", "6.5")]
    _draws(tracker, "CEA", city, "City Lab")
    assert _listed(tracker) == [("CEA", "rise", "confirmed", 6.0)]
    _draws(tracker, "CEA", [("2025-10-06", "6.4")], "Hospital Lab")
    assert _listed(tracker) == [("CEA", "rise", "confirmed", 6.0)]


def test_above_the_limit_comes_before_within_the_usual_range_at_equal_status(
    tracker: Tracker,
) -> None:
    tracker = _at_today(tracker)
    # A confirmed CEA rise still within the usual range (limit 5 ng/mL), flagged on 2 Mar,
    # and a confirmed CA 15-3 rise above its limit (30 U/mL), flagged earlier, on 2 Feb.
    cea = [("2026-01-05", "2.0"), ("2026-03-02", "3.5"), ("2026-04-06", "3.8")]
    ca153 = [("2026-01-05", "20"), ("2026-02-02", "40"), ("2026-04-06", "42")]
    histories = {
        "Aaron": {"CEA": cea},
        "Mia": {"CEA": cea, "CA15-3": ca153},
        "Zoe": {"CA15-3": ca153},
    }
    for patient, markers in histories.items():
        tracker.ok("patient", "add", patient)
        for marker, draws in markers.items():
            for day, value in draws:
                tracker.ok("add", marker, value, "--date", day, patient=patient)

    document = tracker.json("review")
    order = [
        (entry["patient"], [(flag["marker"], flag["status"]) for flag in entry["flags"]])
        for entry in document["patients"]
    ]
    # Within a patient and between patients with as many confirmed rises: above the limit
    # first, although the name (Aaron) or the later flag (CEA, 2 Mar) came first before.
    assert order == [
        ("Mia", [("CA 15-3", "confirmed"), ("CEA", "confirmed")]),
        ("Zoe", [("CA 15-3", "confirmed")]),
        ("Aaron", [("CEA", "confirmed")]),
    ]
    lines = tracker.ok("review").stdout.splitlines()
    assert lines[1].startswith("Mia    CA 15-3 rise to 40 U/mL on 2 Feb 2026")
    assert "; CEA rise to 3.5 ng/mL on 2 Mar 2026" in lines[1]
    assert lines[2].startswith("Zoe    CA 15-3 rise to 40 U/mL on 2 Feb 2026")
    assert lines[3].startswith("Aaron  CEA rise to 3.5 ng/mL on 2 Mar 2026")
    assert "still within the usual range" in document["patients"][2]["flags"][0]["headline"]


def test_a_higher_result_in_the_new_lines_flare_window_keeps_the_rise_listed(
    tracker: Tracker,
) -> None:
    """36 -> 47 (+31 %, not rechecked), fulvestrant, then 58 on day 14: still listed."""
    tracker = _at_today(tracker)
    tracker.ok("event", "add", "treatment", "anastrozole", "--date", "2024-01-08")
    _draws(tracker, "CA15-3", [("2025-07-07", "36"), ("2025-10-06", "47")], "City Lab")
    tracker.ok("event", "add", "treatment", "fulvestrant", "--date", "2025-10-13")
    _draws(tracker, "CA15-3", [("2025-10-27", "58")], "City Lab")
    assert _listed(tracker) == [("CA 15-3", "rise", "unconfirmed", 47.0)]
    assert tracker("review", "--exit-code").exit_code == 3
    # A lower result, still inside the window, settles it.
    _draws(tracker, "CA15-3", [("2025-11-10", "41")], "City Lab")
    assert _listed(tracker) == []
