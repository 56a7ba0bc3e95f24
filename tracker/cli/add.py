"""``tracker add``: one draw of one or several markers, with a prompt for what is missing."""

from __future__ import annotations

from collections.abc import Sequence

import click

from tracker import clock
from tracker.cli.context import AppContext, pass_app
from tracker.cli.ids_and_dates import optional_date
from tracker.cli.output import print_wrapped
from tracker.cli.prompts import prompt_if_missing


# Unknown options pass through as arguments so that `add CEA -1` reaches validation
# ("negative") instead of click's "no such option"; real typos are caught below.
@click.command(
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
