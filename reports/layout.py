"""Measuring and wrapping text for the report pages.

Widths come from the font the text will be drawn with: DejaVu Sans (shipped with
matplotlib; the PNG, and PDFs that embed it) or the PDF core font Helvetica, whose
metrics ship with matplotlib as an AFM file. Advances are looked up once per character:
measuring every candidate line through a renderer would cost more than drawing the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.ft2font import FT2Font

ELLIPSIS = "…"
_SIZE_PT = 100.0
# Where StandardEncoding (the AFM codes) differs from ASCII.
_AFM_NAMES = {"'": "quotesingle", "`": "grave"}


@cache
def _dejavu(bold: bool) -> FT2Font:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    props = font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    font = FT2Font(str(font_manager.findfont(props, fallback_to_default=True)))
    font.set_size(_SIZE_PT, 72)
    return font


@cache
def _last_resort() -> FT2Font | None:
    """The font matplotlib (3.6 and later) draws characters with that no other font has."""
    import matplotlib
    from matplotlib.ft2font import FT2Font

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "LastResortHE-Regular.ttf"
    if not path.is_file():
        return None
    font = FT2Font(str(path))
    font.set_size(_SIZE_PT, 72)
    return font


@cache
def _dejavu_advance(char: str, bold: bool) -> float:
    """The advance width of one character at 1 pt, in points."""
    from matplotlib.ft2font import LoadFlags

    font = _dejavu(bold)
    if font.get_char_index(ord(char)) == 0:
        # A character DejaVu lacks (e.g. CJK) is drawn from matplotlib's last-resort font,
        # wider than an em (a name of such characters ran past the margin when taken as 1).
        last_resort = _last_resort()
        if last_resort is None:
            return 1.0
        font = last_resort
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    # linearHoriAdvance is 16.16 fixed point, in pixels at 72 dpi (= points).
    return float(glyph.linearHoriAdvance) / 65536.0 / _SIZE_PT


@cache
def _helvetica(bold: bool) -> tuple[dict[int, float], dict[str, float]]:
    """Helvetica's advances at 1 pt, by StandardEncoding code and by glyph name."""
    import matplotlib

    name = "Helvetica-Bold.afm" if bold else "Helvetica.afm"
    path = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts" / name
    by_code: dict[int, float] = {}
    by_name: dict[str, float] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if not line.startswith("C "):
            continue
        fields = dict(
            part.strip().split(" ", 1) for part in line.split(";") if part.strip().count(" ")
        )
        width = float(fields["WX"]) / 1000.0
        by_code[int(fields["C"])] = width
        by_name[fields["N"].strip()] = width
    return by_code, by_name


@cache
def _helvetica_advance(char: str, bold: bool) -> float:
    by_code, by_name = _helvetica(bold)
    if char in _AFM_NAMES:
        return by_name[_AFM_NAMES[char]]
    if 32 <= ord(char) < 127:
        return by_code[ord(char)]
    # Accented letters and punctuation: DejaVu's advance is at least Helvetica's.
    return _dejavu_advance(char, bold)


@dataclass(frozen=True)
class Metrics:
    """Text measurement for one font: DejaVu Sans, or Helvetica when ``core_fonts``."""

    core_fonts: bool = False

    def width_pt(self, text: str, size_pt: float, *, bold: bool = False) -> float:
        """The width of ``text`` drawn at ``size_pt``, in points (kerning ignored)."""
        advance = _helvetica_advance if self.core_fonts else _dejavu_advance
        return sum(advance(char, bold) for char in text) * size_pt

    def wrap(self, text: str, width_pt: float, size_pt: float, *, bold: bool = False) -> list[str]:
        """Split ``text`` into lines no wider than ``width_pt`` (breaking at spaces)."""
        lines: list[str] = []
        space = self.width_pt(" ", size_pt, bold=bold)
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                width = self.width_pt(word, size_pt, bold=bold)
                # Widths add up word by word: one pass over the text, however long.
                if line and used + space + width > width_pt:
                    lines.append(line)
                    line, used = "", 0.0
                if line:
                    line, used = f"{line} {word}", used + space + width
                else:
                    line, used = word, width
                # A single word wider than the line (a long lab name) is cut, not overflowed.
                while used > width_pt and len(line) > 1:
                    head = self.shorten(line, width_pt, size_pt, bold=bold, mark="")
                    lines.append(head)
                    line = line[len(head) :]
                    used = self.width_pt(line, size_pt, bold=bold)
            lines.append(line)
        return lines

    def shorten(
        self,
        text: str,
        width_pt: float,
        size_pt: float,
        *,
        bold: bool = False,
        mark: str = ELLIPSIS,
    ) -> str:
        """``text`` cut to fit ``width_pt``, ending in ``mark`` when something was cut."""
        if self.width_pt(text, size_pt, bold=bold) <= width_pt:
            return text
        budget = width_pt - self.width_pt(mark, size_pt, bold=bold)
        used = 0.0
        for index, char in enumerate(text):
            used += self.width_pt(char, size_pt, bold=bold)
            if used > budget:
                return text[: max(index, 1)].rstrip() + mark
        return text


DEJAVU = Metrics(core_fonts=False)
