"""Marker charts as matplotlib ``Figure`` objects (never pyplot's global state).

One panel per marker on a shared date axis, under a strip of the logged events. The
same drawing code fills the PNG (all markers in one figure, keys beside the panels) and
each chart page of the PDF (one marker, its key below).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.catalogue.markers import Marker
from tracker.trend.phrases import day_text

from .data import ReportInput
from .legend import KEY_ROW_IN, draw_key, key_rows, key_width_in
from .panel import draw_panel
from .style import TEXT_GREY, rendering
from .timeline import (
    TimelineRow,
    date_ticks,
    draw_timeline,
    timeline_height_in,
    timeline_rows,
    x_range,
)
from .wording import INFORMS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PNG_WIDTH_IN = 11.0
PNG_DPI = 160  # 11 in x 160 dpi = 1760 px wide
PANEL_HEIGHT_IN = 3.1
# Left of the axes: the events strip's row names and the value axis labels.
AXES_LEFT_IN = 1.05
# Under the last panel: its two-line date labels.
DATE_LABELS_IN = 0.45
PANEL_GAP_IN = 0.55
STRIP_GAP_IN = 0.42


@dataclass(frozen=True)
class Box:
    """A rectangle on a figure, in inches from the bottom-left corner."""

    left: float
    bottom: float
    width: float
    height: float


@dataclass(frozen=True)
class ChartLayout:
    """Where the events strip, the marker panels and their keys go inside a chart box."""

    box: Box
    rows: list[TimelineRow]
    timeline: Box | None
    panels: list[Box]
    key_below: bool


def key_below_height_in(data: ReportInput, marker: Marker) -> float:
    """The height a two-column key takes below a panel (PDF pages)."""
    return DATE_LABELS_IN + key_rows(data, marker, columns=2) * KEY_ROW_IN


def plan_chart(
    data: ReportInput,
    markers: list[Marker],
    box: Box,
    *,
    key_width: float = 0.0,
    key_height: float = 0.0,
) -> ChartLayout:
    """Split ``box`` into the events strip and one panel per marker.

    ``key_width`` is kept free right of the panels (PNG), ``key_height`` below the last
    one (PDF): a layout has its keys on one side only.
    """
    x0, x1 = x_range(data)
    axis_width = box.width - AXES_LEFT_IN - key_width
    rows = timeline_rows(data, x0, x1, axis_width)
    strip = timeline_height_in(rows)
    top = box.bottom + box.height
    timeline = None
    if rows:
        timeline = Box(box.left + AXES_LEFT_IN, top - strip, axis_width, strip)
        top -= strip + STRIP_GAP_IN
    else:
        top -= 0.3  # the first panel's title
    gaps = PANEL_GAP_IN * (len(markers) - 1)
    free = top - box.bottom - max(DATE_LABELS_IN, key_height) - gaps
    height = free / len(markers)
    panels = [
        Box(
            box.left + AXES_LEFT_IN,
            top - height - index * (height + PANEL_GAP_IN),
            axis_width,
            height,
        )
        for index in range(len(markers))
    ]
    return ChartLayout(box, rows, timeline, panels, key_below=key_height > 0)


def draw_chart(fig: Figure, layout: ChartLayout, data: ReportInput, markers: list[Marker]) -> None:
    """Draw the events strip, the marker panels and their keys planned in ``layout``."""
    width_in, height_in = fig.get_size_inches()
    x0, x1 = x_range(data)

    def axes_at(box: Box) -> Axes:
        return fig.add_axes(
            (
                box.left / width_in,
                box.bottom / height_in,
                box.width / width_in,
                box.height / height_in,
            )
        )

    if layout.timeline is not None:
        draw_timeline(axes_at(layout.timeline), layout.rows, x0, x1)
    # One date label per ~0.62 in keeps two-line labels such as "Sep / 2025" apart.
    ticks, labels = date_ticks(x0, x1, max(3, int(layout.panels[0].width / 0.62)))
    for index, (marker, box) in enumerate(zip(markers, layout.panels, strict=True)):
        ax = axes_at(box)
        draw_panel(fig, ax, data, marker, layout.rows, (x0, x1), box.height)
        ax.set_xticks(ticks, labels)
        ax.tick_params(axis="x", labelbottom=index == len(markers) - 1)
        below = None
        if layout.key_below:
            below = (layout.box.left, box.bottom - DATE_LABELS_IN, layout.box.width)
        draw_key(fig, ax, data, marker, below=below)


def overview_figure(data: ReportInput, *, titled: bool = True) -> Figure:
    """The PNG chart: every marker shown, one panel each, under the events strip.

    ``titled=False`` leaves out the heading (patient, period, the informs line): the web
    dashboard shows one such chart per marker under a page that already says all that.
    """
    from matplotlib.figure import Figure

    markers = data.shown_markers()
    key_width = max(key_width_in(data, marker) for marker in markers) + 0.1
    chart_width = PNG_WIDTH_IN - 0.2
    probe = plan_chart(data, markers, Box(0, 0, chart_width, 10), key_width=key_width)
    strip = timeline_height_in(probe.rows)
    # A key beside a panel may be taller than the panel: the panel grows to match it.
    tallest_key = max(key_rows(data, marker, columns=1) for marker in markers) * 0.2
    panel = max(PANEL_HEIGHT_IN, tallest_key)
    chart_height = (strip + STRIP_GAP_IN if strip else 0.3) + panel * len(markers)
    chart_height += PANEL_GAP_IN * (len(markers) - 1) + DATE_LABELS_IN
    height = chart_height + (1.05 if titled else 0.15)
    fig = Figure(figsize=(PNG_WIDTH_IN, height), dpi=PNG_DPI)
    if titled:
        _heading(fig, data, height)
    layout = plan_chart(
        data, markers, Box(0.1, 0.05, chart_width, chart_height), key_width=key_width
    )
    draw_chart(fig, layout, data, markers)
    return fig


def _heading(fig: Figure, data: ReportInput, height: float) -> None:
    start, end = data.period()
    fig.text(
        0.1 / PNG_WIDTH_IN,
        1 - 0.3 / height,
        f"Tumor markers: {data.patient}",
        fontsize=14,
        fontweight="bold",
        va="center",
    )
    fig.text(
        0.1 / PNG_WIDTH_IN,
        1 - 0.62 / height,
        f"{day_text(start)} to {day_text(end)} · made {day_text(data.generated_on)} · "
        f"{INFORMS} Discuss it with your oncologist.",
        fontsize=9,
        color=TEXT_GREY,
        va="center",
    )


def render_png(data: ReportInput) -> bytes:
    """The PNG chart as bytes (no software version or time in its metadata)."""
    buffer = io.BytesIO()
    with rendering(core_fonts=False):
        # A bare Figure saves through the Agg canvas; pyplot is never involved.
        overview_figure(data).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
