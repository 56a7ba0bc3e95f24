"""``import tracker`` is cheap; the front door loads SQLAlchemy only when asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli_runs import run_tracker
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


def test_the_tracker_never_imports_fhir_resources(tmp_path: Path) -> None:
    # fhir.resources is a test-only dependency: the tracker writes plain JSON.
    db = str(tmp_path / "t.db")
    assert run_tracker(["--db", db, "add", "CEA", "2", "--date", "2026-01-01"]).returncode == 0
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['tracker', '--db', {db!r}, 'export', '--format', 'fhir']\n"
        "try:\n    runpy.run_module('tracker', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.startswith('fhir')]\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entry"][1]["resource"]["resourceType"] == "Observation"


def test_importing_reports_loads_no_matplotlib_and_drawing_never_loads_pyplot(
    tmp_path: Path,
) -> None:
    script = (
        "import sys\n"
        "import tracker.reports\n"
        "assert 'matplotlib' not in sys.modules\n"
        "from tests.helpers.report_inputs import SMALL_EVENTS, SMALL_READINGS, make_input\n"
        "from tracker.services.report_input import write_patient_report\n"
        "from pathlib import Path\n"
        f"out = Path({str(tmp_path / 'r.pdf')!r})\n"
        "write_patient_report(make_input(SMALL_READINGS, SMALL_EVENTS), out)\n"
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
    )
    root = ROOT
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
