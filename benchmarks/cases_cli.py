"""The everyday commands: ``--help``, ``add`` and ``list --json`` on a 10k-reading database."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from benchmarks.backends import Backend, BenchDatabase
from benchmarks.bench import Bench, Row, paired_row
from benchmarks.data import SERIES_END, seed_readings
from benchmarks.timing import Run, interleaved

CLICK_BASELINE = ["-c", "import click"]
ORM_BASELINE = ["-c", "import sqlalchemy.orm"]
HELP_ROUNDS_FACTOR = 3


def help_case(bench: Bench) -> Row:
    """``tracker --help`` against ``python -c "import click"`` (no database involved).

    A 50 ms process is at the mercy of the scheduler on a busy machine, so this case
    takes three times the rounds (they cost little).
    """
    paired = interleaved(
        lambda: bench.tracker_run(["--help"]),
        lambda: bench.python_run(CLICK_BASELINE),
        runs=HELP_ROUNDS_FACTOR * bench.runs,
        warmup=bench.warmup,
    )
    return paired_row("`tracker --help`", "—", paired, goal=1.3)


def readings_database(bench: Bench, backend: Backend, name: str) -> BenchDatabase:
    """One patient with ``sizes.readings`` readings, split between CEA and CA 15-3."""
    database = backend.create(name)
    total = bench.sizes.readings
    seed_readings(database.url, total, per_patient=total)
    return database


def add_case(bench: Bench, backend: Backend) -> Row:
    """``tracker add CEA …`` (which also judges the new reading against its series)."""
    database = readings_database(bench, backend, "add")
    runs = count(1)

    def add_one() -> Run:
        # A new day and value every run, continuing the seeded series: never a duplicate.
        day = next(runs)
        drawn_on = (SERIES_END + timedelta(days=day)).isoformat()
        value = f"{3.0 + (day % 7) / 10:.1f}"
        return bench.tracker_run(
            ["add", "CEA", value, "ng/mL", "--date", drawn_on, "--lab", "North Lab"], database
        )

    paired = interleaved(
        add_one,
        lambda: bench.python_run(ORM_BASELINE),
        runs=bench.runs,
        warmup=bench.warmup,
    )
    return paired_row(
        f"`tracker add CEA …`, {bench.sizes.readings:,} readings", backend.label, paired, goal=1.25
    )


def list_case(bench: Bench, backend: Backend) -> Row:
    """``tracker list --json`` of every reading of the patient."""
    database = readings_database(bench, backend, "list")
    paired = interleaved(
        lambda: bench.tracker_run(["list", "--json"], database),
        lambda: bench.python_run(ORM_BASELINE),
        runs=bench.runs,
        warmup=bench.warmup,
    )
    return paired_row(
        f"`tracker list --json`, {bench.sizes.readings:,} readings",
        backend.label,
        paired,
        goal=1.3,
    )
