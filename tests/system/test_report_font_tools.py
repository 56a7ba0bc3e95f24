"""A PDF drawn in the core fonts never runs fontTools' subsetter; one that embeds DejaVu
Sans still gets a real subset (reports/font_tools.py loads those modules at first use).

Each case runs in a fresh interpreter: which modules a process has run is the point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

REPOSITORY = Path(__file__).resolve().parents[2]

# After each report: has fontTools.subset run? (Running it imports fontTools.varLib,
# which nothing else on the report's path imports.)
_SCRIPT = """
import sys
from tests.helpers.report_inputs import SMALL_EVENTS, SMALL_READINGS, make_input
from tracker.reports import render_report

for index, name in enumerate(sys.argv[1:]):
    payload = render_report(make_input(SMALL_READINGS, SMALL_EVENTS, patient=name), "pdf")
    with open(f"report{index}.pdf", "wb") as out:
        out.write(payload)
    print("subsetter ran" if "fontTools.varLib" in sys.modules else "subsetter not run")
"""

LATIN = "Ann Example"
GREEK = "Ωμέγα Example"  # beyond the core fonts: DejaVu Sans is embedded


def _draw(folder: Path, *names: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["PYTHONPATH"] = str(REPOSITORY)
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *names],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def _fonts(path: Path) -> set[str]:
    """Base font names of every page, with whether each is embedded."""
    found = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add(f"{font['/BaseFont']}{' (embedded)' if embedded else ''}")
    return found


def test_a_core_font_report_never_runs_the_subsetter(tmp_path: Path) -> None:
    assert _draw(tmp_path, LATIN) == ["subsetter not run"]
    fonts = _fonts(tmp_path / "report0.pdf")
    assert "/Helvetica" in fonts
    assert not any("embedded" in font for font in fonts), fonts


def test_a_report_that_embeds_dejavu_still_gets_a_subset(tmp_path: Path) -> None:
    # The core-font report first: the deferred modules are loaded by the second one.
    assert _draw(tmp_path, LATIN, GREEK) == ["subsetter not run", "subsetter ran"]
    fonts = _fonts(tmp_path / "report1.pdf")
    assert any("DejaVuSans" in font and "embedded" in font for font in fonts), fonts
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "report1.pdf").pages)
    assert GREEK in text
