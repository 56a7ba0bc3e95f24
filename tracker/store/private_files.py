"""Files the tracker writes for the user: private (0600) and never half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tracker.errors import TrackerError


@contextmanager
def atomic_private_text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``path`` only once it is fully written.

    It is written to a temporary file beside ``path`` and renamed over it at the end, so
    a reader never sees half a file and a failure leaves any earlier file as it was. A
    new file is private (0600: it holds health data); a file written over keeps its mode
    (as reports do: one shared on purpose stays shared). Newlines are written as given.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise TrackerError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        # mkstemp creates the file 0600, in the same folder so the rename is atomic.
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
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, path)
        except OSError as error:
            raise TrackerError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        temp.unlink(missing_ok=True)
