"""Work that the reliability tests run in separate processes (``python -m tests.helpers.workers``).

Each job runs many tracker commands in-process through the CLI (``CliRunner``, a fresh
database engine per command, as a real process would have) and prints one JSON line with
what failed, so a test can start several of them at once against one database.

    python -m tests.helpers.workers adds DB WORKER COUNT      add COUNT distinct CEA readings
    python -m tests.helpers.workers reads DB COUNT            list --json COUNT times
    python -m tests.helpers.workers counts DB UNTIL           patient list until UNTIL readings
    python -m tests.helpers.workers edits DB READING_ID       edit one reading's value in a loop
    python -m tests.helpers.workers paused POINTS ARGS…       one command, paused at POINTS

``paused`` is how a test kills a process at a chosen point instead of after a guessed
delay: POINTS names functions (``module:name``, comma-separated) of the real code; after
each one returns, the worker writes ``after name`` to its standard output and waits for a
line on its standard input. The test reads the line, then kills it or lets it go on.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from typing import Any

from click.testing import CliRunner

from tracker.cli.main import cli

ENV = {"TRACKER_PATIENT": ""}
DRAWN_ON = "2026-01-05"


def worker_value(worker: int, index: int) -> str:
    """A value unique to (worker, index): 1000 × worker + index (all within the ceiling)."""
    return str(worker * 1000 + index)


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=ENV)
    return result.exit_code, result.output  # stdout and stderr, as a terminal shows them


def adds(db: str, worker: int, count: int) -> dict[str, Any]:
    failures = []
    for index in range(count):
        value = worker_value(worker, index)
        code, output = _run(["--db", db, "add", "CEA", value, "--date", DRAWN_ON])
        if code != 0:
            failures.append({"value": value, "code": code, "output": output})
    return {"failures": failures}


def reads(db: str, count: int) -> dict[str, Any]:
    failures = []
    sizes = []
    for _ in range(count):
        code, output = _run(["--db", db, "list", "--json"])
        if code != 0:
            failures.append({"code": code, "output": output})
        else:
            sizes.append(len(json.loads(output)))
    return {"failures": failures, "sizes": sizes}


def counts(db: str, until: int, most: int = 5000) -> dict[str, Any]:
    """``patient list`` until "me" has UNTIL readings (at most 5000 times): how many
    readings there were each time (cheap to run, so it sees every committed state)."""
    failures = []
    sizes = []
    while len(sizes) + len(failures) < most and (not sizes or sizes[-1] < until):
        code, output = _run(["--db", db, "patient", "list"])
        rows = [line.split() for line in output.splitlines() if line.startswith("me ")]
        if code != 0:
            failures.append({"code": code, "output": output})
        else:
            sizes.append(int(rows[0][-2]) if rows else 0)
    return {"failures": failures, "sizes": sizes}


def edits(db: str, reading_id: str) -> dict[str, Any]:
    """Edit forever (the test kills this process): values alternate 10.0 and 20.0."""
    index = 0
    while True:
        value = "10" if index % 2 else "20"
        code, output = _run(["--db", db, "edit", reading_id, "--value", value, "--note", value])
        if code != 0:
            return {"failures": [{"code": code, "output": output}]}
        print(value, flush=True)
        index += 1


def _pause_after(point: str) -> None:
    """Wrap ``module:name`` so that it announces its return and waits to be let go."""
    module_name, name = point.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    @functools.wraps(original)
    def announced(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        # The real descriptors: CliRunner swaps sys.stdin and sys.stdout for its own.
        os.write(1, f"after {name}\n".encode())
        while os.read(0, 1) not in (b"\n", b""):
            pass
        return result

    setattr(module, name, announced)


def paused(points: str, args: list[str]) -> dict[str, Any]:
    for point in points.split(","):
        _pause_after(point)
    code, output = _run(args)
    return {"code": code, "output": output}


def main(argv: list[str]) -> None:
    job, *args = argv
    print("started", flush=True)  # a test can wait for this before starting other work
    if job == "adds":
        outcome = adds(args[0], int(args[1]), int(args[2]))
    elif job == "reads":
        outcome = reads(args[0], int(args[1]))
    elif job == "counts":
        outcome = counts(args[0], int(args[1]))
    elif job == "edits":
        outcome = edits(args[0], args[1])
    elif job == "paused":
        outcome = paused(args[0], args[1:])
    else:
        raise SystemExit(f"unknown job {job!r}")
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(sys.argv[1:])
