"""The upper bound of a reference range written as text: ``0-30 U/mL``, ``< 5.0``, ``≤ 30``.

FHIR ``referenceRange.text`` and HL7 OBX-7 carry the lab's range as text. Only its upper
bound is kept (``ref_high``, README "Importing from your lab or hospital"); a text with no
upper bound (``> 10``, ``negative``) gives none, and the marker's default limit applies.
"""

from __future__ import annotations

import re

_NUMBER = r"\d+(?:[.,]\d+)?"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
# "0-30", "0.0 - 5.0 ng/mL", "0 to 30 U/mL": the second number is the upper bound.
_BETWEEN = re.compile(
    rf"^\s*(?P<low>{_NUMBER})\s*(?:[{_DASHES}]|to)\s*(?P<high>{_NUMBER})\s*(?P<unit>[^\d\s].*)?$",
    re.IGNORECASE,
)
# "< 5.0", "<=30", "≤ 30 U/mL", "up to 30": the number is the upper bound.
_BELOW = re.compile(
    rf"^\s*(?:<=?|≤|=<|up\s+to)\s*(?P<high>{_NUMBER})\s*(?P<unit>[^\d\s].*)?$", re.IGNORECASE
)


def upper_bound(text: str) -> tuple[str, str | None] | None:
    """(number as written, unit or None) of the range's upper bound, or None if it has none."""
    cleaned = text.replace("\u00a0", " ").strip()
    match = _BETWEEN.match(cleaned) or _BELOW.match(cleaned)
    if match is None:
        return None
    unit = match.group("unit")
    return match.group("high").replace(",", "."), unit.strip() if unit else None
