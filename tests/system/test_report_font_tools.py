"""`tracker report` in the core fonts never runs fontTools' subsetter; one that embeds DejaVu
Sans still gets a real subset; outside the console process nothing is deferred
(reports/font_tools.py says why).

Each case runs in a fresh interpreter: which modules a process has run is the point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.helpers.cli_runs import run_tracker

REPOSITORY = Path(__file__).resolve().parents[2]

# At exit: has the module fontTools.subset run? A deferred one that has not run yet holds
# no names of its own (object.__getattribute__ reads past the lazy module's hook).
_SUBSETTER_STATE = """
import atexit, sys

def state():
    module = sys.modules.get("fontTools.subset")
    ran = module is not None and "Subsetter" in object.__getattribute__(module, "__dict__")
    print("subsetter ran" if ran else "subsetter not run", file=sys.stderr)

atexit.register(state)
"""
_CONSOLE = _SUBSETTER_STATE + 'from tracker.cli.main import main\nsys.argv[0] = "tracker"\nmain()\n'
_LIBRARY = _SUBSETTER_STATE + (
    "from tests.helpers.report_inputs import SMALL_EVENTS, SMALL_READINGS, make_input\n"
    "from tracker.reports import render_report\n"
    'render_report(make_input(SMALL_READINGS, SMALL_EVENTS), "pdf")\n'
)

LATIN = "Ann Example"
GREEK = "Ωμέγα Example"  # beyond the core fonts: DejaVu Sans is embedded


def _python(code: str, args: list[str], home: Path) -> str:
    """Run ``code`` with ``args``; the subsetter's state it printed at exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"HOME": str(home), "PYTHONPATH": str(REPOSITORY)})
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [state] = [line for line in result.stderr.splitlines() if line.startswith("subsetter")]
    return state


def _report(tmp_path: Path, patient: str) -> tuple[str, Path]:
    db = str(tmp_path / "tracker.db")
    home = {"HOME": str(tmp_path)}
    run_tracker(["--db", db, "patient", "add", patient], env=home)
    for day, value in (("2026-01-05", "3.1"), ("2026-02-05", "3.3")):
        run_tracker(
            ["--db", db, "--patient", patient, "add", "CEA", value, "--date", day], env=home
        )
    out = tmp_path / "r.pdf"
    state = _python(
        _CONSOLE, ["--db", db, "--patient", patient, "report", "--out", str(out)], tmp_path
    )
    return state, out


def _fonts(path: Path) -> set[str]:
    """The base font names of every page, each marked when the file embeds it."""
    found = set()
    for page in PdfReader(path).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font.get("/DescendantFonts")
            holder = descendant[0].get_object() if descendant else font
            descriptor = holder.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add(f"{font['/BaseFont']}{' (embedded)' if embedded else ''}")
    return found


def test_a_core_font_report_never_runs_the_subsetter(tmp_path: Path) -> None:
    state, out = _report(tmp_path, LATIN)
    assert state == "subsetter not run"
    fonts = _fonts(out)
    assert "/Helvetica" in fonts
    assert not any("embedded" in font for font in fonts), fonts


def test_a_report_that_embeds_dejavu_gets_a_real_subset(tmp_path: Path) -> None:
    state, out = _report(tmp_path, GREEK)
    assert state == "subsetter ran"
    assert any("DejaVuSans" in font and "embedded" in font for font in _fonts(out))
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert GREEK in text


def test_outside_the_console_matplotlib_imports_as_usual(tmp_path: Path) -> None:
    # A library user (or the web server) may run fontTools from threads of their own.
    assert _python(_LIBRARY, [], tmp_path) == "subsetter ran"
