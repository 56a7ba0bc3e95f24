"""``tracker backup``, and what makes a SQLite file an intact tracker database to count.

The copying itself (the online backup API, private new files) is ``sqlite_copies.py``;
``tracker restore`` lives in ``tracker.store.restore``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.config import DatabaseLocation, hide_password
from tracker.errors import DatabaseError, TrackerError
from tracker.store.driver_errors import translate_db_error
from tracker.store.sqlite_copies import (
    busy_timeout_s,
    journal_name_problem,
    reserve_and_copy,
    reserve_new_file,
    sqlite_read_uri,
)

# Given an open backup and its revision: how its schema differs from the migrations' (empty
# when it matches). The restore passes one; this module stays below the migrations runner.
SchemaDifferences = Callable[[sqlite3.Connection, str], list[str]]


class DamagedDatabase(TrackerError):
    """A file that is not an intact tracker database (as opposed to one that is busy)."""


class UnknownRevision(TrackerError):
    """A tracker database at a schema revision this version does not know: most likely
    written by a newer tracker. Not damage, so it is never replaced as if damaged."""

    def __init__(self, message: str, *, revision: str) -> None:
        super().__init__(message)
        self.revision = revision


def orphan_row(connection: sqlite3.Connection, schema: str = "main") -> str | None:
    """Where a row names a row that does not exist (``PRAGMA foreign_key_check``), or None.

    Such a row (a reading whose patient is missing) would be filed under whichever patient
    is next given that id, so a file holding one is not put back.
    """
    pragma = (
        "PRAGMA incoming.foreign_key_check" if schema == "incoming" else "PRAGMA foreign_key_check"
    )
    found = connection.execute(pragma).fetchall()
    if not found:
        return None
    table, rowid, parent = found[0][0], found[0][1], found[0][2]
    more = len(found) - 1
    return f"has a {table} row (rowid {rowid}) whose {parent} does not exist" + (
        f" (and {more} more such row{'' if more == 1 else 's'})" if more else ""
    )


@dataclass(frozen=True)
class DatabaseSummary:
    """What a tracker SQLite file holds, for messages and confirmation questions."""

    revision: str
    patients: int
    readings: int
    events: int

    def describe(self) -> str:
        return (
            f"{self.patients} patient(s), {self.readings} reading(s), {self.events} event(s); "
            f"schema revision {self.revision}"
        )


def summarise_sqlite(
    path: Path,
    what: str,
    *,
    schema_differences: SchemaDifferences | None = None,
    location: DatabaseLocation | None = None,
) -> DatabaseSummary:
    """Check that ``path`` is an intact tracker database at a known revision, and count it.

    ``what`` names the file in messages ("backup /x/y.db"). Opened read-only: nothing is
    written, not even a -wal file's content. ``schema_differences`` (given for a backup
    about to be put back) also demands exactly the migrations' tables, columns and
    indexes, and no triggers or views. A busy database raises the busy error (``location``
    names it), never ``DamagedDatabase``: a locked file is not a damaged one.
    """
    if not path.is_file():
        raise TrackerError(f"{what} does not exist")
    try:
        connection = sqlite3.connect(
            sqlite_read_uri(path, leave_no_files=location is None),
            uri=True,
            timeout=busy_timeout_s(),
        )
        try:
            return _summary(connection, what, schema_differences=schema_differences)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        detail = str(exc).lower()
        from tracker.store.driver_errors import is_busy_error, translate_db_error

        if is_busy_error(exc):
            from tracker.config import location_from

            raise translate_db_error(exc, location or location_from(str(path))) from None
        if "not a database" in detail:
            raise DamagedDatabase(f"{what} is not a SQLite database") from None
        if "malformed" in detail or "corrupt" in detail:
            raise DamagedDatabase(f"{what} is damaged (corrupt)") from None
        raise TrackerError(f"cannot read {what}: {exc}") from None


def _summary(
    connection: sqlite3.Connection, what: str, *, schema_differences: SchemaDifferences | None
) -> DatabaseSummary:
    from tracker.store.revisions import KNOWN_REVISIONS as known

    # A backup about to be put back gets the full integrity_check (indexes against their
    # tables too); a live database the quicker check.
    pragma = "PRAGMA integrity_check" if schema_differences is not None else "PRAGMA quick_check"
    check = connection.execute(pragma).fetchall()
    if check != [("ok",)]:
        raise DamagedDatabase(f"{what} is damaged (corrupt): {check[0][0]}")
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not {"alembic_version", "patient", "reading", "event"} <= tables:
        raise DamagedDatabase(
            f"{what} is not a tracker database (its tables are not the tracker's)"
        )
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is not None and revision[0] not in known:
        raise UnknownRevision(
            f"{what} is at schema revision {revision[0]}, which this version of the tracker "
            f"does not know (it knows {', '.join(known)})",
            revision=str(revision[0]),
        )
    if revision is None:
        found = "none"
        raise DamagedDatabase(
            f"{what} is at schema revision {found}, which this version of the tracker does "
            f"not know (it knows {', '.join(known)})"
        )
    if schema_differences is not None:
        found_differences = schema_differences(connection, str(revision[0]))
        if found_differences:
            more = len(found_differences) - 1
            raise DamagedDatabase(
                f"{what} does not have the tracker's schema: {found_differences[0]}"
                + (f" (and {more} more difference{'' if more == 1 else 's'})" if more else "")
                + "; it was not used"
            )
    if schema_differences is not None:
        orphan = orphan_row(connection)
        if orphan:
            raise DamagedDatabase(f"{what} {orphan}; it was not used")
    counts: list[Any] = [
        connection.execute("SELECT count(*) FROM patient").fetchone()[0],
        connection.execute("SELECT count(*) FROM reading").fetchone()[0],
        connection.execute("SELECT count(*) FROM event").fetchone()[0],
    ]
    return DatabaseSummary(str(revision[0]), int(counts[0]), int(counts[1]), int(counts[2]))


def pg_dump_hint(location: DatabaseLocation) -> str:
    """The pg_dump command a server database is backed up with (password hidden)."""
    url = location.url.replace("postgresql+psycopg://", "postgresql://", 1)
    url = url.replace("postgresql+psycopg2://", "postgresql://", 1)
    return f"pg_dump --format=custom --file BACKUP.dump '{hide_password(url)}'"


def backup_database(location: DatabaseLocation, target: Path) -> DatabaseSummary:
    """Write a consistent copy of the SQLite database to a new file ``target`` (0600).

    A server database is refused with the pg_dump command to use instead; an existing
    ``target`` is never overwritten (it may be the only good copy someone has).
    """
    source = location.sqlite_path
    if source is None and not location.url.startswith("postgresql"):
        raise TrackerError(
            f"`tracker backup` copies SQLite files; {location.display} is neither a SQLite "
            "file nor a PostgreSQL database"
        )
    if source is None:
        raise TrackerError(
            f"`tracker backup` copies SQLite files; back up {location.display} with the "
            f"server's tools instead: {pg_dump_hint(location)} (you will be asked for the "
            "password)"
        )
    if not source.exists():
        raise TrackerError(f"there is no database at {source} yet; nothing to back up")
    target = target.expanduser().absolute()
    problem = journal_name_problem(target, "backup")
    if problem:
        raise TrackerError(problem)
    if target.exists() or target.is_symlink():
        raise TrackerError(f"{target} already exists; choose a new file name for the backup")
    if not target.parent.is_dir():
        raise TrackerError(f"cannot write {target}: folder {target.parent} does not exist")
    summary = summarise_sqlite(source, f"database {source}", location=location)

    def reserve() -> Path:
        if not reserve_new_file(target):  # created meanwhile: still never overwritten
            raise TrackerError(f"{target} already exists; choose a new file name for the backup")
        return target

    try:
        reserve_and_copy(source, reserve)
    except sqlite3.Error as exc:
        raise translate_db_error(exc, location) from None
    except OSError as exc:
        raise DatabaseError(f"cannot write backup {target}: {exc.strerror}") from None
    return summary
