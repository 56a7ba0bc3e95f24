"""``import FILE.json``: a FHIR Bundle in, through the same idempotent bulk path as CSV.

The Bundle is read whole (``tracker.interchange.fhir_read``), every entry validated first, and then
all of it is inserted in one transaction with ``INSERT … ON CONFLICT DO NOTHING``
(``tracker.store.bulk_insert.BulkInsert``): a Bundle with any bad entry imports nothing, and
importing one twice adds it once. Observations of the tracker's own Patients go to
those patients (created, with their birth date, when missing); anything else goes to
the selected patient, as a CSV row without a patient does.

``ReadingSink`` is the insertion path of every format but CSV (this Bundle, NDJSON in
``services/importing/ndjson_lines``, HL7 v2 in ``services/importing/hl7_messages``):
rows that name their patient go through ``services/importing/patients.PatientIds`` and
the batched bulk insert (README "Importing from your lab or hospital"). With
``--patient`` the patient rule of ``tracker.services.importing.patients`` applies: one
named patient (or none), filed under the selected one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tracker.errors import ValidationError
from tracker.interchange.fhir_entries import BundleEvent, BundleReading
from tracker.interchange.fhir_read import BundleContents, load_bundle, read_bundle, skipped_summary
from tracker.interchange.json_bounds import read_document
from tracker.services.importing.birth_dates import refuse_rows_before_birth
from tracker.services.importing.csv_file import ImportOptions
from tracker.services.importing.patients import NAMED_LIMIT, PatientIds
from tracker.services.importing.summary import (
    ImportSummary,
    count_readings,
    import_transaction,
    problem_details,
)
from tracker.store.bulk_insert import EventRow, ReadingRow, import_targets
from tracker.store.models import Patient, utcnow
from tracker.store.sql import insert_ignoring_duplicates

if TYPE_CHECKING:
    from tracker.store.database import Database

FHIR_SOURCE = "fhir"
# How much of a file is looked at to tell JSON from CSV.
SNIFF_BYTES = 512
_LEADING = b"\xef\xbb\xbf \t\r\n"


@dataclass
class FhirImportSummary(ImportSummary):
    """An import summary that also counts the entries the tracker does not keep."""

    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def notes(self) -> list[str]:
        """Lines to show after the summary: what was skipped, if anything."""
        return [skipped_summary(self.skipped)] if self.skipped else []


def looks_like_fhir(name: str, stream: IO[bytes]) -> bool:
    """A ``.json`` file, or content that starts with ``{`` (a CSV header never does)."""
    if name.lower().endswith(".json"):
        return True
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = bytes(peek(SNIFF_BYTES))[:SNIFF_BYTES]
    elif stream.seekable():
        position = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(position)
    else:
        return False
    return head.lstrip(_LEADING).startswith(b"{")


def import_fhir(
    database: Database, stream: IO[bytes], options: ImportOptions, *, name: str, today: date
) -> FhirImportSummary:
    """Import a Bundle's readings and events in one transaction (nothing if any entry is bad)."""
    if options.delimiter is not None or options.decimal_comma:
        raise ValidationError(
            f"--delimiter and --decimal-comma are for CSV files; {name} is FHIR JSON"
        )
    document = load_bundle(read_document(stream, name), name)
    contents = read_bundle(document, today=today)
    if contents.problems:
        count = len(contents.problems)
        details = problem_details(contents.problems, count)
        entries = "1 entry has a problem" if count == 1 else f"{count} entries have problems"
        raise ValidationError(f"nothing was imported: {entries} in {name}", details=details)
    summary = FhirImportSummary(
        name, options.dry_run, row_source=FHIR_SOURCE, skipped=contents.skipped
    )
    summary.rows = len(document.get("entry") or [])
    with import_transaction(database, dry_run=options.dry_run) as session:
        _insert(session, contents, options, summary)
    return summary


class ReadingSink:
    """Readings that name their patient (or none), bulk-inserted in batches in one transaction.

    The one insertion path of every file format besides CSV (FHIR Bundle, NDJSON, HL7 v2):
    patients go through ``PatientIds`` (the patient rule for imported files), rows through
    the idempotent bulk insert. Batches keep memory flat for a streamed file; the caller's
    transaction keeps the import all-or-nothing.
    """

    BATCH = 1000

    def __init__(
        self, session: Session, selected: str | None, summary: ImportSummary, source: str
    ) -> None:
        self._session = session
        self._summary = summary
        self._source = source
        summary.created_at = self._stamp = utcnow()
        self._targets = import_targets(session.connection(), self._stamp)
        # The selected patient is decided before the file's own patients are created.
        self.patients = PatientIds(session, selected, source=summary.source)
        self._ids: dict[str | None, int] = {}
        self._batch: list[tuple[Any, ...]] = []
        self.offered = 0
        self.added = 0

    def patient_id(self, name: str | None) -> int:
        """The id of the patient a row names (None: the selected patient)."""
        known = self._ids.get(name)
        if known is None:
            known = self.patients.default() if name is None else self.patients.named(name)
            self._ids[name] = known
        return known

    def add(self, reading: BundleReading) -> None:
        """Queue one reading; a full batch is inserted at once."""
        targets = self._targets
        self._batch.append(
            ReadingRow(
                patient_id=self.patient_id(reading.patient),
                marker=reading.marker.code,
                value=reading.measured.value,
                qualifier=reading.measured.qualifier,
                unit=reading.measured.unit,
                entered_value=reading.measured.entered_value,
                entered_unit=reading.measured.entered_unit,
                drawn_on=targets.to_db_date(reading.drawn_on),
                lab=reading.lab,
                ref_high=reading.ref_high,
                note=reading.note,
                source=self._source,
                created_at=targets.created_at,
            )
        )
        if len(self._batch) >= self.BATCH:
            self._flush()

    def add_events(self, events: list[BundleEvent]) -> None:
        """Insert events (only the tracker's own Bundles carry them)."""
        targets = self._targets
        rows: list[tuple[Any, ...]] = [
            EventRow(
                patient_id=self.patient_id(e.patient),
                kind=e.kind,
                name=e.name,
                started_on=targets.to_db_date(e.started_on),
                ended_on=targets.to_db_date(e.ended_on) if e.ended_on else None,
                note=e.note,
                created_at=targets.created_at,
            )
            for e in events
        ]
        self._summary.events += targets.events.insert(rows)
        self.offered += len(rows)

    def _flush(self) -> None:
        self.offered += len(self._batch)
        self.added += self._targets.readings.insert(self._batch)
        self._batch = []

    def finish(self, created: list[str] | None = None) -> None:
        """Insert what is queued and fill in the summary's counts."""
        self._flush()
        # Nothing dated before a patient's stored birth date (one query, before the commit).
        refuse_rows_before_birth(self._session, self._stamp)
        summary = self._summary
        if self.added:
            count_readings(self._session, self._stamp, summary)
        summary.already_present = self.offered - self.added - summary.events
        created = created or []
        summary.created_patients = (created + self.patients.created_names)[:NAMED_LIMIT]
        summary.created_patient_count = len(created) + self.patients.created_count
        summary.redirected_from = self.patients.redirected_from()
        summary.redirected_into = self.patients.selected_name


def _insert(
    session: Session, contents: BundleContents, options: ImportOptions, summary: ImportSummary
) -> None:
    sink = ReadingSink(session, options.patient, summary, FHIR_SOURCE)
    if options.patient is None:
        created = create_patients(session, contents.patients)
    else:
        # The patient rule: the Bundle's own Patients are not created; they must be one.
        created = []
        for name in contents.patients:
            sink.patients.named(name)
    for reading in contents.readings:
        sink.add(reading)
    sink.add_events(contents.events)
    sink.finish(created)


def create_patients(session: Session, patients: dict[str, date | None]) -> list[str]:
    """Create the Bundle's patients that are not stored yet (with their birth date)."""
    dialect = session.get_bind().dialect.name
    created = []
    for name, born in patients.items():
        # ON CONFLICT: a patient who exists (or another process creates) is left as is;
        # RETURNING then gives no row (rowcount is not reliable with psycopg here).
        new_id = session.scalar(
            insert_ignoring_duplicates(Patient.__table__, dialect)  # type: ignore[arg-type]
            .values(name=name, born=born, created_at=utcnow())
            .returning(Patient.id)
        )
        if new_id is not None:
            created.append(name)
    return created
