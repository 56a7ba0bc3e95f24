"""The report's summary and caveats after the clinical review of issue 12.

Hand-built data, the real trend engine and the real PDF renderer (no database).
"""

from __future__ import annotations

from tracker.reports.summary import questions, summary_flag_blocks
from tracker.reports.wording import nadir_line

from tests.helpers.report_inputs import event, make_input, page_body, pdf_pages, reading
from tracker.trend.types import ReadingPoint

FLARE_QUESTION = "Could a rise soon after starting treatment be a short flare"
REPEAT_QUESTION = "Is a repeat test needed to check the latest change, and when?"


def _flare_history(*later: ReadingPoint) -> list[ReadingPoint]:
    return [
        reading(1, "CA15-3", "2025-03-01", 20),
        reading(2, "CA15-3", "2025-03-20", 30),  # day 19 of eribulin: a possible flare
        *later,
    ]


ERIBULIN = [event(1, "treatment", "eribulin", "2025-03-01")]


def test_the_flare_question_only_while_the_flare_is_inside_its_window() -> None:
    inside = questions(make_input(_flare_history(), ERIBULIN))
    assert any(question.startswith(FLARE_QUESTION) for question in inside)
    assert REPEAT_QUESTION not in inside  # a test after the window tells more
    settled = questions(
        make_input(_flare_history(reading(3, "CA15-3", "2025-05-20", 19)), ERIBULIN)
    )
    assert not any(question.startswith(FLARE_QUESTION) for question in settled)


def test_the_repeat_question_only_when_the_latest_rise_is_unconfirmed() -> None:
    confirmed = [
        reading(1, "CEA", "2025-01-10", 2.0),
        reading(2, "CEA", "2025-03-10", 3.0),
        reading(3, "CEA", "2025-05-10", 3.1),
    ]
    assert REPEAT_QUESTION not in questions(make_input(confirmed))
    unconfirmed = confirmed[:2]
    assert REPEAT_QUESTION in questions(make_input(unconfirmed))


def test_one_lab_switch_bullet_per_day() -> None:
    readings = [
        reading(1, "CEA", "2025-01-10", 2.0),
        reading(2, "CA15-3", "2025-01-10", 20),
        reading(3, "CEA", "2025-03-10", 2.1, lab="North Lab"),
        reading(4, "CA15-3", "2025-03-10", 21, lab="North Lab"),
        reading(5, "CEA", "2025-05-10", 2.0, lab="South Lab"),
    ]
    blocks, older = summary_flag_blocks(make_input(readings))
    assert older == 0
    assert [(block.title, len(block.headlines)) for block in blocks] == [("Another lab", 2)]
    # Newest first, as every flag on page 1.
    assert (
        blocks[0]
        .headlines[1]
        .startswith(
            "10 Mar 2025, CEA 2.1 ng/mL and CA 15-3 21 U/mL: these results came from a different "
            "lab (North Lab) than the tests before."
        )
    )
    assert blocks[0].headlines[0].startswith("10 May 2025, CEA 2 ng/mL: this result came from")
    summary = page_body(pdf_pages(make_input(readings))[0])
    assert summary.count("Another lab") == 1
    assert summary.count("Discuss with your oncologist.") == 1


def test_no_flags_carry_no_advice_line() -> None:
    quiet = [reading(1, "CEA", "2025-01-10", 2.0), reading(2, "CEA", "2025-03-10", 2.1)]
    summary = page_body(pdf_pages(make_input(quiet))[0])
    assert "No flags in the period shown" in summary
    assert "Discuss with your oncologist." not in summary


def test_change_since_the_nadir_follows_the_rounding_rule() -> None:
    nadir = reading(1, "CEA", "2025-01-10", 3.0)
    latest = reading(2, "CEA", "2025-03-10", 3.83)  # +27.67 % against 27.88 %
    (series,) = make_input([nadir, latest]).trend.series
    assert nadir_line(series).endswith("change since then +27.6% (+0.83 ng/mL).")
    met = reading(3, "CEA", "2025-05-10", 3.9)  # +30 %
    (series,) = make_input([nadir, met]).trend.series
    assert "+30% (" in nadir_line(series)
    summary = page_body(pdf_pages(make_input([nadir, latest]))[0])
    assert "change since then +27.6% (+0.83 ng/mL)" in summary
    assert "+28%" not in summary


def test_the_summary_says_a_rise_is_within_the_usual_range() -> None:
    readings = [
        reading(1, "CEA", "2025-01-10", 0.5, qualifier="<"),
        reading(2, "CEA", "2025-03-10", 1.2),
    ]
    summary = page_body(pdf_pages(make_input(readings))[0])
    assert (
        "rise: <0.5 -> 1.2 ng/mL (at least +0.7 ng/mL) since the previous result on 10 Jan "
        "2025 — still within the usual range; unconfirmed" in summary
    )


def test_the_summary_restates_a_supportive_medicine_logged_as_a_treatment() -> None:
    readings = [reading(1, "CEA", "2025-01-10", 2.0), reading(2, "CEA", "2025-03-10", 2.1)]
    events = [event(7, "treatment", "Zometa", "2025-02-01")]
    summary = page_body(pdf_pages(make_input(readings, events))[0])
    assert summary.count("Zometa is logged as a treatment (from 1 Feb 2025), so it starts") == 1
    assert "`tracker event delete 7 --yes`" in summary


def test_the_symptoms_are_introduced_calmly() -> None:
    pages = pdf_pages(make_input([reading(1, "CEA", "2025-01-10", 2.0)]))
    caveats = " ".join(pages[-2:])
    assert (
        "The source article lists symptoms that can go with it — sometimes, not always; most "
        "women have none until the disease is extensive: bone pain;" in caveats
    )
    assert "Each of these also has many everyday causes." in caveats


def test_no_repeat_question_for_a_rise_whose_episode_a_new_line_ended() -> None:
    """Clinician review, problem 7: the last rise before a treatment change, with the new
    line's own results falling, is "not rechecked before the treatment changed"."""
    before = [
        reading(1, "CA15-3", "2025-07-07", 36),
        reading(2, "CA15-3", "2025-10-06", 47),  # drawn the morning fulvestrant started
    ]
    events = [
        event(1, "treatment", "anastrozole", "2024-01-08"),
        event(2, "treatment", "fulvestrant", "2025-10-06"),
    ]
    # The new line has no result yet: the change is still worth a repeat test.
    assert REPEAT_QUESTION in questions(make_input(before, events))
    later = [
        reading(3, "CA15-3", "2025-12-15", 44),
        reading(4, "CA15-3", "2026-03-16", 38),
        reading(5, "CA15-3", "2026-06-15", 36),
    ]
    data = make_input(before + later, events)
    [flag] = [flag for flag in data.trend.flags if flag.kind == "rise"]
    assert (flag.status, flag.status_note) == (
        "unconfirmed",
        "not_rechecked_before_treatment_change",
    )
    assert REPEAT_QUESTION not in questions(data)
    summary = page_body(pdf_pages(data)[0])
    assert "not rechecked before the treatment changed" in summary
    assert REPEAT_QUESTION not in summary


def test_the_repeat_question_stays_for_a_rise_at_a_lab_the_marker_left() -> None:
    """The new lab's result is not compared with the rise: a repeat test still decides."""
    readings = [reading(1, "CEA", "2025-01-06", 2.0), reading(2, "CEA", "2025-04-07", 6.0)]
    assert REPEAT_QUESTION in questions(make_input(readings))
    moved = [*readings, reading(3, "CEA", "2025-07-07", 2.2, lab="Hospital Lab")]
    assert REPEAT_QUESTION in questions(make_input(moved))
