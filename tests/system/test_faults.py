"""A database that is locked, read-only, damaged or gone: one clear error, nothing changed.

Every failing command must print exactly one ``Error: …`` line, exit 1, and leave what was
stored byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers.cli_runs import run_tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.processes import Outcome, assert_one_error_line
from tracker.cli.main import cli
from tracker.config import location_from
from tracker.store.database import BUSY_TIMEOUT_ENV, open_database
from tracker.store.engines import retry_while_busy

WRITES = [
    ["add", "CEA", "9", "--date", "2026-02-01"],
    ["edit", "1", "--value", "7"],
    ["delete", "1", "--yes"],
    ["event", "add", "treatment", "letrozole", "--date", "2026-02-01"],
    ["patient", "add", "Ann"],
]


def run_cli(args: list[str], env: dict[str, str] | None = None) -> Outcome:
    """The CLI in-process (fast); tests that need a real process use run_tracker."""
    result = CliRunner().invoke(cli, args, env={"TRACKER_PATIENT": "", **(env or {})})
    return Outcome(result.exit_code, result.stdout, result.stderr)


def filled_database(path: Path, notes: int = 0) -> None:
    """A database with a reading, an event and ``notes`` long-noted readings, every page
    checkpointed into the file (no -wal left)."""
    commands = [
        ["add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab"],
        ["event", "add", "condition", "smoking", "--date", "2026-01-01"],
    ]
    commands += [
        ["add", "CEA", str(index + 1), "--date", "2026-01-06", "--note", "x" * 400]
        for index in range(notes)
    ]
    for args in commands:
        assert run_cli(["--db", str(path), *args]).returncode == 0
    assert not Path(f"{path}-wal").exists()  # the last connection checkpointed and closed


@pytest.fixture
def held_write_lock(tmp_path: Path) -> Iterator[Path]:
    """A database whose write lock another program holds (an open BEGIN IMMEDIATE)."""
    path = tmp_path / "t.db"
    filled_database(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE reading SET note = 'held' WHERE id = 1")
    try:
        yield path
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- the busy timeout and the retry -------------------------------------------------------


def test_the_busy_timeout_defaults_to_30_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUSY_TIMEOUT_ENV, raising=False)
    database = open_database(location_from(str(tmp_path / "t.db")))
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        monkeypatch.setenv(BUSY_TIMEOUT_ENV, "1234")
        other = open_database(location_from(str(tmp_path / "t.db")))
        with other.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        other.dispose()
    finally:
        database.dispose()


def test_a_bad_busy_timeout_setting_is_a_clear_error(tmp_path: Path) -> None:
    result = run_tracker(["--db", str(tmp_path / "t.db"), "list"], env={BUSY_TIMEOUT_ENV: "soon"})
    assert_one_error_line(result, f"{BUSY_TIMEOUT_ENV} must be a whole number of milliseconds")
    assert not (tmp_path / "t.db").exists() or (tmp_path / "t.db").stat().st_size == 0


@pytest.mark.parametrize("digits", [5_000, 11])
def test_a_busy_timeout_too_long_to_mean_anything_names_the_setting(
    tmp_path: Path, digits: int
) -> None:
    # 5,000 digits used to reach int() and come back as "the URL is malformed".
    result = run_tracker(
        ["--db", str(tmp_path / "t.db"), "add", "CEA", "3.1"],
        env={BUSY_TIMEOUT_ENV: "9" * digits},
    )
    assert_one_error_line(
        result, f"{BUSY_TIMEOUT_ENV} must be at most 2147483647 milliseconds (about 24 days)"
    )
    assert not (tmp_path / "t.db").exists() or (tmp_path / "t.db").stat().st_size == 0


def test_a_lock_held_beyond_the_busy_timeout_fails_every_write_cleanly(
    held_write_lock: Path,
) -> None:
    before = database_snapshot(str(held_write_lock))
    for index, args in enumerate(WRITES):
        run = run_tracker if index == 0 else run_cli
        started = time.monotonic()
        result = run(["--db", str(held_write_lock), *args], env={BUSY_TIMEOUT_ENV: "300"})
        assert time.monotonic() - started < 15  # waited about 0.3 s, not the default 30 s
        assert_one_error_line(
            result,
            f"database {held_write_lock} is busy: another program held it for over 0.3 s; "
            "nothing was changed; try again",
        )
    # Readers are not blocked by a writer (WAL): list still works meanwhile.
    listed = run_tracker(["--db", str(held_write_lock), "list"], env={BUSY_TIMEOUT_ENV: "300"})
    assert listed.returncode == 0 and "City Lab" in listed.stdout
    assert database_snapshot(str(held_write_lock)) == before


def test_a_write_waits_for_a_lock_released_within_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    filled_database(path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO patient (name, name_key, created_at) VALUES ('Bo', 'bo', '2026-01-01')"
    )
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        result = run_tracker(
            ["--db", str(path), "--patient", "Bo", "add", "CEA", "2"],
            env={BUSY_TIMEOUT_ENV: "20000"},
        )
        waited = time.monotonic() - started
    finally:
        release.join()
        holder.close()
    assert result.returncode == 0, result.stderr
    assert waited >= 1.0  # it really waited for the other writer
    assert "Bo" in run_tracker(["--db", str(path), "patient", "list"]).stdout


def test_retry_while_busy_retries_a_busy_begin_that_sqlite_did_not_wait_for(
    tmp_path: Path,
) -> None:
    """SQLite returns "busy" at once where waiting could deadlock; the tracker retries
    that (here a connection without a busy handler stands in for such a case)."""
    path = tmp_path / "r.db"
    sqlite3.connect(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    impatient = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        impatient.execute("BEGIN IMMEDIATE")  # what happens without the retry
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        retry_while_busy(lambda: impatient.execute("BEGIN IMMEDIATE"), budget_s=10)
        assert impatient.in_transaction
        impatient.execute("ROLLBACK")
    finally:
        release.join()
    # Bounded: a lock that is never released fails once the budget is spent.
    holder.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        retry_while_busy(lambda: impatient.execute("BEGIN IMMEDIATE"), budget_s=0.3)
    assert 0.2 < time.monotonic() - started < 3
    # Other errors are not retried.
    calls = []

    def broken() -> None:
        calls.append(1)
        impatient.execute("SELEC 1")

    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        retry_while_busy(broken, budget_s=10)
    assert calls == [1]
    holder.execute("ROLLBACK")
    holder.close()
    impatient.close()


# --- read-only, damaged, not a database ---------------------------------------------------


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths made unwritable, even for root (chattr +i), restored afterwards."""
    frozen: list[Path] = []
    yield frozen
    for path in frozen:
        subprocess.run(["chattr", "-i", str(path)], check=False)
        path.chmod(0o700 if path.is_dir() else 0o600)


def freeze(path: Path, frozen: list[Path]) -> None:
    frozen.append(path)
    path.chmod(0o500 if path.is_dir() else 0o400)
    if os.geteuid() == 0:  # root ignores permission bits
        subprocess.run(["chattr", "+i", str(path)], check=True)


def test_a_read_only_database_file_reads_but_refuses_writes(
    tmp_path: Path, read_only: list[Path]
) -> None:
    path = tmp_path / "t.db"
    filled_database(path)
    freeze(path, read_only)
    before = path.read_bytes()
    listed = run_tracker(["--db", str(path), "list", "--json"])
    assert listed.returncode == 0 and '"lab": "City Lab"' in listed.stdout
    for index, args in enumerate(WRITES):
        result = (run_tracker if index == 0 else run_cli)(["--db", str(path), *args])
        assert_one_error_line(result, f"database {path} is read-only; nothing was changed")
    assert path.read_bytes() == before


def test_a_read_only_folder_reads_but_refuses_writes(tmp_path: Path, read_only: list[Path]) -> None:
    """The file is opened read-only (issue 13, item 11): reads work, writes say why not."""
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "t.db"
    filled_database(path)
    before = path.read_bytes()
    freeze(folder, read_only)
    listed = run_tracker(["--db", str(path), "list", "--json"])
    assert listed.returncode == 0 and '"lab": "City Lab"' in listed.stdout
    for index, args in enumerate(WRITES):
        result = (run_tracker if index == 0 else run_cli)(["--db", str(path), *args])
        assert_one_error_line(result, f"database {path} is read-only; nothing was changed")
    assert path.read_bytes() == before


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_database_is_a_clear_error_and_is_not_written(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "t.db"
    filled_database(path, notes=40)  # the reading table spans several pages
    data = path.read_bytes()
    page = 4096
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:  # a disk that lost a few pages: garbage over everything after the first two
        path.write_bytes(data[: 2 * page] + bytes(range(256)) * ((len(data) - 2 * page) // 256))
    before = path.read_bytes()
    for index, args in enumerate([["list"], ["trend"], *WRITES]):
        result = (run_tracker if index == 0 else run_cli)(["--db", str(path), *args])
        assert_one_error_line(
            result,
            f"database {path} is damaged (corrupt); restore it from a backup with "
            "`tracker restore`",
        )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"", b"SQLite format 3\x00" + b"\xff" * 84, b"%PDF-1.7\n" + b"x" * 5000],
    ids=["empty", "bad-header", "pdf"],
)
def test_a_file_that_is_not_a_tracker_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "t.db"
    path.write_bytes(content)
    for args in [["list"], *WRITES[:1]]:
        result = run_cli(["--db", str(path), *args])
        if content == b"":
            # An empty file is a new database (SQLite's own view): it is set up.
            assert result.returncode == 0, result.stderr
            continue
        assert result.returncode == 1
        assert result.stderr.startswith(f"Error: database {path} ")
        assert len(result.stderr.splitlines()) == 1
        assert path.read_bytes() == content


def test_a_marker_code_written_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    filled_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO reading (patient_id, marker, value, unit, entered_value, drawn_on, "
            "source, created_at) VALUES (1, 'PSA', 4.0, 'ng/mL', '4', '2026-01-06', 'x', "
            "'2026-01-06 00:00:00')"
        )
    before = database_snapshot(str(path))
    message = (
        "the database holds a reading with marker code 'PSA', which this version of the "
        "tracker does not know; `tracker check` lists such readings"
    )
    assert_one_error_line(
        run_cli(["--db", str(path), "export", "--out", str(tmp_path / "out.csv")]), message
    )
    assert_one_error_line(
        run_cli(["--db", str(path), "edit", "2", "--note", "x"]),
        "reading #2 has the marker code 'PSA', which this version of the tracker does not "
        "know; give the marker with `tracker edit 2 --marker M`, or remove it with "
        "`tracker delete 2`",
    )
    # Reads skip the row and name it (tests/cli/test_malformed_rows.py has the details).
    for args in (["list", "--json"], ["trend"]):
        read = run_cli(["--db", str(path), *args])
        assert read.returncode == 0 and "could not be read (#2)" in read.stderr
    assert not (tmp_path / "out.csv").exists()
    assert database_snapshot(str(path)) == before
    checked = run_cli(["--db", str(path), "check"])
    assert checked.returncode == 1 and "unknown marker code 'PSA'" in checked.stderr
