"""Chart SVGs, drawn once per data version and kept while the server runs.

The dashboard computes each marker's key from exactly what its chart shows (readings,
events, settings, the date) and leaves the data here; the chart's own request draws it
once. A reload with the same data finds the SVG already drawn.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypeVar

from tracker.reports import ReportInput

_T = TypeVar("_T")
KEEP = 32  # charts kept; a few patients' worth of markers


class ChartCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, tuple[ReportInput, str]] = OrderedDict()
        self._drawn: OrderedDict[str, str] = OrderedDict()
        self.draws = 0  # how many charts were drawn (tests read it)

    def offer(self, key: str, data: ReportInput, marker_code: str) -> None:
        """Remember what to draw for ``key`` unless it is drawn already."""
        with self._lock:
            if key in self._drawn:
                self._drawn.move_to_end(key)
                return
            self._pending[key] = (data, marker_code)
            _trim(self._pending)

    def svg(self, key: str) -> str | None:
        """The SVG for ``key``, drawn now if needed; None for a key never offered."""
        with self._lock:
            if key in self._drawn:
                return self._drawn[key]
            job = self._pending.pop(key, None)
        if job is None:
            return None
        from tracker.reports.svg import render_marker_svg

        drawn: str = render_marker_svg(*job)
        with self._lock:
            self._drawn[key] = drawn
            self.draws += 1
            _trim(self._drawn)
        return drawn


def _trim(entries: OrderedDict[str, _T]) -> None:
    while len(entries) > KEEP:
        entries.popitem(last=False)
