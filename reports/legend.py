"""The key beside (PNG) or below (PDF) a marker panel: only what that panel shows."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tracker.catalogue.event_kinds import SYMPTOM, TREATMENT
from tracker.catalogue.markers import Marker
from tracker.catalogue.units import format_number
from tracker.trend.types import NOT_CONFIRMED

from .data import ReportInput
from .layout import DEJAVU
from .panel import FLAG_SIZE_PT, LIMIT_DASHES, NADIR_RING_PT, POINT_SIZE_PT
from .style import BAND_COLOUR, FLAG_ORDER, FLAG_STYLES, SERIES_STYLES, TEXT_GREY, TREATMENT_BARS

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

KEY_SIZE_PT = 8.0
KEY_ROW_IN = 0.165
# The symbol column and the gap before the text, in inches (handlelength 2.2 em + pad).
KEY_HANDLE_IN = 0.36
KEY_COLUMN_GAP_IN = 0.2
# A key beside the panels (PNG) is at most this wide; longer texts (lab names) are cut.
MAX_KEY_WIDTH_IN = 3.6


def key_labels(data: ReportInput, marker: Marker) -> list[str]:
    """The texts of a panel's key, in order (the symbols are made when drawing)."""
    return [label for _kind, label in _entries(data, marker)]


def key_rows(data: ReportInput, marker: Marker, columns: int) -> int:
    """How many rows the key takes in ``columns`` columns."""
    return math.ceil(len(_entries(data, marker)) / columns)


def key_width_in(data: ReportInput, marker: Marker) -> float:
    """The width of a one-column key, in inches."""
    widest = max(DEJAVU.width_pt(label, KEY_SIZE_PT) for label in key_labels(data, marker))
    return min(widest / 72.0 + KEY_HANDLE_IN, MAX_KEY_WIDTH_IN)


def _entries(data: ReportInput, marker: Marker) -> list[tuple[str, str]]:
    """(symbol kind, text) pairs: which symbol to draw and what it means."""
    entries: list[tuple[str, str]] = []
    groups = data.lab_groups(marker.code)
    for index, group in enumerate(groups):
        entries.append((f"series:{index}", f"results, {group.label}"))
    if any(reading.qualifier for group in groups for reading in group.readings):
        entries.append(("open", "outside the lab's range (drawn at its limit)"))
    limits = sorted({data.upper_limit_for(r) for g in groups for r in g.readings})
    if len(limits) == 1:
        band = f"normal range: up to {format_number(limits[0])} {marker.unit}"
    else:
        band = (
            f"normal range: up to each lab's limit "
            f"({format_number(limits[0])}–{format_number(limits[-1])} {marker.unit})"
        )
    entries.append(("band", band))
    series = data.series_for(marker.code)
    if series:
        # The ringed nadir is the current treatment line's (docs/clinical-rules.md,
        # "Treatment lines"); with no treatment logged it is the lowest of all results.
        if series[0].line_start is not None:
            entries.append(("nadir", "nadir: lowest of the current treatment line"))
        else:
            entries.append(("nadir", "nadir: lowest of all results"))
    flags = data.flags_for(marker.code)
    kinds = {flag.kind for flag in flags}
    entries += [(f"flag:{kind}", FLAG_STYLES[kind].label) for kind in FLAG_ORDER if kind in kinds]
    if any(flag.status == NOT_CONFIRMED for flag in flags):
        entries.append(("hollow", "hollow: not confirmed by the next test"))
    events = data.events_shown()
    if any(event.kind == TREATMENT for event in events):
        entries.append((TREATMENT, "treatment period (named above)"))
    if any(event.kind == SYMPTOM for event in events):
        entries.append((SYMPTOM, "symptom logged"))
    return entries


def _symbol(kind: str) -> Artist:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if kind.startswith("series:"):
        style = SERIES_STYLES[int(kind.split(":")[1]) % len(SERIES_STYLES)]
        return Line2D(
            [],
            [],
            color=style.colour,
            linestyle=style.linestyle,
            marker="o",
            markersize=POINT_SIZE_PT,
            linewidth=1.6,
        )
    if kind.startswith("flag:"):
        flag = FLAG_STYLES[kind.split(":")[1]]
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=flag.symbol,
            markersize=FLAG_SIZE_PT * flag.scale,
            markerfacecolor=flag.colour,
            markeredgecolor="black",
            markeredgewidth=0.6,
        )
    if kind == "open":
        colour = SERIES_STYLES[0].colour
        return Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=POINT_SIZE_PT,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=1.4,
        )
    if kind == "band":
        return Patch(facecolor=BAND_COLOUR, alpha=0.35, edgecolor=TEXT_GREY, linestyle=LIMIT_DASHES)
    if kind == "nadir":
        return Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=NADIR_RING_PT * 0.85,
            markerfacecolor="none",
            markeredgecolor="black",
        )
    if kind == "hollow":
        return Line2D(
            [],
            [],
            linestyle="none",
            marker="^",
            markersize=FLAG_SIZE_PT,
            markerfacecolor="white",
            markeredgecolor=TEXT_GREY,
            markeredgewidth=1.3,
        )
    if kind == TREATMENT:
        return Patch(facecolor=TREATMENT_BARS[0], edgecolor=TEXT_GREY, linewidth=0.6)
    return Line2D([], [], linestyle="none", marker="|", markersize=9, mew=1.6, color="black")


def draw_key(
    fig: Figure,
    ax: Axes,
    data: ReportInput,
    marker: Marker,
    *,
    below: tuple[float, float, float] | None,
) -> None:
    """Draw the key of ``ax``: beside it, or ``below`` at (left, top) inches, ``width``."""
    entries = _entries(data, marker)
    handles = [_symbol(kind) for kind, _label in entries]
    if below is None:
        text_pt = (MAX_KEY_WIDTH_IN - KEY_HANDLE_IN) * 72.0
        labels = [DEJAVU.shorten(label, text_pt, KEY_SIZE_PT) for _kind, label in entries]
        ax.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(1.015, 1.0),
            handlelength=2.2,
            borderaxespad=0.0,
            fontsize=KEY_SIZE_PT,
        )
        return
    left, top, width = below
    # Two columns; a long lab name is cut so the second column stays on the page.
    text_pt = ((width - KEY_COLUMN_GAP_IN) / 2 - KEY_HANDLE_IN) * 72.0
    labels = [DEJAVU.shorten(label, text_pt, KEY_SIZE_PT) for _kind, label in entries]
    ax.legend(
        handles,
        labels,
        loc="upper left",
        ncol=2,
        bbox_to_anchor=(left, top),
        bbox_transform=fig.dpi_scale_trans,
        handlelength=2.2,
        columnspacing=1.2,
        borderaxespad=0.0,
        fontsize=KEY_SIZE_PT,
    )
