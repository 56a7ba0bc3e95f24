"""Whether new files can be made beside a path: the folder's permissions, and a disk
that is not full.

Asked each time a SQLite file is opened for writing (tracker/store/database.py), so it
lives apart from the copying code that also needs it (tracker/store/sqlite_copies.py).
"""

from __future__ import annotations

import os
from pathlib import Path

# Below this much free space, the disk is treated as full: SQLite could not even create
# the 32 KiB -shm file a WAL reader needs (a design choice, not a measured figure).
FULL_DISK_BYTES = 1024 * 1024


def folder_writable(path: Path) -> bool:
    """Whether files can be created beside ``path`` (root included: chattr +i, ro mounts,
    and a disk with next to no free space)."""
    if not os.access(path.parent, os.W_OK):
        return False
    try:
        usage = os.statvfs(path.parent)
    except OSError:
        return True
    return usage.f_bavail * usage.f_frsize >= FULL_DISK_BYTES
