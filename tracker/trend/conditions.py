"""Which logged conditions can explain a flag: names matched to the catalogue's benign causes.

Pure functions over plain ``EventPoint``s (no database). The trend engine asks, for each
flag, which of the patient's logged ``condition`` events count at that draw
(docs/clinical-rules.md, "Matching logged conditions").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.catalogue.benign_causes import BENIGN_CAUSES
from tracker.catalogue.condition_synonyms import (
    EPISODIC_LEAD_DAYS,
    RECENTLY_ENDED_DAYS,
    SYNONYMS_BY_CODE,
)
from tracker.catalogue.condition_words import match_condition
from tracker.catalogue.event_kinds import CONDITION
from tracker.trend.types import EventPoint


@dataclass(frozen=True)
class LoggedCondition:
    """A logged condition that can raise a marker, with the marker's wording of the cause."""

    name: str
    cause_label: str


def _counts_at(
    event: EventPoint, code: str, drawn_on: date, *, ended_by_name: bool, rise: bool
) -> bool:
    """Whether a condition naming cause ``code`` counts for a draw of ``drawn_on``.

    A cause that ended before a rise does not explain it (levels fall once a cause goes);
    an above-limit flag also names one that ended up to RECENTLY_ENDED_DAYS before.
    "former", "quit"… in the name mean it ended on the event's date.
    """
    ended_on = event.started_on if ended_by_name else event.ended_on
    episodic_days = SYNONYMS_BY_CODE[code].episodic_days
    if episodic_days is not None:
        if drawn_on < event.started_on - timedelta(days=EPISODIC_LEAD_DAYS):
            return False
        if ended_on is None:
            ended_on = event.started_on + timedelta(days=episodic_days)
    if ended_on is None:
        return True
    grace = timedelta(days=0 if rise else RECENTLY_ENDED_DAYS)
    return ended_on + grace >= drawn_on


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
        if event.kind.strip().lower() != CONDITION or event.name in seen:
            continue
        match = match_condition(event.name)
        labels = [
            BENIGN_CAUSES[code].labels[marker_code]
            for code in match.codes
            if marker_code in BENIGN_CAUSES[code].labels
            and _counts_at(event, code, drawn_on, ended_by_name=match.ended, rise=rise)
        ]
        if labels:
            seen.add(event.name)
            found.append(LoggedCondition(event.name, " and ".join(labels)))
    return tuple(found)


def names_malignant_words(name: str) -> bool:
    """Whether a condition's name says malignant, metastatic, mets, metastases or cancer."""
    return match_condition(name).malignant


def names_a_benign_cause(name: str) -> bool:
    """Whether a condition's name matches any cause in the catalogue (for ``event add``)."""
    return bool(match_condition(name).codes)
