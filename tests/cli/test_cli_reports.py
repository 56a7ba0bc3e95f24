"""`tracker report` and `tracker demo`, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker.cli.main import cli
from tracker.services.demo import DRAWS, EVENTS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _history(tracker: Tracker) -> None:
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-02")
    tracker.ok("event", "add", "condition", "smoking", "--date", "2020-01-01")
    for day, cea, ca153 in (
        ("2025-01-10", "2.0", "20"),
        ("2025-03-10", "2.1", "22"),
        ("2025-05-10", "3.0", "29"),
    ):
        tracker.ok("add", "CEA", cea, "--date", day, "--lab", "City Lab")
        tracker.ok("add", "CA15-3", ca153, "--date", day, "--lab", "City Lab")


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return len(reader.pages), text


def test_report_writes_the_pdf(tracker: Tracker, tmp_path: Path) -> None:
    _history(tracker)
    out = tmp_path / "r.pdf"
    result = tracker.ok("report", "--out", str(out))
    assert result.stdout == (
        f"Wrote {out}: CEA and CA 15-3, 6 readings from 2025-01-10 to 2025-05-10\n"
    )
    pages, text = _pdf_text(out)
    assert pages >= 4
    assert "Tumor-marker summary Patient: me" in text
    assert (
        "• CEA – 10 May 2025, rise: 2.1 -> 3 ng/mL (+43%) since the previous result on "
        "10 Mar 2025 — still within the usual range; unconfirmed: ask whether a repeat test "
        "is needed." in text
    )
    assert "– 10 May 2025, rise: 22 -> 29 U/mL (+32%) since the previous result" in text
    assert "Smoking, logged for this person, can also raise CEA." in text
    assert "Benign conditions that can also raise CEA" in text and "oncologist" in text


def test_report_png_for_one_marker_since_a_date(tracker: Tracker, tmp_path: Path) -> None:
    _history(tracker)
    out = tmp_path / "chart.PNG"
    result = tracker.ok("report", "--out", str(out), "--marker", "ca153", "--since", "2025-03-01")
    assert result.stdout == f"Wrote {out}: CA 15-3, 2 readings from 2025-03-01 to 2025-05-10\n"
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_same_data_same_bytes(tracker: Tracker, tmp_path: Path) -> None:
    _history(tracker)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    tracker.ok("report", "--out", str(first))
    tracker.ok("report", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_bad_extension_and_missing_folder_are_one_line_errors(
    tracker: Tracker, tmp_path: Path
) -> None:
    _history(tracker)
    before = database_snapshot(tracker.db)
    bad = tracker.fails("report", "--out", str(tmp_path / "r.docx"))
    assert bad.stderr == "Error: report must end in .pdf or .png; got 'r.docx'\n"
    missing = tmp_path / "nowhere" / "r.pdf"
    gone = tracker.fails("report", "--out", str(missing))
    assert gone.stderr == (
        f"Error: cannot write the report to {missing}: folder {missing.parent} does not exist\n"
    )
    assert database_snapshot(tracker.db) == before
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.tmp"))


def test_bad_path_is_refused_before_the_database_is_created(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "report", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert result.stderr == "Error: report must end in .pdf or .png; got 'r'\n"
    assert not db.exists()


def test_nothing_to_report(tracker: Tracker, tmp_path: Path) -> None:
    empty = tracker.fails("report", "--out", str(tmp_path / "r.pdf"))
    assert empty.stderr.startswith("Error: no readings yet; add one with `tracker add")
    _history(tracker)
    later = tracker.fails("report", "--out", str(tmp_path / "r.pdf"), "--since", "2025-06-01")
    assert later.stderr.startswith(
        "Error: no readings to report for me since 2025-06-01; add one with `tracker add"
    )
    assert not (tmp_path / "r.pdf").exists()


def test_out_is_required(tracker: Tracker) -> None:
    result = tracker.fails("report", code=2)
    assert "Missing option '--out'" in result.stderr


def _demo_counts(tracker: Tracker) -> tuple[int, int]:
    readings = tracker.json("list", patient="Demo patient")
    events = tracker.json("event", "list", patient="Demo patient")
    return len(readings), len(events)


def test_demo_fills_and_refreshes_only_the_demo_patient(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("patient", "add", "Ann")
    tracker.ok("add", "CEA", "2.5", "--date", "2025-01-10", patient="Ann")
    out = tmp_path / "demo.pdf"
    first = tracker.ok("demo", "--out", str(out))
    lines = first.stdout.splitlines()
    assert lines[0].startswith("Demo patient 'Demo patient': 36 readings and 5 events in ")
    assert lines[1].startswith(f"Wrote {out}: CEA and CA 15-3, 36 readings from ")
    assert _demo_counts(tracker) == (2 * len(DRAWS), len(EVENTS))
    tracker.ok("demo", "--out", str(out))
    assert _demo_counts(tracker) == (2 * len(DRAWS), len(EVENTS))
    assert len(tracker.json("list", patient="Ann")) == 1
    readings = tracker.json("list", patient="Demo patient")
    days = sorted(date.fromisoformat(r["drawn_on"]) for r in readings)
    assert days[-1] <= date.today() and days[-1] - days[0] >= timedelta(days=720)
    labs = {r["lab"] for r in readings}
    assert labs == {"City Hospital Lab", "Northside Clinical Lab"}
    kinds = {e["kind"]: e["name"] for e in tracker.json("event", "list", patient="Demo patient")}
    assert kinds["supportive"] == "zoledronate" and kinds["condition"] == "smoking"
    assert kinds["symptom"] == "bone pain"
    flags = tracker.json("trend", patient="Demo patient")["flags"]
    found = {(flag["marker"], flag["kind"], flag["status"]) for flag in flags}
    assert ("CEA", "rise", "confirmed") in found
    assert ("CA 15-3", "possible_flare", "not_confirmed") in found
    assert ("CEA", "lab_changed", "info") in found
    assert ("CEA", "steady_rise", "unconfirmed") in found
    pages, text = _pdf_text(out)
    assert pages >= 6 and "Demo patient" in text and "zoledronate" in text


def test_demo_without_db_uses_its_own_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    own = tmp_path / "own.db"
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "TRACKER_DB_URL": str(own),
        "TRACKER_PATIENT": "",
    }
    out = tmp_path / "demo-report.pdf"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    demo_db = home / "data" / "tumor-marker-tracker" / "demo.db"
    assert f"events in {demo_db}\n" in result.stdout
    assert demo_db.exists() and out.exists()
    assert not own.exists()


def test_demo_writes_demo_report_pdf_by_default(
    sqlite_tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = sqlite_tracker.ok("demo")
    assert "Wrote demo-report.pdf: CEA and CA 15-3" in result.stdout
    assert (tmp_path / "demo-report.pdf").read_bytes().startswith(b"%PDF-")
