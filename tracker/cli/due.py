"""``tracker due``: when each marker was last tested and whether the next test is overdue."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.output import print_json

if TYPE_CHECKING:
    from tracker.services.due import DueItem

OVERDUE_EXIT_CODE = 3


@click.command("due")
@click.option(
    "--every",
    metavar="MARKER=INTERVAL",
    multiple=True,
    help='Remember a test interval, e.g. CEA=3m, "CA 15-3=6w", CA125=90d, CEA=1y; '
    "MARKER=off removes it. Repeatable. For everyone, or with --patient that person's own.",
)
@click.option(
    "--clear",
    is_flag=True,
    help="Remove every stored interval (before any --every); with --patient only theirs.",
)
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

    Nothing is called overdue until you set an interval with --every. Intervals are
    stored in the database and apply to every patient, unless --patient sets that
    person's own. Without --patient every patient is shown. When to test is your care
    team's decision: the tracker only reminds you of the rhythm you set.
    """
    from tracker import clock
    from tracker.services.due import any_overdue, due_by_patient, due_items
    from tracker.services.due_intervals import update_intervals as update

    today = clock.today()
    database = app.database()
    changes: list[str] = []
    if every or clear:
        with database.writing() as session:
            own = app.patient(session, create=False) if app.patient_option else None
            changes = update(session, every, clear=clear, patient=own)
    covered: list[tuple[str | None, list[DueItem]]]
    with database.reading() as session:
        if app.patient_option:
            patient = app.patient(session, create=False)
            assert patient is not None  # a named patient exists or NotFoundError was raised
            covered = [(patient.name, due_items(session, patient, today=today))]
        else:
            covered = list(due_by_patient(session, today=today))
            if not covered:  # no patient yet: the intervals alone
                covered = [(None, due_items(session, None, today=today))]
    if as_json:
        from tracker.services.due import due_document

        print_json(due_document(covered, today))
    else:
        _print_tables(changes, covered)
    if exit_code and any(any_overdue(items) for _, items in covered):
        raise click.exceptions.Exit(OVERDUE_EXIT_CODE)


def _print_tables(changes: list[str], covered: list[tuple[str | None, list[DueItem]]]) -> None:
    from tracker.cli.tables import text_table
    from tracker.services.due import due_table_rows

    for change in changes:
        click.echo(change)
    headers = ["Marker", "Last reading", "Every", "Next due", "Status"]
    several = len(covered) > 1
    for name, items in covered:
        if several:
            click.echo(f"{name}:")
        if items:
            table = text_table(headers, due_table_rows(items), right=set())
            click.echo("\n".join(("  " if several else "") + line for line in table.splitlines()))
        else:
            click.echo(("  " if several else "") + "No readings yet.")
    if all(item.interval is None for _, items in covered for item in items):
        click.echo("No test intervals are set, so nothing is called overdue.")
        click.echo("Set one with e.g.: tracker due --every CEA=3m")
