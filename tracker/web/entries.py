"""What the forms change: a draw of one or several markers, an edit, a delete, an event.

Every value is checked by the same services as ``tracker add`` / ``edit`` / ``event add``,
so a bad value gets the command line's message. A draw of several markers is stored by
``log_draw`` in one write transaction: all of its readings or none. One writer at a
time, as in the CLI.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.catalogue.units import parse_date
from tracker.errors import ValidationError
from tracker.services.events import add_event, delete_event, edit_event, get_event
from tracker.services.log_reading import log_draw
from tracker.services.patients import resolve_patient
from tracker.services.reading_edits import delete_readings, edit_reading
from tracker.services.readings import ReadingFields, describe, get_reading
from tracker.store.models import Event
from tracker.store.stored_rows import UnreadableEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.store.database import Database
    from tracker.store.models import Patient

# The web app's writes wait for each other here, then for the database's own lock.
WRITER = threading.Lock()


@dataclass(frozen=True)
class DrawForm:
    """The add-a-draw form as typed: ``rows`` are (marker, value, unit)."""

    rows: list[tuple[str, str, str]]
    drawn_on: str = ""
    lab: str = ""
    ref_high: str = ""
    note: str = ""


def _optional(text: str) -> str | None:
    return text if text.strip() else None


def _date(text: str, what: str = "date") -> date | None:
    return parse_date(text.strip(), what=what) if text.strip() else None


def add_draw(database: Database, patient_name: str | None, form: DrawForm, today: date) -> int:
    """Store every filled row of the draw, all or nothing (``log_draw``, as ``tracker add``
    with several markers); returns how many readings were stored."""
    rows = [row for row in form.rows if row[0].strip() or row[1].strip() or row[2].strip()]
    if not rows:
        raise ValidationError("give a marker and a value, e.g. CEA and 3.1")
    drawn_on = _date(form.drawn_on)
    entries = []
    for marker, value, unit in rows:
        if not marker.strip():
            raise ValidationError("each value needs its marker (e.g. CEA)")
        if not value.strip():
            raise ValidationError(f"give a value for {marker.strip()}")
        entries.append(
            ReadingFields(
                marker,
                value,
                _optional(unit),
                drawn_on,
                _optional(form.lab),
                _optional(form.ref_high),
                _optional(form.note),
            )
        )
    with WRITER:
        logged = log_draw(database, patient_name, entries, today=today)
    return len(logged.readings)


def reading_text(database: Database, patient_name: str | None, reading_id: int) -> str:
    """``CEA 3.1 ng/mL on 2026-01-05 (City Lab)``: what the delete step asks about."""
    with database.reading() as session:
        patient = _existing(session, patient_name)
        return describe(get_reading(session, patient, reading_id))


def reading_values(database: Database, patient_name: str | None, reading_id: int) -> dict[str, str]:
    """A stored reading as the edit form shows it (the value and unit as entered)."""
    with database.reading() as session:
        patient = _existing(session, patient_name)
        reading = get_reading(session, patient, reading_id)
        return {
            "marker": reading.marker,
            "value": reading.entered_value,
            "unit": reading.entered_unit or reading.unit,
            "drawn_on": reading.drawn_on.isoformat(),
            "lab": reading.lab or "",
            "ref_high": "" if reading.ref_high is None else f"{reading.ref_high:g}",
            "note": reading.note or "",
        }


def save_reading(
    database: Database, patient_name: str | None, reading_id: int, form: dict[str, str]
) -> None:
    """Apply the edit form: every field as shown (an emptied lab, limit or note is cleared)."""
    drawn_on = _date(form.get("drawn_on", ""))
    with WRITER, database.writing() as session:
        patient = _existing(session, patient_name)
        edit_reading(
            session,
            patient,
            reading_id,
            value=form.get("value", ""),
            unit=_optional(form.get("unit", "")),
            drawn_on=drawn_on,
            lab=form.get("lab", ""),
            ref_high=form.get("ref_high", ""),
            note=form.get("note", ""),
        )


def remove_reading(database: Database, patient_name: str | None, reading_id: int) -> None:
    with WRITER, database.writing() as session:
        delete_readings(session, _existing(session, patient_name), [reading_id])


def store_event(
    database: Database, patient_name: str | None, form: dict[str, str], today: date
) -> None:
    """Store the event form (kind, name, drawn_on = its start, ended_on, note)."""
    start = _date(form.get("drawn_on", ""), "start date") or today
    end = _date(form.get("ended_on", ""), "end date")
    with WRITER, database.writing() as session:
        patient = resolve_patient(session, patient_name, create_default=True)
        assert patient is not None
        add_event(
            session,
            patient,
            form.get("kind", ""),
            form.get("name", ""),
            start,
            end,
            _optional(form.get("note", "")),
        )


def event_values(database: Database, patient_name: str | None, event_id: int) -> dict[str, str]:
    """A stored event as the edit form shows it."""
    with database.reading() as session:
        event = _readable_event(get_event(session, _existing(session, patient_name), event_id))
        return {
            "kind": event.kind,
            "name": event.name,
            "drawn_on": event.started_on.isoformat(),
            "ended_on": event.ended_on.isoformat() if event.ended_on else "",
            "note": event.note or "",
        }


def replace_event(
    database: Database, patient_name: str | None, event_id: int, form: dict[str, str]
) -> None:
    """Apply the edit form in one transaction, with every check of ``event edit``.

    The kind of an event is part of what it is (a treatment starts a line, a condition
    can explain a rise): a new kind replaces the event through ``event add``'s checks.
    """
    start = _date(form.get("drawn_on", ""), "start date")
    end = _date(form.get("ended_on", ""), "end date")
    with WRITER, database.writing() as session:
        patient = _existing(session, patient_name)
        event = _readable_event(get_event(session, patient, event_id))
        kind = form.get("kind", "").strip().lower() or event.kind
        if kind == event.kind:
            edit_event(
                session,
                patient,
                event_id,
                name=form.get("name", ""),
                started_on=start,
                ended_on=end,
                clear_end=end is None,
                note=form.get("note", ""),
            )
            return
        delete_event(session, patient, event_id)
        add_event(
            session,
            patient,
            kind,
            form.get("name", ""),
            start or event.started_on,
            end,
            _optional(form.get("note", "")),
        )


def _readable_event(event: Event | UnreadableEvent) -> Event:
    if isinstance(event, UnreadableEvent):
        raise ValidationError(
            f"event #{event.id} cannot be read as stored ({'; '.join(event.problems)}); "
            f"remove it with `tracker event delete {event.id}` and add it again"
        )
    return event


def event_text(database: Database, patient_name: str | None, event_id: int) -> str:
    from tracker.services.events import describe_event

    with database.reading() as session:
        return describe_event(get_event(session, _existing(session, patient_name), event_id))


def remove_event(database: Database, patient_name: str | None, event_id: int) -> None:
    with WRITER, database.writing() as session:
        delete_event(session, _existing(session, patient_name), event_id)


def _existing(session: Session, patient_name: str | None) -> Patient:
    patient = resolve_patient(session, patient_name, create_default=False)
    if patient is None:
        raise ValidationError("nothing is stored yet")
    return patient
