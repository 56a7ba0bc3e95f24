"""Putting a backup back: check it, take the write lock, keep a safety copy, replace.

A healthy database is replaced inside one write transaction on the live file, taken
*before* anything is copied: the safety copy is made while the lock is held (so nothing
committed can fall between the copy and the replacement), then every tracker table is
dropped and rebuilt from the migrations' own statements and filled from the backup. A
concurrent command therefore finishes before the restore or sees the restored data, and
the -wal/-shm files stay consistent. A database that is busy is reported as busy; only a
file SQLite cannot use as a tracker database is replaced by renaming a finished copy over
it (its stale -wal/-shm files are removed with it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.config import DatabaseLocation
from tracker.errors import TrackerError
from tracker.store.backup import (
    DamagedDatabase,
    DatabaseSummary,
    UnknownRevision,
    orphan_row,
    summarise_sqlite,
)
from tracker.store.driver_errors import translate_db_error
from tracker.store.engines import create_sqlite_file, retry_while_busy
from tracker.store.private_files import removed_on_termination, sync_folder
from tracker.store.sqlite_copies import (
    copy_sqlite,
    create_private_file,
    is_same_file,
    journal_name_problem,
    reserve_and_copy,
    reserve_numbered_copy,
    sqlite_read_uri,
    sqlite_uri,
)
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms


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
    if is_same_file(source, target) or source.resolve() == target.resolve():
        raise TrackerError(f"{source} is the database itself; choose a backup file")
    problem = journal_name_problem(source, "backup")
    if problem:
        raise TrackerError(problem)
    incoming = summarise_sqlite(source, f"backup {source}", schema_differences=_schema_differences)
    current: DatabaseSummary | None = None
    current_problem: str | None = None
    if target.exists() and target.stat().st_size > 0:
        try:
            current = summarise_sqlite(target, f"database {target}", location=location)
        except UnknownRevision as exc:
            # Not damage: a newer tracker's file is never replaced by this version.
            raise TrackerError(
                f"database {target} was written by a newer version of the tracker (revision "
                f"{exc.revision}); use that version to restore; nothing was changed"
            ) from None
        except DamagedDatabase as exc:
            current_problem = exc.message
    return RestorePlan(source, target, incoming, current, current_problem)


def reserve_safety_copy(target: Path) -> Path:
    """``<file>.before-restore-<UTC YYYYmmddTHHMMSS>[-N].bak``, created exclusively (0600)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return reserve_numbered_copy(target.parent, f"{target.name}.before-restore-{stamp}")


def restore_database(location: DatabaseLocation, plan: RestorePlan) -> Path | None:
    """Carry out a confirmed plan; returns the safety copy of the old database, if any."""
    target = plan.target
    try:
        if plan.current_problem is not None:
            return _replace_damaged_file(plan.source, target)
        if not target.exists():
            create_sqlite_file(target, private_folder=location.is_default)
        return _restore_under_lock(plan, keep_safety_copy=plan.current is not None)
    except sqlite3.Error as exc:
        raise translate_db_error(exc, location) from None
    except OSError as exc:
        raise TrackerError(
            f"cannot restore {target}: {exc.strerror}; nothing was changed"
        ) from None


def _restore_under_lock(plan: RestorePlan, *, keep_safety_copy: bool) -> Path | None:
    """Lock the live database, copy it aside, and replace its contents in one transaction."""
    busy_s = sqlite_busy_timeout_ms() / 1000
    live = sqlite3.connect(
        sqlite_uri(plan.target, "rw"), uri=True, timeout=busy_s, isolation_level=None
    )
    safety: Path | None = None
    try:
        # Rows are copied table by table; the foreign keys hold in the backup as a whole.
        live.execute("PRAGMA foreign_keys = OFF")
        if not keep_safety_copy:  # a new file: WAL, like every tracker database
            live.execute("PRAGMA journal_mode = WAL")
        # ATTACH is not allowed inside a transaction, so it comes before the lock.
        live.execute(
            "ATTACH DATABASE ? AS incoming",
            (sqlite_read_uri(plan.source, leave_no_files=True),),
        )
        retry_while_busy(lambda: live.execute("BEGIN IMMEDIATE"), busy_s)
        try:
            revision = _verified_revision(live, plan.source)
            if keep_safety_copy:
                # Read through a second connection: SQLite lets others read while this
                # one holds the write lock, and nobody can commit until it is released.
                safety = reserve_and_copy(plan.target, lambda: reserve_safety_copy(plan.target))
            _replace_contents(live, revision)
            live.execute("COMMIT")
        except BaseException:
            if live.in_transaction:
                live.execute("ROLLBACK")
            if safety is not None:
                safety.unlink(missing_ok=True)  # the database was not changed after all
            raise
        live.execute("DETACH DATABASE incoming")
    finally:
        live.close()
    return safety


def _verified_revision(live: sqlite3.Connection, source: Path) -> str:
    """Check the attached backup again, now under the lock (it may have changed meanwhile)."""
    from tracker.store.revisions import KNOWN_REVISIONS
    from tracker.store.schema_shape import differences, expected_shape, read_shape

    row = live.execute("SELECT version_num FROM incoming.alembic_version").fetchone()
    revision = str(row[0]) if row else ""
    if (
        revision not in KNOWN_REVISIONS
        or differences(read_shape(live, "incoming"), expected_shape(revision))
        or orphan_row(live, "incoming")
    ):
        raise TrackerError(
            f"backup {source} changed while it was being restored; nothing was changed"
        )
    return revision


def _compiled(statement: Any) -> str:
    """SQL text made by SQLAlchemy (identifiers quoted by the SQLite dialect), for the raw
    connection that holds the lock; no statement here has values to bind."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    return str(statement.compile(dialect=sqlite_dialect.dialect()))


def _replace_contents(live: sqlite3.Connection, revision: str) -> None:
    """Drop everything in the live file, rebuild the schema of ``revision``, copy the rows.

    The tables are built from the migrations' statements, never from the backup's own SQL
    text, and the backup's shape was checked to be exactly that schema.
    """
    from sqlalchemy import Column, MetaData, Table, insert, select
    from sqlalchemy.schema import DDL, DropTable

    from tracker.store.schema_shape import expected_shape, expected_statements

    existing = live.execute(
        "SELECT type, name FROM main.sqlite_master "
        "WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'table'"
    ).fetchall()
    for kind, name in existing:
        target = Table(name, MetaData(), schema="main")
        drop = DropTable(target, if_exists=True) if kind == "table" else DDL(_DROP[kind])  # type: ignore[no-untyped-call]
        live.execute(_compiled(drop if kind == "table" else drop.against(target)))
    for statement in expected_statements(revision):
        live.execute(statement)
    for table, (columns, _foreign_keys) in expected_shape(revision).tables.items():
        names = [column[0] for column in columns]
        into = Table(table, MetaData(), *(Column(name) for name in names), schema="main")
        source = Table(table, MetaData(), *(Column(name) for name in names), schema="incoming")
        live.execute(_compiled(insert(into).from_select(names, select(*source.c))))


# Triggers and views (only a hand-edited or crafted file has any); SQLAlchemy puts in the
# quoted name.
_DROP = {
    "view": "DROP VIEW IF EXISTS %(fullname)s",
    "trigger": "DROP TRIGGER IF EXISTS %(fullname)s",
}


def _raw_private_copy(source: Path, target: Path) -> None:
    """Byte copy (0600) of a file SQLite cannot read, so nothing of it is lost."""
    create_private_file(target)
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer)
        # On disk before the original is replaced: a power cut must not leave neither.
        writer.flush()
        os.fsync(writer.fileno())
    for suffix in ("-wal",):
        extra = Path(f"{source}{suffix}")
        if extra.exists():
            _raw_private_copy(extra, Path(f"{target}{suffix}"))


def _replace_damaged_file(source: Path, target: Path) -> Path:
    """Keep the damaged file's bytes (0600), then rename a finished copy over it."""
    # Written where a link points, never over the link itself (the README, "Restore").
    target = Path(os.path.realpath(target))
    fresh = target.with_name(f".{target.name}.restoring")
    # SIGTERM and SIGHUP remove the safety copy and the new copy (tracker.store.private_files).
    with removed_on_termination() as temps:
        temps.append(fresh)
        safety = reserve_safety_copy(target)
        temps.extend([safety, Path(f"{safety}-wal")])
        try:
            _raw_private_copy(target, safety)
            sync_folder(safety.parent)  # the safety copy's name too, before the replace
            copy_sqlite(source, fresh)
            os.replace(fresh, target)
        except BaseException:
            for temp in temps:
                temp.unlink(missing_ok=True)
            raise
    sync_folder(target.parent)  # the rename itself survives a power cut
    # The old journal files belong to the damaged database, not to the restored one.
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return safety


def _schema_differences(connection: sqlite3.Connection, revision: str) -> list[str]:
    """How an open backup's schema differs from what the migrations build at its revision."""
    from tracker.store.schema_shape import differences, expected_shape, read_shape

    return differences(read_shape(connection), expected_shape(revision))
