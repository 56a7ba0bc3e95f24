"""Runs the cases on each database backend and collects the table's rows."""

from __future__ import annotations

import compileall
import importlib.util
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from benchmarks import cases_clinic
from benchmarks.backends import Backend, PostgresBackend, SQLiteBackend, scrubbed_environment
from benchmarks.bench import FULL_SIZES, QUICK_SIZES, Bench, Row
from benchmarks.cases_cli import add_case, help_case, list_case
from benchmarks.cases_files import (
    export_case,
    import_case,
    import_memory_case,
    ndjson_memory_case,
    report_case,
    trend_memory_case,
)
from benchmarks.cases_scaling import trend_case
from benchmarks.cases_web import web_api_case, web_page_case, web_scaling_case
from benchmarks.timing import BenchmarkError


@dataclass(frozen=True)
class Case:
    """A named case: ``run`` takes the bench, and a backend unless ``on`` is "none".

    ``on``: "none" (no database), "all" (every backend; the goal is SQLite's, other
    backends' rows are for information) or "postgres" (PostgreSQL only, with its goal).
    """

    key: str
    title: str
    run: Callable[..., Row]
    on: str = "all"


FLAGS = "flag-heavy"
PG = "postgres"
CASES = (
    Case("help", "`tracker --help`", help_case, on="none"),
    Case("add", "`tracker add CEA …`", add_case),
    Case("list", "`tracker list --json`", list_case),
    Case("report", "`tracker report --out r.pdf`", report_case),
    Case("import", "`tracker import`", import_case),
    Case("import-flags", "`tracker import`, flag-heavy", partial(import_case, shape=FLAGS)),
    Case("export", "`tracker export`", export_case),
    Case("export-flags", "`tracker export`, flag-heavy", partial(export_case, shape=FLAGS)),
    Case("trend", "trend, time per reading", trend_case, on="none"),
    Case("trend-flags", "trend per reading, flag-heavy", partial(trend_case, shape=FLAGS), "none"),
    Case("memory", "`tracker import` peak memory", import_memory_case),
    Case("trend-memory", "`tracker trend` peak memory", trend_memory_case),
    Case("ndjson", "`tracker import` NDJSON peak memory", ndjson_memory_case),
    Case("review", "`tracker review --json`, clinic", cases_clinic.review_case, on="postgres"),
    Case("clinic-import", "`tracker import` vs COPY, clinic", cases_clinic.import_case, "postgres"),
    Case("patient-list", "`tracker patient list`, clinic", cases_clinic.patient_list_case, PG),
    Case("web-page", "web `GET /` vs `GET /api/trend`", web_page_case, on="none"),
    Case("web-api", "web `GET /api/trend` vs `Tracker.trend()`", web_api_case, on="none"),
    Case("web-scaling", "web `GET /`, time per reading", web_scaling_case, on="none"),
)
CASE_KEYS = tuple(case.key for case in CASES)


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    quick: bool
    runs: int
    postgres_url: str | None
    only: Sequence[str] = ()


@dataclass
class Outcome:
    rows: list[Row]
    postgres_version: str | None


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _guarded(case: Case, backend_label: str, run: Callable[[], Row]) -> Row:
    """Run one case; a failure becomes a row saying so (the other cases still run)."""
    _progress(f"  {case.key} ({backend_label}) …")
    try:
        return run()
    except BenchmarkError as error:
        message = str(error)
    except Exception as error:  # a harness bug must not hide the other results
        traceback.print_exc()
        message = f"{type(error).__name__}: {error}"
    _progress(f"  {case.key} ({backend_label}) failed: {message}")
    first_line = message.strip().splitlines()[0] if message.strip() else "failed"
    return Row(case.title, backend_label, "—", "—", None, None, error=first_line)


def _run_case(case: Case, bench: Bench, backends: list[Backend]) -> list[Row]:
    """The case's rows: one, or one per backend it runs on."""
    if case.on == "none":
        return [_guarded(case, "—", partial(case.run, bench))]
    rows = []
    for backend in backends:
        postgres = isinstance(backend, PostgresBackend)
        if case.on == "postgres" and not postgres:
            continue
        row = _guarded(case, backend.label, partial(case.run, bench, backend))
        # Goals are for the embedded default, except in cases made for the server alone.
        rows.append(row if case.on == "postgres" or not postgres else replace(row, goal=None))
    if case.on == "postgres" and not rows:
        _progress(f"  {case.key}: left out (PostgreSQL only; give --postgres URL)")
    return rows


def compile_bytecode() -> None:
    """Write the tracker's ``.pyc`` files before anything is timed.

    ``pip install .`` compiles a package's modules when it installs them, as it did for
    click, SQLAlchemy and matplotlib (the baselines). An editable install writes them on
    first use, unless ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's machines):
    then every timed tracker process would compile its own modules from source, about
    10 ms on ``--help`` and 25 ms on ``add`` on this machine, which no installed copy pays
    (``--only help add list`` before and after this step). The files go
    to the checkout's ``__pycache__`` folders (ignored by git), whatever that setting.
    """
    for package in ("tracker", "tracker.reports"):
        spec = importlib.util.find_spec(package)
        folders = (spec.submodule_search_locations if spec else None) or ()
        for folder in folders:
            compileall.compile_dir(folder, quiet=1)


def run_cases(options: Options) -> Outcome:
    """Every selected case on SQLite (with goals) and PostgreSQL (for information)."""
    compile_bytecode()
    sizes = QUICK_SIZES if options.quick else FULL_SIZES
    runs = 1 if options.quick else options.runs
    selected = [case for case in CASES if not options.only or case.key in options.only]
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as scratch:
        folder = Path(scratch)
        (folder / "home").mkdir()
        (folder / "sqlite").mkdir()
        bench = Bench(
            folder=folder,
            env=scrubbed_environment(folder / "home"),
            sizes=sizes,
            runs=runs,
            heavy_runs=1 if options.quick else max(3, (runs + 1) // 2),
            warmup=not options.quick,
        )
        backends: list[Backend] = [SQLiteBackend(folder / "sqlite", bench.setup)]
        postgres_version = None
        if options.postgres_url:
            postgres = PostgresBackend(options.postgres_url, bench.setup)
            postgres_version = postgres.server_version()
            backends.append(postgres)
        try:
            rows: list[Row] = []
            for case in selected:
                rows.extend(_run_case(case, bench, backends))
        finally:
            for backend in backends:
                backend.close()
    return Outcome(rows, postgres_version)
