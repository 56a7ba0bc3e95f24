"""Consistent copies of SQLite databases (the online backup API), private to the owner.

``tracker backup`` and the automatic copy before a schema upgrade both go through
``copy_sqlite``; ``tracker restore`` lives in ``tracker.store.restore``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.config import DatabaseLocation, hide_password
from tracker.errors import DatabaseError, TrackerError
from tracker.store.driver_errors import translate_db_error
from tracker.store.pauses_for_tests import pause_during_copy_for_tests
from tracker.store.private_files import removed_on_termination, sync_folder
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms

# Given an open backup and its revision: how its schema differs from the migrations' (empty
# when it matches). The restore passes one; this module stays below the migrations runner.
SchemaDifferences = Callable[[sqlite3.Connection, str], list[str]]

# SQLite's companions of a database file: a backup must never be given one of these names,
# or SQLite would take it for (and delete or replay) the journal of a database beside it.
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A ``file:`` URI for ``path`` (quoted, so '?', '#' or '%' in a name are safe)."""
    return f"{path.absolute().as_uri()}?mode={mode}"


# Below this much free space, the disk is treated as full: SQLite could not even create
# the 32 KiB -shm file a WAL reader needs (a design choice, not a measured figure).
FULL_DISK_BYTES = 1024 * 1024


def folder_writable(path: Path) -> bool:
    """Whether files can be created beside ``path`` (root included: chattr +i, ro mounts,
    and a disk with next to no free space)."""
    if not os.access(path.parent, os.W_OK):
        return False
    try:
        usage = os.statvfs(path.parent)
    except OSError:
        return True
    return usage.f_bavail * usage.f_frsize >= FULL_DISK_BYTES


def _wal_is_empty(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size == 0
    except FileNotFoundError:
        return True


def is_wal_file(path: Path) -> bool:
    """Whether the file's header says WAL mode (file format versions 2 at offsets 18-19)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2


def sqlite_read_uri(path: Path, *, leave_no_files: bool = False) -> str:
    """A read-only URI for ``path`` that works where nothing may be written beside it.

    SQLite needs -wal/-shm files to read a WAL database; in a read-only folder or on a full
    disk they cannot be made, and a read-only connection cannot remove them afterwards.
    When the -wal file is absent or empty there is nothing beyond the main file to read,
    and (where nothing can be created) nobody can be writing, so the file is opened
    ``immutable`` and nothing is created.
    ``leave_no_files`` (a backup being read, not a live database) also applies this in a
    writable folder, so reading a backup leaves no -wal/-shm beside it.
    """
    uri = sqlite_uri(path)
    if not _wal_is_empty(path):
        return uri
    if not folder_writable(path) or (leave_no_files and is_wal_file(path)):
        return f"{uri}&immutable=1"
    return uri


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


def reserve_new_file(path: Path) -> bool:
    """Create ``path`` empty and 0600, only if nothing is there; False when something is."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise TrackerError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    return True


def reserve_numbered_copy(folder: Path, stem: str) -> Path:
    """A new private file ``stem.bak``, or ``stem-1.bak``, ``stem-2.bak``… if taken.

    Created exclusively, so two processes (two restores in one second) never share a name
    and a safety copy never overwrites anything.
    """
    for counter in range(10_000):
        name = f"{stem}.bak" if counter == 0 else f"{stem}-{counter}.bak"
        if reserve_new_file(folder / name):
            return folder / name
    raise TrackerError(f"cannot find a free name for {folder / stem}.bak")


def backup_pages(source: Path, target: Path) -> None:
    """Copy every page of ``source`` into the new database file ``target`` in one step.

    Both connections wait up to the busy timeout. The copy is switched to rollback-journal
    mode, so it is one self-contained file (no -wal needed; readable on read-only media).
    """
    timeout_s = _busy_timeout_s()
    src = sqlite3.connect(sqlite_read_uri(source), uri=True, timeout=timeout_s)
    try:
        dst = sqlite3.connect(target, timeout=timeout_s)
        try:
            src.backup(dst, progress=abort_when_busy)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (0600) with SQLite's online backup API.

    The backup API copies a consistent snapshot even while another process writes, and
    includes what is still in the WAL file. The copy is written beside the target and
    renamed into place, so ``target`` never holds half a database; a failure leaves no
    partial file behind.
    SIGTERM and SIGHUP also remove the partial file and its journal (the same handling as
    the ``--out`` writers, tracker.store.private_files).
    """
    partial = target.with_name(f".{target.name}.partial")
    with removed_on_termination() as temps:
        temps.extend([partial, *(Path(f"{partial}{suffix}") for suffix in JOURNAL_SUFFIXES)])
        try:
            create_private_file(partial)
            backup_pages(source, partial)
            pause_during_copy_for_tests()
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except BaseException:
            for temp in temps:
                temp.unlink(missing_ok=True)
            raise
    sync_folder(target.parent)  # the rename itself survives a power cut


def copy_to_new_file(source: Path, target: Path) -> None:
    """``copy_sqlite`` into a name reserved first (0600); on failure nothing is left.

    The reserved (empty) name is removed too, also on SIGTERM or SIGHUP.
    """
    with removed_on_termination() as temps:
        temps.append(target)
        try:
            copy_sqlite(source, target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise


def reserve_and_copy(source: Path, reserve: Callable[[], Path]) -> Path:
    """Reserve a new file with ``reserve`` and copy ``source`` into it; returns its path.

    A signal between the reservation and the copy also removes the reserved name.
    """
    with removed_on_termination() as temps:
        target = reserve()
        temps.append(target)
        copy_to_new_file(source, target)
        return target


def journal_name_problem(path: Path, what: str) -> str | None:
    """Why ``path`` (or the file a link points to) cannot be a backup: a journal's name."""
    for name in {path.name, path.resolve().name}:
        for suffix in JOURNAL_SUFFIXES:
            if name.endswith(suffix):
                return (
                    f"{what} {path} is named like SQLite's {suffix} file, which SQLite "
                    "deletes or replays beside a database; choose a name that does not "
                    f"end in {suffix}"
                )
    return None


def is_same_file(path: Path, database: Path) -> bool:
    """``path`` is the database or one of its journal files (also through links)."""
    try:
        found = path.stat()
    except OSError:
        return False
    for candidate in (database, *(Path(f"{database}{s}") for s in JOURNAL_SUFFIXES)):
        try:
            other = candidate.stat()
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (other.st_dev, other.st_ino):
            return True
    return False


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
            timeout=_busy_timeout_s(),
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
