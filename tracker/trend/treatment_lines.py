"""Treatment lines: which treatment change a draw falls under, and its flare window.

Pure functions over plain ``EventPoint``s (docs/clinical-rules.md, "Treatment lines").
Only events of kind ``treatment`` start a line; supportive care starts nothing. Starts
that fall inside the previous start's flare window form one treatment change, and a
treatment with the same name as the current line's (cycles logged one by one) starts
nothing. Names are compared as ``treatment_key`` sees them: normalised like condition
names (case, accents, punctuation) and without cycle words and numbers, so "paclitaxel",
"Paclitaxel cycle 2" and "paclitaxel (C3)" are one treatment (a design choice).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.catalogue.condition_words import normalise
from tracker.catalogue.event_kinds import TREATMENT
from tracker.trend.types import EventPoint

# A baseline drawn longer ago than this before a start says little about the level when
# the treatment began, so the line then starts with its first draw (a design choice).
STALE_BASELINE_DAYS = 30
# A treatment change's flare window never ends later than this after its first start
# (Yasasever 1997: back to baseline by about day 60; the window's configurable maximum).
FLARE_WINDOW_CAP_DAYS = 90

_SPACES = re.compile(r"\s+")
# Words that count a cycle rather than name a treatment (docs/clinical-rules.md,
# "Treatment lines"); the normaliser has already dropped a plural "s".
_CYCLE_WORDS = frozenset(
    ("cycle", "cyc", "course", "round", "dose", "infusion", "day", "week", "no", "number")
)
_ORDINAL_WORDS = frozenset(
    (
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
        "ninth", "tenth", "eleventh", "twelfth", "last", "next",
    )
)  # fmt: skip
_COUNT_TOKEN = re.compile(r"[0-9]+|c[0-9]+|d[0-9]+|w[0-9]+|[0-9]+(?:st|nd|rd|th)")


def treatment_key(name: str) -> str:
    """A treatment's name as compared with the current line's: the same key, the same line.

    "Paclitaxel cycle 2", "paclitaxel C3", "Paclitaxel #4" and "paclitaxel (cycle 5)" all
    give "paclitaxel"; a name that is nothing but cycle words keeps its normalised form.
    """
    words = normalise(name).split()
    kept = [
        word
        for word in words
        if word not in _CYCLE_WORDS
        and word not in _ORDINAL_WORDS
        and not _COUNT_TOKEN.fullmatch(word)
    ]
    return " ".join(kept or words)


@dataclass(frozen=True)
class TreatmentChange:
    """One treatment line: the treatments started together or within each other's window."""

    first_start: date
    last_start: date
    names: tuple[str, ...]
    flare_window_days: int
    # The start date of each name, in order (a change may gather several starts).
    start_dates: tuple[date, ...] = ()

    @property
    def flare_window_end(self) -> date:
        """The last day of the flare window: the window after the last start, capped."""
        by_last = self.last_start + timedelta(days=self.flare_window_days)
        cap = self.first_start + timedelta(days=FLARE_WINDOW_CAP_DAYS)
        return min(by_last, cap)

    @property
    def settling_limit(self) -> date:
        """A flare still settling waits for a later draw until this day (day 90)."""
        return self.first_start + timedelta(days=FLARE_WINDOW_CAP_DAYS)

    def in_flare_window(self, drawn_on: date) -> bool:
        """Day 1 through the window's last day; the start day itself is day 0 (baseline)."""
        return self.flare_window_days > 0 and self.first_start < drawn_on <= self.flare_window_end

    def describe(self) -> str:
        """The treatment names as one phrase, e.g. ``letrozole and palbociclib``."""
        if len(self.names) == 1:
            return self.names[0]
        return ", ".join(self.names[:-1]) + " and " + self.names[-1]

    def describe_first(self) -> str:
        """The names started on the first start date, as one phrase."""
        first = [
            name
            for name, started in zip(self.names, self.start_dates, strict=False)
            if started == self.first_start
        ] or list(self.names[:1])
        if len(first) == 1:
            return first[0]
        return ", ".join(first[:-1]) + " and " + first[-1]

    def later_starts(self) -> list[tuple[str, date]]:
        """The names that started after the first start date, with their dates."""
        return [
            (name, started)
            for name, started in zip(self.names, self.start_dates, strict=False)
            if started != self.first_start
        ]


def treatment_changes(
    events: Sequence[EventPoint], flare_window_days: int
) -> list[TreatmentChange]:
    """The treatment changes of a patient's events, oldest first."""
    changes: list[TreatmentChange] = []
    for event in sorted(events, key=lambda e: (e.started_on, e.id)):
        if event.kind.strip().lower() != TREATMENT:
            continue
        name = _SPACES.sub(" ", event.name).strip()
        current = changes[-1] if changes else None
        if current is not None:
            if treatment_key(name) in {treatment_key(known) for known in current.names}:
                continue  # another cycle of the current line's treatment starts nothing
            # Inside the previous start's window (never past the change's own cap).
            if event.started_on <= current.flare_window_end:
                changes[-1] = TreatmentChange(
                    current.first_start,
                    event.started_on,
                    (*current.names, name),
                    flare_window_days,
                    (*current.start_dates, event.started_on),
                )
                continue
        changes.append(
            TreatmentChange(
                event.started_on, event.started_on, (name,), flare_window_days, (event.started_on,)
            )
        )
    return changes


class TreatmentTimeline:
    """Treatment changes in date order; line 0 is the time before the first one."""

    def __init__(self, events: Sequence[EventPoint], flare_window_days: int) -> None:
        self.changes = treatment_changes(events, flare_window_days)
        self._firsts = [change.first_start for change in self.changes]

    def line_of(self, drawn_on: date) -> int:
        """The line a draw belongs to: a draw on a start day still belongs to the old line."""
        return bisect_left(self._firsts, drawn_on)

    def change_of_line(self, line: int) -> TreatmentChange | None:
        """The treatment change that opened ``line`` (None for line 0)."""
        return self.changes[line - 1] if line > 0 else None

    @property
    def line_count(self) -> int:
        """Number of lines: one more than the number of treatment changes."""
        return len(self.changes) + 1
