"""``tracker check`` on databases seeded, behind the tracker's back, with each kind of problem."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker.config import location_from
from tracker.store.models import Event, Patient, Reading

TODAY = "2026-06-01"
CREATED = datetime(2026, 1, 1, 12, 0)


@contextmanager
def unchecked(url: str) -> Iterator[sa.Connection]:
    """A connection that may write what the tracker would refuse: no checks, no foreign
    keys, no identity index (so duplicates can be stored)."""
    engine = sa.create_engine(location_from(url).url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                # A plain engine leaves SQLite's foreign keys off; checks are ignored here.
                connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
            else:
                for table, constraint in [
                    ("reading", "ck_reading_value_not_negative"),
                    ("reading", "ck_reading_qualifier_known"),
                    ("reading", "fk_reading_patient_id_patient"),
                    ("event", "ck_event_kind_known"),
                    ("event", "fk_event_patient_id_patient"),
                ]:
                    connection.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
            connection.exec_driver_sql("DROP INDEX uq_reading_identity")
            yield connection
    finally:
        engine.dispose()


def reading(
    id: int, patient_id: int, marker: str, value: float, drawn_on: str, **extra: Any
) -> dict[str, Any]:
    row = {"id": id, "patient_id": patient_id, "marker": marker, "value": value,
           "qualifier": None, "unit": "U/mL" if marker.startswith("CA") else "ng/mL",
           "entered_value": "x", "entered_unit": None, "drawn_on": date.fromisoformat(drawn_on),
           "lab": None, "ref_high": None, "note": None, "source": "test",
           "created_at": CREATED}  # fmt: skip
    return {**row, **extra}


def event(
    id: int, patient_id: int, kind: str, name: str, started_on: str, ended_on: str | None = None
) -> dict[str, Any]:
    return {"id": id, "patient_id": patient_id, "kind": kind, "name": name,
            "started_on": date.fromisoformat(started_on), "note": None, "created_at": CREATED,
            "ended_on": date.fromisoformat(ended_on) if ended_on else None}  # fmt: skip


def seed_every_problem(url: str) -> None:
    with unchecked(url) as connection:
        connection.execute(sa.insert(Patient.__table__), [
            {"id": 1, "name": "Ann", "born": date(1960, 1, 1), "created_at": CREATED},
            {"id": 2, "name": "Bea", "born": None, "created_at": CREATED},
        ])  # fmt: skip
        lab = {"lab": "City Lab"}
        is_sqlite = connection.dialect.name == "sqlite"
        connection.execute(sa.insert(Reading.__table__), [
            reading(1, 1, "CEA", 3.0, "2026-01-05", **lab),
            reading(2, 1, "CEA", -1.0, "2026-01-06", **lab),
            reading(3, 1, "CEA", 0.0 if is_sqlite else math.nan, "2026-01-07", **lab),
            reading(4, 1, "CEA", 200_000.0, "2026-01-08", **lab),
            reading(5, 1, "CEA", 3.0, "2026-01-09", unit="U/mL", **lab),
            reading(6, 1, "PSA", 4.0, "2026-01-10", **lab),
            reading(7, 1, "CEA", 2.0, "2026-01-11", qualifier="~", **lab),
            reading(8, 2, "CA15-3", 20.0, "2026-01-05"),
            reading(9, 2, "CA15-3", 20.0, "2026-01-05", lab=""),
            reading(10, 1, "CEA", 1.0, "1950-01-01", **lab),
            reading(11, 1, "CEA", 1.0, "2026-07-01", **lab),
            reading(12, 999, "CEA", 1.0, "2026-01-05"),
            *(reading(13 + i, 2, "CA125", 10.0 + i, f"2025-02-{10 + i}",
                      lab="Lab A" if i % 2 else "lab  b ") for i in range(10)),
            reading(23, 1, "CEA", math.inf, "2026-01-12", ref_high=0.0, **lab),
        ])  # fmt: skip
        if is_sqlite:
            # SQLite stores a float NaN as NULL; text in a REAL column is how it can hold one.
            connection.exec_driver_sql("UPDATE reading SET value = 'NaN' WHERE id = 3")
        connection.execute(sa.insert(Event.__table__), [
            event(1, 1, "treatment", "letrozole", "2026-01-10", "2026-01-01"),
            event(2, 1, "holiday", "Crete", "2026-02-01"),
            event(3, 999, "symptom", "bone pain", "2026-02-01"),
            event(4, 2, "condition", "smoking", "2020-01-01", "2020-01-01"),
        ])  # fmt: skip


def checked(tracker: Tracker, code: int) -> Any:
    result = Tracker(tracker.db, {**tracker.env, "TRACKER_TODAY": TODAY}).fails("check", code=code)
    return result


def test_check_reports_every_seeded_problem_and_changes_nothing(tracker: Tracker) -> None:
    tracker.ok("patient", "list")  # creates (SQLite) the migrated, empty database
    seed_every_problem(tracker.db)
    before = database_snapshot(tracker.db)
    result = checked(tracker, 1)
    assert result.stdout == ""
    switches = ", ".join(f"#{i}" for i in range(14, 23))
    assert result.stderr.splitlines() == [
        "Error: 17 problems found",
        "  schema: index 'uq_reading_identity' is missing",
        "  reading #2 (Ann): value -1 is negative",
        "  reading #3 (Ann): value nan is not a finite number",
        "  reading #4 (Ann): value 200000 is above the ceiling of 100,000",
        "  reading #5 (Ann): unit 'U/mL' does not fit CEA (stored in ng/mL)",
        "  reading #6 (Ann): unknown marker code 'PSA'",
        "  reading #7 (Ann): qualifier '~' is not '<' or '>'",
        "  reading #10 (Ann): drawn on 1950-01-01, before the patient's birth (1960-01-01)",
        "  reading #11 (Ann): drawn on 2026-07-01, which is in the future (today is 2026-06-01)",
        "  reading #12: belongs to patient #999, who does not exist (orphan row)",
        "  reading #23 (Ann): value inf is not a finite number",
        "  reading #23 (Ann): upper reference limit is 0",
        "  event #1 (Ann): ends on 2026-01-01, before it starts (2026-01-10)",
        "  event #2 (Ann): unknown event kind 'holiday'",
        "  event #3: belongs to patient #999, who does not exist (orphan row)",
        "  readings #8, #9 of Bea: the same reading (CA 15-3 20 on 2026-01-05) is stored 2 times",
        f"  CA 125 of Bea: the lab changed 9 times in the last 10 readings (at {switches}); "
        "results are only compared within one lab, so check the lab names",
    ]
    # Compared as text: the stored NaN is never equal to itself.
    assert repr(database_snapshot(tracker.db)) == repr(before)


def test_lab_switches_up_to_the_limit_are_fine(tracker: Tracker) -> None:
    # Three switches in the last ten readings is the documented limit; earlier switches
    # (outside the window) do not count.
    labs = ["A", "B"] * 4 + ["A", "A", "B", "B", "B", "A", "A", "A", "B", "B"]
    for day, lab in enumerate(labs, start=1):
        tracker.ok("add", "CEA", "2", "--date", f"2025-01-{day:02d}", "--lab", lab)
    tracker.ok("event", "add", "condition", "smoking", "--date", "2025-01-01")
    result = checked(tracker, 0)
    assert result.stdout == "No problems found in 18 readings and 1 event.\n"
    tracker.ok("add", "CEA", "2", "--date", "2025-01-19", "--lab", "a")
    assert "the lab changed 4 times in the last 10 readings" in checked(tracker, 1).stderr


def test_check_reports_an_old_schema_without_upgrading_it(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2025-01-01")
    tracker.ok("db", "downgrade", "0001", "--yes")
    result = checked(tracker, 1)
    assert result.stderr.splitlines() == [
        "Error: 1 problem found",
        "  schema: at revision 0001, this version needs 0003 (run `tracker db upgrade`)",
    ]
    assert "revision 0001;" in tracker.ok("db", "current").stdout


def test_empty_database_and_missing_file(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("patient", "list")
    assert checked(tracker, 0).stdout == "No problems found in 0 readings and 0 events.\n"
    missing = tmp_path / "nowhere.db"
    result = Tracker(str(missing), tracker.env).fails("check")
    assert result.stderr == f"Error: no database at {missing}\n"
    assert not missing.exists()


def test_sqlite_rows_that_no_column_type_allows(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    sqlite_tracker.ok("patient", "add", "Ann", "--born", "1970-01-01")
    with sqlite3.connect(sqlite_tracker.db) as connection:
        connection.execute(
            "INSERT INTO reading (patient_id, marker, value, unit, entered_value, drawn_on, "
            "source, created_at) VALUES (1, 'CEA', 'high', 'ng/mL', 'x', '2026-13-45', 't', 0)"
        )
        connection.execute(
            "INSERT INTO event (patient_id, kind, name, started_on, ended_on, created_at) "
            "VALUES (1, 'other', 'x', 'soon', 'later', 0)"
        )
    result = checked(sqlite_tracker, 1)
    assert result.stderr.splitlines() == [
        "Error: 4 problems found",
        "  reading #1 (Ann): value 'high' is not a number",
        "  reading #1 (Ann): drawn on '2026-13-45' is not a date",
        "  event #1 (Ann): start date 'soon' is not a date",
        "  event #1 (Ann): end date 'later' is not a date",
    ]
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER)")
    result = Tracker(str(other), sqlite_tracker.env).fails("check")
    assert result.stderr.splitlines() == [
        "Error: 1 problem found",
        "  schema: the database holds other tables and is not a tracker database; "
        "nothing else was checked",
    ]
