"""How long SQLite waits for another connection's lock (engines, backups and messages)."""

from __future__ import annotations

import os

from tracker.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 30_000
# For tests and operations: how long a command waits for another one's write lock.
BUSY_TIMEOUT_ENV = "TRACKER_SQLITE_BUSY_TIMEOUT_MS"
# The same number is PostgreSQL's lock_timeout (README "When something goes wrong"), whose
# largest value is 2^31 - 1 ms (about 24.8 days); a longer wait is a typo, not a wish.
MAX_BUSY_TIMEOUT_MS = 2_147_483_647


def sqlite_busy_timeout_ms() -> int:
    """How long SQLite waits for a lock: TRACKER_SQLITE_BUSY_TIMEOUT_MS, else 30 000 ms."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return SQLITE_BUSY_TIMEOUT_MS
    if not (text.isascii() and text.isdigit()):
        raise DatabaseError(f"{BUSY_TIMEOUT_ENV} must be a whole number of milliseconds")
    # Compare the digits before int(): Python refuses to convert more than 4,300 of them.
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_BUSY_TIMEOUT_MS)) or int(digits) > MAX_BUSY_TIMEOUT_MS:
        raise DatabaseError(
            f"{BUSY_TIMEOUT_ENV} must be at most {MAX_BUSY_TIMEOUT_MS} milliseconds (about 24 days)"
        )
    return int(digits)


def server_lock_timeout_ms() -> int:
    """The PostgreSQL ``lock_timeout`` matching the busy timeout, never 0.

    SQLite's 0 means "do not wait", PostgreSQL's means "wait for ever" (README "When
    something goes wrong"): the shortest wait the server knows, 1 ms, stands for 0.
    """
    return max(1, sqlite_busy_timeout_ms())
