"""The key beside (PNG) or below (PDF) a marker panel: only what that panel shows."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from tracker.catalogue.event_kinds import SYMPTOM, TREATMENT
from tracker.catalogue.markers import Marker
from tracker.catalogue.units import format_number
from tracker.trend.types import NOT_CONFIRMED

from .data import ReportInput
from .layout import DEJAVU
from .panel import FLAG_SIZE_PT, LIMIT_DASHES, NADIR_RING_PT, POINT_SIZE_PT
from .style import (
    BAND_COLOUR,
    BLACK,
    FLAG_ORDER,
    FLAG_STYLES,
    SERIES_STYLES,
    TEXT_GREY,
    TREATMENT_BARS,
)
from .textblock import Line, TextBlock

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

KEY_SIZE_PT = 8.0
KEY_ROW_IN = 0.165
# The symbol column and the gap before the text, in inches (a symbol 2.2 em long + pad).
KEY_HANDLE_IN = 0.36
KEY_HANDLE_LENGTH_IN = 2.2 * KEY_SIZE_PT / 72.0
KEY_PATCH_HEIGHT_IN = 0.7 * KEY_SIZE_PT / 72.0
# From a row's middle down to its text's baseline: half a capital letter's height.
KEY_TEXT_DROP_IN = 0.36 * KEY_SIZE_PT / 72.0
KEY_COLUMN_GAP_IN = 0.2
# A key beside its panel starts this fraction of the panel's width to its right.
BESIDE_GAP = 0.015
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


def _symbol(kind: str, x_in: float, y_in: float, transform: Transform) -> Artist:
    """The symbol of ``kind`` with its handle's left end at ``x_in``, centred on ``y_in``."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    middle = x_in + KEY_HANDLE_LENGTH_IN / 2

    def mark(**style: Any) -> Line2D:
        return Line2D([middle], [y_in], linestyle="none", transform=transform, **style)

    def patch(**style: Any) -> Rectangle:
        height = KEY_PATCH_HEIGHT_IN
        corner = (x_in, y_in - height / 2)
        return Rectangle(corner, KEY_HANDLE_LENGTH_IN, height, transform=transform, **style)

    if kind.startswith("series:"):
        style = SERIES_STYLES[int(kind.split(":")[1]) % len(SERIES_STYLES)]
        # A stretch of the series' line with one point in its middle.
        return Line2D(
            [x_in, middle, x_in + KEY_HANDLE_LENGTH_IN],
            [y_in, y_in, y_in],
            color=style.colour,
            linestyle=style.linestyle,
            marker="o",
            markevery=[1],
            markersize=POINT_SIZE_PT,
            linewidth=1.6,
            transform=transform,
        )
    if kind.startswith("flag:"):
        flag = FLAG_STYLES[kind.split(":")[1]]
        return mark(
            marker=flag.symbol,
            markersize=FLAG_SIZE_PT * flag.scale,
            markerfacecolor=flag.colour,
            markeredgecolor="black",
            markeredgewidth=0.6,
        )
    if kind == "open":
        colour = SERIES_STYLES[0].colour
        return mark(
            marker="o",
            markersize=POINT_SIZE_PT,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=1.4,
        )
    if kind == "band":
        return patch(facecolor=BAND_COLOUR, alpha=0.35, edgecolor=TEXT_GREY, linestyle=LIMIT_DASHES)
    if kind == "nadir":
        return mark(
            marker="o",
            markersize=NADIR_RING_PT * 0.85,
            markerfacecolor="none",
            markeredgecolor="black",
        )
    if kind == "hollow":
        return mark(
            marker="^",
            markersize=FLAG_SIZE_PT,
            markerfacecolor="white",
            markeredgecolor=TEXT_GREY,
            markeredgewidth=1.3,
        )
    if kind == TREATMENT:
        return patch(facecolor=TREATMENT_BARS[0], edgecolor=TEXT_GREY, linewidth=0.6)
    return mark(marker="|", markersize=9, mew=1.6, color="black")


def draw_key(
    fig: Figure,
    ax: Axes,
    data: ReportInput,
    marker: Marker,
    *,
    below: tuple[float, float, float] | None,
) -> None:
    """Draw the key of ``ax``: beside it, or ``below`` at (left, top) inches, ``width``.

    Symbols and texts are placed on a fixed grid (rows of ``KEY_ROW_IN``, columns side by
    side) and drawn directly: matplotlib's legend measures and packs every entry through
    its layout boxes, which cost more than the rest of a chart's panel.
    """
    entries = _entries(data, marker)
    width_in, height_in = fig.get_size_inches()
    if below is None:
        box = ax.get_position()  # figure fractions
        left = (box.x1 + BESIDE_GAP * box.width) * width_in
        top = box.y1 * height_in
        columns, column_in = 1, MAX_KEY_WIDTH_IN
    else:
        left, top, width = below
        # Two columns; a long lab name is cut so the second column stays on the page.
        columns, column_in = 2, (width - KEY_COLUMN_GAP_IN) / 2
    text_pt = (column_in - KEY_HANDLE_IN) * 72.0
    rows = math.ceil(len(entries) / columns)
    block = TextBlock(fig)
    transform = fig.dpi_scale_trans
    # Entries fill the first column top to bottom, then the next.
    for index, (kind, label) in enumerate(entries):
        column, row = divmod(index, rows)
        x = left + column * (column_in + KEY_COLUMN_GAP_IN)
        middle = top - (row + 0.5) * KEY_ROW_IN
        fig.add_artist(_symbol(kind, x, middle, transform))
        text = DEJAVU.shorten(label, text_pt, KEY_SIZE_PT)
        baseline = middle - KEY_TEXT_DROP_IN
        block.add(Line(x + KEY_HANDLE_IN, baseline, text, KEY_SIZE_PT, False, BLACK, "left"))
    fig.add_artist(block)
