"""What a typed field may be: lab names, notes, upper reference limits, event kinds and
names, patient names (one rule for `add`, `edit`, the CSV and the FHIR import).

Below every service and the interchange readers, so a reader of another system's
format judges a field exactly as `add` does without importing a service.
"""

from __future__ import annotations

import math

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.markers import VALUE_CEILING, Marker
from tracker.catalogue.typed_text import clean_label, normalise_spaces, refuse_control_characters
from tracker.catalogue.units import SMALLEST_POSITIVE_VALUE, parse_value, unit_factor
from tracker.errors import ValidationError

NOTE_MAX_CHARS = 2000


def clean_lab(lab: str | None) -> str | None:
    """Trimmed lab name, inner spaces collapsed; empty means unknown (None)."""
    if lab is None:
        return None
    cleaned = clean_label(lab, "a lab name")
    if len(cleaned) > 200:
        raise ValidationError("a lab name can be at most 200 characters")
    return cleaned or None


def clean_note(note: str | None) -> str | None:
    """Notes are kept as typed (they round-trip through CSV), only emptiness means none."""
    if note is None or not note.strip():
        return None
    refuse_control_characters(note, "a note")
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(f"a note can be at most {NOTE_MAX_CHARS} characters")
    return note


def parse_ref_high(marker: Marker, text: str | None, unit: str | None) -> float | None:
    """The lab's upper reference limit, in the marker's canonical unit."""
    if text is None or not str(text).strip():
        return None
    try:
        parsed = parse_value(str(text))
    except ValidationError:
        parsed = None
    if parsed is None or parsed.qualifier is not None:
        raise ValidationError(
            f"upper reference limit {text!r} must be a plain number above 0 (e.g. 30)"
        )
    value = parsed.number * unit_factor(marker, parsed.unit or unit)
    if not math.isfinite(value) or value < SMALLEST_POSITIVE_VALUE or value > VALUE_CEILING:
        raise ValidationError(
            f"upper reference limit {text!r} must be a number above 0 and at most "
            f"{VALUE_CEILING:,.0f}"
        )
    return value


def clean_kind(kind: str) -> str:
    """An event kind from the fixed list (case-insensitive)."""
    cleaned = normalise_spaces(kind or "").lower()
    if cleaned not in EVENT_KINDS:
        raise ValidationError(f"unknown event kind {kind!r}; use one of: {', '.join(EVENT_KINDS)}")
    return cleaned


def clean_event_name(name: str) -> str:
    """The event's name, trimmed; it cannot be empty."""
    cleaned = clean_label(name or "", "an event name")
    if not cleaned:
        raise ValidationError("an event needs a name (e.g. letrozole, smoking, bone pain)")
    if len(cleaned) > 200:
        raise ValidationError("an event name can be at most 200 characters")
    return cleaned


def clean_name(name: str) -> str:
    """A patient name with white space tidied; empty names are refused."""
    cleaned = clean_label(name or "", "a patient name")
    if not cleaned:
        raise ValidationError("a patient name cannot be empty")
    if len(cleaned) > 200:
        raise ValidationError("a patient name can be at most 200 characters")
    return cleaned
