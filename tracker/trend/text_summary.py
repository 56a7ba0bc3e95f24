"""The human-readable ``tracker trend`` summary: calm lines, numbers first."""

from __future__ import annotations

from tracker.catalogue.markers import marker_by_code
from tracker.catalogue.units import format_number, format_value
from tracker.trend.rules import change_pct
from tracker.trend.types import Flag, ReadingPoint, SeriesSummary, TrendResult

KIND_LABELS = {
    "rise": "rise since the previous result",
    "rise_from_nadir": "rise from the lowest result of this treatment line",
    "steady_rise": "several small rises that add up",
    "possible_flare": "rise soon after a treatment start (possible flare)",
    "above_reference": "above the upper reference limit",
    "lab_changed": "result from another lab",
}
STATUS_LABELS = {
    "confirmed": "confirmed by a later result",
    "unconfirmed": "latest result; a repeat test decides",
    "not_confirmed": "a later result fell back",
    "info": "for information",
}


def _reading(point: ReadingPoint, unit: str) -> str:
    return f"{format_value(point.qualifier, point.value)} {unit} on {point.drawn_on.isoformat()}"


def _change_since_nadir(summary: SeriesSummary) -> str:
    latest, nadir = summary.latest, summary.nadir
    if latest.id == nadir.id:
        return "the latest result is the lowest of the current treatment line"
    change = change_pct(latest, nadir)
    if change is None:
        return f"lowest of the current treatment line: {_reading(nadir, summary.unit)}"
    return (
        f"lowest of the current treatment line: {_reading(nadir, summary.unit)} "
        f"(latest is {change:+.0f}%)"
    )


def series_lines(summary: SeriesSummary, flags: list[Flag]) -> list[tuple[str, bool]]:
    """Lines for one series: (text, whether to wrap it as a paragraph)."""
    marker = marker_by_code(summary.marker)
    lab = summary.lab or "lab not recorded"
    lines: list[tuple[str, bool]] = [
        (
            f"{marker.name} ({lab}): {summary.count} result{'s' if summary.count != 1 else ''}",
            False,
        ),
        (f"  latest: {_reading(summary.latest, summary.unit)}", False),
        (f"  {_change_since_nadir(summary)}", False),
        (
            f"  a rise counts from {summary.threshold_pct:.1f}% (normal test-to-test "
            f"variation is smaller); upper limit {format_number(summary.upper_limit)} "
            f"{summary.unit}",
            False,
        ),
    ]
    if summary.doubling_time_days is not None:
        lines.append(
            (
                f"  at the pace of the latest rising results the level would double in about "
                f"{summary.doubling_time_days:.0f} days (a description, not a forecast)",
                False,
            )
        )
    if not flags:
        lines.append(("  no flags", False))
    for flag in flags:
        title = f"  - {flag.drawn_on.isoformat()}: {KIND_LABELS.get(flag.kind, flag.kind)}"
        lines.append((f"{title} ({STATUS_LABELS.get(flag.status, flag.status)})", False))
        lines.append((flag.message, True))
    return lines


def trend_lines(
    patient_name: str, result: TrendResult, marker_name: str | None = None
) -> list[tuple[str, bool]]:
    """The whole summary for a patient (``marker_name``: the marker asked for, if one)."""
    if not result.series:
        what = f"No {marker_name} readings" if marker_name else "No readings"
        return [(f"{what} yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD", False)]
    lines: list[tuple[str, bool]] = [(f"Trend for {patient_name}", False), ("", False)]
    for summary in result.series:
        flags = [
            f
            for f in result.flags
            if f.marker == summary.marker and (f.lab or None) == (summary.lab or None)
        ]
        lines.extend(series_lines(summary, flags))
        lines.append(("", False))
    lines.append(
        (
            "Markers are one piece of evidence beside scans, examination and how you feel. "
            "Discuss any change with your oncologist.",
            True,
        )
    )
    return lines
