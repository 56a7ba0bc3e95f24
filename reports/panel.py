"""One marker's panel: values by lab, the reference band, nadir, flags, treatments, symptoms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.catalogue.event_kinds import SYMPTOM, TREATMENT
from tracker.catalogue.markers import Marker
from tracker.catalogue.units import format_number
from tracker.trend.types import NOT_CONFIRMED, Flag, ReadingPoint

from .data import ReportInput
from .style import (
    BAND_COLOUR,
    FLAG_ORDER,
    FLAG_STYLES,
    SERIES_STYLES,
    TEXT_GREY,
    TREATMENT_SHADES,
)
from .timeline import TimelineRow, day_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Values spanning more than this factor are drawn on a log scale, so that a rise from
# 2 to 6 stays visible next to a later 300.
LOG_SCALE_RATIO = 20.0
FLAG_STEP_PT = 10.0
FLAG_FIRST_PT = 9.0
FLAG_SIZE_PT = 7.0
POINT_SIZE_PT = 5.5
NADIR_RING_PT = 13.0
LIMIT_DASHES = (0, (5, 3))


@dataclass(frozen=True)
class LimitSteps:
    """The upper reference limit over time: it changes with the lab (or its own limit)."""

    xs: list[float]
    limits: list[float]


def limit_steps(data: ReportInput, marker: Marker, x0: float, x1: float) -> LimitSteps:
    """Each reading's limit holds from its date to the next reading's (a step line)."""
    readings = data.readings_for(marker.code)
    limits = [data.upper_limit_for(reading) for reading in readings]
    xs, values = [x0], [limits[0]]
    for reading, limit in zip(readings[1:], limits[1:], strict=True):
        if limit != values[-1]:
            xs.append(day_number(reading.drawn_on))
            values.append(limit)
    xs.append(x1)
    values.append(values[-1])
    return LimitSteps(xs, values)


def draw_panel(
    fig: Figure,
    ax: Axes,
    data: ReportInput,
    marker: Marker,
    rows: list[TimelineRow],
    x_limits: tuple[float, float],
    height_in: float,
) -> None:
    """Draw one marker into ``ax`` (``height_in`` tall) over the shared date range."""
    x0, x1 = x_limits
    groups = data.lab_groups(marker.code)
    flags = data.flags_for(marker.code)
    values = [reading.value for group in groups for reading in group.readings]
    steps = limit_steps(data, marker, x0, x1)
    headroom = (FLAG_FIRST_PT + FLAG_STEP_PT * _tallest_stack(flags) + 12) / (height_in * 72.0)
    low, high, log_scale = value_range(values, steps.limits, headroom)
    ax.set_xlim(x0, x1)
    ax.set_ylim(low, high)
    if log_scale:
        _log_axis(ax, low, high)
    ax.set_title(f"{marker.name} ({marker.unit})", loc="left", pad=4)
    ax.set_ylabel(marker.unit + (", log scale" if log_scale else ""))
    ax.grid(True, color="#E4E4E4", linewidth=0.6)
    ax.set_axisbelow(True)

    ax.fill_between(
        steps.xs,
        low,
        steps.limits,
        step="post",
        color=BAND_COLOUR,
        alpha=0.2,
        linewidth=0,
        zorder=0.5,
    )
    ax.step(
        steps.xs,
        steps.limits,
        where="post",
        color=TEXT_GREY,
        linestyle=LIMIT_DASHES,
        linewidth=0.9,
        zorder=1,
    )
    _draw_events(ax, rows)
    for index, group in enumerate(groups):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        xs = [day_number(reading.drawn_on) for reading in group.readings]
        ys = [reading.value for reading in group.readings]
        ax.plot(xs, ys, color=style.colour, linestyle=style.linestyle, linewidth=1.6, zorder=4)
        exact = [reading for reading in group.readings if reading.qualifier is None]
        limited = [reading for reading in group.readings if reading.qualifier is not None]
        _points(ax, exact, style.colour, filled=True)
        _points(ax, limited, style.colour, filled=False)
    _draw_nadir(ax, data, marker, (low, high), log_scale, flags)
    _draw_flags(fig, ax, flags)


def _draw_events(ax: Axes, rows: list[TimelineRow]) -> None:
    """Treatment periods as light grey columns (alternating), symptoms as ticks."""
    for row in rows:
        for item in row.items:
            if row.kind == TREATMENT and item.end is not None:
                ax.axvspan(
                    item.start,
                    item.end,
                    color=TREATMENT_SHADES[item.tint_index % 2],
                    linewidth=0,
                    zorder=0,
                )
                # A dotted line where a line of treatment starts (not where it is cut off).
                if item.start_shown:
                    ax.axvline(
                        item.start, color=TEXT_GREY, linestyle=":", linewidth=0.9, zorder=0.6
                    )
            if row.kind == SYMPTOM:
                ax.plot(
                    [item.start, item.start],
                    [0.0, 0.07],
                    transform=ax.get_xaxis_transform(),
                    color="black",
                    linewidth=1.6,
                    solid_capstyle="butt",
                    zorder=3,
                )


def _points(ax: Axes, readings: list[ReadingPoint], colour: str, *, filled: bool) -> None:
    if not readings:
        return
    ax.plot(
        [day_number(reading.drawn_on) for reading in readings],
        [reading.value for reading in readings],
        linestyle="none",
        marker="o",
        markersize=POINT_SIZE_PT,
        markerfacecolor=colour if filled else "white",
        markeredgecolor=colour,
        markeredgewidth=1.4,
        zorder=5,
    )


def value_range(
    values: list[float], limits: list[float], headroom: float
) -> tuple[float, float, bool]:
    """The value axis: its bounds and whether it is logarithmic (span over 20x)."""
    top_value = max([*values, *limits])
    positive = [value for value in values if value > 0]
    log_scale = len(positive) == len(values) and max(values) / min(values) > LOG_SCALE_RATIO
    if log_scale:
        low = min(positive) / 1.8
        span = math.log(top_value) - math.log(low)
        return low, math.exp(math.log(low) + span / (1.0 - headroom)), True
    return 0.0, max(top_value, 1e-9) / (1.0 - headroom), False


def _log_axis(ax: Axes, low: float, high: float) -> None:
    """Ticks at 1, 2 and 5 per decade, written as plain numbers (no 10^x)."""
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


def _tallest_stack(flags: list[Flag]) -> int:
    """The most flag symbols standing above any one reading."""
    stacks: dict[int, int] = {}
    for flag in flags:
        stacks[flag.reading_id] = stacks.get(flag.reading_id, 0) + 1
    return max(stacks.values(), default=0)


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
            ax.transData, fig=fig, y=FLAG_FIRST_PT + FLAG_STEP_PT * level, units="points"
        )
        ax.plot(
            [day_number(flag.drawn_on) for flag in members],
            [flag.value for flag in members],
            transform=transform,
            linestyle="none",
            marker=style.symbol,
            markersize=FLAG_SIZE_PT * style.scale,
            markerfacecolor="white" if hollow else style.colour,
            markeredgecolor=TEXT_GREY if hollow else "black",
            markeredgewidth=1.3 if hollow else 0.6,
            zorder=6,
            clip_on=False,
        )


def _draw_nadir(
    ax: Axes,
    data: ReportInput,
    marker: Marker,
    y_limits: tuple[float, float],
    log_scale: bool,
    flags: list[Flag],
) -> None:
    """Ring the current treatment line's nadir and name it, when it lies in the period."""
    series = data.series_for(marker.code)
    if not series:
        return
    nadir = series[0].nadir
    if data.since is not None and nadir.drawn_on < data.since:
        return
    low, high = y_limits
    x, y = day_number(nadir.drawn_on), nadir.value
    ax.plot(
        [x],
        [y],
        linestyle="none",
        marker="o",
        markersize=NADIR_RING_PT,
        markerfacecolor="none",
        markeredgecolor="black",
        markeredgewidth=1.2,
        zorder=6,
    )
    if log_scale:
        fraction = (math.log(max(y, low)) - math.log(low)) / (math.log(high) - math.log(low))
    else:
        fraction = (y - low) / (high - low)
    # Below the ring when there is room; otherwise above it, over any flag symbols (the
    # line leaves the nadir sideways, so beside it the word would sit on the line).
    below = fraction > 0.16
    stacked = sum(1 for flag in flags if flag.reading_id == nadir.id)
    above_pt = FLAG_FIRST_PT + FLAG_STEP_PT * stacked if stacked else NADIR_RING_PT / 2 + 1
    ax.annotate(
        "nadir",
        (x, y),
        xytext=(0, -11) if below else (0, above_pt),
        textcoords="offset points",
        ha="center",
        va="top" if below else "bottom",
        fontsize=7.5,
        # Grey, not italic: it names a point, it is not a value (and an italic face
        # would be one more font to load for a single word).
        color=TEXT_GREY,
        zorder=7,
    )
