"""Holding a database's write lock from another process, and seeing a command wait for it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.paths import ROOT

# clock_nanosleep and nanosleep on x86-64 and aarch64: how SQLite's busy handler waits.
SLEEP_SYSCALLS = {"230", "35", "115", "101"}


def untracked_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(extra)
    return env


def hold_lock(db: str, mode: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.lock_holder", db, mode],
        cwd=ROOT,
        env=untracked_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "ready\n", holder.stderr.read() if holder.stderr else ""
    return holder


def release_lock(holder: subprocess.Popen[str], answer: str) -> str:
    stdout, stderr = holder.communicate(f"{answer}\n", timeout=60)
    assert holder.returncode == 0, stderr
    return stdout.strip()


def wait_until_waiting_for_a_lock(process: subprocess.Popen[str]) -> None:
    """Return once ``process`` sleeps in a busy handler (it can go no further)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            syscall = Path(f"/proc/{process.pid}/syscall").read_text().split()[0]
        except (OSError, IndexError):
            syscall = ""
        if syscall in SLEEP_SYSCALLS:
            return
        time.sleep(0.005)
    raise AssertionError("the process never waited for the lock")
