"""Dates as lab portals and spreadsheets write them: ISO, ``03.11.2025``, ``03/11/2025``.

The README ("CSV export and import"): dates follow ``--date-format``; without it ISO and
``DD.MM.YYYY`` are read, and slashed dates only once the file itself settles the order (a
first number above 12 means day first, a second number above 12 month first). Until then
a slashed date such as ``03/11/2025`` is *pending*: the importer keeps its row and reads it
once the order is known, or refuses the file with a hint naming ``--date-format``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tracker.errors import ValidationError

ISO = "YYYY-MM-DD"
DAY_FIRST_SLASH = "DD/MM/YYYY"
MONTH_FIRST_SLASH = "MM/DD/YYYY"
DAY_FIRST_DOT = "DD.MM.YYYY"
DATE_FORMATS = (ISO, DAY_FIRST_SLASH, MONTH_FIRST_SLASH, DAY_FIRST_DOT)
EARLIEST_DATE = date(1900, 1, 1)  # as for `add` (docs/design.md: not before 1900)

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# Portals often export the time of collection too; the tracker keeps the day.
_TIME = re.compile(
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$", re.IGNORECASE
)


class PendingDate(Exception):
    """A slashed date whose order the file has not settled yet (not an error on its own)."""


def parse_date_format(text: str | None) -> str | None:
    """The ``--date-format`` option, case ignored; None when not given."""
    if text is None:
        return None
    wanted = text.strip().upper()
    if wanted not in DATE_FORMATS:
        raise ValidationError(f"--date-format {text!r} must be one of {', '.join(DATE_FORMATS)}")
    return wanted


class DateReader:
    """Reads one file's date cells; remembers the slashed order once the file settles it."""

    def __init__(self, date_format: str | None, *, today: date) -> None:
        self.date_format = date_format
        self.today = today
        # "dmy" or "mdy" for slashed dates: from --date-format, else from the file.
        self.slash_order: str | None = {
            DAY_FIRST_SLASH: "dmy",
            MONTH_FIRST_SLASH: "mdy",
        }.get(date_format or "")
        self.settled_by: str | None = None  # the cell that settled the order

    def read(self, cell: str, what: str) -> date:
        """A cell as a date; ValidationError when it is not one, PendingDate when unsure."""
        text = " ".join(cell.split()).lower()
        if text == "today":
            return self.today
        if text == "yesterday":
            return self.today - timedelta(days=1)
        day_part = _TIME.sub("", text)
        day, month, year = self._parts(day_part, cell, what)
        try:
            parsed = date(year, month, day)
        except ValueError:
            raise ValidationError(self._not_a_date(cell, what, hint=False)) from None
        if parsed > self.today:
            raise ValidationError(
                f"{what} {cell.strip()!r} is in the future (today is {self.today.isoformat()})"
            )
        if parsed < EARLIEST_DATE:
            raise ValidationError(f"{what} {cell.strip()!r} is before 1900")
        return parsed

    def _parts(self, text: str, cell: str, what: str) -> tuple[int, int, int]:
        match = _ISO.fullmatch(text)
        if match:  # unambiguous whatever --date-format says
            return int(match.group(3)), int(match.group(2)), int(match.group(1))
        match = _DOTTED.fullmatch(text)
        if match and self.date_format in (None, DAY_FIRST_DOT):
            return int(match.group(1)), int(match.group(2)), int(match.group(3))
        match = _SLASHED.fullmatch(text)
        if match and self.date_format in (None, DAY_FIRST_SLASH, MONTH_FIRST_SLASH):
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 and second > 12:
                raise ValidationError(self._not_a_date(cell, what, hint=False))
            return self._slashed(first, second, int(match.group(3)), cell)
        raise ValidationError(self._not_a_date(cell, what))

    def _not_a_date(self, cell: str, what: str, *, hint: bool = True) -> str:
        # The words of `add` (catalogue.units.parse_date), naming the format in force.
        shown = self.date_format or ISO
        message = f"{what} {cell.strip()!r} is not a date; use {shown}, 'today' or 'yesterday'"
        if hint and self.date_format is None:
            message += f" (--date-format reads {', '.join(DATE_FORMATS[1:])})"
        return message

    def _slashed(self, first: int, second: int, year: int, cell: str) -> tuple[int, int, int]:
        if self.slash_order is None:
            if first > 12 and second <= 12:
                self._settle("dmy", cell)
            elif second > 12 and first <= 12:
                self._settle("mdy", cell)
            else:
                raise PendingDate(cell)
        elif self.date_format is None and self.settled_by is not None:
            says = "dmy" if first > 12 else "mdy" if second > 12 else self.slash_order
            if says != self.slash_order:
                raise ValidationError(
                    f"date {cell.strip()!r} puts the {'day' if says == 'dmy' else 'month'} "
                    f"first, but {self.settled_by!r} earlier in the file does not; say which "
                    f"with --date-format {DAY_FIRST_SLASH} or --date-format {MONTH_FIRST_SLASH}"
                )
        if self.slash_order == "dmy":
            return first, second, year
        return second, first, year

    def _settle(self, order: str, cell: str) -> None:
        self.slash_order = order
        self.settled_by = cell.strip()


def ambiguous_dates_error(example: str, count: int, source: str) -> ValidationError:
    """Slashed dates the file never settled: refuse and say how to choose."""
    rows = "1 row of" if count == 1 else f"{count} rows of"
    verb = "has" if count == 1 else "have"
    return ValidationError(
        f"nothing was imported: {rows} {source} {verb} dates such as {example.strip()!r} "
        "that could be day/month or month/day, and no date in the file settles it; "
        f"say which with --date-format {DAY_FIRST_SLASH} or --date-format {MONTH_FIRST_SLASH}"
    )
