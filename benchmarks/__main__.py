"""``python -m benchmarks [--quick] [--runs N] [--postgres URL] [--only CASE …]``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from benchmarks.results import (
    RESULTS_FILE,
    code_version,
    machine,
    quiet_ratios,
    results_markdown,
    table,
    under_load_section,
    with_under_load,
)
from benchmarks.runner import CASE_KEYS, Options, run_cases

PG_ENV = "TRACKER_BENCH_PG_URL"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS = 9


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the tracker against baselines measured in the same run.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, one run each: checks that the harness works (exit 0 whatever "
        "the ratios); writes no results file unless --results is given",
    )
    parser.add_argument(
        "--runs", type=int, default=DEFAULT_RUNS, help=f"rounds per case (default {DEFAULT_RUNS})"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get(PG_ENV) or None,
        help=f"also run every database case on this PostgreSQL database (default: {PG_ENV}); "
        "one schema per case is created in it and dropped at the end",
    )
    parser.add_argument("--only", nargs="+", choices=CASE_KEYS, default=(), help="run only these")
    parser.add_argument("--results", type=Path, help=f"where to write (default {RESULTS_FILE})")
    parser.add_argument("--no-results", action="store_true", help="do not write a results file")
    parser.add_argument(
        "--under-load",
        metavar="QUIET_RESULTS",
        type=Path,
        help="this run is under load (README.md, Benchmarks, Noise): compare its ratios with "
        "the quiet run's in QUIET_RESULTS and write them into that file's 'Under load' "
        "section (exit 0 whatever the ratios)",
    )
    options = parser.parse_args(argv)
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if options.under_load is not None and not options.under_load.is_file():
        parser.error(f"--under-load: no results file {options.under_load}")
    return options


def _command(arguments: argparse.Namespace) -> str:
    from tracker.config import hide_password

    words = ["python -m benchmarks"]
    if arguments.quick:
        words.append("--quick")
    if arguments.runs != DEFAULT_RUNS:
        words.append(f"--runs {arguments.runs}")
    if arguments.postgres:
        words.append(f"--postgres {hide_password(arguments.postgres)}")
    if arguments.only:
        words.append("--only " + " ".join(arguments.only))
    if arguments.under_load:
        words.append(f"--under-load {arguments.under_load}")
    return " ".join(words)


def main(argv: list[str]) -> int:
    """Run, print the table, write RESULTS.md; exit 1 if a case failed (or, in a full run,
    missed its goal)."""
    arguments = parse_arguments(argv)
    options = Options(arguments.quick, arguments.runs, arguments.postgres, arguments.only)
    code, started = code_version(ROOT), datetime.now().astimezone()
    print(f"Running {_command(arguments)} on {code} …", file=sys.stderr, flush=True)
    outcome = run_cases(options)
    print(table(outcome.rows))
    if arguments.under_load is not None:
        quiet_file: Path = arguments.under_load
        section = under_load_section(outcome.rows, quiet_ratios(quiet_file))
        quiet_file.write_text(with_under_load(quiet_file.read_text(encoding="utf-8"), section))
        print(f"\n{section}\nWrote the 'Under load' section of {quiet_file}", file=sys.stderr)
        return 1 if any(row.error for row in outcome.rows) else 0
    target = arguments.results or (None if arguments.quick else RESULTS_FILE)
    if target is not None and not arguments.no_results:
        facts = machine(outcome.postgres_version, code, started)
        target.write_text(results_markdown(outcome.rows, facts, _command(arguments)))
        print(f"\nWrote {target}", file=sys.stderr)
    if any(row.error for row in outcome.rows):
        return 1
    missed = [row for row in outcome.rows if row.met == "no"]
    return 1 if missed and not arguments.quick else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
