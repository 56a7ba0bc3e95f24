"""A hook for tests only: pause right after a command's commit.

With ``TRACKER_TEST_PAUSE_AFTER_COMMIT=SECONDS`` set, ``add`` and ``import`` print
``tracker-test: committed`` to stderr once their data is committed and then sleep, so a
test can send Ctrl-C (SIGINT) at that known moment and check that the command reports
what it stored and exits 0 (docs/design.md, "Entering and correcting"). Unset, it does nothing.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_AFTER_COMMIT_ENV = "TRACKER_TEST_PAUSE_AFTER_COMMIT"
COMMITTED_SIGNAL = "tracker-test: committed"


def pause_after_commit_for_tests() -> None:
    """Sleep the number of seconds the variable names (for tests only)."""
    seconds = os.environ.get(PAUSE_AFTER_COMMIT_ENV)
    if not seconds:
        return
    print(COMMITTED_SIGNAL, file=sys.stderr, flush=True)
    time.sleep(float(seconds))
