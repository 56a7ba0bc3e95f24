"""Colours, symbols and matplotlib settings shared by the PNG chart and the PDF report.

The palette is Okabe-Ito (safe for the common colour-vision deficiencies), and every
colour is paired with a distinct line style or symbol shape so a grey print still reads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
    FURTHER_RISE,
    LAB_CHANGED,
    POSSIBLE_FLARE,
    RISE,
    RISE_AFTER_FLARE_WINDOW,
    RISE_FROM_NADIR,
    STEADY_RISE,
)

if TYPE_CHECKING:
    from matplotlib.typing import LineStyleType, RcKeyType

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"

TEXT_GREY = "#444444"
RULE_GREY = "#999999"
BAND_COLOUR = SKY_BLUE
# Treatment lines alternate between two light greys so neighbouring lines stay apart;
# grey keeps the (blue) reference band and the coloured results readable on top.
TREATMENT_SHADES = ("#EDEDED", "#F7F7F7")
# The same lines in the events strip, darker so the bars stand out on white.
TREATMENT_BARS = ("#BDBDBD", "#DDDDDD")


@dataclass(frozen=True)
class SeriesStyle:
    """How one lab's readings are drawn."""

    colour: str
    linestyle: LineStyleType


# One style per lab group, in the order the groups first appear.
SERIES_STYLES = (
    SeriesStyle(BLUE, "-"),
    SeriesStyle(GREEN, "--"),
    SeriesStyle(PURPLE, "-."),
    SeriesStyle(BLACK, ":"),
)


@dataclass(frozen=True)
class FlagStyle:
    """The symbol for one flag kind, and its key text."""

    symbol: str
    colour: str
    label: str
    # Size relative to the other symbols (a star looks smaller than a square at one size).
    scale: float = 1.0


# Shapes differ by kind, so the key works in grey; rise-type flags share warm colours.
FLAG_STYLES: dict[str, FlagStyle] = {
    POSSIBLE_FLARE: FlagStyle("*", ORANGE, "possible flare after a treatment start", 1.35),
    RISE: FlagStyle("^", VERMILLION, "rise from the previous test"),
    STEADY_RISE: FlagStyle("p", VERMILLION, "steady rise in small steps"),
    RISE_FROM_NADIR: FlagStyle("D", VERMILLION, "rise from the lowest point (nadir)"),
    FURTHER_RISE: FlagStyle("P", VERMILLION, "a further step up after a flagged rise"),
    RISE_AFTER_FLARE_WINDOW: FlagStyle(
        "h", ORANGE, "still up after the flare window of a treatment start"
    ),
    ABOVE_REFERENCE: FlagStyle("s", PURPLE, "above the upper reference limit"),
    LAB_CHANGED: FlagStyle("X", TEXT_GREY, "different lab: not compared"),
    CHECK_ENTRY: FlagStyle("d", TEXT_GREY, "two results of one day disagree: check the entry"),
}
FLAG_ORDER = tuple(FLAG_STYLES)

# Short words for the readings table.
FLAG_WORDS: dict[str, str] = {
    POSSIBLE_FLARE: "possible flare",
    RISE: "rise",
    STEADY_RISE: "steady rise",
    RISE_FROM_NADIR: "rise from nadir",
    FURTHER_RISE: "further rise",
    RISE_AFTER_FLARE_WINDOW: "up after flare window",
    ABOVE_REFERENCE: "above limit",
    LAB_CHANGED: "new lab",
    CHECK_ENTRY: "check entry",
}

# DejaVu Sans ships inside matplotlib, so a PNG looks (and hashes) the same everywhere.
_BASE_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": TEXT_GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": TEXT_GREY,
    "ytick.color": TEXT_GREY,
    "xtick.labelcolor": BLACK,
    "ytick.labelcolor": BLACK,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    # Names and notes are data, not TeX: a "$" must print as a dollar sign.
    "text.parse_math": False,
    # U+2212 is not in the PDF core fonts' encoding; a hyphen prints everywhere.
    "axes.unicode_minus": False,
    "pdf.fonttype": 42,
    "pdf.compression": 6,
    "svg.hashsalt": "tumor-marker-tracker",
    "svg.fonttype": "none",
    "path.simplify": True,
    "savefig.facecolor": "white",
}


def rc_settings(*, core_fonts: bool) -> dict[RcKeyType, Any]:
    """The fixed settings for one rendering.

    ``core_fonts`` draws PDF text with the standard PDF font Helvetica instead of
    embedding DejaVu Sans: every viewer has it, and it draws text about ten times
    faster. It covers Western European text only (Windows-1252), so the caller
    falls back to the embedded font when a name or note needs more.
    """
    settings = dict(_BASE_RC)
    settings["pdf.use14corefonts"] = core_fonts
    settings["font.sans-serif"] = ["Helvetica", "DejaVu Sans"] if core_fonts else ["DejaVu Sans"]
    return settings


def fits_core_fonts(texts: Iterator[str] | list[str]) -> bool:
    """True when every text can be written with the PDF core fonts' encoding."""
    try:
        for text in texts:
            text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# matplotlib's state is the process's (rcParams, the font manager, the FT2Font objects
# that reports/layout.py caches) and is not thread-safe: the web app serves a page's
# charts and its PDF from a thread pool, and two charts drawn at once failed with
# "invalid outline" from FreeType. One drawing at a time per process; re-entrant because
# a drawing may call code that enters rendering() again.
_ONE_DRAWING = threading.RLock()


@contextmanager
def rendering(*, core_fonts: bool) -> Iterator[None]:
    """Matplotlib's defaults plus our settings, whatever the user's matplotlibrc says.

    Everything it changes (rcParams, the font manager's log level) is put back on the way
    out, and no other thread draws meanwhile. It never touches the garbage collector: that
    belongs to the process, and only the console entry point pauses it while drawing
    (tracker/cli/startup.py).
    """
    import matplotlib
    import matplotlib.style

    with _ONE_DRAWING:
        font_log = logging.getLogger("matplotlib.font_manager")
        old_level = font_log.level
        # The core Helvetica is registered as weight "Medium"; matplotlib warns about
        # that mismatch on every lookup, which would reach the user's terminal.
        font_log.setLevel(logging.ERROR)
        try:
            with (
                matplotlib.style.context("default"),
                matplotlib.rc_context(rc_settings(core_fonts=core_fonts)),
            ):
                yield
        finally:
            font_log.setLevel(old_level)
