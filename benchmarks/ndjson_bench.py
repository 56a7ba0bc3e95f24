"""A FHIR Bulk Data export as large systems write it: ``Observation.ndjson``-style lines.

Used by the NDJSON memory case (benchmarks/cases_files.py) and by the streaming test
(tests/system/test_ndjson_stream.py). Patients are the tracker's own (their identifier
names them, so each line goes to its patient and only a few series are judged for
flags); every 1,000th line is an Encounter, which the import counts as skipped.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

PATIENT_SYSTEM = "urn:tumor-marker-tracker:patient"
_FIRST_DAY = date(2001, 1, 1)
_MARKERS = (("2039-6", "ng/mL", 2.0), ("6875-9", "k[IU]/L", 20.0))


def write_ndjson(path: Path, observations: int, patients: int = 100) -> Path:
    """Write ``patients`` Patients, then ``observations`` Observations (and a few Encounters)."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(patients):
            patient = {
                "resourceType": "Patient",
                "id": f"p{number}",
                "identifier": [{"system": PATIENT_SYSTEM, "value": f"Bulk patient {number}"}],
            }
            out.write(json.dumps(patient) + "\n")
        for index in range(observations):
            patient_number = index % patients
            code, unit, base = _MARKERS[(index // patients) % 2]
            day = _FIRST_DAY + timedelta(days=index // (2 * patients))
            observation = {
                "resourceType": "Observation",
                "id": f"o{index}",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
                "subject": {"reference": f"Patient/p{patient_number}"},
                "effectiveDateTime": f"{day.isoformat()}T08:00:00Z",
                "valueQuantity": {
                    "value": base + (index % 7) / 10,
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                    "code": unit,
                },
                "referenceRange": [{"text": "0-30 U/mL" if unit != "ng/mL" else "< 5.0"}],
                "performer": [{"display": "Bulk Lab"}],
            }
            out.write(json.dumps(observation) + "\n")
            if index % 1000 == 999:
                out.write(json.dumps({"resourceType": "Encounter", "id": f"e{index}"}) + "\n")
    return path
