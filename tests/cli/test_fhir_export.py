"""``export --format fhir``: the Bundle's exact shape, validated by fhir.resources (R4B)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.fhir_bundles import validated
from tracker.interchange.fhir_resources import interpretation

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
KIND = "urn:tumor-marker-tracker:event-kind"


def fill(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann Smith", "--born", "1960-02-03")
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab",
               "--ref-high", "5", "--note", "fasting\nmorning")  # fmt: skip
    tracker.ok("add", "ca153", "<10", "kU/L", "--date", "2026-01-05", "--ref-high", "30")
    tracker.ok("add", "CEA", ">1000", "--date", "2026-02-01", "--lab", "City Lab",
               "--ref-high", "5")  # fmt: skip
    tracker.ok("add", "CA125", "0", "--date", "2026-02-01")
    for kind, name, start, end in [
        ("treatment", "letrozole", "2026-01-10", "2026-03-01"),
        ("supportive", "zoledronate", "2026-01-10", None),
        ("surgery", "lumpectomy", "2025-06-01", None),
        ("imaging", "bone scan", "2026-02-15", "2026-02-15"),
        ("condition", "smoking", "2000-01-01", None),
        ("symptom", "bone pain", "2026-02-01", "2026-02-20"),
        ("other", "holiday", "2026-03-01", None),
    ]:
        tracker.ok("event", "add", kind, name, "--date", start, *(["--end", end] if end else []))


def resources(document: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for entry in document["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def test_bundle_shape_and_validation(tracker: Tracker) -> None:
    fill(tracker)
    document = validated(tracker.ok("export", "--format", "fhir").stdout)
    assert [e["resource"]["resourceType"] for e in document["entry"]] == [
        "Patient", "Observation", "Observation", "Observation", "Observation",
        "Condition", "Procedure", "MedicationStatement", "MedicationStatement", "Condition",
        "Procedure", "Condition",
    ]  # fmt: skip
    patient = resources(document, "Patient")[0]
    subject = {"reference": f"urn:uuid:{patient['id']}"}
    assert patient == {
        "resourceType": "Patient",
        "id": patient["id"],
        "identifier": [{"system": "urn:tumor-marker-tracker:patient", "value": "Ann Smith"}],
        "name": [{"text": "Ann Smith"}],
        "birthDate": "1960-02-03",
    }
    cea, ca153, cea_high, ca125 = resources(document, "Observation")
    laboratory = [{"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "laboratory", "display": "Laboratory"}]}]  # fmt: skip
    assert cea == {
        "resourceType": "Observation",
        "id": cea["id"],
        "status": "final",
        "category": laboratory,
        "code": {"coding": [{"system": LOINC, "code": "2039-6", "display": "CEA"}], "text": "CEA"},
        "subject": subject,
        "effectiveDateTime": "2026-01-05",
        "valueQuantity": {"value": 3.1, "unit": "ng/mL", "system": UCUM, "code": "ng/mL"},
        "performer": [{"display": "City Lab"}],
        "note": [{"text": "fasting\nmorning"}],
        "interpretation": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": "N", "display": "Normal"}]}],
        "referenceRange": [{"high": {"value": 5.0, "unit": "ng/mL", "system": UCUM,
                                     "code": "ng/mL"}}],
    }  # fmt: skip
    assert ca153["code"]["coding"][0]["code"] == "6875-9"
    assert ca153["valueQuantity"] == {
        "value": 10.0, "comparator": "<", "unit": "U/mL", "system": UCUM, "code": "U/mL"
    }  # fmt: skip
    assert ca153["interpretation"][0]["coding"][0]["code"] == "N"
    assert "performer" not in ca153 and "note" not in ca153
    assert cea_high["valueQuantity"]["comparator"] == ">"
    assert cea_high["interpretation"][0]["coding"][0]["code"] == "H"
    assert ca125["code"]["coding"][0]["code"] == "10334-1"
    assert ca125["valueQuantity"]["value"] == 0
    assert "interpretation" not in ca125 and "referenceRange" not in ca125

    treatment, supportive = resources(document, "MedicationStatement")
    assert treatment == {
        "resourceType": "MedicationStatement",
        "id": treatment["id"],
        "subject": subject,
        "status": "completed",
        "category": {"coding": [{"system": KIND, "code": "treatment"}]},
        "medicationCodeableConcept": {"text": "letrozole"},
        "effectivePeriod": {"start": "2026-01-10", "end": "2026-03-01"},
    }
    assert (supportive["status"], supportive["category"]["coding"][0]["code"]) == (
        "active", "supportive"
    )  # fmt: skip
    surgery, imaging = resources(document, "Procedure")
    assert surgery["performedPeriod"] == {"start": "2025-06-01"}
    assert (imaging["code"], imaging["category"]["coding"][0]["code"]) == (
        {"text": "bone scan"}, "imaging"
    )  # fmt: skip
    condition, symptom, other = resources(document, "Condition")
    assert symptom == {
        "resourceType": "Condition",
        "id": symptom["id"],
        "subject": subject,
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "resolved"}]},
        "category": [{"coding": [{"system": KIND, "code": "symptom"}]}],
        "code": {"text": "bone pain"},
        "onsetDateTime": "2026-02-01",
        "abatementDateTime": "2026-02-20",
    }  # fmt: skip
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    assert other["category"][0]["coding"][0]["code"] == "other"


def test_same_data_same_bundle(tracker: Tracker, tmp_path: Path) -> None:
    fill(tracker)
    first = tracker.ok("export", "--format", "fhir").stdout_bytes
    # A new id for the same reading (deleted and added again): the Bundle does not change.
    tracker.ok("delete", "--yes", "4")
    tracker.ok("add", "CA125", "0", "--date", "2026-02-01")
    assert tracker.ok("export", "--format", "fhir").stdout_bytes == first
    out = tmp_path / "bundle.json"
    result = tracker.ok("export", "--format", "fhir", "--out", str(out))
    assert result.stdout == f"Exported 4 readings and 7 events to {out}.\n"
    assert out.read_bytes() == first
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_empty_database_and_several_patients(tracker: Tracker) -> None:
    empty = validated(tracker.ok("export", "--format", "fhir").stdout)
    assert empty == {"resourceType": "Bundle", "type": "collection"}
    tracker.ok("patient", "add", "Bea")
    tracker.ok("patient", "add", "Ann")
    tracker.ok("add", "CEA", "2", "--date", "2026-01-05", patient="Bea")
    tracker.fails("export", "--format", "fhir", code=2)  # several people, none named
    only_bea = validated(tracker.ok("export", "--format", "fhir", patient="Bea").stdout)
    assert [e["resource"]["resourceType"] for e in only_bea["entry"]] == ["Patient", "Observation"]
    everyone = validated(tracker.ok("export", "--format", "fhir", "--all-patients").stdout)
    assert [
        (e["resource"]["resourceType"], e["resource"].get("name")) for e in everyone["entry"]
    ] == [
        ("Patient", [{"text": "Ann"}]), ("Patient", [{"text": "Bea"}]), ("Observation", None)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("qualifier", "value", "ref_high", "expected"),
    [
        (None, 5.0, 5.0, "N"), (None, 5.01, 5.0, "H"), (None, 0.0, 5.0, "N"),
        ("<", 5.0, 5.0, "N"), ("<", 6.0, 5.0, None),
        (">", 5.0, 5.0, "H"), (">", 4.0, 5.0, None), (None, 9.0, None, None),
    ],
)  # fmt: skip
def test_interpretation_against_the_labs_limit(
    qualifier: str | None, value: float, ref_high: float | None, expected: str | None
) -> None:
    assert interpretation(qualifier, value, ref_high) == expected
