"""Hooks for tests only: pause a command at a known moment, after saying so on stderr.

Why they are in the library: the crash and signal tests (tests/system) must kill or
interrupt a real ``tracker`` process at one exact moment, and a fixed delay would make them
flaky on a busy machine. So each hook prints a readiness line to stderr and sleeps; the
test waits for the line, then sends its signal. Unset, the variables make every hook
return at once. They live here, in one small module below every layer that pauses, so
that no other module carries test code.

- ``TRACKER_TEST_PAUSE_AFTER_COMMIT=SECONDS``: ``add`` and ``import`` print
  ``tracker-test: committed`` once their data is committed, so a test can send Ctrl-C
  (SIGINT) then and check that the command reports what it stored and exits 0
  (docs/design.md, "Entering and correcting").
- ``TRACKER_TEST_PAUSE_WHILE_FLAGGING=SECONDS``: the trend pass prints
  ``tracker-test: flagging`` once it has started reading a marker's readings (its session
  and cursor open), so a test can interrupt ``import`` there and check that the command
  closes its database as it ends (no SQLite journal files left beside it).
- ``TRACKER_TEST_PAUSE_DURING_COPY=SECONDS``: every SQLite copy (backup, restore's safety
  copy, the copy before a migration) prints ``tracker-test: copying`` once its pages are
  copied and before the rename, so a test can send a signal while the partial file exists.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_AFTER_COMMIT_ENV = "TRACKER_TEST_PAUSE_AFTER_COMMIT"
COMMITTED_SIGNAL = "tracker-test: committed"
PAUSE_WHILE_FLAGGING_ENV = "TRACKER_TEST_PAUSE_WHILE_FLAGGING"
FLAGGING_SIGNAL = "tracker-test: flagging"
PAUSE_DURING_COPY_ENV = "TRACKER_TEST_PAUSE_DURING_COPY"
COPYING_SIGNAL = "tracker-test: copying"


def _pause(variable: str, signal: str) -> None:
    seconds = os.environ.get(variable)
    if seconds:
        print(signal, file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def pause_after_commit_for_tests() -> None:
    """Sleep the seconds TRACKER_TEST_PAUSE_AFTER_COMMIT names (for tests only)."""
    _pause(PAUSE_AFTER_COMMIT_ENV, COMMITTED_SIGNAL)


def pause_while_flagging_for_tests() -> None:
    """Sleep the seconds TRACKER_TEST_PAUSE_WHILE_FLAGGING names (for tests only)."""
    _pause(PAUSE_WHILE_FLAGGING_ENV, FLAGGING_SIGNAL)


def pause_during_copy_for_tests() -> None:
    """Sleep the seconds TRACKER_TEST_PAUSE_DURING_COPY names (for tests only)."""
    _pause(PAUSE_DURING_COPY_ENV, COPYING_SIGNAL)
