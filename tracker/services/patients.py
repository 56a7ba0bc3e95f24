"""Patients: resolving who a command is about, and managing people."""

from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracker.catalogue.fields import clean_name as clean_name
from tracker.catalogue.typed_text import normalise_spaces
from tracker.errors import AmbiguousPatientError, DuplicateError, NotFoundError
from tracker.store.models import Event, Patient, Reading, name_key_of, utcnow
from tracker.store.sql import insert_ignoring_duplicates

DEFAULT_PATIENT_NAME = "me"


def patient_names(session: Session) -> list[str]:
    """All patient names, alphabetically."""
    return list(session.scalars(select(Patient.name).order_by(Patient.name)))


# How many names an error lists before it only counts the rest (a clinic may hold
# 100,000 patients; the message must stay one readable line).
LISTED_NAMES = 10


def names_listing(session: Session) -> str:
    """``Ann, Bea`` or, with many patients, the first ten and ``… and 99,990 more``."""
    names = list(session.scalars(select(Patient.name).order_by(Patient.name).limit(LISTED_NAMES)))
    listing = ", ".join(names)
    if len(names) == LISTED_NAMES:
        total = session.scalar(select(func.count()).select_from(Patient)) or 0
        if total > LISTED_NAMES:
            listing += f" … and {total - LISTED_NAMES:,} more (see `tracker patient list`)"
    return listing


def _unknown_patient(session: Session, name: str) -> NotFoundError:
    known = names_listing(session) or "none yet"
    return NotFoundError(
        f'no patient named {name!r} (known: {known}); add one with `tracker patient add "{name}"`'
    )


def find_patient(session: Session, name: str) -> Patient:
    """The patient with this name, or a NotFoundError listing the known ones."""
    # Matched ignoring case (docs/design.md, "Entering and correcting"): `--patient ann` finds
    # Ann; the key is made from the name in NFC, so both spellings of an accent match too.
    typed = normalise_spaces(name)
    patient = session.scalar(
        select(Patient).where(Patient.name_key == name_key_of(unicodedata.normalize("NFC", typed)))
    )
    if patient is None:
        raise _unknown_patient(session, name)
    return patient


def resolve_patient(session: Session, name: str | None, *, create_default: bool) -> Patient | None:
    """Who a command is about (docs/design.md, "Command-line contract").

    A named patient must exist. Unnamed: the only patient; on an empty database the first
    write creates ``me`` (reads get None); several patients and none named is a usage error.
    """
    if name is not None:
        return find_patient(session, name)
    patients = list(session.scalars(select(Patient).order_by(Patient.name).limit(2)))
    if len(patients) == 1:
        return patients[0]
    if len(patients) > 1:
        names = names_listing(session)
        raise AmbiguousPatientError(
            f"several patients are stored ({names}); choose one with --patient NAME "
            "or TRACKER_PATIENT"
        )
    if not create_default:
        return None
    # ON CONFLICT: two processes making the first write at once both get the same `me`.
    session.execute(
        insert_ignoring_duplicates(Patient.__table__, session.get_bind().dialect.name).values(  # type: ignore[arg-type]
            name=DEFAULT_PATIENT_NAME, created_at=utcnow()
        )
    )
    query = select(Patient).where(Patient.name_key == name_key_of(DEFAULT_PATIENT_NAME))
    return session.scalars(query).one()


def add_patient(session: Session, name: str, born: date | None = None) -> Patient:
    """Create a patient; names are unique."""
    cleaned = clean_name(name)
    existing = session.scalar(select(Patient.name).where(Patient.name_key == name_key_of(cleaned)))
    if existing is not None:
        raise DuplicateError(_name_taken(cleaned, existing))
    patient = Patient(name=cleaned, born=born, created_at=utcnow())
    session.add(patient)
    session.flush()
    return patient


def rename_patient(session: Session, old: str, new: str) -> Patient:
    """Give a patient a new (unused) name."""
    patient = find_patient(session, old)
    cleaned = clean_name(new)
    clash = session.scalar(
        select(Patient.name).where(
            Patient.name_key == name_key_of(cleaned), Patient.id != patient.id
        )
    )
    if clash is not None:
        raise DuplicateError(_name_taken(cleaned, clash))
    # Only while the name is still the one read: of two renames at once on a server, the
    # one that waits for the other's row lock finds the name gone instead of overwriting.
    renamed = session.execute(
        update(Patient)
        .where(Patient.id == patient.id, Patient.name == patient.name)
        .values(name=cleaned, name_key=name_key_of(cleaned))
        .execution_options(synchronize_session=False)
    )
    if renamed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError(
            f"no patient is named {patient.name!r} any more (renamed or deleted meanwhile); "
            "nothing was changed"
        )
    session.refresh(patient)
    return patient


def _name_taken(wanted: str, existing: str) -> str:
    if wanted == existing:
        return f"a patient named {wanted!r} already exists"
    return (
        f"a patient named {existing!r} already exists; names are matched ignoring case, so "
        f"{wanted!r} would be the same person"
    )


def patient_counts(session: Session, patient: Patient) -> tuple[int, int]:
    """(readings, events) stored for the patient."""
    readings = session.scalar(select(func.count()).where(Reading.patient_id == patient.id))
    events = session.scalar(select(func.count()).where(Event.patient_id == patient.id))
    return int(readings or 0), int(events or 0)


def delete_patient(session: Session, patient: Patient) -> None:
    """Delete a patient with all their readings and events."""
    # Deleted explicitly as well as by ON DELETE CASCADE, so a database whose foreign
    # keys were off when written can never keep orphans.
    session.query(Reading).filter(Reading.patient_id == patient.id).delete()
    session.query(Event).filter(Event.patient_id == patient.id).delete()
    # Their own test intervals go too: SQLite may give the id to the next patient added.
    # (Imported here: every command resolves a patient, only this one needs intervals.)
    from tracker.services.due_intervals import forget_patient_intervals

    forget_patient_intervals(session, patient.id)
    session.delete(patient)
    session.flush()


def list_patients(session: Session) -> list[tuple[Patient, int, int]]:
    """Every patient with their reading and event counts, in one query.

    One query, not one per patient: with 100,000 patients the round trips were the cost.
    """
    readings = (
        select(func.count())
        .where(Reading.patient_id == Patient.id)
        .correlate(Patient)
        .scalar_subquery()
    )
    events = (
        select(func.count())
        .where(Event.patient_id == Patient.id)
        .correlate(Patient)
        .scalar_subquery()
    )
    rows = session.execute(select(Patient, readings, events).order_by(Patient.name))
    return [
        (patient, int(reading_count), int(event_count))
        for patient, reading_count, event_count in rows
    ]
