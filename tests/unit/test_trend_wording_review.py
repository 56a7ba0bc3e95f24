"""The wording fixes of the clinician's review of 15 histories (items 4, 9, 11 and 12).

Only words change here: which flags are raised, and their statuses, follow
docs/clinical-rules.md and are pinned by tests/unit/test_trend_cases*.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reports.wording import series_lines as report_series_lines
from tests.helpers.report_inputs import SMALL_READINGS
from tests.helpers.report_inputs import make_input as make_report_input
from tests.helpers.trend_cases import ca153, event, observed, reading
from tracker.catalogue.markers import MARKERS
from tracker.trend.engine import analyse
from tracker.trend.headlines import age_sentence, flag_headline, logged_line
from tracker.trend.text_summary import trend_lines
from tracker.trend.types import Flag

# -- item 4: the result that settles a flare is worded by its numbers ---------------------


def _flare(result_flags: list[Flag]) -> Flag:
    (flare,) = [flag for flag in result_flags if flag.kind == "possible_flare"]
    return flare


def test_a_level_that_stayed_near_the_flare_is_not_called_a_fall() -> None:
    # 62 before letrozole, 78 on day 21 (flare), 77 and 77 after the window: +24 % over
    # the baseline, under the 25 % threshold, and flat against the flare's 78.
    letrozole = event(1, "treatment", "letrozole", 0)
    readings = [ca153(1, -5, 62), ca153(2, 21, 78), ca153(3, 56, 77), ca153(4, 84, 77)]
    result = analyse(readings, [letrozole])
    flare = _flare(result.flags)
    assert flare.status == "not_confirmed"  # the rules decide it; only the words changed
    assert (
        "The first result after the flare window (77 U/mL on 2 Mar 2026) was 24% above the "
        "level before letrozole started (62 U/mL on 31 Dec 2025), under the 25% this tracker "
        "flags."
    ) in flare.message
    assert "come back down" not in flare.message
    assert "as happens after a flare" not in flare.message


def test_a_real_fall_after_a_flare_says_it_came_back_down_with_its_numbers() -> None:
    # 91 on day 21, 64 after the window: -29.7 % on the flare (more than CA 15-3's usual
    # fall of 16.9 %), +3 % on the baseline of 62.
    letrozole = event(1, "treatment", "letrozole", 0)
    result = analyse([ca153(1, -5, 62), ca153(2, 21, 91), ca153(3, 56, 64)], [letrozole])
    flare = _flare(result.flags)
    assert (
        "The first result after the flare window (64 U/mL on 2 Mar 2026) had come back down "
        "from 91 U/mL: it was 3% above the level before letrozole started (62 U/mL on 31 Dec "
        "2025), under the 25% this tracker flags."
    ) in flare.message
    # Back to the baseline or below: said so, no percentage.
    back = _flare(
        analyse([ca153(1, -5, 62), ca153(2, 21, 91), ca153(3, 56, 60)], [letrozole]).flags
    )
    assert (
        "had come back down from 91 U/mL: it was at or below the level before letrozole "
        "started (62 U/mL on 31 Dec 2025)."
    ) in back.message


# -- item 11: the headline names the comparison the full text names -----------------------


def test_a_rise_over_the_lines_baseline_is_headed_with_the_level_before_the_treatment() -> None:
    # Eribulin starts on day 0 with a draw that day (53, the line's baseline and nadir);
    # 56 after the window, then 68: +28 % over 53, a rise from the line's nadir.
    eribulin = event(1, "treatment", "eribulin", 0)
    result = analyse([ca153(1, 0, 53), ca153(2, 50, 56), ca153(3, 100, 68)], [eribulin])
    (flag,) = [flag for flag in result.flags if flag.kind == "rise_from_nadir"]
    assert "the level before eribulin started (53 U/mL on 5 Jan 2026)" in flag.message
    headline = flag_headline(flag, with_marker=False)
    assert "since the level before eribulin started, on 5 Jan 2026" in headline
    assert "since the lowest result" not in headline


def test_a_rise_over_a_later_lowest_result_keeps_its_headline() -> None:
    # No treatment: 28, 20, 23, 25.5; 25.5 is +27.5 % over the lowest (20), no single step.
    result = analyse([ca153(1, 0, 28), ca153(2, 30, 20), ca153(3, 60, 23), ca153(4, 90, 25.5)], [])
    assert [(kind, status) for _, kind, status, _, _ in observed(result)] == [
        ("rise_from_nadir", "unconfirmed")
    ]
    assert "since the lowest result, on 4 Feb 2026" in flag_headline(result.flags[0])


# -- item 12: logged conditions, labs of the same day, "No flags" ---------------------------


def test_logged_conditions_need_no_verb_that_agrees_with_them() -> None:
    def flag_naming(*names: str) -> Flag:
        events = [event(i, "condition", name, -10) for i, name in enumerate(names, start=1)]
        result = analyse([reading(1, 0, 2.0), reading(2, 30, 3.0)], events)
        return result.flags[0]

    cea = MARKERS["CEA"]
    assert logged_line(cea, [flag_naming("smoking")]) == (
        "Smoking, logged for this person, can also raise CEA."
    )
    both = logged_line(cea, [flag_naming("COPD", "CKD stage 3")])
    assert both == "COPD and CKD stage 3, logged for this person, can also raise CEA."
    # The clinician's example: a plural name, which "is logged" got wrong.
    events = [event(1, "condition", "ovarian cysts", -10)]
    result = analyse([reading(1, 0, 19, "CA125"), reading(2, 30, 46, "CA125")], events)
    line = logged_line(MARKERS["CA125"], result.flags)
    assert line == "Ovarian cysts, logged for this person, can also raise CA 125."


def _lines(result_readings: list, today: date = date(2026, 12, 1)) -> list[str]:
    result = analyse(result_readings, [])
    return [text for text, _ in trend_lines("me", result, today=today)]


def test_a_lab_drawn_the_same_day_or_before_is_another_lab() -> None:
    same_day = _lines(
        [
            ca153(1, -90, 26, lab="City Lab"),
            ca153(2, 0, 26, lab="City Lab"),
            ca153(3, 0, 31, lab="Hospital Lab"),
        ]
    )
    headers = [line for line in same_day if line.startswith("CA 15-3 (")]
    # The group entered last that day comes first; the other was drawn the same day.
    assert headers == [
        "CA 15-3 (Hospital Lab): 1 result",
        "CA 15-3 (City Lab, another lab): 2 results",
    ]
    earlier = _lines([ca153(1, -90, 26, lab="Quest"), ca153(2, 0, 27, lab="St Mary")])
    assert "CA 15-3 (Quest, another lab): 1 result" in earlier


def test_discuss_follows_the_last_section_with_flags_never_no_flags() -> None:
    # The earlier lab's two results raise nothing; the new lab's result raises lab_changed.
    lines = _lines(
        [
            ca153(1, -180, 29, lab="Quest", ref_high=38),
            ca153(2, -90, 30, lab="Quest", ref_high=38),
            ca153(3, 0, 41, lab="St Mary", ref_high=45),
        ]
    )
    discuss = lines.index("  Discuss with your oncologist.")
    quest = lines.index("CA 15-3 (Quest, another lab): 2 results")
    assert discuss < quest
    assert lines[lines.index("  No flags") + 1] != "  Discuss with your oncologist."
    assert lines.count("  Discuss with your oncologist.") == 1


# -- item 12: a latest result more than a year old ------------------------------------------


def test_the_age_of_a_latest_result_is_said_only_past_a_year() -> None:
    drawn = date(2025, 11, 3)
    assert age_sentence(drawn, date(2026, 11, 30)) == (
        "The latest result is more than 12 months old."
    )
    assert age_sentence(drawn, date(2026, 12, 3)) == "The latest result is 13 months old."
    assert age_sentence(drawn, date(2028, 1, 4)) == "The latest result is more than 26 months old."
    assert age_sentence(drawn, date(2026, 11, 3)) is None  # exactly a year: not "more"
    assert age_sentence(drawn, date(2026, 11, 2)) is None
    assert (
        age_sentence(date(2024, 2, 29), date(2025, 3, 1))
        == "The latest result is more than 12 months old."
    )
    assert (
        age_sentence(date(2024, 1, 31), date(2025, 2, 28))
        == "The latest result is more than 12 months old."
    )


def test_trend_says_once_per_marker_that_its_latest_result_is_old() -> None:
    readings = [
        reading(1, -90, 2.0, lab="City Lab"),
        reading(2, 0, 2.1, lab="City Lab"),
        reading(3, -30, 2.2, lab="Hospital Lab"),
    ]
    old = _lines(readings, today=date(2027, 2, 10))  # 5 Jan 2026 + 13 months and 5 days
    assert old.count("  The latest result is more than 13 months old.") == 1
    assert (
        old.index("  The latest result is more than 13 months old.")
        == old.index("  Latest: 2.1 ng/mL on 5 Jan 2026") + 1
    )
    assert not any("months old" in line for line in _lines(readings, today=date(2026, 12, 1)))


def test_the_report_says_the_latest_result_is_old_on_its_date() -> None:
    data = make_report_input(SMALL_READINGS)
    (cea,) = data.series_for("CEA")
    assert not any("months old" in line for line in report_series_lines(data, cea, name_lab=False))
    later = replace(data, generated_on=date(2026, 7, 1))  # CEA last drawn on 10 May 2025
    lines = report_series_lines(later, cea, name_lab=False)
    assert "The latest result is more than 13 months old." in lines
