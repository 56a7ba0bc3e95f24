"""The memory of ``tracker import`` (its flag pass) and of human ``trend`` does not grow with
the number of readings (issue 13 item 13, issue 17): peak RSS of real processes on a
flag-heavy history of 200,000 readings against one of 10,000, as a ratio (a test that
failed before the streaming engine: import 69 -> 113 MB, human trend 64 -> 270 MB).

The engine keeps running state only, the flag pass keeps the flags of one reading, and
``trend`` prints marker by marker with each series' flag lines spooled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.flag_heavy import PATIENT, write_flag_heavy_csv
from tests.helpers.memory import measured_result, start_measured

SMALL = 10_000
LARGE = 200_000
# Peak RSS of the large history over the small one. What does not depend on the history
# (the interpreter, SQLAlchemy, SQLite's page cache, the spool's first 256 KB per series)
# is ~60 MB; 1.2 leaves room for allocator noise, and is far below the growth before.
RATIO_LIMIT = 1.2

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Imported:
    db: Path
    import_peak_kb: int


def _run(args: list[str], report: Path) -> tuple[int, bytes]:
    process = start_measured(args, report, stdin=None)
    stdout, stderr = process.communicate(timeout=600)
    peak_kb, code = measured_result(report)
    assert code == 0, stderr.decode()[-2000:]
    return peak_kb, stdout


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Imported]:
    """Each history imported into a fresh SQLite file, the import's peak measured."""
    folder = tmp_path_factory.mktemp("flag-heavy")
    imported = {}
    for readings in (SMALL, LARGE):
        source = write_flag_heavy_csv(folder / f"{readings}.csv", readings)
        db = folder / f"{readings}.db"
        peak_kb, stdout = _run(["--db", str(db), "import", str(source)], folder / "peak")
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
        peak_kb, stdout = _run(["--db", str(imported.db), "trend"], tmp_path / "peak")
        lines = stdout.decode().splitlines()
        assert lines[0] == f"Trend for {PATIENT}"
        # Every series is there with its count, and its flags are printed (not dropped).
        counts = [line for line in lines[1:] if line[:1].isalpha() and line.endswith(" results")]
        assert len(counts) == 12
        assert sum(int(line.split(": ")[1].split()[0]) for line in counts) == readings
        assert sum(line.startswith("  - ") for line in lines) > readings // 2
        peaks[readings] = peak_kb
    assert peaks[LARGE] / peaks[SMALL] <= RATIO_LIMIT, peaks
