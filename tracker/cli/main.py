"""The ``tracker`` command line: parse, call a service, print. No SQL and no maths here.

Services are imported inside each command so ``tracker --help`` loads neither
SQLAlchemy nor anything heavier.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from tracker import __version__, clock
from tracker.cli.backup import backup_command, restore_command
from tracker.cli.check import check_command
from tracker.cli.context import AppContext, pass_app
from tracker.cli.due import due_command
from tracker.cli.events import event_group
from tracker.cli.groups import TrackerGroup
from tracker.cli.ids_and_dates import optional_date, parse_id
from tracker.cli.import_export import export_command, import_command
from tracker.cli.markers import markers_command
from tracker.cli.output import print_json, print_rows_then_unreadable, print_wrapped
from tracker.cli.patients import patient_group
from tracker.cli.prompts import prompt_if_missing
from tracker.cli.report import demo_command, report_command
from tracker.cli.review import review_command
from tracker.cli.schema import db_group
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


# Unknown options pass through as arguments so that `add CEA -1` reaches validation
# ("negative") instead of click's "no such option"; real typos are caught below.
@cli.command(
    "add",
    short_help="Log one draw, e.g. `add CEA 3.1 CA15-3 28`.",
    context_settings={"ignore_unknown_options": True},
)
@click.argument("entries", metavar="MARKER VALUE [UNIT]...", nargs=-1)
@click.option("--date", "drawn_on", metavar="DATE", help="Date of the blood draw (default today).")
@click.option("--lab", metavar="NAME", help="Lab or assay; results are compared within one lab.")
@click.option(
    "--ref-high",
    metavar="X",
    help="The lab's upper reference limit, if printed (one marker only; otherwise the "
    "lab's last one is used).",
)
@click.option("--note", metavar="TEXT", help="A note kept with the readings.")
@click.option("-v", "--verbose", is_flag=True, help="Print the full text of each flag.")
@pass_app
@click.pass_context
def add_command(
    ctx: click.Context,
    app: AppContext,
    entries: tuple[str, ...],
    drawn_on: str | None,
    lab: str | None,
    ref_high: str | None,
    note: str | None,
    verbose: bool,
) -> None:
    """Log one draw: MARKER VALUE [UNIT], several markers of one blood sample at once.

    E.g. `add CEA 3.1` or `add CEA 3.1 CA15-3 28 kU/L --date 2026-01-05 --lab "City Lab"`:
    all readings are stored together, or none. VALUE may be `<0.5` or `>1000` when the
    lab reports a result outside its range. A missing UNIT means the marker's usual unit.
    Without --ref-high, a lab's upper limit stored earlier for the marker is used (and
    said). Prints the readings and, briefly, any flag they raise (-v: the full texts).
    """
    from tracker.services.log_reading import flag_draw, store_draw
    from tracker.services.readings import ReadingFields, describe
    from tracker.trend.text_summary import brief_flag_lines

    for argument in entries:
        if argument.startswith("-") and not _is_number(argument):
            raise click.NoSuchOption(argument, ctx=ctx)
    if len(entries) < 2:
        marker = prompt_if_missing(
            ctx,
            entries[0] if entries else None,
            "MARKER",
            "Marker (CEA, CA 15-3, CA 27.29, CA 125)",
        )
        value = prompt_if_missing(ctx, None, "VALUE", "Value")
        drawn_on, lab = prompt_date_and_lab(app, marker, drawn_on, lab)
        pairs: list[tuple[str, str, str | None]] = [(marker, value, None)]
    else:
        pairs = split_draw(entries)
    if ref_high is not None and len(pairs) > 1:
        raise click.UsageError(
            "--ref-high applies to one marker; with several markers, add them one by one "
            "or let each lab's stored limit apply",
            ctx,
        )
    day = optional_date(drawn_on)
    fields = [ReadingFields(m, v, u, day, lab, ref_high, note) for m, v, u in pairs]
    database = app.database()
    stored = store_draw(database, app.patient_option, fields, today=clock.today())
    try:
        from tracker.store.pauses_for_tests import pause_after_commit_for_tests

        pause_after_commit_for_tests()
        logged = flag_draw(database, stored)
    except KeyboardInterrupt:
        # Committed: an interrupt now must not read as "nothing changed" (docs/design.md).
        for reading in stored.readings:
            click.echo(f"Added #{reading.id}: {describe(reading)}")
        click.echo("Interrupted before the flags were computed; see them with `tracker trend`.")
        ctx.exit(0)
    for reading in logged.readings:
        click.echo(f"Added #{reading.id}: {describe(reading)}")
    for notice in logged.notices:
        click.echo(f"  ({notice})")
    for line in brief_flag_lines(logged.flags, verbose=verbose):
        print_wrapped(line)


def split_draw(tokens: Sequence[str]) -> list[tuple[str, str, str | None]]:
    """MARKER VALUE [UNIT] groups: after a value, a token that is a unit of that marker
    is its unit; a token that names a marker starts the next group; anything else is
    taken as a unit, so that validation says what is wrong with it; but a token close to a
    marker name and no marker's unit (`add CEA 3 CAE 4`) is a misspelt marker, said so."""
    from tracker.catalogue.markers import MARKERS, find_marker, marker_suggestion
    from tracker.catalogue.units import is_unit_of
    from tracker.errors import TrackerError, ValidationError

    def names_marker(token: str) -> bool:
        try:
            find_marker(token)
        except TrackerError:
            return False
        return True

    pairs: list[tuple[str, str, str | None]] = []
    position = 0
    while position < len(tokens):
        marker = tokens[position]
        if position + 1 >= len(tokens):
            raise ValidationError(f"{marker!r} has no value: give MARKER VALUE [UNIT]")
        value = tokens[position + 1]
        position += 2
        unit = None
        if position < len(tokens):
            following = tokens[position]
            known = names_marker(marker)
            if (known and is_unit_of(find_marker(marker), following)) or not names_marker(
                following
            ):
                if marker_suggestion(following) and not any(
                    is_unit_of(other, following) for other in MARKERS.values()
                ):
                    find_marker(following)  # raises: unknown marker ... (did you mean CEA?)
                unit = following
                position += 1
        pairs.append((marker, value, unit))
    return pairs


def prompt_date_and_lab(
    app: AppContext, marker: str, drawn_on: str | None, lab: str | None
) -> tuple[str | None, str | None]:
    """On a terminal, ask for the date (default today) and the lab (default the marker's
    last lab) when they were not given, so a prompted reading joins its lab's series."""
    from tracker.services.log_reading import last_lab

    if drawn_on is None:
        drawn_on = click.prompt("Date of the draw", default="today", type=str)
    if lab is None:
        usual = last_lab(app.database(), app.patient_option, marker)
        answer: str = click.prompt(
            "Lab (Enter for none)" if usual is None else "Lab",
            default=usual or "",
            show_default=usual is not None,
            type=str,
        )
        lab = answer.strip() or None
    return drawn_on, lab


@cli.command("list")
@click.option("--marker", metavar="M", help="Only this marker (e.g. CEA, ca153).")
@click.option("--since", metavar="DATE", help="Only readings drawn on or after this date.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (for scripts).")
@pass_app
def list_command(app: AppContext, marker: str | None, since: str | None, as_json: bool) -> None:
    """Show readings, oldest first (and, after them, any stored row that cannot be read)."""
    from tracker.catalogue.markers import find_marker
    from tracker.cli.tables import readings_table, unreadable_lines
    from tracker.services.readings import (
        has_readings,
        list_readings,
        reading_json,
        unreadable_in,
    )

    marker_code = find_marker(marker).code if marker else None
    since_date = optional_date(since, what="--since date")
    with app.database().reading() as session:
        patient = app.patient(session, create=False)
        readings = (
            []
            if patient is None
            else list_readings(session, patient, marker_code=marker_code, since=since_date)
        )
        if as_json:
            # The array keeps its documented shape; unreadable rows are named on stderr.
            print_json([reading_json(r, patient.name) for r in readings] if patient else [])
            return
        unreadable = (
            [] if patient is None else unreadable_in(session, patient, marker_code=marker_code)
        )
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


@cli.command("edit")
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
    from tracker.services.trend import flags_for_reading
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
        flags = flags_for_reading(session, patient, reading.id)
    for line in brief_flag_lines(flags, verbose=False):
        print_wrapped(line)


@cli.command("delete")
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def main() -> None:
    """Console-script entry point."""
    pause_collector()  # until the command opens its database (tracker/cli/startup.py says why)
    cli(prog_name="tracker")
