"""The report's running head, footer and page numbers stay apart and inside the page,
whatever the length of the name (up to the 200 characters a name may have).

The positions are read back from the real PDF with pypdf (each text run's start), and the
widths from the fonts the PDF itself carries (pypdf's own metrics, not the report's).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic._font import Font
from tracker.reports import render_report

from tests.helpers.report_inputs import (
    SMALL_EVENTS,
    SMALL_READINGS,
    TextRun,
    make_input,
    page_body,
    pdf_pages,
    reading,
    text_runs,
)
from tracker.catalogue.fields import clean_name
from tracker.errors import ValidationError

PAGE_WIDTH_PT = 8.27 * 72
MARGIN_PT = 0.75 * 72
FOOTER_PT = 7.5
INFORMS = "This report informs; it does not diagnose. Discuss it with your oncologist."


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    width: float


def _margin_runs(payload: bytes) -> list[list[Run]]:
    """Per page, the runs drawn at the running head's and footer's size."""
    return [_page_runs(page) for page in PdfReader(io.BytesIO(payload)).pages]


def _page_runs(page: PageObject) -> list[Run]:
    return [
        Run(run.text, run.x, run.y, _width(run))
        for run in text_runs(page)
        if run.font is not None and run.size == FOOTER_PT
    ]


def _width(run: TextRun) -> float:
    return Font.from_font_resource(run.font).get_text_width(run.text) * run.size / 1000.0


# Plain Latin (the PDF core font Helvetica), Greek and Chinese (DejaVu Sans embedded),
# a short name and a name of the greatest length the tracker accepts.


def _longest(words: str) -> str:
    name = (words * 10)[:200]
    return name[:-1] + "z" if name.endswith(" ") else name


LONGEST_LATIN = _longest("Wilhelmina Alexandra Konstantinopoulou-Montgomery ")
LONGEST_MIXED = _longest("Ωμέγα Ἀλεξάνδρα 王秀英 Konstantinopoulou ")
NAMES = [
    "Ann Example",
    "H3 eribulin clear rise after unresolved episode",  # ran into "Page 1 of 4"
    LONGEST_LATIN,
    LONGEST_MIXED,
]


def test_the_longest_names_are_the_longest_a_patient_may_have() -> None:
    for name in (LONGEST_LATIN, LONGEST_MIXED):
        assert len(name) == 200 and clean_name(name) == name
    with pytest.raises(ValidationError, match="at most 200 characters"):
        clean_name(LONGEST_LATIN + "x")


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
@pytest.mark.parametrize("name", NAMES, ids=["short", "h3", "longest", "longest-mixed"])
def test_the_footer_never_runs_into_the_page_number(name: str) -> None:
    payload = render_report(make_input(SMALL_READINGS, SMALL_EVENTS, patient=name), "pdf")
    pages = _margin_runs(payload)
    assert len(pages) > 3
    for number, runs in enumerate(pages, start=1):
        [label] = [run for run in runs if run.text == f"Page {number} of {len(pages)}"]
        beside = [run for run in runs if abs(run.y - label.y) < 0.5 and run is not label]
        assert beside, runs
        # White space of at least a sixth of an inch between the footer and "Page N of M".
        assert max(run.x + run.width for run in beside) + 12 <= label.x, (beside, label)
        for run in runs:  # running head, footer and page number: inside the margins
            assert MARGIN_PT - 1 <= run.x and run.x + run.width <= PAGE_WIDTH_PT - MARGIN_PT + 1
            assert run.y >= 18, run  # a quarter inch above the sheet's foot
        footer = " ".join(run.text for run in sorted(runs, key=lambda r: (-r.y, r.x)) if run.y < 40)
        assert INFORMS in footer
        assert "· made 1 Jun 2025" in footer


def test_a_short_name_keeps_a_one_line_footer_a_long_one_is_cut() -> None:
    short = pdf_pages(make_input(SMALL_READINGS, SMALL_EVENTS))
    assert short[0].endswith(f"Ann Example · made 1 Jun 2025 · {INFORMS} Page 1 of 6")
    long = pdf_pages(make_input(SMALL_READINGS, SMALL_EVENTS, patient=LONGEST_LATIN))
    # The name in full on page 1; cut with "…" in the running head and footer.
    assert f"Patient: {LONGEST_LATIN} (born 3 Feb 1961)" in long[0]
    assert long[0].startswith("Tumor-marker report · Wilhelmina Alexandra")
    assert long[0].endswith(f"… · made 1 Jun 2025 {INFORMS} Page 1 of 6")


def test_a_flags_heading_with_only_older_flags_says_so_in_a_sentence() -> None:
    """Clinician review, section 12: "Flags to discuss" with nothing under it but a note
    that an earlier flag is listed with each marker's chart."""
    readings = [
        reading(1, "CA15-3", "2024-04-08", 60),  # above the limit: one flag, over a year old
        reading(2, "CA15-3", "2024-10-07", 61),
        reading(3, "CA15-3", "2025-01-06", 62),
        reading(4, "CA15-3", "2025-07-14", 64),
    ]
    summary = page_body(pdf_pages(make_input(readings))[0])
    assert (
        "Flags to discuss No flags in the year before the latest result (from 14 Jul 2024). "
        "1 earlier flag is listed with its marker's chart. Questions" in summary
    )
