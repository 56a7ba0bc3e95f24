"""All the one-line texts of a page, drawn by one artist.

A page of the PDF holds hundreds of short texts (table cells, wrapped lines). As
``matplotlib.text.Text`` objects each would be laid out, measured and transformed on its
own, which costs more than drawing the charts; here the positions are already known (in
inches, baselines), so the artist hands each string straight to the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Line:
    """One string: baseline start (or end, or centre) in inches from the page's corner."""

    x_in: float
    y_in: float
    text: str
    size_pt: float
    bold: bool
    colour: str
    align: str  # "left", "right" or "center"


class TextBlock(Artist):
    """Draws many :class:`Line` s in the order they were added (that is the reading order)."""

    def __init__(self, fig: Figure) -> None:
        super().__init__()
        self._fig = fig
        self.set_figure(fig)
        self.lines: list[Line] = []

    def add(self, line: Line) -> None:
        """Queue a line for drawing."""
        self.lines.append(line)

    def draw(self, renderer: RendererBase) -> None:
        """Hand every line to the renderer at its baseline position."""
        if not self.get_visible() or not self.lines:
            return
        fonts: dict[tuple[float, bool], FontProperties] = {}
        to_display = self._fig.dpi_scale_trans
        height = self._fig.bbox.height
        gc = renderer.new_gc()
        try:
            for line in self.lines:
                key = (line.size_pt, line.bold)
                prop = fonts.get(key)
                if prop is None:
                    prop = FontProperties(
                        size=line.size_pt, weight="bold" if line.bold else "normal"
                    )
                    fonts[key] = prop
                x, y = to_display.transform((line.x_in, line.y_in))
                if line.align != "left":
                    width, _height, _descent = renderer.get_text_width_height_descent(
                        line.text, prop, ismath=False
                    )
                    x -= width if line.align == "right" else width / 2
                if renderer.flipy():
                    y = height - y
                gc.set_foreground(line.colour)
                renderer.draw_text(gc, x, y, line.text, prop, 0.0, ismath=False)
        finally:
            gc.restore()
