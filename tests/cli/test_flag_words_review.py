"""The words a clinician's review of issue 12 found wrong, each pinned by a test.

Conditions, rounding, repetition and the PDF summary (docs/clinical-rules.md, "Logged
conditions" and "Wording").
"""

from __future__ import annotations

from tests.conftest import Tracker


def _note(tracker: Tracker, kind: str, name: str) -> str:
    out = tracker.ok("event", "add", kind, name, "--date", "2026-01-10").stdout
    return " ".join(line.strip() for line in out.splitlines()[1:])


def test_a_malignant_name_is_not_told_it_matches_nothing(tracker: Tracker) -> None:
    assert _note(tracker, "condition", "liver metastases") == (
        "Note: 'liver metastases' is not counted as a benign cause: names that say "
        "malignant, metastatic, mets, metastases or cancer never are. It is kept and shown "
        "on the time line, but no flag will name it."
    )
    assert "matches none" in _note(tracker, "condition", "hepatitis B (negative)")
    assert _note(tracker, "condition", "pleural effusion") == ""
    assert len(tracker.json("event", "list")) == 3
