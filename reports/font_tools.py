"""Load fontTools' subsetter only if a PDF embeds a font.

matplotlib's PDF backend imports ``fontTools.subset`` as it loads (``from fontTools
import subset``), but calls it only to embed part of a TrueType font: DejaVu Sans, for
text the PDF core fonts cannot show. Most reports are drawn with the core Helvetica,
which is never embedded, and that import alone is a noticeable part of such a report's
time (benchmarks/RESULTS.md). The standard library's :class:`importlib.util.LazyLoader`
registers the module and runs it at its first use, so a report that embeds DejaVu still
gets the real subsetter.

Only the console process defers it (tracker/cli/report.py): on Python 3.11 a lazy module
is not safe to load from two threads at once, and a library user's or server's threads
may use fontTools themselves. In the console the first use comes while drawing, which one
thread at a time does (reports/style.py, ``rendering``).
"""

from __future__ import annotations

import importlib.util
import sys

SUBSETTER = "fontTools.subset"


def defer_font_subsetting() -> None:
    """Register ``fontTools.subset`` to run when first used (call before backend_pdf
    loads); nothing happens if it is loaded already."""
    if SUBSETTER in sys.modules:
        return
    spec = importlib.util.find_spec(SUBSETTER)  # ModuleNotFoundError without fontTools
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[SUBSETTER] = module
    loader.exec_module(module)
    # As the import system does for a loaded submodule.
    sys.modules["fontTools"].subset = module  # type: ignore[attr-defined]
