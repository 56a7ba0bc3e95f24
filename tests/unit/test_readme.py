"""The README documents every command, and its set-up lines are the ones CI relies on."""

from __future__ import annotations

import re

import click

from tests.helpers.commands import subcommands
from tests.helpers.paths import ROOT
from tracker.cli.main import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths(group: click.Group, prefix: str = "") -> list[str]:
    paths = []
    for name, command in subcommands(group).items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, f"{path} "))
        else:
            paths.append(path)
    return paths


def test_every_command_is_shown_in_the_readme() -> None:
    missing = [
        path
        for path in _command_paths(cli)
        if not re.search(rf"tracker (\[?--[^\n]*?\]? )?{re.escape(path)}\b", README)
    ]
    assert missing == []


def test_readme_has_the_two_set_up_lines() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    set_up = [b.strip() for b in blocks if "python3 -m venv" in b]
    assert set_up[:2] == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && "
        "tracker demo --out demo-report.pdf",
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test,postgres]" '
        "&& pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\npytest\n" in ci  # the same test command as the README's
