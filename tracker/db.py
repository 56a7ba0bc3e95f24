"""Engines, sessions and the schema-version check.

Only this module builds engines. SQLite gets WAL, foreign keys and a 30 s busy timeout;
write transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing with "database is locked" half-way through. The schema check on every run reads
the version table directly and never imports alembic; alembic is loaded only when a
migration really has to run (``tracker.schema``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker.config import DatabaseLocation
from tracker.db_errors import translate_db_error
from tracker.errors import DatabaseError, SchemaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# The newest migration in migrations/versions; a test checks it against alembic's head.
HEAD_REVISION = "0002"
# Every revision this version knows, oldest first: an older one is upgraded.
KNOWN_REVISIONS = ("0001", "0002")
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5


def create_sqlite_file(path: Path, *, private_folder: bool) -> None:
    """Create an empty database file readable by its owner only (0600).

    SQLite gives its -wal and -shm files the same permissions as the database file.
    """
    if private_folder:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        return
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
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    try:
        # WAL lets readers go on while one process writes. The mode is stored in the
        # file, so after the first run this only reads it; it cannot be set inside a
        # transaction, hence here on the raw connection.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
            cursor.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError:
        pass  # not a database / read-only: the first real statement reports it
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then
    # writes cannot wait for a busy lock and fails at once.
    write = connection.get_execution_options().get("tracker_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """One opened database: engines, sessions and schema state."""

    def __init__(self, location: DatabaseLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.write_engine = engine.execution_options(tracker_write=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads, in one transaction."""
        with self._translated():
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or not at all."""
        with self._translated():
            with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (bulk paths)."""
        with self._translated():
            with self.write_engine.begin() as connection:
                yield connection

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
        with self._translated(), self.engine.connect() as connection:
            return read_schema_state(connection)

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
        from tracker import schema  # alembic is imported only when a migration runs

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


def build_engine(location: DatabaseLocation) -> Engine:
    """An engine for the location, with the tracker's SQLite or PostgreSQL settings."""
    try:
        if location.is_sqlite:
            engine = create_engine(location.url)
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        connect_args: dict[str, Any] = {}
        if location.url.startswith("postgresql"):
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return create_engine(location.url, connect_args=connect_args)
    except Exception as exc:  # bad URL, missing driver: say which, without the password
        raise DatabaseError(
            f"cannot use database {location.display}: {translate_db_error(exc, location).message}"
        ) from None


def open_database(location: DatabaseLocation, *, migrate: bool = True) -> Database:
    """Open (creating and migrating a fresh SQLite file when needed) the chosen database."""
    if location.sqlite_path is not None:
        create_sqlite_file(location.sqlite_path, private_folder=location.is_default)
    database = Database(location, build_engine(location))
    if migrate:
        database.ensure_schema()
    return database
