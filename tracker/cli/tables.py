"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker.catalogue.markers import marker_by_code
from tracker.catalogue.typed_text import display_text
from tracker.catalogue.units import format_number, shown_value
from tracker.store.models import Event, Reading

if TYPE_CHECKING:
    from tracker.services.readings import ListedReading
    from tracker.store.stored_rows import UnreadableEvent, UnreadableReading


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """Columns padded to their widest cell; columns in ``right`` are right-aligned."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


def _one_line(text: str | None) -> str:
    return " ".join(display_text(text or "").split())


def readings_table(readings: Sequence[ListedReading | Reading]) -> str:
    """ID, date, marker, value, unit, lab, reference limit and note of each reading."""
    rows = [
        [
            str(r.id),
            r.drawn_on.isoformat(),
            marker_by_code(r.marker).name,
            shown_value(r.qualifier, r.value, r.entered_value),
            r.unit,
            r.lab or "-",
            format_number(r.ref_high) if r.ref_high is not None else "",
            _one_line(r.note),
        ]
        for r in readings
    ]
    headers = ["ID", "Date", "Marker", "Value", "Unit", "Lab", "Ref high", "Note"]
    return text_table(headers, rows, right={0, 3, 6})


def unreadable_lines(rows: Sequence[UnreadableReading]) -> list[str]:
    """Stored rows that cannot be read, by id with what is wrong (after the table)."""
    if not rows:
        return []
    noun = "reading" if len(rows) == 1 else "readings"
    lines = [
        f"{len(rows):,} stored {noun} could not be read; correct with `tracker edit ID` "
        "or remove with `tracker delete ID`:",
    ]
    lines += [f"  #{row.id} (unreadable) {'; '.join(row.problems)}" for row in rows]
    return lines


def unreadable_event_lines(rows: Sequence[UnreadableEvent]) -> list[str]:
    """Stored events that cannot be read, by id with what is wrong (after the table)."""
    if not rows:
        return []
    noun = "event" if len(rows) == 1 else "events"
    lines = [
        f"{len(rows):,} stored {noun} could not be read; remove with `tracker event delete ID`:",
    ]
    lines += [
        f"  #{row.id} (unreadable) {_one_line(row.kind)} {_one_line(row.name)}: "
        f"{'; '.join(row.problems)}"
        for row in rows
    ]
    return lines


def events_table(events: Sequence[Event]) -> str:
    """ID, kind, name, start, end and note of each event."""
    rows = [
        [
            str(e.id),
            e.kind,
            e.name,
            e.started_on.isoformat(),
            e.ended_on.isoformat() if e.ended_on else "",
            _one_line(e.note),
        ]
        for e in events
    ]
    return text_table(["ID", "Kind", "Name", "From", "To", "Note"], rows, right={0})
