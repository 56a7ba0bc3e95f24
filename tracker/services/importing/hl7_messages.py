"""``import FILE.hl7``: HL7 v2 ORU^R01 lab messages, through the same bulk path as FHIR.

Every message of the file is read first (``tracker.interchange.hl7_oru``): a malformed
segment anywhere imports nothing. The results are then inserted in one transaction, each
under the patient its PID-5 names (``services/importing/fhir_bundle.ReadingSink``: the
patient rule for imported files), idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING

from tracker.errors import ValidationError
from tracker.interchange.fhir_entries import BundleReading
from tracker.interchange.fhir_read import skipped_summary
from tracker.interchange.hl7_message import Hl7Result
from tracker.interchange.hl7_oru import read_hl7
from tracker.services.importing.csv_file import ImportOptions
from tracker.services.importing.fhir_bundle import FhirImportSummary, ReadingSink
from tracker.services.importing.summary import import_transaction
from tracker.services.patients import clean_name
from tracker.services.readings import clean_lab, parse_ref_high

if TYPE_CHECKING:
    from tracker.store.database import Database

HL7_SOURCE = "hl7"
# An HL7 file is read whole before anything is stored; lab message files are small.
MAX_HL7_BYTES = 16 * 1024 * 1024


@dataclass
class Hl7ImportSummary(FhirImportSummary):
    """An import summary with the skipped results and the messages that held none."""

    message_notes: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        skipped = [skipped_summary(self.skipped)] if self.skipped else []
        return skipped + self.message_notes


def import_hl7(
    database: Database, stream: IO[bytes], options: ImportOptions, *, name: str, today: date
) -> Hl7ImportSummary:
    """Import the tumor-marker results of an HL7 v2 file in one transaction."""
    if options.delimiter is not None or options.decimal_comma:
        raise ValidationError(
            f"--delimiter and --decimal-comma are for CSV files; {name} holds HL7 v2 messages"
        )
    data = stream.read(MAX_HL7_BYTES + 1)
    if len(data) > MAX_HL7_BYTES:
        raise ValidationError(f"{name} is larger than {MAX_HL7_BYTES // (1024 * 1024)} MB")
    try:
        contents = read_hl7(data, today)
        readings = [_reading(result) for result in contents.results]
    except ValidationError as error:
        raise ValidationError(f"nothing was imported from {name}: {error.message}") from None
    summary = Hl7ImportSummary(
        name,
        options.dry_run,
        row_source=HL7_SOURCE,
        skipped=contents.skipped,
        message_notes=contents.notes,
    )
    summary.rows = len(readings) + sum(contents.skipped.values())
    with import_transaction(database, dry_run=options.dry_run) as session:
        sink = ReadingSink(session, options.patient, summary, HL7_SOURCE)
        for reading in readings:
            sink.add(reading)
        sink.finish()
    return summary


def _reading(result: Hl7Result) -> BundleReading:
    """A reading from an OBX result, its names and limit checked as ``add`` checks them."""
    try:
        bound = result.ref_bound
        unit = result.measured.entered_unit
        return BundleReading(
            patient=clean_name(result.patient) if result.patient else None,
            marker=result.marker,
            measured=result.measured,
            drawn_on=result.drawn_on,
            lab=clean_lab(result.lab),
            ref_high=parse_ref_high(result.marker, bound[0], bound[1] or unit) if bound else None,
            note=None,
        )
    except ValidationError as error:
        raise ValidationError(f"{result.where}: {error.message}") from None
