"""What every command shares: the context object, error handling, prompts and output.

Nothing here imports SQLAlchemy at module level, so ``tracker --help`` stays fast.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from tracker.config import DatabaseLocation, location_from
from tracker.errors import ConfirmationRequired, TrackerError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.store.database import Database
    from tracker.store.models import Patient

F = TypeVar("F", bound=Callable[..., Any])
DEBUG_ENV = "TRACKER_DEBUG"
WRAP_WIDTH = 88
MAX_ID = 2**63 - 1


class AppContext:
    """Built once by the top-level group; commands receive it with ``pass_app``."""

    def __init__(self, db_option: str | None, patient_option: str | None) -> None:
        self.db_option = db_option
        self.patient_option = patient_option
        self._database: Database | None = None
        self._location: DatabaseLocation | None = None

    def location(self) -> DatabaseLocation:
        """The database chosen by --db, TRACKER_DB_URL or the default."""
        return self._location or location_from(self.db_option)

    def database(self, *, migrate: bool = True) -> Database:
        """The chosen database, opened (and, for a fresh SQLite file, migrated) once."""
        if self._database is None:
            from tracker.cli.startup import resume_collector
            from tracker.store.database import open_database

            resume_collector()  # the command's code is loaded: its real work begins
            self._database = open_database(self.location(), migrate=migrate)
        return self._database

    def use_location(self, location: DatabaseLocation) -> None:
        """Point this command at another database (``demo`` uses its own file)."""
        self.close()
        self._database = None
        self._location = location

    def patient(self, session: Session, *, create: bool) -> Patient | None:
        """The patient this command is about (may be None for reads of an empty database)."""
        from tracker.services.patients import resolve_patient

        return resolve_patient(session, self.patient_option, create_default=create)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


pass_app = click.make_pass_decorator(AppContext)


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
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command_summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class TrackerGroup(SummaryGroup):
    """A click group that turns every tracker error into one line and an exit code."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if self.parent_group_is_root:
            accept_global_options(cmd)

    @property
    def parent_group_is_root(self) -> bool:
        """Only the top-level ``tracker`` group adds the options (it owns --db/--patient)."""
        return any(param.name == "db_option" for param in self.params)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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


def interactive() -> bool:
    """True when a person can answer prompts (stdin is a terminal)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed stdin
        return False


def missing_argument(ctx: click.Context, name: str) -> NoReturn:
    """Without a terminal nothing prompts: a missing argument is a usage error (exit 2)."""
    raise click.UsageError(f"Missing argument '{name}'.", ctx)


def prompt_if_missing(ctx: click.Context, value: str | None, name: str, question: str) -> str:
    """Return the argument, asking for it on a terminal when it was left out.

    An empty argument ('') was given: it goes on to validation (exit 1 with what is wrong
    with it), like any other value the tracker checks.
    """
    if value is not None:
        return value
    if not interactive():
        missing_argument(ctx, name)
    answer: str = click.prompt(question, type=str)
    return answer


def confirm_or_refuse(question: str, yes: bool, *, refused: str) -> None:
    """Ask before destroying data; without a terminal, refuse unless ``--yes``."""
    if yes:
        return
    if not interactive():
        raise ConfirmationRequired(f"{refused}: confirm with --yes (no terminal to ask on)")
    if not click.confirm(question, default=False):
        raise ConfirmationRequired(f"{refused}: not confirmed")


def parse_id(text: str, what: str = "reading") -> int:
    """A positive whole-number id typed by the user."""
    cleaned = text.strip().lstrip("#")
    # isascii: "²" and other Unicode digits pass isdigit() but not int().
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) <= 0:
        listing = "tracker list" if what == "reading" else f"tracker {what} list"
        raise ValidationError(f"{what} id {text!r} is not a number like 12 (see `{listing}`)")
    if int(cleaned) > MAX_ID:  # no database can hold it (SQLite and PostgreSQL: 64 bits)
        raise ValidationError(f"no {what} #{cleaned}: ids are at most {MAX_ID}")
    return int(cleaned)


def optional_date(text: str | None, *, what: str = "date") -> date | None:
    """Parse an optional date option (exit 1 with a clear message when malformed)."""
    # Imported here: units loads the marker catalogue, which `--help` never needs.
    from tracker.catalogue.units import parse_date

    return None if text is None else parse_date(text, what=what)


def print_json(document: Any) -> None:
    """One JSON document and nothing else on stdout.

    An array is written one element per line: as easy to read as an indented dump, and
    json's C encoder does the work (indentation forces its pure-Python encoder, which
    doubles the time of ``list --json`` on a long history).
    """
    import json

    if isinstance(document, list) and document:
        encode = json.JSONEncoder(ensure_ascii=False).encode
        click.echo("[\n" + ",\n".join("  " + encode(item) for item in document) + "\n]")
        return
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def print_wrapped(text: str, indent: str = "  ") -> None:
    """A paragraph wrapped for a terminal, indented under the line it belongs to."""
    import textwrap

    click.echo(
        textwrap.fill(
            text,
            width=WRAP_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    )


def print_indented(line: str) -> None:
    """A line wrapped under its own indent; a "- " item's later lines align with its text."""
    import textwrap

    text = line.lstrip()
    indent = line[: len(line) - len(text)]
    hanging = indent + ("  " if text.startswith("- ") else "")
    click.echo(
        textwrap.fill(
            text,
            width=WRAP_WIDTH,
            initial_indent=indent,
            subsequent_indent=hanging,
            break_on_hyphens=False,
        )
    )
