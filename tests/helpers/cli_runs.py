"""Running the tracker's command line in tests: in-process (``Tracker``, exact outputs)
or as a real process (``run_tracker``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner, Result

from tracker.cli.main import cli


@dataclass
class Tracker:
    """Runs the CLI against one database, in-process (fast) with exact outputs."""

    db: str
    env: dict[str, str]

    def __call__(self, *args: str, input: str | None = None, patient: str | None = None) -> Result:
        argv = ["--db", self.db]
        if patient is not None:
            argv += ["--patient", patient]
        runner = CliRunner()
        return runner.invoke(cli, [*argv, *args], input=input, env=self.env)

    def ok(self, *args: str, patient: str | None = None) -> Result:
        result = self(*args, patient=patient)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result

    def json(self, *args: str, patient: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", patient=patient).stdout)

    def fails(self, *args: str, code: int = 1, patient: str | None = None) -> Result:
        result = self(*args, patient=patient)
        assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
        assert "Traceback" not in result.output
        return result


def run_tracker(
    args: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
    python: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tracker`` as a real process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full_env.update(env or {})
    return subprocess.run(
        [python or sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        timeout=timeout,
        check=False,
    )
