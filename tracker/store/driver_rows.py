"""A query's rows straight from the database driver, for bulk reads that only write text.

SQLAlchemy's result rows convert every value and build a ``Row`` per row: for an export
of 200,000 readings that costs more than writing the file, and a third of what
``list --json`` or ``add`` spend on a 10,000-reading history. Here the statement is compiled
by SQLAlchemy (the query stays the models' own) and run on the session's own driver
connection, inside its transaction; rows come back as the driver's tuples. Values are
as stored: dates are ``YYYY-MM-DD`` text on SQLite and ``date`` on PostgreSQL (``str()``
of either is the ISO date); numbers are floats on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from datetime import date
from itertools import count
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# PostgreSQL streams through named (server-side) cursors, so memory stays flat; each
# gets its own name, so two readers of one transaction never clash.
_CURSOR_NUMBERS = count(1)
# What the SQLite driver takes as SQLAlchemy would store it (a date is converted below).
_SQLITE_AS_IS = (str, int, float, bytes, type(None))


def driver_rows(
    session: Session, statement: ClauseElement, *, batch: int
) -> Iterator[tuple[Any, ...]]:
    """Yield the statement's rows as the driver returns them, ``batch`` per round trip."""
    connection = session.connection()
    dialect = connection.dialect
    # render_postcompile: an IN list becomes plain parameters the driver understands.
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection in use is never detached
    params: Any
    if dialect.name == "postgresql":
        # psycopg adapts every Python value as SQLAlchemy's own binds would.
        cursor = driver.cursor(name=f"tracker_rows_{next(_CURSOR_NUMBERS)}")
        params = compiled.params
    else:
        cursor = driver.cursor()
        # qmark style: the parameters in the order the SQL text names them.
        positions = getattr(compiled, "positiontup", None) or ()
        params = tuple(_sqlite_value(compiled.params[name]) for name in positions)
    transaction = connection.get_transaction()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(batch):
            yield from rows
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy's own execute would: its error types (which the store turns into
        # one-line messages), and a lost connection is not handed out again.
        lost = dialect.is_disconnect(error, driver, cursor)
        if lost:
            connection.invalidate()
        raise DBAPIError.instance(
            str(compiled), params, error, dialect.loaded_dbapi.Error,
            connection_invalidated=lost, dialect=dialect,
        ) from error  # fmt: skip
    finally:
        # A reader dropped after its transaction ended (an error's traceback can keep it
        # until later) must not touch the connection, which may by then serve another
        # session: the server closed its cursor with that transaction anyway. A SQLite
        # connection closed meanwhile (Ctrl-C while reading) took its cursors with it;
        # closing one then raises, which would print "Exception ignored" at exit.
        if dialect.name != "postgresql":
            with suppress(dialect.loaded_dbapi.ProgrammingError):
                cursor.close()
        elif transaction is not None and transaction.is_active:
            cursor.close()


def stored_date(value: date | str) -> date:
    """A date column's value from ``driver_rows`` as a ``date`` (SQLite gives its text).

    Only for rows ``stored_rows.readable`` lets through, whose dates are exact ISO text.
    """
    return value if isinstance(value, date) else date.fromisoformat(value)


def _sqlite_value(value: Any) -> Any:
    # SQLAlchemy's bind step is skipped here: a Date is stored as ISO text; a value of
    # any other type (a datetime, a bool, an enum) would need its own rule, so none is
    # guessed at.
    if type(value) is date:
        return value.isoformat()
    if not isinstance(value, _SQLITE_AS_IS) or isinstance(value, bool):
        raise TypeError(f"driver_rows has no SQLite rule for a {type(value).__name__} parameter")
    return value
