"""``tracker export``: parse, call the export services, print where the data went."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from tracker.cli.context import AppContext, pass_app

# Formats `export --format` writes (services.exporting.file.EXPORT_FORMATS, which --help
# must not import).
EXPORT_FORMATS = ("csv", "fhir")


@click.command("export")
@click.option(
    "--out",
    metavar="FILE|-",
    default="-",
    help="Write to FILE (created private, 0600, replaced only once complete; a link's "
    "target is written, a device or FIFO written into); - or no --out: standard output.",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="File format.",
)
@click.option("--all-patients", is_flag=True, help="Everyone's data, not just one patient's.")
@pass_app
def export_command(app: AppContext, out: str, export_format: str, all_patients: bool) -> None:
    """Write one patient's readings and events as CSV or FHIR.

    With --all-patients, everyone's. The columns are record, patient, marker, value,
    unit, drawn_on, lab, ref_high, note, kind, name, ended_on; `tracker import` reads
    the file back exactly. `--format fhir` writes a FHIR R4
    Bundle (JSON) instead, which `tracker import` reads back just as exactly.
    """
    from tracker.services.exporting.file import export_file, export_stream

    database = app.database()
    if out == "-":
        with _stdout_text() as stream:
            export_stream(
                database,
                stream,
                export_format,
                patient=app.patient_option,
                all_patients=all_patients,
            )
        return
    counts = export_file(
        database, Path(out), export_format, patient=app.patient_option, all_patients=all_patients
    )
    readings = "1 reading" if counts.readings == 1 else f"{counts.readings} readings"
    events = "1 event" if counts.events == 1 else f"{counts.events} events"
    # Beside the data, not inside it, when the data itself went to standard output.
    click.echo(f"Exported {readings} and {events} to {out}.", err=_is_stdout(out))


def _is_stdout(out: str) -> bool:
    """Whether ``out`` is the very file standard output writes to (``/dev/stdout``…)."""
    try:
        return os.path.samestat(os.stat(out), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, io.UnsupportedOperation):
        return False


@contextmanager
def _stdout_text() -> Iterator[TextIO]:
    """Standard output as UTF-8 text that writes newlines exactly as given (CSV's CRLF)."""
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        yield stream
        stream.flush()
    finally:
        stream.detach()
