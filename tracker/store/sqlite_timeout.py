"""How long SQLite waits for another connection's lock (engines, backups and messages)."""

from __future__ import annotations

import os

from tracker.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 30_000
# For tests and operations: how long a command waits for another one's write lock.
BUSY_TIMEOUT_ENV = "TRACKER_SQLITE_BUSY_TIMEOUT_MS"


def sqlite_busy_timeout_ms() -> int:
    """How long SQLite waits for a lock: TRACKER_SQLITE_BUSY_TIMEOUT_MS, else 30 000 ms."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return SQLITE_BUSY_TIMEOUT_MS
    if not (text.isascii() and text.isdigit()):
        raise DatabaseError(f"{BUSY_TIMEOUT_ENV} must be a whole number of milliseconds")
    return int(text)
