"""``import FILE.json``: a FHIR Bundle in, through the same idempotent bulk path as CSV.

The Bundle is read whole (``tracker.interchange.fhir_read``), every entry validated first, and then
all of it is inserted in one transaction with ``INSERT … ON CONFLICT DO NOTHING``
(``tracker.store.bulk_insert.BulkInsert``): a Bundle with any bad entry imports nothing, and
importing one twice adds it once. Observations of the tracker's own Patients go to
those patients (created, with their birth date, when missing); anything else goes to
the selected patient, as a CSV row without a patient does. With ``--patient`` the
patient rule of ``tracker.services.import_patients`` applies: one named patient (or none), filed
under the selected one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tracker.errors import ValidationError
from tracker.interchange.fhir_read import (
    BundleContents,
    load_bundle,
    read_bundle,
    skipped_summary,
)
from tracker.interchange.json_bounds import read_document
from tracker.services.import_csv import ImportOptions
from tracker.services.import_patients import NAMED_LIMIT, PatientIds
from tracker.services.import_summary import (
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


def _insert(
    session: Session, contents: BundleContents, options: ImportOptions, summary: ImportSummary
) -> None:
    summary.created_at = stamp = utcnow()
    targets = import_targets(session.connection(), stamp)
    reading_insert, event_insert = targets.readings, targets.events
    created_at, to_db_date = targets.created_at, targets.to_db_date
    # The selected patient is decided before the Bundle's own patients are created.
    patients = PatientIds(session, options.patient, source=summary.source)
    if options.patient is None:
        created = _create_patients(session, contents.patients)
    else:
        # The patient rule: the Bundle's own Patients are not created; they must be one.
        created = []
        for name in contents.patients:
            patients.named(name)

    def patient_id(name: str | None) -> int:
        return patients.default() if name is None else patients.named(name)

    readings: list[tuple[Any, ...]] = [
        ReadingRow(
            patient_id=patient_id(r.patient),
            marker=r.marker.code,
            value=r.measured.value,
            qualifier=r.measured.qualifier,
            unit=r.measured.unit,
            entered_value=r.measured.entered_value,
            entered_unit=r.measured.entered_unit,
            drawn_on=to_db_date(r.drawn_on),
            lab=r.lab,
            ref_high=r.ref_high,
            note=r.note,
            source=FHIR_SOURCE,
            created_at=created_at,
        )
        for r in contents.readings
    ]
    events: list[tuple[Any, ...]] = [
        EventRow(
            patient_id=patient_id(e.patient),
            kind=e.kind,
            name=e.name,
            started_on=to_db_date(e.started_on),
            ended_on=to_db_date(e.ended_on) if e.ended_on else None,
            note=e.note,
            created_at=created_at,
        )
        for e in contents.events
    ]
    readings_added = reading_insert.insert(readings)
    summary.events = event_insert.insert(events)
    if readings_added:
        count_readings(session, stamp, summary)
    summary.already_present = len(readings) + len(events) - readings_added - summary.events
    summary.created_patients = (created + patients.created_names)[:NAMED_LIMIT]
    summary.created_patient_count = len(created) + patients.created_count
    summary.redirected_from = patients.redirected_from()
    summary.redirected_into = patients.selected_name


def _create_patients(session: Session, patients: dict[str, date | None]) -> list[str]:
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
