"""``import FILE.json``: a patient portal's Bundle, and Bundles that cannot be imported."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_ok
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

PORTAL = FIXTURES / "portal_bundle.json"
SKIPPED = (
    "2 Observations skipped: 1 CA 15-3 result with status 'preliminary', "
    "1 Observation with another code (LOINC 2345-7)."
)


def portal() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PORTAL.read_text(encoding="utf-8"))
    return document


def write(tmp_path: Path, document: Any, name: str = "bundle.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def test_portal_bundle_takes_the_markers_and_skips_the_rest(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    result = tracker.ok("import", str(PORTAL))
    assert result.stdout.splitlines()[:2] == [
        "Imported 3 readings (CEA 2, CA 15-3 1) and 0 events.",
        SKIPPED,
    ]
    # ug/L and kU/L are converted through the catalogue (1:1), the comparator is kept,
    # the lab comes from the performing Organization, the time of day is dropped.
    assert tracker.json("list") == [
        {"id": 1, "patient": "Ann", "marker": "CEA", "value": 3.4, "qualifier": None,
         "unit": "ng/mL", "drawn_on": "2025-03-10", "lab": "Riverside Pathology",
         "ref_high": 5.0, "note": None},
        {"id": 3, "patient": "Ann", "marker": "CA 15-3", "value": 28.0, "qualifier": None,
         "unit": "U/mL", "drawn_on": "2025-03-10", "lab": "Riverside Pathology",
         "ref_high": 31.3, "note": None},
        {"id": 2, "patient": "Ann", "marker": "CEA", "value": 0.5, "qualifier": "<",
         "unit": "ng/mL", "drawn_on": "2025-06-02", "lab": "Riverside Pathology",
         "ref_high": None, "note": "Below the assay's measurable range."},
    ]  # fmt: skip
    # The portal's Patient is not a tracker patient: nobody new was created.
    assert tracker.ok("patient", "list").stdout.splitlines()[1].split() == ["Ann", "3", "0"]
    again = tracker.ok("import", str(PORTAL))
    assert again.stdout.splitlines()[0] == (
        "Imported 0 readings and 0 events; 3 rows were already present."
    )


def test_dry_run_and_stdin(tracker: Tracker) -> None:
    text = PORTAL.read_text(encoding="utf-8")
    dry = feed_ok(tracker, "\ufeff \n" + text, "--dry-run")
    assert dry.stdout.splitlines()[:2] == [
        "Would import 3 readings (CEA 2, CA 15-3 1) and 0 events; would create patient 'me'. "
        "Nothing was written (dry run).",
        SKIPPED,
    ]
    assert tracker.json("list") == []
    # Standard input starting with "{" is read as FHIR; readings go to the selected patient.
    tracker.ok("patient", "add", "Bea")
    feed_ok(tracker, text, patient="Bea")
    assert {row["patient"] for row in tracker.json("list")} == {"Bea"}


def test_a_json_file_with_another_name_is_recognised(tracker: Tracker, tmp_path: Path) -> None:
    path = write(tmp_path, PORTAL.read_text(encoding="utf-8"), name="download.txt")
    assert tracker.ok("import", path).stdout.startswith("Imported 3 readings")


def test_empty_bundle(tracker: Tracker, tmp_path: Path) -> None:
    path = write(tmp_path, {"resourceType": "Bundle", "type": "collection"})
    result = tracker.ok("import", path)
    assert result.stdout == f"No rows to import: {path} is a Bundle without entries.\n"


def _broken(change: str) -> dict[str, Any]:
    document = portal()
    cea = document["entry"][3]["resource"]
    assert cea["id"] == "cea-1"
    if change == "no date":
        del cea["effectiveDateTime"]
    elif change == "no value":
        del cea["valueQuantity"]
    elif change == "bad unit":
        cea["valueQuantity"].update(unit="mmol/L", code="mmol/L")
    elif change == "partial date":
        cea["effectiveDateTime"] = "2025-03"
    elif change == "future":
        cea["effectiveDateTime"] = "2999-01-01"
    elif change == "negative":
        cea["valueQuantity"]["value"] = -1
    elif change == "text value":
        cea["valueQuantity"]["value"] = "3.4"
    return document


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ("no date", "the CEA result has no date (effectiveDateTime)"),
        ("no value", "the CEA result has no value (valueQuantity)"),
        ("bad unit", "CEA is measured in ng/mL, ng/ml, ug/L, µg/L, mcg/L; got 'mmol/L'"),
        ("partial date", "date '2025-03' is not a full date (YYYY-MM-DD)"),
        ("future", "date '2999-01-01' is in the future"),
        ("negative", "value '-1' is negative; CEA cannot be below 0"),
        ("text value", "value '3.4' is not a number"),
    ],
)
def test_a_bad_observation_is_named_and_nothing_is_imported(
    tracker: Tracker, tmp_path: Path, change: str, detail: str
) -> None:
    tracker.ok("add", "CA125", "12", "--date", "2025-01-01")
    before = database_snapshot(tracker.db)
    path = write(tmp_path, _broken(change))
    result = tracker.fails("import", path)
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: nothing was imported: 1 entry has a problem in {path}"
    assert lines[1].startswith(f"  Bundle.entry[3] (Observation): {detail}")
    assert len(lines) == 2
    assert database_snapshot(tracker.db) == before


def test_every_bad_entry_is_listed(tracker: Tracker, tmp_path: Path) -> None:
    document = _broken("no date")
    del document["entry"][4]["resource"]["valueQuantity"]
    document["entry"][5]["resource"]["effectiveDateTime"] = "soon"
    result = tracker.fails("import", write(tmp_path, document))
    assert result.stderr.splitlines()[1:] == [
        "  Bundle.entry[3] (Observation): the CEA result has no date (effectiveDateTime)",
        "  Bundle.entry[4] (Observation): the CEA result has no value (valueQuantity)",
        "  Bundle.entry[5] (Observation): date 'soon' is not a full date (YYYY-MM-DD)",
    ]
    assert tracker.json("list") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"resourceType": "Bundle", "entry": [', "is not valid JSON (line 1, column 38: "),
        (b"[1, 2]", "is JSON but not a FHIR resource (no resourceType)"),
        (b'{"resourceType": "Patient", "id": "x"}', "holds a FHIR Patient, not a Bundle"),
        (b'{"resourceType": "Bundle", "entry": {}}', "is a Bundle whose entry is not a list"),
        (b"\xff\xfe{", "is not UTF-8 text"),
    ],
)
def test_files_that_are_not_bundles(
    tracker: Tracker, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert tracker.fails("import", str(path)).stderr.startswith(f"Error: {path} {message}")


def test_csv_options_are_refused_for_fhir(tracker: Tracker) -> None:
    result = tracker.fails("import", str(PORTAL), "--delimiter", ";")
    assert result.stderr == (
        f"Error: --delimiter and --decimal-comma are for CSV files; {PORTAL} is FHIR JSON\n"
    )


def test_foreign_resources_of_the_trackers_kinds(tracker: Tracker, tmp_path: Path) -> None:
    """A resource with the tracker's kind coding but bad content is an error, not a skip."""
    event = {
        "resourceType": "Procedure",
        "status": "completed",
        "category": {"coding": [{"system": "urn:tumor-marker-tracker:event-kind",
                                 "code": "surgery"}]},
        "code": {"text": "lumpectomy"},
        "performedPeriod": {"start": "2025-02-01", "end": "2025-01-01"},
    }  # fmt: skip
    document = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": event}]}
    result = tracker.fails("import", write(tmp_path, document))
    assert result.stderr.splitlines()[1] == (
        "  Bundle.entry[0] (Procedure): end date 2025-01-01 is before the start date 2025-02-01"
    )
    event["performedPeriod"] = {"start": "2025-02-01"}
    event["category"] = {"coding": [{"system": "urn:tumor-marker-tracker:event-kind",
                                     "code": "holiday"}]}  # fmt: skip
    result = tracker.fails("import", write(tmp_path, document))
    assert result.stderr.splitlines()[1] == (
        "  Bundle.entry[0] (Procedure): unknown event kind 'holiday'"
    )
    event["category"] = copy.deepcopy(event["category"])
    event["category"]["coding"][0]["code"] = "surgery"
    assert tracker.ok("import", write(tmp_path, document)).stdout.startswith(
        "Imported 0 readings and 1 event; created patient 'me'."
    )
    assert tracker.json("event", "list")[0]["name"] == "lumpectomy"
