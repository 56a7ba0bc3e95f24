"""The words of the summary page: latest values, change since the nadir, flags, questions.

Tone (docs/clinical-rules.md): calm and factual. The report names numbers and how they changed; it
never names a diagnosis, and every flag line ends with "Discuss with your oncologist."
"""

from __future__ import annotations

from datetime import date

from tracker.catalogue.markers import MARKERS
from tracker.catalogue.units import format_number, format_value
from tracker.trend.rules import change_pct
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CONFIRMED,
    LAB_CHANGED,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    RISE,
    RISE_FROM_NADIR,
    RISE_KINDS,
    STEADY_RISE,
    UNCONFIRMED,
    Flag,
    ReadingPoint,
    SeriesSummary,
)

from .data import ReportInput, lab_label

DISCUSS = "Discuss with your oncologist."
INFORMS = "This report informs; it does not diagnose."

# Month names written out here: strftime("%b") follows the process locale, and the same
# data must give the same bytes on every machine.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(month: int) -> str:
    """Three-letter English month name (1 = Jan)."""
    return _MONTHS[month - 1]


def day_text(day: date) -> str:
    """``3 Mar 2025``: unambiguous in every country, unlike 03/03/2025."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def pct_text(pct: float) -> str:
    """A change in %, signed: ``+215%``, ``+4.5%``, ``-30%``."""
    digits = f"{abs(pct):.0f}" if abs(pct) >= 10 else f"{abs(pct):.1f}"
    return f"{'-' if pct < 0 else '+'}{digits}%"


def threshold_text(pct: float) -> str:
    """A threshold shown rounded to 0.1 % (docs/clinical-rules.md)."""
    return f"{pct:.1f}%"


def value_text(value: float, qualifier: str | None, unit: str) -> str:
    """``6.3 ng/mL``, ``<0.5 ng/mL``."""
    return f"{format_value(qualifier, value)} {unit}"


def delta_text(delta: float, unit: str) -> str:
    """A signed difference in the marker's unit: ``+4.3 ng/mL``."""
    sign = "-" if delta < 0 else "+"
    return f"{sign}{format_number(round(abs(delta), 3))} {unit}"


def who_lines(data: ReportInput) -> list[str]:
    """Who the report is about, and which period it covers."""
    start, end = data.period()
    person = f"Patient: {data.patient}"
    if data.born is not None:
        person += f" (born {day_text(data.born)})"
    shown = ", ".join(marker.name for marker in data.shown_markers())
    return [
        person,
        f"Results shown: {shown}, from {day_text(start)} to {day_text(end)}",
        f"Report made on {day_text(data.generated_on)}",
    ]


def series_lines(data: ReportInput, summary: SeriesSummary, *, name_lab: bool) -> list[str]:
    """The state of one series: latest value, nadir and change since it, pace."""
    marker = MARKERS[summary.marker]
    unit = summary.unit
    latest, nadir = summary.latest, summary.nadir
    head = marker.name + (f" ({lab_label(summary.lab)})" if name_lab else "")
    lines = [
        f"{head}: latest {value_text(latest.value, latest.qualifier, unit)} on "
        f"{day_text(latest.drawn_on)}; upper reference limit "
        f"{format_number(summary.upper_limit)} {unit}; {summary.count} "
        f"test{'s' if summary.count != 1 else ''}."
    ]
    lines.append(nadir_line(latest, nadir, unit))
    if summary.doubling_time_days is not None:
        lines.append(
            f"At the recent pace the level would double in about "
            f"{summary.doubling_time_days:.0f} days. This describes the numbers; it is not "
            "a forecast."
        )
    return lines


def nadir_line(latest: ReadingPoint, nadir: ReadingPoint, unit: str) -> str:
    """Change since the lowest value of the current treatment line."""
    lowest = (
        f"Lowest since the current treatment began (nadir): "
        f"{value_text(nadir.value, nadir.qualifier, unit)} on {day_text(nadir.drawn_on)}"
    )
    if latest.id == nadir.id:
        return f"{lowest}; the latest result is the lowest."
    delta = latest.value - nadir.value
    pct = change_pct(latest, nadir)
    if latest.qualifier is None and nadir.qualifier is None and pct is not None:
        change = f"{pct_text(pct)} ({delta_text(delta, unit)})"
    elif latest.qualifier is None and nadir.qualifier == "<":
        # "<0.5" is at most 0.5: the rise from it is at least the difference.
        change = f"at least {delta_text(delta, unit)}"
    else:
        return f"{lowest}; a result outside the lab's range makes the change since then inexact."
    return f"{lowest}; change since then {change}."


def flag_line(data: ReportInput, flag: Flag) -> str:
    """One flag in plain words, from its numbers; ends with "Discuss with your oncologist."."""
    marker = MARKERS[flag.marker]
    unit = flag.unit
    subject = (
        f"{day_text(flag.drawn_on)}, {marker.name} {value_text(flag.value, flag.qualifier, unit)}"
    )
    parts = [f"{subject}: {_what_happened(data, flag)}"]
    status = _status_sentence(flag)
    if status:
        parts.append(status)
    if flag.logged_conditions and flag.kind in RISE_KINDS:
        names = ", ".join(flag.logged_conditions)
        verb = "is" if len(flag.logged_conditions) == 1 else "are"
        parts.append(f"Also logged: {names}, which {verb} known to raise {marker.name} too.")
    parts.append(DISCUSS)
    return " ".join(parts)


def _comparison(flag: Flag) -> str:
    compared = flag.compared_to
    if compared is None:
        return ""
    value = value_text(compared.value, compared.qualifier, flag.unit)
    return f"{value} on {day_text(compared.drawn_on)}"


def _change(flag: Flag) -> str:
    compared = flag.compared_to
    if compared is None:
        return "up"
    delta = delta_text(flag.value - compared.value, flag.unit)
    # From "<0.5" (at most 0.5), or to ">1000", the real change is at least this large.
    at_least = "at least " if compared.qualifier == "<" or flag.qualifier == ">" else ""
    if flag.change_pct is None:
        return f"up {at_least}{delta}"
    return f"up {at_least}{pct_text(flag.change_pct).lstrip('+')} ({at_least}{delta})"


def _beyond_noise(flag: Flag) -> str:
    if flag.threshold_pct is None:
        return ""
    return (
        f", more than the usual variation between two tests ({threshold_text(flag.threshold_pct)})"
    )


def _what_happened(data: ReportInput, flag: Flag) -> str:
    if flag.kind == RISE:
        return f"{_change(flag)} from the previous test ({_comparison(flag)}){_beyond_noise(flag)}."
    if flag.kind == RISE_FROM_NADIR:
        return (
            f"{_change(flag)} from the lowest value since the current treatment began "
            f"({_comparison(flag)}){_beyond_noise(flag)}."
        )
    if flag.kind == STEADY_RISE:
        return (
            f"{_change(flag)} in several small steps since {_comparison(flag)}"
            f"{_beyond_noise(flag)}, though no single step was that large."
        )
    if flag.kind == POSSIBLE_FLARE:
        return (
            f"{_change(flag)} since {_comparison(flag)}, within the first weeks after a "
            "treatment started. A short rise (a flare) is known to happen after starting "
            "treatment; a test after this period tells more."
        )
    if flag.kind == ABOVE_REFERENCE:
        reading = data.reading(flag.reading_id)
        limit = (
            data.upper_limit_for(reading)
            if reading is not None
            else MARKERS[flag.marker].upper_limit
        )
        return f"above the upper reference limit of {format_number(limit)} {flag.unit}."
    if flag.kind == LAB_CHANGED:
        return (
            f"this result came from a different lab ({lab_label(flag.lab)}) than the test "
            "before. Results from different labs are not compared with each other; two "
            "results from the new lab set a new starting point."
        )
    return flag.message


def _status_sentence(flag: Flag) -> str:
    if flag.status == CONFIRMED:
        return "The next test agreed."
    if flag.status == NOT_CONFIRMED:
        return "The next test came back lower, so this rise was not confirmed."
    if flag.status == UNCONFIRMED:
        return "This is the latest result; a repeat test would show whether it holds."
    return ""
