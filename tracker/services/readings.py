"""Readings: add, look up and list, with validation (corrections: ``reading_edits.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.catalogue.fields import NOTE_MAX_CHARS as NOTE_MAX_CHARS
from tracker.catalogue.fields import clean_lab as clean_lab
from tracker.catalogue.fields import clean_note as clean_note
from tracker.catalogue.fields import parse_ref_high as parse_ref_high
from tracker.catalogue.markers import find_marker, marker_by_code
from tracker.catalogue.units import (
    measurement,
    shown_value,
)
from tracker.errors import DatabaseError, DuplicateError, NotFoundError, ValidationError
from tracker.store.driver_rows import driver_rows, stored_date
from tracker.store.models import Patient, Reading, utcnow
from tracker.store.stored_rows import (
    UnreadableReading,
    holds_more_than,
    readable,
    record_unreadable,
    unreadable_readings,
)

if TYPE_CHECKING:
    from tracker.trend.types import ReadingPoint

# Rows fetched per round trip by list_readings.
FETCH_ROWS = 2_000


@dataclass(frozen=True)
class ReadingFields:
    """What a user typed for a reading (None = not given)."""

    marker: str
    value: str
    unit: str | None = None
    drawn_on: date | None = None
    lab: str | None = None
    ref_high: str | None = None
    note: str | None = None


def refuse_before_birth(patient: Patient, day: date | None, what: str = "date") -> None:
    """Nothing is dated before the patient's stored birth date (docs/design.md, "Entering
    and correcting")."""
    if day is not None and patient.born is not None and day < patient.born:
        raise ValidationError(
            f"{what} {day.isoformat()} is before {patient.name}'s birth date "
            f"({patient.born.isoformat()})"
        )


def describe(reading: Reading | UnreadableReading) -> str:
    """``CA 15-3 41 U/mL on 2026-05-04 (City Lab)``; a row that cannot be read, as stored."""
    if isinstance(reading, UnreadableReading):
        return f"unreadable reading ({reading.marker}: {'; '.join(reading.problems)})"
    marker = marker_by_code(reading.marker)
    lab = f" ({reading.lab})" if reading.lab else ""
    value = shown_value(reading.qualifier, reading.value, reading.entered_value)
    return f"{marker.name} {value} {reading.unit} on {reading.drawn_on.isoformat()}{lab}"


def identity_match(session: Session, patient_id: int, values: dict[str, Any]) -> Reading | None:
    query = select(Reading).where(
        Reading.patient_id == patient_id,
        Reading.marker == values["marker"],
        Reading.drawn_on == values["drawn_on"],
        func.coalesce(Reading.lab, "") == (values["lab"] or ""),
        func.coalesce(Reading.qualifier, "") == (values["qualifier"] or ""),
        Reading.value == values["value"],
    )
    return session.scalars(query.limit(1)).first()


def duplicate_error(existing: Reading) -> DuplicateError:
    return DuplicateError(
        f"this reading is already stored as #{existing.id} ({describe(existing)}); "
        f"use `tracker edit {existing.id}` to change it"
    )


def add_reading(
    session: Session, patient: Patient, fields: ReadingFields, *, today: date, source: str = "cli"
) -> Reading:
    """Validate and store one reading; an exact duplicate is refused."""
    marker = find_marker(fields.marker)
    measured = measurement(marker, fields.value, fields.unit)
    refuse_before_birth(patient, fields.drawn_on or today)
    values: dict[str, Any] = {
        "marker": marker.code,
        "value": measured.value,
        "qualifier": measured.qualifier,
        "unit": measured.unit,
        "entered_value": measured.entered_value,
        "entered_unit": measured.entered_unit,
        "drawn_on": fields.drawn_on or today,
        "lab": clean_lab(fields.lab),
        "ref_high": parse_ref_high(marker, fields.ref_high, measured.entered_unit),
        "note": clean_note(fields.note),
    }
    existing = identity_match(session, patient.id, values)
    if existing is not None:
        raise duplicate_error(existing)
    reading = Reading(patient_id=patient.id, source=source, created_at=utcnow(), **values)
    session.add(reading)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Another process stored the same reading between our check and our insert.
        found = identity_match(session, patient.id, values)
        if found is None:
            raise
        raise duplicate_error(found) from None
    return reading


def get_reading(session: Session, patient: Patient, reading_id: int) -> Reading:
    """A readable reading of this patient, or NotFoundError (or the row's problems)."""
    found = stored_reading(session, patient, reading_id)
    if isinstance(found, UnreadableReading):
        raise DatabaseError(
            f"reading #{reading_id} cannot be read ({'; '.join(found.problems)}); "
            f"correct it with `tracker edit {reading_id}` or remove it with "
            f"`tracker delete {reading_id}`"
        )
    return found


def stored_reading(
    session: Session, patient: Patient, reading_id: int
) -> Reading | UnreadableReading:
    """A reading of this patient, or the row as stored when it cannot be read."""
    dialect = session.get_bind().dialect.name
    owned = session.scalar(
        select(Reading.id).where(Reading.id == reading_id, Reading.patient_id == patient.id)
    )
    if owned is None:
        raise NotFoundError(f"no reading #{reading_id} for {patient.name}")
    if session.scalar(select(Reading.id).where(Reading.id == reading_id, readable(dialect))):
        reading = session.get(Reading, reading_id)
        assert reading is not None  # just selected, inside this transaction
        return reading
    return unreadable_readings(session, patient.id, reading_id=reading_id)[0]


class ListedReading(NamedTuple):
    """A stored reading as listed: plain read-only data, not a tracked ORM object."""

    id: int
    marker: str
    value: float
    qualifier: str | None
    unit: str
    drawn_on: date
    lab: str | None
    ref_high: float | None
    note: str | None
    entered_value: str | None


def list_readings(
    session: Session,
    patient: Patient,
    *,
    marker_code: str | None = None,
    since: date | None = None,
) -> list[ListedReading]:
    """The patient's readable readings, oldest first (see :func:`readings_and_unreadable`)."""
    listed, _unreadable = readings_and_unreadable(
        session, patient, marker_code=marker_code, since=since
    )
    return listed


def readings_and_unreadable(
    session: Session,
    patient: Patient,
    *,
    marker_code: str | None = None,
    since: date | None = None,
) -> tuple[list[ListedReading], list[UnreadableReading]]:
    """The patient's readable readings, oldest first (by date, then entry), and the rows
    of that marker (any date) that cannot be read.

    Rows that cannot be read are left out and their ids recorded on the session
    (``unreadable_in``), so one malformed row never stops a listing, a trend or a report.
    Selected as columns, not ORM objects, and read as the driver returns them
    (tracker/store/driver_rows.py): a long series loads several times faster, and
    listing, trends and reports only read them.
    """
    # The columns named like ListedReading's fields, in its order.
    query = select(*(getattr(Reading, name) for name in ListedReading._fields)).where(
        Reading.patient_id == patient.id, readable(session.get_bind().dialect.name)
    )
    if marker_code is not None:
        query = query.where(Reading.marker == marker_code)
    if since is not None:
        query = query.where(Reading.drawn_on >= since)
    rows = driver_rows(session, query.order_by(Reading.drawn_on, Reading.id), batch=FETCH_ROWS)
    listed = [
        ListedReading(id_, code, value, qualifier, unit, stored_date(day), lab, high, note, typed)
        for id_, code, value, qualifier, unit, day, lab, high, note, typed in rows
    ]
    read_all = len(listed) if since is None else None
    return listed, unreadable_in(session, patient, marker_code=marker_code, readable_count=read_all)


def unreadable_in(
    session: Session,
    patient: Patient,
    *,
    marker_code: str | None = None,
    readable_count: int | None = None,
) -> list[UnreadableReading]:
    """The patient's rows that cannot be read (of one marker, when given).

    They are recorded on the session for the command line's notice. ``readable_count``:
    how many readable rows (of that marker, any date) the caller has just read in this
    session; the search runs only when the table holds more (``holds_more_than``).
    """
    markers = None if marker_code is None else (marker_code,)
    if readable_count is not None and not holds_more_than(
        session, Reading, readable_count, patient_id=patient.id, markers=markers
    ):
        return []
    rows = [
        row
        for row in unreadable_readings(session, patient.id)
        if marker_code is None or row.marker == marker_code
    ]
    record_unreadable(session, (row.id for row in rows))
    return rows


def has_readings(session: Session, patient: Patient) -> bool:
    """Whether the patient has any reading at all (to word an empty filtered list)."""
    query = select(Reading.id).where(Reading.patient_id == patient.id).limit(1)
    return session.scalar(query) is not None


def reading_points(readings: Sequence[ListedReading | Reading]) -> list[ReadingPoint]:
    """Plain data for the trend engine and the reports."""
    from tracker.trend.types import ReadingPoint  # not needed by add, list or edit

    return [
        ReadingPoint(
            id=r.id,
            marker=r.marker,
            value=r.value,
            qualifier=r.qualifier,
            drawn_on=r.drawn_on,
            lab=r.lab,
            ref_high=r.ref_high,
            note=r.note,
        )
        for r in readings
    ]
