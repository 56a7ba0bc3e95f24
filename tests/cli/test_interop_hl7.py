"""HL7 v2 ORU^R01 lab messages through ``tracker import``, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

ORU = FIXTURES / "lab_results.hl7"
SUMMARY = (
    "Imported 4 readings (CEA 2, CA 15-3 1, CA 27.29 1) and 0 events; created patient 'Ann Smith'."
)
SKIPPED = (
    "5 Observations skipped: 1 CA 125 result with status 'P' (preliminary), "
    "1 CA 15-3 result with status 'D' (deleted), 2 OBX with another code (LOINC 2345-7), "
    "1 OBX with another code (LOINC 2951-2)."
)
NO_MARKER = (
    "message 3 (control ID MSG00003) holds no tumor-marker result (2 skipped); "
    "nothing was taken from it."
)
READINGS = [
    # NM with a UCUM k[IU]/L unit, OBX-7 "0-30"; the lab from OBX-23 with an escaped "&".
    ("Ann Smith", "CEA", None, 3.1, "ng/mL", "2026-01-04", "City Lab & Partners", 5.0),
    ("Ann Smith", "CA 15-3", None, 41.0, "U/mL", "2026-01-04", "City Lab", 30.0),
    # SN "<^0.5"; the date from OBR-7; the lab from MSH-4; "0.0-5.0" gives 5.0.
    ("Ann Smith", "CEA", "<", 0.5, "ng/mL", "2026-02-28", "North Hospital Lab", 5.0),
    # The corrected (C) result, SN without a comparator, "< 38" as the range.
    ("Ann Smith", "CA 27.29", None, 36.0, "U/mL", "2026-02-28", "North Hospital Lab", 38.0),
]


def _rows(tracker: Tracker, *patients: str) -> list[tuple[Any, ...]]:
    """The readings of these patients (of the one patient, when none is named)."""
    return [
        (r["patient"], r["marker"], r["qualifier"], r["value"], r["unit"], r["drawn_on"],
         r["lab"], r["ref_high"])
        for patient in (patients or (None,))
        for r in tracker.json("list", patient=patient)
    ]  # fmt: skip


def _segment_ends(tmp_path: Path, ending: str) -> Path:
    path = tmp_path / "results.txt"  # no .hl7 name: recognised by its content
    text = ORU.read_text(encoding="utf-8").replace("\n", ending)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("ending", ["\n", "\r", "\r\n"], ids=["LF", "CR", "CRLF"])
def test_oru_messages_with_any_segment_ending(
    tracker: Tracker, tmp_path: Path, ending: str
) -> None:
    result = tracker.ok("import", str(_segment_ends(tmp_path, ending)))
    assert result.stdout.splitlines()[:3] == [SUMMARY, SKIPPED, NO_MARKER]
    assert _rows(tracker) == READINGS


def test_oru_import_is_idempotent_and_dry_run_stores_nothing(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Bea")
    before = database_snapshot(tracker.db)
    dry = tracker.ok("import", "--dry-run", str(ORU))
    assert dry.stdout.splitlines()[0] == (
        "Would import 4 readings (CEA 2, CA 15-3 1, CA 27.29 1) and 0 events; "
        "would create patient 'Ann Smith'. Nothing was written (dry run)."
    )
    assert database_snapshot(tracker.db) == before
    tracker.ok("import", str(ORU))
    again = tracker.ok("import", str(ORU))
    assert again.stdout.splitlines()[0] == (
        "Imported 0 readings and 0 events; 4 rows were already present."
    )
    assert len(_rows(tracker, "Ann Smith")) == 4


def _with_line(tmp_path: Path, old: str, new: str) -> Path:
    text = ORU.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.hl7"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "OBX|2|SN|17842-6",
            "OBX 2 SN 17842-6",
            "message 2 (control ID MSG00002), segment 5: 'OBX 2 SN 17842-6^CA 27.29^LN||' is "
            "not an HL7 segment (three capital letters or digits, then '|')",
        ),
        (
            "OBX|1|SN|2039-6^CEA^LN||<^0.5",
            "OBX|1|SN|2039-6^CEA^LN||<>^0.5",
            "message 2 (control ID MSG00002), segment 4 (OBX): comparator '<>' is not "
            "<, <=, > or >=",
        ),
        (
            "OBX|1|NM|6875-9^Cancer Ag 15-3 [Units/volume] in Serum or Plasma^LN||41",
            "OBX|1|NM|6875-9^Cancer Ag 15-3 [Units/volume] in Serum or Plasma^LN||forty-one",
            "message 1 (control ID MSG00001), segment 6 (OBX): value 'forty-one' is not a number",
        ),
        (
            "|||20260104083000|||||||||City Lab",
            "|||2026|||||||||City Lab",
            "message 1 (control ID MSG00001), segment 4 (OBX): date '2026' is not an HL7 date",
        ),
    ],
    ids=["not-a-segment", "bad-comparator", "bad-value", "bad-date"],
)
def test_a_malformed_segment_is_one_error_and_stores_nothing(
    tracker: Tracker, tmp_path: Path, old: str, new: str, message: str
) -> None:
    tracker.ok("patient", "add", "Bea")
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(_with_line(tmp_path, old, new)))
    assert result.stderr.startswith(f"Error: nothing was imported from {tmp_path}/broken.hl7: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert database_snapshot(tracker.db) == before


# The patient rule (PatientIds in tracker/services/importing/patients.py) reaches HL7 rows
# through ReadingSink.


def test_with_patient_the_one_named_patient_goes_to_the_selected_one(tracker: Tracker) -> None:
    # The patient rule for imported files (README "CSV export and import"): with --patient, a file
    # naming one patient is filed under the selected one.
    tracker.ok("patient", "add", "Ann")
    tracker.ok("import", str(ORU), patient="Ann")
    assert {r[0] for r in _rows(tracker, "Ann")} == {"Ann"}
    assert "Ann Smith" not in tracker.ok("patient", "list").stdout


def test_with_patient_a_file_naming_several_patients_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Ann")
    path = _with_line(
        tmp_path, "PID|1||PAT001^^^North^MR||Smith^Ann", "PID|1||P2^^^N^MR||Jones^Bea"
    )
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(path), patient="Ann")
    assert "names several patients" in result.stderr
    assert database_snapshot(tracker.db) == before


def test_without_patient_each_named_patient_is_used_or_created(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Ann Smith")
    path = _with_line(
        tmp_path, "PID|1||PAT001^^^North^MR||Smith^Ann", "PID|1||P2^^^N^MR||Jones^Bea"
    )
    result = tracker.ok("import", str(path))
    assert "created patient 'Bea Jones'" in result.stdout.splitlines()[0]
    assert [r[0] for r in _rows(tracker, "Ann Smith", "Bea Jones")] == [
        "Ann Smith",
        "Ann Smith",
        "Bea Jones",
        "Bea Jones",
    ]


def test_escape_sequences_in_names_and_labs(tracker: Tracker, tmp_path: Path) -> None:
    path = _with_line(
        tmp_path, "PID|1||PAT001^^^City Lab^MR||Smith^Ann^M", r"PID|1||PAT001||O\S\Brien^Ann"
    )
    tracker.ok("import", str(path))
    rows = _rows(tracker, "Ann Smith", "Ann O^Brien")
    assert ("Ann O^Brien", "CEA", "City Lab & Partners") in {(r[0], r[1], r[6]) for r in rows}
    assert {r[0] for r in rows} == {"Ann Smith", "Ann O^Brien"}


def test_the_library_reads_hl7_and_prints_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tracker import Tracker as Library
    from tracker.errors import ValidationError

    broken = tmp_path / "broken.hl7"
    broken.write_text("MSH|^~\\&|LIS|Lab|||20260105||ORU^R01|X|P|2.5.1\nPID 1\n", encoding="utf-8")
    with Library.open(db_url) as library:
        outcome = library.import_file(ORU)
        assert (outcome.format, outcome.summary.readings) == ("hl7", 4)
        assert outcome.notes[-1] == NO_MARKER
        with pytest.raises(
            ValidationError, match=r"message 1 \(control ID X\), segment 2: 'PID 1'"
        ):
            library.import_file(broken)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("version", ["2.9", ""], ids=["newer", "missing"])
def test_a_version_the_parser_has_no_tables_for_is_still_read(
    tracker: Tracker, tmp_path: Path, version: str
) -> None:
    """MSH-12 newer than 2.8, or empty, as some lab systems send it: the results are read.

    Why python-hl7 rather than hl7apy (README "Importing from your lab or hospital"):
    hl7apy 1.3.5 refuses both messages ("The version 2.9 is not supported").
    """
    path = tmp_path / "results.hl7"
    path.write_text(
        ORU.read_text(encoding="utf-8").replace("|P|2.5.1", f"|P|{version}"), encoding="utf-8"
    )
    assert "|P|2.5.1" not in path.read_text(encoding="utf-8")
    result = tracker.ok("import", str(path))
    assert result.stdout.splitlines()[0] == SUMMARY
    assert _rows(tracker) == READINGS
