"""Files the tracker writes for the user: private (0600) and never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tracker.errors import TrackerError


@contextmanager
def atomic_private_text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``path`` (mode 0600) only once fully written.

    It is written to a temporary file beside ``path`` (mkstemp creates it 0600) and
    renamed over ``path`` at the end, so a reader never sees half a file and a failure
    leaves any earlier file as it was. Newlines are written as given.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=folder)
    except OSError as error:
        raise TrackerError(f"cannot write {path}: {error.strerror or error}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.replace(temp, path)
        except OSError as error:
            raise TrackerError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        temp.unlink(missing_ok=True)
