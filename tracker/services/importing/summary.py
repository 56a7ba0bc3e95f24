"""What an import did: the counts, the one-line summary and the flags it raised.

The readings an import added all carry its timestamp and its source (``csv``, ``fhir``), so one
grouped query after the inserts counts them per marker and finds their series, without
remembering any row of the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS
from tracker.services.importing.rows import CSV_SOURCE
from tracker.store.models import Patient, Reading

if TYPE_CHECKING:
    from tracker.store.database import Database
    from tracker.trend.types import Flag

# Flags are shown for this many imported series (the newest reading of each).
FLAG_SERIES_LIMIT = 12
# A refused import names this many problems word for word and counts the rest (CSV, FHIR).
ERROR_LIMIT = 20


def problem_details(shown: Sequence[str], count: int) -> list[str]:
    """The first ERROR_LIMIT of ``shown`` and, when there were more, how many more."""
    details = list(shown[:ERROR_LIMIT])
    if count > len(details):
        details.append(f"… and {count - len(details)} more")
    return details


class _DryRun(Exception):
    """Leaves the transaction of a dry run without committing it."""


@contextmanager
def import_transaction(database: Database, *, dry_run: bool) -> Iterator[Session]:
    """The one writing transaction of an import; a dry run leaves it rolled back."""
    try:
        with database.writing() as session:
            yield session
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


@dataclass
class ImportSummary:
    """What an import added (or, in a dry run, would add)."""

    source: str
    dry_run: bool
    rows: int = 0
    readings_by_marker: dict[str, int] = field(default_factory=dict)
    events: int = 0
    already_present: int = 0
    created_patients: list[str] = field(default_factory=list)
    created_patient_count: int = 0
    ignored_columns: tuple[str, ...] = ()
    # (patient id, marker code) of the series that received readings, for the flags.
    series: list[tuple[int, str]] = field(default_factory=list)
    series_count: int = 0
    created_at: datetime | None = None
    # With --patient: the one patient the file named, and who received its rows instead.
    redirected_from: str | None = None
    redirected_into: str | None = None
    # The source column of the rows this import writes (`csv`, or `fhir` for a Bundle).
    row_source: str = CSV_SOURCE

    @property
    def readings(self) -> int:
        return sum(self.readings_by_marker.values())


def imported_rows(
    stamp: datetime, row_source: str
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows this import added: they all carry its timestamp and its source."""
    return Reading.created_at == stamp, Reading.source == row_source


def count_readings(session: Session, stamp: datetime, summary: ImportSummary) -> None:
    """Added readings per marker, and the series they went to (one query after the inserts)."""
    counts = session.execute(
        select(Reading.patient_id, Reading.marker, func.count())
        .where(*imported_rows(stamp, summary.row_source))
        .group_by(Reading.patient_id, Reading.marker)
        .order_by(Reading.patient_id, Reading.marker)
    )
    by_code: dict[str, int] = {}
    for patient_id, code, count in counts:
        by_code[code] = by_code.get(code, 0) + int(count)
        summary.series_count += 1
        if len(summary.series) < FLAG_SERIES_LIMIT:
            summary.series.append((patient_id, code))
    summary.readings_by_marker = {
        marker.name: by_code[code] for code, marker in MARKERS.items() if code in by_code
    }


@dataclass
class ImportFlags:
    """The flags on the newest imported reading of each series, and series not checked."""

    flags: list[tuple[str, Flag]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def imported_flags(database: Database, summary: ImportSummary) -> ImportFlags:
    """(patient name, flag) for the newest imported reading of each series (the first few).

    Judged by the trend engine against the whole series, as ``add`` does for one reading:
    each series is read once with the engine's running state, and only the flags of its
    newest imported reading are built, so neither the time nor the memory goes into the
    history's other flags. The import is committed by now: a series the engine cannot
    judge is reported, not turned into a failure of the import.
    """
    report = ImportFlags()
    if summary.dry_run or summary.created_at is None:
        return report
    from tracker.services.trend import load_trend_settings
    from tracker.services.trend_stream import PatientPass

    by_patient: dict[int, list[str]] = {}
    for patient_id, code in summary.series:
        by_patient.setdefault(patient_id, []).append(code)
    for patient_id, codes in by_patient.items():
        # One session per patient: its events and lab groups are read once for its series.
        with database.reading() as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                continue
            name = patient.name
            try:
                trend = PatientPass(session, patient, load_trend_settings(session), codes)
            except Exception as error:  # reported: the data is already stored
                report.unchecked += [_unchecked(code, name, error) for code in codes]
                continue
            for code in codes:
                newest = session.scalar(
                    select(Reading.id)
                    .where(
                        Reading.patient_id == patient_id,
                        Reading.marker == code,
                        *imported_rows(summary.created_at, summary.row_source),
                    )
                    .order_by(Reading.drawn_on.desc(), Reading.id.desc())
                    .limit(1)
                )
                if newest is None:
                    continue
                flags: list[Flag] = []
                try:
                    trend.read_marker(code, flags.append, keep=newest.__eq__)
                except Exception as error:  # reported: the data is already stored
                    report.unchecked.append(_unchecked(code, name, error))
                    continue
                report.flags += [(name, flag) for flag in flags]
    return report


def _unchecked(code: str, name: str, error: Exception) -> str:
    return f"{MARKERS[code].name} of {name} ({type(error).__name__})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(summary: ImportSummary) -> str:
    """``Imported 120 readings (CEA 60, CA 15-3 60) and 4 events; 3 rows were already present.``"""
    dry = summary.dry_run
    readings = _plural(summary.readings, "reading")
    if summary.readings_by_marker:
        per_marker = ", ".join(f"{m} {n}" for m, n in summary.readings_by_marker.items())
        readings += f" ({per_marker})"
    events = _plural(summary.events, "event")
    parts = [f"{'Would import' if dry else 'Imported'} {readings} and {events}"]
    if summary.already_present:
        present = summary.already_present
        verb = ("is" if dry else "was") if present == 1 else ("are" if dry else "were")
        parts.append(f"{_plural(present, 'row')} {verb} already present")
    if summary.created_patient_count:
        names = ", ".join(repr(n) for n in summary.created_patients)
        more = summary.created_patient_count - len(summary.created_patients)
        if more:
            names += f" and {more} more"
        noun = "patient" if summary.created_patient_count == 1 else "patients"
        parts.append(f"{'would create' if dry else 'created'} {noun} {names}")
    if summary.redirected_from is not None:
        verb = "would be imported" if dry else "imported"
        parts.append(f"rows of {summary.redirected_from!r} {verb} into {summary.redirected_into!r}")
    line = "; ".join(parts) + "."
    return line + " Nothing was written (dry run)." if dry else line
