"""The library's front door: ``Tracker``, one opened database and the patient it is about.

The command line and the web app are clients of the same services; this class is the
way in for a Python program::

    with Tracker.open("tracker.db", patient="Ann") as t:
        logged = t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5), lab="City Lab")

Every call raises a ``tracker.errors.TrackerError`` subclass (its message is what the
command line prints after ``Error:``) and prints nothing. ``patient`` follows the command
line's rules: it may be left out while at most one person is stored.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tracker import clock
from tracker.catalogue.markers import find_marker
from tracker.catalogue.units import parse_date
from tracker.config import location_from
from tracker.errors import ValidationError
from tracker.services.events import add_event
from tracker.services.exporting.file import ExportFormat, export_file
from tracker.services.importing.csv_file import ImportOptions
from tracker.services.importing.file import ImportOutcome, import_file
from tracker.services.log_reading import LoggedReading, log_draw
from tracker.services.patient_report import write_report_for
from tracker.services.patients import add_patient, resolve_patient
from tracker.services.readings import ReadingFields
from tracker.services.report_input import ReportRequest
from tracker.services.trend import patient_trend
from tracker.store.database import Database, open_database
from tracker.trend.json_document import trend_document

if TYPE_CHECKING:
    from tracker.services.exporting.csv_file import ExportCounts
    from tracker.store.models import Event

__all__ = ["LoggedReading", "Tracker"]

PathLike = str | os.PathLike[str]
Number = str | int | float


class Tracker:
    """One database, opened once, and the patient the calls are about."""

    def __init__(self, database: Database, patient: str | None = None) -> None:
        self.database = database
        self.patient = patient

    @classmethod
    def open(cls, url_or_path: PathLike | None = None, patient: str | None = None) -> Tracker:
        """Open a SQLite file (created private and migrated when new) or a server URL.

        ``None`` means what the command line uses without ``--db``: ``TRACKER_DB_URL``,
        else the file in the user data folder.
        """
        chosen = None if url_or_path is None else os.fspath(url_or_path)
        return cls(open_database(location_from(chosen)), patient)

    def __enter__(self) -> Tracker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the database's connections."""
        self.database.dispose()

    def add_patient(self, name: str, *, born: date | str | None = None) -> str:
        """Create a person (``tracker patient add``); returns the name as stored.

        Names are unique ignoring case; an existing one raises ``DuplicateError``.
        """
        with self.database.writing() as session:
            return add_patient(session, name, _date(born, "birth date")).name

    def add_reading(
        self,
        marker: str,
        value: Number,
        unit: str | None = None,
        *,
        drawn_on: date | str | None = None,
        lab: str | None = None,
        ref_high: Number | None = None,
        note: str | None = None,
    ) -> LoggedReading:
        """Store one reading (validated exactly as ``tracker add``) and the flags it raised."""
        return self.add_draw(
            [(marker, value, unit)], drawn_on=drawn_on, lab=lab, ref_high=ref_high, note=note
        )

    def add_draw(
        self,
        entries: Sequence[tuple[str, Number, str | None]],
        *,
        drawn_on: date | str | None = None,
        lab: str | None = None,
        ref_high: Number | None = None,
        note: str | None = None,
    ) -> LoggedReading:
        """Store the readings of one blood sample, ``(marker, value, unit)`` each, all or
        none, and the flags they raised. ``ref_high`` needs a single entry; without it a
        lab's stored upper limit for the marker is used (``.notices`` says so)."""
        if ref_high is not None and len(entries) > 1:
            raise ValidationError(
                "ref_high applies to one marker; give it with a single entry (limits differ "
                "per marker)"
            )
        day = _date(drawn_on, "date")
        limit = None if ref_high is None else _text(ref_high)
        fields = [
            ReadingFields(marker, _text(value), unit, day, lab, limit, note)
            for marker, value, unit in entries
        ]
        return log_draw(self.database, self.patient, fields, today=clock.today())

    def add_event(
        self,
        kind: str,
        name: str,
        *,
        started_on: date | str | None = None,
        ended_on: date | str | None = None,
        note: str | None = None,
    ) -> Event:
        """Store one event (a treatment, supportive care, surgery, condition, symptom…)."""
        start = _date(started_on, "start date") or clock.today()
        end = _date(ended_on, "end date")
        with self.database.writing() as session:
            patient = resolve_patient(session, self.patient, create_default=True)
            assert patient is not None  # create_default=True always yields one
            return add_event(session, patient, kind, name, start, end, note)

    def trend(self, marker: str | None = None) -> dict[str, Any]:
        """The ``tracker trend --json`` document, as a dict (stored settings apply)."""
        marker_code = find_marker(marker).code if marker else None
        with self.database.reading() as session:
            patient = resolve_patient(session, self.patient, create_default=False)
            if patient is None:
                return {"patient": None, "series": [], "flags": []}
            result = patient_trend(session, patient, marker_code=marker_code)
        return trend_document(patient.name, result)

    def review(self) -> dict[str, Any]:
        """The ``tracker review --json`` document: every patient's open flags and overdue tests.

        Never asks which patient: it covers them all (or only the one named when opening).
        """
        from tracker import clock
        from tracker.services.patients import find_patient
        from tracker.services.review import review_patients
        from tracker.services.review_json import review_document

        with self.database.reading() as session:
            only = find_patient(session, self.patient) if self.patient else None
            review = review_patients(session, today=clock.today(), only=only)
        return review_document(review)

    def import_file(
        self,
        path: PathLike,
        *,
        dry_run: bool = False,
        delimiter: str | None = None,
        decimal_comma: bool = False,
        date_format: str | None = None,
    ) -> ImportOutcome:
        """Import CSV, FHIR (Bundle or NDJSON) or HL7 v2, all or nothing; see ``.summary``.

        Warnings (columns the tracker does not use) are in ``.summary.ignored_columns``.
        ``date_format`` is one of ``YYYY-MM-DD``, ``DD/MM/YYYY``, ``MM/DD/YYYY``,
        ``DD.MM.YYYY`` (as ``--date-format``).
        """
        options = ImportOptions(self.patient, delimiter, decimal_comma, dry_run, date_format)
        return import_file(self.database, Path(path), options, today=clock.today())

    def export(
        self, path: PathLike, format: ExportFormat = "csv", *, all_patients: bool = False
    ) -> ExportCounts:
        """Write the patient's (or everyone's) data as CSV or a FHIR Bundle to ``path``."""
        return export_file(
            self.database, Path(path), format, patient=self.patient, all_patients=all_patients
        )

    def report(
        self, path: PathLike, *, marker: str | None = None, since: date | str | None = None
    ) -> str:
        """Write the PDF report or PNG chart; returns the line that says what was written."""
        request = ReportRequest(
            Path(path),
            find_marker(marker).code if marker else None,
            _date(since, "--since date"),
        )
        return write_report_for(self.database, self.patient, request)


def _text(value: Number) -> str:
    # Numbers as the command line would receive them: 3.1 -> "3.1" (repr round-trips).
    return value if isinstance(value, str) else repr(value)


def _date(value: date | str | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_date(value, what=what)
