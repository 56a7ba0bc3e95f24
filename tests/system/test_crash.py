"""A process killed (SIGKILL) in the middle of a command: the database stays intact and
holds all or none of that command's work; a report file is never half-written.

Each kill is driven by a readiness signal from the worker (a line it writes when it has
reached the point to kill, ``tests.helpers.workers``), never by a fixed delay, so the
tests say the same under any load.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import run_tracker
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


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def read_signal(process: subprocess.Popen[str], expected: str) -> None:
    """Wait for the worker's line saying it reached the point to kill (or fail with why not)."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.rstrip("\n") != expected:
        _out, err = process.communicate(timeout=30)
        pytest.fail(f"expected {expected!r} from the worker, got {line!r}; stderr: {err}")


def start_paused(points: list[str], *args: str, env: dict[str, str] | None = None) -> Any:
    """A tracker command in a worker process that stops after each of ``points``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full_env.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.workers", "paused", ",".join(points), *args],
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    read_signal(process, "started")
    return process


def go_on(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()


@pytest.mark.slow
def test_edits_killed_mid_transaction_leave_whole_edits(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    assert (
        run_tracker(["--db", str(path), "add", "CEA", "3.1", "--date", "2026-01-05"]).returncode
        == 0
    )
    seen = set()
    # Killed after its 1st, 4th and 9th committed edit, somewhere inside the next one.
    for committed in (1, 4, 9):
        editor = start_worker("edits", str(path), "1")
        read_signal(editor, "started")
        assert editor.stdout is not None
        for _ in range(committed):
            assert editor.stdout.readline().strip() in ("10", "20")
        kill(editor)
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
    points = [
        "tracker.services.report_input:check_request",  # checked, nothing loaded or drawn
        "tracker.services.report_input:render_report",  # drawn, nothing written yet
    ]
    for killed_after in range(len(points)):
        process = start_paused(points, "--db", db, "report", "--out", str(out))
        for reached in points[: killed_after + 1]:
            read_signal(process, f"after {reached.split(':')[1]}")
            if reached != points[killed_after]:
                go_on(process)
        kill(process)
        assert out.read_bytes() == b"the previous report"
        # A temporary file left by the killed process is private like the report.
        for leftover in tmp_path.glob(".report.pdf.*"):
            assert leftover.stat().st_mode & 0o077 == 0
            leftover.unlink()
    # Let through every point: the whole new report replaces the old one.
    process = start_paused(points, "--db", db, "report", "--out", str(out))
    for reached in points:
        read_signal(process, f"after {reached.split(':')[1]}")
        go_on(process)
    process.communicate(timeout=120)
    assert process.returncode == 0
    content = out.read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
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
    from tests.helpers.lock_waits import wait_until_waiting_for_a_lock

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    process = restore()
    wait_until_waiting_for_a_lock(process)
    kill(process)
    holder.execute("ROLLBACK")
    holder.close()
    assert reading_count() == before
    assert list(tmp_path.glob("t.db.before-restore-*.bak")) == []
    # Killed inside the locked transaction: after the safety copy, after the rows were
    # replaced but before the commit. Both times the database is as it was.
    points = [
        "tracker.store.restore:reserve_and_copy",
        "tracker.store.restore:_replace_contents",
    ]
    args = ["--db", str(db), "restore", str(backup), "--yes"]
    busy = {BUSY_TIMEOUT_ENV: "30000"}
    for killed_after in range(len(points)):
        process = start_paused(points, *args, env=busy)
        for reached in points[: killed_after + 1]:
            read_signal(process, f"after {reached.split(':')[1]}")
            if reached != points[killed_after]:
                go_on(process)
        kill(process)
        assert reading_count() == before
        for safety in tmp_path.glob("t.db.before-restore-*.bak"):
            safety.unlink()  # the copy of the unchanged database a killed restore left
    process = start_paused(points, *args, env=busy)
    for reached in points:
        read_signal(process, f"after {reached.split(':')[1]}")
        go_on(process)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Restored" in stdout
    assert reading_count() == restored
