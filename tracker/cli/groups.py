"""The click groups: every tracker error as one ``Error: …`` line and an exit code, and
the command listing of ``--help``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Mapping
from typing import IO, Any, NamedTuple

import click

from tracker.cli.global_options import accept_global_options
from tracker.cli.raw_arguments import refuse_undecodable, shown_bytes
from tracker.errors import TrackerError

DEBUG_ENV = "TRACKER_DEBUG"


class TrackerException(click.ClickException):
    """A TrackerError shown as ``Error: …`` (plus detail lines) with exit code 1."""

    def __init__(self, error: TrackerError) -> None:
        super().__init__(error.message)
        self.details = error.details

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        click.echo(f"Error: {self.format_message()}", err=True, file=stream)
        for line in self.details:
            click.echo(f"  {line}", err=True, file=stream)


_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.(?:\s|$)")


def command_summary(command: click.Command) -> str:
    """The line a command gets in its group's listing: its short help, else the first
    sentence of its help, whole (click cuts it with "..." to fit one line)."""
    import inspect

    if command.short_help:
        return command.short_help
    paragraph = inspect.cleandoc(command.help or "").split("\n\n")[0]
    text = " ".join(paragraph.replace("\b", "").split())
    end = _SENTENCE_END.search(text)
    return text if end is None else text[: end.start() + 1]


class SummaryGroup(click.Group):
    """A group whose command listing shows each summary whole, wrapped when long."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            summary = self.listed_summary(ctx, name)
            if summary is not None:
                rows.append((name, summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def listed_summary(self, ctx: click.Context, name: str) -> str | None:
        """The summary ``--help`` lists for command ``name``; None if it is not listed."""
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            return None
        return command_summary(command)


class LazyCommand(NamedTuple):
    """A command loaded only when it runs: where it is, and the line ``--help`` lists.

    The summary repeats the command's own (tests/cli/test_help_listing.py checks that
    they agree), so that ``tracker --help`` and ``tracker add`` import one command
    module, or none, instead of all twenty.
    """

    module: str
    attribute: str
    summary: str


class TrackerGroup(SummaryGroup):
    """A click group that turns every tracker error into one line and an exit code."""

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if self.parent_group_is_root:
            accept_global_options(cmd)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            lazy = self.lazy_commands[cmd_name]
            command = getattr(importlib.import_module(lazy.module), lazy.attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            # click (8.4+) suggests from the commands loaded so far: offer every command.
            raise click.exceptions.NoSuchCommand(
                error.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def listed_summary(self, ctx: click.Context, name: str) -> str | None:
        if name not in self.commands and name in self.lazy_commands:
            return self.lazy_commands[name].summary
        return super().listed_summary(ctx, name)

    @property
    def parent_group_is_root(self) -> bool:
        """Only the top-level ``tracker`` group adds the options (it owns --db/--patient)."""
        return any(param.name == "db_option" for param in self.params)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:  # the top-level group sees every argument
            try:
                refuse_undecodable(args)
            except TrackerError as error:
                raise TrackerException(error) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            _note_unreadable(ctx)
            return result
        except TrackerError as error:
            if error.exit_code == 2:
                raise click.UsageError(error.message, ctx) from None
            raise TrackerException(error) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (e.g. `tracker list | head`): stop quietly.
            sys.stdout = open(os.devnull, "w")
            raise click.exceptions.Exit(1) from None
        except UnicodeEncodeError as error:
            if os.environ.get(DEBUG_ENV) or "surrogates" not in str(error):
                raise
            # Bytes that are not UTF-8 from somewhere refuse_undecodable does not look
            # (a file name in the user's data folder, HOME): one line, nothing changed.
            undecodable = shown_bytes(error.object[error.start : error.end])
            raise TrackerException(
                TrackerError(
                    f"text that is not UTF-8 ({undecodable}) reached the tracker; "
                    "nothing was changed"
                )
            ) from None
        except OSError as error:
            if os.environ.get(DEBUG_ENV):
                raise
            where = f" ({error.filename})" if error.filename else ""
            raise TrackerException(TrackerError(f"{error.strerror or error}{where}")) from None
        except Exception as error:
            if os.environ.get(DEBUG_ENV):
                raise
            raise TrackerException(
                TrackerError(
                    f"unexpected internal error ({type(error).__name__}: {error}); nothing "
                    f"more was changed. Run again with {DEBUG_ENV}=1 for details and report it"
                )
            ) from None


def _note_unreadable(ctx: click.Context) -> None:
    """After a command that skipped unreadable stored rows, one line on stderr names them.

    stderr, so that ``--json`` output stays one document.
    """
    from tracker.cli.context import AppContext

    app = ctx.find_object(AppContext)
    if app is None or not app.read_patients():
        return
    from tracker.store.stored_rows import UNREADABLE_EVENTS_KEY, UNREADABLE_KEY, unreadable_notice

    for key, noun in ((UNREADABLE_KEY, "reading"), (UNREADABLE_EVENTS_KEY, "event")):
        ids = app.unreadable_ids(key)
        if ids:
            click.echo(f"Note: {unreadable_notice(ids, noun=noun)}", err=True)
