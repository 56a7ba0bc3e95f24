"""`tracker backup FILE` and `tracker restore FILE [--yes]`."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.sample_data import add_sample_history


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_writes_a_private_consistent_copy(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    add_sample_history(sqlite_tracker)
    target = tmp_path / "copy.db"
    result = sqlite_tracker.ok("backup", str(target))
    assert result.stdout == (
        f"Backed up {sqlite_tracker.db} to {target} (1 patient(s), 2 reading(s), 1 event(s); "
        "schema revision 0003)\n"
    )
    assert _mode(target) == 0o600
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert database_snapshot(str(target)) == database_snapshot(sqlite_tracker.db)
    # The copy is a working database for the tracker itself.
    copy = Tracker(str(target), sqlite_tracker.env)
    assert copy.json("list") == sqlite_tracker.json("list")


def test_backup_never_overwrites_and_needs_a_database(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    missing = sqlite_tracker.fails("backup", str(tmp_path / "copy.db"))
    assert missing.stderr == (
        f"Error: there is no database at {sqlite_tracker.db} yet; nothing to back up\n"
    )
    assert not Path(sqlite_tracker.db).exists()
    add_sample_history(sqlite_tracker)
    existing = tmp_path / "existing.db"
    existing.write_text("precious")
    refused = sqlite_tracker.fails("backup", str(existing))
    assert refused.stderr == (
        f"Error: {existing} already exists; choose a new file name for the backup\n"
    )
    assert existing.read_text() == "precious"
    itself = sqlite_tracker.fails("backup", sqlite_tracker.db)
    assert "already exists" in itself.stderr
    nowhere = sqlite_tracker.fails("backup", str(tmp_path / "no" / "copy.db"))
    assert nowhere.stderr == (
        f"Error: cannot write {tmp_path / 'no' / 'copy.db'}: folder {tmp_path / 'no'} "
        "does not exist\n"
    )


def test_restore_puts_a_backup_back_and_keeps_a_safety_copy(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    add_sample_history(sqlite_tracker)
    backup = tmp_path / "monday.db"
    sqlite_tracker.ok("backup", str(backup))
    monday = database_snapshot(sqlite_tracker.db)
    sqlite_tracker.ok("add", "CEA", "9.9", "--date", "2026-02-01")
    sqlite_tracker.ok("delete", "1", "--yes")
    tuesday = database_snapshot(sqlite_tracker.db)

    result = sqlite_tracker.ok("restore", str(backup), "--yes")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Kept a safety copy of the previous database: {sqlite_tracker.db}")
    safety = Path(lines[0].rsplit(": ", 1)[1])
    assert safety.name.startswith("tracker.db.before-restore-") and safety.suffix == ".bak"
    assert lines[1] == (
        f"Restored {sqlite_tracker.db} from {backup} (1 patient(s), 2 reading(s), 1 event(s); "
        "schema revision 0003)"
    )
    assert database_snapshot(sqlite_tracker.db) == monday
    assert database_snapshot(str(safety)) == tuesday
    assert _mode(safety) == 0o600 and _mode(Path(sqlite_tracker.db)) == 0o600
    with sqlite3.connect(sqlite_tracker.db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The tracker keeps working on the restored file, and the backup itself is unchanged.
    sqlite_tracker.ok("add", "CEA", "4.4", "--date", "2026-02-02")
    assert database_snapshot(str(backup)) == monday


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"hello, not a database" * 100, "is not a SQLite database"),
        (None, "does not exist"),
        ("other-program", "is not a tracker database (its tables are not the tracker's)"),
        ("future-revision", "is at schema revision 9999, which this version of the tracker"),
        ("damaged", "is damaged (corrupt)"),
    ],
    ids=["not-sqlite", "missing", "other-program", "future-revision", "damaged"],
)
def test_restore_refuses_what_is_not_a_tracker_backup(
    sqlite_tracker: Tracker, tmp_path: Path, content: bytes | str | None, problem: str
) -> None:
    add_sample_history(sqlite_tracker)
    backup = tmp_path / "bad.db"
    if isinstance(content, bytes):
        backup.write_bytes(content)
    elif content == "other-program":
        with sqlite3.connect(backup) as connection:
            connection.execute("CREATE TABLE things (x)")
    elif content == "future-revision":
        sqlite_tracker.ok("backup", str(backup))
        with sqlite3.connect(backup) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
    elif content == "damaged":
        for index in range(30):
            sqlite_tracker.ok("add", "CEA", str(index + 10), "--note", "n" * 500)
        sqlite_tracker.ok("backup", str(backup))
        data = bytearray(backup.read_bytes())
        data[3 * 4096 : 5 * 4096] = bytes(range(256)) * 32
        backup.write_bytes(bytes(data))
    before = database_snapshot(sqlite_tracker.db)
    result = sqlite_tracker.fails("restore", str(backup), "--yes")
    assert result.stderr.startswith(f"Error: backup {backup} {problem}")
    assert len(result.stderr.splitlines()) == 1
    assert database_snapshot(sqlite_tracker.db) == before
    assert list(tmp_path.glob("*before-restore*")) == []


def test_restore_over_a_damaged_database_keeps_its_bytes(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    add_sample_history(sqlite_tracker)
    backup = tmp_path / "good.db"
    sqlite_tracker.ok("backup", str(backup))
    live = Path(sqlite_tracker.db)
    live.write_bytes(b"garbage after a disk failure" * 300)
    damaged = live.read_bytes()
    result = sqlite_tracker.ok("restore", str(backup), "--yes")
    safety = Path(result.stdout.splitlines()[0].rsplit(": ", 1)[1])
    assert safety.read_bytes() == damaged and _mode(safety) == 0o600
    assert len(sqlite_tracker.json("list")) == 2
    assert _mode(live) == 0o600


def test_restore_into_a_new_file_and_of_an_older_revision(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    add_sample_history(sqlite_tracker)
    sqlite_tracker.ok("db", "downgrade", "0001", "--yes")
    old = tmp_path / "old.db"
    sqlite_tracker.ok("backup", str(old))
    fresh = Tracker(str(tmp_path / "new.db"), sqlite_tracker.env)
    result = fresh.ok("restore", str(old), "--yes")
    assert result.stdout.splitlines() == [
        f"Restored {fresh.db} from {old} (1 patient(s), 2 reading(s), 1 event(s); "
        "schema revision 0001)"
    ]
    assert _mode(Path(fresh.db)) == 0o600
    assert len(fresh.json("list")) == 2  # upgraded to head on first use, after a backup
    assert "(head)" in fresh.ok("db", "current").stdout


def test_backup_and_restore_paths_with_odd_characters(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    folder = tmp_path / "my #1 folder?%"
    folder.mkdir()
    odd = Tracker(str(folder / "data #2?.db"), sqlite_tracker.env)
    add_sample_history(odd)
    target = folder / "copy %20 #.db"
    odd.ok("backup", str(target))
    odd.ok("add", "CEA", "1", "--date", "2026-03-01")
    odd.ok("restore", str(target), "--yes")
    assert len(odd.json("list")) == 2
    # The data is in the file named, not in one cut at the "?" or with "%20" decoded.
    assert (folder / "data #2?.db").stat().st_size > 0
    assert {p.name for p in folder.iterdir() if not p.name.endswith(".bak")} >= {
        "data #2?.db",
        "copy %20 #.db",
    }
    assert not (folder / "copy   #.db").exists()
