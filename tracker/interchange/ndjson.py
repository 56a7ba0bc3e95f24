"""Reading FHIR NDJSON (a Bulk Data export): one resource a line, streamed.

Large systems export each resource type to its own file (``Observation.ndjson``), one JSON
resource per line. The file is read line by line, so memory does not grow with its size:
only the Patients and Organizations met so far are kept, to follow the references of the
Observations after them. Observations are read exactly as in a Bundle
(``fhir_entries.observation_reading``); an Observation not taken is counted as skipped, with
why; other resources are not results and are not counted. A bad
line is named by its line number (README "Importing from your lab or hospital").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from tracker.errors import ValidationError
from tracker.interchange.fhir_entries import (
    BundleReading,
    Resources,
    full_date,
    observation_reading,
    tracker_patient_name,
)

# A line longer than this is refused rather than read into memory (a resource of the
# size a lab result has is a few kilobytes).
MAX_LINE_BYTES = 1 << 20
# How much of a file is looked at to tell NDJSON from a Bundle.
SNIFF_BYTES = 8192
# Referenced resources kept while streaming (they are few: the export's Patients and labs).
_KEPT_TYPES = ("Patient", "Organization")


@dataclass(frozen=True)
class NdjsonPatient:
    """A Patient the tracker wrote (its name) with the birth date it carries."""

    name: str
    born: date | None


# A reading, a patient, why an Observation is skipped (str), or None for a resource
# that is not a result (not counted in the summary).
NdjsonItem = BundleReading | NdjsonPatient | str | None


@dataclass(frozen=True)
class NdjsonProblem:
    """Why one line cannot be imported (its number is given beside it)."""

    message: str


def looks_like_ndjson(name: str, head: bytes) -> bool:
    """An ``.ndjson`` name, or a first line that is one whole resource other than a Bundle."""
    if name.lower().endswith((".ndjson", ".jsonl")):
        return True
    first, newline, rest = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")
    if not newline or not first.startswith(b"{"):
        return False
    try:
        resource = json.loads(first)
    except ValueError:
        return False
    if not isinstance(resource, dict):
        return False
    return resource.get("resourceType") != "Bundle" or rest.lstrip().startswith(b"{")


def read_ndjson(stream: IO[bytes], today: date) -> Iterator[tuple[int, NdjsonItem | NdjsonProblem]]:
    """(line number, what the line holds): a reading, a patient, a skip reason or a problem."""
    resources = Resources([])
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield number, NdjsonProblem(f"is longer than {MAX_LINE_BYTES} bytes")
            # Skip the rest of the over-long line without holding it.
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES + 1)
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        yield number, _line(raw, resources, today)


def _line(raw: bytes, resources: Resources, today: date) -> NdjsonItem | NdjsonProblem:
    try:
        resource: Any = json.loads(raw.rstrip(b"\r\n").decode("utf-8"))
    except UnicodeDecodeError:
        return NdjsonProblem("is not UTF-8 text")
    except json.JSONDecodeError as error:
        return NdjsonProblem(f"is not valid JSON (column {error.colno}: {error.msg})")
    except RecursionError:
        return NdjsonProblem("is nested too deeply to be a FHIR resource")
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return NdjsonProblem("is not a FHIR resource (no resourceType)")
    kind: str = resource["resourceType"]
    if kind in _KEPT_TYPES:
        resources.add(resource)
    try:
        if kind == "Observation":
            return observation_reading(resource, resources, today)
        if kind == "Patient":
            name = tracker_patient_name(resource)
            if name is None:
                return None
            born = resource.get("birthDate")
            return NdjsonPatient(name, full_date(born, "birth date", today) if born else None)
    except ValidationError as error:
        return NdjsonProblem(f"({kind}): {error.message}")
    return None
