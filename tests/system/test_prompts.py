"""On a terminal, missing arguments are asked for and deletions are confirmed."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli_runs import run_tracker
from tests.helpers.terminal import run_on_terminal


def test_add_prompts_for_missing_marker_and_value(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    transcript = run_on_terminal(
        ["--db", db, "add", "--date", "2026-01-05"],
        [("Marker", "ca153"), ("Value", "28"), ("Lab", "City Lab")],
        tmp_path,
    )
    assert "Added #1: CA 15-3 28 U/mL on 2026-01-05 (City Lab)" in transcript
    listed = run_tracker(["--db", db, "list", "--json"])
    assert '"marker": "CA 15-3"' in listed.stdout


def test_delete_asks_on_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    assert run_tracker(["--db", db, "add", "CEA", "3", "--date", "2026-01-05"]).returncode == 0
    transcript = run_on_terminal(["--db", db, "delete", "1"], [("Delete #1", "y")], tmp_path)
    assert "Deleted #1: CEA 3 ng/mL on 2026-01-05" in transcript
    assert run_tracker(["--db", db, "list", "--json"]).stdout.strip() == "[]"


def test_prompts_ask_for_date_and_the_markers_last_lab(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    run_tracker(["--db", db, "add", "CEA", "3", "--date", "2026-01-05", "--lab", "City Lab"])
    transcript = run_on_terminal(
        ["--db", db, "add"],
        [("Marker", "CEA"), ("Value", "3.2"), ("Date of the draw", "2026-02-01"), ("Lab", "")],
        tmp_path,
    )
    assert "[City Lab]" in transcript
    assert "Added #2: CEA 3.2 ng/mL on 2026-02-01 (City Lab)" in transcript
