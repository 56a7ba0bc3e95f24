"""Cases that write or read files: the PDF report, CSV import and export, and the peak
memory of a large import and of a human `trend`.

Import and export run on two shapes of file. "benchmark": benchmarks/csv_bench.py's (the
CSV engine's own benchmark): patients of 1,000 rows, two markers, about 1 % events, notes
that need spreadsheet-safe quoting. "flag-heavy" (issue 17): benchmarks/data.py's four
markers × three labs taking turns within each day, so most readings raise a flag.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.backends import Backend
from benchmarks.bench import Bench, Row, paired_row
from benchmarks.csv_bench import EXPORT_GOAL, IMPORT_GOAL, MEMORY_GOAL, write_csv
from benchmarks.data import (
    SERIES_END,
    patient_name,
    seed_events,
    seed_readings,
    write_flag_heavy_csv,
)
from benchmarks.ndjson_bench import write_ndjson
from benchmarks.timing import Run, interleaved

PYPLOT_BASELINE = ["-c", "import matplotlib.pyplot"]
REPORT_GOAL = 2.0
# The file shapes import and export run on: how to write ROWS rows of each to a path.
SHAPES: dict[str, Callable[[Path, int], Path]] = {
    "benchmark": write_csv,
    "flag-heavy": write_flag_heavy_csv,
}
# A test every three weeks: 100 readings span almost six years, as on treatment.
REPORT_SPACING_DAYS = 21


def report_case(bench: Bench, backend: Backend) -> Row:
    """``tracker report --out r.pdf`` for one patient: 2 markers × 100 readings, 4 events.

    (benchmarks/report_bench.py builds its patient through the services, on SQLite only;
    seeding here works on both backends.)
    """
    per_marker = bench.sizes.report_per_marker
    database = backend.create("report")
    seed_readings(
        database.url, 2 * per_marker, per_patient=2 * per_marker, spacing_days=REPORT_SPACING_DAYS
    )
    first_day = SERIES_END - timedelta(days=REPORT_SPACING_DAYS * per_marker)
    seed_events(database.url, patient_name(0), first_day)
    out = bench.path("report.pdf")
    paired = interleaved(
        lambda: bench.tracker_run(["report", "--out", str(out)], database),
        lambda: bench.python_run(PYPLOT_BASELINE),
        runs=bench.heavy_runs,
        warmup=bench.warmup,
    )
    return paired_row(
        f"`tracker report --out r.pdf`, 2 markers × {per_marker} readings",
        backend.label,
        paired,
        goal=REPORT_GOAL,
    )


def import_case(bench: Bench, backend: Backend, shape: str = "benchmark") -> Row:
    """``tracker import FILE`` of many patients' rows into an empty database, every run."""
    rows = bench.sizes.bulk_rows
    source = SHAPES[shape](bench.path(f"import-{shape}.csv"), rows)
    # One database per shape: a server keeps every schema of the run until its end.
    ours = backend.create(f"import_tracker_{shape.replace('-', '_')}")
    theirs = backend.create(f"import_baseline_{shape.replace('-', '_')}")

    def tracker_import() -> Run:
        backend.reset(ours)
        return bench.tracker_run(["import", str(source)], ours)

    def baseline_import() -> Run:
        backend.reset(theirs)
        return bench.baseline_script("import", theirs, source)

    paired = interleaved(tracker_import, baseline_import, runs=bench.heavy_runs, warmup=False)
    title = f"`tracker import`, {rows:,} rows, {shape}"
    return paired_row(title, backend.label, paired, goal=IMPORT_GOAL)


def export_case(bench: Bench, backend: Backend, shape: str = "benchmark") -> Row:
    """``tracker export --all-patients --out FILE`` of every reading and event."""
    rows = bench.sizes.bulk_rows
    database = backend.create(f"export_{shape.replace('-', '_')}")
    source = SHAPES[shape](bench.path(f"export-source-{shape}.csv"), rows)
    bench.setup(["import", str(source)], database)  # filling the database is not measured
    out = bench.path("export.csv")
    paired = interleaved(
        lambda: bench.tracker_run(["export", "--all-patients", "--out", str(out)], database),
        lambda: bench.baseline_script("export", database, bench.path("baseline-export.csv")),
        runs=bench.heavy_runs,
        warmup=bench.warmup,
    )
    title = f"`tracker export`, {rows:,} rows, {shape}"
    return paired_row(title, backend.label, paired, goal=EXPORT_GOAL)


def mebibytes(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def peak_row(case: str, backend: Backend, small_kib: int, large_kib: int) -> Row:
    """A row comparing the peak memory of a large run (tracker column) with a small one."""
    return Row(
        case=case,
        backend=backend.label,
        project=mebibytes(large_kib),
        baseline=mebibytes(small_kib),
        ratio=large_kib / small_kib,
        goal=MEMORY_GOAL,
    )


def _import_peak(
    bench: Bench, backend: Backend, write: Callable[[Path, int], Path], name: str, rows: int
) -> int:
    """Peak memory (KiB) of ``tracker import`` of a file ``write`` makes, into a new database."""
    source = write(bench.path(name), rows)
    try:
        database = backend.create(f"memory_{source.suffix.lstrip('.')}_{rows}")
        return bench.tracker_peak_memory(["import", str(source)], database)
    finally:
        source.unlink()


def import_memory_case(bench: Bench, backend: Backend) -> Row:
    """Peak memory of ``tracker import``: a large file against a small one (streaming)."""
    small, large = bench.sizes.memory_small, bench.sizes.memory_large
    peaks = [_import_peak(bench, backend, write_csv, f"memory-{n}.csv", n) for n in (small, large)]
    case = f"`tracker import` peak memory, {large:,} vs {small:,} rows"
    return peak_row(case, backend, *peaks)


def ndjson_memory_case(bench: Bench, backend: Backend) -> Row:
    """Peak memory of ``tracker import FILE.ndjson``: a large Bulk Data export vs a small one."""
    small, large = bench.sizes.ndjson_small, bench.sizes.ndjson_large
    peaks = [
        _import_peak(bench, backend, write_ndjson, f"memory-{n}.ndjson", n) for n in (small, large)
    ]
    case = f"`tracker import` NDJSON peak memory, {large:,} vs {small:,} Observations"
    return peak_row(case, backend, *peaks)


def trend_memory_case(bench: Bench, backend: Backend) -> Row:
    """Peak memory of a human ``tracker trend``: one patient of 1M readings against 10k."""
    small_n, large_n = bench.sizes.memory_small, bench.sizes.memory_large

    def peak(count: int) -> int:
        database = backend.create(f"trend_memory_{count}")
        seed_readings(database.url, count, per_patient=count)
        return bench.tracker_peak_memory(["trend"], database)

    case = f"`tracker trend` peak memory, {large_n:,} vs {small_n:,} readings"
    return peak_row(case, backend, peak(small_n), peak(large_n))
