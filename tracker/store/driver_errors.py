"""Turning driver errors into one plain line, never showing a password."""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote

from tracker.config import DatabaseLocation, hide_password, url_passwords
from tracker.errors import DatabaseError
from tracker.store.sqlite_timeout import sqlite_busy_timeout_ms

# (fragment of the driver's message, lower case) -> what to tell the user.
_SQLITE_MESSAGES = (
    ("file is not a database", "{where} is not a SQLite database (or it is encrypted)"),
    (
        "database disk image is malformed",
        "{where} is damaged (corrupt); restore it from a backup with `tracker restore`",
    ),
    (
        "database is locked",
        "{where} is busy: another program held it for over {busy_s} s; nothing was "
        "changed; try again",
    ),
    ("readonly database", "{where} is read-only; nothing was changed"),
    (
        "unable to open database file",
        "cannot open {where}: check that it exists and that it and its folder are writable",
    ),
    ("disk is full", "the disk is full while writing {where}; nothing was changed"),
    ("disk i/o error", "a disk error occurred while writing {where}; nothing was changed"),
)


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return text.strip()


def scrub(text: str, location: DatabaseLocation) -> str:
    """Remove the URL's passwords from any text (driver messages can echo the DSN)."""
    text = text.replace(location.url, location.display)
    for password in url_passwords(location.url):
        # Drivers may echo the password as written or percent-decoded.
        for form in {password, unquote(password)}:
            text = text.replace(form, "***")
    return text


def translate_db_error(exc: BaseException, location: DatabaseLocation) -> DatabaseError:
    """A DatabaseError with one line a person understands, password hidden."""
    original = getattr(exc, "orig", None) or exc
    detail = _first_line(str(original)) or type(original).__name__
    lowered = detail.lower()
    where = f"database {location.display}"
    if location.is_sqlite:
        for fragment, message in _SQLITE_MESSAGES:
            if fragment in lowered:
                text = message.format(where=where, busy_s=_busy_timeout_text())
                return DatabaseError(scrub(text, location))
    elif "lock timeout" in lowered:
        # lock_timeout (set on connect to the SQLite busy timeout) ran out behind another
        # session's lock: the statement was cancelled and its transaction rolled back.
        return DatabaseError(
            scrub(
                f"{where} is busy: another session held a lock for over "
                f"{_busy_timeout_text()} s; nothing was changed; try again",
                location,
            )
        )
    elif _is_lost_connection(lowered):
        return DatabaseError(
            scrub(
                f"the connection to {hide_password(location.url)} was lost ({detail}); "
                "what this command was writing was not saved; try again",
                location,
            )
        )
    elif _is_connection_problem(exc, lowered):
        return DatabaseError(
            scrub(f"cannot connect to {hide_password(location.url)}: {detail}", location)
        )
    return DatabaseError(scrub(f"{where}: {detail}", location))


def unusable_url_error(exc: BaseException, location: DatabaseLocation) -> DatabaseError:
    """Why an engine cannot even be built for a URL (unknown kind, missing driver, typo)."""
    where = f"cannot use database {location.display}"
    detail = scrub(_first_line(str(exc)) or type(exc).__name__, location)
    if isinstance(exc, ImportError):
        return DatabaseError(
            f"{where}: its driver is not installed ({detail}); the tracker works with SQLite "
            "files and PostgreSQL (postgresql+psycopg://…, from the [postgres] extra)"
        )
    if "can't load plugin" in detail.lower():
        return DatabaseError(
            f"{where}: unknown kind of database; use a SQLite file path or "
            "postgresql+psycopg://USER@HOST/NAME"
        )
    return DatabaseError(f"{where}: the URL is malformed ({detail})")


def _busy_timeout_text() -> str:
    try:
        return f"{sqlite_busy_timeout_ms() / 1000:g}"
    except DatabaseError:
        return "the set time"


def is_lost_connection(exc: BaseException) -> bool:
    """The server connection went away (restart, terminate, network) during the command."""
    original = getattr(exc, "orig", None) or exc
    lowered = _first_line(str(original)).lower()
    return bool(getattr(exc, "connection_invalidated", False)) or _is_lost_connection(lowered)


def _is_lost_connection(lowered: str) -> bool:
    # The server went away during the command (restart, pg_terminate_backend): the open
    # transaction was rolled back by the server, so nothing of it was stored.
    hints = ("terminating connection", "server closed the connection", "connection was lost")
    return any(hint in lowered for hint in hints)


def _is_connection_problem(exc: BaseException, lowered: str) -> bool:
    if getattr(exc, "connection_invalidated", False):
        return True
    hints = (
        "connection",
        "could not connect",
        "password authentication",
        "server closed",
        "timeout",
        "does not exist",
        "terminating",
        "resolve host",
    )
    return any(hint in lowered for hint in hints)


_SQLITE_BUSY = 5  # the primary result code; extended codes (BUSY_RECOVERY…) share it


def is_busy_error(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY and its extended codes)."""
    original = getattr(exc, "orig", None) or exc
    if not isinstance(original, sqlite3.OperationalError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == _SQLITE_BUSY)
    return "database is locked" in str(original)
