"""What a terminal and a shell see: the import progress bar only on a terminal, and bash
completion."""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli_runs import run_tracker
from tracker.cli.import_file import PROGRESS_MIN_BYTES


def test_progress_bar_only_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    rows = [f"CEA,{n / 100},2020-01-01,{'x' * 80}\n" for n in range(13_000)]
    big.write_text("marker,value,date,note\n" + "".join(rows))
    assert big.stat().st_size > PROGRESS_MIN_BYTES
    db = str(tmp_path / "t.db")
    piped = run_tracker(["--db", db, "import", str(big)])
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout.startswith("Imported 13000 readings (CEA 13000)")
    # The same import again, with stderr on a pseudo-terminal: a bar, then the summary.
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    with subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db, "import", str(big)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        text=True,
    ) as process:
        os.close(follower)
        stdout, _ = process.communicate(timeout=120)
    terminal = b""
    with contextlib.suppress(OSError):  # EIO once the process has closed its end
        while chunk := os.read(leader, 65536):
            terminal += chunk
    os.close(leader)
    assert process.returncode == 0
    assert stdout == "Imported 0 readings and 0 events; 13000 rows were already present.\n"
    assert b"Importing" in terminal and b"100%" in terminal


def test_bash_completion_as_the_readme_says() -> None:
    script = run_tracker([], env={"_TRACKER_COMPLETE": "bash_source"})
    assert script.returncode == 0
    assert "_tracker_completion" in script.stdout
    words = run_tracker(
        [],
        env={"_TRACKER_COMPLETE": "bash_complete", "COMP_WORDS": "tracker ev", "COMP_CWORD": "1"},
    )
    assert "plain,event" in words.stdout
