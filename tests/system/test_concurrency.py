"""Several processes writing one database at once: every reading stored exactly once.

Real processes, real files and the real PostgreSQL server. The bigger runs (2 × 200 real
`tracker add` processes) are in benchmarks/stress_concurrency.py; these are sized to keep
the suite fast while still overlapping many transactions.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.processes import finish, start_worker
from tests.helpers.workers import DRAWN_ON, worker_value


def stored_values(tracker: Tracker) -> list[float]:
    return sorted(row["value"] for row in tracker.json("list"))


def expected_values(workers: int, count: int) -> list[float]:
    return sorted(
        float(worker_value(worker, index))
        for worker in range(1, workers + 1)
        for index in range(count)
    )


def assert_sqlite_intact(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def assert_one_patient_me(tracker: Tracker) -> None:
    assert "me" in tracker.ok("patient", "list").stdout
    assert len(tracker.ok("patient", "list").stdout.strip().splitlines()) == 2  # header + me


@pytest.mark.slow
def test_two_processes_adding_many_readings_lose_and_double_nothing(tracker: Tracker) -> None:
    count = 100
    workers = [start_worker("adds", tracker.db, str(worker), str(count)) for worker in (1, 2)]
    outcomes = [finish(worker) for worker in workers]
    assert [outcome["failures"] for outcome in outcomes] == [[], []]
    assert stored_values(tracker) == expected_values(2, count)
    assert_one_patient_me(tracker)
    if not tracker.db.startswith("postgresql"):
        assert_sqlite_intact(Path(tracker.db))


@pytest.mark.slow
def test_real_tracker_add_processes_in_parallel(tracker: Tracker) -> None:
    """`python -m tracker add` processes, two always running at once (2 × 10)."""
    count = 10
    results: dict[int, list[subprocess.CompletedProcess[str]]] = {1: [], 2: []}

    def run_adds(worker: int) -> None:
        for index in range(count):
            args = ["--db", tracker.db, "add", "CEA", worker_value(worker, index)]
            results[worker].append(run_tracker([*args, "--date", DRAWN_ON]))

    threads = [threading.Thread(target=run_adds, args=(worker,)) for worker in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = results[1] + results[2]
    assert [(r.returncode, r.stderr) for r in finished] == [(0, "")] * (2 * count)
    assert all(r.stdout.startswith("Added #") for r in finished)
    assert stored_values(tracker) == expected_values(2, count)
    assert_one_patient_me(tracker)


@pytest.mark.slow
def test_first_writes_racing_to_create_the_database(tracker: Tracker) -> None:
    """Four processes make the first write at once: a file that does not exist yet on
    SQLite (creation and migration race), an empty schema on PostgreSQL."""
    processes = 4
    if not tracker.db.startswith("postgresql"):
        assert not Path(tracker.db).exists()
    workers = [
        start_worker("adds", tracker.db, str(worker), "3") for worker in range(1, processes + 1)
    ]
    assert [finish(worker)["failures"] for worker in workers] == [[]] * processes
    assert stored_values(tracker) == expected_values(processes, 3)
    assert_one_patient_me(tracker)
    assert "(head)" in tracker.ok("db", "current").stdout
    if not tracker.db.startswith("postgresql"):
        path = Path(tracker.db)
        assert_sqlite_intact(path)
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        # Nobody upgraded an existing schema, so nobody wrote an upgrade backup.
        assert list(path.parent.glob("*.bak")) == []


@pytest.mark.slow
def test_readers_run_while_writers_write(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "1", "--date", "2026-01-01")
    writer = start_worker("adds", tracker.db, "3", "60")
    reader = start_worker("reads", tracker.db, "40")
    wrote, read = finish(writer), finish(reader)
    assert wrote["failures"] == [] and read["failures"] == []
    # Every list saw a committed state: never fewer readings than the one before.
    assert read["sizes"] == sorted(read["sizes"]) and 1 <= read["sizes"][0]
    assert len(tracker.json("list")) == 61
