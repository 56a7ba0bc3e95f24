"""Reads that skip SQLAlchemy's rows or count instead of searching (issue 17), against
what a maintainer's review found: a write landing between a read and its count, a reader
dropped after its transaction, parameters the SQLite driver would take wrongly."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.malformed_rows import three_readings
from tracker.config import location_from
from tracker.store.database import Database, open_database
from tracker.store.driver_rows import driver_rows
from tracker.store.models import Reading


def _database(tracker: Tracker) -> Database:
    return open_database(location_from(tracker.db), migrate=False)


def _delete_elsewhere(url: str, reading_id: int) -> None:
    """Another program deletes a row, committed at once."""
    engine = sa.create_engine(location_from(url).url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM reading WHERE id = :id"), {"id": reading_id})
    finally:
        engine.dispose()


def test_a_read_sees_one_snapshot(tracker: Tracker) -> None:
    """A count after the rows were read must see what they saw (PostgreSQL's default,
    read committed, takes a new snapshot per statement): else a delete landing between
    them could make the counts agree while an unreadable row is there."""
    three_readings(tracker)
    database = _database(tracker)
    count = sa.select(sa.func.count()).select_from(Reading)
    try:
        with database.reading() as session:
            before = session.scalar(count)
            _delete_elsewhere(tracker.db, 1)
            assert session.scalar(count) == before == 3
        with database.reading() as session:
            assert session.scalar(count) == 2
    finally:
        database.engine.dispose()


def test_a_reader_dropped_after_its_session_leaves_the_next_one_alone(tracker: Tracker) -> None:
    three_readings(tracker)
    database = _database(tracker)
    query = sa.select(Reading.id).order_by(Reading.id)
    try:
        with database.reading() as session:
            rows = driver_rows(session, query, batch=1)
            assert next(rows) == (1,)
        with database.reading() as other:
            assert other.scalar(sa.select(sa.func.count()).select_from(Reading)) == 3
            rows.close()  # as when an error's traceback is freed, later
            assert other.scalar(sa.select(sa.func.count()).select_from(Reading)) == 3
    finally:
        database.engine.dispose()


def test_driver_rows_match_sqlalchemys_for_dates_in_lists_and_limits(tracker: Tracker) -> None:
    three_readings(tracker)
    database = _database(tracker)
    query = (
        sa.select(Reading.id, Reading.drawn_on, Reading.value)
        .where(
            Reading.marker.in_(["CEA", "CA15-3"]),
            Reading.drawn_on.between(date(2025, 1, 1), date(2025, 2, 1)),
            Reading.value < float("inf"),
        )
        .order_by(Reading.id)
    )
    try:
        with database.reading() as session:
            expected = [(i, str(day), value) for i, day, value in session.execute(query)]
            got = [(i, str(day), value) for i, day, value in driver_rows(session, query, batch=2)]
        assert got == expected == [(1, "2025-01-01", 3.0), (2, "2025-02-01", 4.0)]
    finally:
        database.engine.dispose()


def test_a_parameter_sqlite_has_no_rule_for_is_refused(sqlite_tracker: Tracker) -> None:
    """A datetime would be sent with a "T" where SQLAlchemy stores a space: refused."""
    three_readings(sqlite_tracker)
    database = _database(sqlite_tracker)
    query = sa.select(Reading.id).where(Reading.created_at >= datetime(2000, 1, 1))
    try:
        with database.reading() as session, pytest.raises(TypeError, match="datetime"):
            list(driver_rows(session, query, batch=10))
    finally:
        database.engine.dispose()
