"""Imports under pressure: beside other writers, killed midway, on a disk that fills up."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.processes import ROOT, assert_one_error_line, finish, start_worker
from tests.helpers.workers import worker_value

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"
FIRST_DAY = date(1901, 1, 1)


def readings_csv(path: Path, rows: int, note_chars: int = 20) -> Path:
    """``rows`` CA 125 readings of patient "me" on consecutive days from 1901 (values < 1000)."""
    note = "n" * note_chars
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for index in range(rows):
            drawn_on = (FIRST_DAY + timedelta(days=index)).isoformat()
            value = f"{1 + index % 997 / 10:g}"
            out.write(f"reading,me,CA125,{value},U/mL,{drawn_on},City Lab,35,{note},,,\n")
    return path


def start_import(db: str, csv_path: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "tracker", "--db", db, "import", str(csv_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def reading_count(db: str) -> int:
    return len(database_snapshot(db).get("reading", []))


@pytest.mark.slow
def test_an_import_beside_adds_and_reads_all_finish_correctly(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2026-01-01")
    rows = 10_000
    csv_path = readings_csv(tmp_path / "big.csv", rows)
    adds = 60
    adder = start_worker("adds", tracker.db, "7", str(adds))
    reader = start_worker("counts", tracker.db, str(1 + rows))
    for worker in (adder, reader):  # both are at work before the import starts
        assert worker.stdout is not None and worker.stdout.readline() == "started\n"
    importer = start_import(tracker.db, csv_path)
    imported_out, imported_err = importer.communicate(timeout=300)
    added, read = finish(adder), finish(reader)
    assert importer.returncode == 0, imported_err
    assert imported_out.startswith(f"Imported {rows} readings")
    assert added["failures"] == [] and read["failures"] == []
    # Each list saw either the whole import or none of it, never a part; and the lists
    # ran while the import did (some before it committed, some after).
    sizes = read["sizes"]
    # Before the import commits, "me" holds the first reading and up to all of the adds.
    assert all(size <= 1 + adds or size >= 1 + rows for size in sizes), sizes
    assert min(sizes) < rows < max(sizes), sizes
    values = [row["value"] for row in tracker.json("list", "--since", "2026-01-05")]
    assert sorted(values) == [float(worker_value(7, index)) for index in range(adds)]
    assert reading_count(tracker.db) == 1 + rows + adds


@pytest.mark.slow
def test_an_import_killed_midway_leaves_none_of_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_tracker(["--db", str(db), "add", "CEA", "2", "--date", "2026-01-01"]).returncode == 0
    csv_path = readings_csv(tmp_path / "big.csv", 30_000, note_chars=200)
    before = database_snapshot(str(db))
    importer = start_import(str(db), csv_path)
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    # Uncommitted pages spill into the -wal file as the import inserts: once it has
    # grown, the import is certainly inside its transaction.
    while not (wal.exists() and wal.stat().st_size > 2_000_000):
        assert importer.poll() is None, importer.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    importer.send_signal(signal.SIGKILL)
    importer.communicate(timeout=30)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert database_snapshot(str(db)) == before
    # The same import afterwards, uninterrupted, is complete.
    again = run_tracker(["--db", str(db), "import", str(csv_path)], timeout=300)
    assert again.returncode == 0, again.stderr
    assert reading_count(str(db)) == 1 + 30_000


def _limit_file_size(limit_bytes: int) -> None:
    # In the child, before exec: writes past the limit fail with EFBIG (SIGXFSZ ignored,
    # which would otherwise kill the process) — a disk that fills up mid-import.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))


def test_a_disk_that_fills_up_mid_import_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    for args in (["add", "CEA", "2", "--date", "2026-01-01"], ["event", "add", "condition", "x"]):
        assert run_tracker(["--db", str(db), *args]).returncode == 0
    csv_path = readings_csv(tmp_path / "big.csv", 20_000, note_chars=100)
    before_bytes = db.read_bytes()
    before = database_snapshot(str(db))
    limit = db.stat().st_size + 300_000
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db), "import", str(csv_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=lambda: _limit_file_size(limit),
        timeout=300,
        check=False,
    )
    assert result.stderr in (
        f"Error: the disk is full while writing database {db}; nothing was changed\n",
        f"Error: a disk error occurred while writing database {db}; nothing was changed\n",
    ), result.stderr
    assert_one_error_line(result, result.stderr.removeprefix("Error: ").rstrip("\n"))
    assert db.read_bytes() == before_bytes
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert database_snapshot(str(db)) == before
    # With room again, the same file imports completely.
    assert run_tracker(["--db", str(db), "import", str(csv_path)], timeout=300).returncode == 0
    assert reading_count(str(db)) == 1 + 20_000


def test_an_export_to_a_full_disk_keeps_the_previous_file(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    for index in range(30):
        sqlite_tracker.ok("add", "CEA", str(index + 1), "--note", "x" * 1500)
    out = tmp_path / "export.csv"
    out.write_text("the previous export\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", sqlite_tracker.db, "export", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=lambda: _limit_file_size(20_000),
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export.csv")] == []
