"""What each page shows, gathered through the services (no SQL here, no HTML here).

Every function here is synchronous: the routes run them in Starlette's thread pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import ASSAY_CAVEATS, MARKERS, MIN_RISE_PCT, Marker, marker_by_code
from tracker.catalogue.source_context import SOURCE, context_lines
from tracker.catalogue.units import format_number, format_value
from tracker.reports import ReportInput
from tracker.services.events import describe_event, event_points, list_events
from tracker.services.patients import patient_names, resolve_patient
from tracker.services.readings import ListedReading, list_readings, reading_points
from tracker.services.report_input import report_date
from tracker.services.review import review_patients
from tracker.services.trend import load_trend_settings
from tracker.trend.engine import analyse
from tracker.trend.headlines import closing_lines
from tracker.trend.json_document import trend_document
from tracker.trend.phrases import day_text
from tracker.trend.text_summary import series_lines
from tracker.trend.types import Flag, SeriesSummary, TrendResult

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.store.database import Database
    from tracker.store.models import Event, Patient

EVIDENCE = (
    "Markers are one piece of evidence beside scans, examination and how you feel; "
    "your oncologist interprets them."
)


@dataclass(frozen=True)
class MarkerBlock:
    """One marker on the dashboard: its latest value, its lines as `trend` words them."""

    marker: Marker
    latest: str
    lines: list[str]
    closing: list[str]
    flagged: bool
    chart_key: str


@dataclass(frozen=True)
class Dashboard:
    patient: str | None
    blocks: list[MarkerBlock] = field(default_factory=list)
    report: ReportInput | None = None


def _flags_by_series(result: TrendResult) -> dict[tuple[str, str | None], list[Flag]]:
    """The flags grouped by (marker, lab) in one pass: looking them up series by series
    would read every flag once per series (labs x flags on a file with many labs)."""
    grouped: dict[tuple[str, str | None], list[Flag]] = {}
    for flag in result.flags:
        grouped.setdefault((flag.marker, lab_key(flag.lab)), []).append(flag)
    return grouped


def chart_key(points: Sequence[Any], events: Sequence[Any], settings: Any, today: date) -> str:
    """A data version for a chart: any change in what it draws gives another key."""
    return format(hash((tuple(points), tuple(events), repr(settings), today)) & (2**64 - 1), "x")


def patient_of(session: Session, name: str | None) -> Patient | None:
    return resolve_patient(session, name, create_default=False)


def dashboard(database: Database, patient_name: str | None) -> Dashboard:
    """The dashboard: per marker the `trend` lines, and the data its charts are drawn from."""
    with database.reading() as session:
        patient = patient_of(session, patient_name)
        if patient is None:
            return Dashboard(None)
        readings = list_readings(session, patient)
        for code in {reading.marker for reading in readings}:
            marker_by_code(code)  # a code the catalogue lacks: the database's message
        events = event_points(list_events(session, patient))
        settings = load_trend_settings(session)
        name, born = patient.name, patient.born
    points = reading_points(readings)
    result = analyse(points, events, settings)
    report = ReportInput(
        patient=name,
        born=born,
        generated_on=report_date(),
        readings=points,
        events=events,
        trend=result,
        flare_window_days=settings.flare_window_days,
        settings=settings,
    )
    groups: dict[str, list[SeriesSummary]] = {}
    for summary in result.series:
        groups.setdefault(summary.marker, []).append(summary)
    flags_of = _flags_by_series(result)
    blocks = []
    for code, members in groups.items():
        members.sort(key=lambda s: (s.latest.drawn_on, s.latest.id), reverse=True)
        marker = marker_by_code(code)
        lines: list[str] = []
        marker_flags: list[Flag] = []
        for position, summary in enumerate(members):
            flags = flags_of.get((summary.marker, lab_key(summary.lab)), [])
            marker_flags.extend(flags)
            lines.extend(
                text.strip()
                for text, _ in series_lines(summary, flags, earlier_lab=position > 0, events=events)
            )
        latest = members[0].latest
        marker_points = [p for p in points if p.marker == code]
        blocks.append(
            MarkerBlock(
                marker=marker,
                latest=f"{format_value(latest.qualifier, latest.value)} {members[0].unit} "
                f"on {day_text(latest.drawn_on)}",
                lines=lines,
                closing=closing_lines(marker, marker_flags),
                flagged=bool(marker_flags),
                chart_key=chart_key(marker_points, events, settings, report.generated_on),
            )
        )
    return Dashboard(name, blocks, report)


def trend_json(database: Database, patient_name: str | None) -> dict[str, Any]:
    """Exactly the `trend --json` document."""
    from tracker.services.trend import patient_trend

    with database.reading() as session:
        patient = patient_of(session, patient_name)
        if patient is None:
            return {"patient": None, "series": [], "flags": []}
        result = patient_trend(session, patient)
        return trend_document(patient.name, result)


@dataclass(frozen=True)
class Listing:
    patient: str | None
    readings: list[ListedReading]
    events: list[Event]
    event_texts: dict[int, str]


def listing(database: Database, patient_name: str | None) -> Listing:
    """The patient's readings and events, oldest first."""
    with database.reading() as session:
        patient = patient_of(session, patient_name)
        if patient is None:
            return Listing(None, [], [], {})
        readings = list_readings(session, patient)
        events = list_events(session, patient)
        texts = {event.id: describe_event(event) for event in events}
        session.expunge_all()
        return Listing(patient.name, readings, events, texts)


def names(database: Database) -> list[str]:
    with database.reading() as session:
        return patient_names(session)


@dataclass(frozen=True)
class WorklistRow:
    """One patient on the clinic's worklist, as `tracker review` lists them."""

    name: str
    open_flags: list[str]
    overdue: list[str]


def worklist(database: Database, today: date) -> list[WorklistRow]:
    """Every patient's open flags and overdue tests, most urgent first (``review``)."""
    with database.reading() as session:
        review = review_patients(session, today=today)
    return [
        WorklistRow(
            patient.name,
            [flag.headline for flag in patient.flags],
            [
                f"{test.marker}: overdue by {test.days_overdue} day"
                f"{'s' if test.days_overdue != 1 else ''} (due {day_text(test.next_due)})"
                for test in patient.overdue
            ],
        )
        for patient in review.patients
    ]


@dataclass(frozen=True)
class MarkerEntry:
    marker: Marker
    lines: list[str]


def catalogue() -> tuple[list[MarkerEntry], list[str], str, list[str]]:
    """The marker catalogue as `tracker markers` words it, and the source article's context."""
    entries = []
    for marker in MARKERS.values():
        note = f"; {marker.upper_limit_note}" if marker.upper_limit_note else ""
        rcv = marker.rcv_up_pct()
        variation = (
            f"tests usually differ by up to +{rcv:.1f}% (" + marker.variation_source + ")"
            if rcv is not None
            else marker.variation_source
        )
        entries.append(
            MarkerEntry(
                marker,
                [
                    f"Also written: {', '.join(sorted(set(marker.aliases) - {marker.name}))}",
                    f"Unit: {marker.unit} (accepted: {', '.join(marker.unit_names)})",
                    f"LOINC: {marker.loinc}",
                    f"Usual upper limit: {format_number(marker.upper_limit)} {marker.unit} "
                    f"(a lab's own limit wins{note})",
                    f"Normal variation: {variation}",
                    f"A rise is flagged from {marker.rise_threshold_pct():.1f}% (never below "
                    f"{MIN_RISE_PCT:.0f}%) and at least {format_number(marker.rise_floor)} "
                    f"{marker.unit}",
                    f"Can also be raised by: {', '.join(marker.benign_cause_labels())}",
                ],
            )
        )
    return entries, list(ASSAY_CAVEATS), SOURCE, context_lines()
