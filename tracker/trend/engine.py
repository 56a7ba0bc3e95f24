"""The trend engine: readings and events in, series summaries and flags out.

Pure functions: no database, no I/O. The rules are in docs/clinical-rules.md (rules
version 2). A marker's readings are read once, oldest first, a day at a time
(``MarkerPass``): each lab group's draws go to its ``tracker.trend.series`` reader,
which keeps only running state and hands each flag on as soon as it is finished, so the
memory does not grow with the history (docs/design.md, "Data flow"). What must be known
before the readings are read (each lab group's lab and latest date) is given by
``lab_groups``, from the readings themselves or from a grouped database query. The words
of every flag come from ``tracker.trend.wording``, built only when a flag's message is
read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import attrgetter

from tracker.catalogue.lab_names import lab_display, lab_key
from tracker.catalogue.markers import MARKERS, Marker, known_marker_names
from tracker.errors import ValidationError
from tracker.trend.draws import Draw, rank
from tracker.trend.flags import make_flag
from tracker.trend.info_wording import lab_changed_message
from tracker.trend.json_document import trend_document
from tracker.trend.phrases import MarkerWording
from tracker.trend.rules import MarkerRules, validate_settings
from tracker.trend.series import KIND_ORDER, FlagSink, SeriesReader
from tracker.trend.treatment_lines import TreatmentTimeline
from tracker.trend.types import (
    INFO,
    LAB_CHANGED,
    EventPoint,
    Flag,
    ReadingPoint,
    SeriesSummary,
    TrendResult,
    TrendSettings,
)

__all__ = [
    "LabGroup",
    "MarkerPass",
    "analyse",
    "flag_order",
    "flags_for_reading",
    "lab_groups",
    "trend_document",
    "validate_settings",
]

_MARKER_ORDER = {code: index for index, code in enumerate(MARKERS)}
# The documented defaults (flare window 42 days, CVA 5 %, the catalogue's floors).
DEFAULT_SETTINGS = TrendSettings()


@dataclass(frozen=True)
class LabGroup:
    """One lab group of a marker as known before its readings are read."""

    key: str | None  # ``lab_key`` of its readings' labs
    lab: str | None  # as shown: the group's lab as written on its latest date
    latest_day: date


def lab_groups(labs: Iterable[tuple[str | None, date]]) -> list[LabGroup]:
    """A marker's lab groups from each lab spelling and the latest date it was written on,
    the group of the marker's latest reading first, then by latest date, then by name.

    A group's lab is shown as written on its latest date; spellings of one day are taken
    in name order, so the order readings were entered in never changes a flag.
    """
    latest: dict[str | None, date] = {}
    written: dict[str | None, set[str]] = {}  # each group's spellings of its latest date
    for lab, day in labs:
        key = lab_key(lab)
        known = latest.get(key)
        if known is None or known < day:
            latest[key] = day
            written[key] = set()
        if lab is not None and key is not None and latest[key] == day:
            written[key].add(lab)
    groups = []
    for key, day in latest.items():
        spellings = sorted(written[key])
        groups.append(LabGroup(key, lab_display(spellings[0]) if spellings else None, day))
    groups.sort(key=lambda group: (group.key is None, group.key or ""))
    groups.sort(key=attrgetter("latest_day"), reverse=True)
    return groups


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
        members = by_marker[code]
        groups = lab_groups((reading.lab, reading.drawn_on) for reading in members)
        marker_pass = MarkerPass(code, groups, timeline, event_points, settings, flags.append)
        series.extend(marker_pass.read(members))
    flags.sort(key=flag_order)
    return TrendResult(series=series, flags=flags)


def flag_order(flag: Flag) -> tuple[date, int, int]:
    """The order of a patient's flags: by date, by reading, then as on one reading."""
    return flag.drawn_on, flag.reading_id, KIND_ORDER[flag.kind]


class MarkerPass:
    """One marker's readings read once, oldest first, a day at a time, by every lab group.

    Memory stays that of the running state (the groups' readers, the lab context of the
    previous day), whatever the length of the history: flags go to ``sink`` as they are
    finished, each group's in series order.
    """

    def __init__(
        self,
        code: str,
        groups: Sequence[LabGroup],
        timeline: TreatmentTimeline,
        events: Sequence[EventPoint],
        settings: TrendSettings,
        sink: FlagSink,
        *,
        keep: Callable[[int], bool] | None = None,
    ) -> None:
        """``keep``: the ids of the readings whose flags are wanted (default: every one);
        no other flag is built (``add`` and ``import`` show those of one reading)."""
        marker = _marker(code)
        rules = MarkerRules.for_marker(marker, settings)
        self.wording = MarkerWording(
            rules=rules,
            benign_causes=marker.benign_cause_labels(),
            flare_window_days=settings.flare_window_days,
        )
        self.groups = list(groups)
        self.labs = {group.key: group.lab for group in groups}
        self.timeline = timeline
        self.events = events
        self.sink = sink
        self.keep = keep
        self.latest_day = max((group.latest_day for group in groups), default=None)
        self.readers = {group.key: self._reader(group) for group in self.groups}
        self.keys: dict[str | None, str | None] = {}  # lab as written -> its group
        # The lab context: each group's latest draw and day, the previous day's groups,
        # and the previous day's highest reading.
        self.latest_by_lab: dict[str | None, ReadingPoint] = {}
        self.day_of_group: dict[str | None, date] = {}
        self.previous_groups: set[str | None] = set()
        self.previous_draw: ReadingPoint | None = None

    def read(self, readings: Iterable[ReadingPoint]) -> list[SeriesSummary]:
        """Read ``readings`` (this marker's, in (date, id) order); the series summaries,
        the group of the marker's latest reading first."""
        members: list[ReadingPoint] = []
        for reading in readings:
            if members and members[0].drawn_on != reading.drawn_on:
                self.day(members)
                members = []
            members.append(reading)
        if members:
            self.day(members)
        return self.finish()

    def day(self, members: list[ReadingPoint]) -> None:
        """The marker's readings of one date, later than every date read so far."""
        if len(members) == 1:
            self._one_reading_day(members[0])
        else:
            self._several_readings_day(members)

    def _several_readings_day(self, members: list[ReadingPoint]) -> None:
        """``day`` for a date with several readings (replicates, or labs of one day)."""
        by_group: dict[str | None, list[ReadingPoint]] = {}
        keys = self.keys
        for reading in members:
            lab = reading.lab
            key = keys[lab] if lab in keys else keys.setdefault(lab, lab_key(lab))
            by_group.setdefault(key, []).append(reading)
        day = members[0].drawn_on
        readers = self.readers
        for key, group in by_group.items():
            reader = readers.get(key)
            if reader is None:
                reader = self._unexpected_group(key, group[0], day)
            reader.feed(Draw.of(group), self._lab_changed(key, group))
        for key, group in by_group.items():
            self.latest_by_lab[key] = group[0] if len(group) == 1 else max(group, key=rank)
            self.day_of_group[key] = day
        self.previous_groups = set(by_group)
        self.previous_draw = members[0] if len(members) == 1 else max(members, key=rank)

    def _one_reading_day(self, reading: ReadingPoint) -> None:
        """``day`` for a date with a single reading (most dates of most histories), without
        the per-group lists: the same state and flags (tests/unit/test_trend_stream.py
        compares the two) for about a third less time."""
        lab = reading.lab
        keys = self.keys
        key = keys[lab] if lab in keys else keys.setdefault(lab, lab_key(lab))
        reader = self.readers.get(key)
        if reader is None:
            reader = self._unexpected_group(key, reading, reading.drawn_on)
        lab_changed = None if key in self.previous_groups else self._lab_changed(key, [reading])
        reader.feed(Draw.single(reading), lab_changed)
        self.latest_by_lab[key] = reading
        self.day_of_group[key] = reading.drawn_on
        # A run of dates from one lab keeps the same one-group set: no new set per date.
        if len(self.previous_groups) != 1 or key not in self.previous_groups:
            self.previous_groups = {key}
        self.previous_draw = reading

    def finish(self) -> list[SeriesSummary]:
        readers = [self.readers[group.key] for group in self.groups]
        # A group with no reading left (deleted since its groups were read) has no series.
        return [reader.finish() for reader in readers if reader.count]

    def _reader(self, group: LabGroup) -> SeriesReader:
        return SeriesReader(
            group.lab,
            self.wording,
            self.timeline,
            self.events,
            self.sink,
            marker_latest_draw_is_elsewhere=self.latest_day is not None
            and group.latest_day < self.latest_day,
            several_groups=len(self.groups) > 1,
            other_group_latest=partial(self._other_group_latest, group.key),
            keep=self.keep,
        )

    def _unexpected_group(self, key: str | None, reading: ReadingPoint, day: date) -> SeriesReader:
        """A lab group the groups given did not name: from the database, a reading written
        after they were read (PostgreSQL reads each statement as committed when it
        starts). It is read as a group of its own rather than stopping the pass."""
        group = LabGroup(key, lab_display(reading.lab), day)
        self.groups.append(group)
        self.labs[key] = group.lab
        reader = self.readers[key] = self._reader(group)
        return reader

    def _other_group_latest(self, key: str | None) -> date | None:
        days = [day for other, day in self.day_of_group.items() if other != key]
        return max(days) if days else None

    def _lab_changed(self, key: str | None, group: list[ReadingPoint]) -> Flag | None:
        """``lab_changed`` (info) on a group's first reading of a date when the marker's
        previous draw date had no reading from that group (two labs drawn on the same
        days raise it once)."""
        previous_draw = self.previous_draw
        if previous_draw is None or key in self.previous_groups:
            return None
        # Carried, like a rise, by the draw's lowest reading: entry order decides nothing.
        reading = group[0] if len(group) == 1 else min(group, key=rank)
        if self.keep is not None and not self.keep(reading.id):
            return None
        earlier = self.latest_by_lab.get(key)
        message = partial(
            lab_changed_message,
            reading,
            previous_draw,
            lab_display(reading.lab),
            lab_display(previous_draw.lab),
            earlier,
            self.wording,
        )
        return make_flag(
            reading,
            self.labs[key],
            LAB_CHANGED,
            INFO,
            None,
            self.wording,
            message,
            causes=False,
            same_lab_before=None if earlier is None else earlier.drawn_on,
        )


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
