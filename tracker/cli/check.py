"""``tracker check``: a read-only integrity check of the whole database."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app


@click.command("check", short_help="Look for stored rows that cannot be right (read-only).")
@pass_app
def check_command(app: AppContext) -> None:
    """Look through every patient's readings and events for rows that cannot be right.

    Reports, with ids: implausible values, units that do not fit their marker, unknown
    markers, event kinds and qualifiers, duplicate readings, events that end before they
    start, dates in the future or before the patient's birth, series whose lab changes
    often, rows whose patient is missing, and a schema that is not at the newest
    revision. It changes nothing (not even the schema). Exit 0 when all is well, 1 with
    the list otherwise.
    """
    from tracker import clock
    from tracker.errors import TrackerError
    from tracker.services.check import check_database, require_existing
    from tracker.store.database import open_database

    today = clock.today()
    require_existing(app.location())
    # Opened read-only, so that not even the journal mode of the file changes.
    database = open_database(app.location(), migrate=False, read_only=True)
    try:
        report = check_database(database, today=today)
    finally:
        database.dispose()
    lines = report.lines
    if lines:
        count = len(lines)
        raise TrackerError(f"{count} problem{'' if count == 1 else 's'} found", details=lines)
    readings = f"{report.readings} reading{'' if report.readings == 1 else 's'}"
    events = f"{report.events} event{'' if report.events == 1 else 's'}"
    click.echo(f"No problems found in {readings} and {events}.")
