"""Patients, readings and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("born", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_patient_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("name", name=op.f("uq_patient_name")),
    )
    op.create_table(
        "reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("marker", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("qualifier", sa.String(length=1), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("entered_value", sa.String(length=64), nullable=False),
        sa.Column("entered_unit", sa.String(length=32), nullable=True),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=True),
        sa.Column("ref_high", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("qualifier IN ('<', '>')", name=op.f("ck_reading_qualifier_known")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_reading_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_reading_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading")),
    )
    op.create_index(
        "ix_reading_patient_marker_drawn",
        "reading",
        ["patient_id", "marker", "drawn_on"],
        unique=False,
    )
    # An unknown lab or qualifier counts as one value in a reading's identity.
    op.create_index(
        "uq_reading_identity",
        "reading",
        [
            "patient_id",
            "marker",
            "drawn_on",
            sa.text("coalesce(lab, '')"),
            sa.text("coalesce(qualifier, '')"),
            "value",
        ],
        unique=True,
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('treatment', 'supportive', 'surgery', 'condition', 'symptom', "
            "'imaging', 'other')",
            name=op.f("ck_event_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_event_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index(
        "uq_event_identity",
        "event",
        ["patient_id", "kind", "name", "started_on"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_event_identity", table_name="event")
    op.drop_table("event")
    op.drop_index("uq_reading_identity", table_name="reading")
    op.drop_index("ix_reading_patient_marker_drawn", table_name="reading")
    op.drop_table("reading")
    op.drop_table("patient")
