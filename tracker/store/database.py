"""Engines, sessions and the schema-version check.

Only this module builds engines. SQLite gets WAL, foreign keys and a 30 s busy timeout;
write transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing with "database is locked" half-way through. Where SQLite reports "busy" without
having waited (it skips its busy handler when waiting could deadlock, e.g. around WAL
recovery), the start of a transaction and the schema check are retried, bounded by the
same timeout. The schema check on every run reads
the version table directly and never imports alembic; alembic is loaded only when a
migration really has to run (``tracker.store.migrate``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from tracker.config import DatabaseLocation
from tracker.errors import DatabaseError, SchemaError
from tracker.store.driver_errors import (
    is_busy_error as is_busy_error,
)
from tracker.store.driver_errors import (
    is_lost_connection,
    translate_db_error,
    unusable_url_error,
)
from tracker.store.revisions import HEAD_REVISION as HEAD_REVISION
from tracker.store.revisions import KNOWN_REVISIONS as KNOWN_REVISIONS
from tracker.store.sqlite_timeout import BUSY_TIMEOUT_ENV as BUSY_TIMEOUT_ENV
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


def _rollback_quietly(rollback: Callable[[], None]) -> None:
    # The body's error is the one to report; a rollback on a lost connection adds nothing.
    try:
        rollback()
    except DBAPIError:
        pass


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
    or the disk is full (tracker.store.backup.folder_writable)."""
    from tracker.store.backup import folder_writable

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


class Database:
    """One opened database: engines, sessions and schema state."""

    def __init__(self, location: DatabaseLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.write_engine = engine.execution_options(tracker_write=True)
        # Each session's ``info``: reads record there the stored rows they had to skip
        # (tracker.store.stored_rows), and the command line names them once at the end.
        self.session_infos: list[dict[Any, Any]] = []

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads, in one transaction."""
        with self._translated():
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                self.session_infos.append(session.info)
                yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        with self._translated():
            with Session(self.write_engine, expire_on_commit=False) as session:
                self.session_infos.append(session.info)
                transaction = session.begin()
                xid = None if self.is_sqlite else self._server_transaction_id(session.connection())
                try:
                    yield session
                except BaseException:
                    _rollback_quietly(transaction.rollback)
                    raise
                self._commit(transaction.commit, xid)

    def _server_transaction_id(self, connection: Connection) -> int | None:
        """On a server, the transaction's id: if the connection is lost during COMMIT, the
        server can still say whether that transaction was committed."""
        if self.is_sqlite:
            return None
        return int(connection.execute(text("SELECT txid_current()")).scalar_one())

    def _commit(self, commit: Callable[[], None], xid: int | None) -> None:
        """Commit; when the connection drops during COMMIT, ask the server what happened.

        A commit the server made counts as done (the command reports what it stored and
        exits 0); one it did not make is the usual "was not saved" error.
        """
        try:
            commit()
        except DBAPIError as exc:
            if xid is None or not is_lost_connection(exc):
                raise
            status = self._transaction_status(xid)
            if status == "committed":
                return
            if status is None:
                raise DatabaseError(
                    f"the connection to {self.location.display} was lost while saving; the "
                    "change may or may not have been stored: check with `tracker list`"
                ) from None
            raise

    def _transaction_status(self, xid: int) -> str | None:
        """'committed', 'aborted' or 'in progress' for a server transaction; None if unknown."""
        try:
            with self.engine.connect() as connection:
                status = connection.execute(text("SELECT txid_status(:xid)"), {"xid": xid}).scalar()
        except DBAPIError:
            return None
        return None if status is None else str(status)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            raise translate_db_error(exc, self.location) from None
        except sqlite3.Error as exc:  # raised outside SQLAlchemy (e.g. backup API)
            raise translate_db_error(exc, self.location) from None

    def schema_state(self) -> tuple[str | None, bool]:
        """(revision in the version table or None, whether any tracker table exists)."""

        def read() -> tuple[str | None, bool]:
            with self.engine.connect() as connection:
                return read_schema_state(connection)

        with self._translated():
            if not self.is_sqlite:
                return read()
            return retry_while_busy(read, sqlite_busy_timeout_ms() / 1000)

    def ensure_schema(self) -> None:
        """Make sure the schema is at HEAD_REVISION before a command runs.

        A fresh SQLite file is migrated; an older SQLite file is backed up and upgraded;
        a server database is only ever upgraded by ``tracker db upgrade``.
        """
        revision, has_tables = self.schema_state()
        if revision == HEAD_REVISION:
            return
        _check_known(revision, has_tables, self.location)
        if not self.is_sqlite:
            if revision is None:
                raise SchemaError(
                    f"database {self.location.display} has no tracker tables yet; "
                    "run `tracker db upgrade` to create them"
                )
            raise SchemaError(
                f"database {self.location.display} is at schema revision {revision}, this "
                f"version needs {HEAD_REVISION}; run `tracker db upgrade`"
            )
        self.upgrade(automatic=True)

    def upgrade(self, *, target: str = "head", automatic: bool = False) -> str | None:
        """Upgrade the schema under the write lock; returns the backup path, if one was made."""
        # alembic is imported only when a migration runs
        from tracker.store import migrate as schema

        backup: str | None = None
        with self._translated(), self.write_engine.connect() as connection:
            with connection.begin():
                # Re-read under the write lock: another process may have migrated already.
                revision, has_tables = read_schema_state(connection)
                if automatic and revision == HEAD_REVISION:
                    return None
                _check_known(revision, has_tables, self.location)
                if self.is_sqlite and revision is not None and revision != HEAD_REVISION:
                    backup = str(schema.backup_before_upgrade(self, revision))
                schema.run_upgrade(connection, target)
        return backup

    def back_up_before_downgrade(self, revision: str) -> Path | None:
        """Copy a SQLite file beside itself before a downgrade from ``revision``; a server
        database is not copied (None: the user takes a dump first)."""
        if not self.is_sqlite or self.location.sqlite_path is None:
            return None
        from tracker.store import migrate  # alembic is imported only when a migration runs

        return migrate.backup_before_upgrade(self, revision, "downgrade")

    def downgrade(self, target: str) -> None:
        """Downgrade the schema to ``target`` under the write lock (the caller backs up)."""
        from tracker.store import migrate  # alembic is imported only when a migration runs

        with self._translated(), self.write_engine.connect() as connection:
            with connection.begin():
                migrate.run_downgrade(connection, target)

    def dispose(self) -> None:
        self.engine.dispose()


def _check_known(revision: str | None, has_tables: bool, location: DatabaseLocation) -> None:
    if revision is None and has_tables:
        raise SchemaError(
            f"{location.display} holds tables but is not a tracker database; "
            "choose another file with --db"
        )
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise SchemaError(
            f"database {location.display} is at schema revision {revision}, which this "
            "version of the tracker does not know; it was written by a newer version"
        )


def read_schema_state(connection: Connection) -> tuple[str | None, bool]:
    """Read the alembic version table directly (no alembic import)."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        rows = connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        )
    tables = {row[0] for row in rows}
    revision = None
    if "alembic_version" in tables:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return revision, bool(tables - {"alembic_version"})


def build_engine(location: DatabaseLocation, *, read_only: bool = False) -> Engine:
    """An engine for the location, with the tracker's SQLite or PostgreSQL settings.

    ``read_only`` (SQLite files only) opens the file with ``mode=ro`` and changes nothing
    in it, not even the journal mode; in a folder where nothing can be created it is
    opened ``immutable`` (tracker.store.backup.sqlite_read_uri).
    """
    try:
        if read_only and location.sqlite_path is not None:
            from tracker.store.backup import sqlite_read_uri

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


def open_database(
    location: DatabaseLocation, *, migrate: bool = True, read_only: bool = False
) -> Database:
    """Open (creating and migrating a fresh SQLite file when needed) the chosen database.

    An existing SQLite file that cannot be written (a read-only file or folder) is opened
    read-only: reads and backups work, and a write fails with "read-only; nothing was
    changed". ``read_only`` asks for that always (``check`` changes nothing).
    """
    path = location.sqlite_path
    if path is not None and path.exists() and cannot_write(path):
        read_only = True
    if path is not None and not read_only:
        create_sqlite_file(path, private_folder=location.is_default)
    database = Database(location, build_engine(location, read_only=read_only))
    if migrate:
        database.ensure_schema()
    return database
