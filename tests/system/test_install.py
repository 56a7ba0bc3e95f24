"""A real wheel, installed non-editable into a fresh venv, works (migrations included)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=900
    )
    assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], ROOT)
    wheel = next(dist.glob("tumor_marker_tracker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.endswith(".dist-info/")}
    assert {n for n in top_level if not n.endswith(".dist-info")} == {"tracker"}
    assert "tracker/migrations/script.py.mako" in names
    assert "tracker/migrations/versions/0001_initial.py" in names
    assert "tracker/reports/__init__.py" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", str(wheel)], tmp_path)
    tracker = str(venv / "bin" / "tracker")
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    db = str(tmp_path / "installed.db")
    # Run from an unrelated folder so nothing can come from the checkout.
    out = _run([tracker, "--db", db, "db", "upgrade"], tmp_path, env)
    assert "to revision" in out
    _run([tracker, "--db", db, "add", "CEA", "3.1", "--date", "2026-01-05"], tmp_path, env)
    listed = _run([tracker, "--db", db, "list", "--json"], tmp_path, env)
    assert '"value": 3.1' in listed
    location = _run([python, "-c", "import tracker.migrations as m; print(m.__file__)"], tmp_path)
    assert str(venv) in location
