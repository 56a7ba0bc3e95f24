"""Load the parts of fontTools a PDF may not need only when they are used.

matplotlib's PDF backend imports ``fontTools.subset`` as it loads (and, through
``matplotlib.dviread``, ``fontTools.agl``), but calls the subsetter only to embed part of
a TrueType font (DejaVu Sans, for text the PDF core fonts cannot show) and the glyph list
only for TeX output, which the report never uses. Most reports are drawn with the core
Helvetica, which is never embedded, and those two imports alone cost about a twentieth of
such a report's time (benchmarks/RESULTS.md). The standard library's
:class:`importlib.util.LazyLoader` registers a module and runs it at its first use, so
a report that embeds DejaVu still gets the real subsetter.
"""

from __future__ import annotations

import importlib.util
import sys
import threading

# Imported by matplotlib.backends.backend_pdf (directly or through matplotlib.dviread).
DEFERRED = ("fontTools.subset", "fontTools.agl")
# Two reports starting at once (the web app) register each module once. The first use
# of a deferred module runs while drawing, which one thread at a time does
# (reports/style.py, rendering).
_REGISTERING = threading.Lock()


def defer_font_tools() -> None:
    """Register :data:`DEFERRED` to load when first used (call before loading backend_pdf)."""
    with _REGISTERING:
        for name in DEFERRED:
            _defer(name)


def _defer(name: str) -> None:
    if name in sys.modules:
        return  # already loaded (or already deferred): nothing to save
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # matplotlib's own import will report the missing package
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    # As the import system does for a loaded submodule, so `fontTools.agl` resolves.
    package, _, child = name.rpartition(".")
    setattr(sys.modules[package], child, module)
