"""Report inputs and reading a rendered PDF back, for the report tests."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pypdf import PageObject, PdfReader
from tracker.reports.data import ReportInput
from tracker.reports.output import render_report

from tracker.trend.engine import analyse
from tracker.trend.types import EventPoint, ReadingPoint

CITY = "City Lab"


def reading(
    rid: int,
    marker: str,
    day: str,
    value: float,
    *,
    qualifier: str | None = None,
    lab: str | None = CITY,
    note: str | None = None,
) -> ReadingPoint:
    return ReadingPoint(rid, marker, value, qualifier, date.fromisoformat(day), lab, None, note)


def event(eid: int, kind: str, name: str, start: str, end: str | None = None) -> EventPoint:
    return EventPoint(
        eid, kind, name, date.fromisoformat(start), date.fromisoformat(end) if end else None
    )


def make_input(
    readings: list[ReadingPoint],
    events: list[EventPoint] | None = None,
    *,
    patient: str = "Ann Example",
    since: date | None = None,
    markers: tuple[str, ...] = (),
) -> ReportInput:
    events = events or []
    return ReportInput(
        patient=patient,
        born=date(1961, 2, 3),
        generated_on=date(2025, 6, 1),
        readings=readings,
        events=events,
        trend=analyse(readings, events),
        since=since,
        markers=markers,
    )


SMALL_READINGS = [
    reading(1, "CEA", "2025-01-10", 0.5, qualifier="<"),
    reading(2, "CEA", "2025-03-10", 2.2, note="fasting"),
    reading(3, "CEA", "2025-05-10", 3.1),
    reading(4, "CA15-3", "2025-01-10", 20),
    reading(5, "CA15-3", "2025-03-10", 22),
    reading(6, "CA15-3", "2025-05-10", 21),
]


SMALL_EVENTS = [
    event(1, "treatment", "letrozole", "2024-12-01"),
    event(2, "condition", "smoking", "2015-01-01"),
    event(3, "symptom", "bone pain", "2025-04-01"),
    event(4, "supportive", "zoledronate", "2025-02-01"),
]


@dataclass(frozen=True)
class TextRun:
    """One run of text drawn on a PDF page, where it starts (points from the corner)."""

    text: str
    x: float
    y: float
    font: Any  # the page's font resource (None when pypdf has none for the run)
    size: float


def text_runs(page: PageObject) -> list[TextRun]:
    """Every run of a page that is not blank, stripped, as pypdf's text visitor sees it.

    (pypdf puts a space before a run drawn apart from the one before: "Page 1 of 4".)
    """
    runs: list[TextRun] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            runs.append(TextRun(text.strip(), cm[4] + tm[4], cm[5] + tm[5], font, size))

    page.extract_text(visitor_text=visit)
    return runs


def pdf_pages(data: ReportInput) -> list[str]:
    """Each page's text, white space collapsed (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(render_report(data, "pdf")))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


RUNNING_HEAD = "Tumor-marker report · Ann Example "


def page_body(page: str) -> str:
    """A page's own text: no chart labels, running head, "(continued)" heading or footer.

    A chart's labels come first in the extracted text, then the running head.
    """
    body = page.split(RUNNING_HEAD, 1)[1].split(" Ann Example · made ", 1)[0]
    return re.sub(r"^.{0,80}?\(continued\) ", "", body)
