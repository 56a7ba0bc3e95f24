"""Telling stored readings and events that can be read from rows written malformed.

The tracker validates everything it stores, but a SQLite file can be written by any
program: a date ``2025-02-30`` or a value ``1.5x`` then sits in a typed column. One such
row must not stop every command. Reads use ``readable()`` / ``readable_event()`` to take
only the rows that convert cleanly and name the others (``UnreadableReading``,
``UnreadableEvent``), so ``list`` shows them, ``trend``, ``report`` and ``due`` skip
them with a notice, and ``edit`` / ``delete`` can still reach them by id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.markers import MARKERS
from tracker.store.models import Event, Reading

# Session.info keys under which reads record the ids of rows they had to skip, so the
# command line can name them once, after the command's own output.
UNREADABLE_KEY = "tracker.unreadable_reading_ids"
UNREADABLE_EVENTS_KEY = "tracker.unreadable_event_ids"
# How many ids a notice names before it only counts the rest.
NAMED_IDS = 10

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UnreadableReading(NamedTuple):
    """A stored reading that cannot be read, as stored, with what is wrong with it."""

    id: int
    marker: str
    drawn_on: Any
    value: Any
    problems: tuple[str, ...]


def readable(dialect_name: str) -> ColumnElement[bool]:
    """SQL that is true for a reading whose every shown column converts cleanly.

    SQLite keeps whatever another program wrote in a typed column, so its dates must
    survive a round trip through ``date(…, '+0 days')`` (which turns 2025-02-30 into
    2025-03-02; plain ``date()`` keeps it) and
    its numbers must compare below infinity (SQLite sorts any text above every number).
    PostgreSQL enforces the types, but a text column can still hold an unknown marker
    code, and a float column NaN or infinity.
    """
    infinity = float("inf")
    conditions: list[ColumnElement[bool]] = [
        Reading.marker.in_(sorted(MARKERS)),
        # Not below zero (the schema's own check, which another program can bypass):
        # this also leaves out minus infinity, which no JSON document can hold.
        Reading.value >= 0,
        Reading.value < infinity,
        or_(
            Reading.ref_high.is_(None),
            and_(Reading.ref_high < infinity, Reading.ref_high > -infinity),
        ),
        Reading.drawn_on.between(date.min, date.max),
    ]
    if dialect_name == "sqlite":
        conditions.append(_sqlite_real_date(Reading.drawn_on))
    return and_(*conditions)


def _sqlite_real_date(column: Any) -> ColumnElement[bool]:
    raw_date = type_coerce(column, String())
    return func.date(raw_date, "+0 days").is_(raw_date)


def readable_event(dialect_name: str) -> ColumnElement[bool]:
    """SQL that is true for an event whose kind and dates can be read (see ``readable``)."""
    conditions: list[ColumnElement[bool]] = [
        Event.kind.in_(EVENT_KINDS),
        Event.started_on.between(date.min, date.max),
        or_(Event.ended_on.is_(None), Event.ended_on.between(date.min, date.max)),
    ]
    if dialect_name == "sqlite":
        conditions.append(_sqlite_real_date(Event.started_on))
        conditions.append(or_(Event.ended_on.is_(None), _sqlite_real_date(Event.ended_on)))
    return and_(*conditions)


class UnreadableEvent(NamedTuple):
    """A stored event that cannot be read, as stored, with what is wrong with it."""

    id: int
    kind: str
    name: str
    problems: tuple[str, ...]


def unreadable_events(
    session: Session, patient_id: int, *, event_id: int | None = None
) -> list[UnreadableEvent]:
    """The patient's events that cannot be read (or just ``event_id``, if it is one)."""
    dialect_name = session.get_bind().dialect.name
    query = select(
        Event.id,
        Event.kind,
        Event.name,
        as_stored(Event.started_on, dialect_name),
        as_stored(Event.ended_on, dialect_name),
    ).where(Event.patient_id == patient_id, not_(readable_event(dialect_name)))
    if event_id is not None:
        query = query.where(Event.id == event_id)
    found = []
    for row in session.execute(query.order_by(Event.id)):
        problems = []
        if row.kind not in EVENT_KINDS:
            problems.append(f"unknown event kind {row.kind!r}")
        if _stored_date(row.started_on) is None:
            problems.append(f"start date {row.started_on!r} is not a date")
        if row.ended_on is not None and _stored_date(row.ended_on) is None:
            problems.append(f"end date {row.ended_on!r} is not a date")
        found.append(
            UnreadableEvent(row.id, row.kind, row.name, tuple(problems) or ("cannot be read",))
        )
    return found


def as_stored(column: Any, dialect_name: str) -> Any:
    """The column as stored, without SQLAlchemy's conversion: a malformed value must not
    stop the read that names it.

    On PostgreSQL a date column comes as ISO text: the server holds dates Python cannot
    (``infinity``, years after 9999 or before 1), and psycopg would stop the whole read at
    the first one (``date too large``). In range, ``to_char`` writes ``YYYY-MM-DD``
    whatever the server's DateStyle; out of range, the server's own text names it.
    SQLite hands over dates as the text it holds anyway.
    """
    if dialect_name == "postgresql" and isinstance(column.type, Date):
        in_range = column.between(date.min, date.max)
        text = case((in_range, func.to_char(column, "YYYY-MM-DD")), else_=cast(column, Text))
        return text.label(column.key)
    return type_coerce(column, NullType()).label(column.key)


def _stored_date(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def _stored_number(raw: Any) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return float(raw) if math.isfinite(raw) else None


def _problems(marker: str, drawn_on: Any, value: Any, ref_high: Any) -> tuple[str, ...]:
    found = []
    if marker not in MARKERS:
        found.append(f"unknown marker code {marker!r}")
    if _stored_date(drawn_on) is None:
        found.append(f"drawn on {drawn_on!r} is not a date")
    if isinstance(value, float) and not math.isfinite(value):
        found.append(f"value {value} is not a finite number")
    elif (number := _stored_number(value)) is None:
        found.append(f"value {value!r} is not a number")
    elif number < 0:
        found.append(f"value {value!r} is negative")
    if ref_high is not None:
        if _stored_number(ref_high) is None:
            found.append(f"upper reference limit {ref_high!r} is not a number")
    return tuple(found) or ("cannot be read",)


def unreadable_readings(
    session: Session, patient_id: int, *, reading_id: int | None = None
) -> list[UnreadableReading]:
    """The patient's readings that cannot be read (or just ``reading_id``, if it is one)."""
    dialect_name = session.get_bind().dialect.name
    query = select(
        Reading.id,
        Reading.marker,
        as_stored(Reading.drawn_on, dialect_name),
        as_stored(Reading.value, dialect_name),
        as_stored(Reading.ref_high, dialect_name),
    ).where(Reading.patient_id == patient_id, not_(readable(dialect_name)))
    if reading_id is not None:
        query = query.where(Reading.id == reading_id)
    rows = session.execute(query.order_by(Reading.id))
    return [
        UnreadableReading(row.id, row.marker, row.drawn_on, row.value, _problems(*tuple(row)[1:]))
        for row in rows
    ]


def holds_more_than(
    session: Session,
    table: type[Reading] | type[Event],
    read: int,
    *,
    patient_id: int | None,
    markers: Collection[str] | None = None,
) -> bool:
    """Whether ``table`` holds rows besides the ``read`` readable ones a caller has just
    read in this session (of the patient, when given; of ``markers``, for readings).

    The search for unreadable rows is a pass over every row with each date checked; a
    count uses the patient's index. Callers search only when this says so, which it does
    exactly when an unreadable row is there: a reading session sees one snapshot
    (tracker/store/database.py), so the count and the rows read cannot disagree.
    """
    query = select(func.count()).select_from(table)
    if patient_id is not None:
        query = query.where(table.patient_id == patient_id)
    if markers is not None:
        query = query.where(Reading.marker.in_(sorted(markers)))
    return (session.scalar(query) or 0) != read


def record_unreadable(session: Session, ids: Iterable[int], *, key: str = UNREADABLE_KEY) -> None:
    """Remember skipped rows on the session, for the notice the command line prints."""
    seen: set[int] = session.info.setdefault(key, set())
    seen.update(ids)


def unreadable_notice(ids: Sequence[int], *, noun: str = "reading") -> str:
    """``1 stored reading could not be read (#12); run `tracker check``` (at most ten ids)."""
    ordered = sorted(ids)
    named = ", ".join(f"#{row_id}" for row_id in ordered[:NAMED_IDS])
    rest = len(ordered) - NAMED_IDS
    if rest > 0:
        named += f" and {rest:,} more"
    plural = noun if len(ordered) == 1 else f"{noun}s"
    fix = (
        "`tracker edit ID` or `tracker delete ID`"
        if noun == "reading"
        else "`tracker event delete ID`"
    )
    return (
        f"{len(ordered):,} stored {plural} could not be read ({named}); run `tracker check` "
        f"to see why, and fix with {fix}"
    )
