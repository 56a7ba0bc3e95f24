"""A FHIR Bulk Data export of 100,000 Observations, imported by a real process.

The file is streamed line by line and inserted in batches: the process's peak memory
with 100,000 Observations stays within a few MiB of its peak with 10,000 (measured from a
launcher process, as benchmarks/ does; benchmarks/RESULTS.md reports the figures).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from benchmarks.ndjson_bench import write_ndjson
from benchmarks.timing import peak_memory_kib
from tests.helpers.cli_runs import Tracker
from tests.helpers.paths import ROOT

LARGE = 100_000
SMALL = 10_000
# A flat file costs little beyond the interpreter; what grows with the file would show
# as tens of MiB at 100,000 lines (each parsed Observation is several KiB).
ALLOWED_GROWTH_KIB = 8 * 1024


def _peak(db: str, path: Path) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    argv = [sys.executable, "-m", "tracker", "--db", db, "import", str(path)]
    return peak_memory_kib(argv, env=env, cwd=ROOT)


def test_a_large_export_is_streamed(db_url: str, tmp_path: Path) -> None:
    peaks = {}
    # The small export is the start of the large one: the second run adds the rest.
    for size in (SMALL, LARGE):
        peaks[size] = _peak(db_url, write_ndjson(tmp_path / f"export-{size}.ndjson", size))
    tracker = Tracker(db_url, {"HOME": str(tmp_path / "home"), "TRACKER_PATIENT": ""})
    listed = tracker.json("list", patient="Bulk patient 7")
    assert len(listed) == LARGE // 100
    assert {r["unit"] for r in listed} == {"ng/mL", "U/mL"}
    assert peaks[LARGE] - peaks[SMALL] < ALLOWED_GROWTH_KIB, peaks

    with (tmp_path / f"export-{LARGE}.ndjson").open("rb") as export:
        lines = sum(1 for _ in export)
    assert lines == LARGE + 100 + LARGE // 1000  # Observations, Patients, Encounters
