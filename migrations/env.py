"""Alembic environment.

The tracker hands over the connection of the database chosen by ``--db`` through
``config.attributes["connection"]`` (tracker.store.migrate). Only when the plain ``alembic``
command runs from the checkout does this file build an engine itself, from
``tracker.config`` (``TRACKER_DB_URL`` or the default database).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tracker.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from tracker.config import location_from
    from tracker.store.database import build_engine, create_sqlite_file

    location = location_from(None)
    if location.sqlite_path is not None:
        create_sqlite_file(location.sqlite_path, private_folder=location.is_default)
    engine = build_engine(location)
    with engine.connect() as own_connection:
        _run(own_connection)
        own_connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; use `tracker db upgrade`")
run_migrations_online()
