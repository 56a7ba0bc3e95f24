"""The ``trend --json`` document, built from a ``TrendResult``.

Keys are only ever added, never renamed (scripts depend on them); every flag's message is
the full text whatever the verbosity of human output (docs/clinical-rules.md, "Wording").
"""

from __future__ import annotations

from typing import Any

from tracker.catalogue.markers import marker_by_code
from tracker.trend.types import Flag, ReadingPoint, RisingRun, SeriesSummary, TrendResult


def _round_1(value: float | None) -> float | None:
    # Percentages and days are shown to 0.1 (docs/clinical-rules.md "Thresholds").
    return None if value is None else round(value, 1)


def _point(reading: ReadingPoint) -> dict[str, Any]:
    return {
        "drawn_on": reading.drawn_on.isoformat(),
        "value": reading.value,
        "qualifier": reading.qualifier,
    }


def _rising_run(run: RisingRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "increases": run.increases,
        "since": run.since.isoformat(),
        "change_pct": _round_1(run.change_pct),
        # "<" when the run starts below the measurable range: change_pct is then a lower
        # bound computed from that limit (docs/clinical-rules.md, "Qualified values").
        "from_qualifier": "<" if run.first is not None and run.first.qualifier == "<" else None,
    }


def _series(summary: SeriesSummary) -> dict[str, Any]:
    return {
        "marker": marker_by_code(summary.marker).name,
        "lab": summary.lab,
        "unit": summary.unit,
        "count": summary.count,
        "latest": _point(summary.latest),
        "nadir": _point(summary.nadir),
        "upper_limit": summary.upper_limit,
        "threshold_pct": _round_1(summary.threshold_pct),
        "rising_run": _rising_run(summary.rising_run),
        "doubling_time_days": _round_1(summary.doubling_time_days),
    }


def _flag(flag: Flag) -> dict[str, Any]:
    compared = flag.compared_to
    return {
        "marker": marker_by_code(flag.marker).name,
        "lab": flag.lab,
        "kind": flag.kind,
        "status": flag.status,
        "drawn_on": flag.drawn_on.isoformat(),
        "value": flag.value,
        "qualifier": flag.qualifier,
        "unit": flag.unit,
        "compared_to": None
        if compared is None
        else {
            "drawn_on": compared.drawn_on.isoformat(),
            "value": compared.value,
            "qualifier": compared.qualifier,
        },
        "change_pct": _round_1(flag.change_pct),
        "threshold_pct": _round_1(flag.threshold_pct),
        "message": flag.message,
        "benign_causes": list(flag.benign_causes),
        "logged_conditions": list(flag.logged_conditions),
        # Why an unconfirmed flag stays so, or null (docs/design.md, "Command-line contract").
        "status_detail": flag.status_note,
    }


def trend_document(patient_name: str, result: TrendResult) -> dict[str, Any]:
    """Exactly the ``trend --json`` document: patient, series and flags, ISO dates."""
    return {
        "patient": patient_name,
        "series": [_series(summary) for summary in result.series],
        "flags": [_flag(flag) for flag in result.flags],
    }
