"""The building blocks of the trend rules: thresholds, comparisons and lab groups.

Pure helpers used by ``tracker.trend``; every rule is explained in docs/clinical-rules.md.
Treatment lines are in ``tracker.trend.treatment_lines``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.catalogue.markers import MARKERS, VALUE_CEILING, Marker, known_marker_names
from tracker.errors import ValidationError
from tracker.trend.conditions import LoggedCondition
from tracker.trend.types import (
    MAX_FLARE_WINDOW_DAYS,
    ReadingPoint,
    TrendSettings,
)

__all__ = [
    "LoggedCondition",
    "MarkerRules",
    "change_pct",
    "is_above",
    "is_increase",
    "is_lower",
    "upper_limit_of",
    "validate_settings",
]

# Values arrive as decimals typed by people (2.1 -> 2.6 with a 0.5 floor): a relative
# tolerance far below any lab's precision keeps binary rounding from deciding a comparison.
_RELATIVE_TOLERANCE = 1e-9
# The largest analytical CV the settings accept; assays in use are far below it.
MAX_ANALYTICAL_CV_PCT = 50.0


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

    docs/clinical-rules.md, "Thresholds".
    """

    marker: Marker
    # Exact threshold in %: max(25 %, log-normal RCV up) (Van Dalen 1996; Fokkema 2006);
    # CA 125: a named 50 % (the catalogue's ``named_threshold_pct``).
    threshold_pct: float
    # The usual test-to-test variation up (RCV), None where no figure is settled.
    rcv_up_pct: float | None
    # The usual fall (RCV down, negative %): a flare still settling falls by more.
    rcv_down_pct: float
    # Absolute floor in the canonical unit (a design choice: below it is assay noise).
    floor: float
    factor: float

    @classmethod
    def for_marker(cls, marker: Marker, settings: TrendSettings) -> MarkerRules:
        """The rules of ``marker`` with the settings' analytical CV and floor."""
        cv_pct = settings.analytical_cv_for(marker.code)
        threshold_pct = marker.rise_threshold_pct(cv_pct)
        down = marker.rcv_down_pct(cv_pct)
        if down is None:
            # No settled variation (CA 125): the usual fall is the inverse of the named
            # threshold (50 % up -> -33.3 %), docs/clinical-rules.md "Flares".
            down = (1.0 / (1.0 + threshold_pct / 100.0) - 1.0) * 100.0
        return cls(
            marker=marker,
            threshold_pct=threshold_pct,
            rcv_up_pct=marker.rcv_up_pct(cv_pct),
            rcv_down_pct=down,
            floor=settings.rise_floor.get(marker.code, marker.rise_floor),
            factor=1.0 + threshold_pct / 100.0,
        )

    @property
    def replicate_spread_pct(self) -> float:
        """How far two results of one draw may differ before ``check_entry``: the RCV up
        (CA 125, which has no settled RCV: its named 50 %)."""
        return self.threshold_pct if self.rcv_up_pct is None else self.rcv_up_pct

    def is_rise(self, new: ReadingPoint, base: ReadingPoint) -> bool:
        """``new`` is >= threshold and floor above ``base``, counting qualifiers conservatively.

        docs/clinical-rules.md "Qualified values": ``<x`` is at most x and ``>x`` at least
        x. A ``<x`` result can never be the later value of a rise; a ``>x`` result is never
        the earlier one (nothing can be measured over it). A rise from ``<x`` uses the same
        two tests as a rise from x. Each test is ``>=`` on its own, against exact numbers.
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
    """The lab's own ``ref_high`` wins over the catalogue default."""
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
