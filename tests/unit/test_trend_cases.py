"""Named clinical cases for the trend rules (docs/clinical-rules.md, rise-type flags, episodes).

Each case lists the exact flags it must raise: (reading id, kind, status, id of the
reading compared with, change in % rounded to 0.1). The expected numbers are worked out
by hand in the comments, never by calling the engine. Thresholds used below:
CEA max(25 %, RCV up 27.88 %) = 27.88 %, floor 0.5 ng/mL; CA 15-3 25 %, floor 3 U/mL;
CA 125 a named 50 %, floor 5 U/mL.
"""

from __future__ import annotations

import math

import pytest

from tests.helpers.trend_cases import Case, ca125, ca153, event, observed, reading
from tracker.errors import ValidationError
from tracker.trend.engine import analyse, flags_for_reading, trend_document, validate_settings
from tracker.trend.types import TrendSettings

CASES = [
    # 3.2/3.0 = +6.7 %, 2.9 -> 3.1 = +6.9 %, nothing near 27.9 %.
    Case(
        "stable",
        [reading(1, 0, 3.0), reading(2, 30, 3.2), reading(3, 60, 2.9), reading(4, 90, 3.1)],
        [],
    ),
    # 2.0 -> 3.0: +50 %, +1.0 >= 0.5: rise; 3.1 is +55 % over 2.0: confirmed; 3.1 over
    # the flagged 3.0 is +3.3 %: no new step.
    Case(
        "confirmed rise",
        [reading(1, 0, 2.0), reading(2, 30, 3.0), reading(3, 60, 3.1)],
        [(2, "rise", "confirmed", 1, 50.0)],
    ),
    # The issue's example: 26 -> 41 U/mL = +57.69 %; 41 > 30 crosses the upper limit.
    Case(
        "unconfirmed spike",
        [ca153(1, 0, 26), ca153(2, 11, 41)],
        [(2, "rise", "unconfirmed", 1, 57.7), (2, "above_reference", "info", 1, 57.7)],
    ),
    # 20 -> 28: +40 %, +8: rise; 21 is +5 % over 20: not confirmed.
    Case(
        "spike that falls back",
        [ca153(1, 0, 20), ca153(2, 30, 28), ca153(3, 60, 21)],
        [(2, "rise", "not_confirmed", 1, 40.0)],
    ),
    # Steps of +10 %, +9.1 %, +8.3 %; after 3 increases 2.6 is +30 % (+0.6) over 2.0.
    Case(
        "slow creep",
        [reading(1, 0, 2.0), reading(2, 30, 2.2), reading(3, 60, 2.4), reading(4, 90, 2.6)],
        [(4, "steady_rise", "unconfirmed", 1, 30.0)],
    ),
    # Treatment on day 0; nadir 3.0; 4.0 is +25 % over 3.2 (no rise), +33.3 % (+1.0)
    # over the nadir; 4.1 is +36.7 % over 3.0: confirmed.
    Case(
        "rise from nadir after treatment",
        [
            reading(1, 0, 8.0),
            reading(2, 60, 4.0),
            reading(3, 90, 3.0),
            reading(4, 120, 3.2),
            reading(5, 150, 4.0),
            reading(6, 180, 4.1),
        ],
        [(1, "above_reference", "info", None, None), (5, "rise_from_nadir", "confirmed", 3, 33.3)],
        events=[event(1, "treatment", "capecitabine", 0)],
        nadir_id=3,
    ),
    # Drawn on the start day itself (day 0 of the window): +50 %.
    Case(
        "flare window day 0",
        [reading(1, 0, 2.0), reading(2, 10, 3.0)],
        [(2, "rise", "unconfirmed", 1, 50.0)],
        events=[event(1, "treatment", "letrozole", 10)],
    ),
    Case(
        "flare window day 42",
        [reading(1, 0, 2.0), reading(2, 42, 3.0)],
        [(2, "possible_flare", "unconfirmed", 1, 50.0)],
        events=[event(1, "treatment", "letrozole", 0)],
    ),
    Case(
        "flare window day 43 is outside",
        [reading(1, 0, 2.0), reading(2, 43, 3.0)],
        [(2, "rise", "unconfirmed", 1, 50.0)],
        events=[event(1, "treatment", "letrozole", 0)],
    ),
    Case(
        "flare window of 60 days from the settings",
        [reading(1, 0, 2.0), reading(2, 50, 3.0)],
        [(2, "possible_flare", "unconfirmed", 1, 50.0)],
        events=[event(1, "treatment", "letrozole", 0)],
        settings=TrendSettings(flare_window_days=60),
    ),
    # Zoledronate is supportive care: no line, no flare window.
    Case(
        "supportive event starts no line",
        [reading(1, 0, 2.0), reading(2, 10, 3.0)],
        [(2, "rise", "unconfirmed", 1, 50.0)],
        events=[event(1, "supportive", "zoledronate", 5), event(2, "symptom", "bone pain", 5)],
    ),
    # A draw on the start day belongs to the old line and is the new line's baseline:
    # 4.0 on day 30 is +100 % over 2.0 (flare, day 0); 3.0 is +50 % over 2.0: confirmed.
    # The current line's nadir is min(baseline 4.0, 3.0) = reading 3, not reading 1.
    Case(
        "draw on the start day is the baseline",
        [reading(1, 0, 2.0), reading(2, 30, 4.0), reading(3, 90, 3.0)],
        [(2, "rise", "unconfirmed", 1, 100.0)],
        events=[event(1, "treatment", "paclitaxel", 30)],
        nadir_id=3,
    ),
    # 3.0 (A) -> 6.0 (B) is not compared; B's first result crosses 5.0; back to lab A
    # (spelt differently), 3.2 is compared with 3.0 (+6.7 %).
    Case(
        "lab change",
        [
            reading(1, 0, 3.0, lab="Lab A"),
            reading(2, 30, 6.0, lab="Lab B"),
            reading(3, 60, 3.2, lab="  lab   a "),
        ],
        [
            (2, "lab_changed", "info", None, None),
            (2, "above_reference", "info", None, None),
            (3, "lab_changed", "info", None, None),
        ],
    ),
    Case(
        "lab change from no lab recorded",
        [reading(1, 0, 3.0), reading(2, 30, 3.1, lab="Lab A")],
        [(2, "lab_changed", "info", None, None)],
    ),
    # <0.5 compares as 0.5: 0.9 is +80 % but only +0.4 (< floor 0.5); 1.1 over 0.9 is
    # +22 %; over the nadir <0.5: +120 %, +0.6.
    Case(
        "below detection",
        [
            reading(1, 0, 0.5, qualifier="<"),
            reading(2, 30, 0.9),
            reading(3, 60, 1.1),
        ],
        [(3, "rise_from_nadir", "unconfirmed", 1, 120.0)],
    ),
    # <1.0 is at most 1.0 and can be anything lower: never a rise.
    Case(
        "below detection is never a rise",
        [reading(1, 0, 0.2), reading(2, 30, 1.0, qualifier="<")],
        [],
    ),
    # >1000 is at least 1000: +150 % over 400; the next >1000 is also at least +150 %.
    Case(
        "above the measurable range",
        [ca125(1, 0, 400), ca125(2, 30, 1000, qualifier=">"), ca125(3, 60, 1000, qualifier=">")],
        [(1, "above_reference", "info", None, None), (2, "rise", "confirmed", 1, 150.0)],
    ),
    # Nothing is certainly a rise over >1000.
    Case(
        "no rise over an above-range result",
        [ca125(1, 0, 1000, qualifier=">"), ca125(2, 30, 2000)],
        [(1, "above_reference", "info", None, None)],
    ),
    # The lab's ref_high (25) wins over 30; 25 itself is not above; 26 over 22 is +18.2 %.
    Case(
        "crossing the lab's upper limit",
        [
            ca153(1, 0, 25, ref_high=25),
            ca153(2, 30, 22, ref_high=25),
            ca153(3, 60, 26, ref_high=25),
            ca153(4, 90, 27, ref_high=25),
        ],
        [(3, "above_reference", "info", 2, 18.2)],
    ),
    Case(
        "smoker with a CEA rise",
        [reading(1, 0, 3.0), reading(2, 30, 4.5)],
        [(2, "rise", "unconfirmed", 1, 50.0)],
        events=[
            event(1, "condition", "smoking", -400),
            event(2, "condition", "Hepatitis", -300),
            event(3, "condition", "endometriosis", -200),
        ],
    ),
    # Line 1 (day 0): nadir 2.0. Line 2 (day 120): baseline 2.4, nadir 2.2; 2.9 is
    # +16 % over 2.5 and +31.8 % (+0.7) over the line's nadir 2.2 (not over 2.0).
    Case(
        "multiple treatment lines",
        [
            reading(1, 0, 10.0),
            reading(2, 60, 2.0),
            reading(3, 100, 2.4),
            reading(4, 170, 2.2),
            reading(5, 210, 2.5),
            reading(6, 250, 2.9),
        ],
        [
            (1, "above_reference", "info", None, None),
            (6, "rise_from_nadir", "unconfirmed", 4, 31.8),
        ],
        events=[event(1, "treatment", "letrozole", 0), event(2, "treatment", "capecitabine", 120)],
        nadir_id=4,
    ),
    # The window follows the latest treatment start (day 20 of capecitabine), not the first.
    Case(
        "flare after the second treatment start",
        [reading(1, 100, 3.0), reading(2, 220, 4.5)],
        [],
        events=[event(1, "treatment", "letrozole", 0), event(2, "treatment", "capecitabine", 200)],
    ),
    Case("single reading", [reading(1, 0, 3.0)], [], nadir_id=1),
    # Same date: entry order (id) decides, whatever order the list has.
    Case(
        "identical dates ordered by id",
        [reading(5, 0, 3.0), reading(4, 0, 2.0)],
        [(5, "check_entry", "info", 4, 50.0)],
    ),
    # 20 -> 26 (+30 %): rise; 27 stays >= 25 % over 20 and confirms it; 34 is a new step
    # over the flagged 26 (+30.8 %, +8) and crosses 30 (+25.9 % over 27); 35 is +34.6 %
    # over 26 and confirms the new step.
    Case(
        "one episode, one flag, then a new step",
        [ca153(1, 0, 20), ca153(2, 30, 26), ca153(3, 60, 27), ca153(4, 90, 34), ca153(5, 120, 35)],
        [
            (2, "rise", "confirmed", 1, 30.0),
            (4, "further_rise", "confirmed", 2, 30.8),
            (4, "above_reference", "info", 3, 25.9),
        ],
    ),
    # 26 is +30 % over 20; 22 is only +10 % over 20: not confirmed, the episode ends.
    # 30 is +36.4 % (+8) over 22: a new rise, confirmed by 31 (+40.9 % over 22); 31 also
    # crosses 30 (+3.3 % over 30).
    Case(
        "a new episode after a fall back",
        [
            ca153(1, 0, 21),
            ca153(2, 30, 20),
            ca153(3, 60, 26),
            ca153(4, 90, 22),
            ca153(5, 120, 30),
            ca153(6, 150, 31),
        ],
        [
            (3, "rise", "not_confirmed", 2, 30.0),
            (5, "rise", "confirmed", 4, 36.4),
            (6, "above_reference", "info", 5, 3.3),
        ],
    ),
    # v2: CA 125 uses a named 50 %: 20 -> 30 is exactly +50 %; 29.9 is +49.5 %.
    Case(
        "CA 125 uses a named 50 %",
        [ca125(1, 0, 20), ca125(2, 30, 30)],
        [(2, "rise", "unconfirmed", 1, 50.0)],
    ),
    Case("CA 125 just under 50 %", [ca125(1, 0, 20), ca125(2, 30, 29.9)], []),
    # +200 % but only +0.4 ng/mL; CA 15-3 +62.5 % but only +2.5 U/mL.
    Case("floor blocks a big % rise at tiny values", [reading(1, 0, 0.2), reading(2, 30, 0.6)], []),
    Case("CA 15-3 floor", [ca153(1, 0, 4), ca153(2, 30, 6.5)], []),
    Case(
        "a lower floor from the settings",
        [reading(1, 0, 0.2), reading(2, 30, 0.6)],
        [(2, "rise", "unconfirmed", 1, 200.0)],
        settings=TrendSettings(rise_floor={"CEA": 0.3}),
    ),
    # +10 % every 30 days; after 3 increases 2.662 is +33.1 % (+0.662) over 2.0.
    Case(
        "doubling time series",
        [reading(1, 0, 2.0), reading(2, 30, 2.2), reading(3, 60, 2.42), reading(4, 90, 2.662)],
        [(4, "steady_rise", "unconfirmed", 1, 33.1)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_clinical_case(case: Case) -> None:
    result = analyse(case.readings, case.events, case.settings)
    assert observed(result) == case.expected
    if case.nadir_id is not None:
        assert [summary.nadir.id for summary in result.series] == [case.nadir_id]
    for flag in result.flags:
        assert flag.message.endswith("Discuss with your oncologist.")
        # Only a possible flare talks about the flare window.
        assert ("(a flare)" in flag.message) == (flag.kind == "possible_flare")


def test_there_are_at_least_22_cases() -> None:
    assert len(CASES) >= 22
    assert len({case.name for case in CASES}) == len(CASES)


def test_issue_example_message() -> None:
    result = analyse([ca153(1, 0, 26), ca153(2, 11, 41)], [])
    (rise,) = [flag for flag in result.flags if flag.kind == "rise"]
    assert rise.message == (
        "CA 15-3 is 41 U/mL on 16 Jan 2026, 58% above the previous result (26 U/mL on "
        "5 Jan 2026), an increase of 15 U/mL, and above the usual upper limit (30 U/mL). "
        "Two CA 15-3 tests of the same person usually differ by up to about 20.4%; this "
        "tracker flags a rise of 25% or more that is also at least 3 U/mL. A single higher "
        "result is often rechecked before anything is concluded; ask whether a repeat test "
        "is needed. Benign conditions that "
        "can also raise CA 15-3: chronic liver disease (cirrhosis, hepatitis), vitamin B12 "
        "(megaloblastic) anaemia, interstitial lung disease, kidney impairment. Discuss with "
        "your oncologist."
    )
    assert rise.benign_causes == [
        "chronic liver disease (cirrhosis, hepatitis)",
        "vitamin B12 (megaloblastic) anaemia",
        "interstitial lung disease",
        "kidney impairment",
    ]
    assert rise.logged_conditions == []
    assert rise.threshold_pct == 25.0


def test_smoker_is_named_in_the_flag() -> None:
    events = [
        event(1, "condition", "smoking", -400),
        event(2, "condition", "Hepatitis", -300),
        event(3, "condition", "endometriosis", -200),
        event(4, "symptom", "smoker", -100),
    ]
    result = analyse([reading(1, 0, 3.0), reading(2, 30, 4.5)], events)
    (rise,) = result.flags
    assert rise.logged_conditions == ["smoking", "Hepatitis"]
    assert "Smoking, logged for this person, can raise CEA." in rise.message
    assert "Hepatitis, logged for this person, can raise CEA." in rise.message
    assert rise.benign_causes[0] == "cigarette smoking"
    assert len(rise.benign_causes) == 10


def test_smoker_synonym_matches() -> None:
    events = [event(1, "condition", "Smoker", -10), event(2, "condition", "tobacco.", -5)]
    result = analyse([reading(1, 0, 3.0), reading(2, 30, 4.5)], events)
    assert result.flags[0].logged_conditions == ["Smoker", "tobacco."]
    # Smoking does not raise CA 15-3: nothing is named there.
    result = analyse([ca153(1, 0, 20), ca153(2, 30, 28)], events)
    assert result.flags[0].logged_conditions == []


def test_lab_change_messages() -> None:
    result = analyse([reading(7, 0, 3.0), reading(8, 30, 3.1, lab=" Lab  A")], [])
    (flag,) = result.flags
    assert flag.lab == "Lab A"
    assert flag.benign_causes == [] and flag.logged_conditions == []
    assert flag.compared_to is None and flag.change_pct is None and flag.threshold_pct is None
    assert "Two results from Lab A are needed as a new baseline" in flag.message
    assert 'tracker edit 7 --lab "Lab A"' in flag.message
    assert flag.message.endswith("Discuss with your oncologist.")


def test_lab_groups_are_separate_series() -> None:
    readings = [
        reading(1, 0, 3.0, lab="Lab A"),
        reading(2, 30, 6.0, lab="Lab B"),
        reading(3, 60, 3.2, lab="  lab   a "),
        reading(4, 90, 3.3),
        ca153(5, 0, 20),
    ]
    result = analyse(readings, [])
    assert [(s.marker, s.lab, s.count) for s in result.series] == [
        ("CEA", None, 1),
        ("CEA", "lab a", 2),
        ("CEA", "Lab B", 1),
        ("CA15-3", None, 1),
    ]


def test_nadir_wording_names_the_treatment_line() -> None:
    readings = [
        reading(1, 0, 10.0),
        reading(2, 60, 2.0),
        reading(3, 100, 2.4),
        reading(4, 170, 2.2),
        reading(5, 210, 2.5),
        reading(6, 250, 2.9),
    ]
    events = [event(1, "treatment", "letrozole", 0), event(2, "treatment", "capecitabine", 120)]
    flag = analyse(readings, events).flags[-1]
    # Day 120 after 2026-01-05 is 2026-05-05; 2.9 over 2.2 is +31.8 %, shown as 32%.
    assert flag.message.startswith(
        "CEA is 2.9 ng/mL on 12 Sep 2026, 32% above the lowest since capecitabine began on "
        "5 May 2026 (2.2 ng/mL on 24 Jun 2026), an increase of 0.7 ng/mL; 2.9 ng/mL is still "
        "within the usual range (at or below the usual upper limit of 5 ng/mL)."
    )


def test_lab_change_names_each_reading_lab_as_written() -> None:
    readings = [reading(1, 0, 3.0, lab="Lab A"), reading(2, 30, 6.0, lab="Lab B")]
    readings.append(reading(3, 60, 3.2, lab="  lab   a "))
    first, _, second = analyse(readings, []).flags
    assert first.message.startswith(
        "This CEA result (6 ng/mL on 4 Feb 2026) is from Lab B; the previous CEA result "
        "(3 ng/mL on 5 Jan 2026) is from Lab A."
    )
    assert "compared only with earlier results from lab a (most recently 3 ng/mL on " in (
        second.message
    )


def test_rise_from_zero_has_no_percentage() -> None:
    (flag,) = analyse([reading(1, 0, 0.0), reading(2, 30, 0.8)], []).flags
    assert (flag.kind, flag.change_pct) == ("rise", None)
    assert "0.8 ng/mL on 4 Feb 2026, above the previous result (0 ng/mL on 5 Jan 2026)" in (
        flag.message
    )


def test_qualified_nadir_wording() -> None:
    readings = [reading(1, 0, 0.5, qualifier="<"), reading(2, 30, 0.9), reading(3, 60, 1.1)]
    (flag,) = analyse(readings, []).flags
    # v2: a change from below the measurable range is worded in units, not percent.
    assert (
        "CEA went from below 0.5 ng/mL (the lowest recorded, on 5 Jan 2026) to 1.1 ng/mL on "
        "6 Mar 2026, a rise of at least 0.6 ng/mL; 1.1 ng/mL is still within the usual range"
    ) in flag.message


def test_above_reference_within_usual_variation() -> None:
    readings = [ca153(1, 0, 22, ref_high=25), ca153(2, 30, 26, ref_high=25)]
    (flag,) = analyse(readings, []).flags
    assert "this lab's upper limit (25 U/mL)" in flag.message
    assert "within the usual variation between tests" in flag.message


def test_flare_message_advises_a_recheck_after_the_window() -> None:
    events = [event(1, "treatment", "letrozole", 0)]
    (flag,) = analyse([reading(1, 0, 2.0), reading(2, 42, 3.0)], events).flags
    assert "42 days after letrozole started on 5 Jan 2026" in flag.message
    # Day 43 after 2026-01-05 is 2026-02-17.
    assert "A recheck after that window, from 17 Feb 2026" in flag.message


def test_status_wording() -> None:
    confirmed = analyse([reading(1, 0, 2.0), reading(2, 30, 3.0), reading(3, 60, 3.1)], [])
    assert "The next result (3.1 ng/mL on 6 Mar 2026) was also 55% above 2 ng/mL" in (
        confirmed.flags[0].message
    )
    falls_back = analyse([ca153(1, 0, 20), ca153(2, 30, 28), ca153(3, 60, 21)], [])
    assert "was not that far above 20 U/mL" in falls_back.flags[0].message


def test_doubling_time() -> None:
    # ln(value) rises by ln 1.1 every 30 days: doubling = 30 * ln 2 / ln 1.1 = 218.18 days.
    expected = 30 * math.log(2) / math.log(1.1)
    four = [reading(1, 0, 2.0), reading(2, 30, 2.2), reading(3, 60, 2.42), reading(4, 90, 2.662)]
    (summary,) = analyse(four, []).series
    assert summary.doubling_time_days == pytest.approx(expected, rel=1e-9)
    # v2: three rising readings are enough only when their total reaches the threshold
    # and floor: 2.2 -> 2.662 is +21 %, noise, so no pace is given.
    (summary,) = analyse(four[1:], []).series
    assert summary.doubling_time_days is None and summary.rising_run is None
    # 2.0 -> 2.3 -> 2.645 (+15 % a step, +32.25 % and +0.645 in all): a real rise.
    three = [reading(1, 0, 2.0), reading(2, 30, 2.3), reading(3, 60, 2.645)]
    (summary,) = analyse(three, []).series
    expected = 30 * math.log(2) / math.log(1.15)
    assert summary.doubling_time_days == pytest.approx(expected, rel=1e-9)
    (summary,) = analyse([*four, reading(5, 120, 2.5)], []).series
    assert summary.doubling_time_days is None
    (summary,) = analyse(four[:2], []).series
    assert summary.doubling_time_days is None


def test_nadir_of_a_line_started_after_the_latest_draw_is_its_baseline() -> None:
    readings = [reading(1, 0, 2.0), reading(2, 30, 3.0)]
    (summary,) = analyse(readings, [event(1, "treatment", "letrozole", 30)]).series
    assert summary.nadir.id == 2
    # Started between the draws: the baseline (2.0) is lower than the later 3.0.
    (summary,) = analyse(readings, [event(1, "treatment", "letrozole", 20)]).series
    assert summary.nadir.id == 1
    (summary,) = analyse(readings, []).series
    assert summary.nadir.id == 1


def test_flags_for_reading() -> None:
    result = analyse([ca153(1, 0, 26), ca153(2, 11, 41)], [])
    assert [flag.kind for flag in flags_for_reading(result, 2)] == ["rise", "above_reference"]
    assert flags_for_reading(result, 1) == []


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (TrendSettings(flare_window_days=91), "flare window"),
        (TrendSettings(flare_window_days=-1), "flare window"),
        (TrendSettings(flare_window_days=True), "flare window"),
        (TrendSettings(analytical_cv_pct={"CEA": -1.0}), "analytical CV of CEA"),
        (TrendSettings(analytical_cv_pct={"CEA": math.nan}), "analytical CV of CEA"),
        (TrendSettings(analytical_cv_pct={"PSA": 5.0}), "unknown marker code 'PSA'"),
        (TrendSettings(rise_floor={"CA15-3": -0.1}), "rise floor of CA 15-3"),
        (TrendSettings(rise_floor={"CA125": math.inf}), "rise floor of CA 125"),
    ],
)
def test_invalid_settings_are_refused(settings: TrendSettings, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        validate_settings(settings)
    with pytest.raises(ValidationError, match=words):
        analyse([reading(1, 0, 3.0)], [], settings)


def test_edge_settings_are_accepted() -> None:
    validate_settings(TrendSettings(flare_window_days=0))
    validate_settings(TrendSettings(flare_window_days=90))
    validate_settings(TrendSettings(analytical_cv_pct={"CEA": 0.0}, rise_floor={"CEA": 0.0}))


def test_unknown_marker_in_readings_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown marker code 'PSA'"):
        analyse([reading(1, 0, 3.0, "PSA")], [])


def test_empty_input() -> None:
    result = analyse([], [])
    assert result.series == [] and result.flags == []
    assert trend_document("me", result) == {"patient": "me", "series": [], "flags": []}


# --- the trend --json document, key by key against the CLI contract --------------------

SERIES_KEYS = [
    "marker",
    "lab",
    "unit",
    "count",
    "latest",
    "nadir",
    "upper_limit",
    "threshold_pct",
    "rising_run",
    "doubling_time_days",
]
FLAG_KEYS = [
    "marker",
    "lab",
    "kind",
    "status",
    "drawn_on",
    "value",
    "qualifier",
    "unit",
    "compared_to",
    "change_pct",
    "threshold_pct",
    "message",
    "benign_causes",
    "logged_conditions",
    "status_detail",
]
KINDS = {
    "rise",
    "rise_from_nadir",
    "steady_rise",
    "above_reference",
    "possible_flare",
    "lab_changed",
    "further_rise",
    "rise_after_flare_window",
    "check_entry",
}
STATUSES = {"confirmed", "unconfirmed", "not_confirmed", "info"}


def test_trend_document_matches_the_contract() -> None:
    readings = [
        reading(1, 0, 2.0, lab="City Lab"),
        reading(2, 30, 2.2, lab="City Lab"),
        reading(3, 60, 2.42, lab="City Lab"),
        reading(4, 90, 6.3, lab="City Lab"),
        ca153(5, 0, 20),
    ]
    events = [event(1, "condition", "smoking", -30)]
    document = trend_document("me", analyse(readings, events))
    assert list(document) == ["patient", "series", "flags"]
    assert document["patient"] == "me"

    cea, ca = document["series"]
    for summary in (cea, ca):
        assert list(summary) == SERIES_KEYS
        assert list(summary["latest"]) == ["drawn_on", "value", "qualifier"]
        assert list(summary["nadir"]) == ["drawn_on", "value", "qualifier"]
    assert cea["marker"] == "CEA" and ca["marker"] == "CA 15-3"
    assert cea["lab"] == "City Lab" and ca["lab"] is None
    assert cea["unit"] == "ng/mL" and ca["unit"] == "U/mL"
    assert cea["count"] == 4 and ca["count"] == 1
    assert cea["latest"] == {"drawn_on": "2026-04-05", "value": 6.3, "qualifier": None}
    assert cea["nadir"] == {"drawn_on": "2026-01-05", "value": 2.0, "qualifier": None}
    assert cea["upper_limit"] == 5.0 and ca["upper_limit"] == 30.0
    # RCV up for CEA with CVA 5 %: exp(1.65 * sqrt(2) * sigma) - 1 = 27.88 % -> 27.9.
    assert cea["threshold_pct"] == 27.9 and ca["threshold_pct"] == 25.0
    cvi, cva = 0.093, 0.05
    sigma = math.sqrt(math.log(cva**2 + 1) + math.log(cvi**2 + 1))
    assert cea["threshold_pct"] == round((math.exp(1.65 * math.sqrt(2) * sigma) - 1) * 100, 1)
    assert isinstance(cea["doubling_time_days"], float)
    assert cea["doubling_time_days"] == round(cea["doubling_time_days"], 1)
    assert ca["doubling_time_days"] is None
    # 2.0 -> 2.2 -> 2.42 -> 6.3: three increases, +215 % in all.
    assert cea["rising_run"] == {
        "increases": 3,
        "since": "2026-01-05",
        "change_pct": 215.0,
        "from_qualifier": None,
    }
    assert ca["rising_run"] is None

    # 6.3 over 2.42: +160.3 %; it also crosses 5.0 (+160.3 % over the previous 2.42).
    rise, above = document["flags"]
    for flag in (rise, above):
        assert list(flag) == FLAG_KEYS
        assert flag["kind"] in KINDS and flag["status"] in STATUSES
        assert flag["marker"] == "CEA" and flag["lab"] == "City Lab" and flag["unit"] == "ng/mL"
        assert flag["drawn_on"] == "2026-04-05" and flag["value"] == 6.3
        assert flag["compared_to"] == {"drawn_on": "2026-03-06", "value": 2.42, "qualifier": None}
        assert flag["qualifier"] is None
        assert flag["change_pct"] == 160.3
        assert flag["message"].endswith("Discuss with your oncologist.")
        assert flag["logged_conditions"] == ["smoking"]
        assert flag["benign_causes"][:3] == [
            "cigarette smoking",
            "stomach (peptic) ulcer or gastritis",
            "colon polyps",
        ]
    assert (rise["kind"], rise["status"], rise["threshold_pct"]) == ("rise", "unconfirmed", 27.9)
    assert (above["kind"], above["status"], above["threshold_pct"]) == (
        "above_reference",
        "info",
        None,
    )


def test_above_reference_when_only_the_limit_changed() -> None:
    # 24 under a limit of 35 is not above; 23 under the lab's 20 is (-4.2 %).
    readings = [ca153(1, 0, 24, ref_high=35), ca153(2, 30, 23, ref_high=20)]
    (flag,) = analyse(readings, []).flags
    assert (flag.kind, flag.status, round(flag.change_pct or 0, 1)) == (
        "above_reference",
        "info",
        -4.2,
    )
    assert "That is 4.2% below the previous result (a decrease of 1 U/mL)" in flag.message
