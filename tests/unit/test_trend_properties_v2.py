"""Properties of trend rules version 2 that hold for any history (hypothesis).

docs/clinical-rules.md: same-day readings are one draw, comparisons stay within a lab
group and a treatment line, a new line hides no rise, and no displayed percentage
contradicts the comparison it is part of.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.trend_strategies import DIAGNOSTIC_WORDS, LABS, MARKER_CODES, STEPS
from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import MARKERS
from tracker.trend.engine import analyse, trend_document
from tracker.trend.rules import MarkerRules
from tracker.trend.treatment_lines import STALE_BASELINE_DAYS, TreatmentTimeline
from tracker.trend.types import (
    ABOVE_REFERENCE,
    RISE_KINDS,
    EventPoint,
    Flag,
    ReadingPoint,
    TrendResult,
    TrendSettings,
)

START = date(2024, 1, 1)
fast = settings(max_examples=80, deadline=None)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[ReadingPoint], list[EventPoint]]:
    """One patient: one or two markers, with same-day replicates, two labs and treatments."""
    size = draw(st.integers(1, 18))
    markers = draw(st.lists(st.sampled_from(MARKER_CODES), min_size=1, max_size=2, unique=True))
    readings: list[ReadingPoint] = []
    offset = 0
    last: dict[str, float] = {}
    for index in range(size):
        offset += draw(st.sampled_from([0, 0, 1, 7, 15, 30, 30, 45, 60, 90]))
        marker = draw(st.sampled_from(markers))
        previous = last.get(marker)
        if previous is None:
            value = draw(st.integers(5, 600)) / 10
        else:
            value = max(0.1, round(previous * draw(st.sampled_from(STEPS)), 1))
        last[marker] = value
        qualifier = draw(st.sampled_from([None] * 14 + ["<", ">"]))
        lab = draw(st.sampled_from(["Lab A"] * 6 + LABS))
        readings.append(
            ReadingPoint(index + 1, marker, value, qualifier, START + timedelta(days=offset), lab)
        )
    events = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["treatment", "treatment", "supportive", "condition"]))
        name = "smoking" if kind == "condition" else draw(st.sampled_from(["a", "b", "c"]))
        start = draw(st.integers(-40, offset + 10))
        events.append(EventPoint(index + 1, kind, name, START + timedelta(days=start)))
    return readings, events


def _facts(flag: Flag) -> tuple[object, ...]:
    compared = flag.compared_to
    # The lab as a group: when replicates of equal value were typed with two spellings of
    # one lab ("Lab A", " lab  a"), either may carry the flag; the series is the same.
    return (
        flag.marker,
        lab_key(flag.lab),
        flag.kind,
        flag.status,
        flag.drawn_on,
        flag.value,
        flag.qualifier,
        None if compared is None else (compared.drawn_on, compared.value, compared.qualifier),
        flag.change_pct,
    )


@fast
@given(histories(), st.randoms(use_true_random=False))
def test_entry_order_of_same_day_readings_changes_no_flag(
    history: tuple[list[ReadingPoint], list[EventPoint]], rng: Random
) -> None:
    readings, events = history
    ids = [r.id for r in readings]
    rng.shuffle(ids)
    renumbered = [replace(r, id=new_id) for r, new_id in zip(readings, ids, strict=True)]
    rng.shuffle(renumbered)
    before = sorted((_facts(f) for f in analyse(readings, events).flags), key=repr)
    after = sorted((_facts(f) for f in analyse(renumbered, events).flags), key=repr)
    assert after == before


@fast
@given(histories())
def test_rise_flags_compare_with_an_earlier_draw_of_the_same_group(
    history: tuple[list[ReadingPoint], list[EventPoint]],
) -> None:
    readings, events = history
    by_id = {r.id: r for r in readings}
    for flag in analyse(readings, events).flags:
        if flag.kind not in RISE_KINDS:
            continue
        assert flag.compared_to is not None
        compared = by_id[flag.compared_to.reading_id]
        flagged = by_id[flag.reading_id]
        assert compared.drawn_on < flagged.drawn_on
        assert lab_key(compared.lab) == lab_key(flagged.lab)
        assert compared.marker == flagged.marker


def _draws(readings: list[ReadingPoint]) -> list[list[ReadingPoint]]:
    days: dict[date, list[ReadingPoint]] = {}
    for reading in sorted(readings, key=lambda r: (r.drawn_on, r.id)):
        days.setdefault(reading.drawn_on, []).append(reading)
    return list(days.values())


def _high(draw: list[ReadingPoint]) -> ReadingPoint:
    return max(draw, key=lambda r: (r.value, r.qualifier == ">", r.qualifier != "<"))


def _low(draw: list[ReadingPoint]) -> ReadingPoint:
    return min(draw, key=lambda r: (r.value, r.qualifier != "<", r.qualifier == ">"))


@fast
@given(histories(), st.sampled_from([0, 21, 42, 90]))
def test_a_new_line_leaves_no_rise_over_its_nadir_unflagged(
    history: tuple[list[ReadingPoint], list[EventPoint]], window: int
) -> None:
    readings, events = history
    settings_ = TrendSettings(flare_window_days=window)
    result = analyse(readings, events, settings_)
    flagged = {(f.reading_id, f.kind) for f in result.flags if f.kind in RISE_KINDS}
    flagged_days = {
        (f.marker, lab_key(f.lab), f.drawn_on) for f in result.flags if f.kind in RISE_KINDS
    }
    timeline = TreatmentTimeline(events, window)
    groups: dict[tuple[str, str | None], list[ReadingPoint]] = {}
    for reading in readings:
        groups.setdefault((reading.marker, lab_key(reading.lab)), []).append(reading)
    for (marker, lab), members in groups.items():
        rules = MarkerRules.for_marker(MARKERS[marker], settings_)
        draws = _draws(members)
        for index, draw in enumerate(draws):
            line = timeline.line_of(draw[0].drawn_on)
            change = timeline.change_of_line(line)
            if change is None:
                continue
            # The line's draws so far, from its baseline (when not stale).
            in_line = [d for d in draws[:index] if timeline.line_of(d[0].drawn_on) == line]
            before = [d for d in draws[:index] if d[0].drawn_on <= change.first_start]
            if before and (change.first_start - before[-1][0].drawn_on).days <= STALE_BASELINE_DAYS:
                in_line = [before[-1], *in_line]
            if not in_line:
                continue
            nadir = min((_high(d) for d in in_line), key=lambda r: r.value)
            if not rules.is_rise(_low(draw), nadir):
                continue
            if change.in_flare_window(draw[0].drawn_on):
                continue
            episode_in_line = any(
                (marker, lab, d[0].drawn_on) in flagged_days
                for d in in_line
                if timeline.line_of(d[0].drawn_on) == line
            )
            if episode_in_line:
                continue
            assert any((r.id, kind) in flagged for r in draw for kind in RISE_KINDS), (
                marker,
                lab,
                draw,
            )


_SHOWN_RISE = re.compile(r"(?:at least )?([0-9.]+)% above (?:the|\w)")
_THRESHOLD = re.compile(r"flags a rise of ([0-9.]+)% or more")
_CHANGE = re.compile(r"That is ([0-9.]+)% above the previous result[^:]*: (.*?)\.(?: |$)")
_WITHIN = re.compile(r"up to about ([0-9.]+)%")
_BELOW = re.compile(r"below the ([0-9.]+)% this tracker flags")
_AT_OR_ABOVE = re.compile(r"at or above the ([0-9.]+)% this tracker flags")


def _check_percentages(result: TrendResult) -> None:
    for flag in result.flags:
        message = flag.message
        if flag.kind in RISE_KINDS:
            headline = message.split(". ")[0]
            threshold = float(_THRESHOLD.search(message).group(1))  # type: ignore[union-attr]
            shown = _SHOWN_RISE.search(headline)
            if shown is not None:
                assert float(shown.group(1)) >= threshold, message
        if flag.kind == ABOVE_REFERENCE:
            found = _CHANGE.search(message)
            if found is None:
                continue
            change, verdict = float(found.group(1)), found.group(2)
            if (within := _WITHIN.search(verdict)) is not None:
                assert change <= float(within.group(1)), message
            elif (below := _BELOW.search(verdict)) is not None:
                assert change < float(below.group(1)), message
            elif (meets := _AT_OR_ABOVE.search(verdict)) is not None:
                assert change >= float(meets.group(1)), message


@fast
@given(histories())
def test_no_displayed_percentage_contradicts_its_comparison(
    history: tuple[list[ReadingPoint], list[EventPoint]],
) -> None:
    readings, events = history
    _check_percentages(analyse(readings, events))


def test_percentages_near_the_bounds_keep_their_order() -> None:
    """Every change within 0.3 % of a marker's threshold or usual variation, in steps of
    0.005 %, with a lab limit just below the new value so that every pair is worded."""
    for code, marker in MARKERS.items():
        rules = MarkerRules.for_marker(marker, TrendSettings())
        bounds = [rules.threshold_pct] + ([rules.rcv_up_pct] if rules.rcv_up_pct else [])
        for bound in bounds:
            for step in range(-60, 61):
                pct = bound + step * 0.005
                for base in (20.0, 48.0, 150.0):
                    new = base * (1 + pct / 100)
                    limit = new * 0.9999
                    readings = [
                        ReadingPoint(1, code, base, None, START, None, limit),
                        ReadingPoint(2, code, new, None, START + timedelta(days=30), None, limit),
                    ]
                    _check_percentages(analyse(readings, []))


@fast
@given(histories(), st.integers(0, 90))
def test_no_diagnostic_word_anywhere_in_the_document(
    history: tuple[list[ReadingPoint], list[EventPoint]], window: int
) -> None:
    readings, events = history
    result = analyse(readings, events, TrendSettings(flare_window_days=window))
    text = json.dumps(trend_document("me", result))
    assert DIAGNOSTIC_WORDS.search(text) is None
    for flag in result.flags:
        assert flag.message.endswith("Discuss with your oncologist.")
        assert flag.message[0].isupper()
        assert "1 tests" not in flag.message and "1 rises" not in flag.message


def test_above_the_limit_after_a_greater_than_result_gives_no_percentage() -> None:
    """Hypothesis found it: CA 125 >30.6 then 45.9 was "50% above the previous result …
    below the 50% this tracker flags". A change from a ">x" result cannot be measured."""
    readings = [
        ReadingPoint(1, "CA125", 30.6, ">", START, "Lab A"),
        ReadingPoint(2, "CA125", 45.9, None, START + timedelta(days=1), "Lab A"),
    ]
    result = analyse(readings, [])
    [flag] = [f for f in result.flags if f.kind == ABOVE_REFERENCE]
    assert "%" not in flag.message
    assert "was reported only as above 30.6 U/mL" in flag.message
    assert "cannot be measured" in flag.message
    _check_percentages(result)
