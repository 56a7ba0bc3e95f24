"""Whether later results have ended a flag's episode, for what still counts as open.

A flag keeps its status for good ("not rechecked before the treatment changed" stays
`unconfirmed`), but its episode can end without a deciding draw (docs/clinical-rules.md,
"Treatment lines", "Episodes"): when a new treatment line has a result of its own at the
flag's lab (one inside the new line's flare window only if it is not higher). The
clinic's worklist (`review`) and the report's repeat-test question ask only about open
episodes, so both read this one rule. A move to another lab ends the engine's comparison
but not the worklist entry: the new lab's result is not compared with the rise, so the
rise stays what a nurse must see until a result of its own lab or a new line settles it.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.catalogue.lab_names import lab_key
from tracker.trend.treatment_lines import TreatmentTimeline
from tracker.trend.types import (
    EventPoint,
    Flag,
    ReadingPoint,
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
        self._series_latest: dict[tuple[str, str | None], ReadingPoint] = {}
        for summary in series:
            self._series_latest[(summary.marker, lab_key(summary.lab))] = summary.latest

    def ended(self, flag: Flag) -> bool:
        """The flag's episode ended after it: a later treatment line has a result of the
        flag's group that settles it.

        A treatment started after the group's latest draw ends nothing yet: until the new
        line has a result, the last rise before the change is still the news. Nor does a
        result inside the new line's flare window that is higher than the flagged value
        (36 -> 47 before fulvestrant, 58 on day 14): a surge cannot be told from a further
        rise there, so the earlier rise stays listed until a result after the window, or a
        lower one, settles it.
        """
        latest = self._series_latest.get((flag.marker, lab_key(flag.lab)))
        if latest is None:
            return False
        timeline = self._timeline
        line = timeline.line_of(latest.drawn_on)
        if line <= timeline.line_of(flag.drawn_on):
            return False  # the same line: the flag's own status says whether it is open
        change = timeline.change_of_line(line)
        higher = latest.qualifier == ">" or latest.value > flag.value
        return not (higher and change is not None and change.in_flare_window(latest.drawn_on))
