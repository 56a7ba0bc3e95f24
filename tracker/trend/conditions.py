"""Which logged conditions can explain a flag: names matched to the catalogue's benign causes.

Pure functions over plain ``EventPoint``s (no database). The trend engine asks, for each
flag, which of the patient's logged ``condition`` events count at that draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.catalogue.markers import benign_cause_for
from tracker.trend.types import EventPoint

CONDITION_KIND = "condition"


@dataclass(frozen=True)
class LoggedCondition:
    """A logged condition that can raise a marker, with the marker's wording of the cause."""

    name: str
    cause_label: str


def _ongoing_at(event: EventPoint, drawn_on: date) -> bool:
    return event.ended_on is None or event.ended_on >= drawn_on


def conditions_for_draw(
    marker_code: str,
    events: Sequence[EventPoint],
    drawn_on: date,
    *,
    rise: bool,
) -> tuple[LoggedCondition, ...]:
    """Condition events that count for a flag of ``marker_code`` on a draw of ``drawn_on``.

    ``rise`` is true for rise-type flags (only conditions ongoing at the draw count) and
    false for ``above_reference`` (which also names conditions that ended shortly before).
    Names are listed once each, in logged order, as the user logged them.
    """
    found: list[LoggedCondition] = []
    seen: set[str] = set()
    for event in sorted(events, key=lambda e: (e.started_on, e.id)):
        if event.kind.strip().lower() != CONDITION_KIND or event.name in seen:
            continue
        if not _ongoing_at(event, drawn_on):
            continue
        cause = benign_cause_for(event.name)
        if cause is not None and marker_code in cause.labels:
            seen.add(event.name)
            found.append(LoggedCondition(event.name, cause.labels[marker_code]))
    return tuple(found)
