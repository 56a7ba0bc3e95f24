"""CSV import and export against plain-script baselines, as whole processes.

Goals (ratios measured in the same run, never absolute times):
- ``tracker import`` of 200k rows into a fresh SQLite file: at most 2x a plain script
  doing ``csv.reader`` + ``sqlite3.executemany`` in one transaction into an equivalent
  table (the same columns, constraints and indexes);
- peak memory importing 1M rows: at most 1.2x that of importing 10k rows;
- ``tracker export`` of 200k rows: at most 1.5x a plain ``sqlite3`` select + ``csv.writer``.

Importing this module has no side effects. Run ``python benchmarks/csv_bench.py`` for
every measurement; the same file is the baseline script (``baseline-import`` /
``baseline-export`` subcommands), so it imports nothing but the standard library.
"""

from __future__ import annotations

import csv
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

IMPORT_ROWS = 200_000
EXPORT_ROWS = 200_000
MEMORY_SMALL_ROWS = 10_000
MEMORY_LARGE_ROWS = 1_000_000
IMPORT_GOAL = 2.0
EXPORT_GOAL = 1.5
MEMORY_GOAL = 1.2
HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on".split(",")
# Per patient: readings of two markers every two weeks, back from SERIES_END.
ROWS_PER_PATIENT = 1_000
SERIES_END = date(2024, 1, 1)
MARKERS = (("CEA", "ng/mL", 3.0, 1.5), ("CA 15-3", "U/mL", 24.0, 8.0))
CODES = {"CEA": "CEA", "CA 15-3": "CA15-3"}
LABS = ("City Lab", "North Lab")
NOTES = ("", "", "", "", "", "", "fasting", "after cycle 3, repeat in 4 weeks", '"=SUM(A1)"')

# The tracker's tables as a one-off script would declare them (same constraints, same
# identity index), so the baseline pays for the same index maintenance.
BASELINE_SCHEMA = """
CREATE TABLE patient (id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL UNIQUE,
    name_key VARCHAR(200) NOT NULL DEFAULT '' UNIQUE,
    born DATE, created_at DATETIME NOT NULL, CHECK (length(name) > 0));
CREATE TABLE reading (id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    marker VARCHAR(16) NOT NULL, value FLOAT NOT NULL, qualifier VARCHAR(1),
    unit VARCHAR(16) NOT NULL, entered_value VARCHAR(64) NOT NULL, entered_unit VARCHAR(32),
    drawn_on DATE NOT NULL, lab VARCHAR(200), ref_high FLOAT, note TEXT,
    source VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL,
    CHECK (qualifier IN ('<', '>')), CHECK (value >= 0));
CREATE INDEX ix_reading_patient_marker_drawn ON reading (patient_id, marker, drawn_on);
CREATE UNIQUE INDEX uq_reading_identity ON reading (patient_id, marker, drawn_on,
    coalesce(lab, ''), coalesce(qualifier, ''), value);
CREATE TABLE event (id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient (id) ON DELETE CASCADE,
    kind VARCHAR(16) NOT NULL, name VARCHAR(200) NOT NULL, started_on DATE NOT NULL,
    ended_on DATE, note TEXT, created_at DATETIME NOT NULL);
CREATE UNIQUE INDEX uq_event_identity ON event (patient_id, kind, name, started_on);
"""


def write_csv(path: Path, rows: int, seed: int = 1913) -> Path:
    """An export-format file of ``rows`` rows: patients of 1,000 rows, ~1 % events."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for index in range(rows):
            patient = f"patient {index // ROWS_PER_PATIENT + 1:04d}"
            step = index % ROWS_PER_PATIENT
            drawn_on = SERIES_END - timedelta(days=14 * (ROWS_PER_PATIENT - step) // 2)
            if step % 100 == 99:
                writer.writerow(
                    ["event", patient, "", "", "", drawn_on.isoformat(), "", "", "",
                     "treatment", f"line {step // 100}", ""]
                )  # fmt: skip
                continue
            marker, unit, level, swing = MARKERS[step % 2]
            value = round((level + swing * math.sin(step / 40)) * math.exp(rng.gauss(0, 0.1)), 1)
            lab = LABS[step * 2 // ROWS_PER_PATIENT]
            writer.writerow(
                ["reading", patient, marker, repr(value).removesuffix(".0"), unit,
                 drawn_on.isoformat(), lab, "", rng.choice(NOTES), "", "", ""]
            )  # fmt: skip
    return path


def baseline_import(database: Path, source: Path) -> None:
    """What a competent one-off script does: csv.reader + executemany, one transaction."""
    connection = sqlite3.connect(database)
    connection.executescript(BASELINE_SCHEMA)
    created_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    patients: dict[str, int] = {}
    with connection, open(source, encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        readings: list[tuple[object, ...]] = []
        events: list[tuple[object, ...]] = []
        for row in reader:
            record, patient, marker, value, unit, drawn_on, lab, ref, note, kind, name, ended = row
            patient_id = patients.get(patient)
            if patient_id is None:
                cursor = connection.execute(
                    "INSERT INTO patient (name, name_key, created_at) VALUES (?, ?, ?)",
                    (patient, " ".join(patient.split()).casefold(), created_at),
                )
                patient_id = patients[patient] = int(cursor.lastrowid or 0)
            if record == "event":
                events.append(
                    (patient_id, kind, name, drawn_on, ended or None, note or None, created_at)
                )
                continue
            qualifier = value[0] if value[0] in "<>" else None
            readings.append(
                (patient_id, CODES[marker], float(value.lstrip("<>")), qualifier, unit, value,
                 unit, drawn_on, lab or None, float(ref) if ref else None, note or None, "csv",
                 created_at)
            )  # fmt: skip
        connection.executemany(
            "INSERT INTO reading (patient_id, marker, value, qualifier, unit, entered_value, "
            "entered_unit, drawn_on, lab, ref_high, note, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            readings,
        )
        connection.executemany(
            "INSERT INTO event (patient_id, kind, name, started_on, ended_on, note, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            events,
        )
    connection.close()


def baseline_export(database: Path, target: Path) -> None:
    """One SELECT in list order, written with csv.writer."""
    connection = sqlite3.connect(database)
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(
            connection.execute(
                "SELECT 'reading', patient.name, reading.marker, reading.value, reading.unit, "
                "reading.drawn_on, reading.lab, reading.ref_high, reading.note, '', '', '' "
                "FROM reading JOIN patient ON patient.id = reading.patient_id "
                "ORDER BY patient.name, reading.drawn_on, reading.id"
            )
        )
        writer.writerows(
            connection.execute(
                "SELECT 'event', patient.name, '', '', '', event.started_on, '', '', event.note, "
                "event.kind, event.name, event.ended_on "
                "FROM event JOIN patient ON patient.id = event.patient_id "
                "ORDER BY patient.name, event.started_on, event.id"
            )
        )
    connection.close()


def run(argv: Sequence[str]) -> tuple[float, int]:
    """Run one process to completion: (wall seconds, peak resident memory in KiB).

    ``os.wait4`` reports exactly this child's peak memory (RUSAGE_CHILDREN would be the
    largest of every child so far).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{error}")
    return seconds, int(usage.ru_maxrss)


def _tracker(*args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", *args]


def _baseline(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def time_import(folder: Path, rows: int = IMPORT_ROWS, repeats: int = 3) -> tuple[float, float]:
    """Median seconds (tracker, baseline) to import ``rows`` rows into a fresh SQLite file."""
    source = write_csv(folder / f"import-{rows}.csv", rows)
    tracker_times, baseline_times = [], []
    for round_number in range(repeats):
        tracker_db = folder / f"import-{round_number}.db"
        baseline_db = folder / f"baseline-{round_number}.db"
        tracker_times.append(run(_tracker("--db", str(tracker_db), "import", str(source)))[0])
        baseline_times.append(run(_baseline("baseline-import", str(baseline_db), str(source)))[0])
    return statistics.median(tracker_times), statistics.median(baseline_times)


def peak_memory_import(folder: Path, rows: int) -> int:
    """Peak resident memory (KiB) of ``tracker import`` of ``rows`` rows, fresh process and file."""
    source = write_csv(folder / f"memory-{rows}.csv", rows)
    return run(_tracker("--db", str(folder / f"memory-{rows}.db"), "import", str(source)))[1]


def time_export(folder: Path, rows: int = EXPORT_ROWS, repeats: int = 3) -> tuple[float, float]:
    """Median seconds (tracker, baseline) to export ``rows`` rows of every patient."""
    source = write_csv(folder / f"export-{rows}.csv", rows)
    database = folder / f"export-{rows}.db"
    run(_tracker("--db", str(database), "import", str(source)))  # set-up, not measured
    tracker_times, baseline_times = [], []
    for _ in range(repeats):
        out = str(folder / "tracker-export.csv")
        tracker_times.append(
            run(_tracker("--db", str(database), "export", "--all-patients", "--out", out))[0]
        )
        baseline_times.append(
            run(_baseline("baseline-export", str(database), str(folder / "plain.csv")))[0]
        )
    return statistics.median(tracker_times), statistics.median(baseline_times)


def _verdict(ratio: float, goal: float) -> str:
    return f"ratio {ratio:.2f} (goal <= {goal}): {'ok' if ratio <= goal else 'MISSED'}"


def main() -> None:
    """Run every measurement in a scratch folder and print the ratios."""
    with tempfile.TemporaryDirectory(prefix="csv-bench-") as scratch:
        folder = Path(scratch)
        tracker_s, baseline_s = time_import(folder)
        print(f"import {IMPORT_ROWS:,} rows: tracker {tracker_s:.2f} s, plain {baseline_s:.2f} s")
        print("  " + _verdict(tracker_s / baseline_s, IMPORT_GOAL))
        small = peak_memory_import(folder, MEMORY_SMALL_ROWS)
        large = peak_memory_import(folder, MEMORY_LARGE_ROWS)
        print(f"peak memory: {MEMORY_SMALL_ROWS:,} rows {small / 1024:.1f} MiB, "
              f"{MEMORY_LARGE_ROWS:,} rows {large / 1024:.1f} MiB")  # fmt: skip
        print("  " + _verdict(large / small, MEMORY_GOAL))
        tracker_s, baseline_s = time_export(folder)
        print(f"export {EXPORT_ROWS:,} rows: tracker {tracker_s:.2f} s, plain {baseline_s:.2f} s")
        print("  " + _verdict(tracker_s / baseline_s, EXPORT_GOAL))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "baseline-import":
        baseline_import(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "baseline-export":
        baseline_export(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
