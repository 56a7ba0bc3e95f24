"""Patient names unique ignoring case: a case-folded key under a unique index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

The key is filled in Python (``str.casefold``), the same on SQLite and PostgreSQL, where
SQL's lower() differs between them outside ASCII. A database that already holds names
differing only in case is refused, naming them, so that nobody's results are merged
silently (docs/design.md, "Entering and correcting").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tracker.errors import SchemaError

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_patient = sa.table(
    "patient", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key")
)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_patient.c.id, _patient.c.name)).all()
    by_key: dict[str, list[str]] = defaultdict(list)
    for _, name in rows:
        by_key[_key(name)].append(name)
    clashes = [sorted(names) for names in by_key.values() if len(names) > 1]
    if clashes:
        listed = "; ".join(" / ".join(repr(name) for name in names) for names in sorted(clashes))
        raise SchemaError(
            "patient names must differ by more than upper/lower case, but this database "
            f"holds {listed}; rename one of each (`tracker patient rename OLD NEW` with the "
            "previous version) and upgrade again. Nothing was changed"
        )
    # Plain ALTERs, no batch mode: SQLite's batch mode rebuilds the table, and dropping
    # the old patient table would cascade to every reading. The default '' only serves
    # the ADD COLUMN (SQLite needs one for NOT NULL); every insert sets the key.
    op.add_column(
        "patient",
        sa.Column("name_key", sa.String(length=200), nullable=False, server_default=sa.text("''")),
    )
    for patient_id, name in rows:
        connection.execute(
            sa.update(_patient).where(_patient.c.id == patient_id).values(name_key=_key(name))
        )
    op.create_index("ix_patient_name_key", "patient", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_patient_name_key", table_name="patient")
    op.drop_column("patient", "name_key")


def _key(name: str) -> str:
    # As tracker.store.models.name_key_of, frozen here: a migration must not change later.
    return " ".join(name.split()).casefold()
