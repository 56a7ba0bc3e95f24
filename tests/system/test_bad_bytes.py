"""Issue 13, item 14: bytes that are not UTF-8, and integers of thousands of digits.

Real processes: on Linux, argument and environment bytes that are not UTF-8 reach
Python as lone surrogates, which only a real ``exec`` reproduces.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot

UTF8_HINT = (
    "is not UTF-8 text; the tracker reads arguments as UTF-8 (check the terminal's or the "
    "script's encoding)"
)


def run_bytes(
    args: list[bytes], home: Path, env: dict[bytes, bytes] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m tracker`` with raw byte arguments (and environment)."""
    full_env = {key: value for key, value in os.environb.items() if not key.startswith(b"TRACKER_")}
    full_env[b"HOME"] = os.fsencode(home)
    full_env.update(env or {})
    return subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"tracker", *args],
        capture_output=True,
        env=full_env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    created = run_tracker(["--db", str(path), "add", "CEA", "3", "--date", "2026-01-05"])
    assert created.returncode == 0, created.stderr
    return path


@pytest.mark.parametrize(
    "args, what",
    [
        ([b"add", b"CEA", b"3", b"--note", b"\xff"], "the value of --note (b'\\xff')"),
        ([b"add", b"CEA", b"3", b"--note=ok\xfe"], "the value of --note (b'ok\\xfe')"),
        ([b"add", b"CEA", b"3", b"--lab", b"City\xffLab"], "the value of --lab (b'City\\xffLab')"),
        ([b"add", b"CEA", b"3\xff"], "an argument (b'3\\xff')"),
        ([b"patient", b"add", b"Ann\xe9"], "an argument (b'Ann\\xe9')"),
        ([b"--patient", b"\xff", b"list"], "the value of --patient (b'\\xff')"),
        ([b"event", b"add", b"condition", b"sm\xffoking"], "an argument (b'sm\\xffoking')"),
    ],
    ids=["note", "note=", "lab", "value", "patient-name", "--patient", "event-name"],
)
def test_arguments_that_are_not_utf8(
    db: Path, tmp_path: Path, args: list[bytes], what: str
) -> None:
    before = database_snapshot(str(db))
    result = run_bytes([b"--db", os.fsencode(db), *args], tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr.decode() == f"Error: {what} {UTF8_HINT}\n"
    assert result.stdout == b""
    assert database_snapshot(str(db)) == before


def test_a_db_path_that_is_not_utf8(tmp_path: Path) -> None:
    path = os.fsencode(tmp_path) + b"/\xff.db"
    result = run_bytes([b"--db", path, b"add", b"CEA", b"3"], tmp_path / "home")
    assert result.returncode == 1
    assert result.stderr.decode().startswith("Error: the value of --db (b'")
    assert result.stderr.count(b"\n") == 1
    assert not os.path.exists(path)


@pytest.mark.parametrize("name", [b"TRACKER_PATIENT", b"TRACKER_DB_URL"])
def test_tracker_variables_that_are_not_utf8(db: Path, tmp_path: Path, name: bytes) -> None:
    before = database_snapshot(str(db))
    args = (
        [b"add", b"CEA", b"4"]
        if name == b"TRACKER_DB_URL"
        else [b"--db", os.fsencode(db), b"add", b"CEA", b"4"]
    )
    result = run_bytes(args, tmp_path / "home", env={name: b"x\xff"})
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"Error: the environment variable {name.decode()} (b'x\\xff') is not UTF-8 text\n"
    )
    assert database_snapshot(str(db)) == before


def test_a_home_folder_that_is_not_utf8_is_one_clear_line(tmp_path: Path) -> None:
    home = os.fsencode(tmp_path) + b"/h\xff"
    result = run_bytes([b"list"], tmp_path, env={b"HOME": home, b"XDG_DATA_HOME": home + b"/d"})
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: text that is not UTF-8 (b'\\xff') reached the tracker; nothing was changed\n"
    )


@pytest.mark.parametrize(
    "args",
    [["edit", "1" * 5000, "--value", "3"], ["delete", "9" * 5000, "--yes"]],
    ids=["edit", "delete"],
)
def test_ids_of_thousands_of_digits(tracker: Tracker, args: list[str]) -> None:
    tracker.ok("add", "CEA", "3")
    before = database_snapshot(tracker.db)
    result = tracker.fails(*args)
    digit = args[1][0]
    assert result.stderr == (
        f"Error: no reading #{digit * 20}... (5,000 digits): ids are at most 9223372036854775807\n"
    )
    assert database_snapshot(tracker.db) == before


def test_event_id_of_thousands_of_digits(tracker: Tracker) -> None:
    result = tracker.fails("event", "delete", "7" * 5000, "--yes")
    assert result.stderr.startswith("Error: no event #77777777777777777777... (5,000 digits)")


def test_an_id_with_leading_zeros_is_still_that_id(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05")
    assert tracker.ok("edit", "0" * 40 + "1", "--note", "x").stdout == (
        "Updated #1: CEA 3 ng/mL on 2026-01-05\n"
    )


def test_a_value_of_thousands_of_digits(tracker: Tracker) -> None:
    result = tracker.fails("add", "CEA", "1" * 5000)
    assert result.stderr == (
        "Error: value '1111111111111111111111111111111111111...' is 5,000 characters long; a "
        "value can be at most 64 characters (examples: 4.2, <0.5, >1000)\n"
    )
    assert tracker.json("list") == []
