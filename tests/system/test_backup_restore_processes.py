"""``backup`` and ``restore`` as real processes: beside a writer, on a terminal, without
one, and on a server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.processes import finish, start_worker
from tests.helpers.sample_data import add_sample_history


def test_backup_while_another_process_writes(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    add_sample_history(sqlite_tracker)
    writer = start_worker("adds", sqlite_tracker.db, "4", "80")
    copies = []
    for index in range(5):
        target = tmp_path / f"copy{index}.db"
        sqlite_tracker.ok("backup", str(target))
        copies.append(target)
    assert finish(writer)["failures"] == []
    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            counts.append(connection.execute("SELECT count(*) FROM reading").fetchone()[0])
    assert counts == sorted(counts) and counts[-1] <= 82


def test_backup_of_a_server_database_gives_the_pg_dump_command(pg_schema_url: str) -> None:
    secret = "Sup3r-S3cret"
    url = pg_schema_url.replace("postgres@", f"postgres:{secret}@", 1)
    result = run_tracker(["--db", url, "backup", "/tmp/never-written.dump"])
    assert result.returncode == 1
    assert result.stderr.startswith("Error: `tracker backup` copies SQLite files; back up ")
    assert "pg_dump --format=custom --file BACKUP.dump 'postgresql://postgres:***@" in (
        result.stderr
    )
    assert secret not in result.stdout + result.stderr
    assert not Path("/tmp/never-written.dump").exists()


def test_restore_without_a_terminal_or_confirmation_changes_nothing(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    add_sample_history(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    sqlite_tracker.ok("add", "CEA", "9.9", "--date", "2026-02-01")
    before = database_snapshot(sqlite_tracker.db)
    refused = run_tracker(["--db", sqlite_tracker.db, "restore", str(backup)])
    assert refused.returncode == 1
    assert refused.stderr == (
        "Error: nothing was restored: confirm with --yes (no terminal to ask on)\n"
    )
    assert database_snapshot(sqlite_tracker.db) == before
    assert list(tmp_path.glob("*before-restore*")) == []


def test_restore_asks_on_a_terminal(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    """Under tmux-like conditions: a real pseudo-terminal answering 'n', then 'y'."""
    import os
    import pty
    import sys

    add_sample_history(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    sqlite_tracker.ok("add", "CEA", "9.9", "--date", "2026-02-01")
    before = database_snapshot(sqlite_tracker.db)

    def answer(reply: bytes) -> tuple[int, str]:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the tracker on a terminal
            os.execv(
                sys.executable,
                [
                    sys.executable,
                    "-m",
                    "tracker",
                    "--db",
                    sqlite_tracker.db,
                    "restore",
                    str(backup),
                ],
            )
        output = b""
        while b"[y/N]" not in output:
            output += os.read(fd, 4096)
        os.write(fd, reply + b"\n")
        try:
            while chunk := os.read(fd, 4096):
                output += chunk
        except OSError:
            pass  # the terminal closed when the child exited
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), output.decode()

    code, screen = answer(b"n")
    assert code == 1 and "Error: nothing was restored: not confirmed" in screen
    assert f"Replace database {sqlite_tracker.db} with backup {backup}" in screen
    assert "It now holds 1 patient(s), 3 reading(s), 1 event(s)" in screen
    assert database_snapshot(sqlite_tracker.db) == before
    code, screen = answer(b"y")
    assert code == 0 and "Restored" in screen
    assert len(sqlite_tracker.json("list")) == 2


def test_restore_refuses_the_database_itself_and_server_databases(
    sqlite_tracker: Tracker, pg_schema_url: str
) -> None:
    add_sample_history(sqlite_tracker)
    before = database_snapshot(sqlite_tracker.db)
    itself = sqlite_tracker.fails("restore", sqlite_tracker.db, "--yes")
    assert itself.stderr == (
        f"Error: {sqlite_tracker.db} is the database itself; choose a backup file\n"
    )
    assert database_snapshot(sqlite_tracker.db) == before
    server = run_tracker(["--db", pg_schema_url, "restore", sqlite_tracker.db, "--yes"])
    assert server.returncode == 1
    assert server.stderr.startswith("Error: `tracker restore` puts back SQLite files; restore ")
    assert "pg_restore --clean" in server.stderr


def test_restore_waits_for_writers_and_they_see_the_restored_data(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """A restore while another process adds: both finish, nothing is half-replaced."""
    add_sample_history(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    writer = start_worker("adds", sqlite_tracker.db, "5", "60")
    restored = run_tracker(["--db", sqlite_tracker.db, "restore", str(backup), "--yes"])
    assert restored.returncode == 0, restored.stderr
    assert finish(writer)["failures"] == []
    with sqlite3.connect(sqlite_tracker.db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        values = [row[0] for row in connection.execute("SELECT value FROM reading")]
    # The backup's two readings, plus whatever the writer added after the restore.
    assert {3.1, 28.0} <= set(values) and len(values) == len(set(values)) <= 62
    assert all(value >= 5000 for value in set(values) - {3.1, 28.0})
