"""The store under attack: downgrades, read-only media, check changing nothing, odd URLs,
and PostgreSQL sessions that hold locks (issue 13, items 6, 8, 11, 12 and 15)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.lock_waits import hold_lock, release_lock


def _fill(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    tracker.ok("add", "ca153", "28", "--date", "2026-01-05")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


# --- item 8: db downgrade asks first ----------------------------------------------------


def test_downgrade_without_a_terminal_or_yes_changes_nothing(tracker: Tracker) -> None:
    _fill(tracker)
    before = database_snapshot(tracker.db)
    result = tracker.fails("db", "downgrade", "base")
    server = not tracker.db.endswith(".db")
    hint = " (on a server, take a dump with pg_dump first)" if server else ""
    assert result.stderr == (
        f"Error: nothing was downgraded{hint}: confirm with --yes (no terminal to ask on)\n"
    )
    assert database_snapshot(tracker.db) == before
    assert len(tracker.json("list")) == 2


def test_downgrade_asks_on_a_terminal_and_names_the_dump_on_a_server(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tracker)
    before = database_snapshot(tracker.db)
    monkeypatch.setattr("tracker.cli.prompts.interactive", lambda: True)
    declined = tracker("db", "downgrade", "0001", input="n\n")
    assert declined.exit_code == 1
    assert "Error: nothing was downgraded" in declined.stderr
    assert declined.stdout.startswith("Downgrade ")
    assert "from revision 0003 to 0001?" in declined.stdout
    if tracker.db.endswith(".db"):
        assert "A copy of the file is kept beside it first." in declined.stdout
    else:
        assert "Nothing is copied on a server: take a dump first (pg_dump " in declined.stdout
    assert database_snapshot(tracker.db) == before
    accepted = tracker("db", "downgrade", "0001", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert accepted.stdout.strip().endswith("downgraded from 0003 to 0001")
    tracker.ok("db", "upgrade")
    assert len(tracker.json("list")) == 2


# --- item 15: check changes nothing; file: URIs; in-memory databases --------------------


def test_check_leaves_a_rollback_journal_database_as_it_is(sqlite_tracker: Tracker) -> None:
    _fill(sqlite_tracker)
    path = Path(sqlite_tracker.db)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    before = path.read_bytes()
    result = sqlite_tracker.ok("check")
    assert result.stdout == "No problems found in 2 readings and 0 events.\n"
    assert _journal_mode(path) == "delete"
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_check_reports_a_trigger_and_other_schema_extras(sqlite_tracker: Tracker) -> None:
    """Item 6: what a crafted file could use to change data is reported."""
    _fill(sqlite_tracker)
    with sqlite3.connect(sqlite_tracker.db) as connection:
        connection.execute(
            "CREATE TRIGGER wipe AFTER INSERT ON reading BEGIN "
            "DELETE FROM reading WHERE id != NEW.id; END"
        )
        connection.execute("CREATE VIEW everything AS SELECT * FROM reading")
        connection.execute("CREATE INDEX ix_extra ON event (name)")
    result = sqlite_tracker.fails("check")
    assert result.stderr.splitlines() == [
        "Error: 3 problems found",
        "  schema: trigger 'wipe' is not part of the tracker's schema",
        "  schema: view 'everything' is not part of the tracker's schema",
        "  schema: index 'ix_extra' is not part of the tracker's schema",
    ]


def test_a_file_uri_database_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "uri.db"
    url = f"sqlite:///file:{path}?uri=true"
    added = run_tracker(["--db", url, "add", "CEA", "3", "--date", "2026-01-05"])
    assert added.returncode == 0, added.stderr
    assert _mode(path) == 0o600
    listed = run_tracker(["--db", str(path), "list", "--json"])
    assert '"value": 3.0' in listed.stdout


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?uri=true"]
)
def test_an_in_memory_database_is_refused(url: str) -> None:
    result = run_tracker(["--db", url, "add", "CEA", "3"])
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"Error: {url} is an in-memory database: what a command stores there is gone when "
        "it ends; give a file path or a PostgreSQL URL\n"
    )


# --- item 11: read-only folders, self-contained backups, nothing partial ---------------


@pytest.fixture
def frozen() -> Iterator[list[Path]]:
    """Folders made unwritable even for root (chattr +i), thawed afterwards."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def _freeze(path: Path, paths: list[Path]) -> None:
    paths.append(path)
    subprocess.run(["chattr", "+i", str(path)], check=True)
    assert not os.access(path, os.W_OK)


def test_a_database_in_a_read_only_folder_can_be_listed_and_backed_up(
    tmp_path: Path, frozen: list[Path]
) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    tracker = Tracker(str(folder / "t.db"), {"HOME": str(tmp_path / "home")})
    _fill(tracker)
    assert not Path(f"{tracker.db}-wal").exists()  # closed cleanly
    _freeze(folder, frozen)
    listed = run_tracker(["--db", tracker.db, "list", "--json"])
    assert listed.returncode == 0, listed.stderr
    assert '"lab": "City Lab"' in listed.stdout
    trend = run_tracker(["--db", tracker.db, "trend"])
    assert trend.returncode == 0, trend.stderr
    copy = tmp_path / "copy.db"
    backed = run_tracker(["--db", tracker.db, "backup", str(copy)])
    assert backed.returncode == 0, backed.stderr
    assert len(Tracker(str(copy), tracker.env).json("list")) == 2
    add = run_tracker(["--db", tracker.db, "add", "CEA", "4"])
    assert add.returncode == 1
    assert add.stderr == f"Error: database {tracker.db} is read-only; nothing was changed\n"
    assert sorted(p.name for p in folder.iterdir()) == ["t.db"]


def test_backups_are_self_contained_and_restore_from_read_only_media(
    sqlite_tracker: Tracker, tmp_path: Path, frozen: list[Path]
) -> None:
    _fill(sqlite_tracker)
    media = tmp_path / "media"
    media.mkdir()
    backup = media / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    assert _journal_mode(backup) == "delete"
    assert sorted(p.name for p in media.iterdir()) == ["b.db"]  # no -wal needed
    sqlite_tracker.ok("add", "CEA", "9", "--date", "2026-02-01")
    _freeze(media, frozen)
    restored = run_tracker(["--db", sqlite_tracker.db, "restore", str(backup), "--yes"])
    assert restored.returncode == 0, restored.stderr
    assert len(sqlite_tracker.json("list")) == 2
    assert sorted(p.name for p in media.iterdir()) == ["b.db"]


def test_restore_of_a_wal_backup_leaves_nothing_beside_it(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """A backup written by an older version (WAL mode): read without -wal/-shm files."""
    _fill(sqlite_tracker)
    folder = tmp_path / "old"
    folder.mkdir()
    backup = folder / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    with sqlite3.connect(backup) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    assert sorted(p.name for p in folder.iterdir()) == ["b.db"]
    sqlite_tracker.ok("restore", str(backup), "--yes")
    assert len(sqlite_tracker.json("list")) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["b.db"]


def test_a_failed_backup_or_restore_leaves_no_copy(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    _fill(sqlite_tracker)
    backup = tmp_path / "b.db"
    sqlite_tracker.ok("backup", str(backup))
    holder = hold_lock(sqlite_tracker.db, "exclusive")
    env = {"TRACKER_SQLITE_BUSY_TIMEOUT_MS": "200"}
    failed_backup = run_tracker(
        ["--db", sqlite_tracker.db, "backup", str(tmp_path / "c.db")], env=env
    )
    failed_restore = run_tracker(
        ["--db", sqlite_tracker.db, "restore", str(backup), "--yes"], env=env
    )
    release_lock(holder, "rollback")
    for result in (failed_backup, failed_restore):
        assert result.returncode == 1
        assert result.stderr.startswith(f"Error: database {sqlite_tracker.db} is busy")
    names = {p.name for p in tmp_path.iterdir() if p.is_file()}
    # The database and its own journal files, the first backup: no copy, empty or partial.
    assert names - {"tracker.db-wal", "tracker.db-shm"} == {"b.db", "tracker.db"}


# --- item 12: PostgreSQL locks and two renames at once ----------------------------------


def _pg_session(url: str) -> object:
    import sqlalchemy as sa

    return sa.create_engine(url).connect()


def _wait_for_lock_wait(url: str, application: str) -> None:
    """Return once a backend other than ours waits for a lock (pg_stat_activity)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database() AND pid != pg_backend_pid()"
                    )
                ).scalar()
            if waiting:
                return
            time.sleep(0.01)
        raise AssertionError(f"{application} never waited for a lock")
    finally:
        engine.dispose()


def test_a_server_lock_ends_in_one_clear_line_after_the_busy_timeout(
    pg_schema_url: str,
) -> None:
    import sqlalchemy as sa

    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "add", "CEA", "3"]).returncode == 0
    before = database_snapshot(pg_schema_url)
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.connect() as holder:
            holder.execute(sa.text("LOCK TABLE reading IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            result = run_tracker(
                ["--db", pg_schema_url, "add", "CEA", "4"],
                env={"TRACKER_SQLITE_BUSY_TIMEOUT_MS": "500"},
            )
            waited = time.monotonic() - started
            holder.rollback()
    finally:
        engine.dispose()
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: database postgresql+psycopg://")
    assert result.stderr.endswith(
        " is busy: another session held a lock for over 0.5 s; nothing was changed; try again\n"
    )
    assert len(result.stderr.splitlines()) == 1
    assert waited < 30
    assert database_snapshot(pg_schema_url) == before


def test_two_renames_of_one_patient_at_once_one_wins(pg_schema_url: str) -> None:
    import sqlalchemy as sa

    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "patient", "add", "Ann"]).returncode == 0
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.connect() as first:
            # The first rename, not yet committed: it holds Ann's row lock.
            first.execute(sa.text("UPDATE patient SET name = 'Bea' WHERE name = 'Ann'"))
            second = subprocess.Popen(
                [sys.executable, "-m", "tracker", "--db", pg_schema_url, "patient", "rename",
                 "Ann", "Cat"],
                env={k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            _wait_for_lock_wait(pg_schema_url, "the second rename")
            first.commit()
        stdout, stderr = second.communicate(timeout=60)
    finally:
        engine.dispose()
    assert second.returncode == 1 and stdout == ""
    assert stderr == (
        "Error: no patient is named 'Ann' any more (renamed or deleted meanwhile); "
        "nothing was changed\n"
    )
    listed = run_tracker(["--db", pg_schema_url, "patient", "list"])
    assert "Bea" in listed.stdout and "Cat" not in listed.stdout and "Ann" not in listed.stdout


class CommitDroppingProxy:
    """A TCP proxy to the PostgreSQL server that loses the connection right after the
    server has committed a transaction that inserted a reading, before the client hears
    the answer: the "connection dropped after the commit" case, made deterministic."""

    def __init__(self, host: str, port: int) -> None:
        import socket
        import threading

        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            state = {"inserted": False, "armed": False}
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _up(self, client: object, server: object, state: dict[str, bool]) -> None:
        while data := client.recv(65536):  # type: ignore[attr-defined]
            if b"INSERT INTO reading" in data and not self.dropped.is_set():
                state["inserted"] = True
            if state["inserted"] and b"COMMIT" in data:
                state["armed"] = True
            try:
                server.sendall(data)  # type: ignore[attr-defined]
            except OSError:
                return

    def _down(self, server: object, client: object, state: dict[str, bool]) -> None:
        import socket

        while data := server.recv(65536):  # type: ignore[attr-defined]
            if state["armed"]:
                # The server's answer to COMMIT: never delivered.
                self.dropped.set()
                for end in (client, server):
                    end.shutdown(socket.SHUT_RDWR)  # type: ignore[attr-defined]
                    end.close()  # type: ignore[attr-defined]
                return
            client.sendall(data)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.listener.close()


def test_a_connection_lost_after_the_commit_reports_what_was_stored(
    pg_schema_url: str,
) -> None:
    from urllib.parse import urlsplit, urlunsplit

    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    parts = urlsplit(pg_schema_url)
    proxy = CommitDroppingProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    try:
        netloc = f"{parts.username}@127.0.0.1:{proxy.port}"
        proxied = urlunsplit(parts._replace(netloc=netloc)) + "&sslmode=disable"
        result = run_tracker(["--db", proxied, "add", "CEA", "4.5", "--date", "2026-01-05"])
    finally:
        proxy.close()
    assert proxy.dropped.is_set()  # the answer to COMMIT really was lost
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added #1: CEA 4.5 ng/mL on 2026-01-05")
    assert result.stderr == ""
    assert len(database_snapshot(pg_schema_url)["reading"]) == 1


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KiB tmpfs (needs mount rights: root in the CI container)."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_on_a_full_disk_reads_and_a_backup_to_another_disk_work(
    small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "t.db"
    assert run_tracker(["--db", str(db), "add", "CEA", "3", "--date", "2026-01-05"]).returncode == 0
    fd = os.open(small_disk / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass  # the disk is full now
    finally:
        os.close(fd)
    listed = run_tracker(["--db", str(db), "list", "--json"])
    assert listed.returncode == 0, listed.stderr
    assert '"value": 3.0' in listed.stdout
    assert run_tracker(["--db", str(db), "trend"]).returncode == 0
    copy = tmp_path / "copy.db"
    backed = run_tracker(["--db", str(db), "backup", str(copy)])
    assert backed.returncode == 0, backed.stderr
    assert len(Tracker(str(copy), {"HOME": str(tmp_path)}).json("list")) == 1
    failed = run_tracker(["--db", str(db), "add", "CEA", "4"])
    assert failed.returncode == 1 and failed.stderr.startswith(f"Error: database {db} is ")
    assert len(failed.stderr.splitlines()) == 1


def test_check_reports_a_trigger_view_and_extra_column_on_a_server(pg_schema_url: str) -> None:
    """Item 6 on PostgreSQL: what the models do not describe is reported."""
    import sqlalchemy as sa

    assert run_tracker(["--db", pg_schema_url, "db", "upgrade"]).returncode == 0
    assert run_tracker(["--db", pg_schema_url, "add", "CEA", "3"]).returncode == 0
    engine = sa.create_engine(pg_schema_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN DELETE FROM reading WHERE id != NEW.id; RETURN NEW; END $$"
                )
            )
            connection.execute(
                sa.text(
                    "CREATE TRIGGER wipe AFTER INSERT ON reading "
                    "FOR EACH ROW EXECUTE FUNCTION wipe()"
                )
            )
            connection.execute(sa.text("CREATE VIEW everything AS SELECT * FROM reading"))
            connection.execute(sa.text("ALTER TABLE reading ADD COLUMN secret text"))
    finally:
        engine.dispose()
    result = run_tracker(["--db", pg_schema_url, "check"])
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Error: 3 problems found",
        "  schema: view 'everything' is not part of the tracker's schema",
        "  schema: trigger 'wipe' is not part of the tracker's schema",
        "  schema: table 'reading' has a column 'secret' that is not part of the tracker's schema",
    ]
