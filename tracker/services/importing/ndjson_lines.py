"""``import FILE.ndjson``: a FHIR Bulk Data export, streamed into one transaction.

Lines are read one at a time (``tracker.interchange.ndjson``) and their readings
inserted in batches (``services/importing/fhir_bundle.ReadingSink``), so memory does not
grow with the file. The whole file is one transaction: a bad line anywhere rolls back
everything read before it, and every bad line (up to a limit) is named by its number.
"""

from __future__ import annotations

from datetime import date
from typing import IO, TYPE_CHECKING

from tracker.errors import ValidationError
from tracker.interchange.fhir_entries import BundleReading
from tracker.interchange.ndjson import NdjsonPatient, NdjsonProblem, read_ndjson
from tracker.services.importing.csv_file import ImportOptions
from tracker.services.importing.fhir_bundle import (
    FHIR_SOURCE,
    FhirImportSummary,
    ReadingSink,
    create_patients,
)
from tracker.services.importing.summary import ERROR_LIMIT, problem_details

if TYPE_CHECKING:
    from tracker.store.database import Database


class _Refused(Exception):
    """Leaves the transaction without committing it (a dry run, or bad lines)."""


def import_ndjson(
    database: Database, stream: IO[bytes], options: ImportOptions, *, name: str, today: date
) -> FhirImportSummary:
    """Import the readings of an NDJSON file in one transaction (nothing if any line is bad)."""
    if options.delimiter is not None or options.decimal_comma:
        raise ValidationError(
            f"--delimiter and --decimal-comma are for CSV files; {name} is FHIR NDJSON"
        )
    summary = FhirImportSummary(name, options.dry_run, row_source=FHIR_SOURCE)
    problems: list[str] = []
    problem_count = 0
    try:
        with database.writing() as session:
            sink = ReadingSink(session, options.patient, summary, FHIR_SOURCE)
            created: list[str] = []
            for number, item in read_ndjson(stream, today):
                summary.rows += 1
                if isinstance(item, NdjsonProblem):
                    problem_count += 1
                    if len(problems) < ERROR_LIMIT:
                        problems.append(f"line {number} {item.message}")
                elif problem_count:
                    continue  # nothing will be stored: only look for more bad lines
                elif isinstance(item, BundleReading):
                    sink.add(item)
                elif isinstance(item, NdjsonPatient):
                    created += create_patients(session, {item.name: item.born})
                elif item is not None:
                    summary.skipped[item] += 1
            if problem_count:
                raise _Refused
            sink.finish(created)
            if options.dry_run:
                raise _Refused
    except _Refused:
        pass
    if problem_count:
        lines = (
            "1 line has a problem" if problem_count == 1 else f"{problem_count} lines have problems"
        )
        raise ValidationError(
            f"nothing was imported: {lines} in {name}",
            details=problem_details(problems, problem_count),
        )
    return summary
