"""``import tracker`` is cheap; the front door loads SQLAlchemy only when asked for."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.paths import ROOT


def _loaded_after(statement: str) -> set[str]:
    script = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return {name.split(".")[0] for name in result.stdout.split()}


def test_import_tracker_loads_neither_sqlalchemy_nor_matplotlib() -> None:
    loaded = _loaded_after("import tracker")
    assert "tracker" in loaded
    assert not loaded & {"sqlalchemy", "matplotlib", "numpy", "alembic", "click"}


def test_the_front_door_loads_sqlalchemy_but_not_matplotlib() -> None:
    loaded = _loaded_after("from tracker import Tracker, LoggedReading")
    assert "sqlalchemy" in loaded
    assert not loaded & {"matplotlib", "numpy", "alembic"}


def test_an_unknown_name_is_an_attribute_error() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import tracker; tracker.Nothing"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    last_line = result.stderr.rstrip().splitlines()[-1]
    assert last_line == "AttributeError: module 'tracker' has no attribute 'Nothing'"
