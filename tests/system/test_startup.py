"""The command line's start-up: collector paused while modules load, JSON arrays by line."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli_runs import Tracker
from tracker.cli.startup import resume_collector

PAUSE_THEN_RESUME = """
import gc
from tracker.cli.startup import pause_collector, resume_collector
pause_collector()
paused = (gc.isenabled(), gc.get_freeze_count())
import sqlalchemy.orm  # what a command loads while paused
resume_collector()
print(paused[0], paused[1] > 0, gc.isenabled(), gc.get_freeze_count() > paused[1])
"""


def test_pause_freezes_and_resume_switches_collection_back_on() -> None:
    # In its own process: freezing objects in pytest's would keep them for the whole run.
    result = subprocess.run(
        [sys.executable, "-c", PAUSE_THEN_RESUME], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_resume_without_a_pause_changes_nothing() -> None:
    frozen = gc.get_freeze_count()
    resume_collector()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


# How many objects the collector still tracks when the interpreter starts to exit (atexit
# runs just before its final collection).
TRACKED_AT_EXIT = """
import atexit, gc, sys
from tracker.cli.main import main
atexit.register(lambda: print("tracked:", len(gc.get_objects()), file=sys.stderr))
sys.argv[0] = "tracker"
main()
"""


def test_the_final_collection_has_next_to_nothing_to_walk(tracker: Tracker, tmp_path: Path) -> None:
    # A report imports and draws after its last freeze; once it has written the file,
    # what it made is frozen before the process exits.
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["HOME"] = str(tmp_path)
    for args in (["report", "--out", str(tmp_path / "r.pdf")], ["list"]):
        result = subprocess.run(
            [sys.executable, "-c", TRACKED_AT_EXIT, "--db", tracker.db, *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        [line] = [x for x in result.stderr.splitlines() if x.startswith("tracked:")]
        # Next to nothing (there were some 59,000 after a report).
        assert int(line.split()[1]) < 10, (args, result.stderr)


# Whether the final collection is spared after a command that ended with CODE, with or
# without a Ctrl-C it caught on the way.
SPARED_AFTER = """
import gc, os, signal, sys
from tracker.cli import startup
code, interrupt = int(sys.argv[1]), sys.argv[2] == "interrupted"
startup.pause_collector()
startup.resume_collector()
if interrupt:
    try:
        os.kill(os.getpid(), signal.SIGINT)
    except KeyboardInterrupt:
        pass  # caught, as `add` and `import` catch one after their commit
frozen = gc.get_freeze_count()
garbage = [[] for _ in range(100)]
startup.spare_the_final_collection(code)
print(gc.get_freeze_count() > frozen)
"""


def test_only_a_command_that_ended_well_spares_the_final_collection() -> None:
    def spared(code: int, how: str) -> bool:
        result = subprocess.run(
            [sys.executable, "-c", SPARED_AFTER, str(code), how],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip() == "True"

    assert spared(0, "quietly")
    # An interrupt or a failure may have left a session in a cycle: the final collection
    # is what closes its connection.
    assert not spared(0, "interrupted")
    assert not spared(1, "quietly")


def test_json_arrays_print_one_element_per_line(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--note", "a, b\nc")
    tracker.ok("add", "ca153", "28", "--date", "2026-01-05")
    lines = tracker.ok("list", "--json").stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    assert [json.loads(line.strip().rstrip(","))["marker"] for line in lines[1:3]] == [
        "CEA",
        "CA 15-3",
    ]
    assert json.loads("\n".join(lines))[0]["note"] == "a, b\nc"
    assert tracker.ok("list", "--json", "--marker", "CA 27.29").stdout == "[]\n"
