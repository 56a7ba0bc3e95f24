"""Planting rows another program wrote malformed, and the notice that names them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tracker.config import location_from

NOTICE = (
    "Note: {count} could not be read ({ids}); run `tracker check` to see why, and fix with "
    "`tracker edit ID` or `tracker delete ID`\n"
)


def three_readings(tracker: Tracker) -> None:
    for value, day in (("3", "2025-01-01"), ("4", "2025-02-01"), ("5", "2025-03-01")):
        tracker.ok("add", "CEA", value, "--date", day)


def plant_sqlite(path: Path, sql: str) -> None:
    """Write as another program would: no SQLAlchemy, no validation."""
    with sqlite3.connect(path) as connection:
        connection.execute(sql)
    connection.close()


def plant(url: str, sql: str) -> None:
    engine = sa.create_engine(location_from(url).url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(sql))
    finally:
        engine.dispose()
