"""After ``import`` the flags are brief, as after ``add``; ``-v`` gives full texts (issue 15)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli_runs import Tracker

ROWS = "marker,value,unit,drawn_on\nCEA,2,ng/mL,2026-01-05\nCEA,6,ng/mL,2026-03-05\n"


def test_import_prints_the_flags_briefly(tracker: Tracker, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(ROWS)
    lines = tracker.ok("import", str(source)).stdout.splitlines()
    assert lines[0] == "Imported 2 readings (CEA 2) and 0 events; created patient 'me'."
    assert lines[1:4] == [
        "  CEA rise: 2 -> 6 ng/mL (+200%) since the previous result on 5 Jan 2026 — unconfirmed:",
        "  ask whether a repeat test is needed",
        "  CEA above the upper reference limit: 6 ng/mL on 5 Mar 2026",
    ]
    text = "\n".join(lines)
    assert text.count("Benign conditions that can also raise CEA") == 1
    assert lines[-1] == "  Discuss with your oncologist."
    assert text.count("Discuss with your oncologist.") == 1


def test_import_verbose_prints_the_full_texts_with_the_causes_once(
    tracker: Tracker, tmp_path: Path
) -> None:
    source = tmp_path / "a.csv"
    source.write_text(ROWS)
    text = tracker.ok("import", "-v", str(source)).stdout
    assert "CEA is 6 ng/mL on 5 Mar 2026, 200% above the previous result" in text
    assert text.count("Benign conditions that can also raise CEA") == 1


def test_several_patients_flags_come_under_their_names(tracker: Tracker, tmp_path: Path) -> None:
    source = tmp_path / "b.csv"
    source.write_text(
        "patient,marker,value,unit,drawn_on\n"
        "Ann,CEA,2,ng/mL,2026-01-05\nAnn,CEA,6,ng/mL,2026-03-05\n"
        "Bea,CEA,2,ng/mL,2026-01-05\nBea,CEA,7,ng/mL,2026-03-05\n"
    )
    lines = tracker.ok("import", str(source)).stdout.splitlines()
    ann, bea = lines.index("Ann:"), lines.index("Bea:")
    assert lines[ann + 1].startswith("  CEA rise: 2 -> 6 ng/mL")
    assert lines[bea + 1].startswith("  CEA rise: 2 -> 7 ng/mL")
