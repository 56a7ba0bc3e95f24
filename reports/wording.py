"""The words of the summary page: latest values, change since the nadir, flags, questions.

Tone (docs/clinical-rules.md): calm and factual. The report names numbers and how they changed; it
never names a diagnosis, and every flag line ends with "Discuss with your oncologist."
"""

from __future__ import annotations

from tracker.catalogue.markers import MARKERS
from tracker.catalogue.units import format_number
from tracker.trend.headlines import (
    age_sentence,
    draw_values,
    lowest_label,
    rising_run_line,
    shown_rise_pct,
)
from tracker.trend.phrases import capitalised, day_text, measured_text, pct_up
from tracker.trend.rules import change_pct
from tracker.trend.types import (
    ReadingPoint,
    SeriesSummary,
)

from .data import ReportInput, lab_label

DISCUSS = "Discuss with your oncologist."
INFORMS = "This report informs; it does not diagnose."


def pct_text(pct: float, threshold_pct: float | None = None) -> str:
    """A change in %, signed: ``+215%``, ``+4.5%``, ``-30%``.

    Beside a threshold it follows the rounding rule of docs/clinical-rules.md ("Wording"),
    the one ``trend`` uses, so a change below the threshold never reads as meeting it.
    """
    return f"{'-' if pct < 0 else '+'}{shown_rise_pct(pct, threshold_pct)}"


def threshold_text(pct: float) -> str:
    """A threshold shown rounded up to 0.1 % (docs/clinical-rules.md, "Wording"): the
    rounding ``trend`` uses, so the caveats page and the trend text name the same figure."""
    return f"{pct_up(pct):.1f}%"


def variation_text(pct: float) -> str:
    """The usual test-to-test variation, to the nearest 0.1 % (as ``trend`` shows it)."""
    return f"{pct:.1f}%"


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
    """The state of one series: its rising run first, latest value, nadir and change, pace."""
    marker = MARKERS[summary.marker]
    unit = summary.unit
    latest = summary.latest
    head = marker.name + (f" ({lab_label(summary.lab)})" if name_lab else "")
    lines = []
    if summary.rising_run is not None:
        lines.append(f"{head}: {rising_run_line(summary.rising_run)}.")
        head = "Latest"
    else:
        head += ": latest"
    lines.append(
        f"{head} {_draw_values(summary.latest_draw, latest, unit)} on "
        f"{day_text(latest.drawn_on)}{_one_draw(summary.latest_draw)}; upper reference limit "
        f"{format_number(summary.upper_limit)} {unit}; {summary.count} "
        f"test{'s' if summary.count != 1 else ''}."
    )
    # The marker's latest series comes first: its age is the marker's (said once).
    age = age_sentence(latest.drawn_on, data.generated_on)
    if age is not None:
        lines.append(age)
    lines.append(nadir_line(summary))
    if summary.doubling_time_days is not None:
        lines.append(
            f"At the recent pace the level would double in about "
            f"{summary.doubling_time_days:.0f} days. This describes the numbers; it is not "
            "a forecast."
        )
    return lines


def _draw_values(draw: tuple[ReadingPoint, ...], point: ReadingPoint, unit: str) -> str:
    if len(draw) > 1:
        return draw_values(draw, unit)
    return measured_text(point.value, point.qualifier, unit)


def _one_draw(draw: tuple[ReadingPoint, ...]) -> str:
    return ", one draw" if len(draw) > 1 else ""


def nadir_line(summary: SeriesSummary) -> str:
    """Change since the lowest value of the current treatment line (or of all, if none).

    The line is named as the engine sees it (tracker/trend/headlines.py ``lowest_label``).
    """
    latest, nadir, unit = summary.latest, summary.nadir, summary.unit
    lowest = (
        f"{capitalised(lowest_label(summary))} (nadir): "
        f"{_draw_values(summary.nadir_draw, nadir, unit)} on {day_text(nadir.drawn_on)}"
        f"{_one_draw(summary.nadir_draw)}"
    )
    if latest.id == nadir.id:
        return f"{lowest}; the latest result is the lowest."
    if len(summary.nadir_draw) > 1 or len(summary.latest_draw) > 1:
        # A draw of several readings has no single value to measure a change with
        # (docs/clinical-rules.md, "Draws").
        return f"{lowest}."
    delta = latest.value - nadir.value
    pct = change_pct(latest, nadir)
    if latest.qualifier is None and nadir.qualifier is None and pct is not None:
        change = f"{pct_text(pct, summary.threshold_pct)} ({delta_text(delta, unit)})"
    elif latest.qualifier is None and nadir.qualifier == "<":
        # "<0.5" is at most 0.5: the rise from it is at least the difference.
        change = f"at least {delta_text(delta, unit)}"
    else:
        return f"{lowest}; a result outside the lab's range makes the change since then inexact."
    return f"{lowest}; change since then {change}."
