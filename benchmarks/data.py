"""Synthetic but realistic readings for the benchmarks, seeded straight into a database.

Each patient has two markers (CEA and CA 15-3), read on the same days (every day for the
10k-reading patient, whose series are long; every three weeks for the report); each series
moved from one lab to another half-way, as real series do. Seeding writes straight into
the tracker's tables with SQLAlchemy Core executemany: it is set-up, not what is measured.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.trend.types import ReadingPoint

# Every series ends on this day; `add` runs log later dates (up to today), one per run.
SERIES_END = date(2024, 1, 1)
# (catalogue code, canonical unit, typical level, swing)
MARKERS = (("CEA", "ng/mL", 3.0, 1.5), ("CA15-3", "U/mL", 24.0, 8.0))
LABS = ("City Lab", "North Lab")
SEED_BATCH = 20_000
SEEDED_AT = datetime(2024, 1, 2, 12, 0, 0)


@dataclass(frozen=True)
class SyntheticReading:
    """One reading as the benchmarks write it (value in the canonical unit)."""

    patient: str
    marker_code: str
    value: float
    unit: str
    drawn_on: date
    lab: str


def patient_name(index: int) -> str:
    return f"patient {index + 1:04d}"


def synthetic_readings(
    count: int, *, per_patient: int, spacing_days: int = 1, seed: int = 1913
) -> Iterator[SyntheticReading]:
    """``count`` readings, ``per_patient`` for each patient in turn (the last may get fewer),
    ``spacing_days`` apart within each marker's series."""
    rng = random.Random(seed)
    series_length = max(1, per_patient // len(MARKERS))
    for index in range(count):
        within = index % per_patient
        code, unit, level, swing = MARKERS[within % len(MARKERS)]
        position = within // len(MARKERS)
        drift = level + swing * math.sin(position / 40.0)
        yield SyntheticReading(
            patient=patient_name(index // per_patient),
            marker_code=code,
            value=round(drift * math.exp(rng.gauss(0.0, 0.1)), 1),
            unit=unit,
            drawn_on=SERIES_END - timedelta(days=spacing_days * (series_length - position)),
            lab=LABS[0] if position < series_length // 2 else LABS[1],
        )


def seed_readings(url: str, count: int, *, per_patient: int, spacing_days: int = 1) -> None:
    """Insert ``count`` readings (and their patients) into a migrated, empty database."""
    from sqlalchemy import create_engine, insert, select

    from tracker.store.models import Patient, Reading

    engine = create_engine(url)
    patients = (count + per_patient - 1) // per_patient
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(Patient.__table__),  # type: ignore[arg-type]
                [{"name": patient_name(i), "created_at": SEEDED_AT} for i in range(patients)],
            )
            ids = dict(connection.execute(select(Patient.name, Patient.id)).tuples().all())
            rows = (
                {
                    "patient_id": ids[r.patient],
                    "marker": r.marker_code,
                    "value": r.value,
                    "qualifier": None,
                    "unit": r.unit,
                    "entered_value": str(r.value),
                    "entered_unit": r.unit,
                    "drawn_on": r.drawn_on,
                    "lab": r.lab,
                    "ref_high": None,
                    "note": None,
                    "source": "csv",
                    "created_at": SEEDED_AT,
                }
                for r in synthetic_readings(
                    count, per_patient=per_patient, spacing_days=spacing_days
                )
            )
            while batch := list(islice(rows, SEED_BATCH)):
                connection.execute(insert(Reading.__table__), batch)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def seed_events(url: str, patient: str, first_day: date) -> None:
    """Two treatment lines, supportive care and a condition: periods for the report to shade."""
    from sqlalchemy import create_engine, insert, select

    from tracker.store.models import Event, Patient

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            patient_id = connection.execute(
                select(Patient.id).where(Patient.name == patient)
            ).scalar_one()
            connection.execute(
                insert(Event.__table__),  # type: ignore[arg-type]
                [
                    {"patient_id": patient_id, "kind": kind, "name": name,
                     "started_on": first_day + timedelta(days=offset), "ended_on": None,
                     "note": None, "created_at": SEEDED_AT}
                    for kind, name, offset in (
                        ("treatment", "letrozole", 10),
                        ("supportive", "zoledronate", 12),
                        ("condition", "smoking", 0),
                        ("treatment", "capecitabine", 1200),
                    )
                ],
            )  # fmt: skip
    finally:
        engine.dispose()


# The flag-heavy shape (issue 17): four markers from three labs, the labs alternating
# within each day (each marker from another lab than the one before it) and turning from
# one day to the next, so every draw date of a marker comes from another lab than its
# previous one (a lab-change flag), and values swing enough for frequent rise flags.
FLAG_HEAVY_MARKERS = (
    ("CEA", "CEA", "ng/mL", 3.0),
    ("CA 15-3", "CA15-3", "U/mL", 24.0),
    ("CA 27.29", "CA27.29", "U/mL", 30.0),
    ("CA 125", "CA125", "U/mL", 20.0),
)
FLAG_HEAVY_LABS = ("City Lab", "North Lab", "Hospital Lab")
FLAG_HEAVY_PER_PATIENT = 4_000  # 1,000 days of one draw of all four markers


def flag_heavy_readings(
    count: int, *, per_patient: int = FLAG_HEAVY_PER_PATIENT, seed: int = 1917
) -> Iterator[tuple[SyntheticReading, str]]:
    """``count`` readings of the flag-heavy shape, each with its marker's display name.

    Each day every marker is read once, marker m on day d at lab (d + m) mod 3; values
    swing by about 25 % around the marker's level.
    """
    rng = random.Random(seed)
    per_day = len(FLAG_HEAVY_MARKERS)
    days = max(1, per_patient // per_day)
    for index in range(count):
        day, marker_index = divmod(index % per_patient, per_day)
        name, code, unit, level = FLAG_HEAVY_MARKERS[marker_index]
        yield (
            SyntheticReading(
                patient=patient_name(index // per_patient),
                marker_code=code,
                value=round(level * math.exp(rng.gauss(0.0, 0.25)), 1),
                unit=unit,
                drawn_on=SERIES_END - timedelta(days=days - day),
                lab=FLAG_HEAVY_LABS[(day + marker_index) % len(FLAG_HEAVY_LABS)],
            ),
            name,
        )


def flag_heavy_points(count: int) -> list[ReadingPoint]:
    """One patient's ``count`` flag-heavy readings as the trend engine takes them."""
    from tracker.trend.types import ReadingPoint

    return [
        ReadingPoint(
            id=index + 1,
            marker=reading.marker_code,
            value=reading.value,
            qualifier=None,
            drawn_on=reading.drawn_on,
            lab=reading.lab,
        )
        for index, (reading, _) in enumerate(flag_heavy_readings(count, per_patient=count))
    ]


CSV_HEADER = ("record", "patient", "marker", "value", "unit", "drawn_on", "lab", "ref_high",
              "note", "kind", "name", "ended_on")  # fmt: skip
DISPLAY_NAMES = {code: name for name, code, _, _ in FLAG_HEAVY_MARKERS}


def write_flag_heavy_csv(path: Path, rows: int) -> Path:
    """An export-format CSV of ``rows`` flag-heavy readings (patients of 4,000)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for reading, name in flag_heavy_readings(rows):
            writer.writerow(
                ["reading", reading.patient, name, f"{reading.value:g}", reading.unit,
                 reading.drawn_on.isoformat(), reading.lab, "", "", "", "", ""]
            )  # fmt: skip
    return path


def write_clinic_csv(path: Path, patients: int, per_patient: int) -> Path:
    """A clinic's export-format CSV: ``patients`` × ``per_patient`` readings (two markers,
    every three weeks, a lab change half-way) and each patient's four events."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        readings = synthetic_readings(
            patients * per_patient, per_patient=per_patient, spacing_days=CLINIC_SPACING_DAYS
        )
        for index, reading in enumerate(readings):
            writer.writerow(
                ["reading", reading.patient, DISPLAY_NAMES[reading.marker_code],
                 f"{reading.value:g}", reading.unit, reading.drawn_on.isoformat(), reading.lab,
                 "", "", "", "", ""]
            )  # fmt: skip
            if index % per_patient == per_patient - 1:
                for kind, name, started_on in clinic_events(per_patient):
                    writer.writerow(
                        ["event", reading.patient, "", "", "", started_on.isoformat(), "", "",
                         "", kind, name, ""]
                    )  # fmt: skip
    return path


CLINIC_SPACING_DAYS = 21


def clinic_events(per_patient: int) -> list[tuple[str, str, date]]:
    """Each clinic patient's events: as seed_events, from the first reading's day on."""
    first_day = SERIES_END - timedelta(days=CLINIC_SPACING_DAYS * (per_patient // len(MARKERS)))
    return [
        (kind, name, first_day + timedelta(days=offset))
        for kind, name, offset in (
            ("treatment", "letrozole", 10),
            ("supportive", "zoledronate", 12),
            ("condition", "smoking", 0),
            ("treatment", "capecitabine", 300),
        )
    ]


def seed_clinic(url: str, patients: int, per_patient: int) -> None:
    """A clinic in a migrated, empty database: readings as write_clinic_csv, and events."""
    from sqlalchemy import create_engine, insert, select

    from tracker.store.models import Event, Patient

    seed_readings(
        url, patients * per_patient, per_patient=per_patient, spacing_days=CLINIC_SPACING_DAYS
    )
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            ids = list(connection.execute(select(Patient.id)).scalars())
            connection.execute(
                insert(Event.__table__),  # type: ignore[arg-type]
                [
                    {"patient_id": patient_id, "kind": kind, "name": name,
                     "started_on": started_on, "ended_on": None, "note": None,
                     "created_at": SEEDED_AT}
                    for patient_id in ids
                    for kind, name, started_on in clinic_events(per_patient)
                ],
            )  # fmt: skip
    finally:
        engine.dispose()
