"""Which database a real tracker process opens (the private default, TRACKER_DB_URL,
--db), and what it refuses to open or change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot, pg_base_url
from tests.helpers.paths import file_mode


def test_default_database_is_private_in_the_user_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_tracker(["add", "CEA", "3.1", "--date", "2026-01-05"], env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    folder = home / ".local" / "share" / "tumor-marker-tracker"
    assert file_mode(folder) == 0o700
    assert file_mode(folder / "tracker.db") == 0o600
    with sqlite3.connect(folder / "tracker.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    listed = run_tracker(["list", "--json"], env={"HOME": str(home)})
    assert '"value": 3.1' in listed.stdout


def test_an_existing_wide_data_folder_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "home" / ".local" / "share" / "tumor-marker-tracker"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    assert run_tracker(["add", "CEA", "1"], env={"HOME": str(tmp_path / "home")}).returncode == 0
    assert file_mode(folder) == 0o700 and file_mode(folder / "tracker.db") == 0o600


def test_tracker_db_url_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    path = tmp_path / "chosen.db"
    env = {"HOME": str(tmp_path / "home"), "TRACKER_DB_URL": f"sqlite:///{path}"}
    assert run_tracker(["add", "CEA", "1"], env=env).returncode == 0
    assert path.exists() and file_mode(path) == 0o600
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


def test_a_newer_schema_is_reported_not_read(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("add", "CEA", "2", "--date", "2025-01-01")
    with sqlite3.connect(sqlite_tracker.db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    result = run_tracker(
        ["--db", sqlite_tracker.db, "check"], env={"HOME": sqlite_tracker.env["HOME"]}
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "Error: 1 problem found",
        "  schema: schema revision 0099 was written by a newer version of the tracker; "
        "nothing else was checked",
    ]
