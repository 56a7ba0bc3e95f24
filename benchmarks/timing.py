"""Timing whole processes: wall time and peak memory of one command, medians of several.

A user waits for the whole process, interpreter start-up and imports included, so every
case runs a real subprocess. Project and baseline runs alternate (and swap their order
every round) so that drift in the machine's speed during a run hits both alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


class BenchmarkError(RuntimeError):
    """A measured command failed: the benchmark would be timing an error path."""


@dataclass(frozen=True)
class Run:
    """One finished process: its wall time."""

    seconds: float


def run_process(
    argv: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
) -> Run:
    """Run ``argv`` to completion and time it; a non-zero exit raises BenchmarkError.

    Output goes to /dev/null, stderr to a file that is shown only if the command fails.
    """
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        # os.wait4 rather than process.wait(): no polling loop between exit and timing.
        _, status, _ = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()[-2000:]
            raise BenchmarkError(f"`{' '.join(argv)}` exited with {process.returncode}:\n{message}")
    return Run(seconds=elapsed)


# Runs ARGV as its own child and writes that child's peak memory (KiB, from os.wait4:
# exactly this child, unlike RUSAGE_CHILDREN) to the file named first. Linux carries a
# process's peak over exec, so a child of the harness would start from the harness's
# own peak (large after the trend case); a child of this small launcher reports its own.
_PEAK_LAUNCHER = """
import os, sys
report, argv = sys.argv[1], sys.argv[2:]
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as handle:
    handle.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_memory_kib(argv: Sequence[str], *, env: dict[str, str], cwd: Path) -> int:
    """The peak resident memory of ``argv``, measured from a small launcher process."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        launcher = [sys.executable, "-S", "-c", _PEAK_LAUNCHER, str(report), *argv]
        run_process(launcher, env=env, cwd=cwd)
        return int(report.read_text())


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
