"""The trend engine: readings and events in, series summaries and flags out.

Pure functions: no database, no I/O. The rules are in docs/clinical-rules.md ("Rules the
trend module implements", version 2). Readings are grouped into series per (marker, lab
group) here; each series is then read once, draw by draw, by ``tracker.trend.series``
(linear in its length), and the words of every flag come from ``tracker.trend.wording``,
built only when a flag's message is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from operator import attrgetter

from tracker.catalogue.lab_names import lab_display, lab_key
from tracker.catalogue.markers import MARKERS, Marker, known_marker_names
from tracker.errors import ValidationError
from tracker.trend.draws import rank
from tracker.trend.flags import make_flag
from tracker.trend.info_wording import lab_changed_message
from tracker.trend.json_document import trend_document
from tracker.trend.lines import TreatmentTimeline
from tracker.trend.phrases import MarkerWording
from tracker.trend.rules import MarkerRules, validate_settings
from tracker.trend.series import SeriesReader
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
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

__all__ = ["analyse", "flags_for_reading", "trend_document", "validate_settings"]

# Flags of one reading are listed in this order: the lab context first, then the (single)
# rise-type flag, then the reference limit.
KIND_ORDER = {
    kind: index
    for index, kind in enumerate((LAB_CHANGED, CHECK_ENTRY, *RISE_KINDS, ABOVE_REFERENCE))
}
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
    timeline = TreatmentTimeline(tuple(events), settings.flare_window_days)
    event_points = tuple(events)
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
            flare_window_days=settings.flare_window_days,
        )
        readings_of_marker = by_marker[code]
        groups: dict[str | None, list[ReadingPoint]] = {}
        for reading in readings_of_marker:
            groups.setdefault(lab_key(reading.lab), []).append(reading)
        labs = {key: _group_lab(members) for key, members in groups.items()}
        flags.extend(_lab_changes(readings_of_marker, labs, wording))
        latest_day = readings_of_marker[-1].drawn_on
        for key in _groups_latest_first(groups):
            reader = SeriesReader(
                groups[key],
                labs[key],
                wording,
                timeline,
                event_points,
                marker_latest_draw_is_elsewhere=groups[key][-1].drawn_on < latest_day,
                several_groups=len(groups) > 1,
                other_group_days=sorted(
                    reading.drawn_on
                    for other, members in groups.items()
                    if other != key
                    for reading in members
                ),
            )
            summary, group_flags = reader.read()
            series.append(summary)
            flags.extend(group_flags)
    flags.sort(key=lambda f: (f.drawn_on, f.reading_id, KIND_ORDER[f.kind]))
    return TrendResult(series=series, flags=flags)


def _groups_latest_first(groups: dict[str | None, list[ReadingPoint]]) -> list[str | None]:
    """The group of the marker's latest reading first, then by latest date, then by name."""
    by_name = sorted(groups, key=lambda k: (k is None, k or ""))
    return sorted(by_name, key=lambda k: groups[k][-1].drawn_on, reverse=True)


def _group_lab(members: list[ReadingPoint]) -> str | None:
    """The group's lab as written on its latest date; spellings of one day in name order,
    so the order readings were entered in never changes a flag."""
    latest_day = members[-1].drawn_on
    spellings = sorted({r.lab for r in members if r.drawn_on == latest_day and r.lab})
    return lab_display(spellings[0] if spellings else members[-1].lab)


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
    """``lab_changed`` (info) on a group's first reading of a date when the marker's
    previous draw date had no reading from that group (two labs drawn on the same days
    raise it once)."""
    flags: list[Flag] = []
    latest_by_lab: dict[str | None, ReadingPoint] = {}
    days: dict[date, list[ReadingPoint]] = {}
    for reading in readings:
        days.setdefault(reading.drawn_on, []).append(reading)
    previous_groups: set[str | None] = set()
    previous_draw: ReadingPoint | None = None  # the previous date's highest reading
    for members in days.values():
        by_group: dict[str | None, list[ReadingPoint]] = {}
        for reading in members:
            by_group.setdefault(lab_key(reading.lab), []).append(reading)
        for key, group in by_group.items():
            if previous_draw is None or key in previous_groups:
                continue
            # Carried, like a rise, by the draw's lowest reading: entry order decides nothing.
            reading = group[0] if len(group) == 1 else min(group, key=rank)
            message = partial(
                lab_changed_message,
                reading,
                previous_draw,
                lab_display(reading.lab),
                lab_display(previous_draw.lab),
                latest_by_lab.get(key),
                wording,
            )
            flag = make_flag(
                reading, labs[key], LAB_CHANGED, INFO, None, wording, message, causes=False
            )
            earlier = latest_by_lab.get(key)
            if earlier is not None:
                flag = replace(flag, same_lab_before=earlier.drawn_on)
            flags.append(flag)
        for key, group in by_group.items():
            latest_by_lab[key] = group[0] if len(group) == 1 else max(group, key=rank)
        previous_groups = set(by_group)
        previous_draw = members[0] if len(members) == 1 else max(members, key=rank)
    return flags
