"""Cases judged by how cost grows with size (no baseline process): the trend engine's time
per reading, on one long CEA series ("benchmark") and on one patient of the flag-heavy
shape (four markers × three labs taking turns, most readings flagged)."""

from __future__ import annotations

import statistics

from benchmarks.bench import Bench, Row

TREND_GOAL = 1.2
# Best-of repeats inside one measurement, as trend_scaling.main uses them: a 1k series
# takes milliseconds, so it needs many to rise above timer noise; a 100k series fewer.
SMALL_REPEATS = 20
LARGE_REPEATS = 3


def micro_seconds(value: float) -> str:
    return f"{value * 1e6:.2f} µs/reading"


def trend_case(bench: Bench, shape: str = "benchmark") -> Row:
    """``tracker.trend.engine.analyse``: time per reading of one long series against a short one.

    Uses benchmarks/trend_scaling.py (the trend engine's own benchmark); small and large
    measurements alternate so drift affects both, and the median of the rounds counts.
    """
    from benchmarks.data import flag_heavy_points
    from benchmarks.trend_scaling import measure

    series = flag_heavy_points if shape == "flag-heavy" else None
    small_n, large_n = bench.sizes.trend_small, bench.sizes.trend_large
    rounds = max(1, bench.heavy_runs)
    small: list[float] = []
    large: list[float] = []
    for _ in range(rounds):
        small.append(measure(small_n, 1 if bench.runs == 1 else SMALL_REPEATS, series))
        large.append(measure(large_n, 1 if bench.runs == 1 else LARGE_REPEATS, series))
    per_small, per_large = statistics.median(small), statistics.median(large)
    return Row(
        case=f"trend, time per reading, {large_n:,} vs {small_n:,} readings, {shape}",
        backend="—",
        project=micro_seconds(per_large),
        baseline=micro_seconds(per_small),
        ratio=per_large / per_small,
        goal=TREND_GOAL,
    )
