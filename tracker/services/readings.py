"""Readings: add, edit, delete and list, with validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.catalogue.fields import NOTE_MAX_CHARS as NOTE_MAX_CHARS
from tracker.catalogue.fields import clean_lab as clean_lab
from tracker.catalogue.fields import clean_note as clean_note
from tracker.catalogue.fields import parse_ref_high as parse_ref_high
from tracker.catalogue.markers import MARKERS, find_marker, marker_by_code
from tracker.catalogue.units import (
    format_number,
    measurement,
    shown_value,
)
from tracker.errors import DatabaseError, DuplicateError, NotFoundError, ValidationError
from tracker.store.models import Patient, Reading, utcnow
from tracker.store.stored_rows import (
    UnreadableReading,
    readable,
    record_unreadable,
    unreadable_readings,
)
from tracker.trend.types import ReadingPoint


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


def _identity_match(session: Session, patient_id: int, values: dict[str, Any]) -> Reading | None:
    query = select(Reading).where(
        Reading.patient_id == patient_id,
        Reading.marker == values["marker"],
        Reading.drawn_on == values["drawn_on"],
        func.coalesce(Reading.lab, "") == (values["lab"] or ""),
        func.coalesce(Reading.qualifier, "") == (values["qualifier"] or ""),
        Reading.value == values["value"],
    )
    return session.scalars(query.limit(1)).first()


def _duplicate_error(existing: Reading) -> DuplicateError:
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
    existing = _identity_match(session, patient.id, values)
    if existing is not None:
        raise _duplicate_error(existing)
    reading = Reading(patient_id=patient.id, source=source, created_at=utcnow(), **values)
    session.add(reading)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Another process stored the same reading between our check and our insert.
        found = _identity_match(session, patient.id, values)
        if found is None:
            raise
        raise _duplicate_error(found) from None
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


def edit_reading(
    session: Session,
    patient: Patient,
    reading_id: int,
    *,
    marker: str | None = None,
    value: str | None = None,
    unit: str | None = None,
    drawn_on: date | None = None,
    lab: str | None = None,
    ref_high: str | None = None,
    note: str | None = None,
) -> Reading | UnreadableReading:
    """Correct fields of a reading; what is not given stays as it was.

    A row that cannot be read (written malformed by another program) is corrected in
    place as well; it is returned as still unreadable if what was given did not fix it.
    """
    found = stored_reading(session, patient, reading_id)
    old_marker = MARKERS.get(found.marker)
    if old_marker is None and marker is None:
        raise ValidationError(
            f"reading #{reading_id} has the marker code {found.marker!r}, which this version "
            f"of the tracker does not know; give the marker with `tracker edit {reading_id} "
            f"--marker M`, or remove it with `tracker delete {reading_id}`"
        )
    new_marker = find_marker(marker) if marker is not None else old_marker
    assert new_marker is not None  # one of the two is known (checked above)
    if isinstance(found, Reading):
        entered_value, entered_unit = found.entered_value, found.entered_unit
    else:
        entered_value, entered_unit = session.execute(
            select(Reading.entered_value, Reading.entered_unit).where(Reading.id == reading_id)
        ).one()
    changes: dict[str, Any] = {}
    if (
        old_marker is not None
        and new_marker is not old_marker
        and new_marker.unit != old_marker.unit
        and value is None
        and unit is None
    ):
        # Re-reading the number in another marker's unit would store a value nobody
        # measured (26 U/mL of CA 125 is not 26 ng/mL of CEA): ask for it instead.
        raise ValidationError(
            f"#{reading_id} holds {old_marker.name} in {old_marker.unit}, and "
            f"{new_marker.name} is measured in {new_marker.unit}; give the {new_marker.name} "
            f"result with --value and --unit (e.g. `tracker edit {reading_id} --marker "
            f"{new_marker.name.replace(' ', '')} --value V --unit {new_marker.unit}`)"
        )
    if new_marker is not old_marker:
        stored_limit = found.ref_high if isinstance(found, Reading) else None
        if (
            old_marker is not None
            and stored_limit is not None
            and ref_high is None
            and new_marker.unit != old_marker.unit
        ):
            raise ValidationError(
                f"#{reading_id} keeps an upper limit of {format_number(stored_limit)} "
                f"{old_marker.unit}, which is {old_marker.name}'s; give --ref-high for "
                f'{new_marker.name} (or --ref-high "" to clear it)'
            )
        changes["marker"] = new_marker.code
    if value is not None or unit is not None or new_marker is not old_marker:
        # A new unit alone re-reads the value as typed in that unit; a new marker re-reads
        # value and unit as typed, so they must suit that marker.
        measured = measurement(
            new_marker,
            value if value is not None else entered_value,
            unit if unit is not None else (entered_unit if value is None else None),
        )
        changes.update(
            value=measured.value,
            qualifier=measured.qualifier,
            unit=measured.unit,
            entered_value=measured.entered_value,
            entered_unit=measured.entered_unit,
        )
        entered_unit = measured.entered_unit
    if drawn_on is not None:
        refuse_before_birth(patient, drawn_on)
        changes["drawn_on"] = drawn_on
    if lab is not None:
        changes["lab"] = clean_lab(lab)
    if ref_high is not None:
        changes["ref_high"] = parse_ref_high(new_marker, ref_high, entered_unit)
    if note is not None:
        changes["note"] = clean_note(note)
    if isinstance(found, UnreadableReading):
        session.execute(update(Reading).where(Reading.id == reading_id).values(**changes))
        repaired = stored_reading(session, patient, reading_id)
        if isinstance(repaired, UnreadableReading):
            return repaired
        reading = repaired
    else:
        reading = found
        for name, new_value in changes.items():
            setattr(reading, name, new_value)
    values = {
        "marker": reading.marker,
        "value": reading.value,
        "qualifier": reading.qualifier,
        "drawn_on": reading.drawn_on,
        "lab": reading.lab,
    }
    with session.no_autoflush:
        clash = _identity_match(session, patient.id, values)
    if clash is not None and clash.id != reading.id:
        raise DuplicateError(
            f"after this change #{reading.id} would be the same reading as #{clash.id} "
            f"({describe(clash)}); delete one of them instead"
        )
    session.flush()
    return reading


def delete_readings(
    session: Session, patient: Patient, reading_ids: list[int]
) -> list[Reading | UnreadableReading]:
    """Delete readings of this patient; if any id is unknown, nothing is deleted.

    A row that cannot be read is deleted by id without loading it.
    """
    readings = [stored_reading(session, patient, reading_id) for reading_id in reading_ids]
    for reading in readings:
        if isinstance(reading, UnreadableReading):
            session.execute(delete(Reading).where(Reading.id == reading.id))
        else:
            session.delete(reading)
    session.flush()
    return readings


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
    """The patient's readable readings, oldest first (by date, then entry).

    Rows that cannot be read are left out and their ids recorded on the session
    (``unreadable_in``), so one malformed row never stops a listing, a trend or a report.
    Selected as columns, not ORM objects: a long series loads several times faster, and
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
    rows = session.execute(query.order_by(Reading.drawn_on, Reading.id))
    listed = [ListedReading._make(row) for row in rows]
    unreadable_in(session, patient, marker_code=marker_code)
    return listed


def unreadable_in(
    session: Session, patient: Patient, *, marker_code: str | None = None
) -> list[UnreadableReading]:
    """The patient's rows that cannot be read (of one marker, when given).

    They are recorded on the session for the command line's notice.
    """
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


def reading_json(reading: ListedReading | Reading, patient_name: str) -> dict[str, Any]:
    """One reading as ``list --json`` prints it (docs/design.md: exactly these keys)."""
    return {
        "id": reading.id,
        "patient": patient_name,
        "marker": marker_by_code(reading.marker).name,
        "value": reading.value,
        "qualifier": reading.qualifier,
        "unit": reading.unit,
        "drawn_on": reading.drawn_on.isoformat(),
        "lab": reading.lab,
        "ref_high": reading.ref_high,
        "note": reading.note,
    }
