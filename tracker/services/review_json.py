"""``tracker review --json`` and ``Tracker.review()``: the worklist as one JSON document."""

from __future__ import annotations

from typing import Any

from tracker.services.review import Review


def review_document(review: Review) -> dict[str, Any]:
    """``review --json`` (docs/design.md): keys are only ever added."""
    return {
        "today": review.today.isoformat(),
        "attention": review.attention,
        "patients": [
            {
                "patient": patient.name,
                "attention": patient.attention,
                "flags": [
                    {
                        "marker": flag.marker,
                        "lab": flag.lab,
                        "kind": flag.kind,
                        "status": flag.status,
                        "drawn_on": flag.drawn_on.isoformat(),
                        "value": flag.value,
                        "qualifier": flag.qualifier,
                        "unit": flag.unit,
                        "change_pct": flag.change_pct,
                        "headline": flag.headline,
                        "latest_drawn_on": flag.latest_drawn_on.isoformat(),
                        "latest_value": flag.latest_value,
                        "latest_qualifier": flag.latest_qualifier,
                    }
                    for flag in patient.flags
                ],
                "overdue": [
                    {
                        "marker": test.marker,
                        "last_drawn_on": test.last_drawn_on.isoformat(),
                        "next_due": test.next_due.isoformat(),
                        "days_overdue": test.days_overdue,
                    }
                    for test in patient.overdue
                ],
            }
            for patient in review.patients
        ],
    }
