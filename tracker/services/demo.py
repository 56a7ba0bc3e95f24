"""The demo patient: a realistic two-year CEA and CA 15-3 history, relative to today.

The story exercises every part of the report: a first treatment line whose markers fall
to a nadir, a rise confirmed by a recheck, a change of treatment followed by a flare
that settles, a switch to another lab, a slow creep at the end, a logged smoking habit
(a benign cause of a raised CEA), a symptom and a supportive bisphosphonate. The values
are invented, in the ranges the cited studies describe; they belong to no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.catalogue.event_kinds import CONDITION, SUPPORTIVE, SYMPTOM, TREATMENT
from tracker.services.events import add_event
from tracker.services.patients import add_patient
from tracker.services.readings import ReadingFields, add_reading
from tracker.store.models import Event, Patient, Reading, name_key_of

DEMO_PATIENT = "Demo patient"
DEMO_BORN = date(1966, 4, 12)
FIRST_LAB = "City Hospital Lab"
SECOND_LAB = "Northside Clinical Lab"


@dataclass(frozen=True)
class DemoDraw:
    """One blood draw: days before today, CEA (ng/mL), CA 15-3 (U/mL), lab, note."""

    days_ago: int
    cea: str
    ca153: str
    lab: str
    note: str | None = None


@dataclass(frozen=True)
class DemoEvent:
    """One logged event: kind, name, days before today it started (and ended)."""

    kind: str
    name: str
    started_days_ago: int
    ended_days_ago: int | None = None
    note: str | None = None


# Letrozole from day -730; CEA and CA 15-3 fall to a nadir, then rise (confirmed by a
# recheck four weeks later). Capecitabine from day -395: a flare at day 20 that settles
# by day 60. A new lab from day -150 (its own reference limits), then a slow creep.
DRAWS = (
    DemoDraw(745, "4.2", "48", FIRST_LAB, "before starting letrozole"),
    DemoDraw(690, "3.1", "38", FIRST_LAB),
    DemoDraw(640, "2.6", "31", FIRST_LAB),
    DemoDraw(590, "2.3", "27", FIRST_LAB),
    DemoDraw(540, "2.2", "25", FIRST_LAB),
    DemoDraw(490, "2.4", "26", FIRST_LAB),
    DemoDraw(440, "3.4", "34", FIRST_LAB),
    DemoDraw(410, "4.1", "39", FIRST_LAB, "recheck four weeks after the rise"),
    DemoDraw(375, "5.4", "52", FIRST_LAB, "three weeks into capecitabine"),
    DemoDraw(335, "3.6", "36", FIRST_LAB),
    DemoDraw(290, "2.9", "30", FIRST_LAB),
    DemoDraw(245, "2.5", "27", FIRST_LAB),
    DemoDraw(200, "2.3", "25", FIRST_LAB),
    DemoDraw(150, "2.7", "28", SECOND_LAB, "moved to the clinic's own lab"),
    DemoDraw(105, "2.8", "27", SECOND_LAB),
    DemoDraw(60, "3.0", "29", SECOND_LAB),
    DemoDraw(30, "3.3", "31", SECOND_LAB),
    DemoDraw(5, "3.7", "33", SECOND_LAB),
)
# The second lab prints its own upper reference limits on each result.
SECOND_LAB_LIMITS = {"CEA": "5.0", "CA15-3": "32"}

EVENTS = (
    DemoEvent(CONDITION, "smoking", 3650, note="about 10 cigarettes a day"),
    DemoEvent(TREATMENT, "letrozole", 730, 396),
    DemoEvent(SYMPTOM, "bone pain", 420, note="lower back, for two weeks"),
    DemoEvent(SUPPORTIVE, "zoledronate", 415, note="every 4 weeks"),
    DemoEvent(TREATMENT, "capecitabine", 395),
)


def fill_demo_patient(session: Session, today: date) -> tuple[Patient, int, int]:
    """Create the demo patient, or replace all of their rows; (patient, readings, events).

    Only the demo patient's rows change: other people in the same database are untouched.
    """
    patient = session.scalar(select(Patient).where(Patient.name_key == name_key_of(DEMO_PATIENT)))
    if patient is None:
        patient = add_patient(session, DEMO_PATIENT, DEMO_BORN)
    else:
        session.execute(delete(Reading).where(Reading.patient_id == patient.id))
        session.execute(delete(Event).where(Event.patient_id == patient.id))
        patient.born = DEMO_BORN
    for item in EVENTS:
        ended = today - timedelta(days=item.ended_days_ago) if item.ended_days_ago else None
        add_event(
            session,
            patient,
            item.kind,
            item.name,
            today - timedelta(days=item.started_days_ago),
            ended,
            item.note,
        )
    readings = 0
    for draw in DRAWS:
        drawn_on = today - timedelta(days=draw.days_ago)
        for marker, value in (("CEA", draw.cea), ("CA15-3", draw.ca153)):
            limit = SECOND_LAB_LIMITS[marker] if draw.lab == SECOND_LAB else None
            fields = ReadingFields(marker, value, None, drawn_on, draw.lab, limit, draw.note)
            add_reading(session, patient, fields, today=today, source="demo")
            readings += 1
    return patient, readings, len(EVENTS)
