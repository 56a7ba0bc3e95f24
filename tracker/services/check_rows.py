"""``check``'s look at single rows: what one reading or event can get wrong on its own.

Rows are read without SQLAlchemy's type conversion of dates, so a malformed value
stored behind the tracker's back is reported instead of stopping the check.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, NamedTuple

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.markers import MARKERS, VALUE_CEILING
from tracker.catalogue.units import EARLIEST_DATE, format_number


class PatientInfo(NamedTuple):
    name: str
    born: date | None


class ReadingRow(NamedTuple):
    """The columns of a reading that ``check`` looks at, as stored."""

    id: int
    patient_id: int
    marker: str
    value: Any
    qualifier: Any
    unit: Any
    drawn_on: Any
    lab: str | None
    ref_high: Any


def as_date(value: Any) -> date | None:
    """A stored date (a date object, or ISO text on SQLite), or None when it is not one."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def as_number(value: Any) -> float | None:
    """A stored number (SQLite may hold text in a REAL column), or None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _value_problem(value: Any, what: str) -> str | None:
    number = as_number(value)
    if number is None:
        return f"{what} {value!r} is not a number"
    if math.isnan(number) or math.isinf(number):
        return f"{what} {number} is not a finite number"
    if number < 0:
        return f"{what} {format_number(number)} is negative"
    if number > VALUE_CEILING:
        return f"{what} {format_number(number)} is above the ceiling of {VALUE_CEILING:,.0f}"
    return None


def _date_problems(
    drawn_on: Any, born: date | None, *, today: date, what: str = "drawn on"
) -> list[str]:
    day = as_date(drawn_on)
    if day is None:
        return [f"{what} {drawn_on!r} is not a date"]
    if day > today:
        return [f"{what} {day.isoformat()}, which is in the future (today is {today.isoformat()})"]
    if day < EARLIEST_DATE:
        return [f"{what} {day.isoformat()}, before 1900"]
    if born is not None and day < born:
        return [f"{what} {day.isoformat()}, before the patient's birth ({born.isoformat()})"]
    return []


def reading_problems(
    reading: ReadingRow, patients: dict[int, PatientInfo], *, today: date
) -> list[str]:
    """Every problem of one reading, each as ``reading #ID (patient): …``."""
    patient = patients.get(reading.patient_id)
    found: list[str] = []
    if patient is None:
        found.append(f"belongs to patient #{reading.patient_id}, who does not exist (orphan row)")
    marker = MARKERS.get(reading.marker)
    if marker is None:
        found.append(f"unknown marker code {reading.marker!r}")
    value_problem = _value_problem(reading.value, "value")
    if value_problem:
        found.append(value_problem)
    if reading.qualifier not in (None, "<", ">"):
        found.append(f"qualifier {reading.qualifier!r} is not '<' or '>'")
    if marker is not None and reading.unit != marker.unit:
        found.append(f"unit {reading.unit!r} does not fit {marker.name} (stored in {marker.unit})")
    if reading.ref_high is not None:
        limit_problem = _value_problem(reading.ref_high, "upper reference limit")
        if limit_problem is None and as_number(reading.ref_high) == 0:
            limit_problem = "upper reference limit is 0"
        if limit_problem:
            found.append(limit_problem)
    found.extend(_date_problems(reading.drawn_on, patient.born if patient else None, today=today))
    owner = f" ({patient.name})" if patient else ""
    return [f"reading #{reading.id}{owner}: {problem}" for problem in found]


def event_problems(event: Any, patients: dict[int, PatientInfo]) -> list[str]:
    """Every problem of one event row (id, patient_id, kind, started_on, ended_on)."""
    patient = patients.get(event.patient_id)
    found: list[str] = []
    if patient is None:
        found.append(f"belongs to patient #{event.patient_id}, who does not exist (orphan row)")
    if event.kind not in EVENT_KINDS:
        found.append(f"unknown event kind {event.kind!r}")
    started_on = as_date(event.started_on)
    if started_on is None:
        found.append(f"start date {event.started_on!r} is not a date")
    if event.ended_on is not None:
        ended_on = as_date(event.ended_on)
        if ended_on is None:
            found.append(f"end date {event.ended_on!r} is not a date")
        elif started_on is not None and ended_on < started_on:
            found.append(
                f"ends on {ended_on.isoformat()}, before it starts ({started_on.isoformat()})"
            )
    owner = f" ({patient.name})" if patient else ""
    return [f"event #{event.id}{owner}: {problem}" for problem in found]
