"""How a tracker database's schema differs from the one the migrations make (``tracker check``).

On SQLite the file's shape is read and compared with the migrations' own
(``schema_shape.py``); on PostgreSQL the tables, columns and indexes are compared with the
models, and triggers and views are looked up in the server's catalogue. Both read the
driver's own connection or the catalogue directly, which is why this is in the store.
"""

from __future__ import annotations

from typing import Any

from tracker.store.database import Database
from tracker.store.revisions import HEAD_REVISION


def schema_differences(database: Database, revision: str) -> list[str]:
    """Anything beyond (or missing from) the schema the migrations make: triggers, views,
    extra tables, columns or indexes — which a crafted file could use to change data."""
    from tracker.store.schema_shape import differences, expected_shape, read_shape

    with database.engine.connect() as connection:
        if database.is_sqlite:
            raw = connection.connection.driver_connection
            assert raw is not None  # a connection in use is never detached
            return differences(read_shape(raw), expected_shape(revision))
        return _server_schema_differences(connection, at_head=revision == HEAD_REVISION)


def _server_schema_differences(connection: Any, *, at_head: bool) -> list[str]:
    """On PostgreSQL: tables, columns and indexes against the models; triggers and views.

    Below the head revision, what the newer migrations add (a column, an index) is
    missing by design: the revision line already says to upgrade, so only what is extra
    is reported then.
    """
    from sqlalchemy import inspect, text

    from tracker.store.models import Base

    inspector = inspect(connection)
    expected = dict(Base.metadata.tables)
    lines = []
    for view in sorted(inspector.get_view_names()):
        lines.append(f"view {view!r} is not part of the tracker's schema")
    triggers = connection.execute(
        text(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers "
            "WHERE trigger_schema = current_schema() ORDER BY trigger_name"
        )
    )
    lines += [f"trigger {row[0]!r} is not part of the tracker's schema" for row in triggers]
    for name in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        table = expected.get(name)
        if table is None:
            lines.append(f"table {name!r} is not part of the tracker's schema")
            continue
        columns = {column["name"] for column in inspector.get_columns(name)}
        lines += [
            f"table {name!r} has a column {column!r} that is not part of the tracker's schema"
            for column in sorted(columns - set(table.columns.keys()))
        ]
        lines += [
            f"table {name!r} lacks the column {column!r}"
            for column in sorted(set(table.columns.keys()) - columns)
            if at_head
        ]
        # Unique constraints are backed by indexes of the same name on PostgreSQL.
        known = {index.name for index in table.indexes} | {c.name for c in table.constraints}
        found = {index["name"] for index in inspector.get_indexes(name) if index["name"]}
        lines += [
            f"index {index!r} is not part of the tracker's schema"
            for index in sorted(found - known)
        ]
        lines += [
            f"index {index.name!r} is missing"
            for index in sorted(table.indexes, key=lambda index: str(index.name))
            if index.name not in found and at_head
        ]
    return lines
