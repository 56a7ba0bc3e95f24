"""The report service: load a patient's data, run the trend, hand plain data to the renderer.

Rendering lives in ``tracker.reports`` and never sees a session; this module is the
only place where the two meet. matplotlib is imported by the renderer, and only when a
report is actually drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from tracker import clock
from tracker.catalogue.markers import MARKERS
from tracker.errors import ValidationError
from tracker.reports.data import ReportInput
from tracker.reports.output import check_destination, render_report, report_format
from tracker.services.events import event_points, list_events
from tracker.services.readings import list_readings, reading_points
from tracker.services.trend import load_trend_settings, patient_trend
from tracker.store.models import Patient
from tracker.store.private_files import write_private_bytes


@dataclass(frozen=True)
class ReportRequest:
    """What ``tracker report`` was asked for."""

    out: Path
    marker_code: str | None = None
    since: date | None = None


def report_date() -> date:
    """The date printed on a report: today, or the day ``SOURCE_DATE_EPOCH`` names.

    SOURCE_DATE_EPOCH (reproducible-builds.org) makes two runs on different days give
    the same bytes as well.
    """
    pinned = clock.source_date_epoch()
    return clock.today() if pinned is None else pinned.date()


def check_request(request: ReportRequest) -> None:
    """Refuse a bad file name or folder before the database is opened."""
    report_format(request.out)
    check_destination(request.out)


def report_input(session: Session, patient: Patient, request: ReportRequest) -> ReportInput:
    """Everything the report shows, as plain data (the trend runs on the whole history)."""
    # The readings the charts draw; the trend itself is `tracker trend`'s own
    # (services/trend.py, patient_trend), so the report and the command cannot differ.
    points = reading_points(list_readings(session, patient, marker_code=request.marker_code))
    if not any(request.since is None or p.drawn_on >= request.since for p in points):
        raise ValidationError(_nothing_to_report(patient.name, request))
    settings = load_trend_settings(session)
    return ReportInput(
        patient=patient.name,
        born=patient.born,
        generated_on=report_date(),
        readings=points,
        events=event_points(list_events(session, patient)),
        trend=patient_trend(session, patient, settings, marker_code=request.marker_code),
        since=request.since,
        markers=(request.marker_code,) if request.marker_code else (),
        flare_window_days=settings.flare_window_days,
        settings=settings,
    )


def write_patient_report(data: ReportInput, out: Path) -> str:
    """Draw and write the report; returns a one-line description of what was written.

    ``out`` is written like every ``--out`` (``tracker.store.private_files``): a new file is
    private, a regular file is replaced only once complete, a link's target is written.
    """
    check_destination(out)
    write_private_bytes(out, render_report(data, report_format(out)))
    start, end = data.period()
    markers = data.shown_markers()
    count = sum(len(data.readings_for(marker.code)) for marker in markers)
    names = " and ".join(marker.name for marker in markers)
    return (
        f"Wrote {out}: {names}, {count} reading{'s' if count != 1 else ''} from "
        f"{start.isoformat()} to {end.isoformat()}"
    )


def _nothing_to_report(patient: str, request: ReportRequest) -> str:
    what = MARKERS[request.marker_code].name + " " if request.marker_code else ""
    since = f" since {request.since.isoformat()}" if request.since else ""
    return (
        f"no {what}readings to report for {patient}{since}; "
        "add one with `tracker add MARKER VALUE --date YYYY-MM-DD`"
    )
