"""Who each imported row belongs to: patient ids by name, created when unknown."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousPatientError, NotFoundError
from tracker.services.patients import DEFAULT_PATIENT_NAME, clean_name, resolve_patient
from tracker.store.models import Patient, name_key_of, utcnow
from tracker.store.sql import insert_ignoring_duplicates

# The summary names this many created patients, then counts the rest.
NAMED_LIMIT = 5


class PatientIds:
    """Patient ids for the names in a file; an empty cell means the selected patient."""

    def __init__(self, session: Session, selected: str | None) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name
        self.created_names: list[str] = []
        self.created_count = 0
        # Decided before any row creates a patient, so that who an empty cell means does
        # not depend on the rows above it. An error waits until a row needs the default.
        self._default_id: int | None = None
        self._default_error: NotFoundError | AmbiguousPatientError | None = None
        try:
            patient = resolve_patient(session, selected, create_default=False)
        except (NotFoundError, AmbiguousPatientError) as error:
            self._default_error = error
        else:
            self._default_id = patient.id if patient is not None else None

    def default(self) -> int:
        """The selected patient (docs/design.md rules); on an empty database, ``me`` is created."""
        if self._default_id is None:
            if self._default_error is not None:
                raise self._default_error
            self._default_id = self._id_for(DEFAULT_PATIENT_NAME)
        return self._default_id

    def named(self, cell: str) -> int:
        """The id of the patient a cell names (formula quote already removed).

        The caller remembers the answer per cell text: this runs a query each time.
        """
        return self._id_for(clean_name(cell))

    def _id_for(self, name: str) -> int:
        query = select(Patient.id).where(Patient.name_key == name_key_of(name))
        patient_id = self._session.scalar(query)
        if patient_id is not None:
            return patient_id
        # ON CONFLICT: a patient another process creates meanwhile is simply used.
        created = self._session.scalar(
            insert_ignoring_duplicates(Patient.__table__, self._dialect)  # type: ignore[arg-type]
            .values(name=name, created_at=utcnow())
            .returning(Patient.id)
        )
        if created is None:
            return int(self._session.scalars(query).one())
        self.created_count += 1
        if len(self.created_names) < NAMED_LIMIT:
            self.created_names.append(name)
        return int(created)
