"""Logging one draw (one or several readings) and the flags it raises: ``tracker add``,
``Tracker.add_draw`` and the web app's form.

The readings of one blood sample are written in one transaction (one bad entry: nothing
stored) and committed first; the trend engine then judges them in a read transaction of
its own, so the write lock is never held while the engine runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import find_marker
from tracker.catalogue.units import format_number
from tracker.errors import DuplicateError, ValidationError
from tracker.services.patients import resolve_patient
from tracker.services.readings import ReadingFields, add_reading, clean_lab
from tracker.services.trend import flags_for_readings
from tracker.store.models import Patient, Reading
from tracker.store.pauses_for_tests import pause_after_commit_for_tests

if TYPE_CHECKING:
    from tracker.store.database import Database
    from tracker.trend.types import Flag


@dataclass(frozen=True)
class LoggedReading:
    """What was stored, the flags it raised (each worded for the oncologist), and notices
    such as a remembered upper limit that was used."""

    readings: tuple[Reading, ...]
    flags: tuple[Flag, ...]
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredDraw:
    """The committed readings of one draw, before the trend engine has judged them."""

    patient: Patient
    readings: tuple[Reading, ...]
    notices: tuple[str, ...]


def last_lab(database: Database, patient_name: str | None, marker_text: str) -> str | None:
    """The lab of the patient's latest reading of this marker that names one."""
    marker = find_marker(marker_text)
    with database.reading() as session:
        patient = resolve_patient(session, patient_name, create_default=False)
        if patient is None:
            return None
        query = (
            select(Reading.lab)
            .where(
                Reading.patient_id == patient.id,
                Reading.marker == marker.code,
                Reading.lab.is_not(None),
            )
            .order_by(Reading.drawn_on.desc(), Reading.id.desc())
            .limit(1)
        )
        return session.scalar(query)


def remembered_ref_high(
    session: Session, patient: Patient, marker_code: str, lab: str
) -> float | None:
    """The lab's upper limit for the marker on its latest reading that had one."""
    query = (
        select(Reading.ref_high)
        .where(
            Reading.patient_id == patient.id,
            Reading.marker == marker_code,
            Reading.lab == lab,
            Reading.ref_high.is_not(None),
        )
        .order_by(Reading.drawn_on.desc(), Reading.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _with_remembered_limit(
    session: Session, patient: Patient, fields: ReadingFields
) -> tuple[ReadingFields, str | None]:
    lab = clean_lab(fields.lab)
    if lab is None or (fields.ref_high is not None and str(fields.ref_high).strip()):
        return fields, None
    marker = find_marker(fields.marker)
    limit = remembered_ref_high(session, patient, marker.code, lab)
    if limit is None:
        return fields, None
    text = f"{format_number(limit)} {marker.unit}"
    # The limit is stored in the canonical unit; the unit in the text says so.
    return replace(fields, ref_high=text), f"using {lab}'s {marker.name} upper limit, {text}"


def store_draw(
    database: Database, patient_name: str | None, entries: Sequence[ReadingFields], *, today: date
) -> StoredDraw:
    """Store the readings of one draw for the patient (created when none is stored), all
    or nothing, and commit. A reading without an upper limit from a lab that has one
    stored for that marker takes it (docs/design.md, "Entering and correcting")."""
    if not entries:
        raise ValidationError("nothing to add: give at least one MARKER VALUE pair")
    readings: list[Reading] = []
    notices: list[str] = []
    with database.writing() as session:
        patient = resolve_patient(session, patient_name, create_default=True)
        assert patient is not None  # create_default=True always yields one
        for number, fields in enumerate(entries, start=1):
            try:
                fields, notice = _with_remembered_limit(session, patient, fields)
                readings.append(add_reading(session, patient, fields, today=today))
            except (ValidationError, DuplicateError) as error:
                if len(entries) == 1:
                    raise
                raise type(error)(
                    f"{fields.marker} {fields.value} (entry {number}): {error.message}; "
                    "nothing was stored",
                    details=error.details,
                ) from None
            if notice:
                notices.append(notice)
    return StoredDraw(patient, tuple(readings), tuple(notices))


def flag_draw(database: Database, stored: StoredDraw) -> LoggedReading:
    """The flags the committed readings raise (computed after the commit)."""
    wanted = {reading.id: reading.marker for reading in stored.readings}
    with database.reading() as session:
        flags = flags_for_readings(session, stored.patient, wanted)
    return LoggedReading(readings=stored.readings, flags=tuple(flags), notices=stored.notices)


def log_draw(
    database: Database,
    patient_name: str | None,
    entries: Sequence[ReadingFields],
    *,
    today: date,
) -> LoggedReading:
    """Store one draw (one or several markers of the same blood sample), then flag it."""
    stored = store_draw(database, patient_name, entries, today=today)
    pause_after_commit_for_tests()
    return flag_draw(database, stored)
