"""Who each imported row belongs to: the patient rule for imported files (every format).

With ``--patient`` (or TRACKER_PATIENT), a file whose rows name one patient or none goes
into the selected patient, and the summary says so; a file naming several patients is
refused, whole (the README, "CSV export and import"). Without it, each patient
named in the file is used or created, and rows naming none go to the selected patient.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import AmbiguousPatientError, NotFoundError, TrackerError
from tracker.services.patients import DEFAULT_PATIENT_NAME, clean_name, resolve_patient
from tracker.store.models import Patient, name_key_of, utcnow
from tracker.store.sql import insert_ignoring_duplicates

# The summary names this many created patients, then counts the rest.
NAMED_LIMIT = 5


class SeveralPatientsError(TrackerError):
    """A file naming several patients, imported with ``--patient``: refused as a whole.

    Not a ValidationError: it is no single row's fault, so it ends the import at once.
    """


class PatientIds:
    """Patient ids for the names in a file; an empty cell means the selected patient."""

    def __init__(self, session: Session, selected: str | None, *, source: str = "the file") -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name
        self._source = source
        # With --patient every row goes to that patient, whatever name the file gives.
        self._chosen = selected is not None
        self._selected_text = selected or ""
        self.created_names: list[str] = []
        self.created_count = 0
        # The one patient the file names (with --patient), and who received its rows.
        self.file_patient: str | None = None
        self.selected_name: str | None = None
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
            self.selected_name = patient.name if patient is not None else None

    def default(self) -> int:
        """The selected patient (docs/design.md rules); on an empty database, ``me`` is created."""
        if self._default_id is None:
            if self._default_error is not None:
                raise self._default_error
            self._default_id = self._id_for(DEFAULT_PATIENT_NAME)
        return self._default_id

    def named(self, cell: str) -> int:
        """The id of the patient a cell names (formula quote already removed).

        With ``--patient``, the selected patient's id: the file may name one patient
        only. The caller remembers the answer per cell text: this runs a query each time.
        """
        name = clean_name(cell)
        if not self._chosen:
            return self._id_for(name)
        if self.file_patient is None:
            self.file_patient = name
        elif name != self.file_patient:
            chosen = self.selected_name or self._selected_text
            raise SeveralPatientsError(
                f"{self._source} names several patients ({self.file_patient!r} and {name!r}); "
                f"with --patient {chosen} a file may hold one patient's rows only: import it "
                "without --patient to file each row under the patient it names"
            )
        return self.default()

    def redirected_from(self) -> str | None:
        """The name the file gave its rows, when ``--patient`` filed them under another."""
        if self.file_patient is None or self.file_patient == self.selected_name:
            return None
        return self.file_patient

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
