"""``tracker import``: parse, call the import services, print the summary and the flags."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

import click

from tracker import clock
from tracker.cli.context import AppContext, pass_app
from tracker.cli.output import print_wrapped
from tracker.interchange.csv_dates import DATE_FORMATS as DATE_FORMAT_CHOICES

if TYPE_CHECKING:
    from tracker.trend.types import Flag

# Below this size an import is over before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 1_000_000


@click.command("import")
@click.argument("source", metavar="FILE|-")
@click.option("--dry-run", is_flag=True, help="Check the file and count what would be added.")
@click.option("--delimiter", metavar="C", help="Cell separator (default: from the header line).")
@click.option("--decimal-comma", is_flag=True, help="Numbers are written 4,2 (automatic with ;).")
@click.option(
    "--date-format",
    type=click.Choice(DATE_FORMAT_CHOICES, case_sensitive=False),
    help="How the file writes dates (default: ISO; DD.MM.YYYY is recognised, and slashed "
    "dates when a day above 12 settles the order).",
)
@click.option("-v", "--verbose", is_flag=True, help="Print the full text of each flag.")
@pass_app
def import_command(
    app: AppContext,
    source: str,
    dry_run: bool,
    delimiter: str | None,
    decimal_comma: bool,
    date_format: str | None,
    verbose: bool,
) -> None:
    """Add the readings and events of a CSV, FHIR or HL7 v2 file.

    FILE - reads standard input. Reads what `export` writes, and also files from
    spreadsheets and lab portals: any column order, portal headers (Test, Result, Units,
    Reference range, Collected, Laboratory), `;` or tab separators, decimal commas,
    DD.MM.YYYY and slashed dates. All or nothing: a file with bad rows adds nothing and
    names each bad row. Rows that are already stored are skipped, so importing a file
    twice adds it once.

    A .json file (or content starting with `{`) is read as a FHIR R4 Bundle: the
    tracker's own export, or a portal's Observations with CEA, CA 15-3, CA 27.29 or
    CA 125 LOINC codes (other Observations are counted as skipped). A .ndjson file (FHIR
    Bulk Data export, one resource a line) is streamed; a .hl7 file (or content starting
    with MSH|) is read as HL7 v2 ORU^R01 lab messages.
    """
    from tracker.services.importing.csv_file import ImportOptions, open_file
    from tracker.services.importing.file import import_stream
    from tracker.services.importing.summary import ImportSummary, summary_line
    from tracker.trend.text_summary import brief_flag_lines

    options = ImportOptions(app.patient_option, delimiter, decimal_comma, dry_run, date_format)
    database = app.database()
    opened = nullcontext((sys.stdin.buffer, 0)) if source == "-" else open_file(source)
    name = "standard input" if source == "-" else source
    stored: list[ImportSummary] = []
    try:
        with opened as (stream, size), _progress(size) as progress:
            outcome = import_stream(
                database,
                stream,
                options,
                name=name,
                today=clock.today(),
                progress=progress,
                warn=_warn,
                committed=stored.append,
            )
    except KeyboardInterrupt:
        if not stored:
            raise  # nothing was committed: click's "Aborted!" and exit 1 are true
        # Committed: an interrupt now must not read as "nothing changed" (docs/design.md).
        click.echo(summary_line(stored[0]))
        click.echo("Interrupted before the flags were checked; `tracker trend` shows them.")
        raise click.exceptions.Exit(0) from None
    summary = outcome.summary
    if outcome.empty:
        empty = {
            "fhir": "is a Bundle without entries",
            "ndjson": "holds no resources",
            "hl7": "holds no results",
        }.get(outcome.format, "has a header but no data rows")
        click.echo(f"No rows to import: {name} {empty}.")
        return
    click.echo(summary_line(summary))
    for note in outcome.notes:
        click.echo(note)
    report = outcome.flags
    # Briefly, as after `add`: headlines, then each marker's causes and advice once
    # (-v: the full texts); under each patient's name when the file held several.
    by_patient: dict[str, list[Flag]] = {}
    for patient, flag in report.flags:
        by_patient.setdefault(patient, []).append(flag)
    for patient, flags in by_patient.items():
        if len(by_patient) > 1:
            click.echo(f"{patient}:")
        for line in brief_flag_lines(flags, verbose=verbose):
            print_wrapped(line)
    if report.unchecked:
        print_wrapped(
            f"The trend engine could not check {'; '.join(report.unchecked)}; the import is "
            "complete; `tracker trend` shows the series."
        )
    if summary.series_count > len(summary.series):
        print_wrapped(
            f"Flags were checked for the first {len(summary.series)} of "
            f"{summary.series_count} series; `tracker trend` shows them all."
        )


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


@contextmanager
def _progress(size: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for a large file, only when stderr is a terminal."""
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=size, label="Importing", file=sys.stderr) as bar:
        yield bar.update
