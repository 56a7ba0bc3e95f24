"""Consistent copies of SQLite databases (the online backup API), private to the owner.

``tracker backup`` and the automatic copy before a schema upgrade both go through
``copy_sqlite``; ``tracker restore`` lives in ``tracker.store.restore``.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.config import DatabaseLocation, hide_password
from tracker.errors import DatabaseError, TrackerError
from tracker.store.driver_errors import translate_db_error
from tracker.store.revisions import KNOWN_REVISIONS
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A ``file:`` URI for ``path`` (quoted, so '?', '#' or '%' in a name are safe)."""
    return f"{path.absolute().as_uri()}?mode={mode}"


def _busy_timeout_s() -> float:
    return sqlite_busy_timeout_ms() / 1000


def abort_when_busy(status: int, _remaining: int, _total: int) -> None:
    """Backup progress callback: stop once SQLite reports busy after its own wait.

    Python's backup loop would otherwise retry a busy step for ever.
    """
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise sqlite3.OperationalError("database is locked")


def create_private_file(path: Path) -> None:
    """Create (or empty) ``path`` with mode 0600 before anything is written into it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise TrackerError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)


def backup_pages(source: Path, target: Path) -> None:
    """Copy every page of ``source`` into the database file ``target`` in one step.

    Both connections wait up to the busy timeout; the destination's write lock is held
    while its pages are replaced, so a reader of ``target`` sees the old or the new data.
    """
    timeout_s = _busy_timeout_s()
    src = sqlite3.connect(sqlite_uri(source), uri=True, timeout=timeout_s)
    try:
        dst = sqlite3.connect(target, timeout=timeout_s)
        try:
            src.backup(dst, progress=abort_when_busy)
        finally:
            dst.close()
    finally:
        src.close()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (created 0600) with SQLite's online backup API.

    The backup API copies a consistent snapshot even while another process writes, and
    includes what is still in the WAL file. The copy is written beside the target and
    renamed into place, so ``target`` never holds half a database.
    """
    partial = target.with_name(f".{target.name}.partial")
    create_private_file(partial)
    try:
        backup_pages(source, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


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


def summarise_sqlite(path: Path, what: str) -> DatabaseSummary:
    """Check that ``path`` is an intact tracker database at a known revision, and count it.

    ``what`` names the file in messages ("backup /x/y.db"). Opened read-only: nothing is
    written, not even a -wal file's content.
    """
    if not path.is_file():
        raise TrackerError(f"{what} does not exist")
    try:
        connection = sqlite3.connect(sqlite_uri(path), uri=True, timeout=_busy_timeout_s())
        try:
            return _summary(connection, what, KNOWN_REVISIONS)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        detail = str(exc).lower()
        if "not a database" in detail:
            raise TrackerError(f"{what} is not a SQLite database") from None
        if "malformed" in detail or "corrupt" in detail:
            raise TrackerError(f"{what} is damaged (corrupt)") from None
        raise TrackerError(f"cannot read {what}: {exc}") from None


def _summary(connection: sqlite3.Connection, what: str, known: tuple[str, ...]) -> DatabaseSummary:
    check = connection.execute("PRAGMA quick_check").fetchall()
    if check != [("ok",)]:
        raise TrackerError(f"{what} is damaged (corrupt): {check[0][0]}")
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not {"alembic_version", "patient", "reading", "event"} <= tables:
        raise TrackerError(f"{what} is not a tracker database (its tables are not the tracker's)")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or revision[0] not in known:
        found = revision[0] if revision else "none"
        raise TrackerError(
            f"{what} is at schema revision {found}, which this version of the tracker does "
            f"not know (it knows {', '.join(known)})"
        )
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
    if target.exists():
        raise TrackerError(f"{target} already exists; choose a new file name for the backup")
    if not target.parent.is_dir():
        raise TrackerError(f"cannot write {target}: folder {target.parent} does not exist")
    summary = summarise_sqlite(source, f"database {source}")
    try:
        copy_sqlite(source, target)
    except sqlite3.Error as exc:
        raise translate_db_error(exc, location) from None
    except OSError as exc:
        raise DatabaseError(f"cannot write backup {target}: {exc.strerror}") from None
    return summary
