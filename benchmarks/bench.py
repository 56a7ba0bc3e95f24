"""What every case shares: sizes, the scratch folder, how to run the tracker and Python,
and the row each case hands back for the table."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.backends import BenchDatabase
from benchmarks.timing import Paired, Run, peak_memory_kib, run_process

BASELINES_SCRIPT = Path(__file__).with_name("baselines.py")


@dataclass(frozen=True)
class Sizes:
    """How much data each case works on."""

    readings: int  # the one-patient database of `add` and `list --json`
    report_per_marker: int
    bulk_rows: int  # import and export
    trend_small: int
    trend_large: int
    memory_small: int
    memory_large: int
    ndjson_small: int = 10_000  # the NDJSON export (Observations)
    ndjson_large: int = 100_000
    clinic_patients: int = 2_000  # clinic scale on PostgreSQL
    clinic_per_patient: int = 50


FULL_SIZES = Sizes(
    readings=10_000,
    report_per_marker=100,
    bulk_rows=200_000,
    trend_small=1_000,
    trend_large=100_000,
    memory_small=10_000,
    memory_large=1_000_000,
)
# --quick: enough to run every code path once, in a few seconds.
QUICK_SIZES = Sizes(
    readings=200,
    report_per_marker=10,
    bulk_rows=2_000,
    trend_small=100,
    trend_large=1_000,
    memory_small=500,
    memory_large=5_000,
    ndjson_small=500,
    ndjson_large=5_000,
    clinic_patients=20,
    clinic_per_patient=50,
)


def tracker_command() -> list[str]:
    """The installed ``tracker`` script beside this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]


@dataclass
class Bench:
    """The run's settings and scratch space; cases run their processes through it."""

    folder: Path
    env: dict[str, str]
    sizes: Sizes
    runs: int  # rounds for cases of a second or less
    heavy_runs: int  # rounds for report, import and export
    warmup: bool
    tracker: list[str] = field(default_factory=tracker_command)

    def tracker_run(self, args: Sequence[str], database: BenchDatabase | None = None) -> Run:
        """Run ``tracker [--db …] ARGS`` once and time it."""
        env = dict(self.env)
        db_args: list[str] = []
        if database is not None:
            env.update(database.tracker_env)
            db_args = database.tracker_args
        return run_process([*self.tracker, *db_args, *args], env=env, cwd=self.folder)

    def tracker_peak_memory(self, args: Sequence[str], database: BenchDatabase) -> int:
        """Peak resident memory (KiB) of one ``tracker [--db …] ARGS`` process."""
        env = {**self.env, **database.tracker_env}
        argv = [*self.tracker, *database.tracker_args, *args]
        return peak_memory_kib(argv, env=env, cwd=self.folder)

    def setup(self, args: list[str], database: BenchDatabase) -> None:
        """A tracker command that prepares data (its time is not reported)."""
        self.tracker_run(args, database)

    def python_run(self, args: Sequence[str], extra_env: Mapping[str, str] | None = None) -> Run:
        """Run ``python ARGS`` with the same interpreter and environment as the tracker."""
        env = {**self.env, **(extra_env or {})}
        return run_process([sys.executable, *args], env=env, cwd=self.folder)

    def baseline_script(self, action: str, database: BenchDatabase, path: Path) -> Run:
        """The import/export baseline script (benchmarks/baselines.py) against a database."""
        return self.python_run(
            [str(BASELINES_SCRIPT), action, *database.baseline_target, str(path)],
            database.baseline_env,
        )

    def path(self, name: str) -> Path:
        return self.folder / name

    def remove(self, name: str) -> None:
        target = self.path(name)
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    case: str
    backend: str
    project: str
    baseline: str
    ratio: float | None
    goal: float | None
    error: str | None = None

    @property
    def met(self) -> str:
        if self.error is not None:
            return "failed"
        if self.goal is None or self.ratio is None:
            return "—"
        return "yes" if self.ratio <= self.goal else "no"


def seconds(value: float) -> str:
    """``412 ms`` below ten seconds, ``12.3 s`` above."""
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def paired_row(case: str, backend: str, paired: Paired, goal: float | None) -> Row:
    """A row for a case measured against a baseline process."""
    return Row(
        case=case,
        backend=backend,
        project=seconds(paired.project_seconds),
        baseline=seconds(paired.baseline_seconds),
        ratio=paired.ratio,
        goal=goal,
    )
