"""Checking exported Bundles with a real FHIR library (fhir.resources, R4B models)."""

from __future__ import annotations

import json
from typing import Any


def validated(text: str) -> dict[str, Any]:
    """Parse an exported Bundle, validate it with fhir.resources' R4B models, return the JSON.

    Also checks what the models leave to the writer: unique fullUrls, ids that match
    them, and subjects that point at a Patient inside the Bundle.
    """
    from fhir.resources.R4B.bundle import Bundle  # slow to import: only when used

    document: dict[str, Any] = json.loads(text)
    model = Bundle.model_validate(document)
    assert model.type == "collection"
    entries = document.get("entry", [])
    urls = [entry["fullUrl"] for entry in entries]
    assert len(set(urls)) == len(urls)
    patients = set()
    for entry in entries:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        if resource["resourceType"] == "Patient":
            patients.add(entry["fullUrl"])
    for entry in entries:
        subject = entry["resource"].get("subject")
        if subject is not None:
            assert subject["reference"] in patients
    return document
