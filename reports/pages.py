"""Flowing text, charts and tables down A4 pages, starting new pages as they fill.

Everything is placed in inches (``fig.dpi_scale_trans``) one line at a time, so the
position of each line is known exactly and nothing is squeezed: a long table or a long
list of flags simply continues on the next page under a "(continued)" heading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .layout import Metrics
from .style import RULE_GREY, TEXT_GREY
from .textblock import Line

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .textblock import TextBlock

PAGE_WIDTH_IN = 8.27
PAGE_HEIGHT_IN = 11.69
MARGIN_LEFT_IN = 0.75
MARGIN_RIGHT_IN = 0.75
MARGIN_TOP_IN = 0.65
MARGIN_BOTTOM_IN = 0.72
TEXT_WIDTH_IN = PAGE_WIDTH_IN - MARGIN_LEFT_IN - MARGIN_RIGHT_IN
BODY_PT = 9.5
LINE_FACTOR = 1.38  # line pitch as a multiple of the font size
BLOCK_GAP_IN = 0.18
FOOTER_IN = 0.45  # the footer's baseline above the page's foot
MARGIN_TEXT_PT = 7.5  # the running head, the footer and the page numbers
FOOTER_GAP_IN = 0.25  # at least this much white between the footer and the page number
TABLE_PT = 8.5
MAX_CELL_LINES = 3
# A table heading needs its column titles and three rows below it on the same page.
TABLE_KEEP_IN = 4 * TABLE_PT * LINE_FACTOR * 1.08 / 72.0 + 0.06


@dataclass(frozen=True)
class Column:
    """One column of a table: heading, width and alignment."""

    title: str
    width_in: float
    align: str = "left"  # "left" or "right"


def _pitch_in(size_pt: float) -> float:
    return size_pt * LINE_FACTOR / 72.0


class Flow:
    """Lays out blocks top to bottom over as many pages as they need."""

    def __init__(self, running_head: str, metrics: Metrics) -> None:
        self.pages: list[Figure] = []
        self._blocks: list[TextBlock] = []
        self._metrics = metrics
        self._running_head = running_head
        self._y = 0.0  # the next baseline's distance from the page bottom, in inches
        self._continued = ""

    @property
    def page(self) -> Figure:
        return self.pages[-1]

    def new_page(self, continued: str = "") -> None:
        """Start a page; ``continued`` names the section carried over onto it."""
        from matplotlib.figure import Figure

        from .textblock import TextBlock

        fig = Figure(figsize=(PAGE_WIDTH_IN, PAGE_HEIGHT_IN))
        self.pages.append(fig)
        self._blocks.append(TextBlock(fig))
        fig.add_artist(self._blocks[-1])
        self._y = PAGE_HEIGHT_IN - MARGIN_TOP_IN
        self._text(
            PAGE_WIDTH_IN - MARGIN_RIGHT_IN,
            self._y + 0.25,
            # A name may be 200 characters long: cut, it stays inside the margins.
            self._metrics.shorten(self._running_head, TEXT_WIDTH_IN * 72.0, MARGIN_TEXT_PT),
            size=MARGIN_TEXT_PT,
            colour=TEXT_GREY,
            align="right",
        )
        self._continued = continued
        if continued:
            self._y -= _pitch_in(12)
            self._text(MARGIN_LEFT_IN, self._y, f"{continued} (continued)", size=12, bold=True)
            self._y -= 0.12

    def section(self, name: str) -> None:
        """Name what the following pages continue, for their "(continued)" heading."""
        self._continued = name

    def room(self, height_in: float) -> None:
        """Move to a new page unless ``height_in`` still fits on this one."""
        if not self.pages or self._y - height_in < MARGIN_BOTTOM_IN:
            self.new_page(self._continued)

    def space(self, height_in: float) -> None:
        """Vertical space (dropped at the bottom of a page)."""
        self._y -= height_in

    def heading(self, text: str, size: float = 12.0, *, keep_in: float = 0.0) -> None:
        """A bold heading, kept with what follows (two lines, or ``keep_in`` inches)."""
        self.room(_pitch_in(size) + 0.08 + max(keep_in, 2 * _pitch_in(BODY_PT)))
        self._y -= _pitch_in(size)
        self._text(MARGIN_LEFT_IN, self._y, text, size=size, bold=True)
        self._y -= 0.08

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_PT,
        indent_in: float = 0.0,
        bullet: str = "",
        colour: str = "black",
        bold: bool = False,
        after_in: float = 0.05,
    ) -> None:
        """Wrapped text; a ``bullet`` hangs in the margin of the first line."""
        width_pt = (TEXT_WIDTH_IN - indent_in) * 72.0
        lines = self._metrics.wrap(text, width_pt, size, bold=bold)
        pitch = _pitch_in(size)
        fits = int((self._y - MARGIN_BOTTOM_IN) / pitch + 1e-9)
        # No paragraph leaves a single line behind or carries a single line over.
        break_before = -1
        if fits < len(lines) and (fits < 2 or len(lines) - fits < 2):
            break_before = min(fits, len(lines) - 2)
            if break_before < 2:
                self.new_page(self._continued)
                break_before = -1
        for index, line in enumerate(lines):
            if index == break_before:
                self.new_page(self._continued)
            self.room(pitch)
            self._y -= pitch
            if bullet and index == 0:
                self._text(MARGIN_LEFT_IN + indent_in - 0.18, self._y, bullet, size=size)
            self._text(
                MARGIN_LEFT_IN + indent_in, self._y, line, size=size, colour=colour, bold=bold
            )
        self._y -= after_in

    def block(self, height_in: float, draw: Callable[[Figure, float, float], None]) -> None:
        """A drawing of fixed height (a chart): ``draw(fig, bottom_in, height_in)``."""
        self.room(height_in + BLOCK_GAP_IN)
        self._y -= height_in + BLOCK_GAP_IN
        draw(self.page, self._y, height_in)
        self._y -= BLOCK_GAP_IN

    def table(self, columns: list[Column], rows: list[list[str]], size: float = TABLE_PT) -> None:
        """A table whose rows run on over as many pages as needed, heading repeated.

        A long text cell (a note) wraps onto up to ``MAX_CELL_LINES`` lines in its row.
        """
        pitch = _pitch_in(size) * 1.08
        self.room(pitch + 0.08 + 3 * pitch)
        self._table_header(columns, size, pitch)
        stripes: list[tuple[float, int]] = []
        for index, row in enumerate(rows):
            cells = [
                self._cell_lines(cell, column, size)
                for column, cell in zip(columns, row, strict=True)
            ]
            height = max(1, *(len(lines) for lines in cells))
            if self._y - height * pitch < MARGIN_BOTTOM_IN:
                self._stripes(stripes, pitch)
                stripes = []
                self.new_page(self._continued)
                self._table_header(columns, size, pitch)
            self._y -= pitch
            if index % 2 == 1:
                stripes.append((self._y, height))
            x = MARGIN_LEFT_IN
            for column, lines in zip(columns, cells, strict=True):
                anchor = x + column.width_in - 0.06 if column.align == "right" else x
                for number, line in enumerate(lines):
                    self._text(
                        anchor, self._y - number * pitch, line, size=size, align=column.align
                    )
                x += column.width_in
            self._y -= (height - 1) * pitch
        self._stripes(stripes, pitch)
        self._y -= 0.1

    def _cell_lines(self, cell: str, column: Column, size: float) -> list[str]:
        if not cell:
            return []
        width_pt = column.width_in * 72.0 - 6
        if column.align == "right":
            return [self._metrics.shorten(cell, width_pt, size)]
        lines = self._metrics.wrap(cell, width_pt, size)
        if len(lines) > MAX_CELL_LINES:
            rest = " ".join(lines[MAX_CELL_LINES - 1 :])
            lines = [
                *lines[: MAX_CELL_LINES - 1],
                self._metrics.shorten(rest + " …", width_pt, size),
            ]
        return lines

    def _table_header(self, columns: list[Column], size: float, pitch: float) -> None:
        self._y -= pitch
        x = MARGIN_LEFT_IN
        for column in columns:
            anchor = x + column.width_in - 0.06 if column.align == "right" else x
            self._text(anchor, self._y, column.title, size=size, bold=True, align=column.align)
            x += column.width_in
        rule_y = self._y - 0.06
        self.page.add_artist(_rule(self.page, rule_y))
        self._y = rule_y - 0.02

    def _stripes(self, rows: list[tuple[float, int]], pitch: float) -> None:
        """Shade every other row (first baseline, lines) in one drawing call."""
        if not rows:
            return
        from matplotlib.collections import PolyCollection

        left, right = MARGIN_LEFT_IN - 0.05, PAGE_WIDTH_IN - MARGIN_RIGHT_IN + 0.05
        low = pitch * 0.3  # the baseline sits about a third of a line above the row's foot
        shapes = []
        for baseline, lines in rows:
            top, bottom = baseline - low + pitch, baseline - low - (lines - 1) * pitch
            shapes.append([(left, bottom), (right, bottom), (right, top), (left, top)])
        stripes = PolyCollection(
            shapes,
            facecolors="#EEF2F6",
            edgecolors="none",
            transform=self.page.dpi_scale_trans,
            zorder=-1,
        )
        self.page.add_artist(stripes)

    def _text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        bold: bool = False,
        colour: str = "black",
        align: str = "left",
    ) -> None:
        self._blocks[-1].add(Line(x, y, text, size, bold, colour, align))

    def finish(self, owner: str, made: str, note: str) -> list[Figure]:
        """Add the footer and page numbers to every page; return the pages.

        The footer reads "<owner> · <made> · <note>" on one line when that fits beside the
        page number. Otherwise the note moves to a line below, and the owner (a name of up
        to 200 characters) is cut with "…" so that nothing runs into "Page 1 of 4".
        """
        total = len(self.pages)
        width = self._metrics.width_pt
        # The widest page number of this report: every page's footer is laid out alike.
        number_pt = width(f"Page {total} of {total}", MARGIN_TEXT_PT)
        room_pt = (TEXT_WIDTH_IN - FOOTER_GAP_IN) * 72.0 - number_pt
        lines = [f"{owner} · {made} · {note}"]
        if width(lines[0], MARGIN_TEXT_PT) > room_pt:
            tail = f" · {made}"
            name = self._metrics.shorten(
                owner, room_pt - width(tail, MARGIN_TEXT_PT), MARGIN_TEXT_PT
            )
            lines = [name + tail, note]
        pitch = _pitch_in(MARGIN_TEXT_PT)
        for number, block in enumerate(self._blocks, start=1):
            for row, text in enumerate(lines):
                y = FOOTER_IN - row * pitch
                block.add(Line(MARGIN_LEFT_IN, y, text, MARGIN_TEXT_PT, False, TEXT_GREY, "left"))
            page = f"Page {number} of {total}"
            x = PAGE_WIDTH_IN - MARGIN_RIGHT_IN
            block.add(Line(x, FOOTER_IN, page, MARGIN_TEXT_PT, False, TEXT_GREY, "right"))
        return self.pages


def _rule(fig: Figure, y: float) -> Line2D:
    from matplotlib.lines import Line2D

    return Line2D(
        [MARGIN_LEFT_IN, PAGE_WIDTH_IN - MARGIN_RIGHT_IN],
        [y, y],
        transform=fig.dpi_scale_trans,
        color=RULE_GREY,
        linewidth=0.8,
    )
