"""The test databases: which PostgreSQL server, and every row of a database (to prove
a failed command changed nothing)."""

from __future__ import annotations

import os
from typing import Any

PG_ENV = "TRACKER_TEST_PG_URL"


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def database_snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every tracker table, to prove a failed command changed nothing."""
    import sqlalchemy as sa

    from tracker.config import location_from

    location = location_from(url)
    engine = sa.create_engine(location.url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            return {
                table: sorted(
                    (tuple(row) for row in connection.execute(sa.text(f'SELECT * FROM "{table}"'))),
                    key=repr,
                )
                for table in sorted(tables)
            }
    finally:
        engine.dispose()
