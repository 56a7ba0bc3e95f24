"""The database layer: where the file goes, its permissions, schema checks and migrations."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot, pg_base_url
from tracker.config import hide_password, location_from
from tracker.store import migrate as schema
from tracker.store.database import HEAD_REVISION, open_database
from tracker.store.models import Base


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_database_is_private_in_the_user_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_tracker(["add", "CEA", "3.1", "--date", "2026-01-05"], env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    folder = home / ".local" / "share" / "tumor-marker-tracker"
    assert _mode(folder) == 0o700
    assert _mode(folder / "tracker.db") == 0o600
    with sqlite3.connect(folder / "tracker.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    listed = run_tracker(["list", "--json"], env={"HOME": str(home)})
    assert '"value": 3.1' in listed.stdout


def test_an_existing_wide_data_folder_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "home" / ".local" / "share" / "tumor-marker-tracker"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    assert run_tracker(["add", "CEA", "1"], env={"HOME": str(tmp_path / "home")}).returncode == 0
    assert _mode(folder) == 0o700 and _mode(folder / "tracker.db") == 0o600


def test_tracker_db_url_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    path = tmp_path / "chosen.db"
    env = {"HOME": str(tmp_path / "home"), "TRACKER_DB_URL": f"sqlite:///{path}"}
    assert run_tracker(["add", "CEA", "1"], env=env).returncode == 0
    assert path.exists() and _mode(path) == 0o600
    assert not (tmp_path / "home" / ".local" / "share" / "tumor-marker-tracker").exists()


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"This is a text file, not a database.\n" * 200)
    before = path.read_bytes()
    for args in (["list"], ["add", "CEA", "1"]):
        result = run_tracker(["--db", str(path), *args], env={"HOME": str(tmp_path)})
        assert result.returncode == 1
        assert (
            result.stderr.strip()
            == f"Error: database {path} is not a SQLite database (or it is encrypted)"
        )
    assert path.read_bytes() == before


def test_a_sqlite_file_of_another_program_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE things (x)")
    result = run_tracker(["--db", str(path), "list"], env={"HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "holds tables but is not a tracker database" in result.stderr
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    assert tables == {"things"}


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "t.db"
    result = run_tracker(["--db", str(path), "list"], env={"HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: cannot create database {path}: folder {path.parent} does not exist"
    )


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
    assert len(backups) == 1 and _mode(backups[0]) == 0o600
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert connection.execute("SELECT count(*) FROM reading").fetchone() == (1,)
    assert f"revision {HEAD_REVISION} (head)" in sqlite_tracker.ok("db", "current").stdout


def test_server_database_is_never_upgraded_implicitly(pg_schema_url: str) -> None:
    result = run_tracker(["--db", pg_schema_url, "list"])
    assert result.returncode == 1
    assert "has no tracker tables yet; run `tracker db upgrade`" in result.stderr
    assert database_snapshot(pg_schema_url) == {}
    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "db", "downgrade", "0001", "--yes"]).returncode == 0
    stale = run_tracker(["--db", pg_schema_url, "add", "CEA", "1"])
    assert stale.returncode == 1
    assert "is at schema revision 0001, this version needs 0003" in stale.stderr
    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "add", "CEA", "1"]).returncode == 0


def test_wrong_password_and_unreachable_server_hide_the_password() -> None:
    base = pg_base_url()
    if base is None:
        pytest.skip("TRACKER_TEST_PG_URL is not set; PostgreSQL tests run in CI")
    secret = "s3cr3t-Pa55"
    urls = [
        f"postgresql+psycopg://nosuchuser:{secret}@127.0.0.1:5432/test",
        f"postgresql+psycopg://postgres:{secret}@127.0.0.1:1/test",
    ]
    for url in urls:
        for args in (["list"], ["add", "CEA", "1"], ["db", "current"], ["db", "upgrade"]):
            result = run_tracker(["--db", url, *args])
            assert result.returncode == 1, result.stderr
            assert result.stderr.startswith("Error: cannot connect to postgresql+psycopg://")
            assert secret not in result.stderr + result.stdout
            assert "Traceback" not in result.stderr


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
