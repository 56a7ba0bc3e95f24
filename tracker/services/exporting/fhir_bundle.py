"""``export --format fhir``: the database as a FHIR R4 Bundle, streamed to a text stream.

Entries are written one per line as the queries yield them, so memory stays flat and
the output diffs well; the resources themselves are built in
``tracker.interchange.fhir_resources``. The order is by patient name, then each
patient's readings as ``list`` shows them and events as ``event list`` does, so an
import recreates both lists exactly (ids aside). Stored rows that cannot be read are
left out and named, as in the CSV export (``record_skipped``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.interchange.fhir_resources import (
    entry,
    event_resource,
    observation_resource,
    patient_resource,
)
from tracker.services.exporting.csv_file import FETCH_ROWS, ExportCounts, record_skipped
from tracker.services.patients import resolve_patient
from tracker.store.models import Event, Patient, Reading
from tracker.store.stored_rows import readable, readable_event

if TYPE_CHECKING:
    from tracker.store.database import Database


def _json(document: Any) -> str:
    # ensure_ascii=False: names and notes stay readable; the file is UTF-8.
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def export_fhir(
    database: Database, out: TextIO, *, patient: str | None, all_patients: bool
) -> ExportCounts:
    """Write the selected patient's (or everyone's) data as a ``collection`` Bundle."""
    with database.reading() as session:
        if all_patients:
            patients = list(session.scalars(select(Patient).order_by(Patient.name)))
        else:
            selected = resolve_patient(session, patient, create_default=False)
            patients = [] if selected is None else [selected]
        out.write('{"resourceType": "Bundle", "type": "collection"')
        if not patients:
            # FHIR JSON has no empty arrays: a Bundle with nothing in it has no "entry".
            out.write("}\n")
            return ExportCounts(0, 0)
        out.write(', "entry": [\n')
        writer = _EntryWriter(out)
        for person in patients:
            writer.write(patient_resource(person))
            writer.readings += _write_readings(session, writer, person)
            writer.events += _write_events(session, writer, person)
        out.write("\n]}\n")
        written = ExportCounts(writer.readings, writer.events)
        record_skipped(session, None if all_patients else patients[0].id, written=written)
    return written


class _EntryWriter:
    """Writes entries separated by ``,\\n`` and counts what it wrote."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._first = True
        self.readings = 0
        self.events = 0

    def write(self, resource: dict[str, Any]) -> None:
        if not self._first:
            self._out.write(",\n")
        self._first = False
        self._out.write(_json(entry(resource)))


def _write_readings(session: Session, writer: _EntryWriter, patient: Patient) -> int:
    query = select(Reading).where(
        Reading.patient_id == patient.id, readable(session.get_bind().dialect.name)
    )
    rows = query.order_by(Reading.drawn_on, Reading.id)
    return _write_rows(session, writer, rows, observation_resource, patient)


def _write_events(session: Session, writer: _EntryWriter, patient: Patient) -> int:
    query = select(Event).where(
        Event.patient_id == patient.id, readable_event(session.get_bind().dialect.name)
    )
    rows = query.order_by(Event.started_on, Event.id)
    return _write_rows(session, writer, rows, event_resource, patient)


Row = TypeVar("Row", Reading, Event)


def _write_rows(
    session: Session,
    writer: _EntryWriter,
    query: Select[Row],
    resource: Callable[[Row, str], dict[str, Any]],
    patient: Patient,
) -> int:
    """One entry per row of ``query``, streamed in batches; how many were written."""
    count = 0
    for row in session.scalars(query.execution_options(yield_per=FETCH_ROWS)):
        writer.write(resource(row, patient.name))
        count += 1
    return count
