"""Whether later results have ended a flag's episode, for what still counts as open.

A flag keeps its status for good ("not rechecked before the treatment changed" stays
`unconfirmed`), but its episode can end without a deciding draw (docs/clinical-rules.md,
"Treatment lines", "Episodes"): when a new treatment line has a result of its own. The
clinic's worklist (`review`) and the report's repeat-test question ask only about open
episodes, so both read this one rule. A move to another lab ends the engine's comparison
but not the worklist entry: the new lab's result is not compared with the rise, so the
rise stays what a nurse must see until a result of its own lab or a new line settles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tracker.catalogue.lab_names import lab_key
from tracker.trend.treatment_lines import TreatmentTimeline
from tracker.trend.types import (
    NOT_RECHECKED_BEFORE_TREATMENT_CHANGE,
    EventPoint,
    Flag,
    SeriesSummary,
)


class EpisodeEnds:
    """Decides, for one patient's trend, whether later results ended a flag's episode."""

    def __init__(
        self,
        series: Iterable[SeriesSummary],
        events: Iterable[EventPoint],
        flare_window_days: int,
    ) -> None:
        # The same grouping of starts into treatment changes as the engine's.
        self._timeline = TreatmentTimeline(tuple(events), flare_window_days)
        self._series_latest: dict[tuple[str, str | None], date] = {}
        for summary in series:
            self._series_latest[(summary.marker, lab_key(summary.lab))] = summary.latest.drawn_on

    def ended(self, flag: Flag) -> bool:
        """The flag's episode ended after it: a later treatment line has a result of the
        flag's group.

        A treatment started after the group's latest draw ends nothing yet: until the new
        line has a result, the last rise before the change is still the news.
        """
        series_latest = self._series_latest.get((flag.marker, lab_key(flag.lab)))
        if series_latest is None:
            return False
        if flag.status_note == NOT_RECHECKED_BEFORE_TREATMENT_CHANGE:
            return series_latest > flag.drawn_on  # the group's next draw is the new line's
        # A confirmed flag has no note: its episode ended if the line changed since.
        timeline = self._timeline
        return timeline.line_of(series_latest) > timeline.line_of(flag.drawn_on)
