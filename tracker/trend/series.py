"""One (marker, lab) series read oldest first: its rise-type and above_reference flags.

The reader keeps only running state (the previous reading, the line's nadir, the current
run of increases, the open episode), so the work grows linearly with the series
(docs/clinical-rules.md, "Rules the trend module implements").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tracker.trend.rules import (
    TreatmentStart,
    TreatmentTimeline,
    change_pct,
    is_above,
    is_increase,
    is_lower,
    upper_limit_of,
)
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CONFIRMED,
    INFO,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    RISE,
    RISE_FROM_NADIR,
    STEADY_RISE,
    UNCONFIRMED,
    ComparedReading,
    Flag,
    ReadingPoint,
    SeriesSummary,
)
from tracker.trend.wording import (
    BASIS_FLAGGED,
    BASIS_NADIR,
    BASIS_PREVIOUS,
    BASIS_RUN_START,
    MarkerWording,
    RiseFacts,
    above_reference_message,
    rise_message,
)

# Steady rise: a run of >= 3 consecutive increases (>= 4 readings) (docs/clinical-rules.md).
STEADY_RISE_MIN_INCREASES = 3
# Doubling time: the latest run of >= 3 consecutive rising readings (docs/clinical-rules.md).
DOUBLING_MIN_READINGS = 3


def make_flag(
    reading: ReadingPoint,
    lab: str | None,
    kind: str,
    status: str,
    compared: ReadingPoint | None,
    wording: MarkerWording,
    message: str,
    *,
    causes: bool = True,
    threshold: bool = False,
) -> Flag:
    """A ``Flag`` of ``reading``; ``change_pct`` is None when no percentage can be given."""
    change = None if compared is None else change_pct(reading, compared)
    return Flag(
        reading_id=reading.id,
        marker=reading.marker,
        lab=lab,
        kind=kind,
        status=status,
        drawn_on=reading.drawn_on,
        value=reading.value,
        qualifier=reading.qualifier,
        unit=wording.unit,
        compared_to=None
        if compared is None
        else ComparedReading(compared.id, compared.drawn_on, compared.value, compared.qualifier),
        change_pct=change,
        threshold_pct=wording.rules.threshold_pct if threshold else None,
        message=message,
        benign_causes=list(wording.benign_causes) if causes else [],
        logged_conditions=[logged.name for logged in wording.logged] if causes else [],
    )


class SeriesReader:
    """Reads one (marker, lab) series oldest first, keeping only running state."""

    def __init__(
        self,
        readings: list[ReadingPoint],
        lab: str | None,
        wording: MarkerWording,
        timeline: TreatmentTimeline,
    ) -> None:
        self.readings = readings
        self.lab = lab
        self.wording = wording
        self.rules = wording.rules
        self.timeline = timeline
        self.previous: ReadingPoint | None = None
        self.line = -1
        self.line_start: TreatmentStart | None = None
        # The current line's nadir: its baseline and its readings so far (docs/clinical-rules.md).
        self.nadir: ReadingPoint | None = None
        # The current run of consecutive increases (steady rise, doubling time).
        self.run_start = 0
        self.run_increases = 0
        self.run_had_rise_step = False
        # The latest rise-type flag while later values stay up ("one episode, one flag"),
        # and the flag whose next reading decides its status.
        self.episode: RiseFacts | None = None
        self.awaiting: RiseFacts | None = None

    def read(self) -> tuple[SeriesSummary, list[Flag]]:
        """The series summary and its rise-type and above_reference flags."""
        rises: list[RiseFacts] = []
        flags: list[Flag] = []
        for index, reading in enumerate(self.readings):
            self._enter_line(reading)
            facts = None
            if self.previous is not None:
                facts = self._rise_type(index, reading, self.previous)
            if facts is not None:
                self._mark_flare(facts)
                rises.append(facts)
                self.episode = self.awaiting = facts
            flag = self._above_reference(reading, beside_rise=facts is not None)
            if flag is not None:
                flags.append(flag)
            if self.nadir is None or is_lower(reading, self.nadir):
                self.nadir = reading
            self.previous = reading
        flags.extend(self._rise_flag(facts) for facts in rises)
        return self._summary(), flags

    def _enter_line(self, reading: ReadingPoint) -> None:
        """A new line's nadir starts from its baseline: the last reading on or before its
        start date (a draw on the start day still belongs to the previous line)."""
        line = self.timeline.line_of(reading.drawn_on)
        if line != self.line:
            self.line = line
            self.nadir = self.previous
            self.line_start = self.timeline.start_of_line(line)

    def _rise_type(
        self, index: int, reading: ReadingPoint, previous: ReadingPoint
    ) -> RiseFacts | None:
        """The single rise-type flag ``reading`` raises, if any.

        The precedence is docs/clinical-rules.md's.
        """
        rules = self.rules
        step_is_rise = rules.is_rise(reading, previous)
        if is_increase(reading, previous):
            self.run_increases += 1
            self.run_had_rise_step = self.run_had_rise_step or step_is_rise
        else:
            self.run_start, self.run_increases, self.run_had_rise_step = index, 0, False
        if self.awaiting is not None:
            # Status: the next reading of the group decides (docs/clinical-rules.md "Status").
            awaiting, self.awaiting = self.awaiting, None
            awaiting.next_reading = reading
            held = rules.is_rise(reading, awaiting.compared)
            awaiting.status = CONFIRMED if held else NOT_CONFIRMED
        episode = self.episode
        if episode is not None and rules.is_rise(reading, episode.compared):
            # One episode, one flag: only a new step over the flagged reading counts.
            if not rules.is_rise(reading, episode.reading):
                return None
            basis = BASIS_PREVIOUS if episode.reading is previous else BASIS_FLAGGED
            return RiseFacts(RISE, UNCONFIRMED, reading, episode.reading, basis)
        self.episode = None
        if step_is_rise:
            return RiseFacts(RISE, UNCONFIRMED, reading, previous, BASIS_PREVIOUS)
        run_first = self.readings[self.run_start]
        if (
            self.run_increases >= STEADY_RISE_MIN_INCREASES
            and not self.run_had_rise_step
            and rules.is_rise(reading, run_first)
        ):
            return RiseFacts(
                STEADY_RISE,
                UNCONFIRMED,
                reading,
                run_first,
                BASIS_RUN_START,
                run_increases=self.run_increases,
            )
        if self.nadir is not None and rules.is_rise(reading, self.nadir):
            return RiseFacts(
                RISE_FROM_NADIR,
                UNCONFIRMED,
                reading,
                self.nadir,
                BASIS_NADIR,
                line_start=self.line_start,
            )
        return None

    def _mark_flare(self, facts: RiseFacts) -> None:
        """Day 0 (the start date) through the window's last day is the flare window."""
        start = self.timeline.latest_start_on_or_before(facts.reading.drawn_on)
        if start is None:
            return
        if (facts.reading.drawn_on - start.started_on).days <= self.wording.flare_window_days:
            facts.kind = POSSIBLE_FLARE
            facts.flare_start = start

    def _above_reference(self, reading: ReadingPoint, *, beside_rise: bool) -> Flag | None:
        """Crossing the upper limit (the lab's ``ref_high`` wins) from not above (or none)."""
        marker = self.rules.marker
        previous = self.previous
        limit = upper_limit_of(reading, marker)
        if not is_above(reading, limit):
            return None
        if previous is not None and is_above(previous, upper_limit_of(previous, marker)):
            return None
        message = above_reference_message(
            reading, previous, limit, self.lab, self.wording, beside_rise=beside_rise
        )
        return make_flag(reading, self.lab, ABOVE_REFERENCE, INFO, previous, self.wording, message)

    def _rise_flag(self, facts: RiseFacts) -> Flag:
        """The finished flag, worded once its status is known."""
        limit = upper_limit_of(facts.reading, self.rules.marker)
        message = rise_message(facts, self.wording, limit)
        return make_flag(
            facts.reading,
            self.lab,
            facts.kind,
            facts.status,
            facts.compared,
            self.wording,
            message,
            threshold=True,
        )

    def _summary(self) -> SeriesSummary:
        marker = self.rules.marker
        latest = self.readings[-1]
        nadir = self.nadir or latest
        if self.line < self.timeline.line_count - 1:
            # The current line began on or after the latest draw: its nadir is its baseline.
            nadir = latest
        return SeriesSummary(
            marker=marker.code,
            lab=self.lab,
            unit=marker.unit,
            count=len(self.readings),
            latest=latest,
            nadir=nadir,
            upper_limit=upper_limit_of(latest, marker),
            threshold_pct=self.rules.threshold_pct,
            doubling_time_days=doubling_time_days(self.readings[self.run_start :]),
        )


def doubling_time_days(run: Sequence[ReadingPoint]) -> float | None:
    """ln 2 / slope of ln(value) against days, fitted by least squares over ``run``.

    ``run`` is the latest run of consecutive rising readings ending at the latest reading
    (docs/clinical-rules.md "Doubling time"). Values outside the measurable range (``<x``,
    ``>x``) and a zero value have no usable logarithm and are left out; fewer than 3 points, or a
    slope that is not positive, give None. Descriptive only: no validated threshold exists.
    """
    points = [r for r in run if r.qualifier is None and r.value > 0]
    if len(run) < DOUBLING_MIN_READINGS or len(points) < DOUBLING_MIN_READINGS:
        return None
    first_day = points[0].drawn_on
    days = [float((r.drawn_on - first_day).days) for r in points]
    logs = [math.log(r.value) for r in points]
    mean_day = sum(days) / len(days)
    mean_log = sum(logs) / len(logs)
    spread_days = sum((d - mean_day) ** 2 for d in days)
    if spread_days == 0:
        return None
    slope = sum((d - mean_day) * (v - mean_log) for d, v in zip(days, logs, strict=True))
    slope /= spread_days
    if slope <= 0:
        return None
    return math.log(2) / slope
