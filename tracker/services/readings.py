"""Readings: add, edit, delete and list, with validation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.catalogue.markers import VALUE_CEILING, Marker, find_marker, marker_by_code
from tracker.catalogue.units import (
    format_number,
    measurement,
    normalise_spaces,
    parse_value,
    refuse_control_characters,
    shown_value,
    unit_factor,
)
from tracker.errors import DuplicateError, NotFoundError, ValidationError
from tracker.store.models import Patient, Reading, utcnow
from tracker.trend.types import ReadingPoint

NOTE_MAX_CHARS = 2000


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


def clean_lab(lab: str | None) -> str | None:
    """Trimmed lab name, inner spaces collapsed; empty means unknown (None)."""
    if lab is None:
        return None
    refuse_control_characters(lab, "a lab name")
    cleaned = normalise_spaces(lab)
    if len(cleaned) > 200:
        raise ValidationError("a lab name can be at most 200 characters")
    return cleaned or None


def clean_note(note: str | None) -> str | None:
    """Notes are kept as typed (they round-trip through CSV), only emptiness means none."""
    if note is None or not note.strip():
        return None
    refuse_control_characters(note, "a note")
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(f"a note can be at most {NOTE_MAX_CHARS} characters")
    return note


def parse_ref_high(marker: Marker, text: str | None, unit: str | None) -> float | None:
    """The lab's upper reference limit, in the marker's canonical unit."""
    if text is None or not str(text).strip():
        return None
    try:
        parsed = parse_value(str(text))
    except ValidationError:
        parsed = None
    if parsed is None or parsed.qualifier is not None:
        raise ValidationError(
            f"upper reference limit {text!r} must be a plain number above 0 (e.g. 30)"
        )
    value = parsed.number * unit_factor(marker, parsed.unit or unit)
    if not math.isfinite(value) or value <= 0 or value > VALUE_CEILING:
        raise ValidationError(
            f"upper reference limit {text!r} must be a number above 0 and at most "
            f"{VALUE_CEILING:,.0f}"
        )
    return value


def refuse_before_birth(patient: Patient, day: date | None, what: str = "date") -> None:
    """Nothing is dated before the patient's stored birth date (docs/design.md, "Entering
    and correcting")."""
    if day is not None and patient.born is not None and day < patient.born:
        raise ValidationError(
            f"{what} {day.isoformat()} is before {patient.name}'s birth date "
            f"({patient.born.isoformat()})"
        )


def describe(reading: Reading) -> str:
    """``CA 15-3 41 U/mL on 2026-05-04 (City Lab)``."""
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
    """A reading of this patient, or NotFoundError."""
    reading = session.get(Reading, reading_id)
    if reading is None or reading.patient_id != patient.id:
        raise NotFoundError(f"no reading #{reading_id} for {patient.name}")
    return reading


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
) -> Reading:
    """Correct fields of a reading; what is not given stays as it was."""
    reading = get_reading(session, patient, reading_id)
    old_marker = marker_by_code(reading.marker)
    new_marker = old_marker if marker is None else find_marker(marker)
    if new_marker is not old_marker:
        if reading.ref_high is not None and ref_high is None and new_marker.unit != old_marker.unit:
            raise ValidationError(
                f"#{reading.id} keeps an upper limit of {format_number(reading.ref_high)} "
                f"{old_marker.unit}, which is {old_marker.name}'s; give --ref-high for "
                f'{new_marker.name} (or --ref-high "" to clear it)'
            )
        reading.marker = new_marker.code
    if value is not None or unit is not None or new_marker is not old_marker:
        # A new unit alone re-reads the value as typed in that unit; a new marker re-reads
        # value and unit as typed, so they must suit that marker.
        measured = measurement(
            new_marker,
            value if value is not None else reading.entered_value,
            unit if unit is not None else (reading.entered_unit if value is None else None),
        )
        reading.value = measured.value
        reading.qualifier = measured.qualifier
        reading.unit = measured.unit
        reading.entered_value = measured.entered_value
        reading.entered_unit = measured.entered_unit
    if drawn_on is not None:
        refuse_before_birth(patient, drawn_on)
        reading.drawn_on = drawn_on
    if lab is not None:
        reading.lab = clean_lab(lab)
    if ref_high is not None:
        reading.ref_high = parse_ref_high(new_marker, ref_high, reading.entered_unit)
    if note is not None:
        reading.note = clean_note(note)
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


def delete_readings(session: Session, patient: Patient, reading_ids: list[int]) -> list[Reading]:
    """Delete readings of this patient; if any id is unknown, nothing is deleted."""
    readings = [get_reading(session, patient, reading_id) for reading_id in reading_ids]
    for reading in readings:
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
    """The patient's readings, oldest first (by date, then entry).

    Selected as columns, not ORM objects: a long series loads several times faster, and
    listing, trends and reports only read them.
    """
    # The columns named like ListedReading's fields, in its order.
    query = select(*(getattr(Reading, name) for name in ListedReading._fields)).where(
        Reading.patient_id == patient.id
    )
    if marker_code is not None:
        query = query.where(Reading.marker == marker_code)
    if since is not None:
        query = query.where(Reading.drawn_on >= since)
    rows = session.execute(query.order_by(Reading.drawn_on, Reading.id))
    return [ListedReading._make(row) for row in rows]


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
