"""Where the benchmark databases live: SQLite files in a scratch folder, or PostgreSQL
schemas in a database the user names (dropped again at the end).

A bench database is what the tracker gets as ``--db`` (SQLite) or ``TRACKER_DB_URL``
(PostgreSQL: the URL stays out of process lists), the SQLAlchemy URL that seeding uses,
and the target that the baseline scripts connect to.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from benchmarks.baselines import CONNINFO_ENV

# Runs a tracker command (arguments after `tracker`) against a bench database, untimed.
SetupRunner = Callable[[list[str], "BenchDatabase"], None]


@dataclass
class BenchDatabase:
    """One benchmark database and how each party reaches it."""

    name: str
    url: str
    tracker_args: list[str]
    tracker_env: dict[str, str]
    baseline_target: list[str]
    baseline_env: dict[str, str] = field(default_factory=dict)
    pristine: Path | None = None


class SQLiteBackend:
    """A fresh SQLite file per bench database; ``reset`` copies the empty file back."""

    label = "SQLite"

    def __init__(self, folder: Path, run_setup: SetupRunner) -> None:
        self.folder = folder
        self.run_setup = run_setup
        self._migrated: Path | None = None

    def _database(self, name: str) -> BenchDatabase:
        path = self.folder / f"{name}.db"
        return BenchDatabase(
            name=name,
            url=f"sqlite:///{path}",
            tracker_args=["--db", str(path)],
            tracker_env={},
            baseline_target=["sqlite", str(path)],
        )

    def create(self, name: str) -> BenchDatabase:
        """An empty database at the schema's head revision.

        The first is migrated by `tracker db upgrade`; the others are copies of it (a
        migration costs a second of set-up each time).
        """
        database = self._database(name)
        path = Path(database.baseline_target[1])
        if self._migrated is None:
            self.run_setup(["db", "upgrade"], database)
            self._migrated = path.with_suffix(".pristine")
            shutil.copyfile(path, self._migrated)
        else:
            shutil.copyfile(self._migrated, path)
        database.pristine = self._migrated
        return database

    def reset(self, database: BenchDatabase) -> None:
        """Back to empty (as created), without timing anything."""
        assert database.pristine is not None
        path = Path(database.baseline_target[1])
        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(database.pristine, path)

    def close(self) -> None:
        """The scratch folder is removed by the caller."""


class PostgresBackend:
    """One schema per bench database in the server database the user named."""

    label = "PostgreSQL"

    def __init__(self, base_url: str, run_setup: SetupRunner) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.base_url = base_url
        self.run_setup = run_setup
        self.engine = create_engine(base_url)
        self.conninfo = (
            make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        self.prefix = f"bench_{uuid.uuid4().hex[:8]}"
        self.schemas: list[str] = []

    def _execute(self, statement: str) -> None:
        from sqlalchemy import text

        with self.engine.begin() as connection:
            connection.execute(text(statement))

    def server_version(self) -> str:
        """The server's version string (it also proves the server answers)."""
        from sqlalchemy import text

        with self.engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar())

    def _quoted(self, schema: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(schema)

    def create(self, name: str) -> BenchDatabase:
        """A new schema, migrated to head by `tracker db upgrade` as a user would."""
        schema = f"{self.prefix}_{name}"
        self._execute(f"CREATE SCHEMA {self._quoted(schema)}")
        self.schemas.append(schema)
        separator = "&" if "?" in self.base_url else "?"
        url = f"{self.base_url}{separator}options={quote(f'-csearch_path={schema}')}"
        database = BenchDatabase(
            name=name,
            url=url,
            tracker_args=[],
            tracker_env={"TRACKER_DB_URL": url},
            baseline_target=["postgresql", schema],
            baseline_env={CONNINFO_ENV: self.conninfo},
        )
        self.run_setup(["db", "upgrade"], database)
        return database

    def reset(self, database: BenchDatabase) -> None:
        """Back to empty: every tracker row removed, ids restarted."""
        schema = self._quoted(database.baseline_target[1])
        self._execute(
            f"TRUNCATE {schema}.reading, {schema}.event, {schema}.patient RESTART IDENTITY CASCADE"
        )

    def close(self) -> None:
        """Drop every schema this run created."""
        try:
            for schema in self.schemas:
                self._execute(f"DROP SCHEMA IF EXISTS {self._quoted(schema)} CASCADE")
        finally:
            self.engine.dispose()


Backend = SQLiteBackend | PostgresBackend


def scrubbed_environment(home: Path) -> dict[str, str]:
    """The caller's environment without TRACKER_* settings, with a scratch HOME."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env["HOME"] = str(home)
    env.pop(CONNINFO_ENV, None)
    return env
