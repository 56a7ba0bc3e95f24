"""Flags in brief: one headline per flag, and the lines said once per marker.

``add``, ``trend`` and the report's first page print each flag as a headline (the two
readings, the change, the status); the benign causes and "Discuss with your oncologist."
follow once per marker, not once per flag (docs/clinical-rules.md, "Wording"). The full
texts stay in ``Flag.message`` (``-v`` and ``--json``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from tracker.catalogue.event_kinds import TREATMENT
from tracker.catalogue.markers import MARKERS, Marker
from tracker.catalogue.units import format_number, format_value
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
    CONFIRMED,
    FURTHER_RISE,
    LAB_CHANGED,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    RISE_KINDS,
    ComparedReading,
    EventPoint,
    Flag,
    RisingRun,
)

DISCUSS = "Discuss with your oncologist."

# Kinds that compare two readings and can open an episode.
RISE_TYPE_KINDS = frozenset(RISE_KINDS)

_KIND_NAMES = {
    "rise": "rise",
    "further_rise": "further rise",
    "rise_from_nadir": "rise from the lowest result",
    "steady_rise": "steady rise",
    "possible_flare": "possible flare",
    "rise_after_flare_window": "still up after the flare window",
}

# Month names written out: strftime("%b") follows the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """``3 Aug 2023``: unambiguous in every country."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def plural(count: int, word: str) -> str:
    """``1 result``, ``3 results``: never "1 results"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def capitalised(text: str) -> str:
    """A sentence starts with a capital letter, also when it starts with a logged name."""
    return text[:1].upper() + text[1:]


def shown_threshold_pct(threshold_pct: float) -> float:
    """The threshold as shown: rounded up to 0.1 %, so no change that meets it looks lower."""
    return math.ceil(round(threshold_pct * 10, 6)) / 10


def shown_rise_pct(change_pct: float, threshold_pct: float | None) -> str:
    """A rise that met the threshold, never shown below the threshold as shown."""
    if change_pct >= 100:
        return f"{change_pct:.0f}%"
    shown = round(change_pct, 1)
    if threshold_pct is not None:
        shown = max(shown, shown_threshold_pct(threshold_pct))
    return f"{shown:.1f}%"


def _amount(value: float, unit: str) -> str:
    # Differences of typed decimals carry binary noise (0.19999999999999998).
    return f"{format_number(round(value, 9))} {unit}"


def _change(flag: Flag, compared: ComparedReading) -> str:
    at_least = "at least " if compared.qualifier == "<" or flag.qualifier == ">" else ""
    units = f"+{_amount(flag.value - compared.value, flag.unit)}"
    if compared.qualifier == "<" or flag.change_pct is None:
        # From "<0.5" the change is worded in units, not percent (docs/clinical-rules.md).
        return f"{at_least}{units}"
    return f"{at_least}+{shown_rise_pct(flag.change_pct, flag.threshold_pct)}"


def _basis(flag: Flag, when: str) -> str:
    if flag.kind == "rise":
        return f"since the previous result on {when}"
    if flag.kind == FURTHER_RISE:
        return f"since the flagged result on {when}"
    if flag.kind == "rise_from_nadir":
        return f"since the lowest result, on {when}"
    if flag.kind == "steady_rise":
        return f"in small steps since {when}"
    if flag.kind == POSSIBLE_FLARE:
        return f"since {when}, soon after a treatment start"
    return f"since the result before the treatment, on {when}, after the flare window"


def _status(flag: Flag) -> str:
    if flag.status == CONFIRMED:
        return "confirmed: the next result agreed, so this is not a one-off"
    if flag.status == NOT_CONFIRMED:
        return "not confirmed: the next result fell back"
    if flag.kind == POSSIBLE_FLARE:
        return "unconfirmed: a test after the flare window tells more"
    return "unconfirmed: ask whether a repeat test is needed"


def flag_headline(flag: Flag, *, with_marker: bool = True) -> str:
    """One flag in one line: ``CA 15-3 rise: 22.5 -> 29.1 U/mL (+29.3%) since … — status``."""
    marker = MARKERS[flag.marker]
    value = f"{format_value(flag.qualifier, flag.value)} {flag.unit}"
    subject = f"{marker.name} " if with_marker else ""
    compared = flag.compared_to
    if flag.kind in RISE_TYPE_KINDS and compared is not None:
        before = format_value(compared.qualifier, compared.value)
        basis = _basis(flag, day_text(compared.drawn_on))
        return (
            f"{subject}{_KIND_NAMES.get(flag.kind, flag.kind.replace('_', ' '))}: "
            f"{before} -> {value} ({_change(flag, compared)}) {basis} \u2014 {_status(flag)}"
        )
    when = day_text(flag.drawn_on)
    if flag.kind == ABOVE_REFERENCE:
        return f"{subject}above the upper reference limit: {value} on {when}"
    if flag.kind == LAB_CHANGED:
        lab = flag.lab or "lab not recorded"
        return (
            f"{subject}from another lab ({lab}): {value} on {when} \u2014 not compared with "
            "results from other labs; two results from this lab set a new baseline"
        )
    if flag.kind == CHECK_ENTRY:
        return (
            f"{subject}two results of {when} differ more than tests usually do "
            "\u2014 check the entry"
        )
    return flag.message


def lowest_label(nadir_on: date, latest_on: date, events: Sequence[EventPoint]) -> str:
    """How a series' nadir is named: against the current treatment, or "lowest recorded".

    The nadir of a treatment line may be its baseline, drawn before the first dose; then
    "since the current treatment began" would name a date before the start.
    """
    starts = [
        event.started_on
        for event in events
        if event.kind == TREATMENT and event.started_on <= latest_on
    ]
    if not starts:
        return "lowest recorded"
    if nadir_on < max(starts):
        return "lowest since just before the current treatment began"
    return "lowest since the current treatment began"


def rising_run_line(run: RisingRun) -> str:
    """``Rising at 3 tests in a row since 12 Jan 2026: +147%``."""
    pct = f"{run.change_pct:.0f}%" if run.change_pct >= 10 else f"{run.change_pct:.1f}%"
    text = f"Rising at {run.increases} tests in a row since {day_text(run.since)}: +{pct}"
    if run.in_flare_window:
        text += " (inside the flare window after a treatment start, when a short rise can happen)"
    return text


def needs_causes(flags: Sequence[Flag]) -> bool:
    """Whether the flags of a marker call for its benign causes (a rise or a high value)."""
    return any(flag.kind in RISE_TYPE_KINDS or flag.kind == ABOVE_REFERENCE for flag in flags)


def logged_line(marker: Marker, flags: Sequence[Flag]) -> str | None:
    """The user's logged conditions that can raise the marker, named once."""
    names = list(dict.fromkeys(name for flag in flags for name in flag.logged_conditions))
    if not names:
        return None
    verb = "is" if len(names) == 1 else "are"
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return capitalised(f"{listed} {verb} logged for this person and can also raise {marker.name}.")


def closing_lines(marker: Marker, flags: Sequence[Flag]) -> list[str]:
    """What follows a marker's flag headlines, once: causes, logged conditions, the advice."""
    if not flags:
        return []
    lines: list[str] = []
    if needs_causes(flags):
        lines.append(marker.causes_in_words())
        logged = logged_line(marker, flags)
        if logged:
            lines.append(logged)
    lines.append(DISCUSS)
    return lines
