"""Clinic scale on PostgreSQL (issue 17): 2,000 patients × 50 readings and their events.

- ``tracker review --json`` against a psycopg script that selects every reading with its
  patient's name and dumps it as JSON (benchmarks/baselines.py ``readings-json``): goal 3x;
- ``tracker import`` of the clinic's CSV against ``COPY`` of the same file into a plain
  table of text columns (reported: COPY parses and checks nothing);
- ``tracker patient list`` against a psycopg script running the same one query (reported).

These run on PostgreSQL only, the engine for users who outgrow one machine; without
``--postgres`` they are left out, and the run says so.
"""

from __future__ import annotations

from benchmarks.backends import Backend, BenchDatabase
from benchmarks.bench import Bench, Row, paired_row
from benchmarks.data import seed_clinic, write_clinic_csv
from benchmarks.timing import Run, interleaved

REVIEW_GOAL = 3.0


def _clinic(bench: Bench, backend: Backend, name: str) -> BenchDatabase:
    database = backend.create(name)
    seed_clinic(database.url, bench.sizes.clinic_patients, bench.sizes.clinic_per_patient)
    return database


def _size(bench: Bench) -> str:
    patients, each = bench.sizes.clinic_patients, bench.sizes.clinic_per_patient
    return f"{patients:,} patients × {each} readings"


def _against_script(
    bench: Bench, backend: Backend, command: list[str], action: str, goal: float | None
) -> Row:
    """``tracker COMMAND`` on a seeded clinic against benchmarks/baselines.py ACTION."""
    database = _clinic(bench, backend, f"clinic_{action.replace('-', '_')}")
    out = bench.path(f"clinic-{action}.out")
    paired = interleaved(
        lambda: bench.tracker_run(command, database),
        lambda: bench.baseline_script(action, database, out),
        runs=bench.heavy_runs,
        warmup=bench.warmup,
    )
    title = f"`tracker {' '.join(command)}`, {_size(bench)}"
    return paired_row(title, backend.label, paired, goal)


def review_case(bench: Bench, backend: Backend) -> Row:
    """``tracker review --json`` of the whole clinic against select-everything + json."""
    return _against_script(bench, backend, ["review", "--json"], "readings-json", REVIEW_GOAL)


def import_case(bench: Bench, backend: Backend) -> Row:
    """``tracker import`` of the clinic's file into an empty schema vs ``COPY`` of it."""
    sizes = bench.sizes
    source = write_clinic_csv(
        bench.path("clinic.csv"), sizes.clinic_patients, sizes.clinic_per_patient
    )
    ours = backend.create("clinic_import")
    theirs = backend.create("clinic_copy")

    def tracker_import() -> Run:
        backend.reset(ours)
        return bench.tracker_run(["import", str(source)], ours)

    paired = interleaved(
        tracker_import,
        lambda: bench.baseline_script("copy", theirs, source),
        runs=bench.heavy_runs,
        warmup=False,
    )
    return paired_row(f"`tracker import` vs COPY, {_size(bench)}", backend.label, paired, None)


def patient_list_case(bench: Bench, backend: Backend) -> Row:
    """``tracker patient list`` of the clinic against the same query from a psycopg script."""
    return _against_script(bench, backend, ["patient", "list"], "patients", None)
