"""Baseline scripts for import and export: what a competent one-off script would do.

Run as a file (``python benchmarks/baselines.py import sqlite DB.db FILE.csv``), so it
pays the same interpreter start-up as the tracker and imports nothing but the standard
library and the database driver. PostgreSQL targets name a schema; the connection string
comes from the ``BENCH_PG_CONNINFO`` variable so no password appears in a process list.

    import sqlite PATH CSV | import postgresql SCHEMA CSV   csv.reader + executemany
    export sqlite PATH OUT | export postgresql SCHEMA OUT   a SELECT per table + csv.writer
    readings-json BACKEND TARGET OUT   every reading (with its patient's name) as JSON
    copy postgresql SCHEMA CSV         COPY the file into a plain table of text columns
    patients BACKEND TARGET OUT        each patient's name with reading and event counts
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

CONNINFO_ENV = "BENCH_PG_CONNINFO"
BATCH_ROWS = 10_000
# Display names in CSV files <-> the catalogue codes stored in the reading table.
CODES = {"CEA": "CEA", "CA 15-3": "CA15-3", "CA 27.29": "CA27.29", "CA 125": "CA125"}
NAMES = {code: name for name, code in CODES.items()}
CSV_HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"

INSERT_READING = (
    "INSERT INTO reading (patient_id, marker, value, qualifier, unit, entered_value, "
    "entered_unit, drawn_on, lab, ref_high, note, source, created_at) "
    "VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}) "
    "ON CONFLICT DO NOTHING"
)
INSERT_EVENT = (
    "INSERT INTO event (patient_id, kind, name, started_on, ended_on, note, created_at) "
    "VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}) ON CONFLICT DO NOTHING"
)
SELECT_READINGS = (
    "SELECT patient.name, reading.marker, reading.value, reading.qualifier, reading.unit, "
    "reading.drawn_on, reading.lab, reading.ref_high, reading.note "
    "FROM reading JOIN patient ON patient.id = reading.patient_id "
    "ORDER BY patient.name, reading.drawn_on, reading.id"
)
SELECT_EVENTS = (
    "SELECT patient.name, event.started_on, event.note, event.kind, event.name, event.ended_on "
    "FROM event JOIN patient ON patient.id = event.patient_id "
    "ORDER BY patient.name, event.started_on, event.id"
)


def connect(backend: str, target: str) -> tuple[Any, str]:
    """A DB-API connection and its parameter placeholder."""
    if backend == "sqlite":
        import sqlite3

        return sqlite3.connect(target), "?"
    import psycopg

    connection = psycopg.connect(os.environ[CONNINFO_ENV])
    connection.execute("SELECT set_config('search_path', %s, false)", (target,))
    return connection, "%s"


def _patient_ids(cursor: Any, mark: str, names: set[str], known: dict[str, int]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    for name in names - known.keys():
        cursor.execute(
            f"INSERT INTO patient (name, name_key, created_at) VALUES ({mark}, {mark}, {mark}) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            (name, " ".join(name.split()).casefold(), now),
        )
        cursor.execute(f"SELECT id FROM patient WHERE name = {mark}", (name,))  # noqa: S608
        known[name] = cursor.fetchone()[0]


def import_csv(connection: Any, mark: str, path: str) -> int:
    """Insert every reading and event row of the file, in batches; returns the row count."""
    cursor = connection.cursor()
    known: dict[str, int] = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    count = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        column = {name: i for i, name in enumerate(next(reader))}
        rec, p, m, v, u, d, lab, ref, note, kind, name, end = (
            column[field] for field in CSV_HEADER.split(",")
        )
        while batch := list(islice(reader, BATCH_ROWS)):
            _patient_ids(cursor, mark, {row[p] for row in batch}, known)
            readings, events = [], []
            for row in batch:
                if row[rec] == "event":
                    events.append(
                        (known[row[p]], row[kind], row[name], row[d], row[end] or None,
                         row[note] or None, now)
                    )  # fmt: skip
                    continue
                value = row[v]
                qualifier = value[0] if value[:1] in ("<", ">") else None
                readings.append(
                    (known[row[p]], CODES[row[m]], float(value.lstrip("<>")), qualifier, row[u],
                     value, row[u], row[d], row[lab] or None,
                     float(row[ref]) if row[ref] else None, row[note] or None, "csv", now)
                )  # fmt: skip
            cursor.executemany(INSERT_READING.format(mark), readings)
            cursor.executemany(INSERT_EVENT.format(mark), events)
            count += len(batch)
    connection.commit()
    return count


def _reading_rows(cursor: Any) -> Iterator[list[object]]:
    for name, code, value, qualifier, unit, drawn_on, lab, ref_high, note in cursor:
        shown = f"{qualifier}{value:g}" if qualifier else f"{value:g}"
        yield ["reading", name, NAMES[code], shown, unit, str(drawn_on), lab or "",
               "" if ref_high is None else f"{ref_high:g}", note or "", "", "", ""]  # fmt: skip


def _event_rows(cursor: Any) -> Iterator[list[object]]:
    for name, started_on, note, kind, event_name, ended_on in cursor:
        yield ["event", name, "", "", "", str(started_on), "", "", note or "", kind, event_name,
               "" if ended_on is None else str(ended_on)]  # fmt: skip


def export_csv(connection: Any, path: str) -> None:
    """Every reading, then every event, in the order a person reads them, into a CSV file."""
    cursor = connection.cursor()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER.split(","))
        cursor.execute(SELECT_READINGS)
        writer.writerows(_reading_rows(cursor))
        cursor.execute(SELECT_EVENTS)
        writer.writerows(_event_rows(cursor))
    connection.rollback()


def readings_json(connection: Any, path: str) -> None:
    """Every reading with its patient's name, one JSON document (the review baseline)."""
    cursor = connection.cursor()
    cursor.execute(SELECT_READINGS)
    rows = [
        {"patient": name, "marker": code, "value": value, "qualifier": qualifier, "unit": unit,
         "drawn_on": str(drawn_on), "lab": lab, "ref_high": ref_high, "note": note}
        for name, code, value, qualifier, unit, drawn_on, lab, ref_high, note in cursor
    ]  # fmt: skip
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(rows, handle)
    connection.rollback()


def copy_csv(connection: Any, path: str) -> None:
    """The file into a new plain table by COPY: no parsing, no checks, no patients."""
    columns = ", ".join(f"{name} text" for name in CSV_HEADER.split(","))
    connection.execute("DROP TABLE IF EXISTS plain_copy")
    connection.execute(f"CREATE TABLE plain_copy ({columns})")
    with (
        open(path, "rb") as handle,
        connection.cursor().copy("COPY plain_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    connection.commit()


SELECT_PATIENTS = (
    "SELECT patient.name, "
    "(SELECT count(*) FROM reading WHERE reading.patient_id = patient.id), "
    "(SELECT count(*) FROM event WHERE event.patient_id = patient.id) "
    "FROM patient ORDER BY patient.name"
)


def patients(connection: Any, path: str) -> None:
    """Each patient with their counts, one line each (the `patient list` baseline)."""
    cursor = connection.cursor()
    cursor.execute(SELECT_PATIENTS)
    with open(path, "w", encoding="utf-8") as handle:
        for name, readings, events in cursor:
            handle.write(f"{name}  {readings} readings, {events} events\n")
    connection.rollback()


ACTIONS = {
    "export": export_csv,
    "readings-json": readings_json,
    "copy": copy_csv,
    "patients": patients,
}


def main(argv: list[str]) -> None:
    action, backend, target, path = argv
    connection, mark = connect(backend, target)
    try:
        if action == "import":
            import_csv(connection, mark, path)
        else:
            ACTIONS[action](connection, path)
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1:])
