"""Building trend-engine inputs for the trend tests: readings, events and expected cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tracker.trend.types import EventPoint, ReadingPoint, TrendResult, TrendSettings

START = date(2026, 1, 5)


ExpectedFlag = tuple[int, str, str, int | None, float | None]


def day(offset: int) -> date:
    return START + timedelta(days=offset)


def reading(
    reading_id: int,
    offset: int,
    value: float,
    marker: str = "CEA",
    *,
    lab: str | None = None,
    qualifier: str | None = None,
    ref_high: float | None = None,
) -> ReadingPoint:
    return ReadingPoint(reading_id, marker, value, qualifier, day(offset), lab, ref_high)


def event(event_id: int, kind: str, name: str, offset: int) -> EventPoint:
    return EventPoint(event_id, kind, name, day(offset))


def ca153(reading_id: int, offset: int, value: float, **kwargs: Any) -> ReadingPoint:
    return reading(reading_id, offset, value, "CA15-3", **kwargs)


def ca125(reading_id: int, offset: int, value: float, **kwargs: Any) -> ReadingPoint:
    return reading(reading_id, offset, value, "CA125", **kwargs)


@dataclass(frozen=True)
class Case:
    name: str
    readings: list[ReadingPoint]
    expected: list[ExpectedFlag]
    events: list[EventPoint] = field(default_factory=list)
    settings: TrendSettings = field(default_factory=TrendSettings)
    # Optional checks of the (only) series summary: the nadir's reading id.
    nadir_id: int | None = None


def observed(result: TrendResult) -> list[ExpectedFlag]:
    return [
        (
            flag.reading_id,
            flag.kind,
            flag.status,
            None if flag.compared_to is None else flag.compared_to.reading_id,
            None if flag.change_pct is None else round(flag.change_pct, 1),
        )
        for flag in result.flags
    ]
