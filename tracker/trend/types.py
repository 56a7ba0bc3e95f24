"""Plain data that flows into and out of the trend engine and the reports.

No database and no I/O here: services build these from rows, ``tracker.trend.engine`` turns them
into ``TrendResult``s, and ``tracker.reports`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.catalogue.markers import DEFAULT_ANALYTICAL_CV_PCT

# Flag kinds (docs/design.md, "trend --json").
RISE = "rise"
RISE_FROM_NADIR = "rise_from_nadir"
STEADY_RISE = "steady_rise"
ABOVE_REFERENCE = "above_reference"
POSSIBLE_FLARE = "possible_flare"
LAB_CHANGED = "lab_changed"
RISE_KINDS = (POSSIBLE_FLARE, RISE, STEADY_RISE, RISE_FROM_NADIR)

# Flag statuses.
CONFIRMED = "confirmed"
UNCONFIRMED = "unconfirmed"
NOT_CONFIRMED = "not_confirmed"
INFO = "info"

# Flare window: day 0 (the treatment start) through day 42 inclusive by default
# (ASCO 2007: do not read rises in the first 4-6 weeks; Yasasever 1997, Kim 2009).
DEFAULT_FLARE_WINDOW_DAYS = 42
MAX_FLARE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class ReadingPoint:
    """One stored reading, in the marker's canonical unit."""

    id: int
    marker: str  # catalogue code, e.g. "CEA", "CA15-3"
    value: float
    qualifier: str | None  # None, "<" or ">"
    drawn_on: date
    lab: str | None
    ref_high: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class EventPoint:
    """A treatment, supportive care, condition, symptom… as logged."""

    id: int
    kind: str
    name: str
    started_on: date
    ended_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class TrendSettings:
    """The user-adjustable defaults of the trend rules (all documented in the README)."""

    flare_window_days: int = DEFAULT_FLARE_WINDOW_DAYS
    # Marker code -> analytical CV in %; markers not named use DEFAULT_ANALYTICAL_CV_PCT.
    analytical_cv_pct: dict[str, float] = field(default_factory=dict)
    # Marker code -> absolute rise floor in the canonical unit; default: the catalogue's.
    rise_floor: dict[str, float] = field(default_factory=dict)

    def analytical_cv_for(self, marker_code: str) -> float:
        return self.analytical_cv_pct.get(marker_code, DEFAULT_ANALYTICAL_CV_PCT)


@dataclass(frozen=True)
class ComparedReading:
    """The reading a flag compares with."""

    reading_id: int
    drawn_on: date
    value: float
    qualifier: str | None = None


@dataclass(frozen=True)
class Flag:
    """One observation about a reading, worded for discussion with the oncologist."""

    reading_id: int
    marker: str  # catalogue code
    lab: str | None
    kind: str
    status: str
    drawn_on: date
    value: float
    qualifier: str | None
    unit: str
    compared_to: ComparedReading | None
    change_pct: float | None
    threshold_pct: float | None
    message: str
    benign_causes: list[str]
    logged_conditions: list[str]


@dataclass(frozen=True)
class RisingRun:
    """The latest run of consecutive increases ending at a series' latest draw."""

    increases: int
    since: date  # the date of the run's first reading
    change_pct: float
    in_flare_window: bool = False  # the run ends inside a treatment's flare window


@dataclass(frozen=True)
class SeriesSummary:
    """The state of one (marker, lab) series."""

    marker: str  # catalogue code
    lab: str | None
    unit: str
    count: int
    latest: ReadingPoint
    nadir: ReadingPoint
    upper_limit: float
    threshold_pct: float
    doubling_time_days: float | None
    rising_run: RisingRun | None = None


@dataclass(frozen=True)
class TrendResult:
    """Series summaries and flags for one patient."""

    series: list[SeriesSummary]
    flags: list[Flag]
