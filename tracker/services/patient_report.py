"""One patient's report, from the database to a file: ``tracker report`` and ``Tracker.report``.

Split in two so the command line can tidy the process between loading and drawing
(``tracker.cli.report``); a library caller uses ``write_report_for``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.errors import ValidationError
from tracker.services.patients import resolve_patient
from tracker.services.report_input import (
    ReportRequest,
    check_request,
    report_input,
    write_patient_report,
)

if TYPE_CHECKING:
    from tracker.reports.data import ReportInput
    from tracker.store.database import Database

NO_READINGS = "no readings yet; add one with `tracker add MARKER VALUE --date YYYY-MM-DD`"


def load_report(
    database: Database, patient_name: str | None, request: ReportRequest
) -> ReportInput:
    """Everything the report shows, as plain data (``check_request`` has passed)."""
    with database.reading() as session:
        patient = resolve_patient(session, patient_name, create_default=False)
        if patient is None:
            raise ValidationError(NO_READINGS)
        return report_input(session, patient, request)


def write_report_for(database: Database, patient_name: str | None, request: ReportRequest) -> str:
    """Check, load and write the report; returns the one line that says what was written."""
    check_request(request)
    return write_patient_report(load_report(database, patient_name, request), request.out)
