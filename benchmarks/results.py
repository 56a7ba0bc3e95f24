"""The results table, the machine it was measured on, and benchmarks/RESULTS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
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


# What the run times: a change here after the run started is not in its numbers. The
# results file itself is not timed code (the previous run leaves it changed).
MEASURED_PATHS = (
    "tracker",
    "reports",
    "migrations",
    "benchmarks",
    "pyproject.toml",
    ":(exclude)benchmarks/RESULTS.md",
)


def code_version(root: Path) -> str:
    """The commit measured (read when the run starts) and whether the timed code had
    uncommitted changes then."""
    try:
        commit = _git(root, "rev-parse", "--short=12", "HEAD")
        changed = _git(root, "status", "--porcelain", "--", *MEASURED_PATHS)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}, with uncommitted changes" if changed else commit


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def machine(postgres_version: str | None, code: str, started: datetime) -> list[str]:
    """One ``- name: value`` line per fact about the machine and the software measured."""
    facts = [
        ("code", code),
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
    facts.append(("started", started.isoformat(timespec="minutes")))
    facts.append(("ended", datetime.now().astimezone().isoformat(timespec="minutes")))
    return [f"- {name}: {value}" for name, value in facts]


HOW_MEASURED = """\
Times are medians of whole processes (interpreter start-up included); every tracker run
alternates with a run of its baseline in the same session, so drift hits both alike;
ratio = tracker / baseline. The baselines: `python -c "import click"` for `--help`;
`python -c "import sqlalchemy.orm"` for `add` and `list`;
`python -c "import matplotlib.pyplot"` for `report`; for `import` and `export`,
benchmarks/baselines.py (a `csv.reader` + `executemany` script, and a `SELECT` +
`csv.writer` script) on the same kind of database. Import, export and trend run on two
shapes of file: "benchmark" (patients of 1,000 rows, two markers, a lab change half-way)
and "flag-heavy" (four markers × three labs alternating within each day, about 1.2 flags
per reading). The trend rows compare the time per reading of a 100k-reading patient
(tracker column) with a 1k one (baseline column); the memory rows compare the peak
resident memory of importing 1M rows with 10k rows, of a human `tracker trend` of a 1M-
reading patient with a 10k one, and of importing a FHIR Bulk Data export of 100k
Observations with one of 10k. The clinic rows (PostgreSQL only: 2,000 patients × 50
readings and four events each) compare `review --json` with a psycopg script selecting
every reading and dumping it as JSON (goal 3×), `import` of the clinic's CSV with `COPY`
into a plain table of text columns, and `patient list` with the same query from psycopg.
The web rows are in-process (Starlette's TestClient), CPU seconds of the process. Other
PostgreSQL rows are for information and carry no goal. Before timing, the run compiles
the tracker's modules to bytecode, as `pip install .` does and as it did for the
baselines' packages: with `PYTHONDONTWRITEBYTECODE` set (as on this machine) an editable
install would otherwise compile them from source in every timed process.

Why not pyperf: its runner would replace benchmarks/timing.py (about 130 lines) but not
what the cases need. `bench_command` runs all of one command's processes, then all of the
other's, so drift during a run is not shared by tracker and baseline as it is here (each
round runs one of each, in alternating order); it has no hook to reset the database
outside the timed process before each `import` run; its calibrated loops and default 20
worker processes × 3 values would run a 200k-row import sixty times; and it owns the
command line, which `--quick` in CI and `--only` need. Its statistics would replace a call
to `statistics.median`. So benchmarks/ keeps its own small runner."""

UNDER_LOAD = """\
The same cases run again while two copies of the test suite load the machine (the
procedure in README.md, "Benchmarks", Noise). The goals hold on a quiet machine; this
table says how far each ratio moves under load: moved = loaded ratio / quiet ratio − 1."""


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


def quiet_ratios(path: Path) -> dict[tuple[str, str], float]:
    """(case, database) -> ratio, read back from the Results table of a RESULTS.md."""
    ratios: dict[tuple[str, str], float] = {}
    in_results = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_results = line == "## Results"
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not in_results or len(cells) != len(HEADERS) or not cells[4].endswith("×"):
            continue
        ratios[(cells[0], cells[1])] = float(cells[4].removesuffix("×"))
    return ratios


def under_load_section(rows: Sequence[Row], quiet: dict[tuple[str, str], float]) -> str:
    """The "Under load" section: each ratio beside the quiet run's and how far it moved."""
    lines = [["case", "database", "quiet ratio", "loaded ratio", "moved"]]
    for row in rows:
        before = quiet.get((row.case, row.backend))
        if row.ratio is None or before is None:
            continue
        moved = f"{(row.ratio / before - 1) * 100:+.0f} %"
        lines.append([row.case, row.backend, f"{before:.2f}×", f"{row.ratio:.2f}×", moved])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    rendered = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join(["## Under load", "", UNDER_LOAD, "", rendered[0], rule, *rendered[1:], ""])


def with_under_load(text: str, section: str) -> str:
    """RESULTS.md's text with its "Under load" section replaced (or added at the end)."""
    start = text.find("## Under load")
    if start == -1:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + 1)
    rest = "" if end == -1 else text[end + 1 :]
    return text[:start] + section + ("\n" + rest if rest else "")
