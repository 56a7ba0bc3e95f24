"""Small SQL helpers shared by the services (no string-built SQL anywhere)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def insert_ignoring_duplicates(table: Table, dialect_name: str) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL.

    Any unique index (the identity indexes) makes a duplicate row a silent no-op, so a
    rerun import or two processes creating the same row cannot fail or double it.
    """
    insert_fn: Any = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    statement: Any = insert_fn(table)
    result: Insert = statement.on_conflict_do_nothing()
    return result
