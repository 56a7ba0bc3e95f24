"""Imported rows dated before their patient's stored birth date are refused.

Checked with one query per table after the rows are inserted and before the commit, so
the row builders' hot loop is untouched and a refused file imports nothing
(docs/design.md, "Entering and correcting": readings, events and imported rows alike).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import marker_by_code
from tracker.errors import ValidationError
from tracker.store.models import Event, Patient, Reading

# The error names this many of the rows, then counts the rest.
SHOWN_LIMIT = 10


def refuse_rows_before_birth(session: Session, stamp: datetime) -> None:
    """Raise when a reading or event this import added (``created_at == stamp``) is dated
    before its patient's birth date; the caller's transaction then rolls back."""
    readings = session.execute(
        select(Patient.name, Patient.born, Reading.marker, Reading.drawn_on)
        .join(Patient, Patient.id == Reading.patient_id)
        .where(
            Reading.created_at == stamp,
            Patient.born.is_not(None),
            Reading.drawn_on < Patient.born,
        )
        .order_by(Patient.name, Reading.drawn_on)
        .limit(SHOWN_LIMIT + 1)
    ).all()
    events = session.execute(
        select(Patient.name, Patient.born, Event.kind, Event.name, Event.started_on)
        .join(Patient, Patient.id == Event.patient_id)
        .where(
            Event.created_at == stamp,
            Patient.born.is_not(None),
            Event.started_on < Patient.born,
        )
        .order_by(Patient.name, Event.started_on)
        .limit(SHOWN_LIMIT + 1)
    ).all()
    details = [
        f"{name}: {marker_by_code(code).name} reading of {day.isoformat()} is before the "
        f"birth date {born}"
        for name, born, code, day in readings
    ] + [
        f"{name}: {kind} {event} from {day.isoformat()} is before the birth date {born}"
        for name, born, kind, event, day in events
    ]
    if details:
        more = len(details) > SHOWN_LIMIT
        raise ValidationError(
            "nothing was imported: rows are dated before the patient's birth date"
            + (" (the first ones are listed)" if more else ""),
            details=details[:SHOWN_LIMIT],
        )
