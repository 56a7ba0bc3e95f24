"""``tracker report`` (charts and the full PDF) and ``tracker demo`` (a demo patient).

matplotlib is imported only once a report is being drawn, never by ``--help``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker import clock
from tracker.cli.context import AppContext, pass_app
from tracker.cli.ids_and_dates import optional_date
from tracker.cli.startup import collector_paused, console_process, spare_the_collector

if TYPE_CHECKING:
    from tracker.reports.data import ReportInput

DEMO_REPORT = "demo-report.pdf"


@click.command("report", short_help="Write the PDF report for your oncologist, or a PNG chart.")
@click.option(
    "--out",
    "out",
    metavar="FILE.pdf|FILE.png",
    required=True,
    help="Where to write: a .pdf (summary, a page per marker, caveats) or a .png chart.",
)
@click.option("--marker", metavar="M", help="Only this marker (e.g. CEA, ca153).")
@click.option("--since", metavar="DATE", help="Only results drawn on or after this date.")
@pass_app
def report_command(app: AppContext, out: str, marker: str | None, since: str | None) -> None:
    """Write the report: a PDF to hand to your oncologist, or a PNG chart.

    The PDF opens with a one-page summary (latest values, change since the lowest point,
    flags in plain words, questions to ask), then a chart and the readings of each
    marker, then what the markers can and cannot tell.
    """
    from tracker.catalogue.markers import find_marker
    from tracker.services.patient_report import load_report
    from tracker.services.report_input import ReportRequest, check_request

    request = ReportRequest(
        Path(out),
        find_marker(marker).code if marker else None,
        optional_date(since, what="--since date"),
    )
    check_request(request)  # before the database is opened (or created)
    data = load_report(app.database(), app.patient_option, request)
    click.echo(_draw(data, request.out))


def _draw(data: ReportInput, out: Path) -> str:
    """Write the report with the collector spared (tracker/cli/startup.py says why) and,
    in the console process, fontTools' subsetter left until a font is embedded
    (reports/font_tools.py says why only there)."""
    from tracker.services.report_input import write_patient_report

    if console_process():
        from tracker.reports.font_tools import defer_font_subsetting

        defer_font_subsetting()
    spare_the_collector()
    with collector_paused():
        return write_patient_report(data, out)


@click.command("demo", short_help="Fill a demo patient with two years of results; write a report.")
@click.option(
    "--out",
    "out",
    metavar="FILE.pdf",
    default=DEMO_REPORT,
    show_default=True,
    help="Where to write the demo report (.pdf or .png).",
)
@pass_app
def demo_command(app: AppContext, out: str) -> None:
    """Fill a demo patient with two years of results and write their report.

    Without --db the demo uses its own demo.db in your user data folder and never
    touches your own database. Running it again refreshes the demo patient.
    """
    from tracker.config import DEMO_DB_NAME, location_from
    from tracker.services.demo import fill_demo_patient
    from tracker.services.report_input import (
        ReportRequest,
        check_request,
        report_input,
    )

    request = ReportRequest(Path(out))
    check_request(request)
    if app.db_option is None:
        # Not TRACKER_DB_URL either: that names the user's own database.
        app.use_location(location_from(None, default_name=DEMO_DB_NAME, use_env=False))
    database = app.database()
    with database.writing() as session:
        patient, readings, events = fill_demo_patient(session, clock.today())
    click.echo(
        f"Demo patient {patient.name!r}: {readings} readings and {events} events in "
        f"{database.location.display}"
    )
    with database.reading() as session:
        data = report_input(session, patient, request)
    click.echo(_draw(data, request.out))
