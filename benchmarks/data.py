"""Synthetic but realistic readings for the benchmarks, seeded straight into a database.

Each patient has two markers (CEA and CA 15-3), read on the same days (every day for the
10k-reading patient, whose series are long; every three weeks for the report); each series
moved from one lab to another half-way, as real series do. Seeding writes straight into
the tracker's tables with SQLAlchemy Core executemany: it is set-up, not what is measured.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

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
