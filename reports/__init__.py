"""Report rendering: plain data in, PNG/PDF bytes out; it never opens a database.

Installed as ``tracker.reports``. Importing this package does not import matplotlib:
that happens only when a report is drawn, so the tracker's other commands stay fast.
"""

from .data import ReportInput
from .output import check_destination, render_report, report_format

__all__ = ["ReportInput", "check_destination", "render_report", "report_format"]
