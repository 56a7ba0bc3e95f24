"""A report's bytes: PNG or PDF by the name's ending, and the checks before drawing.

Writing the bytes is the caller's (``tracker.store.private_files``, the one way the tracker
writes a user's file: private, complete or not at all, the folder synced), so this
package stays free of file writes and of the store.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import TrackerError, ValidationError

from .data import ReportInput

FORMATS = (".pdf", ".png")


def report_format(out: Path) -> str:
    """``"pdf"`` or ``"png"`` from the file name (any case); anything else is refused."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        got = f"'{out.name}'" if out.name else f"'{out}'"
        raise ValidationError(f"report must end in .pdf or .png; got {got}")
    return suffix[1:]


def check_destination(out: Path) -> None:
    """Refuse, before any drawing, a path the report cannot be written to."""
    folder = out.parent
    if out.is_dir():
        raise TrackerError(f"cannot write the report to {out}: it is a folder")
    if not folder.exists():
        raise TrackerError(f"cannot write the report to {out}: folder {folder} does not exist")
    if not folder.is_dir():
        raise TrackerError(f"cannot write the report to {out}: {folder} is not a folder")


def render_report(data: ReportInput, kind: str) -> bytes:
    """The report as bytes: ``kind`` is ``"pdf"`` or ``"png"``."""
    if not data.shown_markers():
        period = f" since {data.since.isoformat()}" if data.since else ""
        raise ValidationError(f"no readings to report for {data.patient}{period}")
    # matplotlib loads only here, on the report path.
    if kind == "png":
        from .charts import render_png

        return render_png(data)
    from .pdf import render_pdf

    return render_pdf(data)
