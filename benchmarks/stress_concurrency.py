"""Stress: many real `tracker add` processes writing one database at once.

    python benchmarks/stress_concurrency.py [--processes 2] [--adds 200] [--pg URL]

Each of PROCESSES threads runs ADDS `python -m tracker add` processes one after another,
so PROCESSES commands always overlap. Afterwards it checks that every reading is stored
exactly once, that no command failed (no "database is locked" reached anyone), and on
SQLite that `PRAGMA integrity_check` says ok. With --pg (or TRACKER_TEST_PG_URL) the same
runs in a fresh schema of that PostgreSQL database. Exit status 1 if anything was lost.
The test suite runs the same scenario smaller (tests/system/test_concurrency.py).

    python benchmarks/stress_concurrency.py --restores 10 [--imports 3] [--import-rows 2000]

adds a second scenario on SQLite: while the add processes run, one thread restores a
backup RESTORES times and another imports IMPORTS CSV files of IMPORT-ROWS readings. Every
row whose command succeeded must then be in the database or in one of the restores'
safety copies (issue 13: a restore takes the write lock before its copy); "lost" counts
those that are in neither.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

DRAWN_ON = "2026-01-05"


def tracker(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", db, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@contextmanager
def pg_schema(base_url: str) -> Iterator[str]:
    import sqlalchemy as sa

    schema = f"stress_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        url = f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
        upgraded = tracker(url, "db", "upgrade")
        if upgraded.returncode != 0:
            raise SystemExit(upgraded.stderr)
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def stress(db: str, processes: int, adds: int) -> dict[str, object]:
    failures: list[str] = []
    lock = threading.Lock()

    def run(worker: int) -> None:
        for index in range(adds):
            value = str(worker * 1000 + index)
            result = tracker(db, "add", "CEA", value, "--date", DRAWN_ON)
            if result.returncode != 0 or result.stderr:
                with lock:
                    failures.append(f"{value}: exit {result.returncode}: {result.stderr.strip()}")

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(w,)) for w in range(1, processes + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    listed = tracker(db, "list", "--json")
    values = [row["value"] for row in json.loads(listed.stdout)]
    expected = {float(w * 1000 + i) for w in range(1, processes + 1) for i in range(adds)}
    integrity = "n/a"
    if not db.startswith("postgresql"):
        with sqlite3.connect(db) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "commands": processes * adds,
        "failed": len(failures),
        "stored": len(values),
        "duplicated": len(values) - len(set(values)),
        "lost": len(expected - set(values)),
        "integrity": integrity,
        "seconds": round(elapsed, 1),
        "first_failures": failures[:3],
    }


def _values_in(path: Path) -> set[float]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT value FROM reading")}


def restore_race(
    folder: Path, processes: int, adds: int, restores: int, imports: int, import_rows: int
) -> dict[str, object]:
    """Adds and imports while restores run: nothing stored by a success may vanish."""
    db = folder / "race.db"
    seeded = tracker(str(db), "add", "CEA", "1.5", "--date", DRAWN_ON)
    if seeded.returncode != 0:
        raise SystemExit(seeded.stderr)
    backup = folder / "race-backup.db"
    tracker(str(db), "backup", str(backup))
    failures: list[str] = []
    committed: set[float] = set()
    lock = threading.Lock()

    def add_worker(worker: int) -> None:
        for index in range(adds):
            value = float(worker * 1000 + index)
            result = tracker(str(db), "add", "CEA", f"{value:g}", "--date", DRAWN_ON)
            with lock:
                if result.returncode == 0:
                    committed.add(value)
                else:
                    failures.append(f"add {value:g}: {result.stderr.strip()}")

    def import_worker() -> None:
        for batch in range(imports):
            # Distinct values (a value is a row's identity here), all under the largest
            # CEA the tracker accepts (100,000 ng/mL) and above every add's value.
            rows = [
                round(50_000 + (batch * import_rows + index) / 100, 2)
                for index in range(import_rows)
            ]
            csv = folder / f"import{batch}.csv"
            csv.write_text(
                "marker,value,unit,drawn_on\n"
                + "".join(f"CEA,{value:.2f},ng/mL,{DRAWN_ON}\n" for value in rows)
            )
            result = tracker(str(db), "import", str(csv))
            with lock:
                if result.returncode == 0:
                    committed.update(rows)
                else:
                    failures.append(f"import {batch}: {result.stderr.strip()}")

    def restore_worker() -> None:
        for _ in range(restores):
            result = tracker(str(db), "restore", str(backup), "--yes")
            if result.returncode != 0:
                with lock:
                    failures.append(f"restore: {result.stderr.strip()}")

    started = time.perf_counter()
    threads = [threading.Thread(target=add_worker, args=(w,)) for w in range(1, processes + 1)]
    threads += [threading.Thread(target=import_worker), threading.Thread(target=restore_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    copies = sorted(folder.glob("race.db.before-restore-*.bak"))
    kept = _values_in(db).union(*(_values_in(copy) for copy in copies))
    with sqlite3.connect(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "commands": processes * adds + imports + restores,
        "failed": len(failures),
        "stored": len(committed),
        "safety_copies": len(copies),
        "lost": len(committed - kept),
        "integrity": integrity,
        "seconds": round(elapsed, 1),
        "first_failures": failures[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--adds", type=int, default=200, help="adds per process")
    parser.add_argument("--pg", default=os.environ.get("TRACKER_TEST_PG_URL"))
    parser.add_argument("--restores", type=int, default=0, help="restores racing the adds")
    parser.add_argument("--imports", type=int, default=3, help="CSV imports racing them")
    parser.add_argument("--import-rows", type=int, default=2000)
    options = parser.parse_args()
    if options.restores:
        with tempfile.TemporaryDirectory() as folder:
            race = restore_race(
                Path(folder),
                options.processes,
                options.adds,
                options.restores,
                options.imports,
                options.import_rows,
            )
        print("restore race: commands failed stored(succeeded rows) safety_copies lost integrity s")
        print(
            f"              {race['commands']:>8} {race['failed']:>6} {race['stored']:>21} "
            f"{race['safety_copies']:>13} {race['lost']:>4} {race['integrity']:>9} "
            f"{race['seconds']}"
        )
        for failure in race["first_failures"]:  # type: ignore[attr-defined]
            print(f"  {failure}")
        if race["failed"] or race["lost"] or race["integrity"] != "ok":
            return 1
    rows: list[tuple[str, dict[str, object]]] = []
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "stress.db")
        rows.append(("sqlite", stress(db, options.processes, options.adds)))
    if options.pg:
        with pg_schema(options.pg) as url:
            rows.append(("postgresql", stress(url, options.processes, options.adds)))
    print("backend     commands failed stored duplicated lost integrity seconds")
    bad = False
    for backend, row in rows:
        print(
            f"{backend:<11} {row['commands']:>8} {row['failed']:>6} {row['stored']:>6} "
            f"{row['duplicated']:>10} {row['lost']:>4} {row['integrity']:>9} {row['seconds']:>7}"
        )
        for failure in row["first_failures"]:  # type: ignore[attr-defined]
            print(f"  {failure}")
        bad = bad or bool(row["failed"] or row["duplicated"] or row["lost"])
        bad = bad or row["integrity"] not in ("ok", "n/a")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
