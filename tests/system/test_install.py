"""A real wheel, installed non-editable into a fresh venv, works (migrations included)."""

from __future__ import annotations

import shutil
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


# Checkout folder -> its place under tracker/ in the wheel (pyproject's package-dir).
INSTALLED_AS = (("tracker", ""), ("reports", "reports/"), ("migrations", "migrations/"))


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # Built from a clean copy: setuptools reuses a checkout's build/ folder, whose stale
    # files could hide a package missing from pyproject's list.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "dist", ".venv*", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)], source)
    wheel = next(dist.glob("tumor_marker_tracker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.endswith(".dist-info/")}
    assert {n for n in top_level if not n.endswith(".dist-info")} == {"tracker"}
    assert "tracker/migrations/script.py.mako" in names
    assert "tracker/migrations/versions/0001_initial.py" in names
    assert "tracker/reports/__init__.py" in names
    # Every module of the checkout is in the wheel: a package missing from pyproject's list
    # installs without error and fails only when a command imports it.
    sources = [
        f"tracker/{installed}{path.relative_to(ROOT / folder)}"
        for folder, installed in INSTALLED_AS
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    ]
    assert sorted(set(sources) - set(names)) == []

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
    # The README tour's file commands, from the installed wheel.
    example = str(ROOT / "examples" / "lab-portal.csv")
    imported = _run([tracker, "--db", db, "import", example], tmp_path, env)
    assert imported.startswith("Imported ")
    exported = tmp_path / "results.csv"
    _run([tracker, "--db", db, "export", "--out", str(exported)], tmp_path, env)
    assert exported.read_text(encoding="utf-8").startswith("record,patient,marker")
    _run([tracker, "--db", db, "trend"], tmp_path, env)
    location = _run([python, "-c", "import tracker.migrations as m; print(m.__file__)"], tmp_path)
    assert str(venv) in location
