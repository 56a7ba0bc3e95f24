"""CSV import: streaming, all-or-nothing, idempotent and tolerant of real-world files.

Rows come from a strict ``csv.reader`` over bounded lines (``tracker.interchange.csv_lines``: a
malformed quote is a bad row, never a reason to read on through the following rows) and
are validated and inserted in chunks, so memory stays flat however long the file, or one
line of it, is. Everything happens in one transaction: a file with any bad row imports
nothing and names each bad row by its spreadsheet row number. Duplicates (against the
database, or within the file) are skipped by the identity unique indexes with
``ON CONFLICT DO NOTHING`` and counted as already present, so no key of the file is ever
held in memory. (Counting and the summary are in ``tracker.services.importing.summary``, export in
``tracker.services.exporting.csv_file``.)
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING

from sqlalchemy.orm import Session

from tracker.errors import TrackerError, ValidationError
from tracker.interchange.csv_dates import PendingDate, ambiguous_dates_error, parse_date_format
from tracker.interchange.csv_dialect import (
    RECORD_READING,
    Columns,
    CsvDialect,
    delimiter_hint,
    detect_dialect,
    read_columns,
)
from tracker.interchange.csv_lines import (
    CELL_COUNT_LIMIT,
    ROW_LIMIT_CHARS,
    RecordLines,
    RowTooLong,
    csv_problem,
    header_cells,
    quote_inside_a_cell,
)
from tracker.services.importing.birth_dates import refuse_rows_before_birth
from tracker.services.importing.patients import PatientIds
from tracker.services.importing.rows import NOT_UTF8, UTF8_HINT, RowBuilder
from tracker.services.importing.summary import (
    ERROR_LIMIT,
    ImportSummary,
    count_readings,
    import_transaction,
    problem_details,
)
from tracker.store.bulk_insert import import_targets
from tracker.store.models import utcnow

if TYPE_CHECKING:
    from tracker.store.database import Database

CHUNK_ROWS = 5_000
# A header longer than this is not a header (and reading on would load junk into memory).
HEADER_LIMIT = 65_536


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose for one import."""

    patient: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    dry_run: bool = False
    date_format: str | None = None  # one of csv_dates.DATE_FORMATS; None: detect


class _BadRows:
    """The first ERROR_LIMIT problems, word for word, and how many there were in all."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def add(self, row_number: int, message: str) -> None:
        self.count += 1
        if len(self.lines) < ERROR_LIMIT:
            self.lines.append(f"row {row_number}: {message}")

    def error(self, source: str) -> ValidationError:
        rows = "1 row has a problem" if self.count == 1 else f"{self.count} rows have problems"
        details = problem_details(self.lines, self.count)
        return ValidationError(f"nothing was imported: {rows} in {source}", details=details)


@contextmanager
def open_file(path: str) -> Iterator[tuple[IO[bytes], int]]:
    """A file to import, opened for reading bytes, with its size (0 when unknown)."""
    try:
        stream = open(path, "rb")  # closed by the with-block below
    except OSError as error:
        raise TrackerError(f"cannot read {path}: {error.strerror or error}") from None
    with stream:
        yield stream, os.fstat(stream.fileno()).st_size


def import_csv(
    database: Database,
    source: IO[bytes],
    options: ImportOptions,
    *,
    name: str,
    today: date,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Import a CSV file's readings and events in one transaction (none if any row is bad).

    ``name`` is how messages refer to the file; ``progress`` is called with the number of
    bytes consumed after each chunk; ``warn`` receives warnings (ignored columns).
    """
    # Bytes that are not UTF-8 become lone surrogates instead of stopping the reader, so
    # the row that holds them can be named (csv_rows refuses them in every stored cell).
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        header_line = _header_line(text, name)
        parse_date_format(options.date_format)  # a bad format is refused before any row
        dialect = detect_dialect(header_line, options.delimiter, options.decimal_comma)
        hint = delimiter_hint(header_line, dialect.delimiter, options.delimiter is not None)
        try:
            columns = read_columns(header_cells(header_line, dialect, name))
        except ValidationError:
            if hint is not None:
                raise ValidationError(hint) from None
            raise
        if columns.ignored and warn is not None:
            warn(f"ignored columns the tracker does not use: {', '.join(columns.ignored)}")
        summary = ImportSummary(name, options.dry_run, ignored_columns=columns.ignored)
        lines = RecordLines(text)
        feed = _Feed(source, progress)
        with import_transaction(database, dry_run=options.dry_run) as session:
            _import_rows(session, lines, columns, dialect, options, today, summary, feed)
        return summary
    finally:
        text.detach()  # the caller owns (and closes) the byte stream


class _Feed:
    """Reports progress in bytes of the underlying file, once per chunk."""

    def __init__(self, source: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self._source = source
        self._progress = progress
        self._reported = 0

    def chunk_done(self) -> None:
        if self._progress is not None:
            position = self._source.tell()
            self._progress(position - self._reported)
            self._reported = position


def _header_line(text: io.TextIOWrapper, name: str) -> str:
    line = text.readline(HEADER_LIMIT)
    if NOT_UTF8.search(line):
        raise ValidationError(f"{name} is not UTF-8 text; {UTF8_HINT}")
    if not line:
        raise ValidationError(
            f"{name} is empty; a CSV file starts with a header line such as "
            "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"
        )
    if any(ord(c) < 32 and c not in "\t\r\n" for c in line) or (
        len(line) >= HEADER_LIMIT and not line.endswith(("\n", "\r"))
    ):
        raise ValidationError(f"{name} does not look like a CSV text file (binary data?)")
    if not line.strip():
        raise ValidationError(f"the first line of {name} is blank; it must be the header")
    return line


def _import_rows(
    session: Session,
    lines: RecordLines,
    columns: Columns,
    dialect: CsvDialect,
    options: ImportOptions,
    today: date,
    summary: ImportSummary,
    feed: _Feed,
) -> None:
    summary.created_at = stamp = utcnow()
    targets = import_targets(session.connection(), stamp)
    reading_insert, event_insert = targets.readings, targets.events
    patients = PatientIds(session, options.patient, source=summary.source)
    builder = RowBuilder(
        columns,
        dialect,
        patients,
        today=today,
        created_at=targets.created_at,
        to_db_date=targets.to_db_date,
        date_format=parse_date_format(options.date_format),
    )
    delimiter = dialect.delimiter
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    # Rows whose slashed dates wait for the file to settle day/month order (csv_dates).
    pending: list[tuple[int, list[str]]] = []
    pending_example = ""
    readings: list[tuple[object, ...]] = []
    events: list[tuple[object, ...]] = []
    bad = _BadRows()
    valid = readings_added = events_added = 0
    # Spreadsheet row numbers: the header is row 1, a cell with line breaks is one row.
    row_number = 1
    while True:
        lines.begin_row()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # the reader starts again on the next line
            row_number += 1
            bad.add(row_number, csv_problem(error, row_number))
            continue
        except RowTooLong:
            bad.add(
                row_number + 1,
                f"the row is longer than {ROW_LIMIT_CHARS:,} characters; the import stops "
                "reading here",
            )
            break
        row_number += 1
        if not any(cells):
            continue  # a blank line: still a spreadsheet row, but nothing to import
        summary.rows += 1
        if len(cells) > CELL_COUNT_LIMIT:
            bad.add(row_number, f"the row has {len(cells):,} cells; at most {CELL_COUNT_LIMIT:,}")
            continue
        raw = lines.lines
        # Fast path: a one-line row without a quote (nearly every row) needs no check.
        if (len(raw) > 1 or '"' in raw[0]) and quote_inside_a_cell("".join(raw), delimiter):
            bad.add(
                row_number,
                'a quote (") stands inside a cell; a cell that holds a quote must be quoted '
                'whole, with each quote doubled: "say ""hi"""',
            )
            continue
        try:
            # A row whose slashed date waits is kept as it is: build() only pads it with
            # empty cells, which the second build() reads the same way.
            record, params = builder.build(cells)
        except PendingDate as waiting_date:
            pending.append((row_number, cells))
            pending_example = pending_example or str(waiting_date)
            continue
        except ValidationError as error:
            bad.add(row_number, error.message)
            continue
        valid += 1
        if pending and builder.dates.slash_order is not None:
            # This row settled the order: the rows that waited are read now.
            for pending_number, pending_cells in pending:
                try:
                    pending_record, pending_params = builder.build(pending_cells)
                except ValidationError as error:
                    bad.add(pending_number, error.message)
                    continue
                valid += 1
                if not bad.count:
                    target = readings if pending_record == RECORD_READING else events
                    target.append(pending_params)
            pending.clear()
        if bad.count:
            continue  # nothing will be written; only look for more problems
        (readings if record == RECORD_READING else events).append(params)
        if len(readings) + len(events) >= CHUNK_ROWS:
            readings_added += reading_insert.insert(readings)
            events_added += event_insert.insert(events)
            readings.clear()
            events.clear()
            feed.chunk_done()
    if bad.count:
        raise bad.error(summary.source)
    if pending:
        raise ambiguous_dates_error(pending_example, len(pending), summary.source)
    readings_added += reading_insert.insert(readings)
    events_added += event_insert.insert(events)
    feed.chunk_done()
    refuse_rows_before_birth(session, stamp)
    if readings_added:
        count_readings(session, stamp, summary)
    summary.events = events_added
    summary.already_present = valid - readings_added - events_added
    summary.created_patients = patients.created_names
    summary.created_patient_count = patients.created_count
    summary.redirected_from = patients.redirected_from()
    summary.redirected_into = patients.selected_name
