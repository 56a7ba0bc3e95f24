"""Asking a person at a terminal, and what happens without one."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from tracker.errors import ConfirmationRequired


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
