"""The exact shape of a tracker SQLite schema, and how a database differs from it.

A backup is only put back when its tables, columns, foreign keys and indexes are
exactly those the migrations produce at its revision, with no triggers and no views: a
trigger in a crafted file would run on the user's next ``add`` (the README,
"Restore"). ``tracker check`` reports the same differences. The expected shape is
made by running the real migrations into an in-memory database, so it can never drift
from them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

# The databases a shape is read from: the file itself, or a backup attached by a restore.
SchemaName = Literal["main", "incoming"]
# A schema name cannot be a bound parameter, hence one fixed statement for each.
_OBJECTS: dict[str, str] = {
    "main": "SELECT type, name, tbl_name, sql FROM main.sqlite_master",
    "incoming": "SELECT type, name, tbl_name, sql FROM incoming.sqlite_master",
}


@dataclass(frozen=True)
class SchemaShape:
    """Tables (columns and foreign keys), indexes, triggers and views of one database."""

    tables: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    indexes: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    triggers: frozenset[str] = frozenset()
    views: frozenset[str] = frozenset()


def _normalised_sql(sql: str | None) -> str:
    """Index SQL without quoting, case or spacing differences (only expressions need it)."""
    if sql is None:
        return ""
    return re.sub(r"\s+", "", sql.replace('"', "").replace("`", "").lower())


def read_shape(connection: sqlite3.Connection, schema: SchemaName = "main") -> SchemaShape:
    """The shape of ``schema`` as SQLite itself describes it (PRAGMA table_xinfo & co)."""
    objects = connection.execute(_OBJECTS[schema]).fetchall()
    tables: dict[str, tuple[Any, ...]] = {}
    indexes: dict[str, tuple[Any, ...]] = {}
    triggers: set[str] = set()
    views: set[str] = set()
    for kind, name, table, sql in objects:
        if kind == "table" and not name.startswith("sqlite_"):
            columns = tuple(
                (row[1], str(row[2]).upper(), row[3], row[4], row[5], row[6])
                for row in connection.execute(
                    "SELECT * FROM pragma_table_xinfo(?, ?)", (name, schema)
                )
            )
            foreign_keys = tuple(
                sorted(
                    (row[2], row[3], row[4], row[5], row[6])
                    for row in connection.execute(
                        "SELECT * FROM pragma_foreign_key_list(?, ?)", (name, schema)
                    )
                )
            )
            tables[name] = (columns, foreign_keys)
        elif kind == "index":
            info = {
                row[1]: row
                for row in connection.execute(
                    "SELECT * FROM pragma_index_list(?, ?)", (table, schema)
                )
            }.get(name)
            keys = tuple(
                (row[1], row[2], row[3], row[4])
                for row in connection.execute(
                    "SELECT * FROM pragma_index_xinfo(?, ?)", (name, schema)
                )
                if row[5]  # key columns only (not the rowid tail)
            )
            unique, origin, partial = (info[2], info[3], info[4]) if info else (None, None, None)
            expression = (
                _normalised_sql(sql) if any(key[0] == -2 for key in keys) or partial else ""
            )
            indexes[name] = (table, unique, origin, partial, keys, expression)
        elif kind == "trigger":
            triggers.add(name)
        elif kind == "view":
            views.add(name)
    return SchemaShape(tables, indexes, frozenset(triggers), frozenset(views))


def expected_shape(revision: str) -> SchemaShape:
    """The shape the migrations produce at ``revision`` (run into an in-memory database)."""
    return _migrated(revision)[0]


def expected_statements(revision: str) -> tuple[str, ...]:
    """The CREATE statements of the migrations' schema at ``revision``: tables, then indexes.

    A restore builds its tables from these, never from a backup's own SQL text.
    """
    return _migrated(revision)[1]


@lru_cache(maxsize=4)
def _migrated(revision: str) -> tuple[SchemaShape, tuple[str, ...]]:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from tracker.store import migrate as schema

    raw = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    try:
        with engine.begin() as connection:
            schema.run_upgrade(connection, revision)
        statements = tuple(
            row[0]
            for row in raw.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY type = 'index', rowid"
            )
        )
        return read_shape(raw), statements
    finally:
        engine.dispose()
        raw.close()


def differences(found: SchemaShape, expected: SchemaShape) -> list[str]:
    """What ``found`` has beyond (or lacks from) ``expected``, one phrase each."""
    lines: list[str] = []
    for name in sorted(found.triggers):
        lines.append(f"trigger {name!r} is not part of the tracker's schema")
    for name in sorted(found.views):
        lines.append(f"view {name!r} is not part of the tracker's schema")
    for name in sorted(set(found.tables) - set(expected.tables)):
        lines.append(f"table {name!r} is not part of the tracker's schema")
    for name in sorted(set(expected.tables) - set(found.tables)):
        lines.append(f"table {name!r} is missing")
    for name in sorted(set(found.tables) & set(expected.tables)):
        lines.extend(_table_differences(name, found.tables[name], expected.tables[name]))
    for name in sorted(set(found.indexes) - set(expected.indexes)):
        lines.append(f"index {name!r} is not part of the tracker's schema")
    for name in sorted(set(expected.indexes) - set(found.indexes)):
        lines.append(f"index {name!r} is missing")
    for name in sorted(set(found.indexes) & set(expected.indexes)):
        if found.indexes[name] != expected.indexes[name]:
            lines.append(f"index {name!r} differs from the tracker's")
    return lines


def _table_differences(name: str, found: tuple[Any, ...], expected: tuple[Any, ...]) -> list[str]:
    found_columns = {column[0]: column for column in found[0]}
    expected_columns = {column[0]: column for column in expected[0]}
    lines = [
        f"table {name!r} has a column {column!r} that is not part of the tracker's schema"
        for column in found_columns
        if column not in expected_columns
    ]
    lines += [
        f"table {name!r} lacks the column {column!r}"
        for column in expected_columns
        if column not in found_columns
    ]
    if not lines and found[0] != expected[0]:
        lines.append(f"table {name!r}: its columns differ from the tracker's (type or order)")
    if found[1] != expected[1]:
        lines.append(f"table {name!r}: its foreign keys differ from the tracker's")
    return lines
