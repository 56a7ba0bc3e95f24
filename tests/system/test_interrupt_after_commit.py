"""Once a command has committed, Ctrl-C no longer turns it into a failure (issue 15):
real processes, interrupted with SIGINT after the test hook says the commit happened
(tracker/store/pauses_for_tests.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.cli_runs import run_tracker
from tracker.store.pauses_for_tests import (
    COMMITTED_SIGNAL,
    FLAGGING_SIGNAL,
    PAUSE_AFTER_COMMIT_ENV,
    PAUSE_WHILE_FLAGGING_ENV,
)


def _interrupted_after_commit(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return _interrupted_at(args, home, PAUSE_AFTER_COMMIT_ENV, COMMITTED_SIGNAL)


def _interrupted_at(
    args: list[str], home: Path, pause: str, ready: str
) -> subprocess.CompletedProcess[str]:
    """Run the command, pausing where ``pause`` says; SIGINT once it prints ``ready``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"HOME": str(home), pause: "60"})
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    seen = ""
    while ready not in seen:
        assert time.monotonic() < deadline, seen
        line = process.stderr.readline()
        assert line, f"the process ended before committing: {seen}"
        seen += line
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, seen + stderr)


def _no_journal_left(db_url: str) -> None:
    """The interrupted command closed its SQLite connection: the write-ahead log was
    folded back into the file and removed (a copy of the .db file alone holds it all)."""
    if "://" in db_url:
        return  # a server database
    for suffix in ("-wal", "-shm"):
        assert not Path(db_url + suffix).exists(), suffix


@pytest.mark.slow
def test_add_interrupted_after_commit_reports_and_exits_0(db_url: str, tmp_path: Path) -> None:
    done = _interrupted_after_commit(
        ["--db", db_url, "add", "CEA", "3.1", "CA15-3", "28", "--date", "2026-01-05"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        "Added #1: CEA 3.1 ng/mL on 2026-01-05",
        "Added #2: CA 15-3 28 U/mL on 2026-01-05",
        "Interrupted before the flags were computed; see them with `tracker trend`.",
    ]
    _no_journal_left(db_url)
    listed = run_tracker(["--db", db_url, "list", "--json"], env={"HOME": str(tmp_path)})
    assert listed.stdout.count('"id"') == 2


@pytest.mark.slow
def test_import_interrupted_after_commit_reports_and_exits_0(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    rows = [f"CEA,{1 + n / 1000:.3f},2025-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(300)]
    source.write_text("marker,value,drawn_on\n" + "\n".join(rows) + "\n")
    done = _interrupted_after_commit(["--db", db_url, "import", str(source)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Imported 300 readings")
    assert lines[-1] == "Interrupted before the flags were checked; `tracker trend` shows them."
    _no_journal_left(db_url)
    listed = run_tracker(["--db", db_url, "list", "--json"], env={"HOME": str(tmp_path)})
    assert listed.stdout.count('"id"') == 300


def test_import_interrupted_while_flagging_closes_its_database(tmp_path: Path) -> None:
    # Ctrl-C lands while the trend pass reads (its session and cursor open): the command
    # says what it stored, and its connection is closed as it ends, so SQLite folds the
    # write-ahead log back into the file.
    db = str(tmp_path / "tracker.db")
    source = tmp_path / "many.csv"
    rows = [f"CEA,{1 + n / 1000:.3f},2025-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(300)]
    source.write_text("marker,value,drawn_on\n" + "\n".join(rows) + "\n")
    done = _interrupted_at(
        ["--db", db, "import", str(source)], tmp_path, PAUSE_WHILE_FLAGGING_ENV, FLAGGING_SIGNAL
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "Interrupted before the flags were checked; `tracker trend` shows them."
    )
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    _no_journal_left(db)
