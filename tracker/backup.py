"""Consistent copies of SQLite databases (the online backup API), private to the owner."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tracker.errors import TrackerError


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (created 0600) with SQLite's online backup API.

    The backup API copies a consistent snapshot even while another process writes, and
    includes what is still in the WAL file.
    """
    partial = target.with_name(f".{target.name}.partial")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise TrackerError(f"cannot write backup {target}: {exc.strerror}") from None
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
