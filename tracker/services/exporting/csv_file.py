"""CSV export: every reading and event, streamed from the database to a text stream.

Rows are written as the driver yields them (a server-side cursor on PostgreSQL), so
memory stays flat; they skip SQLAlchemy's row objects (tracker/store/driver_rows.py),
which cost more per row than writing them. The format is the README's "CSV export and import":
exactly ``EXPORT_HEADER``; zero is ``0``; a value keeps its qualifier; numbers are written so
they read back as the same float; a text cell a spreadsheet would run as a formula gets
one extra leading ``'``. A stored row another program wrote malformed (a date
2025-02-30, a value 1.5x) is left out and named in the notice ``trend`` prints
(tracker/store/stored_rows.py; README "Rows another program wrote malformed"). Readings
come in the order ``list`` shows them and events in the order ``event list`` does, so an
import recreates both lists exactly (ids aside).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import ClauseElement, not_, select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS, marker_by_code
from tracker.interchange.csv_dialect import (
    EXPORT_HEADER,
    RECORD_EVENT,
    RECORD_READING,
    protect_formula,
)
from tracker.services.patients import resolve_patient
from tracker.store.driver_rows import driver_rows
from tracker.store.models import Event, Patient, Reading
from tracker.store.stored_rows import (
    UNREADABLE_EVENTS_KEY,
    holds_more_than,
    readable,
    readable_event,
    record_unreadable,
)

if TYPE_CHECKING:
    from tracker.store.database import Database

# Rows fetched per round trip while streaming.
FETCH_ROWS = 2_000
# Entries per formatting cache (cleared when full, so memory stays flat).
CACHE_LIMIT = 4_096
# RFC 4180 line ends; they also make the csv module quote a cell holding a lone CR.
LINE_END = "\r\n"


@dataclass(frozen=True)
class ExportCounts:
    """How many rows an export wrote."""

    readings: int
    events: int


def number_text(value: float) -> str:
    """A float as text that reads back as exactly the same float: ``4.2``, ``0``, ``1e-05``."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def export_csv(
    database: Database, out: TextIO, *, patient: str | None, all_patients: bool
) -> ExportCounts:
    """Write the selected patient's (or everyone's) readings and events as CSV to ``out``."""
    writer = csv.writer(out, lineterminator=LINE_END)
    with database.reading() as session:
        # Everything that can fail is checked before the first byte is written: a script
        # redirecting stdout must not be left with a file that only looks valid.
        patient_id: int | None = None
        if not all_patients:
            selected = resolve_patient(session, patient, create_default=False)
            if selected is None:
                writer.writerow(EXPORT_HEADER)
                return ExportCounts(0, 0)  # an empty database: the header alone
            patient_id = selected.id
        check_marker_codes(session, patient_id)
        writer.writerow(EXPORT_HEADER)
        dialect = session.get_bind().dialect.name
        counter = _Counter()
        readings = driver_rows(session, _readings_query(patient_id, dialect), batch=FETCH_ROWS)
        writer.writerows(counter.count(_reading_rows(readings)))
        reading_count = counter.rows
        events = driver_rows(session, _events_query(patient_id, dialect), batch=FETCH_ROWS)
        writer.writerows(counter.count(_event_rows(events)))
        written = ExportCounts(reading_count, counter.rows - reading_count)
        record_skipped(session, patient_id, written=written)
    return written


def check_marker_codes(session: Session, patient_id: int | None) -> None:
    """Stop with marker_by_code's message if a stored code is not in the catalogue."""
    query = select(Reading.marker).distinct()
    if patient_id is not None:
        query = query.where(Reading.patient_id == patient_id)
    for code in session.scalars(query):
        marker_by_code(code)


def record_skipped(
    session: Session, patient_id: int | None, *, written: ExportCounts | None = None
) -> None:
    """Remember the stored rows an export leaves out because they cannot be read.

    The command line names them after the export, on stderr (the document on stdout
    stays whole); only ids are fetched, so memory does not grow with the readings.
    Given what was ``written`` (in the same session), each table is searched only when
    it holds more rows than that (``holds_more_than``): the search is a second pass over
    every row, a tenth of an export of 200,000 readings, and almost always finds nothing.
    """
    dialect = session.get_bind().dialect.name
    if written is None or holds_more_than(
        session, Reading, written.readings, patient_id=patient_id
    ):
        readings = select(Reading.id).where(not_(readable(dialect)))
        if patient_id is not None:
            readings = readings.where(Reading.patient_id == patient_id)
        record_unreadable(session, session.scalars(readings))
    if written is None or holds_more_than(session, Event, written.events, patient_id=patient_id):
        events = select(Event.id).where(not_(readable_event(dialect)))
        if patient_id is not None:
            events = events.where(Event.patient_id == patient_id)
        record_unreadable(session, session.scalars(events), key=UNREADABLE_EVENTS_KEY)


class _Counter:
    def __init__(self) -> None:
        self.rows = 0

    def count(self, rows: Iterable[tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
        for row in rows:
            self.rows += 1
            yield row


def _readings_query(patient_id: int | None, dialect: str) -> ClauseElement:
    query = select(
        Patient.name,
        Reading.marker,
        Reading.value,
        Reading.qualifier,
        Reading.unit,
        Reading.drawn_on,
        Reading.lab,
        Reading.ref_high,
        Reading.note,
    ).join(Patient, Patient.id == Reading.patient_id)
    query = query.where(readable(dialect))
    if patient_id is not None:
        query = query.where(Reading.patient_id == patient_id)
    return query.order_by(Patient.name, Reading.drawn_on, Reading.id)


def _events_query(patient_id: int | None, dialect: str) -> ClauseElement:
    query = (
        select(Patient.name, Event.kind, Event.name, Event.started_on, Event.ended_on, Event.note)
        .join(Patient, Patient.id == Event.patient_id)
        .where(readable_event(dialect))
    )
    if patient_id is not None:
        query = query.where(Event.patient_id == patient_id)
    return query.order_by(Patient.name, Event.started_on, Event.id)


def _reading_rows(rows: Iterable[Any]) -> Iterator[tuple[str, ...]]:
    names = {code: marker.name for code, marker in MARKERS.items()}
    # Series repeat the same values, labs and patients row after row: formatting each
    # once keeps the per-row cost near the csv writer's own (bounded caches).
    values: dict[tuple[str | None, float], str] = {}
    texts: dict[str, str] = {}
    for patient, code, value, qualifier, unit, drawn_on, lab, ref_high, note in rows:
        value_text = values.get((qualifier, value))
        if value_text is None:
            if len(values) >= CACHE_LIMIT:
                values.clear()
            value_text = values[(qualifier, value)] = (qualifier or "") + number_text(value)
        patient_text = texts.get(patient)
        if patient_text is None:
            patient_text = _remember_text(texts, patient)
        lab_text = ""
        if lab:
            lab_text = texts.get(lab) or _remember_text(texts, lab)
        yield (
            RECORD_READING,
            patient_text,
            names.get(code) or marker_by_code(code).name,
            value_text,
            unit,
            str(drawn_on),  # ISO text as stored (SQLite) or a date (PostgreSQL)
            lab_text,
            "" if ref_high is None else number_text(ref_high),
            protect_formula(note) if note else "",
            "",
            "",
            "",
        )


def _remember_text(texts: dict[str, str], text: str) -> str:
    if len(texts) >= CACHE_LIMIT:
        texts.clear()
    protected = texts[text] = protect_formula(text)
    return protected


def _event_rows(rows: Iterable[Any]) -> Iterator[tuple[str, ...]]:
    for patient, kind, name, started_on, ended_on, note in rows:
        yield (
            RECORD_EVENT,
            protect_formula(patient),
            "",
            "",
            "",
            str(started_on),
            "",
            "",
            protect_formula(note) if note else "",
            kind,
            protect_formula(name),
            str(ended_on) if ended_on else "",
        )
