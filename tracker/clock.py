"""What "today" is, for every command and library call (one source of truth).

``TRACKER_TODAY=YYYY-MM-DD`` pins the date so tests and demonstrations give the same
answer on any day; it is meant for testing. ``add`` (``today``, ``yesterday``, "not in
the future"), ``import``, ``event add``, ``due``, ``review``, ``check``, the report's date and the
library (``tracker.Tracker``) all ask here, never ``date.today()`` themselves.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from tracker.errors import ValidationError

TODAY_ENV = "TRACKER_TODAY"
# reproducible-builds.org: a build (here, a report) made from the same input on any day
# gives the same bytes when this names the moment to record.
SOURCE_DATE_EPOCH_ENV = "SOURCE_DATE_EPOCH"


def today() -> date:
    """Today's date, or the one ``TRACKER_TODAY`` pins (for tests)."""
    pinned = os.environ.get(TODAY_ENV, "").strip()
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise ValidationError(f"{TODAY_ENV}={pinned!r} is not a date like 2026-05-04") from None


def source_date_epoch() -> datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` names (seconds since 1970, UTC), else None.

    The one reading of the variable: the report's printed date and the PDF's creation date
    both come from here.
    """
    epoch = os.environ.get(SOURCE_DATE_EPOCH_ENV, "").strip()
    if not (epoch.isascii() and epoch.isdigit()):
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC)
