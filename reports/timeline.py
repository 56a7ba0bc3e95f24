"""The shared date axis and the events strip above the marker panels.

Dates are drawn as day numbers (``date.toordinal()``) with ticks placed here rather than
by ``matplotlib.dates``: the labels are then the same on every machine (no locale), and
their spacing follows the space the axis really has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tracker.catalogue.event_kinds import (
    CONDITION,
    IMAGING,
    OTHER,
    SUPPORTIVE,
    SURGERY,
    SYMPTOM,
    TREATMENT,
)
from tracker.trend.phrases import month_name

from .data import ONGOING_KINDS, ReportInput
from .layout import DEJAVU
from .style import RULE_GREY, TEXT_GREY, TREATMENT_BARS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Event kinds by row, top to bottom, with the row's name.
ROWS = (
    (TREATMENT, "Treatment"),
    (SUPPORTIVE, "Supportive care"),
    (CONDITION, "Conditions"),
    (SURGERY, "Surgery"),
    (IMAGING, "Imaging"),
    (SYMPTOM, "Symptoms"),
    (OTHER, "Other"),
)
LANE_HEIGHT_IN = 0.22
LABEL_SIZE_PT = 7.5
_LABEL_GAP_DAYS_FRACTION = 0.004


def day_number(day: date) -> float:
    """A date as the x coordinate of every chart."""
    return float(day.toordinal())


def x_range(data: ReportInput) -> tuple[float, float]:
    """The days the charts span: the period shown plus a little air on both sides."""
    start, end = data.period()
    span = max((end - start).days, 30)
    pad = max(span * 0.03, 4.0)
    return day_number(start) - pad, day_number(end) + pad


def date_ticks(x0: float, x1: float, max_ticks: int) -> tuple[list[float], list[str]]:
    """Tick positions and two-line labels (``Mar`` / ``2025``) for a date axis."""
    first = date.fromordinal(math.ceil(x0))
    last = date.fromordinal(math.floor(x1))
    if x1 - x0 > 75:
        for step in (1, 2, 3, 4, 6, 12, 24, 60):
            days = _month_starts(first, last, step)
            if len(days) <= max_ticks:
                break
        labels = []
        for index, day in enumerate(days):
            if step >= 12:
                labels.append(str(day.year))
            elif index == 0 or day.month == 1:
                labels.append(f"{month_name(day.month)}\n{day.year}")
            else:
                labels.append(month_name(day.month))
        return [day_number(day) for day in days], labels
    for step in (1, 2, 7, 14):
        days = [
            day
            for day in (first + timedelta(n) for n in range((last - first).days + 1))
            if (day.toordinal() - 1) % step == 0
        ]
        if len(days) <= max_ticks:
            break
    labels = [
        f"{day.day} {month_name(day.month)}" + (f"\n{day.year}" if index == 0 else "")
        for index, day in enumerate(days)
    ]
    return [day_number(day) for day in days], labels


def _month_starts(first: date, last: date, step: int) -> list[date]:
    year, month = first.year, first.month
    if first.day > 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days = []
    while (year, month) <= (last.year, last.month):
        months_since_epoch = year * 12 + month - 1
        if months_since_epoch % step == 0:
            days.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


@dataclass(frozen=True)
class TimelineItem:
    """One event as drawn: a bar (start to end) or a mark (a single day)."""

    kind: str
    label: str
    start: float
    end: float | None  # None: a single-day mark
    lane: int
    label_x: float
    label_align: str  # "left" or "right"
    tint_index: int
    start_shown: bool  # False when the event began before the period shown


@dataclass(frozen=True)
class TimelineRow:
    """One kind of event, with as many lanes as its labels need."""

    kind: str
    title: str
    lanes: int
    items: list[TimelineItem]


def timeline_rows(
    data: ReportInput, x0: float, x1: float, axis_width_in: float
) -> list[TimelineRow]:
    """The events shown, laid out so that no two labels overlap."""
    days_per_pt = (x1 - x0) / (axis_width_in * 72.0)
    gap = (x1 - x0) * _LABEL_GAP_DAYS_FRACTION
    rows = []
    treatments_seen = 0
    events = data.events_shown()
    for kind, title in ROWS:
        lane_ends: list[float] = []
        items = []
        for event in (event for event in events if event.kind == kind):
            start = max(day_number(event.started_on), x0)
            end: float | None
            if event.ended_on is not None:
                end = min(day_number(event.ended_on), x1)
            elif kind in ONGOING_KINDS:
                end = x1
            else:
                end = None
            label = event.name
            width = DEJAVU.width_pt(label, LABEL_SIZE_PT) * days_per_pt
            if width > (x1 - x0) * 0.5:
                label = DEJAVU.shorten(label, (x1 - x0) * 0.5 / days_per_pt, LABEL_SIZE_PT)
                width = DEJAVU.width_pt(label, LABEL_SIZE_PT) * days_per_pt
            # The label starts just right of the bar's start (inside the bar) or of the
            # mark; near the right edge it ends at the start instead.
            if start + gap + width <= x1:
                label_x, align = start + gap * (1.0 if end is not None else 1.5), "left"
                occupied = (start, max(end or start, label_x + width) + gap)
            else:
                label_x, align = start - gap, "right"
                occupied = (label_x - width - gap, max(end or start, start) + gap)
            lane = next(
                (index for index, lane_end in enumerate(lane_ends) if lane_end < occupied[0]),
                len(lane_ends),
            )
            if lane == len(lane_ends):
                lane_ends.append(occupied[1])
            else:
                lane_ends[lane] = occupied[1]
            shown = day_number(event.started_on) >= x0
            items.append(
                TimelineItem(kind, label, start, end, lane, label_x, align, treatments_seen, shown)
            )
            if kind == TREATMENT:
                treatments_seen += 1
        if items:
            rows.append(TimelineRow(kind, title, len(lane_ends), items))
    return rows


def timeline_height_in(rows: list[TimelineRow]) -> float:
    """The height the events strip needs."""
    return sum(row.lanes for row in rows) * LANE_HEIGHT_IN


def draw_timeline(ax: Axes, rows: list[TimelineRow], x0: float, x1: float) -> None:
    """Draw the events strip: bars for periods, marks for single days, names beside them."""
    from matplotlib.ticker import NullLocator

    total = sum(row.lanes for row in rows)
    ax.set_xlim(x0, x1)
    ax.set_ylim(total, 0)
    # No ticks at all (the panels below carry the dates): a tick hidden by length=0 and
    # labelbottom=False is still made and drawn.
    ax.xaxis.set_major_locator(NullLocator())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(RULE_GREY)
    top = 0
    for row in rows:
        ax.text(
            -0.01,
            top + row.lanes / 2,
            row.title,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            fontweight="bold",
            color=TEXT_GREY,
        )
        if top > 0:
            ax.axhline(top, color="#DDDDDD", linewidth=0.6)
        for item in row.items:
            centre = top + item.lane + 0.5
            if item.end is not None:
                _bar(ax, row.kind, item, centre)
            else:
                ax.plot([item.start], [centre], marker="|", markersize=9, mew=2, color="black")
            ax.text(
                item.label_x,
                centre,
                item.label,
                ha=item.label_align,
                va="center",
                fontsize=LABEL_SIZE_PT,
                color="black",
            )
        top += row.lanes


def _bar(ax: Axes, kind: str, item: TimelineItem, centre: float) -> None:
    """A period: treatments filled grey (alternating), supportive care dashed, others plain."""
    if kind == TREATMENT:
        face, style = TREATMENT_BARS[item.tint_index % 2], "solid"
    else:
        face, style = "white", "dashed" if kind == SUPPORTIVE else "solid"
    ax.fill_between(
        [item.start, max(item.end or item.start, item.start + 1)],
        centre - 0.36,
        centre + 0.36,
        facecolor=face,
        edgecolor=TEXT_GREY,
        linestyle=style,
        linewidth=0.8,
    )
