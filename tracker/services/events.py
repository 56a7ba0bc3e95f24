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
from tracker.services.readings import refuse_before_birth
from tracker.store.models import Event, Patient, utcnow
from tracker.store.stored_rows import (
    UNREADABLE_EVENTS_KEY,
    UnreadableEvent,
    holds_more_than,
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
    if isinstance(event, UnreadableEvent):
        raise ValidationError(
            f"event #{event_id} cannot be read as stored ({'; '.join(event.problems)}); "
            f"remove it with `tracker event delete {event_id}` and add it again"
        )
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
    # Searched for only when the patient holds rows besides those read (a count).
    if holds_more_than(session, Event, len(events), patient_id=patient.id):
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
    from tracker.trend.conditions import names_a_benign_cause, names_malignant_words

    started = event.started_on.isoformat()
    if event.kind == CONDITION and names_malignant_words(event.name):
        return [
            f"Note: {event.name!r} is not counted as a benign cause: names that say "
            "malignant, metastatic, mets, metastases or cancer never are. It is kept and "
            "shown on the time line, but no flag will name it."
        ]
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
    earlier = session.scalars(
        select(Event)
        .where(
            Event.patient_id == patient.id,
            Event.kind == TREATMENT,
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
    from tracker.trend.treatment_lines import treatment_changes, treatment_key
    from tracker.trend.types import DEFAULT_FLARE_WINDOW_DAYS

    points = [EventPoint(item.id, TREATMENT, item.name, item.started_on) for item in earlier]
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
