"""Restore under attack: racing writers, locked databases, crafted backups, odd names.

Races are made deterministic with readiness signals: a lock holder (tests/helpers/lock_holder.py)
prints ``ready`` once it holds the lock, and a restore is known to be waiting for a lock
when the kernel shows it asleep in its busy handler (/proc/PID/syscall).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.lock_waits import (
    hold_lock,
    release_lock,
    untracked_env,
    wait_until_waiting_for_a_lock,
)


def _fill(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("add", "ca153", "28", "--date", "2026-01-05")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")


def _values(path: Path) -> list[float]:
    with sqlite3.connect(path) as connection:
        return sorted(row[0] for row in connection.execute("SELECT value FROM reading"))


def _start_tracker(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        env=untracked_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _safety_copies(db: str) -> list[Path]:
    path = Path(db)
    return sorted(path.parent.glob(f"{path.name}.before-restore-*.bak"))


def test_a_row_committed_while_restore_waits_is_in_the_safety_copy(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 1: the lock comes first, so a writer's commit is in the safety copy."""
    _fill(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    sqlite_tracker.ok("add", "CEA", "5", "--date", "2026-02-01")
    holder = hold_lock(sqlite_tracker.db, "write")
    restore = _start_tracker("--db", sqlite_tracker.db, "restore", str(backup), "--yes")
    wait_until_waiting_for_a_lock(restore)
    assert release_lock(holder, "commit") == "committed"
    stdout, stderr = restore.communicate(timeout=120)
    assert restore.returncode == 0, stderr
    [safety] = _safety_copies(sqlite_tracker.db)
    # The writer finished before the restore: its row is in the copy that was kept.
    assert _values(safety) == [3.1, 5.0, 28.0, 77.0]
    assert _values(Path(sqlite_tracker.db)) == [3.1, 28.0]
    assert stdout.splitlines()[0] == f"Kept a safety copy of the previous database: {safety}"


def test_a_writer_waiting_for_a_restore_sees_the_restored_data(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 1, the other order: a command that starts during the restore runs after it."""
    _fill(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    holder = hold_lock(sqlite_tracker.db, "write")
    restore = _start_tracker("--db", sqlite_tracker.db, "restore", str(backup), "--yes")
    wait_until_waiting_for_a_lock(restore)
    adder = _start_tracker("--db", sqlite_tracker.db, "add", "CEA", "9", "--date", "2026-03-01")
    wait_until_waiting_for_a_lock(adder)
    assert release_lock(holder, "rollback") == "rolled back"
    _, restored_err = restore.communicate(timeout=120)
    _, added_err = adder.communicate(timeout=120)
    assert restore.returncode == 0, restored_err
    assert adder.returncode == 0, added_err
    values = _values(Path(sqlite_tracker.db))
    # Either order is right; what matters is that nothing vanished in between: the add
    # ran after the restore (its row is live) or before it (its row is in the safety copy).
    [safety] = _safety_copies(sqlite_tracker.db)
    assert (values, _values(safety)) in (
        ([3.1, 9.0, 28.0], [3.1, 28.0]),
        ([3.1, 28.0], [3.1, 9.0, 28.0]),
    )
    with sqlite3.connect(sqlite_tracker.db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restores_in_one_second_never_overwrite_a_safety_copy(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 2: names taken (this second and the next ones) get a -N counter."""
    _fill(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    now = datetime.now(UTC)
    taken = []
    for offset in range(4):
        stamp = (now + timedelta(seconds=offset)).strftime("%Y%m%dT%H%M%S")
        path = Path(f"{sqlite_tracker.db}.before-restore-{stamp}.bak")
        path.write_text("an earlier safety copy")
        taken.append(path)
    sqlite_tracker.ok("add", "CEA", "5", "--date", "2026-02-01")
    first = sqlite_tracker.ok("restore", str(backup), "--yes")
    sqlite_tracker.ok("add", "CEA", "6", "--date", "2026-02-02")
    second = sqlite_tracker.ok("restore", str(backup), "--yes")
    assert all(path.read_text() == "an earlier safety copy" for path in taken)
    kept = [Path(result.stdout.splitlines()[0].rsplit(": ", 1)[1]) for result in (first, second)]
    assert kept[0] != kept[1]
    for path in kept:
        assert path.name.rsplit(".", 1)[0].rsplit("-", 1)[1].isdigit()  # …-N.bak
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _values(kept[0]) == [3.1, 5.0, 28.0]
    assert _values(kept[1]) == [3.1, 6.0, 28.0]


def test_a_locked_healthy_database_is_busy_not_damaged(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 7: restore says busy and changes nothing; the lock holder's commit survives."""
    _fill(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    holder = hold_lock(sqlite_tracker.db, "exclusive")
    restore = _start_tracker(
        "--db",
        sqlite_tracker.db,
        "restore",
        str(backup),
        "--yes",
        TRACKER_SQLITE_BUSY_TIMEOUT_MS="300",
    )
    stdout, stderr = restore.communicate(timeout=120)
    assert restore.returncode == 1 and stdout == ""
    assert stderr == (
        f"Error: database {sqlite_tracker.db} is busy: another program held it for over "
        "0.3 s; nothing was changed; try again\n"
    )
    assert release_lock(holder, "commit") == "committed"
    assert _values(Path(sqlite_tracker.db)) == [3.1, 28.0, 77.0]
    assert _safety_copies(sqlite_tracker.db) == []


def _crafted(source: Path, target: Path, *statements: str) -> Path:
    target.write_bytes(source.read_bytes())
    with sqlite3.connect(target) as connection:
        for statement in statements:
            connection.execute(statement)
    return target


def test_a_backup_with_a_trigger_view_or_other_columns_is_refused(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 6: only the tracker's exact schema is put back."""
    _fill(sqlite_tracker)
    good = tmp_path / "good.db"
    sqlite_tracker.ok("backup", str(good))
    sqlite_tracker.ok("add", "CEA", "4", "--date", "2026-02-01")
    before = database_snapshot(sqlite_tracker.db)
    cases = {
        "trigger": (
            [
                "CREATE TRIGGER wipe AFTER INSERT ON reading BEGIN DELETE FROM reading "
                "WHERE id != NEW.id; END"
            ],
            "trigger 'wipe' is not part of the tracker's schema",
        ),
        "view": (
            ["CREATE VIEW everything AS SELECT * FROM reading"],
            "view 'everything' is not part of the tracker's schema",
        ),
        "column": (
            ["ALTER TABLE reading ADD COLUMN secret TEXT"],
            "table 'reading' has a column 'secret' that is not part of the tracker's schema",
        ),
        "table": (
            ["CREATE TABLE extra (x)"],
            "table 'extra' is not part of the tracker's schema",
        ),
        "index": (
            ["DROP INDEX uq_reading_identity"],
            "index 'uq_reading_identity' is missing",
        ),
    }
    for name, (statements, why) in cases.items():
        crafted = _crafted(good, tmp_path / f"{name}.db", *statements)
        result = sqlite_tracker.fails("restore", str(crafted), "--yes")
        assert result.stderr == (
            f"Error: backup {crafted} does not have the tracker's schema: {why}; it was not used\n"
        ), name
        assert database_snapshot(sqlite_tracker.db) == before
    assert _safety_copies(sqlite_tracker.db) == []
    # The untouched backup still restores, and the next add keeps every reading.
    sqlite_tracker.ok("restore", str(good), "--yes")
    sqlite_tracker.ok("add", "CEA", "6", "--date", "2026-03-01")
    assert _values(Path(sqlite_tracker.db)) == [3.1, 6.0, 28.0]


def test_journal_names_and_the_database_itself_are_refused(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 9: -wal/-shm/-journal names, and the database through links."""
    _fill(sqlite_tracker)
    good = tmp_path / "good.db"
    sqlite_tracker.ok("backup", str(good))
    before = database_snapshot(sqlite_tracker.db)
    for suffix in ("-wal", "-shm", "-journal"):
        target = tmp_path / f"x.db{suffix}"
        refused = sqlite_tracker.fails("backup", str(target))
        assert refused.stderr == (
            f"Error: backup {target} is named like SQLite's {suffix} file, which SQLite "
            f"deletes or replays beside a database; choose a name that does not end in "
            f"{suffix}\n"
        )
        assert not target.exists()
        target.write_bytes(good.read_bytes())
        restore = sqlite_tracker.fails("restore", str(target), "--yes")
        assert "is named like SQLite's" in restore.stderr
        # Through a link with an innocent name, too.
        link = tmp_path / f"link{suffix}.db"
        link.symlink_to(target)
        assert (
            "is named like SQLite's" in sqlite_tracker.fails("restore", str(link), "--yes").stderr
        )
    symlink = tmp_path / "sym.db"
    symlink.symlink_to(sqlite_tracker.db)
    hardlink = tmp_path / "hard.db"
    os.link(sqlite_tracker.db, hardlink)
    for path in (symlink, hardlink):
        itself = sqlite_tracker.fails("restore", str(path), "--yes")
        assert itself.stderr == f"Error: {path} is the database itself; choose a backup file\n"
    assert database_snapshot(sqlite_tracker.db) == before
    assert _safety_copies(sqlite_tracker.db) == []


def test_a_restore_removes_a_trigger_and_view_planted_in_the_live_database(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Item 6: the restored database is exactly the backup's, nothing of the old schema."""
    _fill(sqlite_tracker)
    good = tmp_path / "good.db"
    sqlite_tracker.ok("backup", str(good))
    with sqlite3.connect(sqlite_tracker.db) as connection:
        connection.execute(
            "CREATE TRIGGER wipe AFTER INSERT ON reading BEGIN "
            "DELETE FROM reading WHERE id != NEW.id; END"
        )
        connection.execute('CREATE VIEW "odd ""name" AS SELECT * FROM reading')
    sqlite_tracker.ok("restore", str(good), "--yes")
    assert sqlite_tracker.ok("check").stdout == "No problems found in 2 readings and 1 event.\n"
    sqlite_tracker.ok("add", "CEA", "6", "--date", "2026-03-01")
    assert _values(Path(sqlite_tracker.db)) == [3.1, 6.0, 28.0]
