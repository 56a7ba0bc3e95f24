"""The database layer: where the file goes, its permissions, schema checks and migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.helpers.cli_runs import Tracker
from tests.helpers.paths import file_mode
from tracker.config import hide_password, location_from
from tracker.store import migrate as schema
from tracker.store.database import open_database
from tracker.store.models import Base
from tracker.store.revisions import HEAD_REVISION


def test_older_sqlite_file_is_backed_up_then_upgraded(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    path = Path(sqlite_tracker.db)
    # Take the file back to revision 0001 (as an older tracker would have left it).
    downgraded = sqlite_tracker.ok("db", "downgrade", "0001", "--yes")
    [before_downgrade] = path.parent.glob("tracker.db.before-0003-downgrade-*.bak")
    assert f"Backed up the database to {before_downgrade}" in downgraded.stdout
    before_downgrade.unlink()
    assert "revision 0001" in sqlite_tracker.ok("db", "current").stdout
    assert len(sqlite_tracker.json("list")) == 1  # upgraded automatically
    backups = list(path.parent.glob("tracker.db.before-0001-upgrade-*.bak"))
    assert len(backups) == 1 and file_mode(backups[0]) == 0o600
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert connection.execute("SELECT count(*) FROM reading").fetchone() == (1,)
    assert f"revision {HEAD_REVISION} (head)" in sqlite_tracker.ok("db", "current").stdout


def test_hide_password() -> None:
    assert hide_password("postgresql+psycopg://ann:p@ss:w@db.example/x") == (
        "postgresql+psycopg://ann:***@db.example/x"
    )
    assert hide_password("postgresql://db.example/x") == "postgresql://db.example/x"
    assert hide_password("postgresql://h/x?sslmode=require&password=pw&user=a") == (
        "postgresql://h/x?sslmode=require&password=***&user=a"
    )


def test_head_constant_matches_the_migrations() -> None:
    assert schema.head_revision() == HEAD_REVISION


def test_known_revisions_are_the_migrations_chain_oldest_first() -> None:
    from alembic.script import ScriptDirectory

    from tracker.store.revisions import KNOWN_REVISIONS

    scripts = ScriptDirectory.from_config(schema.alembic_config())
    chain = [script.revision for script in scripts.walk_revisions()]
    assert KNOWN_REVISIONS == tuple(reversed(chain))


def _migrated_connection_url(tracker: Tracker) -> str:
    return location_from(tracker.db).url


def test_upgrade_downgrade_upgrade_keeps_working_with_data(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    before = tracker.json("list")
    tracker.ok("db", "downgrade", "0001", "--yes")
    tracker.ok("db", "upgrade")
    assert tracker.json("list") == before
    tracker.ok("db", "downgrade", "base", "--yes")
    assert "no tracker schema" in tracker.ok("db", "current").stdout
    tracker.ok("db", "upgrade")
    assert tracker.json("list") == []
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    assert len(tracker.json("list")) == 1


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_match_the_migrated_schema(tracker: Tracker) -> None:
    tracker.ok("list")  # migrates a fresh SQLite file; PostgreSQL was upgraded by the fixture
    engine = sa.create_engine(_migrated_connection_url(tracker))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            # SQLite cannot reflect expression indexes, so check the identity index directly.
            if connection.dialect.name == "sqlite":
                index_sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'uq_reading_identity'"
                ).scalar()
                assert "coalesce(lab, '')" in index_sql and "UNIQUE" in index_sql
            else:
                names = {i["name"] for i in sa.inspect(connection).get_indexes("reading")}
                assert "uq_reading_identity" in names
    finally:
        engine.dispose()
    assert differences == []


def test_open_database_creates_and_reports_state(tmp_path: Path) -> None:
    database = open_database(location_from(str(tmp_path / "x.db")))
    try:
        assert database.schema_state() == (HEAD_REVISION, True)
    finally:
        database.dispose()
