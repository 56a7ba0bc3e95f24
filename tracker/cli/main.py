"""The ``tracker`` command line: the top-level group, its options and the entry point.

Each command lives in a module of this package named for what it does; this one only
registers them. Commands parse, call a service and print: no SQL and no maths.

Services are imported inside each command, so ``tracker --help`` loads neither
SQLAlchemy nor anything heavier.
"""

from __future__ import annotations

import click

from tracker import __version__
from tracker.cli.add import add_command
from tracker.cli.backup import backup_command, restore_command
from tracker.cli.check import check_command
from tracker.cli.context import AppContext
from tracker.cli.db import db_group
from tracker.cli.due import due_command
from tracker.cli.events import event_group
from tracker.cli.export import export_command
from tracker.cli.groups import TrackerGroup
from tracker.cli.import_file import import_command
from tracker.cli.markers import markers_command
from tracker.cli.patients import patient_group
from tracker.cli.readings import delete_command, edit_command, list_command
from tracker.cli.report import demo_command, report_command
from tracker.cli.review import review_command
from tracker.cli.serve import serve_command
from tracker.cli.startup import pause_collector
from tracker.cli.trend import settings_command, trend_command
from tracker.config import DB_URL_ENV, PATIENT_ENV

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=TrackerGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    "db_option",
    metavar="URL|PATH",
    help=f"Database: an SQLAlchemy URL or a SQLite file path (default: {DB_URL_ENV}, "
    "else a private file in your user data folder).",
)
@click.option(
    "--patient",
    "patient_option",
    metavar="NAME",
    envvar=PATIENT_ENV,
    help=f"Whose results (also {PATIENT_ENV}); needed only when several people are stored.",
)
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db_option: str | None, patient_option: str | None) -> None:
    """Log CEA and CA 15-3 (also CA 27.29, CA 125) results, see trends, and get careful
    flags to discuss with your oncologist.

    The tracker informs; it never diagnoses. Markers are one piece of evidence beside
    scans, examination and how you feel: your oncologist interprets them.

    \b
    Start with:
      tracker add CEA 3.1 --date 2026-01-05 --lab "City Lab"
      tracker list
      tracker demo --out demo-report.pdf
    """
    app = AppContext(db_option, patient_option)
    ctx.obj = app
    ctx.call_on_close(app.close)


cli.add_command(add_command)
cli.add_command(list_command)
cli.add_command(edit_command)
cli.add_command(delete_command)
cli.add_command(patient_group)
cli.add_command(event_group)
cli.add_command(db_group)
cli.add_command(markers_command)
cli.add_command(trend_command)
cli.add_command(settings_command)
cli.add_command(report_command)
cli.add_command(demo_command)
cli.add_command(due_command)
cli.add_command(review_command)
cli.add_command(check_command)
cli.add_command(backup_command)
cli.add_command(restore_command)
cli.add_command(export_command)
cli.add_command(import_command)
cli.add_command(serve_command)


def main() -> None:
    """Console-script entry point."""
    pause_collector()  # until the command opens its database (tracker/cli/startup.py says why)
    cli(prog_name="tracker")
