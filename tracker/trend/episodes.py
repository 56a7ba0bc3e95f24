"""Whether later results have ended a flag's episode, for what still counts as open.

A flag keeps its status for good ("not rechecked before the treatment changed" stays
`unconfirmed`), but its episode can end without a deciding draw (docs/clinical-rules.md,
"Series and lab groups", "Treatment lines", "Episodes"): when a new treatment line starts,
and when the marker's latest draw is from another lab group. The clinic's worklist
(`review`) and the report's repeat-test question ask only about open episodes, so both
read this one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tracker.catalogue.lab_names import lab_key
from tracker.trend.lines import TreatmentTimeline
from tracker.trend.types import (
    NOT_RECHECKED_AT_THIS_LAB,
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
        self._marker_latest: dict[str, date] = {}
        for summary in series:
            day = summary.latest.drawn_on
            self._series_latest[(summary.marker, lab_key(summary.lab))] = day
            self._marker_latest[summary.marker] = max(
                day, self._marker_latest.get(summary.marker, date.min)
            )

    def ended(self, flag: Flag) -> bool:
        """The flag's episode ended after it: the marker's latest draw is from another lab
        group, or a later treatment line has a result of the flag's group.

        A treatment started after the group's latest draw ends nothing yet: until the new
        line has a result, the last rise before the change is still the news.
        """
        if flag.status_note == NOT_RECHECKED_AT_THIS_LAB:
            return True
        series_latest = self._series_latest.get((flag.marker, lab_key(flag.lab)))
        if series_latest is None:
            return False
        if series_latest < self._marker_latest[flag.marker]:
            return True  # the marker's latest draw is from another lab group
        if flag.status_note == NOT_RECHECKED_BEFORE_TREATMENT_CHANGE:
            return series_latest > flag.drawn_on  # the group's next draw is the new line's
        # A confirmed flag has no note: its episode ended if the line changed since.
        timeline = self._timeline
        return timeline.line_of(series_latest) > timeline.line_of(flag.drawn_on)
