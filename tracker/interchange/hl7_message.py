"""One HL7 v2 ORU^R01 message read into tumor-marker results.

Which fields give what (README "Importing from your lab or hospital"): OBX-3 with coding
system ``LN`` the marker (a catalogue LOINC code), OBX-5 the value (``NM``; ``SN`` or
``ST`` with ``<``/``>``), OBX-6 the unit, the upper bound of OBX-7 ``ref_high``, OBX-14
(else OBR-7) the date, OBX-23 (else MSH-4) the lab, PID-5 the patient. Result status
(OBX-11) ``F`` and ``C`` are taken; any other is skipped and counted. A malformed segment
is one error naming its message and segment; the caller then imports nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import hl7

from tracker.catalogue.markers import Marker, marker_by_loinc
from tracker.catalogue.units import Measurement, measurement, parse_date
from tracker.errors import ValidationError
from tracker.interchange.reference_range import upper_bound

# Results a lab has released: final and corrected. P (preliminary), D (deleted), X (not
# obtained), W (wrong patient), I (pending), R (not verified)… are skipped.
TAKEN_STATUSES = ("F", "C")
_STATUS_WORDS = {
    "P": "preliminary",
    "D": "deleted",
    "X": "not obtained",
    "W": "posted to the wrong patient",
    "I": "pending",
    "R": "not verified",
    "S": "partial",
    "N": "not asked",
}
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_HL7_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")
_COMPARATORS = ("<", ">", "<=", ">=")
# Value types read as text (a typed value, as in a CSV cell: ``<0.5``).
_TEXT_TYPES = ("ST", "TX", "FT")


@dataclass(frozen=True)
class Hl7Result:
    """One taken OBX result, its texts as the message wrote them (escapes decoded).

    The patient name, the lab and the upper limit are checked by the import service (with
    the same rules as ``add``), which names ``where`` when one is refused.
    """

    where: str
    patient: str | None
    marker: Marker
    measured: Measurement
    drawn_on: date
    lab: str | None
    # The upper bound of OBX-7 (number as written, unit or None), if it has one.
    ref_bound: tuple[str, str | None] | None
    # OBX-11 ``C``: this result replaces what the lab sent before for the same test.
    corrected: bool = False


@dataclass
class Hl7Contents:
    """The results of a file's messages, what was skipped, and notes about whole messages."""

    messages: int = 0
    results: list[Hl7Result] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Segment:
    number: int  # 1-based within its message (MSH is 1)
    text: str


def _component(segment: Any, field_number: int, component: int = 1) -> str:
    """One component of a field's first repetition, escapes still in place ('' if absent)."""
    if len(segment) <= field_number:
        return ""
    value = segment[field_number]
    if isinstance(value, str):
        return value if component == 1 else ""
    repetition = value[0] if len(value) else ""
    if isinstance(repetition, str):
        return repetition if component == 1 else ""
    return str(repetition[component - 1]) if len(repetition) >= component else ""


def _unescaped(message: Any, segment: Any, field_number: int, component: int = 1) -> str:
    """A component with HL7 escape sequences (``\\F\\``, ``\\T\\``, ``\\X41\\``…) decoded."""
    return str(message.unescape(_component(segment, field_number, component)))


class Hl7Message:
    """One ORU^R01 message: its segments in order, read into readings."""

    def __init__(self, number: int, segments: list[Segment], today: date) -> None:
        self._number = number
        self._segments = segments
        self._today = today
        self._control_id = ""

    def _where(self, segment: Segment | None = None) -> str:
        name = f"message {self._number}"
        if self._control_id:
            name += f" (control ID {self._control_id})"
        if segment is not None:
            name += f", segment {segment.number} ({segment.text[:3]})"
        return name

    def read(self, contents: Hl7Contents) -> None:
        header_text = self._segments[0].text
        # MSH-1 is the field separator ('|' in practice); MSH-10 (the control ID) names
        # the message in errors, even before it is parsed.
        if len(header_text) < 8:
            raise ValidationError(
                f"{self._where()}, segment 1: {header_text!r} lacks the separators an MSH "
                "segment starts with (MSH-1 and MSH-2, e.g. 'MSH|^~\\&')"
            )
        separator = header_text[3]
        header_fields = header_text.split(separator)
        self._control_id = header_fields[9].strip() if len(header_fields) > 9 else ""
        for segment in self._segments:
            if not _SEGMENT_ID.match(segment.text[:3]) or segment.text[3:4] not in ("", separator):
                raise ValidationError(
                    f"{self._where()}, segment {segment.number}: {segment.text[:30]!r} is not "
                    f"an HL7 segment (three capital letters or digits, then {separator!r})"
                )
        try:
            message = hl7.parse("\r".join(s.text for s in self._segments))
        except Exception as error:  # the parser's own errors differ by kind of damage
            raise ValidationError(f"{self._where()} cannot be read as HL7 ({error})") from None
        if len(message) != len(self._segments):
            raise ValidationError(f"{self._where()} cannot be read as HL7 (segments differ)")
        header = message[0]
        self._control_id = _unescaped(message, header, 10)
        kind = f"{_component(header, 9, 1)}^{_component(header, 9, 2)}"
        if kind != "ORU^R01":
            # A whole message that is not a lab result holds no OBX results to count
            # among the skipped Observations; a note says it was passed over.
            what = f"an {kind} message" if kind != "^" else "a message without a type (MSH-9)"
            contents.notes.append(
                f"{self._where()} is {what}, not a lab result; nothing was taken from it."
            )
            return
        sending_lab = _unescaped(message, header, 4)
        patient: str | None = None
        order_date = ""
        taken = skipped = 0
        for segment, parsed in zip(self._segments, message, strict=True):
            kind_of_segment = segment.text[:3]
            try:
                if kind_of_segment == "PID":
                    patient = self._patient(message, parsed)
                elif kind_of_segment == "OBR":
                    order_date = _component(parsed, 7)
                elif kind_of_segment == "OBX":
                    result = self._result(
                        message, parsed, patient, order_date, sending_lab, self._where(segment)
                    )
                    if isinstance(result, str):
                        contents.skipped[result] += 1
                        skipped += 1
                    else:
                        contents.results.append(result)
                        taken += 1
            except ValidationError as error:
                raise ValidationError(f"{self._where(segment)}: {error.message}") from None
        if not taken:
            results = "no results" if not skipped else f"{skipped} skipped"
            contents.notes.append(
                f"{self._where()} holds no tumor-marker result ({results}); nothing was "
                "taken from it."
            )

    @staticmethod
    def _patient(message: Any, pid: Any) -> str | None:
        family = _unescaped(message, pid, 5, 1).strip()
        given = _unescaped(message, pid, 5, 2).strip()
        return " ".join(part for part in (given, family) if part) or None

    def _result(
        self,
        message: Any,
        obx: Any,
        patient: str | None,
        order_date: str,
        sending_lab: str,
        where: str,
    ) -> Hl7Result | str:
        marker = self._marker(obx)
        if isinstance(marker, str):
            return marker
        status = _component(obx, 11).strip().upper()
        if status not in TAKEN_STATUSES:
            word = _STATUS_WORDS.get(status, "unknown" if status else "none given")
            return f"{marker.name} result with status {status!r} ({word})"
        unit = _unescaped(message, obx, 6, 1).strip() or (_unescaped(message, obx, 6, 2).strip())
        value_text = self._value(message, obx, marker)
        measured = measurement(marker, value_text, unit or None)
        range_text = _unescaped(message, obx, 7).strip()
        when = _component(obx, 14).strip() or order_date.strip()
        lab = _unescaped(message, obx, 23).strip() or sending_lab
        return Hl7Result(
            where=where,
            patient=patient,
            marker=marker,
            measured=measured,
            drawn_on=self._date(when),
            lab=lab or None,
            ref_bound=upper_bound(range_text) if range_text else None,
            corrected=status == "C",
        )

    @staticmethod
    def _marker(obx: Any) -> Marker | str:
        """The catalogue marker of OBX-3 (identifier or alternate identifier), or a skip reason."""
        codes = [
            (_component(obx, 3, 1).strip(), _component(obx, 3, 3).strip().upper()),
            (_component(obx, 3, 4).strip(), _component(obx, 3, 6).strip().upper()),
        ]
        loinc = [code for code, system in codes if code and system == "LN"]
        marker = next((m for code in loinc if (m := marker_by_loinc(code))), None)
        if marker is not None:
            return marker
        if loinc:
            return f"OBX with another code (LOINC {loinc[0]})"
        return "OBX without a LOINC code"

    @staticmethod
    def _value(message: Any, obx: Any, marker: Marker) -> str:
        value_type = _component(obx, 2).strip().upper()
        if value_type == "SN":
            comparator = _component(obx, 5, 1).strip()
            number = _component(obx, 5, 2).strip()
            if _component(obx, 5, 3).strip() or _component(obx, 5, 4).strip():
                raise ValidationError(
                    f"the {marker.name} value {str(obx[5])!r} is a range or ratio, not one number"
                )
            if comparator in ("", "="):
                comparator = ""
            elif comparator not in _COMPARATORS:
                raise ValidationError(f"comparator {comparator!r} is not <, <=, > or >=")
            if not number:
                raise ValidationError(f"the {marker.name} result has no value (OBX-5)")
            return comparator + number
        if value_type == "NM" or value_type in _TEXT_TYPES:
            text = _unescaped(message, obx, 5).strip()
            if not text:
                raise ValidationError(f"the {marker.name} result has no value (OBX-5)")
            if value_type == "NM" and text[:1] in "<>":
                raise ValidationError(
                    f"the {marker.name} value {text!r} has a comparator but type NM "
                    "(a lab writes it as SN)"
                )
            return text
        raise ValidationError(
            f"the {marker.name} result has value type {value_type or 'none'!r} (OBX-2); "
            "NM, SN or ST was expected"
        )

    def _date(self, when: str) -> date:
        match = _HL7_DATE.match(when)
        if match is None:
            raise ValidationError(
                f"date {when!r} is not an HL7 date (YYYYMMDD…) in OBX-14 or OBR-7"
                if when
                else "the result has no date (OBX-14 or OBR-7)"
            )
        year, month, day = match.groups()
        return parse_date(f"{year}-{month}-{day}", today=self._today)
