"""Reading CSV rows strictly and within bounds, for import (the README, "CSV export and
import").

``csv.reader`` runs with ``strict=True`` over lines read with a bound, so a malformed
quote (text after a closing quote, a quoted cell still open at the end of the file) is
an error of that row rather than a reason to read the following rows into one cell; a
quote inside an unquoted cell is caught here too. No row grows past ROW_LIMIT_CHARS in
memory, however long a line of the file is.
"""

from __future__ import annotations

import csv
import io

from tracker.errors import ValidationError
from tracker.interchange.csv_dialect import CsvDialect

# One row (all its lines, when a quoted cell holds line breaks) is at most this many
# characters, and has at most this many cells; one cell is at most csv's own limit
# (csv.field_size_limit(), 131,072 characters). A note is at most 2,000 characters.
ROW_LIMIT_CHARS = 1_048_576
CELL_COUNT_LIMIT = 1_000


class RowTooLong(Exception):
    """A row beyond ROW_LIMIT_CHARS: reading stops there (the rest cannot be split safely)."""


class RecordLines:
    """The lines ``csv.reader`` reads, each read with a bound, kept for the current row.

    ``csv.reader`` asks for one line at a time and stops at the end of a row, so the
    lines read between two rows are exactly that row's text: the strict quote check
    looks at them, and no row can grow past ROW_LIMIT_CHARS in memory.
    """

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._readline = text.readline
        self.lines: list[str] = []
        self._size = 0

    def __iter__(self) -> RecordLines:
        return self

    def __next__(self) -> str:
        # A slow pipe can hand readline() part of a line; keep reading to the line's end,
        # or the bound, so csv.reader never takes a piece of a line for a whole row.
        parts: list[str] = []
        while True:
            part = self._readline(ROW_LIMIT_CHARS + 1 - self._size)
            if not part:
                break
            self._size += len(part)
            if self._size > ROW_LIMIT_CHARS:
                raise RowTooLong
            parts.append(part)
            if part.endswith(("\n", "\r")):
                break
        if not parts:
            raise StopIteration
        line = "".join(parts)
        self.lines.append(line)
        return line

    def begin_row(self) -> None:
        self.lines.clear()
        self._size = 0


def quote_inside_a_cell(row_text: str, delimiter: str) -> bool:
    """Whether a quote stands inside an unquoted cell (``ab"c``, ``x "y"``).

    csv.reader keeps such a quote as text, but it is a sign of a broken file (a quote
    opened where it cannot be): strict reading refuses the row. Only rows whose cells
    hold a quote are looked at, so this character loop is rare.
    """
    quoted = False
    cell_start = True
    index = 0
    length = len(row_text)
    while index < length:
        char = row_text[index]
        if quoted:
            if char == '"':
                if index + 1 < length and row_text[index + 1] == '"':
                    index += 2
                    continue
                quoted = False  # strict csv.reader checked what follows the close
        elif char == '"':
            if not cell_start:
                return True
            quoted = True
        cell_start = not quoted and char in (delimiter, "\n", "\r")
        index += 1
    return False


def csv_problem(error: csv.Error, row_number: int) -> str:
    """What a csv.Error means, in the words of someone fixing the file."""
    message = str(error)
    if "expected after" in message:
        return (
            "text follows a closing quote (a cell that holds a quote must be quoted "
            'whole, with each quote doubled: "say ""hi""")'
        )
    if "unexpected end of data" in message:
        return (
            f"a quote opens a cell in row {row_number} that is never closed: it runs to the "
            "end of the file"
        )
    if "field larger than field limit" in message:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return f"the row cannot be read as CSV ({message})"


def header_cells(header_line: str, dialect: CsvDialect, name: str) -> list[str]:
    try:
        cells = next(csv.reader([header_line], delimiter=dialect.delimiter, strict=True))
    except csv.Error as error:
        raise ValidationError(
            f"the header line of {name} is not valid CSV: {csv_problem(error, 1)}"
        ) from None
    if len(cells) > CELL_COUNT_LIMIT or (
        '"' in "".join(cells) and quote_inside_a_cell(header_line, dialect.delimiter)
    ):
        raise ValidationError(f"the header line of {name} is not a CSV header")
    return cells
