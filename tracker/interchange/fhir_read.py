"""Reading a FHIR R4 Bundle: the tracker's own export, or a patient portal's.

Each entry's resource is read by ``fhir_entries.py``. Observations not taken are counted
as skipped, with why; other resources are not results and are not counted. Every problem
names the entry (``Bundle.entry[3]``); the caller imports nothing when there is any.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.errors import ValidationError
from tracker.interchange.fhir_entries import (
    EVENT_FIELDS,
    BundleEvent,
    BundleReading,
    Resources,
    event_from,
    full_date,
    json_list,
    json_object,
    observation_reading,
    tracker_patient_name,
)
from tracker.interchange.json_bounds import parse_bounded_json


@dataclass
class BundleContents:
    """What a Bundle holds for the tracker, what it skipped, and what is wrong with it."""

    patients: dict[str, date | None] = field(default_factory=dict)
    readings: list[BundleReading] = field(default_factory=list)
    events: list[BundleEvent] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def load_bundle(data: bytes, name: str) -> dict[str, Any]:
    """The JSON document of a Bundle, or a ValidationError that says why it is not one."""
    document = parse_bounded_json(data, name)
    if not isinstance(document, dict) or "resourceType" not in document:
        raise ValidationError(f"{name} is JSON but not a FHIR resource (no resourceType)")
    if document["resourceType"] != "Bundle":
        raise ValidationError(
            f"{name} holds a FHIR {document['resourceType']}, not a Bundle; "
            "export a Bundle of Observations from the portal"
        )
    if not isinstance(document.get("entry", []), list):
        raise ValidationError(f"{name} is a Bundle whose entry is not a list")
    return document


def read_bundle(document: dict[str, Any], *, today: date) -> BundleContents:
    """Everything the tracker keeps from a Bundle, in entry order."""
    entries = json_list(document.get("entry"))
    resources = Resources(entries)
    contents = BundleContents()
    for index, entry in enumerate(entries):
        resource = json_object(json_object(entry).get("resource"))
        resource_type = resource.get("resourceType")
        where = f"Bundle.entry[{index}] ({resource_type or 'no resource'})"
        try:
            if resource_type == "Patient":
                name = tracker_patient_name(resource)
                if name is None:
                    continue
                born = resource.get("birthDate")
                contents.patients[name] = full_date(born, "birth date", today) if born else None
                continue
            taken: BundleReading | BundleEvent | str
            if resource_type == "Observation":
                taken = observation_reading(resource, resources, today)
            elif resource_type in EVENT_FIELDS:
                taken = event_from(resource, resources, today)
            else:
                continue  # not a result (Encounter, Organization…): not counted
        except ValidationError as error:
            contents.problems.append(f"{where}: {error.message}")
            continue
        if isinstance(taken, str):
            # Only skipped Observations are counted; a resource that is not a result
            # (an event the tracker did not write) is left out (README, "Importing from your lab
            # or hospital").
            if resource_type == "Observation":
                contents.skipped[taken] += 1
        elif isinstance(taken, BundleReading):
            contents.readings.append(taken)
        else:
            contents.events.append(taken)
    return contents


def skipped_summary(skipped: Counter[str]) -> str:
    """``2 Observations skipped: 1 CA 125 result with status 'cancelled', 1 …``.

    Only results are counted (FHIR Observations, HL7 OBX segments): resources that are not
    results, such as a Patient or an Encounter, are not (README, "Importing from your lab
    or hospital").
    """
    total = sum(skipped.values())
    parts = ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
    noun = "Observation" if total == 1 else "Observations"
    return f"{total} {noun} skipped: {parts}."
