"""FHIR NDJSON (a Bulk Data export) through ``tracker import``, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

SEARCHSET = FIXTURES / "portal_searchset.json"


def _export(tmp_path: Path, name: str = "Observation.ndjson", extra: tuple[str, ...] = ()) -> Path:
    """The searchset's resources one a line, with a Patient and an Encounter among them."""
    bundle = json.loads(SEARCHSET.read_text(encoding="utf-8"))
    lines = [json.dumps({"resourceType": "Patient", "id": "88"})]
    lines += [json.dumps(entry["resource"]) for entry in bundle["entry"]]
    lines.insert(3, json.dumps({"resourceType": "Encounter", "id": "e1", "status": "finished"}))
    lines.insert(4, "")  # a blank line is allowed
    path = tmp_path / name
    path.write_text("\n".join(lines + list(extra)) + "\n", encoding="utf-8")
    return path


def _values(tracker: Tracker) -> list[tuple[Any, ...]]:
    return [(r["marker"], r["qualifier"], r["value"], r["ref_high"]) for r in tracker.json("list")]


@pytest.mark.parametrize("name", ["Observation.ndjson", "export.txt"], ids=["extension", "content"])
def test_ndjson_export_mixed_resource_types(tracker: Tracker, tmp_path: Path, name: str) -> None:
    tracker.ok("patient", "add", "Ann")
    result = tracker.ok("import", str(_export(tmp_path, name)))
    assert result.stdout.splitlines()[:2] == [
        "Imported 5 readings (CEA 2, CA 15-3 2, CA 125 1) and 0 events.",
        "3 Observations skipped: 1 CA 125 result with status 'cancelled', "
        "1 CA 15-3 result with status 'entered-in-error', "
        "1 CEA result with status 'preliminary'.",
    ]
    assert _values(tracker) == [
        ("CA 15-3", None, 27.0, 30.0),
        ("CEA", "<", 0.5, 5.0),
        ("CA 15-3", None, 27.5, 30.0),
        ("CA 125", None, 12.0, 35.0),
        ("CEA", None, 1.9, 3.4),
    ]
    again = tracker.ok("import", str(_export(tmp_path, name)))
    assert again.stdout.splitlines()[0] == (
        "Imported 0 readings and 0 events; 5 rows were already present."
    )


def test_ndjson_dry_run_stores_nothing(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("patient", "add", "Ann")
    before = database_snapshot(tracker.db)
    result = tracker.ok("import", "--dry-run", str(_export(tmp_path)))
    assert result.stdout.splitlines()[0] == (
        "Would import 5 readings (CEA 2, CA 15-3 2, CA 125 1) and 0 events. "
        "Nothing was written (dry run)."
    )
    assert database_snapshot(tracker.db) == before


def test_bad_lines_are_named_by_number_and_nothing_is_stored(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Ann")
    bad_value = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2039-6"}]},
        "effectiveDateTime": "2025-01-02",
        "valueString": "high",
    }
    path = _export(
        tmp_path, extra=('{"resourceType": "Observation", "status": ', json.dumps(bad_value))
    )
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(path))
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: nothing was imported: 2 lines have problems in {path}"
    assert "line 12 is not valid JSON (column 43: Expecting value)" in result.stderr
    assert "line 13 (Observation): value 'high' is not a number" in result.stderr
    assert database_snapshot(tracker.db) == before


def test_past_twenty_bad_lines_the_rest_are_counted(tracker: Tracker, tmp_path: Path) -> None:
    # The limit and its "… and N more" line are the CSV import's (services/importing/summary).
    tracker.ok("patient", "add", "Ann")
    path = _export(tmp_path, extra=("{",) * 25)
    result = tracker.fails("import", str(path))
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: nothing was imported: 25 lines have problems in {path}"
    assert len([line for line in lines if "is not valid JSON" in line]) == 20
    assert lines[-1] == "  … and 5 more"


def test_a_bundle_is_still_a_bundle(tracker: Tracker, tmp_path: Path) -> None:
    # One line holding a whole Bundle is read as a Bundle, not as NDJSON.
    path = tmp_path / "compact.json"
    path.write_text(SEARCHSET.read_text(encoding="utf-8").replace("\n", "") + "\n")
    tracker.ok("patient", "add", "Ann")
    result = tracker.ok("import", str(path))
    assert result.stdout.splitlines()[0].startswith("Imported 5 readings")


def _two_patients(tmp_path: Path) -> Path:
    """An export of two of the tracker's own Patients, one CEA result each."""
    lines = []
    for number, name in enumerate(("Ann", "Bea")):
        lines.append(
            {
                "resourceType": "Patient",
                "id": f"p{number}",
                "identifier": [{"system": "urn:tumor-marker-tracker:patient", "value": name}],
            }
        )
        lines.append(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2039-6"}]},
                "subject": {"reference": f"Patient/p{number}"},
                "effectiveDateTime": "2025-01-02",
                "valueQuantity": {"value": 2 + number, "unit": "ng/mL"},
            }
        )
    path = tmp_path / "two.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_without_patient_each_named_patient_is_used_or_created(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Ann")
    result = tracker.ok("import", str(_two_patients(tmp_path)))
    assert result.stdout.splitlines()[0] == (
        "Imported 2 readings (CEA 2) and 0 events; created patient 'Bea'."
    )
    assert [r["value"] for r in tracker.json("list", patient="Ann")] == [2.0]
    assert [r["value"] for r in tracker.json("list", patient="Bea")] == [3.0]


# The rule with --patient (PatientIds in tracker/services/importing/patients.py) reaches
# NDJSON rows through ReadingSink.
def test_with_patient_a_file_naming_several_patients_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Cleo")
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(_two_patients(tmp_path)), patient="Cleo")
    assert "names several patients" in result.stderr
    assert database_snapshot(tracker.db) == before
