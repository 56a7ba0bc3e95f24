"""Events: treatments, supportive care, surgery, conditions, symptoms, imaging."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.units import normalise_spaces, refuse_control_characters
from tracker.errors import DuplicateError, NotFoundError, ValidationError
from tracker.services.readings import clean_note
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
    earlier = session.scalars(
        select(Event)
        .where(
            Event.patient_id == patient.id,
            Event.kind == "treatment",
            Event.started_on <= event.started_on,
            Event.id != event.id,
        )
        .order_by(Event.started_on, Event.id)
    ).all()
    current = _same_treatment_in_current_line(list(earlier), event.name)
    if current is None:
        return []
    if normalise(current.name) == normalise(event.name):
        same = f"{current.name} is already the current treatment"
    else:
        same = (
            f"{event.name} counts as another cycle of the current treatment, {current.name} "
            "(names are compared without cycle words and numbers)"
        )
    return [
        f"Note: {same} (event #{current.id}, from {current.started_on.isoformat()}), so this "
        "starts no new treatment line. A regimen is best logged once, with an end date when "
        f"it stops: `tracker event edit {current.id} --end YYYY-MM-DD`."
    ]


def _same_treatment_in_current_line(earlier: list[Event], name: str) -> Event | None:
    """The current line's event whose name is ``name`` as the trend engine compares names.

    docs/clinical-rules.md ("Treatment lines"): names are compared normalised and without
    cycle words and numbers, so "Paclitaxel cycle 2" continues a line of "paclitaxel".
    """
    from tracker.trend.lines import treatment_changes, treatment_key
    from tracker.trend.types import DEFAULT_FLARE_WINDOW_DAYS

    points = [EventPoint(item.id, "treatment", item.name, item.started_on) for item in earlier]
    changes = treatment_changes(points, DEFAULT_FLARE_WINDOW_DAYS)
    if not changes:
        return None
    line = changes[-1]
    key = treatment_key(name)
    if key not in {treatment_key(known) for known in line.names}:
        return None
    for item in earlier:
        if item.started_on >= line.first_start and treatment_key(item.name) == key:
            return item
    return None
