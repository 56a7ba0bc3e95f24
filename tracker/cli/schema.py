"""``tracker db …`` (schema management) and ``tracker markers`` (the catalogue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.groups import SummaryGroup

if TYPE_CHECKING:
    from tracker.store.database import Database


@click.group("db", cls=SummaryGroup, short_help="Show, upgrade or downgrade the database's schema.")
def db_group() -> None:
    """Schema management: show, upgrade or downgrade the database's revision."""


@db_group.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Show the database's schema revision and whether it is the newest."""
    from tracker.store.database import HEAD_REVISION

    database = app.database(migrate=False)
    revision, has_tables = database.schema_state()
    where = database.location.display
    if revision is None:
        state = "holds other tables" if has_tables else "is empty (no tracker schema yet)"
        click.echo(f"{where}: {state}; this version's head is {HEAD_REVISION}")
    elif revision == HEAD_REVISION:
        click.echo(f"{where}: revision {revision} (head)")
    else:
        click.echo(
            f"{where}: revision {revision}; this version's head is {HEAD_REVISION} "
            "(run `tracker db upgrade`)"
        )


@db_group.command("upgrade", short_help="Bring the schema to the newest revision.")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Bring the schema to the newest revision (SQLite files are backed up first)."""
    from tracker.store.database import HEAD_REVISION

    database = app.database(migrate=False)
    before, _ = database.schema_state()
    if before == HEAD_REVISION:
        click.echo(f"{database.location.display}: already at revision {HEAD_REVISION} (head)")
        return
    backup = database.upgrade()
    if backup:
        click.echo(f"Backed up the database to {backup}")
    click.echo(
        f"{database.location.display}: upgraded from {before or 'an empty database'} "
        f"to revision {HEAD_REVISION} (head)"
    )


@db_group.command("downgrade", short_help="Go back to an older schema REVISION (asks first).")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def db_downgrade(app: AppContext, revision: str, yes: bool) -> None:
    """Go back to an older schema REVISION (`base` removes all tracker tables).

    Asks first unless --yes. A SQLite file is copied beside itself first; a server
    database is not, so take a dump (pg_dump) before.
    """
    from tracker.cli.prompts import confirm_or_refuse
    from tracker.errors import ValidationError
    from tracker.store import migrate as schema
    from tracker.store.database import KNOWN_REVISIONS

    if revision != "base" and revision not in KNOWN_REVISIONS:
        raise ValidationError(
            f"unknown revision {revision!r}; use one of: base, {', '.join(KNOWN_REVISIONS)}"
        )
    database = app.database(migrate=False)
    before, _ = database.schema_state()
    if before is None:
        click.echo(f"{database.location.display}: nothing to downgrade (no tracker schema)")
        return
    confirm_or_refuse(
        _downgrade_question(database, before, revision), yes, refused=_refusal(database)
    )
    if database.is_sqlite and database.location.sqlite_path is not None:
        backup = schema.backup_before_upgrade(database, before, "downgrade")
        click.echo(f"Backed up the database to {backup}")
    with database._translated(), database.write_engine.connect() as connection:
        with connection.begin():
            schema.run_downgrade(connection, revision)
    click.echo(f"{database.location.display}: downgraded from {before} to {revision}")


def _downgrade_question(database: Database, before: str, revision: str) -> str:
    where = database.location.display
    drops = (
        "removes every tracker table and all their rows"
        if revision == "base"
        else ("removes the tables and columns added after it, with what they hold")
    )
    if database.is_sqlite:
        keep = "A copy of the file is kept beside it first."
    else:
        from tracker.store.backup import pg_dump_hint

        keep = (
            f"Nothing is copied on a server: take a dump first ({pg_dump_hint(database.location)})."
        )
    return f"Downgrade {where} from revision {before} to {revision}? This {drops}. {keep}"


def _refusal(database: Database) -> str:
    if database.is_sqlite:
        return "nothing was downgraded"
    return "nothing was downgraded (on a server, take a dump with pg_dump first)"


@click.command("markers", short_help="The marker catalogue: names, units, limits, benign causes.")
@click.argument("name", required=False)
def markers_command(name: str | None) -> None:
    """Show the marker catalogue: names, aliases, units, LOINC, limits and benign causes.

    With a NAME (e.g. `tracker markers ca153`), that marker in full, with the source
    article's context.
    """
    from tracker.catalogue.markers import ASSAY_CAVEATS, MARKERS, MIN_RISE_PCT, find_marker
    from tracker.catalogue.units import format_number

    if name is not None:
        from tracker.cli.marker_text import marker_lines
        from tracker.cli.output import print_indented

        for line in marker_lines(find_marker(name)):
            print_indented(line)
        return

    for marker in MARKERS.values():
        click.echo(f"{marker.name} ({marker.description})")
        click.echo(f"  also written: {', '.join(sorted(set(marker.aliases) - {marker.name}))}")
        click.echo(f"  unit: {marker.unit} (accepted: {', '.join(marker.unit_names)})")
        click.echo(f"  LOINC: {marker.loinc}")
        note = f"; {marker.upper_limit_note}" if marker.upper_limit_note else ""
        click.echo(
            f"  usual upper limit: {format_number(marker.upper_limit)} {marker.unit} "
            f"(a lab's own limit wins{note})"
        )
        rcv = marker.rcv_up_pct()
        variation = (
            f"tests usually differ by up to +{rcv:.1f}% (" + marker.variation_source + ")"
            if rcv is not None
            else marker.variation_source
        )
        click.echo(f"  normal variation: {variation}")
        click.echo(
            f"  a rise is flagged from {marker.rise_threshold_pct():.1f}% "
            f"(never below {MIN_RISE_PCT:.0f}%) and at least "
            f"{format_number(marker.rise_floor)} {marker.unit}"
        )
        click.echo(f"  can also be raised by: {', '.join(marker.benign_cause_labels())}")
        click.echo("")
    click.echo("For every marker:")
    for caveat in ASSAY_CAVEATS:
        click.echo(f"  - {caveat}")
