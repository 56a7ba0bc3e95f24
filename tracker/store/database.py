"""One opened database: its sessions, its transactions and the schema-version check.

The engines it runs on are built in ``engines.py``. Write transactions commit with a
check of the server's own record when the connection is lost during COMMIT. The schema
check on every run reads the version table directly and never imports alembic; alembic
is loaded only when a migration really has to run (``tracker.store.migrate``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker.config import DatabaseLocation
from tracker.errors import DatabaseError, SchemaError
from tracker.store.driver_errors import (
    is_lost_connection,
    translate_db_error,
)
from tracker.store.engines import (
    build_engine,
    cannot_write,
    create_sqlite_file,
    retry_while_busy,
)
from tracker.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
from tracker.store.sqlite_timeout import BUSY_TIMEOUT_ENV as BUSY_TIMEOUT_ENV
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


def _rollback_quietly(rollback: Callable[[], None]) -> None:
    # The body's error is the one to report; a rollback on a lost connection adds nothing.
    try:
        rollback()
    except DBAPIError:
        pass


class Database:
    """One opened database: engines, sessions and schema state."""

    def __init__(self, location: DatabaseLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self.write_engine = engine.execution_options(tracker_write=True)
        # A read sees one snapshot on both backends: SQLite's transaction gives one;
        # PostgreSQL's default (read committed) takes a new one per statement, and a read
        # that compares two counts, or a row list with a count, must not see a write
        # land between them (tracker/store/stored_rows.py, ``holds_more_than``). For a
        # transaction that only reads, repeatable read costs nothing and never fails.
        self.read_engine = (
            engine
            if engine.dialect.name == "sqlite"
            else engine.execution_options(isolation_level="REPEATABLE READ")
        )
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
            with Session(self.read_engine, expire_on_commit=False) as session, session.begin():
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
