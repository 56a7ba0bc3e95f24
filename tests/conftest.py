"""Shared fixtures: real SQLite files in tmp_path, and the real PostgreSQL server.

Tests that take ``db_url`` run once on SQLite and once on PostgreSQL when
``TRACKER_TEST_PG_URL`` is set (CI sets it). Each PostgreSQL test gets its own schema
(``search_path``), so tests never see each other's rows. With the variable set, a server
that cannot be reached fails the test; it never skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import settings

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import PG_ENV, pg_base_url
from tracker.cli.main import cli

# CI explores the same examples on every run, so a submission lands or fails on its own
# merits; a developer's runs stay random and keep finding new cases (the fuzz tests
# found real bugs that way).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

BACKENDS = ["sqlite", "postgresql"]
PG_SKIP_REASON = f"{PG_ENV} is not set; PostgreSQL tests run in CI"


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test, dropped afterwards."""
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP_REASON)
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:  # fails loudly if the server is unreachable
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(base, schema)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: a new SQLite file, or a new PostgreSQL schema (migrated)."""
    if request.param == "sqlite":
        return str(tmp_path / "tracker.db")
    url: str = request.getfixturevalue("pg_schema_url")
    # Server databases are never migrated implicitly: do what a user would do first.
    result = CliRunner().invoke(cli, ["--db", url, "db", "upgrade"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def tracker(db_url: str, tmp_path: Path) -> Tracker:
    """The CLI bound to a fresh database of each backend."""
    return Tracker(db_url, {"HOME": str(tmp_path / "home"), "TRACKER_PATIENT": ""})


@pytest.fixture
def sqlite_tracker(sqlite_path: Path, tmp_path: Path) -> Tracker:
    """The CLI bound to a fresh SQLite file (tests of SQLite-only behaviour)."""
    return Tracker(str(sqlite_path), {"HOME": str(tmp_path / "home"), "TRACKER_PATIENT": ""})


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line for the PostgreSQL skips (README, "Set up"), each other skip on its own.

    ``addopts`` leaves ``s`` out of ``-r``, so pytest itself lists no skip; this hook does.
    """
    skipped = terminalreporter.stats.get("skipped", [])
    postgres = 0
    others: list[str] = []
    for report in skipped:
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if PG_ENV in str(reason):
            postgres += 1
        else:
            where = f"{longrepr[0]}:{longrepr[1]}" if isinstance(longrepr, tuple) else report.nodeid
            others.append(f"SKIPPED {where}: {str(reason).removeprefix('Skipped: ')}")
    if not postgres and not others:
        return
    terminalreporter.section("skips", sep="-")
    for line in others:
        terminalreporter.write_line(line)
    if postgres:
        tests = "test" if postgres == 1 else "tests"
        terminalreporter.write_line(
            f"{postgres} PostgreSQL {tests} skipped: set {PG_ENV} to run them (see README, Set up)"
        )
