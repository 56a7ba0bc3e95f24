"""``tracker import`` and ``Tracker.import_file``: CSV, FHIR Bundle, NDJSON or HL7 v2, by content.

The dispatch between the formats lives here, not in the command line (README "Importing
from your lab or hospital"): an ``.hl7`` name or content starting with ``MSH|`` is HL7 v2;
an ``.ndjson`` name or a first line that is one whole resource is FHIR NDJSON; a
``.json`` name or content starting with ``{`` is a FHIR Bundle; anything else CSV. The
flags of the newest imported reading of each series are judged once the import has been
committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from tracker.interchange.hl7_oru import looks_like_hl7
from tracker.interchange.ndjson import looks_like_ndjson
from tracker.services.importing.csv_file import ImportOptions, import_csv, open_file
from tracker.services.importing.fhir_bundle import import_fhir, looks_like_fhir
from tracker.services.importing.hl7_messages import import_hl7
from tracker.services.importing.ndjson_lines import import_ndjson
from tracker.services.importing.summary import ImportFlags, ImportSummary, imported_flags
from tracker.store.pauses_for_tests import pause_after_commit_for_tests

if TYPE_CHECKING:
    from tracker.store.database import Database

ImportFormat = Literal["csv", "fhir", "ndjson", "hl7"]
# How much of a file is looked at to tell the formats apart (an NDJSON file's first line
# must fit in it to be recognised by content; its extension is enough otherwise).
SNIFF_BYTES = 64 * 1024


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
    head = _peek(stream)
    if looks_like_hl7(name, head):
        hl7_summary = import_hl7(database, stream, options, name=name, today=today)
        _after_commit(hl7_summary, committed)
        return ImportOutcome(
            hl7_summary, "hl7", imported_flags(database, hl7_summary), hl7_summary.notes
        )
    if looks_like_ndjson(name, head):
        ndjson_summary = import_ndjson(database, stream, options, name=name, today=today)
        _after_commit(ndjson_summary, committed)
        return ImportOutcome(
            ndjson_summary, "ndjson", imported_flags(database, ndjson_summary), ndjson_summary.notes
        )
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


def _peek(stream: IO[bytes]) -> bytes:
    """The first bytes of ``stream``, left in place (b'' when they cannot be looked at)."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = bytes(peek(SNIFF_BYTES))[:SNIFF_BYTES]
        if len(head) >= SNIFF_BYTES or not stream.seekable():
            return head
    if stream.seekable():
        position = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(position)
        return head
    return b""


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
    """Import the file at ``path`` (CSV, FHIR, NDJSON or HL7 v2, by its name and content)."""
    with open_file(str(path)) as (stream, _size):
        return import_stream(database, stream, options, name=str(path), today=today, warn=warn)
