"""``--db`` and ``--patient`` accepted after a command's name as well as before it."""

from __future__ import annotations

import click

# option, the AppContext attribute it sets, metavar, help: in the order --help lists them.
_GLOBAL_OPTIONS = (
    ("--db", "db_option", "URL|PATH", "Database (as before the command name)."),
    ("--patient", "patient_option", "NAME", "Whose results (as before the command name)."),
)


def _set_app_option(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    from tracker.cli.context import AppContext  # loaded with the command, not by --help

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
    for option, name, metavar, help_text in _GLOBAL_OPTIONS:
        if name not in names:
            command.params.append(
                click.Option(
                    [option, name],
                    metavar=metavar,
                    expose_value=False,
                    callback=_set_app_option,
                    help=help_text,
                )
            )
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            accept_global_options(subcommand)
