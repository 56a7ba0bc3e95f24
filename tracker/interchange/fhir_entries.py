"""One FHIR resource read into a reading or an event (from a Bundle entry or an NDJSON line).

An Observation is taken when one of its codings is a catalogue LOINC code; its value is
converted through the catalogue (``units.measurement``) exactly as ``add`` converts a
typed one. Events are taken only from resources that carry the tracker's event-kind
coding (its own export): a portal's medication list does not say which drugs start a
treatment line, so it is skipped rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.fields import (
    clean_event_name,
    clean_lab,
    clean_name,
    clean_note,
    parse_ref_high,
)
from tracker.catalogue.markers import Marker, marker_by_loinc
from tracker.catalogue.units import Measurement, measurement, parse_date
from tracker.errors import ValidationError
from tracker.interchange.fhir_resources import (
    EVENT_KIND_SYSTEM,
    LOINC_SYSTEM,
    PATIENT_SYSTEM,
    UCUM_SYSTEM,
)
from tracker.interchange.reference_range import upper_bound

# Results a lab has released; "preliminary", "cancelled", "entered-in-error"… are skipped.
RELEASED_STATUSES = ("final", "amended", "corrected")
_COMPARATORS = ("<", "<=", ">", ">=")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T.*)?$")


@dataclass(frozen=True)
class BundleReading:
    """A reading taken from an Observation (patient None: the selected patient)."""

    patient: str | None
    marker: Marker
    measured: Measurement
    drawn_on: date
    lab: str | None
    ref_high: float | None
    note: str | None


@dataclass(frozen=True)
class BundleEvent:
    """An event taken from one of the tracker's own event resources."""

    patient: str | None
    kind: str
    name: str
    started_on: date
    ended_on: date | None
    note: str | None


def json_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def json_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _text(value: Any) -> str | None:
    # Texts that are stored go through clean_note / clean_lab / …, which refuse control
    # characters; here only their presence is judged.
    return value if isinstance(value, str) and value.strip() else None


def _codings(concepts: Any) -> list[dict[str, Any]]:
    return [
        json_object(c)
        for concept in json_list(concepts)
        for c in json_list(json_object(concept).get("coding"))
    ]


def full_date(value: Any, what: str, today: date) -> date:
    """A FHIR date or dateTime as the date written (ValidationError if it is not one)."""
    if not isinstance(value, str) or not _FULL_DATE.match(value):
        raise ValidationError(f"{what} {value!r} is not a full date (YYYY-MM-DD)")
    # A time and zone may follow: the date is the one written, as the lab reported it.
    return parse_date(value[:10], today=today, what=what)


def _number_text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{what} {value!r} is not a number")
    return repr(value) if isinstance(value, float) else str(value)


def _unit(quantity: dict[str, Any]) -> str | None:
    if quantity.get("system") == UCUM_SYSTEM and _text(quantity.get("code")):
        return str(quantity["code"])
    return _text(quantity.get("unit")) or _text(quantity.get("code"))


class Resources:
    """Resources by fullUrl and by ``Type/id``, to follow subject and performer references."""

    def __init__(self, entries: list[Any]) -> None:
        self._by_reference: dict[str, dict[str, Any]] = {}
        for entry in entries:
            resource = json_object(json_object(entry).get("resource"))
            if isinstance(json_object(entry).get("fullUrl"), str):
                self._by_reference[entry["fullUrl"]] = resource
            self.add(resource)

    def add(self, resource: dict[str, Any]) -> None:
        """Make ``resource`` findable as ``Type/id`` (NDJSON adds Patients as it reads them)."""
        if resource.get("id") is not None:
            self._by_reference[f"{resource.get('resourceType')}/{resource['id']}"] = resource

    def get(self, reference: Any) -> dict[str, Any]:
        key = json_object(reference).get("reference")
        return self._by_reference.get(key, {}) if isinstance(key, str) else {}


def tracker_patient_name(resource: dict[str, Any]) -> str | None:
    """The tracker name of a Patient the tracker wrote (None for anyone else's Patient)."""
    for identifier in json_list(resource.get("identifier")):
        identifier = json_object(identifier)
        if identifier.get("system") == PATIENT_SYSTEM and _text(identifier.get("value")):
            return clean_name(identifier["value"])
    return None


def _performer(resource: dict[str, Any], resources: Resources) -> str | None:
    for performer in json_list(resource.get("performer")):
        name = _text(json_object(performer).get("display")) or _text(
            resources.get(performer).get("name")
        )
        if name:
            return clean_lab(name)
    return None


def _note(resource: dict[str, Any]) -> str | None:
    texts = [
        text
        for note in json_list(resource.get("note"))
        if (text := _text(json_object(note).get("text")))
    ]
    return clean_note("\n\n".join(texts)) if texts else None


def _ref_high(resource: dict[str, Any], marker: Marker, measured: Measurement) -> float | None:
    """The lab's upper limit: the first range with a ``high``, else one whose text has one."""
    ranges = [json_object(r) for r in json_list(resource.get("referenceRange"))]
    for reference_range in ranges:
        high = json_object(reference_range.get("high"))
        if "value" in high:
            limit = _number_text(high["value"], "reference range high")
            return parse_ref_high(marker, limit, _unit(high) or measured.entered_unit)
    for reference_range in ranges:
        text = _text(reference_range.get("text"))
        bound = upper_bound(text) if text else None
        if bound is not None:
            return parse_ref_high(marker, bound[0], bound[1] or measured.entered_unit)
    return None


def observation_reading(
    resource: dict[str, Any], resources: Resources, today: date
) -> BundleReading | str:
    """A reading from one Observation, or why it is skipped (ValidationError if it is bad)."""
    codings = _codings(resource.get("code"))
    loinc = [c.get("code") for c in codings if c.get("system") == LOINC_SYSTEM]
    marker = next((m for code in loinc if (m := marker_by_loinc(str(code)))), None)
    if marker is None:
        return (
            f"Observation with another code (LOINC {loinc[0]})"
            if loinc
            else ("Observation without a LOINC code")
        )
    status = resource.get("status")
    if status not in RELEASED_STATUSES:
        return f"{marker.name} result with status {status!r}"
    when = resource.get("effectiveDateTime") or json_object(resource.get("effectivePeriod")).get(
        "start"
    )
    if when is None:
        raise ValidationError(f"the {marker.name} result has no date (effectiveDateTime)")
    drawn_on = full_date(when, "date", today)
    quantity = json_object(resource.get("valueQuantity"))
    if "value" in quantity:
        comparator = quantity.get("comparator") or ""
        if comparator not in ("", *_COMPARATORS):
            raise ValidationError(f"comparator {comparator!r} is not <, <=, > or >=")
        value_text = comparator + _number_text(quantity["value"], "value")
        measured = measurement(marker, value_text, _unit(quantity))
    elif _text(resource.get("valueString")):
        measured = measurement(marker, resource["valueString"])
    else:
        raise ValidationError(f"the {marker.name} result has no value (valueQuantity)")
    ref_high = _ref_high(resource, marker, measured)
    return BundleReading(
        patient=tracker_patient_name(resources.get(resource.get("subject"))),
        marker=marker,
        measured=measured,
        drawn_on=drawn_on,
        lab=_performer(resource, resources),
        ref_high=ref_high,
        note=_note(resource),
    )


EVENT_FIELDS = {
    # resource type: (where the name is, the period, the start date, the end date)
    "MedicationStatement": (
        "medicationCodeableConcept", "effectivePeriod", "effectiveDateTime", None
    ),
    "Procedure": ("code", "performedPeriod", "performedDateTime", None),
    "Condition": ("code", None, "onsetDateTime", "abatementDateTime"),
}  # fmt: skip


def event_from(resource: dict[str, Any], resources: Resources, today: date) -> BundleEvent | str:
    """An event from a resource the tracker wrote, or why the resource is skipped."""
    resource_type = str(resource.get("resourceType"))
    kinds = [c.get("code") for c in _codings(resource.get("category"))
             if c.get("system") == EVENT_KIND_SYSTEM]  # fmt: skip
    if resource_type not in EVENT_FIELDS or not kinds:
        return resource_type
    if kinds[0] not in EVENT_KINDS:
        raise ValidationError(f"unknown event kind {kinds[0]!r}")
    name_at, period_at, start_at, end_at = EVENT_FIELDS[resource_type]
    concept = json_object(resource.get(name_at))
    name = _text(concept.get("text")) or next(
        (text for c in _codings(concept) if (text := _text(c.get("display")))), None
    )
    period = json_object(resource.get(period_at)) if period_at else {}
    start = period.get("start") or resource.get(start_at)
    end = period.get("end") or (resource.get(end_at) if end_at else None)
    if start is None:
        raise ValidationError(f"the {kinds[0]} event has no start date")
    started_on = full_date(start, "start date", today)
    ended_on = full_date(end, "end date", today) if end is not None else None
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(f"end date {ended_on} is before the start date {started_on}")
    return BundleEvent(
        patient=tracker_patient_name(resources.get(resource.get("subject"))),
        kind=kinds[0],
        name=clean_event_name(name or ""),
        started_on=started_on,
        ended_on=ended_on,
        note=_note(resource),
    )
