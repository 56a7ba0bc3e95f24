"""The streaming trend pass (issue 17): flags handed on as soon as they are finished, in
series order, only those asked for built, and the same results as ``analyse``."""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable
from dataclasses import FrozenInstanceError, fields
from datetime import date, timedelta
from itertools import pairwise

import pytest

from tracker.catalogue.lab_names import lab_key
from tracker.trend.draws import Draw
from tracker.trend.engine import DEFAULT_SETTINGS, LabGroup, MarkerPass, analyse, lab_groups
from tracker.trend.treatment_lines import TreatmentTimeline
from tracker.trend.types import RISE_KINDS, EventPoint, Flag, ReadingPoint

LABS = ("City Lab", "North Lab", " city  lab", None)
START = date(2020, 1, 1)
EVENTS = [
    EventPoint(1, "treatment", "letrozole", START + timedelta(days=90)),
    EventPoint(2, "condition", "smoking", START),
]


def _history(count: int, seed: int = 5) -> list[ReadingPoint]:
    """CEA readings, two or three a day from alternating labs, values jumping about."""
    rng = random.Random(seed)
    readings = []
    for index in range(count):
        day = START + timedelta(days=index // 3)
        value = round(3.0 * rng.uniform(0.5, 2.0), 1)
        readings.append(ReadingPoint(index + 1, "CEA", value, None, day, rng.choice(LABS)))
    return readings


def _pass(
    readings: list[ReadingPoint], sink: list[Flag], keep: Callable[[int], bool] | None = None
) -> MarkerPass:
    groups = lab_groups((reading.lab, reading.drawn_on) for reading in readings)
    timeline = TreatmentTimeline(tuple(EVENTS), DEFAULT_SETTINGS.flare_window_days)
    return MarkerPass("CEA", groups, timeline, EVENTS, DEFAULT_SETTINGS, sink.append, keep=keep)


def _facts(flag: Flag) -> tuple[object, ...]:
    return (flag.reading_id, flag.kind, flag.status, flag.status_note, flag.message)


def test_the_streamed_flags_are_analyse_s_in_series_order() -> None:
    readings = _history(600)
    streamed: list[Flag] = []
    series = _pass(readings, streamed).read(readings)
    result = analyse(readings, EVENTS)
    assert series == result.series
    for summary in series:
        key = lab_key(summary.lab)
        mine = [_facts(f) for f in streamed if lab_key(f.lab) == key]
        theirs = [_facts(f) for f in result.flags if lab_key(f.lab) == key]
        assert mine == theirs  # each series' flags in their order, with their words
    assert sorted(map(_facts, streamed)) == sorted(map(_facts, result.flags))


def test_flags_are_handed_on_while_the_history_is_still_being_read() -> None:
    readings = _history(900)
    streamed: list[Flag] = []
    marker_pass = _pass(readings, streamed)
    days: dict[date, list[ReadingPoint]] = {}
    for reading in readings:
        days.setdefault(reading.drawn_on, []).append(reading)
    for members in list(days.values())[:200]:
        marker_pass.day(members)
    # Most flags of the first 200 days are out before the other 100 days are read: only
    # rises whose status a later draw decides (and the flags after them) are held back.
    handed_on = len(streamed)
    total = sum(
        1
        for flag in analyse(readings[:600], EVENTS).flags
        if flag.drawn_on < START + timedelta(200)
    )
    assert handed_on >= total - 12, (handed_on, total)
    assert all(flag.drawn_on < START + timedelta(days=200) for flag in streamed)


def test_only_the_flags_of_the_readings_asked_for_are_built() -> None:
    readings = _history(600)
    wanted = {flag.reading_id for flag in analyse(readings, EVENTS).flags[::7]}
    streamed: list[Flag] = []
    _pass(readings, streamed, keep=wanted.__contains__).read(readings)
    expected = [f for f in analyse(readings, EVENTS).flags if f.reading_id in wanted]
    assert sorted(map(_facts, streamed)) == sorted(map(_facts, expected))


def test_a_lab_the_groups_did_not_name_is_read_as_a_group_of_its_own() -> None:
    """From the database the groups come from an earlier statement than the readings: a
    reading written in between must not stop the pass, nor a group left without any."""
    readings = [
        ReadingPoint(1, "CEA", 2.0, None, START, "City Lab"),
        ReadingPoint(2, "CEA", 3.0, None, START + timedelta(days=30), "City Lab"),
        ReadingPoint(3, "CEA", 4.0, None, START + timedelta(days=60), "New Lab"),
    ]
    groups = [
        LabGroup("city lab", "City Lab", START + timedelta(days=30)),
        LabGroup("gone lab", "Gone Lab", START),
    ]
    timeline = TreatmentTimeline((), DEFAULT_SETTINGS.flare_window_days)
    flags: list[Flag] = []
    marker_pass = MarkerPass("CEA", groups, timeline, (), DEFAULT_SETTINGS, flags.append)
    series = marker_pass.read(readings)
    assert [(s.lab, s.count) for s in series] == [("City Lab", 2), ("New Lab", 1)]
    # The rise waits for a next City Lab draw that never comes; the new lab's flag does not.
    assert [(f.reading_id, f.kind) for f in flags] == [(3, "lab_changed"), (2, "rise")]


def test_lab_groups_show_the_spelling_of_the_latest_date_and_come_latest_first() -> None:
    groups = lab_groups(
        [
            ("city  lab", START),
            ("City Lab", START + timedelta(days=5)),
            ("CITY LAB", START + timedelta(days=5)),
            ("North Lab", START + timedelta(days=9)),
            (None, START + timedelta(days=5)),
            (" ", START + timedelta(days=7)),
        ]
    )
    assert groups == [
        LabGroup("north lab", "North Lab", START + timedelta(days=9)),
        LabGroup(None, None, START + timedelta(days=7)),
        LabGroup("city lab", "CITY LAB", START + timedelta(days=5)),
    ]


class _EveryDayAsSeveral(MarkerPass):
    """The pass with its one-reading shortcut turned off: every date goes through the
    general grouping, as it did before the shortcut existed."""

    def day(self, members: list[ReadingPoint]) -> None:
        self._several_readings_day(members)


def _sparse_history(count: int, seed: int) -> list[ReadingPoint]:
    """Mostly one reading a date, sometimes two (another lab, or a replicate), labs
    switching now and then, values jumping about: every kind of day the shortcut meets."""
    rng = random.Random(seed)
    readings = []
    day = START
    for index in range(count):
        if rng.random() > 0.2:
            day += timedelta(days=rng.randint(1, 40))
        value = round(3.0 * rng.uniform(0.5, 2.5), 1)
        qualifier = rng.choice((None,) * 12 + ("<", ">"))
        lab = rng.choice(LABS) if rng.random() < 0.3 else "City Lab"
        ref_high = rng.choice((None, None, 5.0))
        readings.append(ReadingPoint(index + 1, "CEA", value, qualifier, day, lab, ref_high))
    return readings


def test_a_date_of_one_reading_is_read_as_the_general_grouping_reads_it() -> None:
    timeline = TreatmentTimeline(tuple(EVENTS), DEFAULT_SETTINGS.flare_window_days)
    for seed in range(12):
        readings = _sparse_history(300, seed)
        assert any(a.drawn_on == b.drawn_on for a, b in pairwise(readings))
        groups = lab_groups((reading.lab, reading.drawn_on) for reading in readings)
        wanted = {reading.id for reading in readings[seed::5]}
        for keep in (None, wanted.__contains__):
            shortcut: list[Flag] = []
            general: list[Flag] = []
            passes = [
                kind("CEA", groups, timeline, EVENTS, DEFAULT_SETTINGS, sink.append, keep=keep)
                for kind, sink in ((MarkerPass, shortcut), (_EveryDayAsSeveral, general))
            ]
            assert passes[0].read(readings) == passes[1].read(readings)
            assert [_facts(flag) for flag in shortcut] == [_facts(flag) for flag in general]
            assert shortcut == general
            assert len(shortcut) > 10


def test_only_the_flags_asked_for_are_built_on_mixed_histories() -> None:
    """Any subset of the readings, on histories of one- and two-reading dates."""
    for seed in range(8):
        readings = _sparse_history(300, seed)
        wanted = {r.id for r in random.Random(seed).sample(readings, 60)}
        everything: list[Flag] = []
        _pass(readings, everything).read(readings)
        asked: list[Flag] = []
        _pass(readings, asked, keep=wanted.__contains__).read(readings)
        expected = [flag for flag in everything if flag.reading_id in wanted]
        assert [_facts(flag) for flag in asked] == [_facts(flag) for flag in expected]
        assert any(flag.kind in RISE_KINDS for flag in asked)


def test_points_and_draws_built_for_speed_are_the_ordinary_frozen_values() -> None:
    args = (7, "CEA", 3.1, "<", START, "City Lab", 5.0, "fasting")
    stored = ReadingPoint.stored(*args)
    plain = ReadingPoint(*args)
    assert stored == plain and hash(stored) == hash(plain) and repr(stored) == repr(plain)
    with pytest.raises(FrozenInstanceError):
        stored.value = 4.0  # type: ignore[misc]
    single = Draw.single(plain)
    assert single == Draw((plain,), plain, plain) == Draw.of([plain])
    assert hash(single) == hash(Draw((plain,), plain, plain))
    with pytest.raises(FrozenInstanceError):
        single.low = stored  # type: ignore[misc]


def test_a_stored_point_takes_exactly_the_fields_of_a_reading_point() -> None:
    """``stored`` fills ``__dict__`` itself: a field added to the class must be added there
    too, or the points it builds would lack it."""
    parameters = list(inspect.signature(ReadingPoint.stored).parameters)
    assert parameters == [field.name for field in fields(ReadingPoint)]
    assert [field.name for field in fields(Draw)] == ["readings", "high", "low"]
