"""The key under a PDF chart: every entry drawn once, in two aligned columns filled top
to bottom, inside the margins and above the readings table that follows.

Positions are read back from the real PDF with pypdf (each text run's start).
"""

from __future__ import annotations

import io
import itertools

from pypdf import PdfReader
from tracker.reports import render_report
from tracker.reports.legend import KEY_COLUMN_GAP_IN, KEY_ROW_IN, KEY_SIZE_PT, key_labels

from tests.helpers.report_inputs import SMALL_EVENTS, make_input, reading, text_runs
from tracker.catalogue.markers import MARKERS

PAGE_WIDTH_PT = 8.27 * 72
MARGIN_PT = 0.75 * 72


def test_the_key_under_a_chart_lists_every_entry_in_two_aligned_columns() -> None:
    # Two labs, a value below the lab's range, rises and a treatment: a key of many rows.
    readings = [
        reading(1, "CEA", "2025-01-10", 0.5, qualifier="<"),
        reading(2, "CEA", "2025-02-10", 2.0),
        reading(3, "CEA", "2025-03-10", 3.1),
        reading(4, "CEA", "2025-04-10", 4.9),
        reading(5, "CEA", "2025-05-10", 7.5, lab="North Lab"),
        reading(6, "CEA", "2025-05-20", 9.9, lab="North Lab"),
    ]
    data = make_input(readings, SMALL_EVENTS)
    labels = key_labels(data, MARKERS["CEA"])
    assert len(labels) >= 6  # enough for both columns to hold several rows
    page = PdfReader(io.BytesIO(render_report(data, "pdf"))).pages[1]
    on_page = text_runs(page)
    runs = {run.text: run for run in on_page if run.size == KEY_SIZE_PT}

    assert set(labels) <= set(runs), set(labels) - set(runs)
    drawn = [runs[label] for label in labels]
    rows = -(-len(labels) // 2)
    first, second = drawn[:rows], drawn[rows:]
    # Each column starts at one x; the second to the right of the first by half the text
    # width plus the gap; rows step down by one row height, the same in both columns.
    assert len({round(run.x, 2) for run in first}) == 1
    assert len({round(run.x, 2) for run in second}) == 1
    half = (PAGE_WIDTH_PT - 2 * MARGIN_PT - KEY_COLUMN_GAP_IN * 72) / 2
    assert abs(second[0].x - first[0].x - (half + KEY_COLUMN_GAP_IN * 72)) < 0.5
    for column in (first, second):
        for upper, lower in itertools.pairwise(column):
            assert abs(upper.y - lower.y - KEY_ROW_IN * 72) < 0.01
    assert abs(first[0].y - second[0].y) < 0.01
    assert MARGIN_PT <= first[0].x and second[0].x < PAGE_WIDTH_PT - MARGIN_PT
    # The readings table's heading comes below the key's last row.
    [heading] = [run for run in on_page if run.text == "CEA results, oldest first"]
    assert heading.y < min(run.y for run in drawn) - 6
