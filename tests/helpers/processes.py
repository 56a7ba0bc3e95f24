"""Worker processes and the outcome of one failing command, shared by the system tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from tests.helpers.paths import ROOT

__all__ = ["ROOT", "Outcome", "assert_one_error_line", "finish", "start_worker"]


def start_worker(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``python -m tests.helpers.workers …`` in its own process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full_env.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.workers", *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 180) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    outcome: dict[str, Any] = json.loads(stdout.splitlines()[-1])
    return outcome


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def assert_one_error_line(result: Outcome | subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert "Traceback" not in result.stdout
