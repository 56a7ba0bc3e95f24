"""The fixes a clinician's review of issue 12 asked for, one named test each.

Day offsets count from 2026-01-05 (tests/unit/test_trend_cases.py). CA 15-3: threshold
25 % and 3 U/mL; CEA: 27.88 % and 0.5 ng/mL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from reports.legend import key_labels
from reports.wording import series_lines as series_report_lines
from tests.helpers.report_inputs import make_input as make_report_input
from tests.helpers.trend_cases import ca153, event, observed, reading
from tracker.catalogue.markers import MARKERS
from tracker.trend.engine import analyse, flags_for_reading, trend_document
from tracker.trend.headlines import flag_headline, lowest_label, rising_run_line
from tracker.trend.text_summary import trend_lines
from tracker.trend.treatment_lines import treatment_changes, treatment_key
from tracker.trend.types import (
    NOT_RECHECKED_AT_THIS_LAB,
    NOT_RECHECKED_BEFORE_TREATMENT_CHANGE,
    EventPoint,
    Flag,
    ReadingPoint,
    TrendResult,
)

PACLITAXEL_CYCLES = [
    event(1, "treatment", "paclitaxel", 0),
    event(2, "treatment", "Paclitaxel cycle 2", 21),
    event(3, "treatment", "paclitaxel C3", 42),
    event(4, "treatment", "Paclitaxel #4", 63),
    event(5, "treatment", "paclitaxel (cycle 5)", 84),
    event(6, "treatment", "Paclitaxel day 8", 91),
]


# -- 1. cycles logged one at a time under varied names ---------------------------------


def test_cycle_names_compare_as_one_treatment() -> None:
    names = [
        "paclitaxel",
        "Paclitaxel cycle 2",
        "paclitaxel C3",
        "Paclitaxel #4",
        "paclitaxel (cycle 5)",
        "Paclitaxel day 8",
        "PACLITÁXEL, 2nd dose",
        "paclitaxel infusion week 3",
        "paclitaxel round two",
    ]
    assert {treatment_key(name) for name in names[:-1]} == {"paclitaxel"}
    # "two" is not a cycle word here: only digits and ordinals are removed.
    assert treatment_key(names[-1]) == "paclitaxel two"
    # Names with digits inside a word stay themselves; a name of cycle words only is kept.
    assert treatment_key("T-DM1") == "t dm1"
    assert treatment_key("5-FU") == "5fu"
    assert treatment_key("cycle 2") == "cycle 2"
    assert treatment_key("eribulin") != treatment_key("paclitaxel")


def test_cycles_under_varied_names_start_no_new_line() -> None:
    changes = treatment_changes(PACLITAXEL_CYCLES, 42)
    assert [(change.first_start, change.names) for change in changes] == [
        (PACLITAXEL_CYCLES[0].started_on, ("paclitaxel",))
    ]


def test_a_rise_after_the_first_window_is_not_hidden_by_later_cycles() -> None:
    # Baseline 20 two days before the first dose; 21 on day 30 (inside the window, no
    # rise); 30 on day 70, after the window (day 42), is +42.9 % (+9) over 21: a rise.
    # Before the fix every cycle within the previous one's window joined the change up to
    # day 90, so day 70 was still "inside the window" (a possible flare), and "Paclitaxel
    # day 8" (day 91) opened a new line and window: 38 on day 98 a possible flare again.
    # It is a further rise over the flagged 30 (+26.7 %, +8).
    result = analyse(
        [ca153(1, -2, 20), ca153(2, 30, 21), ca153(3, 70, 30), ca153(4, 98, 38)],
        PACLITAXEL_CYCLES,
    )
    assert [flag for flag in observed(result) if flag[1] != "above_reference"] == [
        (3, "rise", "confirmed", 2, 42.9),
        (4, "further_rise", "unconfirmed", 3, 26.7),
    ]


# -- 2. the finer status in the headline, on the Flag and in the JSON ---------------------


def _rise(result: TrendResult, reading_id: int) -> Flag:
    [flag] = [
        flag
        for flag in flags_for_reading(result, reading_id)
        if flag.kind not in ("above_reference", "lab_changed", "check_entry")
    ]
    return flag


def test_a_rise_not_rechecked_before_the_treatment_changed() -> None:
    # 20 -> 26 (+30 %, +6) on day 30; eribulin starts on day 40, so 27 on day 50 belongs
    # to the new line and cannot decide the rise.
    result = analyse(
        [ca153(1, 0, 20), ca153(2, 30, 26), ca153(3, 50, 27)],
        [event(1, "treatment", "eribulin", 40)],
    )
    flag = _rise(result, 2)
    assert (flag.status, flag.status_note) == ("unconfirmed", NOT_RECHECKED_BEFORE_TREATMENT_CHANGE)
    # A rise still within the usual range says so first ("— still within …; status").
    assert flag_headline(flag).endswith(" not rechecked before the treatment changed")
    assert "ask whether a repeat test" not in flag_headline(flag)
    [document] = [
        item for item in trend_document("A", result)["flags"] if item["drawn_on"] == "2026-02-04"
    ]
    assert document["status_detail"] == "not_rechecked_before_treatment_change"


def test_a_rise_not_rechecked_at_this_lab() -> None:
    # City Lab 20 -> 26 (+30 %); the marker's later results come from Hospital Lab.
    result = analyse(
        [
            ca153(1, 0, 20, lab="City Lab"),
            ca153(2, 30, 26, lab="City Lab"),
            ca153(3, 60, 30, lab="Hospital Lab"),
        ],
        [],
    )
    flag = _rise(result, 2)
    assert flag.status_note == NOT_RECHECKED_AT_THIS_LAB
    assert flag_headline(flag).endswith(
        " not rechecked at this lab: later results came from another lab"
    )
    details = {item["status_detail"] for item in trend_document("A", result)["flags"]}
    assert details == {"not_rechecked_at_this_lab", None}


def test_a_flag_decided_by_its_next_result_has_no_status_note() -> None:
    result = analyse([ca153(1, 0, 20), ca153(2, 30, 26), ca153(3, 50, 27)], [])
    flag = _rise(result, 2)
    assert (flag.status, flag.status_note) == ("confirmed", None)


# -- 3. a possible flare's status says what happened after the window -----------------


LETROZOLE = event(1, "treatment", "letrozole", 0)


@pytest.mark.parametrize(
    ("after", "status"),
    [
        # 4.0 on day 60 is +100 % over the baseline 2.0: still up after the window.
        ([reading(3, 60, 4.0)], "still up after the flare window (see the next flag)"),
        # 2.1 on day 60 is +5 %: back down.
        ([reading(3, 60, 2.1)], "fell back after the flare window"),
        # No result after the window (day 42 = 16 Feb 2026) yet.
        ([], "inside the flare window: a test after day 42 (16 Feb 2026) tells more"),
    ],
)
def test_a_possible_flare_says_what_happened_after_the_window(
    after: list[ReadingPoint], status: str
) -> None:
    result = analyse([reading(1, -3, 2.0), reading(2, 20, 3.0), *after], [LETROZOLE])
    flag = _rise(result, 2)
    assert flag.kind == "possible_flare"
    headline = flag_headline(flag)
    assert headline.endswith(f" {status}")
    assert "confirmed:" not in headline


def test_after_the_flare_window_is_said_once() -> None:
    result = analyse([reading(1, -3, 2.0), reading(2, 20, 3.0), reading(3, 60, 4.0)], [LETROZOLE])
    flag = _rise(result, 3)
    assert flag.kind == "rise_after_flare_window"
    assert flag_headline(flag).count("after the flare window") == 1


# -- 7. a rising run from "<x" is a lower bound -----------------------------------------


def test_a_rising_run_from_below_the_range_says_at_least() -> None:
    # <0.5, 1.0, 2.0, 3.1 ng/mL: three increases; 3.1 over 0.5 is +520 %, and more, since
    # the first value was below 0.5.
    result = analyse(
        [
            reading(1, 0, 0.5, qualifier="<"),
            reading(2, 30, 1.0),
            reading(3, 60, 2.0),
            reading(4, 90, 3.1),
        ],
        [],
    )
    [summary] = result.series
    assert summary.rising_run is not None
    # Worded in units, as a rise from "<x" is (the clinician's review, item 9): a
    # percentage of a value below the measurable range ("at least +520%") means nothing.
    assert rising_run_line(summary.rising_run) == (
        "Rising at 3 tests in a row since 5 Jan 2026: from below 0.5 to 3.1 ng/mL, a rise of "
        "at least 2.6 ng/mL"
    )
    assert "%" not in rising_run_line(summary.rising_run)
    run = trend_document("me", result)["series"][0]["rising_run"]
    assert run == {
        "increases": 3,
        "since": "2026-01-05",
        "change_pct": 520.0,
        "from_qualifier": "<",
    }
    # Measured values on both ends: no "at least".
    plain = analyse([reading(1, 0, 0.5), reading(2, 30, 1.0), reading(3, 60, 2.0)], [])
    [summary] = plain.series
    assert summary.rising_run is not None
    assert "at least" not in rising_run_line(summary.rising_run)
    assert trend_document("me", plain)["series"][0]["rising_run"]["from_qualifier"] is None


# -- 4. the reading named is the one compared with -------------------------------------


def test_a_flare_settled_by_a_later_result_names_that_result_by_date() -> None:
    # CA 27.29 80 the day before paclitaxel (2026-03-03); 110 and 140 inside the window;
    # 105 on 5 May, the first after the window, is still coming down from 140 (above its
    # settling floor, before day 90): it decides nothing. 84 on 2 Jun (day 91) decides:
    # +5 % over 80, back down.
    def ca2729(reading_id: int, drawn_on: str, value: float) -> ReadingPoint:
        return ReadingPoint(reading_id, "CA27.29", value, None, date.fromisoformat(drawn_on), None)

    result = analyse(
        [
            ca2729(1, "2026-03-02", 80),
            ca2729(2, "2026-03-17", 110),
            ca2729(3, "2026-04-07", 140),
            ca2729(4, "2026-05-05", 105),
            ca2729(5, "2026-06-02", 84),
        ],
        [EventPoint(1, "treatment", "paclitaxel", date(2026, 3, 3))],
    )
    flare = _rise(result, 2)
    assert (flare.kind, flare.status) == ("possible_flare", "not_confirmed")
    assert "The first result after the flare window" not in flare.message
    # 84 is 24 % under the flagged 110, more than CA 27.29's usual fall (-16.9 %): back down.
    assert (
        "The result of 2 Jun 2026 (84 U/mL), after the level had settled, had come back "
        "down from 110 U/mL: it was 5% above the level before paclitaxel started (80 U/mL on "
        "2 Mar 2026), under the 25% this tracker flags." in flare.message
    )


ALTERNATING_LABS = [
    ReadingPoint(1, "CEA", 2.5, None, date(2026, 1, 12), "City Lab"),
    ReadingPoint(2, "CEA", 2.6, None, date(2026, 2, 9), "City Lab"),
    ReadingPoint(3, "CEA", 3.8, None, date(2026, 3, 9), "Hospital Lab"),
    ReadingPoint(4, "CEA", 3.9, None, date(2026, 4, 6), "Hospital Lab"),
    ReadingPoint(5, "CEA", 3.4, None, date(2026, 5, 4), "city lab"),
    ReadingPoint(6, "CEA", 3.5, None, date(2026, 6, 1), "Hospital Lab"),
]


def test_the_previous_result_names_its_lab_when_another_lab_came_between() -> None:
    # "city lab" 3.4 over City Lab's 2.6 (+30.8 %, +0.8): a rise; Hospital Lab came between.
    result = analyse(ALTERNATING_LABS, [])
    flag = _rise(result, 5)
    assert flag.previous_draw_elsewhere
    assert "since the previous City Lab result on 9 Feb 2026 \u2014" in flag_headline(flag)
    # Without another lab in between, "the previous result" needs no lab.
    plain = analyse([*ALTERNATING_LABS[:2], replace(ALTERNATING_LABS[4], id=3)], [])
    assert "since the previous result on 9 Feb 2026" in flag_headline(_rise(plain, 3))


def test_a_return_to_a_lab_with_history_is_compared_with_its_results() -> None:
    result = analyse(ALTERNATING_LABS, [])
    returned = [flag for flag in flags_for_reading(result, 5) if flag.kind == "lab_changed"]
    assert len(returned) == 1
    headline = flag_headline(returned[0])
    assert "two results from this lab set a new baseline" not in headline
    assert headline.endswith(
        "compared only with this lab's earlier results (most recently 9 Feb 2026)"
    )
    # The first switch to Hospital Lab has no history there: a new baseline is needed.
    [first] = [flag for flag in flags_for_reading(result, 3) if flag.kind == "lab_changed"]
    assert flag_headline(first).endswith("two results from this lab set a new baseline")


# -- 5. same-day replicates at the nadir or the latest draw ----------------------------


def test_a_nadir_draw_with_several_readings_shows_them_all_without_a_percentage() -> None:
    # 2 Mar 2026: 3.0 and 4.1 ng/mL (one draw; it counts as 4.1 when earlier); the latest
    # draw, 3.9 and 5.6, counts as 3.9 when later. "4.1 (latest -5%)" would read as if 3.0
    # had never been recorded.
    readings = [
        ReadingPoint(1, "CEA", 3.0, None, date(2026, 3, 2), "City Lab"),
        ReadingPoint(2, "CEA", 4.1, None, date(2026, 3, 2), "City Lab"),
        ReadingPoint(3, "CEA", 5.6, None, date(2026, 4, 6), "City Lab"),
        ReadingPoint(4, "CEA", 3.9, None, date(2026, 4, 6), "City Lab"),
    ]
    result = analyse(readings, [])
    [summary] = result.series
    assert [r.value for r in summary.nadir_draw] == [3.0, 4.1]
    assert [r.value for r in summary.latest_draw] == [3.9, 5.6]
    lines = [text for text, _wrap in trend_lines("me", result)]
    assert "  Latest: 3.9 and 5.6 ng/mL on 6 Apr 2026, one draw" in lines
    assert "  Lowest recorded: 3 and 4.1 ng/mL on 2 Mar 2026, one draw" in lines
    assert not any("%)" in line for line in lines if line.startswith("  Lowest"))
    report = series_report_lines(make_report_input(readings), summary, name_lab=False)
    assert "Lowest recorded (nadir): 3 and 4.1 ng/mL on 2 Mar 2026, one draw." in report


# -- 6. the current treatment line named from the engine -------------------------------


def test_the_summary_names_the_current_line_as_the_engine_sees_it() -> None:
    # Letrozole on 12 Jan 2026, palbociclib ten days later (one change), zoledronate as
    # supportive care and "letrozole cycle 2" (a cycle) start nothing.
    events = [
        EventPoint(1, "treatment", "letrozole", date(2026, 1, 12)),
        EventPoint(2, "treatment", "palbociclib", date(2026, 1, 22)),
        EventPoint(3, "supportive", "zoledronate", date(2026, 2, 1)),
        EventPoint(4, "treatment", "letrozole cycle 2", date(2026, 2, 9)),
    ]
    before = ReadingPoint(1, "CEA", 3.0, None, date(2026, 1, 10), None)
    later = [
        ReadingPoint(2, "CEA", 2.5, None, date(2026, 3, 9), None),
        ReadingPoint(3, "CEA", 2.7, None, date(2026, 4, 6), None),
    ]
    [summary] = analyse([before, *later], events).series
    assert (summary.line_start, summary.line_treatments) == (
        date(2026, 1, 12),
        ("letrozole", "palbociclib"),
    )
    assert lowest_label(summary) == ("lowest since letrozole and palbociclib began on 12 Jan 2026")
    # The baseline is the nadir: "just before".
    [summary] = analyse(
        [ReadingPoint(1, "CEA", 2.0, None, date(2026, 1, 10), None), *later], events
    ).series
    assert lowest_label(summary) == (
        "lowest since just before letrozole and palbociclib began (12 Jan 2026)"
    )
    # No treatment logged: the lowest of all results.
    [summary] = analyse([before, *later], events[2:3]).series
    assert (summary.line_start, summary.line_treatments) == (None, ())
    assert lowest_label(summary) == "lowest recorded"


def test_the_chart_legend_names_the_nadir_by_the_data() -> None:
    readings = [ReadingPoint(1, "CEA", 3.0, None, date(2026, 1, 10), None)]
    readings.append(ReadingPoint(2, "CEA", 2.5, None, date(2026, 3, 9), None))
    untreated = key_labels(make_report_input(readings), MARKERS["CEA"])
    assert "nadir: lowest of all results" in untreated
    assert not any("treatment began" in label for label in untreated)
    letrozole = [EventPoint(1, "treatment", "letrozole", date(2026, 1, 12))]
    treated = key_labels(make_report_input(readings, letrozole), MARKERS["CEA"])
    assert "nadir: lowest of the current treatment line" in treated


# -- 8. one date style in every message ------------------------------------------------

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_flag_messages_and_headlines_write_dates_one_way() -> None:
    # Flares, a later start, a rise from below the range, a check_entry, a lab change,
    # a further rise and a rise after the window: every kind of sentence with a date.
    readings = [
        reading(1, -3, 0.5, qualifier="<"),
        reading(2, 20, 1.2),
        reading(3, 60, 2.4),
        reading(4, 90, 3.4),
        reading(5, 90, 4.9),
        reading(6, 120, 6.0, lab="Hospital Lab"),
    ]
    events = [
        event(1, "treatment", "letrozole", 0),
        event(2, "treatment", "palbociclib", 10),
        event(3, "condition", "smoker", -400),
    ]
    result = analyse([*readings, *ALTERNATING_LABS_CA153], events)
    kinds = {flag.kind for flag in result.flags}
    assert {"possible_flare", "check_entry", "lab_changed", "rise"} <= kinds
    for flag in result.flags:
        assert not ISO_DATE.search(flag.message), flag.message
        assert not ISO_DATE.search(flag_headline(flag)), flag_headline(flag)
    lines = [text for text, _wrap in trend_lines("me", result, verbose=True)]
    assert not [line for line in lines if ISO_DATE.search(line)]


ALTERNATING_LABS_CA153 = [
    replace(point, id=100 + point.id, marker="CA15-3", value=point.value * 10)
    for point in ALTERNATING_LABS
]
