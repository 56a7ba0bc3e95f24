"""``tracker backup FILE`` and ``tracker restore FILE [--yes]``."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.prompts import confirm_or_refuse


@click.command("backup", short_help="Copy the database to a new FILE (private, consistent).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def backup_command(app: AppContext, file: Path) -> None:
    """Write a consistent copy of the database to a new FILE (readable by you only).

    Safe while other tracker commands run. FILE must not exist yet. For a PostgreSQL
    database this prints the pg_dump command to use instead and exits with status 1.
    """
    from tracker.store.backup import backup_database

    summary = backup_database(app.location(), file)
    click.echo(f"Backed up {app.location().display} to {file} ({summary.describe()})")


@click.command("restore", short_help="Put a backup FILE back (asks first unless --yes).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def restore_command(app: AppContext, file: Path, yes: bool) -> None:
    """Replace the database with the backup FILE (asks first unless --yes).

    FILE must be an intact tracker database (e.g. from `tracker backup`). The current
    database is first copied beside itself (`….before-restore-….bak`), so a restore can
    itself be undone.
    """
    from tracker.store.restore import plan_restore, restore_database

    location = app.location()
    plan = plan_restore(location, file)
    confirm_or_refuse(plan.question(), yes, refused="nothing was restored")
    safety = restore_database(location, plan)
    if safety is not None:
        click.echo(f"Kept a safety copy of the previous database: {safety}")
    click.echo(f"Restored {plan.target} from {plan.source} ({plan.incoming.describe()})")
