"""Schema migrations through Alembic, configured in code for the chosen database.

Imported only when a migration runs, so ordinary commands never load alembic.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from tracker.store.sqlite_copies import copy_to_new_file, reserve_numbered_copy

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from tracker.store.database import Database


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config whose scripts come from the installed package."""
    config = Config()
    config.set_main_option("script_location", str(files("tracker.migrations")))
    if connection is not None:
        # env.py uses this connection (and its open transaction) instead of building one.
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head revision of the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have a head"  # a packaging invariant
    return head


def run_upgrade(connection: Connection, target: str = "head") -> None:
    """Upgrade inside the caller's transaction."""
    command.upgrade(alembic_config(connection), target)


def run_downgrade(connection: Connection, target: str) -> None:
    """Downgrade inside the caller's transaction."""
    command.downgrade(alembic_config(connection), target)


def backup_before_upgrade(database: Database, revision: str, change: str = "upgrade") -> Path:
    """Copy an existing SQLite file beside itself before its schema is changed.

    The name says the revision the copy holds and the change it was made before
    (``tracker.db.before-0001-upgrade-….bak``, ``….before-0002-downgrade-….bak``).
    """
    source = database.location.sqlite_path
    assert source is not None, "only file databases are backed up"  # caller checks
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    # Created exclusively with a -N counter: a copy never overwrites an earlier one.
    target = reserve_numbered_copy(
        source.parent, f"{source.name}.before-{revision}-{change}-{stamp}"
    )
    copy_to_new_file(source, target)
    return target
