"""Persisted user settings: a small key/value table in the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.store.models import Setting


def get_settings(session: Session, prefix: str = "") -> dict[str, str]:
    """All stored settings whose key starts with ``prefix``."""
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(prefix)))
    return {key: value for key, value in rows}


def set_setting(session: Session, key: str, value: str | None) -> None:
    """Store (or, with None, remove) one setting."""
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()
