"""FHIR R4 export: a ``collection`` Bundle of plain dicts (no FHIR library at run time).

One ``Patient`` per person, one ``Observation`` per reading (LOINC code, UCUM quantity,
the lab's reference limit and an H/N interpretation against it), and each event as the
resource that fits it: treatments and supportive care as ``MedicationStatement``,
surgery and imaging as ``Procedure``, conditions, symptoms and other events as
``Condition``. Every event carries its tracker kind as a category coding, and every
Patient the tracker name as an identifier, so ``import`` reads its own Bundles back
without loss. ``fullUrl``s are ``urn:uuid:`` ids derived (uuid5) from each row's identity:
the same data always gives the same Bundle.
"""

from __future__ import annotations

import uuid
from typing import Any

from tracker.catalogue.event_kinds import (
    CONDITION,
    IMAGING,
    OTHER,
    SUPPORTIVE,
    SURGERY,
    SYMPTOM,
    TREATMENT,
)
from tracker.catalogue.markers import marker_by_code
from tracker.store.models import Event, Patient, Reading

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# The tracker's own identifiers: a patient's name, and the kind of each event.
PATIENT_SYSTEM = "urn:tumor-marker-tracker:patient"
EVENT_KIND_SYSTEM = "urn:tumor-marker-tracker:event-kind"
# A fixed namespace, so ids depend on the data alone.
_NAMESPACE = uuid.UUID("6f1c1a7e-3b0e-5d8a-9c55-2a4f0d7e1b21")

MEDICATION_KINDS = (TREATMENT, SUPPORTIVE)
PROCEDURE_KINDS = (SURGERY, IMAGING)
CONDITION_KINDS = (CONDITION, SYMPTOM, OTHER)
EVENT_RESOURCE_TYPES = {
    **{kind: "MedicationStatement" for kind in MEDICATION_KINDS},
    **{kind: "Procedure" for kind in PROCEDURE_KINDS},
    **{kind: "Condition" for kind in CONDITION_KINDS},
}
_INTERPRETATION_DISPLAY = {"H": "High", "N": "Normal"}


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(part) for part in parts)))


def patient_uuid(name: str) -> str:
    """The Patient's id: from the name alone."""
    return _uuid("patient", name)


def reading_uuid(patient_name: str, reading: Reading) -> str:
    """An Observation's id: from the reading's identity (docs/design.md)."""
    return _uuid(
        "reading",
        patient_name,
        reading.marker,
        reading.drawn_on.isoformat(),
        reading.lab or "",
        reading.qualifier or "",
        repr(reading.value),
    )


def event_uuid(patient_name: str, event: Event) -> str:
    """An event resource's id: from the event's identity (patient, kind, name, start)."""
    return _uuid("event", patient_name, event.kind, event.name, event.started_on.isoformat())


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM_SYSTEM, "code": unit}


def interpretation(qualifier: str | None, value: float, ref_high: float | None) -> str | None:
    """``H`` above the lab's upper limit, ``N`` at or below it; None when it cannot be told.

    ``<x`` is at most x and ``>x`` at least x, so only some qualified values can be placed.
    """
    if ref_high is None:
        return None
    if qualifier == "<":
        return "N" if value <= ref_high else None
    if qualifier == ">":
        return "H" if value >= ref_high else None
    return "H" if value > ref_high else "N"


def _note(text: str | None) -> dict[str, Any]:
    return {"note": [{"text": text}]} if text else {}


def patient_resource(patient: Patient) -> dict[str, Any]:
    """The person: the tracker's name as identifier and as the name's text."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_uuid(patient.name),
        "identifier": [{"system": PATIENT_SYSTEM, "value": patient.name}],
        "name": [{"text": patient.name}],
    }
    if patient.born is not None:
        resource["birthDate"] = patient.born.isoformat()
    return resource


def observation_resource(reading: Reading, patient_name: str) -> dict[str, Any]:
    """One reading as a laboratory Observation."""
    marker = marker_by_code(reading.marker)
    quantity = _quantity(reading.value, reading.unit)
    if reading.qualifier:
        quantity = {"value": reading.value, "comparator": reading.qualifier, **quantity}
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": reading_uuid(patient_name, reading),
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "laboratory", "display": "Laboratory"}]}
        ],
        "code": {
            "coding": [{"system": LOINC_SYSTEM, "code": marker.loinc, "display": marker.name}],
            "text": marker.name,
        },
        "subject": {"reference": f"urn:uuid:{patient_uuid(patient_name)}"},
        "effectiveDateTime": reading.drawn_on.isoformat(),
        "valueQuantity": quantity,
    }
    if reading.lab:
        resource["performer"] = [{"display": reading.lab}]
    resource.update(_note(reading.note))
    code = interpretation(reading.qualifier, reading.value, reading.ref_high)
    if code is not None:
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": INTERPRETATION_SYSTEM,
                        "code": code,
                        "display": _INTERPRETATION_DISPLAY[code],
                    }
                ]
            }
        ]
    if reading.ref_high is not None:
        resource["referenceRange"] = [{"high": _quantity(reading.ref_high, reading.unit)}]
    return resource


def event_resource(event: Event, patient_name: str) -> dict[str, Any]:
    """One event as a MedicationStatement, Procedure or Condition carrying its kind."""
    resource_type = EVENT_RESOURCE_TYPES[event.kind]
    kind = {"coding": [{"system": EVENT_KIND_SYSTEM, "code": event.kind}]}
    period = {"start": event.started_on.isoformat()}
    if event.ended_on is not None:
        period["end"] = event.ended_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": resource_type,
        "id": event_uuid(patient_name, event),
        "subject": {"reference": f"urn:uuid:{patient_uuid(patient_name)}"},
    }
    if resource_type == "MedicationStatement":
        resource["status"] = "completed" if event.ended_on else "active"
        resource["category"] = kind
        resource["medicationCodeableConcept"] = {"text": event.name}
        resource["effectivePeriod"] = period
    elif resource_type == "Procedure":
        resource["status"] = "completed"
        resource["category"] = kind
        resource["code"] = {"text": event.name}
        resource["performedPeriod"] = period
    else:
        # An ended condition must be "resolved" (FHIR invariant con-4).
        status = "resolved" if event.ended_on else "active"
        resource["clinicalStatus"] = {
            "coding": [{"system": CONDITION_CLINICAL_SYSTEM, "code": status}]
        }
        resource["category"] = [kind]
        resource["code"] = {"text": event.name}
        resource["onsetDateTime"] = period["start"]
        if event.ended_on is not None:
            resource["abatementDateTime"] = period["end"]
    resource.update(_note(event.note))
    return resource


def entry(resource: dict[str, Any]) -> dict[str, Any]:
    """A Bundle entry whose ``fullUrl`` is the resource's ``urn:uuid:``."""
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
