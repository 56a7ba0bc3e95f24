"""Tumor-marker tracker: log CEA and CA 15-3 results, see trends, discuss them with your oncologist.

The tracker informs; it never diagnoses. ``from tracker import Tracker`` is the library's
front door; it is loaded on first use, so ``import tracker`` loads neither SQLAlchemy nor
matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["LoggedReading", "Tracker", "__version__"]

if TYPE_CHECKING:
    from tracker.library import LoggedReading, Tracker


def __getattr__(name: str) -> Any:
    if name in ("Tracker", "LoggedReading"):
        from tracker import library

        return getattr(library, name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
