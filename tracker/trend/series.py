"""One (marker, lab group) series read oldest first, draw by draw: its flags and summary.

The reader keeps only running state (the previous draw, the line's baseline and nadir, the
current run of increases, the open episode, the flares of the current window, the flags
whose status a later draw still decides), so the work grows linearly with the series and
the memory not at all: each flag is handed on once it is finished. The rules are in
docs/clinical-rules.md (rules version 2; "Series and lab groups" to "Rising run and
doubling time").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.trend.draws import Draw, RunPoints, rank, rising_run
from tracker.trend.flags import above_reference_flag, check_entry_flag, rise_flag
from tracker.trend.phrases import MarkerWording
from tracker.trend.rules import is_increase, is_lower, upper_limit_of
from tracker.trend.treatment_lines import STALE_BASELINE_DAYS, TreatmentChange, TreatmentTimeline
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
    CONFIRMED,
    FURTHER_RISE,
    LAB_CHANGED,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    RISE,
    RISE_AFTER_FLARE_WINDOW,
    RISE_FROM_NADIR,
    RISE_KINDS,
    STEADY_RISE,
    UNCONFIRMED,
    EventPoint,
    Flag,
    ReadingPoint,
    SeriesSummary,
)
from tracker.trend.wording import (
    BASIS_BASELINE,
    BASIS_FLAGGED,
    BASIS_LOWEST_SINCE_FLAGGED,
    BASIS_NADIR,
    BASIS_PREVIOUS,
    BASIS_RUN_START,
    NOT_RECHECKED_LAB,
    NOT_RECHECKED_TREATMENT,
    RiseFacts,
)

# Steady rise: a run of >= 3 consecutive increases (>= 4 draws).
STEADY_RISE_MIN_INCREASES = 3
# Flags of one reading are listed in this order: the lab context first, then the (single)
# rise-type flag, then the reference limit.
KIND_ORDER = {
    kind: index
    for index, kind in enumerate((LAB_CHANGED, CHECK_ENTRY, *RISE_KINDS, ABOVE_REFERENCE))
}
# Where finished flags go, one at a time, in the order of their series.
FlagSink = Callable[[Flag], None]


@dataclass(slots=True)
class Episode:
    """An open episode: raised by a rise-type flag, going on while later draws stay up."""

    comparison: ReadingPoint  # the lowest comparison value among the rules that applied
    latest: RiseFacts  # the episode's latest flagged draw
    latest_draw: Draw
    lowest_since: Draw | None = None  # the lowest draw since the latest flag


class SeriesReader:
    """Reads one (marker, lab group) series oldest first, one draw at a time.

    Only running state is kept: a flag goes to ``sink`` as soon as no later draw can
    change it (its status decided), in the order of its series, so the memory of a
    reader does not grow with the length of its series.
    """

    def __init__(
        self,
        lab: str | None,
        wording: MarkerWording,
        timeline: TreatmentTimeline,
        events: Sequence[EventPoint],
        sink: FlagSink,
        *,
        marker_latest_draw_is_elsewhere: bool = False,
        several_groups: bool = False,
        other_group_latest: Callable[[], date | None] = lambda: None,
        keep: Callable[[int], bool] | None = None,
    ) -> None:
        self.count = 0
        # The ids of the readings whose flags are wanted (None: every one); the flags of
        # others are never built, only their effect on later flags is read.
        self.keep = keep
        self.lab = lab
        self.wording = wording
        self.rules = wording.rules
        self.timeline = timeline
        self.events = events
        self.sink = sink
        self.left_for_another_lab = marker_latest_draw_is_elsewhere
        # The latest day the marker's other lab groups were drawn before the draw being
        # read (the marker's days are read in order, a day at a time).
        self.other_group_latest = other_group_latest
        # With several lab groups "the previous result" names its lab.
        self.group_phrase: str | None = None
        if several_groups:
            self.group_phrase = "with no lab recorded" if lab is None else f"from {lab}"
        self.line = -1
        self.change: TreatmentChange | None = None
        self.last_draw: Draw | None = None
        # Within the current line: the previous draw (its baseline at first), its nadir,
        # the draw flares are measured against, and the current run of increases.
        self.previous: Draw | None = None
        self.nadir: Draw | None = None
        self.baseline: Draw | None = None
        self.line_base: Draw | None = None
        self.run_start: Draw | None = None
        self.run_points = RunPoints()
        self.run_increases = 0
        self.run_had_rise_step = False
        self.episode: Episode | None = None
        self.awaiting: RiseFacts | None = None  # the flag the next draw decides
        self.flares: list[RiseFacts] = []  # possible flares the first draw after decides
        self.window_high: Draw | None = None
        # A draw after the window was passed over as still settling: the draw that later
        # settles the flares is then not the first after the window.
        self.settling_waited = False
        # Flags not yet handed on, in series order: a rise whose status a later draw
        # decides holds back the flags after it (a few draws, a flare window at most).
        self.held: deque[Flag | RiseFacts] = deque()

    def feed(self, draw: Draw, lab_changed: Flag | None = None) -> None:
        """Read the next draw (later than every draw read so far).

        ``lab_changed``: the marker's ``lab_changed`` flag on this draw, if any (raised by
        the marker's pass, which sees every lab group).
        """
        self.count += len(draw.readings)
        self._enter_line(draw)
        if self.awaiting is not None:
            self._decide_awaiting(draw)
        facts = self._judge(draw)
        keep = self.keep
        low, high = draw.low, draw.high
        # Whose flags are wanted: asked once per reading (a draw is mostly one reading).
        keep_low = keep is None or keep(low.id)
        keep_high = keep_low if high is low else keep is None or keep(high.id)
        if keep_low or keep_high or lab_changed is not None:
            found: list[Flag | RiseFacts] = []
            if lab_changed is not None:
                found.append(lab_changed)
            if keep_high:
                flag = check_entry_flag(draw, self.lab, self.wording)
                if flag is not None:
                    found.append(flag)
            # A rise is carried by the draw's lowest reading (the later value of its
            # comparison), whose wish is known; any other is asked.
            if facts is not None and (
                keep_low if facts.reading is low else keep is None or keep(facts.reading.id)
            ):
                found.append(facts)
            if keep_low:
                flag = self._above_reference(draw, beside_rise=facts is not None)
                if flag is not None:
                    found.append(flag)
            if len(found) > 1:
                found.sort(key=_order_in_draw)
            self.held.extend(found)
        if self.nadir is None or is_lower(draw.high, self.nadir.high):
            self.nadir = draw
        if self.line_base is None:
            self.line_base = draw
        self.previous = self.last_draw = draw
        if self.held:
            self._release()

    def finish(self) -> SeriesSummary:
        """The series summary, once every flag still waiting has been handed on."""
        self._leave_unrechecked()
        self._release(at_end=True)
        return self._summary()

    def _release(self, *, at_end: bool = False) -> None:
        """Hand on the held flags, oldest first, up to the first still undecided (at the
        end of the series every flag is as it stays)."""
        held = self.held
        while held:
            head = held[0]
            if isinstance(head, RiseFacts):
                if not at_end and (
                    head is self.awaiting or any(head is facts for facts in self.flares)
                ):
                    return
                self.sink(self._rise_flag(head))
            else:
                self.sink(head)
            held.popleft()

    # -- treatment lines -------------------------------------------------------------

    def _enter_line(self, draw: Draw) -> None:
        """A new line ends the open episode; its comparisons start from its baseline."""
        line = self.timeline.line_of(draw.drawn_on)
        if line == self.line:
            return
        if self.line >= 0:
            self._mark_not_rechecked(NOT_RECHECKED_TREATMENT)
            self.episode = None
        self.line = line
        self.change = self.timeline.change_of_line(line)
        last = self.last_draw
        baseline = None
        if last is not None and self.change is not None:
            if (self.change.first_start - last.drawn_on).days <= STALE_BASELINE_DAYS:
                baseline = last
        self.baseline = self.line_base = self.previous = self.nadir = baseline
        self._start_run(baseline)
        self.run_increases = 0
        self.run_had_rise_step = False
        self.window_high = None
        self.settling_waited = False

    def _mark_not_rechecked(self, reason: str) -> None:
        if self.awaiting is not None:
            self.awaiting.not_rechecked = reason
            self.awaiting = None
        for facts in self.flares:
            facts.not_rechecked = reason
        self.flares = []

    def _leave_unrechecked(self) -> None:
        """Flags still waiting at the end: a later treatment change or another lab."""
        if self.line < self.timeline.line_count - 1:
            self._mark_not_rechecked(NOT_RECHECKED_TREATMENT)
        elif self.left_for_another_lab:
            self._mark_not_rechecked(NOT_RECHECKED_LAB)
            self.episode = None

    # -- status ----------------------------------------------------------------------

    def _decide_awaiting(self, draw: Draw) -> None:
        """The next draw of the group decides the status of the latest flag."""
        awaiting = self.awaiting
        if awaiting is None:
            return
        self.awaiting = None
        awaiting.next_reading = draw.low
        held = self.rules.is_rise(draw.low, awaiting.compared)
        awaiting.status = CONFIRMED if held else NOT_CONFIRMED

    # -- rise-type flags -------------------------------------------------------------

    def _judge(self, draw: Draw) -> RiseFacts | None:
        """The single rise-type flag of ``draw``, if any, updating the episode."""
        previous = self.previous
        self._extend_run(draw, previous)
        change = self.change
        in_window = change is not None and change.in_flare_window(draw.drawn_on)
        if in_window and (self.window_high is None or is_lower(self.window_high.high, draw.high)):
            self.window_high = draw
        if self.flares and not in_window:
            handled, facts = self._settle_flares(draw)
            if handled:
                return facts
        episode = self.episode
        if episode is not None:
            if self.rules.is_rise(draw.low, episode.comparison):
                return self._inside_episode(draw, episode, previous, in_window)
            self.episode = None  # fell back: the episode ends, judged as outside one
        return self._outside_episode(draw, previous, in_window)

    def _extend_run(self, draw: Draw, previous: Draw | None) -> None:
        if previous is not None and is_increase(draw.low, previous.high):
            self.run_increases += 1
            self.run_points.add(draw.low)
            if self.rules.is_rise(draw.low, previous.high):
                self.run_had_rise_step = True
            return
        self._start_run(draw)
        self.run_increases, self.run_had_rise_step = 0, False

    def _start_run(self, draw: Draw | None) -> None:
        """A run of increases starts at ``draw`` (its highest reading, as the earlier value)."""
        self.run_start = draw
        self.run_points = RunPoints()
        if draw is not None:
            self.run_points.add(draw.high)

    def _settle_flares(self, draw: Draw) -> tuple[bool, RiseFacts | None]:
        """The first draw after the window settles every flare of it.

        Returns (handled, flag): not handled when the flares fell back and the draw goes
        on through rules 2-4.
        """
        change = self.change
        base = self.line_base
        assert change is not None and base is not None  # flares exist only in a line
        if self.rules.is_rise(draw.low, base.high):
            high = self.window_high
            settling_floor = (
                None if high is None else high.high.value * (1.0 + self.rules.rcv_down_pct / 100.0)
            )
            if (
                settling_floor is not None
                and draw.drawn_on <= change.settling_limit
                and draw.low.value < settling_floor
            ):
                self.settling_waited = True
                return True, None  # still settling: the next draw decides
            for facts in self.flares:
                facts.status, facts.next_reading = CONFIRMED, draw.low
                facts.settled_late = self.settling_waited
            self.flares = []
            facts = RiseFacts(
                RISE_AFTER_FLARE_WINDOW,
                UNCONFIRMED,
                draw.low,
                base.high,
                BASIS_BASELINE,
                change=change,
            )
            self.episode = Episode(base.high, facts, draw)
            self.awaiting = facts
            return True, facts
        for facts in self.flares:
            facts.status, facts.next_reading = NOT_CONFIRMED, draw.low
            facts.settled_late = self.settling_waited
        self.flares = []
        self.episode = None
        return False, None

    def _inside_episode(
        self, draw: Draw, episode: Episode, previous: Draw | None, in_window: bool
    ) -> RiseFacts | None:
        """Still up: no new flag unless a new step up over the latest flagged draw."""
        step = episode.latest_draw
        basis = BASIS_FLAGGED
        if episode.latest.status == NOT_CONFIRMED and episode.lowest_since is not None:
            step, basis = episode.lowest_since, BASIS_LOWEST_SINCE_FLAGGED
        if step is previous:
            basis = BASIS_PREVIOUS
        if not self.rules.is_rise(draw.low, step.high):
            if episode.lowest_since is None or is_lower(draw.high, episode.lowest_since.high):
                episode.lowest_since = draw
            return None
        kind = POSSIBLE_FLARE if in_window else FURTHER_RISE
        facts = RiseFacts(
            kind,
            UNCONFIRMED,
            draw.low,
            step.high,
            basis,
            change=self.change,
            flagged=episode.latest.reading,
            group_phrase=self.group_phrase,
            follows_confirmed=episode.latest.status == CONFIRMED,
        )
        if basis == BASIS_PREVIOUS:
            facts.previous_draw_elsewhere = self._elsewhere_between(step, draw)
        episode.latest, episode.latest_draw, episode.lowest_since = facts, draw, None
        self._track(facts, in_window)
        return facts

    def _outside_episode(
        self, draw: Draw, previous: Draw | None, in_window: bool
    ) -> RiseFacts | None:
        """Rules 1-4, the first that applies wins; the episode compares with the lowest."""
        rules = self.rules
        applied: list[tuple[str, Draw, str]] = []
        if previous is not None and rules.is_rise(draw.low, previous.high):
            applied.append((RISE, previous, BASIS_PREVIOUS))
        run_first = self.run_start
        if (
            run_first is not None
            and self.run_increases >= STEADY_RISE_MIN_INCREASES
            and not self.run_had_rise_step
            and rules.is_rise(draw.low, run_first.high)
        ):
            applied.append((STEADY_RISE, run_first, BASIS_RUN_START))
        nadir = self.nadir
        if nadir is not None and rules.is_rise(draw.low, nadir.high):
            basis = BASIS_BASELINE if nadir is self.baseline else BASIS_NADIR
            applied.append((RISE_FROM_NADIR, nadir, basis))
        if not applied:
            return None
        kind, compared, basis = applied[0]
        lowest = min((entry[1] for entry in applied), key=lambda d: rank(d.high))
        facts = RiseFacts(
            POSSIBLE_FLARE if in_window else kind,
            UNCONFIRMED,
            draw.low,
            compared.high,
            basis,
            change=self.change,
            run_increases=self.run_increases if kind == STEADY_RISE else 0,
            group_phrase=self.group_phrase,
        )
        if basis == BASIS_PREVIOUS:
            facts.previous_draw_elsewhere = self._elsewhere_between(compared, draw)
        self.episode = Episode(lowest.high, facts, draw)
        self._track(facts, in_window)
        return facts

    def _elsewhere_between(self, earlier: Draw, later: Draw) -> bool:
        """Whether the marker was drawn at another lab between two draws of this group.

        ``later`` is the draw being read: every other group's draw before its day is read.
        """
        latest = self.other_group_latest()
        return latest is not None and earlier.drawn_on < latest < later.drawn_on

    def _track(self, facts: RiseFacts, in_window: bool) -> None:
        if in_window:
            self.flares.append(facts)
        else:
            self.awaiting = facts

    # -- flags -----------------------------------------------------------------------

    def _above_reference(self, draw: Draw, *, beside_rise: bool) -> Flag | None:
        previous = None if self.last_draw is None else self.last_draw.high
        return above_reference_flag(
            draw.low, previous, self.lab, self.wording, self.events, beside_rise=beside_rise
        )

    def _rise_flag(self, facts: RiseFacts) -> Flag:
        return rise_flag(facts, self.lab, self.wording, self.events)

    # -- summary ---------------------------------------------------------------------

    def _summary(self) -> SeriesSummary:
        marker = self.rules.marker
        latest_draw = self.last_draw
        assert latest_draw is not None, "a series has at least one draw"
        latest = latest_draw.low
        nadir = latest_draw if self.nadir is None else self.nadir
        run = None
        doubling = None
        if self.line < self.timeline.line_count - 1:
            # The current line began on or after the latest draw: its nadir is its
            # baseline, and no run reaches before it.
            nadir = latest_draw
        else:
            run, doubling = rising_run(
                latest_draw,
                self.run_start,
                self.run_increases,
                self.run_points,
                self.rules,
                self.change,
            )
        current = self.timeline.changes[-1] if self.timeline.changes else None
        return SeriesSummary(
            marker=marker.code,
            lab=self.lab,
            unit=marker.unit,
            count=self.count,
            latest=latest,
            nadir=nadir.high,
            upper_limit=upper_limit_of(latest, marker),
            threshold_pct=self.rules.threshold_pct,
            doubling_time_days=doubling,
            rising_run=run,
            line_start=None if current is None else current.first_start,
            line_treatments=() if current is None else current.names,
            latest_draw=_in_value_order(latest_draw),
            nadir_draw=_in_value_order(nadir),
        )


def _order_in_draw(item: Flag | RiseFacts) -> tuple[int, int]:
    """Flags of one draw: by reading, then the lab context, the rise, the reference limit."""
    if isinstance(item, RiseFacts):
        return item.reading.id, KIND_ORDER[item.kind]
    return item.reading_id, KIND_ORDER[item.kind]


def _in_value_order(draw: Draw) -> tuple[ReadingPoint, ...]:
    return tuple(sorted(draw.readings, key=rank))
