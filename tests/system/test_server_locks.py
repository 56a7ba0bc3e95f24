"""Issue 13, item 12 on PostgreSQL: every write behind another session's lock ends in one line.

Another session (a psycopg connection, as psql would) holds ``LOCK TABLE … IN ACCESS
EXCLUSIVE MODE`` on the table the command has to write; the command must give up after
``TRACKER_SQLITE_BUSY_TIMEOUT_MS`` (also the server's lock timeout) with one ``… is busy …``
line, exit 1, and nothing changed. ``add`` is covered in test_store_safety.py; ``restore``
is SQLite-only. These real processes cover the other writes.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers.cli_runs import run_tracker
from tests.helpers.databases import database_snapshot

BUSY_END = " is busy: another session held a lock for over 0.5 s; nothing was changed; try again\n"


def _run(url: str, *args: str) -> None:
    result = run_tracker(["--db", url, *args])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "table, args",
    [
        ("reading", ["import", "{csv}"]),
        ("event", ["event", "add", "treatment", "letrozole", "--date", "2026-01-10"]),
        ("patient", ["patient", "rename", "Ann", "Anne"]),
        ("reading", ["delete", "1", "--yes"]),
        ("reading", ["edit", "1", "--value", "5"]),
    ],
    ids=["import", "event-add", "patient-rename", "delete", "edit"],
)
def test_a_write_behind_a_server_lock_ends_in_one_busy_line(
    pg_schema_url: str, tmp_path: Path, table: str, args: list[str]
) -> None:
    import sqlalchemy as sa

    _run(pg_schema_url, "db", "upgrade")
    _run(pg_schema_url, "patient", "add", "Ann")
    _run(pg_schema_url, "--patient", "Ann", "add", "CEA", "3", "--date", "2026-01-05")
    source = tmp_path / "more.csv"
    source.write_text("marker,value,drawn_on\nCEA,4,2026-02-05\nCEA,5,2026-03-05\n")
    command = [arg.replace("{csv}", str(source)) for arg in args]
    before = database_snapshot(pg_schema_url)
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.connect() as holder:
            holder.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            result = run_tracker(
                ["--db", pg_schema_url, "--patient", "Ann", *command],
                env={"TRACKER_SQLITE_BUSY_TIMEOUT_MS": "500"},
            )
            waited = time.monotonic() - started
            holder.rollback()
    finally:
        engine.dispose()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: database postgresql+psycopg://"), result.stderr
    assert result.stderr.endswith(BUSY_END), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert waited < 30
    assert database_snapshot(pg_schema_url) == before


def test_a_zero_busy_timeout_does_not_wait_for_ever_on_a_server(pg_schema_url: str) -> None:
    # PostgreSQL reads lock_timeout = 0 as "no limit": 0 ms used to wait as long as the lock.
    import sqlalchemy as sa

    _run(pg_schema_url, "db", "upgrade")
    _run(pg_schema_url, "add", "CEA", "3")
    before = database_snapshot(pg_schema_url)
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.connect() as holder:
            holder.execute(sa.text("LOCK TABLE reading IN ACCESS EXCLUSIVE MODE"))
            result = run_tracker(
                ["--db", pg_schema_url, "add", "CEA", "4"],
                env={"TRACKER_SQLITE_BUSY_TIMEOUT_MS": "0"},
                timeout=60,
            )
            holder.rollback()
    finally:
        engine.dispose()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.endswith(
        " is busy: another session held a lock for over 0 s; nothing was changed; try again\n"
    ), result.stderr
    assert database_snapshot(pg_schema_url) == before
