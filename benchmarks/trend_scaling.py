"""How the trend engine scales: time per reading for one long CEA series.

``tracker.trend.engine`` reads each series once with running state, so the time per reading
must stay flat as a series grows: the goal is a ratio of at most 1.5 between 100,000 and
1,000 readings, both measured in the same run (a ratio, never an absolute time).
"""

from __future__ import annotations

import gc
import math
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from tracker.trend.engine import analyse
from tracker.trend.types import EventPoint, ReadingPoint

# The series ends here and goes back one day per reading (the engine itself does not
# check dates, so very long series may reach back before 1900).
SERIES_END = date(2026, 1, 1)
RATIO_GOAL = 1.5
SMALL_SERIES = 1_000
LARGE_SERIES = 100_000


def cea_series(n: int, seed: int = 2039) -> list[ReadingPoint]:
    """``n`` CEA readings on distinct dates: a slowly drifting level with ~10 % noise."""
    rng = random.Random(seed)
    readings = []
    for index in range(n):
        level = 3.0 + 1.5 * math.sin(index / 40.0)
        value = round(level * math.exp(rng.gauss(0.0, 0.1)), 1)
        qualifier = "<" if value < 1.6 else None
        drawn_on = SERIES_END - timedelta(days=n - index)
        readings.append(
            ReadingPoint(
                id=index + 1,
                marker="CEA",
                value=1.5 if qualifier else value,
                qualifier=qualifier,
                drawn_on=drawn_on,
                lab="City Lab",
            )
        )
    return readings


def _events(readings: list[ReadingPoint]) -> list[EventPoint]:
    """A fixed handful of events, so the work per reading does not depend on them."""
    last = readings[-1].drawn_on
    return [
        EventPoint(1, "treatment", "letrozole", last - timedelta(days=400)),
        EventPoint(2, "supportive", "zoledronate", last - timedelta(days=300)),
        EventPoint(3, "treatment", "capecitabine", last - timedelta(days=120)),
        EventPoint(4, "condition", "smoking", last - timedelta(days=1000)),
    ]


def measure(
    n: int, repeats: int = 5, series: Callable[[int], list[ReadingPoint]] | None = None
) -> float:
    """Seconds per reading to analyse ``n`` readings (best of ``repeats``): one CEA series,
    or what ``series(n)`` builds (benchmarks/data.py's flag-heavy patient).

    Each run starts from a collected heap, so that garbage left by the previous run (or by
    building the series) is not charged to the next one.
    """
    readings = (series or cea_series)(n)
    events = _events(readings)
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        analyse(readings, events)
        best = min(best, time.perf_counter() - started)
    return best / n


def main() -> None:
    """Print the time per reading at 1k and 100k readings and their ratio."""
    small = measure(SMALL_SERIES, repeats=50)
    large = measure(LARGE_SERIES)
    ratio = large / small
    print(f"{SMALL_SERIES:>7,} readings: {small * 1e6:8.2f} µs per reading")
    print(f"{LARGE_SERIES:>7,} readings: {large * 1e6:8.2f} µs per reading")
    verdict = "ok" if ratio <= RATIO_GOAL else "too slow"
    print(f"ratio {ratio:.2f} (goal <= {RATIO_GOAL}): {verdict}")


if __name__ == "__main__":
    main()
