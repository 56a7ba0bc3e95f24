"""``tracker list``, ``edit`` and ``delete``: the stored readings."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.ids_and_dates import optional_date, parse_id
from tracker.cli.output import print_json_texts, print_rows_then_unreadable, print_wrapped


@click.command("list")
@click.option("--marker", metavar="M", help="Only this marker (e.g. CEA, ca153).")
@click.option("--since", metavar="DATE", help="Only readings drawn on or after this date.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (for scripts).")
@pass_app
def list_command(app: AppContext, marker: str | None, since: str | None, as_json: bool) -> None:
    """Show readings, oldest first; then stored rows that cannot be read."""
    from tracker.catalogue.markers import find_marker
    from tracker.cli.tables import readings_table, unreadable_lines
    from tracker.services.readings import has_readings, readings_and_unreadable
    from tracker.services.readings_json import reading_json_texts

    marker_code = find_marker(marker).code if marker else None
    since_date = optional_date(since, what="--since date")
    with app.database().reading() as session:
        patient = app.patient(session, create=False)
        readings, unreadable = (
            ([], [])
            if patient is None
            else readings_and_unreadable(
                session, patient, marker_code=marker_code, since=since_date
            )
        )
        if as_json:
            # The array keeps its documented shape; unreadable rows are named on stderr.
            print_json_texts(reading_json_texts(readings, patient.name) if patient else ())
            return
        app.forget_unreadable(session)  # shown here in full, so no notice after
        if not readings and not unreadable:
            if (
                patient is not None
                and (marker_code or since_date)
                and has_readings(session, patient)
            ):
                which = f"{find_marker(marker).name} readings" if marker else "readings"
                when = f" since {since_date.isoformat()}" if since_date else ""
                click.echo(f"No {which}{when} (other readings are stored).")
                return
            click.echo("No readings yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD")
            return
        print_rows_then_unreadable(
            readings_table(readings) if readings else None, unreadable_lines(unreadable)
        )


@click.command("edit")
@click.argument("reading_id", metavar="ID")
@click.option("--marker", metavar="M", help="Corrected marker (value and unit must suit it).")
@click.option("--value", metavar="V", help="Corrected value (e.g. 27.5, <0.5).")
@click.option("--unit", metavar="U", help="Corrected unit (the value is re-read in it).")
@click.option("--date", "drawn_on", metavar="DATE", help="Corrected date of the draw.")
@click.option("--lab", metavar="NAME", help='Corrected lab ("" to clear).')
@click.option("--ref-high", metavar="X", help='Corrected upper reference limit ("" to clear).')
@click.option("--note", metavar="TEXT", help='Corrected note ("" to clear).')
@pass_app
def edit_command(
    app: AppContext,
    reading_id: str,
    marker: str | None,
    value: str | None,
    unit: str | None,
    drawn_on: str | None,
    lab: str | None,
    ref_high: str | None,
    note: str | None,
) -> None:
    """Correct a reading (see ids with `tracker list`)."""
    from tracker.errors import ValidationError
    from tracker.services.reading_edits import edit_reading
    from tracker.services.readings import describe
    from tracker.services.trend import flags_for_readings
    from tracker.store.stored_rows import UnreadableReading
    from tracker.trend.text_summary import brief_flag_lines

    rid = parse_id(reading_id)
    if all(option is None for option in (marker, value, unit, drawn_on, lab, ref_high, note)):
        raise ValidationError(
            "nothing to change: give --marker, --value, --unit, --date, --lab, --ref-high or --note"
        )
    new_date = optional_date(drawn_on)
    with app.database().writing() as session:
        patient = app.patient(session, create=False)
        if patient is None:
            raise ValidationError(f"no reading #{rid}: the database is empty")
        reading = edit_reading(
            session,
            patient,
            rid,
            marker=marker,
            value=value,
            unit=unit,
            drawn_on=new_date,
            lab=lab,
            ref_high=ref_high,
            note=note,
        )
        click.echo(f"Updated #{reading.id}: {describe(reading)}")
        if isinstance(reading, UnreadableReading):
            click.echo("  It still cannot be read: correct the rest, or delete it.")
            return
    # As after `add`: the flags the corrected reading now raises, briefly (committed above).
    with app.database().reading() as session:
        flags = flags_for_readings(session, patient, {reading.id: reading.marker})
    for line in brief_flag_lines(flags, verbose=False):
        print_wrapped(line)


@click.command("delete")
@click.argument("reading_ids", metavar="ID...", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete_command(app: AppContext, reading_ids: tuple[str, ...], yes: bool) -> None:
    """Remove readings (asks first unless --yes)."""
    from tracker.cli.prompts import confirm_or_refuse
    from tracker.errors import ValidationError
    from tracker.services.reading_edits import delete_readings
    from tracker.services.readings import describe, stored_reading

    ids = list(dict.fromkeys(parse_id(text) for text in reading_ids))
    with app.database().writing() as session:
        patient = app.patient(session, create=False)
        if patient is None:
            raise ValidationError(f"no reading #{ids[0]}: the database is empty")
        readings = [stored_reading(session, patient, rid) for rid in ids]
        listing = "; ".join(f"#{r.id} {describe(r)}" for r in readings)
        confirm_or_refuse(f"Delete {listing}?", yes, refused="nothing was deleted")
        delete_readings(session, patient, ids)
    for reading in readings:
        click.echo(f"Deleted #{reading.id}: {describe(reading)}")
