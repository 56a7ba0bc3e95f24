"""Help (issue 15): every command's summary fits its group's listing without "...", the
`event add` usage line breaks no word, and shell completion works as the README says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from tests.helpers.commands import subcommands
from tracker.cli.groups import command_summary
from tracker.cli.main import cli


def _groups(group: click.Group, path: list[str]) -> list[tuple[list[str], click.Group]]:
    found = [(path, group)]
    for name, command in subcommands(group).items():
        if isinstance(command, click.Group):
            found += _groups(command, [*path, name])
    return found


def test_the_listed_summaries_are_the_commands_own() -> None:
    """`tracker --help` lists summaries from a table, without loading the commands
    (tracker/cli/main.py, COMMANDS): each must be what the command itself says."""
    from tracker.cli.main import COMMANDS

    loaded = subcommands(cli)
    assert sorted(COMMANDS) == sorted(loaded)
    for name, lazy in COMMANDS.items():
        assert lazy.summary == command_summary(loaded[name]), name
        assert not loaded[name].hidden, name  # the table lists every command it holds


def test_a_mistyped_command_gets_a_suggestion_from_every_command(tmp_path: Path) -> None:
    """click suggests from the commands loaded so far; before any is, all must count."""
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "lst"],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.endswith("Error: No such command 'lst'. Did you mean 'list'?\n")


def test_every_summary_is_shown_whole_in_the_listing() -> None:
    groups = _groups(cli, [])
    assert len(groups) == 4  # tracker, db, patient, event
    checked = 0
    for path, group in groups:
        result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80)
        assert result.exit_code == 0, result.output
        listing = " ".join(result.stdout.split("Commands:")[1].split())
        assert "..." not in listing, (path, listing)
        for name, command in subcommands(group).items():
            summary = command_summary(command)
            assert summary and not summary.endswith("...")
            assert f"{name} {summary}" in listing, (path, name, summary)
            # At 80 columns the summary fits on its command's own line, unwrapped.
            [line] = [x for x in result.stdout.splitlines() if x.startswith(f"  {name} ")]
            assert line.endswith(summary), (path, name, line)
            checked += 1
    assert checked >= 25


def test_the_event_add_usage_line_breaks_no_word() -> None:
    result = CliRunner().invoke(
        cli, ["event", "add", "--help"], terminal_width=60, prog_name="tracker"
    )
    usage = result.stdout.split("\n\n")[0]
    assert usage.split() == ["Usage:", "tracker", "event", "add", "[OPTIONS]", "KIND", "[NAME]"]
    assert "treatment, supportive, surgery, condition, symptom, imaging, other" in " ".join(
        result.stdout.split()
    )


def test_export_help_names_both_formats() -> None:
    # Its one-line help in the listing says what --format can write (issue 15).
    listing = " ".join(CliRunner().invoke(cli, ["--help"]).stdout.split())
    assert "export Write one patient's readings and events as CSV or FHIR." in listing
