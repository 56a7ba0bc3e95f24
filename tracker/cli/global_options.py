"""``--db`` and ``--patient`` accepted after a command's name as well as before it."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext


def _set_app_option(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    app = ctx.find_object(AppContext)
    if app is not None and param.name is not None:
        setattr(app, param.name, value)


def accept_global_options(command: click.Command) -> None:
    """Let ``--db`` and ``--patient`` follow the command name too (``tracker list
    --patient Ann``), as people type them (docs/design.md, "Entering and correcting").

    The top-level group has made the AppContext before a subcommand parses its options,
    so these just overwrite its choice; subcommands of a group get them as well.
    """
    names = {param.name for param in command.params}
    if "db_option" not in names:
        command.params.append(
            click.Option(
                ["--db", "db_option"],
                metavar="URL|PATH",
                expose_value=False,
                callback=_set_app_option,
                help="Database (as before the command name).",
            )
        )
    if "patient_option" not in names:
        command.params.append(
            click.Option(
                ["--patient", "patient_option"],
                metavar="NAME",
                expose_value=False,
                callback=_set_app_option,
                help="Whose results (as before the command name).",
            )
        )
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            accept_global_options(subcommand)
