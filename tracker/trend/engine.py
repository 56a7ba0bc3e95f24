"""The trend engine: readings and events in, series summaries and flags out.

Pure functions: no database, no I/O. The rules are docs/clinical-rules.md's "Rules the trend module
implements". Readings are grouped into series per (marker, lab) here; each series is then
read once, oldest first, by ``tracker.trend.series`` (linear in its length), and the
words of every flag come from ``tracker.trend.wording``.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from tracker.catalogue.markers import MARKERS, Marker, known_marker_names
from tracker.errors import ValidationError
from tracker.trend.json_document import trend_document
from tracker.trend.rules import (
    MarkerRules,
    TreatmentTimeline,
    lab_display,
    lab_key,
    logged_conditions_for,
    validate_settings,
)
from tracker.trend.series import SeriesReader, make_flag
from tracker.trend.types import (
    ABOVE_REFERENCE,
    INFO,
    LAB_CHANGED,
    RISE_KINDS,
    EventPoint,
    Flag,
    ReadingPoint,
    SeriesSummary,
    TrendResult,
    TrendSettings,
)
from tracker.trend.wording import (
    MarkerWording,
    lab_changed_message,
)

__all__ = ["analyse", "flags_for_reading", "trend_document", "validate_settings"]

# Flags of one reading are listed in this order: the lab context first, then the (single)
# rise-type flag, then the reference limit.
KIND_ORDER = {kind: index for index, kind in enumerate((LAB_CHANGED, *RISE_KINDS, ABOVE_REFERENCE))}
_MARKER_ORDER = {code: index for index, code in enumerate(MARKERS)}
# The documented defaults (flare window 42 days, CVA 5 %, the catalogue's floors).
DEFAULT_SETTINGS = TrendSettings()


def analyse(
    readings: Sequence[ReadingPoint],
    events: Sequence[EventPoint],
    settings: TrendSettings = DEFAULT_SETTINGS,
) -> TrendResult:
    """Series summaries and flags for all markers and labs of one patient's readings."""
    validate_settings(settings)
    timeline = TreatmentTimeline(tuple(events))
    by_marker: dict[str, list[ReadingPoint]] = {}
    # Two stable sorts give (drawn_on, id) order without a key tuple per reading.
    ordered = sorted(readings, key=attrgetter("id"))
    ordered.sort(key=attrgetter("drawn_on"))
    for reading in ordered:
        by_marker.setdefault(reading.marker, []).append(reading)

    series: list[SeriesSummary] = []
    flags: list[Flag] = []
    for code in sorted(by_marker, key=_marker_position):
        marker = _marker(code)
        rules = MarkerRules.for_marker(marker, settings)
        wording = MarkerWording(
            rules=rules,
            benign_causes=marker.benign_cause_labels(),
            logged=logged_conditions_for(marker, tuple(events)),
            flare_window_days=settings.flare_window_days,
        )
        groups: dict[str | None, list[ReadingPoint]] = {}
        for reading in by_marker[code]:
            groups.setdefault(lab_key(reading.lab), []).append(reading)
        labs = {key: lab_display(members[-1].lab) for key, members in groups.items()}
        flags.extend(_lab_changes(by_marker[code], labs, wording))
        for key in sorted(groups, key=lambda k: (k is not None, k or "")):
            reader = SeriesReader(groups[key], labs[key], wording, timeline)
            summary, group_flags = reader.read()
            series.append(summary)
            flags.extend(group_flags)
    flags.sort(key=lambda f: (f.drawn_on, f.reading_id, KIND_ORDER[f.kind]))
    return TrendResult(series=series, flags=flags)


def flags_for_reading(result: TrendResult, reading_id: int) -> list[Flag]:
    """The flags raised on one reading (e.g. to print after ``tracker add``)."""
    return [flag for flag in result.flags if flag.reading_id == reading_id]


def _marker_position(code: str) -> int:
    return _MARKER_ORDER.get(code, len(_MARKER_ORDER))


def _marker(code: str) -> Marker:
    marker = MARKERS.get(code)
    if marker is None:
        raise ValidationError(
            f"unknown marker code {code!r} in the readings; known markers: {known_marker_names()}"
        )
    return marker


def _lab_changes(
    readings: list[ReadingPoint], labs: dict[str | None, str | None], wording: MarkerWording
) -> list[Flag]:
    """``lab_changed`` (info) on each switch of lab group between consecutive readings."""
    flags: list[Flag] = []
    latest_by_lab: dict[str | None, ReadingPoint] = {}
    previous: ReadingPoint | None = None
    for reading in readings:
        key = lab_key(reading.lab)
        if previous is not None and lab_key(previous.lab) != key:
            # The message names each reading's lab as it was written on that reading.
            message = lab_changed_message(
                reading,
                previous,
                lab_display(reading.lab),
                lab_display(previous.lab),
                latest_by_lab.get(key),
                wording,
            )
            flags.append(
                make_flag(
                    reading, labs[key], LAB_CHANGED, INFO, None, wording, message, causes=False
                )
            )
        latest_by_lab[key] = reading
        previous = reading
    return flags
