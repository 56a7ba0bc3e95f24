"""The database schema as SQLAlchemy 2.0 typed models.

Constraint names come from one naming convention so they are the same on SQLite and
PostgreSQL, and migrations can refer to them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tracker.catalogue.event_kinds import EVENT_KINDS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def name_key_of(name: str) -> str:
    """The key under which patient names are unique: case-folded (docs/design.md)."""
    return " ".join(name.split()).casefold()


def _name_key_default(context: Any) -> str:
    # Every insert gives the name; the key follows it, so no caller can forget it.
    return name_key_of(context.get_current_parameters()["name"])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Patient(Base):
    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name case-folded (str.casefold): names are unique ignoring case (docs/design.md).
    name_key: Mapped[str] = mapped_column(
        String(200), default=_name_key_default, server_default=text("''")
    )
    born: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        Index("ix_patient_name_key", "name_key", unique=True),
    )


class Reading(Base):
    __tablename__ = "reading"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    marker: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    qualifier: Mapped[str | None] = mapped_column(String(1))
    unit: Mapped[str] = mapped_column(String(16))
    entered_value: Mapped[str] = mapped_column(String(64))
    entered_unit: Mapped[str | None] = mapped_column(String(32))
    drawn_on: Mapped[date] = mapped_column(Date)
    lab: Mapped[str | None] = mapped_column(String(200))
    ref_high: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="cli")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("qualifier IN ('<', '>')", name="qualifier_known"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        # The queries read one patient's series in date order (list, trend, report).
        Index("ix_reading_patient_marker_drawn", "patient_id", "marker", "drawn_on"),
        # A reading's identity (docs/design.md): an unknown lab or qualifier counts as one
        # value, so import's ON CONFLICT DO NOTHING cannot let a NULL slip past.
        Index(
            "uq_reading_identity",
            "patient_id",
            "marker",
            "drawn_on",
            func.coalesce(lab, ""),
            func.coalesce(qualifier, ""),
            "value",
            unique=True,
        ),
    )


class Event(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in EVENT_KINDS) + ")",
            name="kind_known",
        ),
        Index("uq_event_identity", "patient_id", "kind", "name", "started_on", unique=True),
    )


class Setting(Base):
    """A persisted user setting (trend defaults, test intervals), stored as text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
