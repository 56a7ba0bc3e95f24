"""``--out`` never changes what kind of thing is at the path, and never leaves temp files.

Regular files (and new paths) are replaced atomically; a link's target is written and the
link kept; a character device or FIFO is written into; a folder is refused. Real
processes and real special files (as root, /dev/full and its clones).
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker

CSV_HEADER = b"record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on\r\n"
FULL_DEVICE = os.makedev(1, 7)  # Linux: /dev/full


def _filled(tmp_path: Path) -> str:
    db = str(tmp_path / "t.db")
    for value, day in (("3.1", "2025-01-05"), ("3.4", "2025-03-05")):
        done = run_tracker(["--db", db, "add", "CEA", value, "--date", day])
        assert done.returncode == 0, done.stderr
    return db


def _partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def test_a_full_character_device_is_a_clean_error_and_stays_a_device(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    clone = tmp_path / "full"
    os.mknod(clone, stat.S_IFCHR | 0o666, FULL_DEVICE)
    for device in (clone, Path("/dev/full")):
        before = os.stat(device)
        done = run_tracker(["--db", db, "export", "--out", str(device)])
        assert done.returncode == 1
        assert done.stderr == f"Error: cannot write {device}: No space left on device\n"
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == FULL_DEVICE
        assert stat.S_IMODE(after.st_mode) == stat.S_IMODE(before.st_mode)
    assert _partials(tmp_path) == []


def test_dev_stdout_is_written_into_and_the_summary_goes_to_stderr(tmp_path: Path) -> None:
    # The system's own link, as every Linux has it (a broken /dev would mislead the test).
    assert os.readlink("/dev/stdout") == "/proc/self/fd/1"
    db = _filled(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", db, "export", "--out", "/dev/stdout"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(CSV_HEADER) and done.stdout.count(b"\r\n") == 3
    assert done.stderr == b"Exported 2 readings and 0 events to /dev/stdout.\n"


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = run_tracker(["--db", db, "export", "--out", str(fifo)])
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert received and received[0].startswith(CSV_HEADER)
    assert received[0].count(b"\r\n") == 3
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _partials(tmp_path) == []


def test_a_symlink_keeps_pointing_at_its_target_which_gets_the_file(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "latest.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    done = run_tracker(["--db", db, "export", "--out", str(link)])
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes().startswith(CSV_HEADER)
    assert stat.S_IMODE(os.lstat(target).st_mode) == 0o640
    # A dangling link: its target is created, private, and the link stays a link.
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(shared / "new.csv")
    done = run_tracker(["--db", db, "export", "--out", str(dangling)])
    assert done.returncode == 0, done.stderr
    assert dangling.is_symlink()
    assert stat.S_IMODE(os.stat(shared / "new.csv").st_mode) == 0o600
    assert _partials(tmp_path) == [] and _partials(shared) == []


def test_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    db = _filled(tmp_path)
    folder = tmp_path / "out.csv"
    folder.mkdir()
    done = run_tracker(["--db", db, "export", "--out", str(folder)])
    assert done.returncode == 1
    assert done.stderr == f"Error: cannot write {folder}: it is a folder; give a file name\n"
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_a_socket_is_refused_and_left_alone(tmp_path: Path) -> None:
    import socket

    db = _filled(tmp_path)
    path = tmp_path / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        done = run_tracker(["--db", db, "export", "--out", str(path)])
    finally:
        server.close()
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: cannot write {path}: it is not a regular file, a FIFO or a character device\n"
    )
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_report_through_a_symlink_writes_the_target(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    sqlite_tracker.ok("add", "CEA", "3.1", "--date", "2025-01-05")
    sqlite_tracker.ok("add", "CEA", "3.5", "--date", "2025-04-05")
    target = tmp_path / "real.pdf"
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    sqlite_tracker.ok("report", "--out", str(link))
    assert link.is_symlink() and target.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert _partials(tmp_path) == []


# A writer that holds its temporary file open until it is signalled: "ready" on stdout
# once the temporary file exists (a deterministic readiness signal, no sleeps).
_HOLDING_WRITER = """
import sys, time
from pathlib import Path
from tracker.store.private_files import private_output
with private_output(Path(sys.argv[1])) as stream:
    stream.write(b"health data\\n")
    stream.flush()
    print("ready", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminating_signal_removes_the_temporary_file(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "export.csv"
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDING_WRITER, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    assert len(_partials(tmp_path)) == 1
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert _partials(tmp_path) == [] and not out.exists()


@pytest.mark.slow
def test_sigterm_during_a_real_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    db = str(tmp_path / "big.db")
    rows = ["marker,value,drawn_on"] + [
        f"CEA,{1 + i % 500}.{i % 10},{2000 + i // 365 % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        for i in range(60_000)
    ]
    source = tmp_path / "big.csv"
    source.write_text("\n".join(rows) + "\n")
    done = run_tracker(["--db", db, "import", str(source)])
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "export.csv"
    out.parent.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db, "export", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    # Readiness: the temporary file itself appears once the export is writing.
    deadline = time.monotonic() + 60
    while not _partials(out.parent) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    if process.poll() is not None:
        pytest.fail("the export finished before its temporary file was seen")
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert list(out.parent.iterdir()) == []
