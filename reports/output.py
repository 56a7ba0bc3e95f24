"""Writing a report file: PNG or PDF by the name's ending, atomically.

The file appears complete or not at all (temp file in the same folder, fsync, rename),
so an interrupted run never leaves half a PDF where the last good one was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
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


def write_report(data: ReportInput, out: Path) -> None:
    """Draw the report and write it to ``out`` (``.pdf`` or ``.png``)."""
    kind = report_format(out)
    check_destination(out)
    write_atomically(out, render_report(data, kind))


def write_atomically(out: Path, payload: bytes) -> None:
    """Replace ``out`` with ``payload`` in one step.

    A new file is private (0600: it holds health data); a replaced file keeps its mode.
    """
    try:
        mode = stat.S_IMODE(out.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise TrackerError(f"cannot write the report to {out}: {error.strerror}") from None
    temp_name = None
    try:
        # mkstemp creates the file 0600, in the same folder so the rename is atomic.
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, out)
        temp_name = None
        _sync_folder(out.parent)
    except OSError as error:
        reason = error.strerror or str(error)
        raise TrackerError(f"cannot write the report to {out}: {reason}") from None
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
