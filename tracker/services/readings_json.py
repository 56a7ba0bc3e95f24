"""``list --json``: each reading as one JSON object, with exactly the documented keys.

``reading_json`` is the object; ``reading_json_texts`` writes the same objects' JSON text
without building a dict and running the encoder per row (on a 10,000-reading history
that was most of what the command spent after reading). The strings a history repeats
(the patient, marker names, units, labs) are encoded once; the text is what
``json.JSONEncoder(ensure_ascii=False).encode(reading_json(...))`` gives, which
tests/unit/test_readings_json.py checks on generated readings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from tracker.catalogue.markers import marker_by_code

if TYPE_CHECKING:
    from tracker.services.readings import ListedReading
    from tracker.store.models import Reading

# Distinct repeated strings remembered while writing (cleared when full: memory is flat).
CACHE_LIMIT = 4_096


def reading_json(reading: ListedReading | Reading, patient_name: str) -> dict[str, Any]:
    """One reading as ``list --json`` prints it (docs/design.md: exactly these keys).

    The specification of ``reading_json_texts``, which writes the same text without the
    dict; tests/unit/test_readings_json.py holds the two together.
    """
    return {
        "id": reading.id,
        "patient": patient_name,
        "marker": marker_by_code(reading.marker).name,
        "value": reading.value,
        "qualifier": reading.qualifier,
        "unit": reading.unit,
        "drawn_on": reading.drawn_on.isoformat(),
        "lab": reading.lab,
        "ref_high": reading.ref_high,
        "note": reading.note,
    }


def reading_json_texts(readings: Iterable[ListedReading], patient_name: str) -> Iterator[str]:
    """The JSON text of ``reading_json`` for each reading, in order."""
    encoded: dict[str | None, str] = {}

    def text(value: str | None) -> str:
        found = encoded.get(value)
        if found is None:
            if len(encoded) >= CACHE_LIMIT:
                encoded.clear()
            found = encoded[value] = _encode(value)
        return found

    patient = _encode(patient_name)
    markers: dict[str, str] = {}
    for reading in readings:
        code = reading.marker
        marker = markers.get(code)
        if marker is None:
            marker = markers[code] = _encode(marker_by_code(code).name)
        note = reading.note
        yield (
            f'{{"id": {reading.id}, "patient": {patient}, "marker": {marker}, '
            f'"value": {_number(reading.value)}, "qualifier": {text(reading.qualifier)}, '
            f'"unit": {text(reading.unit)}, "drawn_on": "{reading.drawn_on.isoformat()}", '
            f'"lab": {text(reading.lab)}, "ref_high": {_number(reading.ref_high)}, '
            f'"note": {"null" if note is None else _encode(note)}}}'
        )


def _encode(value: str | None) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(value: float | None) -> str:
    # float.__repr__ is what the json module writes for a finite float (readable rows
    # hold no other: tracker/store/stored_rows.py); anything else goes to the module.
    if value is None:
        return "null"
    return repr(value) if math.isfinite(value) else json.dumps(value)
