"""Putting a backup back: check it, keep a safety copy, then replace the database atomically.

A healthy database is replaced through SQLite's backup API *into* the live file: that is
one write transaction under the database's write lock, so a concurrent command either
finishes before it or sees the restored data afterwards, and the -wal/-shm files stay
consistent. A database too damaged for SQLite to write into is replaced by renaming a
finished copy over it (its stale -wal/-shm files are removed with it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracker.config import DatabaseLocation
from tracker.errors import TrackerError
from tracker.store.backup import (
    DatabaseSummary,
    backup_pages,
    copy_sqlite,
    create_private_file,
    summarise_sqlite,
)
from tracker.store.database import create_sqlite_file
from tracker.store.driver_errors import translate_db_error


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, checked before anyone is asked to confirm it."""

    source: Path
    target: Path
    incoming: DatabaseSummary
    # None when there is no database yet; a message when the current one is unreadable.
    current: DatabaseSummary | None
    current_problem: str | None

    def question(self) -> str:
        if self.current is not None:
            now = f"It now holds {self.current.describe()}."
        elif self.current_problem is not None:
            now = f"It cannot be read now ({self.current_problem})."
        else:
            now = "It does not exist yet."
        return (
            f"Replace database {self.target} with backup {self.source} "
            f"({self.incoming.describe()})? {now} A safety copy is kept."
        )


def plan_restore(location: DatabaseLocation, source: Path) -> RestorePlan:
    """Check the backup (an intact tracker database at a known revision) and the target."""
    target = location.sqlite_path
    if target is None:
        raise TrackerError(
            f"`tracker restore` puts back SQLite files; restore {location.display} with the "
            "server's tools instead (pg_restore --clean --dbname URL BACKUP.dump)"
        )
    source = source.expanduser().absolute()
    if target.exists() and source.exists() and source.samefile(target):
        raise TrackerError(f"{source} is the database itself; choose a backup file")
    incoming = summarise_sqlite(source, f"backup {source}")
    current: DatabaseSummary | None = None
    problem: str | None = None
    if target.exists() and target.stat().st_size > 0:
        try:
            current = summarise_sqlite(target, f"database {target}")
        except TrackerError as exc:
            problem = exc.message
    return RestorePlan(source, target, incoming, current, problem)


def safety_copy_path(target: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return target.with_name(f"{target.name}.before-restore-{stamp}.bak")


def restore_database(location: DatabaseLocation, plan: RestorePlan) -> Path | None:
    """Carry out a confirmed plan; returns the safety copy of the old database, if any."""
    target = plan.target
    safety: Path | None = None
    try:
        if plan.current is not None:
            safety = safety_copy_path(target)
            copy_sqlite(target, safety)
            backup_pages(plan.source, target)
        elif plan.current_problem is not None:
            safety = safety_copy_path(target)
            _raw_private_copy(target, safety)
            _replace_damaged_file(plan.source, target)
        else:
            create_sqlite_file(target, private_folder=location.is_default)
            backup_pages(plan.source, target)
    except sqlite3.Error as exc:
        raise translate_db_error(exc, location) from None
    except OSError as exc:
        raise TrackerError(
            f"cannot restore {target}: {exc.strerror}; nothing was changed"
        ) from None
    return safety


def _raw_private_copy(source: Path, target: Path) -> None:
    """Byte copy (0600) of a file SQLite cannot read, so nothing of it is lost."""
    create_private_file(target)
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer)
    for suffix in ("-wal",):
        extra = Path(f"{source}{suffix}")
        if extra.exists():
            _raw_private_copy(extra, Path(f"{target}{suffix}"))


def _replace_damaged_file(source: Path, target: Path) -> None:
    fresh = target.with_name(f".{target.name}.restoring")
    copy_sqlite(source, fresh)
    with fresh.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(fresh, target)
    # The old journal files belong to the damaged database, not to the restored one.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
