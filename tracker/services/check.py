"""``tracker check``: a read-only look through the whole database for rows that cannot be right.

Everything here only reads. The database is opened without automatic migration, so a
schema that is not at head is reported rather than fixed, and rows that bypassed the
tracker's validation (an old version, a hand edit, a foreign-key-less copy) are found
with their ids so a person can correct them with ``edit`` / ``delete``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import MARKERS
from tracker.catalogue.units import format_value
from tracker.config import DatabaseLocation
from tracker.errors import NotFoundError
from tracker.services.check_rows import (
    PatientInfo,
    ReadingRow,
    as_date,
    event_problems,
    reading_problems,
)
from tracker.store.database import Database
from tracker.store.models import Event, Patient, Reading
from tracker.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
from tracker.store.schema_differences import schema_differences
from tracker.store.stored_rows import as_stored

# A named default (a design choice, not a published figure): a marker whose last
# LAB_SWITCH_WINDOW readings switch lab more than LAB_SWITCH_LIMIT times is reported,
# because readings are only compared within one lab and such a series gives the trend
# rules little to work with.
LAB_SWITCH_WINDOW = 10
LAB_SWITCH_LIMIT = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One thing found, sortable by where it is (schema, readings, events, series)."""

    section: int
    first_id: int
    line: str = field(compare=False)


@dataclass
class CheckReport:
    """What ``check`` looked at and what it found."""

    readings: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """One line per problem, schema first, then readings and events by id."""
        return [problem.line for problem in sorted(self.problems)]


def require_existing(location: DatabaseLocation) -> None:
    """``check`` never creates a database: a missing SQLite file is an error."""
    if location.sqlite_path is not None and not location.sqlite_path.exists():
        raise NotFoundError(f"no database at {location.display}")


def check_database(database: Database, *, today: date) -> CheckReport:
    """Look through every patient's rows; nothing is written."""
    report = CheckReport()
    revision, has_tables = database.schema_state()
    if revision is None or revision not in KNOWN_REVISIONS:
        if revision is None and not has_tables:
            reason = "the database has no tracker tables yet (run `tracker db upgrade`)"
        elif revision is None:
            reason = "the database holds other tables and is not a tracker database"
        else:
            reason = f"schema revision {revision} was written by a newer version of the tracker"
        report.problems.append(Problem(0, 0, f"schema: {reason}; nothing else was checked"))
        return report
    if revision != HEAD_REVISION:
        report.problems.append(
            Problem(
                0,
                0,
                f"schema: at revision {revision}, this version needs {HEAD_REVISION} "
                "(run `tracker db upgrade`)",
            )
        )
    report.problems.extend(
        Problem(0, 0, f"schema: {line}") for line in schema_differences(database, revision)
    )
    with database.reading() as session:
        # As stored: a malformed value must not stop the check (stored_rows.as_stored).
        dialect = session.get_bind().dialect.name
        patients = {
            row.id: PatientInfo(row.name, as_date(row.born))
            for row in session.execute(
                select(Patient.id, Patient.name, as_stored(Patient.born, dialect))
            )
        }
        readings = [
            ReadingRow(*row)
            for row in session.execute(
                select(
                    Reading.id,
                    Reading.patient_id,
                    Reading.marker,
                    as_stored(Reading.value, dialect),
                    Reading.qualifier,
                    Reading.unit,
                    as_stored(Reading.drawn_on, dialect),
                    Reading.lab,
                    as_stored(Reading.ref_high, dialect),
                ).order_by(Reading.id)
            )
        ]
        events = list(
            session.execute(
                select(
                    Event.id,
                    Event.patient_id,
                    Event.kind,
                    as_stored(Event.started_on, dialect),
                    as_stored(Event.ended_on, dialect),
                ).order_by(Event.id)
            )
        )
    report.readings, report.events = len(readings), len(events)
    for reading in readings:
        for line in reading_problems(reading, patients, today=today):
            report.problems.append(Problem(1, reading.id, line))
    for event in events:
        for line in event_problems(event, patients):
            report.problems.append(Problem(2, event.id, line))
    report.problems.extend(_duplicates(readings, patients))
    report.problems.extend(_lab_switches(readings, patients))
    return report


def _owner(patient_id: int, patients: dict[int, PatientInfo]) -> str:
    info = patients.get(patient_id)
    return info.name if info else f"patient #{patient_id}"


def _duplicates(readings: list[ReadingRow], patients: dict[int, PatientInfo]) -> list[Problem]:
    """Readings with the same identity: an unknown lab or qualifier is one value.

    The identity is docs/design.md's.
    """
    groups: dict[tuple[Any, ...], list[ReadingRow]] = defaultdict(list)
    for reading in readings:
        identity = (
            reading.patient_id,
            reading.marker,
            reading.drawn_on,
            reading.lab or "",
            reading.qualifier or "",
            reading.value,
        )
        groups[identity].append(reading)
    problems = []
    for group in groups.values():
        if len(group) < 2:
            continue
        first = group[0]
        ids = ", ".join(f"#{reading.id}" for reading in group)
        what = _reading_label(first)
        problems.append(
            Problem(
                3,
                first.id,
                f"readings {ids} of {_owner(first.patient_id, patients)}: the same reading "
                f"({what}) is stored {len(group)} times",
            )
        )
    return problems


def _reading_label(reading: ReadingRow) -> str:
    marker = MARKERS[reading.marker].name if reading.marker in MARKERS else reading.marker
    try:
        value = format_value(reading.qualifier, float(reading.value))
    except (TypeError, ValueError, OverflowError):
        value = str(reading.value)
    lab = f", {reading.lab}" if reading.lab else ""
    return f"{marker} {value} on {reading.drawn_on}{lab}"


def _lab_switches(readings: list[ReadingRow], patients: dict[int, PatientInfo]) -> list[Problem]:
    """Series whose lab changes more than LAB_SWITCH_LIMIT times in the latest readings."""
    series: dict[tuple[int, str], list[ReadingRow]] = defaultdict(list)
    for reading in readings:
        if as_date(reading.drawn_on) is not None:
            series[(reading.patient_id, reading.marker)].append(reading)
    problems = []
    for (patient_id, marker_code), rows in series.items():
        rows.sort(key=lambda row: (as_date(row.drawn_on), row.id))
        latest = rows[-LAB_SWITCH_WINDOW:]
        switched_at = [
            later.id
            for earlier, later in pairwise(latest)
            if lab_key(earlier.lab) != lab_key(later.lab)
        ]
        if len(switched_at) <= LAB_SWITCH_LIMIT:
            continue
        marker = MARKERS[marker_code].name if marker_code in MARKERS else marker_code
        at = ", ".join(f"#{reading_id}" for reading_id in switched_at)
        problems.append(
            Problem(
                3,
                latest[0].id,
                f"{marker} of {_owner(patient_id, patients)}: the lab changed "
                f"{len(switched_at)} times in the last {len(latest)} readings (at {at}); "
                "results are only compared within one lab, so check the lab names",
            )
        )
    return problems
