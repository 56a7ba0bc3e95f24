"""Small SQL helpers shared by the services (no string-built SQL anywhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.sql.dml import Insert


def insert_ignoring_duplicates(table: Table, dialect_name: str) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` for SQLite and PostgreSQL.

    Any unique index (the identity indexes) makes a duplicate row a silent no-op, so a
    rerun import or two processes creating the same row cannot fail or double it.
    """
    # Only the dialect in use is imported: loading sqlalchemy.dialects.postgresql costs
    # an SQLite user's every command ~15 ms (and the reverse for a server user).
    statement: Any
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement = postgresql.insert(table)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(table)
    result: Insert = statement.on_conflict_do_nothing()
    return result
