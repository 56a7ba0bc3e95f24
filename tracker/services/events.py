"""Events: treatments, supportive care, surgery, conditions, symptoms, imaging."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.units import normalise_spaces, refuse_control_characters
from tracker.errors import DuplicateError, NotFoundError, ValidationError
from tracker.services.readings import clean_note, refuse_before_birth
from tracker.store.models import Event, Patient, utcnow
from tracker.trend.types import EventPoint


def clean_kind(kind: str) -> str:
    """An event kind from the fixed list (case-insensitive)."""
    cleaned = normalise_spaces(kind or "").lower()
    if cleaned not in EVENT_KINDS:
        raise ValidationError(f"unknown event kind {kind!r}; use one of: {', '.join(EVENT_KINDS)}")
    return cleaned


def clean_event_name(name: str) -> str:
    """The event's name, trimmed; it cannot be empty."""
    refuse_control_characters(name or "", "an event name")
    cleaned = normalise_spaces(name or "")
    if not cleaned:
        raise ValidationError("an event needs a name (e.g. letrozole, smoking, bone pain)")
    if len(cleaned) > 200:
        raise ValidationError("an event name can be at most 200 characters")
    return cleaned


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
    _check_dates(patient, started_on, ended_on)
    _refuse_duplicate(session, patient, kind, name, started_on, None)
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


def _check_dates(patient: Patient, started_on: date, ended_on: date | None) -> None:
    refuse_before_birth(patient, started_on, "start date")
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            f"end date {ended_on.isoformat()} is before the start date {started_on.isoformat()}"
        )


def _refuse_duplicate(
    session: Session, patient: Patient, kind: str, name: str, started_on: date, own_id: int | None
) -> None:
    with session.no_autoflush:
        existing = session.scalar(
            select(Event).where(
                Event.patient_id == patient.id,
                Event.kind == kind,
                Event.name == name,
                Event.started_on == started_on,
            )
        )
    if existing is not None and existing.id != own_id:
        raise DuplicateError(
            f"this event is already stored as #{existing.id} ({kind} {name} from "
            f"{started_on.isoformat()})"
        )


def edit_event(
    session: Session,
    patient: Patient,
    event_id: int,
    *,
    name: str | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
    clear_end: bool = False,
    note: str | None = None,
) -> Event:
    """Correct an event; what is not given stays. ``clear_end`` removes the end date and
    an empty ``note`` removes the note (``--end ""`` / ``--note ""``)."""
    event = get_event(session, patient, event_id)
    new_name = event.name if name is None else clean_event_name(name)
    start = started_on or event.started_on
    end = None if clear_end else (ended_on or event.ended_on)
    _check_dates(patient, start, end)
    _refuse_duplicate(session, patient, event.kind, new_name, start, event.id)
    event.name = new_name
    event.started_on = start
    event.ended_on = end
    if note is not None:
        event.note = clean_note(note)
    session.flush()
    return event


def get_event(session: Session, patient: Patient, event_id: int) -> Event:
    """An event of this patient, or NotFoundError."""
    event = session.get(Event, event_id)
    if event is None or event.patient_id != patient.id:
        raise NotFoundError(f"no event #{event_id} for {patient.name}")
    return event


def delete_event(session: Session, patient: Patient, event_id: int) -> Event:
    """Delete one event of this patient."""
    event = get_event(session, patient, event_id)
    session.delete(event)
    session.flush()
    return event


def list_events(session: Session, patient: Patient) -> list[Event]:
    """The patient's events by start date (then entry)."""
    query = select(Event).where(Event.patient_id == patient.id)
    return list(session.scalars(query.order_by(Event.started_on, Event.id)))


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


def describe_event(event: Event) -> str:
    """``treatment letrozole from 2026-01-10``."""
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
    if event.kind == "condition" and not names_a_benign_cause(event.name):
        return [
            f"Note: {event.name!r} matches none of the conditions known to raise a marker; "
            "it is kept and shown on the time line, but no flag will name it."
        ]
    if event.kind != "treatment":
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
            Event.kind == "treatment",
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
