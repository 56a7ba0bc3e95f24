"""A process killed (SIGKILL) in the middle of a command: the database stays intact and
holds all or none of that command's work; a report file is never half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import run_tracker
from tests.helpers.processes import ROOT, start_worker
from tracker.config import location_from
from tracker.store.database import BUSY_TIMEOUT_ENV
from tracker.store.models import Patient, Reading, utcnow


def integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


def bulk_fill(db: str, count: int, note_chars: int = 0, *, value: float = 1.0) -> None:
    """``count`` CEA readings on consecutive days, inserted in one go (test set-up)."""
    assert run_tracker(["--db", db, "add", "CEA", "2", "--date", "1990-01-01"]).returncode == 0
    engine = sa.create_engine(location_from(db).url)
    first = date(1990, 1, 2)
    with engine.begin() as connection:
        patient_id = connection.execute(sa.select(Patient.id)).scalar_one()
        rows = [
            {
                "patient_id": patient_id,
                "marker": "CEA",
                "value": value + (index % 7) / 10,
                "unit": "ng/mL",
                "entered_value": str(value),
                "drawn_on": first + timedelta(days=index),
                "note": "n" * note_chars or None,
                "source": "cli",
                "created_at": utcnow(),
            }
            for index in range(count)
        ]
        connection.execute(sa.insert(Reading.__table__), rows)
    engine.dispose()


def kill_after(process: subprocess.Popen[str], delay_s: float) -> None:
    time.sleep(delay_s)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


@pytest.mark.slow
def test_edits_killed_mid_transaction_leave_whole_edits(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    assert (
        run_tracker(["--db", str(path), "add", "CEA", "3.1", "--date", "2026-01-05"]).returncode
        == 0
    )
    seen = set()
    for delay_s in (1.0, 1.35, 1.7):
        editor = start_worker("edits", str(path), "1")
        kill_after(editor, delay_s)
        assert integrity(path) == [("ok",)]
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT value, note, entered_value FROM reading").fetchall()
        # One reading, and its fields all from the same edit (or the original).
        assert len(rows) == 1
        value, note, entered = rows[0]
        assert (value, note, entered) in {
            (3.1, None, "3.1"),
            (10.0, "10", "10"),
            (20.0, "20", "20"),
        }
        seen.add(value)
    assert seen - {3.1}  # the editor really got to work before it was killed
    # The tracker carries on normally with the file afterwards.
    assert run_tracker(["--db", str(path), "edit", "1", "--value", "5"]).returncode == 0


@pytest.mark.slow
def test_a_report_killed_while_writing_never_leaves_half_a_file(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    bulk_fill(db, 1500)
    out = tmp_path / "report.pdf"
    out.write_bytes(b"the previous report")
    outcomes = set()
    for delay_s in (0.5, 1.1, 1.5):
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", db, "report", "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        kill_after(process, delay_s)
        content = out.read_bytes()
        if content == b"the previous report":
            outcomes.add("old")
        else:
            assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
            outcomes.add("new")
            out.write_bytes(b"the previous report")
        # A temporary file left by the killed process is private like the report.
        for leftover in tmp_path.glob(".report.pdf.*"):
            assert leftover.stat().st_mode & 0o077 == 0
            leftover.unlink()
    assert "old" in outcomes  # at least one kill landed before the rename
    finished = run_tracker(["--db", db, "report", "--out", str(out)])
    assert finished.returncode == 0, finished.stderr
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
def test_a_restore_killed_midway_leaves_the_old_or_the_new_database(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    backup = tmp_path / "backup.db"
    bulk_fill(str(db), 3000, note_chars=4000, value=1.0)
    assert run_tracker(["--db", str(db), "backup", str(backup)]).returncode == 0
    assert run_tracker(["--db", str(db), "delete", "1", "2", "3", "--yes"]).returncode == 0
    before, restored = 3000 + 1 - 3, 3000 + 1

    def restore() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", str(db), "restore", str(backup), "--yes"],
            cwd=ROOT,
            env={**os.environ, BUSY_TIMEOUT_ENV: "30000"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def reading_count() -> int:
        assert integrity(db) == [("ok",)]
        with sqlite3.connect(db) as connection:
            count: int = connection.execute("SELECT count(*) FROM reading").fetchone()[0]
        return count

    # Killed for certain mid-restore: while it waits for the write lock that this test
    # holds (the restore takes the lock before its safety copy, so none is left).
    from tests.system.test_restore_races import _wait_until_waiting_for_a_lock

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    process = restore()
    _wait_until_waiting_for_a_lock(process)
    kill_after(process, 0)
    holder.execute("ROLLBACK")
    holder.close()
    assert reading_count() == before
    assert list(tmp_path.glob("t.db.before-restore-*.bak")) == []
    # Killed at moments spread over the whole command: always one whole state or the other.
    for delay_s in (0.25, 0.35, 0.45, 0.55):
        kill_after(restore(), delay_s)
        if reading_count() == restored:  # put the changed state back for the next round
            assert run_tracker(["--db", str(db), "delete", "1", "2", "3", "--yes"]).returncode == 0
        assert reading_count() == before
    finished = restore().communicate(timeout=60)
    assert "Restored" in finished[0]
    assert reading_count() == restored
