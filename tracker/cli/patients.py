"""``tracker patient …``: the people whose results are stored."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.groups import SummaryGroup
from tracker.cli.ids_and_dates import optional_date
from tracker.cli.prompts import confirm_or_refuse


@click.group("patient", cls=SummaryGroup)
def patient_group() -> None:
    """Manage the people whose results are stored."""


@patient_group.command("add")
@click.argument("name")
@click.option("--born", metavar="DATE", help="Date of birth (optional).")
@pass_app
def patient_add(app: AppContext, name: str, born: str | None) -> None:
    """Add a person."""
    from tracker.services.patients import add_patient

    born_on = optional_date(born, what="birth date")
    with app.database().writing() as session:
        patient = add_patient(session, name, born_on)
        click.echo(f"Added patient {patient.name!r}")


@patient_group.command("list")
@pass_app
def patient_list(app: AppContext) -> None:
    """List people with their number of readings and events."""
    from tracker.cli.tables import text_table
    from tracker.services.patients import list_patients

    with app.database().reading() as session:
        rows = [
            [p.name, p.born.isoformat() if p.born else "", str(readings), str(events)]
            for p, readings, events in list_patients(session)
        ]
    if not rows:
        click.echo("No patients yet; the first `tracker add` creates one named 'me'.")
        return
    click.echo(text_table(["Name", "Born", "Readings", "Events"], rows, right={2, 3}))


@patient_group.command("rename")
@click.argument("old")
@click.argument("new")
@pass_app
def patient_rename(app: AppContext, old: str, new: str) -> None:
    """Rename a person."""
    from tracker.services.patients import rename_patient

    with app.database().writing() as session:
        patient = rename_patient(session, old, new)
        click.echo(f"Renamed {old!r} to {patient.name!r}")


@patient_group.command("delete", short_help="Delete a person and all their data (asks first).")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def patient_delete(app: AppContext, name: str, yes: bool) -> None:
    """Delete a person with all their readings and events (asks first unless --yes)."""
    from tracker.services.patients import delete_patient, find_patient, patient_counts

    with app.database().writing() as session:
        patient = find_patient(session, name)
        readings, events = patient_counts(session, patient)
        confirm_or_refuse(
            f"Delete {patient.name!r} with {readings} readings and {events} events?",
            yes,
            refused="nothing was deleted",
        )
        delete_patient(session, patient)
    click.echo(f"Deleted patient {name!r} ({readings} readings, {events} events)")
