"""The ``tracker`` command line: the top-level group, its options and the entry point.

Each command lives in a module of this package named for what it does; this one only
registers them. Commands parse, call a service and print: no SQL and no maths.

Command modules are imported only when their command runs (``LazyCommand``), and
services inside each command, so ``tracker --help`` loads no command module and
``tracker add`` only its own: neither loads SQLAlchemy or anything heavier than it needs.
"""

from __future__ import annotations

import click

from tracker import __version__
from tracker.cli.groups import LazyCommand, TrackerGroup
from tracker.cli.startup import pause_collector, spare_the_final_collection
from tracker.config import DB_URL_ENV, PATIENT_ENV

# Every command: its module, its object and the summary `tracker --help` lists (the
# command's own short help; tests/cli/test_help_listing.py checks that they agree).
COMMANDS = {
    "add": LazyCommand(
        "tracker.cli.add", "add_command", "Log one draw, e.g. `add CEA 3.1 CA15-3 28`."
    ),
    "backup": LazyCommand(
        "tracker.cli.backup",
        "backup_command",
        "Copy the database to a new FILE (private, consistent).",
    ),
    "check": LazyCommand(
        "tracker.cli.check",
        "check_command",
        "Look for stored rows that cannot be right (read-only).",
    ),
    "db": LazyCommand(
        "tracker.cli.db", "db_group", "Show, upgrade or downgrade the database's schema."
    ),
    "delete": LazyCommand(
        "tracker.cli.readings", "delete_command", "Remove readings (asks first unless --yes)."
    ),
    "demo": LazyCommand(
        "tracker.cli.report",
        "demo_command",
        "Fill a demo patient with two years of results; write a report.",
    ),
    "due": LazyCommand(
        "tracker.cli.due", "due_command", "Show each marker's last test and when the next is due."
    ),
    "edit": LazyCommand(
        "tracker.cli.readings", "edit_command", "Correct a reading (see ids with `tracker list`)."
    ),
    "event": LazyCommand(
        "tracker.cli.events",
        "event_group",
        "Log treatments, supportive care, conditions, symptoms, scans.",
    ),
    "export": LazyCommand(
        "tracker.cli.export",
        "export_command",
        "Write one patient's readings and events as CSV or FHIR.",
    ),
    "import": LazyCommand(
        "tracker.cli.import_file",
        "import_command",
        "Add the readings and events of a CSV, FHIR or HL7 v2 file.",
    ),
    "list": LazyCommand(
        "tracker.cli.readings",
        "list_command",
        "Show readings, oldest first; then stored rows that cannot be read.",
    ),
    "markers": LazyCommand(
        "tracker.cli.markers",
        "markers_command",
        "The marker catalogue: names, units, limits, benign causes.",
    ),
    "patient": LazyCommand(
        "tracker.cli.patients", "patient_group", "Manage the people whose results are stored."
    ),
    "report": LazyCommand(
        "tracker.cli.report",
        "report_command",
        "Write the PDF report for your oncologist, or a PNG chart.",
    ),
    "restore": LazyCommand(
        "tracker.cli.backup", "restore_command", "Put a backup FILE back (asks first unless --yes)."
    ),
    "review": LazyCommand(
        "tracker.cli.review", "review_command", "Every patient's open flags and overdue tests."
    ),
    "serve": LazyCommand(
        "tracker.cli.serve",
        "serve_command",
        "Serve the tracker as a local web page until interrupted (Ctrl+C).",
    ),
    "settings": LazyCommand(
        "tracker.cli.trend", "settings_command", "Show or change the stored trend defaults."
    ),
    "trend": LazyCommand(
        "tracker.cli.trend",
        "trend_command",
        "Each marker's series (latest, lowest, change) and its flags.",
    ),
}
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=TrackerGroup, context_settings=CONTEXT_SETTINGS, lazy_commands=COMMANDS)
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
    from tracker.cli.context import AppContext

    app = AppContext(db_option, patient_option)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    """Console-script entry point."""
    pause_collector()  # until the command opens its database (tracker/cli/startup.py says why)
    try:
        cli(prog_name="tracker")  # ends in SystemExit with the command's exit code
    except SystemExit as ending:
        spare_the_final_collection(ending.code)  # the process ends here
        raise
