"""A group's commands, loaded: the top-level group imports each command module only
when it is needed (tracker/cli/groups.py, ``LazyCommand``), so ``group.commands`` holds
only those already used."""

from __future__ import annotations

import click


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """Every command of ``group`` by name, in listing order, each module imported."""
    ctx = click.Context(group)
    found = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found[name] = command
    return found
