"""Hot paths stay cheap: what `--help`, `add` and `list` import (python -X importtime)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The web app (`tracker serve`) loads its server and templates only inside that command.
HEAVY_FOR_ALL = ("matplotlib", "numpy", "alembic", "starlette", "jinja2", "uvicorn", "multipart")


def imported_modules(args: list[str], home: Path, *, whole_names: bool = False) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name if whole_names else name.split(".")[0])
    return modules


# importlib.import_module (how the top-level group loads a command) prints no importtime
# line, so the command modules a run loaded are read from sys.modules when it exits.
_LOADED_COMMAND_MODULES = """
import atexit, sys
from tracker.cli.main import COMMANDS, main
modules = {lazy.module for lazy in COMMANDS.values()}
atexit.register(lambda: print("loaded:", *sorted(modules & set(sys.modules)), file=sys.stderr))
sys.argv[0] = "tracker"
main()
"""


def loaded_command_modules(args: list[str], home: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-c", _LOADED_COMMAND_MODULES, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [line] = [x for x in result.stderr.splitlines() if x.startswith("loaded:")]
    return set(line.split()[1:])


def test_help_imports_no_sqlalchemy(tmp_path: Path) -> None:
    modules = imported_modules(["--help"], tmp_path)
    assert "click" in modules
    assert not modules & {"sqlalchemy", *HEAVY_FOR_ALL}


def test_help_loads_no_command_module(tmp_path: Path) -> None:
    assert loaded_command_modules(["--help"], tmp_path) == set()


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["add", "CEA", "3", "--date", "2026-02-01"], "tracker.cli.add"),
        (["list", "--json"], "tracker.cli.readings"),
        (["event", "list"], "tracker.cli.events"),
    ],
    ids=["add", "list", "event-list"],
)
def test_a_command_loads_its_own_module_only(tmp_path: Path, args: list[str], module: str) -> None:
    db = str(tmp_path / "t.db")
    loaded_command_modules(["--db", db, "add", "CEA", "2", "--date", "2026-01-01"], tmp_path)
    assert loaded_command_modules(["--db", db, *args], tmp_path) == {module}


@pytest.mark.parametrize(
    "args",
    [["add", "CEA", "3.1", "--date", "2026-01-05"], ["list"], ["list", "--json"]],
    ids=["add", "list", "list-json"],
)
def test_add_and_list_load_only_what_they_use(tmp_path: Path, args: list[str]) -> None:
    """No matplotlib, numpy or alembic; and opening a file asks only whether its folder is
    writable (tracker/store/free_space.py) and resolving the patient needs no test
    intervals, so the code for copies, private output files and intervals stays unloaded."""
    db = str(tmp_path / "t.db")
    # The first run creates and migrates the file (alembic is allowed there).
    imported_modules(["--db", db, "add", "CEA", "2", "--date", "2026-01-01"], tmp_path)
    modules = imported_modules(["--db", db, *args], tmp_path, whole_names=True)
    packages = {name.split(".")[0] for name in modules}
    assert "sqlalchemy" in packages
    assert not packages & set(HEAVY_FOR_ALL)
    assert "tracker.store.free_space" in modules
    unwanted = {
        "tracker.store.sqlite_copies",
        "tracker.store.private_files",
        "tracker.services.due_intervals",
    }
    assert not modules & unwanted
