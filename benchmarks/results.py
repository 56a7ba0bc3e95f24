"""The results table, the machine it was measured on, and benchmarks/RESULTS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path

from benchmarks.bench import Row

RESULTS_FILE = Path(__file__).with_name("RESULTS.md")
HEADERS = ("case", "database", "tracker", "baseline", "ratio", "goal", "met")


def _cells(row: Row) -> list[str]:
    ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
    goal = "—" if row.goal is None else f"≤ {row.goal:g}×"
    return [row.case, row.backend, row.project, row.baseline, ratio, goal, row.met]


def table(rows: Sequence[Row]) -> str:
    """A Markdown table, padded so it also reads well in a terminal."""
    lines = [list(HEADERS), *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]

    def render(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine(postgres_version: str | None) -> list[str]:
    """One ``- name: value`` line per fact about the machine and the software measured."""
    facts = [
        ("CPU", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("RAM", _memory_gib()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("SQLAlchemy", _version("sqlalchemy")),
        ("click", _version("click")),
        ("matplotlib", _version("matplotlib")),
    ]
    if postgres_version is not None:
        facts += [("PostgreSQL", postgres_version), ("psycopg", _version("psycopg"))]
    facts.append(("date", datetime.now().astimezone().isoformat(timespec="minutes")))
    return [f"- {name}: {value}" for name, value in facts]


HOW_MEASURED = """\
Times are medians of whole processes (interpreter start-up included); every tracker run
alternates with a run of its baseline in the same session, so drift hits both alike;
ratio = tracker / baseline. The baselines: `python -c "import click"` for `--help`;
`python -c "import sqlalchemy.orm"` for `add` and `list`;
`python -c "import matplotlib.pyplot"` for `report`; for `import` and `export`,
benchmarks/baselines.py (a `csv.reader` + `executemany` script, and a `SELECT` +
`csv.writer` script) on the same kind of database. The trend row compares the time per
reading of a 100k-reading series (tracker column) with a 1k one (baseline column); the
memory row compares the peak resident memory of importing 1M rows with 10k rows; the NDJSON
row that of importing a FHIR Bulk Data export of 100k Observations with one of 10k.
PostgreSQL rows are for information and carry no goal."""


def results_markdown(rows: Sequence[Row], facts: Sequence[str], command: str) -> str:
    """The whole RESULTS.md: how it was measured, on what, and the table."""
    errors = [f"- {row.case} ({row.backend}): {row.error}" for row in rows if row.error]
    parts = [
        "# Benchmark results",
        "",
        f"Measured with `{command}`.",
        "",
        HOW_MEASURED,
        "",
        "## Machine",
        "",
        *facts,
        "",
        "## Results",
        "",
        table(rows),
        "",
    ]
    if errors:
        parts += ["## Failures", "", *errors, ""]
    return "\n".join(parts)
