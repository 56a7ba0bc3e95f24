"""Flags in brief: one headline per flag, and the lines said once per marker.

``add``, ``trend`` and the report's first page print each flag as a headline (the two
readings, the change, the status); the benign causes and "Discuss with your oncologist."
follow once per marker, not once per flag (docs/clinical-rules.md, "Wording"). The full
texts stay in ``Flag.message`` (``-v`` and ``--json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.catalogue.event_kinds import TREATMENT
from tracker.catalogue.markers import MARKERS, Marker
from tracker.catalogue.supportive import supportive_medicine_in
from tracker.catalogue.units import format_number, format_value
from tracker.trend.phrases import (
    capitalised,
    causes_block,
    day_text,
    pct_text,
    plural,
    shown_change_pct,
)
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
    CONFIRMED,
    FURTHER_RISE,
    LAB_CHANGED,
    NOT_CONFIRMED,
    NOT_RECHECKED_AT_THIS_LAB,
    NOT_RECHECKED_BEFORE_TREATMENT_CHANGE,
    POSSIBLE_FLARE,
    RISE_KINDS,
    UNCONFIRMED,
    ComparedReading,
    EventPoint,
    Flag,
    ReadingPoint,
    RisingRun,
    SeriesSummary,
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


def shown_rise_pct(change_pct: float, threshold_pct: float | None) -> str:
    """A change as shown anywhere beside the threshold, unsigned (``28%``, ``27.8%``).

    The one rule of docs/clinical-rules.md ("Wording") that the full texts follow too
    (``phrases.shown_change_pct``): a change below the threshold is rounded down, one that
    meets it up, and a whole percent only where that keeps the order — so "+28%" never
    stands beside "flagged from 27.9%" and "No flags", and the headline and the full text
    of a flag show the same figure.
    """
    size = abs(change_pct)
    if threshold_pct is None or change_pct < 0:
        shown = float(round(size)) if size >= 10 else round(size, 1)
    else:
        shown = shown_change_pct(size, threshold_pct, meets=size >= threshold_pct)
    return pct_text(shown)


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
    if flag.kind == "rise" and flag.previous_draw_elsewhere:
        # Another lab's result came between: name the lab compared within, as written on
        # the result compared with.
        lab = flag.lab if flag.compared_to is None else flag.compared_to.lab
        if lab is None:
            return f"since the previous result with no lab recorded, on {when}"
        return f"since the previous {lab} result on {when}"
    if flag.kind == "rise":
        return f"since the previous result on {when}"
    if flag.kind == FURTHER_RISE:
        return f"since the flagged result on {when}"
    if flag.kind == "rise_from_nadir" and flag.before_treatment is not None:
        # The line's nadir is its baseline: named as the full text names it.
        return f"since the level before {flag.before_treatment} started, on {when}"
    if flag.kind == "rise_from_nadir":
        return f"since the lowest result, on {when}"
    if flag.kind == "steady_rise":
        return f"in small steps since {when}"
    if flag.kind == POSSIBLE_FLARE:
        return f"since {when}, soon after a treatment start"
    # The kind's name already says "after the flare window" (said once).
    return f"since the result before the treatment, on {when}"


def _flare_status(flag: Flag) -> str:
    """What happened after a possible flare's window (docs/clinical-rules.md, "Statuses").

    "confirmed" would read as "the flare is confirmed"; it means the level was still up
    after the window, which the next flag (rise_after_flare_window) reports.
    """
    if flag.status == CONFIRMED:
        return "still up after the flare window (see the next flag)"
    if flag.status == NOT_CONFIRMED:
        return "fell back after the flare window"
    start, end = flag.treatment_start, flag.flare_window_end
    if start is None or end is None:
        return "inside the flare window: a test after the window tells more"
    return (
        f"inside the flare window: a test after day {(end - start).days} "
        f"({day_text(end)}) tells more"
    )


def _status(flag: Flag) -> str:
    if flag.status == UNCONFIRMED and flag.status_note == NOT_RECHECKED_BEFORE_TREATMENT_CHANGE:
        return "not rechecked before the treatment changed"
    if flag.status == UNCONFIRMED and flag.status_note == NOT_RECHECKED_AT_THIS_LAB:
        return "not rechecked at this lab: later results came from another lab"
    if flag.kind == POSSIBLE_FLARE:
        return _flare_status(flag)
    if flag.status == CONFIRMED:
        return "confirmed: the next result agreed, so this is not a one-off"
    if flag.status == NOT_CONFIRMED:
        return "not confirmed: the next result fell back"
    return "unconfirmed: ask whether a repeat test is needed"


def flag_headline(flag: Flag, *, with_marker: bool = True, dated: bool = True) -> str:
    """One flag in one line: ``CA 15-3 rise: 22.5 -> 29.1 U/mL (+29%) since … — status``.

    ``dated=False`` where the line already starts with the flag's date (``trend`` and the
    report), so the date is not said twice.
    """
    marker = MARKERS[flag.marker]
    value = f"{format_value(flag.qualifier, flag.value)} {flag.unit}"
    subject = f"{marker.name} " if with_marker else ""
    compared = flag.compared_to
    if flag.kind in RISE_TYPE_KINDS and compared is not None:
        before = format_value(compared.qualifier, compared.value)
        basis = _basis(flag, day_text(compared.drawn_on))
        within = " \u2014 still within the usual range;" if flag.within_range else " \u2014"
        return (
            f"{subject}{_KIND_NAMES.get(flag.kind, flag.kind.replace('_', ' '))}: "
            f"{before} -> {value} ({_change(flag, compared)}) {basis}{within} {_status(flag)}"
        )
    when = day_text(flag.drawn_on)
    on_day = f" on {when}" if dated else ""
    if flag.kind == ABOVE_REFERENCE:
        return f"{subject}above the upper reference limit: {value}{on_day}"
    if flag.kind == LAB_CHANGED:
        lab = flag.lab or "lab not recorded"
        text = (
            f"{subject}from another lab ({lab}): {value}{on_day} \u2014 not compared with "
            "results from other labs; "
        )
        if flag.same_lab_before is not None:
            # A return to a lab with history: its earlier results are the comparison.
            return text + (
                "compared only with this lab's earlier results (most recently "
                f"{day_text(flag.same_lab_before)})"
            )
        return text + "two results from this lab set a new baseline"
    if flag.kind == CHECK_ENTRY:
        day = f"of {when}" if dated else "of the same day"
        return (
            f"{subject}two results {day} differ more than tests usually do \u2014 check the entry"
        )
    return flag.message


def flag_body(flag: Flag) -> str:
    """A flag's full text without its causes and advice sentences.

    ``-v`` prints these bodies; the causes and "Discuss with your oncologist." follow once
    per marker (docs/clinical-rules.md, "Wording"), as in the brief form. ``--json`` keeps
    the full message.
    """
    text = flag.message.removesuffix(" " + DISCUSS)
    if flag.benign_causes:
        block = " ".join(causes_block(MARKERS[flag.marker], flag.logged_conditions))
        text = text.removesuffix(" " + block)
    return text


def treatments_text(names: Sequence[str]) -> str:
    """``letrozole``, ``letrozole and palbociclib``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def lowest_label(summary: SeriesSummary) -> str:
    """How a series' nadir is named: against the current treatment line, or "lowest recorded".

    The line is the engine's (tracker/trend/treatment_lines.py): grouped starts, cycles of one
    treatment and supportive care counted as docs/clinical-rules.md says. Its nadir may be
    its baseline, drawn before the first dose: then it is "just before" the start.
    """
    start, names = summary.line_start, summary.line_treatments
    if start is None or not names:
        return "lowest recorded"
    what = treatments_text(names)
    if summary.nadir.drawn_on <= start:
        return f"lowest since just before {what} began ({day_text(start)})"
    return f"lowest since {what} began on {day_text(start)}"


def draw_values(draw: Sequence[ReadingPoint], unit: str) -> str:
    """The readings of one draw: ``4.1 ng/mL``, or ``3.0 and 4.1 ng/mL`` for replicates."""
    values = [format_value(reading.qualifier, reading.value) for reading in draw]
    return f"{treatments_text(values)} {unit}"


def rising_run_line(run: RisingRun) -> str:
    """``Rising at 3 tests in a row since 12 Jan 2026: +147%``.

    A run from ``<x`` is worded in units, as a rise from ``<x`` is (docs/clinical-rules.md,
    "Qualified values"): a percentage of a value below the measurable range means nothing.
    """
    since = f"Rising at {run.increases} tests in a row since {day_text(run.since)}: "
    first, last = run.first, run.last
    if first is not None and last is not None and first.qualifier == "<":
        unit = MARKERS[first.marker].unit
        text = (
            f"{since}from below {format_number(first.value)} to "
            f"{format_value(last.qualifier, last.value)} {unit}, a rise of at least "
            f"{_amount(last.value - first.value, unit)}"
        )
    else:
        pct = f"{run.change_pct:.0f}%" if run.change_pct >= 10 else f"{run.change_pct:.1f}%"
        # Ending at ">x" the true change is larger than the one computed from x.
        at_least = "at least " if run.at_least else ""
        text = f"{since}{at_least}+{pct}"
    if run.in_flare_window:
        text += " (inside the flare window after a treatment start, when a short rise can happen)"
    return text


def age_sentence(drawn_on: date, today: date) -> str | None:
    """``The latest result is more than 12 months old.``, when it is over a year old.

    Said once per marker (its latest lab's section) against ``today`` (tracker.clock's),
    in whole months, never rounded up: "13 months old" only from the day 13 months after
    the draw, "more than 12 months" between. A year-old result is a fact worth seeing
    beside a trend that may have moved since.
    """
    months = (today.year - drawn_on.year) * 12 + today.month - drawn_on.month
    if today.day < drawn_on.day:
        months -= 1
    exact = today.day == drawn_on.day
    if months < 12 or (months == 12 and exact):
        return None  # a year old or less (the anniversary itself is not "more than")
    return f"The latest result is {'' if exact else 'more than '}{plural(months, 'month')} old."


def _calls_for_causes(flag: Flag) -> bool:
    """Whether a flag calls for its marker's benign causes (a rise or a high value)."""
    return flag.kind in RISE_TYPE_KINDS or flag.kind == ABOVE_REFERENCE


def logged_line(marker: Marker, flags: Sequence[Flag]) -> str | None:
    """The user's logged conditions that can raise the marker, named once."""
    return _logged_line(marker, [name for flag in flags for name in flag.logged_conditions])


def _logged_line(marker: Marker, logged: Sequence[str]) -> str | None:
    names = list(dict.fromkeys(logged))
    if not names:
        return None
    # "can" agrees with any subject: "ovarian cysts", "lupus", "COPD and CKD stage 3" need
    # no singular or plural verb chosen from words the user typed.
    listed = treatments_text(names)
    return capitalised(f"{listed}, logged for this person, can also raise {marker.name}.")


def closing_lines(marker: Marker, flags: Sequence[Flag]) -> list[str]:
    """What follows a marker's flag headlines, once: causes, logged conditions, the advice."""
    closing = MarkerClosing()
    for flag in flags:
        closing.add(flag)
    return closing.lines(marker)


class MarkerClosing:
    """What a marker's closing lines say, gathered flag by flag in the order they are shown
    (so a long history needs no list of its flags)."""

    def __init__(self) -> None:
        self.flagged = False
        self.causes = False
        self.logged: dict[str, None] = {}  # logged condition names, in order, once each

    def add(self, flag: Flag) -> None:
        self.flagged = True
        if _calls_for_causes(flag):
            self.causes = True
        for name in flag.logged_conditions:
            self.logged.setdefault(name)

    def extend(self, other: MarkerClosing) -> None:
        """Gather the flags ``other`` gathered, as if they followed this one's."""
        self.flagged = self.flagged or other.flagged
        self.causes = self.causes or other.causes
        for name in other.logged:
            self.logged.setdefault(name)

    def lines(self, marker: Marker) -> list[str]:
        if not self.flagged:
            return []
        lines: list[str] = []
        if self.causes:
            lines.append(marker.causes_in_words())
            logged = _logged_line(marker, list(self.logged))
            if logged:
                lines.append(logged)
        lines.append(DISCUSS)
        return lines


def supportive_treatment_lines(events: Sequence[EventPoint]) -> list[str]:
    """One line per treatment event named for a supportive medicine (zoledronic acid…).

    Logged as a treatment it starts a treatment line and a flare window
    (docs/clinical-rules.md, "Treatment lines"); ``event add`` warns once, and ``trend``
    and the report say it again, so the warning is not lost after logging.
    """
    lines = []
    for event in events:
        if event.kind != TREATMENT or supportive_medicine_in(event.name) is None:
            continue
        lines.append(
            capitalised(
                f"{event.name} is logged as a treatment (from {day_text(event.started_on)}), "
                "so it starts a treatment line; if it is supportive care, log it with "
                f'`tracker event add supportive "{event.name}" --date '
                f"{event.started_on.isoformat()}` and delete the treatment event "
                f"(`tracker event delete {event.id} --yes`)."
            )
        )
    return lines
