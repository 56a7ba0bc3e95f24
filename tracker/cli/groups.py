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
        # The info dicts of the sessions this command read a patient in: reads record
        # there the ids of stored rows they had to skip (tracker/store/stored_rows.py).
        self._session_infos: list[dict[Any, Any]] = []

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

        self._session_infos.append(session.info)
        return resolve_patient(session, self.patient_option, create_default=create)

    def forget_unreadable(self, session: Session) -> None:
        """The command showed the unreadable rows itself: no notice after it."""
        from tracker.store.stored_rows import UNREADABLE_EVENTS_KEY, UNREADABLE_KEY

        session.info.pop(UNREADABLE_KEY, None)
        session.info.pop(UNREADABLE_EVENTS_KEY, None)

    def _infos(self) -> list[dict[Any, Any]]:
        # Sessions the command opened itself, and those the services opened for it.
        opened = self._database.session_infos if self._database is not None else []
        return [*self._session_infos, *opened]

    def read_patients(self) -> bool:
        """True once the command has read a patient's data (in any session)."""
        return bool(self._session_infos) or any(self._infos())

    def unreadable_ids(self, key: str) -> list[int]:
        """Ids of stored rows this command's reads skipped because they cannot be read."""
        ids: set[int] = set()
        for info in self._infos():
            ids.update(info.get(key, ()))
        return sorted(ids)

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


# On Linux, argument and environment bytes that are not UTF-8 arrive as lone
# surrogates (PEP 383); they cannot be stored, compared or printed as text.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# The variables the tracker reads as text (TRACKER_DEBUG only needs to be set).
TEXT_ENVIRONMENT = ("TRACKER_DB_URL", "TRACKER_PATIENT", "TRACKER_SQLITE_BUSY_TIMEOUT_MS")


def _shown_bytes(text: str) -> str:
    """The text's bytes as Python writes them (``b'Ann\\xff'``), cut to stay on one line."""
    shown = repr(os.fsencode(text))
    return shown if len(shown) <= 60 else shown[:57] + "..."


def refuse_undecodable(args: list[str]) -> None:
    """Bytes that are not UTF-8 in an argument or a tracker variable: one clear error."""
    for index, argument in enumerate(args):
        if _UNDECODABLE.search(argument) is None:
            continue
        option, equals, value = argument.partition("=")
        if argument.startswith("--") and equals:
            what, argument = f"the value of {option}", value
        elif index > 0 and args[index - 1].startswith("-") and not argument.startswith("-"):
            what = f"the value of {args[index - 1]}"
        else:
            what = "an argument"
        raise ValidationError(
            f"{what} ({_shown_bytes(argument)}) is not UTF-8 text; the tracker reads "
            "arguments as UTF-8 (check the terminal's or the script's encoding)"
        )
    for name in TEXT_ENVIRONMENT:
        setting = os.environ.get(name)
        if setting is not None and _UNDECODABLE.search(setting) is not None:
            raise ValidationError(
                f"the environment variable {name} ({_shown_bytes(setting)}) is not UTF-8 text"
            )


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
            undecodable = _shown_bytes(error.object[error.start : error.end])
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
    app = ctx.find_object(AppContext)
    if app is None or not app.read_patients():
        return
    from tracker.store.stored_rows import UNREADABLE_EVENTS_KEY, UNREADABLE_KEY, unreadable_notice

    for key, noun in ((UNREADABLE_KEY, "reading"), (UNREADABLE_EVENTS_KEY, "event")):
        ids = app.unreadable_ids(key)
        if ids:
            click.echo(f"Note: {unreadable_notice(ids, noun=noun)}", err=True)


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
    listing = "tracker list" if what == "reading" else f"tracker {what} list"
    # isascii: "²" and other Unicode digits pass isdigit() but not int().
    if not (cleaned.isascii() and cleaned.isdigit()):
        shown = repr(text) if len(text) <= 40 else repr(text[:37] + "...")
        raise ValidationError(f"{what} id {shown} is not a number like 12 (see `{listing}`)")
    # Checked as text first: Python refuses to convert integers of over 4,300 digits.
    digits = cleaned.lstrip("0")
    if len(digits) > len(str(MAX_ID)) or int(digits or "0") > MAX_ID:
        # No database can hold it (SQLite and PostgreSQL: 64 bits).
        shown = digits if len(digits) <= 40 else f"{digits[:20]}... ({len(digits):,} digits)"
        raise ValidationError(f"no {what} #{shown}: ids are at most {MAX_ID}")
    if int(digits or "0") <= 0:
        raise ValidationError(f"{what} id {text!r} is not a number like 12 (see `{listing}`)")
    return int(digits)


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
