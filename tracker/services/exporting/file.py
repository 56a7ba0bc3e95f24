"""``tracker export`` and ``Tracker.export``: CSV or a FHIR Bundle, checked before writing.

Everything that can refuse an export (an unknown or ambiguous patient, a stored marker
code the catalogue does not know) is checked before the first byte is written, for both
formats: a script reading standard output must never be left with half a document. A
file is written privately (0600) and appears only once complete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from tracker.errors import ValidationError
from tracker.services.exporting.csv_file import ExportCounts, check_marker_codes, export_csv
from tracker.services.exporting.fhir_bundle import export_fhir
from tracker.services.patients import resolve_patient
from tracker.store.private_files import atomic_private_text

if TYPE_CHECKING:
    from tracker.store.database import Database

ExportFormat = Literal["csv", "fhir"]
# Formats `export --format` writes; each has its own writer service.
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "fhir")


def check_export(database: Database, *, patient: str | None, all_patients: bool) -> None:
    """Raise what the export would fail on, before anything is written."""
    with database.reading() as session:
        patient_id: int | None = None
        if not all_patients:
            selected = resolve_patient(session, patient, create_default=False)
            if selected is None:
                return  # an empty database: an empty document
            patient_id = selected.id
        check_marker_codes(session, patient_id)


def export_stream(
    database: Database,
    out: TextIO,
    export_format: str,
    *,
    patient: str | None,
    all_patients: bool,
) -> ExportCounts:
    """Check, then write the selected data to ``out`` in ``export_format``."""
    export = _writer(export_format)
    check_export(database, patient=patient, all_patients=all_patients)
    return export(database, out, patient=patient, all_patients=all_patients)


def export_file(
    database: Database,
    path: Path,
    export_format: str,
    *,
    patient: str | None,
    all_patients: bool,
) -> ExportCounts:
    """Check, then write the export to ``path`` (private, replaced only once complete)."""
    export = _writer(export_format)
    check_export(database, patient=patient, all_patients=all_patients)
    with atomic_private_text(path) as stream:
        return export(database, stream, patient=patient, all_patients=all_patients)


def _writer(export_format: str) -> Callable[..., ExportCounts]:
    if export_format not in EXPORT_FORMATS:
        raise ValidationError(
            f"unknown export format {export_format!r}; use one of: {', '.join(EXPORT_FORMATS)}"
        )
    return export_fhir if export_format == "fhir" else export_csv
