"""``tracker event …``: treatments, supportive care, surgery, conditions, symptoms, scans."""

from __future__ import annotations

import click

from tracker import clock
from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.cli.context import AppContext, pass_app
from tracker.cli.groups import SummaryGroup
from tracker.cli.ids_and_dates import optional_date, parse_id
from tracker.cli.output import print_json, print_rows_then_unreadable, print_wrapped
from tracker.cli.prompts import confirm_or_refuse, prompt_if_missing


@click.group(
    "event",
    cls=SummaryGroup,
    short_help="Log treatments, supportive care, conditions, symptoms, scans.",
)
def event_group() -> None:
    """Log treatments, supportive care, surgery, conditions, symptoms and scans.

    \b
    Kinds: treatment (starts a treatment line), supportive (zoledronate, denosumab,
    pain relief: starts no line), surgery, condition (e.g. smoking, hepatitis: named
    in flags when they can raise a marker), symptom, imaging, other.
    """


@event_group.command("add", short_help="Log an event, e.g. `event add treatment letrozole`.")
# KIND, not the list of kinds: a long metavar made the usage line break inside a word.
@click.argument("kind", required=False, metavar="KIND")
@click.argument("name", required=False)
@click.option("--date", "started_on", metavar="DATE", help="Start date (default today).")
@click.option("--end", "ended_on", metavar="DATE", help="End date, if it has ended.")
@click.option("--note", metavar="TEXT", help="A note kept with the event.")
@pass_app
@click.pass_context
def event_add(
    ctx: click.Context,
    app: AppContext,
    kind: str | None,
    name: str | None,
    started_on: str | None,
    ended_on: str | None,
    note: str | None,
) -> None:
    """Log an event: KIND NAME, e.g. `event add treatment letrozole --date 2026-01-10`.

    KIND is one of: treatment, supportive, surgery, condition, symptom, imaging, other.
    """
    from tracker.services.events import add_event, describe_event, event_notes

    kind = prompt_if_missing(ctx, kind, "KIND", f"Kind ({', '.join(EVENT_KINDS)})")
    name = prompt_if_missing(ctx, name, "NAME", "Name")
    start = optional_date(started_on, what="start date") or clock.today()
    end = optional_date(ended_on, what="end date")
    with app.database().writing() as session:
        patient = app.patient(session, create=True)
        assert patient is not None  # create=True always yields one
        event = add_event(session, patient, kind, name, start, end, note)
        notes = event_notes(session, patient, event)
        click.echo(f"Added event #{event.id}: {describe_event(event)}")
    for text in notes:
        print_wrapped(text)


@event_group.command("edit", short_help="Correct an event, e.g. set a treatment's end date.")
@click.argument("event_id", metavar="ID")
@click.option("--name", metavar="NAME", help="Corrected name.")
@click.option("--date", "started_on", metavar="DATE", help="Corrected start date.")
@click.option("--end", "ended_on", metavar="DATE", help='End date ("" to clear).')
@click.option("--note", metavar="TEXT", help='Corrected note ("" to clear).')
@pass_app
def event_edit(
    app: AppContext,
    event_id: str,
    name: str | None,
    started_on: str | None,
    ended_on: str | None,
    note: str | None,
) -> None:
    """Correct an event, e.g. set a treatment's end date (ids: `tracker event list`)."""
    from tracker.errors import ValidationError
    from tracker.services.events import describe_event, edit_event

    eid = parse_id(event_id, "event")
    if all(option is None for option in (name, started_on, ended_on, note)):
        raise ValidationError("nothing to change: give --name, --date, --end or --note")
    clear_end = ended_on is not None and not ended_on.strip()
    start = optional_date(started_on, what="start date")
    end = None if clear_end else optional_date(ended_on, what="end date")
    with app.database().writing() as session:
        patient = app.patient(session, create=False)
        if patient is None:
            raise ValidationError(f"no event #{eid}: the database is empty")
        event = edit_event(
            session,
            patient,
            eid,
            name=name,
            started_on=start,
            ended_on=end,
            clear_end=clear_end,
            note=note,
        )
        click.echo(f"Updated event #{event.id}: {describe_event(event)}")


@event_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (for scripts).")
@pass_app
def event_list(app: AppContext, as_json: bool) -> None:
    """Show events by start date."""
    from tracker.cli.tables import events_table, unreadable_event_lines
    from tracker.services.events import event_json, list_events
    from tracker.store.stored_rows import unreadable_events

    with app.database().reading() as session:
        patient = app.patient(session, create=False)
        events = [] if patient is None else list_events(session, patient)
        if as_json:
            # The array keeps its documented shape; unreadable rows are named on stderr.
            print_json([event_json(e, patient.name) for e in events] if patient else [])
            return
        unreadable = [] if patient is None else unreadable_events(session, patient.id)
        app.forget_unreadable(session)  # shown here in full, so no notice after
        if not events and not unreadable:
            click.echo("No events yet. Add one with: tracker event add treatment letrozole")
            return
        print_rows_then_unreadable(
            events_table(events) if events else None, unreadable_event_lines(unreadable)
        )


@event_group.command("delete")
@click.argument("event_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def event_delete(app: AppContext, event_id: str, yes: bool) -> None:
    """Remove an event (asks first unless --yes)."""
    from tracker.errors import ValidationError
    from tracker.services.events import delete_event, describe_event, get_event

    eid = parse_id(event_id, "event")
    with app.database().writing() as session:
        patient = app.patient(session, create=False)
        if patient is None:
            raise ValidationError(f"no event #{eid}: the database is empty")
        event = get_event(session, patient, eid)
        text = describe_event(event)
        confirm_or_refuse(f"Delete event #{eid} ({text})?", yes, refused="nothing was deleted")
        delete_event(session, patient, eid)
    click.echo(f"Deleted event #{eid}: {text}")
