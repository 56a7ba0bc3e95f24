"""``tracker import`` and ``Tracker.import_file``: a CSV file or a FHIR Bundle, by content.

The dispatch between the two formats lives here, not in the command line: a ``.json``
name or content starting with ``{`` is a FHIR Bundle, anything else CSV. The flags of the
newest imported reading of each series are judged once the import has been committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from tracker.services.after_commit import pause_after_commit_for_tests
from tracker.services.import_csv import ImportOptions, import_csv, open_file
from tracker.services.import_fhir import import_fhir, looks_like_fhir
from tracker.services.import_summary import ImportFlags, ImportSummary, imported_flags

if TYPE_CHECKING:
    from tracker.store.database import Database

ImportFormat = Literal["csv", "fhir"]


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: its summary, which format it read, and the flags it raised."""

    summary: ImportSummary
    format: ImportFormat
    flags: ImportFlags
    # Lines about what a FHIR Bundle held beside the readings and events (skipped entries).
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the file held no rows (a header alone, or a Bundle without entries)."""
        return self.summary.rows == 0


def import_stream(
    database: Database,
    stream: IO[bytes],
    options: ImportOptions,
    *,
    name: str,
    today: date,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    committed: Callable[[ImportSummary], None] | None = None,
) -> ImportOutcome:
    """Import ``stream`` (called ``name`` in messages), all or nothing.

    ``committed`` is called with the summary once the rows are committed, before the
    flags are checked: the command line then knows what an interrupt would not undo.
    """
    if looks_like_fhir(name, stream):
        fhir_summary = import_fhir(database, stream, options, name=name, today=today)
        _after_commit(fhir_summary, committed)
        return ImportOutcome(
            fhir_summary, "fhir", imported_flags(database, fhir_summary), fhir_summary.notes
        )
    summary = import_csv(
        database, stream, options, name=name, today=today, progress=progress, warn=warn
    )
    _after_commit(summary, committed)
    return ImportOutcome(summary, "csv", imported_flags(database, summary))


def _after_commit(
    summary: ImportSummary, committed: Callable[[ImportSummary], None] | None
) -> None:
    if committed is not None:
        committed(summary)
    pause_after_commit_for_tests()


def import_file(
    database: Database,
    path: Path,
    options: ImportOptions,
    *,
    today: date,
    warn: Callable[[str], None] | None = None,
) -> ImportOutcome:
    """Import the file at ``path`` (CSV or FHIR, by its name and content)."""
    with open_file(str(path)) as (stream, _size):
        return import_stream(database, stream, options, name=str(path), today=today, warn=warn)
