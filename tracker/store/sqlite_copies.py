"""Consistent copies of SQLite databases (the online backup API), private to the owner,
and the names, URIs and folders they need.

``tracker backup``, the restore's safety copy and the automatic copy before a schema
upgrade all go through ``copy_sqlite``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tracker.errors import TrackerError
from tracker.store.free_space import folder_writable
from tracker.store.pauses_for_tests import pause_during_copy_for_tests
from tracker.store.private_files import removed_on_termination, sync_folder
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms

# SQLite's companions of a database file: a backup must never be given one of these names,
# or SQLite would take it for (and delete or replay) the journal of a database beside it.
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A ``file:`` URI for ``path`` (quoted, so '?', '#' or '%' in a name are safe)."""
    return f"{path.absolute().as_uri()}?mode={mode}"


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


def busy_timeout_s() -> float:
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
    timeout_s = busy_timeout_s()
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
