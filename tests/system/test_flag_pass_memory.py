"""The memory of ``tracker import`` (its flag pass) and of human ``trend`` does not grow with
the number of readings (issue 13 item 13, issue 17): peak RSS of real processes on a
flag-heavy history of 200,000 readings against one of 10,000, as a ratio (a test that
failed before the streaming engine: import 69 -> 113 MB, human trend 64 -> 270 MB on
SQLite), on each backend.

The engine keeps running state only, the flag pass keeps the flags of one reading, and
``trend`` prints marker by marker with each series' flag lines spooled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import BACKENDS, PG_SKIP_REASON, _with_search_path, pg_base_url
from tests.helpers.flag_heavy import PATIENT, write_flag_heavy_csv
from tests.helpers.memory import measured_result, start_measured
from tracker.cli.main import cli

SMALL = 10_000
LARGE = 200_000
# Peak RSS of the large history over the small one. What does not depend on the history
# (the interpreter, SQLAlchemy, SQLite's page cache, the spool's first 256 KB per series)
# is ~60 MB; 1.2 leaves room for allocator noise, and is far below the growth before.
RATIO_LIMIT = 1.2

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Imported:
    db: str
    import_peak_kb: int


def _run(args: list[str], report: Path) -> tuple[int, bytes]:
    process = start_measured(args, report, stdin=None)
    stdout, stderr = process.communicate(timeout=600)
    peak_kb, code = measured_result(report)
    assert code == 0, stderr.decode()[-2000:]
    return peak_kb, stdout


@pytest.fixture(scope="module", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[int, str]]:
    """An empty database per history size: SQLite files, or PostgreSQL schemas (where the
    readings come through a server-side cursor)."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("flag-heavy-db")
        yield {readings: str(folder / f"{readings}.db") for readings in (SMALL, LARGE)}
        return
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP_REASON)
    import sqlalchemy as sa

    schemas = {readings: f"t_{uuid.uuid4().hex[:12]}" for readings in (SMALL, LARGE)}
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        for schema in schemas.values():
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        urls = {readings: _with_search_path(base, schema) for readings, schema in schemas.items()}
        for url in urls.values():
            result = CliRunner().invoke(cli, ["--db", url, "db", "upgrade"])
            assert result.exit_code == 0, result.output
        yield urls
    finally:
        with engine.begin() as connection:
            for schema in schemas.values():
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="module")
def histories(
    databases: dict[int, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[int, Imported]:
    """Each history imported into its empty database, the import's peak measured."""
    folder = tmp_path_factory.mktemp("flag-heavy")
    imported = {}
    for readings, db in databases.items():
        source = write_flag_heavy_csv(folder / f"{readings}.csv", readings)
        peak_kb, stdout = _run(["--db", db, "import", str(source)], folder / "peak")
        assert stdout.decode().startswith(f"Imported {readings} readings")
        imported[readings] = Imported(db, peak_kb)
    return imported


def test_import_memory_does_not_grow_with_the_readings(histories: dict[int, Imported]) -> None:
    small, large = histories[SMALL].import_peak_kb, histories[LARGE].import_peak_kb
    assert large / small <= RATIO_LIMIT, (small, large)


def test_human_trend_memory_does_not_grow_with_the_readings(
    histories: dict[int, Imported], tmp_path: Path
) -> None:
    peaks = {}
    for readings, imported in histories.items():
        peak_kb, stdout = _run(["--db", imported.db, "trend"], tmp_path / "peak")
        lines = stdout.decode().splitlines()
        assert lines[0] == f"Trend for {PATIENT}"
        # Every series is there with its count, and its flags are printed (not dropped).
        counts = [line for line in lines[1:] if line[:1].isalpha() and line.endswith(" results")]
        assert len(counts) == 12
        assert sum(int(line.split(": ")[1].split()[0]) for line in counts) == readings
        assert sum(line.startswith("  - ") for line in lines) > readings // 2
        peaks[readings] = peak_kb
    assert peaks[LARGE] / peaks[SMALL] <= RATIO_LIMIT, peaks
