"""Events: treatments, supportive care, surgery, conditions, symptoms, imaging."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.catalogue.event_kinds import CONDITION, TREATMENT
from tracker.catalogue.fields import clean_event_name as clean_event_name
from tracker.catalogue.fields import clean_kind as clean_kind
from tracker.catalogue.fields import clean_note
from tracker.errors import DuplicateError, NotFoundError, ValidationError
from tracker.store.models import Event, Patient, utcnow
from tracker.store.stored_rows import (
    UNREADABLE_EVENTS_KEY,
    UnreadableEvent,
    readable_event,
    record_unreadable,
    unreadable_events,
)
from tracker.trend.types import EventPoint


def add_event(
    session: Session,
    patient: Patient,
    kind: str,
    name: str,
    started_on: date,
    ended_on: date | None = None,
    note: str | None = None,
) -> Event:
    """Validate and store an event; the same kind, name and start date is refused."""
    kind = clean_kind(kind)
    name = clean_event_name(name)
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            f"end date {ended_on.isoformat()} is before the start date {started_on.isoformat()}"
        )
    existing = session.scalar(
        select(Event).where(
            Event.patient_id == patient.id,
            Event.kind == kind,
            Event.name == name,
            Event.started_on == started_on,
        )
    )
    if existing is not None:
        raise DuplicateError(
            f"this event is already stored as #{existing.id} ({kind} {name} from "
            f"{started_on.isoformat()})"
        )
    event = Event(
        patient_id=patient.id,
        kind=kind,
        name=name,
        started_on=started_on,
        ended_on=ended_on,
        note=clean_note(note),
        created_at=utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def get_event(session: Session, patient: Patient, event_id: int) -> Event | UnreadableEvent:
    """An event of this patient (as stored, when it cannot be read), or NotFoundError."""
    owned = session.scalar(
        select(Event.id).where(Event.id == event_id, Event.patient_id == patient.id)
    )
    if owned is None:
        raise NotFoundError(f"no event #{event_id} for {patient.name}")
    dialect = session.get_bind().dialect.name
    if session.scalar(select(Event.id).where(Event.id == event_id, readable_event(dialect))):
        event = session.get(Event, event_id)
        assert event is not None  # just selected, inside this transaction
        return event
    return unreadable_events(session, patient.id, event_id=event_id)[0]


def delete_event(session: Session, patient: Patient, event_id: int) -> Event | UnreadableEvent:
    """Delete one event of this patient (one that cannot be read, by id)."""
    event = get_event(session, patient, event_id)
    if isinstance(event, UnreadableEvent):
        session.execute(delete(Event).where(Event.id == event_id))
    else:
        session.delete(event)
    session.flush()
    return event


def list_events(session: Session, patient: Patient) -> list[Event]:
    """The patient's readable events by start date (then entry).

    Rows that cannot be read are left out and recorded on the session, as for readings
    (tracker/store/stored_rows.py).
    """
    query = select(Event).where(
        Event.patient_id == patient.id, readable_event(session.get_bind().dialect.name)
    )
    events = list(session.scalars(query.order_by(Event.started_on, Event.id)))
    unreadable = unreadable_events(session, patient.id)
    record_unreadable(session, (row.id for row in unreadable), key=UNREADABLE_EVENTS_KEY)
    return events


def event_points(events: list[Event]) -> list[EventPoint]:
    """Plain data for the trend engine and the reports."""
    return [
        EventPoint(
            id=e.id,
            kind=e.kind,
            name=e.name,
            started_on=e.started_on,
            ended_on=e.ended_on,
            note=e.note,
        )
        for e in events
    ]


def describe_event(event: Event | UnreadableEvent) -> str:
    """``treatment letrozole from 2026-01-10``; a row that cannot be read, as stored."""
    if isinstance(event, UnreadableEvent):
        return f"unreadable event ({event.kind} {event.name}: {'; '.join(event.problems)})"
    until = f" to {event.ended_on.isoformat()}" if event.ended_on else ""
    return f"{event.kind} {event.name} from {event.started_on.isoformat()}{until}"


def event_json(event: Event, patient_name: str) -> dict[str, Any]:
    """One event as ``event list --json`` prints it (exactly these keys)."""
    return {
        "id": event.id,
        "patient": patient_name,
        "kind": event.kind,
        "name": event.name,
        "started_on": event.started_on.isoformat(),
        "ended_on": event.ended_on.isoformat() if event.ended_on else None,
        "note": event.note,
    }


def event_notes(session: Session, patient: Patient, event: Event) -> list[str]:
    """What ``event add`` should point out about a new event (it is stored as asked).

    docs/clinical-rules.md: a supportive medicine logged as a treatment would start a
    treatment line (and a flare window); a treatment with the current line's name starts
    none; a condition that names no known cause is never named in a flag.
    """
    from tracker.catalogue.condition_words import normalise
    from tracker.catalogue.supportive import supportive_medicine_in
    from tracker.trend.conditions import names_a_benign_cause

    started = event.started_on.isoformat()
    if event.kind == CONDITION and not names_a_benign_cause(event.name):
        return [
            f"Note: {event.name!r} matches none of the conditions known to raise a marker; "
            "it is kept and shown on the time line, but no flag will name it."
        ]
    if event.kind != TREATMENT:
        return []
    generic = supportive_medicine_in(event.name)
    if generic is not None:
        return [
            f"Note: {event.name} ({generic}) is supportive care, not a treatment aimed at "
            "the tumour; logged as a treatment it starts a new treatment line and a flare "
            "window. To log it as supportive instead: "
            f"`tracker event delete {event.id} --yes` then "
            f'`tracker event add supportive "{event.name}" --date {started}`.'
        ]
    current = session.scalars(
        select(Event)
        .where(
            Event.patient_id == patient.id,
            Event.kind == TREATMENT,
            Event.started_on <= event.started_on,
            Event.id != event.id,
        )
        .order_by(Event.started_on.desc(), Event.id.desc())
        .limit(1)
    ).first()
    if current is not None and normalise(current.name) == normalise(event.name):
        return [
            f"Note: {current.name} is already the current treatment (event #{current.id}, "
            f"from {current.started_on.isoformat()}), so this starts no new treatment line. "
            "A regimen is best logged once, with an end date when it stops: "
            f"`tracker event edit {current.id} --end YYYY-MM-DD`."
        ]
    return []
