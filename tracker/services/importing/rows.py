"""One CSV row in, one row of insert parameters out, validated exactly as ``add`` does.

The same parsers as ``add`` and ``event add`` (``measurement``, ``find_marker``,
``parse_date``, ``clean_lab``…) judge every cell. Files repeat the same markers, units,
dates, labs and values on many rows, so each parser's answer is remembered in a small
bounded cache: the per-row cost stays low and memory stays flat however long the file is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from tracker.catalogue.fields import (
    clean_event_name,
    clean_kind,
    clean_lab,
    clean_note,
    parse_ref_high,
)
from tracker.catalogue.markers import Marker, find_marker
from tracker.catalogue.units import Measurement, measurement
from tracker.errors import ValidationError
from tracker.interchange.csv_dates import DateReader
from tracker.interchange.csv_dialect import (
    EXPORT_HEADER,
    KNOWN_COLUMNS,
    RECORD_EVENT,
    RECORD_READING,
    REFERENCE_RANGE,
    Columns,
    CsvDialect,
    decimal_comma_number,
    dot_decimal,
    range_upper_bound,
    unprotect_formula,
)
from tracker.services.importing.patients import PatientIds
from tracker.store.bulk_insert import EventRow, ReadingRow

CSV_SOURCE = "csv"
# Insert parameters, in the order of these columns.
# Entries per parser cache; when full it starts again (files are mostly sorted by date).
CACHE_LIMIT = 4_096
# Bytes that were not UTF-8 arrive as lone surrogates (decoded with "surrogateescape").
NOT_UTF8 = re.compile("[\udc80-\udcff]")
UTF8_HINT = "save it from the spreadsheet as 'CSV UTF-8' and import that file"

K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: dict[K, V], key: K, value: V) -> V:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _utf8_text(text: str) -> str:
    """A text cell as it can be stored: nothing in it that was not UTF-8.

    (NUL and other control characters are refused by the cleaners ``add`` uses.)
    """
    if NOT_UTF8.search(text):
        raise ValidationError("the cell is not UTF-8 text")  # build() names the cell
    return text


def readable(text: str) -> str:
    """Text with any byte that was not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class RowBuilder:
    """Turns the cells of one row into ``("reading"|"event", parameters)``."""

    def __init__(
        self,
        columns: Columns,
        dialect: CsvDialect,
        patients: PatientIds,
        *,
        today: date,
        created_at: Any,
        to_db_date: Callable[[date], Any],
        date_format: str | None = None,
    ) -> None:
        self._width = columns.width
        self._has_record = columns.has("record")
        # An absent column reads as an empty cell: its index points past the padded row.
        absent = columns.width
        self._at = {name: columns.index.get(name, absent) for name in KNOWN_COLUMNS}
        # The same positions in EXPORT_HEADER's order, unpacked at once on the hot path.
        self._positions = tuple(self._at[name] for name in EXPORT_HEADER)
        self._decimal_comma = dialect.decimal_comma
        self._patients = patients
        self._today = today
        self.dates = DateReader(date_format, today=today)
        self._created_at = created_at
        self._to_db_date = to_db_date
        self._markers: dict[str, Marker] = {}
        self._measurements: dict[tuple[str, str, str], Measurement] = {}
        self._ref_highs: dict[tuple[str, str, str | None], float | None] = {}
        self._dates: dict[str, Any] = {}
        self._labs: dict[str, str | None] = {}
        self._patient_ids: dict[str, int] = {}

    def build(self, cells: list[str]) -> tuple[str, tuple[Any, ...]]:
        """Validate one row; a ValidationError names what is wrong with it."""
        try:
            return self._build(cells)
        except ValidationError:
            # A cell that was not UTF-8 is the real problem, whatever a parser made of it.
            for name, position in self._at.items():
                if position < len(cells) and NOT_UTF8.search(cells[position]):
                    shown = readable(cells[position])
                    raise ValidationError(
                        f"the {name} cell {shown!r} is not UTF-8 text; {UTF8_HINT}"
                    ) from None
            raise

    def _build(self, cells: list[str]) -> tuple[str, tuple[Any, ...]]:
        width = self._width
        count = len(cells)
        if count > width:
            if any(cell.strip() for cell in cells[width:]):
                raise ValidationError(
                    f"the row has {count} cells but the header has {width} columns "
                    "(a value that contains the delimiter must be in quotes)"
                )
            del cells[width:]
            count = width
        # One empty cell past the end stands for every absent column.
        if count == width:
            cells.append("")
        else:
            cells.extend([""] * (width + 1 - count))
        if not self._has_record:
            return RECORD_READING, self._reading(cells)  # docs/design.md: then all are readings
        record = cells[self._at["record"]]
        if record != RECORD_READING:
            record = record.strip().lower()
        # An empty record cell: an event if it names a kind and no marker.
        if record == RECORD_READING or (
            not record
            and (cells[self._at["marker"]].strip() or not cells[self._at["kind"]].strip())
        ):
            return RECORD_READING, self._reading(cells)
        if record == RECORD_EVENT or not record:
            return RECORD_EVENT, self._event(cells)
        raise ValidationError(f"record {record!r} must be 'reading' or 'event'")

    def _patient_id(self, cell: str) -> int:
        patient_id = self._patient_ids.get(cell)
        if patient_id is None:
            if cell.strip():
                patient_id = self._patients.named(unprotect_formula(_utf8_text(cell)))
            else:
                patient_id = self._patients.default()
            patient_id = _remember(self._patient_ids, cell, patient_id)
        return patient_id

    def _reading(self, cells: list[str]) -> ReadingRow:
        (_, i_patient, i_marker, i_value, i_unit, i_drawn, i_lab, i_ref_high, i_note, *_) = (
            self._positions
        )
        marker = self._marker(cells[i_marker])
        value_text = cells[i_value]
        unit_text = cells[i_unit]
        key = (marker.code, value_text, unit_text)
        measured = self._measurements.get(key)
        if measured is None:
            if not value_text.strip():
                raise ValidationError(f"the {marker.name} reading has no value")
            comma = self._decimal_comma and decimal_comma_number(value_text)
            measured = _remember(
                self._measurements,
                key,
                measurement(marker, value_text, unit_text or None, decimal_comma=comma),
            )
        note = cells[i_note]
        return ReadingRow(
            self._patient_id(cells[i_patient]),
            marker.code,
            measured.value,
            measured.qualifier,
            measured.unit,
            measured.entered_value,
            measured.entered_unit,
            self._date(cells[i_drawn], "date"),
            self._lab(cells[i_lab]),
            self._ref_high(marker, self._limit_cell(cells, i_ref_high), measured.entered_unit),
            self._note(note) if note else None,
            CSV_SOURCE,
            self._created_at,
        )

    def _event(self, cells: list[str]) -> EventRow:
        at = self._at
        kind = clean_kind(cells[at["kind"]])
        name = clean_event_name(unprotect_formula(_utf8_text(cells[at["name"]])))
        started_on = self._date(cells[at["drawn_on"]], "start date")
        ended_text = cells[at["ended_on"]]
        ended_on = None
        if ended_text.strip():
            ended_on = self._date(ended_text, "end date")
            # Both are dates, or both ISO strings (SQLite): either way they compare.
            if ended_on < started_on:
                raise ValidationError(f"end date {ended_on} is before the start date {started_on}")
        return EventRow(
            self._patient_id(cells[at["patient"]]),
            kind,
            name,
            started_on,
            ended_on,
            self._note(cells[at["note"]]),
            self._created_at,
        )

    def _marker(self, cell: str) -> Marker:
        marker = self._markers.get(cell)
        if marker is None:
            if not cell.strip():
                raise ValidationError("the reading names no marker")
            marker = _remember(self._markers, cell, find_marker(cell))
        return marker

    def _date(self, cell: str, what: str) -> Any:
        value = self._dates.get(cell)
        if value is None:
            if not cell.strip():
                raise ValidationError(f"the {what} is empty")
            # A pending slashed date raises PendingDate and is not remembered.
            parsed = self.dates.read(cell, what)
            value = _remember(self._dates, cell, self._to_db_date(parsed))
        return value

    def _limit_cell(self, cells: list[str], i_ref_high: int) -> str:
        """``ref_high``, else the upper bound of a reference-range column."""
        cell = cells[i_ref_high]
        if cell.strip():
            return cell
        range_cell = cells[self._at[REFERENCE_RANGE]]
        return (range_upper_bound(range_cell) or "") if range_cell.strip() else ""

    def _lab(self, cell: str) -> str | None:
        if not cell:
            return None
        try:
            return self._labs[cell]
        except KeyError:
            lab = clean_lab(unprotect_formula(_utf8_text(cell)))
            return _remember(self._labs, cell, lab)

    def _ref_high(self, marker: Marker, cell: str, unit: str | None) -> float | None:
        if not cell:
            return None
        key = (marker.code, cell, unit)
        try:
            return self._ref_highs[key]
        except KeyError:
            text = dot_decimal(cell) if self._decimal_comma else cell
            return _remember(self._ref_highs, key, parse_ref_high(marker, text, unit))

    @staticmethod
    def _note(cell: str) -> str | None:
        if not cell:
            return None
        return clean_note(unprotect_formula(_utf8_text(cell)))
