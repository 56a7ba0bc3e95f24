"""Logging one reading and the flags it raises: ``tracker add`` and ``Tracker.add_reading``.

The reading is written and committed first; the trend engine then judges it in a read
transaction of its own, so the write lock is never held while the engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.services.patients import resolve_patient
from tracker.services.readings import ReadingFields, add_reading
from tracker.services.trend import flags_for_reading

if TYPE_CHECKING:
    from tracker.store.database import Database
    from tracker.store.models import Reading
    from tracker.trend.types import Flag


@dataclass(frozen=True)
class LoggedReading:
    """What was stored, and the flags it raised (each worded for the oncologist)."""

    readings: tuple[Reading, ...]
    flags: tuple[Flag, ...]


def log_reading(
    database: Database, patient_name: str | None, fields: ReadingFields, *, today: date
) -> LoggedReading:
    """Store one reading for the patient (created when none is stored), then flag it."""
    with database.writing() as session:
        patient = resolve_patient(session, patient_name, create_default=True)
        assert patient is not None  # create_default=True always yields one
        reading = add_reading(session, patient, fields, today=today)
    with database.reading() as session:
        flags = flags_for_reading(session, patient, reading.id)
    return LoggedReading(readings=(reading,), flags=tuple(flags))
