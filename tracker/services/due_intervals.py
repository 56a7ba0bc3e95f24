"""Test intervals: how often each marker is due, for everyone or for one person.

The user sets an interval per marker (``due --every CEA=3m``); it is stored as the setting
``due.every.<marker code>`` and applies to every patient, unless ``--patient`` sets that
person's own (``due.patient.<patient id>.every.<marker code>``, where ``off`` switches an
interval off for that person only; docs/design.md).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS, Marker, find_marker
from tracker.errors import ValidationError
from tracker.services.settings import get_settings, set_setting
from tracker.store.models import Patient

SETTING_PREFIX = "due.every."
PATIENT_PREFIX = "due.patient."
# A design choice: shorter than a day means nothing for blood tests, and beyond five
# years a reminder is no longer a rhythm.
MAX_INTERVAL_DAYS = 5 * 366
_INTERVAL = re.compile(r"^(\d{1,4})\s*([dwmy])$")
_UNIT_WORDS = {"d": "day", "w": "week", "m": "month", "y": "year"}
_APPROX_DAYS = {"d": 1, "w": 7, "m": 31, "y": 366}
OFF = "off"


@dataclass(frozen=True)
class Interval:
    """A test interval such as 6 weeks or 3 months (months and years follow the calendar)."""

    count: int
    unit: str  # one of d, w, m, y

    @property
    def text(self) -> str:
        """The short form the user typed and the setting stores: ``3m``."""
        return f"{self.count}{self.unit}"

    @property
    def words(self) -> str:
        """``3 months``, ``1 year``."""
        word = _UNIT_WORDS[self.unit]
        return f"{self.count} {word}{'' if self.count == 1 else 's'}"

    def after(self, start: date) -> date:
        """The date one interval after ``start`` (31 Jan + 1 month = 28/29 Feb)."""
        if self.unit == "d":
            return start + timedelta(days=self.count)
        if self.unit == "w":
            return start + timedelta(weeks=self.count)
        months = self.count * (12 if self.unit == "y" else 1)
        year, month_index = divmod(start.month - 1 + months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month_index + 1)[1])
        return date(year, month_index + 1, day)


def parse_interval(text: str) -> Interval:
    """``6w``, ``3m``, ``90d``, ``1y`` (case and inner spaces ignored)."""
    match = _INTERVAL.match(str(text).strip().lower())
    if match is None:
        raise ValidationError(
            f"interval {text!r} is not like 6w, 3m, 90d or 1y (days, weeks, months, years), "
            f"or {OFF!r} to remove it"
        )
    interval = Interval(int(match.group(1)), match.group(2))
    if interval.count == 0 or interval.count * _APPROX_DAYS[interval.unit] > MAX_INTERVAL_DAYS:
        raise ValidationError(f"interval {text!r} must be between 1 day and 5 years")
    return interval


def parse_every(text: str) -> tuple[Marker, Interval | None]:
    """``CEA=3m`` -> (CEA, 3 months); ``CEA=off`` -> (CEA, None)."""
    name, separator, value = str(text).rpartition("=")
    if not separator or not name.strip():
        raise ValidationError(f"--every {text!r} must look like MARKER=INTERVAL, e.g. CEA=3m")
    marker = find_marker(name)
    if value.strip().lower() == OFF:
        return marker, None
    return marker, parse_interval(value)


def setting_key(marker: Marker, patient_id: int | None = None) -> str:
    """The setting that holds a marker's interval: ``due.every.CEA`` (everyone's) or
    ``due.patient.7.every.CEA`` (one person's own)."""
    if patient_id is None:
        return f"{SETTING_PREFIX}{marker.code}"
    return f"{PATIENT_PREFIX}{patient_id}.every.{marker.code}"


def _parse_stored(key: str, value: str, code: str) -> Interval | None:
    if value == OFF:
        return None
    try:
        return parse_interval(value)
    except ValidationError:
        raise ValidationError(
            f"the stored interval {key}={value!r} is not valid; reset it with "
            f"`tracker due --every {MARKERS[code].name.replace(' ', '')}=off`"
        ) from None


@dataclass(frozen=True)
class Intervals:
    """Everyone's intervals and the persons' own (``None``: switched off for that person)."""

    everyone: dict[str, Interval]
    own: dict[int, dict[str, Interval | None]]

    def for_patient(self, patient_id: int | None) -> dict[str, Interval]:
        """Marker code -> the interval in force for one patient."""
        merged: dict[str, Interval | None] = dict(self.everyone)
        if patient_id is not None:
            merged.update(self.own.get(patient_id, {}))
        return {code: interval for code, interval in merged.items() if interval is not None}


def all_intervals(session: Session) -> Intervals:
    """Every stored interval, read in one query (``review`` covers all patients at once)."""
    everyone: dict[str, Interval] = {}
    own: dict[int, dict[str, Interval | None]] = {}
    for key, value in get_settings(session, "due.").items():
        if key.startswith(SETTING_PREFIX):
            code = key.removeprefix(SETTING_PREFIX)
            if code in MARKERS:  # a marker this version no longer knows: nothing to remind of
                interval = _parse_stored(key, value, code)
                if interval is not None:
                    everyone[code] = interval
        elif key.startswith(PATIENT_PREFIX):
            patient_part, _, code = key.removeprefix(PATIENT_PREFIX).partition(".every.")
            if patient_part.isdigit() and code in MARKERS:
                own.setdefault(int(patient_part), {})[code] = _parse_stored(key, value, code)
    return Intervals(everyone, own)


def stored_intervals(session: Session, patient_id: int | None = None) -> dict[str, Interval]:
    """Marker code -> interval in force (everyone's, or one patient's with their own)."""
    return all_intervals(session).for_patient(patient_id)


def update_intervals(
    session: Session, every: tuple[str, ...], *, clear: bool, patient: Patient | None = None
) -> list[str]:
    """Persist ``--every`` settings (after ``--clear`` removes them); returns what changed.

    Without ``patient`` the intervals are everyone's; with one they are that person's own
    (``--clear`` then removes only theirs, so everyone's apply again).
    """
    parsed = [parse_every(text) for text in every]  # all validated before anything is stored
    changes: list[str] = []
    whose = "" if patient is None else f" for {patient.name}"
    prefix = SETTING_PREFIX if patient is None else f"{PATIENT_PREFIX}{patient.id}.every."
    if clear:
        for key in get_settings(session, prefix):
            set_setting(session, key, None)
        if patient is None:
            changes.append("Removed all test intervals.")
        else:
            changes.append(f"Removed {patient.name}'s own test intervals; everyone's apply.")
    for marker, interval in parsed:
        key = setting_key(marker, None if patient is None else patient.id)
        if interval is None:
            set_setting(session, key, None if patient is None else OFF)
            changes.append(f"{marker.name}: no interval{whose} (never called overdue).")
        else:
            set_setting(session, key, interval.text)
            changes.append(f"{marker.name}: a test every {interval.words}{whose}.")
    return changes


def forget_patient_intervals(session: Session, patient_id: int) -> None:
    """Remove one person's own intervals (when the person is deleted)."""
    for key in get_settings(session, f"{PATIENT_PREFIX}{patient_id}.every."):
        set_setting(session, key, None)
