"""One marker's chart as SVG for the web app, drawn by the same code as the PNG and PDF.

Each reading gets an invisible hover target whose ``<title>`` holds its value and date,
so pointing at a point shows it (docs/design.md, "Web app"). matplotlib writes no
``<title>`` for artists, so the targets carry an id and the title is inserted after.
"""

from __future__ import annotations

import dataclasses
import io
import re
from html import escape

from tracker.catalogue.markers import marker_by_code
from tracker.catalogue.units import format_value
from tracker.trend.phrases import day_text

from .charts import overview_figure
from .data import ReportInput
from .panel import POINT_SIZE_PT
from .style import rendering
from .timeline import day_number

_TARGET_ID = re.compile(r'<g id="tmt-point-(\d+)">')


def render_marker_svg(data: ReportInput, marker_code: str) -> str:
    """The chart of one marker (with the events strip) as an SVG document."""
    from matplotlib import rc_context

    marker = marker_by_code(marker_code)
    one = dataclasses.replace(data, markers=(marker_code,))
    readings = one.readings_for(marker_code)
    titles: list[str] = []
    with rendering(core_fonts=False), rc_context({"svg.fonttype": "none", "svg.hashsalt": "tmt"}):
        fig = overview_figure(one, titled=False)
        panel = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith(marker.name))
        for index, reading in enumerate(readings):
            value = format_value(reading.qualifier, reading.value)
            lab = f", {reading.lab}" if reading.lab else ""
            titles.append(
                f"{marker.name} {value} {marker.unit} on {day_text(reading.drawn_on)}{lab}"
            )
            panel.plot(
                [day_number(reading.drawn_on)],
                [reading.value],
                linestyle="none",
                marker="o",
                markersize=POINT_SIZE_PT + 6,
                alpha=0.0,
                zorder=6,
                gid=f"tmt-point-{index}",
            )
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return _TARGET_ID.sub(
        lambda match: f"{match.group(0)}<title>{escape(titles[int(match.group(1))])}</title>",
        svg,
    )
