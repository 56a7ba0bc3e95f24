"""Draws of one lab group, and the pace of a rising run (docs/clinical-rules.md).

A draw is the readings of one lab group on one date: one blood sample, never compared
within itself. These helpers are pure and shared by the series reader and the engine.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.trend.rules import MarkerRules, change_pct
from tracker.trend.treatment_lines import TreatmentChange
from tracker.trend.types import ReadingPoint, RisingRun

# Rising run and doubling time: >= 2 consecutive increases (>= 3 draws).
RISING_RUN_MIN_INCREASES = 2

_QUALIFIER_RANK = {"<": 0, None: 1, ">": 2}
_new_instance = object.__new__


def rank(reading: ReadingPoint) -> tuple[float, int]:
    """Order of results by value: ``<x`` below a plain x below ``>x``."""
    return (reading.value, _QUALIFIER_RANK.get(reading.qualifier, 1))


@dataclass(frozen=True)
class Draw:
    """The readings of one lab group on one date: one blood sample, never compared within.

    As the earlier value of a comparison a draw counts as its highest reading, as the
    later value as its lowest, so replicates can never manufacture a rise.
    """

    readings: tuple[ReadingPoint, ...]
    high: ReadingPoint
    low: ReadingPoint

    @classmethod
    def of(cls, readings: Sequence[ReadingPoint]) -> Draw:
        ordered = tuple(readings)
        if len(ordered) == 1:
            return cls.single(ordered[0])
        return cls(ordered, max(ordered, key=rank), min(ordered, key=rank))

    @classmethod
    def single(cls, reading: ReadingPoint) -> Draw:
        """The draw of one reading: the usual case, once per draw of a long history, so
        its fields are filled at once rather than through the frozen ``__init__``; the
        draw is the same and as frozen (``ReadingPoint.stored`` says why and what that
        asks of the class: a ``__dict__``, no ``__post_init__``)."""
        draw = _new_instance(cls)
        draw.__dict__.update(readings=(reading,), high=reading, low=reading)
        return draw

    @property
    def drawn_on(self) -> date:
        return self.low.drawn_on


class RunPoints:
    """The points of the current rising run that its doubling time is fitted to.

    The earlier value of the run's first draw, then the later value of each draw after
    it, as day offsets and natural logarithms in two arrays (16 bytes a draw): values
    outside the measurable range (``<x``, ``>x``) and zero have no usable logarithm and
    are left out (docs/clinical-rules.md "Rising run and doubling time").
    """

    __slots__ = ("days", "first_day", "logs")

    def __init__(self) -> None:
        self.first_day: date | None = None
        self.days = array("d")
        self.logs = array("d")

    def add(self, reading: ReadingPoint) -> None:
        if reading.qualifier is not None or reading.value <= 0:
            return
        if self.first_day is None:
            self.first_day = reading.drawn_on
        self.days.append(float((reading.drawn_on - self.first_day).days))
        self.logs.append(math.log(reading.value))


def rising_run(
    latest: Draw,
    first: Draw | None,
    increases: int,
    points: RunPoints,
    rules: MarkerRules,
    change: TreatmentChange | None,
) -> tuple[RisingRun | None, float | None]:
    """The run of ``increases`` from ``first`` to the ``latest`` draw, when it is a real
    rise, and its doubling time (docs/clinical-rules.md, "Rising run and doubling time")."""
    if first is None or increases < RISING_RUN_MIN_INCREASES:
        return None, None
    if not rules.is_rise(latest.low, first.high):
        return None, None
    pct = change_pct(latest.low, first.high)
    if pct is None:
        return None, None
    in_window = change is not None and change.in_flare_window(latest.drawn_on)
    at_least = first.high.qualifier == "<" or latest.low.qualifier == ">"
    run = RisingRun(
        increases,
        first.drawn_on,
        pct,
        in_flare_window=in_window,
        at_least=at_least,
        first=first.high,
        last=latest.low,
    )
    return run, doubling_time_days(points)


def doubling_time_days(run: RunPoints) -> float | None:
    """ln 2 / slope of ln(value) against days, fitted by least squares over ``run``.

    ``run`` holds the series' rising run (docs/clinical-rules.md "Rising run and
    doubling time"); fewer than 3 usable points, or a slope that is not positive, give
    None. Descriptive only: no validated threshold exists.
    """
    days, logs = run.days, run.logs
    if len(days) < RISING_RUN_MIN_INCREASES + 1:
        return None
    mean_day = sum(days) / len(days)
    mean_log = sum(logs) / len(logs)
    spread_days = sum((d - mean_day) ** 2 for d in days)
    if spread_days == 0:
        return None
    slope = sum((d - mean_day) * (v - mean_log) for d, v in zip(days, logs, strict=True))
    slope /= spread_days
    if slope <= 0:
        return None
    return math.log(2) / slope
