"""The human-readable ``tracker trend`` summary: calm lines, numbers first, flags in brief.

Each marker's series come with the group of its latest reading first (other labs
after it); a series that keeps rising leads with its rising run; each flag is one
headline, and the benign causes and "Discuss with your oncologist." follow once per
marker (docs/clinical-rules.md, "Wording"). ``verbose`` prints the full flag texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker import clock
from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import marker_by_code
from tracker.catalogue.units import format_number, format_value
from tracker.trend.headlines import (
    age_sentence,
    closing_lines,
    draw_values,
    flag_body,
    flag_headline,
    lowest_label,
    rising_run_line,
    shown_rise_pct,
    supportive_treatment_lines,
)
from tracker.trend.phrases import capitalised, day_text, pct_up, plural
from tracker.trend.rules import change_pct
from tracker.trend.types import EventPoint, Flag, ReadingPoint, SeriesSummary, TrendResult


def _reading(point: ReadingPoint, unit: str) -> str:
    return f"{format_value(point.qualifier, point.value)} {unit} on {day_text(point.drawn_on)}"


def _nadir_line(summary: SeriesSummary) -> str:
    latest, nadir = summary.latest, summary.nadir
    lowest = capitalised(lowest_label(summary))
    if latest.id == nadir.id:
        return f"  {lowest}: the latest result"
    if len(summary.nadir_draw) > 1 or len(summary.latest_draw) > 1:
        # One draw with several readings: each shown, and no percentage, which would
        # pick one of them (docs/clinical-rules.md, "Draws").
        return f"  {lowest}: {_draw_text(summary.nadir_draw, nadir, summary.unit)}"
    change = change_pct(latest, nadir)
    text = f"  {lowest}: {_reading(nadir, summary.unit)}"
    if change is None or latest.qualifier or nadir.qualifier:
        return text
    sign = "-" if change < 0 else "+"
    return f"{text} (latest {sign}{shown_rise_pct(change, summary.threshold_pct)})"


def _draw_text(draw: Sequence[ReadingPoint], point: ReadingPoint, unit: str) -> str:
    """A draw's readings: ``3 and 4.1 ng/mL on 2 Mar 2026, one draw`` for replicates."""
    if len(draw) > 1:
        return f"{draw_values(draw, unit)} on {day_text(point.drawn_on)}, one draw"
    return _reading(point, unit)


def _threshold_line(summary: SeriesSummary) -> str:
    threshold = f"{pct_up(summary.threshold_pct):.1f}"
    return (
        f"  A rise is flagged from {threshold}% (the tracker's threshold); upper limit "
        f"{format_number(summary.upper_limit)} {summary.unit}"
    )


def series_lines(
    summary: SeriesSummary,
    flags: Sequence[Flag],
    *,
    earlier_lab: bool = False,
    events: Sequence[EventPoint] = (),
    verbose: bool = False,
    today: date | None = None,
) -> list[tuple[str, bool]]:
    """Lines for one series: (text, whether to wrap it as a paragraph)."""
    lines = series_head_lines(summary, earlier_lab=earlier_lab, today=today)
    if not flags:
        lines.append(NO_FLAGS)
    for flag in flags:
        lines.extend(flag_lines(flag, verbose=verbose))
    return lines


# Said under a series without flags.
NO_FLAGS = ("  No flags", False)


def series_head_lines(
    summary: SeriesSummary, *, earlier_lab: bool = False, today: date | None = None
) -> list[tuple[str, bool]]:
    """The lines of one series before its flags: counts, latest, lowest, threshold, pace.

    ``earlier_lab``: a lab group after the marker's latest one; it is "another lab", which
    holds whether it was used before the latest lab or beside it on the same days.
    ``today`` (the marker's latest lab only): the day a latest result over a year old is
    measured against.
    """
    marker = marker_by_code(summary.marker)
    lab = summary.lab or "lab not recorded"
    if earlier_lab:
        lab += ", another lab"
    lines: list[tuple[str, bool]] = [
        (f"{marker.name} ({lab}): {plural(summary.count, 'result')}", False)
    ]
    if summary.rising_run is not None:
        # Wrapped: a run from "<x" is worded in units, which can be long.
        lines.append((f"  {rising_run_line(summary.rising_run)}", True))
    latest = _draw_text(summary.latest_draw, summary.latest, summary.unit)
    lines.append((f"  Latest: {latest}", False))
    age = None if today is None else age_sentence(summary.latest.drawn_on, today)
    if age is not None:
        lines.append((f"  {age}", False))
    if summary.count > 1:
        # Wrapped: it names the current line's treatments, which can be long.
        lines.append((_nadir_line(summary), True))
    lines.append((_threshold_line(summary), False))
    if summary.doubling_time_days is not None:
        lines.append(
            (
                "  At the pace of the latest rising results the level would double in about "
                f"{summary.doubling_time_days:.0f} days (a description, not a forecast)",
                True,
            )
        )
    return lines


def flag_lines(flag: Flag, *, verbose: bool = False) -> list[tuple[str, bool]]:
    """One flag under its series: its headline, and with ``verbose`` its full text."""
    headline = flag_headline(flag, with_marker=False, dated=False)
    lines = [(f"  - {day_text(flag.drawn_on)}, {headline}", True)]
    if verbose:
        lines.append((f"    {flag_body(flag)}", True))
    return lines


def _flags_of(result: TrendResult, summary: SeriesSummary) -> list[Flag]:
    return [
        flag
        for flag in result.flags
        if flag.marker == summary.marker and lab_key(flag.lab) == lab_key(summary.lab)
    ]


def _by_marker(series: Sequence[SeriesSummary]) -> list[list[SeriesSummary]]:
    """Series grouped per marker, the group of the marker's latest reading first."""
    groups: dict[str, list[SeriesSummary]] = {}
    for summary in series:
        groups.setdefault(summary.marker, []).append(summary)
    return [shown_order(members) for members in groups.values()]


def shown_order(members: Sequence[SeriesSummary]) -> list[SeriesSummary]:
    """A marker's series as shown: the group of its latest reading first."""
    return sorted(members, key=lambda s: (s.latest.drawn_on, s.latest.id), reverse=True)


def trend_lines(
    patient_name: str,
    result: TrendResult,
    marker_name: str | None = None,
    *,
    events: Sequence[EventPoint] = (),
    verbose: bool = False,
    today: date | None = None,
) -> list[tuple[str, bool]]:
    """The whole summary for a patient (``marker_name``: the marker asked for, if one).

    ``today`` defaults to tracker.clock's (``TRACKER_TODAY`` pins it).
    """
    if today is None:
        today = clock.today()
    if not result.series:
        return [no_readings_line(marker_name)]
    lines = opening_lines(patient_name, events)
    for members in _by_marker(result.series):
        marker = marker_by_code(members[0].marker)
        marker_flags = [flag for summary in members for flag in _flags_of(result, summary)]
        last_flagged = last_flagged_position([bool(_flags_of(result, s)) for s in members])
        for position, summary in enumerate(members):
            lines.extend(
                series_lines(
                    summary,
                    _flags_of(result, summary),
                    earlier_lab=position > 0,
                    verbose=verbose,
                    today=today if position == 0 else None,
                )
            )
            if position == last_flagged:
                lines.extend(marker_closing_lines(closing_lines(marker, marker_flags)))
        lines.append(MARKER_END)
    lines.append(ENDING)
    return lines


def last_flagged_position(flagged: Sequence[bool]) -> int | None:
    """Where a marker's causes and "Discuss with your oncologist." go: after the last
    section with flags, never after one reading "No flags" (docs/clinical-rules.md,
    "Wording"); None when no section has flags."""
    return max((position for position, has in enumerate(flagged) if has), default=None)


def no_readings_line(marker_name: str | None) -> tuple[str, bool]:
    what = f"No {marker_name} readings" if marker_name else "No readings"
    return (f"{what} yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD", False)


def opening_lines(patient_name: str, events: Sequence[EventPoint]) -> list[tuple[str, bool]]:
    """The summary's first lines: whose it is, and supportive care logged as treatment."""
    lines: list[tuple[str, bool]] = [(f"Trend for {patient_name}", False), ("", False)]
    supportive = supportive_treatment_lines(events)
    lines.extend((line, True) for line in supportive)
    if supportive:
        lines.append(("", False))
    return lines


def marker_closing_lines(closing: Sequence[str]) -> list[tuple[str, bool]]:
    """A marker's closing lines (``closing_lines``) as printed."""
    return [(f"  {line}", True) for line in closing]


# The blank line after each marker.
MARKER_END = ("", False)

ENDING = (
    "Markers are one piece of evidence beside scans, examination and how you feel; "
    "your oncologist interprets them.",
    True,
)


def brief_flag_lines(flags: Sequence[Flag], *, verbose: bool = False) -> list[str]:
    """What ``add`` prints under the stored reading: headlines, then causes and advice once."""
    lines: list[str] = []
    markers: dict[str, list[Flag]] = {}
    for flag in flags:
        markers.setdefault(flag.marker, []).append(flag)
    for code, marker_flags in markers.items():
        # -v: each full text without its causes and advice, which follow once per marker.
        lines.extend(flag_body(flag) if verbose else flag_headline(flag) for flag in marker_flags)
        lines.extend(closing_lines(marker_by_code(code), marker_flags))
    return lines
