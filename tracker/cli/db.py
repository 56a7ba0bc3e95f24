"""``tracker db …``: show, upgrade or downgrade the database's schema."""

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


@db_group.command("upgrade", short_help="Bring the schema to the newest revision.")
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
    confirm_or_refuse(
        _downgrade_question(database, before, revision), yes, refused=_refusal(database)
    )
    backup = database.back_up_before_downgrade(before)
    if backup is not None:
        click.echo(f"Backed up the database to {backup}")
    database.downgrade(revision)
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
