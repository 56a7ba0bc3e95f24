"""Plain data that flows into and out of the trend engine and the reports.

No database and no I/O here: services build these from rows, ``tracker.trend`` turns them
into ``TrendResult``s, and ``tracker.reports`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType

from tracker.catalogue.markers import DEFAULT_ANALYTICAL_CV_PCT

_new_instance = object.__new__

# Flag kinds (the `trend --json` contract, docs/clinical-rules.md).
RISE = "rise"
RISE_FROM_NADIR = "rise_from_nadir"
STEADY_RISE = "steady_rise"
FURTHER_RISE = "further_rise"
RISE_AFTER_FLARE_WINDOW = "rise_after_flare_window"
ABOVE_REFERENCE = "above_reference"
POSSIBLE_FLARE = "possible_flare"
LAB_CHANGED = "lab_changed"
CHECK_ENTRY = "check_entry"
# Every kind that reports a rise (and so opens or continues an episode), in the
# precedence of rules 1-4 followed by the kinds raised inside an episode.
RISE_KINDS = (
    POSSIBLE_FLARE,
    RISE,
    STEADY_RISE,
    RISE_FROM_NADIR,
    FURTHER_RISE,
    RISE_AFTER_FLARE_WINDOW,
)

# Flag statuses.
CONFIRMED = "confirmed"
UNCONFIRMED = "unconfirmed"
NOT_CONFIRMED = "not_confirmed"
INFO = "info"

# Why an unconfirmed flag will not be decided by a later draw of its group (the flag's
# ``status_note``, the JSON flag's ``status_detail``; docs/clinical-rules.md "Statuses").
NOT_RECHECKED_BEFORE_TREATMENT_CHANGE = "not_rechecked_before_treatment_change"
NOT_RECHECKED_AT_THIS_LAB = "not_rechecked_at_this_lab"
STATUS_NOTES = (NOT_RECHECKED_BEFORE_TREATMENT_CHANGE, NOT_RECHECKED_AT_THIS_LAB)

# Flare window: day 1 through day 42 after a treatment start by default; the start day
# itself (day 0) holds the baseline (ASCO 2007: do not read rises in the first 4-6 weeks;
# Yasasever 1997, Kim 2009; docs/clinical-rules.md).
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

    @classmethod
    def stored(
        cls,
        id: int,
        marker: str,
        value: float,
        qualifier: str | None,
        drawn_on: date,
        lab: str | None,
        ref_high: float | None,
        note: str | None,
    ) -> ReadingPoint:
        """The point of a row read from the database, the same as ``ReadingPoint(...)``.

        The trend pass builds one per stored reading (``add`` reads the whole series). The
        frozen ``__init__`` writes each field through ``object.__setattr__``; filling the
        new instance's ``__dict__`` at once costs a third of that (about 0.4 against
        1.2 microseconds a point), and the point stays as frozen, equal and hashable.
        This needs the class to keep its ``__dict__`` (no ``slots=True``) and no
        ``__post_init__``; a new field must be added here too
        (tests/unit/test_trend_stream.py checks the parameters against the fields).
        """
        point = _new_instance(cls)
        point.__dict__.update(
            id=id,
            marker=marker,
            value=value,
            qualifier=qualifier,
            drawn_on=drawn_on,
            lab=lab,
            ref_high=ref_high,
            note=note,
        )
        return point


@dataclass(frozen=True)
class EventPoint:
    """A treatment, supportive care, condition, symptom… as logged."""

    id: int
    kind: str
    name: str
    started_on: date
    ended_on: date | None = None
    note: str | None = None


_READ_ONLY_EMPTY: Mapping[str, float] = MappingProxyType({})


@dataclass(frozen=True)
class TrendSettings:
    """The user-adjustable defaults of the trend rules (all documented in the README)."""

    flare_window_days: int = DEFAULT_FLARE_WINDOW_DAYS
    # Marker code -> analytical CV in %; markers not named use DEFAULT_ANALYTICAL_CV_PCT.
    analytical_cv_pct: Mapping[str, float] = field(default_factory=lambda: _READ_ONLY_EMPTY)
    # Marker code -> absolute rise floor in the canonical unit; default: the catalogue's.
    rise_floor: Mapping[str, float] = field(default_factory=lambda: _READ_ONLY_EMPTY)

    def __post_init__(self) -> None:
        # One settings object (the engine's defaults) is shared by every call, so its
        # mappings are read-only copies: no caller can change the rules of the next one.
        for name in ("analytical_cv_pct", "rise_floor"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))

    def analytical_cv_for(self, marker_code: str) -> float:
        return self.analytical_cv_pct.get(marker_code, DEFAULT_ANALYTICAL_CV_PCT)


@dataclass(frozen=True)
class ComparedReading:
    """The reading a flag compares with."""

    reading_id: int
    drawn_on: date
    value: float
    qualifier: str | None = None
    lab: str | None = None  # as written on that reading (trimmed)


@dataclass(frozen=True)
class Flag:
    """One observation about a reading, worded for discussion with the oncologist.

    The words are built only when ``message`` is first read: a long history raises many
    flags, and most callers (``review``, the JSON of one series, a chart) read few texts.
    For the same reason ``benign_causes`` is one list shared by a marker's flags: read it,
    never change it in place.
    """

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
    build_message: Callable[[], str] = field(compare=False, repr=False)
    benign_causes: list[str]
    logged_conditions: list[str]
    # A rise-type flag whose later value is at or below the upper limit in force (the lab's
    # own or the usual one): every brief form says it is still within the usual range.
    within_range: bool = False
    # One of STATUS_NOTES for an unconfirmed flag no later draw of its group can decide.
    status_note: str | None = None
    # A possible flare's treatment change: its first start and the flare window's last day.
    treatment_start: date | None = None
    flare_window_end: date | None = None
    # The marker's draw just before this one came from another lab: "the previous result"
    # then names this flag's lab (the comparison stays within it).
    previous_draw_elsewhere: bool = False
    # lab_changed on a return to a lab with history: that lab's latest earlier draw date.
    same_lab_before: date | None = None
    # The compared reading is the line's level before these treatments started ("eribulin"):
    # the headline names it so, as the full text does (docs/clinical-rules.md, "Wording").
    before_treatment: str | None = None

    @cached_property
    def message(self) -> str:
        """The full text of the flag, ending with "Discuss with your oncologist."."""
        return self.build_message()


@dataclass(frozen=True)
class RisingRun:
    """The latest run of consecutive increases ending at a series' latest draw."""

    increases: int
    since: date  # the date of the run's first reading
    change_pct: float
    in_flare_window: bool = False  # the run ends inside a treatment's flare window
    # The run starts at a "<x" value (or ends at ">x"): its change is a lower bound.
    at_least: bool = False
    # The run's first reading (its draw's highest) and its last (the latest draw's
    # lowest): a run from "<x" is worded in units from them (docs/clinical-rules.md,
    # "Rising run and doubling time").
    first: ReadingPoint | None = None
    last: ReadingPoint | None = None


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
    # The current treatment line as the engine sees it (starts grouped, same-name cycles
    # and supportive care left out): its first start and its treatments; None and () when
    # no treatment is logged (docs/clinical-rules.md, "Treatment lines").
    line_start: date | None = None
    line_treatments: tuple[str, ...] = ()
    # Every reading of the latest and of the nadir's draw (same day, same lab group), in
    # value order; one reading for most draws.
    latest_draw: tuple[ReadingPoint, ...] = ()
    nadir_draw: tuple[ReadingPoint, ...] = ()


@dataclass(frozen=True)
class TrendResult:
    """Series summaries and flags for one patient."""

    series: list[SeriesSummary]
    flags: list[Flag]
