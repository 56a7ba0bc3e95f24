"""``tracker db …`` (schema management) and ``tracker markers`` (the catalogue)."""

from __future__ import annotations

import click

from tracker.cli.support import AppContext, pass_app


@click.group("db")
def db_group() -> None:
    """Schema management: show, upgrade or downgrade the database's revision."""


@db_group.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Show the database's schema revision and whether it is the newest."""
    from tracker.store.revisions import HEAD_REVISION

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


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Bring the schema to the newest revision (SQLite files are backed up first)."""
    from tracker.store.revisions import HEAD_REVISION

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


@db_group.command("downgrade")
@click.argument("revision")
@pass_app
def db_downgrade(app: AppContext, revision: str) -> None:
    """Go back to an older schema REVISION (`base` removes all tracker tables).

    A SQLite file is copied beside itself first, so nothing is lost for good.
    """
    from tracker.errors import ValidationError
    from tracker.store import migrate as schema
    from tracker.store.revisions import KNOWN_REVISIONS

    if revision != "base" and revision not in KNOWN_REVISIONS:
        raise ValidationError(
            f"unknown revision {revision!r}; use one of: base, {', '.join(KNOWN_REVISIONS)}"
        )
    database = app.database(migrate=False)
    before, _ = database.schema_state()
    if before is None:
        click.echo(f"{database.location.display}: nothing to downgrade (no tracker schema)")
        return
    if database.is_sqlite and database.location.sqlite_path is not None:
        backup = schema.backup_before_upgrade(database, before, "downgrade")
        click.echo(f"Backed up the database to {backup}")
    database.downgrade(revision)
    click.echo(f"{database.location.display}: downgraded from {before} to {revision}")


@click.command("markers")
def markers_command() -> None:
    """Show the marker catalogue: names, aliases, units, LOINC, limits and benign causes."""
    from tracker.catalogue.markers import ASSAY_CAVEATS, MARKERS, MIN_RISE_PCT
    from tracker.catalogue.units import format_number

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
