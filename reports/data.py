"""The plain data a report is drawn from, and the views the pages need.

A service builds a ``ReportInput`` from the database and the trend engine; everything
under ``tracker.reports`` reads only this, so a report can be drawn (and tested) without
a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.catalogue.event_kinds import CONDITION, SUPPORTIVE, TREATMENT
from tracker.catalogue.lab_names import lab_display, lab_key
from tracker.catalogue.markers import MARKERS, Marker
from tracker.trend.types import (
    DEFAULT_FLARE_WINDOW_DAYS,
    EventPoint,
    Flag,
    ReadingPoint,
    SeriesSummary,
    TrendResult,
    TrendSettings,
)

NO_LAB = "lab not recorded"


def lab_label(lab: str | None) -> str:
    """A lab name for display, or a note that none was recorded."""
    return lab_display(lab) or NO_LAB


@dataclass(frozen=True)
class LabGroup:
    """The readings of one marker from one lab, oldest first."""

    key: str | None  # tracker.catalogue.lab_names.lab_key: None when no lab was recorded
    label: str
    readings: list[ReadingPoint]


@dataclass(frozen=True)
class ReportInput:
    """Everything one report shows, as plain data.

    ``readings`` and ``events`` may reach further back than ``since``: the trend was
    computed on the whole history (a nadir can predate the period shown), and the pages
    show only what was drawn or happened on or after ``since``.
    """

    patient: str
    generated_on: date
    readings: list[ReadingPoint]
    events: list[EventPoint]
    trend: TrendResult
    born: date | None = None
    since: date | None = None
    # Catalogue codes chosen with --marker; empty means every marker with readings.
    markers: tuple[str, ...] = ()
    # The flare window the trend used, quoted on the caveats page.
    flare_window_days: int = DEFAULT_FLARE_WINDOW_DAYS
    # The trend settings in force (the user's, not the defaults), quoted on the caveats page.
    settings: TrendSettings = field(default_factory=TrendSettings)
    _by_id: dict[int, ReadingPoint] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {reading.id: reading for reading in self.readings})

    def _visible(self, day: date) -> bool:
        return self.since is None or day >= self.since

    def shown_markers(self) -> list[Marker]:
        """The markers the report shows, in catalogue order: chosen ones with readings."""
        present = {reading.marker for reading in self.readings if self._visible(reading.drawn_on)}
        chosen = set(self.markers) if self.markers else present
        return [marker for code, marker in MARKERS.items() if code in present & chosen]

    def readings_for(self, marker_code: str) -> list[ReadingPoint]:
        """The marker's readings in the period shown, oldest first (same day: by entry)."""
        rows = [
            reading
            for reading in self.readings
            if reading.marker == marker_code and self._visible(reading.drawn_on)
        ]
        return sorted(rows, key=lambda reading: (reading.drawn_on, reading.id))

    def lab_groups(self, marker_code: str) -> list[LabGroup]:
        """The marker's readings split by lab, in the order the labs first appear."""
        groups: dict[str | None, list[ReadingPoint]] = {}
        for reading in self.readings_for(marker_code):
            groups.setdefault(lab_key(reading.lab), []).append(reading)
        return [LabGroup(key, lab_label(rows[0].lab), rows) for key, rows in groups.items()]

    def flags_for(self, marker_code: str) -> list[Flag]:
        """The marker's flags on readings in the period shown, oldest first."""
        flags = [
            flag
            for flag in self.trend.flags
            if flag.marker == marker_code and self._visible(flag.drawn_on)
        ]
        return sorted(flags, key=lambda flag: (flag.drawn_on, flag.reading_id))

    def flags_shown(self) -> list[Flag]:
        """Every flag of the markers shown, newest first (what matters now comes first)."""
        flags = [flag for marker in self.shown_markers() for flag in self.flags_for(marker.code)]
        return sorted(flags, key=lambda flag: (flag.drawn_on, flag.reading_id), reverse=True)

    def series_for(self, marker_code: str) -> list[SeriesSummary]:
        """The marker's series summaries, the one with the latest reading first."""
        series = [summary for summary in self.trend.series if summary.marker == marker_code]
        return sorted(
            series,
            key=lambda summary: (summary.latest.drawn_on, summary.latest.id),
            reverse=True,
        )

    def reading(self, reading_id: int) -> ReadingPoint | None:
        """The reading with this id, if the input holds it."""
        return self._by_id.get(reading_id)

    def upper_limit_for(self, reading: ReadingPoint) -> float:
        """The upper reference limit that applies to a reading (the lab's own wins)."""
        if reading.ref_high is not None:
            return reading.ref_high
        for summary in self.trend.series:
            if summary.marker == reading.marker and lab_key(summary.lab) == lab_key(reading.lab):
                return summary.upper_limit
        return MARKERS[reading.marker].upper_limit

    def period(self) -> tuple[date, date]:
        """The first and last draw dates shown (``since`` counts as the start)."""
        days = [
            reading.drawn_on
            for marker in self.shown_markers()
            for reading in self.readings_for(marker.code)
        ]
        if not days:
            raise ValueError("a report needs at least one reading")
        start = min(days) if self.since is None else min(self.since, min(days))
        return start, max(days)

    def events_shown(self) -> list[EventPoint]:
        """Events that overlap the period shown, by start date."""
        start, _ = self.period()
        shown = [
            event
            for event in self.events
            if (event.ended_on or event.started_on) >= start
            or (event.ended_on is None and event.kind in ONGOING_KINDS)
        ]
        return sorted(shown, key=lambda event: (event.started_on, event.id))

    def logged_conditions(self) -> list[str]:
        """Names of the conditions logged for this person, as logged."""
        names = [event.name for event in self.events if event.kind == CONDITION]
        return list(dict.fromkeys(names))

    def texts(self) -> list[str]:
        """Every piece of user-entered text the report may print (for font selection)."""
        texts = [self.patient]
        texts += [reading.lab or "" for reading in self.readings]
        texts += [reading.note or "" for reading in self.readings]
        texts += [event.name for event in self.events]
        texts += [event.note or "" for event in self.events]
        texts += [flag.message for flag in self.trend.flags]
        texts += [name for flag in self.trend.flags for name in flag.logged_conditions]
        return texts


# Kinds whose open-ended events last until today (a treatment still being taken); an
# open-ended symptom or scan is a single day.
ONGOING_KINDS = (TREATMENT, SUPPORTIVE, CONDITION)
