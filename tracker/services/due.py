"""Overdue tests: per marker, the last reading and when the next one is due.

The intervals the user chose are read from ``due_intervals.py``. With no interval nothing
is ever called overdue: when to test is the care team's decision, and the tracker only
reminds of the rhythm the user chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS, Marker
from tracker.services.due_intervals import Interval, all_intervals, stored_intervals
from tracker.store.models import Patient, Reading
from tracker.store.stored_rows import readable, record_unreadable, unreadable_readings


@dataclass(frozen=True)
class DueItem:
    """One marker's schedule on a given day."""

    marker: Marker
    last_drawn_on: date | None
    interval: Interval | None
    next_due: date | None
    days_until_due: int | None  # negative when overdue

    @property
    def status(self) -> str:
        """``overdue``, ``due`` (today), ``upcoming``, ``no_interval`` or ``no_reading``."""
        if self.interval is None:
            return "no_interval"
        if self.days_until_due is None:
            return "no_reading"
        if self.days_until_due < 0:
            return "overdue"
        return "due" if self.days_until_due == 0 else "upcoming"

    @property
    def status_text(self) -> str:
        """``overdue by 12 days``, ``due in 3 days``, ``no interval set``…"""
        days = self.days_until_due
        if self.status == "overdue" and days is not None:
            return f"overdue by {_days(-days)}"
        if self.status == "upcoming" and days is not None:
            return f"due in {_days(days)}"
        return {"due": "due today", "no_interval": "no interval set"}.get(
            self.status, "no reading yet"
        )


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def due_items(session: Session, patient: Patient | None, *, today: date) -> list[DueItem]:
    """Each marker with a reading or an interval, in catalogue order."""
    last: dict[str, date] = {}
    if patient is not None:
        # Rows another program wrote malformed are left out (and named after the table).
        rows = session.execute(
            select(Reading.marker, func.max(Reading.drawn_on))
            .where(Reading.patient_id == patient.id, readable(session.get_bind().dialect.name))
            .group_by(Reading.marker)
        )
        last = {code: drawn_on for code, drawn_on in rows}
        record_unreadable(session, (row.id for row in unreadable_readings(session, patient.id)))
    intervals = stored_intervals(session, None if patient is None else patient.id)
    return due_items_from(last, intervals, today)


def due_items_from(
    last: dict[str, date], intervals: dict[str, Interval], today: date
) -> list[DueItem]:
    """Each marker with a reading or an interval, from the last draw dates (pure)."""
    items = []
    for code, marker in MARKERS.items():
        if code not in last and code not in intervals:
            continue
        interval = intervals.get(code)
        drawn_on = last.get(code)
        next_due = interval.after(drawn_on) if interval and drawn_on else None
        days = (next_due - today).days if next_due else None
        items.append(DueItem(marker, drawn_on, interval, next_due, days))
    return items


def due_by_patient(session: Session, *, today: date) -> list[tuple[str, list[DueItem]]]:
    """Every patient's items (by name), from one grouped query: ``due`` without --patient."""
    # Rows another program wrote malformed are left out (`tracker check` names them).
    rows = session.execute(
        select(Reading.patient_id, Reading.marker, func.max(Reading.drawn_on))
        .where(readable(session.get_bind().dialect.name))
        .group_by(Reading.patient_id, Reading.marker)
    )
    last: dict[int, dict[str, date]] = {}
    for patient_id, code, drawn_on in rows:
        last.setdefault(patient_id, {})[code] = drawn_on
    unreadable = select(Reading.id).where(not_(readable(session.get_bind().dialect.name)))
    record_unreadable(session, session.scalars(unreadable))
    intervals = all_intervals(session)
    patients = session.execute(select(Patient.id, Patient.name).order_by(Patient.name))
    return [
        (name, due_items_from(last.get(patient_id, {}), intervals.for_patient(patient_id), today))
        for patient_id, name in patients
    ]


def any_overdue(items: list[DueItem]) -> bool:
    """True when at least one marker's next test is past its due date."""
    return any(item.status == "overdue" for item in items)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _markers_json(items: list[DueItem]) -> list[dict[str, Any]]:
    return [
        {
            "marker": item.marker.name,
            "last_drawn_on": _iso(item.last_drawn_on),
            "interval": item.interval.text if item.interval else None,
            "next_due": _iso(item.next_due),
            "days_until_due": item.days_until_due,
            "status": item.status,
        }
        for item in items
    ]


def due_document(covered: list[tuple[str | None, list[DueItem]]], today: date) -> dict[str, Any]:
    """``due --json`` (documented in the README).

    ``patients`` holds every patient covered; ``patient`` and ``markers`` are the one
    patient's when exactly one is covered (as before several patients were covered).
    """
    one = covered[0] if len(covered) == 1 else (None, [])
    return {
        "patient": one[0],
        "today": today.isoformat(),
        "overdue": any(any_overdue(items) for _, items in covered),
        "markers": _markers_json(one[1]),
        "patients": [
            {"patient": name, "overdue": any_overdue(items), "markers": _markers_json(items)}
            for name, items in covered
            if name is not None
        ],
    }


def due_table_rows(items: list[DueItem]) -> list[list[str]]:
    """Marker, last reading, interval, next due date and status, for the text table."""
    return [
        [
            item.marker.name,
            item.last_drawn_on.isoformat() if item.last_drawn_on else "-",
            item.interval.words if item.interval else "-",
            item.next_due.isoformat() if item.next_due else "-",
            item.status_text,
        ]
        for item in items
    ]
