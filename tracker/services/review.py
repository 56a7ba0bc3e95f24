"""A clinic's worklist: every patient's open rise flags and overdue tests, most urgent first.

``review`` reads every patient at once, so it loads all readings, events and settings in a
few queries (never one per patient) and runs the pure trend engine per patient; flag texts
are built lazily by the engine, and here only the one-line headlines of what is shown
(docs/design.md, "review"). Which flags count as open follows docs/clinical-rules.md:
the latest rise-type flag of each (marker, lab) series while it is `unconfirmed`, or
`confirmed` with the series' latest draw still up against the same comparison value; a
rise to a value still within the usual range is listed only once it is `confirmed`. That
rule holds back the unconfirmed flag alone: when it is a further step of an episode whose
earlier flag is confirmed and still up, the confirmed flag is listed instead, with the
series' latest value beside it. A flag whose episode later results ended (a new treatment
line with a result of its own, or the marker's latest draw from another lab group;
``tracker.trend.episodes``) is not open, whatever its status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, SQLColumnExpression, select, true
from sqlalchemy.orm import Session

from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import MARKERS
from tracker.services.due import DueItem, due_items_from
from tracker.services.due_intervals import all_intervals
from tracker.services.trend import load_trend_settings
from tracker.store.models import Event, Patient, Reading
from tracker.store.stored_rows import readable, readable_event
from tracker.trend.engine import analyse
from tracker.trend.episodes import EpisodeEnds
from tracker.trend.headlines import RISE_TYPE_KINDS, flag_headline
from tracker.trend.rules import MarkerRules, is_above, upper_limit_of
from tracker.trend.types import (
    CONFIRMED,
    UNCONFIRMED,
    EventPoint,
    Flag,
    ReadingPoint,
    SeriesSummary,
    TrendResult,
    TrendSettings,
)


@dataclass(frozen=True)
class ReviewFlag:
    """One open rise flag, as the worklist shows it."""

    marker: str  # display name: "CEA", "CA 15-3"
    lab: str | None
    kind: str
    status: str  # "confirmed" or "unconfirmed"
    drawn_on: date
    value: float
    qualifier: str | None
    unit: str
    change_pct: float | None
    headline: str
    # The series' latest draw, which may be later than the flagged one.
    latest_drawn_on: date
    latest_value: float
    latest_qualifier: str | None
    # The flagged value is at or below its upper limit: "still within the usual range".
    within_range: bool


@dataclass(frozen=True)
class OverdueTest:
    """A marker whose next test, by the interval in force, is past due."""

    marker: str  # display name
    last_drawn_on: date
    next_due: date
    days_overdue: int


@dataclass(frozen=True)
class PatientReview:
    """One line of the worklist."""

    name: str
    flags: list[ReviewFlag]
    overdue: list[OverdueTest]

    @property
    def attention(self) -> bool:
        """Something here is worth a look: an open flag or an overdue test."""
        return bool(self.flags or self.overdue)


@dataclass(frozen=True)
class Review:
    """Every patient, most urgent first."""

    today: date
    patients: list[PatientReview]

    @property
    def attention(self) -> bool:
        return any(patient.attention for patient in self.patients)


def review_patients(session: Session, *, today: date, only: Patient | None = None) -> Review:
    """Every stored patient's (or ``only`` one's) open rise flags and overdue tests."""
    settings = load_trend_settings(session)
    patients = list(
        session.execute(select(Patient.id, Patient.name).where(_only(Patient.id, only)))
    )
    readings = _readings_by_patient(session, only)
    events = _events_by_patient(session, only)
    intervals = all_intervals(session)
    reviews = []
    for patient_id, name in patients:
        points = readings.get(patient_id, [])
        flags: list[ReviewFlag] = []
        if points:
            patient_events = events.get(patient_id, [])
            result = analyse(points, patient_events, settings)
            flags = open_flags(result, points, patient_events, settings)
        items = due_items_from(_last_drawn(points), intervals.for_patient(patient_id), today)
        reviews.append(PatientReview(name, flags, _overdue(items)))
    reviews.sort(key=_urgency)
    return Review(today, reviews)


def _only(column: SQLColumnExpression[int], only: Patient | None) -> ColumnElement[bool]:
    return true() if only is None else column == only.id


def _readings_by_patient(session: Session, only: Patient | None) -> dict[int, list[ReadingPoint]]:
    # Core rows, not ORM objects: a clinic's 100,000 readings are read once, cheaply.
    query = select(
        Reading.patient_id,
        Reading.id,
        Reading.marker,
        Reading.value,
        Reading.qualifier,
        Reading.drawn_on,
        Reading.lab,
        Reading.ref_high,
    ).where(
        # Rows another program wrote malformed (unknown codes, impossible dates, text in a
        # number column) are left out; `tracker check` names them.
        readable(session.get_bind().dialect.name),
        _only(Reading.patient_id, only),
    )
    by_patient: dict[int, list[ReadingPoint]] = {}
    rows = session.execute(query)
    for patient_id, reading_id, marker, value, qualifier, drawn_on, lab, ref_high in rows:
        point = ReadingPoint(reading_id, marker, value, qualifier, drawn_on, lab, ref_high)
        by_patient.setdefault(patient_id, []).append(point)
    return by_patient


def _events_by_patient(session: Session, only: Patient | None) -> dict[int, list[EventPoint]]:
    query = select(
        Event.patient_id,
        Event.id,
        Event.kind,
        Event.name,
        Event.started_on,
        Event.ended_on,
    ).where(readable_event(session.get_bind().dialect.name), _only(Event.patient_id, only))
    by_patient: dict[int, list[EventPoint]] = {}
    for row in session.execute(query.order_by(Event.started_on, Event.id)):
        by_patient.setdefault(row.patient_id, []).append(
            EventPoint(row.id, row.kind, row.name, row.started_on, row.ended_on)
        )
    return by_patient


def _last_drawn(points: Iterable[ReadingPoint]) -> dict[str, date]:
    last: dict[str, date] = {}
    for point in points:
        if point.drawn_on > last.get(point.marker, date.min):
            last[point.marker] = point.drawn_on
    return last


def open_flags(
    result: TrendResult,
    readings: Sequence[ReadingPoint],
    events: Sequence[EventPoint],
    settings: TrendSettings,
) -> list[ReviewFlag]:
    """The latest rise-type flag of each series while its episode is open (module doc)."""
    ends = EpisodeEnds(result.series, events, settings.flare_window_days)
    rises: dict[tuple[str, str | None], list[Flag]] = {}
    for flag in result.flags:  # oldest first
        if flag.kind in RISE_TYPE_KINDS:
            rises.setdefault((flag.marker, lab_key(flag.lab)), []).append(flag)
    series = {(summary.marker, lab_key(summary.lab)): summary for summary in result.series}
    by_id = {reading.id: reading for reading in readings}
    shown: list[ReviewFlag] = []
    for key, flags in rises.items():
        summary = series.get(key)
        listed = _listed_flag(flags, summary, by_id, settings)
        if listed is not None and summary is not None and not ends.ended(listed):
            shown.append(_review_flag(listed, summary.latest))
    # Confirmed before unconfirmed; at equal status above the upper limit before still
    # within the usual range; then the most recent first.
    shown.sort(
        key=lambda f: (f.status != CONFIRMED, f.within_range, -f.drawn_on.toordinal(), f.marker)
    )
    return shown


def _listed_flag(
    flags: Sequence[Flag],
    summary: SeriesSummary | None,
    by_id: dict[int, ReadingPoint],
    settings: TrendSettings,
) -> Flag | None:
    """The series' latest rise-type flag if open; else, when that one is an unconfirmed step
    still within the usual range, the episode's earlier confirmed flag if still up."""
    latest = flags[-1]
    if _is_open(latest, summary, by_id, settings):
        return latest
    if latest.status != UNCONFIRMED:
        return None
    for earlier in reversed(flags[:-1]):
        if earlier.status == CONFIRMED:
            return earlier if _is_open(earlier, summary, by_id, settings) else None
        if earlier.status != UNCONFIRMED:
            return None  # the episode was broken by a fall back (not_confirmed)
    return None


def _is_open(
    flag: Flag,
    summary: SeriesSummary | None,
    by_id: dict[int, ReadingPoint],
    settings: TrendSettings,
) -> bool:
    marker = MARKERS[flag.marker]
    flagged = by_id[flag.reading_id]
    if flag.status == UNCONFIRMED:
        # Still within the usual range: listed only once confirmed (docs/clinical-rules.md).
        return is_above(flagged, upper_limit_of(flagged, marker))
    if flag.status != CONFIRMED or summary is None or flag.compared_to is None:
        return False
    compared = by_id.get(flag.compared_to.reading_id)
    if compared is None:
        return False
    # A confirmed episode has ended once the series' latest draw fell back.
    return MarkerRules.for_marker(marker, settings).is_rise(summary.latest, compared)


def _review_flag(flag: Flag, latest: ReadingPoint) -> ReviewFlag:
    return ReviewFlag(
        marker=MARKERS[flag.marker].name,
        lab=flag.lab,
        kind=flag.kind,
        status=flag.status,
        drawn_on=flag.drawn_on,
        value=flag.value,
        qualifier=flag.qualifier,
        unit=flag.unit,
        change_pct=None if flag.change_pct is None else round(flag.change_pct, 1),
        headline=flag_headline(flag),
        latest_drawn_on=latest.drawn_on,
        latest_value=latest.value,
        latest_qualifier=latest.qualifier,
        within_range=flag.within_range,
    )


def _overdue(items: Sequence[DueItem]) -> list[OverdueTest]:
    overdue = [
        OverdueTest(
            item.marker.name,
            item.last_drawn_on,
            item.next_due,
            -item.days_until_due,
        )
        for item in items
        if item.status == "overdue"
        and item.last_drawn_on is not None
        and item.next_due is not None
        and item.days_until_due is not None
    ]
    overdue.sort(key=lambda test: -test.days_overdue)
    return overdue


def _urgency(patient: PatientReview) -> tuple[int, int, int, int, str]:
    """Confirmed rises above the upper limit first, then confirmed ones still within the
    usual range, then unconfirmed ones, then the longest overdue; then by name."""
    confirmed = [flag for flag in patient.flags if flag.status == CONFIRMED]
    above = sum(not flag.within_range for flag in confirmed)
    unconfirmed = len(patient.flags) - len(confirmed)
    longest = max((test.days_overdue for test in patient.overdue), default=0)
    return (-above, -len(confirmed), -unconfirmed, -longest, patient.name.casefold())
