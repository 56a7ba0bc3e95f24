"""Page 1's flags and questions: what is recent, in plain words, and what to ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.catalogue.event_kinds import TREATMENT
from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import MARKERS
from tracker.trend.episodes import EpisodeEnds
from tracker.trend.headlines import (
    closing_lines,
    flag_headline,
    supportive_treatment_lines,
)
from tracker.trend.phrases import day_text, measured_text
from tracker.trend.types import (
    ABOVE_REFERENCE,
    LAB_CHANGED,
    POSSIBLE_FLARE,
    RISE_KINDS,
    UNCONFIRMED,
    Flag,
)

from .data import ReportInput, lab_label
from .wording import DISCUSS

# Page 1 lists the flags of the last year of results, at most this many: it is meant to
# be handed over, and every flag is on its marker's page anyway.
SUMMARY_FLAG_DAYS = 365
SUMMARY_MAX_FLAGS = 6


def recent_since(data: ReportInput) -> date:
    """The first day of "recent": a year before the latest result shown."""
    _, last = data.period()
    return last - timedelta(days=SUMMARY_FLAG_DAYS)


def summary_flags(data: ReportInput) -> tuple[list[Flag], int]:
    """The flags page 1 lists (newest first), and how many older ones it leaves out."""
    flags = data.flags_shown()
    if not flags:
        return [], 0
    since = recent_since(data)
    recent = [flag for flag in flags if flag.drawn_on >= since][:SUMMARY_MAX_FLAGS]
    return recent, len(flags) - len(recent)


def latest_rise_flags(data: ReportInput) -> list[Flag]:
    """The latest rise-type flag of each series (marker and lab): what is still open."""
    latest: dict[tuple[str, str | None], Flag] = {}
    for flag in data.flags_shown():
        if flag.kind not in RISE_KINDS:
            continue
        key = (flag.marker, lab_key(flag.lab))
        known = latest.get(key)
        if known is None or (flag.drawn_on, flag.reading_id) >= (known.drawn_on, known.reading_id):
            latest[key] = flag
    return list(latest.values())


def _flare_window_open(data: ReportInput, flag: Flag) -> bool:
    """Whether a possible flare is still inside its window at its series' latest result.

    The window runs from the latest treatment start on or before the flag's draw
    (docs/clinical-rules.md, "Flares"); a later result past it tells more.
    """
    starts = [
        event.started_on
        for event in data.events
        if event.kind == TREATMENT and event.started_on <= flag.drawn_on
    ]
    if not starts:
        return False
    group = lab_key(flag.lab)
    latest = max(
        (s.latest.drawn_on for s in data.series_for(flag.marker) if lab_key(s.lab) == group),
        default=flag.drawn_on,
    )
    return (latest - max(starts)).days <= data.flare_window_days


def questions(data: ReportInput) -> list[str]:
    """Questions the person may want to ask, each only when its condition holds.

    The flare and repeat-test questions follow the latest rise-type flag of each series,
    not any flag of the year: an old possible flare that later results settled raises
    neither, and no repeat test is asked about for a flag whose episode a new treatment
    line (with a result of its own) or another lab's later result ended.
    """
    flags, _older = summary_flags(data)
    kinds = {flag.kind for flag in flags}
    latest = latest_rise_flags(data)
    ends = EpisodeEnds(data.trend.series, data.events, data.flare_window_days)
    asked: list[str] = []
    if any(
        flag.status == UNCONFIRMED and flag.kind != POSSIBLE_FLARE and not ends.ended(flag)
        for flag in latest
    ):
        asked.append("Is a repeat test needed to check the latest change, and when?")
    if any(flag.kind == POSSIBLE_FLARE and _flare_window_open(data, flag) for flag in latest):
        asked.append(
            "Could a rise soon after starting treatment be a short flare, and when is the "
            "best time to retest?"
        )
    if kinds & (set(RISE_KINDS) - {POSSIBLE_FLARE}):
        asked.append("What does this change mean for me, taken together with my other results?")
    if any(flag.logged_conditions for flag in flags):
        asked.append(
            "Could a condition I have logged (for example "
            f"{_conditions_named(flags)}) explain part of the change?"
        )
    if LAB_CHANGED in kinds:
        asked.append(
            "My results came from more than one lab. Should future tests stay with one lab, "
            "and which results are the new starting point?"
        )
    if ABOVE_REFERENCE in kinds:
        asked.append("How much does it matter that a result is above the lab's upper limit?")
    asked += [
        "Are these markers useful for me, alongside scans and examinations?",
        "How often should these markers be tested, and what would change the plan?",
        "Could any supplements I take (such as biotin) affect these results?",
    ]
    return asked


def _conditions_named(flags: list[Flag]) -> str:
    names = [name for flag in flags for name in flag.logged_conditions]
    return ", ".join(dict.fromkeys(names))


@dataclass(frozen=True)
class FlagBlock:
    """Page 1's flags of one marker: a headline each, then the closing words once."""

    title: str
    headlines: list[str]
    closing: str


def summary_flag_blocks(data: ReportInput) -> tuple[list[FlagBlock], int]:
    """Page 1's flags, marker by marker (newest first), and how many older ones are left out.

    Each flag is one headline; the benign causes and "Discuss with your oncologist." come
    once per marker (docs/clinical-rules.md, "Wording"). A switch of lab shows on every
    marker drawn that day; it is said once for all, in a block of its own.
    """
    flags, older = summary_flags(data)
    lab_switches: dict[date, list[Flag]] = {}
    by_marker: dict[str, list[Flag]] = {}
    for flag in flags:
        if flag.kind == LAB_CHANGED:
            lab_switches.setdefault(flag.drawn_on, []).append(flag)
        else:
            by_marker.setdefault(flag.marker, []).append(flag)
    blocks = [
        FlagBlock(
            MARKERS[code].name,
            [
                f"{day_text(f.drawn_on)}, {flag_headline(f, with_marker=False, dated=False)}."
                for f in group
            ],
            " ".join(closing_lines(MARKERS[code], group)),
        )
        for code, group in by_marker.items()
    ]
    if lab_switches:
        # One bullet per day the lab changed, however many markers were drawn that day.
        closing = "" if blocks else DISCUSS
        lines = [_lab_switch_line(switch) for switch in lab_switches.values()]
        blocks.append(FlagBlock("Another lab", lines, closing))
    return blocks, older


def supportive_notes(data: ReportInput) -> list[str]:
    """Treatment events named for a supportive medicine, said again on page 1."""
    return supportive_treatment_lines(data.events)


def _lab_switch_line(flags: list[Flag]) -> str:
    order = list(MARKERS)
    flags = sorted(flags, key=lambda flag: order.index(flag.marker))
    labs = list(dict.fromkeys(lab_label(flag.lab) for flag in flags))
    one_lab = len(labs) == 1
    results = " and ".join(
        f"{MARKERS[flag.marker].name} {measured_text(flag.value, flag.qualifier, flag.unit)}"
        + ("" if one_lab else f" ({lab_label(flag.lab)})")
        for flag in flags
    )
    these = "these results" if len(flags) > 1 else "this result"
    source = f"a different lab ({labs[0]})" if one_lab else "different labs"
    return (
        f"{day_text(flags[0].drawn_on)}, {results}: {these} came from {source} than the "
        "tests before. Results from different labs are not compared with each other; two "
        "results from the new lab set a new starting point."
    )
