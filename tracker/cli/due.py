"""``tracker due``: when each marker was last tested and whether the next test is overdue."""

from __future__ import annotations

import click

from tracker.cli.support import AppContext, pass_app, print_json

OVERDUE_EXIT_CODE = 3


@click.command("due")
@click.option(
    "--every",
    metavar="MARKER=INTERVAL",
    multiple=True,
    help='Remember a test interval, e.g. CEA=3m, "CA 15-3=6w", CA125=90d, CEA=1y; '
    "MARKER=off removes it. Repeatable.",
)
@click.option("--clear", is_flag=True, help="Remove every stored interval (before any --every).")
@click.option(
    "--exit-code",
    is_flag=True,
    help=f"Exit with {OVERDUE_EXIT_CODE} when a test is overdue (for cron or reminder scripts).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document (for scripts).")
@pass_app
def due_command(
    app: AppContext, every: tuple[str, ...], clear: bool, exit_code: bool, as_json: bool
) -> None:
    """Show each marker's last test and when the next is due.

    Nothing is called overdue until you set an interval with --every; intervals are
    stored in the database and apply to everyone in it. When to test is your care team's
    decision: the tracker only reminds you of the rhythm you set.
    """
    from tracker import clock
    from tracker.cli.tables import text_table
    from tracker.services.due import (
        any_overdue,
        due_document,
        due_items,
        due_table_rows,
        update_intervals,
    )

    today = clock.today()
    database = app.database()
    changes: list[str] = []
    if every or clear:
        with database.writing() as session:
            changes = update_intervals(session, every, clear=clear)
    with database.reading() as session:
        patient = app.patient(session, create=False)
        items = due_items(session, patient, today=today)
        patient_name = patient.name if patient else None
    if as_json:
        print_json(due_document(patient_name, items, today))
    else:
        for change in changes:
            click.echo(change)
        if items:
            headers = ["Marker", "Last reading", "Every", "Next due", "Status"]
            click.echo(text_table(headers, due_table_rows(items), right=set()))
        else:
            click.echo("No readings yet.")
        if all(item.interval is None for item in items):
            click.echo("No test intervals are set, so nothing is called overdue.")
            click.echo("Set one with e.g.: tracker due --every CEA=3m")
    if exit_code and any_overdue(items):
        raise click.exceptions.Exit(OVERDUE_EXIT_CODE)
