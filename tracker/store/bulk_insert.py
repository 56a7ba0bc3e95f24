"""Bulk inserts for import: many rows per statement, duplicates ignored and counted.

The statement is SQLAlchemy Core's ``INSERT … ON CONFLICT DO NOTHING``
(``tracker.store.sql.insert_ignoring_duplicates``), compiled once for the connection's
dialect and run with the driver's own ``executemany`` through ``exec_driver_sql``:
this skips SQLAlchemy's per-row parameter processing, which would otherwise cost more
than the insert itself. The values are prepared with the column types' own bind
processors, so they are stored exactly as the ORM stores them (the identity indexes
then match rows written by ``add``). The driver's ``rowcount`` after ``executemany``
is the number of rows really inserted, on SQLite and on psycopg alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from tracker.store.sql import insert_ignoring_duplicates


class ReadingRow(NamedTuple):
    """One reading row of a bulk insert: its fields name the columns, in order.

    Values are in stored form (dates and the timestamp through ``ImportTargets``).
    The CSV and FHIR imports both build these; ``READING_COLUMNS`` is read from here.
    """

    patient_id: int
    marker: str
    value: float
    qualifier: str | None
    unit: str
    entered_value: str
    entered_unit: str | None
    drawn_on: Any
    lab: str | None
    ref_high: float | None
    note: str | None
    source: str
    created_at: Any


class EventRow(NamedTuple):
    """One event row of a bulk insert, fields in column order (see ``ReadingRow``)."""

    patient_id: int
    kind: str
    name: str
    started_on: Any
    ended_on: Any
    note: str | None
    created_at: Any


READING_COLUMNS: tuple[str, ...] = ReadingRow._fields
EVENT_COLUMNS: tuple[str, ...] = EventRow._fields


def _unchanged(value: Any) -> Any:
    return value


class BulkInsert:
    """``executemany`` of one table's insert; rows are tuples in ``columns`` order."""

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str]) -> None:
        self._connection = connection
        self._table = table
        self._columns = tuple(columns)
        dialect = connection.dialect
        compiled: Any = insert_ignoring_duplicates(table, dialect.name).compile(
            dialect=dialect, column_keys=list(self._columns), for_executemany=True
        )
        self._sql = str(compiled)
        self._positional = bool(compiled.positional)
        # Positional drivers (sqlite3) take tuples in the statement's order; named ones
        # (psycopg) take dicts.
        order = tuple(compiled.positiontup) if self._positional else self._columns
        self._reorder = None if order == self._columns else [self._columns.index(c) for c in order]

    def processor(self, column: str) -> Callable[[Any], Any]:
        """How the dialect stores a Python value of this column (e.g. dates as text on SQLite)."""
        dialect = self._connection.dialect
        process = self._table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        return process if process is not None else _unchanged

    def insert(self, rows: list[tuple[Any, ...]]) -> int:
        """Insert the rows an identity index does not hold yet; returns how many were added."""
        if not rows:
            return 0
        params: list[Any]
        if not self._positional:
            columns = self._columns
            params = [dict(zip(columns, row, strict=True)) for row in rows]
        elif self._reorder is not None:
            order = self._reorder
            params = [tuple(row[i] for i in order) for row in rows]
        else:
            params = rows
        result = self._connection.exec_driver_sql(self._sql, params)
        return max(result.rowcount, 0)


@dataclass(frozen=True)
class ImportTargets:
    """The two bulk inserts of one import and its shared values in stored form."""

    readings: BulkInsert
    events: BulkInsert
    # The import's one timestamp as the driver stores it (every row of an import gets
    # it, so its rows can be found again for the summary and the flags).
    created_at: Any
    # Dates as the driver stores them (reading and event tables share the Date type).
    to_db_date: Callable[[Any], Any]


def import_targets(connection: Connection, stamp: datetime) -> ImportTargets:
    """Bulk inserts for readings and events on ``connection``, stamped ``stamp``."""
    from tracker.store.models import Event, Reading

    readings = BulkInsert(connection, Reading.__table__, READING_COLUMNS)  # type: ignore[arg-type]
    events = BulkInsert(connection, Event.__table__, EVENT_COLUMNS)  # type: ignore[arg-type]
    return ImportTargets(
        readings=readings,
        events=events,
        created_at=readings.processor("created_at")(stamp),
        to_db_date=readings.processor("drawn_on"),
    )
