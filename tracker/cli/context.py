"""The object every command receives: which database and patient it is about.

Nothing here imports SQLAlchemy at module level, so ``tracker --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tracker.config import DatabaseLocation, location_from

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.store.database import Database
    from tracker.store.models import Patient


class AppContext:
    """Built once by the top-level group; commands receive it with ``pass_app``."""

    def __init__(self, db_option: str | None, patient_option: str | None) -> None:
        self.db_option = db_option
        self.patient_option = patient_option
        self._database: Database | None = None
        self._location: DatabaseLocation | None = None
        # The info dicts of the sessions this command read a patient in: reads record
        # there the ids of stored rows they had to skip (tracker/store/stored_rows.py).
        self._session_infos: list[dict[Any, Any]] = []

    def location(self) -> DatabaseLocation:
        """The database chosen by --db, TRACKER_DB_URL or the default."""
        return self._location or location_from(self.db_option)

    def database(self, *, migrate: bool = True) -> Database:
        """The chosen database, opened (and, for a fresh SQLite file, migrated) once."""
        if self._database is None:
            from tracker.cli.startup import resume_collector
            from tracker.store.database import open_database

            resume_collector()  # the command's code is loaded: its real work begins
            self._database = open_database(self.location(), migrate=migrate)
        return self._database

    def use_location(self, location: DatabaseLocation) -> None:
        """Point this command at another database (``demo`` uses its own file)."""
        self.close()
        self._database = None
        self._location = location

    def patient(self, session: Session, *, create: bool) -> Patient | None:
        """The patient this command is about (may be None for reads of an empty database)."""
        from tracker.services.patients import resolve_patient

        self._session_infos.append(session.info)
        return resolve_patient(session, self.patient_option, create_default=create)

    def forget_unreadable(self, session: Session) -> None:
        """The command showed the unreadable rows itself: no notice after it."""
        from tracker.store.stored_rows import UNREADABLE_EVENTS_KEY, UNREADABLE_KEY

        session.info.pop(UNREADABLE_KEY, None)
        session.info.pop(UNREADABLE_EVENTS_KEY, None)

    def _infos(self) -> list[dict[Any, Any]]:
        # Sessions the command opened itself, and those the services opened for it.
        opened = self._database.session_infos if self._database is not None else []
        return [*self._session_infos, *opened]

    def read_patients(self) -> bool:
        """True once the command has read a patient's data (in any session)."""
        return bool(self._session_infos) or any(self._infos())

    def unreadable_ids(self, key: str) -> list[int]:
        """Ids of stored rows this command's reads skipped because they cannot be read."""
        ids: set[int] = set()
        for info in self._infos():
            ids.update(info.get(key, ()))
        return sorted(ids)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


pass_app = click.make_pass_decorator(AppContext)
