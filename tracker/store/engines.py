"""Building engines: the tracker's SQLite and PostgreSQL connection settings.

Only this module builds engines. SQLite gets WAL, foreign keys and a 30 s busy timeout;
write transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing with "database is locked" half-way through. Where SQLite reports "busy" without
having waited (it skips its busy handler when waiting could deadlock, e.g. around WAL
recovery), the start of a transaction and the schema check are retried, bounded by the
same timeout.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError

from tracker.config import DatabaseLocation
from tracker.errors import DatabaseError
from tracker.store.driver_errors import is_busy_error, unusable_url_error
from tracker.store.free_space import folder_writable
from tracker.store.sqlite_timeout import server_lock_timeout_ms, sqlite_busy_timeout_ms

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

PG_CONNECT_TIMEOUT_S = 5
T = TypeVar("T")


def retry_while_busy(operation: Callable[[], T], budget_s: float) -> T:
    """Run ``operation``; when SQLite says busy, run it again until ``budget_s`` has passed.

    Only for operations that changed nothing when they failed (starting a transaction,
    a read). A busy error that arrives after SQLite's own handler waited the whole
    budget is raised at once, so a database really held by another program still fails
    after the busy timeout, not later.
    """
    deadline = time.monotonic() + budget_s
    delay_s = 0.01
    while True:
        try:
            return operation()
        except (sqlite3.OperationalError, OperationalError) as exc:
            remaining_s = deadline - time.monotonic()
            if not is_busy_error(exc) or remaining_s <= 0:
                raise
        time.sleep(min(delay_s, remaining_s))
        delay_s = min(delay_s * 2, 0.2)


def create_sqlite_file(path: Path, *, private_folder: bool) -> None:
    """Create an empty database file readable by its owner only (0600).

    SQLite gives its -wal and -shm files the same permissions as the database file.
    """
    if path.exists():
        return
    if private_folder:
        # The tracker's own data folder: made private even if something else (an older
        # version, a backup tool) created it with wider permissions.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.parent.stat().st_mode & 0o077:
            path.parent.chmod(0o700)
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot create database {path}: folder {path.parent} does not exist")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it first; fine
    except OSError as exc:
        raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from None
    os.close(fd)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would otherwise start
    # transactions late and commit DDL implicitly).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    try:
        # WAL lets readers go on while one process writes. The mode is stored in the
        # file, so after the first run this only reads it; it cannot be set inside a
        # transaction, hence here on the raw connection.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
            cursor.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError:
        pass  # not a database / read-only: the first real statement reports it
    cursor.close()


def _sqlite_read_only_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # A read-only connection changes nothing, not even the journal mode.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _pg_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # A command behind another session's lock waits as long as SQLite's busy timeout,
    # then fails with one clear line (db_errors) instead of waiting for ever.
    with dbapi_connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, false)", (f"{server_lock_timeout_ms()}ms",)
        )
    dbapi_connection.commit()


def cannot_write(path: Path) -> bool:
    """The file or its folder is not writable (root included: chattr +i, read-only mounts),
    or the disk is full (tracker.store.free_space.folder_writable)."""
    return not os.access(path, os.W_OK) or not folder_writable(path)


def _sqlite_on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then
    # writes cannot wait for a busy lock and fails at once.
    write = connection.get_execution_options().get("tracker_write", False)
    statement = "BEGIN IMMEDIATE" if write else "BEGIN"
    # On the driver's connection: a failed BEGIN opened nothing, so it can simply be
    # sent again; the error (if it persists) is translated by Database._translated.
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None  # a connection in use is never detached
    retry_while_busy(lambda: driver_connection.execute(statement), sqlite_busy_timeout_ms() / 1000)


def build_engine(location: DatabaseLocation, *, read_only: bool = False) -> Engine:
    """An engine for the location, with the tracker's SQLite or PostgreSQL settings.

    ``read_only`` (SQLite files only) opens the file with ``mode=ro`` and changes nothing
    in it, not even the journal mode; in a folder where nothing can be created it is
    opened ``immutable`` (tracker.store.sqlite_copies.sqlite_read_uri).
    """
    try:
        if read_only and location.sqlite_path is not None:
            from tracker.store.sqlite_copies import sqlite_read_uri

            uri = sqlite_read_uri(location.sqlite_path)
            timeout_s = sqlite_busy_timeout_ms() / 1000
            engine = create_engine(
                location.url,
                creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=timeout_s, check_same_thread=False
                ),
            )
            event.listen(engine, "connect", _sqlite_read_only_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        if location.is_sqlite:
            # The driver's timeout is SQLite's busy timeout (no PRAGMA text to build).
            timeout_s = sqlite_busy_timeout_ms() / 1000
            engine = create_engine(location.url, connect_args={"timeout": timeout_s})
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        connect_args: dict[str, Any] = {}
        if location.url.startswith("postgresql"):
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        # pre_ping: a pooled connection that the server closed (restart, terminate) is
        # replaced before use instead of failing the next command of a long-lived process.
        engine = create_engine(location.url, connect_args=connect_args, pool_pre_ping=True)
        if location.url.startswith("postgresql"):
            event.listen(engine, "connect", _pg_on_connect)
        return engine
    except DatabaseError:
        raise
    except Exception as exc:  # bad URL, missing driver: say which, without the password
        raise unusable_url_error(exc, location) from None
