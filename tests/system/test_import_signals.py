"""SIGTERM or SIGHUP in the middle of an import (issue 13, item 15): nothing stored, no
hidden file left beside the database, and the database usable at once."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.helpers.cli_runs import run_tracker

ROWS_BEFORE_THE_PAUSE = 6_000  # more than one insert chunk (5,000 rows)


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether the process sits in read(0, …): it has taken in everything fed so far."""
    fields = Path(f"/proc/{pid}/syscall").read_text().split()
    return len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_import_stores_nothing_and_leaves_no_files(
    tmp_path: Path, signum: int
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = str(folder / "t.db")
    assert run_tracker(["--db", db, "add", "CEA", "1.0", "--date", "2000-01-01"]).returncode == 0
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db, "import", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert process.stdin is not None
    lines = ["marker,value,drawn_on"] + [
        f"CEA,{2 + i % 90}.{i % 10},{2001 + i // 336 % 24}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        for i in range(ROWS_BEFORE_THE_PAUSE)
    ]
    process.stdin.write(("\n".join(lines) + "\n").encode())
    process.stdin.flush()
    # Readiness: the pipe is empty and the importer waits in read() for more rows, so
    # its first chunk is inserted inside the still open transaction.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        waiting = bytearray(4)
        fcntl.ioctl(process.stdin.fileno(), termios.FIONREAD, waiting)
        if int.from_bytes(waiting, sys.byteorder) == 0 and _blocked_reading_stdin(process.pid):
            break
        time.sleep(0.01)
    else:
        pytest.fail("the importer never waited for more input")
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert process.returncode in (-signum, 128 + signum)
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in ("t.db",))
    assert [name for name in leftovers if name not in ("t.db-wal", "t.db-shm")] == []
    listed = run_tracker(["--db", db, "list"])
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("CEA") == 1  # only the reading stored before the import
