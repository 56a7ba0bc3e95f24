"""Report rendering: plain data in, PNG/PDF bytes out; it never opens a database.

Installed as ``tracker.reports``. Importing this package imports nothing: callers import
what they use from its modules (``tracker.reports.data``, ``tracker.reports.output``,
``tracker.reports.svg``), and matplotlib loads only when a report is drawn, so the
tracker's other commands stay fast. The names below are still found here on first use
(``from tracker.reports import ReportInput``), each from the module that holds it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> the module of this package that holds it
_HOMES = {
    "ReportInput": "data",
    "check_destination": "output",
    "render_report": "output",
    "report_format": "output",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Import ``name``'s module on first use (PEP 562), so importing the package is free."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
