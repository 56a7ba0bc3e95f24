"""`tracker export`: the exact CSV, private atomic files, patients and formats."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from tests.helpers.cli_runs import Tracker
from tests.helpers.paths import FIXTURES

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"


def fill(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2025-10-06", "--lab", "City Lab", "--ref-high",
               "5", "--note", 'fasting, "as usual"')  # fmt: skip
    tracker.ok("add", "ca153", "24", "kU/L", "--date", "2025-10-06", "--lab", "City Lab")
    # No --ref-high: City Lab's CEA limit (5) is remembered from the first reading.
    tracker.ok("add", "CEA", "0", "--date", "2025-11-03", "--lab", "City Lab", "--note", "=SUM(A1)")
    tracker.ok("add", "CEA", "<0.5", "--date", "2025-12-01", "--note", "line one\nline two")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-10-10", "--note", "+1")


def test_export_writes_the_documented_csv_to_stdout(tracker: Tracker) -> None:
    fill(tracker)
    result = tracker.ok("export")
    assert result.stdout_bytes.decode() == (
        f"{HEADER}\r\n"
        'reading,me,CEA,3.1,ng/mL,2025-10-06,City Lab,5,"fasting, ""as usual""",,,\r\n'
        "reading,me,CA 15-3,24,U/mL,2025-10-06,City Lab,,,,,\r\n"
        "reading,me,CEA,0,ng/mL,2025-11-03,City Lab,5,'=SUM(A1),,,\r\n"
        'reading,me,CEA,<0.5,ng/mL,2025-12-01,,,"line one\nline two",,,\r\n'
        "event,me,,,,2025-10-10,,,'+1,treatment,letrozole,\r\n"
    )
    assert tracker.ok("export", "--out", "-", "--format", "csv").stdout_bytes == result.stdout_bytes


def test_zero_is_written_as_0_and_floats_round_trip_exactly(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "0", "--date", "2026-01-01", "--ref-high", "0.1")
    tracker.ok("add", "CEA", "0.30000000000000004", "--date", "2026-01-02")
    tracker.ok("add", "CEA", "0.00001", "--date", "2026-01-03")
    tracker.ok("add", "CEA", "100000", "--date", "2026-01-04")
    rows = list(csv.DictReader(io.StringIO(tracker.ok("export").stdout_bytes.decode(), newline="")))
    assert [(r["value"], r["ref_high"]) for r in rows] == [
        ("0", "0.1"), ("0.30000000000000004", ""), ("1e-05", ""), ("100000", "")
    ]  # fmt: skip
    assert [float(r["value"]) for r in rows] == [r["value"] for r in tracker.json("list")]


def test_every_formula_start_gets_one_quote(tracker: Tracker) -> None:
    notes = ["=SUM(A1)", "+1", "-x", "@x", "'quoted", "\tTab", "\rCR", "plain", "a=b", "4 - 1"]
    for day, note in enumerate(notes, start=1):
        tracker.ok("add", "CEA", "2", "--date", f"2026-01-{day:02d}", "--note", note)
    tracker.ok("event", "add", "--date", "2026-01-01", "--", "symptom", "-dizzy")
    rows = list(csv.DictReader(io.StringIO(tracker.ok("export").stdout_bytes.decode(), newline="")))
    assert [r["note"] for r in rows[:-1]] == [
        "'=SUM(A1)", "'+1", "'-x", "'@x", "''quoted", "'\tTab", "'\rCR", "plain", "a=b", "4 - 1"
    ]  # fmt: skip
    assert rows[-1]["name"] == "'-dizzy"


def test_out_file_is_private_and_replaced_atomically(tracker: Tracker, tmp_path: Path) -> None:
    fill(tracker)
    target = tmp_path / "out.csv"
    result = tracker.ok("export", "--out", str(target))
    assert result.stdout == f"Exported 4 readings and 1 event to {target}.\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert target.read_bytes() == tracker.ok("export").stdout_bytes
    # Written over, a file keeps the mode its owner gave it (as reports do).
    shared = tmp_path / "shared.csv"
    shared.write_text("old content\n")
    shared.chmod(0o640)
    tracker.ok("export", "--out", str(shared))
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o640
    assert shared.read_bytes() == target.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_out_into_a_missing_folder_fails_cleanly(tracker: Tracker, tmp_path: Path) -> None:
    fill(tracker)
    result = tracker.fails("export", "--out", str(tmp_path / "nowhere" / "out.csv"))
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / 'nowhere' / 'out.csv'}: ")


def test_all_patients_and_the_selected_patient(tracker: Tracker) -> None:
    # Names that sort alike in the C and in natural-language collations.
    tracker.ok("patient", "add", "Zed")
    tracker.ok("patient", "add", "=Bea")
    tracker.ok("add", "CEA", "3", "--date", "2026-01-02", patient="Zed")
    tracker.ok("add", "CA125", "12.25", "--date", "2026-01-01", patient="=Bea")
    tracker.ok("event", "add", "condition", "smoking", "--date", "2025-01-01", patient="=Bea")
    everyone = tracker.ok("export", "--all-patients").stdout.splitlines()
    assert everyone == [
        HEADER,
        "reading,'=Bea,CA 125,12.25,U/mL,2026-01-01,,,,,,",
        "reading,Zed,CEA,3,ng/mL,2026-01-02,,,,,,",
        "event,'=Bea,,,,2025-01-01,,,,condition,smoking,",
    ]
    assert tracker.ok("export", patient="Zed").stdout.splitlines() == [HEADER, everyone[2]]
    several = tracker.fails("export", code=2)
    assert "several patients are stored (=Bea, Zed)" in several.stderr


def test_empty_database_exports_the_header_only(tracker: Tracker) -> None:
    assert tracker.ok("export").stdout_bytes == f"{HEADER}\r\n".encode()
    assert tracker.ok("export", "--all-patients").stdout_bytes == f"{HEADER}\r\n".encode()


def test_unknown_format_is_a_usage_error(tracker: Tracker) -> None:
    result = tracker.fails("export", "--format", "xlsx", code=2)
    assert "Invalid value for '--format': 'xlsx' is not" in result.stderr


def test_export_of_the_exported_fixture_is_byte_identical(tracker: Tracker) -> None:
    fixture = (FIXTURES / "exported.csv").read_bytes()
    tracker.ok("import", str(FIXTURES / "exported.csv"))
    assert tracker.ok("export", "--all-patients").stdout_bytes == fixture


def test_export_to_stdout_writes_nothing_when_the_patient_is_unclear(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    tracker.ok("patient", "add", "Bea")
    ambiguous = tracker.fails("export", code=2)
    assert ambiguous.stdout == ""
    unknown = tracker.fails("export", patient="Nobody")
    assert unknown.stdout == "" and unknown.stderr.startswith("Error: no patient named")
