"""Timing whole processes: wall time and peak memory of one command, medians of several.

A user waits for the whole process, interpreter start-up and imports included, so every
case runs a real subprocess. Project and baseline runs alternate (and swap their order
every round) so that drift in the machine's speed during a run hits both alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class BenchmarkError(RuntimeError):
    """A measured command failed: the benchmark would be timing an error path."""


@dataclass(frozen=True)
class Run:
    """One finished process: its wall time and its peak resident memory."""

    seconds: float
    peak_rss_kib: int


def run_process(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    stdin_path: Path | None = None,
) -> Run:
    """Run ``argv`` to completion and time it; a non-zero exit raises BenchmarkError.

    ``os.wait4`` gives the resource usage of exactly this child (getrusage's
    RUSAGE_CHILDREN would be the maximum over every child so far). Output goes to
    /dev/null, stderr to a file that is shown only if the command fails.
    """
    with tempfile.TemporaryFile() as stderr:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            process = subprocess.Popen(
                list(argv), cwd=cwd, env=env, stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr
            )
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
        finally:
            if not isinstance(stdin, int):
                stdin.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()[-2000:]
            raise BenchmarkError(f"`{' '.join(argv)}` exited with {process.returncode}:\n{message}")
    # ru_maxrss is in KiB on Linux.
    return Run(seconds=elapsed, peak_rss_kib=usage.ru_maxrss)


@dataclass(frozen=True)
class Paired:
    """Median wall times of the project and its baseline, measured in the same rounds."""

    project_seconds: float
    baseline_seconds: float
    runs: int

    @property
    def ratio(self) -> float:
        return self.project_seconds / self.baseline_seconds


def interleaved(
    project: Callable[[], Run],
    baseline: Callable[[], Run],
    *,
    runs: int,
    warmup: bool,
) -> Paired:
    """Medians of ``runs`` rounds, each round one project run and one baseline run.

    The callables do any per-run setup themselves (a fresh database, a new value),
    outside the timed process. A warm-up round, not counted, fills the page cache and
    writes bytecode caches first.
    """
    if warmup:
        project()
        baseline()
    project_times: list[float] = []
    baseline_times: list[float] = []
    for round_number in range(runs):
        if round_number % 2 == 0:
            project_times.append(project().seconds)
            baseline_times.append(baseline().seconds)
        else:
            baseline_times.append(baseline().seconds)
            project_times.append(project().seconds)
    return Paired(
        project_seconds=statistics.median(project_times),
        baseline_seconds=statistics.median(baseline_times),
        runs=runs,
    )
