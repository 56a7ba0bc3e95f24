"""The building blocks of the trend rules: comparisons, lab groups, treatment lines, conditions.

Pure helpers used by ``tracker.trend.engine``; every rule cites docs/clinical-rules.md
("Rules the trend module implements").
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from tracker.catalogue.markers import (
    MARKERS,
    VALUE_CEILING,
    Marker,
    benign_cause_for,
    known_marker_names,
)
from tracker.errors import ValidationError
from tracker.trend.types import (
    MAX_FLARE_WINDOW_DAYS,
    EventPoint,
    ReadingPoint,
    TrendSettings,
)

# Values arrive as decimals typed by people (2.1 -> 2.6 with a 0.5 floor): a relative
# tolerance far below any lab's precision keeps binary rounding from deciding a comparison.
_RELATIVE_TOLERANCE = 1e-9
# The largest analytical CV the settings accept; assays in use are far below it.
MAX_ANALYTICAL_CV_PCT = 50.0

_SPACES = re.compile(r"\s+")

TREATMENT_KIND = "treatment"
CONDITION_KIND = "condition"


def validate_settings(settings: TrendSettings) -> None:
    """Refuse trend settings the rules cannot use, with a message a person understands."""
    window = settings.flare_window_days
    if (
        isinstance(window, bool)
        or not isinstance(window, int)
        or not 0 <= window <= MAX_FLARE_WINDOW_DAYS
    ):
        raise ValidationError(
            f"the flare window must be a whole number of days from 0 to "
            f"{MAX_FLARE_WINDOW_DAYS}; got {window!r}"
        )
    for code, cv_pct in settings.analytical_cv_pct.items():
        marker = _setting_marker(code, "analytical CV")
        if not _is_number(cv_pct) or not 0 <= cv_pct <= MAX_ANALYTICAL_CV_PCT:
            raise ValidationError(
                f"the analytical CV of {marker.name} must be a percentage from 0 to "
                f"{MAX_ANALYTICAL_CV_PCT:g}; got {cv_pct!r}"
            )
    for code, floor in settings.rise_floor.items():
        marker = _setting_marker(code, "rise floor")
        if not _is_number(floor) or not 0 <= floor <= VALUE_CEILING:
            raise ValidationError(
                f"the rise floor of {marker.name} must be a number from 0 to "
                f"{VALUE_CEILING:,.0f} {marker.unit}; got {floor!r}"
            )


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _setting_marker(code: str, what: str) -> Marker:
    marker = MARKERS.get(code)
    if marker is None:
        codes = ", ".join(MARKERS)
        raise ValidationError(
            f"the {what} is set for an unknown marker code {code!r}; use one of {codes} "
            f"({known_marker_names()})"
        )
    return marker


@dataclass(frozen=True)
class MarkerRules:
    """The thresholds of one marker under the user's settings.

    From docs/clinical-rules.md, "Thresholds".
    """

    marker: Marker
    # Exact threshold in %: max(25 %, log-normal RCV up) (Van Dalen 1996; Fokkema 2006).
    threshold_pct: float
    rcv_up_pct: float | None
    # Absolute floor in the canonical unit (a design choice: below it is assay noise).
    floor: float
    factor: float

    @classmethod
    def for_marker(cls, marker: Marker, settings: TrendSettings) -> MarkerRules:
        """The rules of ``marker`` with the settings' analytical CV and floor."""
        cv_pct = settings.analytical_cv_for(marker.code)
        threshold_pct = marker.rise_threshold_pct(cv_pct)
        return cls(
            marker=marker,
            threshold_pct=threshold_pct,
            rcv_up_pct=marker.rcv_up_pct(cv_pct),
            floor=settings.rise_floor.get(marker.code, marker.rise_floor),
            factor=1.0 + threshold_pct / 100.0,
        )

    def is_rise(self, new: ReadingPoint, base: ReadingPoint) -> bool:
        """``new`` is >= threshold and floor above ``base``, counting qualifiers conservatively.

        docs/clinical-rules.md "Qualified values": ``<x`` is at most x and ``>x`` at least x, so the
        rise must hold for the lowest ``new`` and the highest ``base`` can be; a ``<x``
        result can never be a rise, and nothing is certainly a rise over a ``>x`` result.
        """
        if new.qualifier == "<" or base.qualifier == ">":
            return False
        low_new = new.value
        high_base = base.value
        return (
            low_new > high_base
            and _reaches(low_new, high_base * self.factor)
            and _reaches(low_new, high_base + self.floor)
        )


def _reaches(value: float, target: float) -> bool:
    return value >= target - _RELATIVE_TOLERANCE * target


def is_increase(new: ReadingPoint, previous: ReadingPoint) -> bool:
    """``new`` is certainly higher than ``previous`` (for runs of rising readings)."""
    if new.qualifier == "<" or previous.qualifier == ">":
        return False
    return new.value > previous.value


def is_above(reading: ReadingPoint, upper_limit: float) -> bool:
    """Strictly above the limit: a ``>x`` result is above when x is at or over it."""
    if reading.qualifier == "<":
        return False
    if reading.qualifier == ">":
        return reading.value >= upper_limit
    return reading.value > upper_limit


def upper_limit_of(reading: ReadingPoint, marker: Marker) -> float:
    """The lab's own ``ref_high`` wins over the catalogue default (docs/clinical-rules.md)."""
    return marker.upper_limit if reading.ref_high is None else reading.ref_high


_QUALIFIER_RANK = {"<": 0, None: 1, ">": 2}


def is_lower(reading: ReadingPoint, than: ReadingPoint) -> bool:
    """Lower for the nadir: by value, and ``<x`` below a plain x below ``>x``."""
    if reading.value != than.value:
        return reading.value < than.value
    return _QUALIFIER_RANK.get(reading.qualifier, 1) < _QUALIFIER_RANK.get(than.qualifier, 1)


def change_pct(new: ReadingPoint, base: ReadingPoint) -> float | None:
    """Change from ``base`` to ``new`` in % of ``base``; None when ``base`` is 0.

    Also None when the ratio overflows (a base like 5e-324 typed by mistake): no
    percentage can be shown for it, and JSON has no infinity.
    """
    if base.value == 0:
        return None
    pct = (new.value - base.value) / base.value * 100.0
    return pct if math.isfinite(pct) else None


def lab_key(lab: str | None) -> str | None:
    """Lab names compare after trimming, collapsing spaces and ignoring case.

    The rule is docs/clinical-rules.md's.
    """
    if lab is None:
        return None
    cleaned = _SPACES.sub(" ", lab).strip()
    return cleaned.casefold() if cleaned else None


def lab_display(lab: str | None) -> str | None:
    """A lab name as shown: trimmed, inner spaces collapsed; None when not recorded."""
    if lab is None:
        return None
    cleaned = _SPACES.sub(" ", lab).strip()
    return cleaned or None


@dataclass(frozen=True)
class TreatmentStart:
    """The treatments (kind ``treatment``) started on one date: a new treatment line."""

    started_on: date
    names: tuple[str, ...]

    def describe(self) -> str:
        """The treatment names as one phrase, e.g. ``letrozole and palbociclib``."""
        if len(self.names) == 1:
            return self.names[0]
        return ", ".join(self.names[:-1]) + " and " + self.names[-1]


class TreatmentTimeline:
    """Treatment starts in date order; supportive care starts nothing (docs/clinical-rules.md)."""

    def __init__(self, events: list[EventPoint] | tuple[EventPoint, ...]) -> None:
        by_date: dict[date, list[str]] = {}
        for event in sorted(events, key=lambda e: (e.started_on, e.id)):
            if event.kind.strip().lower() == TREATMENT_KIND:
                names = by_date.setdefault(event.started_on, [])
                if event.name not in names:
                    names.append(event.name)
        self.starts = [TreatmentStart(day, tuple(names)) for day, names in by_date.items()]
        self._dates = [start.started_on for start in self.starts]

    def line_of(self, drawn_on: date) -> int:
        """Index of the line a draw belongs to: a draw on a start day is still the old line."""
        return bisect_left(self._dates, drawn_on)

    def latest_start_on_or_before(self, drawn_on: date) -> TreatmentStart | None:
        """The most recent treatment start on or before ``drawn_on`` (flare window, day 0)."""
        index = bisect_right(self._dates, drawn_on)
        return self.starts[index - 1] if index else None

    def start_of_line(self, line: int) -> TreatmentStart | None:
        """The treatment start that opened ``line`` (None for the line before any start)."""
        return self.starts[line - 1] if line > 0 else None

    @property
    def line_count(self) -> int:
        """Number of lines: one more than the number of start dates."""
        return len(self.starts) + 1


@dataclass(frozen=True)
class LoggedCondition:
    """A logged condition that can raise a marker, with the marker's wording of the cause."""

    name: str
    cause_label: str


def logged_conditions_for(
    marker: Marker, events: list[EventPoint] | tuple[EventPoint, ...]
) -> list[LoggedCondition]:
    """Condition events naming a benign cause of ``marker``, once each, in logged order."""
    found: list[LoggedCondition] = []
    seen: set[str] = set()
    for event in sorted(events, key=lambda e: (e.started_on, e.id)):
        if event.kind.strip().lower() != CONDITION_KIND or event.name in seen:
            continue
        cause = benign_cause_for(event.name)
        if cause is not None and marker.code in cause.labels:
            seen.add(event.name)
            found.append(LoggedCondition(event.name, cause.labels[marker.code]))
    return found
