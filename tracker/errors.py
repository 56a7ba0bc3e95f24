"""The tracker's error types.

Every error a person can cause (bad values, unknown markers, missing patients, an
unreachable database) is a ``TrackerError``; the CLI turns each into one ``Error: …``
line and exit code 1, never a traceback.
"""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can act on; ``str(error)`` is the one-line message."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Extra lines shown after the first (e.g. the bad rows of an import).
        self.details = details or []


class ValidationError(TrackerError):
    """A value, unit, marker, date or name that the tracker does not accept."""


class NotFoundError(TrackerError):
    """A reading, event or patient id/name that does not exist."""


class DuplicateError(TrackerError):
    """The same reading, event or patient is already stored."""


class DatabaseError(TrackerError):
    """The database cannot be opened, read or written."""


class SchemaError(DatabaseError):
    """The database schema is not at the revision this version of the tracker expects."""


class ConfirmationRequired(TrackerError):
    """A destructive command was run without a terminal and without ``--yes``."""


class AmbiguousPatientError(TrackerError):
    """Several patients are stored and none was named: a usage error (exit 2)."""

    exit_code = 2
