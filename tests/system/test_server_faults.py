"""PostgreSQL going away: during a command, and between two uses of one open database."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import run_tracker
from tests.helpers.databases import database_snapshot, pg_base_url
from tests.helpers.processes import ROOT
from tracker.config import location_from
from tracker.store.database import open_database
from tracker.store.models import Reading


@pytest.fixture
def admin() -> Iterator[sa.Engine]:
    """A connection to the server for the test itself (locks, pg_terminate_backend)."""
    base = pg_base_url()
    if base is None:
        pytest.skip("TRACKER_TEST_PG_URL is not set; PostgreSQL tests run in CI")
    engine = sa.create_engine(base)
    yield engine
    engine.dispose()


def named(url: str) -> tuple[str, str]:
    """The URL with an application_name of its own, so only its sessions are terminated."""
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    return f"{url}&application_name={name}", name


def terminate(admin: sa.Engine, application_name: str) -> int:
    with admin.begin() as connection:
        return len(
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": application_name},
            ).all()
        )


def test_a_connection_terminated_mid_command_is_a_clear_error_and_stores_nothing(
    pg_schema_url: str, admin: sa.Engine
) -> None:
    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert (
        run_tracker(["--db", pg_schema_url, "add", "CEA", "3", "--date", "2026-01-05"]).returncode
        == 0
    )
    before = database_snapshot(pg_schema_url)
    url, application_name = named(pg_schema_url)
    locker = sa.create_engine(pg_schema_url)
    with locker.connect() as lock:
        lock.execute(sa.text("LOCK TABLE reading IN ACCESS EXCLUSIVE MODE"))
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", url, "add", "CEA", "4.5"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        waiting_query = sa.text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = :name AND wait_event_type = 'Lock'"
        )
        deadline = time.monotonic() + 30
        with admin.connect() as watcher:
            while not watcher.execute(waiting_query, {"name": application_name}).scalar():
                watcher.rollback()  # pg_stat_activity is a snapshot per transaction
                assert time.monotonic() < deadline, "the add never reached the lock"
                assert process.poll() is None, process.communicate()
                time.sleep(0.05)
        assert terminate(admin, application_name) == 1
        stdout, stderr = process.communicate(timeout=30)
        lock.rollback()
    locker.dispose()
    assert process.returncode == 1, stderr
    assert stderr.startswith("Error: the connection to postgresql+psycopg://postgres@")
    assert stderr.rstrip().endswith("what this command was writing was not saved; try again")
    assert len(stderr.splitlines()) == 1 and stdout == ""
    assert database_snapshot(pg_schema_url) == before
    # The server is fine; the next command (a fresh process) works.
    again = run_tracker(["--db", pg_schema_url, "add", "CEA", "4.5"])
    assert again.returncode == 0, again.stderr
    assert len(database_snapshot(pg_schema_url)["reading"]) == 2


def test_an_open_database_reconnects_after_the_server_dropped_its_connections(
    pg_schema_url: str, admin: sa.Engine
) -> None:
    """A long-lived process (the library, a notebook) survives a server restart."""
    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "add", "CEA", "3"]).returncode == 0
    url, application_name = named(pg_schema_url)
    database = open_database(location_from(url))
    try:
        with database.reading() as session:
            assert session.query(Reading).count() == 1
        assert terminate(admin, application_name) == 1  # the pooled, idle connection
        with database.reading() as session:
            assert session.query(Reading).count() == 1
    finally:
        database.dispose()
