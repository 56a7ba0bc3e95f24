"""Printing: one JSON document, and text wrapped for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

WRAP_WIDTH = 88


def print_json(document: Any) -> None:
    """One JSON document and nothing else on stdout.

    An array is written one element per line: as easy to read as an indented dump, and
    json's C encoder does the work (indentation forces its pure-Python encoder, which
    doubles the time of ``list --json`` on a long history).
    """
    import json

    if isinstance(document, list) and document:
        encode = json.JSONEncoder(ensure_ascii=False).encode
        click.echo("[\n  " + ",\n  ".join(map(encode, document)) + "\n]")
        return
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def print_json_texts(items: Iterable[str]) -> None:
    """A JSON array of already encoded items, laid out as ``print_json`` lays out a list."""
    text = ",\n  ".join(items)
    click.echo(f"[\n  {text}\n]" if text else "[]")


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


def print_rows_then_unreadable(table: str | None, unreadable_lines: list[str]) -> None:
    """A listing: the table of readable rows (if any), a blank line, then the stored rows
    that could not be read, one line each (``list`` and ``event list`` alike)."""
    if table is not None:
        click.echo(table)
        if unreadable_lines:
            click.echo()
    for line in unreadable_lines:
        click.echo(line)
