"""The patient rule for imported files, CSV and FHIR alike (issue 13, item 4).

With ``--patient`` (or TRACKER_PATIENT) a file whose rows name one patient, or none, goes
into the selected patient and the summary says so; a file naming several is refused with
nothing stored. Without it, each named patient is used or created.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_fails, feed_ok
from tests.helpers.databases import database_snapshot

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on\n"


def _exported_by_me(tracker: Tracker, export_format: str) -> str:
    """An export of me's two readings (the file names 'me' on every row)."""
    tracker.ok("add", "CEA", "2.0", "--date", "2025-01-05")
    tracker.ok("add", "CEA", "2.2", "--date", "2025-02-05")
    text: str = tracker.ok("export", "--format", export_format).stdout
    tracker.ok("patient", "add", "Bea")
    return text


def _values(tracker: Tracker, patient: str) -> list[float]:
    return [row["value"] for row in tracker.json("list", patient=patient)]


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_patient_option_files_a_one_patient_file_under_that_patient(
    tracker: Tracker, export_format: str
) -> None:
    text = _exported_by_me(tracker, export_format)
    result = feed_ok(tracker, text, patient="Bea")
    assert result.stdout.splitlines()[0] == (
        "Imported 2 readings (CEA 2) and 0 events; rows of 'me' imported into 'Bea'."
    )
    assert _values(tracker, "Bea") == [2.0, 2.2]
    assert _values(tracker, "me") == [2.0, 2.2]  # me's own rows, untouched, nothing added


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_tracker_patient_variable_counts_as_the_option(
    tracker: Tracker, export_format: str
) -> None:
    text = _exported_by_me(tracker, export_format)
    as_bea = Tracker(tracker.db, {**tracker.env, "TRACKER_PATIENT": "Bea"})
    result = as_bea("import", "-", input=text)
    assert result.exit_code == 0, result.output
    assert "rows of 'me' imported into 'Bea'." in result.stdout
    assert _values(tracker, "Bea") == [2.0, 2.2]


def test_a_file_naming_the_selected_patient_needs_no_remark(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Bea")
    text = HEADER + "reading,Bea,CEA,3.0,ng/mL,2025-01-05,,,,,,\n"
    result = feed_ok(tracker, text, patient="Bea")
    assert result.stdout == "Imported 1 reading (CEA 1) and 0 events.\n"


def test_rows_naming_nobody_go_to_the_selected_patient(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Bea")
    tracker.ok("patient", "add", "Cy")
    text = "marker,value,drawn_on\nCEA,3.0,2025-01-05\nCEA,3.1,2025-02-05\n"
    assert feed_ok(tracker, text, patient="Cy").stdout.startswith("Imported 2 readings")
    assert _values(tracker, "Cy") == [3.0, 3.1]
    assert _values(tracker, "Bea") == []


def test_csv_naming_several_patients_is_refused_with_patient(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Bea")
    tracker.ok("add", "CEA", "1.0", "--date", "2024-12-01", patient="Bea")
    before = database_snapshot(tracker.db)
    text = (
        HEADER
        + "reading,me,CEA,3.0,ng/mL,2025-01-05,,,,,,\n"
        + "reading,,CEA,3.1,ng/mL,2025-02-05,,,,,,\n"
        + "reading,Al,CEA,3.2,ng/mL,2025-03-05,,,,,,\n"
    )
    result = feed_fails(tracker, text, patient="Bea")
    assert result.stderr == (
        "Error: standard input names several patients ('me' and 'Al'); with --patient Bea "
        "a file may hold one patient's rows only: import it without --patient to file each "
        "row under the patient it names\n"
    )
    assert database_snapshot(tracker.db) == before


def test_fhir_bundle_naming_several_patients_is_refused_with_patient(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("add", "CEA", "2.0", "--date", "2025-01-05")
    tracker.ok("patient", "add", "Bea")
    tracker.ok("add", "CEA", "4.0", "--date", "2025-01-06", patient="Bea")
    tracker.ok("patient", "add", "Cy")
    bundle = tmp_path / "both.json"
    tracker.ok("export", "--format", "fhir", "--all-patients", "--out", str(bundle))
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(bundle), patient="Cy")
    assert result.stderr.startswith(f"Error: {bundle} names several patients ('")
    assert database_snapshot(tracker.db) == before


def test_without_patient_each_named_patient_is_used_or_created(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "1.0", "--date", "2024-12-01")  # me, the only patient
    text = (
        HEADER
        + "reading,Al,CEA,3.0,ng/mL,2025-01-05,,,,,,\n"
        + "reading,,CEA,3.1,ng/mL,2025-02-05,,,,,,\n"
    )
    result = feed_ok(tracker, text)
    assert result.stdout.startswith(
        "Imported 2 readings (CEA 2) and 0 events; created patient 'Al'."
    )
    assert _values(tracker, "Al") == [3.0]
    assert _values(tracker, "me") == [1.0, 3.1]
