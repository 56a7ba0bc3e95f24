"""What an independent attacker found against backup, restore and names (issue 13).

Real processes, real SQLite files. Signals are sent at a known moment: the test-only
pause during a copy (``TRACKER_TEST_PAUSE_DURING_COPY``) prints a line once the copy's
pages are written, and the process is signalled only after that line is read.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot
from tracker.store.pauses_for_tests import COPYING_SIGNAL, PAUSE_DURING_COPY_ENV


def _filled(db: Path) -> None:
    for value, day in (("3.1", "2025-01-05"), ("3.4", "2025-03-05")):
        done = run_tracker(["--db", str(db), "add", "CEA", value, "--date", day])
        assert done.returncode == 0, done.stderr
    done = run_tracker(["--db", str(db), "check"])
    assert done.returncode == 0, done.stderr  # leaves the file checkpointed


def _signalled(args: list[str], signum: int) -> subprocess.CompletedProcess[str]:
    """Run the tracker, wait until its copy is under way, send ``signum``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environment[PAUSE_DURING_COPY_ENV] = "60"
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line == COPYING_SIGNAL + "\n", line + process.stderr.read()
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, line + err)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_backup_leaves_no_file(tmp_path: Path, signum: int) -> None:
    db = tmp_path / "t.db"
    _filled(db)
    before = database_snapshot(str(db))
    out = tmp_path / "out"
    out.mkdir()
    done = _signalled(["--db", str(db), "backup", str(out / "copy.db")], signum)
    assert done.returncode == 128 + signum, done.stderr
    assert "Traceback" not in done.stderr
    assert _names(out) == []  # no copy.db, no .copy.db.partial, no -journal
    assert database_snapshot(str(db)) == before


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_the_safety_copy_leaves_the_database_alone(
    tmp_path: Path, signum: int
) -> None:
    backup = tmp_path / "backup.db"
    live = tmp_path / "live"
    live.mkdir()
    db = live / "t.db"
    _filled(backup)
    _filled(db)
    run_tracker(["--db", str(db), "add", "CEA", "9.9", "--date", "2025-06-05"])
    before = database_snapshot(str(db))
    done = _signalled(["--db", str(db), "restore", str(backup), "--yes"], signum)
    assert done.returncode == 128 + signum, done.stderr
    assert "Traceback" not in done.stderr
    assert [n for n in _names(live) if not n.endswith(("-wal", "-shm"))] == ["t.db"]
    assert database_snapshot(str(db)) == before


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_replacing_a_damaged_file_leaves_it_as_it_was(
    tmp_path: Path, signum: int
) -> None:
    backup = tmp_path / "backup.db"
    _filled(backup)
    live = tmp_path / "live"
    live.mkdir()
    db = live / "t.db"
    db.write_bytes(b"not a database at all" * 100)
    done = _signalled(["--db", str(db), "restore", str(backup), "--yes"], signum)
    assert done.returncode == 128 + signum, done.stderr
    assert _names(live) == ["t.db"]
    assert db.read_bytes() == b"not a database at all" * 100


def test_a_backup_with_orphan_readings_is_refused(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    _filled(backup)
    with sqlite3.connect(backup) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("DELETE FROM patient")
    connection.close()
    db = tmp_path / "t.db"
    run_tracker(["--db", str(db), "add", "CEA", "2.0", "--date", "2025-02-01"])
    before = database_snapshot(str(db))
    done = run_tracker(["--db", str(db), "restore", str(backup), "--yes"])
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: backup {backup} has a reading row (rowid 1) whose patient does not exist "
        "(and 1 more such row); it was not used\n"
    )
    assert database_snapshot(str(db)) == before
    assert _names(tmp_path) == ["backup.db", "t.db"]


def _at_revision(db: Path, revision: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


def test_a_database_from_a_newer_tracker_is_not_replaced(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    _filled(backup)
    data = tmp_path / "data"
    data.mkdir()
    real = data / "real.db"
    _filled(real)
    _at_revision(real, "0099")
    link = tmp_path / "link.db"
    link.symlink_to(real)
    before = real.read_bytes()
    done = run_tracker(["--db", str(link), "restore", str(backup), "--yes"])
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: database {link} was written by a newer version of the tracker (revision "
        "0099); use that version to restore; nothing was changed\n"
    )
    assert link.is_symlink()
    assert real.read_bytes() == before
    # Reading a WAL database read-only may leave its (empty) -wal/-shm; nothing else.
    assert [n for n in _names(data) if not n.endswith(("-wal", "-shm"))] == ["real.db"]


def test_a_damaged_database_behind_a_link_is_replaced_at_the_target(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    _filled(backup)
    data = tmp_path / "data"
    data.mkdir()
    real = data / "real.db"
    real.write_bytes(b"garbage" * 300)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    done = run_tracker(["--db", str(link), "restore", str(backup), "--yes"])
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert link.resolve() == real.resolve()
    assert database_snapshot(str(real)) == database_snapshot(str(backup))
    safety = [n for n in _names(data) if n.endswith(".bak")]
    assert len(safety) == 1 and (data / safety[0]).read_bytes() == b"garbage" * 300


@pytest.mark.parametrize(
    "char",
    ["\u034f", "\ufe0f", "\ufe00", "\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u17b4"],
)
def test_invisible_look_alike_characters_are_refused_in_names(tracker: Tracker, char: str) -> None:
    tracker.ok("patient", "add", "Ann Smith")
    before = database_snapshot(tracker.db)
    for args in (
        ["patient", "add", f"Ann{char} Smith"],
        ["add", "CEA", "3", "--lab", f"City{char} Lab"],
        ["event", "add", "treatment", f"letro{char}zole"],
    ):
        result = tracker.fails(*args)
        assert result.stderr.startswith("Error: "), result.stderr
        found = f"cannot contain invisible formatting characters (found U+{ord(char):04X}"
        assert found in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert database_snapshot(tracker.db) == before
