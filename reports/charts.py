"""Marker charts as matplotlib ``Figure`` objects (never pyplot's global state).

One panel per marker on a shared date axis, under a strip of the logged events. The
same drawing code fills the PNG (all markers in one figure) and each chart page of the
PDF (one marker per page).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.markers import Marker
from tracker.trend_types import NOT_CONFIRMED, Flag, ReadingPoint
from tracker.units import format_number

from .data import ReportInput
from .style import (
    BAND_COLOUR,
    FLAG_ORDER,
    FLAG_STYLES,
    SERIES_STYLES,
    TEXT_GREY,
    TREATMENT_ALPHA,
    TREATMENT_TINTS,
    rendering,
)
from .timeline import (
    TimelineRow,
    date_ticks,
    day_number,
    draw_timeline,
    timeline_height_in,
    timeline_rows,
    x_range,
)
from .wording import INFORMS, day_text

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Values spanning more than this factor are drawn on a log scale, so that a rise from
# 2 to 6 stays visible next to a later 300.
LOG_SCALE_RATIO = 20.0
PNG_WIDTH_IN = 11.0
PNG_DPI = 160  # 11 in x 160 dpi = 1760 px wide
PANEL_HEIGHT_IN = 3.1
# Space for the date labels between a panel and a key drawn below it, and per key row.
LEGEND_GAP_IN = 0.42
LEGEND_ROW_IN = 0.165
_FLAG_STEP_PT = 10.0
_FLAG_FIRST_PT = 9.0
_FLAG_SIZE_PT = 7.0


@dataclass(frozen=True)
class Box:
    """A rectangle on a figure, in inches from the bottom-left corner."""

    left: float
    bottom: float
    width: float
    height: float


@dataclass(frozen=True)
class ChartLayout:
    """Where the events strip and the marker panels go inside a chart box."""

    rows: list[TimelineRow]
    timeline: Box | None
    panels: list[Box]
    legend_below: bool


def legend_height_in(data: ReportInput, marker: Marker, columns: int) -> float:
    """The height a marker's key takes below its panel, with ``columns`` columns."""
    rows = math.ceil(len(_legend_entries(data, marker)) / columns)
    return LEGEND_GAP_IN + rows * LEGEND_ROW_IN


def plan_chart(
    data: ReportInput,
    markers: list[Marker],
    box: Box,
    *,
    legend_below: bool,
    legend_width_in: float = 0.0,
    legend_height_in: float = 0.0,
) -> ChartLayout:
    """Split ``box`` into the events strip and one panel per marker."""
    x0, x1 = x_range(data)
    left_margin = 1.05  # the events strip's row names and the value axis labels
    axis_width = box.width - left_margin - legend_width_in
    rows = timeline_rows(data, x0, x1, axis_width)
    strip = timeline_height_in(rows)
    top = box.bottom + box.height
    timeline = None
    if rows:
        timeline = Box(box.left + left_margin, top - strip, axis_width, strip)
        top -= strip + 0.42  # room for the first panel's title
    else:
        top -= 0.3
    axis_labels = 0.45  # the date labels under the last panel
    gaps = 0.55 * (len(markers) - 1)
    free = top - box.bottom - axis_labels - gaps - legend_height_in
    height = free / len(markers)
    panels = []
    for index in range(len(markers)):
        bottom = top - height - index * (height + 0.55)
        panels.append(Box(box.left + left_margin, bottom, axis_width, height))
    return ChartLayout(rows, timeline, panels, legend_below)


def draw_chart(fig: Figure, layout: ChartLayout, data: ReportInput, markers: list[Marker]) -> None:
    """Draw the events strip and the marker panels planned in ``layout``."""
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
    ticks, labels = date_ticks(x0, x1, max(3, int(layout.panels[0].width / 0.62)))
    for index, (marker, box) in enumerate(zip(markers, layout.panels, strict=True)):
        ax = axes_at(box)
        draw_panel(fig, ax, data, marker, layout.rows, (x0, x1), box.height)
        ax.set_xticks(ticks, labels)
        ax.tick_params(axis="x", labelbottom=index == len(markers) - 1)
        _draw_legend(fig, ax, data, marker, below=layout.legend_below, box=box)


def draw_panel(
    fig: Figure,
    ax: Axes,
    data: ReportInput,
    marker: Marker,
    rows: list[TimelineRow],
    x_limits: tuple[float, float],
    height_in: float,
) -> None:
    """One marker: values by lab, reference band, nadir, flags, treatments, symptoms."""
    x0, x1 = x_limits
    groups = data.lab_groups(marker.code)
    flags = data.flags_for(marker.code)
    values = [reading.value for group in groups for reading in group.readings]
    stack = _flag_stacks(flags)
    headroom = (_FLAG_FIRST_PT + _FLAG_STEP_PT * max(stack.values(), default=0) + 12) / (
        height_in * 72.0
    )
    limits = _limits(data, marker)
    low, high, log_scale = _value_range(values, limits, headroom)
    ax.set_xlim(x0, x1)
    ax.set_ylim(low, high)
    if log_scale:
        _log_axis(ax, low, high)
    ax.set_title(f"{marker.name} ({marker.unit})", loc="left", pad=4)
    ax.set_ylabel(marker.unit + (", log scale" if log_scale else ""))
    ax.grid(True, color="#E4E4E4", linewidth=0.6)
    ax.set_axisbelow(True)

    current_limit = limits[-1][1]
    ax.axhspan(low, current_limit, color=BAND_COLOUR, alpha=0.16, linewidth=0, zorder=0)
    for _label, limit in limits:
        ax.axhline(limit, color=TEXT_GREY, linestyle=(0, (5, 3)), linewidth=0.9, zorder=1)

    for row in rows:
        for item in row.items:
            if row.kind == "treatment" and item.end is not None:
                ax.axvspan(
                    item.start,
                    item.end,
                    color=TREATMENT_TINTS[item.tint_index % 2],
                    alpha=TREATMENT_ALPHA[item.tint_index % 2],
                    linewidth=0,
                    zorder=0,
                )
            if row.kind == "symptom":
                ax.plot(
                    [item.start, item.start],
                    [0.0, 0.07],
                    transform=ax.get_xaxis_transform(),
                    color="black",
                    linewidth=1.6,
                    solid_capstyle="butt",
                    zorder=3,
                )

    for index, group in enumerate(groups):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        xs = [day_number(reading.drawn_on) for reading in group.readings]
        ys = [reading.value for reading in group.readings]
        ax.plot(xs, ys, color=style.colour, linestyle=style.linestyle, linewidth=1.6, zorder=4)
        exact = [reading for reading in group.readings if reading.qualifier is None]
        limited = [reading for reading in group.readings if reading.qualifier is not None]
        _points(ax, exact, style.colour, filled=True)
        _points(ax, limited, style.colour, filled=False)

    _draw_nadir(ax, data, marker, low, high, log_scale)
    _draw_flags(fig, ax, flags)


def _points(ax: Axes, readings: list[ReadingPoint], colour: str, *, filled: bool) -> None:
    if not readings:
        return
    ax.plot(
        [day_number(reading.drawn_on) for reading in readings],
        [reading.value for reading in readings],
        linestyle="none",
        marker="o",
        markersize=5.5,
        markerfacecolor=colour if filled else "white",
        markeredgecolor=colour,
        markeredgewidth=1.4,
        zorder=5,
    )


def _limits(data: ReportInput, marker: Marker) -> list[tuple[str, float]]:
    """Each lab's upper reference limit (its latest reading's), the current lab last."""
    limits: dict[float, str] = {}
    groups = data.lab_groups(marker.code)
    groups.sort(key=lambda group: (group.readings[-1].drawn_on, group.readings[-1].id))
    for group in groups:
        limit = data.upper_limit_for(group.readings[-1])
        limits.pop(limit, None)
        limits[limit] = group.label
    return [(label, limit) for limit, label in limits.items()]


def _value_range(
    values: list[float], limits: list[tuple[str, float]], headroom: float
) -> tuple[float, float, bool]:
    """The value axis: its bounds and whether it is logarithmic."""
    top_value = max([*values, *(limit for _label, limit in limits)])
    positive = [value for value in values if value > 0]
    log_scale = len(positive) == len(values) and max(values) / min(values) > LOG_SCALE_RATIO
    if log_scale:
        low = min(positive) / 1.8
        span = math.log(top_value) - math.log(low)
        return low, math.exp(math.log(low) + span / (1.0 - headroom)), True
    return 0.0, max(top_value, 1e-9) / (1.0 - headroom), False


def _log_axis(ax: Axes, low: float, high: float) -> None:
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_yscale("log")
    ticks = [
        mantissa * 10.0**exponent
        for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
        for mantissa in (1, 2, 5)
    ]
    ticks = [tick for tick in ticks if low <= tick <= high]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticks(ticks, [format_number(round(tick, 6)) for tick in ticks])


def _flag_stacks(flags: list[Flag]) -> dict[int, int]:
    """How many flag symbols stand above each reading."""
    stacks: dict[int, int] = {}
    for flag in flags:
        stacks[flag.reading_id] = stacks.get(flag.reading_id, 0) + 1
    return stacks


def _draw_flags(fig: Figure, ax: Axes, flags: list[Flag]) -> None:
    """Flag symbols stacked above their reading, one drawing call per kind and level."""
    from matplotlib.transforms import offset_copy

    by_reading: dict[int, list[Flag]] = {}
    for flag in flags:
        by_reading.setdefault(flag.reading_id, []).append(flag)
    groups: dict[tuple[str, bool, int], list[Flag]] = {}
    for reading_flags in by_reading.values():
        reading_flags.sort(key=lambda flag: FLAG_ORDER.index(flag.kind))
        for level, flag in enumerate(reading_flags):
            hollow = flag.status == NOT_CONFIRMED
            groups.setdefault((flag.kind, hollow, level), []).append(flag)
    for (kind, hollow, level), members in sorted(groups.items()):
        style = FLAG_STYLES[kind]
        transform = offset_copy(
            ax.transData, fig=fig, y=_FLAG_FIRST_PT + _FLAG_STEP_PT * level, units="points"
        )
        ax.plot(
            [day_number(flag.drawn_on) for flag in members],
            [flag.value for flag in members],
            transform=transform,
            linestyle="none",
            marker=style.symbol,
            markersize=_FLAG_SIZE_PT * (1.35 if style.symbol == "*" else 1.0),
            markerfacecolor="white" if hollow else style.colour,
            markeredgecolor=style.colour if hollow else "black",
            markeredgewidth=1.3 if hollow else 0.6,
            zorder=6,
            clip_on=False,
        )


def _draw_nadir(
    ax: Axes, data: ReportInput, marker: Marker, low: float, high: float, log_scale: bool
) -> None:
    """Ring the current treatment line's nadir and name it, when it lies in the period."""
    series = data.series_for(marker.code)
    if not series:
        return
    nadir = series[0].nadir
    if data.since is not None and nadir.drawn_on < data.since:
        return
    x, y = day_number(nadir.drawn_on), nadir.value
    ax.plot(
        [x],
        [y],
        linestyle="none",
        marker="o",
        markersize=13,
        markerfacecolor="none",
        markeredgecolor="black",
        markeredgewidth=1.2,
        zorder=6,
    )
    if log_scale:
        fraction = (math.log(max(y, low)) - math.log(low)) / (math.log(high) - math.log(low))
    else:
        fraction = (y - low) / (high - low)
    # Below the ring when there is room, otherwise to its right.
    offset, align, valign = (
        ((0, -11), "center", "top") if fraction > 0.16 else ((9, 0), "left", "center")
    )
    ax.annotate(
        "nadir",
        (x, y),
        xytext=offset,
        textcoords="offset points",
        ha=align,
        va=valign,
        fontsize=7.5,
        fontstyle="italic",
        zorder=7,
    )


def _legend_entries(data: ReportInput, marker: Marker) -> list[tuple[Artist, str]]:
    """The key of one panel: only what the panel shows."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    entries: list[tuple[Artist, str]] = []
    groups = data.lab_groups(marker.code)
    for index, group in enumerate(groups):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    color=style.colour,
                    linestyle=style.linestyle,
                    marker="o",
                    markersize=5.5,
                    linewidth=1.6,
                ),
                f"results, {group.label}",
            )
        )
    readings = [reading for group in groups for reading in group.readings]
    if any(reading.qualifier for reading in readings):
        colour = SERIES_STYLES[0].colour
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=5.5,
                    markerfacecolor="white",
                    markeredgecolor=colour,
                    markeredgewidth=1.4,
                ),
                "outside the lab's measuring range (drawn at its limit)",
            )
        )
    limits = _limits(data, marker)
    limit_text = ", ".join(
        f"{format_number(limit)}" + (f" ({label})" if len(limits) > 1 else "")
        for label, limit in limits
    )
    entries.append(
        (
            Patch(facecolor=BAND_COLOUR, alpha=0.3, edgecolor=TEXT_GREY, linestyle="--"),
            f"shaded: up to the upper reference limit ({limit_text} {marker.unit})",
        )
    )
    if data.series_for(marker.code):
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=11,
                    markerfacecolor="none",
                    markeredgecolor="black",
                ),
                "nadir: lowest since the current treatment began",
            )
        )
    flags = data.flags_for(marker.code)
    kinds = {flag.kind for flag in flags}
    for kind in FLAG_ORDER:
        if kind in kinds:
            flag_style = FLAG_STYLES[kind]
            entries.append(
                (
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker=flag_style.symbol,
                        markersize=_FLAG_SIZE_PT * (1.35 if flag_style.symbol == "*" else 1.0),
                        markerfacecolor=flag_style.colour,
                        markeredgecolor="black",
                        markeredgewidth=0.6,
                    ),
                    flag_style.label,
                )
            )
    if any(flag.status == NOT_CONFIRMED for flag in flags):
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="^",
                    markersize=_FLAG_SIZE_PT,
                    markerfacecolor="white",
                    markeredgecolor=TEXT_GREY,
                    markeredgewidth=1.3,
                ),
                "hollow flag: the next test did not confirm it",
            )
        )
    events = data.events_shown()
    if any(event.kind == "treatment" for event in events):
        entries.append(
            (
                Patch(facecolor=TREATMENT_TINTS[0], alpha=TREATMENT_ALPHA[0] * 2),
                "treatment period (named in the strip above)",
            )
        )
    if any(event.kind == "symptom" for event in events):
        entries.append(
            (
                Line2D([], [], linestyle="none", marker="|", markersize=9, mew=1.6, color="black"),
                "symptom logged",
            )
        )
    return entries


def _draw_legend(
    fig: Figure, ax: Axes, data: ReportInput, marker: Marker, *, below: bool, box: Box
) -> None:
    entries = _legend_entries(data, marker)
    handles = [handle for handle, _label in entries]
    labels = [label for _handle, label in entries]
    if below:
        # Anchored in inches under the two-line date labels, whatever the panel's height.
        ax.legend(
            handles,
            labels,
            loc="upper left",
            ncol=2,
            bbox_to_anchor=(box.left - 0.1, box.bottom - LEGEND_GAP_IN),
            bbox_transform=fig.dpi_scale_trans,
            handlelength=2.2,
            columnspacing=1.5,
            borderaxespad=0.0,
        )
    else:
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.015, 1.0),
            handlelength=2.2,
            borderaxespad=0.0,
        )


def overview_figure(data: ReportInput) -> Figure:
    """The PNG chart: every marker shown, one panel each, under the events strip."""
    from matplotlib.figure import Figure

    markers = data.shown_markers()
    legend_width = 3.0
    probe = plan_chart(
        data,
        markers,
        Box(0, 0, PNG_WIDTH_IN - 0.2, 10),
        legend_below=False,
        legend_width_in=legend_width,
    )
    strip = timeline_height_in(probe.rows)
    height = 1.0 + strip + (0.42 if strip else 0.3) + PANEL_HEIGHT_IN * len(markers)
    height += 0.55 * (len(markers) - 1) + 0.45
    # The key beside a panel may be taller than the panel itself.
    tallest_key = max(len(_legend_entries(data, marker)) for marker in markers) * 0.2
    height += max(0.0, tallest_key - PANEL_HEIGHT_IN) * len(markers)
    fig = Figure(figsize=(PNG_WIDTH_IN, height), dpi=PNG_DPI)
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
    layout = plan_chart(
        data,
        markers,
        Box(0.1, 0.05, PNG_WIDTH_IN - 0.2, height - 1.05),
        legend_below=False,
        legend_width_in=legend_width,
    )
    draw_chart(fig, layout, data, markers)
    return fig


def render_png(data: ReportInput) -> bytes:
    """The PNG chart as bytes (no software version or time in its metadata)."""
    buffer = io.BytesIO()
    with rendering(core_fonts=False):
        # A bare Figure saves through the Agg canvas; pyplot is never involved.
        overview_figure(data).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
