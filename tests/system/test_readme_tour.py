"""The README's tour runs as written, top to bottom, each line a real `tracker` process.

HOME and TRACKER_DB_URL point into tmp_path, so the tour fills a fresh private database
and writes its files there; examples/ is copied beside it because the tour imports from
it. Every command must exit 0, as it would for someone typing the tour.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def tour_commands() -> list[list[str]]:
    """The commands of the first ```sh block after "## A short tour", comments removed."""
    section = README.split("## A short tour", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None, "the tour has no ```sh block"
    commands = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(words)
    return commands


def test_the_tour_is_long_enough_to_mean_something() -> None:
    commands = tour_commands()
    assert len(commands) >= 30
    assert all(words[0] in ("tracker", "python") for words in commands)
    assert ["tracker", "import", "examples/lab-portal.csv"] in commands
    assert any("examples/lab-portal-eu.csv" in words for words in commands)
    assert ["tracker", "review"] in commands


@pytest.mark.slow
def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(HOME=str(home), TRACKER_DB_URL=str(tmp_path / "tour.db"))
    env.pop("XDG_DATA_HOME", None)
    executable = Path(sys.executable).parent / "tracker"
    for words in tour_commands():
        # What the shell would do: ~ is HOME; `tracker` and `python` are the venv's.
        args = [str(home) + word[1:] if word.startswith("~/") else word for word in words]
        program = str(executable) if args[0] == "tracker" else sys.executable
        result = subprocess.run(
            [program, *args[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, (shlex.join(words), result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, shlex.join(words)
    assert (tmp_path / "visit.pdf").read_bytes().startswith(b"%PDF")
    assert oct((home / "markers-backup.db").stat().st_mode & 0o777) == "0o600"
