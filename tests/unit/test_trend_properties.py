"""Properties of the trend rules that hold for any series (hypothesis; docs/clinical-rules.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.trend_strategies import DIAGNOSTIC_WORDS, LABS, MARKER_CODES, STEPS
from tracker.catalogue.markers import MARKERS
from tracker.trend.engine import analyse
from tracker.trend.types import (
    RISE_KINDS,
    EventPoint,
    Flag,
    ReadingPoint,
    TrendResult,
    TrendSettings,
)

START = date(2024, 1, 1)
# Mostly one lab, so that series are long enough to creep, confirm and fall back.
USUAL_LABS = ["Lab A"] * 8 + LABS
CONDITIONS = ["smoking", "smoker", "hepatitis", "endometriosis", "ckd", "bone pain"]
CLOSING = "Discuss with your oncologist."

fast = settings(max_examples=60, deadline=None)


@st.composite
def day_offsets(draw: st.DrawFn, size: int) -> list[int]:
    """``size`` distinct, increasing day offsets."""
    gaps = draw(st.lists(st.integers(1, 90), min_size=size, max_size=size))
    offsets, total = [], 0
    for gap in gaps:
        total += gap
        offsets.append(total)
    return offsets


@st.composite
def values(draw: st.DrawFn, previous: float | None = None) -> tuple[float, str | None]:
    """Values as labs print them (one decimal), as a random walk with small and big steps,
    sometimes below or above the measurable range."""
    if previous is None:
        value = draw(st.integers(1, 600)) / 10
    else:
        value = max(0.1, round(previous * draw(st.sampled_from(STEPS)), 1))
    qualifier = draw(st.sampled_from([None] * 12 + ["<", ">"]))
    return value, qualifier


@st.composite
def histories(
    draw: st.DrawFn, *, with_ref_high: bool = False, min_size: int = 1
) -> tuple[list[ReadingPoint], list[EventPoint]]:
    """One patient: readings of one or two markers on distinct dates, and some events."""
    size = draw(st.integers(min_size, 16))
    offsets = draw(day_offsets(size))
    markers = draw(st.lists(st.sampled_from(MARKER_CODES), min_size=1, max_size=2, unique=True))
    readings: list[ReadingPoint] = []
    last_value: dict[str, float] = {}
    for index, offset in enumerate(offsets):
        marker = draw(st.sampled_from(markers))
        value, qualifier = draw(values(last_value.get(marker)))
        last_value[marker] = value
        ref_high = draw(st.sampled_from([20.0, 35.5, 4.5])) if with_ref_high else None
        readings.append(
            ReadingPoint(
                id=index + 1,
                marker=marker,
                value=value,
                qualifier=qualifier,
                drawn_on=START + timedelta(days=offset),
                lab=draw(st.sampled_from(USUAL_LABS)),
                ref_high=ref_high,
            )
        )
    events = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["treatment", "supportive", "condition", "symptom"]))
        name = draw(st.sampled_from(CONDITIONS)) if kind == "condition" else f"drug {index}"
        offset = draw(st.integers(-30, (offsets[-1] if offsets else 0) + 10))
        events.append(EventPoint(index + 1, kind, name, START + timedelta(days=offset)))
    return readings, events


def outline(result: TrendResult) -> list[tuple[int, str, str, int | None]]:
    return [
        (
            f.reading_id,
            f.kind,
            f.status,
            None if f.compared_to is None else f.compared_to.reading_id,
        )
        for f in result.flags
    ]


def rise_flags(result: TrendResult) -> list[Flag]:
    return [flag for flag in result.flags if flag.kind in RISE_KINDS]


@fast
@given(
    histories(with_ref_high=True),
    st.sampled_from([0.001, 0.1, 0.25, 3.0, 7.5, 64.0, 1000.0]),
)
def test_scaling_values_floors_and_limits_changes_no_flag(
    history: tuple[list[ReadingPoint], list[EventPoint]], factor: float
) -> None:
    readings, events = history
    scaled = [
        replace(r, value=r.value * factor, ref_high=r.ref_high * factor)
        for r in readings
        if r.ref_high is not None
    ]
    assert len(scaled) == len(readings)
    floors = {code: marker.rise_floor * factor for code, marker in MARKERS.items()}
    before = analyse(readings, events)
    after = analyse(scaled, events, TrendSettings(rise_floor=floors))
    assert outline(after) == outline(before)


@fast
@given(
    st.sampled_from(MARKER_CODES),
    st.floats(0.1, 5000.0),
    st.lists(
        st.tuples(st.floats(0.0, 0.9999), st.sampled_from([None, None, "<", ">"])),
        min_size=1,
        max_size=15,
    ),
    st.lists(st.integers(-20, 400), max_size=3),
)
def test_narrow_series_raise_no_rise(
    marker_code: str,
    lowest: float,
    fractions: list[tuple[float, str | None]],
    treatment_days: list[int],
) -> None:
    marker = MARKERS[marker_code]
    threshold = marker.rise_threshold_pct() / 100
    readings = [ReadingPoint(1, marker_code, lowest, None, START, "Lab A")]
    for index, (fraction, qualifier) in enumerate(fractions, start=2):
        value = lowest * (1 + threshold * fraction)
        readings.append(
            ReadingPoint(
                index, marker_code, value, qualifier, START + timedelta(days=index), "Lab A"
            )
        )
    assert max(r.value for r in readings) < (1 + threshold) * lowest
    events = [
        EventPoint(i, "treatment", f"drug {i}", START + timedelta(days=offset))
        for i, offset in enumerate(treatment_days)
    ]
    assert rise_flags(analyse(readings, events)) == []


@fast
@given(histories(), st.randoms(use_true_random=False))
def test_entry_order_does_not_matter_on_distinct_dates(
    history: tuple[list[ReadingPoint], list[EventPoint]], rng: Random
) -> None:
    readings, events = history
    new_ids = list(range(100, 100 + len(readings)))
    rng.shuffle(new_ids)
    original_id = {new_id: r.id for r, new_id in zip(readings, new_ids, strict=True)}
    renumbered = [replace(r, id=new_id) for r, new_id in zip(readings, new_ids, strict=True)]
    rng.shuffle(renumbered)

    def key(flag: Flag, ids: dict[int, int]) -> tuple[object, ...]:
        compared = None if flag.compared_to is None else ids[flag.compared_to.reading_id]
        return (ids[flag.reading_id], flag.kind, flag.status, compared, flag.change_pct)

    same = {r.id: r.id for r in readings}
    before = [key(flag, same) for flag in analyse(readings, events).flags]
    after = [key(flag, original_id) for flag in analyse(renumbered, events).flags]
    assert after == before


@fast
@given(histories(min_size=2), values(), st.sampled_from(LABS), st.integers(1, 120))
def test_a_later_reading_never_confirms_a_not_confirmed_rise(
    history: tuple[list[ReadingPoint], list[EventPoint]],
    value: tuple[float, str | None],
    lab: str | None,
    gap_days: int,
) -> None:
    readings, events = history
    last = readings[-1]
    later = ReadingPoint(
        len(readings) + 1,
        last.marker,
        value[0],
        value[1],
        last.drawn_on + timedelta(days=gap_days),
        lab,
    )
    before = analyse(readings, events)
    after = analyse([*readings, later], events)
    statuses = {(f.reading_id, f.kind): f.status for f in after.flags}
    for flag in rise_flags(before):
        if flag.status == "not_confirmed":
            assert statuses[(flag.reading_id, flag.kind)] == "not_confirmed"
    # The new reading only decides statuses still open; no earlier flag appears or goes.
    assert [(f.reading_id, f.kind) for f in before.flags] == [
        (f.reading_id, f.kind) for f in after.flags if f.reading_id != later.id
    ]


@fast
@given(histories(), st.integers(0, 90))
def test_messages_are_never_diagnostic_and_end_with_the_closing(
    history: tuple[list[ReadingPoint], list[EventPoint]], window: int
) -> None:
    readings, events = history
    result = analyse(readings, events, TrendSettings(flare_window_days=window))
    for flag in result.flags:
        assert DIAGNOSTIC_WORDS.search(flag.message) is None, flag.message
        assert flag.message.endswith(CLOSING)
        assert MARKERS[flag.marker].name in flag.message
