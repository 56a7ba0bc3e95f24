"""How long `tracker report --out r.pdf` takes, against importing matplotlib.pyplot.

A patient with two markers x 100 readings waits for a whole process (start-up, imports,
the database, the trend, drawing every page). The goal is at most 2.5x the time of
`python -c "import matplotlib.pyplot"` measured in the same run on the same machine (a
ratio, never an absolute time). Importing this module runs nothing.

    python -m benchmarks.report_bench          # prints both medians and the ratio
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

GOAL_RATIO = 2.5
READINGS_PER_MARKER = 100
ROUNDS = 7
BASELINE_CODE = "import matplotlib.pyplot"


@dataclass(frozen=True)
class ReportBenchResult:
    """Median wall times of the report and of the baseline, in seconds.

    The CPU times (user + system of each process) are given too: on a busy machine they
    vary much less than wall times.
    """

    report_seconds: float
    baseline_seconds: float
    report_cpu_seconds: float
    baseline_cpu_seconds: float

    @property
    def ratio(self) -> float:
        return self.report_seconds / self.baseline_seconds

    @property
    def meets_goal(self) -> bool:
        return self.ratio <= GOAL_RATIO


def build_database(path: Path, readings_per_marker: int = READINGS_PER_MARKER) -> None:
    """A SQLite file with one patient, CEA and CA 15-3 every three weeks, and two events.

    The values drift and rise now and then, so the trend raises flags and the report
    has flag texts, a nadir and continuation pages to draw, as a real history would.
    """
    from tracker.config import location_from
    from tracker.services.events import add_event
    from tracker.services.patients import add_patient
    from tracker.services.readings import ReadingFields, add_reading
    from tracker.store.database import open_database

    today = date.today()
    first = today - timedelta(days=21 * readings_per_marker)
    database = open_database(location_from(str(path), use_env=False))
    try:
        with database.writing() as session:
            patient = add_patient(session, "Benchmark patient", date(1960, 1, 1))
            add_event(session, patient, "treatment", "letrozole", first - timedelta(days=30))
            add_event(session, patient, "condition", "smoking", first - timedelta(days=900))
            for index in range(readings_per_marker):
                drawn_on = first + timedelta(days=21 * index)
                # A slow wave with a step every 17 draws: rises, falls and new nadirs.
                cea = 2.0 + (index % 17) * 0.12 + (index // 17) * 0.1
                ca153 = 20.0 + (index % 13) * 1.1 + (index // 13) * 0.8
                for marker, value in (("CEA", cea), ("CA15-3", ca153)):
                    fields = ReadingFields(marker, f"{value:.1f}", None, drawn_on, "City Lab")
                    add_reading(session, patient, fields, today=today, source="bench")
    finally:
        database.dispose()


def _timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; ``os.wait4`` gives exactly this child's usage."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()[-1000:]
            raise RuntimeError(f"{' '.join(argv)} failed: {message}")
    return elapsed, usage.ru_utime + usage.ru_stime


def run_report_benchmark(
    work_dir: Path | None = None, *, rounds: int = ROUNDS, python: str = sys.executable
) -> ReportBenchResult:
    """Median times of `tracker report --out r.pdf` and of importing pyplot.

    Both run as fresh processes of the same interpreter, alternating (and swapping their
    order each round) so that drift in the machine's speed hits both alike; one untimed
    run of each first warms the file cache and matplotlib's font cache.
    """
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        root = Path(folder)
        db = root / "bench.db"
        build_database(db)
        env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
        report = [python, "-m", "tracker", "--db", str(db), "report", "--out", "r.pdf"]
        baseline = [python, "-c", BASELINE_CODE]
        _timed(report, env, root)
        _timed(baseline, env, root)
        report_times: list[tuple[float, float]] = []
        baseline_times: list[tuple[float, float]] = []
        for round_number in range(rounds):
            pair = [(report, report_times), (baseline, baseline_times)]
            if round_number % 2:
                pair.reverse()
            for argv, times in pair:
                times.append(_timed(argv, env, root))
        return ReportBenchResult(
            statistics.median(wall for wall, _cpu in report_times),
            statistics.median(wall for wall, _cpu in baseline_times),
            statistics.median(cpu for _wall, cpu in report_times),
            statistics.median(cpu for _wall, cpu in baseline_times),
        )


def main() -> int:
    """Run the benchmark and print the result; exit 1 when the goal is missed."""
    result = run_report_benchmark()
    print(
        f"tracker report --out r.pdf (2 markers x {READINGS_PER_MARKER} readings): "
        f"{result.report_seconds:.3f} s; import matplotlib.pyplot: "
        f"{result.baseline_seconds:.3f} s; ratio {result.ratio:.2f} (goal <= {GOAL_RATIO}); "
        f"CPU {result.report_cpu_seconds:.3f} s vs {result.baseline_cpu_seconds:.3f} s"
    )
    return 0 if result.meets_goal else 1


if __name__ == "__main__":
    sys.exit(main())
