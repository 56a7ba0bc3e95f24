"""Flag headlines: every kind in one line, numbers that never contradict the threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.trend.headlines import (
    flag_headline,
    rising_run_line,
    shown_rise_pct,
)
from tracker.trend.phrases import pct_up
from tracker.trend.text_summary import trend_lines
from tracker.trend.types import (
    ComparedReading,
    Flag,
    ReadingPoint,
    RisingRun,
    SeriesSummary,
    TrendResult,
)

DIAGNOSTIC_WORDS = ("progression", "recurrence", "metasta", "cancer is growing")


def flag(
    kind: str,
    status: str,
    value: float,
    compared: float | None,
    *,
    marker: str = "CA15-3",
    unit: str = "U/mL",
    compared_qualifier: str | None = None,
    change_pct: float | None = None,
    threshold_pct: float | None = 25.0,
) -> Flag:
    compared_to = (
        None
        if compared is None
        else ComparedReading(1, date(2023, 8, 3), compared, compared_qualifier)
    )
    if change_pct is None and compared is not None and compared_qualifier is None:
        change_pct = round((value - compared) / compared * 100, 1)
    return Flag(
        reading_id=2,
        marker=marker,
        lab="City Lab",
        kind=kind,
        status=status,
        drawn_on=date(2023, 9, 3),
        value=value,
        qualifier=None,
        unit=unit,
        compared_to=compared_to,
        change_pct=change_pct,
        threshold_pct=threshold_pct,
        build_message=lambda: "The full text. Discuss with your oncologist.",
        benign_causes=[],
        logged_conditions=[],
    )


@pytest.mark.parametrize(
    ("the_flag", "headline"),
    [
        (
            flag("rise", "unconfirmed", 29.1, 22.5),
            "CA 15-3 rise: 22.5 -> 29.1 U/mL (+29%) since the previous result on 3 Aug "
            "2023 — unconfirmed: ask whether a repeat test is needed",
        ),
        (
            flag("rise", "confirmed", 29.1, 22.5),
            "CA 15-3 rise: 22.5 -> 29.1 U/mL (+29%) since the previous result on 3 Aug "
            "2023 — confirmed: the next result agreed, so this is not a one-off",
        ),
        (
            flag("rise", "not_confirmed", 29.1, 22.5),
            "CA 15-3 rise: 22.5 -> 29.1 U/mL (+29%) since the previous result on 3 Aug "
            "2023 — not confirmed: the next result fell back",
        ),
        (
            flag("further_rise", "unconfirmed", 40, 29.1),
            "CA 15-3 further rise: 29.1 -> 40 U/mL (+38%) since the flagged result on "
            "3 Aug 2023 — unconfirmed: ask whether a repeat test is needed",
        ),
        (
            flag("rise_from_nadir", "unconfirmed", 30, 22),
            "CA 15-3 rise from the lowest result: 22 -> 30 U/mL (+36%) since the lowest "
            "result, on 3 Aug 2023 — unconfirmed: ask whether a repeat test is needed",
        ),
        (
            flag("steady_rise", "unconfirmed", 30, 22),
            "CA 15-3 steady rise: 22 -> 30 U/mL (+36%) in small steps since 3 Aug 2023 "
            "— unconfirmed: ask whether a repeat test is needed",
        ),
        (
            flag("possible_flare", "unconfirmed", 30, 22),
            "CA 15-3 possible flare: 22 -> 30 U/mL (+36%) since 3 Aug 2023, soon after a "
            "treatment start — inside the flare window: a test after the window tells more",
        ),
        (
            flag("possible_flare", "confirmed", 30, 22),
            "CA 15-3 possible flare: 22 -> 30 U/mL (+36%) since 3 Aug 2023, soon after a "
            "treatment start — still up after the flare window (see the next flag)",
        ),
        (
            flag("rise_after_flare_window", "unconfirmed", 30, 22),
            "CA 15-3 still up after the flare window: 22 -> 30 U/mL (+36%) since the "
            "result before the treatment, on 3 Aug 2023 — unconfirmed: ask whether a repeat "
            "test is needed",
        ),
        (
            flag(
                "rise",
                "unconfirmed",
                1.2,
                0.5,
                marker="CEA",
                unit="ng/mL",
                compared_qualifier="<",
                change_pct=140.0,
            ),
            "CEA rise: <0.5 -> 1.2 ng/mL (at least +0.7 ng/mL) since the previous result "
            "on 3 Aug 2023 — unconfirmed: ask whether a repeat test is needed",
        ),
        (
            flag("above_reference", "info", 36, None, threshold_pct=None),
            "CA 15-3 above the upper reference limit: 36 U/mL on 3 Sep 2023",
        ),
        (
            flag("lab_changed", "info", 30, None, threshold_pct=None),
            "CA 15-3 from another lab (City Lab): 30 U/mL on 3 Sep 2023 — not compared with "
            "results from other labs; two results from this lab set a new baseline",
        ),
        (
            flag("check_entry", "info", 30, None, threshold_pct=None),
            "CA 15-3 two results of 3 Sep 2023 differ more than tests usually do — check the entry",
        ),
    ],
    ids=lambda value: value.kind + "-" + value.status if isinstance(value, Flag) else "",
)
def test_each_kind_has_a_one_line_headline(the_flag: Flag, headline: str) -> None:
    assert flag_headline(the_flag) == headline
    assert not any(word in headline.lower() for word in DIAGNOSTIC_WORDS)


def test_a_change_that_met_the_threshold_is_never_shown_below_it() -> None:
    # 27.86% against 27.88%: meets after rounding up, shown as the threshold is shown.
    assert pct_up(27.8807) == 27.9
    # Whole percents where they keep the order (the rule the full texts follow too).
    assert shown_rise_pct(27.8807, 27.8807) == "28%"
    assert shown_rise_pct(25.04, 25.0) == "25%"
    assert shown_rise_pct(37.04, 27.9) == "37%"
    assert shown_rise_pct(147.2, 25.0) == "147%"


@pytest.mark.parametrize(
    ("change", "threshold", "shown"),
    [
        (27.6, 27.9, "27.6%"),  # was "+28%" beside "flagged from 27.9%" and "No flags"
        (27.86, 27.88, "27.8%"),
        (24.96, 25.0, "24.9%"),  # was "+25%" beside 25.0%
        (49.96, 50.0, "49.9%"),  # was "+50%" beside 50.0%
        (12.4, 25.0, "12%"),
        (28.9, 25.0, "29%"),  # the headline said +28.9%, the full text 29%
    ],
)
def test_a_change_below_the_threshold_is_never_shown_at_it(
    change: float, threshold: float, shown: str
) -> None:
    assert shown_rise_pct(change, threshold) == shown


@given(
    threshold=st.floats(min_value=20.0, max_value=60.0),
    extra=st.floats(min_value=0.0, max_value=500.0),
)
def test_no_displayed_percentage_contradicts_its_comparison(threshold: float, extra: float) -> None:
    change = threshold + extra
    shown = float(shown_rise_pct(change, threshold).rstrip("%"))
    assert shown >= pct_up(threshold) - 1e-9 or change >= 100


def test_rising_run_line_says_when_it_falls_inside_a_flare_window() -> None:
    run = RisingRun(increases=3, since=date(2026, 1, 12), change_pct=147.2)
    assert rising_run_line(run) == "Rising at 3 tests in a row since 12 Jan 2026: +147%"
    inside = replace(run, in_flare_window=True)
    assert rising_run_line(inside) == (
        "Rising at 3 tests in a row since 12 Jan 2026: +147% (inside the flare window after "
        "a treatment start, when a short rise can happen)"
    )


def _point(rid: int, day: date, value: float) -> ReadingPoint:
    return ReadingPoint(rid, "CEA", value, None, day, "City Lab")


def test_trend_leads_a_rising_series_with_its_run() -> None:
    summary = SeriesSummary(
        marker="CEA",
        lab="City Lab",
        unit="ng/mL",
        count=4,
        latest=_point(4, date(2026, 4, 12), 7.4),
        nadir=_point(1, date(2026, 1, 12), 3.0),
        upper_limit=5.0,
        threshold_pct=27.9,
        doubling_time_days=None,
        rising_run=RisingRun(3, date(2026, 1, 12), 146.7),
    )
    lines = [text for text, _wrap in trend_lines("me", TrendResult([summary], []))]
    assert lines[2:7] == [
        "CEA (City Lab): 4 results",
        "  Rising at 3 tests in a row since 12 Jan 2026: +147%",
        "  Latest: 7.4 ng/mL on 12 Apr 2026",
        "  Lowest recorded: 3 ng/mL on 12 Jan 2026 (latest +147%)",
        "  A rise is flagged from 27.9% (the tracker's threshold); upper limit 5 ng/mL",
    ]
    assert "  No flags" in lines


def test_the_nadir_is_named_against_the_current_treatment_only_when_it_is_after_its_start() -> None:
    # The line comes from the engine (review of issue 12, item 6): its start and names.
    from tracker.trend.engine import analyse
    from tracker.trend.headlines import lowest_label
    from tracker.trend.types import EventPoint

    eribulin = EventPoint(1, "treatment", "eribulin", date(2025, 5, 12))
    zoledronate = EventPoint(2, "supportive", "zoledronate", date(2025, 1, 1))
    readings = [_point(1, date(2025, 5, 10), 3.0), _point(2, date(2025, 12, 10), 3.5)]
    [summary] = analyse(readings, [zoledronate]).series
    assert lowest_label(summary) == "lowest recorded"
    # The baseline drawn two days before the first dose: not "since it began".
    [summary] = analyse(readings, [eribulin, zoledronate]).series
    assert lowest_label(summary) == "lowest since just before eribulin began (12 May 2025)"
    later = [_point(1, date(2025, 5, 10), 4.0), _point(2, date(2025, 8, 10), 3.0)]
    [summary] = analyse([*later, _point(3, date(2025, 12, 10), 3.5)], [eribulin]).series
    assert lowest_label(summary) == "lowest since eribulin began on 12 May 2025"
