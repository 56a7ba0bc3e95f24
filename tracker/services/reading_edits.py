"""Correcting stored readings: ``tracker edit`` and ``tracker delete`` (and the web forms).

An edit is validated as ``add`` validates, and refused when it would make the reading an
exact duplicate of another.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker.catalogue.fields import clean_lab, clean_note, parse_ref_high
from tracker.catalogue.markers import MARKERS, find_marker
from tracker.catalogue.units import format_number, measurement
from tracker.errors import DuplicateError, ValidationError
from tracker.services.readings import (
    describe,
    identity_match,
    refuse_before_birth,
    stored_reading,
)
from tracker.store.models import Patient, Reading
from tracker.store.stored_rows import UnreadableReading


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
        clash = identity_match(session, patient.id, values)
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
