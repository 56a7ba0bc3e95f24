"""Peak memory of one real tracker process, measured without the test runner's own.

``ru_maxrss`` of a process forked straight from pytest starts at pytest's size (the fork
copies it before exec), so the tracker is started from a small launcher process and
the launcher reports its child's peak.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO

_LAUNCHER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"{peak} {done.returncode}")
"""


def tracker_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}


def start_measured(
    args: list[str], report: Path, stdin: int | IO[bytes] | None = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    """Start ``python -m tracker ARGS`` under the launcher; ``report`` receives its peak."""
    return subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(report), sys.executable, "-m", "tracker", *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=tracker_environment(),
    )


def measured_result(report: Path) -> tuple[int, int]:
    """(peak RSS in KB, exit code) of the tracker a finished launcher ran."""
    peak, code = report.read_text().split()
    return int(peak), int(code)
